# METADATA
# title: Secure coding standard declared and enforced by tooling
# description: >-
#   The secure coding standard (docs/security/secure-coding-standard.md, format in
#   docs/formats/secure-coding-standard.md) must exist with front matter naming who
#   approved it and a last_reviewed date within max_age_days, and must declare its
#   rulesets: for each, the language, the tool and the tool's configuration file.
#   Every language of the repository's own code (by file extension, outside vendored,
#   third-party and test-fixture trees) needs at least one ruleset whose configuration
#   file exists in the repository, and each ruleset's tool must be run by a GitHub
#   Actions workflow triggered by pull_request (a run: step naming the tool, or a
#   uses: action whose name contains it), so the standard is enforced on every change
#   before merge. Whether the standard's rules are adequate is for a person to judge:
#   this is a type X control, automated checks plus the approval in the document.
# custom:
#   id: IMP-01
#   type: X
#   severity: medium
#   refs:
#     iec81001: ["5.1.3", "5.5.1"]
#     mdr: ["17.2"]
#     mdcg: ["3.7"]
#     ssdf: ["PW.5.1"]
#   evidence: ["repo", "repo.workflows"]
#   events: [pull_request, release]
#   remediation: >-
#     Write docs/security/secure-coding-standard.md (mdrgate init gives a template) with
#     approved_by, last_reviewed and a rulesets list of {language, tool, config}; commit
#     each tool's configuration (.clang-tidy, ruff.toml, .golangci.yml, .semgrep.yml,
#     eslint.config.js …) and run every tool in a workflow on pull_request.
#   params:
#     path: docs/security/secure-coding-standard.md
#     max_age_days: 365
package mdrgate.controls.imp01

import data.mdrgate.lib

_path := lib.param("IMP-01", "path")

standard := lib.doc(_path)

_fm := lib.front_matter(standard)

_rulesets := [r | some r in object.get(_fm, "rulesets", []); is_object(r)] if {
	is_array(object.get(_fm, "rulesets", null))
} else := []

deny contains lib.violation(
	sprintf("%s is missing: declare the secure coding standard and the rulesets that enforce it there", [_path]),
	_path, 0,
) if {
	not standard
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(standard)
}

deny contains lib.violation(sprintf("%s: front matter does not name who approved the standard (approved_by)", [_path]), _path, 0) if {
	standard
	not lib.front_matter_problem(standard)
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	standard
	not lib.front_matter_problem(standard)
	problem := lib.review_problem(_fm, lib.param("IMP-01", "max_age_days"))
}

deny contains lib.violation(
	sprintf("%s: front matter has no rulesets list: declare {language, tool, config} for every language of the code", [_path]),
	_path, 0,
) if {
	standard
	not lib.front_matter_problem(standard)
	count(_rulesets) == 0
}

deny contains lib.violation(
	sprintf("%s: ruleset %d lacks %s", [_path, i + 1, concat(", ", missing)]),
	_path, 0,
) if {
	some i, r in _rulesets
	missing := [k | some k in ["language", "tool", "config"]; not lib.non_empty_string(object.get(r, k, null))]
	count(missing) > 0
}

# _configured are the languages with a ruleset whose configuration file exists.
_configured := {lower(r.language) |
	some r in _rulesets
	lib.non_empty_string(object.get(r, "language", null))
	lib.has_file(trim_prefix(object.get(r, "config", ""), "./"))
}

deny contains lib.violation(
	sprintf("%s: ruleset %d (%s, %s) names the configuration %s, which is not in the repository", [_path, i + 1, r.language, r.tool, r.config]),
	_path, 0,
) if {
	some i, r in _rulesets
	lib.non_empty_string(object.get(r, "config", null))
	not lib.has_file(trim_prefix(r.config, "./"))
}

deny contains lib.violation(
	sprintf("%s: the repository has %s code (%s) but the standard declares no ruleset for %s with a configuration file in the repository", [_path, lang, _examples(paths), lang]),
	_path, 0,
) if {
	standard
	not lib.front_matter_problem(standard)
	some lang, paths in lib.languages
	not lang in _configured
}

_examples(paths) := concat(", ", lib.limit(paths, 3)) if count(paths) <= 3

else := sprintf("%s and %d more", [concat(", ", lib.limit(paths, 3)), count(paths) - 3])

# CI enforcement.

_pr_workflows := [wf |
	some wf in object.get(input, ["repo", "workflows"], [])
	"pull_request" in object.get(wf, "triggers", [])
]

_invokes(tool) if {
	some wf in _pr_workflows
	some job in wf.jobs
	some step in job.steps
	_step_names(step, lower(tool))
}

_step_names(step, tool) if regex.match(sprintf(`(^|[^A-Za-z0-9_-])%s([^A-Za-z0-9_-]|$)`, [_quote(tool)]), lower(object.get(step, "run", "")))

_step_names(step, tool) if contains(lower(object.get(step, ["uses", "raw"], "")), tool)

_quote(s) := replace(replace(replace(s, ".", `\.`), "+", `\+`), "/", `\/`)

deny contains lib.violation(
	sprintf("%s: %s (ruleset %d, %s) is not run by any workflow triggered by pull_request: run it on every pull request so the standard is enforced before merge", [_path, r.tool, i + 1, r.language]),
	_path, 0,
) if {
	some i, r in _rulesets
	lib.non_empty_string(object.get(r, "tool", null))
	not _invokes(r.tool)
}
