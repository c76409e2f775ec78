package mdrgate.controls.req01

_t_req := "requirements/security-requirements.yaml"

_t_rev := "docs/security/reviews/2025-12-02-requirements-review.md"

_t_items := [
	{"id": "SEC-REQ-001", "title": "Authenticate the service tool", "tags": ["security"], "source": ["THR-001", "RISK-001"], "verification": "test"},
	{"id": "SEC-REQ-002", "text": "Signed firmware only", "tag": "security", "source": "IEC 81001-5-1 5.3.2", "verification": ["Test", "inspection"]},
	{"id": "REQ-100", "title": "Dose range", "tags": ["safety"]},
]

_t_review := {
	"id": "SRR-2025-12",
	"approved_by": "Head of R&D",
	"reviewers": [
		{"name": "A", "discipline": "Development"},
		{"name": "B", "discipline": "testing"},
		{"name": "C", "discipline": "clinical"},
		{"name": "D", "discipline": "security"},
		{"name": "E", "discipline": "security"},
	],
}

_t_git := {"head": "a", "tags": [], "commits": [], "path_times": [
	{"path": _t_req, "time": "2025-12-02T17:00:00Z", "commit": "0123456789abcdef"},
	{"path": _t_rev, "time": "2025-12-03T17:00:00Z", "commit": "fedcba9876543210"},
]}

_t_in(items, review) := {"repo": {"git": _t_git, "files": [], "documents": [
	{"path": _t_req, "front_matter": {"id": "SRS", "requirements": items}},
	{"path": _t_rev, "front_matter": review, "headings": []},
]}}

_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_reviewed_requirements if {
	count(deny) == 0 with input as _t_in(_t_items, _t_review)
	count(warn) == 0 with input as _t_in(_t_items, _t_review)
	count(not_available) == 0 with input as _t_in(_t_items, _t_review)
}

test_pass_front_matter_list_in_a_document if {
	inp := {"repo": {"git": _t_git, "files": [], "documents": [
		{"path": "docs/security/requirements.md", "front_matter": {"security_requirements": [{"id": "SEC-REQ-009", "title": "t", "source": ["THR-007"], "verification": "test"}]}},
		{"path": _t_rev, "front_matter": _t_review},
	]}}
	count(deny) == 0 with input as inp
}

test_fail_no_requirements if {
	_t_msgs(_t_in([{"id": "REQ-100", "title": "x", "tags": ["safety"]}], _t_review)) == {"no security requirements are declared: list them in requirements/security-requirements.yaml (requirements tagged security) or in a security_requirements front matter list"}
}

test_fail_requirement_fields if {
	items := [
		{"id": "SEC-REQ-001", "tags": ["security"], "source": [], "verification": "review by feel"},
		{"id": "SEC-REQ-001", "title": "dup", "tags": ["security"], "source": "THR-1"},
	]
	_t_msgs(_t_in(items, _t_review)) == {
		"requirements/security-requirements.yaml: security requirement SEC-REQ-001 has no title",
		"requirements/security-requirements.yaml: security requirement SEC-REQ-001 has no source: name the threat, risk or standard clause it comes from",
		"requirements/security-requirements.yaml: security requirement SEC-REQ-001 has verification \"review by feel\": expected one of analysis, demonstration, inspection, test",
		"requirements/security-requirements.yaml: security requirement SEC-REQ-001 has no verification: say how it is verified (analysis, demonstration, inspection, test)",
		"security requirement id SEC-REQ-001 is declared 2 times (requirements/security-requirements.yaml, requirements/security-requirements.yaml): ids must be unique",
	}
}

test_fail_review_disciplines if {
	review := _t_set(_t_review, "reviewers", [{"name": "A", "discipline": "development"}, {"name": "D", "discipline": "Security"}, {"name": "X"}])
	_t_msgs(_t_in(_t_items, review)) == {
		"docs/security/reviews/2025-12-02-requirements-review.md: reviewers[2] needs a name and a discipline",
		"docs/security/reviews/2025-12-02-requirements-review.md: the reviewers cover 2 discipline(s) (development, security); at least 4 are required",
		"docs/security/reviews/2025-12-02-requirements-review.md: no reviewer of discipline testing: the review needs one",
		"docs/security/reviews/2025-12-02-requirements-review.md: no reviewer of discipline clinical: the review needs one",
	}
}

test_fail_review_missing_or_unapproved if {
	inp := {"repo": {"git": _t_git, "files": [], "documents": [{"path": _t_req, "front_matter": {"requirements": _t_items}}]}}
	_t_msgs(inp) == {"no security requirements review record: add docs/security/reviews/<YYYY-MM-DD>-requirements-review.md naming the reviewers and their disciplines"}
	_t_msgs(_t_in(_t_items, object.remove(_t_review, ["approved_by", "reviewers"]))) == {
		"docs/security/reviews/2025-12-02-requirements-review.md: approved_by is not set: record who approved the security requirements",
		"docs/security/reviews/2025-12-02-requirements-review.md: reviewers must be a non-empty list of {name, discipline}",
	}
}

test_fail_requirements_changed_after_review if {
	git := {"head": "a", "tags": [], "commits": [], "path_times": [{"path": _t_req, "time": "2025-12-05T09:00:00Z", "commit": "0123456789abcdef"}]}
	inp := object.union(_t_in(_t_items, _t_review), {"repo": {"git": git}})
	msg := "docs/security/reviews/2025-12-02-requirements-review.md: the review of 2025-12-02 is before the last change to requirements/security-requirements.yaml (commit 0123456789ab on 2025-12-05): review the security requirements again"
	{v.msg | some v in deny} == {msg} with input as inp with data.mdrgate.runtime.event as "release"
	{v.msg | some v in warn} == {msg} with input as inp
	count(deny) == 0 with input as inp
}

test_not_available_without_git_history if {
	inp := {"repo": {"files": [], "documents": [{"path": _t_req, "front_matter": {"requirements": _t_items}}, {"path": _t_rev, "front_matter": _t_review}]}}
	not_available == {"git history is not available: cannot check that the requirements review follows the last change to the requirements"} with input as inp
	count(deny) == 0 with input as inp
}
