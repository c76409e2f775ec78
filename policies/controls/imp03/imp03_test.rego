package mdrgate.controls.imp03

_t_rules := {"available": true, "reason": "", "rules": [
	{"type": "pull_request", "ruleset_id": 1, "ruleset_source": "org/repo", "parameters": {"required_approving_review_count": 1, "require_code_owner_review": true, "dismiss_stale_reviews_on_push": true, "require_last_push_approval": false}},
	{"type": "deletion", "parameters": {}},
]}

_t_no := {"available": false, "reason": "403 Resource not accessible by integration"}

_t_pr(n, author, reviews) := {"number": n, "author": author, "reviews": reviews}

_t_merged := {"available": true, "reason": "", "pull_requests": [
	_t_pr(7, "dev", [{"author": "rev", "state": "APPROVED"}]),
	_t_pr(8, "dev", [{"author": "sec", "state": "CHANGES_REQUESTED"}, {"author": "sec", "state": "APPROVED"}]),
]}

_t_in(rules, classic, merged) := {"github": {"branch": "main", "rulesets": rules, "branch_protection": classic, "merged_pull_requests": merged}}

test_pass_ruleset_without_classic_protection if {
	count(deny) == 0 with input as _t_in(_t_rules, _t_no, _t_merged)
	count(not_available) == 0 with input as _t_in(_t_rules, _t_no, _t_merged)
}

test_pass_classic_protection_and_release_range if {
	classic := {"available": true, "protected": true, "required_approving_review_count": 2, "require_code_owner_reviews": true, "dismiss_stale_reviews": true}
	inp := _t_in({"available": true, "rules": []}, classic, _t_merged)
	count(deny) == 0 with input as inp with data.mdrgate.runtime.event as "release"
	count(not_available) == 0 with input as inp with data.mdrgate.runtime.event as "release"
}

test_fail_weak_rules if {
	classic := {"available": true, "protected": true, "required_approving_review_count": 0, "require_code_owner_reviews": false, "dismiss_stale_reviews": true}
	{v.msg | some v in deny} == {
		"branch main requires 0 approving review(s) before merge; at least 2 are required",
		"branch main does not require review from code owners",
	} with input as _t_in({"available": true, "rules": []}, classic, _t_merged)
		with data.mdrgate.runtime.params["IMP-03"].min_approvals as 2
}

test_fail_unprotected_branch if {
	count(deny) == 3 with input as _t_in({"available": true, "rules": []}, {"available": true, "protected": false}, _t_merged)
}

test_fail_self_approved_or_dismissed_merges if {
	merged := {"available": true, "pull_requests": [
		_t_pr(9, "dev", [{"author": "dev", "state": "APPROVED"}]),
		_t_pr(10, "dev", [{"author": "rev", "state": "APPROVED"}, {"author": "rev", "state": "DISMISSED"}]),
		_t_pr(11, "dev", [{"author": "rev", "state": "APPROVED"}, {"author": "rev", "state": "COMMENTED"}]),
	]}
	{v.msg | some v in deny} == {
		"pull request #9 (by dev) was merged without an approving review from someone other than its author",
		"pull request #10 (by dev) was merged without an approving review from someone other than its author",
	} with input as _t_in(_t_rules, _t_no, merged) with data.mdrgate.runtime.event as "release"
}

test_pull_request_event_ignores_the_release_range if {
	merged := {"available": true, "pull_requests": [_t_pr(9, "dev", [])]}
	count(deny) == 0 with input as _t_in(_t_rules, _t_no, merged)
}

test_not_available_when_classic_unreadable_and_rulesets_silent if {
	not_available == {
		"GitHub branch_protection could not be read (403 Resource not accessible by integration), and the rulesets do not settle it (approvals): grant the token administration:read or require it in a ruleset",
		"GitHub branch_protection could not be read (403 Resource not accessible by integration), and the rulesets do not settle it (code owners): grant the token administration:read or require it in a ruleset",
		"GitHub branch_protection could not be read (403 Resource not accessible by integration), and the rulesets do not settle it (stale reviews): grant the token administration:read or require it in a ruleset",
	} with input as _t_in({"available": true, "rules": []}, _t_no, _t_merged)
	count(deny) == 0 with input as _t_in({"available": true, "rules": []}, _t_no, _t_merged)
}

test_not_available_without_merged_pull_requests_on_release if {
	not_available == {"GitHub merged_pull_requests could not be read (403 Resource not accessible by integration)"} with input as _t_in(_t_rules, _t_no, _t_no)
		with data.mdrgate.runtime.event as "release"
}

test_not_available_metadata if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "imp03"]
	"github.branch_protection.available | github.rulesets.available" in entry.annotations.custom.evidence
}
