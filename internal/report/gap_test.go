package report_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

// TestGap checks which controls the gap assessment lists, in which order, and
// that each says what to do.
func TestGap(t *testing.T) {
	mk := func(id, sev string, o result.Outcome, gate bool) result.Control {
		return result.Control{ID: id, Title: "title of " + id, Type: "D", Severity: sev, Outcome: o, Gate: gate,
			Refs: map[string][]string{"iec81001": {"6.1.1"}, "fda": {"VI.B"}}, Violations: []result.Violation{}, Reasons: []string{},
			Remediation: "fix " + id}
	}
	advisory := mk("ADV-01", "critical", result.Warn, true)
	advisory.Warnings = []result.Violation{{Msg: "advisory"}}
	demoted := mk("DEM-01", "critical", result.Warn, false)
	demoted.Violations = []result.Violation{{Msg: "demoted failure", Path: "a.md", Line: 3}}
	missing := mk("GOV-04", "medium", result.NotAvailable, true)
	missing.Reasons = []string{"no repository was collected"}
	tests := []struct {
		name     string
		controls []result.Control
		want     []string // ids in order
	}{
		{
			name: "order: gating, then severity, then id",
			controls: []result.Control{
				mk("LOW-01", "low", result.Fail, true), mk("CRT-02", "critical", result.Fail, false),
				mk("HIG-01", "high", result.Error, true), missing, mk("CRT-01", "critical", result.Fail, true),
				mk("PAS-01", "critical", result.Pass, true), mk("NAP-01", "high", result.NotApplicable, true),
			},
			want: []string{"CRT-01", "HIG-01", "GOV-04", "LOW-01", "CRT-02"},
		},
		{
			name:     "demoted failures and waivers are gaps, advisories are not",
			controls: []result.Control{advisory, demoted, mk("WAI-01", "high", result.Waived, true)},
			want:     []string{"WAI-01", "DEM-01"},
		},
		{
			name:     "nothing missing",
			controls: []result.Control{mk("PAS-01", "high", result.Pass, true), advisory},
		},
	}
	heading := regexp.MustCompile(`(?m)^### \d+\. ([A-Z]+-\d+): `)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &result.Report{Schema: result.Schema, Verdict: "fail", Event: "release", Controls: tt.controls}
			out := renderString(t, "gap", report.Options{}, r)
			var got []string
			for _, m := range heading.FindAllStringSubmatch(out, -1) {
				got = append(got, m[1])
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("gaps %v, want %v\n%s", got, tt.want, out)
			}
			if len(tt.want) == 0 && !strings.Contains(out, "Nothing is missing") {
				t.Errorf("no gap but no statement saying so:\n%s", out)
			}
			for _, id := range tt.want {
				if !strings.Contains(out, "- remediation: fix "+id+"\n") {
					t.Errorf("%s: remediation missing", id)
				}
			}
			if slices.Contains(tt.want, "GOV-04") {
				for _, s := range []string{
					"- missing: no repository was collected\n",
					"- document to write: docs/security/update-policy.md (`mdrgate init` writes its template)\n",
					"- clauses affected: IEC 81001-5-1 6.1.1; FDA VI.B\n",
				} {
					if !strings.Contains(out, s) {
						t.Errorf("GOV-04 lacks %q:\n%s", s, out)
					}
				}
			}
			if slices.Contains(tt.want, "DEM-01") && !strings.Contains(out, "- missing: a.md:3: demoted failure\n") {
				t.Errorf("the demoted failure is not quoted at its file:line:\n%s", out)
			}
		})
	}
}
