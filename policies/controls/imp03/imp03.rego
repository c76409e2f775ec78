# METADATA
# title: Mandatory independent code review on protected branches
# description: >-
#   The branch merged into (github.branch) must require pull request reviews: at
#   least min_approvals approving reviews, code-owner review, and dismissal of stale
#   approvals when new commits are pushed. A repository ruleset rule of type
#   pull_request (required_approving_review_count, require_code_owner_review,
#   dismiss_stale_reviews_on_push) satisfies each requirement as well as classic
#   branch protection does; each requirement holds when either source sets it. When
#   the rulesets do not satisfy a requirement and classic protection could not be
#   read (it needs an admin token), the control is not_available rather than failed
#   or passed. On release and schedule, every pull request merged into the release
#   range must also carry an approving review from someone other than its author
#   (the reviewer's latest decisive review; dismissed approvals do not count).
# custom:
#   id: IMP-03
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.5.2", "8"]
#     mdr: ["17.2"]
#     fda: ["524B(b)(2)"]
#     ssdf: ["PW.7.2", "PS.1.1"]
#     iec62304: ["5.5.3", "5.5.4", "5.5.5", "8.2"]
#   evidence: ["github.branch_protection.available | github.rulesets.available"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Add a branch ruleset (or classic branch protection) on the release branch that
#     requires a pull request with at least min_approvals approvals, review from code
#     owners and dismissal of stale approvals; merge nothing without an approval by
#     someone other than the author.
#   params:
#     min_approvals: 1
package mdrgate.controls.imp03

import data.mdrgate.lib

_branch := object.get(input, ["github", "branch"], "")

_min := lib.param("IMP-03", "min_approvals")

_pr_rules := lib.gh_rules("pull_request")

_ruleset_count := max({n |
	some r in _pr_rules
	n := lib.gh_rule_param(r, "required_approving_review_count")
	is_number(n)
}) if count(_pr_rules) > 0

else := 0

_classic_count := object.get(lib.gh_protection, "required_approving_review_count", 0) if lib.gh_protection

else := 0

# _requirements are [name, satisfied by rulesets, satisfied by classic protection, message].
_requirements := [
	[
		"approvals",
		_ruleset_count >= _min,
		_classic_count >= _min,
		sprintf("branch %s requires %d approving review(s) before merge; at least %d are required", [_branch, max({_ruleset_count, _classic_count}), _min]),
	],
	[
		"code owners",
		_any_rule_true("require_code_owner_review"),
		object.get(_classic, "require_code_owner_reviews", false) == true,
		sprintf("branch %s does not require review from code owners", [_branch]),
	],
	[
		"stale reviews",
		_any_rule_true("dismiss_stale_reviews_on_push"),
		object.get(_classic, "dismiss_stale_reviews", false) == true,
		sprintf("branch %s does not dismiss stale approvals when new commits are pushed", [_branch]),
	],
]

_classic := lib.gh_protection if lib.gh_protection

else := {}

_any_rule_true(name) := true if {
	some r in _pr_rules
	lib.gh_rule_param(r, name) == true
} else := false

deny contains lib.violation(msg, "", 0) if {
	some [_, by_rules, by_classic, msg] in _requirements
	not by_rules
	not by_classic
	lib.gh_available("branch_protection")
}

not_available contains sprintf("%s, and the rulesets do not settle it (%s): grant the token administration:read or require it in a ruleset", [lib.gh_unavailable("branch_protection"), name]) if {
	some [name, by_rules, _, _] in _requirements
	not by_rules
	not lib.gh_available("branch_protection")
}

# Merged pull requests of the release range.

_range_event if lib.event in {"release", "schedule"}

not_available contains lib.gh_unavailable("merged_pull_requests") if {
	_range_event
	not lib.gh_available("merged_pull_requests")
}

deny contains lib.violation(
	sprintf("pull request #%d (by %s) was merged without an approving review from someone other than its author", [pr.number, pr.author]),
	"", 0,
) if {
	_range_event
	lib.gh_available("merged_pull_requests")
	some pr in lib.gh_area("merged_pull_requests").pull_requests
	count(lib.gh_approvers(pr)) == 0
}
