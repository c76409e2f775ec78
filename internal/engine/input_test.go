package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

// TestToValueMatchesJSON holds the direct conversion of the evidence document
// equal to decoding its JSON, on a fully collected demo and on edge values.
func TestToValueMatchesJSON(t *testing.T) {
	root, err := realworld.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := demorepo.Build(root, dir, nil); err != nil {
		t.Fatal(err)
	}
	o := check.Options{Dir: dir}
	cfg, err := check.LoadConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := check.Collect(context.Background(), o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	score := 9.8
	yes := true
	edge := &evidence.Document{
		Schema: evidence.Schema,
		GitHub: &evidence.GitHub{Rulesets: evidence.GHRulesets{Area: evidence.Area{Available: true}, Rules: []evidence.GHRule{{Type: "pull_request", Parameters: map[string]any{"n": 1, "f": 1.5, "big": 1e21, "tiny": 1e-7, "list": []any{"a", nil, map[string]any{"x": true}}}}}}},
		Build: evidence.Build{
			SBOMs:           []evidence.SBOM{{Components: []evidence.Component{{Name: "a", Direct: &yes}, {Name: "b"}}}},
			Vulnerabilities: []evidence.VulnReport{{Findings: []evidence.VulnFinding{{ID: "CVE-1", CVSSScore: &score}}}},
		},
	}
	// Slices this long are converted concurrently.
	long := &evidence.Document{Schema: evidence.Schema, Repo: &evidence.Repo{}}
	for i := range 5000 {
		long.Repo.Files = append(long.Repo.Files, evidence.FileEntry{Path: fmt.Sprintf("src/f%05d.c", i), Size: int64(i)})
		long.Build.Tests = append(long.Build.Tests, evidence.TestReport{Cases: []evidence.TestCase{{Name: fmt.Sprint(i), Requirements: []string{}}}})
	}
	for name, d := range map[string]*evidence.Document{"demo": doc, "edge": edge, "long": long} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ast.ValueFromReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			got, err := engine.ToValue(reflect.ValueOf(d))
			if err != nil {
				t.Fatal(err)
			}
			if got.Compare(want) != 0 {
				t.Fatalf("direct conversion differs from JSON:\n got %s\nwant %s", trim(got.String()), trim(want.String()))
			}
		})
	}
}

func trim(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
