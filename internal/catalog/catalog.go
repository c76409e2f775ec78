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
	"github.com/mdrgate/mdrgate/internal/scaffold"
	"github.com/mdrgate/mdrgate/policies"
)

// Formats are the output formats of the catalogue and the matrices.
var Formats = []string{"table", "json", "markdown", "csv"}

// BuiltinModules returns the built-in policy files, tests included.
func BuiltinModules() ([]engine.Module, error) {
	return engine.FSModules(policies.FS, "policies/", true)
}

// Modules returns the built-in policy files followed by those of the directories
// (or .rego files), tests included.
func Modules(dirs []string) ([]engine.Module, error) {
	mods, err := BuiltinModules()
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		m, err := engine.DirModules(d)
		if err != nil {
			return nil, err
		}
		mods = append(mods, m...)
	}
	return mods, nil
}

// Load compiles the built-in policies with those of the directories and returns
// every control's metadata, sorted by id.
func Load(dirs []string) ([]*engine.Control, error) {
	mods, err := Modules(dirs)
	if err != nil {
		return nil, err
	}
	e, err := engine.New(mods)
	if err != nil {
		return nil, err
	}
	return e.Controls(), nil
}

// Entry is one control of the catalogue, as the json format writes it.
type Entry struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Description string              `json:"description"`
	Type        string              `json:"type"`
	Severity    string              `json:"severity"`
	Events      []string            `json:"events"`
	Refs        map[string][]string `json:"refs"`
	Evidence    []string            `json:"evidence"`
	Remediation string              `json:"remediation"`
	Params      map[string]any      `json:"params"`
	// Templates are the files `mdrgate init` writes for the control.
	Templates []string `json:"templates"`
	Source    string   `json:"source"`
	Builtin   bool     `json:"builtin"`
}

// Templates returns, by control id, the paths of the templates `mdrgate init`
// writes for it, sorted.
func Templates() (map[string][]string, error) {
	files, err := scaffold.Files()
	if err != nil {
		return nil, fmt.Errorf("reading the init templates: %w", err)
	}
	out := map[string][]string{}
	for _, f := range files {
		if f.Control != "" {
			out[f.Control] = append(out[f.Control], f.Path)
		}
	}
	for _, l := range out {
		sort.Strings(l)
	}
	return out, nil
}

// Entries turns controls into catalogue entries, sorted by id.
func Entries(controls []*engine.Control) ([]Entry, error) {
	tpl, err := Templates()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(controls))
	for _, c := range controls {
		e := Entry{
			ID: c.ID, Title: c.Title, Description: strings.TrimSpace(c.Description), Type: c.Type, Severity: c.Severity,
			Events: nonNil(c.Events), Refs: map[string][]string{}, Evidence: nonNil(c.Evidence),
			Remediation: strings.TrimSpace(c.Remediation), Params: c.Params, Templates: nonNil(tpl[c.ID]),
			Source: c.Source, Builtin: c.Builtin,
		}
		for k, v := range c.Refs {
			e.Refs[k] = nonNil(v)
		}
		if e.Params == nil {
			e.Params = map[string]any{}
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// TypeName explains a control type in a few words.
func TypeName(t string) string {
	switch t {
	case "A":
		return "automated"
	case "D":
		return "document"
	case "X":
		return "automated plus a sign-off"
	}
	return t
}

// RefsText is a control's references on one line: "IEC 81001-5-1 5.8.2, 6.3.1; FDA V.C".
func RefsText(refs map[string][]string) string {
	var parts []string
	for _, f := range frameworks {
		if l := refs[f.Key]; len(l) > 0 {
			parts = append(parts, f.Name+" "+strings.Join(l, ", "))
		}
	}
	var extra []string
	for k := range refs {
		if FrameworkByKey(k) == nil && len(refs[k]) > 0 {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		parts = append(parts, k+" "+strings.Join(refs[k], ", "))
	}
	return strings.Join(parts, "; ")
}

// ParamsText is a control's parameters with their defaults: "a: 1, b: [x, y]".
func ParamsText(p map[string]any) string {
	keys := sortedKeys(p)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+valueText(p[k]))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(p map[string]any) []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func valueText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// WriteCatalogue writes the catalogue in format (table, json, markdown or csv).
func WriteCatalogue(w io.Writer, format string, controls []*engine.Control) error {
	entries, err := Entries(controls)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "table":
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTYPE\tSEVERITY\tGATES ON\tIEC 81001-5-1\tTITLE")
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Type, e.Severity, strings.Join(e.Events, ","), strings.Join(e.Refs["iec81001"], ","), oneLine(e.Title))
		}
		tw.Flush()
		fmt.Fprintf(&buf, "\n%d controls; -o json, markdown or csv for every field; --matrix %s for coverage\n", len(entries), strings.Join(MatrixNames(), "|"))
	case "json":
		b, err := json.MarshalIndent(map[string]any{"controls": entries}, "", "  ")
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	case "markdown":
		buf.WriteString("| ID | Title | Type | Severity | Gates on | References | Evidence | Parameters | Remediation | Source |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, e := range entries {
			fmt.Fprintf(&buf, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", e.ID, md(e.Title), e.Type, e.Severity,
				strings.Join(e.Events, ", "), md(RefsText(e.Refs)), md(code(e.Evidence)), md(ParamsText(e.Params)), md(e.Remediation), md(e.Source))
		}
	case "csv":
		cw := csv.NewWriter(&buf)
		head := []string{"id", "title", "type", "severity", "events"}
		for _, f := range frameworks {
			head = append(head, "refs_"+f.Key)
		}
		head = append(head, "evidence", "remediation", "params", "source", "description")
		cw.Write(head)
		for _, e := range entries {
			row := []string{e.ID, e.Title, e.Type, e.Severity, strings.Join(e.Events, ";")}
			for _, f := range frameworks {
				row = append(row, strings.Join(e.Refs[f.Key], ";"))
			}
			row = append(row, strings.Join(e.Evidence, ";"), e.Remediation, valueText(e.Params), e.Source, e.Description)
			cw.Write(row)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("invalid output format %q: valid formats are %s", format, strings.Join(Formats, ", "))
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// md makes s safe in a markdown table cell.
func md(s string) string {
	s = oneLine(s)
	s = strings.ReplaceAll(s, "|", `\|`)
	return s
}

// code formats evidence paths as inline code, comma separated.
func code(l []string) string {
	parts := make([]string, len(l))
	for i, s := range l {
		parts[i] = "`" + s + "`"
	}
	return strings.Join(parts, ", ")
}
