# METADATA
# title: Release security gate and sign-off
# description: >-
#   The release needs a signed approval, release/<version>/approval.yaml, and the
#   compliance report it approves (docs/formats/release-approval.md). The approval must
#   name the version, approved_by, a role among approver_roles, a date (not in the
#   future), a residual_risk statement, the reference of its electronic signature
#   (signature) and compliance_report, the path of a mdrgate.report/v1 JSON report
#   stored under release/ as .yaml so that it is read as a document
#   (mdrgate check --event release -o json=release/<version>/compliance-report.yaml).
#   The report must be for the release event and the released version, evaluated no
#   more than max_report_age_days before the approval and not after it, and every
#   gating control in it other than REL-03 must have passed, or be waived by a waiver
#   with an expiry date. With require_signed_commit the last commit touching the
#   approval must also be signed. Whether the residual risk is acceptable is for the
#   approver to judge.
# custom:
#   id: REL-03
#   type: X
#   severity: high
#   refs:
#     iec81001: ["5.8.1", "5.8.5", "5.8.6"]
#     mdr: ["17.2"]
#     mdcg: ["4.2"]
#     fda: ["524B(b)(2)"]
#     ssdf: ["PO.4.1", "PO.4.2"]
#     iec62304: ["5.8.1", "5.8.6"]
#     cra: ["I-1"]
#   evidence: ["repo"]
#   events: [release]
#   remediation: >-
#     Run mdrgate check --event release -o json=release/<version>/compliance-report.yaml,
#     fix or waive what fails, then have an authorised role record the sign-off in
#     release/<version>/approval.yaml (approved_by, role, date, residual_risk,
#     signature, compliance_report) and commit both.
#   params:
#     approver_roles: ["Head of Product Security", "Product Security Officer", "Head of Quality and Regulatory Affairs"]
#     max_report_age_days: 30
#     require_signed_commit: false
package mdrgate.controls.rel03

import data.mdrgate.lib

_path := concat("", [lib.release_dir, "approval.yaml"])

_approval := lib.doc(_path)

_fm := lib.front_matter(_approval)

_roles := {lower(r) | some r in lib.strings_of(lib.param("REL-03", "approver_roles"))}

not_available contains "cannot tell the release version: set product.version in .mdrgate.yaml or tag HEAD" if {
	not lib.release_version
}

deny contains lib.violation(
	sprintf("%s is missing: record the release sign-off there (approved_by, role, date, residual_risk, signature, compliance_report)", [_path]),
	_path, 0,
) if {
	lib.release_version
	not _approval
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(_approval)
}

_ok := _approval if not lib.front_matter_problem(_approval)

deny contains lib.violation(sprintf("%s: %s is missing or empty", [_path, k]), _path, 0) if {
	_ok
	some k in ["approved_by", "role", "residual_risk", "signature", "compliance_report"]
	not lib.non_empty_string(object.get(_fm, k, null))
}

deny contains lib.violation(
	sprintf("%s: version %s is not the release version %s", [_path, json.marshal(object.get(_fm, "version", null)), lib.release_version]),
	_path, 0,
) if {
	_ok
	not lib.strip_v(sprintf("%v", [object.get(_fm, "version", "")])) == lib.release_version
}

deny contains lib.violation(
	sprintf("%s: role %s may not sign off a release: expected one of %s (parameter approver_roles)", [_path, json.marshal(_fm.role), concat(", ", sort(lib.strings_of(lib.param("REL-03", "approver_roles"))))]),
	_path, 0,
) if {
	lib.non_empty_string(_fm.role)
	not lower(trim_space(_fm.role)) in _roles
}

deny contains lib.violation(sprintf("%s: date %s is not a date (YYYY-MM-DD)", [_path, json.marshal(object.get(_fm, "date", null))]), _path, 0) if {
	_ok
	not lib.is_date(object.get(_fm, "date", null))
}

deny contains lib.violation(sprintf("%s: date %s is in the future", [_path, _fm.date]), _path, 0) if {
	lib.is_date(_fm.date)
	lib.days_since(_fm.date) < 0
}

deny contains lib.violation(
	sprintf("%s: the last commit touching it (%s) is not signed (parameter require_signed_commit)", [_path, substring(_last_commit, 0, 12)]),
	_path, 0,
) if {
	_ok
	lib.param("REL-03", "require_signed_commit") == true
	not _signed_commit
}

_commits_of_approval := [pt.commit | some pt in object.get(input, ["repo", "git", "path_times"], []); pt.path == _path]

_last_commit := _commits_of_approval[0] if count(_commits_of_approval) > 0

else := ""

_signed_commit if {
	some c in object.get(input, ["repo", "git", "commits"], [])
	c.sha == _last_commit
	c.signed == true
}

# The compliance report.

_report_path := trim_prefix(_fm.compliance_report, "./") if lib.non_empty_string(object.get(_fm, "compliance_report", null))

_report_doc := lib.doc(_report_path)

_report := lib.front_matter(_report_doc)

deny contains lib.violation(
	sprintf("%s: compliance_report %s is not in the repository as a document: write it with mdrgate check --event release -o json=%scompliance-report.yaml", [_path, _report_path, lib.release_dir]),
	_path, 0,
) if {
	_report_path
	not _report_doc
}

deny contains lib.violation(sprintf("%s: %s", [_report_path, problem]), _report_path, 0) if {
	problem := lib.front_matter_problem(_report_doc)
}

deny contains lib.violation(
	sprintf("%s is not a mdrgate compliance report (schema %s, want mdrgate.report/v1)", [_report_path, json.marshal(object.get(_report, "schema", null))]),
	_report_path, 0,
) if {
	_report_doc
	not lib.front_matter_problem(_report_doc)
	object.get(_report, "schema", "") != "mdrgate.report/v1"
}

_valid_report if {
	_report.schema == "mdrgate.report/v1"
}

deny contains lib.violation(sprintf("%s was evaluated for %s, not for the release event", [_report_path, json.marshal(object.get(_report, "event", null))]), _report_path, 0) if {
	_valid_report
	object.get(_report, "event", "") != "release"
}

deny contains lib.violation(
	sprintf("%s is for version %s, not the release version %s", [_report_path, json.marshal(object.get(_report, ["product", "version"], null)), lib.release_version]),
	_report_path, 0,
) if {
	_valid_report
	lib.strip_v(object.get(_report, ["product", "version"], "")) != lib.release_version
}

_evaluated_ns := lib.parse_date_ns(_report.evaluated_at)

deny contains lib.violation(sprintf("%s: evaluated_at %s is not a time", [_report_path, json.marshal(object.get(_report, "evaluated_at", null))]), _report_path, 0) if {
	_valid_report
	not _evaluated_ns
}

deny contains lib.violation(
	sprintf("%s: the report (evaluated %s) is %d days older than the approval (%s); the limit is %d days: re-run the gate and approve again", [_report_path, _report.evaluated_at, age, _fm.date, max_age]),
	_report_path, 0,
) if {
	_valid_report
	lib.is_date(_fm.date)
	age := lib.day_number(lib.parse_date_ns(_fm.date)) - lib.day_number(_evaluated_ns)
	max_age := lib.param("REL-03", "max_report_age_days")
	age > max_age
}

deny contains lib.violation(
	sprintf("%s: the report (evaluated %s) is newer than the approval (%s): the approver cannot have seen it", [_report_path, _report.evaluated_at, _fm.date]),
	_report_path, 0,
) if {
	_valid_report
	lib.is_date(_fm.date)
	lib.day_number(_evaluated_ns) > lib.day_number(lib.parse_date_ns(_fm.date))
}

deny contains lib.violation(sprintf("%s lists no controls", [_report_path]), _report_path, 0) if {
	_valid_report
	count([c | some c in object.get(_report, "controls", []); is_object(c)]) == 0
}

_acceptable(c) if c.outcome == "pass"

_acceptable(c) if {
	c.outcome == "waived"
	lib.is_date(object.get(c, ["waiver", "expires"], ""))
}

_acceptable(c) if object.get(c, "gate", false) != true

deny contains lib.violation(
	sprintf("%s: gating control %s is %s in the approved report: fix it, or waive it with an expiry, and re-run the gate", [_report_path, object.get(c, "id", "?"), json.marshal(object.get(c, "outcome", null))]),
	_report_path, 0,
) if {
	_valid_report
	some c in object.get(_report, "controls", [])
	is_object(c)
	object.get(c, "id", "") != "REL-03"
	not _acceptable(c)
}
