# METADATA
# title: Security requirement and threat-mitigation tests exist and pass
# description: >-
#   A security test case is a JUnit case that names a threat (THR-…), a security
#   requirement (SEC-REQ-…) or a requirement declared as a security requirement in the
#   repository's documents, in its properties, name or class. There must be at least one;
#   every security case must pass (failed, error and skipped all fail the control); every
#   threat of the threat model (RSK-02's threats list) and every declared security
#   requirement (a security_requirements front matter list in any document, or items
#   tagged security in a requirements list under requirements/) must have at least one
#   passing case naming it. Without repository evidence the coverage part is
#   not_available. High-risk controls of the risk register (RSK-03) are not checked yet.
# custom:
#   id: VER-01
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.7.1", "5.7.2"]
#     iec62304: ["5.7"]
#     fda: ["V.C"]
#     ssdf: ["PW.8.2"]
#     mdcg: ["3.7"]
#   evidence: ["build.tests"]
#   events: [pull_request, release]
#   remediation: >-
#     Link security tests to what they verify (a JUnit property such as
#     requirement=SEC-REQ-004 or threat=THR-002, or the id in the test name), make them
#     pass and do not skip them; add a test for every threat and security requirement
#     that has none.
#   params: {}
package mdrgate.controls.ver01

import data.mdrgate.lib

# _cases are the test cases, each with the report it came from.
_cases := [[rep.path, c] |
	some rep in input.build.tests
	some c in rep.cases
]

_security_requirement(id) if startswith(id, "SEC-REQ-")

_security_requirement(id) if id in lib.security_requirement_ids

# _ids are the security ids a case names.
_ids(c) := {id | some id in object.get(c, "requirements", []); _security_requirement(id)} | {id | some id in object.get(c, "threats", [])}

# Cases that name no id at all are skipped before _ids is called: test
# reports hold tens of thousands of cases, few of them security tests.
_security_cases := [[p, c] |
	some [p, c] in _cases
	count(object.get(c, "requirements", [])) + count(object.get(c, "threats", [])) > 0
	count(_ids(c)) > 0
]

_passing_ids := {id |
	some [_, c] in _security_cases
	c.status == "passed"
	some id in _ids(c)
}

_name(c) := concat(".", [c.class, c.name]) if lib.non_empty_string(object.get(c, "class", ""))

else := c.name

_path(report, c) := c.file if lib.non_empty_string(object.get(c, "file", ""))

else := report

_message(c) := sprintf(": %s", [substring(c.message, 0, 200)]) if lib.non_empty_string(object.get(c, "message", ""))

else := ""

deny contains lib.violation(
	"no test case names a security requirement (SEC-REQ-…) or threat (THR-…): link the security tests to what they verify",
	"", 0,
) if {
	count(_security_cases) == 0
}

deny contains lib.violation(
	sprintf("security test %s (%s) %s%s", [_name(c), concat(", ", sort(_ids(c))), _outcome[c.status], _message(c)]),
	_path(p, c), object.get(c, "line", 0),
) if {
	some [p, c] in _security_cases
	c.status != "passed"
}

_outcome := {
	"failed": "failed",
	"error": "ended in an error",
	"skipped": "was skipped: security tests must run",
}

deny contains lib.violation(
	sprintf("security test %s (%s) has status %s", [_name(c), concat(", ", sort(_ids(c))), json.marshal(c.status)]),
	_path(p, c), object.get(c, "line", 0),
) if {
	some [p, c] in _security_cases
	not c.status in {"passed", "failed", "error", "skipped"}
}

deny contains lib.violation(
	sprintf("threat %s has no passing test: add a test that names it (for example a property threat=%s)", [t.id, t.id]),
	t._doc, 0,
) if {
	some t in lib.threats
	lib.non_empty_string(object.get(t, "id", null))
	not t.id in _passing_ids
}

deny contains lib.violation(
	sprintf("security requirement %s has no passing test: add a test that names it (for example a property requirement=%s)", [r.id, r.id]),
	r._doc, 0,
) if {
	some r in lib.security_requirements
	not r.id in _passing_ids
}

# A security document whose front matter cannot be read hides the threats or
# requirements it may declare: they would never be asked for a test.
deny contains lib.violation(
	sprintf("%s: %s: the threats or security requirements it declares cannot be read, so their tests cannot be checked", [d.path, lib.front_matter_problem(d)]),
	d.path, 0,
) if {
	some d in object.get(input, ["repo", "documents"], [])
	_security_document(d)
	lib.non_empty_string(object.get(d, "front_matter_error", ""))
}

_security_document(d) if startswith(d.path, "docs/security/")

_security_document(d) if startswith(d.path, "requirements/")

deny contains lib.violation(
	"no security requirement is declared (security_requirements in a document's front matter, or requirements/*.yaml entries tagged security): there is nothing to show as tested",
	"", 0,
) if {
	input.repo
	count(lib.security_requirements) == 0
}

not_available contains "repository evidence is not available: cannot check that every threat and security requirement has a passing test" if {
	not input.repo
}
