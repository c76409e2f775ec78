package surveil_test

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// rec builds an OSV record shaped like OSV.dev's (schema 1.6): a GitHub
// advisory style record with aliases, severity, one affected package with
// one range of events, and references.
type rec struct {
	id        string
	aliases   []string
	eco, name string
	rangeType string // ECOSYSTEM (default) or SEMVER
	events    []map[string]string
	versions  []string
	cvss      string // CVSS v3.1 vector; empty for none
	severity  string // database_specific severity (GitHub's words)
	withdrawn string
	published string
}

func (r rec) json() map[string]any {
	rt := r.rangeType
	if rt == "" {
		rt = "ECOSYSTEM"
	}
	published := r.published
	if published == "" {
		published = "2021-12-10T00:40:56Z"
	}
	m := map[string]any{
		"schema_version": "1.6.0",
		"id":             r.id,
		"modified":       "2024-03-21T13:54:58.123456Z",
		"published":      published,
		"aliases":        r.aliases,
		"summary":        "Vulnerability " + r.id + " in " + r.name,
		"details":        "A flaw in " + r.name + " allows an attacker to do harm.",
		"affected": []any{map[string]any{
			"package":            map[string]any{"ecosystem": r.eco, "name": r.name},
			"ranges":             []any{map[string]any{"type": rt, "events": r.events}},
			"versions":           r.versions,
			"database_specific":  map[string]any{"source": "https://github.com/github/advisory-database"},
			"ecosystem_specific": map[string]any{"affected_functions": []string{}},
		}},
		"references": []any{
			map[string]any{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/" + r.id},
			map[string]any{"type": "PACKAGE", "url": "https://example.org/" + r.name},
		},
		"database_specific": map[string]any{"cwe_ids": []string{"CWE-502"}, "github_reviewed": true, "severity": r.severity},
	}
	if r.cvss != "" {
		m["severity"] = []any{map[string]any{"type": "CVSS_V3", "score": r.cvss}}
	}
	if r.withdrawn != "" {
		m["withdrawn"] = r.withdrawn
	}
	return m
}

// ev builds events: ev("introduced", "0", "fixed", "1.2.3").
func ev(kv ...string) []map[string]string {
	var out []map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, map[string]string{kv[i]: kv[i+1]})
	}
	return out
}

const critical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H" // 10.0

// writeZip writes records as an OSV export: all.zip of <ID>.json entries.
func writeZip(t testing.TB, path string, recs []rec) string {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(fh)
	for _, r := range recs {
		w, err := zw.Create(r.id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(w).Encode(r.json()); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// cdx writes a CycloneDX 1.5 SBOM of a product version with components given by purl.
func cdx(t testing.TB, dir, serial, ref, name, version string, purls ...string) string {
	t.Helper()
	comps := []any{}
	for _, p := range purls {
		comps = append(comps, map[string]any{"type": "library", "bom-ref": p, "name": p, "version": "x", "purl": p})
	}
	doc := map[string]any{
		"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
		"metadata": map[string]any{
			"timestamp": "2026-01-01T00:00:00Z",
			"component": map[string]any{"type": "application", "bom-ref": ref, "name": name, "version": version},
		},
		"components": comps,
	}
	if serial != "" {
		doc["serialNumber"] = serial
	}
	return writeJSON(t, filepath.Join(dir, name+"-"+version+".cdx.json"), doc)
}

func writeJSON(t testing.TB, path string, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(data))
	return path
}

func writeFile(t testing.TB, path, data string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// policy writes an update policy with the given SLA days (critical, high, medium, low).
func policy(t testing.TB, dir string, c, h, m, l int) string {
	t.Helper()
	return writeFile(t, filepath.Join(dir, "update-policy.md"), "---\nid: SEC-POL-002\nsla_days:\n  critical: "+itoa(c)+"\n  high: "+itoa(h)+"\n  medium: "+itoa(m)+"\n  low: "+itoa(l)+"\nregular_cycle_days: 90\n---\n\n# Security update policy\n")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func encodeJSON(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }
