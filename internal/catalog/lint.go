package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mdrgate/mdrgate/internal/engine"
)

// Problem is one finding of the policy linter: where, what is wrong and how to fix it.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// customKeys are the keys a control's METADATA custom block may hold.
var customKeys = []string{"id", "type", "severity", "refs", "evidence", "events", "remediation", "params"}

// Lint checks the policies in dirs (directories or .rego files) against the
// conventions of policies/README.md: complete and well-typed METADATA, an id used
// by no other control (built-in or not), known reference frameworks and IEC
// 81001-5-1 clauses, evidence paths that exist in the evidence document, declared
// parameters, tests for pass, fail and not_available, and deny/warn values shaped
// {msg, path, line}. It
// returns the problems sorted by file and line; an error means the policies could
// not be read.
func Lint(dirs []string) ([]Problem, error) {
	builtin, err := BuiltinModules()
	if err != nil {
		return nil, err
	}
	be, err := engine.New(builtin)
	if err != nil {
		return nil, fmt.Errorf("built-in policies: %w", err)
	}
	builtinIDs := map[string]*engine.Control{}
	for _, c := range be.Controls() {
		builtinIDs[c.ID] = c
	}
	var user []engine.Module
	for _, d := range dirs {
		m, err := engine.DirModules(d)
		if err != nil {
			return nil, err
		}
		user = append(user, m...)
	}
	l := &linter{src: map[string][]byte{}}
	parsed := map[string]*ast.Module{}
	for _, m := range user {
		l.src[m.Path] = m.Source
		p, err := engine.ParseModules([]engine.Module{m})
		if err != nil {
			l.fromError(m.Path, err)
			continue
		}
		parsed[m.Path] = p[m.Path]
	}
	files := make([]string, 0, len(parsed))
	for f := range parsed {
		files = append(files, f)
	}
	sort.Strings(files)

	// Tests by package.
	tests := map[string][]string{}
	testFiles := map[string]bool{}
	for _, f := range files {
		m := parsed[f]
		if !strings.HasSuffix(f, "_test.rego") {
			continue
		}
		pkg := strings.TrimSuffix(m.Package.Path.String(), "_test")
		for _, r := range m.Rules {
			if name := r.Head.Name.String(); strings.HasPrefix(name, "test_") {
				tests[pkg] = append(tests[pkg], name)
				testFiles[pkg] = true
			}
		}
	}

	seen := map[string]string{}
	for _, f := range files {
		m := parsed[f]
		if strings.HasSuffix(f, "_test.rego") {
			continue
		}
		pkg := m.Package.Path.String()
		pkgLine := 0
		if m.Package.Location != nil {
			pkgLine = m.Package.Location.Row
		}
		if pkg != engine.ControlsRoot && !strings.HasPrefix(pkg, engine.ControlsRoot+".") {
			for _, r := range m.Rules {
				if n := r.Head.Name.String(); n == "deny" || n == "warn" {
					l.add(f, pkgLine, fmt.Sprintf("package %s defines %s but is not under mdrgate.controls, so mdrgate never evaluates it: name the package mdrgate.controls.<name> (helpers without deny or warn may live elsewhere)", strings.TrimPrefix(pkg, "data."), n))
					break
				}
			}
			continue
		}
		var annot *ast.Annotations
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				annot = a
			}
		}
		l.checkShapes(f, m)
		if annot == nil {
			l.add(f, pkgLine, fmt.Sprintf("package %s has no METADATA block: put a '# METADATA' comment block with title, description and custom (id, type, severity, refs, evidence, events, remediation, params) right above the package line", strings.TrimPrefix(pkg, "data.")))
			continue
		}
		c, err := engine.ControlFromAnnotations(pkg, f, annot)
		if err != nil {
			l.fromError(f, err)
			continue
		}
		l.checkControl(f, annot, c)
		l.checkParams(f, m, c)
		if b, ok := builtinIDs[c.ID]; ok {
			l.add(f, l.keyLine(f, annot, "id"), fmt.Sprintf("custom.id %s is already used by the built-in control %s (%s): choose an id of your own, with your organisation's prefix (e.g. ACME-01)", c.ID, b.Title, b.Source))
		} else if other, ok := seen[c.ID]; ok {
			l.add(f, l.keyLine(f, annot, "id"), fmt.Sprintf("custom.id %s is also used by %s: ids must be unique", c.ID, other))
		}
		seen[c.ID] = f
		names := tests[pkg]
		if !testFiles[pkg] {
			l.add(f, pkgLine, fmt.Sprintf("control %s has no tests: add %s with test_ rules (package %s) for pass, fail and not_available", c.ID, strings.TrimSuffix(f, ".rego")+"_test.rego", strings.TrimPrefix(pkg, "data.")))
		} else {
			var missing []string
			for _, kind := range []string{"pass", "fail", "not_available"} {
				found := false
				for _, n := range names {
					if strings.Contains(n, kind) {
						found = true
					}
				}
				if !found {
					missing = append(missing, kind)
				}
			}
			if len(missing) > 0 {
				l.add(f, pkgLine, fmt.Sprintf("control %s has no test named for %s: add test rules whose names say so (e.g. test_%s)", c.ID, strings.Join(missing, ", "), missing[0]))
			}
		}
	}

	// Compile with the built-ins, tests included, when every file parsed and its
	// metadata is sound: type errors and undefined references come out here.
	if len(l.problems) == 0 && len(user) > 0 {
		all := append(append([]engine.Module{}, builtin...), user...)
		if p, err := engine.ParseModules(all); err != nil {
			l.fromError("", err)
		} else if _, err := engine.Compile(p); err != nil {
			l.fromError("", err)
		} else if _, err := engine.New(all); err != nil {
			l.fromError("", err)
		}
	}
	sort.SliceStable(l.problems, func(i, j int) bool {
		a, b := l.problems[i], l.problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return l.problems, nil
}

type linter struct {
	src      map[string][]byte
	problems []Problem
}

func (l *linter) add(file string, line int, msg string) {
	l.problems = append(l.problems, Problem{File: file, Line: line, Msg: msg})
}

var posRe = regexp.MustCompile(`^(.+?):(\d+): (.*)$`)

var frameworkRe = regexp.MustCompile(`unknown framework "([^"]+)"`)

var keyRe = regexp.MustCompile(`custom\.([a-z_0-9]+)(?:\.([a-z_0-9]+))?|METADATA (title)`)

// fromError turns a parse, compile or metadata error into problems.
func (l *linter) fromError(file string, err error) {
	var me *engine.MetadataError
	if errors.As(err, &me) {
		line := me.Line
		if k := keyRe.FindStringSubmatch(me.Msg); k != nil && line > 0 {
			key := k[1]
			if k[2] != "" {
				key = k[2]
			}
			if k[3] != "" {
				key = "title"
			}
			if fw := frameworkRe.FindStringSubmatch(me.Msg); fw != nil {
				key = fw[1]
			}
			line = l.findKey(me.Path, line, key)
		}
		l.add(me.Path, line, me.Msg+fixHint(me.Msg))
		return
	}
	var pe *engine.PolicyError
	if errors.As(err, &pe) {
		for _, s := range strings.Split(pe.Msg, "\n") {
			if m := posRe.FindStringSubmatch(s); m != nil {
				n, _ := strconv.Atoi(m[2])
				l.add(m[1], n, m[3])
			} else {
				l.add(file, 0, s)
			}
		}
		return
	}
	l.add(file, 0, err.Error())
}

// fixHint adds how to fix a metadata problem when the message does not say.
func fixHint(msg string) string {
	switch {
	case strings.Contains(msg, "is missing") && strings.Contains(msg, "custom."):
		return ": add it under custom: in the METADATA block (see policies/README.md)"
	case strings.Contains(msg, "title is missing"):
		return ": add 'title: <what the control checks>' to the METADATA block"
	}
	return ""
}

// findKey returns the line of "key:" in the METADATA comment block starting at
// line start, or start when it is not found.
func (l *linter) findKey(file string, start int, key string) int {
	lines := strings.Split(string(l.src[file]), "\n")
	re := regexp.MustCompile(`^#\s*` + regexp.QuoteMeta(key) + `\s*:`)
	for i := start - 1; i >= 0 && i < len(lines); i++ {
		s := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(s, "#") {
			break
		}
		if re.MatchString(s) {
			return i + 1
		}
	}
	return start
}

func (l *linter) keyLine(file string, a *ast.Annotations, key string) int {
	if a.Location == nil {
		return 0
	}
	return l.findKey(file, a.Location.Row, key)
}

// checkControl checks what the engine's metadata reading does not.
func (l *linter) checkControl(f string, a *ast.Annotations, c *engine.Control) {
	line := func(key string) int { return l.keyLine(f, a, key) }
	if strings.TrimSpace(c.Description) == "" {
		l.add(f, line("title"), "METADATA description is missing: add 'description:' saying what the control checks and where it looks; reports and docs show it")
	}
	if strings.TrimSpace(c.Remediation) == "" {
		l.add(f, line("custom"), "custom.remediation is missing: say what to do when the control fails; every failing report prints it")
	}
	keys := make([]string, 0, len(a.Custom))
	for k := range a.Custom {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, ck := range customKeys {
			known = known || ck == k
		}
		if !known {
			l.add(f, line(k), fmt.Sprintf("custom.%s is not a known key: valid keys are %s", k, strings.Join(customKeys, ", ")))
		}
	}
	fws := make([]string, 0, len(c.Refs))
	for k := range c.Refs {
		fws = append(fws, k)
	}
	sort.Strings(fws)
	for _, fw := range fws {
		if len(c.Refs[fw]) == 0 {
			l.add(f, line(fw), fmt.Sprintf("custom.refs.%s is empty: list the clauses, or remove the key", fw))
		}
	}
	for _, ref := range c.Refs["iec81001"] {
		if len(Match(iec81001Clauses, ref)) == 0 {
			l.add(f, line("iec81001"), fmt.Sprintf("custom.refs.iec81001: %q names no clause of IEC 81001-5-1:2021: cite clauses as numbered in the standard (e.g. 5.7.3; a range such as 5.7.1–5.7.2 as its clauses 5.7.1, 5.7.2)", ref))
		}
	}
	for _, ev := range c.Evidence {
		for _, alt := range strings.Split(ev, "|") {
			if err := CheckEvidencePath(strings.TrimSpace(alt)); err != nil {
				l.add(f, line("evidence"), fmt.Sprintf("custom.evidence %q: %v (see evidence/schema/evidence.schema.json)", strings.TrimSpace(alt), err))
			}
		}
	}
}

// checkShapes checks that deny and warn produce {msg, path, line} objects, where
// that can be told from the source.
func (l *linter) checkShapes(f string, m *ast.Module) {
	for _, r := range m.Rules {
		name := r.Head.Name.String()
		if len(r.Head.Reference) > 0 {
			name = r.Head.Reference.String()
		}
		if name != "deny" && name != "warn" {
			continue
		}
		term := r.Head.Key
		if term == nil {
			l.add(f, r.Location.Row, fmt.Sprintf("%s must be a set: write '%s contains lib.violation(msg, path, line) if { … }'", name, name))
			continue
		}
		if v, ok := term.Value.(ast.Var); ok {
			if t := assigned(r.Body, v); t != nil {
				term = t
			}
		}
		if why := badShape(term, m); why != "" {
			row := r.Location.Row
			if term.Location != nil {
				row = term.Location.Row
			}
			l.add(f, row, fmt.Sprintf("%s value %s: it must be an object {\"msg\": string, \"path\": string, \"line\": number}; use lib.violation(msg, path, line) from data.mdrgate.lib (path \"\" and line 0 when there is none)", name, why))
		}
	}
}

// assigned returns the term a body assigns to v (v := t or v = t), nil if none.
func assigned(body ast.Body, v ast.Var) *ast.Term {
	for _, e := range body {
		if !e.IsAssignment() && !e.IsEquality() {
			continue
		}
		ops := e.Operands()
		if len(ops) != 2 {
			continue
		}
		if x, ok := ops[0].Value.(ast.Var); ok && x.Equal(v) {
			return ops[1]
		}
	}
	return nil
}

// stringFuncs are built-ins that return strings.
var stringFuncs = map[string]bool{"sprintf": true, "concat": true, "format_int": true, "upper": true, "lower": true, "trim": true, "trim_space": true, "replace": true, "substring": true}

// badShape says what is wrong with a violation term, "" when it is fine or unknown.
func badShape(t *ast.Term, m *ast.Module) string {
	switch v := t.Value.(type) {
	case ast.String:
		return "is a string"
	case ast.Number:
		return "is a number"
	case ast.Boolean:
		return "is a boolean"
	case ast.Null:
		return "is null"
	case *ast.Array:
		return "is an array"
	case ast.Set:
		return "is a set"
	case ast.Object:
		var keys []string
		ok := v.Len() == 3
		v.Foreach(func(k, _ *ast.Term) {
			s, isStr := k.Value.(ast.String)
			if !isStr {
				ok = false
				keys = append(keys, k.String())
				return
			}
			keys = append(keys, string(s))
			if s != "msg" && s != "path" && s != "line" {
				ok = false
			}
		})
		if !ok {
			sort.Strings(keys)
			return "is an object with keys " + strings.Join(keys, ", ")
		}
	case ast.Call:
		op := v[0].String()
		if stringFuncs[op] {
			return "is a string (from " + op + ")"
		}
	}
	return ""
}

// checkParams checks that every lib.param(ID, name) of the control names the
// control itself and a parameter its METADATA declares: an undeclared one is
// undefined at evaluation, and the rule reading it silently never fires.
func (l *linter) checkParams(f string, m *ast.Module, c *engine.Control) {
	check := func(op *ast.Term, ops []*ast.Term, loc *ast.Location) {
		if name := op.String(); name != "lib.param" && name != "data.mdrgate.lib.param" {
			return
		}
		if len(ops) != 2 {
			return
		}
		row := 0
		if loc != nil {
			row = loc.Row
		}
		id, ok1 := ops[0].Value.(ast.String)
		name, ok2 := ops[1].Value.(ast.String)
		if !ok1 || !ok2 {
			return
		}
		if string(id) != c.ID {
			l.add(f, row, fmt.Sprintf("lib.param(%q, …) in control %s reads another control's parameters: use lib.param(%q, …)", string(id), c.ID, c.ID))
		} else if _, ok := c.Params[string(name)]; !ok {
			l.add(f, row, fmt.Sprintf("lib.param(%q, %q): %s declares no parameter %q, so it is undefined and the rule never fires: declare it under custom.params with its default", c.ID, string(name), c.ID, string(name)))
		}
	}
	// A call is an expression in a body, or a term (in a rule head or nested).
	ast.NewGenericVisitor(func(x any) bool {
		switch v := x.(type) {
		case *ast.Expr:
			if v.IsCall() {
				check(ast.NewTerm(v.Operator()), v.Operands(), v.Location)
			}
		case *ast.Term:
			if call, ok := v.Value.(ast.Call); ok && len(call) > 0 {
				check(call[0], call[1:], v.Location)
			}
		}
		return false
	}).Walk(m)
}
