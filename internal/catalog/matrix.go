package catalog

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/mdrgate/mdrgate/internal/engine"
)

// ManualRecord is what a matrix says for a clause no control evidences.
const ManualRecord = "manual record needed"

// Row is one clause of a coverage matrix and the controls that evidence it.
type Row struct {
	Clause
	// Controls are the ids of the controls that cite the clause (or a part of it), sorted.
	Controls []string `json:"controls"`
	// Manual is true when no control evidences the clause: a person must keep a record.
	Manual bool `json:"manual_record_needed"`
}

// Unmatched is a reference that names no clause of a closed framework.
type Unmatched struct {
	Control string `json:"control"`
	Ref     string `json:"ref"`
}

// Matrix is the coverage of one framework by the controls.
type Matrix struct {
	Framework string      `json:"framework"`
	Name      string      `json:"name"`
	Rows      []Row       `json:"clauses"`
	Unmatched []Unmatched `json:"unmatched_refs"`
}

// Covered returns the number of rows some control evidences.
func (m *Matrix) Covered() int {
	n := 0
	for _, r := range m.Rows {
		if !r.Manual {
			n++
		}
	}
	return n
}

// Match returns the rows a reference evidences: the row with the same id and every
// row the reference is a part of ("5.3.2(g,h)" evidences 5.3.2, "23.4(ab)" evidences
// 23.4(ab) and 23.4). A reference to a parent of rows ("5.7" when the rows are 5.7.1
// to 5.7.5) matches nothing: it would claim coverage of sub-clauses nobody checked.
func Match(rows []Clause, ref string) []string {
	var out []string
	for _, r := range rows {
		if r.ID == ref || isDescendant(ref, r.ID) {
			out = append(out, r.ID)
		}
	}
	return out
}

// BuildMatrix builds the coverage matrix of a framework over the controls. Every
// fixed clause is a row, covered or not; for a framework that is not closed, each
// cited reference becomes a row too, and also counts for the rows it is a part of.
func BuildMatrix(f *Framework, controls []*engine.Control) *Matrix {
	m := &Matrix{Framework: f.Matrix, Name: f.Name, Rows: []Row{}, Unmatched: []Unmatched{}}
	rows := append([]Clause{}, f.Fixed...)
	if !f.Closed {
		cited := map[string]bool{}
		for _, r := range rows {
			cited[r.ID] = true
		}
		for _, c := range controls {
			for _, ref := range c.Refs[f.Key] {
				if !cited[ref] {
					cited[ref] = true
					rows = append(rows, Clause{ID: ref, Title: f.Title(ref)})
				}
			}
		}
		sort.SliceStable(rows, func(i, j int) bool { return refLess(rows[i].ID, rows[j].ID) })
	}
	byID := map[string]map[string]bool{}
	for _, c := range controls {
		for _, ref := range c.Refs[f.Key] {
			ids := Match(rows, ref)
			if len(ids) == 0 {
				m.Unmatched = append(m.Unmatched, Unmatched{Control: c.ID, Ref: ref})
			}
			for _, id := range ids {
				if byID[id] == nil {
					byID[id] = map[string]bool{}
				}
				byID[id][c.ID] = true
			}
		}
	}
	for _, r := range rows {
		row := Row{Clause: r, Controls: []string{}}
		for id := range byID[r.ID] {
			row.Controls = append(row.Controls, id)
		}
		sort.Strings(row.Controls)
		row.Manual = len(row.Controls) == 0
		m.Rows = append(m.Rows, row)
	}
	sort.Slice(m.Unmatched, func(i, j int) bool {
		if m.Unmatched[i].Control != m.Unmatched[j].Control {
			return m.Unmatched[i].Control < m.Unmatched[j].Control
		}
		return m.Unmatched[i].Ref < m.Unmatched[j].Ref
	})
	return m
}

// controlsText is a row's controls, or ManualRecord.
func (r Row) controlsText(sep string) string {
	if r.Manual {
		return ManualRecord
	}
	return strings.Join(r.Controls, sep)
}

// WriteMatrix writes the matrix in format (table, json, markdown or csv).
func WriteMatrix(w io.Writer, format string, m *Matrix) error {
	var buf bytes.Buffer
	summary := fmt.Sprintf("%d of %d clauses evidenced by a control; %d need a manual record", m.Covered(), len(m.Rows), len(m.Rows)-m.Covered())
	switch format {
	case "table":
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CLAUSE\tCONTROLS\tTITLE")
		for _, r := range m.Rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.controlsText(","), oneLine(r.Title))
		}
		tw.Flush()
		fmt.Fprintf(&buf, "\n%s: %s\n", m.Name, summary)
		for _, u := range m.Unmatched {
			fmt.Fprintf(&buf, "%s cites %s %q, which names no clause of the list\n", u.Control, m.Name, u.Ref)
		}
	case "json":
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	case "markdown":
		fmt.Fprintf(&buf, "| Clause | Title | Controls |\n|---|---|---|\n")
		for _, r := range m.Rows {
			cell := ManualRecord
			if !r.Manual {
				links := make([]string, len(r.Controls))
				for i, id := range r.Controls {
					links[i] = fmt.Sprintf("[%s](%s.md)", id, id)
				}
				cell = strings.Join(links, ", ")
			}
			fmt.Fprintf(&buf, "| %s | %s | %s |\n", md(r.ID), md(r.Title), cell)
		}
		fmt.Fprintf(&buf, "\n%s: %s.\n", m.Name, summary)
		if len(m.Unmatched) > 0 {
			buf.WriteString("\nReferences that name no clause of the list:\n\n")
			for _, u := range m.Unmatched {
				fmt.Fprintf(&buf, "- %s cites %s\n", u.Control, md(u.Ref))
			}
		}
	case "csv":
		cw := csv.NewWriter(&buf)
		cw.Write([]string{"clause", "title", "controls", "status"})
		for _, r := range m.Rows {
			status := "evidenced"
			if r.Manual {
				status = ManualRecord
			}
			cw.Write([]string{r.ID, r.Title, strings.Join(r.Controls, ";"), status})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("invalid output format %q: valid formats are %s", format, strings.Join(Formats, ", "))
	}
	_, err := w.Write(buf.Bytes())
	return err
}
