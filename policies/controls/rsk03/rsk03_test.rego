package mdrgate.controls.rsk03

_t_p := "docs/security/risk-register.yaml"

_t_tm := "docs/security/threat-model/tm.md"

_t_rows := [
	{"id": "RISK-001", "threat_id": "THR-001", "exploitability": "medium", "severity": "critical", "pre": "high", "post": "low", "controls": ["SEC-REQ-001"], "decision": "accept", "accepted_by": "Security Architect", "safety_impact": true, "hazard_ref": "HAZ-12"},
	{"id": "RISK-002", "threat_id": ["THR-002", "THR-003"], "exploitability": "Low", "severity": "minor", "pre": "low", "post": "low", "controls": [], "decision": "accept", "accepted_by": ["QA", "Security"]},
	{"id": "RISK-003", "threat_id": "THR-003", "exploitability": "high", "severity": "serious", "pre": "critical", "post": "high", "controls": ["SEC-REQ-004"], "decision": "exception", "exception": {"id": "EXC-7", "approved_by": "CMO"}, "accepted_by": "CMO"},
]

_t_fm := {"id": "SEC-RR", "version": "1", "owner": "Product Security", "approved_by": "Security Architect", "last_reviewed": "2025-12-01", "risks": _t_rows}

_t_git := {"head": "a", "tags": [], "commits": [], "path_times": [
	{"path": _t_tm, "time": "2025-12-01T08:00:00Z", "commit": "aaaabbbbccccdddd"},
	{"path": _t_p, "time": "2025-12-20T08:00:00Z", "commit": "eeee"},
]}

_t_threats := [{"id": id, "category": "S", "asset": "a", "mitigations": ["M"]} | some id in ["THR-001", "THR-002", "THR-003"]]

_t_in(fm) := {"repo": {"git": _t_git, "files": [], "documents": [
	{"path": _t_tm, "front_matter": {"threats": _t_threats}, "headings": []},
	{"path": _t_p, "front_matter": fm, "headings": []},
]}}

_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

_t_rows_with(i, k, v) := [x |
	some j, r in _t_rows
	x := _t_pick(i == j, _t_set(r, k, v), r)
]

_t_pick(true, a, _) := a

_t_pick(false, _, b) := b

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_complete_register if {
	count(deny) == 0 with input as _t_in(_t_fm)
	count(warn) == 0 with input as _t_in(_t_fm)
	count(not_available) == 0 with input as _t_in(_t_fm)
}

test_fail_missing_register if {
	inp := {"repo": {"git": _t_git, "files": [], "documents": [{"path": _t_tm, "front_matter": {"threats": _t_threats}}]}}
	deny == {{"msg": "docs/security/risk-register.yaml is missing: assess the security risk of every threat there", "path": _t_p, "line": 0}} with input as inp
}

test_fail_threat_without_risk_row if {
	rows := [r | some r in _t_rows; r.id != "RISK-001"]
	_t_msgs(_t_in(_t_set(_t_fm, "risks", rows))) == {"docs/security/risk-register.yaml: threat THR-001 of docs/security/threat-model/tm.md has no risk row: assess it (a row with threat_id: THR-001)"}
}

test_fail_unacceptable_residual_risk_accepted if {
	rows := _t_rows_with(2, "decision", "accept")
	_t_msgs(_t_in(_t_set(_t_fm, "risks", rows))) == {"docs/security/risk-register.yaml: risks[2] (RISK-003) has post high, above the acceptance criteria (low, medium), with decision accept: reduce the risk further or record an approved exception (decision: exception, exception: {id, approved_by})"}
	rows2 := _t_rows_with(2, "exception", {"id": "EXC-7"})
	_t_msgs(_t_in(_t_set(_t_fm, "risks", rows2))) == {"docs/security/risk-register.yaml: risks[2] (RISK-003) has decision exception without an approved exception: add exception: {id, approved_by}"}
}

test_fail_row_fields if {
	rows := [
		{"threat_id": "THR-001", "exploitability": "trivial", "severity": "bad", "pre": "low", "post": "high", "decision": "maybe", "safety_impact": true},
		{"id": "RISK-002", "threat_id": ["THR-002", "THR-003"], "exploitability": "low", "severity": "minor", "pre": "critical", "post": "medium", "decision": "accept", "accepted_by": ""},
		{"id": "RISK-002", "exploitability": "low", "severity": "minor", "pre": "low", "post": "low", "decision": "accept", "accepted_by": "X"},
		"RISK-004",
	]
	_t_msgs(_t_in(_t_set(_t_fm, "risks", rows))) == {
		"docs/security/risk-register.yaml: risks[0] has no id",
		"docs/security/risk-register.yaml: risks[0] has exploitability \"trivial\": expected one of high, medium, low",
		"docs/security/risk-register.yaml: risks[0] has severity \"bad\": expected one of catastrophic, critical, serious, minor, negligible",
		"docs/security/risk-register.yaml: risks[0] has post high above pre low: controls cannot raise the risk",
		"docs/security/risk-register.yaml: risks[0] has decision \"maybe\": expected accept or exception",
		"docs/security/risk-register.yaml: risks[0] has no accepted_by: record who accepted the residual risk",
		"docs/security/risk-register.yaml: risks[0] has safety_impact true but no hazard_ref: link the hazard in the ISO 14971 risk management file",
		"docs/security/risk-register.yaml: risks[1] (RISK-002) has pre critical, above the acceptance criteria, and no controls: list the security requirements that reduce it",
		"docs/security/risk-register.yaml: risks[1] (RISK-002) has no accepted_by: record who accepted the residual risk",
		"docs/security/risk-register.yaml: risks[2] (RISK-002) names no threat_id: say which threat of the threat model it assesses",
		"docs/security/risk-register.yaml: risk id RISK-002 is used 2 times: ids must be unique",
		"docs/security/risk-register.yaml: risks[3] is not a map",
	}
}

test_fail_front_matter if {
	fm := object.remove(_t_fm, ["approved_by", "risks", "owner"])
	_t_msgs(_t_in(fm)) == {
		"docs/security/risk-register.yaml: front matter has no owner",
		"docs/security/risk-register.yaml: approved_by is not set: record who approved the risk assessment",
		"docs/security/risk-register.yaml: risks must be a non-empty list of risk rows",
		"docs/security/risk-register.yaml: threat THR-001 of docs/security/threat-model/tm.md has no risk row: assess it (a row with threat_id: THR-001)",
		"docs/security/risk-register.yaml: threat THR-002 of docs/security/threat-model/tm.md has no risk row: assess it (a row with threat_id: THR-002)",
		"docs/security/risk-register.yaml: threat THR-003 of docs/security/threat-model/tm.md has no risk row: assess it (a row with threat_id: THR-003)",
	}
}

test_fail_stale_against_threat_model_change if {
	inp := _t_in(_t_set(_t_fm, "last_reviewed", "2025-11-30"))
	msg := "docs/security/risk-register.yaml: last_reviewed 2025-11-30 is before the last change to docs/security/threat-model/tm.md (commit aaaabbbbcccc on 2025-12-01): review the risk assessment and update last_reviewed"
	{v.msg | some v in deny} == {msg} with input as inp with data.mdrgate.runtime.event as "release"
	{v.msg | some v in warn} == {msg} with input as inp
	count(deny) == 0 with input as inp
}

test_pass_levels_are_parameters if {
	rows := _t_rows_with(2, "decision", "accept")
	count(deny) == 0 with input as _t_in(_t_set(_t_fm, "risks", rows)) with data.mdrgate.runtime.params["RSK-03"].acceptable_levels as ["low", "medium", "high"]
}

test_not_available_without_git_or_threats if {
	inp := {"repo": {"files": [], "documents": [{"path": _t_tm, "front_matter": {"threats": _t_threats}}, {"path": _t_p, "front_matter": _t_fm}]}}
	not_available == {"git history is not available: cannot check the risk register against changes to docs/security/threat-model/"} with input as inp
	inp2 := {"repo": {"git": _t_git, "files": [], "documents": [{"path": _t_p, "front_matter": _t_fm}]}}
	not_available == {"the threat model (RSK-02) lists no threats: cannot check that every threat has a risk row"} with input as inp2
}
