package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
)

// surveilRepo writes a product folder for surveil: the update policy (30-day
// critical SLA), the SBOM of version 2.4.0 with lodash 4.17.19, an OSV export
// with CVE-2021-23337 (critical), and a state in which that finding was first
// seen 40 days before the run.
func surveilRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("docs/security/update-policy.md", "---\nid: SEC-POL-002\nsla_days: {critical: 30, high: 60, medium: 90, low: 180}\n---\n# Security update policy\n")
	write("release/2.4.0.cdx.json", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "metadata": {"component": {"type": "application", "bom-ref": "infucore", "name": "InfuCore", "version": "2.4.0", "purl": "pkg:generic/infucore@2.4.0"}},
  "components": [{"type": "library", "bom-ref": "lodash", "name": "lodash", "version": "4.17.19", "purl": "pkg:npm/lodash@4.17.19"}]}`)
	fh, err := os.Create(filepath.Join(dir, "osv-npm.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(fh)
	w, _ := zw.Create("GHSA-35jh-r3h4-6jhm.json")
	w.Write([]byte(`{"schema_version": "1.6.0", "id": "GHSA-35jh-r3h4-6jhm", "modified": "2024-02-13T00:00:00Z", "published": "2021-02-15T00:00:00Z",
  "aliases": ["CVE-2021-23337"], "summary": "Command Injection in lodash", "details": "lodash versions prior to 4.17.21 are vulnerable to Command Injection via the template function.",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
  "affected": [{"package": {"ecosystem": "npm", "name": "lodash", "purl": "pkg:npm/lodash"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}],
  "references": [{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2021-23337"}],
  "database_specific": {"cwe_ids": ["CWE-77", "CWE-94"], "severity": "HIGH", "github_reviewed": true}}`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	write("state/surveil-state.json", `{"schema": "mdrgate.surveil-state/v1", "updated_at": "2026-10-22T00:00:00Z", "entries": [
  {"version": "2.4.0", "id": "CVE-2021-23337", "aliases": ["GHSA-35jh-r3h4-6jhm"],
   "package": {"name": "lodash", "version": "4.17.19", "purl": "pkg:npm/lodash@4.17.19", "ecosystem": "npm"},
   "severity": "critical", "first_seen": "2026-10-22T00:00:00Z", "resolved_at": null}]}`)
	write("vex/lodash.openvex.json", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.org/vex/1", "author": "Example Medical Devices",
  "timestamp": "2026-11-30T00:00:00Z", "version": 1, "statements": [{"vulnerability": {"name": "CVE-2021-23337"},
  "products": [{"@id": "pkg:generic/infucore@2.4.0"}], "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}`)
	write("kev.json", `{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.30", "count": 1,
  "vulnerabilities": [{"cveID": "CVE-2021-23337", "vendorProject": "lodash", "product": "lodash", "dateAdded": "2026-11-20", "dueDate": "2026-12-11"}]}`)
	return dir
}

// TestSurveilSLA: first seen 40 days ago, 30-day SLA, no VEX: exit 1; with a
// justified not_affected VEX: exit 0. The JSON feeds collect's surveillance.
func TestSurveilSLA(t *testing.T) {
	dir := surveilRepo(t)
	args := func(extra ...string) []string {
		return append([]string{"surveil", dir, "--at", at, "--sbom", filepath.Join(dir, "release/2.4.0.cdx.json"),
			"--osv", filepath.Join(dir, "osv-npm.zip"), "--state", filepath.Join(dir, "state/surveil-state.json")}, extra...)
	}
	out := filepath.Join(dir, "build", "surveillance.json")
	os.MkdirAll(filepath.Dir(out), 0o755)
	code, stdout, stderr := mdrgate(t, args("-o", "text", "-o", "json="+out)...)
	if code != 1 || !strings.Contains(stderr, "2.4.0: CVE-2021-23337 in lodash 4.17.19 is past its critical SLA (due 2026-11-21)") || !strings.Contains(stdout, "overdue") {
		t.Fatalf("without VEX: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	var s evidence.Surveillance
	data, _ := os.ReadFile(out)
	if err := json.Unmarshal(data, &s); err != nil || s.Versions[0].Findings[0].State != "overdue" {
		t.Fatalf("json: %v %+v", err, s)
	}
	// The state keeps first_seen.
	state, _ := os.ReadFile(filepath.Join(dir, "state/surveil-state.json"))
	if !strings.Contains(string(state), `"first_seen": "2026-10-22T00:00:00Z"`) {
		t.Errorf("state:\n%s", state)
	}

	code, stdout, stderr = mdrgate(t, args("--vex", filepath.Join(dir, "vex"), "-o", "markdown", "-o", "json="+out)...)
	if code != 0 || !strings.Contains(stdout, "| resolved | CVE-2021-23337 |") {
		t.Fatalf("with VEX: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	// collect reads the JSON by its default glob into the document.
	code, stdout, stderr = mdrgate(t, "collect", dir)
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, stderr)
	}
	var doc evidence.Document
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Surveillance == nil || doc.Surveillance.Path != "build/surveillance.json" || doc.Surveillance.Versions[0].Findings[0].State != "resolved" {
		t.Fatalf("document surveillance: %+v", doc.Surveillance)
	}
	// A second surveillance file is an error naming both.
	os.WriteFile(filepath.Join(dir, "build", "surveillance-old.json"), data, 0o644)
	code, _, stderr = mdrgate(t, "collect", dir)
	if code != 2 || !strings.Contains(stderr, "build/surveillance-old.json") || !strings.Contains(stderr, "build/surveillance.json") {
		t.Errorf("two surveillance files: exit %d: %s", code, stderr)
	}
}

// TestSurveilConfigKEVDrafts: inputs from .mdrgate.yaml, a KEV-listed finding
// within its SLA fails the run and gets drafts.
func TestSurveilConfigKEVDrafts(t *testing.T) {
	dir := surveilRepo(t)
	os.WriteFile(filepath.Join(dir, ".mdrgate.yaml"), []byte(`version: 1
product: {name: InfuCore, version: 2.4.0, manufacturer: Example Medical Devices, mdr_class: IIb}
surveil:
  sboms: [release/2.4.0.cdx.json]
  osv: [osv-npm.zip]
  kev: kev.json
  state: state/new-state.json
`), 0o644)
	drafts := filepath.Join(dir, "advisories")
	code, stdout, stderr := mdrgate(t, "surveil", dir, "--at", "2026-11-25T00:00:00Z", "--drafts", drafts, "-o", "sarif")
	if code != 1 || !strings.Contains(stderr, "is in the CISA KEV catalogue and not resolved") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID, Level string
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &sarif); err != nil || len(sarif.Runs[0].Results) != 1 || sarif.Runs[0].Results[0].Level != "error" {
		t.Errorf("sarif: %v %+v", err, sarif)
	}
	csaf, err := os.ReadFile(filepath.Join(drafts, "CVE-2021-23337.csaf-draft.json"))
	if err != nil || !strings.Contains(string(csaf), `"status": "draft"`) || !strings.Contains(string(csaf), `"name": "Example Medical Devices"`) {
		t.Errorf("csaf draft: %v\n%s", err, csaf)
	}
	if _, err := os.Stat(filepath.Join(drafts, "CVE-2021-23337.notice-draft.md")); err != nil {
		t.Error(err)
	}
	// New state file: first seen at this run.
	state, err := os.ReadFile(filepath.Join(dir, "state/new-state.json"))
	if err != nil || !strings.Contains(string(state), `"first_seen": "2026-11-25T00:00:00Z"`) {
		t.Errorf("state: %v\n%s", err, state)
	}
}

func TestSurveilUsageErrors(t *testing.T) {
	dir := surveilRepo(t)
	sbom := filepath.Join(dir, "release/2.4.0.cdx.json")
	osv := filepath.Join(dir, "osv-npm.zip")
	os.WriteFile(filepath.Join(dir, "broken-state.json"), []byte(`{"schema": `), 0o644)
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"surveil", dir, "--sbom", sbom, "--osv", osv, "-o", "junit"}, `invalid -o "junit": valid formats are json, markdown, sarif, text`},
		{[]string{"surveil", empty, "--sbom", sbom, "--osv", osv}, "no SLA: set sla_days"},
		{[]string{"surveil", dir, "--osv", osv}, "no SBOM: give each supported version's SBOM with --sbom"},
		{[]string{"surveil", dir, "--sbom", sbom}, "no OSV database"},
		{[]string{"surveil", dir, "--sbom", sbom, "--osv", osv, "--at", "yesterday"}, `invalid --at "yesterday"`},
		{[]string{"surveil", dir, "--sbom", sbom, "--osv", osv, "--state", filepath.Join(dir, "broken-state.json")}, "broken-state.json:1:"},
		{[]string{"surveil", dir, "--sbom", sbom, "--osv", osv, "--kev", sbom}, `not a KEV catalogue: "vulnerabilities" is missing`},
	} {
		code, _, stderr := mdrgate(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d: %s\nwant %q", tc.args[2:], code, stderr, tc.want)
		}
	}
	// The broken state is left as it was.
	if data, _ := os.ReadFile(filepath.Join(dir, "broken-state.json")); string(data) != `{"schema": ` {
		t.Errorf("state rewritten: %s", data)
	}
}

// TestSurveilConfigStrict: the surveil block is checked like the rest of the configuration.
func TestSurveilConfigStrict(t *testing.T) {
	dir := surveilRepo(t)
	os.WriteFile(filepath.Join(dir, ".mdrgate.yaml"), []byte("version: 1\nsurveil:\n  sbom: [release/2.4.0.cdx.json]\n"), 0o644)
	code, _, stderr := mdrgate(t, "surveil", dir)
	if code != 2 || !strings.Contains(stderr, ".mdrgate.yaml:3") || !strings.Contains(stderr, "sbom") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
