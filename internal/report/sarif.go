package report

import (
	"cmp"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mdrgate/mdrgate/internal/result"
)

// sarifRenderer writes a SARIF 2.1.0 log for code scanning: one rule per control,
// one result per finding.
type sarifRenderer struct{}

var _ Renderer = sarifRenderer{}

// SARIF constants.
const (
	sarifSchema    = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion   = "2.1.0"
	sarifToolName  = "mdrgate"
	sarifToolURI   = "https://mdrgate.dev"
	sarifLevelErr  = "error"
	sarifLevelWarn = "warning"
)

// securitySeverity maps a control severity to GitHub's security-severity score.
var securitySeverity = map[string]string{
	"critical": "9.5",
	"high":     "8.0",
	"medium":   "5.5",
	"low":      "3.0",
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	Results    []sarifResult `json:"results"`
	Properties sarifRunFacts `json:"properties"`
}

type sarifRunFacts struct {
	Verdict        string `json:"verdict"`
	Event          string `json:"event"`
	EvaluatedAt    string `json:"evaluated_at"`
	EvidenceSHA256 string `json:"evidence_sha256"`
	PolicySHA256   string `json:"policy_sha256"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name,omitempty"`
	ShortDescription     *sarifMessage      `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage      `json:"fullDescription,omitempty"`
	Help                 *sarifMessage      `json:"help,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleFacts     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleFacts struct {
	Tags             []string `json:"tags"`
	Severity         string   `json:"severity,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifMessage       `json:"message"`
	Locations    []sarifLocation    `json:"locations,omitempty"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`

	path string // the path the result sorts by
	line int
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// Render writes the SARIF log.
func (sarifRenderer) Render(w io.Writer, r *result.Report) error {
	return renderJSON(w, r, "sarif", func(r *result.Report) any { return sarifReport(r) })
}

// sarifReport converts the report to a SARIF log.
func sarifReport(r *result.Report) sarifLog {
	controls := make([]*result.Control, 0, len(r.Controls))
	seen := make(map[string]bool, len(r.Controls))
	for i := range r.Controls {
		c := &r.Controls[i]
		if seen[c.ID] {
			continue // a rule ID must be unique; the first control with the ID wins
		}
		seen[c.ID] = true
		controls = append(controls, c)
	}
	slices.SortStableFunc(controls, func(a, b *result.Control) int { return strings.Compare(a.ID, b.ID) })

	rules := make([]sarifRule, 0, len(controls))
	index := make(map[string]int, len(controls))
	var results []sarifResult
	for i, c := range controls {
		index[c.ID] = i
		rules = append(rules, sarifRuleFor(c))
		results = append(results, sarifResultsFor(c)...)
	}
	slices.SortStableFunc(results, func(a, b sarifResult) int {
		return cmp.Or(
			strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(a.path, b.path),
			cmp.Compare(a.line, b.line),
			strings.Compare(a.Message.Text, b.Message.Text),
		)
	})
	for i := range results {
		results[i].RuleIndex = index[results[i].RuleID]
	}
	if results == nil {
		results = []sarifResult{}
	}
	var evaluatedAt string
	if !r.EvaluatedAt.IsZero() {
		evaluatedAt = r.EvaluatedAt.UTC().Format(time.RFC3339)
	}
	return sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           sarifToolName,
				Version:        r.Generator.Version,
				InformationURI: sarifToolURI,
				Rules:          rules,
			}},
			Results: results,
			Properties: sarifRunFacts{
				Verdict:        r.Verdict,
				Event:          r.Event,
				EvaluatedAt:    evaluatedAt,
				EvidenceSHA256: r.EvidenceSHA256,
				PolicySHA256:   r.PolicySHA256,
			},
		}},
	}
}

// sarifRuleFor describes a control as a SARIF rule.
func sarifRuleFor(c *result.Control) sarifRule {
	rule := sarifRule{
		ID:                   c.ID,
		Name:                 ruleName(c.Title),
		ShortDescription:     sarifText(c.Title),
		FullDescription:      sarifText(c.Description),
		Help:                 sarifText(c.Remediation),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevelWarn},
		Properties: sarifRuleFacts{
			Tags:     append([]string{"security"}, refTags(c.Refs)...),
			Severity: c.Severity,
		},
	}
	if c.Gate {
		rule.DefaultConfiguration.Level = sarifLevelErr
	}
	rule.Properties.Tags = uniqueTags(rule.Properties.Tags)
	rule.Properties.SecuritySeverity = securitySeverity[strings.ToLower(c.Severity)]
	return rule
}

// sarifResultsFor lists a control's findings as SARIF results: one per violation and
// warning, and one for a gating control that blocks without a violation to show
// (evidence not available, an evaluation error, a failure with no finding).
func sarifResultsFor(c *result.Control) []sarifResult {
	var out []sarifResult
	level := sarifLevelErr
	if !c.Gate || c.Outcome == result.Warn {
		level = sarifLevelWarn
	}
	var suppressions []sarifSuppression
	if c.Outcome == result.Waived {
		s := sarifSuppression{Kind: "external", Status: "accepted"}
		if c.Waiver != nil {
			s.Justification = waiverText(c.Waiver)
		}
		suppressions = []sarifSuppression{s}
	}
	if c.Outcome != result.Pass && c.Outcome != result.NotApplicable {
		for _, v := range c.Violations {
			res := sarifResultAt(c, level, v)
			res.Suppressions = suppressions
			out = append(out, res)
		}
	}
	for _, v := range c.Warnings {
		out = append(out, sarifResultAt(c, sarifLevelWarn, v))
	}
	if c.Gate && c.Outcome.Blocks() && len(c.Violations) == 0 {
		var msg string
		switch c.Outcome {
		case result.NotAvailable:
			msg = "evidence not available"
		case result.Error:
			msg = "control could not be evaluated"
		default:
			msg = "control failed"
		}
		if len(c.Reasons) > 0 {
			msg += ": " + strings.Join(c.Reasons, "; ")
		} else if c.Title != "" {
			msg += ": " + c.Title
		}
		out = append(out, sarifResultAt(c, sarifLevelErr, result.Violation{Msg: msg}))
	}
	return out
}

// sarifResultAt is one result at the violation's location, or at the control's
// first evidence file when the violation has no path, or without a location.
func sarifResultAt(c *result.Control, level string, v result.Violation) sarifResult {
	msg := v.Msg
	if msg == "" {
		msg = c.Title
	}
	res := sarifResult{
		RuleID:  c.ID,
		Level:   level,
		Message: sarifMessage{Text: msg},
		path:    v.Path,
		line:    v.Line,
	}
	if res.path == "" && len(c.Evidence) > 0 {
		res.path, res.line = c.Evidence[0].Path, 0
	}
	if res.path != "" {
		loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: pathURI(res.path)},
		}}
		if res.line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: res.line}
		}
		res.Locations = []sarifLocation{loc}
	}
	return res
}

// pathURI turns a relative, slash-separated path into a URI reference, escaping
// spaces and other characters a URI cannot hold.
func pathURI(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	return (&url.URL{Path: p}).String()
}

// sarifText is a SARIF message holding s, or nil when s is empty.
func sarifText(s string) *sarifMessage {
	if s == "" {
		return nil
	}
	return &sarifMessage{Text: s}
}

// uniqueTags drops repeated tags, keeping the first of each.
func uniqueTags(tags []string) []string {
	seen := make(map[string]bool, len(tags))
	out := tags[:0]
	for _, t := range tags {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// ruleName makes a SARIF rule name, an identifier in PascalCase, from a title:
// "SAST on every change; findings triaged" → "SASTOnEveryChangeFindingsTriaged".
func ruleName(title string) string {
	var b strings.Builder
	upper := true
	for _, r := range title {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
