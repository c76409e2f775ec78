package report

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mdrgate/mdrgate/internal/result"
)

// textRenderer writes a terminal table, each control's findings under its row,
// then the summary and verdict lines.
type textRenderer struct {
	color bool
}

var _ Renderer = textRenderer{}

// ANSI colours. Every colour used in the OUTCOME column has the same length, so
// tabwriter, which counts the escape bytes as text, still aligns the columns.
const (
	ansiReset   = "\x1b[0m"
	ansiDefault = "\x1b[39m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiMagenta = "\x1b[35m"
	ansiCyan    = "\x1b[36m"
	ansiGrey    = "\x1b[90m"
	ansiBoldRed = "\x1b[1;31m"
)

// outcomeColor is the colour of an outcome in the table.
func outcomeColor(o result.Outcome) string {
	switch o {
	case result.Pass:
		return ansiGreen
	case result.Fail, result.Error:
		return ansiRed
	case result.Warn:
		return ansiYellow
	case result.Waived:
		return ansiCyan
	case result.NotAvailable:
		return ansiMagenta
	case result.NotApplicable:
		return ansiGrey
	}
	return ansiDefault
}

// detailIndent starts each line listed under a control's row.
const detailIndent = "    "

// Render writes the text report.
func (t textRenderer) Render(w io.Writer, r *result.Report) error {
	return render(w, r, "text", t.write)
}

func (t textRenderer) write(w *bufio.Writer, r *result.Report) {
	rows := t.table(r)
	for i, c := range r.Controls {
		w.Write(rows[i])
		t.details(w, c)
	}
	if len(r.Controls) == 0 {
		w.WriteString("no controls evaluated\n")
	}
	if len(r.Warnings) > 0 {
		w.WriteByte('\n')
		for _, msg := range r.Warnings {
			w.WriteString(t.paint(ansiYellow, "warning:"))
			w.WriteByte(' ')
			writeIndented(w, clean(msg, true), detailIndent)
			w.WriteByte('\n')
		}
	}
	if r.Profile.Event != "" {
		w.WriteString("\nprofile: ")
		w.WriteString(clean(profileText(r.Profile), true))
	}
	w.WriteString("\nsummary: ")
	w.WriteString(summaryText(r.Summary))
	w.WriteString("\nverdict: ")
	color := ansiBoldRed
	if r.Verdict == result.VerdictPass {
		color = ansiGreen
	}
	w.WriteString(t.paint(color, verdictText(r)))
	w.WriteByte('\n')
}

// table aligns the header and one row per control with tabwriter and returns the
// rows in control order, the header prepended to the first, so that the caller can
// write each control's details after its row without breaking the alignment.
func (t textRenderer) table(r *result.Report) [][]byte {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	if len(r.Controls) > 0 {
		tw.Write([]byte("ID\t" + t.outcomeCell(ansiDefault, "OUTCOME") + "\tGATE\tSEVERITY\tTITLE\n"))
	}
	for _, c := range r.Controls {
		cells := []string{
			cell(c.ID),
			t.outcomeCell(outcomeColor(c.Outcome), cell(string(c.Outcome))),
			gateWord(c.Gate),
			cell(orDash(c.Severity)),
			cell(c.Title),
		}
		tw.Write([]byte(strings.Join(cells, "\t") + "\n"))
	}
	tw.Flush()
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	rows := make([][]byte, len(r.Controls))
	if len(r.Controls) == 0 {
		return rows
	}
	// lines[0] is the header; the row of control i is lines[i+1].
	header := lines[0]
	for i := range rows {
		rows[i] = lines[i+1]
	}
	rows[0] = append(append([]byte{}, header...), rows[0]...)
	return rows
}

// outcomeCell colours a cell of the OUTCOME column when colour is on.
func (t textRenderer) outcomeCell(color, s string) string {
	if !t.color {
		return s
	}
	return color + s + ansiReset
}

// paint colours s when colour is on.
func (t textRenderer) paint(color, s string) string {
	if !t.color {
		return s
	}
	return color + s + ansiReset
}

// details writes the lines under a control's row, indented.
func (t textRenderer) details(w *bufio.Writer, c result.Control) {
	for _, line := range detailLines(c) {
		w.WriteString(detailIndent)
		writeIndented(w, line, detailIndent+"  ")
		w.WriteByte('\n')
	}
}

// writeIndented writes s, starting each line after the first with indent.
func writeIndented(w *bufio.Writer, s, indent string) {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			w.WriteString(s)
			return
		}
		w.WriteString(s[:i+1])
		w.WriteString(indent)
		s = s[i+1:]
	}
}

// cell makes s fit in one table cell: one line, no tabs, no control characters.
func cell(s string) string {
	return clean(s, false)
}

// orDash is s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
