// Package result defines the result of an evaluation, mdrgate.report/v1: the verdict
// and one entry per control. It is the JSON report's contract and what attestations
// sign, so it is versioned, ordered and free of map-order randomness.
package result

import (
	"time"

	"github.com/mdrgate/mdrgate/evidence"
)

// Schema is the value of Report.Schema for this version of the result.
const Schema = "mdrgate.report/v1"

// Outcome is what evaluating one control came to.
type Outcome string

// The outcomes of a control.
const (
	Pass          Outcome = "pass"
	Fail          Outcome = "fail"
	Warn          Outcome = "warn"
	Waived        Outcome = "waived"
	NotApplicable Outcome = "not_applicable"
	NotAvailable  Outcome = "not_available"
	Error         Outcome = "error"
)

// Outcomes lists every outcome, in the order reports show them.
var Outcomes = []Outcome{Pass, Fail, Warn, Waived, NotApplicable, NotAvailable, Error}

// Blocks reports whether the outcome fails the verdict when the control is gating.
func (o Outcome) Blocks() bool { return o == Fail || o == NotAvailable || o == Error }

// Verdict values.
const (
	VerdictPass = "pass"
	VerdictFail = "fail"
)

// Report is the result of evaluating every control against one evidence document.
type Report struct {
	Schema  string `json:"schema"`
	Verdict string `json:"verdict"`
	Event   string `json:"event"`
	// EvaluatedAt is the evaluation time (--at): waiver expiry and freshness use it.
	EvaluatedAt time.Time          `json:"evaluated_at"`
	Generator   evidence.Generator `json:"generator"`
	Product     evidence.Product   `json:"product"`
	Subject     Subject            `json:"subject"`
	// Profile says which gating profile was applied.
	Profile Profile `json:"profile"`
	// EvidenceSHA256 is the digest of the evidence document as evaluated.
	EvidenceSHA256 string `json:"evidence_sha256"`
	// Policies are the policy files evaluated, with their digests, sorted by path.
	Policies []Policy `json:"policies"`
	// PolicySHA256 is one digest over all policy files (path and digest of each).
	PolicySHA256 string    `json:"policy_sha256"`
	Controls     []Control `json:"controls"`
	Summary      Summary   `json:"summary"`
	// Warnings are problems that did not stop evaluation: skipped inputs, waivers
	// naming unknown controls, expired waivers.
	Warnings []string `json:"warnings"`
}

// Profile is the gating profile of an evaluation: the event and the product's
// classes select which controls gate, and configuration may adjust it.
type Profile struct {
	Event         string `json:"event"`
	IEC62304Class string `json:"iec62304_class"`
	MDRClass      string `json:"mdr_class"`
	// Adjustments list, per control, where the classes or the configuration
	// changed whether it gates, and why; sorted.
	Adjustments []string `json:"adjustments"`
}

// Subject is what was evaluated: the repository and commit.
type Subject struct {
	Repository string `json:"repository,omitempty"`
	Ref        string `json:"ref,omitempty"`
	Commit     string `json:"commit,omitempty"`
}

// Policy is one policy file that took part in the evaluation.
type Policy struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Builtin bool   `json:"builtin"`
}

// Control is the result of one control.
type Control struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Type is A (automated), D (document) or X (automated plus sign-off).
	Type     string  `json:"type,omitempty"`
	Severity string  `json:"severity,omitempty"`
	Outcome  Outcome `json:"outcome"`
	// Gate is true when the outcome counts toward the verdict for this event.
	Gate   bool     `json:"gate"`
	Events []string `json:"events"`
	// Refs maps a framework (iec81001, mdr, mdcg, fda, ssdf, iec62304, cra) to clauses.
	Refs       map[string][]string `json:"refs"`
	Violations []Violation         `json:"violations"`
	Warnings   []Violation         `json:"warnings"`
	// Reasons explain not_available, not_applicable, error, demotion and waivers.
	Reasons []string `json:"reasons"`
	// Evidence lists the files the control's evidence came from.
	Evidence    []evidence.FileRef `json:"evidence"`
	Waiver      *Waiver            `json:"waiver,omitempty"`
	Remediation string             `json:"remediation,omitempty"`
	// Source is the policy file that defines the control.
	Source string `json:"source"`
}

// Violation is one finding of a control, at a file and line when it has one.
type Violation struct {
	Msg  string `json:"msg"`
	Path string `json:"path,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Waiver is a waiver that names the control, and whether it applied.
type Waiver struct {
	evidence.Waiver
	// Expired is true when the evaluation time is past the waiver's expiry.
	Expired bool `json:"expired"`
	// Applied is true when the waiver turned the outcome into waived.
	Applied bool `json:"applied"`
}

// Summary counts controls by outcome; every outcome is present, zero or not.
type Summary struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Warn          int `json:"warn"`
	Waived        int `json:"waived"`
	NotApplicable int `json:"not_applicable"`
	NotAvailable  int `json:"not_available"`
	Error         int `json:"error"`
	Total         int `json:"total"`
}

// Add counts one control with the outcome.
func (s *Summary) Add(o Outcome) {
	s.Total++
	switch o {
	case Pass:
		s.Pass++
	case Fail:
		s.Fail++
	case Warn:
		s.Warn++
	case Waived:
		s.Waived++
	case NotApplicable:
		s.NotApplicable++
	case NotAvailable:
		s.NotAvailable++
	case Error:
		s.Error++
	}
}

// Count returns the number of controls with the outcome.
func (s Summary) Count(o Outcome) int {
	switch o {
	case Pass:
		return s.Pass
	case Fail:
		return s.Fail
	case Warn:
		return s.Warn
	case Waived:
		return s.Waived
	case NotApplicable:
		return s.NotApplicable
	case NotAvailable:
		return s.NotAvailable
	case Error:
		return s.Error
	}
	return 0
}

// Failing returns the gating controls whose outcome blocks the verdict.
func (r *Report) Failing() []Control {
	var out []Control
	for _, c := range r.Controls {
		if c.Gate && c.Outcome.Blocks() {
			out = append(out, c)
		}
	}
	return out
}
