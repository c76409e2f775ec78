package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/policies"
)

var at = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// sbomControl fails when any component lacks a supplier, and needs an SBOM.
const sbomControl = `# METADATA
# title: SBOM components name their supplier
# description: test control
# custom:
#   id: TST-01
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.8.2"]
#     mdr: ["17.2"]
#   evidence: ["build.sboms"]
#   events: [pull_request, release]
#   remediation: add suppliers
#   params:
#     min_components: 1
package mdrgate.controls.tst01

deny contains {"msg": sprintf("component %s has no supplier", [c.name]), "path": s.path, "line": 0} if {
	some s in input.build.sboms
	some c in s.components
	c.supplier == ""
}

deny contains {"msg": "too few components", "path": "", "line": 0} if {
	some s in input.build.sboms
	count(s.components) < data.mdrgate.runtime.params["TST-01"].min_components
}
`

// repoControl warns on a missing README and gates releases only.
const repoControl = `# METADATA
# title: README present
# custom:
#   id: TST-02
#   type: D
#   severity: low
#   refs:
#     iec81001: ["5.8.2"]
#   evidence: ["repo"]
#   events: [release]
package mdrgate.controls.tst02

warn contains {"msg": "README.md is missing", "path": "README.md", "line": 0} if {
	not "README.md" in {f.path | some f in input.repo.files}
}
`

func mods(src ...string) []engine.Module {
	var out []engine.Module
	for i, s := range src {
		out = append(out, engine.Module{Path: "test/p" + string(rune('a'+i)) + ".rego", Source: []byte(s)})
	}
	return out
}

func newEngine(t *testing.T, src ...string) *engine.Engine {
	t.Helper()
	e, err := engine.New(mods(src...))
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	return e
}

func docWith(components ...evidence.Component) *evidence.Document {
	d := &evidence.Document{
		Schema:  evidence.Schema,
		Repo:    &evidence.Repo{Files: []evidence.FileEntry{{Path: "README.md", Size: 10}}},
		Waivers: []evidence.Waiver{},
	}
	if components != nil {
		d.Build.SBOMs = []evidence.SBOM{{FileRef: evidence.FileRef{Path: "build/sbom.cdx.json", SHA256: "ab12", MediaType: "application/vnd.cyclonedx+json"}, Components: components}}
	}
	return d
}

func control(t *testing.T, r *result.Report, id string) result.Control {
	t.Helper()
	for _, c := range r.Controls {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("control %s not in report", id)
	return result.Control{}
}

func TestOutcomes(t *testing.T) {
	good := evidence.Component{Name: "zlib", Version: "1.3", Supplier: "zlib"}
	bad := evidence.Component{Name: "openssl", Version: "3.0"}
	tests := []struct {
		name     string
		doc      *evidence.Document
		event    string
		settings map[string]engine.Setting
		waivers  []evidence.Waiver
		want     result.Outcome
		gate     bool
		verdict  string
		reason   string
	}{
		{name: "pass", doc: docWith(good), event: "pull_request", want: result.Pass, gate: true, verdict: "pass"},
		{name: "fail", doc: docWith(good, bad), event: "pull_request", want: result.Fail, gate: true, verdict: "fail"},
		{name: "evidence absent is not_available and blocks", doc: docWith(), event: "pull_request", want: result.NotAvailable, gate: true, verdict: "fail", reason: "no SBOM was found"},
		{name: "empty SBOM list is absent", doc: func() *evidence.Document { d := docWith(); d.Build.SBOMs = []evidence.SBOM{}; return d }(), event: "pull_request", want: result.NotAvailable, gate: true, verdict: "fail"},
		{name: "param override", doc: docWith(good), event: "pull_request", settings: map[string]engine.Setting{"TST-01": {Params: map[string]any{"min_components": 2}}}, want: result.Fail, gate: true, verdict: "fail"},
		{name: "not gating for schedule", doc: docWith(bad), event: "schedule", want: result.Fail, gate: false, verdict: "fail", reason: "does not gate the schedule event"},
		{name: "demoted to warn", doc: docWith(bad), event: "pull_request", settings: map[string]engine.Setting{"TST-01": {Action: "warn", Reason: "migration"}}, want: result.Warn, gate: false, verdict: "fail" /* nothing else gates */, reason: "demoted to warn in configuration: migration"},
		{name: "disabled", doc: docWith(bad), event: "pull_request", settings: map[string]engine.Setting{"TST-01": {Action: "off", Reason: "no SBOM for this product line"}}, want: result.NotApplicable, gate: false, verdict: "fail" /* nothing else gates */, reason: "disabled in configuration"},
		{name: "waived failure", doc: docWith(bad), event: "pull_request", waivers: []evidence.Waiver{{Control: "TST-01", Reason: "supplier data pending", ApprovedBy: "QA lead", Expires: "2026-12-01"}}, want: result.Waived, gate: true, verdict: "pass", reason: "waived until 2026-12-01"},
		{name: "waived not_available", doc: docWith(), event: "pull_request", waivers: []evidence.Waiver{{Control: "TST-01", Reason: "r", ApprovedBy: "a", Expires: "2027-01-01"}}, want: result.Waived, gate: true, verdict: "pass"},
		{name: "expired waiver", doc: docWith(bad), event: "pull_request", waivers: []evidence.Waiver{{Control: "TST-01", Reason: "r", ApprovedBy: "QA lead", Expires: "2026-11-30"}}, want: result.Fail, gate: true, verdict: "fail", reason: "expired on 2026-11-30"},
		{name: "valid waiver wins over expired", doc: docWith(bad), event: "pull_request", waivers: []evidence.Waiver{{Control: "TST-01", Reason: "old", ApprovedBy: "a", Expires: "2026-01-01"}, {Control: "TST-01", Reason: "new", ApprovedBy: "b", Expires: "2027-01-01"}}, want: result.Waived, gate: true, verdict: "pass"},
	}
	e := newEngine(t, sbomControl, repoControl)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.doc.Waivers = append(tt.doc.Waivers, tt.waivers...)
			r, err := e.Evaluate(context.Background(), tt.doc, engine.Params{Event: tt.event, At: at, Settings: tt.settings})
			if err != nil {
				t.Fatal(err)
			}
			c := control(t, r, "TST-01")
			if c.Outcome != tt.want || c.Gate != tt.gate {
				t.Errorf("outcome %s gate %v, want %s gate %v (reasons %q)", c.Outcome, c.Gate, tt.want, tt.gate, c.Reasons)
			}
			// TST-02 gates releases only; on other events the verdict is TST-01's alone.
			if tt.event != "release" && r.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.verdict)
			}
			if tt.reason != "" && !strings.Contains(strings.Join(c.Reasons, "\n"), tt.reason) {
				t.Errorf("reasons %q do not mention %q", c.Reasons, tt.reason)
			}
		})
	}
}

func TestViolationsAndEvidence(t *testing.T) {
	e := newEngine(t, sbomControl, repoControl)
	r, err := e.Evaluate(context.Background(), docWith(evidence.Component{Name: "b"}, evidence.Component{Name: "a"}), engine.Params{Event: "release", At: at})
	if err != nil {
		t.Fatal(err)
	}
	c := control(t, r, "TST-01")
	want := []result.Violation{
		{Msg: "component a has no supplier", Path: "build/sbom.cdx.json"},
		{Msg: "component b has no supplier", Path: "build/sbom.cdx.json"},
	}
	if len(c.Violations) != 2 || c.Violations[0] != want[0] || c.Violations[1] != want[1] {
		t.Errorf("violations %+v, want %+v", c.Violations, want)
	}
	if len(c.Evidence) != 1 || c.Evidence[0].Path != "build/sbom.cdx.json" || c.Evidence[0].SHA256 != "ab12" {
		t.Errorf("evidence %+v", c.Evidence)
	}
	if c.Refs["iec81001"][0] != "5.8.2" || c.Refs["mdr"][0] != "17.2" {
		t.Errorf("refs %v", c.Refs)
	}
	if r.Summary.Fail != 1 || r.Summary.Pass != 1 || r.Summary.Total != 2 {
		t.Errorf("summary %+v", r.Summary)
	}
	if r.Schema != result.Schema || r.EvidenceSHA256 == "" || r.PolicySHA256 == "" || len(r.Policies) != 2 {
		t.Errorf("report header %+v", r)
	}
}

func TestDeterministic(t *testing.T) {
	e := newEngine(t, sbomControl, repoControl)
	doc := docWith(evidence.Component{Name: "c"}, evidence.Component{Name: "a"}, evidence.Component{Name: "b"})
	var first []byte
	for i := 0; i < 5; i++ {
		r, err := e.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		if i == 0 {
			first = b
		} else if string(b) != string(first) {
			t.Fatalf("evaluation %d differs:\n%s\n%s", i, first, b)
		}
	}
}

func TestNoGatingControlFails(t *testing.T) {
	e := newEngine(t, repoControl)
	r, err := e.Evaluate(context.Background(), docWith(), engine.Params{Event: "pull_request", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != "fail" || !strings.Contains(strings.Join(r.Warnings, "\n"), "no control gates") {
		t.Errorf("verdict %s warnings %q", r.Verdict, r.Warnings)
	}
}

func TestUnknownWaiverAndSetting(t *testing.T) {
	e := newEngine(t, sbomControl)
	doc := docWith(evidence.Component{Name: "a", Supplier: "x"})
	doc.Waivers = []evidence.Waiver{{Control: "NOPE-01", ApprovedBy: "x", Expires: "2027-01-01"}}
	r, err := e.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "NOPE-01") {
		t.Errorf("warnings %q", r.Warnings)
	}
	_, err = e.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at, Settings: map[string]engine.Setting{"NOPE-02": {}}})
	if err == nil || !strings.Contains(err.Error(), "NOPE-02") || !strings.Contains(err.Error(), "TST-01") {
		t.Errorf("err = %v", err)
	}
	_, err = e.Evaluate(context.Background(), doc, engine.Params{Event: "push", At: at})
	if err == nil || !strings.Contains(err.Error(), `invalid event "push"`) {
		t.Errorf("err = %v", err)
	}
}

func TestRuntimeErrorIsolated(t *testing.T) {
	broken := `# METADATA
# title: broken
# custom:
#   id: TST-03
#   type: A
#   severity: low
#   refs: {iec81001: ["8"]}
#   evidence: ["repo"]
#   events: [pull_request]
package mdrgate.controls.tst03

x := 1 if { input.repo }
x := 2 if { input.repo }
deny contains "conflict" if x == 1
`
	e := newEngine(t, sbomControl, broken)
	r, err := e.Evaluate(context.Background(), docWith(evidence.Component{Name: "a", Supplier: "s"}), engine.Params{Event: "pull_request", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if c := control(t, r, "TST-03"); c.Outcome != result.Error || !strings.Contains(strings.Join(c.Reasons, ""), "conflict") {
		t.Errorf("TST-03 %s %q", c.Outcome, c.Reasons)
	}
	if c := control(t, r, "TST-01"); c.Outcome != result.Pass {
		t.Errorf("TST-01 %s", c.Outcome)
	}
	if r.Verdict != "fail" {
		t.Errorf("verdict %s with a gating error", r.Verdict)
	}
}

func TestSandbox(t *testing.T) {
	header := `# METADATA
# title: t
# custom:
#   id: TST-09
#   type: A
#   severity: low
#   refs: {iec81001: ["8"]}
#   evidence: ["repo"]
#   events: [pull_request]
package mdrgate.controls.tst09
`
	for _, call := range []string{`http.send({"method": "get", "url": "http://127.0.0.1:1"})`, `opa.runtime()`, `rand.intn("x", 10)`, `uuid.rfc4122("x")`, `net.lookup_ip_addr("localhost")`} {
		t.Run(call, func(t *testing.T) {
			_, err := engine.New(mods(header + "deny contains x if { x := " + call + " }\n"))
			var pe *engine.PolicyError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), "test/pa.rego:") {
				t.Fatalf("err = %v, want a policy error naming the file and line", err)
			}
		})
	}
	// time.now_ns is the evaluation time, not the clock.
	e := newEngine(t, header+`deny contains sprintf("%d", [time.now_ns()]) if true`+"\n")
	r, err := e.Evaluate(context.Background(), docWith(), engine.Params{Event: "pull_request", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if c := control(t, r, "TST-09"); len(c.Violations) != 1 || c.Violations[0].Msg != "1796083200000000000" {
		t.Errorf("time.now_ns gave %+v, want the evaluation time", c.Violations)
	}
}

func TestTimeout(t *testing.T) {
	slow := `# METADATA
# title: slow
# custom:
#   id: TST-04
#   type: A
#   severity: low
#   refs: {iec81001: ["8"]}
#   evidence: ["repo"]
#   events: [pull_request]
package mdrgate.controls.tst04

deny contains x if {
	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	x := i * j
	x < 0
}
`
	e, err := engine.New(mods(slow), engine.WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Evaluate(context.Background(), docWith(), engine.Params{Event: "pull_request", At: at})
	if err == nil || !strings.Contains(err.Error(), "time limit") {
		t.Fatalf("err = %v", err)
	}
}

func TestMetadataErrors(t *testing.T) {
	base := func(custom string) string {
		return "# METADATA\n# title: t\n# custom:\n" + custom + "package mdrgate.controls.x\n\ndeny contains \"x\" if false\n"
	}
	full := "#   id: TST-05\n#   type: A\n#   severity: low\n#   refs: {iec81001: [\"8\"]}\n#   evidence: [\"repo\"]\n#   events: [pull_request]\n"
	tests := []struct{ name, src, want string }{
		{"no metadata", "package mdrgate.controls.x\n\ndeny contains \"x\" if false\n", "has no package METADATA block"},
		{"bad id", base(strings.Replace(full, "TST-05", "tst5", 1)), `custom.id "tst5"`},
		{"bad type", base(strings.Replace(full, "type: A", "type: Q", 1)), `custom.type "Q"`},
		{"unknown framework", base(strings.Replace(full, "iec81001", "iso27001", 1)), `unknown framework "iso27001"`},
		{"no evidence", base(strings.Replace(full, "#   evidence: [\"repo\"]\n", "", 1)), "custom.evidence is missing"},
		{"bad event", base(strings.Replace(full, "pull_request]", "push]", 1)), `"push" is not an event`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.New(mods(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "test/pa.rego") {
				t.Fatalf("err = %v, want it to name test/pa.rego and say %q", err, tt.want)
			}
		})
	}
	_, err := engine.New(mods(base(full), strings.Replace(base(full), "controls.x", "controls.y", 1)))
	if err == nil || !strings.Contains(err.Error(), "TST-05 is already used") {
		t.Fatalf("duplicate id: err = %v", err)
	}
}

// classControl gates only class C / class III products.
const classControl = `# METADATA
# title: Independent penetration test
# custom:
#   id: TST-06
#   type: D
#   severity: high
#   refs: {iec81001: ["5.7.4"]}
#   evidence: ["repo"]
#   events: [release]
#   classes:
#     iec62304: [C]
#     mdr: [III]
package mdrgate.controls.tst06

deny contains "no pentest summary" if true
`

func TestProfile(t *testing.T) {
	e := newEngine(t, sbomControl, classControl)
	good := evidence.Component{Name: "zlib", Version: "1.3", Supplier: "zlib"}
	tests := []struct {
		name        string
		iec, mdr    string
		event       string
		settings    map[string]engine.Setting
		gate        bool
		outcome     result.Outcome
		adjustments []string
	}{
		{name: "class C gates", iec: "C", mdr: "III", event: "release", gate: true, outcome: result.Fail, adjustments: []string{}},
		{name: "class A warns", iec: "A", mdr: "III", event: "release", gate: false, outcome: result.Warn, adjustments: []string{"TST-06: warns for IEC 62304 class A (gates for C)"}},
		{name: "MDR class I warns", iec: "C", mdr: "I", event: "release", gate: false, outcome: result.Warn, adjustments: []string{"TST-06: warns for MDR class I (gates for III)"}},
		{name: "unknown class gates", event: "release", gate: true, outcome: result.Fail, adjustments: []string{}},
		{name: "unrecognised class gates", iec: "Class A", mdr: "IIB", event: "release", gate: true, outcome: result.Fail, adjustments: []string{}},
		{name: "other event", iec: "C", event: "pull_request", gate: false, outcome: result.Fail, adjustments: []string{}},
		{name: "events overridden", iec: "C", event: "pull_request", settings: map[string]engine.Setting{"TST-06": {Events: []string{"pull_request", "release"}}}, gate: true, outcome: result.Fail,
			adjustments: []string{"TST-06: gates on pull_request, release as configured (metadata: release)"}},
		{name: "events emptied", iec: "C", event: "release", settings: map[string]engine.Setting{"TST-06": {Events: []string{}}}, gate: false, outcome: result.Fail,
			adjustments: []string{"TST-06: gates on no event as configured (metadata: release)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := docWith(good)
			doc.Product = evidence.Product{IEC62304Class: tt.iec, MDRClass: tt.mdr}
			r, err := e.Evaluate(context.Background(), doc, engine.Params{Event: tt.event, At: at, Settings: tt.settings})
			if err != nil {
				t.Fatal(err)
			}
			c := control(t, r, "TST-06")
			if c.Gate != tt.gate || c.Outcome != tt.outcome {
				t.Errorf("gate %v outcome %s, want %v %s (reasons %q)", c.Gate, c.Outcome, tt.gate, tt.outcome, c.Reasons)
			}
			if strings.Join(r.Profile.Adjustments, "|") != strings.Join(tt.adjustments, "|") {
				t.Errorf("adjustments %q, want %q", r.Profile.Adjustments, tt.adjustments)
			}
			if r.Profile.Event != tt.event || r.Profile.IEC62304Class != tt.iec || r.Profile.MDRClass != tt.mdr {
				t.Errorf("profile %+v", r.Profile)
			}
		})
	}
	_, err := e.Evaluate(context.Background(), docWith(good), engine.Params{Event: "release", At: at, Settings: map[string]engine.Setting{"TST-06": {Events: []string{"push"}}}})
	if err == nil || !strings.Contains(err.Error(), `"push" is not an event`) {
		t.Errorf("err = %v", err)
	}
	_, err = engine.New(mods(strings.Replace(classControl, "iec62304: [C]", "iec62304: [D]", 1)))
	if err == nil || !strings.Contains(err.Error(), `custom.classes.iec62304: "D" is not a class`) {
		t.Errorf("err = %v", err)
	}
}

func TestParamOverridesChecked(t *testing.T) {
	e := newEngine(t, sbomControl)
	doc := docWith(evidence.Component{Name: "a", Supplier: "s"})
	tests := []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"min_component": 2}, `configuration of TST-01: unknown parameter "min_component": valid parameters are min_components`},
		{map[string]any{"min_components": "two"}, "configuration of TST-01: parameter min_components: expected a number (the default is 1), found a string"},
		{map[string]any{"min_components": []any{1}}, "expected a number (the default is 1), found a list"},
	}
	for _, tt := range tests {
		_, err := e.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at, Settings: map[string]engine.Setting{"TST-01": {Params: tt.params}}})
		if err == nil || err.Error() != tt.want && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("params %v: err = %v, want %q", tt.params, err, tt.want)
		}
	}
	if _, err := e.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at, Settings: map[string]engine.Setting{"TST-01": {Params: map[string]any{"min_components": 3}}}}); err != nil {
		t.Errorf("a valid override: %v", err)
	}
}

// TestResultRulesMustBeSets: a deny written in another form would be read as
// nothing and pass; it is a policy error naming the file and line.
func TestResultRulesMustBeSets(t *testing.T) {
	header := "# METADATA\n# title: t\n# custom:\n#   id: TST-07\n#   type: A\n#   severity: low\n#   refs: {iec81001: [\"8\"]}\n#   evidence: [\"repo\"]\n#   events: [pull_request]\npackage mdrgate.controls.tst07\n\n"
	for name, rule := range map[string]string{
		"object (v0 style)": `deny[msg] if { msg := "x" }`,
		"constant set":      `deny := {"x"}`,
		"boolean":           `deny := true`,
		"keyed":             `deny["k"] := "x"`,
		"warn object":       `warn[msg] if { msg := "x" }`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := engine.New(mods(header + rule + "\n"))
			if err == nil || !strings.Contains(err.Error(), "test/pa.rego:12: ") || !strings.Contains(err.Error(), "must be a set rule") {
				t.Fatalf("err = %v", err)
			}
		})
	}
	if _, err := engine.New(mods(header + `denylist := {"x"}` + "\n" + `deny contains m if { some m in denylist; false }` + "\n")); err != nil {
		t.Fatalf("a helper rule named denylist: %v", err)
	}
}

func TestSandboxLocalFiles(t *testing.T) {
	header := "# METADATA\n# title: t\n# custom:\n#   id: TST-08\n#   type: A\n#   severity: low\n#   refs: {iec81001: [\"8\"]}\n#   evidence: [\"repo\"]\n#   events: [pull_request]\npackage mdrgate.controls.tst08\n\n"
	for _, call := range []string{
		`json.match_schema({}, {"$ref": "file:///etc/hostname"})`,
		`json.verify_schema({"$ref": "file:///etc/hostname"})`,
		`crypto.x509.parse_and_verify_certificates("x")`,
	} {
		_, err := engine.New(mods(header + "deny contains x if { x := " + call + " }\n"))
		if err == nil || !strings.Contains(err.Error(), "undefined function") {
			t.Errorf("%s: err = %v", call, err)
		}
	}
}

func TestUnavailableAreaGivesItsReason(t *testing.T) {
	ghControl := "# METADATA\n# title: t\n# custom:\n#   id: TST-10\n#   type: A\n#   severity: low\n#   refs: {iec81001: [\"8\"]}\n#   evidence: [\"github.branch_protection.available\"]\n#   events: [pull_request]\npackage mdrgate.controls.tst10\n\ndeny contains \"x\" if false\n"
	e := newEngine(t, ghControl)
	doc := docWith()
	r, err := e.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if c := control(t, r, "TST-10"); c.Outcome != result.NotAvailable || !strings.Contains(strings.Join(c.Reasons, ""), "GitHub API evidence was not collected") {
		t.Errorf("no GitHub section: %s %q", c.Outcome, c.Reasons)
	}
	doc.GitHub = &evidence.GitHub{BranchProtection: evidence.GHProtection{Area: evidence.Area{Reason: "403 Resource not accessible by integration (needs administration: read)"}}}
	r, err = e.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if c := control(t, r, "TST-10"); c.Outcome != result.NotAvailable || c.Reasons[0] != "github.branch_protection could not be read: 403 Resource not accessible by integration (needs administration: read)" {
		t.Errorf("403: %s %q", c.Outcome, c.Reasons)
	}
}

// TestParsedDefaultParams holds the parameter defaults read from the parsed
// METADATA (before compiling) equal to the compiled engine's, for the built-in
// catalogue and the test controls, and metadata errors equal to New's.
func TestParsedDefaultParams(t *testing.T) {
	builtin, err := engine.FSModules(policies.FS, "policies/", true)
	if err != nil {
		t.Fatal(err)
	}
	for name, ms := range map[string][]engine.Module{
		"built-in":      builtin,
		"test controls": mods(sbomControl, repoControl, classControl),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := engine.Parse(ms)
			if err != nil {
				t.Fatal(err)
			}
			pre, err := p.DefaultParams()
			if err != nil {
				t.Fatal(err)
			}
			e, err := p.Compile()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pre, e.DefaultParams()) {
				t.Fatalf("parsed defaults %v, compiled %v", pre, e.DefaultParams())
			}
			if len(pre) == 0 {
				t.Fatal("no controls read")
			}
		})
	}
	bad := "# METADATA\n# title: t\n# custom:\n#   id: tst5\n#   type: A\n#   severity: low\n#   refs: {iec81001: [\"8\"]}\n#   evidence: [\"repo\"]\n#   events: [pull_request]\npackage mdrgate.controls.x\n\ndeny contains \"x\" if false\n"
	p, err := engine.Parse(mods(bad))
	if err != nil {
		t.Fatal(err)
	}
	_, preErr := p.DefaultParams()
	_, newErr := engine.New(mods(bad))
	if preErr == nil || newErr == nil || preErr.Error() != newErr.Error() {
		t.Fatalf("DefaultParams err = %v, New err = %v: want the same error", preErr, newErr)
	}
}
