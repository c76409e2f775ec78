# METADATA
# title: Protected release branch, signed commits, no force-push or deletion
# description: >-
#   The branch merged into (github.branch) must require signed commits, forbid force
#   pushes and forbid deletion. A repository ruleset rule (required_signatures,
#   non_fast_forward, deletion) satisfies each requirement as well as classic branch
#   protection does (required_signatures, allow_force_pushes: false, allow_deletions:
#   false on a protected branch). When the rulesets do not satisfy a requirement and
#   classic protection could not be read, the control is not_available rather than
#   failed or passed. Every commit of the range read (github.commits) must carry a
#   signature that GitHub verified; a range that was read only in part is
#   not_available, since the unread commits are unknown.
# custom:
#   id: SCM-01
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.1.2", "5.8.3", "8"]
#     mdr: ["17.2"]
#     fda: ["524B(b)(2)"]
#     ssdf: ["PS.1.1", "PO.5.1"]
#     iec62304: ["8.1", "8.2"]
#   evidence: ["github.branch_protection.available | github.rulesets.available", "github.commits.available"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Add a branch ruleset on the release branch with "Require signed commits",
#     "Block force pushes" and "Restrict deletions" (or the classic protection
#     equivalents), and have every developer sign commits with a key registered on
#     GitHub (SSH, GPG or gitsign).
#   params: {}
package mdrgate.controls.scm01

import data.mdrgate.lib

_branch := object.get(input, ["github", "branch"], "")

_classic := lib.gh_protection if lib.gh_protection

else := {}

_has_rule(t) := true if count(lib.gh_rules(t)) > 0

else := false

_classic_is(key, want) := true if {
	lib.gh_protection
	object.get(_classic, key, null) == want
} else := false

# _requirements are [name, satisfied by rulesets, satisfied by classic protection, message].
_requirements := [
	["signed commits", _has_rule("required_signatures"), _classic_is("required_signatures", true), sprintf("branch %s does not require signed commits", [_branch])],
	["force pushes", _has_rule("non_fast_forward"), _classic_is("allow_force_pushes", false), sprintf("branch %s allows force pushes, which rewrite released history", [_branch])],
	["deletion", _has_rule("deletion"), _classic_is("allow_deletions", false), sprintf("branch %s may be deleted", [_branch])],
]

deny contains lib.violation(msg, "", 0) if {
	some [_, by_rules, by_classic, msg] in _requirements
	not by_rules
	not by_classic
	lib.gh_available("branch_protection")
}

not_available contains sprintf("%s, and the rulesets do not settle it (%s): grant the token administration:read or set it in a ruleset", [lib.gh_unavailable("branch_protection"), name]) if {
	some [name, by_rules, _, _] in _requirements
	not by_rules
	not lib.gh_available("branch_protection")
}

# Commits.

_commits := lib.gh_area("commits")

not_available contains sprintf("GitHub commits of %s were read only in part: signature verification of the rest is unknown", [object.get(_commits, "range", "")]) if {
	_commits.available == true
	_commits.truncated == true
}

deny contains lib.violation(
	sprintf("commit %s by %s is not verified by GitHub (%s): sign commits with a key registered on GitHub", [substring(c.sha, 0, 12), c.author, _reason(c)]),
	"", 0,
) if {
	_commits.available == true
	some c in _commits.commits
	c.verified != true
}

_reason(c) := c.reason if lib.non_empty_string(object.get(c, "reason", null))

else := "no reason given"
