package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/result"
)

// markdownRenderer writes GitHub-flavoured Markdown fit for a job summary: the
// verdict, the counts, a table of controls, the findings and the waivers.
type markdownRenderer struct{}

var _ Renderer = markdownRenderer{}

// maxMarkdownFindings caps the findings listed per control: a GitHub job summary
// holds at most 1 MiB, and the JSON and SARIF reports carry every finding.
const maxMarkdownFindings = 50

// Render writes the Markdown report.
func (markdownRenderer) Render(w io.Writer, r *result.Report) error {
	return render(w, r, "markdown", writeMarkdown)
}

func writeMarkdown(w *bufio.Writer, r *result.Report) {
	w.WriteString("## mdrgate: ")
	w.WriteString(verdictWord(r.Verdict))
	w.WriteString("\n\n")
	if ids := failingIDs(r); len(ids) > 0 {
		w.WriteString("**")
		w.WriteString(plural(len(ids), "gating control"))
		w.WriteString(" failed:** ")
		w.WriteString(mdText(strings.Join(ids, ", ")))
		w.WriteString("\n\n")
	}
	markdownFacts(w, r)

	w.WriteString("### Summary\n\n|")
	for _, o := range result.Outcomes {
		w.WriteString(" " + string(o) + " |")
	}
	w.WriteString(" total |\n|")
	for range len(result.Outcomes) + 1 {
		w.WriteString("---:|")
	}
	w.WriteString("\n|")
	for _, o := range result.Outcomes {
		w.WriteString(" " + strconv.Itoa(r.Summary.Count(o)) + " |")
	}
	w.WriteString(" " + strconv.Itoa(r.Summary.Total) + " |\n\n")

	controls := markdownOrder(r)
	w.WriteString("### Controls\n\n")
	if len(controls) == 0 {
		w.WriteString("No controls were evaluated.\n\n")
	} else {
		w.WriteString("| ID | Outcome | Gate | Severity | Title |\n|---|---|---|---|---|\n")
		for _, c := range controls {
			w.WriteString("| " + mdText(c.ID) +
				" | " + mdText(string(c.Outcome)) +
				" | " + gateWord(c.Gate) +
				" | " + mdText(orDash(c.Severity)) +
				" | " + mdText(c.Title) + " |\n")
		}
		w.WriteByte('\n')
	}

	markdownFindings(w, controls)
	markdownWaivers(w, r)
	if len(r.Warnings) > 0 {
		w.WriteString("### Warnings\n\n")
		for _, msg := range r.Warnings {
			w.WriteString("- " + mdStart(msg) + "\n")
		}
		w.WriteByte('\n')
	}
}

// markdownFacts writes what was evaluated, when and how, as a list.
func markdownFacts(w *bufio.Writer, r *result.Report) {
	fact := func(name, value string) {
		if value != "" {
			w.WriteString("- **" + name + ":** " + value + "\n")
		}
	}
	fact("Event", mdText(r.Event))
	if !r.EvaluatedAt.IsZero() {
		fact("Evaluated at", r.EvaluatedAt.UTC().Format(time.RFC3339))
	}
	fact("Product", mdText(productText(r.Product)))
	if r.Profile.Event != "" {
		fact("Profile", mdText(profileText(r.Profile)))
	}
	fact("Repository", mdText(r.Subject.Repository))
	fact("Ref", mdText(r.Subject.Ref))
	fact("Commit", mdCode(r.Subject.Commit))
	fact("Evidence SHA-256", mdCode(r.EvidenceSHA256))
	fact("Policy SHA-256", mdCode(r.PolicySHA256))
	gen := strings.TrimSpace(r.Generator.Name + " " + r.Generator.Version)
	fact("Generator", mdText(gen))
	w.WriteByte('\n')
}

// profileText is "release, IEC 62304 class C, MDR class IIb; 2 adjustments: …".
func profileText(p result.Profile) string {
	parts := []string{p.Event}
	if p.IEC62304Class != "" {
		parts = append(parts, "IEC 62304 class "+p.IEC62304Class)
	}
	if p.MDRClass != "" {
		parts = append(parts, "MDR class "+p.MDRClass)
	}
	s := strings.Join(parts, ", ")
	if len(p.Adjustments) > 0 {
		s += fmt.Sprintf("; %d adjustments: %s", len(p.Adjustments), strings.Join(p.Adjustments, "; "))
	}
	return s
}

// productText is "Name Version (Manufacturer; MDR class IIb; IEC 62304 class C)".
func productText(p evidence.Product) string {
	name := strings.TrimSpace(p.Name + " " + p.Version)
	var details []string
	if p.Manufacturer != "" {
		details = append(details, p.Manufacturer)
	}
	if p.MDRClass != "" {
		details = append(details, "MDR class "+p.MDRClass)
	}
	if p.IEC62304Class != "" {
		details = append(details, "IEC 62304 class "+p.IEC62304Class)
	}
	if len(details) == 0 {
		return name
	}
	return strings.TrimSpace(name + " (" + strings.Join(details, "; ") + ")")
}

// markdownOrder is the controls with the gating ones that block the verdict
// first, then the rest, each group by ID.
func markdownOrder(r *result.Report) []result.Control {
	controls := slices.Clone(r.Controls)
	blocking := func(c result.Control) int {
		if c.Gate && c.Outcome.Blocks() {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(controls, func(a, b result.Control) int {
		if d := blocking(a) - blocking(b); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	return controls
}

// markdownFindings writes, for each control that failed, could not be evaluated or
// warned, its findings as bullets and its remediation.
func markdownFindings(w *bufio.Writer, controls []result.Control) {
	wrote := false
	for _, c := range controls {
		switch c.Outcome {
		case result.Fail, result.NotAvailable, result.Error, result.Warn:
		default:
			continue
		}
		if !wrote {
			w.WriteString("### Findings\n\n")
			wrote = true
		}
		w.WriteString("#### " + mdText(c.ID))
		if c.Title != "" {
			w.WriteString(": " + mdText(c.Title))
		}
		w.WriteString("\n\n")
		gate := "not gating"
		if c.Gate {
			gate = "gating"
		}
		w.WriteString(mdStart(string(c.Outcome)) + ", " + gate)
		if c.Severity != "" {
			w.WriteString(", severity " + mdText(c.Severity))
		}
		w.WriteString("\n\n")

		n := 0
		bullet := func(prefix string, v result.Violation) {
			n++
			if n > maxMarkdownFindings {
				return
			}
			w.WriteString("- " + prefix)
			if loc := where(v); loc != "" {
				w.WriteString(mdCode(loc) + " — ")
			}
			if prefix == "" && where(v) == "" {
				w.WriteString(mdStart(v.Msg) + "\n")
			} else {
				w.WriteString(mdText(v.Msg) + "\n")
			}
		}
		for _, v := range c.Violations {
			bullet("", v)
		}
		for _, v := range c.Warnings {
			bullet("warning: ", v)
		}
		if n > maxMarkdownFindings {
			w.WriteString("- … and " + plural(n-maxMarkdownFindings, "more finding") + " (see the JSON or SARIF report)\n")
		}
		for _, reason := range c.Reasons {
			w.WriteString("- reason: " + mdText(reason) + "\n")
		}
		if n > 0 || len(c.Reasons) > 0 {
			w.WriteByte('\n')
		}
		if c.Remediation != "" {
			w.WriteString("**Remediation:** " + mdText(c.Remediation) + "\n\n")
		}
	}
}

// markdownWaivers writes a table of the waivers that name a control, by control ID,
// flagging expired ones.
func markdownWaivers(w *bufio.Writer, r *result.Report) {
	var waived []result.Control
	for _, c := range r.Controls {
		if c.Waiver != nil {
			waived = append(waived, c)
		}
	}
	if len(waived) == 0 {
		return
	}
	slices.SortStableFunc(waived, func(a, b result.Control) int { return strings.Compare(a.ID, b.ID) })
	w.WriteString("### Waivers\n\n| Control | Status | Expires | Approved by | Risk | Reason |\n|---|---|---|---|---|---|\n")
	for _, c := range waived {
		wv := c.Waiver
		status := "not applied"
		switch {
		case wv.Expired:
			status = "**expired**"
		case wv.Applied:
			status = "applied"
		}
		w.WriteString("| " + mdText(c.ID) +
			" | " + status +
			" | " + mdText(orDash(wv.Expires)) +
			" | " + mdText(orDash(wv.ApprovedBy)) +
			" | " + mdText(orDash(wv.RiskRef)) +
			" | " + mdText(orDash(wv.Reason)) + " |\n")
	}
	w.WriteByte('\n')
}

// mdText escapes s for GitHub-flavoured Markdown inside a line or a table cell:
// Markdown punctuation is backslash-escaped, HTML special characters become
// entities, a pipe cannot end a cell, and a newline becomes <br>.
func mdText(s string) string {
	s = clean(s, true)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '`', '*', '_', '[', ']', '|', '~':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\n':
			b.WriteString("<br>")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mdStart escapes s like mdText for the start of a paragraph or list item, where a
// leading "#", "-", "+", "=" or "1." would also start a heading or a list.
func mdStart(s string) string {
	s = mdText(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	switch {
	case i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')'):
		return s[:i] + "\\" + s[i:]
	case s != "" && strings.IndexByte("#+-=", s[0]) >= 0:
		return "\\" + s
	}
	return s
}

// CodeSpan is s as a markdown inline code span, or "" when s is empty: control
// characters escaped, newlines as spaces, fenced longer than any backtick run.
func CodeSpan(s string) string { return mdCode(s) }

// mdCode is s as an inline code span, or "" when s is empty. The fence is longer
// than any run of backticks in s. It is for paragraphs and list items, not table
// cells, where a pipe would end the cell.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = clean(s, false)
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
