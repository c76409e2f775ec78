package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/result"
)

// Setting is the configuration of one control for an evaluation.
type Setting struct {
	// Params override the control's parameter defaults.
	Params map[string]any `json:"params,omitempty"`
	// Action is "" (gate as the metadata says), "warn" (never gates) or "off".
	Action string `json:"action,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Events, when not nil, replace the events the control gates on.
	// (null: as the metadata says; []: never gates).
	Events []string `json:"events" jsonschema:"nullable"`
}

// Params are the inputs of an evaluation besides the evidence and the policies.
type Params struct {
	// Event is pull_request, release or schedule.
	Event string `json:"event"`
	// At is the evaluation time: waiver expiry and document freshness use it.
	At time.Time `json:"at"`
	// Settings configure controls by id.
	Settings  map[string]Setting `json:"settings"`
	Generator evidence.Generator `json:"generator"`
}

// Evaluate evaluates every control against the evidence document.
func (e *Engine) Evaluate(ctx context.Context, doc *evidence.Document, p Params) (*result.Report, error) {
	if !contains(Events, p.Event) {
		return nil, fmt.Errorf("invalid event %q: valid values are %s", p.Event, strings.Join(Events, ", "))
	}
	if p.At.IsZero() {
		return nil, fmt.Errorf("evaluation time is not set")
	}
	ids := make([]string, 0, len(p.Settings))
	for id := range p.Settings {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := p.Settings[id]
		if e.control(id) == nil {
			return nil, fmt.Errorf("configuration names control %s, which no policy defines: known controls are %s", id, strings.Join(e.ids(), ", "))
		}
		for _, ev := range s.Events {
			if !contains(Events, ev) {
				return nil, fmt.Errorf("configuration of %s: %q is not an event: valid values are %s", id, ev, strings.Join(Events, ", "))
			}
		}
		if err := checkParams(e.control(id), s.Params); err != nil {
			return nil, err
		}
	}
	// The evidence digest needs the JSON encoding; compute it while OPA works.
	type digest struct {
		sum string
		err error
	}
	digestc := make(chan digest, 1)
	go func() {
		sum, err := jsonDigest(doc)
		digestc <- digest{sum, err}
	}()
	input, err := toValue(reflect.ValueOf(doc))
	if err != nil {
		<-digestc
		return nil, fmt.Errorf("converting the evidence document: %w", err)
	}
	rt := Runtime{Event: p.Event, At: p.At.UTC(), Params: e.mergedParams(p.Settings)}
	raws, err := e.evalAll(ctx, input, rt)
	d := <-digestc
	if err != nil {
		return nil, err
	}
	if d.err != nil {
		return nil, fmt.Errorf("encoding the evidence document: %w", d.err)
	}
	policies, policyDigest := policyRefs(e.modules)
	rep := &result.Report{
		Schema:         result.Schema,
		Event:          p.Event,
		EvaluatedAt:    p.At.UTC(),
		Generator:      p.Generator,
		Product:        doc.Product,
		Subject:        result.Subject{Repository: doc.Context.Repository, Ref: doc.Context.Ref, Commit: doc.Context.Commit},
		Profile:        result.Profile{Event: p.Event, IEC62304Class: doc.Product.IEC62304Class, MDRClass: doc.Product.MDRClass, Adjustments: []string{}},
		EvidenceSHA256: d.sum,
		Policies:       policies,
		PolicySHA256:   policyDigest,
		Controls:       make([]result.Control, 0, len(e.controls)),
		Warnings:       []string{},
	}
	if rep.Subject.Commit == "" && doc.Repo != nil && doc.Repo.Git != nil {
		rep.Subject.Commit = doc.Repo.Git.Head
	}
	for _, w := range doc.Warnings {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %s", w.Path, w.Message))
	}
	waivers := map[string][]evidence.Waiver{}
	for _, w := range doc.Waivers {
		if e.control(w.Control) == nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("waiver for %s (approved by %s) names a control that no policy defines", w.Control, w.ApprovedBy))
			continue
		}
		waivers[w.Control] = append(waivers[w.Control], w)
	}
	files := map[string][]evidence.FileRef{}
	for _, c := range e.controls {
		rc, adj := e.outcome(c, raws[c.ID], input, files, p, doc.Product, waivers[c.ID])
		rep.Profile.Adjustments = append(rep.Profile.Adjustments, adj...)
		if rc.Waiver != nil && rc.Waiver.Expired {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("waiver for %s (approved by %s) expired on %s", c.ID, rc.Waiver.ApprovedBy, rc.Waiver.Expires))
		}
		rep.Summary.Add(rc.Outcome)
		rep.Controls = append(rep.Controls, rc)
	}
	rep.Verdict = result.VerdictPass
	gating := 0
	for _, c := range rep.Controls {
		if c.Gate {
			gating++
			if c.Outcome.Blocks() {
				rep.Verdict = result.VerdictFail
			}
		}
	}
	if gating == 0 {
		rep.Verdict = result.VerdictFail
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("no control gates for event %s: nothing was checked, so the verdict fails", p.Event))
	}
	return rep, nil
}

// checkParams holds configured parameters to the names and JSON types of the
// control's defaults: a misspelt name would silently keep the default, and a
// string where a number belongs would silently change a comparison.
func checkParams(c *Control, params map[string]any) error {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		def, ok := c.Params[k]
		if !ok {
			valid := make([]string, 0, len(c.Params))
			for p := range c.Params {
				valid = append(valid, p)
			}
			sort.Strings(valid)
			if len(valid) == 0 {
				return fmt.Errorf("configuration of %s: parameter %q: the control has no parameters", c.ID, k)
			}
			return fmt.Errorf("configuration of %s: unknown parameter %q: valid parameters are %s", c.ID, k, strings.Join(valid, ", "))
		}
		if want, got := jsonType(def), jsonType(params[k]); def != nil && want != got {
			return fmt.Errorf("configuration of %s: parameter %s: expected %s (the default is %v), found %s", c.ID, k, want, def, got)
		}
	}
	return nil
}

// jsonType names the JSON type of a value decoded from YAML or JSON.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

func (e *Engine) control(id string) *Control {
	for _, c := range e.controls {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (e *Engine) ids() []string {
	out := make([]string, len(e.controls))
	for i, c := range e.controls {
		out[i] = c.ID
	}
	return out
}

func (e *Engine) mergedParams(settings map[string]Setting) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, c := range e.controls {
		m := map[string]any{}
		for k, v := range c.Params {
			m[k] = v
		}
		for k, v := range settings[c.ID].Params {
			m[k] = v
		}
		out[c.ID] = m
	}
	return out
}

// gating decides whether the control gates the event for this product, and
// explains every departure from the metadata's events.
// byClass is true when the product's class, not the event, keeps it from gating.
func gating(c *Control, s Setting, event string, product evidence.Product) (gate, byClass bool, why []string) {
	events := c.Events
	if s.Events != nil {
		events = s.Events
		why = append(why, fmt.Sprintf("%s: gates on %s as configured (metadata: %s)", c.ID, listOrNone(events), strings.Join(c.Events, ", ")))
	}
	if !contains(events, event) {
		return false, false, why
	}
	for _, scheme := range []string{"iec62304", "mdr"} {
		classes, ok := c.Classes[scheme]
		if !ok {
			continue
		}
		class := product.IEC62304Class
		name := "IEC 62304 class"
		if scheme == "mdr" {
			class, name = product.MDRClass, "MDR class"
		}
		// A class outside the scheme (a typo, or "Class C") gates: the strict choice.
		if class != "" && contains(ClassSchemes[scheme], class) && !contains(classes, class) {
			why = append(why, fmt.Sprintf("%s: warns for %s %s (gates for %s)", c.ID, name, class, strings.Join(classes, ", ")))
			return false, true, why
		}
	}
	return true, false, why
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "no event"
	}
	return strings.Join(l, ", ")
}

// outcome turns one control's raw results into its result entry, and returns
// the profile adjustments it made.
func (e *Engine) outcome(c *Control, r raw, input ast.Value, files map[string][]evidence.FileRef, p Params, product evidence.Product, waivers []evidence.Waiver) (result.Control, []string) {
	s := p.Settings[c.ID]
	rc := result.Control{
		ID: c.ID, Title: c.Title, Description: c.Description, Type: c.Type, Severity: c.Severity,
		Events: c.Events, Refs: c.Refs, Remediation: c.Remediation, Source: c.Source,
		Violations: []result.Violation{}, Warnings: []result.Violation{}, Reasons: []string{},
		Evidence: evidenceFiles(input, c.Evidence, files),
	}
	gate, byClass, adjustments := gating(c, s, p.Event, product)
	rc.Gate = gate
	if s.Action == "off" {
		rc.Outcome = result.NotApplicable
		rc.Gate = false
		rc.Reasons = append(rc.Reasons, "disabled in configuration: "+s.Reason)
		return rc, []string{c.ID + ": disabled in configuration: " + s.Reason}
	}
	rc.Violations = violations(r.deny)
	rc.Warnings = violations(r.warn)
	missing := missingEvidence(input, c.Evidence)
	switch {
	case r.err != nil:
		rc.Outcome = result.Error
		rc.Reasons = append(rc.Reasons, "policy evaluation failed: "+r.err.Error())
	case len(missing) > 0:
		rc.Outcome = result.NotAvailable
		rc.Reasons = append(rc.Reasons, missing...)
		// What the policy concluded without its evidence is noise, not a finding.
		rc.Violations, rc.Warnings = []result.Violation{}, []result.Violation{}
	case len(r.notAvailable) > 0:
		rc.Outcome = result.NotAvailable
		rc.Reasons = append(rc.Reasons, strs(r.notAvailable)...)
	case len(rc.Violations) > 0:
		rc.Outcome = result.Fail
	case len(r.notAppl) > 0:
		rc.Outcome = result.NotApplicable
		rc.Reasons = append(rc.Reasons, strs(r.notAppl)...)
	case len(rc.Warnings) > 0:
		rc.Outcome = result.Warn
	default:
		rc.Outcome = result.Pass
	}
	for _, a := range adjustments {
		rc.Reasons = append(rc.Reasons, "profile: "+strings.TrimPrefix(a, c.ID+": "))
	}
	if !rc.Gate && len(adjustments) == 0 {
		rc.Reasons = append(rc.Reasons, fmt.Sprintf("does not gate the %s event (gates on %s)", p.Event, strings.Join(c.Events, ", ")))
	}
	if s.Action == "warn" || byClass {
		if rc.Outcome == result.Fail {
			rc.Outcome = result.Warn
		}
	}
	if s.Action == "warn" && rc.Gate {
		rc.Gate = false
		rc.Reasons = append(rc.Reasons, "demoted to warn in configuration: "+s.Reason)
		adjustments = append(adjustments, c.ID+": demoted to warn in configuration: "+s.Reason)
	}
	if w := pickWaiver(waivers, p.At); w != nil {
		rc.Waiver = w
		if w.Expired {
			rc.Reasons = append(rc.Reasons, fmt.Sprintf("waiver approved by %s expired on %s: the outcome stands", w.ApprovedBy, w.Expires))
		} else if rc.Outcome == result.Fail || rc.Outcome == result.NotAvailable {
			w.Applied = true
			rc.Reasons = append(rc.Reasons, fmt.Sprintf("%s waived until %s by %s: %s", rc.Outcome, w.Expires, w.ApprovedBy, w.Reason))
			rc.Outcome = result.Waived
		}
	}
	return rc, adjustments
}

// pickWaiver returns the waiver that holds at the time with the latest expiry, or
// else the most recently expired one, or nil when there is none.
func pickWaiver(ws []evidence.Waiver, at time.Time) *result.Waiver {
	var best *result.Waiver
	var bestEnd time.Time
	for _, w := range ws {
		day, err := time.Parse(time.DateOnly, w.Expires)
		if err != nil {
			continue
		}
		end := day.Add(24 * time.Hour) // valid through the expiry date, UTC
		cand := &result.Waiver{Waiver: w, Expired: !at.Before(end)}
		switch {
		case best == nil,
			best.Expired && !cand.Expired,
			best.Expired == cand.Expired && end.After(bestEnd):
			best, bestEnd = cand, end
		}
	}
	return best
}

func violations(l []any) []result.Violation {
	out := make([]result.Violation, 0, len(l))
	for _, x := range l {
		switch v := x.(type) {
		case string:
			out = append(out, result.Violation{Msg: v})
		case map[string]any:
			vi := result.Violation{}
			vi.Msg, _ = v["msg"].(string)
			if vi.Msg == "" {
				b, _ := json.Marshal(v)
				vi.Msg = string(b)
			}
			vi.Path, _ = v["path"].(string)
			switch n := v["line"].(type) {
			case json.Number:
				if i, err := n.Int64(); err == nil {
					vi.Line = int(i)
				}
			case float64:
				vi.Line = int(n)
			case int:
				vi.Line = n
			}
			out = append(out, vi)
		default:
			b, _ := json.Marshal(v)
			out = append(out, result.Violation{Msg: string(b)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Msg < b.Msg
	})
	return out
}

func strs(l []any) []string {
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		} else {
			b, _ := json.Marshal(x)
			out = append(out, string(b))
		}
	}
	sort.Strings(out)
	return out
}
