# METADATA
# title: Cybersecurity post-market surveillance plan
# description: >-
#   docs/security/postmarket-plan.md must exist with front matter id, version, owner,
#   approved_by, last_reviewed, scan_frequency_days (how often every supported version
#   is scanned against the vulnerability sources: a positive number, at most
#   max_scan_frequency_days; PMS-01 holds the scans to it) and sources (a list of
#   {name, type}) covering every type of required_source_types (by default a
#   vulnerability database such as NVD, OSV or GHSA, the CISA KEV catalogue and
#   supplier advisories). Its headings must name each keyword of required_headings:
#   coordinated vulnerability disclosure, communication to users, regulatory reporting.
#   A last_reviewed older than max_age_days warns on a pull request and fails on
#   release and schedule. Whether the plan is adequate is for a person to judge.
# custom:
#   id: GOV-05
#   type: D
#   severity: high
#   refs:
#     iec81001: ["6.2.1", "9.2", "9.3", "9.4", "9.5"]
#     mdr: ["Art. 83", "Art. 84", "Annex III"]
#     mdcg: ["3.8", "5.1"]
#     fda: ["VI.B", "524B(b)(1)", "2016 postmarket guidance"]
#     ssdf: ["RV.1.1"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Write docs/security/postmarket-plan.md (mdrgate init writes a template) with
#     scan_frequency_days, the monitored sources (vulnerability databases, CISA KEV,
#     supplier advisories, an ISAO) and sections on coordinated disclosure,
#     communication and regulatory reporting; review it at least every max_age_days days.
#   params:
#     path: docs/security/postmarket-plan.md
#     max_scan_frequency_days: 30
#     required_source_types: ["vulnerability_database", "kev", "supplier_advisory"]
#     required_headings: ["Sources", "Coordinated vulnerability disclosure", "Communication", "Regulatory reporting"]
#     max_age_days: 365
package mdrgate.controls.gov05

import data.mdrgate.lib

_path := lib.param("GOV-05", "path")

_plan := lib.doc(_path)

_fm := lib.front_matter(_plan)

_usable if {
	_plan
	not lib.front_matter_problem(_plan)
}

deny contains lib.violation(sprintf("%s is missing: write the post-market surveillance plan there", [_path]), _path, 0) if {
	not _plan
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(_plan)
}

deny contains lib.violation(sprintf("%s: front matter has no %s", [_path, k]), _path, 0) if {
	_usable
	some k in lib.missing_keys(_fm, ["id", "version", "owner"])
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the plan", [_path]), _path, 0) if {
	_usable
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	_usable
	problem := lib.date_problem("last_reviewed", object.get(_fm, "last_reviewed", null))
}

_freq := object.get(_fm, "scan_frequency_days", null)

deny contains lib.violation(
	sprintf("%s: scan_frequency_days is %s: declare how often (in days) the released versions are scanned, a positive number", [_path, lib.show(_freq)]),
	_path, 0,
) if {
	_usable
	not lib.positive_number(_freq)
}

deny contains lib.violation(
	sprintf("%s: scan_frequency_days is %v; the limit is %v days (parameter max_scan_frequency_days)", [_path, _freq, max_days]),
	_path, 0,
) if {
	lib.positive_number(_freq)
	max_days := lib.param("GOV-05", "max_scan_frequency_days")
	_freq > max_days
}

_sources := object.get(_fm, "sources", null)

deny contains lib.violation(sprintf("%s: sources must be a non-empty list of {name, type}", [_path]), _path, 0) if {
	_usable
	not lib.non_empty_array(_sources)
}

deny contains lib.violation(sprintf("%s: sources[%d] needs a name and a type", [_path, i]), _path, 0) if {
	is_array(_sources)
	some i, s in _sources
	not _source(s)
}

_source(s) if {
	is_object(s)
	lib.non_empty_string(object.get(s, "name", null))
	lib.non_empty_string(object.get(s, "type", null))
}

_types := {lower(s.type) | some s in _sources; _source(s)} if is_array(_sources)

else := set()

deny contains lib.violation(
	sprintf("%s: no source of type %s is monitored (for example %s)", [_path, t, object.get(_examples, t, "see the plan template")]),
	_path, 0,
) if {
	lib.non_empty_array(_sources)
	some t in lib.strings_of(lib.param("GOV-05", "required_source_types"))
	not lower(t) in _types
}

_examples := {
	"vulnerability_database": "NVD, OSV or GitHub Security Advisories",
	"kev": "the CISA Known Exploited Vulnerabilities catalogue",
	"supplier_advisory": "the security advisories of the third-party component suppliers",
	"isao": "an ISAO such as H-ISAC",
}

deny contains lib.violation(
	sprintf("%s: no heading names %q: add a section for it", [_path, h]),
	_path, 0,
) if {
	_usable
	some h in lib.missing_headings(_plan, lib.strings_of(lib.param("GOV-05", "required_headings")))
}

_stale contains lib.violation(sprintf("%s: %s: review the plan and update last_reviewed", [_path, msg]), _path, 0) if {
	_usable
	some msg in lib.staleness("last_reviewed", object.get(_fm, "last_reviewed", null), lib.param("GOV-05", "max_age_days"), _path, [])
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)
