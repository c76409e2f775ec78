package mdrgate.controls.gov01

_t_sdl := "docs/security/sdl-plan.md"

_t_risk := "docs/security/security-risk-mgmt-plan.md"

_t_fm := {"id": "SEC-PLAN-001", "version": "1.0", "owner": "Product Security", "approved_by": "Head of R&D", "last_reviewed": "2025-06-01"}

_t_h(texts) := [{"level": 2, "text": t, "line": i + 10} | some i, t in texts]

_t_sdl_h := _t_h(["Roles and responsibilities", "Security requirements", "Threat modelling", "Secure coding standard", "Security testing", "Release and sign-off", "Post-market surveillance"])

_t_risk_h := _t_h(["Scope", "Risk acceptance criteria", "Risk estimation (exploitability)", "Risk control", "Residual risk evaluation"])

_t_in(sdl_fm, sdl_h, risk_fm) := {"repo": {"files": [], "documents": [
	{"path": _t_sdl, "front_matter": sdl_fm, "headings": sdl_h, "text": "x"},
	{"path": _t_risk, "front_matter": risk_fm, "headings": _t_risk_h, "text": "x"},
]}}

_t_ok := _t_in(_t_fm, _t_sdl_h, _t_fm)

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_both_plans if {
	count(deny) == 0 with input as _t_ok
	count(warn) == 0 with input as _t_ok
	count(deny) == 0 with input as _t_ok with data.mdrgate.runtime.event as "release"
}

test_fail_missing_plans if {
	_t_msgs({"repo": {"files": [], "documents": []}}) == {
		"docs/security/sdl-plan.md is missing: write the security development plan there",
		"docs/security/security-risk-mgmt-plan.md is missing: write the security risk-management plan there",
	}
}

test_fail_no_front_matter if {
	_t_msgs(_t_in(null, _t_sdl_h, _t_fm)) == {"docs/security/sdl-plan.md: the document has no YAML front matter"}
}

test_fail_keys_approval_and_date if {
	fm := object.remove(_t_fm, ["owner", "approved_by", "last_reviewed"])
	_t_msgs(_t_in(_t_fm, _t_sdl_h, fm)) == {
		"docs/security/security-risk-mgmt-plan.md: front matter has no owner",
		"docs/security/security-risk-mgmt-plan.md: approved_by is not set: record who approved the security risk-management plan",
		"docs/security/security-risk-mgmt-plan.md: front matter has no last_reviewed date",
	}
}

test_fail_missing_activity_headings if {
	_t_msgs(_t_in(_t_fm, _t_h(["Roles", "Security testing"]), _t_fm)) == {
		"docs/security/sdl-plan.md: no heading names the activity \"Security requirements\": add a section for it",
		"docs/security/sdl-plan.md: no heading names the activity \"Threat model\": add a section for it",
		"docs/security/sdl-plan.md: no heading names the activity \"Secure coding\": add a section for it",
		"docs/security/sdl-plan.md: no heading names the activity \"Release\": add a section for it",
		"docs/security/sdl-plan.md: no heading names the activity \"Post-market\": add a section for it",
	}
}

test_pass_headings_are_a_parameter if {
	inp := _t_in(_t_fm, _t_h(["Roles"]), _t_fm)
	count(deny) == 0 with input as inp with data.mdrgate.runtime.params["GOV-01"].sdl_headings as ["roles"]
}

test_fail_stale_plan_on_release_warns_on_pull_request if {
	inp := _t_in(object.union(_t_fm, {"last_reviewed": "2024-12-01"}), _t_sdl_h, _t_fm)
	want := {{"msg": "docs/security/sdl-plan.md: last_reviewed 2024-12-01 is 396 days old; the limit is 365 days: review the plan and update last_reviewed", "path": _t_sdl, "line": 0}}
	deny == want with input as inp with data.mdrgate.runtime.event as "release"
	deny == want with input as inp with data.mdrgate.runtime.event as "schedule"
	count(warn) == 0 with input as inp with data.mdrgate.runtime.event as "release"
	count(deny) == 0 with input as inp
	warn == want with input as inp
}

test_fail_future_review_date if {
	_t_msgs(_t_in(object.union(_t_fm, {"last_reviewed": "2026-03-01"}), _t_sdl_h, _t_fm)) == {"docs/security/sdl-plan.md: last_reviewed 2026-03-01 is in the future"}
}

test_not_available_without_repo_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "gov01"]
	entry.annotations.custom.evidence == ["repo"]
}
