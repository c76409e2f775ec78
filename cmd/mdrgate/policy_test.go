package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/internal/result"
)

// userPolicy is the worked example of docs/authoring.md.
func userPolicy(t *testing.T) string {
	return filepath.Join(repoRoot(t), "testdata", "userpolicy")
}

// copyDir copies the files of src into a new temporary folder.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// edit replaces old with new in a file, failing when old is not there.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

const firmwareManifest = `# Firmware images of the InfuCore release and their anti-rollback counters.
images:
  - name: infucore-app
    version: 2.4.0
    rollback_counter: 7
  - name: infucore-boot
    version: 1.2.0
    rollback_counter: 3
`

// TestAuthoringGuide follows docs/authoring.md as a new user would: lint the
// worked example, run its tests, then check a repository with it.
func TestAuthoringGuide(t *testing.T) {
	pol := userPolicy(t)

	code, out, errs := mdrgate(t, "policy", "lint", pol)
	if code != 0 || !strings.Contains(out, "no problems") {
		t.Fatalf("policy lint: exit %d\n%s%s", code, out, errs)
	}

	code, out, errs = mdrgate(t, "policy", "test", pol)
	if !regexp.MustCompile(`(?m)^mdrgate\.controls\.acme01 +8 passed, 0 failed$`).MatchString(out) {
		t.Errorf("policy test does not report the example's 8 tests passing:\n%s%s", out, errs)
	}
	if code != 0 {
		t.Errorf("policy test: exit %d (a built-in or example test fails)\n%s%s", code, out, errs)
	}
	if !regexp.MustCompile(`(?m)^\d+ passed, 0 failed$`).MatchString(out) {
		t.Errorf("policy test lacks the summary line:\n%s", out)
	}

	dir := demo(t, nil)
	// Without the manifest ACME-01 fails like a built-in control, at the file it wants.
	code, r, errs := checkJSON(t, "--policy", pol, dir)
	if code == 2 {
		t.Fatalf("check: %s", errs)
	}
	c, ok := byID(r)["ACME-01"]
	if !ok {
		t.Fatal("ACME-01 is not in the report")
	}
	if c.Outcome != result.Fail || !c.Gate || len(c.Violations) != 1 || c.Violations[0].Path != "release/firmware-images.yaml" {
		t.Fatalf("ACME-01 without a manifest: %s gate=%v %+v", c.Outcome, c.Gate, c.Violations)
	}
	if !strings.HasSuffix(c.Source, "acme01/acme01.rego") || c.Remediation == "" || len(c.Refs["iec81001"]) != 2 {
		t.Errorf("ACME-01 metadata in the report: %+v", c)
	}
	code, out, _ = mdrgate(t, "check", "--at", at, "--policy", pol, dir)
	if code != 1 || !strings.Contains(out, "ACME-01") || !strings.Contains(out, "release/firmware-images.yaml is missing") {
		t.Errorf("text report (exit %d) lacks ACME-01's failure:\n%s", code, out)
	}
	code, out, _ = mdrgate(t, "check", "--at", at, "--policy", pol, "-o", "sarif", dir)
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || len(sarif.Runs) != 1 {
		t.Fatalf("sarif (exit %d): %v\n%s", code, err, out)
	}
	found := false
	for _, res := range sarif.Runs[0].Results {
		if res.RuleID == "ACME-01" && len(res.Locations) > 0 && res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "release/firmware-images.yaml" {
			found = true
		}
	}
	if !found {
		t.Errorf("sarif has no ACME-01 result at release/firmware-images.yaml:\n%s", out)
	}

	// With the manifest it passes.
	if err := os.MkdirAll(filepath.Join(dir, "release"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "release", "firmware-images.yaml"), []byte(firmwareManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	_, r, errs = checkJSON(t, "--policy", pol, dir)
	if r == nil {
		t.Fatalf("check: %s", errs)
	}
	if c := byID(r)["ACME-01"]; c.Outcome != result.Pass {
		t.Errorf("ACME-01 with the manifest: %s %+v %v", c.Outcome, c.Violations, c.Reasons)
	}
	// A lower counter than the configured minimum fails again: parameters work.
	cfg := filepath.Join(dir, ".mdrgate.yaml")
	if b, _ := os.ReadFile(cfg); regexp.MustCompile(`(?m)^controls:\n`).Match(b) {
		edit(t, cfg, "\ncontrols:\n", "\ncontrols:\n  ACME-01: {params: {min_counter: 5}}\n")
	} else {
		edit(t, cfg, "version: 1\n", "version: 1\ncontrols:\n  ACME-01: {params: {min_counter: 5}}\n")
	}
	_, r, errs = checkJSON(t, "--policy", pol, dir)
	if r == nil {
		t.Fatalf("check: %s", errs)
	}
	if c := byID(r)["ACME-01"]; c.Outcome != result.Fail || len(c.Violations) != 1 || !strings.Contains(c.Violations[0].Msg, "infucore-boot has rollback_counter 3") {
		t.Errorf("ACME-01 with min_counter 5: %s %+v", c.Outcome, c.Violations)
	}
}

// TestPolicyLintBroken breaks a copy of the worked example in the ways a new
// author might, and checks each problem is reported at its file and line.
func TestPolicyLintBroken(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, dir string)
		want   []string // regexps, each must match a line of the output; LINE(text) is the line of text in acme01.rego after mutate
	}{
		{
			name: "metadata",
			mutate: func(t *testing.T, dir string) {
				f := filepath.Join(dir, "acme01", "acme01.rego")
				edit(t, f, `#   evidence: ["repo.documents"]`, `#   evidence: ["repo.documnets", "build.sbom"]`)
				edit(t, f, `#     fda: ["App1 Integrity"]`, `#     fda: ["App1 Integrity"]`+"\n#     iso27001: [\"A.8\"]")
			},
			want: []string{`acme01\.rego:LINE(iso27001): .*custom\.refs: unknown framework "iso27001": valid keys are cra, fda, iec62304, iec81001, mdcg, mdr, ssdf`},
		},
		{
			name: "evidence paths",
			mutate: func(t *testing.T, dir string) {
				f := filepath.Join(dir, "acme01", "acme01.rego")
				edit(t, f, `#   evidence: ["repo.documents"]`, `#   evidence: ["repo.documnets", "build.sbom | repo.files"]`)
				edit(t, f, `_min := lib.param("ACME-01", "min_counter")`, `_min := lib.param("ACME-01", "min_count")`)
			},
			want: []string{
				`acme01\.rego:LINE(evidence:): custom\.evidence "repo\.documnets": "documnets" is not a field of input\.repo: its fields are .*documents`,
				`acme01\.rego:LINE(evidence:): custom\.evidence "build\.sbom": "sbom" is not a field of input\.build`,
				`acme01\.rego:LINE(_min := lib.param): lib\.param\("ACME-01", "min_count"\): ACME-01 declares no parameter "min_count", so it is undefined and the rule never fires`,
			},
		},
		{
			name: "id, remediation, clause, key",
			mutate: func(t *testing.T, dir string) {
				f := filepath.Join(dir, "acme01", "acme01.rego")
				edit(t, f, "#   id: ACME-01", "#   id: GOV-03")
				edit(t, f, `#     iec81001: ["5.8.3", "6.3.3"]`, `#     iec81001: ["5.8", "6.3.3"]`)
				edit(t, f, "#   severity: high", "#   severity: high\n#   owner: firmware team")
			},
			want: []string{
				`acme01\.rego:LINE(id: GOV-03): custom\.id GOV-03 is already used by the built-in control .*: choose an id of your own`,
				`acme01\.rego:LINE(owner:): custom\.owner is not a known key`,
				`acme01\.rego:LINE(iec81001:): custom\.refs\.iec81001: "5\.8" names no clause of IEC 81001-5-1:2021`,
			},
		},
		{
			name: "deny values and tests",
			mutate: func(t *testing.T, dir string) {
				f := filepath.Join(dir, "acme01", "acme01.rego")
				edit(t, f, "deny contains lib.violation(sprintf(\"%s: images is not", "deny contains msg if {\n\tmsg := sprintf(\"%s\", [_path])\n}\n\ndeny contains lib.violation(sprintf(\"%s: images is not")
				edit(t, f, "deny contains lib.violation(sprintf(\"%s: image %d has no name\"", "warn contains {\"message\": \"x\"} if { false }\n\ndeny contains lib.violation(sprintf(\"%s: image %d has no name\"")
				edit(t, filepath.Join(dir, "acme01", "acme01_test.rego"), "test_not_available_without_document_evidence", "test_metadata_names_evidence")
			},
			want: []string{
				`acme01\.rego:LINE(package mdrgate): control ACME-01 has no test named for not_available`,
				`acme01\.rego:LINE(msg := sprintf): deny value is a string \(from sprintf\): it must be an object \{"msg": string, "path": string, "line": number\}`,
				`acme01\.rego:LINE("message"): warn value is an object with keys message: it must be an object`,
			},
		},
		{
			name: "no tests, no metadata, wrong package",
			mutate: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, "acme01", "acme01_test.rego"))
				os.WriteFile(filepath.Join(dir, "helper.rego"), []byte("package acme.firmware\n\nimport rego.v1\n\ndeny contains \"x\" if { false }\n"), 0o644)
				os.WriteFile(filepath.Join(dir, "bare.rego"), []byte("package mdrgate.controls.acme02\n\ndeny contains {\"msg\": \"x\", \"path\": \"\", \"line\": 0} if { false }\n"), 0o644)
			},
			want: []string{
				`acme01\.rego:LINE(package mdrgate): control ACME-01 has no tests: add .*acme01_test\.rego with test_ rules`,
				`helper\.rego:1: package acme\.firmware defines deny but is not under mdrgate\.controls`,
				`bare\.rego:1: package mdrgate\.controls\.acme02 has no METADATA block`,
			},
		},
		{
			name: "syntax error",
			mutate: func(t *testing.T, dir string) {
				edit(t, filepath.Join(dir, "acme01", "acme01.rego"), "_valid_counter(c) if {", "_valid_counter(c) if {{")
			},
			want: []string{`acme01\.rego:\d+: `},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDir(t, userPolicy(t))
			tt.mutate(t, dir)
			code, out, errs := mdrgate(t, "policy", "lint", dir)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
			}
			for _, w := range tt.want {
				w = lineRe.ReplaceAllStringFunc(w, func(m string) string {
					return strconv.Itoa(lineOf(t, filepath.Join(dir, "acme01", "acme01.rego"), lineRe.FindStringSubmatch(m)[1]))
				})
				if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(dir) + `/.*` + w).MatchString(out) {
					t.Errorf("no line matches %s\n%s", w, out)
				}
			}
		})
	}
	code, _, errs := mdrgate(t, "policy", "lint", filepath.Join(t.TempDir(), "nope"))
	if code != 2 || !strings.Contains(errs, "nope") {
		t.Errorf("missing directory: exit %d %s", code, errs)
	}
}

// lineRe matches LINE(text) in an expected lint message.
var lineRe = regexp.MustCompile(`LINE\(([^)]*)\)`)

// lineOf returns the 1-based line of the first line of path containing text.
func lineOf(t *testing.T, path, text string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line containing %q", path, text)
	return 0
}

func TestPolicyTestFailures(t *testing.T) {
	dir := copyDir(t, userPolicy(t))
	test := filepath.Join(dir, "acme01", "acme01_test.rego")
	edit(t, test, `{"name": "infucore-boot", "version": "1.2.0", "rollback_counter": 3},`, `{"name": "infucore-boot", "version": "1.2.0", "rollback_counter": 0},`)
	code, out, errs := mdrgate(t, "policy", "test", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	if !regexp.MustCompile(`(?m)^  FAIL  ` + regexp.QuoteMeta(filepath.ToSlash(test)) + `:\d+: test_pass_every_image_has_a_counter$`).MatchString(out) {
		t.Errorf("the failing test is not named at its file:line:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^mdrgate\.controls\.acme01 +\d+ passed, [1-9]\d* failed$`).MatchString(out) {
		t.Errorf("no per-package count with failures:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^\d+ passed, [1-9]\d* failed$`).MatchString(out) {
		t.Errorf("no summary:\n%s", out)
	}

	edit(t, test, "test_pass_every_image_has_a_counter if {", "test_pass_every_image_has_a_counter if {\n\tundefined_function(1)")
	code, out, errs = mdrgate(t, "policy", "test", dir)
	if code != 2 || !strings.Contains(errs, "acme01_test.rego:") || !strings.Contains(errs, "undefined_function") {
		t.Errorf("compile error: exit %d\n%s%s", code, out, errs)
	}
}

func TestControlsCommand(t *testing.T) {
	pol := userPolicy(t)
	code, out, errs := mdrgate(t, "controls", "-o", "json", "--policy", pol)
	if code != 0 {
		t.Fatalf("exit %d %s", code, errs)
	}
	var cat struct {
		Controls []struct {
			ID, Source string
			Builtin    bool
			Params     map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &cat); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range cat.Controls {
		ids[c.ID] = true
		if c.ID == "ACME-01" && (c.Builtin || c.Params["min_counter"] != 1.0) {
			t.Errorf("ACME-01 entry: %+v", c)
		}
	}
	if !ids["ACME-01"] || !ids["GOV-03"] {
		t.Errorf("catalogue lacks the user or built-in controls: %v", ids)
	}

	code, out, _ = mdrgate(t, "controls")
	if code != 0 || !strings.Contains(out, "GOV-03") || strings.Contains(out, "ACME-01") {
		t.Errorf("table (exit %d):\n%s", code, out)
	}

	code, out, _ = mdrgate(t, "controls", "--matrix", "iec81001-5-1", "-o", "csv", "--policy", pol)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil {
		t.Fatalf("matrix csv: exit %d, %v", code, err)
	}
	byClause := map[string][]string{}
	for _, r := range rows[1:] {
		byClause[r[0]] = r
	}
	if len(rows) != 56 {
		t.Errorf("%d rows, want a header and the 55 clauses of IEC 81001-5-1", len(rows))
	}
	if r := byClause["5.8.3"]; r == nil || !strings.Contains(r[2], "ACME-01") {
		t.Errorf("5.8.3 row: %v", r)
	}
	for _, r := range rows[1:] {
		if (r[2] == "") != (r[3] == "manual record needed") {
			t.Errorf("row %v: a clause without controls must say manual record needed, and only such a clause", r)
		}
	}
	for _, m := range []string{"mdr", "fda", "ssdf"} {
		for _, f := range []string{"table", "markdown"} {
			if code, out, errs := mdrgate(t, "controls", "--matrix", m, "-o", f); code != 0 || out == "" {
				t.Errorf("--matrix %s -o %s: exit %d %s", m, f, code, errs)
			}
		}
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"controls", "-o", "xml"}, `invalid -o "xml": valid formats are table, json, markdown, csv`},
		{[]string{"controls", "--matrix", "iso"}, `invalid --matrix "iso": valid values are iec81001-5-1, mdr, fda, ssdf`},
		{[]string{"controls", "--policy", "/nonexistent"}, "/nonexistent"},
		{[]string{"check", "--gap", "-o", "json", "."}, "--gap prints the gap assessment after a text or markdown report on standard output, but -o json writes there"},
	} {
		code, _, errs := mdrgate(t, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, code, errs, tt.want)
		}
	}
}

// TestCheckGap prints the gap assessment after the text report, naming a missing
// document and its template.
func TestCheckGap(t *testing.T) {
	dir := demo(t, nil)
	if err := os.Remove(filepath.Join(dir, "docs", "security", "update-policy.md")); err != nil {
		t.Fatal(err)
	}
	code, out, errs := mdrgate(t, "check", "--at", at, "--event", "release", "--gap", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errs)
	}
	text, gap, ok := strings.Cut(out, "## Gap assessment\n")
	if !ok || !strings.Contains(text, "verdict: FAIL") {
		t.Fatalf("no text report followed by the gap assessment:\n%s", out)
	}
	if !regexp.MustCompile(`### \d+\. GOV-04: `).MatchString(gap) ||
		!strings.Contains(gap, "- document to write: docs/security/update-policy.md (`mdrgate init` writes its template)") {
		t.Errorf("the gap assessment does not name GOV-04 and its template:\n%s", gap)
	}
	file := filepath.Join(t.TempDir(), "gap.md")
	code, out, _ = mdrgate(t, "check", "--at", at, "--event", "release", "-o", "json", "-o", "gap="+file, dir)
	b, err := os.ReadFile(file)
	if code != 1 || err != nil || !strings.HasPrefix(string(b), "## Gap assessment") || !json.Valid([]byte(out)) {
		t.Errorf("-o gap=FILE: exit %d, %v\n%s", code, err, b)
	}
}
