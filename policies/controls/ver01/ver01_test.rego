package mdrgate.controls.ver01

_t_repo := {
	"files": [],
	"documents": [
		{"path": "docs/security/threat-model/threat-model.md", "front_matter": {"threats": [
			{"id": "THR-001", "category": "S", "asset": "a", "mitigations": ["SEC-REQ-001"]},
			{"id": "THR-002", "category": "T", "asset": "a", "mitigations": ["SEC-REQ-002"]},
		]}},
		{"path": "docs/security/requirements.md", "front_matter": {"security_requirements": [{"id": "SEC-REQ-001"}, {"id": "SEC-REQ-002"}]}},
		{"path": "requirements/system.yaml", "front_matter": {"requirements": [{"id": "REQ-010", "tags": ["security"]}, {"id": "REQ-011"}]}},
	],
}

_t_case(name, reqs, threats, status) := {
	"suite": "security",
	"class": "tests.test_auth",
	"name": name,
	"status": status,
	"time": 0.1,
	"properties": [],
	"requirements": reqs,
	"threats": threats,
}

_t_cases := [
	_t_case("test_pairing_rejects_unknown_device", ["SEC-REQ-001"], ["THR-001"], "passed"),
	_t_case("test_dose_limit_signature", ["SEC-REQ-002"], ["THR-002"], "passed"),
	_t_case("test_audit_log", ["REQ-010"], [], "passed"),
	_t_case("test_display_brightness", ["REQ-011"], [], "failed"),
	_t_case("test_unlinked", [], [], "skipped"),
]

_t_in(cases) := {"repo": _t_repo, "build": {"tests": [{"path": "build/junit.xml", "sha256": "0", "media_type": "application/xml", "dialect": "pytest", "cases": cases}]}}

_t_deny(cases) := vs if {
	vs := deny with input as _t_in(cases)
}

_t_msgs(cases) := {v.msg | some v in _t_deny(cases)}

test_pass_every_threat_and_requirement_covered if {
	count(_t_deny(_t_cases)) == 0
	count(not_available) == 0 with input as _t_in(_t_cases)
}

test_fail_no_security_tests if {
	_t_deny([_t_case("test_display_brightness", ["REQ-011"], [], "passed")]) == {
		{"msg": "no test case names a security requirement (SEC-REQ-…) or threat (THR-…): link the security tests to what they verify", "path": "", "line": 0},
		{"msg": "threat THR-001 has no passing test: add a test that names it (for example a property threat=THR-001)", "path": "docs/security/threat-model/threat-model.md", "line": 0},
		{"msg": "threat THR-002 has no passing test: add a test that names it (for example a property threat=THR-002)", "path": "docs/security/threat-model/threat-model.md", "line": 0},
		{"msg": "security requirement SEC-REQ-001 has no passing test: add a test that names it (for example a property requirement=SEC-REQ-001)", "path": "docs/security/requirements.md", "line": 0},
		{"msg": "security requirement SEC-REQ-002 has no passing test: add a test that names it (for example a property requirement=SEC-REQ-002)", "path": "docs/security/requirements.md", "line": 0},
		{"msg": "security requirement REQ-010 has no passing test: add a test that names it (for example a property requirement=REQ-010)", "path": "requirements/system.yaml", "line": 0},
	}
}

test_fail_failing_security_test if {
	failing := object.union(_t_case("test_dose_limit_signature", ["SEC-REQ-002"], ["THR-002"], "failed"), {"message": "AssertionError: signature accepted", "file": "tests/test_auth.py", "line": 88})
	cases := [_t_cases[0], failing, _t_cases[2]]
	_t_deny(cases) == {
		{"msg": "security test tests.test_auth.test_dose_limit_signature (SEC-REQ-002, THR-002) failed: AssertionError: signature accepted", "path": "tests/test_auth.py", "line": 88},
		{"msg": "threat THR-002 has no passing test: add a test that names it (for example a property threat=THR-002)", "path": "docs/security/threat-model/threat-model.md", "line": 0},
		{"msg": "security requirement SEC-REQ-002 has no passing test: add a test that names it (for example a property requirement=SEC-REQ-002)", "path": "docs/security/requirements.md", "line": 0},
	}
}

test_fail_error_and_skipped_security_tests if {
	cases := array.concat(_t_cases, [
		_t_case("test_fuzz_parser", [], ["THR-001"], "skipped"),
		object.remove(_t_case("test_tls", ["SEC-REQ-009"], [], "error"), ["class"]),
		_t_case("test_odd", ["SEC-REQ-001"], [], "flaky"),
	])
	_t_msgs(cases) == {
		"security test tests.test_auth.test_fuzz_parser (THR-001) was skipped: security tests must run",
		"security test test_tls (SEC-REQ-009) ended in an error",
		"security test tests.test_auth.test_odd (SEC-REQ-001) has status \"flaky\"",
	}
	some v in _t_deny(cases)
	v.path == "build/junit.xml"
}

test_fail_uncovered_threat if {
	cases := [_t_cases[0], _t_case("test_dose_limit_signature", ["SEC-REQ-002"], [], "passed"), _t_cases[2]]
	_t_msgs(cases) == {"threat THR-002 has no passing test: add a test that names it (for example a property threat=THR-002)"}
}

test_not_available_without_repo_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "ver01"]
	"build.tests" in entry.annotations.custom.evidence
	inp := {"build": {"tests": [{"path": "build/junit.xml", "cases": _t_cases}]}}
	not_available == {"repository evidence is not available: cannot check that every threat and security requirement has a passing test"} with input as inp
	count(deny) == 0 with input as inp
}

test_fail_security_document_front_matter_unreadable if {
	broken := {"path": "docs/security/wifi-requirements.md", "front_matter": null, "front_matter_error": "line 3: mapping values are not allowed in this context"}
	inp := object.union(_t_in(_t_cases), {"repo": object.union(_t_repo, {"documents": array.concat(_t_repo.documents, [broken])})})
	vs := deny with input as inp
	{v.msg | some v in vs} == {"docs/security/wifi-requirements.md: front matter could not be read: line 3: mapping values are not allowed in this context: the threats or security requirements it declares cannot be read, so their tests cannot be checked"}
}

test_fail_no_security_requirement_declared if {
	docs := [d | some d in _t_repo.documents; d.path == "docs/security/threat-model/threat-model.md"]
	inp := object.union(_t_in(_t_cases), {"repo": object.union(_t_repo, {"documents": docs})})
	vs := deny with input as inp
	"no security requirement is declared (security_requirements in a document's front matter, or requirements/*.yaml entries tagged security): there is nothing to show as tested" in {v.msg | some v in vs}
}
