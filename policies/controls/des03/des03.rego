# METADATA
# title: End-to-end security traceability (threat → risk → requirement → test)
# description: >-
#   The trace is derived from the ids the other records already carry: threats of the
#   threat model (RSK-02), risk rows of docs/security/risk-register.yaml (RSK-03) with
#   their threat_id and controls, security requirements with their source (REQ-01), and
#   the JUnit test cases naming requirement and threat ids. No id may dangle: a risk's
#   threat_id must be a threat, each of its controls a security requirement; a
#   requirement's source that starts with threat_id_prefix or risk_id_prefix must be a
#   threat or a risk; a threat mitigation and a test's requirement id that start with
#   requirement_id_prefix must be a security requirement, and a test's threat id a
#   threat. Every risk whose pre-control level is one of high_levels must list at least
#   one security requirement, and each of those must have a passing test. Without risk
#   rows or threats the trace is not_available. A separate trace.yaml is not read: the
#   trace is computed, so it cannot drift from the records. The SBOM link
#   (cdx:fda:traceability) is not checked.
# custom:
#   id: DES-03
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.7.2"]
#     fda: ["V.A", "App4 Traceability"]
#     iec62304: ["5.1.1", "7.3.3"]
#   evidence: ["repo", "build.tests"]
#   events: [pull_request, release]
#   remediation: >-
#     Correct or remove the dangling ids; give every high or critical risk at least one
#     security requirement in its controls, and every such requirement a passing test
#     that names it (a JUnit property requirement=SEC-REQ-… or the id in the test name).
#   params:
#     high_levels: ["high", "critical"]
#     threat_id_prefix: "THR-"
#     risk_id_prefix: "RISK-"
#     requirement_id_prefix: "SEC-REQ-"
package mdrgate.controls.des03

import data.mdrgate.lib

_reg := lib.risk_register_path

_threat_prefix := lib.param("DES-03", "threat_id_prefix")

_risk_prefix := lib.param("DES-03", "risk_id_prefix")

_req_prefix := lib.param("DES-03", "requirement_id_prefix")

_req_ids := lib.security_requirement_ids

_label(r) := sprintf("risk %s", [r.id]) if lib.non_empty_string(object.get(r, "id", null))

else := sprintf("risks[%d]", [r._index])

# Dangling ids.

deny contains lib.violation(
	sprintf("%s: %s names threat %s, which is not in the threat model", [_reg, _label(r), t]),
	_reg, 0,
) if {
	some r in lib.risks
	some t in lib.risk_threat_ids(r)
	not t in lib.threat_ids
}

deny contains lib.violation(
	sprintf("%s: %s lists control %s, which is not a declared security requirement", [_reg, _label(r), c]),
	_reg, 0,
) if {
	some r in lib.risks
	some c in lib.risk_controls(r)
	not c in _req_ids
}

deny contains lib.violation(
	sprintf("%s: security requirement %s has source %s, which is not %s", [r._doc, r.id, s, what]),
	r._doc, 0,
) if {
	some r in lib.security_requirements
	some s in lib.strings_of(object.get(r, "source", null))
	some [prefix, known, what] in [
		[_threat_prefix, lib.threat_ids, "a threat of the threat model"],
		[_risk_prefix, lib.risk_ids, "a risk of the risk register"],
	]
	startswith(s, prefix)
	not s in known
}

deny contains lib.violation(
	sprintf("%s: threat %s lists mitigation %s, which is not a declared security requirement", [t._doc, t.id, m]),
	t._doc, 0,
) if {
	some t in lib.threats
	some m in _mitigation_ids(t)
	startswith(m, _req_prefix)
	not m in _req_ids
}

_mitigation_ids(t) := {m | some x in object.get(t, "mitigations", []); m := _ref(x)}

_ref(x) := x if {
	is_string(x)
} else := x.id if {
	lib.non_empty_string(x.id)
} else := x.ref if {
	lib.non_empty_string(x.ref)
}

_cases := [[rep.path, c] |
	some rep in object.get(input, ["build", "tests"], [])
	some c in rep.cases
]

_where(report, c) := [c.file, object.get(c, "line", 0)] if lib.non_empty_string(object.get(c, "file", ""))

else := [report, 0]

_case_name(c) := concat(".", [c.class, c.name]) if lib.non_empty_string(object.get(c, "class", ""))

else := c.name

# A test naming an undeclared requirement or an unknown threat. One rule per
# kind, iterating the ids inline: test reports hold tens of thousands of cases,
# few of them naming any id.
deny contains lib.violation(
	sprintf("test %s names requirement %s, which is not a declared security requirement", [_case_name(c), id]),
	p, line,
) if {
	some [report, c] in _cases
	some id in object.get(c, "requirements", [])
	startswith(id, _req_prefix)
	not id in _req_ids
	[p, line] := _where(report, c)
}

deny contains lib.violation(
	sprintf("test %s names threat %s, which is not a threat of the threat model", [_case_name(c), id]),
	p, line,
) if {
	some [report, c] in _cases
	some id in object.get(c, "threats", [])
	not id in lib.threat_ids
	[p, line] := _where(report, c)
}

# Coverage of high risks.

_passing := {id |
	some [_, c] in _cases
	c.status == "passed"
	some id in array.concat(object.get(c, "requirements", []), object.get(c, "threats", []))
}

_high(r) if {
	is_string(r.pre)
	lower(r.pre) in {lower(l) | some l in lib.strings_of(lib.param("DES-03", "high_levels"))}
}

deny contains lib.violation(
	sprintf("%s: %s (pre %s) is traced to no security requirement: list the requirements that control it in controls", [_reg, _label(r), r.pre]),
	_reg, 0,
) if {
	some r in lib.risks
	_high(r)
	count({c | some c in lib.risk_controls(r); c in _req_ids}) == 0
}

deny contains lib.violation(
	sprintf("%s: %s (pre %s) is controlled by %s, which has no passing test: add a test that names it", [_reg, _label(r), r.pre, c]),
	_reg, 0,
) if {
	some r in lib.risks
	_high(r)
	some c in lib.risk_controls(r)
	c in _req_ids
	not c in _passing
}

not_available contains sprintf("the risk register %s has no risk rows (RSK-03): cannot trace threats through risks", [_reg]) if {
	input.repo
	count(lib.risks) == 0
}

not_available contains "the threat model (RSK-02) lists no threats: cannot trace threats to risks" if {
	input.repo
	count(lib.threat_ids) == 0
}
