package surveillance_test

import (
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/evidence/surveillance"
)

const valid = `{
  "path": "", "sha256": "", "media_type": "application/vnd.mdrgate.surveillance+json",
  "run_at": "2026-12-01T00:00:00Z",
  "feeds": [{"name": "osv", "path": "osv/npm.zip", "sha256": "ab", "records": 3}],
  "sla_days": {"critical": 30, "high": 60, "medium": 90, "low": 180},
  "versions": [
    {"version": "2.4.0", "sbom": {"path": "release/2.4.0.cdx.json", "sha256": "cd", "media_type": "application/vnd.cyclonedx+json"},
     "scanned_at": "2026-12-01T00:00:00Z",
     "findings": [
       {"id": "GHSA-b", "aliases": null, "package": {"name": "b", "version": "1", "purl": "pkg:npm/b@1", "ecosystem": "npm"},
        "severity": "high", "cvss_score": null, "fixed_versions": ["2"], "first_seen": "2026-10-01T00:00:00Z",
        "due_date": "2026-11-30T00:00:00Z", "state": "overdue", "vex_status": "", "vex_justification": "", "kev": false, "resolved_at": null},
       {"id": "CVE-2021-23337", "aliases": ["GHSA-35jh-r3h4-6jhm"], "package": {"name": "lodash", "version": "4.17.19", "purl": "pkg:npm/lodash@4.17.19", "ecosystem": "npm"},
        "severity": "critical", "cvss_score": 10, "fixed_versions": ["4.17.21"], "first_seen": "2026-10-22T00:00:00Z",
        "due_date": "2026-11-21T00:00:00Z", "state": "resolved", "vex_status": "not_affected", "vex_justification": "vulnerable_code_not_in_execute_path", "kev": false, "resolved_at": "2026-11-30T00:00:00Z"}
     ]},
    {"version": "2.3.0", "sbom": {"path": "release/2.3.0.cdx.json", "sha256": "ef", "media_type": "application/vnd.cyclonedx+json"},
     "scanned_at": "2026-12-01T00:00:00Z", "findings": []}
  ]
}`

func TestParse(t *testing.T) {
	f := source.New("build/surveillance.json", []byte(valid))
	s, err := surveillance.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if s.Path != "build/surveillance.json" || s.SHA256 != f.SHA256 || s.MediaType != surveillance.MediaType {
		t.Errorf("file ref %+v", s.FileRef)
	}
	if s.Versions[0].Version != "2.3.0" || s.Versions[1].Findings[0].ID != "CVE-2021-23337" {
		t.Errorf("not sorted: %+v", s.Versions)
	}
	if s.Versions[1].Findings[1].Aliases == nil || s.SLADays["critical"] != 30 || *s.Versions[1].Findings[0].CVSSScore != 10 {
		t.Errorf("decoded %+v", s.Versions[1])
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"unknown key", `"kev": false, "resolved_at": null}`, `"kev": false, "resolved_at": null, "kve": true}`, `build/surveillance.json:12:143: unknown key "kve"`},
		{"bad state", `"state": "overdue"`, `"state": "late"`, `versions[0].findings[0].state: invalid value "late"`},
		{"bad severity", `"severity": "high"`, `"severity": "severe"`, `versions[0].findings[0].severity: invalid value "severe"`},
		{"resolved without time", `"resolved_at": "2026-11-30T00:00:00Z"`, `"resolved_at": null`, `state resolved without resolved_at`},
		{"no run_at", `"run_at": "2026-12-01T00:00:00Z",`, ``, `"run_at" is missing`},
		{"wrong type", `"records": 3`, `"records": "3"`, `build/surveillance.json:4:`},
		{"duplicate version", `"version": "2.3.0"`, `"version": "2.4.0"`, `"2.4.0" appears twice`},
		{"bad time", `"first_seen": "2026-10-01T00:00:00Z"`, `"first_seen": "yesterday"`, `build/surveillance.json:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(valid, tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			data := strings.Replace(valid, tc.old, tc.new, 1)
			_, err := surveillance.Parse(source.New("build/surveillance.json", []byte(data)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestAddTwice: a second surveillance file is an error naming both.
func TestAddTwice(t *testing.T) {
	var d evidence.Document
	if err := surveillance.Add(source.New("a/surveillance.json", []byte(valid)), &d); err != nil {
		t.Fatal(err)
	}
	err := surveillance.Add(source.New("b/surveillance-old.json", []byte(valid)), &d)
	if err == nil || !strings.Contains(err.Error(), "a/surveillance.json") || !strings.Contains(err.Error(), "b/surveillance-old.json") {
		t.Errorf("err = %v, want both paths", err)
	}
	if d.Surveillance.Path != "a/surveillance.json" {
		t.Errorf("kept %s", d.Surveillance.Path)
	}
}
