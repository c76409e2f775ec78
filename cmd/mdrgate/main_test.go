package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/internal/config"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/realworld"
	"github.com/mdrgate/mdrgate/internal/result"
)

const at = "2026-12-01T00:00:00Z"

// mdrgate runs the CLI in-process with an environment outside CI.
func mdrgate(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }
	code = run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: getenv})
	return code, out.String(), errb.String()
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := realworld.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// demo builds the demo repository (with a variant applied when v is not nil).
func demo(t *testing.T, v *demorepo.Variant) string {
	t.Helper()
	dir := t.TempDir()
	if err := demorepo.Build(repoRoot(t), dir, v); err != nil {
		t.Fatal(err)
	}
	return dir
}

func checkJSON(t *testing.T, args ...string) (int, *result.Report, string) {
	t.Helper()
	code, out, errs := mdrgate(t, append([]string{"check", "--at", at, "-o", "json"}, args...)...)
	if code == 2 {
		return code, nil, errs
	}
	var r result.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s\nstderr: %s", err, out, errs)
	}
	return code, &r, errs
}

func byID(r *result.Report) map[string]result.Control {
	m := map[string]result.Control{}
	for _, c := range r.Controls {
		m[c.ID] = c
	}
	return m
}

func TestDemoPasses(t *testing.T) {
	dir := demo(t, nil)
	cfg, err := config.Load(filepath.Join(dir, ".mdrgate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, event := range []string{"pull_request", "release", "schedule"} {
		t.Run(event, func(t *testing.T) {
			code, r, errs := checkJSON(t, "--event", event, dir)
			if code != 0 {
				t.Fatalf("exit %d, want 0; stderr %s", code, errs)
			}
			if len(r.Controls) < 10 {
				t.Fatalf("%d controls, want at least 10", len(r.Controls))
			}
			for _, c := range r.Controls {
				// Every gating control passes. A control may stay not_available only
				// when the demo's configuration demotes it, with a reason, because its
				// evidence comes from outside the repository (the GitHub API in CI).
				// On an event it does not gate anyway, the demotion is only in the configuration.
				demoted := strings.Contains(strings.Join(c.Reasons, "\n"), "demoted to warn in configuration") ||
					cfg.Controls[c.ID].Action == "warn"
				if c.Outcome != result.Pass && !(c.Outcome == result.NotAvailable && !c.Gate && demoted) {
					t.Errorf("%s: %s %v %v", c.ID, c.Outcome, c.Violations, c.Reasons)
				}
				if c.ID == "" || c.Title == "" || len(c.Refs["iec81001"]) == 0 {
					t.Errorf("%s lacks id, title or IEC 81001-5-1 refs: %+v", c.ID, c)
				}
			}
			if r.Product.Name != "InfuCore" || r.Verdict != "pass" || r.Event != event {
				t.Errorf("report header: %+v", r)
			}
		})
	}
}

// TestDemoInRepository checks the demo where it lies, inside mdrgate's own
// checkout, as the README's first command does.
func TestDemoInRepository(t *testing.T) {
	code, out, errs := mdrgate(t, "check", "--at", at, filepath.Join(repoRoot(t), "testdata", "demo"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "verdict: PASS") {
		t.Errorf("text report lacks the verdict:\n%s", out)
	}
}

func TestVariantsFailTheirControl(t *testing.T) {
	variants, err := demorepo.Variants(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(variants) < 10 {
		t.Fatalf("%d variants, want one per first control (10)", len(variants))
	}
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			dir := demo(t, &v)
			code, r, errs := checkJSON(t, "--event", "release", dir)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", code, errs)
			}
			ctls := byID(r)
			c, ok := ctls[v.Control]
			if !ok {
				t.Fatalf("control %s not in the report", v.Control)
			}
			if string(c.Outcome) != v.Outcome {
				t.Fatalf("%s is %s, want %s: %v", v.Control, c.Outcome, v.Outcome, c.Reasons)
			}
			found := false
			for _, vi := range c.Violations {
				if vi.Path == v.ExpectPath && (v.ExpectLine == 0 || vi.Line == v.ExpectLine) {
					found = true
				}
			}
			if v.Outcome == "fail" && !found {
				t.Errorf("no violation of %s at %s:%d; violations: %+v", v.Control, v.ExpectPath, v.ExpectLine, c.Violations)
			}
			for id, other := range ctls {
				// As in TestDemoPasses, a control demoted in the demo's configuration
				// because its evidence comes from the GitHub API may stay not_available.
				demoted := other.Outcome == result.NotAvailable && !other.Gate && strings.Contains(strings.Join(other.Reasons, "\n"), "demoted to warn in configuration")
				if id != v.Control && other.Outcome != result.Pass && !demoted {
					t.Errorf("variant breaks %s too: %s %+v %v", id, other.Outcome, other.Violations, other.Reasons)
				}
			}
			// The text report names the control and the file:line at fault.
			_, text, _ := mdrgate(t, "check", "--at", at, "--event", "release", dir)
			want := v.ExpectPath
			if v.ExpectLine > 0 {
				want = v.ExpectPath + ":" + strconv.Itoa(v.ExpectLine)
			}
			if !strings.Contains(text, v.Control) || (v.ExpectPath != "" && !strings.Contains(text, want)) {
				t.Errorf("text report does not name %s and %s:\n%s", v.Control, want, text)
			}
		})
	}
}

// TestSBOMWaivers: without an SBOM, REL-01 is not_available and the verdict
// fails; a valid waiver passes; an expired one does not, and says it expired.
func TestSBOMWaivers(t *testing.T) {
	dir := demo(t, nil)
	if err := os.Remove(filepath.Join(dir, "build", "sbom.cdx.json")); err != nil {
		t.Fatal(err)
	}
	code, r, _ := checkJSON(t, "--event", "release", dir)
	if code != 1 || r.Verdict != "fail" {
		t.Fatalf("without SBOM: exit %d verdict %v", code, r)
	}
	if c := byID(r)["REL-01"]; c.Outcome != result.NotAvailable || !c.Gate {
		t.Fatalf("REL-01 without SBOM: %s gate %v", c.Outcome, c.Gate)
	}
	cfgPath := filepath.Join(dir, ".mdrgate.yaml")
	base, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	waiver := func(expires string) {
		t.Helper()
		w := "\nwaivers:\n  - control: REL-01\n    reason: SBOM tooling for the bootloader is being qualified\n    approved_by: Jane Doe, Head of Quality\n    expires: " + expires + "\n    risk_ref: RISK-42\n"
		// SCM-04 compares the SOUP register with the SBOM's direct dependencies: the
		// same missing SBOM needs the same waiver there.
		w += "  - control: SCM-04\n    reason: SBOM tooling for the bootloader is being qualified\n    approved_by: Jane Doe, Head of Quality\n    expires: " + expires + "\n    risk_ref: RISK-42\n"
		// PMS-05 reads the product's and the components' end of support from the SBOM.
		w += "  - control: PMS-05\n    reason: SBOM tooling for the bootloader is being qualified\n    approved_by: Jane Doe, Head of Quality\n    expires: " + expires + "\n    risk_ref: RISK-42\n"
		if err := os.WriteFile(cfgPath, append(append([]byte{}, base...), w...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	waiver("2027-03-31")
	code, r, errs := checkJSON(t, "--event", "release", dir)
	if code != 0 || r.Verdict != "pass" {
		t.Fatalf("with a valid waiver: exit %d %s", code, errs)
	}
	if c := byID(r)["REL-01"]; c.Outcome != result.Waived || c.Waiver == nil || !c.Waiver.Applied || c.Waiver.ApprovedBy != "Jane Doe, Head of Quality" {
		t.Fatalf("REL-01 with a waiver: %+v", c)
	}
	waiver("2026-11-30")
	code, r, _ = checkJSON(t, "--event", "release", dir)
	if code != 1 {
		t.Fatalf("with an expired waiver: exit %d", code)
	}
	c := byID(r)["REL-01"]
	if c.Outcome != result.NotAvailable || c.Waiver == nil || !c.Waiver.Expired || c.Waiver.Applied {
		t.Fatalf("REL-01 with an expired waiver: %+v", c)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "waiver for REL-01 (approved by Jane Doe, Head of Quality) expired on 2026-11-30") {
		t.Errorf("warnings do not say the waiver expired: %q", r.Warnings)
	}
	_, text, _ := mdrgate(t, "check", "--at", at, "--event", "release", dir)
	if !strings.Contains(text, "expired on 2026-11-30") {
		t.Errorf("text report does not say the waiver expired:\n%s", text)
	}
}

// TestCollectThenCheck: collect, then check --evidence-file, gives the same
// result as check (the collection time, and so the evidence digest, aside).
func TestCollectThenCheck(t *testing.T) {
	dir := demo(t, nil)
	evFile := filepath.Join(t.TempDir(), "evidence.json")
	if code, _, errs := mdrgate(t, "collect", "--event", "release", "-o", evFile, dir); code != 0 {
		t.Fatalf("collect: exit %d %s", code, errs)
	}
	_, direct, _ := checkJSON(t, "--event", "release", dir)
	code, stored, errs := checkJSON(t, "--config", filepath.Join(dir, ".mdrgate.yaml"), "--evidence-file", evFile)
	if code != 0 {
		t.Fatalf("check --evidence-file: exit %d %s", code, errs)
	}
	if direct.EvidenceSHA256 == stored.EvidenceSHA256 {
		t.Log("evidence digests equal (collected in the same second)")
	}
	direct.EvidenceSHA256, stored.EvidenceSHA256 = "", ""
	a, _ := json.Marshal(direct)
	b, _ := json.Marshal(stored)
	if !bytes.Equal(a, b) {
		t.Fatalf("results differ:\ncheck:          %s\ncollect+check:  %s", a, b)
	}
	// The stored document is evaluated as it is: re-checking it is stable.
	_, again, _ := checkJSON(t, "--config", filepath.Join(dir, ".mdrgate.yaml"), "--evidence-file", evFile)
	again.EvidenceSHA256 = ""
	c, _ := json.Marshal(again)
	if !bytes.Equal(b, c) {
		t.Fatal("two evaluations of the same evidence document differ")
	}
}

func TestUsageErrors(t *testing.T) {
	dir := demo(t, nil)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad event", []string{"check", "--event", "push", dir}, `invalid --event "push": valid values are pull_request, release, schedule`},
		{"bad at", []string{"check", "--at", "yesterday", dir}, `invalid --at "yesterday": expected an RFC 3339 time`},
		{"bad format", []string{"check", "-o", "xml", dir}, `invalid -o "xml": valid formats are gap, json, junit, markdown, sarif, text`},
		{"two stdout", []string{"check", "-o", "json", "-o", "text", dir}, "more than one -o writes to standard output"},
		{"bad evidence kind", []string{"check", "--evidence", "sboms=x.json", dir}, `invalid --evidence kind "sboms": valid kinds are hardening, junit, provenance, sarif, sbom, secrets`},
		{"evidence without path", []string{"check", "--evidence", "sbom", dir}, `invalid --evidence "sbom": expected KIND=PATH`},
		{"missing evidence file", []string{"check", "--evidence", "sbom=" + filepath.Join(dir, "nope.json"), dir}, "nope.json: file does not exist"},
		{"unknown flag", []string{"check", "--frobnicate"}, "unknown flag: --frobnicate"},
		{"not a directory", []string{"check", filepath.Join(dir, "README.md")}, "not a directory"},
		{"too many args", []string{"check", dir, dir}, "accepts at most 1 arg"},
		{"bad evidence document", []string{"check", "--evidence-file", filepath.Join(dir, "build", "sbom.cdx.json")}, `not an evidence document: expected "schema": "mdrgate.evidence/v1"`},
		{"missing policy dir", []string{"check", "--policy", filepath.Join(dir, "nope"), dir}, "policy directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := mdrgate(t, tt.args...)
			if code != 2 || !strings.Contains(errs, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errs, tt.want)
			}
			if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
				t.Fatalf("stack trace on a user mistake:\n%s", errs)
			}
		})
	}
}

func TestConfigErrorNamesLine(t *testing.T) {
	dir := demo(t, nil)
	cfg := filepath.Join(dir, ".mdrgate.yaml")
	b, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, append(b, []byte("surprise: 1\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(b), "\n") + 1
	code, _, errs := mdrgate(t, "check", dir)
	want := cfg + ":" + strconv.Itoa(lines) + `: unknown key "surprise" in the configuration`
	if code != 2 || !strings.Contains(errs, want) {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
}

// TestOutputFiles: every format writes its file; a failing write leaves no report file behind, and the
// files are written only when everything rendered.
func TestOutputFiles(t *testing.T) {
	dir := demo(t, nil)
	out := t.TempDir()
	files := []string{"r.json", "r.sarif", "r.xml", "r.md", "r.txt"}
	code, stdout, errs := mdrgate(t, "check", "--at", at, "-o", "json="+filepath.Join(out, files[0]), "-o", "sarif="+filepath.Join(out, files[1]), "-o", "junit="+filepath.Join(out, files[2]), "-o", "markdown="+filepath.Join(out, files[3]), "-o", "text="+filepath.Join(out, files[4]), dir)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %s", code, stdout, errs)
	}
	for _, f := range files {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	out2 := t.TempDir()
	code, _, errs = mdrgate(t, "check", "--at", at, "-o", "json="+filepath.Join(out2, "r.json"), "-o", "sarif="+filepath.Join(out2, "missing", "r.sarif"), dir)
	if code != 2 || !strings.Contains(errs, "r.sarif") {
		t.Fatalf("exit %d stderr %s", code, errs)
	}
	entries, _ := os.ReadDir(out2)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := mdrgate(t, "init", dir)
	if code != 0 || !strings.Contains(out, "wrote     .mdrgate.yaml") || !strings.Contains(out, "wrote     SECURITY.md") {
		t.Fatalf("init: exit %d\n%s%s", code, out, errs)
	}
	sec := filepath.Join(dir, "SECURITY.md")
	if err := os.WriteFile(sec, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = mdrgate(t, "init", dir)
	if code != 0 || !strings.Contains(out, "unchanged SECURITY.md (exists)") {
		t.Fatalf("second init: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(sec); string(b) != "mine\n" {
		t.Fatal("init overwrote SECURITY.md")
	}
	// The scaffolded configuration loads.
	if code, _, errs := mdrgate(t, "check", "--at", at, dir); code == 2 {
		t.Fatalf("check on a scaffolded repository: exit 2: %s", errs)
	}
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := mdrgate(t, "version")
	if code != 0 || !strings.Contains(out, "evidence schema: mdrgate.evidence/v1") || !strings.Contains(out, "report schema: mdrgate.report/v1") ||
		!strings.Contains(out, "attestation predicate: https://mdrgate.dev/attestation/sdl-evaluation/v1") || !strings.Contains(out, "review schema: mdrgate.review/v1") {
		t.Fatalf("version: %d %s", code, out)
	}
	var cmds [][]string
	var walk func(prefix []string, c *cobra.Command)
	walk = func(prefix []string, c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			path := append(append([]string{}, prefix...), sub.Name())
			if sub.Runnable() {
				cmds = append(cmds, path)
			}
			walk(path, sub)
		}
	}
	walk(nil, newRoot(env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}))
	if len(cmds) < 4 {
		t.Fatalf("only %d commands found", len(cmds))
	}
	for _, cmd := range cmds {
		code, out, _ := mdrgate(t, append(cmd, "--help")...)
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: exit %d, no example:\n%s", cmd, code, out)
		}
	}
}

// TestArchitectureChangeMakesThreatModelStale: a commit touching a watched
// architecture file that is not a document, after the threat model's review,
// fails RSK-02 on a release.
func TestArchitectureChangeMakesThreatModelStale(t *testing.T) {
	dir := demo(t, nil)
	p := filepath.Join(dir, "architecture", "system.puml")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("@startuml\nnode pump\n@enduml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := demorepo.Commit(dir, "architecture change", demorepo.CommitTime.AddDate(0, 0, 3)); err != nil {
		t.Fatal(err)
	}
	code, r, errs := checkJSON(t, "--event", "release", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	if c := byID(r)["RSK-02"]; c.Outcome != result.Fail {
		t.Fatalf("RSK-02 %s, want fail: %+v %v", c.Outcome, c.Violations, c.Reasons)
	}
}
