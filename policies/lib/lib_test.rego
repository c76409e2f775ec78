package mdrgate.lib

# 2026-01-01T00:00:00Z, the time the test harness sets.
_t0 := 1767225600000000000

test_violation_shape if {
	violation("m", "a.md", 3) == {"msg": "m", "path": "a.md", "line": 3}
}

test_param_reads_runtime if {
	param("X-01", "n") == 7 with data.mdrgate.runtime.params as {"X-01": {"n": 7}}
	not param("X-01", "missing") with data.mdrgate.runtime.params as {"X-01": {"n": 7}}
}

test_now_ns_and_event_from_runtime if {
	now_ns == _t0
	event == "pull_request"
	now_ns == 5 with data.mdrgate.runtime.time_ns as 5
}

test_parse_date_plain_and_rfc3339 if {
	parse_date_ns("2026-01-01") == _t0
	parse_date_ns("2026-01-01T00:00:00Z") == _t0
	parse_date_ns("2026-01-01T01:00:00+01:00") == _t0
	parse_date_ns("2025-12-31T23:00:00.5z") == _t0 - 3599500000000
	parse_date_ns("2024-02-29") == 1709164800000000000
}

test_parse_date_rejects_non_dates if {
	not parse_date_ns("2026-02-30")
	not parse_date_ns("2025-02-29")
	not parse_date_ns("2026-13-01")
	not parse_date_ns("2026-00-10")
	not parse_date_ns("26-01-01")
	not parse_date_ns("2026-01-01T25:00:00Z")
	not parse_date_ns("2026-01-01T10:00:00")
	not parse_date_ns("yesterday")
	not parse_date_ns(20260101)
	not parse_date_ns(null)
}

test_days_since_counts_calendar_days if {
	days_since("2026-01-01") == 0
	days_since("2025-12-31T23:59:59Z") == 1
	days_since("2025-01-01") == 365
	days_since("2026-01-03") == -2
	days_since("2025-12-31") == 0 with data.mdrgate.runtime.time_ns as _t0 - 1
}

test_fresh if {
	fresh("2025-01-01", 365)
	not fresh("2024-12-31", 365)
	fresh("2026-01-02", 365)
	not fresh("2026-01-03", 365)
	not fresh("not a date", 365)
}

test_review_problem if {
	review_problem({}, 365) == "front matter has no last_reviewed date"
	review_problem({"last_reviewed": "soon"}, 365) == "last_reviewed soon is not a date (expected YYYY-MM-DD or RFC 3339)"
	review_problem({"last_reviewed": "2027-01-01"}, 365) == "last_reviewed 2027-01-01 is in the future"
	review_problem({"last_reviewed": "2024-06-01"}, 365) == "last_reviewed 2024-06-01 is 579 days old; the limit is 365 days"
	not review_problem({"last_reviewed": "2025-06-01T00:00:00Z"}, 365)
}

test_approved if {
	approved({"approved_by": "Jane Roe (QA)"})
	approved({"approved_by": ["a", "b"]})
	approved({"approved_by": [{"name": "a", "date": "2025-01-01"}]})
	not approved({"approved_by": ""})
	not approved({"approved_by": []})
	not approved({"approved_by": ["a", ""]})
	not approved({})
}

test_values if {
	non_empty_string(" x ")
	not non_empty_string("  ")
	not non_empty_string(1)
	positive_number(0.5)
	not positive_number(0)
	not positive_number("3")
	strings_of("a") == ["a"]
	strings_of(["a", 1, "b"]) == ["a", "b"]
	strings_of(null) == []
}

_repo := {"repo": {
	"files": [{"path": "SECURITY.md", "size": 10}, {"path": "docs/security/threat-model/tm.md", "size": 3}],
	"documents": [
		{"path": "SECURITY.md", "front_matter": null, "text": "x"},
		{"path": "docs/security/threat-model/tm.md", "front_matter": {"threats": [
			{"id": "THR-1", "title": "a"},
			{"id": "THR-2", "title": "b"},
			"not a threat",
		]}},
		{"path": "docs/security/threat-model/notes.md", "front_matter": {"id": "x"}},
		{"path": "docs/x.md", "front_matter": {"security_requirements": [{"id": "SEC-REQ-1"}, {"title": "no id"}, "SEC-REQ-X"]}},
		{"path": "requirements/system.yaml", "front_matter": {"requirements": [
			{"id": "REQ-1", "tags": ["Security", "usability"]},
			{"id": "REQ-2", "tag": "security"},
			{"id": "REQ-3", "tags": ["performance"]},
		]}},
		{"path": "other/list.yaml", "front_matter": {"requirements": [{"id": "REQ-9", "tag": "security"}]}},
		{"path": "broken.md", "front_matter": null, "front_matter_error": "yaml: line 2: mapping values are not allowed"},
	],
}}

test_documents_and_files if {
	has_file("SECURITY.md") with input as _repo
	not has_file("security.md") with input as _repo
	files_under("docs/") == {"docs/security/threat-model/tm.md"} with input as _repo
	doc("SECURITY.md").text == "x" with input as _repo
	not doc("missing.md") with input as _repo
	count(docs_under("docs/security/")) == 2 with input as _repo
	front_matter(doc("SECURITY.md")) == {} with input as _repo
	front_matter_problem(doc("SECURITY.md")) == "the document has no YAML front matter" with input as _repo
	front_matter_problem(doc("broken.md")) == "front matter could not be read: yaml: line 2: mapping values are not allowed" with input as _repo
	not front_matter_problem(doc("docs/x.md")) with input as _repo
}

test_documents_without_repo if {
	documents == [] with input as {"build": {}}
	files == [] with input as {"build": {}}
	not has_file("SECURITY.md") with input as {"build": {}}
}

test_threats_and_requirements if {
	threat_ids == {"THR-1", "THR-2"} with input as _repo
	count(threats) == 2 with input as _repo
	threats[0]._doc == "docs/security/threat-model/tm.md" with input as _repo
	security_requirement_ids == {"SEC-REQ-1", "REQ-1", "REQ-2"} with input as _repo
	security_requirements[0] == {"id": "SEC-REQ-1", "_doc": "docs/x.md"} with input as _repo
	count(security_requirements) == 3 with input as _repo
}

test_purls if {
	purl_base("pkg:PyPI/Requests@2.31.0?os=linux#sub") == "pkg:pypi/requests@2.31.0"
	purl_has_version("pkg:npm/%40scope/name@1.0.0")
	not purl_has_version("pkg:npm/%40scope/name")
	purl_unversioned("pkg:npm/%40scope/name@1.0.0") == "pkg:npm/@scope/name"
	purl_unversioned("pkg:golang/golang.org/x/net@v0.1.0") == "pkg:golang/golang.org/x/net"
	purl_matches("pkg:pypi/requests@2.31.0", "pkg:pypi/requests@2.31.0?arch=x")
	purl_matches("pkg:pypi/requests", "pkg:pypi/requests@2.31.0")
	not purl_matches("pkg:pypi/requests@2.30.0", "pkg:pypi/requests@2.31.0")
	not purl_matches("pkg:pypi/request", "pkg:pypi/requests@2.31.0")
}

test_limit if {
	limit([1, 2, 3], 2) == [1, 2]
	limit([1], 5) == [1]
}

test_release_version if {
	release_version == "2.4.0" with input as {"product": {"version": "v2.4.0"}}
	release_dir == "release/2.4.0/" with input as {"product": {"version": "2.4.0"}}
	release_version == "3.0.0" with input as {"product": {"version": ""}, "repo": {"git": {"head": "a", "tags": [{"name": "v3.0.0", "commit": "a"}, {"name": "v1", "commit": "b"}]}}}
	not release_version with input as {"product": {"version": ""}, "repo": {"git": {"head": "a", "tags": []}}}
	strip_v("version") == "version"
}

test_end_of_support_and_properties if {
	c := {"properties": [
		{"name": "cdx:lifecycle:milestone:endOfSupport", "value": "2030-01-01"},
		{"name": "cdx:fda:end-of-support-date", "value": "soon"},
		{"name": "x", "value": ""},
	]}
	end_of_support(c) == "2030-01-01"
	property_values(c, "x") == []
	not end_of_support({"properties": []})
}

test_supported_versions if {
	inp := {"repo": {"files": [], "documents": [{"path": "supported-versions.yaml", "front_matter": {"versions": [{"version": "1.0", "support_end": "2026-01-01"}, "junk", {"version": "0.9", "support_end": "2025-12-31"}]}}]}}
	count(supported_versions) == 2 with input as inp
	supported_versions[1]._index == 2 with input as inp
	in_support(supported_versions[0]) with input as inp
	not in_support(supported_versions[1]) with input as inp
	supported_versions == [] with input as {"repo": {"documents": []}}
}

test_update_policy_sla if {
	update_policy_sla == {"critical": 30} with input as {"repo": {"documents": [{"path": "docs/security/update-policy.md", "front_matter": {"sla_days": {"critical": 30}}}]}}
	not update_policy_sla with input as {"repo": {"documents": []}}
	id_set("CVE-1", ["GHSA-x", 3]) == {"cve-1", "ghsa-x"}
}

# ---------------------------------------------------------------------------
# Document structure and freshness, risk register, review records.

test_freshness_warns_on_pull_request_and_gates_otherwise if {
	vs := {violation("stale", "a.md", 0)}
	freshness_deny(vs) == set()
	freshness_warn(vs) == vs
	freshness_deny(vs) == vs with data.mdrgate.runtime.event as "release"
	freshness_warn(vs) == set() with data.mdrgate.runtime.event as "release"
	freshness_deny(vs) == vs with data.mdrgate.runtime.event as "schedule"
}

test_missing_keys_and_headings if {
	missing_keys({"id": "X", "version": 2, "owner": " ", "title": []}, ["id", "version", "owner", "title", "absent"]) == ["owner", "title", "absent"]
	d := {"headings": [{"level": 2, "text": "Threat Modelling and design", "line": 3}]}
	missing_headings(d, ["threat model", "Security testing"]) == ["Security testing"]
	missing_headings({}, ["a"]) == ["a"]
}

test_date_problem if {
	date_problem("last_reviewed", null) == "front matter has no last_reviewed date"
	date_problem("date", "soon") == "date soon is not a date (expected YYYY-MM-DD or RFC 3339)"
	date_problem("date", 20250101) == "date 20250101 is not a date (expected YYYY-MM-DD or RFC 3339)"
	date_problem("last_reviewed", "2026-01-03") == "last_reviewed 2026-01-03 is in the future"
	not date_problem("last_reviewed", "2026-01-02")
	not date_problem("last_reviewed", "2025-01-01T10:00:00Z")
}

_git_in := {"repo": {"git": {"path_times": [
	{"path": "docs/security/architecture/a.md", "time": "2025-12-01T10:00:00Z", "commit": "0123456789abcdef"},
	{"path": "interfaces.yaml", "time": "2025-11-01T10:00:00Z", "commit": "fedcba9876543210"},
	{"path": "docs/security/context.md", "time": "2025-12-30T10:00:00Z", "commit": "1111111111111111"},
	{"path": "src/x.c", "time": "not a time", "commit": "2222"},
]}}}

test_watched_changes_and_staleness if {
	w := ["docs/security/architecture/", "interfaces.yaml", "docs/security/", "src/x.c"]
	changes := watched_changes(w, "docs/security/context.md") with input as _git_in
	{pt.path | some pt in changes} == {"docs/security/architecture/a.md", "interfaces.yaml"}
	staleness("last_reviewed", "2025-12-01", 365, "docs/security/context.md", w) == set() with input as _git_in
	staleness("last_reviewed", "2025-11-30", 365, "docs/security/context.md", w) == {"last_reviewed 2025-11-30 is before the last change to docs/security/architecture/a.md (commit 0123456789ab on 2025-12-01)"} with input as _git_in
	staleness("review of", "2024-10-01", 365, "x.md", ["interfaces.yaml"]) == {
		"review of 2024-10-01 is 457 days old; the limit is 365 days",
		"review of 2024-10-01 is before the last change to interfaces.yaml (commit fedcba987654 on 2025-11-01)",
	} with input as _git_in
	staleness("last_reviewed", "bad", 365, "x.md", w) == set() with input as _git_in
	path_covered("docs/", "docs/a/b.md")
	path_covered("interfaces.yaml", "interfaces.yaml/")
	not path_covered("docs", "docs/a.md")
}

test_git_missing if {
	git_missing with input as {"repo": {"files": []}}
	not git_missing with input as _git_in
	not git_missing with input as {"build": {}}
}

test_name_date if {
	name_date("docs/security/reviews/2025-06-30-dm-review.md") == "2025-06-30"
	not name_date("docs/security/reviews/2025-02-30-dm-review.md")
	not name_date("docs/security/reviews/dm-review-2025-06-30.md")
	not name_date("2025-06-30.md")
}

_reviews_in := {"repo": {"documents": [
	{"path": "docs/security/reviews/2025-03-01-dm-review.md", "front_matter": {"id": "a"}},
	{"path": "docs/security/reviews/2025-09-01-dm-review.md", "front_matter": {"id": "b"}},
	{"path": "docs/security/reviews/2025-10-01-requirements-review.md", "front_matter": {"id": "c"}},
	{"path": "docs/security/reviews/latest-dm-review.md", "front_matter": {"id": "d"}},
	{"path": "docs/security/risk-register.yaml", "front_matter": {"risks": [
		{"id": "RISK-1", "threat_id": "THR-1", "controls": ["SEC-REQ-1", 3]},
		"not a row",
		{"id": "RISK-2", "threat_id": ["THR-2", "THR-3"]},
	]}},
]}}

test_review_records_newest_first if {
	recs := review_records("-dm-review.md") with input as _reviews_in
	[[d, r.front_matter.id] | some [d, r] in recs] == [["2025-09-01", "b"], ["2025-03-01", "a"]]
	review_records("-none.md") == [] with input as _reviews_in
	sort_desc([1, 3, 2]) == [3, 2, 1]
	sort_desc([]) == []
}

test_risk_register if {
	count(risks) == 2 with input as _reviews_in
	risks[1]._index == 2 with input as _reviews_in
	risk_ids == {"RISK-1", "RISK-2"} with input as _reviews_in
	risk_threat_ids(risks[1]) == {"THR-2", "THR-3"} with input as _reviews_in
	risk_controls(risks[0]) == {"SEC-REQ-1"} with input as _reviews_in
	risks == [] with input as {"repo": {"documents": []}}
}

_gh_in := {"github": {
	"rulesets": {"available": true, "reason": "", "rules": [
		{"type": "pull_request", "parameters": {"required_approving_review_count": 2}},
		{"type": "deletion", "parameters": {}},
	]},
	"branch_protection": {"available": false, "reason": "403 Resource not accessible by integration"},
	"commits": {"available": true},
}}

test_gh_areas if {
	gh_available("rulesets") with input as _gh_in
	not gh_available("branch_protection") with input as _gh_in
	not gh_available("environments") with input as _gh_in
	gh_unavailable("branch_protection") == "GitHub branch_protection could not be read (403 Resource not accessible by integration)" with input as _gh_in
	gh_unavailable("environments") == "GitHub environments could not be read (not collected)" with input as _gh_in
	not gh_unavailable("rulesets") with input as _gh_in
	not gh_protection with input as _gh_in
	count(gh_rules("pull_request")) == 1 with input as _gh_in
	gh_rule_param(gh_rules("pull_request")[0], "required_approving_review_count") == 2 with input as _gh_in
	gh_rule_param(gh_rules("deletion")[0], "x") == null with input as _gh_in
	gh_rules("pull_request") == [] with input as {}
	gh_protection.protected with input as {"github": {"branch_protection": {"available": true, "protected": true}}}
	not gh_protection with input as {"github": {"branch_protection": {"available": true, "protected": false}}}
}

test_gh_approvers if {
	pr := {"author": "dev", "reviews": [
		{"author": "alice", "state": "APPROVED"},
		{"author": "alice", "state": "COMMENTED"},
		{"author": "bob", "state": "APPROVED"},
		{"author": "bob", "state": "CHANGES_REQUESTED"},
		{"author": "carol", "state": "APPROVED"},
		{"author": "carol", "state": "DISMISSED"},
		{"author": "Dev", "state": "APPROVED"},
	]}
	gh_approvers(pr) == {"alice"}
	gh_approvers({"author": "dev", "reviews": []}) == set()
}

test_languages if {
	inp := {"repo": {"files": [
		{"path": "src/main.c"}, {"path": "src/dose.h"}, {"path": "tools/a.py"},
		{"path": "vendor/x/y.go"}, {"path": "testdata/z.rs"}, {"path": "README.md"}, {"path": "Makefile"},
	]}}
	languages == {"c": ["src/dose.h", "src/main.c"], "python": ["tools/a.py"]} with input as inp
	language_of("a/B.PY") == "python"
	not language_of("Makefile")
	vendored_path("a/node_modules/b.js")
	not vendored_path("src/vendors.c")
}

test_major_version if {
	major_version("v2.4.0") == "2"
	major_version("10.1") == "10"
	major_version(" V3 ") == "3"
	not major_version("next")
	not major_version(3)
}

test_show if {
	show("<org>/team") == `"<org>/team"`
	show(null) == "null"
	show(7) == "7"
	show(["a"]) == `["a"]`
}
