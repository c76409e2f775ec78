package surveil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Formats are the output formats of Render, sorted.
var Formats = []string{"json", "markdown", "sarif", "text"}

// Render writes the result in one format: json (exactly evidence.Surveillance),
// markdown, sarif or text.
func Render(format string, r *Result) ([]byte, error) {
	switch format {
	case "json":
		return MarshalJSON(r.Surveillance)
	case "text":
		return renderText(r), nil
	case "markdown":
		return renderMarkdown(r), nil
	case "sarif":
		return renderSARIF(r)
	}
	return nil, fmt.Errorf("invalid output format %q: valid formats are %s", format, strings.Join(Formats, ", "))
}

func fmtDays(d *float64) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f d", *d)
}

func verdict(r *Result) string {
	if len(Breaches(r.Surveillance)) > 0 {
		return "fail"
	}
	return "pass"
}

func renderText(r *Result) []byte {
	var b bytes.Buffer
	s := r.Surveillance
	fmt.Fprintf(&b, "mdrgate surveil at %s\n", s.RunAt.Format(time.RFC3339))
	for _, f := range s.Feeds {
		fmt.Fprintf(&b, "feed %s: %s (%d records)\n", f.Name, f.Path, f.Records)
	}
	fmt.Fprintf(&b, "SLA days: critical %d, high %d, medium %d, low %d\n\n", s.SLADays["critical"], s.SLADays["high"], s.SLADays["medium"], s.SLADays["low"])
	for _, v := range s.Versions {
		m := VersionMetrics(v)
		fmt.Fprintf(&b, "version %s (%s): %d findings, %d open, %d overdue, %d KEV; patched %.0f%%, mean time to patch %s\n",
			v.Version, v.SBOM.Path, m.Total, m.Open, m.Overdue, m.KEV, m.SharePatched*100, fmtDays(m.MeanDaysToPatch))
		if len(v.Findings) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  STATE\tID\tPACKAGE\tSEVERITY\tKEV\tFIRST SEEN\tDUE\tVEX")
		for _, f := range v.Findings {
			kev := ""
			if f.KEV {
				kev = "KEV"
			}
			vx := f.VEXStatus
			if f.VEXJustification != "" {
				vx += " (" + f.VEXJustification + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s@%s\t%s\t%s\t%s\t%s\t%s\n", f.State, f.ID, f.Package.Name, f.Package.Version, f.Severity, kev,
				f.FirstSeen.Format(time.DateOnly), dateOf(f.DueDate), vx)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, x := range Breaches(s) {
		fmt.Fprintf(&b, "breach: %s\n", x)
	}
	fmt.Fprintf(&b, "verdict: %s\n", verdict(r))
	return b.Bytes()
}

func dateOf(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateOnly)
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func renderMarkdown(r *Result) []byte {
	var b bytes.Buffer
	s := r.Surveillance
	fmt.Fprintf(&b, "# Post-market surveillance: %s\n\n", verdict(r))
	fmt.Fprintf(&b, "Run at %s against ", s.RunAt.Format(time.RFC3339))
	var feeds []string
	for _, f := range s.Feeds {
		feeds = append(feeds, fmt.Sprintf("`%s` (%s, %d records)", mdEscape(f.Path), f.Name, f.Records))
	}
	b.WriteString(strings.Join(feeds, ", ") + ".\n\n")
	b.WriteString("| version | findings | open | overdue | KEV | patched | mean time to patch |\n|---|---|---|---|---|---|---|\n")
	for _, v := range s.Versions {
		m := VersionMetrics(v)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.0f%% | %s |\n", mdEscape(v.Version), m.Total, m.Open, m.Overdue, m.KEV, m.SharePatched*100, fmtDays(m.MeanDaysToPatch))
	}
	for _, v := range s.Versions {
		if len(v.Findings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n| state | id | package | severity | KEV | first seen | due | VEX |\n|---|---|---|---|---|---|---|---|\n", mdEscape(v.Version))
		for _, f := range v.Findings {
			kev := ""
			if f.KEV {
				kev = "yes"
			}
			fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s | %s | %s | %s |\n", f.State, mdEscape(f.ID), mdEscape(f.Package.PURL), f.Severity, kev,
				f.FirstSeen.Format(time.DateOnly), dateOf(f.DueDate), mdEscape(strings.TrimSpace(f.VEXStatus+" "+f.VEXJustification)))
		}
	}
	if br := Breaches(s); len(br) > 0 {
		b.WriteString("\n## Needs action\n\n")
		for _, x := range br {
			fmt.Fprintf(&b, "- %s\n", mdEscape(x))
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", mdEscape(n))
		}
	}
	return b.Bytes()
}

// renderSARIF writes one SARIF result per open finding, at the SBOM of its
// version; one rule per vulnerability id.
func renderSARIF(r *Result) ([]byte, error) {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string         `json:"id"`
		ShortDescription msg            `json:"shortDescription"`
		Properties       map[string]any `json:"properties,omitempty"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
		} `json:"physicalLocation"`
	}
	type result struct {
		RuleID     string         `json:"ruleId"`
		Level      string         `json:"level"`
		Message    msg            `json:"message"`
		Locations  []location     `json:"locations"`
		Properties map[string]any `json:"properties"`
	}
	rules := map[string]rule{}
	results := []result{}
	for _, v := range r.Surveillance.Versions {
		for _, f := range v.Findings {
			if f.State == StateResolved {
				continue
			}
			if _, ok := rules[f.ID]; !ok {
				props := map[string]any{"tags": []string{"security", "post-market"}}
				if f.CVSSScore != nil {
					props["security-severity"] = fmt.Sprintf("%.1f", *f.CVSSScore)
				}
				rules[f.ID] = rule{ID: f.ID, ShortDescription: msg{summary(r.Records[f.ID], f.ID)}, Properties: props}
			}
			level := "warning"
			if NeedsAction(f) {
				level = "error"
			}
			var loc location
			loc.PhysicalLocation.ArtifactLocation.URI = v.SBOM.Path
			text := fmt.Sprintf("version %s: %s %s is affected by %s (%s, %s", v.Version, f.Package.Name, f.Package.Version, f.ID, f.Severity, f.State)
			if f.DueDate != nil {
				text += ", due " + f.DueDate.Format(time.DateOnly)
			}
			if f.KEV {
				text += ", in CISA KEV"
			}
			text += ")"
			if len(f.FixedVersions) > 0 {
				text += "; fixed in " + strings.Join(f.FixedVersions, ", ")
			}
			results = append(results, result{RuleID: f.ID, Level: level, Message: msg{text}, Locations: []location{loc},
				Properties: map[string]any{"version": v.Version, "purl": f.Package.PURL, "state": f.State, "kev": f.KEV}})
		}
	}
	ruleList := make([]rule, 0, len(rules))
	for _, r := range rules {
		ruleList = append(ruleList, r)
	}
	sort.Slice(ruleList, func(i, j int) bool { return ruleList[i].ID < ruleList[j].ID })
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "mdrgate-surveil", "informationUri": "https://github.com/mdrgate/mdrgate", "rules": ruleList}},
			"results": results,
		}},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// summary is the first record summary of a finding, else its id.
func summary(recs []*Record, id string) string {
	for _, r := range recs {
		if r.Summary != "" {
			return r.Summary
		}
	}
	return id
}
