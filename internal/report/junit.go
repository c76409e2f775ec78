package report

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mdrgate/mdrgate/internal/result"
)

// junitRenderer writes a JUnit XML report: one test suite, "mdrgate", with one test
// case per control, for CI systems that show test results.
type junitRenderer struct{}

var _ Renderer = junitRenderer{}

// junitSuiteName names the one test suite.
const junitSuiteName = "mdrgate"

type junitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Suites   []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitTestCase `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *xmlText      `xml:"system-out,omitempty"`
}

// xmlText is character data written with its newlines kept as they are, so that
// the findings read line by line in the file (encoding/xml writes them as &#xA;).
type xmlText struct {
	Text string `xml:",innerxml"`
}

// newXMLText escapes s as XML character data, or returns nil for an empty s.
func newXMLText(s string) *xmlText {
	if s == "" {
		return nil
	}
	return &xmlText{Text: escapeXMLText(s)}
}

// escapeXMLText escapes &, < and > and replaces characters XML cannot hold
// (control characters other than tab and newline, U+FFFE, U+FFFF, invalid UTF-8)
// with U+FFFD.
func escapeXMLText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r) // invalid UTF-8 arrives as utf8.RuneError
		}
	}
	return b.String()
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",innerxml"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Render writes the JUnit report.
func (junitRenderer) Render(w io.Writer, r *result.Report) error {
	if r == nil {
		return fmt.Errorf("rendering junit report: %w", errNilReport)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	err := enc.Encode(junitReport(r))
	if err == nil {
		err = enc.Close()
	}
	bw.WriteByte('\n')
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("writing junit report: %w", err)
	}
	return nil
}

// junitReport converts the report to the JUnit document.
func junitReport(r *result.Report) junitTestSuites {
	suite := junitTestSuite{
		Name:  junitSuiteName,
		Tests: len(r.Controls),
		Properties: []junitProperty{
			{Name: "verdict", Value: r.Verdict},
			{Name: "event", Value: r.Event},
			{Name: "evaluated_at", Value: r.EvaluatedAt.UTC().Format(time.RFC3339)},
			{Name: "evidence_sha256", Value: r.EvidenceSHA256},
			{Name: "policy_sha256", Value: r.PolicySHA256},
		},
		Cases: make([]junitTestCase, 0, len(r.Controls)),
	}
	if !r.EvaluatedAt.IsZero() {
		// JUnit timestamps are ISO 8601 without a zone; the time is UTC.
		suite.Timestamp = r.EvaluatedAt.UTC().Format("2006-01-02T15:04:05")
	}
	for _, c := range r.Controls {
		tc := junitTestCase{ClassName: cell(c.ID), Name: cell(c.Title)}
		lines := detailLines(c)
		switch c.Outcome {
		case result.Fail, result.NotAvailable, result.Error:
			tc.Failure = &junitFailure{
				Message: cell(failureMessage(c)),
				Type:    string(c.Outcome),
				Body:    escapeXMLText(strings.Join(lines, "\n")),
			}
			suite.Failures++
		case result.Waived, result.NotApplicable:
			tc.Skipped = &junitSkipped{Message: cell(skipMessage(c))}
			tc.SystemOut = newXMLText(strings.Join(lines, "\n"))
			suite.Skipped++
		default:
			tc.SystemOut = newXMLText(strings.Join(lines, "\n"))
		}
		suite.Cases = append(suite.Cases, tc)
	}
	return junitTestSuites{
		Name:     junitSuiteName,
		Tests:    suite.Tests,
		Failures: suite.Failures,
		Errors:   suite.Errors,
		Skipped:  suite.Skipped,
		Suites:   []junitTestSuite{suite},
	}
}

// failureMessage says in one line why a control failed.
func failureMessage(c result.Control) string {
	gate := "not gating"
	if c.Gate {
		gate = "gating"
	}
	var why string
	switch {
	case c.Outcome == result.Fail && len(c.Violations) > 0:
		why = plural(len(c.Violations), "violation")
	case len(c.Reasons) > 0:
		why = c.Reasons[0]
	case c.Outcome == result.NotAvailable:
		why = "evidence not available"
	case c.Outcome == result.Error:
		why = "evaluation error"
	default:
		why = "control failed"
	}
	return string(c.Outcome) + " (" + gate + "): " + why
}

// skipMessage says in one line why a control was skipped.
func skipMessage(c result.Control) string {
	var why string
	switch {
	case c.Outcome == result.Waived && c.Waiver != nil:
		why = waiverText(c.Waiver)
	case len(c.Reasons) > 0:
		why = strings.Join(c.Reasons, "; ")
	}
	if why == "" {
		return string(c.Outcome)
	}
	return string(c.Outcome) + ": " + why
}
