package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/catalog"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/result"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	atTime     = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	prevTime   = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	reviewTime = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
)

// sum is a stable fake digest of a name: the sha256 of its text.
func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// fixtureControl is one control of the InfuCore demo, as a test review sees it.
type fixtureControl struct {
	id, title, severity string
	refs                map[string][]string
	evidence            []string
}

// demoControls are controls of the demo with their real titles and references.
var demoControls = []fixtureControl{
	{"GOV-01", "Security development plan and security risk-management plan exist and are current", "medium",
		map[string][]string{"iec81001": {"4.1.1", "5.1.1", "4.2"}, "mdr": {"17.2"}, "fda": {"IV.A", "524B(b)(2)"}},
		[]string{"docs/security/sdl-plan.md", "docs/security/risk-management-plan.md"}},
	{"IMP-03", "Mandatory independent code review on protected branches", "high",
		map[string][]string{"iec81001": {"5.5.2", "8"}, "mdr": {"17.2"}, "fda": {"524B(b)(2)"}},
		[]string{"build/branch-protection.json"}},
	{"PMS-01", "Continuous vulnerability monitoring of every supported version", "high",
		map[string][]string{"iec81001": {"6.2.1", "9.2", "9.3"}, "mdr": {"Art. 83", "Annex III"}, "fda": {"VI.B", "524B(b)(1)"}},
		[]string{"supported-versions.yaml"}},
	{"REL-02", "Signed artefacts, checksums and build provenance", "high",
		map[string][]string{"iec81001": {"5.8.3", "5.8.4", "6.3.3", "8"}, "fda": {"App1 Integrity", "App1 Software Updates"}},
		[]string{"build/provenance.intoto.jsonl"}},
	{"RSK-01", "Product security context and minimum IT requirements documented", "medium",
		map[string][]string{"iec81001": {"7.1.2"}, "mdr": {"17.4", "23.4(ab)"}, "fda": {"V.A.3"}},
		[]string{"docs/security/security-context.md"}},
	{"SCM-01", "Protected release branch, signed commits, no force-push or deletion", "high",
		map[string][]string{"iec81001": {"5.1.2", "5.8.3", "8"}, "mdr": {"17.2"}, "fda": {"524B(b)(2)"}},
		[]string{"build/branch-protection.json"}},
	{"VER-05", "Security assessment of unresolved anomalies", "high",
		map[string][]string{"iec81001": {"5.8.1", "9.4"}, "mdr": {"Annex I 17.2"}, "fda": {"V.A.5", "App4 Unresolved Anomalies"}},
		[]string{"release/anomalies.yaml"}},
}

// attestationOf builds a passing attestation review of the controls, as the
// review would report it for the demo firmware at version and time.
func attestationOf(version string, at time.Time, controls []fixtureControl) Attestation {
	seen := map[string]bool{}
	var files []attest.File
	for _, c := range controls {
		for _, p := range c.evidence {
			if !seen[p] {
				seen[p] = true
				files = append(files, attest.File{Path: p, SHA256: sum(version + p), MediaType: mediaType(p)})
			}
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	index := map[string]int{}
	var evChecks []FileCheck
	for i, f := range files {
		index[f.Path] = i
		evChecks = append(evChecks, FileCheck{Path: f.Path, MediaType: f.MediaType, SHA256: f.SHA256, Actual: f.SHA256, Check: Check{OK: true}})
	}
	var policies []result.Policy
	var polChecks []FileCheck
	var reviews []ControlReview
	var results []attest.Result
	for _, c := range controls {
		pol := "policies/controls/" + strings.ToLower(strings.ReplaceAll(c.id, "-", "")) + ".rego"
		policies = append(policies, result.Policy{Path: pol, SHA256: sum(pol), Builtin: true})
		polChecks = append(polChecks, FileCheck{Path: pol, MediaType: "application/vnd.openpolicyagent.rego", SHA256: sum(pol), Actual: sum(pol), Check: Check{OK: true}})
		var ev []attest.File
		var idx []int
		for _, p := range c.evidence {
			ev = append(ev, files[index[p]])
			idx = append(idx, index[p])
		}
		reviews = append(reviews, ControlReview{
			ID: c.id, Title: c.title, Severity: c.severity, Gate: true, Refs: c.refs,
			Recorded: result.Pass, Reevaluated: result.Pass, Agrees: true,
			Violations: []result.Violation{}, Reasons: []string{}, Evidence: ev,
		})
		results = append(results, attest.Result{
			ID: c.id, Title: c.title, Type: "automated", Severity: c.severity, Outcome: result.Pass, Gate: true,
			Events: []string{"release"}, Refs: c.refs, Violations: []result.Violation{}, Warnings: []result.Violation{},
			Reasons: []string{}, Evidence: idx, Source: pol,
		})
	}
	image := "registry.infucore.example/infucore/firmware"
	digest := "sha256:" + sum("image"+version)
	archive := "mdrgate-evidence-" + version + ".tar.gz"
	return Attestation{
		Source:        image + "@" + digest,
		Artefact:      Artefact{Kind: "image", Name: image, Digest: digest},
		Signer:        Signer{Identity: "https://github.com/infucore/firmware/.github/workflows/release.yml@refs/tags/v" + version, Issuer: "https://token.actions.githubusercontent.com"},
		Signature:     Check{OK: true},
		Subject:       Check{OK: true},
		Archive:       Check{OK: true},
		ArchiveName:   archive,
		ArchiveSHA256: sum(archive),
		Evidence:      evChecks,
		Policies:      polChecks,
		PolicyDigest:  Check{OK: true},
		Reproduced:    Check{OK: true},
		Predicate: &attest.Predicate{
			Verifier:     attest.Verifier{ID: attest.VerifierID, Version: map[string]string{"mdrgate": "0.9.0"}},
			TimeVerified: at,
			ResourceURI:  image + "@" + digest,
			Policy: attest.Policy{
				URI:        "https://mdrgate.dev/policies@0.9.0",
				Digest:     map[string]string{"sha256": sum("policies" + version)},
				Files:      policies,
				Parameters: engine.Params{Event: "release", At: at, Settings: map[string]engine.Setting{}, Generator: evidence.Generator{Name: "mdrgate", Version: "0.9.0"}},
			},
			InputAttestations:  []attest.Descriptor{},
			VerificationResult: attest.Passed,
			VerifiedLevels:     []string{"MDRGATE_SDL_GATE_RELEASE"},
			Product:            evidence.Product{Name: "InfuCore", Version: version, Manufacturer: "InfuCore Medical GmbH", MDRClass: "IIb", IEC62304Class: "C"},
			Event:              "release",
			Profile:            result.Profile{},
			Repository:         "github.com/infucore/firmware",
			Ref:                "refs/tags/v" + version,
			Commit:             sum("commit" + version)[:40],
			Evidence: attest.Evidence{
				DocumentSHA256: sum("doc" + version),
				Archive:        attest.Descriptor{Name: archive, Digest: map[string]string{"sha256": sum(archive)}},
				Files:          files,
			},
			Verdict:    "pass",
			Results:    results,
			Signatures: []attest.Signature{},
			Summary:    result.Summary{Pass: len(controls), Total: len(controls)},
			Warnings:   []string{},
		},
		Controls: reviews,
		Verdict:  "pass",
		Problems: []string{},
	}
}

func mediaType(p string) string {
	switch filepath.Ext(p) {
	case ".md":
		return "text/markdown"
	case ".json":
		return "application/json"
	case ".jsonl":
		return "application/vnd.in-toto+json"
	}
	return "application/yaml"
}

func reportOf(verdict string, atts ...Attestation) *Report {
	return &Report{
		Schema:       Schema,
		ReviewedAt:   reviewTime,
		Generator:    evidence.Generator{Name: "mdrgate", Version: "0.9.0"},
		Verdict:      verdict,
		Attestations: atts,
		Ignored:      []string{},
		Changes:      []Change{},
	}
}

// passingReport reviews one attestation of release 2.4.0 that reproduces, with
// a waived control whose waiver re-applies.
func passingReport() *Report {
	a := attestationOf("2.4.0", atTime, demoControls)
	for i := range a.Controls {
		if a.Controls[i].ID == "PMS-01" {
			c := &a.Controls[i]
			c.Recorded, c.Reevaluated = result.Waived, result.Waived
			c.Reasons = []string{"waived until 2027-01-31 by Dr. A. Keller (RSK-0042)"}
			c.Violations = []result.Violation{{Msg: "version 2.2 is supported but has no vulnerability scan in the last 30 days", Path: "supported-versions.yaml", Line: 7}}
			c.Waiver = &result.Waiver{Waiver: evidence.Waiver{Control: "PMS-01", Reason: "2.2 scanner migration; manual weekly review in place", ApprovedBy: "Dr. A. Keller", Expires: "2027-01-31", RiskRef: "RSK-0042"}, Applied: true}
		}
	}
	return reportOf("pass", a)
}

// failingReport reviews one attestation whose archive holds a changed evidence
// file and whose re-evaluation disagrees on VER-05 (with a violation message
// full of HTML).
func failingReport() *Report {
	a := attestationOf("2.4.0", atTime, demoControls)
	for i := range a.Evidence {
		if a.Evidence[i].Path == "release/anomalies.yaml" {
			a.Evidence[i].Actual = sum("tampered")
			a.Evidence[i].Check = Check{OK: false, Reason: "digest differs from the predicate's"}
		}
	}
	a.Archive = Check{OK: false, Reason: "release/anomalies.yaml: archived file's sha256 " + sum("tampered") + " differs from the predicate's " + sum("2.4.0release/anomalies.yaml")}
	for i := range a.Controls {
		if a.Controls[i].ID == "VER-05" {
			c := &a.Controls[i]
			c.Reevaluated, c.Agrees = result.Fail, false
			c.Violations = []result.Violation{{
				Msg:  `anomaly ANOM-17 "<script>alert('x')</script>" & <img src=http://evil.example/x.png> has no security assessment | severity: high`,
				Path: "release/anomalies.yaml", Line: 42,
			}}
		}
	}
	a.Reproduced = Check{OK: false, Reason: "VER-05: recorded pass, re-evaluated fail; the re-evaluated verdict is fail, the recorded pass"}
	a.Today = &Today{
		Generator:     evidence.Generator{Name: "mdrgate", Version: "1.2.0"},
		PolicyChanges: []EvidenceChange{{Path: "policies/controls/ver05/ver05.rego", Change: "changed"}, {Path: "policies/controls/ver06/ver06.rego", Change: "added"}},
		Verdict:       "fail",
		Controls:      []ControlChange{{ID: "VER-05", From: result.Pass, To: result.Fail}, {ID: "VER-06", To: result.NotAvailable}},
	}
	a.Verdict = "fail"
	a.Problems = []string{
		"archive: " + a.Archive.Reason,
		"reproduced: " + a.Reproduced.Reason,
	}
	return reportOf("fail", a)
}

// wrongSignerReport reviews an attestation signed by an identity that is not
// the trusted one: its signature does not verify, so nothing it records is
// shown.
func wrongSignerReport() *Report {
	a := attestationOf("2.4.0", atTime, demoControls)
	a.Signer = Signer{Identity: "mallory@attacker.example", Issuer: "https://accounts.google.com"}
	a.Signature = Check{OK: false, Reason: `certificate identity "mallory@attacker.example" (issuer https://accounts.google.com) is not the trusted identity "https://github.com/infucore/firmware/.github/workflows/release.yml@refs/tags/v2.4.0"`}
	a.Predicate = nil
	a.Controls = []ControlReview{}
	a.Reproduced = Check{OK: false, Reason: "not re-evaluated: the signature did not verify"}
	a.PolicyDigest = Check{OK: false, Reason: "not checked: the signature did not verify"}
	a.Verdict = "fail"
	a.Problems = []string{"signature: " + a.Signature.Reason}
	return reportOf("fail", a)
}

// changesReport reviews releases 2.3.0 and 2.4.0: between them VER-05 went from
// not_available to pass, and evidence files were added, changed and removed.
func changesReport() *Report {
	old := attestationOf("2.3.0", prevTime, demoControls[:6])
	cur := attestationOf("2.4.0", atTime, demoControls)
	r := reportOf("pass", old, cur)
	r.Ignored = []string{"registry.example/infucore/fw@sha256:" + strings.Repeat("7", 64) + ": the signature does not verify: key cosign.pub: invalid signature when validating ASN.1 encoded signature"}
	r.Changes = []Change{{
		From: old.Source, To: cur.Source, FromTime: prevTime, ToTime: atTime,
		FromVerdict: "pass", ToVerdict: "pass",
		Controls: []ControlChange{{ID: "VER-05", From: result.NotAvailable, To: result.Pass}},
		Evidence: []EvidenceChange{
			{Path: "release/anomalies.yaml", Change: "added"},
			{Path: "build/branch-protection.json", Change: "changed"},
			{Path: "docs/security/sdl-plan.md", Change: "changed"},
			{Path: "docs/security/sdl-plan-2025.md", Change: "removed"},
		},
	}}
	return r
}

var goldenCases = []struct {
	name string
	make func() *Report
}{
	{"pass", passingReport},
	{"fail", failingReport},
	{"wrong-signer", wrongSignerReport},
	{"changes", changesReport},
}

var extensions = map[string]string{"json": ".json", "markdown": ".md", "html": ".html"}

func TestRenderGolden(t *testing.T) {
	for _, tc := range goldenCases {
		for _, format := range Formats() {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, format, tc.make()); err != nil {
					t.Fatal(err)
				}
				// Rendering twice gives the same bytes.
				var again bytes.Buffer
				if err := Render(&again, format, tc.make()); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Fatalf("%s output differs between two renderings", format)
				}
				golden := filepath.Join("testdata", "golden", tc.name+extensions[format])
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("reading golden file (run go test -update to create it): %v", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s output differs from %s (run go test -update if the change is intended)", format, golden)
				}
			})
		}
	}
}

func TestRenderFormats(t *testing.T) {
	if got := strings.Join(Formats(), ","); got != "html,json,markdown" {
		t.Errorf("Formats() = %s, want html,json,markdown", got)
	}
	err := Render(&bytes.Buffer{}, "pdf", passingReport())
	if err == nil || err.Error() != `invalid output format "pdf": valid formats are html, json, markdown` {
		t.Errorf("unknown format: error %v", err)
	}
	if err := Render(&bytes.Buffer{}, "json", nil); err == nil {
		t.Error("nil report: no error")
	}
}

func TestRenderJSON(t *testing.T) {
	r := failingReport()
	var buf bytes.Buffer
	if err := Render(&buf, "json", r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasSuffix(out, "}\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("json output does not end in one newline: %q", out[len(out)-10:])
	}
	if !strings.HasPrefix(out, "{\n  \"schema\": \"mdrgate.review/v1\",\n") {
		t.Errorf("json output is not indented or does not start with the schema:\n%.80s", out)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := Render(&again, "json", &back); err != nil {
		t.Fatal(err)
	}
	if again.String() != out {
		t.Error("json output does not round-trip")
	}
}

// renderString renders r in format.
func renderString(t *testing.T, format string, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, format, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// externalRef finds what would make a page load something from outside itself.
var externalRef = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(src|href|action|srcset|poster|data)\s*=\s*["']?\s*(https?:|//|ftp:|file:)`),
	regexp.MustCompile(`(?i)<\s*script`),
	regexp.MustCompile(`(?i)<\s*(link|iframe|object|embed|img|base|meta\s+http-equiv)\b`),
	regexp.MustCompile(`(?i)@import`),
	regexp.MustCompile(`(?i)url\s*\(`),
	regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
}

// markup finds the tags of a page and the contents of its style elements:
// where a reference to outside would be markup rather than escaped text.
var markup = regexp.MustCompile(`(?is)<style[^>]*>.*?</style>|<[a-z!/][^>]*>`)

// externalRefs returns what in page's markup would load something from
// outside the page or run a script.
func externalRefs(page string) []string {
	var found []string
	for _, m := range markup.FindAllString(page, -1) {
		for _, re := range externalRef {
			if x := re.FindString(m); x != "" {
				found = append(found, x)
			}
		}
	}
	return found
}

func TestHTMLSelfContained(t *testing.T) {
	// The checker finds what it looks for.
	for _, bad := range []string{
		`<img src="https://x.example/a.png">`, `<a href="//x.example/">`, `<script>1</script>`,
		`<style>@import "x.css";</style>`, `<div style="background: url(http://x)">`, `<link rel=stylesheet href=x.css>`,
		`<body onload="x()">`,
	} {
		if len(externalRefs(bad)) == 0 {
			t.Errorf("the external-reference check misses %s", bad)
		}
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			out := renderString(t, "html", tc.make())
			for _, m := range externalRefs(out) {
				t.Errorf("html output has an external reference or script: %q", m)
			}
			for _, m := range regexp.MustCompile(`(?i)\bhref="([^"]*)"`).FindAllStringSubmatch(out, -1) {
				if !strings.HasPrefix(m[1], "#") {
					t.Errorf("html output links outside itself: %s", m[0])
				}
			}
			if !strings.Contains(out, "@media print") || !strings.Contains(out, "page-break-inside: avoid") {
				t.Error("html output has no print styles")
			}
		})
	}
}

func TestRenderEscapes(t *testing.T) {
	r := failingReport()
	html := renderString(t, "html", r)
	for _, raw := range []string{"<script>alert", "<img src=http://evil", `" & <img`} {
		if strings.Contains(html, raw) {
			t.Errorf("html output holds %q unescaped", raw)
		}
	}
	want := `anomaly ANOM-17 &#34;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#34; &amp; &lt;img src=http://evil.example/x.png&gt; has no security assessment | severity: high (release/anomalies.yaml:42)`
	if !strings.Contains(html, want) {
		t.Errorf("html output lacks the escaped violation with its path:line\nwant %s", want)
	}

	// A pipe and a newline in a markdown cell neither end the cell nor the row.
	r.Attestations[0].Controls[0].Reasons = []string{"line one | still the cell\nline two"}
	md := renderString(t, "markdown", r)
	if !strings.Contains(md, `line one \| still the cell<br>line two`) {
		t.Error("markdown output does not escape a pipe and a newline in a cell")
	}
	if strings.Contains(md, "<script>") || strings.Contains(md, "<img") {
		t.Error("markdown output holds raw HTML from a violation message")
	}
	checkMarkdownTables(t, md)
}

// checkMarkdownTables checks that every row of every table has as many cells as
// the table's header.
func checkMarkdownTables(t *testing.T, md string) {
	t.Helper()
	cells := func(line string) int {
		n := 0
		for i := 0; i < len(line); i++ {
			if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
				n++
			}
		}
		return n
	}
	header := -1
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = -1
			continue
		}
		if header < 0 {
			header = cells(line)
			continue
		}
		if got := cells(line); got != header {
			t.Errorf("markdown line %d has %d cell separators, its table's header %d: %s", i+1, got, header, line)
		}
	}
}

func TestMarkdownTables(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			checkMarkdownTables(t, renderString(t, "markdown", tc.make()))
		})
	}
}

func TestHTMLRows(t *testing.T) {
	iec := len(catalog.FrameworkByKey("iec81001").Fixed)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.make()
			out := renderString(t, "html", r)
			controls, signed := 0, 0
			for _, a := range r.Attestations {
				controls += len(a.Controls)
				if a.Predicate != nil {
					signed++
				}
			}
			if got := strings.Count(out, `<tr class="control"`); got != controls {
				t.Errorf("html output has %d control rows, want %d", got, controls)
			}
			// Every signed attestation has a full IEC 81001-5-1 matrix and three
			// GSPR rows; an unsigned one evidences no clause.
			if got, want := strings.Count(out, `<tr class="clause"`), signed*(iec+3); got != want {
				t.Errorf("html output has %d clause rows, want %d", got, want)
			}
		})
	}
}

func TestVerdictUnambiguous(t *testing.T) {
	inconsistent := failingReport()
	inconsistent.Verdict = "pass"
	empty := reportOf("pass")
	failedCheck := passingReport()
	failedCheck.Attestations[0].PolicyDigest = Check{OK: false, Reason: "policy digest differs"}
	unknown := passingReport()
	unknown.Verdict = ""
	tests := []struct {
		name string
		r    *Report
		pass bool
	}{
		{"pass", passingReport(), true},
		{"fail", failingReport(), false},
		{"wrong signer", wrongSignerReport(), false},
		{"report says pass, attestation failed", inconsistent, false},
		{"report says pass, no attestation", empty, false},
		{"attestation says pass, a check failed", failedCheck, false},
		{"no verdict", unknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := renderString(t, "html", tt.r)
			md := renderString(t, "markdown", tt.r)
			passed := []string{`data-verdict="pass"`, "REVIEW PASSED", "<title>mdrgate review: PASSED</title>"}
			failed := []string{`data-verdict="fail"`, "REVIEW FAILED", "<title>mdrgate review: FAILED</title>"}
			want, not := passed, failed
			mdWant, mdNot := "## ✅ REVIEW PASSED", "## ❌ REVIEW FAILED"
			if !tt.pass {
				want, not = failed, passed
				mdWant, mdNot = mdNot, mdWant
			}
			for _, s := range want {
				if !strings.Contains(html, s) {
					t.Errorf("html output lacks %q", s)
				}
			}
			for _, s := range not {
				if strings.Contains(html, s) {
					t.Errorf("html output has %q", s)
				}
			}
			if !strings.Contains(md, mdWant) || strings.Contains(md, mdNot) {
				t.Errorf("markdown output: want %q and not %q", mdWant, mdNot)
			}
			if !tt.pass && tt.r.Verdict == "pass" && !strings.Contains(html, "the report states pass but") {
				t.Error("html output does not say why a report stating pass is shown as failed")
			}
		})
	}
}

func TestMatrices(t *testing.T) {
	controls := []ControlReview{
		{ID: "GOV-01", Recorded: result.Pass, Reevaluated: result.Pass, Agrees: true,
			Refs: map[string][]string{"iec81001": {"4.1.1", "5.1.1"}, "mdr": {"17.2"}}},
		{ID: "DES-02", Recorded: result.Pass, Reevaluated: result.Fail, Agrees: false,
			Refs: map[string][]string{"iec81001": {"5.3.2(g,h)", "5.7"}, "mdr": {"Annex I 17.2", "23.4(ab)"}}},
		{ID: "RSK-01", Recorded: result.Waived, Reevaluated: result.Waived, Agrees: true,
			Refs: map[string][]string{"iec81001": {"7.1.2"}, "mdr": {"17.4", "Art. 83"}}},
		{ID: "VER-01", Recorded: result.Pass, Reevaluated: "", Agrees: false,
			Refs: map[string][]string{"iec81001": {"5.7.1"}}},
	}
	iec := buildMatrix(catalog.FrameworkByKey("iec81001"), "iec81001", nil, controls)
	rows := map[string]clauseView{}
	for _, r := range iec.Rows {
		rows[r.ID] = r
	}
	tests := []struct {
		clause   string
		controls string
		status   string
		ok       bool
	}{
		{"4.1.1", "GOV-01", "pass", true},
		{"5.1.1", "GOV-01", "pass", true},
		{"5.3.2", "DES-02", "fail", false},
		{"7.1.2", "RSK-01", "waived", true},
		{"5.7.1", "VER-01", notReevaluated, false},
		{"5.7.2", "", catalog.ManualRecord, false},
		{"9.5", "", catalog.ManualRecord, false},
	}
	for _, tt := range tests {
		r, ok := rows[tt.clause]
		if !ok {
			t.Errorf("iec81001 matrix lacks clause %s", tt.clause)
			continue
		}
		var ids []string
		for _, c := range r.Controls {
			ids = append(ids, c.ID)
		}
		if got := strings.Join(ids, ","); got != tt.controls || r.Status != tt.status || r.OK != tt.ok || r.Manual != (tt.controls == "") {
			t.Errorf("clause %s: controls %q status %q ok %v manual %v, want %q %q %v", tt.clause, got, r.Status, r.OK, r.Manual, tt.controls, tt.status, tt.ok)
		}
	}
	if iec.Covered != 5 {
		t.Errorf("iec81001 matrix covers %d clauses, want 5", iec.Covered)
	}
	if len(iec.Unmatched) != 1 || !strings.Contains(iec.Unmatched[0], `DES-02 cites IEC 81001-5-1 "5.7"`) {
		t.Errorf("iec81001 unmatched refs: %q", iec.Unmatched)
	}

	gspr := buildMatrix(catalog.FrameworkByKey("mdr"), "mdr", gsprClauses, controls)
	var got []string
	for _, r := range gspr.Rows {
		var ids []string
		for _, c := range r.Controls {
			ids = append(ids, c.ID)
		}
		got = append(got, r.ID+"="+strings.Join(ids, ",")+":"+r.Status)
	}
	want := "17.2=DES-02,GOV-01:fail 17.4=RSK-01:waived 23.4=DES-02:fail"
	if strings.Join(got, " ") != want {
		t.Errorf("GSPR view: %s, want %s", strings.Join(got, " "), want)
	}
	if len(gspr.Unmatched) != 0 {
		t.Errorf("GSPR view reports unmatched refs outside its three clauses: %q", gspr.Unmatched)
	}
}

func TestDisagreementShown(t *testing.T) {
	r := failingReport()
	html := renderString(t, "html", r)
	re := regexp.MustCompile(`<tr class="control" data-control="([^"]+)" data-agrees="false">`)
	var ids []string
	for _, m := range re.FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
	}
	if strings.Join(ids, ",") != "VER-05" {
		t.Errorf("controls flagged as disagreeing: %v, want [VER-05]", ids)
	}
	if !strings.Contains(html, "DISAGREES") {
		t.Error("html output does not flag the disagreement in words")
	}
	md := renderString(t, "markdown", r)
	if !strings.Contains(md, "| VER-05 |") || !strings.Contains(md, `❌ fail (DISAGREES)`) {
		t.Error("markdown output does not flag the disagreement of VER-05")
	}
}
