# METADATA
# title: Product security context and minimum IT requirements documented
# description: >-
#   docs/security/security-context.md documents the product security context (IEC
#   81001-5-1 7.1.2): the intended use environment, the security assumptions about it,
#   and the minimum IT requirements the operator must meet (hardware, operating system,
#   network, IT security measures). It needs front matter id, version, owner,
#   approved_by and last_reviewed, and a heading naming each keyword of
#   required_headings (case-insensitive). last_reviewed must be within max_age_days and
#   on or after the day of the last commit touching any of watched_paths (folders end
#   with /; the architecture views by default); a stale context warns on a pull request
#   and fails on release and schedule. Without git history that part is not_available.
#   Whether the context is adequate, and whether the IFU carries the minimum IT
#   requirements (REL-04), is for a person to judge.
# custom:
#   id: RSK-01
#   type: D
#   severity: medium
#   refs:
#     iec81001: ["7.1.2"]
#     mdr: ["17.4", "23.4(ab)"]
#     mdcg: ["3.6"]
#     fda: ["V.A.3"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Write docs/security/security-context.md (mdrgate init writes a template) with
#     sections on the use environment, the security assumptions and the minimum
#     hardware, operating system, network and IT security measures, and review it when
#     the architecture changes.
#   params:
#     path: docs/security/security-context.md
#     required_headings: ["Use environment", "Assumptions", "Hardware", "Operating system", "Network", "IT security measures"]
#     watched_paths: ["docs/security/architecture/", "interfaces.yaml"]
#     max_age_days: 365
package mdrgate.controls.rsk01

import data.mdrgate.lib

_path := lib.param("RSK-01", "path")

_watched := lib.strings_of(lib.param("RSK-01", "watched_paths"))

_ctx := lib.doc(_path)

_fm := lib.front_matter(_ctx)

_usable if {
	_ctx
	not lib.front_matter_problem(_ctx)
}

deny contains lib.violation(sprintf("%s is missing: document the product security context and the minimum IT requirements there", [_path]), _path, 0) if {
	not _ctx
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(_ctx)
}

deny contains lib.violation(sprintf("%s: front matter has no %s", [_path, k]), _path, 0) if {
	_usable
	some k in lib.missing_keys(_fm, ["id", "version", "owner"])
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the security context", [_path]), _path, 0) if {
	_usable
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	_usable
	problem := lib.date_problem("last_reviewed", object.get(_fm, "last_reviewed", null))
}

deny contains lib.violation(sprintf("%s: no heading names %q: add a section for it", [_path, h]), _path, 0) if {
	_usable
	some h in lib.missing_headings(_ctx, lib.strings_of(lib.param("RSK-01", "required_headings")))
}

_stale contains lib.violation(sprintf("%s: %s: review the security context and update last_reviewed", [_path, msg]), _path, 0) if {
	_usable
	some msg in lib.staleness("last_reviewed", object.get(_fm, "last_reviewed", null), lib.param("RSK-01", "max_age_days"), _path, _watched)
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)

not_available contains sprintf("git history is not available: cannot check the security context against changes to %s", [concat(", ", _watched)]) if {
	lib.git_missing
	count(_watched) > 0
}
