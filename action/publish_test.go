package action_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/action"
	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

func sampleReport() *result.Report {
	c := func(id string, o result.Outcome, gate bool) result.Control {
		return result.Control{ID: id, Title: id + " title", Outcome: o, Gate: gate, Events: []string{"pull_request"},
			Refs: map[string][]string{}, Violations: []result.Violation{}, Warnings: []result.Violation{}, Reasons: []string{}}
	}
	fail := c("IMP-02", result.Fail, true)
	fail.Violations = []result.Violation{{Msg: "strcpy without bound", Path: "src/dose.c", Line: 43}, {Msg: "no SAST on this change"}}
	warn := c("SCM-02", result.Warn, false)
	warn.Violations = []result.Violation{{Msg: "actions/setup-python@v5 is not pinned", Path: ".github/workflows/ci.yml", Line: 30}}
	na := c("IMP-03", result.NotAvailable, true)
	na.Reasons = []string{"no evidence at input.github.branch_protection.available", "token lacks administration=read"}
	errc := c("PMS-01", result.Error, false)
	errc.Reasons = []string{"policy evaluation failed"}
	waived := c("REL-01", result.Waived, true)
	waived.Violations = []result.Violation{{Msg: "waived finding", Path: "build/sbom.cdx.json"}}
	pass := c("GOV-03", result.Pass, true)
	failNoGate := c("VER-04", result.Fail, false)
	failNoGate.Violations = []result.Violation{{Msg: "no pentest", Path: "docs/security/pentest/"}}
	return &result.Report{
		Schema: result.Schema, Verdict: "fail", Event: "pull_request", EvaluatedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Controls: []result.Control{pass, fail, na, errc, warn, failNoGate, waived},
		Policies: []result.Policy{}, Warnings: []string{},
	}
}

func TestAnnotations(t *testing.T) {
	got := action.Annotations(sampleReport())
	want := []action.Annotation{
		{Level: action.LevelError, File: "src/dose.c", Line: 43, Title: "IMP-02", Message: "strcpy without bound"},
		{Level: action.LevelError, Title: "IMP-02", Message: "no SAST on this change"},
		{Level: action.LevelError, Title: "IMP-03", Message: "not_available: no evidence at input.github.branch_protection.available; token lacks administration=read"},
		{Level: action.LevelWarning, Title: "PMS-01", Message: "error: policy evaluation failed"},
		{Level: action.LevelWarning, File: ".github/workflows/ci.yml", Line: 30, Title: "SCM-02", Message: "actions/setup-python@v5 is not pinned"},
		{Level: action.LevelWarning, File: "docs/security/pentest/", Title: "VER-04", Message: "no pentest"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("annotations =\n%+v\nwant\n%+v", got, want)
	}
	if ids := action.FailedControls(sampleReport()); !reflect.DeepEqual(ids, []string{"IMP-02", "IMP-03"}) {
		t.Errorf("failed controls = %v", ids)
	}
}

func TestPublish(t *testing.T) {
	r := newRunner(t)
	rep := sampleReport()
	if err := action.Publish(r.rt(), rep, map[string]string{"sarif": "out/mdrgate.sarif", "json": "out/report.json"}); err != nil {
		t.Fatal(err)
	}
	wantLog := "::error file=src/dose.c,line=43,title=IMP-02::strcpy without bound\n" +
		"::error title=IMP-02::no SAST on this change\n" +
		"::error title=IMP-03::not_available: no evidence at input.github.branch_protection.available; token lacks administration=read\n" +
		"::warning title=PMS-01::error: policy evaluation failed\n" +
		"::warning file=.github/workflows/ci.yml,line=30,title=SCM-02::actions/setup-python@v5 is not pinned\n" +
		"::warning file=docs/security/pentest/,title=VER-04::no pentest\n"
	if r.out.String() != wantLog {
		t.Errorf("log =\n%s\nwant\n%s", r.out.String(), wantLog)
	}
	d := "_GitHubActionsFileCommandDelimeter_"
	wantOut := "verdict<<" + d + "\nfail\n" + d + "\n" +
		"failed-controls<<" + d + "\nIMP-02,IMP-03\n" + d + "\n" +
		"report-json<<" + d + "\nout/report.json\n" + d + "\n" +
		"report-sarif<<" + d + "\nout/mdrgate.sarif\n" + d + "\n"
	if got := read(t, r.env["GITHUB_OUTPUT"]); got != wantOut {
		t.Errorf("GITHUB_OUTPUT =\n%s\nwant\n%s", got, wantOut)
	}
	md, err := report.Get("markdown", report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := md.Render(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if got := read(t, r.env["GITHUB_STEP_SUMMARY"]); got != buf.String()+"\n" || !strings.Contains(got, "IMP-02") {
		t.Errorf("summary =\n%s\nwant the markdown report", got)
	}

	// Outside a step (no GITHUB_OUTPUT) publishing fails with the reason.
	delete(r.env, "GITHUB_STEP_SUMMARY")
	if err := action.Publish(r.rt(), rep, nil); err == nil || !strings.Contains(err.Error(), "GITHUB_STEP_SUMMARY is not set") {
		t.Errorf("Publish without a summary file = %v", err)
	}
}
