package mdrgate.controls.rsk01

_t_p := "docs/security/security-context.md"

_t_fm := {"id": "SEC-CTX-001", "version": "2", "owner": "Product Security", "approved_by": "Security Architect", "last_reviewed": "2025-11-20"}

_t_hs := [{"level": 2, "text": t, "line": i + 5} | some i, t in ["Intended use environment", "Security assumptions", "Minimum hardware", "Minimum operating system", "Network requirements", "IT security measures of the operator"]]

_t_git := {"head": "a", "tags": [], "commits": [], "path_times": [
	{"path": "docs/security/architecture/global-system.md", "time": "2025-11-20T18:00:00Z", "commit": "abcdef0123456789"},
	{"path": "docs/security/security-context.md", "time": "2025-12-20T18:00:00Z", "commit": "9999999999999999"},
	{"path": "src/main.c", "time": "2025-12-30T18:00:00Z", "commit": "8888888888888888"},
]}

_t_in(fm, hs) := {"repo": {"git": _t_git, "files": [], "documents": [{"path": _t_p, "front_matter": fm, "headings": hs, "text": ""}]}}

_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_current_context if {
	count(deny) == 0 with input as _t_in(_t_fm, _t_hs)
	count(warn) == 0 with input as _t_in(_t_fm, _t_hs)
	count(not_available) == 0 with input as _t_in(_t_fm, _t_hs)
}

test_fail_missing_context if {
	deny == {{"msg": "docs/security/security-context.md is missing: document the product security context and the minimum IT requirements there", "path": _t_p, "line": 0}} with input as {"repo": {"git": _t_git, "files": [], "documents": []}}
}

test_fail_missing_headings_and_keys if {
	_t_msgs(_t_in(object.remove(_t_fm, ["id", "approved_by"]), array.slice(_t_hs, 0, 3))) == {
		"docs/security/security-context.md: front matter has no id",
		"docs/security/security-context.md: approved_by is not set: record who approved the security context",
		"docs/security/security-context.md: no heading names \"Operating system\": add a section for it",
		"docs/security/security-context.md: no heading names \"Network\": add a section for it",
		"docs/security/security-context.md: no heading names \"IT security measures\": add a section for it",
	}
}

test_fail_stale_against_architecture_change if {
	inp := _t_in(_t_set(_t_fm, "last_reviewed", "2025-11-19"), _t_hs)
	msg := "docs/security/security-context.md: last_reviewed 2025-11-19 is before the last change to docs/security/architecture/global-system.md (commit abcdef012345 on 2025-11-20): review the security context and update last_reviewed"
	{v.msg | some v in deny} == {msg} with input as inp with data.mdrgate.runtime.event as "release"
	{v.msg | some v in warn} == {msg} with input as inp
	count(deny) == 0 with input as inp
}

test_fail_bad_review_date if {
	_t_msgs(_t_in(_t_set(_t_fm, "last_reviewed", "20.11.2025"), _t_hs)) == {"docs/security/security-context.md: last_reviewed 20.11.2025 is not a date (expected YYYY-MM-DD or RFC 3339)"}
}

test_not_available_without_git_history if {
	inp := {"repo": {"files": [], "documents": [{"path": _t_p, "front_matter": _t_fm, "headings": _t_hs}]}}
	not_available == {"git history is not available: cannot check the security context against changes to docs/security/architecture/, interfaces.yaml"} with input as inp
	count(deny) == 0 with input as inp
	count(not_available) == 0 with input as inp with data.mdrgate.runtime.params["RSK-01"].watched_paths as []
}
