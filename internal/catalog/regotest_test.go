package catalog_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mdrgate/mdrgate/internal/catalog"
)

func TestRunTests(t *testing.T) {
	mods, err := catalog.Modules([]string{filepath.Join("testdata", "failing")})
	if err != nil {
		t.Fatal(err)
	}
	run, err := catalog.RunTests(context.Background(), mods, false)
	if err != nil {
		t.Fatal(err)
	}
	_, by := run.ByPackage()
	got := map[string]string{}
	for _, r := range by["mdrgate.controls.tst01"] {
		got[r.Name] = r.Outcome + " " + r.Where()
	}
	want := map[string]string{
		"test_pass_with_readme":                "pass testdata/failing/tst01_test.rego:3",
		"test_pass_harness_runtime":            "pass testdata/failing/tst01_test.rego:8",
		"test_fail_wrong_on_purpose":           "fail testdata/failing/tst01_test.rego:15",
		"test_not_available_declares_evidence": "pass testdata/failing/tst01_test.rego:19",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: got %q, want %q", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("tests %v, want %v", got, want)
	}
	if run.Failed() < 1 {
		t.Error("the failing test is not counted")
	}
}

// TestLintWorkedExample holds the authoring guide's example clean, and the test
// control (which has no mdr/fda refs, none needed for a user control) too.
func TestLintWorkedExample(t *testing.T) {
	for _, dir := range []string{filepath.Join("..", "..", "testdata", "userpolicy"), filepath.Join("testdata", "failing")} {
		problems, err := catalog.Lint([]string{dir})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s", p)
		}
	}
}
