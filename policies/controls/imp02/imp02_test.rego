package mdrgate.controls.imp02

_t_result(rule, level, sev, extra) := object.union(
	{
		"tool": "semgrep",
		"rule_id": rule,
		"level": level,
		"security_severity": sev,
		"message": "Use of strcpy",
		"path": "src/pump.c",
		"line": 42,
		"suppressed": false,
		"suppressions": [],
	},
	extra,
)

_t_sarif(results) := {"build": {"sarif": [{"path": "build/sast.sarif", "sha256": "0", "media_type": "application/sarif+json", "version": "2.1.0", "tools": ["semgrep"], "results": results}]}}

_t_deny(results) := vs if {
	vs := deny with input as _t_sarif(results)
}

_t_ok := [
	_t_result("c.low", "warning", 3.1, {}),
	_t_result("c.note", "note", null, {}),
	_t_result("c.warning-no-sev", "warning", null, {}),
	_t_result("c.high-justified", "error", 8.8, {"suppressed": true, "suppressions": [{"kind": "inSource", "status": "accepted", "justification": "Bounded copy: length checked on line 40"}]}),
	_t_result("c.high-external", "error", 7.5, {"suppressed": true, "suppressions": [{"kind": "external", "justification": "Reviewed in SEC-REVIEW-12"}]}),
	_t_result("c.fixed", "error", 9.0, {"baseline_state": "absent"}),
]

test_pass_triaged_results if {
	count(_t_deny(_t_ok)) == 0
}

test_pass_empty_report if {
	count(_t_deny([])) == 0
}

test_fail_unsuppressed_high if {
	_t_deny(array.concat(_t_ok, [_t_result("c.strcpy", "warning", 7.0, {})])) == {{
		"msg": "semgrep rule c.strcpy (security-severity 7) not suppressed: Use of strcpy",
		"path": "src/pump.c",
		"line": 42,
	}}
}

test_fail_error_level_without_security_severity if {
	r := object.remove(_t_result("cpp/overflow", "error", null, {"tool": "CodeQL", "path": "src/a.c", "line": 7}), ["security_severity"])
	_t_deny([r]) == {{"msg": "CodeQL rule cpp/overflow (level error, no security-severity) not suppressed: Use of strcpy", "path": "src/a.c", "line": 7}}
}

test_fail_suppressed_without_justification if {
	rs := [
		_t_result("c.a", "error", 9.1, {"suppressed": true, "suppressions": [{"kind": "inSource"}]}),
		_t_result("c.b", "error", 9.1, {"suppressed": false, "suppressions": [{"kind": "inSource", "status": "underReview", "justification": "later"}]}),
		_t_result("c.c", "error", 9.1, {"suppressed": true, "suppressions": [{"kind": "inSource", "status": "rejected", "justification": "no"}]}),
		_t_result("c.d", "error", 9.1, {"suppressed": true, "suppressions": [{"kind": "inSource", "justification": "   "}]}),
	]
	vs := _t_deny(rs)
	count(vs) == 4
	every v in vs {
		contains(v.msg, "(security-severity 9.1) suppressed without an accepted justification")
	}
}

test_fail_threshold_is_a_parameter if {
	count(_t_deny(_t_ok)) == 1 with data.mdrgate.runtime.params["IMP-02"].threshold as 3.0
}

test_fail_long_messages_are_cut if {
	r := _t_result("c.x", "error", 9.5, {"message": concat("", [x | some _ in numbers.range(1, 300); x := "a"]), "path": "", "line": 0})
	some v in _t_deny([r])
	endswith(v.msg, "…")
	v.path == ""
	v.line == 0
}

test_not_available_without_sarif if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "imp02"]
	"build.sarif" in entry.annotations.custom.evidence
	count(deny) == 0 with input as {"build": {"sarif": []}}
}
