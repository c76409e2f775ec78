package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

// TestJSONDigestMatchesMarshal holds the streamed evidence digest equal to the
// SHA-256 of json.Marshal, on a collected demo and on edge values: long and
// short slices, nil and empty ones, HTML and invalid UTF-8 in strings, times,
// numbers, maps and omitted fields.
func TestJSONDigestMatchesMarshal(t *testing.T) {
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
	var results []evidence.SARIFResult
	var components []evidence.Component
	for i := range 40 {
		results = append(results, evidence.SARIFResult{RuleID: fmt.Sprintf("r<%d>&", i), Message: "bad \xff utf-8 \u2028", Path: "src/a.c", Line: i})
		components = append(components, evidence.Component{Name: fmt.Sprintf("c%d", i), Direct: &yes})
	}
	edge := &evidence.Document{
		Schema:  evidence.Schema,
		Context: evidence.Context{Time: time.Date(2026, 11, 27, 1, 2, 3, 400, time.FixedZone("x", 3600))},
		GitHub:  &evidence.GitHub{Rulesets: evidence.GHRulesets{Area: evidence.Area{Available: true}, Rules: []evidence.GHRule{{Type: "pull_request", Parameters: map[string]any{"n": 1, "f": 1.5, "big": 1e21, "tiny": 1e-7, "list": []any{"a", nil, map[string]any{"x": true}}}}}}},
		Build: evidence.Build{
			SBOMs:           []evidence.SBOM{{Components: components}, {Components: []evidence.Component{}}},
			SARIF:           []evidence.SARIFReport{{Results: results}},
			Vulnerabilities: []evidence.VulnReport{{Findings: []evidence.VulnFinding{{ID: "CVE-1", CVSSScore: &score}}}},
		},
		Waivers: []evidence.Waiver{},
	}
	for name, d := range map[string]*evidence.Document{"demo": doc, "edge": edge, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			got, err := engine.JSONDigest(d)
			if err != nil {
				t.Fatal(err)
			}
			if want := hex.EncodeToString(sum[:]); got != want {
				t.Fatalf("streamed digest %s, json.Marshal's %s", got, want)
			}
		})
	}
}
