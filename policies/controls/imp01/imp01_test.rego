package mdrgate.controls.imp01

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_fm := {
	"id": "SCS-001", "approved_by": "Head of Software", "last_reviewed": "2026-10-01",
	"rulesets": [
		{"language": "c", "tool": "clang-tidy", "config": ".clang-tidy"},
		{"language": "python", "tool": "ruff", "config": "tools/ruff.toml"},
	],
}

_t_wf1(triggers, run) := {"path": ".github/workflows/lint.yml", "triggers": triggers, "jobs": [{"id": "lint", "steps": [{"name": "lint", "run": run}]}]}

_t_in(fm, files, workflows) := {"repo": {
	"documents": [{"path": "docs/security/secure-coding-standard.md", "front_matter": fm, "front_matter_error": ""}],
	"files": [{"path": p} | some p in files],
	"workflows": workflows,
}}

_t_files := ["src/main.c", "src/dose.h", "tools/cli.py", ".clang-tidy", "tools/ruff.toml", "vendor/x/y.go"]

_t_wf := [_t_wf1(["pull_request", "push"], "clang-tidy -p build src/*.c\npipx run ruff==0.8.1 check tools")]

test_pass_every_language_configured_and_run_on_pull_requests if {
	count(deny) == 0 with input as _t_in(_t_fm, _t_files, _t_wf) with data.mdrgate.runtime.time_ns as _t_now
}

test_pass_tool_as_action if {
	wfs := [
		_t_wf1(["pull_request"], "clang-tidy src/main.c"),
		{"path": "b.yml", "triggers": ["pull_request"], "jobs": [{"id": "r", "steps": [{"uses": {"raw": "astral-sh/ruff-action@0c50076f12c38c3d0115b7b519b54a91cb9cf0ad"}, "run": ""}]}]},
	]
	count(deny) == 0 with input as _t_in(_t_fm, _t_files, wfs) with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_missing_standard if {
	deny == {{"msg": "docs/security/secure-coding-standard.md is missing: declare the secure coding standard and the rulesets that enforce it there", "path": "docs/security/secure-coding-standard.md", "line": 0}} with input as {"repo": {"documents": [], "files": [], "workflows": _t_wf}}
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_language_without_ruleset if {
	files := array.concat(_t_files, ["tools/imagecheck/main.go"])
	{v.msg | some v in deny} == {"docs/security/secure-coding-standard.md: the repository has go code (tools/imagecheck/main.go) but the standard declares no ruleset for go with a configuration file in the repository"} with input as _t_in(_t_fm, files, _t_wf)
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_config_missing if {
	files := [f | some f in _t_files; f != "tools/ruff.toml"]
	{v.msg | some v in deny} == {
		"docs/security/secure-coding-standard.md: ruleset 2 (python, ruff) names the configuration tools/ruff.toml, which is not in the repository",
		"docs/security/secure-coding-standard.md: the repository has python code (tools/cli.py) but the standard declares no ruleset for python with a configuration file in the repository",
	} with input as _t_in(_t_fm, files, _t_wf)
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_tool_not_run_on_pull_requests if {
	# Run on push only, and a tool name that only appears inside another word.
	wfs := [_t_wf1(["push"], "clang-tidy src"), _t_wf1(["pull_request"], "echo clang-tidy-like; pipx run ruff check")]
	fm := json.patch(_t_fm, [{"op": "replace", "path": "/rulesets/0/tool", "value": "clang-tidy"}])
	{v.msg | some v in deny} == {"docs/security/secure-coding-standard.md: clang-tidy (ruleset 1, c) is not run by any workflow triggered by pull_request: run it on every pull request so the standard is enforced before merge"} with input as _t_in(fm, _t_files, wfs)
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_unapproved_stale_incomplete if {
	fm := {"last_reviewed": "2024-01-01", "rulesets": [{"language": "c", "tool": "clang-tidy"}]}
	{v.msg | some v in deny} == {
		"docs/security/secure-coding-standard.md: front matter does not name who approved the standard (approved_by)",
		"docs/security/secure-coding-standard.md: last_reviewed 2024-01-01 is 1065 days old; the limit is 365 days",
		"docs/security/secure-coding-standard.md: ruleset 1 lacks config",
		"docs/security/secure-coding-standard.md: the repository has c code (src/dose.h, src/main.c) but the standard declares no ruleset for c with a configuration file in the repository",
		"docs/security/secure-coding-standard.md: the repository has python code (tools/cli.py) but the standard declares no ruleset for python with a configuration file in the repository",
	} with input as _t_in(fm, _t_files, _t_wf)
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_no_rulesets if {
	fm := object.remove(_t_fm, ["rulesets"])
	"docs/security/secure-coding-standard.md: front matter has no rulesets list: declare {language, tool, config} for every language of the code" in {v.msg | some v in deny} with input as _t_in(fm, _t_files, _t_wf)
		with data.mdrgate.runtime.time_ns as _t_now
}

test_not_available_without_workflows if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "imp01"]
	"repo.workflows" in entry.annotations.custom.evidence
	"repo" in entry.annotations.custom.evidence
}
