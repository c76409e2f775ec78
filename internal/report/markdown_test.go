package report_test

import (
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/internal/report"
)

// cells splits a Markdown table row into cells, honouring escaped pipes.
func cells(row string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i])
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	out = append(out, strings.TrimSpace(cur.String()))
	return out[1 : len(out)-1]
}

func TestMarkdown(t *testing.T) {
	out := renderString(t, "markdown", report.Options{}, sampleReport())
	if !strings.HasPrefix(out, "## mdrgate: FAIL\n\n**3 gating controls failed:** IMP-02, REL-01, VER-04\n\n") {
		t.Fatalf("heading:\n%s", out[:200])
	}
	for _, want := range []string{
		"- **Event:** pull\\_request\n",
		"- **Evaluated at:** 2025-06-30T12:00:00Z\n",
		"- **Product:** Infusion Pump Controller 2.1.0 (Acme Medical GmbH; MDR class IIb; IEC 62304 class C)\n",
		"| 2 | 3 | 1 | 1 | 1 | 1 | 1 | 10 |\n",
		"- `web/app.js:7` — rule \\`a\\|b\\` matched &lt;script&gt; &amp; \"quotes\"<br>second line of the message\n",
		"- code-scanning alert #12 (high) is open\n",
		"- `build/semgrep.sarif` — semgrep report lists 3 unsuppressed errors\n",
		"**Remediation:** Fix the findings, or suppress each with a justification in the SARIF report.\n",
		"| VER-04 | **expired** | 2025-01-31 | ciso@acme.example | - | retest scheduled with the vendor |\n",
		"| SCM-01 | applied | 2025-12-31 | qa-lead@acme.example | RISK-42 | legacy commits \\| before signing<br>was enforced |\n",
		"| VER-03 | warn | no | medium | Robustness: fuzzing \\| DAST of exposed interfaces |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}

	// Controls table: failing gating controls first, then by ID; five cells a row.
	_, table, _ := strings.Cut(out, "### Controls\n\n")
	table, _, _ = strings.Cut(table, "\n\n")
	rows := strings.Split(table, "\n")
	if len(rows) != 12 {
		t.Fatalf("%d control table rows, want 12", len(rows))
	}
	var order []string
	for _, r := range rows[2:] {
		c := cells(r)
		if len(c) != 5 {
			t.Fatalf("row has %d cells: %q", len(c), r)
		}
		order = append(order, c[0])
	}
	want := "IMP-02 REL-01 VER-04 DES-01 GOV-01 PMS-01 REQ-01 SCM-01 SCM-02 VER-03"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order = %s, want %s", got, want)
	}

	// Findings: controls that failed, errored or warned, in table order.
	_, findings, _ := strings.Cut(out, "### Findings\n\n")
	findings, _, _ = strings.Cut(findings, "### Waivers")
	var heads []string
	for _, l := range strings.Split(findings, "\n") {
		if h, ok := strings.CutPrefix(l, "#### "); ok {
			heads = append(heads, strings.SplitN(h, ":", 2)[0])
		}
	}
	if got := strings.Join(heads, " "); got != "IMP-02 REL-01 VER-04 PMS-01 SCM-02 VER-03" {
		t.Errorf("findings = %s", got)
	}
}

func TestMarkdownCapsFindings(t *testing.T) {
	out := renderString(t, "markdown", report.Options{}, largeReport())
	if !strings.Contains(out, "- … and 200 more findings (see the JSON or SARIF report)\n") {
		t.Error("findings per control not capped at 50")
	}
	if len(out) > 1<<20 {
		t.Errorf("markdown report is %d bytes, more than a job summary holds", len(out))
	}
}

func TestMarkdownEscape(t *testing.T) {
	r := minimalReport()
	r.Event = "# 1. *x* [l](u) ~~s~~ <b> `c`"
	r.Warnings = []string{"1. starts like a list", "- so does this", "# and a heading"}
	out := renderString(t, "markdown", report.Options{}, r)
	for _, want := range []string{
		"- **Event:** # 1. \\*x\\* \\[l\\](u) \\~\\~s\\~\\~ &lt;b&gt; \\`c\\`\n",
		"- 1\\. starts like a list\n",
		"- \\- so does this\n",
		"- \\# and a heading\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}
