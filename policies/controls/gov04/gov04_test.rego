package mdrgate.controls.gov04

_t_p := "docs/security/update-policy.md"

_t_fm := {
	"id": "SEC-POL-UPD",
	"version": "1.2",
	"owner": "Product Security",
	"approved_by": "Head of QA/RA",
	"last_reviewed": "2025-09-15T00:00:00Z",
	"sla_days": {"critical": 30, "high": 60, "medium": 90, "low": 180},
	"regular_cycle_days": 90,
}

# _t_set is fm with key k set to v (object.union would merge nested objects).
_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

_t_with(fm) := {"repo": {"files": [{"path": _t_p, "size": 100}], "documents": [{"path": _t_p, "front_matter": fm, "headings": [], "text": "body"}]}}

_t_msgs(fm) := {v.msg | some v in vs} if {
	vs := deny with input as _t_with(fm)
}

test_pass_complete_policy if {
	count(deny) == 0 with input as _t_with(_t_fm)
}

test_pass_equal_tiers_and_fractional_days if {
	count(deny) == 0 with input as _t_with(_t_set(_t_fm, "sla_days", {"critical": 14.5, "high": 14.5, "medium": 30, "low": 30}))
}

test_fail_missing_file if {
	deny == {{"msg": "docs/security/update-policy.md is missing: publish the security update policy with its SLAs there", "path": _t_p, "line": 0}} with input as {"repo": {"files": [], "documents": []}}
}

test_fail_no_front_matter if {
	deny == {{"msg": "docs/security/update-policy.md: the document has no YAML front matter", "path": _t_p, "line": 0}} with input as _t_with(null)
}

test_fail_critical_sla_too_long if {
	_t_msgs(_t_set(_t_fm, "sla_days", {"critical": 90, "high": 90, "medium": 120, "low": 180})) == {"docs/security/update-policy.md: sla_days.critical is 90 days; the limit is 60 days (parameter critical_max_days)"}
}

test_pass_critical_limit_is_a_parameter if {
	inp := _t_with(_t_set(_t_fm, "sla_days", {"critical": 90, "high": 90, "medium": 120, "low": 180}))
	count(deny) == 0 with input as inp with data.mdrgate.runtime.params["GOV-04"].critical_max_days as 90
}

test_fail_tier_order if {
	msgs := _t_msgs(_t_set(_t_fm, "sla_days", {"critical": 30, "high": 20, "medium": 90, "low": 60}))
	msgs == {
		"docs/security/update-policy.md: sla_days.high (20 days) is shorter than sla_days.critical (30 days): a less severe tier cannot be fixed sooner",
		"docs/security/update-policy.md: sla_days.low (60 days) is shorter than sla_days.medium (90 days): a less severe tier cannot be fixed sooner",
	}
}

test_fail_missing_and_invalid_tiers if {
	msgs := _t_msgs(_t_set(_t_fm, "sla_days", {"critical": "30", "high": 0, "medium": 90}))
	msgs == {
		"docs/security/update-policy.md: sla_days.critical is \"30\": it must be a positive number of days",
		"docs/security/update-policy.md: sla_days.high is 0: it must be a positive number of days",
		"docs/security/update-policy.md: sla_days.low is missing",
	}
}

test_fail_sla_days_not_a_map if {
	_t_msgs(object.remove(_t_fm, ["sla_days"])) == {"docs/security/update-policy.md: front matter has no sla_days map: add sla_days: {critical, high, medium, low}"}
}

test_fail_cycle_approval_and_review if {
	fm := object.union(object.remove(_t_fm, ["regular_cycle_days", "approved_by"]), {"last_reviewed": "2024-12-01"})
	_t_msgs(fm) == {
		"docs/security/update-policy.md: regular_cycle_days is missing or not a positive number: declare the regular update cycle in days",
		"docs/security/update-policy.md: approved_by is not set: record who approved the policy",
		"docs/security/update-policy.md: last_reviewed 2024-12-01 is 396 days old; the limit is 365 days",
	}
}

test_fail_missing_review_date if {
	_t_msgs(object.remove(_t_fm, ["last_reviewed"])) == {"docs/security/update-policy.md: front matter has no last_reviewed date"}
}

test_not_available_without_repo_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "gov04"]
	"repo" in entry.annotations.custom.evidence
}
