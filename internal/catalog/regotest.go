package catalog

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/mdrgate/mdrgate/internal/engine"
)

// HarnessTime is the evaluation time Rego tests run at (data.mdrgate.runtime.time_ns).
var HarnessTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// HarnessEvent is the event Rego tests run for (data.mdrgate.runtime.event).
const HarnessEvent = "pull_request"

// TestResult is the outcome of one Rego test.
type TestResult struct {
	// Package is the test's package without the data. prefix.
	Package string
	Name    string
	File    string
	Line    int
	// Outcome is pass, fail, error or skip.
	Outcome string
	// Err is the error of a test that could not evaluate.
	Err string
}

// Where is the test's file:line.
func (r TestResult) Where() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// TestRun is the result of running Rego tests.
type TestRun struct {
	Results []TestResult
	// Controls are the controls the policies define.
	Controls []*engine.Control
}

// Failed returns the number of tests that failed, errored or were skipped.
func (t *TestRun) Failed() int {
	n := 0
	for _, r := range t.Results {
		if r.Outcome != "pass" {
			n++
		}
	}
	return n
}

// ByPackage returns the results grouped by package, packages sorted.
func (t *TestRun) ByPackage() ([]string, map[string][]TestResult) {
	m := map[string][]TestResult{}
	for _, r := range t.Results {
		m[r.Package] = append(m[r.Package], r)
	}
	pkgs := make([]string, 0, len(m))
	for p := range m {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	return pkgs, m
}

// TestsOf returns the names of the tests in the package of a control.
func (t *TestRun) TestsOf(c *engine.Control) []string {
	pkg := strings.TrimPrefix(c.Package, "data.")
	var out []string
	for _, r := range t.Results {
		if r.Package == pkg || r.Package == pkg+"_test" {
			out = append(out, r.Name)
		}
	}
	return out
}

// HarnessStore returns the store Rego tests read: data.mdrgate.runtime with every
// control's default parameters, HarnessEvent and HarnessTime.
func HarnessStore(controls []*engine.Control) (storage.Store, error) {
	params := map[string]map[string]any{}
	for _, c := range controls {
		params[c.ID] = c.Params
	}
	return engine.Runtime{Event: HarnessEvent, At: HarnessTime, Params: params}.Store()
}

// RunTests runs the Rego tests among the modules (policies and their _test.rego
// files) with OPA's tester, under the capabilities evaluation uses and with the
// harness store. strict adds OPA's strict compile checks (unused variables and
// imports, shadowing). A parse or compile error is returned as an error.
func RunTests(ctx context.Context, mods []engine.Module, strict bool) (*TestRun, error) {
	e, err := engine.New(mods)
	if err != nil {
		return nil, err
	}
	parsed, err := engine.ParseModules(mods)
	if err != nil {
		return nil, err
	}
	store, err := HarnessStore(e.Controls())
	if err != nil {
		return nil, err
	}
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	runner := tester.NewRunner().
		SetCompiler(engine.NewCompiler().WithStrict(strict)).
		SetDefaultRegoVersion(ast.RegoV1).
		SetStore(store).
		SetModules(parsed).
		RaiseBuiltinErrors(true).
		SetTimeout(time.Minute)
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		return nil, compileError(err)
	}
	run := &TestRun{Controls: e.Controls()}
	for r := range ch {
		tr := TestResult{Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name, Outcome: "pass"}
		if r.Location != nil {
			tr.File, tr.Line = r.Location.File, r.Location.Row
		}
		switch {
		case r.Error != nil:
			tr.Outcome, tr.Err = "error", r.Error.Error()
		case r.Fail:
			tr.Outcome = "fail"
		case r.Skip:
			tr.Outcome = "skip"
		}
		run.Results = append(run.Results, tr)
	}
	sort.SliceStable(run.Results, func(i, j int) bool {
		a, b := run.Results[i], run.Results[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return run, nil
}

// compileError formats the tester's compile errors with file:line positions.
func compileError(err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return fmt.Errorf("compiling policies and tests: %w", err)
	}
	return engine.AsPolicyError(err)
}
