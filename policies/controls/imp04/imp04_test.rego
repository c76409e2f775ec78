package mdrgate.controls.imp04

_t_in(findings) := {"build": {"secrets": [{"path": "build/gitleaks.json", "sha256": "0", "media_type": "application/json", "tool": "gitleaks", "findings": findings}]}}

test_pass_no_findings if {
	count(deny) == 0 with input as _t_in([])
}

test_fail_one_violation_per_finding if {
	findings := [
		{"rule": "aws-access-token", "path": "tools/flasher/config.py", "line": 12, "commit": "8f3c2a1b9d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a", "verified": false},
		{"rule": "private-key", "path": "certs/dev.pem", "verified": true},
	]
	deny == {
		{"msg": "gitleaks found a secret (rule aws-access-token) at tools/flasher/config.py:12 in commit 8f3c2a1b9d0e: revoke it and remove it from the code", "path": "tools/flasher/config.py", "line": 12},
		{"msg": "gitleaks found a secret (rule private-key) at certs/dev.pem (verified: the credential is live): revoke it and remove it from the code", "path": "certs/dev.pem", "line": 0},
	} with input as _t_in(findings)
}

test_fail_across_reports if {
	inp := {"build": {"secrets": [
		{"path": "a.json", "tool": "gitleaks", "findings": [{"rule": "r1", "path": "x", "line": 1, "verified": false}]},
		{"path": "b.json", "tool": "trufflehog", "findings": [{"rule": "r2", "path": "y", "line": 2, "verified": false}]},
	]}}
	{v.msg | some v in deny} == {
		"gitleaks found a secret (rule r1) at x:1: revoke it and remove it from the code",
		"trufflehog found a secret (rule r2) at y:2: revoke it and remove it from the code",
	} with input as inp
}

test_not_available_without_secret_reports if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "imp04"]
	"build.secrets" in entry.annotations.custom.evidence
	count(deny) == 0 with input as {"build": {"secrets": []}}
}
