# METADATA
# title: Development environment security (MFA, protected deployment, no key files)
# description: >-
#   The organisation that owns the repository must require two-factor
#   authentication (organization.two_factor_requirement_enabled true; false fails,
#   and null, which GitHub answers when the token may not see it, is not_available:
#   unknown is not a pass). Every deployment environment whose name matches
#   release_environment_pattern, and every environment a workflow job whose id or
#   name matches release_job_pattern runs in, must exist and require at least one
#   reviewer; admins bypassing its protection is a warning. At least one release
#   environment must exist. Signing and deployment keys belong in a protected
#   environment or a KMS: no private-key or keystore file (key_file_pattern, e.g.
#   *.pem, *.key, *.p12, id_rsa) may be committed; public certificates and test
#   fixtures are excluded by allowed_key_file_pattern.
# custom:
#   id: SCM-05
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.1.2", "5.8.4"]
#     mdr: ["17.2"]
#     fda: ["524B(b)(2)"]
#     ssdf: ["PO.5.1", "PO.5.2"]
#   evidence: ["github.organization.available", "github.environments.available"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Require two-factor authentication in the organisation's settings; run release
#     jobs in a deployment environment (e.g. "release") with required reviewers and
#     without admin bypass; keep signing keys in that environment's secrets or a KMS
#     and remove committed key files (then rotate the keys: git history keeps them).
#   params:
#     release_environment_pattern: "(?i)^(release|production|prod)([-_].*)?$"
#     release_job_pattern: "(?i)(release|deploy|publish)"
#     key_file_pattern: "(?i)(\\.(pem|key|p12|pfx|jks|keystore|ppk|asc)$|(^|/)id_(rsa|dsa|ecdsa|ed25519)$)"
#     allowed_key_file_pattern: "(?i)((^|/)(testdata|test-fixtures|fixtures)/|(cert|certificate|ca|chain|public|pub)[^/]*\\.pem$)"
package mdrgate.controls.scm05

import data.mdrgate.lib

_org := lib.gh_area("organization")

_two_factor := object.get(_org, "two_factor_requirement_enabled", null)

deny contains lib.violation(
	sprintf("organisation %s does not require two-factor authentication for its members", [object.get(_org, "login", "")]),
	"", 0,
) if {
	lib.gh_available("organization")
	_two_factor == false
}

not_available contains sprintf("GitHub does not tell whether organisation %s requires two-factor authentication (the token may not see it): unknown is not a pass; use a token with read:org", [object.get(_org, "login", "")]) if {
	lib.gh_available("organization")
	_two_factor == null
}

# Environments.

_envs := {e.name: e | some e in object.get(lib.gh_area("environments"), "environments", [])}

_release_envs := {name |
	some name, _ in _envs
	regex.match(lib.param("SCM-05", "release_environment_pattern"), name)
} | {job.environment |
	some wf in object.get(input, ["repo", "workflows"], [])
	some job in wf.jobs
	lib.non_empty_string(object.get(job, "environment", ""))
	_release_job(job)
}

_release_job(job) if regex.match(lib.param("SCM-05", "release_job_pattern"), job.id)

_release_job(job) if regex.match(lib.param("SCM-05", "release_job_pattern"), object.get(job, "name", ""))

deny contains lib.violation(
	"the repository has no release deployment environment: create one (e.g. release) with required reviewers and run release jobs in it",
	"", 0,
) if {
	lib.gh_available("environments")
	count(_release_envs) == 0
}

deny contains lib.violation(
	sprintf("release jobs run in environment %s, which does not exist on GitHub: without it no protection rule applies", [name]),
	"", 0,
) if {
	lib.gh_available("environments")
	some name in _release_envs
	not _envs[name]
}

deny contains lib.violation(
	sprintf("environment %s requires no reviewer: a release must be approved by someone before it deploys or signs", [name]),
	"", 0,
) if {
	lib.gh_available("environments")
	some name in _release_envs
	e := _envs[name]
	count(object.get(e, "required_reviewers", [])) == 0
}

warn contains lib.violation(
	sprintf("administrators can bypass the protection rules of environment %s", [name]),
	"", 0,
) if {
	lib.gh_available("environments")
	some name in _release_envs
	_envs[name].can_admins_bypass == true
}

# Key files.

deny contains lib.violation(
	sprintf("%s looks like a private key or keystore committed to the repository: keep signing keys in a protected environment or a KMS, remove the file and rotate the key", [f.path]),
	f.path, 0,
) if {
	# The parameters are read once, before the loop over every file.
	key_file_pattern := lib.param("SCM-05", "key_file_pattern")
	some f in lib.files
	regex.match(key_file_pattern, f.path)
	not regex.match(lib.param("SCM-05", "allowed_key_file_pattern"), f.path)
}
