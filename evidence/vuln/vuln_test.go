package vuln_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/evidence/vuln"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

// want is the expected normalised form of one finding; score -1 means nil.
type want struct {
	id, name, version, purl, eco, severity string
	aliases                                []string
	score                                  float64
	vector                                 string
	fixed                                  []string
}

func readTestdata(t testing.TB, name string) *source.File {
	t.Helper()
	f, err := source.Read(filepath.Join("testdata", name), name, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseSamples(t *testing.T) {
	const (
		v31Crit   = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
		v31DoS    = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
		v31Low    = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"
		v31Leak   = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"
		v31Babel  = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N"
		v31SSL    = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
		aptVector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N"
		glibc     = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"
	)
	none := []string{}
	tests := []struct {
		file    string
		scanner string
		want    []want
	}{
		{
			file: "grype-debian-image.json", scanner: "grype",
			want: []want{
				{id: "CVE-2011-3374", name: "apt", version: "2.6.1", purl: "pkg:deb/debian/apt@2.6.1?arch=amd64&distro=debian-12", eco: "deb",
					severity: "low", aliases: none, score: 3.7, vector: aptVector, fixed: none},
				{id: "CVE-2023-4911", name: "libc-bin", version: "2.36-9+deb12u1", purl: "pkg:deb/debian/libc-bin@2.36-9%2Bdeb12u1?arch=amd64&upstream=glibc&distro=debian-12", eco: "deb",
					severity: "high", aliases: none, score: 7.8, vector: glibc, fixed: []string{"2.36-9+deb12u3"}},
				{id: "CVE-2023-4911", name: "libc6", version: "2.36-9+deb12u1", purl: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&upstream=glibc&distro=debian-12", eco: "deb",
					severity: "high", aliases: none, score: 7.8, vector: glibc, fixed: []string{"2.36-9+deb12u3"}},
				{id: "CVE-2023-45853", name: "zlib1g", version: "1:1.2.13.dfsg-1", purl: "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&upstream=zlib&distro=debian-12", eco: "deb",
					severity: "critical", aliases: none, score: 9.8, vector: v31Crit, fixed: none},
				{id: "GHSA-j8r2-6x86-q33q", name: "requests", version: "2.28.1", purl: "pkg:pypi/requests@2.28.1", eco: "pypi",
					severity: "medium", aliases: []string{"CVE-2023-32681"}, score: 6.1, vector: v31Leak, fixed: []string{"2.31.0"}},
			},
		},
		{
			file: "grype-npm-dir.json", scanner: "grype",
			want: []want{
				{id: "GHSA-67hx-6x53-jw92", name: "@babel/traverse", version: "7.22.5", purl: "pkg:npm/%40babel/traverse@7.22.5", eco: "npm",
					severity: "critical", aliases: []string{"CVE-2023-45133"}, score: 9.4,
					vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:N/SC:H/SI:H/SA:N", fixed: []string{"7.23.2", "8.0.0-alpha.4"}},
				// No baseScore in the report: computed from the vector.
				{id: "GHSA-952p-6rrq-rcjv", name: "micromatch", version: "4.0.5", purl: "pkg:npm/micromatch@4.0.5", eco: "npm",
					severity: "medium", aliases: []string{"CVE-2024-4067"}, score: 5.3, vector: v31Low, fixed: []string{"4.0.8"}},
				{id: "GHSA-c2qf-rxjj-qqgw", name: "semver", version: "7.3.7", purl: "pkg:npm/semver@7.3.7", eco: "npm",
					severity: "high", aliases: []string{"CVE-2022-25883"}, score: 7.5, vector: v31DoS, fixed: []string{"7.5.2"}},
			},
		},
		{file: "grype-empty.json", scanner: "grype", want: []want{}},
		{
			file: "trivy-image.json", scanner: "trivy",
			want: []want{
				{id: "CVE-2023-5363", name: "libcrypto3", version: "3.1.3-r0", purl: "pkg:apk/alpine/libcrypto3@3.1.3-r0?arch=x86_64&distro=3.18.4", eco: "apk",
					severity: "high", aliases: none, score: 7.5, vector: v31SSL, fixed: []string{"3.1.4-r0"}},
				{id: "CVE-2023-5678", name: "libcrypto3", version: "3.1.3-r0", purl: "pkg:apk/alpine/libcrypto3@3.1.3-r0?arch=x86_64&distro=3.18.4", eco: "apk",
					severity: "medium", aliases: none, score: 5.3, vector: v31Low, fixed: []string{"3.1.4-r1"}},
				{id: "CVE-2023-5363", name: "libssl3", version: "3.1.3-r0", purl: "pkg:apk/alpine/libssl3@3.1.3-r0?arch=x86_64&distro=3.18.4", eco: "apk",
					severity: "high", aliases: none, score: 7.5, vector: v31SSL, fixed: []string{"3.1.4-r0"}},
				{id: "CVE-2022-42003", name: "com.fasterxml.jackson.core:jackson-databind", version: "2.13.2.2", purl: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.2.2", eco: "maven",
					severity: "high", aliases: none, score: 7.5, vector: v31DoS, fixed: []string{"2.12.7.1", "2.13.4.2"}},
				// Only a vector in the report: computed.
				{id: "CVE-2023-35116", name: "com.fasterxml.jackson.core:jackson-databind", version: "2.13.2.2", purl: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.2.2", eco: "maven",
					severity: "medium", aliases: none, score: 5.5, vector: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", fixed: none},
				{id: "CVE-2022-1471", name: "org.yaml:snakeyaml", version: "1.33", purl: "pkg:maven/org.yaml/snakeyaml@1.33", eco: "maven",
					severity: "high", aliases: none, score: 9.8, vector: v31Crit, fixed: []string{"2.0"}},
			},
		},
		{
			file: "trivy-fs.json", scanner: "trivy",
			want: []want{
				{id: "CVE-2024-4068", name: "braces", version: "3.0.2", eco: "npm",
					severity: "unknown", aliases: none, score: -1, fixed: []string{"3.0.3"}},
				{id: "CVE-2024-29041", name: "express", version: "4.18.2", eco: "npm",
					severity: "medium", aliases: none, score: 6.1, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", fixed: []string{"4.19.2", "5.0.0-beta.3"}},
				{id: "CVE-2023-39325", name: "golang.org/x/net", version: "v0.15.0", purl: "pkg:golang/golang.org/x/net@v0.15.0", eco: "golang",
					severity: "high", aliases: none, score: 7.5, vector: v31DoS, fixed: []string{"0.17.0"}},
				{id: "CVE-2023-44487", name: "google.golang.org/grpc", version: "v1.56.2", purl: "pkg:golang/google.golang.org/grpc@v1.56.2", eco: "golang",
					severity: "high", aliases: none, score: 7.5, vector: v31DoS, fixed: []string{"1.56.3", "1.57.1", "1.58.3"}},
			},
		},
		{
			file: "osv-npm-pypi.json", scanner: "osv-scanner",
			want: []want{
				{id: "GHSA-67hx-6x53-jw92", name: "@babel/traverse", version: "7.22.5", purl: "pkg:npm/%40babel/traverse@7.22.5", eco: "npm",
					severity: "critical", aliases: []string{"CVE-2023-45133"}, score: 9.3, vector: v31Babel, fixed: []string{"7.23.2", "8.0.0-alpha.4"}},
				{id: "GHSA-29mw-wpgm-hmr9", name: "lodash", version: "4.17.20", purl: "pkg:npm/lodash@4.17.20", eco: "npm",
					severity: "medium", aliases: []string{"CVE-2020-28500"}, score: 5.3, vector: v31Low, fixed: []string{"4.17.21"}},
				{id: "GHSA-35jh-r3h4-6jhm", name: "lodash", version: "4.17.20", purl: "pkg:npm/lodash@4.17.20", eco: "npm",
					severity: "high", aliases: []string{"CVE-2021-23337"}, score: 7.2, vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", fixed: []string{"4.17.21"}},
				{id: "GHSA-j8r2-6x86-q33q", name: "requests", version: "2.28.1", purl: "pkg:pypi/requests@2.28.1", eco: "PyPI",
					severity: "medium", aliases: []string{"CVE-2023-32681", "PYSEC-2023-74"}, score: 6.1, vector: v31Leak, fixed: []string{"2.31.0"}},
				// No severity of its own: the group's max_severity, and the rating derived from it.
				{id: "PYSEC-2023-74", name: "requests", version: "2.28.1", purl: "pkg:pypi/requests@2.28.1", eco: "PyPI",
					severity: "medium", aliases: []string{"CVE-2023-32681", "GHSA-j8r2-6x86-q33q"}, score: 6.1, fixed: []string{"2.31.0"}},
			},
		},
		{
			file: "osv-go.json", scanner: "osv-scanner",
			want: []want{
				{id: "GHSA-2c4m-59x9-fr2g", name: "github.com/gin-gonic/gin", version: "1.9.0", purl: "pkg:golang/github.com/gin-gonic/gin@1.9.0", eco: "Go",
					severity: "medium", aliases: []string{"CVE-2023-29401", "GO-2023-1737"}, score: 2.3,
					vector: "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", fixed: []string{"1.9.1"}},
				{id: "GHSA-mrww-27vc-gghv", name: "github.com/jackc/pgx/v5", version: "5.5.3", purl: "pkg:golang/github.com/jackc/pgx/v5@5.5.3", eco: "Go",
					severity: "critical", aliases: []string{"CVE-2024-27304", "GO-2024-2606"}, score: 9.8, vector: v31Crit, fixed: []string{"5.5.4"}},
				{id: "GO-2023-2402", name: "golang.org/x/crypto", version: "0.16.0", purl: "pkg:golang/golang.org/x/crypto@0.16.0", eco: "Go",
					severity: "medium", aliases: []string{"CVE-2023-48795", "GHSA-45x7-px36-x8w8"}, score: 5.9, fixed: []string{"0.17.0"}},
				{id: "GO-2023-2185", name: "stdlib", version: "1.21.1", purl: "pkg:golang/stdlib@1.21.1", eco: "Go",
					severity: "unknown", aliases: []string{"CVE-2023-45283", "CVE-2023-45284"}, score: -1, fixed: []string{"1.20.11", "1.21.4"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := readTestdata(t, tt.file)
			r, err := vuln.Parse(f)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if r.Scanner != tt.scanner {
				t.Errorf("Scanner = %q, want %q", r.Scanner, tt.scanner)
			}
			if r.Path != tt.file || r.MediaType != "application/json" || r.SHA256 != f.SHA256 || len(r.SHA256) != 64 {
				t.Errorf("FileRef = %+v", r.FileRef)
			}
			if len(r.Findings) != len(tt.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(r.Findings), len(tt.want), dump(r.Findings))
			}
			for i, w := range tt.want {
				checkFinding(t, i, r.Findings[i], w)
			}
			checkJSON(t, r)
		})
	}
}

func checkFinding(t *testing.T, i int, got evidence.VulnFinding, w want) {
	t.Helper()
	p := got.Package
	if got.ID != w.id || p.Name != w.name || p.Version != w.version || p.PURL != w.purl || p.Ecosystem != w.eco {
		t.Errorf("finding %d: id/package = %s %+v, want %s {%s %s %s %s}", i, got.ID, p, w.id, w.name, w.version, w.purl, w.eco)
	}
	if got.Severity != w.severity {
		t.Errorf("finding %d (%s): severity = %q, want %q", i, got.ID, got.Severity, w.severity)
	}
	switch {
	case w.score < 0 && got.CVSSScore != nil:
		t.Errorf("finding %d (%s): score = %v, want nil", i, got.ID, *got.CVSSScore)
	case w.score >= 0 && (got.CVSSScore == nil || *got.CVSSScore != w.score):
		t.Errorf("finding %d (%s): score = %v, want %v", i, got.ID, fmtScore(got.CVSSScore), w.score)
	}
	if got.CVSSVector != w.vector {
		t.Errorf("finding %d (%s): vector = %q, want %q", i, got.ID, got.CVSSVector, w.vector)
	}
	if fmt.Sprint(got.Aliases) != fmt.Sprint(w.aliases) || got.Aliases == nil {
		t.Errorf("finding %d (%s): aliases = %#v, want %q", i, got.ID, got.Aliases, w.aliases)
	}
	if fmt.Sprint(got.FixedVersions) != fmt.Sprint(w.fixed) || got.FixedVersions == nil {
		t.Errorf("finding %d (%s): fixed = %#v, want %q", i, got.ID, got.FixedVersions, w.fixed)
	}
}

// checkJSON checks that the report marshals with [] rather than null for every slice.
func checkJSON(t *testing.T, r evidence.VulnReport) {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("null")) && !bytes.Contains(b, []byte(`"cvss_score":null`)) {
		t.Errorf("JSON has null: %s", b)
	}
	if bytes.Contains(b, []byte(`"aliases":null`)) || bytes.Contains(b, []byte(`"fixed_versions":null`)) || bytes.Contains(b, []byte(`"findings":null`)) {
		t.Errorf("JSON has a null slice: %s", b)
	}
}

func fmtScore(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func dump(fs []evidence.VulnFinding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s@%s %s %s %s\n", f.ID, f.Package.Name, f.Package.Version, f.Severity, fmtScore(f.CVSSScore), f.FixedVersions)
	}
	return b.String()
}

// TestParseDeterministic parses a report whose matches are shuffled and expects
// the same findings in the same order.
func TestParseDeterministic(t *testing.T) {
	f := readTestdata(t, "grype-debian-image.json")
	var doc map[string]any
	if err := json.Unmarshal(f.Data, &doc); err != nil {
		t.Fatal(err)
	}
	matches := doc["matches"].([]any)
	for i, j := 0, len(matches)-1; i < j; i, j = i+1, j-1 {
		matches[i], matches[j] = matches[j], matches[i]
	}
	reversed, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	a, err := vuln.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := vuln.Parse(source.New(f.Path, reversed))
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a.Findings)
	jb, _ := json.Marshal(b.Findings)
	if !bytes.Equal(ja, jb) {
		t.Errorf("findings depend on input order:\n%s\n%s", ja, jb)
	}
}

func TestParseHostile(t *testing.T) {
	grype := string(readTestdata(t, "grype-npm-dir.json").Data)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	tests := []struct {
		name  string
		input string
		// want is a substring of the error message.
		want string
		// line is the line the error must name; 0 when no position is expected.
		line int
	}{
		{"empty", "", "empty file", 0},
		{"whitespace", " \n\t", "empty file", 0},
		{"truncated", grype[:len(grype)/2], "unexpected end of file", 0},
		{"truncated object", `{"matches": [`, "unexpected end of file", 0},
		{"syntax error", "{\n  \"matches\": [\n    {\"vulnerability\": {\"id\": \"CVE-1\",}}\n  ]\n}", "invalid JSON", 3},
		{"trailing garbage", `{"matches": []} {"matches": []}`, "after the JSON document", 1},
		{"invalid UTF-8", "{\"matches\": [], \"x\": \"\xff\xfe\"}", "invalid UTF-8", 1},
		{"deep nesting", deep, "nested deeper", 1},
		{"deep nesting in object", `{"matches": [` + deep + `]}`, "nested deeper", 1},
		{"XML", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`, "this is XML, not JSON", 1},
		{"billion laughs", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`, "this is XML, not JSON", 1},
		{"array", `[{"RuleID": "aws-access-token"}]`, "expected a JSON object, found JSON array", 1},
		{"string", `"matches"`, "expected a JSON object, found JSON string", 1},
		{"null", `null`, "expected a JSON object, found JSON null", 1},
		{"empty object", `{}`, "not a vulnerability scan report", 0},
		{"SARIF", `{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []}`, "looks like a SARIF log", 0},
		{"CycloneDX", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}`, "looks like a CycloneDX document", 0},
		{"OpenVEX", `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}`, "looks like an OpenVEX document", 0},
		{"matches not array", `{"matches": {"id": "x"}}`, "matches: expected array, found JSON object", 1},
		{"matches null", `{"matches": null}`, "matches: expected array, found JSON null", 1},
		{"match not object", "{\"matches\": [\n  42\n]}", "matches[0]: expected object, found JSON number", 2},
		{"id wrong type", "{\"matches\": [\n  {\"vulnerability\": {\"id\": 7}, \"artifact\": {\"name\": \"a\"}}\n]}", "matches[0].vulnerability.id: expected string, found JSON number", 2},
		{"id missing", "{\"matches\": [\n  {\"vulnerability\": {}, \"artifact\": {\"name\": \"a\"}}\n]}", "matches[0].vulnerability.id: missing", 2},
		{"artifact name missing", "{\"matches\": [\n {\"vulnerability\": {\"id\": \"CVE-1\"}, \"artifact\": {\"name\": \"a\"}},\n {\"vulnerability\": {\"id\": \"CVE-2\"}, \"artifact\": {}}\n]}", "matches[1].artifact.name: missing", 3},
		{"score wrong type", "{\"matches\": [\n {\"vulnerability\": {\"id\": \"CVE-1\", \"cvss\": [{\"version\": \"3.1\", \"metrics\": {\"baseScore\": \"9.8\"}}]}, \"artifact\": {\"name\": \"a\"}}\n]}", "matches[0].vulnerability.cvss.metrics.baseScore: expected number, found JSON string", 2},
		{"fix versions wrong type", `{"matches": [{"vulnerability": {"id": "CVE-1", "fix": {"versions": "1.0"}}, "artifact": {"name": "a"}}]}`, "expected array, found JSON string", 1},
		{"number out of range", `{"matches": [{"vulnerability": {"id": "CVE-1", "cvss": [{"metrics": {"baseScore": 1e999}}]}, "artifact": {"name": "a"}}]}`, "number out of range", 1},
		{"trivy schema 1", `{"SchemaVersion": 1, "Results": []}`, "unsupported Trivy SchemaVersion 1: expected 2", 1},
		{"trivy schema string", `{"SchemaVersion": "2", "Results": []}`, "SchemaVersion: expected number, found JSON string", 1},
		{"trivy results object", `{"SchemaVersion": 2, "Results": {}}`, "Results: expected array, found JSON object", 1},
		{"trivy vuln id missing", "{\"SchemaVersion\": 2, \"Results\": [\n {\"Target\": \"go.mod\", \"Vulnerabilities\": [{\"PkgName\": \"x\"}]}\n]}", "Results[0].Vulnerabilities[0].VulnerabilityID: missing", 2},
		{"trivy pkg missing", `{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"VulnerabilityID": "CVE-1"}]}]}`, "Results[0].Vulnerabilities[0].PkgName: missing", 1},
		{"trivy score wrong type", `{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "x", "CVSS": {"nvd": {"V3Score": "high"}}}]}]}`, "expected number, found JSON string", 1},
		{"osv results not array", `{"results": "none"}`, "results: expected array, found JSON string", 1},
		{"osv result without packages", `{"results": [{"source": {"path": "go.mod"}}]}`, "results[0].packages: missing", 1},
		{"osv package name missing", `{"results": [{"packages": [{"package": {"version": "1.0"}, "vulnerabilities": []}]}]}`, "results[0].packages[0].package.name: missing", 1},
		{"osv vuln id missing", `{"results": [{"packages": [{"package": {"name": "x"}, "vulnerabilities": [{"aliases": []}]}]}]}`, "results[0].packages[0].vulnerabilities[0].id: missing", 1},
		{"osv aliases wrong type", `{"results": [{"packages": [{"package": {"name": "x"}, "vulnerabilities": [{"id": "GHSA-1", "aliases": "CVE-1"}]}]}]}`, "expected array, found JSON string", 1},
		{"ambiguous", `{"matches": [], "results": []}`, "ambiguous report", 0},
		// Keys are matched exactly, not case-insensitively as encoding/json would.
		{"Trivy Results without SchemaVersion", `{"Results": []}`, "not a vulnerability scan report", 0},
		{"upper-case matches", `{"MATCHES": []}`, "not a vulnerability scan report", 0},
		{"byte order mark", "\uFEFF{\"matches\": []}", "byte order mark", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := vuln.Parse(source.New("scan.json", []byte(tt.input)))
			if err == nil {
				t.Fatalf("Parse succeeded with %d findings, want an error", len(r.Findings))
			}
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *source.Error: %v", err, err)
			}
			if se.Path != "scan.json" {
				t.Errorf("error path = %q", se.Path)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if tt.line != 0 && se.Line != tt.line {
				t.Errorf("error line = %d, want %d (%v)", se.Line, tt.line, err)
			}
		})
	}
}

// TestParseLenient checks inputs that are odd but valid.
func TestParseLenient(t *testing.T) {
	tests := []struct {
		name, input, scanner string
		findings             int
	}{
		{"trivy without results", `{"SchemaVersion": 2, "ArtifactName": ".", "ArtifactType": "filesystem"}`, "trivy", 0},
		{"trivy null results", `{"SchemaVersion": 2, "Results": null}`, "trivy", 0},
		{"osv no results", `{"results": []}`, "osv-scanner", 0},
		{"osv free-form database_specific", `{"results": [{"packages": [{"package": {"name": "x", "version": "1", "ecosystem": "Debian:12"}, "vulnerabilities": [{"id": "DSA-1", "database_specific": {"severity": ["odd"]}}]}]}]}`, "osv-scanner", 1},
		{"grype unknown fields", `{"matches": [{"vulnerability": {"id": "CVE-1", "severity": "Negligible", "extra": [1, {"a": null}]}, "artifact": {"name": "a", "purl": "not a purl"}}], "future": {"x": 1}}`, "grype", 1},
		{"CRLF line endings", "{\r\n\"matches\": []\r\n}\r\n", "grype", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := vuln.Parse(source.New("scan.json", []byte(tt.input)))
			if err != nil {
				t.Fatal(err)
			}
			if r.Scanner != tt.scanner || len(r.Findings) != tt.findings || r.Findings == nil {
				t.Errorf("got scanner %q with %d findings, want %q with %d", r.Scanner, len(r.Findings), tt.scanner, tt.findings)
			}
		})
	}
}

// TestRealWorldOtherKinds hands the parser real files of other kinds and expects
// an error that says what the file looks like and what was expected.
func TestRealWorldOtherKinds(t *testing.T) {
	tests := []struct{ rel, want string }{
		{"sarif/Suppressions.sarif", "looks like a SARIF log"},
		{"sarif/CodeFlows.sarif", "looks like a SARIF log"},
		{"sbom/cyclonedx/dropwizard-1.3.15_bom.json", "looks like a CycloneDX document"},
		{"sbom/cyclonedx/keycloak-10.0.2_bom.xml", "this is XML, not JSON"},
		{"sbom/spdx/SPDXJSONExample-v2.3.spdx.json", "looks like an SPDX document"},
		{"vex/cisa-use-cases/Case-2_vex.json", "looks like a CycloneDX document"},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			f, err := source.Read(realworld.Path(t, tt.rel), tt.rel, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = vuln.Parse(f)
			var se *source.Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "expected a Grype report") {
				t.Errorf("error = %v, want a *source.Error containing %q", err, tt.want)
			}
		})
	}
}

func TestSeverityMapping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Critical", "critical"}, {"HIGH", "high"}, {"Medium", "medium"}, {"moderate", "medium"},
		{"Low", "low"}, {"Negligible", "low"}, {"Unknown", "unknown"}, {"", "unknown"}, {"bogus", "unknown"},
	}
	for _, tt := range tests {
		doc := fmt.Sprintf(`{"matches": [{"vulnerability": {"id": "CVE-1", "severity": %q}, "artifact": {"name": "a"}}]}`, tt.in)
		r, err := vuln.Parse(source.New("g.json", []byte(doc)))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Findings[0].Severity; got != tt.want {
			t.Errorf("severity %q -> %q, want %q", tt.in, got, tt.want)
		}
	}
	// OSV without a textual severity: derived from the score.
	for _, tt := range []struct {
		max  string
		want string
	}{{"9.0", "critical"}, {"8.9", "high"}, {"7.0", "high"}, {"4.0", "medium"}, {"3.9", "low"}, {"0.1", "low"}, {"0", "unknown"}, {"", "unknown"}} {
		doc := fmt.Sprintf(`{"results": [{"packages": [{"package": {"name": "x"}, "vulnerabilities": [{"id": "GO-1"}], "groups": [{"ids": ["GO-1"], "max_severity": %q}]}]}]}`, tt.max)
		r, err := vuln.Parse(source.New("o.json", []byte(doc)))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Findings[0].Severity; got != tt.want {
			t.Errorf("max_severity %q -> %q, want %q", tt.max, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"grype-npm-dir.json", "grype-empty.json", "trivy-fs.json", "osv-go.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"matches": [`, `{"matches": [{}]}`,
		`{"matches": [{"vulnerability": {"id": "CVE-1", "cvss": [{"version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}]}, "artifact": {"name": "a"}}]}`,
		`{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "x", "FixedVersion": ",,1, 1,"}]}]}`,
		`{"results": [{"packages": [{"package": {"name": "@s/x", "ecosystem": "npm"}, "vulnerabilities": [{"id": "G", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N"}]}]}]}]}`,
		"{\"matches\": [], \"x\": \"\xff\"}", `<?xml version="1.0"?><r/>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := vuln.Parse(source.New("fuzz.json", data))
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *source.Error: %v", err, err)
			}
			return
		}
		if r.Findings == nil {
			t.Fatal("nil findings")
		}
		if r.Scanner != "grype" && r.Scanner != "trivy" && r.Scanner != "osv-scanner" {
			t.Fatalf("scanner %q", r.Scanner)
		}
		for _, fd := range r.Findings {
			if fd.ID == "" || fd.Package.Name == "" || fd.Aliases == nil || fd.FixedVersions == nil {
				t.Fatalf("bad finding %+v", fd)
			}
			switch fd.Severity {
			case "critical", "high", "medium", "low", "unknown":
			default:
				t.Fatalf("severity %q", fd.Severity)
			}
			if fd.CVSSScore != nil && (*fd.CVSSScore <= 0 || *fd.CVSSScore > 10) {
				t.Fatalf("score %v", *fd.CVSSScore)
			}
		}
	})
}

// grypeReport builds a Grype report of n matches shaped like real output.
func grypeReport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("{\n \"matches\": [\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `  {
   "vulnerability": {
    "id": "CVE-2024-%05d",
    "dataSource": "https://nvd.nist.gov/vuln/detail/CVE-2024-%05d",
    "namespace": "github:language:java",
    "severity": "%s",
    "urls": ["https://github.com/advisories/GHSA-xxxx-%04d", "https://nvd.nist.gov/vuln/detail/CVE-2024-%05d"],
    "description": "A flaw was found in component %d that allows a remote attacker to cause a denial of service by sending crafted input to the parser.",
    "cvss": [{"version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "metrics": {"baseScore": 7.5, "exploitabilityScore": 3.9, "impactScore": 3.6}, "vendorMetadata": {}}],
    "fix": {"versions": ["2.%d.1", "3.%d.0"], "state": "fixed"},
    "advisories": []
   },
   "relatedVulnerabilities": [{"id": "GHSA-xxxx-%04d", "dataSource": "https://github.com/advisories", "namespace": "github:language:java", "severity": "High", "urls": [], "cvss": []}],
   "matchDetails": [{"type": "exact-direct-match", "matcher": "java-matcher", "searchedBy": {"language": "java", "namespace": "github:language:java", "package": {"name": "lib%d", "version": "2.%d.0"}}, "found": {"vulnerabilityID": "CVE-2024-%05d", "versionConstraint": "<2.%d.1 (unknown)"}}],
   "artifact": {"id": "%016x", "name": "lib%d", "version": "2.%d.0", "type": "java-archive", "locations": [{"path": "/app/lib/lib%d-2.%d.0.jar", "layerID": "sha256:1c4eef651f65e2f7daee7ee785882ac164b02b78fb74503052a26dc061c90474"}], "language": "java", "licenses": ["Apache-2.0"], "cpes": ["cpe:2.3:a:example:lib%d:2.%d.0:*:*:*:*:*:*:*"], "purl": "pkg:maven/com.example/lib%d@2.%d.0", "upstreams": []}
  }`, i, i, []string{"Critical", "High", "Medium", "Low", "Negligible"}[i%5], i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i)
	}
	b.WriteString("\n ],\n \"source\": {\"type\": \"image\", \"target\": {\"userInput\": \"example/app:1.0\"}},\n \"descriptor\": {\"name\": \"grype\", \"version\": \"0.79.3\"}\n}\n")
	return b.Bytes()
}

func TestGrypeReportGenerator(t *testing.T) {
	r, err := vuln.Parse(source.New("big.json", grypeReport(50)))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 50 || r.Findings[0].Package.PURL != "pkg:maven/com.example/lib0@2.0.0" || *r.Findings[0].CVSSScore != 7.5 {
		t.Fatalf("unexpected: %d findings, first %+v", len(r.Findings), r.Findings[0])
	}
}

func BenchmarkParseGrype5000(b *testing.B) {
	data := grypeReport(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := vuln.Parse(source.New("big.json", data))
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Findings) != 5000 {
			b.Fatalf("%d findings", len(r.Findings))
		}
	}
}
