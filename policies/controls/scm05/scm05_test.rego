package mdrgate.controls.scm05

_t_org(v) := {"available": true, "login": "example-medical", "two_factor_requirement_enabled": v}

_t_envs := {"available": true, "environments": [
	{"name": "release", "required_reviewers": ["example-medical/release-managers"], "wait_timer": 0, "branch_policy": "protected", "can_admins_bypass": false},
	{"name": "staging", "required_reviewers": [], "branch_policy": "none", "can_admins_bypass": true},
]}

_t_wf := [{"path": ".github/workflows/release.yml", "jobs": [{"id": "publish", "environment": "release", "steps": []}]}]

_t_in(org, envs, files) := {
	"github": {"organization": org, "environments": envs},
	"repo": {"workflows": _t_wf, "files": [{"path": p} | some p in files]},
}

_t_files := ["src/main.c", "certs/ca-chain.pem", "testdata/dev.key"]

test_pass_2fa_protected_release_environment if {
	count(deny) == 0 with input as _t_in(_t_org(true), _t_envs, _t_files)
	count(warn) == 0 with input as _t_in(_t_org(true), _t_envs, _t_files)
	count(not_available) == 0 with input as _t_in(_t_org(true), _t_envs, _t_files)
}

test_fail_no_2fa if {
	deny == {{"msg": "organisation example-medical does not require two-factor authentication for its members", "path": "", "line": 0}} with input as _t_in(_t_org(false), _t_envs, _t_files)
}

test_fail_environment_without_reviewers_or_missing if {
	envs := json.patch(_t_envs, [{"op": "replace", "path": "/environments/0/required_reviewers", "value": []}, {"op": "replace", "path": "/environments/0/can_admins_bypass", "value": true}])
	wf := [{"path": "w.yml", "jobs": [{"id": "publish", "environment": "release", "steps": []}, {"id": "deploy-prod", "environment": "production", "steps": []}]}]
	inp := {"github": {"organization": _t_org(true), "environments": envs}, "repo": {"workflows": wf, "files": []}}
	{v.msg | some v in deny} == {
		"environment release requires no reviewer: a release must be approved by someone before it deploys or signs",
		"release jobs run in environment production, which does not exist on GitHub: without it no protection rule applies",
	} with input as inp
	{v.msg | some v in warn} == {"administrators can bypass the protection rules of environment release"} with input as inp
}

test_fail_no_release_environment if {
	inp := {"github": {"organization": _t_org(true), "environments": {"available": true, "environments": []}}, "repo": {"workflows": [], "files": []}}
	{v.msg | some v in deny} == {"the repository has no release deployment environment: create one (e.g. release) with required reviewers and run release jobs in it"} with input as inp
}

test_fail_key_file_committed if {
	files := array.concat(_t_files, ["tools/signing/release.key", "keys/id_ed25519", "src/ssl/server.pem"])
	{v.path | some v in deny} == {"tools/signing/release.key", "keys/id_ed25519", "src/ssl/server.pem"} with input as _t_in(_t_org(true), _t_envs, files)
}

test_not_available_2fa_unknown if {
	not_available == {"GitHub does not tell whether organisation example-medical requires two-factor authentication (the token may not see it): unknown is not a pass; use a token with read:org"} with input as _t_in(_t_org(null), _t_envs, _t_files)
	count(deny) == 0 with input as _t_in(_t_org(null), _t_envs, _t_files)
}

test_not_available_metadata if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "scm05"]
	"github.organization.available" in entry.annotations.custom.evidence
	"github.environments.available" in entry.annotations.custom.evidence
}
