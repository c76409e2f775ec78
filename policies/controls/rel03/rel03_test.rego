package mdrgate.controls.rel03

_t_approval := {
	"version": "2.4.0",
	"approved_by": "Dr. Anna Keller",
	"role": "Head of Product Security",
	"date": "2026-11-27T00:00:00Z",
	"residual_risk": "Residual security risk acceptable (RISK-0012 pyserial accepted until 3.0).",
	"signature": "QMS-ESIG-2026-0417",
	"compliance_report": "release/2.4.0/compliance-report.yaml",
}

_t_ctl(id, outcome, gate) := {"id": id, "outcome": outcome, "gate": gate}

_t_report := {
	"schema": "mdrgate.report/v1",
	"event": "release",
	"evaluated_at": "2026-11-26T12:00:00Z",
	"product": {"name": "InfuCore", "version": "2.4.0"},
	"verdict": "fail",
	"controls": [
		_t_ctl("GOV-03", "pass", true),
		_t_ctl("REL-03", "fail", true),
		_t_ctl("REL-02", "not_available", false),
		object.union(_t_ctl("SCM-02", "waived", true), {"waiver": {"expires": "2027-03-31"}}),
	],
}

_t_in(approval, report) := {
	"product": {"version": "2.4.0"},
	"repo": {
		"files": [], "documents": [
			{"path": "release/2.4.0/approval.yaml", "front_matter": approval, "front_matter_error": ""},
			{"path": "release/2.4.0/compliance-report.yaml", "front_matter": report, "front_matter_error": ""},
		],
		"git": {"head": "c0ffee", "tags": [], "commits": [{"sha": "c0ffee", "signed": false}], "path_times": [{"path": "release/2.4.0/approval.yaml", "commit": "c0ffee", "time": "2026-11-27T10:00:00Z"}]},
	},
}

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_msgs(inp) := {v.msg | some v in deny with input as inp with data.mdrgate.runtime.time_ns as _t_now}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

test_pass_approved_release if {
	_t_msgs(_t_in(_t_approval, _t_report)) == set()
	count(not_available) == 0 with input as _t_in(_t_approval, _t_report)
}

test_fail_missing_approval if {
	inp := {"product": {"version": "2.4.0"}, "repo": {"files": [], "documents": []}}
	_t_msgs(inp) == {"release/2.4.0/approval.yaml is missing: record the release sign-off there (approved_by, role, date, residual_risk, signature, compliance_report)"}
}

test_fail_incomplete_approval if {
	a := {"version": "2.3.0", "approved_by": "X", "role": "Developer", "date": "2026-12-24"}
	_t_msgs(_t_in(a, _t_report)) == {
		"release/2.4.0/approval.yaml: residual_risk is missing or empty",
		"release/2.4.0/approval.yaml: signature is missing or empty",
		"release/2.4.0/approval.yaml: compliance_report is missing or empty",
		"release/2.4.0/approval.yaml: version \"2.3.0\" is not the release version 2.4.0",
		"release/2.4.0/approval.yaml: role \"Developer\" may not sign off a release: expected one of Head of Product Security, Head of Quality and Regulatory Affairs, Product Security Officer (parameter approver_roles)",
		"release/2.4.0/approval.yaml: date 2026-12-24 is in the future",
	}
}

test_fail_failing_control_in_report if {
	r := _t_set(_t_report, "controls", array.concat(_t_report.controls, [_t_ctl("VER-02", "fail", true), object.union(_t_ctl("IMP-04", "waived", true), {"waiver": {}})]))
	_t_msgs(_t_in(_t_approval, r)) == {
		"release/2.4.0/compliance-report.yaml: gating control VER-02 is \"fail\" in the approved report: fix it, or waive it with an expiry, and re-run the gate",
		"release/2.4.0/compliance-report.yaml: gating control IMP-04 is \"waived\" in the approved report: fix it, or waive it with an expiry, and re-run the gate",
	}
}

test_fail_wrong_report if {
	r := object.union(_t_report, {"event": "pull_request", "product": {"version": "2.3.0"}, "evaluated_at": "2026-10-01T00:00:00Z"})
	_t_msgs(_t_in(_t_approval, r)) == {
		"release/2.4.0/compliance-report.yaml was evaluated for \"pull_request\", not for the release event",
		"release/2.4.0/compliance-report.yaml is for version \"2.3.0\", not the release version 2.4.0",
		"release/2.4.0/compliance-report.yaml: the report (evaluated 2026-10-01T00:00:00Z) is 57 days older than the approval (2026-11-27T00:00:00Z); the limit is 30 days: re-run the gate and approve again",
	}
	_t_msgs(_t_in(_t_approval, {"schema": "x"})) == {"release/2.4.0/compliance-report.yaml is not a mdrgate compliance report (schema \"x\", want mdrgate.report/v1)"}
	newer := _t_set(_t_report, "evaluated_at", "2026-11-28T00:00:00Z")
	_t_msgs(_t_in(_t_approval, newer)) == {"release/2.4.0/compliance-report.yaml: the report (evaluated 2026-11-28T00:00:00Z) is newer than the approval (2026-11-27T00:00:00Z): the approver cannot have seen it"}
}

test_fail_report_missing_and_unsigned_commit if {
	inp := {"product": {"version": "2.4.0"}, "repo": {"files": [], "documents": [{"path": "release/2.4.0/approval.yaml", "front_matter": _t_approval, "front_matter_error": ""}], "git": {"head": "c0ffee", "tags": [], "commits": [{"sha": "c0ffee", "signed": false}], "path_times": [{"path": "release/2.4.0/approval.yaml", "commit": "c0ffee", "time": "2026-11-27T10:00:00Z"}]}}}
	msgs := {v.msg | some v in deny with input as inp with data.mdrgate.runtime.time_ns as _t_now with data.mdrgate.runtime.params["REL-03"].require_signed_commit as true}
	msgs == {
		"release/2.4.0/approval.yaml: compliance_report release/2.4.0/compliance-report.yaml is not in the repository as a document: write it with mdrgate check --event release -o json=release/2.4.0/compliance-report.yaml",
		"release/2.4.0/approval.yaml: the last commit touching it (c0ffee) is not signed (parameter require_signed_commit)",
	}
}

test_not_available_without_release_version if {
	not_available == {"cannot tell the release version: set product.version in .mdrgate.yaml or tag HEAD"} with input as {"product": {"version": ""}, "repo": {"files": [], "documents": []}}
	count(deny) == 0 with input as {"product": {"version": ""}, "repo": {"files": [], "documents": []}}
}
