# METADATA
# title: Security update policy with severity-based SLAs
# description: >-
#   docs/security/update-policy.md must exist with YAML front matter declaring sla_days
#   with critical, high, medium and low, each a positive number of days, and
#   regular_cycle_days (the regular release cycle, a positive number). The critical SLA
#   must not exceed critical_max_days, and each tier must be no shorter than the tier
#   above it (critical ≤ high ≤ medium ≤ low). approved_by must name the approver and
#   last_reviewed must be within max_age_days of the evaluation time. The file missing
#   is a failure, not missing evidence. Whether the SLAs are adequate is for a person to
#   judge; the SLAs feed PMS-03.
# custom:
#   id: GOV-04
#   type: D
#   severity: medium
#   refs:
#     iec81001: ["6.1.1"]
#     mdcg: ["3.8"]
#     fda: ["524B(b)(2)(A)(B)", "VI.B"]
#     ssdf: ["RV.2.2"]
#     cra: ["II-2", "II-8"]
#   evidence: ["repo"]
#   events: [release, schedule]
#   remediation: >-
#     Add docs/security/update-policy.md with front matter such as
#     `sla_days: {critical: 30, high: 60, medium: 90, low: 180}`, `regular_cycle_days: 90`,
#     `approved_by` and `last_reviewed`, and describe the regular and out-of-cycle update
#     process in the body.
#   params:
#     path: docs/security/update-policy.md
#     critical_max_days: 60
#     max_age_days: 365
package mdrgate.controls.gov04

import data.mdrgate.lib

_path := lib.param("GOV-04", "path")

_tiers := ["critical", "high", "medium", "low"]

policy := lib.doc(_path)

_fm := lib.front_matter(policy)

_sla := object.get(_fm, "sla_days", null)

deny contains lib.violation(
	sprintf("%s is missing: publish the security update policy with its SLAs there", [_path]),
	_path, 0,
) if {
	not policy
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(policy)
}

deny contains lib.violation(
	sprintf("%s: front matter has no sla_days map: add sla_days: {critical, high, medium, low}", [_path]),
	_path, 0,
) if {
	policy
	not lib.front_matter_problem(policy)
	not is_object(_sla)
}

deny contains lib.violation(
	sprintf("%s: sla_days.%s is missing", [_path, tier]),
	_path, 0,
) if {
	is_object(_sla)
	some tier in _tiers
	not tier in object.keys(_sla)
}

deny contains lib.violation(
	sprintf("%s: sla_days.%s is %s: it must be a positive number of days", [_path, tier, json.marshal(_sla[tier])]),
	_path, 0,
) if {
	is_object(_sla)
	some tier in _tiers
	tier in object.keys(_sla)
	not lib.positive_number(_sla[tier])
}

deny contains lib.violation(
	sprintf("%s: sla_days.critical is %v days; the limit is %v days (parameter critical_max_days)", [_path, _sla.critical, max_days]),
	_path, 0,
) if {
	lib.positive_number(_sla.critical)
	max_days := lib.param("GOV-04", "critical_max_days")
	_sla.critical > max_days
}

deny contains lib.violation(
	sprintf("%s: sla_days.%s (%v days) is shorter than sla_days.%s (%v days): a less severe tier cannot be fixed sooner", [
		_path,
		lower_tier, _sla[lower_tier], higher_tier, _sla[higher_tier],
	]),
	_path, 0,
) if {
	some i in numbers.range(0, count(_tiers) - 2)
	higher_tier := _tiers[i]
	lower_tier := _tiers[i + 1]
	lib.positive_number(_sla[higher_tier])
	lib.positive_number(_sla[lower_tier])
	_sla[lower_tier] < _sla[higher_tier]
}

deny contains lib.violation(
	sprintf("%s: regular_cycle_days is missing or not a positive number: declare the regular update cycle in days", [_path]),
	_path, 0,
) if {
	policy
	not lib.front_matter_problem(policy)
	not lib.positive_number(object.get(_fm, "regular_cycle_days", null))
}

deny contains lib.violation(
	sprintf("%s: approved_by is not set: record who approved the policy", [_path]),
	_path, 0,
) if {
	policy
	not lib.front_matter_problem(policy)
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	policy
	not lib.front_matter_problem(policy)
	problem := lib.review_problem(_fm, lib.param("GOV-04", "max_age_days"))
}
