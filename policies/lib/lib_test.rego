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
