package mdrgate.controls.des02

_t_pr(n, files, reviews) := {"available": true, "reason": "", "number": n, "author": "dev", "files": files, "reviews": reviews}

_t_co := {"path": ".github/CODEOWNERS", "rules": [
	{"pattern": "*", "owners": ["@example/firmware"], "line": 1},
	{"pattern": "/docs/security/", "owners": ["@example/product-security", "@SecLead"], "line": 2},
]}

_t_in(pr) := {"github": {"pull_request": pr}, "repo": {"codeowners": _t_co, "documents": []}}

test_pass_codeowner_approved if {
	pr := _t_pr(5, ["docs/security/architecture/global-system.md"], [{"author": "seclead", "state": "APPROVED"}])
	count(deny) == 0 with input as _t_in(pr)
	count(not_applicable) == 0 with input as _t_in(pr)
}

test_pass_listed_reviewer_and_record if {
	pr := _t_pr(6, ["interfaces.yaml"], [{"author": "alice", "state": "APPROVED"}])
	count(deny) == 0 with input as _t_in(pr) with data.mdrgate.runtime.params["DES-02"].security_reviewers as ["Alice"]
	rec := {"path": "docs/security/reviews/2026-11-20-design-review.md", "front_matter": {"reviewer": "Bob", "author": "dev", "outcome": "approved", "pull_requests": [7]}}
	inp := {"github": {"pull_request": _t_pr(7, ["interfaces.yaml"], [])}, "repo": {"documents": [rec]}}
	count(deny) == 0 with input as inp
}

test_fail_no_independent_security_approval if {
	pr := _t_pr(8, ["docs/security/threat-model/threat-model.md", "src/main.c"], [
		{"author": "firmware-peer", "state": "APPROVED"},
		{"author": "seclead", "state": "APPROVED"},
		{"author": "seclead", "state": "DISMISSED"},
	])
	deny == {{"msg": "pull request #8 (by dev) changes docs/security/threat-model/threat-model.md without an approving review from a security reviewer other than its author", "path": "", "line": 0}} with input as _t_in(pr)
}

test_fail_self_review_record_and_unknown_reviewers if {
	rec := {"path": "docs/security/reviews/2026-11-20-design-review.md", "front_matter": {"reviewer": "dev", "author": "dev", "outcome": "approved", "pull_requests": [9]}}
	inp := {"github": {"pull_request": _t_pr(9, ["architecture/c4.md"], [{"author": "x", "state": "APPROVED"}])}, "repo": {"documents": [rec]}}
	{v.msg | some v in deny} == {"pull request #9 (by dev) changes architecture/c4.md without an approving review from a security reviewer other than its author (no security reviewer is known: list them in security_reviewers or as individual CODEOWNERS of the watched paths)"} with input as inp
}

test_fail_release_range if {
	merged := {"available": true, "pull_requests": [
		_t_pr(10, ["docs/security/architecture/a.md"], [{"author": "seclead", "state": "APPROVED"}]),
		_t_pr(11, ["docs/security/architecture/b.md"], []),
		_t_pr(12, ["src/x.c"], []),
	]}
	inp := {"github": {"merged_pull_requests": merged}, "repo": {"codeowners": _t_co, "documents": []}}
	{v.msg | some v in deny} == {"pull request #11 (by dev) changes docs/security/architecture/b.md without an approving review from a security reviewer other than its author"} with input as inp
		with data.mdrgate.runtime.event as "release"
}

test_not_applicable_without_design_change if {
	not_applicable == {"no pull request checked changes the security architecture or the threat model"} with input as _t_in(_t_pr(13, ["src/main.c"], []))
	count(deny) == 0 with input as _t_in(_t_pr(13, ["src/main.c"], []))
}

test_not_available_pull_request_unreadable if {
	inp := {"github": {"pull_request": {"available": false, "reason": "403 Resource not accessible by integration"}, "merged_pull_requests": {"available": true, "pull_requests": []}}}
	not_available == {"GitHub pull_request could not be read (403 Resource not accessible by integration)"} with input as inp
	not_available == {"GitHub merged_pull_requests could not be read (not collected)"} with input as {"github": {}} with data.mdrgate.runtime.event as "release"
}
