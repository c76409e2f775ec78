# METADATA
# title: Security development plan and security risk-management plan exist and are current
# description: >-
#   docs/security/sdl-plan.md (the secure development life-cycle plan) and
#   docs/security/security-risk-mgmt-plan.md (the security risk-management plan) must
#   exist with YAML front matter id, version, owner, approved_by and last_reviewed, and
#   with the headings of the activities they plan: each keyword of sdl_headings and
#   risk_plan_headings must appear in a heading (case-insensitive). A missing document,
#   key, approval, heading or review date fails; a last_reviewed older than
#   max_age_days warns on a pull request and fails on release and schedule. Whether the
#   plans are adequate is for a person to judge: this control checks presence,
#   structure and freshness only.
# custom:
#   id: GOV-01
#   type: D
#   severity: medium
#   refs:
#     iec81001: ["4.1.1", "5.1.1", "4.2"]
#     mdr: ["17.2"]
#     mdcg: ["3.1", "3.2"]
#     fda: ["IV.A", "524B(b)(2)"]
#     ssdf: ["PO.1.1", "PO.1.2"]
#     iec62304: ["5.1"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Add docs/security/sdl-plan.md and docs/security/security-risk-mgmt-plan.md (mdrgate
#     init writes templates) with front matter id, version, owner, approved_by and
#     last_reviewed, and a heading for each planned activity; review them at least every
#     max_age_days days and update last_reviewed.
#   params:
#     sdl_plan_path: docs/security/sdl-plan.md
#     risk_plan_path: docs/security/security-risk-mgmt-plan.md
#     sdl_headings: ["Roles", "Security requirements", "Threat model", "Secure coding", "Security testing", "Release", "Post-market"]
#     risk_plan_headings: ["Scope", "Risk acceptance", "Risk estimation", "Risk control", "Residual risk"]
#     max_age_days: 365
package mdrgate.controls.gov01

import data.mdrgate.lib

_keys := ["id", "version", "owner"]

# _plans are [path, what, heading keywords] of the two plans.
_plans := [
	[lib.param("GOV-01", "sdl_plan_path"), "security development plan", lib.strings_of(lib.param("GOV-01", "sdl_headings"))],
	[lib.param("GOV-01", "risk_plan_path"), "security risk-management plan", lib.strings_of(lib.param("GOV-01", "risk_plan_headings"))],
]

deny contains lib.violation(sprintf("%s is missing: write the %s there", [p, what]), p, 0) if {
	some [p, what, _] in _plans
	not lib.doc(p)
}

deny contains lib.violation(sprintf("%s: %s", [p, problem]), p, 0) if {
	some [p, _, _] in _plans
	problem := lib.front_matter_problem(lib.doc(p))
}

# _plan is each plan document with usable front matter.
_plan contains [p, what, hs, d] if {
	some [p, what, hs] in _plans
	d := lib.doc(p)
	not lib.front_matter_problem(d)
}

deny contains lib.violation(sprintf("%s: front matter has no %s", [p, k]), p, 0) if {
	some [p, _, _, d] in _plan
	some k in lib.missing_keys(d.front_matter, _keys)
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the %s", [p, what]), p, 0) if {
	some [p, what, _, d] in _plan
	not lib.approved(d.front_matter)
}

deny contains lib.violation(sprintf("%s: %s", [p, problem]), p, 0) if {
	some [p, _, _, d] in _plan
	problem := lib.date_problem("last_reviewed", object.get(d.front_matter, "last_reviewed", null))
}

deny contains lib.violation(
	sprintf("%s: no heading names the activity %q: add a section for it", [p, h]),
	p, 0,
) if {
	some [p, _, hs, d] in _plan
	some h in lib.missing_headings(d, hs)
}

_stale contains lib.violation(sprintf("%s: %s: review the plan and update last_reviewed", [p, msg]), p, 0) if {
	some [p, _, _, d] in _plan
	some msg in lib.staleness("last_reviewed", object.get(d.front_matter, "last_reviewed", null), lib.param("GOV-01", "max_age_days"), p, [])
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)
