package report_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mdrgate/mdrgate/internal/report"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTextLines(t *testing.T) {
	out := renderString(t, "text", report.Options{}, sampleReport())
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if got, want := lines[len(lines)-1], "verdict: FAIL (3 gating controls failed: IMP-02, REL-01, VER-04)"; got != want {
		t.Errorf("verdict line = %q, want %q", got, want)
	}
	if got, want := lines[len(lines)-2], "summary: 2 pass, 3 fail, 1 warn, 1 waived, 1 not_applicable, 1 not_available, 1 error (10 controls)"; got != want {
		t.Errorf("summary line = %q, want %q", got, want)
	}
	for _, want := range []string{
		"    internal/db/query.go:88: go/sql-injection (security-severity 8.8) has no suppression justification",
		"    web/app.js:7: rule `a|b` matched <script> & \"quotes\"\n      second line of the message",
		"    code-scanning alert #12 (high) is open",
		"    build/semgrep.sarif: semgrep report lists 3 unsuppressed errors",
		"    warning: .github/workflows/codeql.yml:31: CodeQL action is not pinned to a commit",
		"    reason: no SBOM found: looked for *.cdx.json and *.spdx.json in the build outputs",
		"    expired waiver, approved by ciso@acme.example, expired 2025-01-31: retest scheduled with the vendor",
		"    waiver applied, approved by qa-lead@acme.example, expires 2025-12-31, risk RISK-42: legacy commits | before signing\n      was enforced",
		"\nwarning: waiver names unknown control XYZ-99\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q", want)
		}
	}

	// The table: a header and one row per control, every column aligned.
	var rows []string
	for _, l := range lines {
		if l != "" && !strings.HasPrefix(l, " ") && strings.Contains(l, "  ") && !strings.HasPrefix(l, "summary:") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 11 {
		t.Fatalf("%d table lines, want 11:\n%s", len(rows), strings.Join(rows, "\n"))
	}
	if !strings.HasPrefix(rows[0], "ID      OUTCOME         GATE  SEVERITY  TITLE") {
		t.Errorf("header = %q", rows[0])
	}
	col := strings.Index(rows[0], "TITLE")
	for _, r := range rows[1:] {
		if r[col-2:col] != "  " || r[col] == ' ' {
			t.Errorf("row not aligned at column %d: %q", col, r)
		}
	}
	if !strings.HasPrefix(rows[3], "IMP-02  fail            yes   high      SAST on every change") {
		t.Errorf("IMP-02 row = %q", rows[3])
	}
	if strings.Contains(out, "\x1b") {
		t.Error("colour without Options.Color")
	}
}

func TestTextColor(t *testing.T) {
	plain := renderString(t, "text", report.Options{}, sampleReport())
	color := renderString(t, "text", report.Options{Color: true}, sampleReport())
	for _, want := range []string{"\x1b[31mfail\x1b[0m", "\x1b[32mpass\x1b[0m", "\x1b[35mnot_available\x1b[0m", "\x1b[1;31mFAIL (3 gating"} {
		if !strings.Contains(color, want) {
			t.Errorf("coloured report lacks %q", want)
		}
	}
	// The colour codes are all the same length, so once they are stripped every
	// table row still has its GATE column at one offset; other lines are unchanged.
	stripped := ansi.ReplaceAllString(color, "")
	pl, sl := strings.Split(plain, "\n"), strings.Split(stripped, "\n")
	if len(pl) != len(sl) {
		t.Fatalf("%d lines coloured, %d plain", len(sl), len(pl))
	}
	twoCells := regexp.MustCompile(`^\S+ {2,}\S+ {2,}`)
	gate, rows := -1, 0
	for i := range sl {
		m := twoCells.FindString(sl[i])
		if m == "" || strings.HasPrefix(sl[i], "summary:") || strings.HasPrefix(sl[i], "verdict:") {
			if sl[i] != pl[i] {
				t.Errorf("line %d differs:\nplain    %q\ncoloured %q", i, pl[i], sl[i])
			}
			continue
		}
		rows++
		if gate >= 0 && len(m) != gate {
			t.Errorf("coloured row %d: GATE at %d, want %d: %q", i, len(m), gate, sl[i])
		}
		gate = len(m)
	}
	if rows != 11 {
		t.Errorf("%d coloured table rows, want 11", rows)
	}
}

func TestTextHostile(t *testing.T) {
	out := renderString(t, "text", report.Options{}, hostileReport())
	for _, want := range []string{
		`    a b\x1b.go:3: \x1b[2J\x1b[32mverdict: PASS\x00\x07 bad ` + "\ufffd\ufffd" + ` utf8 \u0085`,
		`IMP-02  fail            yes   high      title\x1b[31m with newline`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if !utf8.ValidString(out) {
		t.Error("text report is not valid UTF-8")
	}
}
