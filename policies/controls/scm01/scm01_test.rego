package mdrgate.controls.scm01

_t_rules := {"available": true, "rules": [
	{"type": "required_signatures", "parameters": {}},
	{"type": "non_fast_forward", "parameters": {}},
	{"type": "deletion", "parameters": {}},
]}

_t_no := {"available": false, "reason": "403 Resource not accessible by integration"}

_t_commits := {"available": true, "range": "v2.3.0...v2.4.0", "truncated": false, "commits": [
	{"sha": "8f3c2a1b9d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a", "author": "dev", "verified": true, "reason": "valid"},
]}

_t_in(rules, classic, commits) := {"github": {"branch": "main", "rulesets": rules, "branch_protection": classic, "commits": commits}}

test_pass_rulesets if {
	count(deny) == 0 with input as _t_in(_t_rules, _t_no, _t_commits)
	count(not_available) == 0 with input as _t_in(_t_rules, _t_no, _t_commits)
}

test_pass_classic_protection if {
	classic := {"available": true, "protected": true, "required_signatures": true, "allow_force_pushes": false, "allow_deletions": false}
	count(deny) == 0 with input as _t_in({"available": true, "rules": []}, classic, _t_commits)
	count(not_available) == 0 with input as _t_in({"available": true, "rules": []}, classic, _t_commits)
}

test_fail_classic_allows_force_push_and_unsigned if {
	classic := {"available": true, "protected": true, "required_signatures": false, "allow_force_pushes": true, "allow_deletions": false}
	{v.msg | some v in deny} == {
		"branch main does not require signed commits",
		"branch main allows force pushes, which rewrite released history",
	} with input as _t_in({"available": true, "rules": []}, classic, _t_commits)
}

test_fail_unprotected_branch if {
	{v.msg | some v in deny} == {
		"branch main does not require signed commits",
		"branch main allows force pushes, which rewrite released history",
		"branch main may be deleted",
	} with input as _t_in({"available": false, "reason": "404"}, {"available": true, "protected": false}, _t_commits)
}

test_fail_unverified_commit if {
	commits := json.patch(_t_commits, [{"op": "add", "path": "/commits/-", "value": {"sha": "0123456789abcdef0123456789abcdef01234567", "author": "eve", "verified": false, "reason": "unsigned"}}])
	deny == {{"msg": "commit 0123456789ab by eve is not verified by GitHub (unsigned): sign commits with a key registered on GitHub", "path": "", "line": 0}} with input as _t_in(_t_rules, _t_no, commits)
}

test_not_available_partial_rulesets_and_unreadable_protection if {
	rules := {"available": true, "rules": [{"type": "required_signatures", "parameters": {}}]}
	not_available == {
		"GitHub branch_protection could not be read (403 Resource not accessible by integration), and the rulesets do not settle it (force pushes): grant the token administration:read or set it in a ruleset",
		"GitHub branch_protection could not be read (403 Resource not accessible by integration), and the rulesets do not settle it (deletion): grant the token administration:read or set it in a ruleset",
	} with input as _t_in(rules, _t_no, _t_commits)
}

test_not_available_truncated_range if {
	commits := object.union(_t_commits, {"truncated": true})
	not_available == {"GitHub commits of v2.3.0...v2.4.0 were read only in part: signature verification of the rest is unknown"} with input as _t_in(_t_rules, _t_no, commits)
}

test_not_available_metadata if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "scm01"]
	"github.commits.available" in entry.annotations.custom.evidence
}
