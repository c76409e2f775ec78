# METADATA
# title: Independent security design review
# description: >-
#   A pull request that changes the security architecture or the threat model (a path
#   under watched_paths) must be approved by a security reviewer who is not its
#   author: a login listed in security_reviewers, or a user named as an owner of the
#   watched paths in CODEOWNERS (teams cannot be resolved to members without another
#   API call, so list team members in security_reviewers). The reviewer's latest
#   decisive review must be APPROVED. A design review record,
#   docs/security/reviews/<date>-design-review.md with reviewer, author, outcome:
#   approved and the pull_requests it covers, stands in for the approval when the
#   reviewer is not the pull request's author. On pull_request the pull request
#   being checked is read; on release and schedule every pull request merged in the
#   release range. Pull requests that change no watched path make the control
#   not_applicable.
# custom:
#   id: DES-02
#   type: A
#   severity: medium
#   refs:
#     iec81001: ["5.3.3", "5.4.4"]
#     mdr: ["17.2"]
#     fda: ["V.B"]
#     ssdf: ["PW.2.1"]
#   evidence: ["github.pull_request.available | github.merged_pull_requests.available"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Have a member of the security team who did not write the change approve every
#     pull request that touches the architecture or the threat model (list them in
#     security_reviewers or as individual CODEOWNERS of those paths), or record the
#     design review in docs/security/reviews/<date>-design-review.md.
#   params:
#     watched_paths: ["docs/security/architecture/", "docs/security/threat-model/", "architecture/", "interfaces.yaml"]
#     security_reviewers: []
package mdrgate.controls.des02

import data.mdrgate.lib

_watched := lib.param("DES-02", "watched_paths")

_touches(pr) := sort({p |
	some p in object.get(pr, "files", [])
	some w in _watched
	_under(p, w)
})

_under(p, w) if p == w

_under(p, w) if {
	endswith(w, "/")
	startswith(p, w)
}

# Security reviewers.

_codeowner_users := {lower(trim_prefix(o, "@")) |
	some rule in object.get(input, ["repo", "codeowners", "rules"], [])
	_covers_watched(rule.pattern)
	some o in rule.owners
	startswith(o, "@")
	not contains(o, "/")
}

_covers_watched(pattern) if {
	base := trim_suffix(trim_suffix(trim_prefix(pattern, "/"), "**"), "*")
	some w in _watched
	startswith(w, base)
}

reviewers := {lower(r) | some r in lib.param("DES-02", "security_reviewers")} | _codeowner_users

# Design review records.

_records := [d |
	some d in lib.docs_under("docs/security/reviews/")
	endswith(d.path, "-design-review.md")
]

_recorded(pr) if {
	some d in _records
	fm := lib.front_matter(d)
	pr.number in object.get(fm, "pull_requests", [])
	lower(object.get(fm, "outcome", "")) == "approved"
	lib.non_empty_string(object.get(fm, "reviewer", null))
	lower(fm.reviewer) != lower(object.get(pr, "author", ""))
	lower(fm.reviewer) != lower(object.get(fm, "author", ""))
}

_reviewed(pr) if {
	some a in lib.gh_approvers(pr)
	lower(a) in reviewers
}

_reviewed(pr) if _recorded(pr)

# The pull requests to check.

_range_event if lib.event in {"release", "schedule"}

_prs := [lib.gh_area("pull_request")] if {
	not _range_event
	lib.gh_available("pull_request")
} else := object.get(lib.gh_area("merged_pull_requests"), "pull_requests", []) if {
	_range_event
	lib.gh_available("merged_pull_requests")
} else := []

not_available contains lib.gh_unavailable("pull_request") if {
	not _range_event
	not lib.gh_available("pull_request")
}

not_available contains lib.gh_unavailable("merged_pull_requests") if {
	_range_event
	not lib.gh_available("merged_pull_requests")
}

_design_prs := [pr | some pr in _prs; count(_touches(pr)) > 0]

not_applicable contains "no pull request checked changes the security architecture or the threat model" if {
	count(_prs) > 0
	count(_design_prs) == 0
}

deny contains lib.violation(
	sprintf("pull request #%d (by %s) changes %s without an approving review from a security reviewer other than its author%s", [pr.number, pr.author, concat(", ", lib.limit(_touches(pr), 3)), _hint]),
	"", 0,
) if {
	some pr in _design_prs
	not _reviewed(pr)
}

_hint := "" if count(reviewers) > 0

else := " (no security reviewer is known: list them in security_reviewers or as individual CODEOWNERS of the watched paths)"
