# METADATA
# title: Periodic review of the security defect-management process, with metrics
# description: >-
#   The security defect-management process is reviewed periodically and each review is
#   recorded in docs/security/reviews/<YYYY-MM-DD>-dm-review.md, the date in the name
#   being the review date. The newest record needs front matter id, approved_by,
#   participants (a non-empty list), period (from and to dates) and a metrics map with a
#   number for each name of required_metrics (the FDA V.A.6 measures: vulnerabilities
#   identified, share patched, mean days to patch and to deploy, SLA breaches; PMS-03
#   computes them). The review date must be within max_age_days of the evaluation time
#   and on or after the day of the newest major release (a tag vN.0.0, N > 0, whose
#   commit is in the read history); a stale review warns on a pull request and fails on
#   release and schedule. Without git history the release part is not_available.
#   Whether the review is adequate is for a person to judge.
# custom:
#   id: GOV-06
#   type: D
#   severity: medium
#   refs:
#     iec81001: ["4.1.6", "4.1.8"]
#     fda: ["V.A.6"]
#     ssdf: ["RV.3.4"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Review the security defect-management process at least every max_age_days days and
#     after each major release, and record it in
#     docs/security/reviews/<YYYY-MM-DD>-dm-review.md (mdrgate init writes a template)
#     with the participants, the period and the metrics.
#   params:
#     required_metrics: ["vulnerabilities_identified", "patched_percent", "mean_days_to_patch", "mean_days_to_deploy", "sla_breaches"]
#     max_age_days: 365
package mdrgate.controls.gov06

import data.mdrgate.lib

_suffix := "-dm-review.md"

_records := lib.review_records(_suffix)

deny contains lib.violation(
	sprintf("no defect-management review record: add %s<YYYY-MM-DD>%s", [lib.reviews_dir, _suffix]),
	"", 0,
) if {
	count(_records) == 0
}

deny contains lib.violation(
	sprintf("%s: the name must start with the review date (YYYY-MM-DD-): it is not read as a review record", [d.path]),
	d.path, 0,
) if {
	some d in lib.docs_under(lib.reviews_dir)
	endswith(d.path, trim_prefix(_suffix, "-"))
	not lib.name_date(d.path)
}

_date := _records[0][0]

_review := _records[0][1]

_path := _review.path

_fm := lib.front_matter(_review)

_usable if {
	_review
	not lib.front_matter_problem(_review)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(_review)
}

deny contains lib.violation(sprintf("%s: front matter has no id", [_path]), _path, 0) if {
	_usable
	not lib.has_value(object.get(_fm, "id", null))
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the review", [_path]), _path, 0) if {
	_usable
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: participants must be a non-empty list of who took part", [_path]), _path, 0) if {
	_usable
	not lib.non_empty_array(object.get(_fm, "participants", null))
}

deny contains lib.violation(sprintf("%s: period.%s: %s", [_path, k, problem]), _path, 0) if {
	_usable
	some k in ["from", "to"]
	problem := lib.date_problem(k, object.get(_fm, ["period", k], null))
}

deny contains lib.violation(sprintf("%s: period.from %s is after period.to %s", [_path, p.from, p.to]), _path, 0) if {
	_usable
	p := _fm.period
	lib.parse_date_ns(p.from) > lib.parse_date_ns(p.to)
}

_metrics := object.get(_fm, "metrics", null)

deny contains lib.violation(sprintf("%s: front matter has no metrics map: record %s", [_path, concat(", ", lib.strings_of(lib.param("GOV-06", "required_metrics")))]), _path, 0) if {
	_usable
	not is_object(_metrics)
}

deny contains lib.violation(sprintf("%s: metrics.%s is %s: it must be a number, zero or more", [_path, m, lib.show(object.get(_metrics, m, null))]), _path, 0) if {
	is_object(_metrics)
	some m in lib.strings_of(lib.param("GOV-06", "required_metrics"))
	not _non_negative(object.get(_metrics, m, null))
}

_non_negative(x) if {
	is_number(x)
	x >= 0
}

deny contains lib.violation(sprintf("%s: the review date %s (from the file name) is in the future", [_path, _date]), _path, 0) if {
	lib.days_since(_date) < -1
}

# Freshness: age, and the newest major release.

_major_re := `^[vV]?([0-9]+)\.0\.0$`

_commit_time := {c.sha: c.time | some c in object.get(input, ["repo", "git", "commits"], [])}

_majors := [[lib.parse_date_ns(t), tag.name, t] |
	some tag in object.get(input, ["repo", "git", "tags"], [])
	regex.match(_major_re, tag.name)
	to_number(regex.find_all_string_submatch_n(_major_re, tag.name, 1)[0][1]) > 0
	t := _commit_time[tag.commit]
	lib.is_date(t)
]

_stale contains lib.violation(sprintf("%s: %s: review the defect-management process again", [_path, msg]), _path, 0) if {
	some msg in lib.staleness("the review of", _date, lib.param("GOV-06", "max_age_days"), _path, [])
}

_stale contains lib.violation(
	sprintf("%s: the review of %s is before the major release %s of %s: review the defect-management process after it", [_path, _date, name, substring(t, 0, 10)]),
	_path, 0,
) if {
	count(_majors) > 0
	[ns, name, t] := max(_majors)
	lib.day_number(ns) > lib.day_number(lib.parse_date_ns(_date))
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)

not_available contains "git history is not available: cannot check that the defect-management review follows the newest major release" if {
	lib.git_missing
}
