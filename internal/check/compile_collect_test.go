package check_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

// TestCompileAndCollectAsInSequence: compiling while collecting gives the
// document (watched paths included) that compiling, then collecting, gives.
func TestCompileAndCollectAsInSequence(t *testing.T) {
	root, err := realworld.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := demorepo.Build(root, dir, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)
	o := check.Options{Dir: dir, Now: func() time.Time { return now }, Getenv: func(string) string { return "" }}
	cfg, err := check.LoadConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := check.NewEngine(o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	seq := o
	seq.WatchedPaths = check.WatchedPaths(eng, cfg)
	if len(seq.WatchedPaths) == 0 {
		t.Fatal("the demo's policies watch no paths")
	}
	want, err := check.Collect(context.Background(), seq, cfg)
	if err != nil {
		t.Fatal(err)
	}
	gotEng, got, err := check.CompileAndCollect(context.Background(), o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Fatal("the document collected while compiling differs from the one collected after")
	}
	if len(gotEng.Controls()) != len(eng.Controls()) {
		t.Fatalf("%d controls, want %d", len(gotEng.Controls()), len(eng.Controls()))
	}
}

// TestCompileAndCollectReportsPolicyErrorFirst: a policy that parses but does
// not compile is the error, whether or not the collection fails too.
func TestCompileAndCollectReportsPolicyErrorFirst(t *testing.T) {
	pol := t.TempDir()
	src := `# METADATA
# title: t
# custom:
#   id: TST-09
#   type: A
#   severity: low
#   refs: {iec81001: ["8"]}
#   evidence: ["repo"]
#   events: [pull_request]
package mdrgate.controls.tst09

deny contains x if {
	x := undefined_thing
}
`
	if err := os.WriteFile(filepath.Join(pol, "tst09.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"repository": t.TempDir(), "no repository": filepath.Join(t.TempDir(), "missing")} {
		t.Run(name, func(t *testing.T) {
			o := check.Options{Dir: dir, PolicyDirs: []string{pol}, Getenv: func(string) string { return "" }}
			cfg, err := check.LoadConfig(check.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = check.CompileAndCollect(context.Background(), o, cfg)
			var pe *engine.PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want the policy error", err)
			}
		})
	}
}

// TestEvidenceFileErrorsInOrder: with --evidence-file the document is read
// while the policies compile, and the errors come in the order of doing one
// after the other: the policy error, then --evidence with --evidence-file, then
// the unreadable document.
func TestEvidenceFileErrorsInOrder(t *testing.T) {
	pol := t.TempDir()
	if err := os.WriteFile(filepath.Join(pol, "bad.rego"), []byte("package mdrgate.helpers.bad\n\nx := undefined_thing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "evidence.json")
	inputs := []collect.Input{{Kind: "sbom", Path: "sbom.cdx.json"}}
	tests := []struct {
		name   string
		policy []string
		inputs []collect.Input
		want   string
	}{
		{"policy error first", []string{pol}, inputs, "policy error"},
		{"then --evidence with --evidence-file", nil, inputs, "--evidence cannot be combined with --evidence-file"},
		{"then the document", nil, nil, "evidence.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := check.Options{Dir: t.TempDir(), EvidenceFile: missing, PolicyDirs: tt.policy, Inputs: tt.inputs, At: at, Getenv: func(string) string { return "" }}
			_, err := check.Evaluate(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}
