package catalog

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mdrgate/mdrgate/internal/engine"
)

// DocsDir is where the generated reference documentation lives, relative to the
// repository root.
const DocsDir = "docs/controls"

const generatedNote = "<!-- Generated from the controls' METADATA by `go test ./internal/catalog -update`; do not edit. -->\n"

// Docs generates the reference documentation of the controls: README.md (the
// index), one <ID>.md per control and matrix-<name>.md per framework matrix. It
// returns file name → content.
func Docs(controls []*engine.Control) (map[string][]byte, error) {
	entries, err := Entries(controls)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	var idx bytes.Buffer
	idx.WriteString(generatedNote)
	idx.WriteString("# Controls\n\n")
	fmt.Fprintf(&idx, "mdrgate ships %d controls, one Rego package each under [`policies/controls/`](../../policies/controls). ", len(entries))
	idx.WriteString("Each page below says what the control checks, the evidence it reads, how to fix a failure, its parameters and the clauses it helps evidence. `mdrgate controls` prints the same catalogue (`-o json`, `markdown`, `csv`).\n\n")
	idx.WriteString("Types: **A** automated; **D** a document whose presence, structure and freshness are checked while a person judges its adequacy; **X** automated plus a sign-off recorded in the repository.\n\n")
	idx.WriteString("| ID | Control | Type | Severity | Gates on | IEC 81001-5-1 |\n|---|---|---|---|---|---|\n")
	for _, e := range entries {
		fmt.Fprintf(&idx, "| [%s](%s.md) | %s | %s | %s | %s | %s |\n", e.ID, e.ID, md(e.Title), e.Type, e.Severity, strings.Join(e.Events, ", "), strings.Join(e.Refs["iec81001"], ", "))
	}
	idx.WriteString("\n## Coverage matrices\n\nEvery clause of each framework with the controls that evidence it; a clause no control covers says \"" + ManualRecord + "\". `mdrgate controls --matrix NAME` prints them.\n\n")
	for _, f := range frameworks {
		if f.Matrix == "" {
			continue
		}
		m := BuildMatrix(f, controls)
		fmt.Fprintf(&idx, "- [%s](matrix-%s.md): %d of %d clauses evidenced\n", f.Name, f.Matrix, m.Covered(), len(m.Rows))
		var b bytes.Buffer
		b.WriteString(generatedNote)
		fmt.Fprintf(&b, "# %s coverage\n\n", f.Name)
		b.WriteString(matrixIntro(f))
		if err := WriteMatrix(&b, "markdown", m); err != nil {
			return nil, err
		}
		out["matrix-"+f.Matrix+".md"] = b.Bytes()
	}
	out["README.md"] = idx.Bytes()
	for _, e := range entries {
		out[e.ID+".md"] = controlPage(e)
	}
	return out, nil
}

func matrixIntro(f *Framework) string {
	switch f.Key {
	case "iec81001":
		return "The clauses of IEC 81001-5-1:2021 (numbers and short titles from the standard's public table of contents). A control evidences a clause when its METADATA cites the clause or a part of it (`5.3.2(g,h)` evidences 5.3.2).\n\n"
	case "mdr":
		return "Regulation (EU) 2017/745 Annex I GSPR 17.2, 17.4 and 23.4, and the sub-points and articles the controls cite.\n\n"
	case "fda":
		return "FD&C Act section 524B(b)(1)-(3), the Appendix 4 documentation elements of FDA's premarket cybersecurity guidance, and the guidance sections the controls cite.\n\n"
	case "ssdf":
		return "The NIST SP 800-218 (SSDF) tasks the controls cite, titled by their practice.\n\n"
	}
	return ""
}

// reviewText says what a person must review for a control of the type.
func reviewText(typ string) string {
	switch typ {
	case "D":
		return "mdrgate checks that the document exists, has the structure the control asks for and is fresh. Whether its content is adequate is for a person to judge: review it before relying on a pass, and keep the review record (`approved_by`, `last_reviewed`)."
	case "X":
		return "mdrgate checks the automated part. The control also relies on a sign-off recorded in the repository: a person with the authority to approve must review what the check covers and record the approval."
	}
	return "Fully automated from files, reports or API data; a pass needs no further review beyond the evidence listed below."
}

func controlPage(e Entry) []byte {
	var b bytes.Buffer
	b.WriteString(generatedNote)
	fmt.Fprintf(&b, "# %s: %s\n\n", e.ID, oneLine(e.Title))
	fmt.Fprintf(&b, "| | |\n|---|---|\n| Type | %s (%s) |\n| Severity | %s |\n| Gates on | %s |\n| Source | [`%s`](../../%s) |\n\n",
		e.Type, TypeName(e.Type), e.Severity, strings.Join(e.Events, ", "), e.Source, e.Source)
	b.WriteString("## What it checks\n\n")
	if e.Description != "" {
		b.WriteString(oneLine(e.Description) + "\n\n")
	}
	b.WriteString("## What a person must review\n\n" + reviewText(e.Type) + "\n\n")
	b.WriteString("## Evidence\n\n")
	for _, ev := range e.Evidence {
		alts := strings.Split(ev, "|")
		for i := range alts {
			alts[i] = "`input." + strings.TrimSpace(alts[i]) + "`"
		}
		fmt.Fprintf(&b, "- %s\n", strings.Join(alts, " or "))
	}
	b.WriteString("\nWhen this evidence is absent the control is `not_available`, which blocks a gating event like a failure: missing evidence is never a pass.\n\n")
	if len(e.Templates) > 0 {
		b.WriteString("`mdrgate init` writes a template for: " + code(e.Templates) + ".\n\n")
	}
	b.WriteString("## How to fix\n\n")
	if e.Remediation != "" {
		b.WriteString(oneLine(e.Remediation) + "\n\n")
	} else {
		b.WriteString("(no remediation given)\n\n")
	}
	b.WriteString("## Parameters\n\n")
	if len(e.Params) == 0 {
		b.WriteString("None.\n\n")
	} else {
		b.WriteString("Override them under `controls: " + e.ID + ": params:` in `.mdrgate.yaml`.\n\n| Parameter | Default |\n|---|---|\n")
		for _, k := range sortedKeys(e.Params) {
			fmt.Fprintf(&b, "| `%s` | `%s` |\n", k, strings.ReplaceAll(valueText(e.Params[k]), "|", `\|`))
		}
		b.WriteString("\n")
	}
	b.WriteString("## References\n\n")
	for _, f := range frameworks {
		refs := e.Refs[f.Key]
		if len(refs) == 0 {
			continue
		}
		parts := make([]string, len(refs))
		for i, r := range refs {
			parts[i] = r
			if t := f.Title(r); t != "" {
				parts[i] = r + " (" + t + ")"
			}
		}
		fmt.Fprintf(&b, "- %s: %s\n", f.Name, md(strings.Join(parts, "; ")))
	}
	return b.Bytes()
}
