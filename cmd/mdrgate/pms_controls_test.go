package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/internal/result"
)

// updateApproval rewrites the demo's release/2.4.0/compliance-report.yaml, the
// release gate's report that release/2.4.0/approval.yaml approves (REL-03).
var updateApproval = flag.Bool("update-approval", false, "rewrite testdata/demo/release/2.4.0/compliance-report.yaml")

// reportAt is when the demo's release gate ran, after the release build and before its approval (2026-11-30).
const reportAt = "2026-11-30T14:00:00Z"

const demoReport = "release/2.4.0/compliance-report.yaml"

// TestDemoComplianceReport: the compliance report the demo's release approval
// refers to is what mdrgate check --event release writes for the demo. With
// -update-approval it is rewritten; otherwise every control it shares with a
// fresh run has the same outcome (REL-03 aside: the report predates its approval).
func TestDemoComplianceReport(t *testing.T) {
	dir := demo(t, nil)
	code, out, errs := mdrgate(t, "check", "--at", reportAt, "--event", "release", "-o", "json", dir)
	if code == 2 {
		t.Fatalf("check: %s", errs)
	}
	stored := filepath.Join(repoRoot(t), "testdata", "demo", filepath.FromSlash(demoReport))
	if *updateApproval {
		if err := os.WriteFile(stored, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var fresh, old result.Report
	if err := json.Unmarshal([]byte(out), &fresh); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(stored)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &old); err != nil {
		t.Fatalf("%s: %v", demoReport, err)
	}
	if old.Event != "release" || old.Product.Version != "2.4.0" || old.EvaluatedAt.Format(time.RFC3339) != reportAt {
		t.Fatalf("%s: event %q version %q evaluated_at %q", demoReport, old.Event, old.Product.Version, old.EvaluatedAt)
	}
	prev := byID(&old)
	for _, c := range fresh.Controls {
		p, ok := prev[c.ID]
		if !ok {
			t.Logf("%s is not in %s yet (refresh with go test ./cmd/mdrgate -run TestDemoComplianceReport -update-approval)", c.ID, demoReport)
			continue
		}
		if c.ID != "REL-03" && (p.Outcome != c.Outcome || p.Gate != c.Gate) {
			t.Errorf("%s: %s (gate %v) in %s, %s (gate %v) now: refresh it with go test ./cmd/mdrgate -run TestDemoComplianceReport -update-approval", c.ID, p.Outcome, p.Gate, demoReport, c.Outcome, c.Gate)
		}
	}
}

// collectDemo collects the demo's evidence for the release into a JSON map.
func collectDemo(t *testing.T, dir string) map[string]any {
	t.Helper()
	evFile := filepath.Join(t.TempDir(), "evidence.json")
	if code, _, errs := mdrgate(t, "collect", "--event", "release", "-o", evFile, dir); code != 0 {
		t.Fatalf("collect: exit %d %s", code, errs)
	}
	b, err := os.ReadFile(evFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// checkDoc writes doc and checks it with the configuration cfg.
func checkDoc(t *testing.T, cfg string, doc map[string]any) (int, *result.Report) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	evFile := filepath.Join(t.TempDir(), "evidence.json")
	if err := os.WriteFile(evFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, r, errs := checkJSON(t, "--config", cfg, "--event", "release", "--evidence-file", evFile)
	if code == 2 {
		t.Fatalf("check --evidence-file: %s", errs)
	}
	return code, r
}

func verification(typ string, verified bool, identity, reason string) map[string]any {
	return map[string]any{"type": typ, "verified": verified, "platform": "", "identity": identity,
		"issuer": "https://token.actions.githubusercontent.com", "reason": reason}
}

// TestREL02Artefacts: REL-02 is not_available on the demo (no artefact was
// verified) and demoted there; with verified artefacts injected into the
// collected evidence it passes, and with an unsigned artefact or one signed by
// someone else it fails, gating the release once the demotion is removed.
func TestREL02Artefacts(t *testing.T) {
	dir := demo(t, nil)
	cfg := filepath.Join(dir, ".mdrgate.yaml")
	base, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	strict := filepath.Join(t.TempDir(), "strict.yaml")
	var kept []string
	for _, line := range strings.Split(string(base), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "REL-02:") {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(strict, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	const identity = "https://github.com/example-medical/infucore/.github/workflows/release.yml@refs/tags/v2.4.0"
	firmware := func(vs ...map[string]any) map[string]any {
		return map[string]any{"kind": "file", "ref": "infucore-2.4.0.bin",
			"digest":        map[string]any{"sha256": "f94768c1156433b96dec9686d3d87c2cde52f17c2afa66df165b7782bf36f2b2"},
			"verifications": vs}
	}
	good := verification("signature", true, identity, "")
	// A demoted control never gates, and its failures show as warn.
	tests := []struct {
		name      string
		artefacts []any
		cfg       string
		outcome   result.Outcome
		gate      bool
		msg       string
	}{
		{"none, demoted", []any{}, cfg, result.NotAvailable, false, ""},
		{"none, gating", []any{}, strict, result.NotAvailable, true, ""},
		{"signed and attested", []any{firmware(good, verification("attestation", true, identity, ""))}, strict, result.Pass, true, ""},
		{"unsigned", []any{firmware()}, strict, result.Fail, true, "file infucore-2.4.0.bin has no signature"},
		{"unsigned, demoted", []any{firmware()}, cfg, result.Warn, false, "file infucore-2.4.0.bin has no signature"},
		{"foreign signer", []any{firmware(verification("signature", true, "mallory@example.com", ""))}, strict, result.Fail, true, "is not from an allowed signer"},
		{"failed verification", []any{firmware(verification("signature", false, "", "no matching signatures"))}, strict, result.Fail, true, "signature did not verify: no matching signatures"},
		{"not in provenance", []any{map[string]any{"kind": "image", "ref": "registry.example/infucore@sha256:00", "digest": map[string]any{"sha256": "00"}, "verifications": []any{good}}}, strict, result.Fail, true, "is not a subject of the build provenance"},
	}
	doc := collectDemo(t, dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc["artefacts"] = tt.artefacts
			code, r := checkDoc(t, tt.cfg, doc)
			c := byID(r)["REL-02"]
			if c.Outcome != tt.outcome || c.Gate != tt.gate {
				t.Fatalf("REL-02 %s (gate %v), want %s (gate %v): %+v %v", c.Outcome, c.Gate, tt.outcome, tt.gate, c.Violations, c.Reasons)
			}
			if tt.gate && tt.outcome != result.Pass && code != 1 {
				t.Errorf("exit %d with a gating REL-02 %s, want 1", code, c.Outcome)
			}
			if tt.msg != "" && (len(c.Violations)+len(c.Warnings) == 0 || !strings.Contains(fmt.Sprint(c.Violations, c.Warnings), tt.msg)) {
				t.Errorf("violations %+v warnings %+v, want %q", c.Violations, c.Warnings, tt.msg)
			}
		})
	}
}

// TestSurveillanceMissing: without the surveillance result the post-market
// controls that need it are not_available and the scheduled run fails.
func TestSurveillanceMissing(t *testing.T) {
	dir := demo(t, nil)
	if err := os.Remove(filepath.Join(dir, "build", "surveillance.json")); err != nil {
		t.Fatal(err)
	}
	code, r, errs := checkJSON(t, "--event", "schedule", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	ctls := byID(r)
	for _, id := range []string{"PMS-01", "PMS-02", "PMS-03"} {
		if c := ctls[id]; c.Outcome != result.NotAvailable || !c.Gate {
			t.Errorf("%s without surveillance: %s gate %v", id, c.Outcome, c.Gate)
		}
	}
	// PMS-04 still reads the VEX documents; PMS-05 the SBOM.
	for _, id := range []string{"PMS-04", "PMS-05"} {
		if c := ctls[id]; c.Outcome != result.Pass {
			t.Errorf("%s without surveillance: %s %+v", id, c.Outcome, c.Violations)
		}
	}
}

// TestREL05ConfigFormats: a default configuration that is not a YAML document
// fails REL-05 with the reason, at the file.
func TestREL05ConfigFormats(t *testing.T) {
	dir := demo(t, nil)
	src := filepath.Join(dir, "config", "default.yaml")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(src); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "default.json"), []byte(`{"debug": false}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, r, errs := checkJSON(t, "--event", "release", dir)
	if r == nil {
		t.Fatal(errs)
	}
	c := byID(r)["REL-05"]
	if c.Outcome != result.Fail || len(c.Violations) != 1 || c.Violations[0].Path != "config/default.json" ||
		!strings.Contains(c.Violations[0].Msg, "must be YAML") {
		t.Fatalf("REL-05 with config/default.json: %s %+v", c.Outcome, c.Violations)
	}
	// The YAML file outside the configured documents is not read either.
	if err := os.Remove(filepath.Join(dir, "config", "default.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "default.yml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, r, _ = checkJSON(t, "--event", "release", dir)
	if c := byID(r)["REL-05"]; c.Outcome != result.Fail || len(c.Violations) != 1 || c.Violations[0].Path != "config/default.yml" {
		t.Fatalf("REL-05 with config/default.yml not in documents: %s %+v", c.Outcome, c.Violations)
	}
}
