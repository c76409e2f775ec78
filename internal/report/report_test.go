package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenDir holds the golden file of each format, report.<format>.
var goldenDir = filepath.Join("..", "..", "testdata", "golden")

// specialMsg is a violation message with characters every format must escape.
const specialMsg = "rule `a|b` matched <script> & \"quotes\"\nsecond line of the message"

// sampleReport is a representative report: every outcome, violations with and
// without path and line, an applied and an expired waiver, references, and
// characters that need escaping.
func sampleReport() *result.Report {
	sha := func(c byte) string { return strings.Repeat(string(c), 64) }
	file := func(path string, c byte, mt string) evidence.FileRef {
		return evidence.FileRef{Path: path, SHA256: sha(c), MediaType: mt}
	}
	none := []result.Violation{}
	controls := []result.Control{
		{
			ID: "DES-01", Title: "Security architecture views present", Type: "D", Severity: "medium",
			Outcome: result.NotApplicable, Gate: false, Events: []string{"release"},
			Refs:       map[string][]string{"iec81001": {"5.3.1", "5.3.2"}, "fda": {"App2"}},
			Violations: none, Warnings: none,
			Reasons:  []string{"product has no external interfaces (interfaces.yaml lists none)"},
			Evidence: []evidence.FileRef{}, Source: "policies/builtin/des01.rego",
		},
		{
			ID: "GOV-01", Title: "Security development plan exists and is current", Type: "D", Severity: "high",
			Outcome: result.Pass, Gate: true, Events: []string{"pull_request", "release"},
			Refs:       map[string][]string{"ssdf": {"PO.1.1"}, "mdr": {"17.2"}, "iec81001": {"4.1.1", "5.1.1", "4.2"}},
			Violations: none, Warnings: none, Reasons: []string{},
			Evidence: []evidence.FileRef{file("docs/security/sdl-plan.md", 'a', "text/markdown")},
			Source:   "policies/builtin/gov01.rego",
		},
		{
			ID: "IMP-02", Title: "SAST on every change; findings triaged", Type: "A", Severity: "high",
			Description: "Static analysis runs on every change and every high finding is fixed\nor suppressed with a justification.",
			Outcome:     result.Fail, Gate: true, Events: []string{"pull_request", "release"},
			Refs: map[string][]string{"iec81001": {"5.5.2", "5.7.3"}, "fda": {"V.C"}, "ssdf": {"PW.7.2"}},
			Violations: []result.Violation{
				{Msg: "go/sql-injection (security-severity 8.8) has no suppression justification", Path: "internal/db/query.go", Line: 88},
				{Msg: specialMsg, Path: "web/app.js", Line: 7},
				{Msg: "code-scanning alert #12 (high) is open"},
				{Msg: "semgrep report lists 3 unsuppressed errors", Path: "build/semgrep.sarif"},
			},
			Warnings: []result.Violation{
				{Msg: "CodeQL action is not pinned to a commit", Path: ".github/workflows/codeql.yml", Line: 31},
			},
			Reasons: []string{},
			Evidence: []evidence.FileRef{
				file("build/codeql.sarif", 'b', "application/sarif+json"),
				file("build/semgrep.sarif", 'c', "application/sarif+json"),
			},
			Remediation: "Fix the findings, or suppress each with a justification in the SARIF report.",
			Source:      "policies/builtin/imp02.rego",
		},
		{
			ID: "PMS-01", Title: "Continuous vulnerability monitoring of supported versions", Type: "A", Severity: "medium",
			Outcome: result.Error, Gate: false, Events: []string{"schedule"},
			Refs:       map[string][]string{"iec81001": {"6.2.1"}},
			Violations: none, Warnings: none,
			Reasons:  []string{"policy evaluation failed: policies/custom/pms01.rego:14: undefined function days_between"},
			Evidence: []evidence.FileRef{}, Source: "policies/custom/pms01.rego",
		},
		{
			ID: "REL-01", Title: "SBOM per release, complete, FDA-augmented", Type: "A", Severity: "critical",
			Outcome: result.NotAvailable, Gate: true, Events: []string{"pull_request", "release"},
			Refs:       map[string][]string{"iec81001": {"5.8.2", "6.3.1"}, "fda": {"524B(b)(3)"}},
			Violations: none, Warnings: none,
			Reasons:     []string{"no SBOM found: looked for *.cdx.json and *.spdx.json in the build outputs"},
			Evidence:    []evidence.FileRef{},
			Remediation: "Generate a CycloneDX or SPDX SBOM in the build and pass it with --sbom.",
			Source:      "policies/builtin/rel01.rego",
		},
		{
			ID: "REQ-01", Title: "Security requirements specified, reviewed, traceable", Type: "X", Severity: "medium",
			Outcome: result.Pass, Gate: true, Events: []string{"release"},
			Refs:       map[string][]string{"iec81001": {"5.2.1", "5.2.2"}, "iec62304": {"5.2.2"}},
			Violations: none, Warnings: none, Reasons: []string{},
			Evidence: []evidence.FileRef{file("requirements/security.yaml", 'd', "application/yaml")},
			Source:   "policies/builtin/req01.rego",
		},
		{
			ID: "SCM-01", Title: "Protected release branch, signed commits", Type: "A", Severity: "high",
			Outcome: result.Waived, Gate: true, Events: []string{"pull_request", "release"},
			Refs:       map[string][]string{"iec81001": {"5.1.2", "5.8.3", "8"}},
			Violations: []result.Violation{{Msg: "commit 1a2b3c4 is not signed"}},
			Warnings:   none,
			Reasons:    []string{"waived until 2025-12-31 by qa-lead@acme.example (RISK-42)"},
			Evidence:   []evidence.FileRef{},
			Waiver: &result.Waiver{
				Waiver: evidence.Waiver{
					Control: "SCM-01", Reason: "legacy commits | before signing\nwas enforced",
					ApprovedBy: "qa-lead@acme.example", Expires: "2025-12-31", RiskRef: "RISK-42",
				},
				Applied: true,
			},
			Remediation: "Require signed commits on the release branch.",
			Source:      "policies/builtin/scm01.rego",
		},
		{
			ID: "SCM-02", Title: "CI/CD pipeline hardening", Type: "A", Severity: "medium",
			Outcome: result.Fail, Gate: false, Events: []string{"pull_request", "release"},
			Refs: map[string][]string{"iec81001": {"5.1.2"}, "ssdf": {"PO.3.2", "PO.5.1"}},
			Violations: []result.Violation{
				{Msg: "actions/checkout@v4 is not pinned to a commit SHA", Path: ".github/workflows/ci.yml", Line: 12},
				{Msg: "top-level permissions are not read-only"},
			},
			Warnings:    none,
			Reasons:     []string{`demoted to non-gating by profile "startup"`},
			Evidence:    []evidence.FileRef{file(".github/workflows/ci.yml", 'e', "application/yaml")},
			Remediation: "Pin every action to a 40-hex commit SHA and set permissions: read-all.",
			Source:      "policies/builtin/scm02.rego",
		},
		{
			ID: "VER-03", Title: "Robustness: fuzzing | DAST of exposed interfaces", Type: "X", Severity: "medium",
			Outcome: result.Warn, Gate: false, Events: []string{"release"},
			Refs:       map[string][]string{"iec81001": {"5.4.3", "5.7.3"}},
			Violations: none,
			Warnings:   []result.Violation{{Msg: "newest fuzzing run is 45 days old (limit 30)", Path: "fuzz/results/latest.json"}},
			Reasons:    []string{},
			Evidence:   []evidence.FileRef{file("fuzz/results/latest.json", 'f', "application/json")},
			Source:     "policies/builtin/ver03.rego",
		},
		{
			ID: "VER-04", Title: "Independent penetration test per major release", Type: "D", Severity: "high",
			Outcome: result.Fail, Gate: true, Events: []string{"pull_request", "release"},
			Refs: map[string][]string{"iec81001": {"5.7.4", "5.7.5"}},
			Violations: []result.Violation{
				{Msg: "finding PT-3 (high) is open", Path: "docs/security/pentest/2.1/summary.yaml", Line: 7},
			},
			Warnings: none,
			Reasons:  []string{"waiver expired on 2025-01-31"},
			Evidence: []evidence.FileRef{file("docs/security/pentest/2.1/summary.yaml", '0', "application/yaml")},
			Waiver: &result.Waiver{
				Waiver: evidence.Waiver{
					Control: "VER-04", Reason: "retest scheduled with the vendor",
					ApprovedBy: "ciso@acme.example", Expires: "2025-01-31",
				},
				Expired: true,
			},
			Remediation: "Close or risk-accept PT-3 and record the retest in summary.yaml.",
			Source:      "policies/builtin/ver04.rego",
		},
	}
	r := &result.Report{
		Schema:      result.Schema,
		Verdict:     result.VerdictFail,
		Event:       "pull_request",
		EvaluatedAt: time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC),
		Generator:   evidence.Generator{Name: "mdrgate", Version: "0.4.0"},
		Product: evidence.Product{
			Name: "Infusion Pump Controller", Version: "2.1.0", Manufacturer: "Acme Medical GmbH",
			MDRClass: "IIb", IEC62304Class: "C",
		},
		Subject: result.Subject{
			Repository: "acme/infusion-pump", Ref: "refs/pull/17/merge",
			Commit: "0123456789abcdef0123456789abcdef01234567",
		},
		Profile: result.Profile{
			Event: "pull_request", IEC62304Class: "C", MDRClass: "IIb",
			Adjustments: []string{"SCM-02: demoted to warn in configuration: pinning actions in Q1 (CHG-123)"},
		},
		EvidenceSHA256: sha('1'),
		Policies: []result.Policy{
			{Path: "policies/builtin/gov01.rego", SHA256: sha('2'), Builtin: true},
			{Path: "policies/custom/pms01.rego", SHA256: sha('3'), Builtin: false},
		},
		PolicySHA256: sha('4'),
		Controls:     controls,
		Warnings:     []string{"waiver for VER-04 expired on 2025-01-31", "waiver names unknown control XYZ-99"},
	}
	for _, c := range controls {
		r.Summary.Add(c.Outcome)
	}
	return r
}

// largeReport has 40 controls and 10,000 violations, for the benchmarks.
func largeReport() *result.Report {
	r := sampleReport()
	r.Controls = nil
	r.Summary = result.Summary{}
	for i := range 40 {
		c := result.Control{
			ID: fmt.Sprintf("GEN-%02d", i), Title: fmt.Sprintf("Generated control %d", i),
			Severity: []string{"critical", "high", "medium", "low"}[i%4],
			Outcome:  result.Outcomes[i%len(result.Outcomes)], Gate: i%2 == 0,
			Events:     []string{"pull_request"},
			Refs:       map[string][]string{"iec81001": {"5.7.3"}, "ssdf": {"PW.7.2"}},
			Violations: make([]result.Violation, 0, 250),
			Warnings:   []result.Violation{}, Reasons: []string{"a reason"},
			Evidence:    []evidence.FileRef{{Path: "build/report.sarif", SHA256: strings.Repeat("a", 64)}},
			Remediation: "Fix it.",
		}
		for j := range 250 {
			c.Violations = append(c.Violations, result.Violation{
				Msg:  fmt.Sprintf("finding %d of control %d: value <%d> & more", j, i, j),
				Path: fmt.Sprintf("src/pkg%d/file%d.go", j%17, j%31),
				Line: j % 400,
			})
		}
		r.Controls = append(r.Controls, c)
		r.Summary.Add(c.Outcome)
	}
	return r
}

// renderString renders r in format with opts.
func renderString(t testing.TB, format string, opts report.Options, r *result.Report) string {
	t.Helper()
	rd, err := report.Get(format, opts)
	if err != nil {
		t.Fatalf("Get(%q): %v", format, err)
	}
	var buf bytes.Buffer
	if err := rd.Render(&buf, r); err != nil {
		t.Fatalf("Render %s: %v", format, err)
	}
	return buf.String()
}

func TestNames(t *testing.T) {
	want := []string{"gap", "json", "junit", "markdown", "sarif", "text"}
	if got := report.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
}

func TestGet(t *testing.T) {
	const valid = "valid formats are gap, json, junit, markdown, sarif, text"
	tests := []struct {
		format  string
		wantErr string
	}{
		{format: "gap"},
		{format: "json"},
		{format: "junit"},
		{format: "markdown"},
		{format: "sarif"},
		{format: "text"},
		{format: "xml", wantErr: `invalid output format "xml": ` + valid},
		{format: "", wantErr: `invalid output format "": ` + valid},
		{format: "JSON", wantErr: `invalid output format "JSON": ` + valid},
		{format: "github", wantErr: `invalid output format "github": ` + valid},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			r, err := report.Get(tt.format, report.Options{})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Get(%q) error = %v, want %q", tt.format, err, tt.wantErr)
				}
				if r != nil {
					t.Fatalf("Get(%q) returned a renderer with an error", tt.format)
				}
				return
			}
			if err != nil || r == nil {
				t.Fatalf("Get(%q) = %v, %v", tt.format, r, err)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	for _, format := range report.Names() {
		t.Run(format, func(t *testing.T) {
			got := renderString(t, format, report.Options{}, sampleReport())
			path := filepath.Join(goldenDir, "report."+format)
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading golden file (run go test -update to create it): %v", err)
			}
			if got != string(want) {
				t.Errorf("%s output differs from %s (run go test -update if the change is intended)\n%s",
					format, path, firstDiff(string(want), got))
			}
		})
	}
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w, g)
		}
	}
	return "no line differs"
}

func TestDeterministic(t *testing.T) {
	for _, format := range report.Names() {
		t.Run(format, func(t *testing.T) {
			first := renderString(t, format, report.Options{Color: true}, sampleReport())
			for range 20 {
				if got := renderString(t, format, report.Options{Color: true}, sampleReport()); got != first {
					t.Fatalf("output changed between renderings:\n%s", firstDiff(first, got))
				}
			}
		})
	}
}

func TestRenderDoesNotModifyReport(t *testing.T) {
	for _, format := range report.Names() {
		t.Run(format, func(t *testing.T) {
			r := sampleReport()
			renderString(t, format, report.Options{}, r)
			if !equalReports(r, sampleReport()) {
				t.Fatal("rendering changed the report")
			}
		})
	}
}

// minimalReport is a report with nothing in it but a verdict.
func minimalReport() *result.Report {
	return &result.Report{Schema: result.Schema, Verdict: result.VerdictPass}
}

func TestMinimalReport(t *testing.T) {
	want := map[string]string{
		"text":     "no controls evaluated\n\nsummary: 0 pass, 0 fail, 0 warn, 0 waived, 0 not_applicable, 0 not_available, 0 error (0 controls)\nverdict: PASS\n",
		"markdown": "## mdrgate: PASS\n\n",
	}
	for _, format := range report.Names() {
		t.Run(format, func(t *testing.T) {
			got := renderString(t, format, report.Options{}, minimalReport())
			if w, ok := want[format]; ok && !strings.HasPrefix(got, w) {
				t.Fatalf("got %q, want prefix %q", got, w)
			}
			if !strings.HasSuffix(got, "\n") {
				t.Fatalf("output does not end with a newline: %q", got)
			}
		})
	}
}

func TestNilReport(t *testing.T) {
	for _, format := range report.Names() {
		t.Run(format, func(t *testing.T) {
			rd, _ := report.Get(format, report.Options{})
			var buf bytes.Buffer
			err := rd.Render(&buf, nil)
			if err == nil || !strings.Contains(err.Error(), "rendering "+format+" report") {
				t.Fatalf("Render(nil) error = %v", err)
			}
			if buf.Len() != 0 {
				t.Fatalf("Render(nil) wrote %q", buf.String())
			}
		})
	}
}

// failWriter fails every write.
type failWriter struct{}

var errDiskFull = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteError(t *testing.T) {
	for _, format := range report.Names() {
		t.Run(format, func(t *testing.T) {
			rd, _ := report.Get(format, report.Options{})
			err := rd.Render(failWriter{}, sampleReport())
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("error = %v, want it to wrap %v", err, errDiskFull)
			}
			if want := "writing " + format + " report: disk full"; err.Error() != want {
				t.Fatalf("error = %q, want %q", err, want)
			}
		})
	}
}

// hostileReport holds terminal escapes, invalid UTF-8 and XML-invalid bytes.
func hostileReport() *result.Report {
	r := sampleReport()
	r.Controls[2].Violations = append(r.Controls[2].Violations,
		result.Violation{Msg: "\x1b[2J\x1b[32mverdict: PASS\x00\x07 bad \xff\xfe utf8 \u0085", Path: "a\tb\x1b.go", Line: 3})
	r.Controls[2].Title = "title\x1b[31m\nwith newline"
	return r
}

func TestHostileText(t *testing.T) {
	for _, format := range report.Names() {
		t.Run(format, func(t *testing.T) {
			got := renderString(t, format, report.Options{}, hostileReport())
			forbidden := "\x1b\x00\x07\u0085"
			if format == "json" || format == "sarif" {
				// JSON escapes C0 controls; C1 controls are valid JSON text.
				forbidden = "\x1b\x00\x07"
			}
			if strings.ContainsAny(got, forbidden) {
				t.Fatalf("control characters reached the output: %q", got)
			}
			if strings.Contains(got, "\xff") {
				t.Fatal("invalid UTF-8 reached the output")
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	r := largeReport()
	for _, format := range report.Names() {
		b.Run(format, func(b *testing.B) {
			rd, err := report.Get(format, report.Options{})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := rd.Render(&buf, r); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}

// FuzzRender renders a report whose texts come from the fuzzer in every format:
// no panic, no raw terminal escape in text, and JUnit and SARIF stay parseable.
func FuzzRender(f *testing.F) {
	f.Add("plain message", "src/a.go", 3, "Title")
	f.Add(specialMsg, "web/app.js", 7, "a | b")
	f.Add("\x1b[2J\x00\xff\xfe]]>&#x0;", "a\tb\n.go", -1, "# 1. `x`")
	f.Add("<![CDATA[x]]>", "", 0, "\u2028\ufffe")
	f.Fuzz(func(t *testing.T, msg, path string, line int, title string) {
		r := sampleReport()
		c := &r.Controls[2]
		c.Title = title
		c.Violations = append(c.Violations, result.Violation{Msg: msg, Path: path, Line: line})
		c.Reasons = []string{msg}
		r.Warnings = []string{msg}
		for _, format := range report.Names() {
			rd, _ := report.Get(format, report.Options{Color: true})
			var buf bytes.Buffer
			if err := rd.Render(&buf, r); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.String()
			switch format {
			case "text":
				if strings.Contains(ansi.ReplaceAllString(out, ""), "\x1b") {
					t.Fatalf("text: raw escape in %q", out)
				}
			case "junit":
				var doc junitDoc
				if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
					t.Fatalf("junit does not parse: %v\n%s", err, out)
				}
				if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != len(r.Controls) {
					t.Fatalf("junit: wrong shape")
				}
			case "sarif", "json":
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("%s is not valid JSON", format)
				}
			}
		}
	})
}
