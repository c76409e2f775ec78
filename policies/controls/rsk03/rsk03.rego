# METADATA
# title: "Cybersecurity risk assessment: exploitability-based, acceptance criteria, residual risk"
# description: >-
#   docs/security/risk-register.yaml holds the security risk assessment: front matter
#   id, version, owner, approved_by, last_reviewed, and a risks list. Every risk row
#   needs a unique id, the threat_id it assesses, exploitability (one of
#   exploitability_levels), severity of the harm (one of severity_levels), the risk
#   level before (pre) and after (post) its controls (risk_levels, lowest first; post
#   may not exceed pre), controls (security requirement ids; required when pre is not
#   one of acceptable_levels), a decision (accept, or exception when the residual risk
#   is not acceptable, with exception {id, approved_by}) and accepted_by, the sign-off
#   of the residual risk. A row with safety_impact true needs hazard_ref, the id in the
#   ISO 14971 risk management file. Every threat of the threat model (RSK-02) must have
#   at least one row; without threats that part is not_available. last_reviewed must be
#   within max_age_days and on or after the day of the last commit touching
#   watched_paths (the threat model by default); a stale register warns on a pull
#   request and fails on release and schedule, and without git history that part is
#   not_available. Whether the estimates are right is for a person to judge.
# custom:
#   id: RSK-03
#   type: X
#   severity: high
#   refs:
#     iec81001: ["7.3", "7.4", "7.5"]
#     mdcg: ["3.4", "3.5", "Annex IV"]
#     fda: ["V.A.2", "App4 Risk Assessment"]
#     ssdf: ["PW.1.2", "RV.2.1"]
#     iec62304: ["7"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Keep docs/security/risk-register.yaml (mdrgate init writes a template) with one or
#     more rows per threat of the threat model, each with exploitability, severity, pre
#     and post risk levels, controls, decision and accepted_by; record an approved
#     exception for any residual risk above the acceptance criteria, and review the
#     register whenever the threat model changes.
#   params:
#     exploitability_levels: ["high", "medium", "low"]
#     severity_levels: ["catastrophic", "critical", "serious", "minor", "negligible"]
#     risk_levels: ["low", "medium", "high", "critical"]
#     acceptable_levels: ["low", "medium"]
#     watched_paths: ["docs/security/threat-model/"]
#     max_age_days: 365
package mdrgate.controls.rsk03

import data.mdrgate.lib

_path := lib.risk_register_path

_reg := lib.risk_register

_fm := lib.front_matter(_reg)

_watched := lib.strings_of(lib.param("RSK-03", "watched_paths"))

_levels(name) := [lower(x) | some x in lib.strings_of(lib.param("RSK-03", name))]

_usable if {
	_reg
	not lib.front_matter_problem(_reg)
}

deny contains lib.violation(sprintf("%s is missing: assess the security risk of every threat there", [_path]), _path, 0) if {
	not _reg
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(_reg)
}

deny contains lib.violation(sprintf("%s: front matter has no %s", [_path, k]), _path, 0) if {
	_usable
	some k in lib.missing_keys(_fm, ["id", "version", "owner"])
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the risk assessment", [_path]), _path, 0) if {
	_usable
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	_usable
	problem := lib.date_problem("last_reviewed", object.get(_fm, "last_reviewed", null))
}

deny contains lib.violation(sprintf("%s: risks must be a non-empty list of risk rows", [_path]), _path, 0) if {
	_usable
	not lib.non_empty_array(object.get(_fm, "risks", null))
}

deny contains lib.violation(sprintf("%s: risks[%d] is not a map", [_path, i]), _path, 0) if {
	rows := object.get(_fm, "risks", [])
	is_array(rows)
	some i, r in rows
	not is_object(r)
}

# Rows.

_label(r) := sprintf("risks[%d] (%s)", [r._index, r.id]) if lib.non_empty_string(object.get(r, "id", null))

else := sprintf("risks[%d]", [r._index])

_row(r, msg) := lib.violation(sprintf("%s: %s %s", [_path, _label(r), msg]), _path, 0)

deny contains _row(r, "has no id") if {
	some r in lib.risks
	not lib.non_empty_string(object.get(r, "id", null))
}

deny contains lib.violation(sprintf("%s: risk id %s is used %d times: ids must be unique", [_path, id, n]), _path, 0) if {
	some id in lib.risk_ids
	n := count([r | some r in lib.risks; r.id == id])
	n > 1
}

deny contains _row(r, "names no threat_id: say which threat of the threat model it assesses") if {
	some r in lib.risks
	count(lib.risk_threat_ids(r)) == 0
}

_level_keys := [
	["exploitability", "exploitability_levels"],
	["severity", "severity_levels"],
	["pre", "risk_levels"],
	["post", "risk_levels"],
]

deny contains _row(r, sprintf("has %s %s: expected one of %s", [key, lib.show(object.get(r, key, null)), concat(", ", _levels(param))])) if {
	some r in lib.risks
	some [key, param] in _level_keys
	not _in_levels(object.get(r, key, null), _levels(param))
}

_in_levels(v, levels) if {
	is_string(v)
	lower(v) in levels
}

_rank(v) := i if {
	some i, l in _levels("risk_levels")
	l == lower(v)
}

deny contains _row(r, sprintf("has post %s above pre %s: controls cannot raise the risk", [r.post, r.pre])) if {
	some r in lib.risks
	_rank(r.post) > _rank(r.pre)
}

_acceptable(v) if {
	is_string(v)
	lower(v) in _levels("acceptable_levels")
}

deny contains _row(r, sprintf("has pre %s, above the acceptance criteria, and no controls: list the security requirements that reduce it", [r.pre])) if {
	some r in lib.risks
	_in_levels(r.pre, _levels("risk_levels"))
	not _acceptable(r.pre)
	count(lib.risk_controls(r)) == 0
}

deny contains _row(r, sprintf("has decision %s: expected accept or exception", [lib.show(object.get(r, "decision", null))])) if {
	some r in lib.risks
	not object.get(r, "decision", null) in {"accept", "exception"}
}

deny contains _row(r, sprintf("has post %s, above the acceptance criteria (%s), with decision accept: reduce the risk further or record an approved exception (decision: exception, exception: {id, approved_by})", [r.post, concat(", ", _levels("acceptable_levels"))])) if {
	some r in lib.risks
	_in_levels(r.post, _levels("risk_levels"))
	not _acceptable(r.post)
	r.decision == "accept"
}

deny contains _row(r, "has decision exception without an approved exception: add exception: {id, approved_by}") if {
	some r in lib.risks
	r.decision == "exception"
	not _exception(object.get(r, "exception", null))
}

_exception(e) if {
	is_object(e)
	lib.non_empty_string(object.get(e, "id", null))
	lib.approved(e)
}

deny contains _row(r, "has no accepted_by: record who accepted the residual risk") if {
	some r in lib.risks
	not lib.approved({"approved_by": object.get(r, "accepted_by", null)})
}

deny contains _row(r, "has safety_impact true but no hazard_ref: link the hazard in the ISO 14971 risk management file") if {
	some r in lib.risks
	object.get(r, "safety_impact", false) == true
	not lib.non_empty_string(object.get(r, "hazard_ref", null))
}

# Coverage of the threat model.

_assessed := {t | some r in lib.risks; some t in lib.risk_threat_ids(r)}

deny contains lib.violation(
	sprintf("%s: threat %s of %s has no risk row: assess it (a row with threat_id: %s)", [_path, t.id, t._doc, t.id]),
	_path, 0,
) if {
	_usable
	some t in lib.threats
	lib.non_empty_string(object.get(t, "id", null))
	not t.id in _assessed
}

not_available contains "the threat model (RSK-02) lists no threats: cannot check that every threat has a risk row" if {
	input.repo
	count(lib.threat_ids) == 0
}

# Freshness.

_stale contains lib.violation(sprintf("%s: %s: review the risk assessment and update last_reviewed", [_path, msg]), _path, 0) if {
	_usable
	some msg in lib.staleness("last_reviewed", object.get(_fm, "last_reviewed", null), lib.param("RSK-03", "max_age_days"), _path, _watched)
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)

not_available contains sprintf("git history is not available: cannot check the risk register against changes to %s", [concat(", ", _watched)]) if {
	lib.git_missing
	count(_watched) > 0
}
