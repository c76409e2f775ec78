package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/internal/catalog"
	"github.com/mdrgate/mdrgate/internal/result"
)

// gapRenderer writes a gap assessment: what is missing for the gate to pass and
// the record to be complete, most urgent first, with what to do about each.
type gapRenderer struct{}

var _ Renderer = gapRenderer{}

// maxGapFindings caps the findings quoted per control; the other reports carry all.
const maxGapFindings = 3

// Render writes the gap assessment.
func (gapRenderer) Render(w io.Writer, r *result.Report) error {
	templates, err := catalog.Templates()
	if err != nil {
		return fmt.Errorf("rendering gap report: %w", err)
	}
	return render(w, r, "gap", func(w *bufio.Writer, r *result.Report) { writeGap(w, r, templates) })
}

// isGap reports whether a control's result is something missing: a failure,
// missing evidence, an error, a waived (so still open) problem, or a failure
// demoted to warn. Advisory warnings alone are not gaps.
func isGap(c result.Control) bool {
	switch c.Outcome {
	case result.Fail, result.NotAvailable, result.Error, result.Waived:
		return true
	case result.Warn:
		return len(c.Violations) > 0
	}
	return false
}

// GapOrder sorts gaps: gating first, then severity (critical to low), then id.
func gapOrder(cs []result.Control) {
	rank := func(s string) int {
		switch s {
		case "critical":
			return 0
		case "high":
			return 1
		case "medium":
			return 2
		case "low":
			return 3
		}
		return 4
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Gate != b.Gate {
			return a.Gate
		}
		if ra, rb := rank(a.Severity), rank(b.Severity); ra != rb {
			return ra < rb
		}
		return a.ID < b.ID
	})
}

func writeGap(w *bufio.Writer, r *result.Report, templates map[string][]string) {
	var gaps []result.Control
	gating := 0
	for _, c := range r.Controls {
		if isGap(c) {
			gaps = append(gaps, c)
			if c.Gate {
				gating++
			}
		}
	}
	gapOrder(gaps)
	w.WriteString("## Gap assessment\n\n")
	if len(gaps) == 0 {
		fmt.Fprintf(w, "Nothing is missing: each of the %s passes, warns only or does not apply.\n", plural(len(r.Controls), "control"))
		return
	}
	event := r.Event
	if event == "" {
		event = "the"
	}
	fmt.Fprintf(w, "%s of %d need work, %d of them gating the %s event; most urgent first.\n", plural(len(gaps), "control"), len(r.Controls), gating, clean(event, false))
	for i, c := range gaps {
		fmt.Fprintf(w, "\n### %d. %s: %s\n\n", i+1, clean(c.ID, false), clean(c.Title, false))
		status := string(c.Outcome)
		if c.Waiver != nil && c.Waiver.Applied {
			status += " until " + c.Waiver.Expires + " (the gap stays open until it is fixed)"
		}
		gate := "does not gate"
		if c.Gate {
			gate = "gating"
		}
		fmt.Fprintf(w, "- status: %s · severity %s · %s · type %s\n", clean(status, false), orDash(clean(c.Severity, false)), gate, orDash(clean(c.Type, false)))
		for _, line := range gapFindings(c) {
			fmt.Fprintf(w, "- missing: %s\n", line)
		}
		if c.Remediation != "" {
			fmt.Fprintf(w, "- remediation: %s\n", clean(oneLineText(c.Remediation), false))
		}
		if tpl := templates[c.ID]; len(tpl) > 0 {
			for _, p := range tpl {
				fmt.Fprintf(w, "- document to write: %s (`mdrgate init` writes its template)\n", clean(p, false))
			}
		} else if c.Type == "D" || c.Type == "X" {
			w.WriteString("- document to write: the record the remediation names (no `mdrgate init` template)\n")
		}
		if refs := catalog.RefsText(c.Refs); refs != "" {
			fmt.Fprintf(w, "- clauses affected: %s\n", clean(refs, false))
		}
	}
}

// gapFindings quotes what is wrong: the first violations, else the reasons.
func gapFindings(c result.Control) []string {
	var out []string
	for i, v := range c.Violations {
		if i == maxGapFindings {
			out = append(out, fmt.Sprintf("… and %d more (see the other reports)", len(c.Violations)-maxGapFindings))
			break
		}
		s := clean(oneLineText(v.Msg), false)
		if loc := where(v); loc != "" {
			s = clean(loc, false) + ": " + s
		}
		out = append(out, s)
	}
	if len(out) > 0 {
		return out
	}
	for _, reason := range c.Reasons {
		if strings.HasPrefix(reason, "does not gate the ") || strings.Contains(reason, "waived until") {
			continue
		}
		out = append(out, clean(oneLineText(reason), false))
	}
	return slices.Clip(out)
}

// oneLineText joins the lines and runs of spaces of s.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
