# METADATA
# title: Vulnerability triage within SLA, with maintained VEX
# description: >-
#   Reads the surveillance result. Every finding that is not resolved needs a VEX
#   decision (vex_status) within triage_days of first_seen. A decision must be one of
#   not_affected, affected, fixed or under_investigation; not_affected needs an OpenVEX
#   justification; affected and under_investigation need a due date no later than
#   first_seen plus the SLA of the finding's severity, from the security update policy's
#   sla_days (GOV-04, docs/security/update-policy.md), else the surveillance run's
#   sla_days (a severity with no SLA, such as unknown, is not checked against one).
#   A finding in the CISA KEV catalogue that is not resolved, fixed or not_affected is
#   flagged as a warning: it calls for an out-of-cycle release. Without surveillance
#   evidence, or without any SLA, the control is not_available. Whether a decision is
#   right is for a person to judge.
# custom:
#   id: PMS-02
#   type: A
#   severity: high
#   refs:
#     iec81001: ["9.3", "9.4", "9.5"]
#     mdr: ["Art. 83"]
#     mdcg: ["5"]
#     fda: ["2016 postmarket guidance", "524B(b)(2)"]
#     ssdf: ["RV.2.1", "RV.2.2"]
#     cra: ["II-2"]
#   evidence: ["surveillance"]
#   events: [release, schedule]
#   remediation: >-
#     Triage every new finding in a VEX document (not_affected with a justification, or
#     affected/under_investigation with a due date within the update policy's SLA) and
#     re-run mdrgate surveil so the result carries the decision.
#   params:
#     triage_days: 14
package mdrgate.controls.pms02

import data.mdrgate.lib

_surv := input.surveillance if is_object(input.surveillance)

_justifications := {
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

_statuses := {"not_affected", "affected", "fixed", "under_investigation"}

_sla := lib.update_policy_sla if lib.update_policy_sla

else := _surv.sla_days if {
	is_object(_surv.sla_days)
	count(_surv.sla_days) > 0
}

_sla_source := lib.update_policy_path if lib.update_policy_sla

else := sprintf("sla_days of %s", [_surv.path])

not_available contains sprintf("no SLA: neither %s nor the surveillance result declares sla_days", [lib.update_policy_path]) if {
	_surv
	not _sla
}

_open contains [sv.version, f] if {
	some sv in _surv.versions
	some f in sv.findings
	f.state != "resolved"
}

_label(version, f) := sprintf("%s (%s) in %s@%s of version %s", [f.id, object.get(f, "severity", "unknown"), object.get(f, ["package", "name"], "?"), object.get(f, ["package", "version"], "?"), version])

_triage := lib.param("PMS-02", "triage_days")

deny contains lib.violation(
	sprintf("%s was first seen %s, %d days ago, and has no VEX decision: triage within %v days (parameter triage_days)", [_label(v, f), substring(f.first_seen, 0, 10), age, _triage]),
	_surv.path, 0,
) if {
	some [v, f] in _open
	object.get(f, "vex_status", "") == ""
	lib.is_date(f.first_seen)
	age := lib.days_since(f.first_seen)
	age > _triage
}

deny contains lib.violation(sprintf("%s has first_seen %s: expected an RFC 3339 time", [_label(v, f), json.marshal(object.get(f, "first_seen", null))]), _surv.path, 0) if {
	some [v, f] in _open
	not lib.is_date(object.get(f, "first_seen", null))
}

deny contains lib.violation(
	sprintf("%s has VEX status %s: expected one of %s", [_label(v, f), json.marshal(f.vex_status), concat(", ", sort(_statuses))]),
	_surv.path, 0,
) if {
	some [v, f] in _open
	object.get(f, "vex_status", "") != ""
	not f.vex_status in _statuses
}

deny contains lib.violation(
	sprintf("%s is not_affected without a justification: give one of %s", [_label(v, f), concat(", ", sort(_justifications))]),
	_surv.path, 0,
) if {
	some [v, f] in _open
	f.vex_status == "not_affected"
	not object.get(f, "vex_justification", "") in _justifications
}

deny contains lib.violation(
	sprintf("%s is %s without a due date: plan the fix within the SLA", [_label(v, f), f.vex_status]),
	_surv.path, 0,
) if {
	some [v, f] in _open
	f.vex_status in {"affected", "under_investigation"}
	not lib.is_date(object.get(f, "due_date", null))
}

deny contains lib.violation(
	sprintf("%s is due %s, later than first seen (%s) plus the %s SLA of %v days (%s): bring the due date forward", [_label(v, f), substring(f.due_date, 0, 10), substring(f.first_seen, 0, 10), lower(f.severity), days, _sla_source]),
	_surv.path, 0,
) if {
	some [v, f] in _open
	f.vex_status in {"affected", "under_investigation"}
	lib.is_date(object.get(f, "due_date", null))
	lib.is_date(f.first_seen)
	days := _sla[lower(object.get(f, "severity", ""))]
	is_number(days)
	lib.day_number(lib.parse_date_ns(f.due_date)) > lib.day_number(lib.parse_date_ns(f.first_seen)) + days
}

warn contains lib.violation(
	sprintf("%s is in the CISA KEV catalogue and %s: flagged for an out-of-cycle security release", [_label(v, f), _kev_state(f)]),
	_surv.path, 0,
) if {
	some [v, f] in _open
	f.kev == true
	not object.get(f, "vex_status", "") in {"not_affected", "fixed"}
}

_kev_state(f) := sprintf("is %s", [f.vex_status]) if object.get(f, "vex_status", "") != ""

else := "has no VEX decision"
