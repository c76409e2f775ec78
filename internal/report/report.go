// Package report renders an evaluation result (result.Report) in the output formats
// mdrgate offers: text, json, junit, sarif and markdown.
package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mdrgate/mdrgate/internal/result"
)

// Renderer writes a report in one output format.
type Renderer interface {
	// Render writes r to w. It never modifies r.
	Render(w io.Writer, r *result.Report) error
}

// Options tune the renderers; each format reads the options that concern it.
type Options struct {
	// Color enables ANSI colour in the text format. Set it only when the caller
	// knows the output is a terminal.
	Color bool
}

// formats is the registry of output formats: adding a format touches this map only.
var formats = map[string]func(Options) Renderer{
	"gap":      func(Options) Renderer { return gapRenderer{} },
	"json":     func(Options) Renderer { return jsonRenderer{} },
	"junit":    func(Options) Renderer { return junitRenderer{} },
	"markdown": func(Options) Renderer { return markdownRenderer{} },
	"sarif":    func(Options) Renderer { return sarifRenderer{} },
	"text":     func(o Options) Renderer { return textRenderer{color: o.Color} },
}

// Names returns the names of the output formats, sorted.
func Names() []string {
	names := make([]string, 0, len(formats))
	for name := range formats {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Get returns the renderer for format, or an error naming the valid formats.
func Get(format string, opts Options) (Renderer, error) {
	mk, ok := formats[format]
	if !ok {
		return nil, fmt.Errorf("invalid output format %q: valid formats are %s", format, strings.Join(Names(), ", "))
	}
	return mk(opts), nil
}

// errNilReport is returned when a renderer is handed no report.
var errNilReport = errors.New("no report to render")

// render runs fn over a buffered writer and reports the first write error, named
// after the format.
func render(w io.Writer, r *result.Report, format string, fn func(*bufio.Writer, *result.Report)) error {
	if r == nil {
		return fmt.Errorf("rendering %s report: %w", format, errNilReport)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fn(bw, r)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s report: %w", format, err)
	}
	return nil
}

// refTags returns the control's references as "framework:clause", frameworks
// sorted, clauses in the order the control lists them.
func refTags(refs map[string][]string) []string {
	frameworks := make([]string, 0, len(refs))
	n := 0
	for fw, clauses := range refs {
		frameworks = append(frameworks, fw)
		n += len(clauses)
	}
	sort.Strings(frameworks)
	tags := make([]string, 0, n)
	for _, fw := range frameworks {
		for _, clause := range refs[fw] {
			tags = append(tags, fw+":"+clause)
		}
	}
	return tags
}

// failingIDs returns the IDs of the gating controls that block the verdict, sorted.
func failingIDs(r *result.Report) []string {
	var ids []string
	for _, c := range r.Controls {
		if c.Gate && c.Outcome.Blocks() {
			ids = append(ids, c.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// verdictWord is the verdict in capitals, as reports headline it.
func verdictWord(v string) string {
	if v == "" {
		return "UNKNOWN"
	}
	return strings.ToUpper(v)
}

// verdictText is the verdict with the gating controls that failed it:
// "FAIL (2 gating controls failed: IMP-02, REL-01)" or "PASS".
func verdictText(r *result.Report) string {
	ids := failingIDs(r)
	if len(ids) == 0 {
		return verdictWord(r.Verdict)
	}
	return fmt.Sprintf("%s (%s failed: %s)", verdictWord(r.Verdict), plural(len(ids), "gating control"), strings.Join(ids, ", "))
}

// summaryText counts every outcome: "3 pass, 2 fail, ..., 0 error (10 controls)".
func summaryText(s result.Summary) string {
	var b strings.Builder
	for i, o := range result.Outcomes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(s.Count(o)))
		b.WriteByte(' ')
		b.WriteString(string(o))
	}
	fmt.Fprintf(&b, " (%s)", plural(s.Total, "control"))
	return b.String()
}

// plural is "1 control" or "2 controls".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// where is a violation's location: "path:line", "path" or "".
func where(v result.Violation) string {
	switch {
	case v.Path == "":
		return ""
	case v.Line > 0:
		return v.Path + ":" + strconv.Itoa(v.Line)
	default:
		return v.Path
	}
}

// gateWord is "yes" for a gating control and "no" otherwise.
func gateWord(gate bool) string {
	if gate {
		return "yes"
	}
	return "no"
}

// waiverText describes a waiver in one line, flagging an expired one.
func waiverText(w *result.Waiver) string {
	var b strings.Builder
	switch {
	case w.Expired:
		b.WriteString("expired waiver")
	case w.Applied:
		b.WriteString("waiver applied")
	default:
		b.WriteString("waiver not applied")
	}
	if w.ApprovedBy != "" {
		b.WriteString(", approved by ")
		b.WriteString(w.ApprovedBy)
	}
	if w.Expires != "" {
		if w.Expired {
			b.WriteString(", expired ")
		} else {
			b.WriteString(", expires ")
		}
		b.WriteString(w.Expires)
	}
	if w.RiskRef != "" {
		b.WriteString(", risk ")
		b.WriteString(w.RiskRef)
	}
	if w.Reason != "" {
		b.WriteString(": ")
		b.WriteString(w.Reason)
	}
	return b.String()
}

// detailLines are a control's findings, one a line (a message may span several):
// violations as "path:line: msg", warnings, reasons, the waiver and, for an
// outcome that blocks, the remediation.
func detailLines(c result.Control) []string {
	lines := make([]string, 0, len(c.Violations)+len(c.Warnings)+len(c.Reasons)+2)
	finding := func(prefix string, v result.Violation) string {
		if loc := where(v); loc != "" {
			prefix += clean(loc, false) + ": "
		}
		return prefix + clean(v.Msg, true)
	}
	for _, v := range c.Violations {
		lines = append(lines, finding("", v))
	}
	for _, v := range c.Warnings {
		lines = append(lines, finding("warning: ", v))
	}
	for _, reason := range c.Reasons {
		lines = append(lines, "reason: "+clean(reason, true))
	}
	if c.Waiver != nil {
		lines = append(lines, clean(waiverText(c.Waiver), true))
	}
	if c.Outcome.Blocks() && c.Remediation != "" {
		lines = append(lines, "remediation: "+clean(c.Remediation, true))
	}
	return lines
}

// clean makes text safe for a terminal or a one-line field: invalid UTF-8 becomes
// U+FFFD, tabs become spaces, and other control characters (which could move the
// cursor or recolour the terminal) are shown escaped, as \x1b. Newlines are kept
// only when keepNewlines is set.
func clean(s string, keepNewlines bool) string {
	if isClean(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\r' && keepNewlines:
			// CRLF and a lone CR both end a line.
			if i >= len(s) || s[i] != '\n' {
				b.WriteByte('\n')
			}
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, r == '\u2028', r == '\u2029', r == 0xfffe, r == 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isClean reports whether clean would return s unchanged.
func isClean(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			if !utf8.ValidString(s[i:]) {
				return false
			}
			for _, r := range s[i:] {
				if r < 0x20 && !(r == '\n' && keepNewlines) || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029' || r == 0xfffe || r == 0xffff {
					return false
				}
			}
			return true
		}
		if c < 0x20 && !(c == '\n' && keepNewlines) || c == 0x7f {
			return false
		}
	}
	return true
}
