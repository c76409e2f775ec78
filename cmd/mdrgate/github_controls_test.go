package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/result"
)

// githubControls are the controls that read GitHub API evidence; the demo's
// configuration demotes them because the demo has no GitHub API.
var githubControls = []string{"DES-02", "IMP-03", "SCM-01", "SCM-05"}

// readGitHubFixture reads testdata/github/NAME.json strictly as evidence.GitHub, so
// that a fixture cannot drift from the type the collector writes.
func readGitHubFixture(t *testing.T, name string) *evidence.GitHub {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "github", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var gh evidence.GitHub
	if err := dec.Decode(&gh); err != nil {
		t.Fatalf("testdata/github/%s.json: %v", name, err)
	}
	return &gh
}

// gatingConfig writes a copy of the demo's configuration in which the GitHub
// controls gate (their demotion removed) and DES-02 knows the security reviewer.
func gatingConfig(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".mdrgate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	removed := 0
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if slices.ContainsFunc(githubControls, func(id string) bool { return strings.HasPrefix(trimmed, id+":") }) {
			removed++
			continue
		}
		kept = append(kept, line)
		if trimmed == "controls:" {
			kept = append(kept, "  DES-02: {params: {security_reviewers: [sec-lead]}}")
		}
	}
	if removed != len(githubControls) {
		t.Fatalf("the demo's configuration demotes %d of the GitHub controls %v, want all", removed, githubControls)
	}
	p := filepath.Join(t.TempDir(), "mdrgate.yaml")
	if err := os.WriteFile(p, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// collectWithGitHub collects the demo for event and injects the fixture as the
// document's github section.
func collectWithGitHub(t *testing.T, dir, event, fixture string) string {
	t.Helper()
	ev := filepath.Join(t.TempDir(), "evidence.json")
	if code, _, errs := mdrgate(t, "collect", "--event", event, "-o", ev, dir); code != 0 {
		t.Fatalf("collect: exit %d %s", code, errs)
	}
	b, err := os.ReadFile(ev)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["github"] = readGitHubFixture(t, fixture)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ev, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestGitHubControls(t *testing.T) {
	dir := demo(t, nil)
	cfg := gatingConfig(t, dir)
	type want struct {
		outcome result.Outcome
		gate    bool
		// msgs are substrings that some violation (or, for not_available, some
		// reason) must contain.
		msgs []string
	}
	pass := want{outcome: result.Pass, gate: true}
	tests := []struct {
		fixture, event string
		verdict        string
		controls       map[string]want
	}{
		{"pass", "pull_request", "pass", map[string]want{"DES-02": pass, "IMP-03": pass, "SCM-01": pass, "SCM-05": pass}},
		{"pass", "release", "pass", map[string]want{"DES-02": pass, "IMP-03": pass, "SCM-01": pass, "SCM-05": pass}},
		{"imp03-fail", "release", "fail", map[string]want{
			"IMP-03": {result.Fail, true, []string{
				"branch main does not require review from code owners",
				"pull request #51 (by dev-anna) was merged without an approving review from someone other than its author",
			}},
			"DES-02": pass, "SCM-01": pass, "SCM-05": pass,
		}},
		{"scm01-fail", "pull_request", "fail", map[string]want{
			"SCM-01": {result.Fail, true, []string{
				"branch main allows force pushes",
				"commit 0123456789ab by dev-eve is not verified by GitHub (unsigned)",
			}},
			"DES-02": pass, "IMP-03": pass, "SCM-05": pass,
		}},
		{"scm05-fail", "release", "fail", map[string]want{
			"SCM-05": {result.Fail, true, []string{
				"organisation example-medical does not require two-factor authentication",
				"environment release requires no reviewer",
			}},
			"DES-02": pass, "IMP-03": pass, "SCM-01": pass,
		}},
		{"scm05-2fa-unknown", "release", "fail", map[string]want{
			"SCM-05": {result.NotAvailable, true, []string{"unknown is not a pass"}},
			"DES-02": pass, "IMP-03": pass, "SCM-01": pass,
		}},
		{"des02-fail", "pull_request", "fail", map[string]want{
			"DES-02": {result.Fail, true, []string{"pull request #57 (by dev-anna) changes docs/security/architecture/global-system.md without an approving review from a security reviewer"}},
			"IMP-03": pass, "SCM-01": pass, "SCM-05": pass,
		}},
		{"des02-fail", "release", "fail", map[string]want{
			"DES-02": {result.Fail, true, []string{"pull request #54 (by dev-carl) changes docs/security/threat-model/threat-model.md"}},
			"IMP-03": pass, "SCM-01": pass, "SCM-05": pass,
		}},
		{"unavailable", "release", "fail", map[string]want{
			// The reason GitHub gave (the fixture's 403) reaches the report.
			"IMP-03": {result.NotAvailable, true, []string{"github.branch_protection could not be read: 403 Resource not accessible by integration", "github.rulesets could not be read: 403 Resource not accessible by integration"}},
			"SCM-01": {result.NotAvailable, true, []string{"github.commits could not be read: 403 Resource not accessible by integration"}},
			"SCM-05": {result.NotAvailable, true, []string{"github.organization could not be read: 403 Resource not accessible by integration", "github.environments could not be read: 403 Resource not accessible by integration"}},
			"DES-02": {result.NotAvailable, true, []string{"github.pull_request could not be read: 403 Resource not accessible by integration"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"/"+tt.event, func(t *testing.T) {
			ev := collectWithGitHub(t, dir, tt.event, tt.fixture)
			code, r, errs := checkJSON(t, "--config", cfg, "--event", tt.event, "--evidence-file", ev)
			if code == 2 {
				t.Fatalf("check: exit 2: %s", errs)
			}
			if r.Verdict != tt.verdict || (tt.verdict == "pass") != (code == 0) {
				t.Errorf("verdict %s exit %d, want %s", r.Verdict, code, tt.verdict)
			}
			ctls := byID(r)
			for id, w := range tt.controls {
				c, ok := ctls[id]
				if !ok {
					t.Fatalf("%s not in the report", id)
				}
				if c.Outcome != w.outcome || c.Gate != w.gate {
					t.Errorf("%s: %s gate %v, want %s gate %v; violations %+v reasons %v", id, c.Outcome, c.Gate, w.outcome, w.gate, c.Violations, c.Reasons)
				}
				var texts []string
				for _, v := range c.Violations {
					// GitHub settings have no file: the violation has no path.
					if v.Path != "" || v.Line != 0 {
						t.Errorf("%s: violation %q at %s:%d, want no path", id, v.Msg, v.Path, v.Line)
					}
					texts = append(texts, v.Msg)
				}
				texts = append(texts, c.Reasons...)
				all := strings.Join(texts, "\n")
				for _, m := range w.msgs {
					if !strings.Contains(all, m) {
						t.Errorf("%s: no violation or reason contains %q:\n%s", id, m, all)
					}
				}
				if w.outcome == result.Pass && len(c.Violations) > 0 {
					t.Errorf("%s passes with violations %+v", id, c.Violations)
				}
			}
			// Every other control of the demo keeps passing.
			for id, c := range ctls {
				if _, ours := tt.controls[id]; !ours && c.Outcome != result.Pass && c.Gate {
					t.Errorf("%s: %s %+v %v", id, c.Outcome, c.Violations, c.Reasons)
				}
			}
		})
	}
}

// TestGitHubKeyFileInRepository: SCM-05 also reads the repository's files, and a
// committed private key fails it at the key's path.
func TestGitHubKeyFileInRepository(t *testing.T) {
	dir := demo(t, nil)
	key := filepath.Join(dir, "tools", "flasher", "signing.key")
	if err := os.WriteFile(key, []byte("not really a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := gatingConfig(t, dir)
	ev := collectWithGitHub(t, dir, "release", "pass")
	code, r, errs := checkJSON(t, "--config", cfg, "--event", "release", "--evidence-file", ev)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	c := byID(r)["SCM-05"]
	if c.Outcome != result.Fail || len(c.Violations) != 1 || c.Violations[0].Path != "tools/flasher/signing.key" {
		t.Fatalf("SCM-05: %s %+v", c.Outcome, c.Violations)
	}
}
