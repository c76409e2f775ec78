package mdrgate.controls.des03

_t_tm := "docs/security/threat-model/tm.md"

_t_reg := "docs/security/risk-register.yaml"

_t_reqdoc := "docs/security/requirements.md"

_t_threats := [
	{"id": "THR-001", "mitigations": ["SEC-REQ-001"]},
	{"id": "THR-002", "mitigations": [{"id": "SEC-REQ-002"}, "MIT-7"]},
]

_t_risks := [
	{"id": "RISK-001", "threat_id": "THR-001", "pre": "high", "controls": ["SEC-REQ-001"]},
	{"id": "RISK-002", "threat_id": "THR-002", "pre": "Critical", "controls": ["SEC-REQ-002"]},
	{"id": "RISK-003", "threat_id": "THR-002", "pre": "low", "controls": []},
]

_t_reqs := [
	{"id": "SEC-REQ-001", "source": ["THR-001", "RISK-001"]},
	{"id": "SEC-REQ-002", "source": ["THR-002", "IEC 81001-5-1 5.3.2"]},
]

_t_cases := [
	{"suite": "s", "class": "t.sec", "name": "test_auth", "status": "passed", "requirements": ["SEC-REQ-001"], "threats": ["THR-001"], "file": "", "line": 0},
	{"suite": "s", "class": "t.sec", "name": "test_sig", "status": "passed", "requirements": ["SEC-REQ-002", "REQ-77"], "threats": [], "file": "tests/test_sig.py", "line": 12},
]

_t_in(threats, risks, reqs, cases) := {
	"repo": {"files": [], "documents": [
		{"path": _t_tm, "front_matter": {"threats": threats}},
		{"path": _t_reg, "front_matter": {"risks": risks}},
		{"path": _t_reqdoc, "front_matter": {"security_requirements": reqs}},
	]},
	"build": {"tests": [{"path": "build/junit.xml", "cases": cases}]},
}

_t_ok := _t_in(_t_threats, _t_risks, _t_reqs, _t_cases)

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_complete_trace if {
	count(deny) == 0 with input as _t_ok
	count(not_available) == 0 with input as _t_ok
}

test_fail_dangling_ids_in_register if {
	risks := array.concat(_t_risks, [{"id": "RISK-004", "threat_id": "THR-099", "pre": "low", "controls": ["SEC-REQ-404"]}])
	_t_msgs(_t_in(_t_threats, risks, _t_reqs, _t_cases)) == {
		"docs/security/risk-register.yaml: risk RISK-004 names threat THR-099, which is not in the threat model",
		"docs/security/risk-register.yaml: risk RISK-004 lists control SEC-REQ-404, which is not a declared security requirement",
	}
}

test_fail_dangling_sources_and_mitigations if {
	reqs := [{"id": "SEC-REQ-001", "source": ["THR-001", "RISK-009"]}, {"id": "SEC-REQ-002", "source": "THR-003"}]
	threats := array.concat(_t_threats, [{"id": "THR-004", "mitigations": ["SEC-REQ-005"]}])
	risks := array.concat(_t_risks, [{"id": "RISK-005", "threat_id": "THR-004", "pre": "low"}])
	_t_msgs(_t_in(threats, risks, reqs, _t_cases)) == {
		"docs/security/requirements.md: security requirement SEC-REQ-001 has source RISK-009, which is not a risk of the risk register",
		"docs/security/requirements.md: security requirement SEC-REQ-002 has source THR-003, which is not a threat of the threat model",
		"docs/security/threat-model/tm.md: threat THR-004 lists mitigation SEC-REQ-005, which is not a declared security requirement",
	}
}

test_fail_dangling_test_ids if {
	cases := array.concat(_t_cases, [{"class": "", "name": "test_x", "status": "passed", "requirements": ["SEC-REQ-010"], "threats": ["THR-042"], "file": "tests/x.py", "line": 3}])
	deny == {
		{"msg": "test test_x names requirement SEC-REQ-010, which is not a declared security requirement", "path": "tests/x.py", "line": 3},
		{"msg": "test test_x names threat THR-042, which is not a threat of the threat model", "path": "tests/x.py", "line": 3},
	} with input as _t_in(_t_threats, _t_risks, _t_reqs, cases)
}

test_fail_high_risk_without_tested_requirement if {
	cases := [c | some c in _t_cases; c.name != "test_sig"]
	_t_msgs(_t_in(_t_threats, _t_risks, _t_reqs, array.concat(cases, [object.union(_t_cases[1], {"status": "failed"})]))) == {"docs/security/risk-register.yaml: risk RISK-002 (pre Critical) is controlled by SEC-REQ-002, which has no passing test: add a test that names it"}
	risks := [{"id": "RISK-001", "threat_id": "THR-001", "pre": "high", "controls": []}, {"id": "RISK-002", "threat_id": "THR-002", "pre": "high", "controls": ["SEC-REQ-002"]}]
	_t_msgs(_t_in(_t_threats, risks, _t_reqs, _t_cases)) == {"docs/security/risk-register.yaml: risk RISK-001 (pre high) is traced to no security requirement: list the requirements that control it in controls"}
}

test_pass_high_levels_are_a_parameter if {
	risks := [{"id": "RISK-001", "threat_id": "THR-001", "pre": "high", "controls": []}, {"id": "RISK-002", "threat_id": "THR-002", "pre": "low", "controls": []}]
	count(deny) == 0 with input as _t_in(_t_threats, risks, _t_reqs, _t_cases) with data.mdrgate.runtime.params["DES-03"].high_levels as ["critical"]
}

test_not_available_without_risks_or_threats if {
	not_available == {"the risk register docs/security/risk-register.yaml has no risk rows (RSK-03): cannot trace threats through risks"} with input as _t_in(_t_threats, [], _t_reqs, _t_cases)
	not_available == {"the threat model (RSK-02) lists no threats: cannot trace threats to risks"} with input as _t_in([], [{"id": "RISK-001", "threat_id": "THR-001", "pre": "low"}], [], [])
}
