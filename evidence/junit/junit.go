// Package junit reads JUnit XML test reports (Maven Surefire, pytest,
// go-junit-report, jest-junit and other JUnit-style writers) into the evidence
// document's normalised TestReport.
//
// The report is read as a stream of XML tokens from a strict decoder
// (source.File.NewXMLDecoder) that refuses document type declarations and
// every other <!...> declaration, so entity expansion and external entities are
// impossible; nesting is limited and errors carry lines.
//
// # Dialects
//
// TestReport.Dialect is chosen by these heuristics, first match wins:
//
//   - "jest-junit": the root is <testsuites name="jest tests"> (jest-junit's
//     default suiteName).
//   - "pytest": the root is <testsuites name="pytest tests"> (pytest 7.2 and
//     later), or a <testsuite name="pytest"> appears (every pytest version).
//   - "go-junit-report": a suite property is named "go.version" (go-junit-report
//     v2 writes it for every package).
//   - "surefire": the root <testsuite> names a surefire XSD in
//     xsi:noNamespaceSchemaLocation, or a suite property name starts with
//     "surefire." or "maven.", or a test case holds a Surefire rerun element
//     (flakyFailure, flakyError, rerunFailure, rerunError).
//   - "junit": anything else (Gradle, Ant, PHPUnit, ...).
//
// The dialect is informative: every dialect is read by the same rules.
//
// # Normalisation
//
//   - Nested test suites are flattened; a case's Suite is the name of its
//     innermost <testsuite> (or of the root <testsuites> for a case directly under it).
//   - Status is "error" when the case has an <error>, else "failed" when it has
//     a <failure>, else "skipped" when it has a <skipped>, else "passed".
//     Surefire's flakyFailure, flakyError, rerunFailure and rerunError do not
//     change the status: a flaky test passed on a rerun, and a test that failed
//     every rerun also has a <failure> or <error>.
//   - Message is the message attribute of the first element of that status,
//     else its text, trimmed of white space and cut to 500 characters.
//   - Properties are the case's <properties><property> entries and any
//     <property> directly inside the case, in file order; a property's value is
//     its value attribute, else its text.
//   - Requirements and Threats are the ids the case's property values, name and
//     classname contain: matches of \b(SEC-REQ|REQ)-[A-Za-z0-9._-]+ and
//     \bTHR-[A-Za-z0-9._-]+ without trailing '.', '_' or '-', deduplicated and
//     sorted. The id characters include '_', so a Go subtest named
//     "SEC-REQ-012 upper bound" (reported as "SEC-REQ-012_upper_bound") yields
//     the id "SEC-REQ-012_upper_bound": name ids in properties, or end them with
//     a character outside the set (space, '/', ']', ':').
//   - time must be a non-negative number of seconds (Surefire's "1,234.5" is
//     accepted); line a non-negative integer. Other values are errors.
package junit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// MediaType is the media type recorded for JUnit XML files.
const MediaType = "application/xml"

// Dialect names, the values of evidence.TestReport.Dialect.
const (
	DialectSurefire      = "surefire"
	DialectPytest        = "pytest"
	DialectGoJUnitReport = "go-junit-report"
	DialectJestJUnit     = "jest-junit"
	DialectJUnit         = "junit"
)

// MaxMessage is the longest Message kept, in characters.
const MaxMessage = 500

// maxDepth is the deepest element nesting accepted.
const maxDepth = 256

// maxText is how much of an element's text is kept to make a Message from.
const maxText = 4 * MaxMessage

// parser holds the state of one Parse.
type parser struct {
	f   *source.File
	dec *xml.Decoder
	rep *evidence.TestReport

	depth    int    // nesting depth of the current element
	rootName string // name attribute of the root element
	// Dialect signals seen anywhere in the report.
	pytestSuite, goVersion, surefire bool
}

// Parse reads a JUnit XML report and returns its test cases in file order.
// Errors are *source.Error values naming the file and, where possible, the line.
// See the package documentation for how dialects are told apart and how cases
// are normalised.
func Parse(f *source.File) (evidence.TestReport, error) {
	rep := evidence.TestReport{
		FileRef: f.Ref(MediaType),
		Dialect: DialectJUnit,
		Cases:   []evidence.TestCase{},
	}
	if err := f.CheckUTF8(); err != nil {
		return rep, err
	}
	trimmed := bytes.TrimLeft(f.Data, " \t\r\n\ufeff")
	if len(trimmed) == 0 {
		return rep, f.Errorf("empty file: expected a JUnit XML report")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return rep, f.ErrorAt(int64(len(f.Data)-len(trimmed)), "expected a JUnit XML report, found JSON")
	}
	p := &parser{f: f, dec: f.NewXMLDecoder(), rep: &rep}
	if err := p.document(); err != nil {
		rep.Cases = []evidence.TestCase{}
		return rep, err
	}
	rep.Dialect = p.dialect()
	return rep, nil
}

// document reads the prolog, the root element and the epilog.
func (p *parser) document() error {
	for {
		tok, err := p.token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return p.f.Errorf("no root element: expected a JUnit XML report with root element <testsuites> or <testsuite>")
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if name != "testsuites" && name != "testsuite" {
				return p.errorHere("expected a JUnit XML report with root element <testsuites> or <testsuite>, found <%s>", qualified(t.Name))
			}
			p.rootName = attr(t, "name")
			if name == "testsuite" && strings.Contains(attrNS(t, "noNamespaceSchemaLocation"), "surefire") {
				p.surefire = true
			}
			if err := p.suite(t, nil); err != nil {
				return err
			}
			return p.epilog()
		case xml.CharData:
			if len(bytes.Trim(t, " \t\r\n\ufeff")) > 0 {
				return p.errorHere("expected a JUnit XML report, found text before the root element")
			}
		}
	}
}

// epilog checks that only comments, processing instructions and white space
// follow the root element.
func (p *parser) epilog() error {
	for {
		tok, err := p.token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return p.errorHere("unexpected element <%s> after the root element", qualified(t.Name))
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return p.errorHere("unexpected text after the root element")
			}
		}
	}
}

// token returns the next token, refusing directives and nesting deeper than
// maxDepth, and turning errors into *source.Error.
func (p *parser) token() (xml.Token, error) {
	start := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) && strings.Contains(se.Msg, "unexpected EOF") {
			return nil, p.f.ErrorAtLine(se.Line, "invalid XML: unexpected end of file (truncated?)")
		}
		return nil, p.f.XMLError(err, p.dec)
	}
	switch t := tok.(type) {
	case xml.Directive:
		// encoding/xml never expands entities a DTD defines, but a report has
		// no use for a DTD, so refuse it outright. Searching the bytes for
		// "<!DOCTYPE" instead would refuse reports quoting HTML in CDATA.
		if bytes.HasPrefix(t, []byte("DOCTYPE")) {
			return nil, p.f.ErrorAt(start, "XML document type declarations (DOCTYPE, entities) are not accepted")
		}
		return nil, p.f.ErrorAt(start, "XML markup declarations such as <!ENTITY> are not accepted")
	case xml.StartElement:
		// The decoder keeps a stack of open elements: bound it.
		p.depth++
		if p.depth > maxDepth {
			return nil, p.errorHere("XML elements nested deeper than %d levels", maxDepth)
		}
	case xml.EndElement:
		p.depth--
	}
	return tok, nil
}

// skip reads to the end of the element whose start was just read.
func (p *parser) skip() error {
	for end := p.depth - 1; p.depth > end; {
		if _, err := p.token(); err != nil {
			return p.truncated(err)
		}
	}
	return nil
}

// suite reads a <testsuites> or <testsuite> element. names are the names of the
// enclosing suites. Recursion is bounded by maxDepth, which token enforces.
func (p *parser) suite(start xml.StartElement, names []string) error {
	names = append(names, attr(start, "name"))
	if start.Name.Local == "testsuite" && attr(start, "name") == "pytest" {
		p.pytestSuite = true
	}
	for {
		tok, err := p.token()
		if err != nil {
			return p.truncated(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "testsuite", "testsuites":
				err = p.suite(t, names)
			case "testcase":
				err = p.testCase(t, names[len(names)-1])
			case "properties":
				err = p.suiteProperties()
			default:
				err = p.skip()
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// suiteProperties reads a suite's <properties>, only to recognise the dialect.
func (p *parser) suiteProperties() error {
	for {
		tok, err := p.token()
		if err != nil {
			return p.truncated(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "property" {
				name := attr(t, "name")
				switch {
				case name == "go.version":
					p.goVersion = true
				case strings.HasPrefix(name, "surefire."), strings.HasPrefix(name, "maven."):
					p.surefire = true
				}
			}
			if err := p.skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// outcome is a failure, error or skipped element of a case.
type outcome struct {
	found   bool
	message string
}

// testCase reads a <testcase> element.
func (p *parser) testCase(start xml.StartElement, suite string) error {
	tc := evidence.TestCase{
		Suite:        suite,
		Name:         attr(start, "name"),
		Class:        attr(start, "classname"),
		File:         attr(start, "file"),
		Properties:   []evidence.Property{},
		Requirements: []string{},
		Threats:      []string{},
	}
	if tc.Class == "" {
		tc.Class = attr(start, "class")
	}
	if tc.Name == "" {
		return p.errorHere("testcase has no name attribute")
	}
	if v := attr(start, "time"); v != "" {
		t, ok := parseSeconds(v)
		if !ok {
			return p.errorHere("testcase %q: time: expected a number of seconds, found %q", tc.Name, v)
		}
		tc.Time = t
	}
	if v := attr(start, "line"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return p.errorHere("testcase %q: line: expected a line number, found %q", tc.Name, v)
		}
		tc.Line = n
	}

	var failure, errored, skipped outcome
	for done := false; !done; {
		tok, err := p.token()
		if err != nil {
			return p.truncated(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "failure":
				err = p.outcome(t, &failure)
			case "error":
				err = p.outcome(t, &errored)
			case "skipped":
				err = p.outcome(t, &skipped)
			case "properties":
				err = p.caseProperties(&tc)
			case "property":
				err = p.property(t, &tc)
			case "flakyFailure", "flakyError", "rerunFailure", "rerunError":
				p.surefire = true
				err = p.skip()
			default:
				err = p.skip()
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			done = true
		}
	}
	switch {
	case errored.found:
		tc.Status, tc.Message = "error", errored.message
	case failure.found:
		tc.Status, tc.Message = "failed", failure.message
	case skipped.found:
		tc.Status, tc.Message = "skipped", skipped.message
	default:
		tc.Status = "passed"
	}

	var ids idSet
	ids.scan(tc.Name)
	ids.scan(tc.Class)
	for _, pr := range tc.Properties {
		ids.scan(pr.Value)
	}
	tc.Requirements, tc.Threats = ids.sorted()
	p.rep.Cases = append(p.rep.Cases, tc)
	return nil
}

// outcome reads a failure, error or skipped element into o, keeping the message
// of the first one.
func (p *parser) outcome(start xml.StartElement, o *outcome) error {
	if o.found {
		return p.skip()
	}
	o.found = true
	if msg := strings.TrimSpace(attr(start, "message")); msg != "" {
		o.message = truncate(msg)
		return p.skip()
	}
	text, err := p.text(maxText)
	if err != nil {
		return err
	}
	o.message = truncate(strings.TrimSpace(text))
	return nil
}

// caseProperties reads a case's <properties>.
func (p *parser) caseProperties(tc *evidence.TestCase) error {
	for {
		tok, err := p.token()
		if err != nil {
			return p.truncated(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "property" {
				err = p.property(t, tc)
			} else {
				err = p.skip()
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// property reads a <property> of a case.
func (p *parser) property(start xml.StartElement, tc *evidence.TestCase) error {
	name := attr(start, "name")
	if name == "" {
		return p.errorHere("testcase %q: property has no name attribute", tc.Name)
	}
	value, hasValue := attrOK(start, "value")
	if hasValue {
		if err := p.skip(); err != nil {
			return err
		}
	} else {
		text, err := p.text(1 << 16)
		if err != nil {
			return err
		}
		value = strings.TrimSpace(text)
	}
	tc.Properties = append(tc.Properties, evidence.Property{Name: name, Value: value})
	return nil
}

// text reads the text of the element whose start was just read, up to limit
// bytes, and skips to its end. Text inside child elements is ignored.
func (p *parser) text(limit int) (string, error) {
	var b []byte
	for {
		tok, err := p.token()
		if err != nil {
			return "", p.truncated(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if room := limit - len(b); room > 0 {
				if len(t) > room {
					t = t[:room]
				}
				b = append(b, t...)
			}
		case xml.StartElement:
			if err := p.skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			if !utf8.Valid(b) {
				// The limit cut a character in two: drop the broken tail.
				b = bytes.ToValidUTF8(b, nil)
			}
			return string(b), nil
		}
	}
}

// truncated turns io.EOF inside an element into an error.
func (p *parser) truncated(err error) error {
	if errors.Is(err, io.EOF) {
		return p.f.ErrorAt(int64(len(p.f.Data)), "invalid XML: unexpected end of file (truncated?)")
	}
	return err
}

// errorHere returns an error at the decoder's position.
func (p *parser) errorHere(format string, args ...any) error {
	line, col := p.dec.InputPos()
	return &source.Error{Path: p.f.Path, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// dialect names the writer of the report; see the package documentation.
func (p *parser) dialect() string {
	switch {
	case p.rootName == "jest tests":
		return DialectJestJUnit
	case p.rootName == "pytest tests" || p.pytestSuite:
		return DialectPytest
	case p.goVersion:
		return DialectGoJUnitReport
	case p.surefire:
		return DialectSurefire
	}
	return DialectJUnit
}

// attr returns the value of the attribute with the local name, in no namespace.
func attr(e xml.StartElement, local string) string {
	v, _ := attrOK(e, local)
	return v
}

func attrOK(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// attrNS returns the value of the attribute with the local name in any namespace.
func attrNS(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// qualified names an element for a message, with its namespace if any.
func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return fmt.Sprintf("%s xmlns=%q", n.Local, n.Space)
}

// parseSeconds reads a duration in seconds. Surefire once wrote thousands with a
// grouping comma ("1,234.5"); a lone comma followed by other than three digits is
// taken as a decimal comma.
func parseSeconds(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		if strings.IndexByte(s, '.') >= 0 || len(s)-i-1 == 3 {
			s = strings.ReplaceAll(s, ",", "")
		} else if strings.Count(s, ",") == 1 {
			s = strings.Replace(s, ",", ".", 1)
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, false
	}
	return v, true
}

// truncate cuts s to MaxMessage characters.
func truncate(s string) string {
	if len(s) <= MaxMessage {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxMessage {
			return s[:i]
		}
		n++
	}
	return s
}

// idSet collects requirement and threat ids.
type idSet struct {
	reqs, threats []string
}

// scan adds the ids s contains: matches of \b(SEC-REQ|REQ)-[A-Za-z0-9._-]+ and
// \bTHR-[A-Za-z0-9._-]+ without trailing '.', '_' or '-'.
func (ids *idSet) scan(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != 'S' && c != 'R' && c != 'T' || i > 0 && isWordChar(s[i-1]) {
			continue
		}
		var prefix int
		threat := false
		switch {
		case strings.HasPrefix(s[i:], "SEC-REQ-"):
			prefix = len("SEC-REQ-")
		case strings.HasPrefix(s[i:], "REQ-"):
			prefix = len("REQ-")
		case strings.HasPrefix(s[i:], "THR-"):
			prefix, threat = len("THR-"), true
		default:
			continue
		}
		end := i + prefix
		for end < len(s) && isIDChar(s[end]) {
			end++
		}
		id := strings.TrimRight(s[i:end], "._-")
		i = end - 1
		if len(id) < prefix {
			continue // nothing but punctuation after the prefix
		}
		if threat {
			ids.threats = append(ids.threats, id)
		} else {
			ids.reqs = append(ids.reqs, id)
		}
	}
}

// sorted returns the requirement and threat ids, sorted and deduplicated.
func (ids *idSet) sorted() (reqs, threats []string) {
	return dedup(ids.reqs), dedup(ids.threats)
}

func dedup(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	sort.Strings(s)
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// isWordChar reports whether c is a word character as regexp's \b sees it.
func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isIDChar(c byte) bool {
	return isWordChar(c) || c == '.' || c == '-'
}
