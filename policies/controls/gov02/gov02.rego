# METADATA
# title: Security roles and ownership defined
# description: >-
#   docs/security/roles.md must exist with front matter id, version, owner,
#   approved_by (the sign-off), last_reviewed, security_team (the GitHub team, @org/team,
#   that owns security-sensitive code), roles (a list of {role, assigned_to,
#   responsibilities}) and security_sensitive_paths (globs of the product's crypto,
#   authentication and update code). CODEOWNERS must give security_team ownership of
#   every file matched by sensitive_paths or security_sensitive_paths: for each such
#   file of the repository, the last matching CODEOWNERS rule (GitHub's precedence) must
#   list the team. A declared glob that matches no file fails, so a typo cannot hide
#   code from the check. A last_reviewed older than max_age_days warns on a pull
#   request and fails on release and schedule. Training and competence records stay in
#   the QMS; whether the roles are adequate is for a person to judge.
# custom:
#   id: GOV-02
#   type: X
#   severity: medium
#   refs:
#     iec81001: ["4.1.2", "4.1.4"]
#     mdr: ["17.2"]
#     fda: ["IV.A"]
#     ssdf: ["PO.2.1", "PO.2.2"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Write docs/security/roles.md (mdrgate init writes a template) naming the security
#     roles, the security team and the security-sensitive paths, and give that team
#     ownership of those paths in CODEOWNERS (a later, more general rule overrides an
#     earlier one: put security rules after catch-alls).
#   params:
#     path: docs/security/roles.md
#     sensitive_paths: ["docs/security/**", ".github/workflows/**", "SECURITY.md"]
#     max_age_days: 365
package mdrgate.controls.gov02

import data.mdrgate.lib

_path := lib.param("GOV-02", "path")

_roles := lib.doc(_path)

_fm := lib.front_matter(_roles)

_usable if {
	_roles
	not lib.front_matter_problem(_roles)
}

deny contains lib.violation(sprintf("%s is missing: name the security roles, the security team and the security-sensitive paths there", [_path]), _path, 0) if {
	not _roles
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(_roles)
}

deny contains lib.violation(sprintf("%s: front matter has no %s", [_path, k]), _path, 0) if {
	_usable
	some k in lib.missing_keys(_fm, ["id", "version", "owner"])
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the roles", [_path]), _path, 0) if {
	_usable
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	_usable
	problem := lib.date_problem("last_reviewed", object.get(_fm, "last_reviewed", null))
}

# Roles.

deny contains lib.violation(sprintf("%s: roles must be a non-empty list of {role, assigned_to, responsibilities}", [_path]), _path, 0) if {
	_usable
	not lib.non_empty_array(object.get(_fm, "roles", null))
}

deny contains lib.violation(sprintf("%s: roles[%d] has no %s", [_path, i, k]), _path, 0) if {
	_usable
	some i, r in object.get(_fm, "roles", [])
	is_object(r)
	some k in ["role", "assigned_to"]
	not lib.non_empty_string(object.get(r, k, null))
}

deny contains lib.violation(sprintf("%s: roles[%d] has no responsibilities", [_path, i]), _path, 0) if {
	_usable
	some i, r in object.get(_fm, "roles", [])
	is_object(r)
	count(lib.strings_of(object.get(r, "responsibilities", null))) == 0
}

deny contains lib.violation(sprintf("%s: roles[%d] is not a map", [_path, i]), _path, 0) if {
	_usable
	roles := object.get(_fm, "roles", [])
	is_array(roles)
	some i, r in roles
	not is_object(r)
}

# The security team and CODEOWNERS.

_team_re := `^@[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$`

_team := _fm.security_team if {
	is_string(_fm.security_team)
	regex.match(_team_re, _fm.security_team)
}

deny contains lib.violation(
	sprintf("%s: security_team %s is not a GitHub team (@org/team-name)", [_path, lib.show(object.get(_fm, "security_team", null))]),
	_path, 0,
) if {
	_usable
	not _team
}

_declared := lib.strings_of(object.get(_fm, "security_sensitive_paths", null))

deny contains lib.violation(
	sprintf("%s: security_sensitive_paths is empty: list the globs of the crypto, authentication and update code", [_path]),
	_path, 0,
) if {
	_usable
	count(_declared) == 0
}

_globs := {g | some g in array.concat(lib.strings_of(lib.param("GOV-02", "sensitive_paths")), _declared)}

_files := [f.path | some f in lib.files]

deny contains lib.violation(
	sprintf("%s: security-sensitive glob %q matches no file of the repository: correct it or remove it", [_path, g]),
	_path, 0,
) if {
	_usable
	some g in _declared
	not _matches_any(g)
}

_matches_any(g) if {
	some p in _files
	glob.match(g, ["/"], p)
}

# The globs are read once, before the loop over every file.
_sensitive_files contains p if {
	globs := _globs
	some p in _files
	some g in globs
	glob.match(g, ["/"], p)
}

_codeowners := object.get(input, ["repo", "codeowners"], null)

deny contains lib.violation(
	"no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): give the security team ownership of the security-sensitive paths",
	"", 0,
) if {
	_codeowners == null
	count(_sensitive_files) > 0
}

# _owner_globs are the glob patterns a CODEOWNERS pattern stands for (gitignore rules as
# GitHub applies them): "/" anchors at the root, a pattern with a slash inside is
# anchored too, a trailing "/" matches a folder's contents, a pattern without wildcard
# in its last segment also matches the contents of a folder of that name.
_owner_globs(p) := {"**"} if p in {"*", "**", "/**"}

else := gs if {
	body := trim_suffix(trim_prefix(p, "/"), "/")
	dir_only := endswith(p, "/")
	last := _last_segment(body)
	bases := {body} | {b | not _anchored(p); b := concat("", ["**/", body])}
	gs := {g |
		some b in bases
		some g in _expand(b, dir_only, contains(last, "*"))
	}
}

_anchored(p) if startswith(p, "/")

_anchored(p) if contains(trim_suffix(p, "/"), "/")

_last_segment(body) := parts[count(parts) - 1] if parts := split(body, "/")

_expand(b, true, _) := {concat("", [b, "/**"])}

_expand(b, false, true) := {b}

_expand(b, false, false) := {b, concat("", [b, "/**"])}

# _owners is, for each sensitive file, the owners of the last CODEOWNERS rule that
# matches it, with that rule's line.
_owners[p] := [rule.owners, rule.line] if {
	some p in _sensitive_files
	matching := [r |
		some r in _codeowners.rules
		some g in _owner_globs(r.pattern)
		glob.match(g, ["/"], p)
	]
	count(matching) > 0
	rule := matching[count(matching) - 1]
}

_uncovered := sort([p | some p in _sensitive_files; not _owners[p]])

deny contains lib.violation(
	sprintf("%s: no CODEOWNERS rule covers %d security-sensitive file(s) (%s): add a rule owned by %s", [
		_codeowners.path, count(_uncovered), _list(_uncovered), _team,
	]),
	_codeowners.path, 0,
) if {
	_team
	_codeowners != null
	count(_uncovered) > 0
}

# _foreign maps a CODEOWNERS line to the sensitive files whose last matching rule it is
# and that it does not give to the security team.
_foreign[line] := sort(ps) if {
	some _, [_, line] in _owners
	ps := [p | some p, [owners, l] in _owners; l == line; not _team_in(owners)]
	count(ps) > 0
}

deny contains lib.violation(
	sprintf("%s:%d: this rule is the last to match %d security-sensitive file(s) (%s) and does not list the security team %s", [
		_codeowners.path, line, count(ps), _list(ps), _team,
	]),
	_codeowners.path, line,
) if {
	_team
	some line, ps in _foreign
}

_list(ps) := concat(", ", array.concat(lib.limit(ps, 5), _more(ps)))

_more(ps) := [sprintf("and %d more", [count(ps) - 5])] if count(ps) > 5

else := []

_team_in(owners) if {
	some o in owners
	lower(o) == lower(_team)
}

# Freshness.

_stale contains lib.violation(sprintf("%s: %s: review the roles and update last_reviewed", [_path, msg]), _path, 0) if {
	_usable
	some msg in lib.staleness("last_reviewed", object.get(_fm, "last_reviewed", null), lib.param("GOV-02", "max_age_days"), _path, [])
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)
