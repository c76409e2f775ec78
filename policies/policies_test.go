package policies_test

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mdrgate/mdrgate/internal/catalog"
	"github.com/mdrgate/mdrgate/policies"
)

// control is one control module with its package-scope metadata.
type control struct {
	file   string
	dir    string
	pkg    string
	id     string
	params map[string]any
	module *ast.Module
	annot  *ast.Annotations
}

// loadModules parses every .rego file of policies.FS.
func loadModules(t *testing.T) map[string]*ast.Module {
	t.Helper()
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		src, err := fs.ReadFile(policies.FS, p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return fmt.Errorf("parsing %s: %w", p, err)
		}
		modules[p] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(modules) == 0 {
		t.Fatal("policies.FS holds no .rego files")
	}
	return modules
}

// controls returns the control modules (controls/<dir>/<dir>.rego), sorted by file.
func controls(t *testing.T, modules map[string]*ast.Module) []control {
	t.Helper()
	var out []control
	for file, m := range modules {
		if !strings.HasPrefix(file, "controls/") || strings.HasSuffix(file, "_test.rego") {
			continue
		}
		c := control{file: file, dir: path.Base(path.Dir(file)), pkg: strings.TrimPrefix(m.Package.Path.String(), "data."), module: m}
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				c.annot = a
			}
		}
		if c.annot != nil {
			c.id, _ = c.annot.Custom["id"].(string)
			c.params, _ = c.annot.Custom["params"].(map[string]any)
		}
		if c.params == nil {
			c.params = map[string]any{}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].file < out[j].file })
	return out
}

var (
	idRe       = regexp.MustCompile(`^[A-Z]{3}-[0-9]{2}$`)
	evidenceRe = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)*( \| [a-z_]+(\.[a-z_]+)*)*$`)
	frameworks = []string{"iec81001", "mdr", "mdcg", "fda", "ssdf", "iec62304", "cra"}
	events     = []string{"pull_request", "release", "schedule"}
	severities = []string{"critical", "high", "medium", "low"}
	types      = []string{"A", "D", "X"}
	customKeys = []string{"id", "type", "severity", "refs", "evidence", "events", "remediation", "params"}
)

func stringList(v any) ([]string, bool) {
	items, ok := v.([]any)
	if !ok || len(items) == 0 {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// TestControlMetadata checks every control's METADATA against the README conventions.
func TestControlMetadata(t *testing.T) {
	modules := loadModules(t)
	cs := controls(t, modules)
	if len(cs) < 10 {
		t.Fatalf("found %d controls, want at least 10", len(cs))
	}
	seen := map[string]string{}
	for _, c := range cs {
		t.Run(c.file, func(t *testing.T) {
			if c.annot == nil {
				t.Fatal("no package-scope METADATA")
			}
			if strings.TrimSpace(c.annot.Title) == "" {
				t.Error("METADATA has no title")
			}
			if strings.TrimSpace(c.annot.Description) == "" {
				t.Error("METADATA has no description")
			}
			for _, k := range customKeys {
				if _, ok := c.annot.Custom[k]; !ok {
					t.Errorf("custom.%s is missing", k)
				}
			}
			for k := range c.annot.Custom {
				if !slices.Contains(customKeys, k) {
					t.Errorf("custom.%s is not a known key (known: %s)", k, strings.Join(customKeys, ", "))
				}
			}
			if !idRe.MatchString(c.id) {
				t.Errorf("custom.id %q is not DOMAIN-NN", c.id)
			}
			if other, dup := seen[c.id]; dup {
				t.Errorf("custom.id %s is also used by %s", c.id, other)
			}
			seen[c.id] = c.file
			wantDir := strings.ToLower(strings.ReplaceAll(c.id, "-", ""))
			if c.dir != wantDir {
				t.Errorf("control %s lives in controls/%s, want controls/%s", c.id, c.dir, wantDir)
			}
			if want := "mdrgate.controls." + wantDir; c.pkg != want {
				t.Errorf("package %s, want %s", c.pkg, want)
			}
			if typ, _ := c.annot.Custom["type"].(string); !slices.Contains(types, typ) {
				t.Errorf("custom.type %q, want one of %v", typ, types)
			}
			if sev, _ := c.annot.Custom["severity"].(string); !slices.Contains(severities, sev) {
				t.Errorf("custom.severity %q, want one of %v", sev, severities)
			}
			if rem, _ := c.annot.Custom["remediation"].(string); strings.TrimSpace(rem) == "" {
				t.Error("custom.remediation is empty")
			}
			refs, ok := c.annot.Custom["refs"].(map[string]any)
			if !ok || len(refs) == 0 {
				t.Error("custom.refs is not a non-empty map")
			}
			for fw, clauses := range refs {
				if !slices.Contains(frameworks, fw) {
					t.Errorf("custom.refs.%s is not a framework (%v)", fw, frameworks)
				}
				if _, ok := stringList(clauses); !ok {
					t.Errorf("custom.refs.%s is not a non-empty list of strings", fw)
				}
			}
			ev, ok := stringList(c.annot.Custom["evidence"])
			if !ok {
				t.Error("custom.evidence is not a non-empty list of strings")
			}
			for _, e := range ev {
				if !evidenceRe.MatchString(e) {
					t.Errorf("custom.evidence %q is not a dotted path (or paths joined by \" | \")", e)
				}
			}
			evs, ok := stringList(c.annot.Custom["events"])
			if !ok {
				t.Error("custom.events is not a non-empty list of strings")
			}
			for _, e := range evs {
				if !slices.Contains(events, e) {
					t.Errorf("custom.events %q, want one of %v", e, events)
				}
			}
			if _, ok := c.annot.Custom["params"].(map[string]any); !ok {
				t.Error("custom.params is not a map (use {} when the control has none)")
			}
		})
	}
}

// forbiddenBuiltin reports whether a policy may not call the named built-in: anything
// that reads the clock, the network, randomness or the runtime.
func forbiddenBuiltin(name string) bool {
	for _, p := range []string{"net.", "rand.", "uuid.", "http.", "opa."} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return name == "time.now_ns"
}

// TestPolicyCalls checks that each control reads only its own declared parameters and
// calls no built-in that would make evaluation depend on anything but its inputs.
func TestPolicyCalls(t *testing.T) {
	modules := loadModules(t)
	paramsByPkg := map[string]control{}
	for _, c := range controls(t, modules) {
		paramsByPkg[c.pkg] = c
	}
	for file, m := range modules {
		c, isControl := paramsByPkg[strings.TrimPrefix(m.Package.Path.String(), "data.")]
		test := strings.HasSuffix(file, "_test.rego")
		ast.WalkExprs(m, func(e *ast.Expr) bool {
			if !e.IsCall() {
				return false
			}
			name := e.Operator().String()
			if forbiddenBuiltin(name) {
				t.Errorf("%s: calls %s: policies must be a pure function of input and data.mdrgate.runtime", e.Location, name)
			}
			if name != "lib.param" || !isControl || test {
				return false
			}
			ops := e.Operands()
			if len(ops) != 2 {
				t.Errorf("%s: lib.param takes 2 arguments", e.Location)
				return false
			}
			id, ok1 := ops[0].Value.(ast.String)
			pname, ok2 := ops[1].Value.(ast.String)
			if !ok1 || !ok2 {
				t.Errorf("%s: lib.param arguments must be string literals", e.Location)
				return false
			}
			if string(id) != c.id {
				t.Errorf("%s: lib.param(%q, …) in control %s", e.Location, string(id), c.id)
			}
			if _, ok := c.params[string(pname)]; !ok {
				t.Errorf("%s: parameter %q is not declared in %s's METADATA params", e.Location, string(pname), c.id)
			}
			return false
		})
	}
}

// TestRego runs every Rego test with the harness data the README describes, under
// the sandbox evaluation uses (catalog.RunTests, as `mdrgate policy test` does).
func TestRego(t *testing.T) {
	mods, err := catalog.BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	run, err := catalog.RunTests(context.Background(), mods, true)
	if err != nil {
		t.Fatalf("compiling policies: %v", err)
	}
	for _, r := range run.Results {
		switch r.Outcome {
		case "error":
			t.Errorf("%s.%s: error: %s", r.Package, r.Name, r.Err)
		case "fail":
			t.Errorf("%s.%s: FAIL (%s)", r.Package, r.Name, r.Where())
		case "skip":
			t.Errorf("%s.%s: skipped; every Rego test must run", r.Package, r.Name)
		}
	}
	if len(run.Results) == 0 {
		t.Fatal("no Rego tests ran")
	}
	for _, c := range run.Controls {
		names := run.TestsOf(c)
		if len(names) < 3 {
			t.Errorf("%s (%s) has %d tests, want at least 3", c.ID, c.Package, len(names))
		}
		for _, kind := range []string{"pass", "fail", "not_available"} {
			if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, kind) }) {
				t.Errorf("%s (%s) has no test with %q in its name", c.ID, c.Package, kind)
			}
		}
	}
	t.Logf("ran %d Rego tests (%d failed) over %d controls", len(run.Results), run.Failed(), len(run.Controls))
}
