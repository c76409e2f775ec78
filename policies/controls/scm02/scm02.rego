# METADATA
# title: CI/CD pipeline hardening
# description: >-
#   Every GitHub Actions workflow must declare top-level permissions that are read-only
#   (read-all, {} / none, or scopes that are all read or none), as OpenSSF Scorecard's
#   Token-Permissions check wants for a score of 10; a job may then add write scopes,
#   reported as a warning to keep them minimal, but write scopes in a job of a workflow
#   whose top level is not read-only fail. Every `uses:` of an action or docker image,
#   in steps and in reusable-workflow jobs, must be pinned to a full commit SHA or an
#   image digest (Scorecard Pinned-Dependencies); so must the steps of the repository's
#   own composite actions (action.yml or action.yaml with runs.using composite, under
#   .github/actions, at the root or elsewhere outside test, example and vendored
#   folders, or named by a local uses) and the docker:// image of its docker actions,
#   reported at the action file's line. As in Scorecard's Dangerous-Workflow
#   check, a workflow triggered by pull_request_target or workflow_run must not check
#   out the pull request or the triggering run's code (actions/checkout with a ref from
#   github.event.pull_request, github.event.workflow_run or head_ref), and no run: step
#   may interpolate untrusted ${{ }} context (issue, pull request, comment and review
#   titles and bodies, commit messages and authors, head ref and label, github.head_ref),
#   in a workflow or in a composite action.
#   Jobs whose id or name says release, deploy or publish must run in a named
#   environment so that protection rules and reviewers apply (whether the environment
#   has reviewers is GitHub evidence, checked later); a job calling a reusable workflow
#   is exempt because GitHub does not allow an environment there. CONTROLS.md also maps
#   it to CISA's secure software development attestation form, parts 1-2.
# custom:
#   id: SCM-02
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.1.2"]
#     mdr: ["17.2"]
#     fda: ["IV.A"]
#     ssdf: ["PO.3.2", "PO.5.1"]
#   evidence: ["repo.workflows"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Add `permissions: contents: read` (or `read-all`) at the top of every workflow and
#     grant write scopes only to the jobs that need them; pin every action, in workflows
#     and in composite actions, to a full commit SHA with the version in a comment
#     (`uses: actions/checkout@<sha> # v4.2.2`) and every docker image by digest;
#     never check out pull request code in pull_request_target or workflow_run workflows;
#     pass untrusted event fields to run: steps through env variables; run release and
#     deploy jobs in a protected environment.
#   params:
#     release_job_pattern: "(?i)(release|deploy|publish)"
package mdrgate.controls.scm02

import data.mdrgate.lib

_workflows := object.get(input, ["repo", "workflows"], [])

_actions := object.get(input, ["repo", "actions"], [])

# Permissions.

_read_only_shorthands := {"read-all", "{}", "none"}

_read_only_levels := {"read", "none"}

# _read_only is true when a permissions block grants no write access.
_read_only(perms) if {
	is_object(perms)
	sh := object.get(perms, "shorthand", "")
	sh in _read_only_shorthands
	every _, level in object.get(perms, "scopes", {}) {
		level in _read_only_levels
	}
}

_read_only(perms) if {
	is_object(perms)
	object.get(perms, "shorthand", "") == ""
	every _, level in object.get(perms, "scopes", {}) {
		level in _read_only_levels
	}
}

# _grants describes what a non-read-only permissions block grants.
_grants(perms) := perms.shorthand if {
	lib.non_empty_string(object.get(perms, "shorthand", ""))
	not perms.shorthand in _read_only_shorthands
} else := concat(", ", sort([sprintf("%s: %s", [scope, level]) |
	some scope, level in object.get(perms, "scopes", {})
	not level in _read_only_levels
]))

deny contains lib.violation(
	sprintf("%s has no top-level permissions: add `permissions: contents: read` (or read-all) so the token is read-only by default", [wf.path]),
	wf.path, 0,
) if {
	some wf in _workflows
	object.get(wf, "permissions", null) == null
}

deny contains lib.violation(
	sprintf("%s: top-level permissions grant %s: make them read-only and give write scopes to the jobs that need them", [wf.path, _grants(wf.permissions)]),
	wf.path, wf.permissions.line,
) if {
	some wf in _workflows
	is_object(wf.permissions)
	not _read_only(wf.permissions)
}

_top_read_only(wf) if _read_only(object.get(wf, "permissions", null))

_job_perm_line(job) := job.permissions.line if job.permissions.line > 0

else := job.line

warn contains lib.violation(
	sprintf("%s: job %s has write scopes (%s): keep them minimal", [wf.path, job.id, _grants(job.permissions)]),
	wf.path, _job_perm_line(job),
) if {
	some wf in _workflows
	_top_read_only(wf)
	some job in wf.jobs
	is_object(job.permissions)
	not _read_only(job.permissions)
}

deny contains lib.violation(
	sprintf("%s: job %s has write scopes (%s) while the top-level permissions are not read-only", [wf.path, job.id, _grants(job.permissions)]),
	wf.path, _job_perm_line(job),
) if {
	some wf in _workflows
	not _top_read_only(wf)
	some job in wf.jobs
	is_object(job.permissions)
	not _read_only(job.permissions)
}

# Pinning.

# _uses is every uses reference of a workflow with the line to report and where it is.
_uses contains [wf.path, u, line, sprintf("job %s", [job.id])] if {
	some wf in _workflows
	some job in wf.jobs
	u := job.uses
	is_object(u)
	line := _line(object.get(u, "line", 0), object.get(job, "line", 0))
}

_uses contains [wf.path, u, line, where] if {
	some wf in _workflows
	some job in wf.jobs
	some i, step in job.steps
	u := step.uses
	is_object(u)
	line := _line(object.get(u, "line", 0), object.get(step, "line", 0))
	where := sprintf("job %s step %s", [job.id, _step_name(i, step)])
}

# Composite actions: their steps run in the calling job as the workflow's own do.
_uses contains [a.path, u, line, where] if {
	some a in _actions
	some i, step in a.steps
	u := step.uses
	is_object(u)
	line := _line(object.get(u, "line", 0), object.get(step, "line", 0))
	where := sprintf("composite action step %s", [_step_name(i, step)])
}

_uses contains [a.path, a.image, a.image.line, "the docker action"] if {
	some a in _actions
	is_object(a.image)
}

_line(a, b) := a if a > 0

else := b

_step_name(i, step) := sprintf("%q", [step.name]) if lib.non_empty_string(object.get(step, "name", ""))

else := sprintf("%d", [i + 1])

deny contains lib.violation(
	sprintf("%s: %s uses %s, which is not pinned: pin the action to a full 40-character commit SHA and keep the version in a comment", [p, where, u.raw]),
	p, line,
) if {
	some [p, u, line, where] in _uses
	u.kind == "action"
	not u.pinned
}

deny contains lib.violation(
	sprintf("%s: %s uses %s, which is not pinned: pin the image by digest (docker://image@sha256:…)", [p, where, u.raw]),
	p, line,
) if {
	some [p, u, line, where] in _uses
	u.kind == "docker"
	not u.pinned
}

# Dangerous workflows.

_privileged_triggers := {"pull_request_target", "workflow_run"}

_untrusted_ref_re := `github\.event\.pull_request|github\.event\.workflow_run|github\.event\.number|head_ref|refs/pull/`

deny contains lib.violation(
	sprintf("%s: job %s checks out untrusted code (ref: %s) in a workflow triggered by %s: the checked-out code runs with the base repository's token and secrets", [
		wf.path, job.id, step.with.ref,
		concat(", ", sort([t | some t in wf.triggers; t in _privileged_triggers])),
	]),
	wf.path, step.line,
) if {
	some wf in _workflows
	some t in wf.triggers
	t in _privileged_triggers
	some job in wf.jobs
	some step in job.steps
	contains(object.get(step, ["uses", "raw"], ""), "actions/checkout")
	regex.match(_untrusted_ref_re, object.get(step, ["with", "ref"], ""))
}

# Scorecard's untrusted contexts (checks/raw/dangerous_workflow.go).
_untrusted_context_re := `(discussion\.title|discussion\.body|workflow_run\.head_branch|workflow_run\.head_commit\.message|issue\.title|issue\.body|pull_request\.title|pull_request\.body|comment\.body|review\.body|review_comment\.body|pages.*\.page_name|commits.*\.message|head_commit\.message|head_commit\.author\.email|head_commit\.author\.name|commits.*\.author\.email|commits.*\.author\.name|pull_request\.head\.ref|pull_request\.head\.label|pull_request\.head\.repo\.default_branch)`

_untrusted_expression(e) if contains(e, "github.head_ref")

_untrusted_expression(e) if {
	contains(e, "github.event.")
	regex.match(_untrusted_context_re, e)
}

deny contains lib.violation(
	sprintf("%s: job %s step %s interpolates %s into a %s: an attacker controls that text; pass it through an env variable instead", [wf.path, job.id, _step_name(i, step), expr, where]),
	wf.path, step.line,
) if {
	some wf in _workflows
	some job in wf.jobs
	some i, step in job.steps
	some [where, script] in _scripts(step)
	some expr in regex.find_n(`\$\{\{(?s:.*?)\}\}`, script, -1)
	_untrusted_expression(expr)
}

deny contains lib.violation(
	sprintf("%s: composite action step %s interpolates %s into a %s: an attacker controls that text; pass it through an env variable instead", [a.path, _step_name(i, step), expr, where]),
	a.path, step.line,
) if {
	some a in _actions
	some i, step in a.steps
	some [where, script] in _scripts(step)
	some expr in regex.find_n(`\$\{\{(?s:.*?)\}\}`, script, -1)
	_untrusted_expression(expr)
}

# _scripts are the texts of a step that run as code: run, and the script input
# of actions/github-script.
_scripts(step) := [["run: script", object.get(step, "run", "")]] if {
	not contains(object.get(step, ["uses", "raw"], ""), "actions/github-script")
} else := [["run: script", object.get(step, "run", "")], ["github-script script", object.get(step, ["with", "script"], "")]]

# Release jobs.

deny contains lib.violation(
	sprintf("%s: job %s looks like a release or deploy job but names no environment: run it in a protected environment with required reviewers", [wf.path, job.id]),
	wf.path, job.line,
) if {
	some wf in _workflows
	some job in wf.jobs
	pattern := lib.param("SCM-02", "release_job_pattern")
	_release_job(job, pattern)
	not lib.non_empty_string(object.get(job, "environment", ""))
	not is_object(object.get(job, "uses", null))
}

_release_job(job, pattern) if regex.match(pattern, job.id)

_release_job(job, pattern) if regex.match(pattern, object.get(job, "name", ""))
