package mdrgate.controls.scm02

_t_sha := "11bd71901bbe5b1630ceea73d27597364c9af683"

_t_checkout := {"name": "Checkout", "line": 12, "uses": {"raw": concat("", ["actions/checkout@", _t_sha]), "kind": "action", "ref": _t_sha, "pinned": true, "line": 13}}

_t_build := {"id": "build", "line": 9, "permissions": null, "steps": [
	_t_checkout,
	{"name": "Test", "line": 15, "run": "make test\nnpm ci"},
]}

_t_wf := {
	"path": ".github/workflows/ci.yml",
	"sha256": "0",
	"media_type": "application/yaml",
	"name": "CI",
	"triggers": ["pull_request", "push"],
	"permissions": {"scopes": {"contents": "read"}, "line": 5},
	"jobs": [_t_build],
}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

_t_in(wfs) := {"repo": {"files": [], "documents": [], "workflows": wfs}}

_t_deny(wfs) := vs if {
	vs := deny with input as _t_in(wfs)
}

_t_warn(wfs) := vs if {
	vs := warn with input as _t_in(wfs)
}

test_pass_hardened_workflow if {
	count(_t_deny([_t_wf])) == 0
	count(_t_warn([_t_wf])) == 0
}

test_pass_shorthands_and_local_actions if {
	job := _t_set(_t_build, "steps", [{"line": 20, "uses": {"raw": "./.github/actions/setup", "kind": "local", "pinned": true, "line": 20}}])
	count(_t_deny([_t_set(_t_set(_t_wf, "permissions", {"shorthand": "read-all", "line": 3}), "jobs", [job])])) == 0
	count(_t_deny([_t_set(_t_wf, "permissions", {"shorthand": "{}", "line": 3})])) == 0
	count(_t_deny([_t_set(_t_wf, "permissions", {"line": 3})])) == 0
	count(_t_deny([_t_set(_t_wf, "permissions", {"scopes": {"contents": "read", "actions": "none"}, "line": 3})])) == 0
}

test_fail_no_top_level_permissions if {
	_t_deny([object.remove(_t_wf, ["permissions"])]) == {{"msg": ".github/workflows/ci.yml has no top-level permissions: add `permissions: contents: read` (or read-all) so the token is read-only by default", "path": ".github/workflows/ci.yml", "line": 0}}
	_t_deny([_t_set(_t_wf, "permissions", null)]) == {{"msg": ".github/workflows/ci.yml has no top-level permissions: add `permissions: contents: read` (or read-all) so the token is read-only by default", "path": ".github/workflows/ci.yml", "line": 0}}
}

test_fail_top_level_write if {
	_t_deny([_t_set(_t_wf, "permissions", {"shorthand": "write-all", "line": 4})]) == {{"msg": ".github/workflows/ci.yml: top-level permissions grant write-all: make them read-only and give write scopes to the jobs that need them", "path": ".github/workflows/ci.yml", "line": 4}}
	_t_deny([_t_set(_t_wf, "permissions", {"scopes": {"contents": "write", "packages": "write", "issues": "read"}, "line": 4})]) == {{"msg": ".github/workflows/ci.yml: top-level permissions grant contents: write, packages: write: make them read-only and give write scopes to the jobs that need them", "path": ".github/workflows/ci.yml", "line": 4}}
}

test_warn_job_write_scopes_under_read_only_top if {
	job := _t_set(_t_build, "permissions", {"scopes": {"id-token": "write", "contents": "read"}, "line": 10})
	wf := _t_set(_t_wf, "jobs", [job])
	count(_t_deny([wf])) == 0
	_t_warn([wf]) == {{"msg": ".github/workflows/ci.yml: job build has write scopes (id-token: write): keep them minimal", "path": ".github/workflows/ci.yml", "line": 10}}
}

test_fail_job_write_scopes_without_read_only_top if {
	job := _t_set(_t_build, "permissions", {"shorthand": "write-all", "line": 0})
	wf := _t_set(object.remove(_t_wf, ["permissions"]), "jobs", [job])
	vs := _t_deny([wf])
	count(vs) == 2
	{"msg": ".github/workflows/ci.yml: job build has write scopes (write-all) while the top-level permissions are not read-only", "path": ".github/workflows/ci.yml", "line": 9} in vs
	count(_t_warn([wf])) == 0
}

test_fail_unpinned_action if {
	step := {"name": "Setup", "line": 30, "uses": {"raw": "actions/setup-go@v5", "kind": "action", "ref": "v5", "pinned": false, "line": 31}}
	wf := _t_set(_t_wf, "jobs", [_t_set(_t_build, "steps", [_t_checkout, step])])
	_t_deny([wf]) == {{"msg": ".github/workflows/ci.yml: job build step \"Setup\" uses actions/setup-go@v5, which is not pinned: pin the action to a full 40-character commit SHA and keep the version in a comment", "path": ".github/workflows/ci.yml", "line": 31}}
}

test_fail_unpinned_docker_and_reusable_workflow if {
	step := {"line": 40, "uses": {"raw": "docker://alpine:3.20", "kind": "docker", "ref": "3.20", "pinned": false, "line": 0}}
	reuse := {"id": "call", "line": 50, "permissions": null, "uses": {"raw": "org/repo/.github/workflows/x.yml@main", "kind": "action", "ref": "main", "pinned": false, "line": 51}, "steps": []}
	wf := _t_set(_t_wf, "jobs", [_t_set(_t_build, "steps", [step]), reuse])
	_t_deny([wf]) == {
		{"msg": ".github/workflows/ci.yml: job build step 1 uses docker://alpine:3.20, which is not pinned: pin the image by digest (docker://image@sha256:…)", "path": ".github/workflows/ci.yml", "line": 40},
		{"msg": ".github/workflows/ci.yml: job call uses org/repo/.github/workflows/x.yml@main, which is not pinned: pin the action to a full 40-character commit SHA and keep the version in a comment", "path": ".github/workflows/ci.yml", "line": 51},
	}
}

test_fail_pull_request_target_checkout_of_head if {
	checkout := object.union(_t_checkout, {"with": {"ref": "${{ github.event.pull_request.head.sha }}"}})
	wf := _t_set(_t_set(_t_wf, "triggers", ["pull_request_target"]), "jobs", [_t_set(_t_build, "steps", [checkout])])
	_t_deny([wf]) == {{"msg": ".github/workflows/ci.yml: job build checks out untrusted code (ref: ${{ github.event.pull_request.head.sha }}) in a workflow triggered by pull_request_target: the checked-out code runs with the base repository's token and secrets", "path": ".github/workflows/ci.yml", "line": 12}}
}

test_pass_pull_request_checkout_of_head_is_not_dangerous if {
	checkout := object.union(_t_checkout, {"with": {"ref": "${{ github.head_ref }}"}})
	wf := _t_set(_t_wf, "jobs", [_t_set(_t_build, "steps", [checkout])])
	count(_t_deny([wf])) == 0
}

test_fail_workflow_run_checkout if {
	checkout := object.union(_t_checkout, {"with": {"ref": "${{ github.event.workflow_run.head_branch }}"}})
	wf := _t_set(_t_set(_t_wf, "triggers", ["push", "workflow_run"]), "jobs", [_t_set(_t_build, "steps", [checkout])])
	count(_t_deny([wf])) == 1
}

test_fail_script_injection if {
	step := {"name": "Greet", "line": 22, "run": "echo \"${{ github.event.issue.title }}\"\necho ${{ github.sha }}\necho ${{github.head_ref}}"}
	wf := _t_set(_t_wf, "jobs", [_t_set(_t_build, "steps", [step])])
	_t_deny([wf]) == {
		{"msg": ".github/workflows/ci.yml: job build step \"Greet\" interpolates ${{ github.event.issue.title }} into a run: script: an attacker controls that text; pass it through an env variable instead", "path": ".github/workflows/ci.yml", "line": 22},
		{"msg": ".github/workflows/ci.yml: job build step \"Greet\" interpolates ${{github.head_ref}} into a run: script: an attacker controls that text; pass it through an env variable instead", "path": ".github/workflows/ci.yml", "line": 22},
	}
}

test_fail_release_job_without_environment if {
	rel := {"id": "publish-firmware", "line": 60, "permissions": {"scopes": {"contents": "write"}, "line": 61}, "steps": [_t_checkout]}
	wf := _t_set(_t_wf, "jobs", [_t_build, rel])
	_t_deny([wf]) == {{"msg": ".github/workflows/ci.yml: job publish-firmware looks like a release or deploy job but names no environment: run it in a protected environment with required reviewers", "path": ".github/workflows/ci.yml", "line": 60}}
	count(_t_deny([_t_set(wf, "jobs", [_t_build, object.union(rel, {"environment": "production"})])])) == 0
	named := {"id": "ship", "name": "Deploy to registry", "line": 70, "permissions": null, "steps": []}
	count(_t_deny([_t_set(wf, "jobs", [named])])) == 1
}

test_fail_one_violation_per_workflow if {
	other := _t_set(_t_wf, "path", ".github/workflows/nightly.yml")
	vs := _t_deny([object.remove(_t_wf, ["permissions"]), object.remove(other, ["permissions"])])
	{v.path | some v in vs} == {".github/workflows/ci.yml", ".github/workflows/nightly.yml"}
}

test_not_available_without_workflows if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "scm02"]
	"repo.workflows" in entry.annotations.custom.evidence
	count(deny) == 0 with input as {"repo": {"files": [], "documents": []}}
}

test_fail_pull_request_target_checkout_of_merge_ref if {
	checkout := object.union(_t_checkout, {"with": {"ref": "refs/pull/${{ github.event.number }}/merge"}})
	wf := _t_set(_t_set(_t_wf, "triggers", ["pull_request_target"]), "jobs", [_t_set(_t_build, "steps", [checkout])])
	count(_t_deny([wf])) == 1
}

test_fail_github_script_injection if {
	sha := "60a0d83039c74a4aee543508d2ffcb1c3799cdea"
	step := {"name": "Comment", "line": 30, "uses": {"raw": concat("", ["actions/github-script@", sha]), "kind": "action", "ref": sha, "pinned": true, "line": 31}, "with": {"script": "console.log(\"${{ github.event.pull_request.title }}\")"}}
	wf := _t_set(_t_wf, "jobs", [_t_set(_t_build, "steps", [step])])
	_t_deny([wf]) == {{"msg": ".github/workflows/ci.yml: job build step \"Comment\" interpolates ${{ github.event.pull_request.title }} into a github-script script: an attacker controls that text; pass it through an env variable instead", "path": ".github/workflows/ci.yml", "line": 30}}
}

test_fail_discussion_title_injection if {
	step := {"name": "Echo", "line": 22, "run": "echo \"${{ github.event.discussion.title }}\""}
	wf := _t_set(_t_wf, "jobs", [_t_set(_t_build, "steps", [step])])
	count(_t_deny([wf])) == 1
}

# Composite and docker actions of the repository.

_t_action(steps) := {"path": ".github/actions/setup/action.yml", "sha256": "0", "media_type": "application/yaml", "name": "Setup", "using": "composite", "image": null, "steps": steps}

_t_deny_actions(wfs, actions) := vs if {
	vs := deny with input as {"repo": {"files": [], "documents": [], "workflows": wfs, "actions": actions}}
}

test_pass_pinned_composite_action if {
	local := {"line": 12, "uses": {"raw": "./.github/actions/cache", "kind": "local", "pinned": true, "line": 12}}
	node := object.union(_t_action([]), {"path": "action.yml", "using": "node20"})
	count(_t_deny_actions([_t_wf], [_t_action([_t_checkout, local, {"line": 14, "run": "make"}]), node])) == 0
}

test_fail_unpinned_composite_action_step if {
	setup := {"name": "Setup Node", "line": 9, "uses": {"raw": "actions/setup-node@v4", "kind": "action", "ref": "v4", "pinned": false, "line": 10}}
	docker := {"line": 12, "uses": {"raw": "docker://alpine:3.20", "kind": "docker", "ref": "3.20", "pinned": false, "line": 0}}
	_t_deny_actions([_t_wf], [_t_action([_t_checkout, setup, docker])]) == {
		{"msg": ".github/actions/setup/action.yml: composite action step \"Setup Node\" uses actions/setup-node@v4, which is not pinned: pin the action to a full 40-character commit SHA and keep the version in a comment", "path": ".github/actions/setup/action.yml", "line": 10},
		{"msg": ".github/actions/setup/action.yml: composite action step 3 uses docker://alpine:3.20, which is not pinned: pin the image by digest (docker://image@sha256:…)", "path": ".github/actions/setup/action.yml", "line": 12},
	}
}

test_pass_docker_action_image_pinned_or_dockerfile if {
	dig := "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"
	pinned := object.union(_t_action([]), {"using": "docker", "image": {"raw": concat("", ["docker://alpine@", dig]), "kind": "docker", "ref": dig, "pinned": true, "line": 4}})
	dockerfile := object.union(_t_action([]), {"path": "action.yml", "using": "docker", "image": null})
	count(_t_deny_actions([_t_wf], [pinned, dockerfile])) == 0
}

test_fail_docker_action_image_unpinned if {
	a := object.union(_t_action([]), {"using": "docker", "image": {"raw": "docker://alpine:3.20", "kind": "docker", "ref": "3.20", "pinned": false, "line": 4}})
	_t_deny_actions([_t_wf], [a]) == {{"msg": ".github/actions/setup/action.yml: the docker action uses docker://alpine:3.20, which is not pinned: pin the image by digest (docker://image@sha256:…)", "path": ".github/actions/setup/action.yml", "line": 4}}
}

test_fail_composite_action_script_injection if {
	step := {"name": "Greet", "line": 8, "run": "echo \"${{ github.event.pull_request.title }}\"\necho ${{ inputs.name }}"}
	_t_deny_actions([_t_wf], [_t_action([step])]) == {{"msg": ".github/actions/setup/action.yml: composite action step \"Greet\" interpolates ${{ github.event.pull_request.title }} into a run: script: an attacker controls that text; pass it through an env variable instead", "path": ".github/actions/setup/action.yml", "line": 8}}
}

test_not_available_with_actions_but_no_workflows if {
	# Actions alone are not a pipeline: the engine makes the control not_available
	# when repo.workflows is empty, whatever the actions hold.
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "scm02"]
	entry.annotations.custom.evidence == ["repo.workflows"]
}
