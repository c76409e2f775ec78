// Package engine evaluates mdrgate's Rego controls against an evidence document:
// it compiles the built-in and user policies once, reads every control's METADATA,
// evaluates all controls in one query inside a sandbox, and turns the results into
// outcomes, waivers, gates and a verdict.
package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// DefaultTimeout bounds one evaluation of all controls.
const DefaultTimeout = 60 * time.Second

// deniedBuiltins are the builtins policies may not call: network access, the
// environment and randomness. time.now_ns stays, and returns the evaluation time.
var deniedBuiltins = map[string]bool{
	"http.send":          true,
	"net.lookup_ip_addr": true,
	"opa.runtime":        true,
	"rand.intn":          true,
	"uuid.rfc4122":       true,
	// JSON Schema builtins follow file:// $refs: a policy could read local files.
	"json.match_schema":  true,
	"json.verify_schema": true,
	// Certificate chain verification reads the clock.
	"crypto.x509.parse_and_verify_certificates":              true,
	"crypto.x509.parse_and_verify_certificates_with_options": true,
}

// Capabilities returns the sandboxed capabilities policies are compiled with.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := make([]*ast.Builtin, 0, len(caps.Builtins))
	for _, b := range caps.Builtins {
		if !deniedBuiltins[b.Name] {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

// Engine holds compiled policies and the controls they define.
type Engine struct {
	compiler *ast.Compiler
	// keys maps a control package and a result rule to its rule in the results module.
	keys map[string]map[string]string
	// resultsPkgs is the number of results packages (one per control package).
	resultsPkgs int
	modules     []Module
	controls    []*Control
	timeout     time.Duration
}

// Option configures an Engine.
type Option func(*Engine)

// WithTimeout bounds each evaluation; DefaultTimeout when not given.
func WithTimeout(d time.Duration) Option { return func(e *Engine) { e.timeout = d } }

// ParseModules parses Rego modules with annotations, as Rego v1, in the sandbox.
func ParseModules(ms []Module) (map[string]*ast.Module, error) {
	caps := Capabilities()
	parsed := make(map[string]*ast.Module, len(ms))
	for _, m := range ms {
		mod, err := ast.ParseModuleWithOpts(m.Path, string(m.Source), ast.ParserOptions{
			ProcessAnnotation: true,
			RegoVersion:       ast.RegoV1,
			Capabilities:      caps,
		})
		if err != nil {
			return nil, policyError(err)
		}
		if mod == nil {
			return nil, fmt.Errorf("%s: empty policy file: expected a package declaration", m.Path)
		}
		parsed[m.Path] = mod
	}
	return parsed, nil
}

// NewCompiler returns a compiler configured as evaluation compiles policies: the
// sandboxed capabilities, Rego v1 and type checking with annotations. The Rego
// test harness uses it too, so tests run under the same rules as evaluation.
func NewCompiler() *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(Capabilities()).
		WithDefaultRegoVersion(ast.RegoV1).
		WithUseTypeCheckAnnotations(true)
}

// Compile compiles parsed modules in the sandbox.
func Compile(parsed map[string]*ast.Module) (*ast.Compiler, error) {
	c := NewCompiler()
	c.Compile(parsed)
	if c.Failed() {
		return nil, policyError(c.Errors)
	}
	return c, nil
}

// New compiles the modules (test files are left out) and reads the controls.
func New(modules []Module, opts ...Option) (*Engine, error) {
	p, err := Parse(modules, opts...)
	if err != nil {
		return nil, err
	}
	return p.Compile()
}

// Parsed is policies parsed but not compiled: the first half of New. Compiling
// takes a good part of a second; a caller that needs only the controls'
// parameter defaults before it can start other work (collection needs the
// watched paths) reads them with DefaultParams and compiles concurrently.
type Parsed struct {
	e *Engine
	// parsed are the policy modules and the generated results modules.
	parsed map[string]*ast.Module
	// policies are the policy modules (no results modules).
	policies map[string]*ast.Module
	builtin  map[string]bool
}

// Parse does what New does before compiling: it parses the modules (test files
// are left out), checks the result rules and writes the results modules.
func Parse(modules []Module, opts ...Option) (*Parsed, error) {
	e := &Engine{timeout: DefaultTimeout}
	for _, o := range opts {
		o(e)
	}
	for _, m := range modules {
		if !m.IsTest() {
			e.modules = append(e.modules, m)
		}
	}
	sortModules(e.modules)
	for i := 1; i < len(e.modules); i++ {
		if e.modules[i].Path == e.modules[i-1].Path {
			return nil, fmt.Errorf("policy %s is loaded twice", e.modules[i].Path)
		}
	}
	parsed, err := ParseModules(e.modules)
	if err != nil {
		return nil, err
	}
	srcs, keys, err := resultsModule(parsed)
	if err != nil {
		return nil, err
	}
	policies := make(map[string]*ast.Module, len(parsed))
	for path, m := range parsed {
		policies[path] = m
	}
	for g, src := range srcs {
		results, err := ast.ParseModuleWithOpts(resultsFile(g), src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("generating the results module: %w", err)
		}
		parsed[resultsFile(g)] = results
	}
	e.keys = keys
	e.resultsPkgs = len(srcs)
	builtin := map[string]bool{}
	for _, m := range e.modules {
		builtin[m.Path] = m.Builtin
	}
	return &Parsed{e: e, parsed: parsed, policies: policies, builtin: builtin}, nil
}

// DefaultParams returns every control's parameter defaults, keyed by id, as
// (*Engine).DefaultParams will after Compile, read from the parsed METADATA
// without compiling. It fails where Compile may fail differently (the METADATA
// is read from the compiled policies there): a caller that gets an error
// compiles, and reports Compile's error when there is one.
// It may be called while Compile runs.
func (p *Parsed) DefaultParams() (map[string]map[string]any, error) {
	// In path order, as the compiler builds its annotation set.
	paths := make([]string, 0, len(p.policies))
	for path := range p.policies {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	mods := make([]*ast.Module, len(paths))
	for i, path := range paths {
		mods[i] = p.policies[path]
	}
	as, errs := ast.BuildAnnotationSet(mods)
	if len(errs) > 0 {
		return nil, policyError(errs)
	}
	controls, err := readControls(as.Flatten(), p.policies, p.builtin)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	for _, c := range controls {
		out[c.ID] = c.Params
	}
	return out, nil
}

// Compile compiles the parsed policies in the sandbox and reads the controls.
// The compiler works on copies: the parsed modules are not changed.
func (p *Parsed) Compile() (*Engine, error) {
	c, err := Compile(p.parsed)
	if err != nil {
		return nil, err
	}
	e := *p.e
	e.compiler = c
	if e.controls, err = readControls(c.GetAnnotationSet().Flatten(), p.policies, p.builtin); err != nil {
		return nil, err
	}
	return &e, nil
}

// Controls returns the controls' metadata, sorted by id.
func (e *Engine) Controls() []*Control { return e.controls }

// Modules returns the evaluated policy files, sorted by path.
func (e *Engine) Modules() []Module { return e.modules }

// Compiler returns the compiled policies.
func (e *Engine) Compiler() *ast.Compiler { return e.compiler }

// readControls finds every package under data.mdrgate.controls and its METADATA
// among the annotations.
func readControls(annotations []*ast.AnnotationsRef, parsed map[string]*ast.Module, builtin map[string]bool) ([]*Control, error) {
	pkgFiles := map[string][]string{}
	for path, m := range parsed {
		pkg := m.Package.Path.String()
		if pkg == ControlsRoot || strings.HasPrefix(pkg, ControlsRoot+".") {
			pkgFiles[pkg] = append(pkgFiles[pkg], path)
		}
	}
	byPkg := map[string]*Control{}
	for _, ar := range annotations {
		a := ar.Annotations
		if a == nil || a.Scope != "package" {
			continue
		}
		pkg := ar.Path.String()
		if _, ok := pkgFiles[pkg]; !ok {
			continue
		}
		file := ""
		if a.Location != nil {
			file = a.Location.File
		}
		if prev, ok := byPkg[pkg]; ok {
			return nil, &MetadataError{Path: file, Msg: fmt.Sprintf("package %s has a second package METADATA block (the first is in %s): keep one", strings.TrimPrefix(pkg, "data."), prev.Source)}
		}
		ctl, err := controlFromAnnotations(pkg, file, a)
		if err != nil {
			return nil, err
		}
		ctl.Builtin = builtin[file]
		byPkg[pkg] = ctl
	}
	pkgs := make([]string, 0, len(pkgFiles))
	for pkg := range pkgFiles {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)
	byID := map[string]*Control{}
	out := make([]*Control, 0, len(byPkg))
	for _, pkg := range pkgs {
		ctl, ok := byPkg[pkg]
		if !ok {
			files := pkgFiles[pkg]
			sort.Strings(files)
			return nil, &MetadataError{Path: files[0], Msg: fmt.Sprintf("package %s has no package METADATA block with custom.id: every package under mdrgate.controls is a control (put helpers under another package)", strings.TrimPrefix(pkg, "data."))}
		}
		if prev, ok := byID[ctl.ID]; ok {
			return nil, &MetadataError{Path: ctl.Source, Msg: fmt.Sprintf("control id %s is already used by %s (%s): ids must be unique", ctl.ID, strings.TrimPrefix(prev.Package, "data."), prev.Source)}
		}
		byID[ctl.ID] = ctl
		out = append(out, ctl)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Runtime is what policies may read besides the input: data.mdrgate.runtime.
type Runtime struct {
	Event string
	At    time.Time
	// Params maps a control id to its parameters: defaults merged with overrides.
	Params map[string]map[string]any
}

// Store returns an in-memory store holding data.mdrgate.runtime.
func (rt Runtime) Store() (storage.Store, error) {
	params := map[string]any{}
	for id, p := range rt.Params {
		params[id] = p
	}
	data := map[string]any{"mdrgate": map[string]any{"runtime": map[string]any{
		"event":   rt.Event,
		"time_ns": rt.At.UnixNano(),
		"time":    rt.At.UTC().Format(time.RFC3339),
		"params":  params,
	}}}
	v, err := ast.InterfaceToValue(data)
	if err != nil {
		return nil, fmt.Errorf("control parameters: %w", err)
	}
	obj, err := ast.JSON(v)
	if err != nil {
		return nil, fmt.Errorf("control parameters: %w", err)
	}
	return inmem.NewFromObject(obj.(map[string]any)), nil
}

// DefaultParams returns every control's parameter defaults, keyed by id.
func (e *Engine) DefaultParams() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, c := range e.controls {
		out[c.ID] = c.Params
	}
	return out
}

// raw is what one control's package produced.
type raw struct {
	deny, warn            []any
	notAvailable, notAppl []any
	err                   error
}

// The results modules gather, under one package per control package, the four
// result rules of that control, so that one query per control returns exactly
// what the engine reads and nothing of the policies' helper rules (which can be
// large).
//
// The per-control queries are dealt to GOMAXPROCS workers from one queue: OPA
// evaluates one query on one goroutine, the machines mdrgate runs on have more
// than one core, and the controls' costs differ by orders of magnitude, so a
// queue keeps the cores evenly busy where a fixed split of the controls would not.
const resultsPackage = "data.mdrgate_engine_results"

func resultsFile(i int) string { return fmt.Sprintf("mdrgate-engine-results-%d.rego", i) }

// resultRules are the rules of a control that the engine reads.
var resultRules = []string{"deny", "warn", "not_available", "not_applicable"}

// resultsModule writes the results module for the control packages among the
// modules, and returns the rule name it uses for each package's result rules.
//
// Every result rule must be a set rule (deny contains v if …): a deny written
// as an object (the Rego v0 form deny[msg] { … } read as v1), a boolean or a
// constant would otherwise be read as nothing, and the control would pass.
func resultsModule(parsed map[string]*ast.Module) ([]string, map[string]map[string]string, error) {
	rules := map[string]map[string]bool{}
	var errs []string
	for _, m := range parsed {
		pkg := m.Package.Path.String()
		if pkg != ControlsRoot && !strings.HasPrefix(pkg, ControlsRoot+".") {
			continue
		}
		if rules[pkg] == nil {
			rules[pkg] = map[string]bool{}
		}
		for _, r := range m.Rules {
			name := r.Head.Ref().String()
			rules[pkg][name] = true
			for _, want := range resultRules {
				if strings.HasPrefix(name, want) && (name == want || strings.HasPrefix(name, want+"[") || strings.HasPrefix(name, want+".")) && (name != want || r.Head.RuleKind() != ast.MultiValue) {
					loc := ""
					if r.Location != nil {
						loc = fmt.Sprintf("%s:%d: ", r.Location.File, r.Location.Row)
					}
					errs = append(errs, fmt.Sprintf("%s%s must be a set rule (%s contains {\"msg\": …, \"path\": …, \"line\": …} if { … }): other forms are not read, so the control would pass", loc, want, want))
				}
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, nil, &PolicyError{Msg: strings.Join(errs, "\n")}
	}
	pkgs := make([]string, 0, len(rules))
	for p := range rules {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	srcs := make([]string, len(pkgs))
	keys := map[string]map[string]string{}
	for i, pkg := range pkgs {
		var b strings.Builder
		fmt.Fprintf(&b, "package %s.p%d\n\n", strings.TrimPrefix(resultsPackage, "data."), i)
		keys[pkg] = map[string]string{}
		for _, r := range resultRules {
			if !rules[pkg][r] {
				continue
			}
			keys[pkg][r] = fmt.Sprintf("p%d.%s", i, r)
			fmt.Fprintf(&b, "%s := %s.%s\n", r, pkg, r)
		}
		srcs[i] = b.String()
	}
	return srcs, keys, nil
}

// evalAll evaluates every control in one query; when that fails it falls back to
// one query per result rule so that only the failing controls are errors.
func (e *Engine) evalAll(ctx context.Context, input ast.Value, rt Runtime) (map[string]raw, error) {
	store, err := rt.Store()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	timeout := fmt.Errorf("policy evaluation exceeded the time limit of %s", e.timeout)
	out := map[string]raw{}
	all, err := e.queryGroups(ctx, input, store, rt.At)
	if err == nil {
		for _, c := range e.controls {
			got := map[string]any{}
			for r, k := range e.keys[c.Package] {
				got[r] = all[k]
			}
			out[c.ID] = extract(got)
		}
		return out, nil
	}
	if ctx.Err() != nil {
		return nil, timeout
	}
	for _, c := range e.controls {
		got := map[string]any{}
		var firstErr error
		for r, k := range e.keys[c.Package] {
			v, err := e.query(ctx, resultsPackage+"."+k, input, store, rt.At)
			if ctx.Err() != nil {
				return nil, timeout
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
			got[r] = v
		}
		if firstErr != nil {
			out[c.ID] = raw{err: firstErr}
			continue
		}
		out[c.ID] = extract(got)
	}
	return out, nil
}

// queryGroups evaluates the results package of every control package, on
// GOMAXPROCS workers taking the next package from a queue, and returns their
// rules keyed "p<package index>.<rule>". The answer does not depend on the order
// the workers evaluate in: each query reads only the input and the store.
func (e *Engine) queryGroups(ctx context.Context, input ast.Value, store storage.Store, at time.Time) (map[string]any, error) {
	type answer struct {
		value any
		err   error
	}
	answers := make([]answer, e.resultsPkgs)
	workers := min(runtime.GOMAXPROCS(0), len(answers))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(answers) {
					return
				}
				v, err := e.query(ctx, fmt.Sprintf("%s.p%d", resultsPackage, i), input, store, at)
				answers[i] = answer{v, err}
				if err != nil {
					// The caller falls back to one query per rule: stop here.
					next.Store(int64(len(answers)))
					return
				}
			}
		}()
	}
	wg.Wait()
	all := map[string]any{}
	for i, a := range answers {
		if a.err != nil {
			return nil, a.err
		}
		m, _ := a.value.(map[string]any)
		for k, v := range m {
			all[fmt.Sprintf("p%d.%s", i, k)] = v
		}
	}
	return all, nil
}

func (e *Engine) query(ctx context.Context, ref string, input ast.Value, store storage.Store, at time.Time) (any, error) {
	r := rego.New(
		rego.Compiler(e.compiler),
		rego.Store(store),
		rego.Query(ref),
		rego.ParsedInput(input),
		rego.Capabilities(Capabilities()),
		rego.StrictBuiltinErrors(true),
		rego.Time(at),
	)
	rs, err := r.Eval(ctx)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return map[string]any{}, nil
	}
	return rs[0].Expressions[0].Value, nil
}

func extract(m map[string]any) raw {
	var bad error
	list := func(k string) []any {
		switch l := m[k].(type) {
		case nil:
			return nil
		case []any:
			return l
		default:
			bad = fmt.Errorf("%s evaluated to %T, not a set", k, l)
			return nil
		}
	}
	r := raw{deny: list("deny"), warn: list("warn"), notAvailable: list("not_available"), notAppl: list("not_applicable")}
	r.err = bad
	return r
}

// AsPolicyError formats OPA parse and compile errors (ast.Errors) as a
// *PolicyError with file:row positions; other errors are wrapped as they are.
func AsPolicyError(err error) error { return policyError(err) }

// policyError formats OPA parse and compile errors with file:row positions.
func policyError(err error) error {
	var errs ast.Errors
	if errors.As(err, &errs) {
		lines := make([]string, 0, len(errs))
		for _, e := range errs {
			loc := ""
			if e.Location != nil {
				loc = fmt.Sprintf("%s:%d: ", e.Location.File, e.Location.Row)
			}
			lines = append(lines, loc+e.Message)
		}
		sort.Strings(lines)
		if len(lines) > 10 {
			lines = append(lines[:10], fmt.Sprintf("… and %d more errors", len(errs)-10))
		}
		return &PolicyError{Msg: strings.Join(lines, "\n")}
	}
	return &PolicyError{Msg: err.Error()}
}

// PolicyError is a Rego parse or compile error.
type PolicyError struct{ Msg string }

func (e *PolicyError) Error() string { return "policy error: " + e.Msg }
