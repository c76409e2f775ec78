# METADATA
# title: Independent penetration test per major release
# description: >-
#   A penetration test summary, docs/security/pentest/<release>/summary.yaml (format in
#   docs/formats/pentest-summary.md), must exist for the major version being released
#   (product.version): its release key names the version tested, of the same major
#   version. The newest such summary (by end date) must name the testing
#   organisation, state independent: true with a testing organisation other than the
#   manufacturer, list the scope and methods, give start and end dates with the end
#   within max_age_days of the evaluation and no later than it, the report's sha256,
#   and a findings list in which no critical or high finding is still open (status
#   other than fixed, verified or closed). It gates a class C (IEC 62304) or class III
#   (MDR) release, as it does class B, IIa and IIb and any product whose class is
#   not configured; for a class A software system that is not class III the findings
#   are warnings, since IEC 81001-5-1 scales penetration testing with the risk. The
#   test's adequacy is for a person to judge (type D).
# custom:
#   id: VER-04
#   type: D
#   severity: high
#   refs:
#     iec81001: ["5.7.4", "5.7.5"]
#     mdr: ["17.2"]
#     mdcg: ["3.7"]
#     fda: ["V.C"]
#     ssdf: ["PW.8.2"]
#   evidence: ["repo"]
#   events: [release]
#   remediation: >-
#     Have an independent tester (not the development team, not the manufacturer's
#     own staff) penetration-test every major release, store the summary in
#     docs/security/pentest/<release>/summary.yaml with the tester, scope, methods,
#     dates, report sha256 and findings, and fix or close every critical and high
#     finding before release.
#   params:
#     dir: docs/security/pentest/
#     max_age_days: 365
package mdrgate.controls.ver04

import data.mdrgate.lib

_dir := lib.param("VER-04", "dir")

_version := object.get(input, ["product", "version"], "")

_major := lib.major_version(_version)

# _low_class is true when a finding should only warn: IEC 62304 class A and not MDR class III.
_low_class if {
	upper(object.get(input, ["product", "iec62304_class"], "")) == "A"
	upper(object.get(input, ["product", "mdr_class"], "")) != "III"
}

_summaries := [d |
	some d in lib.docs_under(_dir)
	endswith(d.path, "/summary.yaml")
	count(split(trim_prefix(d.path, _dir), "/")) == 2
]

_for_major := [d |
	some d in _summaries
	fm := lib.front_matter(d)
	lib.major_version(sprintf("%v", [object.get(fm, "release", "")])) == _major
]

not_available contains "product.version is not configured: cannot tell which major release needs a penetration test" if {
	not lib.non_empty_string(_version)
}

not_available contains sprintf("product.version %q is not a version (expected e.g. 2.4.0): cannot tell which major release needs a penetration test", [_version]) if {
	lib.non_empty_string(_version)
	not _major
}

_end_ns(d) := lib.parse_date_ns(lib.front_matter(d).end) if lib.is_date(object.get(lib.front_matter(d), "end", null))

else := 0

# summary is the newest summary for the major version being released.
summary := d if {
	count(_for_major) > 0
	newest := max({_end_ns(x) | some x in _for_major})
	d := sort([x.path | some x in _for_major; _end_ns(x) == newest])[0]
} else := null

_summary := [d | some d in _for_major; d.path == summary][0]

_fm := lib.front_matter(_summary)

problems contains sprintf("no penetration test summary for major version %s under %s (expected %s<release>/summary.yaml with release: %s)", [_major, _dir, _dir, _version]) if {
	_major
	summary == null
}

problems contains sprintf("%s: %s", [summary, p]) if {
	p := lib.front_matter_problem(_summary)
}

problems contains sprintf("%s: %s", [summary, p]) if {
	_summary
	not lib.front_matter_problem(_summary)
	some p in _summary_problems
}

_summary_problems contains "tester.organization is missing" if {
	not lib.non_empty_string(object.get(_fm, ["tester", "organization"], null))
}

_summary_problems contains "the test is not declared independent (independent: true)" if {
	object.get(_fm, "independent", null) != true
}

_summary_problems contains sprintf("the tester %s is the manufacturer: the penetration test must be independent of the development organisation", [org]) if {
	org := object.get(_fm, ["tester", "organization"], "")
	lib.non_empty_string(org)
	lower(trim_space(org)) == lower(trim_space(object.get(input, ["product", "manufacturer"], "")))
}

_summary_problems contains sprintf("%s is missing or empty", [k]) if {
	some k in ["scope", "methods"]
	count(lib.strings_of(object.get(_fm, k, null))) == 0
}

_summary_problems contains sprintf("%s date is missing or not a date", [k]) if {
	some k in ["start", "end"]
	not lib.is_date(object.get(_fm, k, null))
}

_summary_problems contains sprintf("start %s is after end %s", [_fm.start, _fm.end]) if {
	lib.parse_date_ns(_fm.start) > lib.parse_date_ns(_fm.end)
}

_summary_problems contains sprintf("the test ended %d days ago (%s); the limit is %d days: test this release again", [lib.days_since(_fm.end), _fm.end, max]) if {
	max := lib.param("VER-04", "max_age_days")
	lib.days_since(_fm.end) > max
}

_summary_problems contains sprintf("end %s is in the future", [_fm.end]) if {
	lib.days_since(_fm.end) < -1
}

_summary_problems contains "report.sha256 must be the 64-hex SHA-256 of the full report" if {
	not regex.match(`^[0-9a-fA-F]{64}$`, sprintf("%v", [object.get(_fm, ["report", "sha256"], "")]))
}

_summary_problems contains "findings is missing: list every finding (an empty list when there was none)" if {
	not is_array(object.get(_fm, "findings", null))
}

_closed := {"fixed", "verified", "closed"}

_summary_problems contains sprintf("finding %s (%s) is %s: fix and retest every critical and high finding before release", [_fid(i, f), lower(f.severity), _status(f)]) if {
	some i, f in object.get(_fm, "findings", [])
	lower(object.get(f, "severity", "")) in {"critical", "high"}
	not lower(_status(f)) in _closed
}

_summary_problems contains sprintf("finding %s has no severity", [_fid(i, f)]) if {
	some i, f in object.get(_fm, "findings", [])
	not lib.non_empty_string(object.get(f, "severity", null))
}

_fid(i, f) := f.id if lib.non_empty_string(object.get(f, "id", null))

else := sprintf("%d", [i + 1])

_status(f) := s if {
	s := object.get(f, "status", "")
	lib.non_empty_string(s)
} else := "without a status"

_where := summary if summary != null

else := _dir

deny contains lib.violation(p, _where, 0) if {
	not _low_class
	some p in problems
}

warn contains lib.violation(sprintf("%s (class A software: a warning, not a gate)", [p]), _where, 0) if {
	_low_class
	some p in problems
}
