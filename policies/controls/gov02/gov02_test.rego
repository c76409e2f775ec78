package mdrgate.controls.gov02

_t_p := "docs/security/roles.md"

_t_fm := {
	"id": "SEC-ROLES",
	"version": "1.0",
	"owner": "Product Security",
	"approved_by": "Head of R&D",
	"last_reviewed": "2025-10-01",
	"security_team": "@acme/product-security",
	"security_sensitive_paths": ["src/crypto/**", "src/update.c"],
	"roles": [
		{"role": "Product security lead", "assigned_to": "J. Roe", "responsibilities": ["security risk management"]},
		{"role": "Security champion", "assigned_to": "@acme/firmware", "responsibilities": "secure coding reviews"},
	],
}

_t_files := [
	"README.md", "SECURITY.md", "docs/security/roles.md", "docs/security/tm/x.md",
	"src/crypto/aes.c", "src/crypto/sub/rsa.c", "src/update.c", "src/main.c",
	".github/workflows/ci.yml",
]

_t_rules := [
	{"pattern": "*", "owners": ["@acme/firmware"], "line": 1},
	{"pattern": "/docs/security/", "owners": ["@acme/product-security"], "line": 2},
	{"pattern": "src/crypto/", "owners": ["@acme/firmware", "@ACME/Product-Security"], "line": 3},
	{"pattern": "/src/update.*", "owners": ["@acme/product-security"], "line": 4},
	{"pattern": ".github", "owners": ["@acme/product-security"], "line": 5},
	{"pattern": "SECURITY.md", "owners": ["@acme/product-security"], "line": 6},
]

_t_in(fm, rules) := {"repo": {
	"files": [{"path": p, "size": 1} | some p in _t_files],
	"documents": [{"path": _t_p, "front_matter": fm, "headings": [], "text": ""}],
	"codeowners": {"path": ".github/CODEOWNERS", "rules": rules},
}}

_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_security_team_owns_sensitive_paths if {
	count(deny) == 0 with input as _t_in(_t_fm, _t_rules)
	count(warn) == 0 with input as _t_in(_t_fm, _t_rules)
}

test_fail_later_catch_all_overrides_security_rules if {
	rules := array.concat(_t_rules, [{"pattern": "/src/", "owners": ["@acme/firmware"], "line": 9}])
	deny == {{
		"msg": ".github/CODEOWNERS:9: this rule is the last to match 3 security-sensitive file(s) (src/crypto/aes.c, src/crypto/sub/rsa.c, src/update.c) and does not list the security team @acme/product-security",
		"path": ".github/CODEOWNERS",
		"line": 9,
	}} with input as _t_in(_t_fm, rules)
}

test_fail_unowned_and_uncovered_files if {
	rules := [r | some r in _t_rules; r.line in {2, 3, 4, 6}]
	_t_msgs(_t_in(_t_fm, rules)) == {".github/CODEOWNERS: no CODEOWNERS rule covers 1 security-sensitive file(s) (.github/workflows/ci.yml): add a rule owned by @acme/product-security"}
	rules2 := [r | some r in _t_rules; r.line != 4]
	_t_msgs(_t_in(_t_fm, rules2)) == {".github/CODEOWNERS:1: this rule is the last to match 1 security-sensitive file(s) (src/update.c) and does not list the security team @acme/product-security"}
}

test_fail_glob_matches_nothing if {
	fm := _t_set(_t_fm, "security_sensitive_paths", ["src/crypto/**", "src/auth/**"])
	_t_msgs(_t_in(fm, _t_rules)) == {"docs/security/roles.md: security-sensitive glob \"src/auth/**\" matches no file of the repository: correct it or remove it"}
}

test_fail_roles_document_fields if {
	fm := object.remove(_t_set(_t_set(_t_fm, "security_team", "product-security"), "roles", [{"role": "Lead"}, "x"]), ["approved_by", "security_sensitive_paths", "version"])
	_t_msgs(_t_in(fm, _t_rules)) == {
		"docs/security/roles.md: front matter has no version",
		"docs/security/roles.md: approved_by is not set: record who approved the roles",
		"docs/security/roles.md: roles[0] has no assigned_to",
		"docs/security/roles.md: roles[0] has no responsibilities",
		"docs/security/roles.md: roles[1] is not a map",
		"docs/security/roles.md: security_team \"product-security\" is not a GitHub team (@org/team-name)",
		"docs/security/roles.md: security_sensitive_paths is empty: list the globs of the crypto, authentication and update code",
	}
}

test_fail_missing_roles_and_codeowners if {
	_t_msgs({"repo": {"files": [], "documents": []}}) == {"docs/security/roles.md is missing: name the security roles, the security team and the security-sensitive paths there"}
	inp := {"repo": {"files": [{"path": p, "size": 1} | some p in _t_files], "documents": [{"path": _t_p, "front_matter": _t_fm}]}}
	_t_msgs(inp) == {"no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): give the security team ownership of the security-sensitive paths"}
}

test_fail_stale_roles_on_release if {
	inp := _t_in(_t_set(_t_fm, "last_reviewed", "2024-06-01"), _t_rules)
	msg := "docs/security/roles.md: last_reviewed 2024-06-01 is 579 days old; the limit is 365 days: review the roles and update last_reviewed"
	_t_msgs(inp) == set()
	{v.msg | some v in warn} == {msg} with input as inp
	{v.msg | some v in deny} == {msg} with input as inp with data.mdrgate.runtime.event as "release"
}

test_codeowners_patterns if {
	_owner_globs("*") == {"**"}
	_owner_globs("/docs/") == {"docs/**"}
	_owner_globs("docs/") == {"docs/**", "**/docs/**"}
	_owner_globs("*.c") == {"*.c", "**/*.c"}
	_owner_globs("/src/comms.*") == {"src/comms.*"}
	_owner_globs("src/crypto") == {"src/crypto", "src/crypto/**"}
}

test_not_available_without_repo_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "gov02"]
	entry.annotations.custom.evidence == ["repo"]
}
