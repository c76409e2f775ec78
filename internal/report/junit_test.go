package report_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/internal/report"
)

// junitDoc is the JUnit document as a consumer reads it.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Timestamp  string `xml:"timestamp,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, out string) junitDoc {
	t.Helper()
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<testsuites ") {
		t.Fatalf("JUnit output starts %q", out[:min(len(out), 60)])
	}
	var doc junitDoc
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v", err)
	}
	return doc
}

func TestJUnitParses(t *testing.T) {
	doc := parseJUnit(t, renderString(t, "junit", report.Options{}, sampleReport()))
	if doc.Tests != 10 || doc.Failures != 5 || doc.Skipped != 2 || len(doc.Suites) != 1 {
		t.Fatalf("testsuites: tests %d failures %d skipped %d suites %d", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Name != "mdrgate" || s.Tests != 10 || s.Failures != 5 || s.Errors != 0 || s.Skipped != 2 || len(s.Cases) != 10 {
		t.Fatalf("testsuite: %q tests %d failures %d errors %d skipped %d cases %d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases))
	}
	if s.Timestamp != "2025-06-30T12:00:00" {
		t.Errorf("timestamp = %q", s.Timestamp)
	}
	props := map[string]string{}
	for _, p := range s.Properties {
		props[p.Name] = p.Value
	}
	if props["verdict"] != "fail" || props["event"] != "pull_request" || props["evaluated_at"] != "2025-06-30T12:00:00Z" {
		t.Errorf("properties = %v", props)
	}

	outcome := map[string]string{}
	for _, c := range s.Cases {
		switch {
		case c.Failure != nil && c.Skipped != nil:
			t.Fatalf("%s both failed and skipped", c.ClassName)
		case c.Failure != nil:
			outcome[c.ClassName] = "failure:" + c.Failure.Type
		case c.Skipped != nil:
			outcome[c.ClassName] = "skipped"
		default:
			outcome[c.ClassName] = "passed"
		}
	}
	want := map[string]string{
		"DES-01": "skipped", "GOV-01": "passed", "IMP-02": "failure:fail", "PMS-01": "failure:error",
		"REL-01": "failure:not_available", "REQ-01": "passed", "SCM-01": "skipped", "SCM-02": "failure:fail",
		"VER-03": "passed", "VER-04": "failure:fail",
	}
	for id, w := range want {
		if outcome[id] != w {
			t.Errorf("%s: %s, want %s", id, outcome[id], w)
		}
	}

	imp := s.Cases[2]
	if imp.ClassName != "IMP-02" || imp.Name != "SAST on every change; findings triaged" {
		t.Fatalf("case 2 = %s %q", imp.ClassName, imp.Name)
	}
	if imp.Failure.Message != "fail (gating): 4 violations" {
		t.Errorf("IMP-02 message = %q", imp.Failure.Message)
	}
	// Escaped on the way out, the special message reads back intact.
	if !strings.Contains(imp.Failure.Body, "web/app.js:7: "+specialMsg+"\n") {
		t.Errorf("IMP-02 body lacks the special message:\n%s", imp.Failure.Body)
	}
	if !strings.Contains(imp.Failure.Body, "\ncode-scanning alert #12 (high) is open\n") ||
		!strings.Contains(imp.Failure.Body, "\nbuild/semgrep.sarif: semgrep report lists 3 unsuppressed errors\n") ||
		!strings.HasSuffix(imp.Failure.Body, "\nremediation: Fix the findings, or suppress each with a justification in the SARIF report.") {
		t.Errorf("IMP-02 body:\n%s", imp.Failure.Body)
	}
	if m := s.Cases[6].Skipped.Message; m != "waived: waiver applied, approved by qa-lead@acme.example, expires 2025-12-31, risk RISK-42: legacy commits | before signing was enforced" {
		t.Errorf("SCM-01 skipped message = %q", m)
	}
	if m := s.Cases[0].Skipped.Message; m != "not_applicable: product has no external interfaces (interfaces.yaml lists none)" {
		t.Errorf("DES-01 skipped message = %q", m)
	}
	if out := s.Cases[8].SystemOut; out != "warning: fuzz/results/latest.json: newest fuzzing run is 45 days old (limit 30)" {
		t.Errorf("VER-03 system-out = %q", out)
	}
	if m := s.Cases[7].Failure.Message; m != "fail (not gating): 2 violations" {
		t.Errorf("SCM-02 message = %q", m)
	}
	if m := s.Cases[4].Failure.Message; m != "not_available (gating): no SBOM found: looked for *.cdx.json and *.spdx.json in the build outputs" {
		t.Errorf("REL-01 message = %q", m)
	}
}

func TestJUnitHostileParses(t *testing.T) {
	doc := parseJUnit(t, renderString(t, "junit", report.Options{}, hostileReport()))
	if got := doc.Suites[0].Cases[2].Name; got != `title\x1b[31m with newline` {
		t.Fatalf("name = %q", got)
	}
}
