package mdrgate.controls.gov06

_t_dir := "docs/security/reviews/"

_t_fm := {
	"id": "DM-REVIEW-2025",
	"approved_by": "Head of QA/RA",
	"participants": ["Product Security", "QA/RA", "Service"],
	"period": {"from": "2024-10-01", "to": "2025-09-30"},
	"metrics": {
		"vulnerabilities_identified": 12,
		"patched_percent": 91.7,
		"mean_days_to_patch": 24.5,
		"mean_days_to_deploy": 41,
		"sla_breaches": 0,
	},
}

_t_git := {
	"head": "c3", "tags": [
		{"name": "v1.0.0", "commit": "c1"},
		{"name": "v2.0.0", "commit": "c2"},
		{"name": "v2.1.0", "commit": "c3"},
		{"name": "v0.0.0", "commit": "c3"},
	],
	"commits": [
		{"sha": "c3", "time": "2025-12-20T10:00:00Z"},
		{"sha": "c2", "time": "2025-10-10T10:00:00Z"},
		{"sha": "c1", "time": "2024-01-10T10:00:00Z"},
	],
	"path_times": [],
}

_t_in(docs) := {"repo": {"git": _t_git, "files": [], "documents": docs}}

_t_doc(name, fm) := {"path": concat("", [_t_dir, name]), "front_matter": fm, "headings": [], "text": ""}

_t_ok := _t_in([
	_t_doc("2024-10-05-dm-review.md", {}),
	_t_doc("2025-10-15-dm-review.md", _t_fm),
	_t_doc("2025-11-01-requirements-review.md", {}),
])

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

test_pass_newest_review_after_major_release if {
	count(deny) == 0 with input as _t_ok
	count(warn) == 0 with input as _t_ok
	count(not_available) == 0 with input as _t_ok
	count(deny) == 0 with input as _t_ok with data.mdrgate.runtime.event as "release"
}

test_fail_no_review_record if {
	_t_msgs(_t_in([_t_doc("dm-review.md", _t_fm)])) == {
		"no defect-management review record: add docs/security/reviews/<YYYY-MM-DD>-dm-review.md",
		"docs/security/reviews/dm-review.md: the name must start with the review date (YYYY-MM-DD-): it is not read as a review record",
	}
}

test_fail_newest_record_is_incomplete if {
	fm := object.remove(_t_set(_t_fm, "metrics", {"vulnerabilities_identified": 3, "patched_percent": "most", "sla_breaches": -1}), ["approved_by", "participants"])
	_t_msgs(_t_in([_t_doc("2025-10-15-dm-review.md", fm)])) == {
		"docs/security/reviews/2025-10-15-dm-review.md: approved_by is not set: record who approved the review",
		"docs/security/reviews/2025-10-15-dm-review.md: participants must be a non-empty list of who took part",
		"docs/security/reviews/2025-10-15-dm-review.md: metrics.patched_percent is \"most\": it must be a number, zero or more",
		"docs/security/reviews/2025-10-15-dm-review.md: metrics.mean_days_to_patch is null: it must be a number, zero or more",
		"docs/security/reviews/2025-10-15-dm-review.md: metrics.mean_days_to_deploy is null: it must be a number, zero or more",
		"docs/security/reviews/2025-10-15-dm-review.md: metrics.sla_breaches is -1: it must be a number, zero or more",
	}
}

test_fail_no_metrics_and_bad_period if {
	fm := object.remove(_t_set(_t_fm, "period", {"from": "2025-10-01", "to": "last year"}), ["metrics"])
	_t_msgs(_t_in([_t_doc("2025-10-15-dm-review.md", fm)])) == {
		"docs/security/reviews/2025-10-15-dm-review.md: front matter has no metrics map: record vulnerabilities_identified, patched_percent, mean_days_to_patch, mean_days_to_deploy, sla_breaches",
		"docs/security/reviews/2025-10-15-dm-review.md: period.to: to last year is not a date (expected YYYY-MM-DD or RFC 3339)",
	}
	fm2 := _t_set(_t_fm, "period", {"from": "2025-10-01", "to": "2025-01-01"})
	_t_msgs(_t_in([_t_doc("2025-10-15-dm-review.md", fm2)])) == {"docs/security/reviews/2025-10-15-dm-review.md: period.from 2025-10-01 is after period.to 2025-01-01"}
}

test_fail_review_before_major_release if {
	inp := _t_in([_t_doc("2025-10-09-dm-review.md", _t_fm)])
	msg := "docs/security/reviews/2025-10-09-dm-review.md: the review of 2025-10-09 is before the major release v2.0.0 of 2025-10-10: review the defect-management process after it"
	{v.msg | some v in deny} == {msg} with input as inp with data.mdrgate.runtime.event as "release"
	{v.msg | some v in warn} == {msg} with input as inp
	count(deny) == 0 with input as inp
}

test_fail_old_review if {
	inp := _t_in([_t_doc("2024-10-05-dm-review.md", _t_fm)])
	{v.msg | some v in deny} == {
		"docs/security/reviews/2024-10-05-dm-review.md: the review of 2024-10-05 is 453 days old; the limit is 365 days: review the defect-management process again",
		"docs/security/reviews/2024-10-05-dm-review.md: the review of 2024-10-05 is before the major release v2.0.0 of 2025-10-10: review the defect-management process after it",
	} with input as inp with data.mdrgate.runtime.event as "schedule"
}

test_fail_future_review if {
	_t_msgs(_t_in([_t_doc("2026-02-01-dm-review.md", _t_fm)])) == {"docs/security/reviews/2026-02-01-dm-review.md: the review date 2026-02-01 (from the file name) is in the future"}
}

test_not_available_without_git_history if {
	inp := {"repo": {"files": [], "documents": [_t_doc("2025-10-15-dm-review.md", _t_fm)]}}
	not_available == {"git history is not available: cannot check that the defect-management review follows the newest major release"} with input as inp
	count(deny) == 0 with input as inp
}
