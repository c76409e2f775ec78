package mdrgate.controls.ver05

_t_list := {
	"release": "2.4.0", "approved_by": "Head of Quality",
	"tracker": {"source": "Jira INFU", "exported_at": "2026-11-25", "open_defects": 2},
	"anomalies": [
		{"id": "INFU-412", "title": "Display flickers", "security_impact": false, "rationale": "UI only"},
		{"id": "INFU-430", "title": "Log rotation drops an entry", "security_impact": true, "rationale": "audit gap", "cvss": "CVSS:3.1/AV:P/AC:H/PR:H/UI:N/S:U/C:N/I:L/A:N", "risk_ref": "RISK-17"},
	],
}

_t_in(version, fm) := {"product": {"version": version}, "repo": {"documents": [{"path": "release/2.4.0/known-anomalies.yaml", "front_matter": fm, "front_matter_error": ""}]}}

test_pass_every_open_defect_assessed if {
	count(deny) == 0 with input as _t_in("v2.4.0", _t_list)
	count(not_available) == 0 with input as _t_in("2.4.0", _t_list)
}

test_fail_missing_for_this_release if {
	deny == {{"msg": "release/2.5.0/known-anomalies.yaml is missing: list the anomalies open at the release tag with their security assessment there", "path": "release/2.5.0/known-anomalies.yaml", "line": 0}} with input as _t_in("2.5.0", _t_list)
}

test_fail_count_mismatch_and_incomplete_assessment if {
	fm := object.union(_t_list, {"tracker": {"source": "Jira INFU", "exported_at": "2026-11-25", "open_defects": 3}, "anomalies": [
		{"id": "INFU-412", "title": "Display flickers", "security_impact": "no"},
		{"id": "INFU-430", "title": "Log rotation", "security_impact": true, "rationale": "audit gap", "cvss": "7.5"},
	]})
	{v.msg | some v in deny} == {
		"release/2.4.0/known-anomalies.yaml: lists 2 anomalies but the tracker had 3 defects open at the tag: every open defect must be listed",
		"release/2.4.0/known-anomalies.yaml: anomaly INFU-412 lacks rationale",
		"release/2.4.0/known-anomalies.yaml: anomaly INFU-412: security_impact must be true or false",
		"release/2.4.0/known-anomalies.yaml: anomaly INFU-430 has a security impact but neither a CVSS vector (cvss) nor an exploitability rating",
		"release/2.4.0/known-anomalies.yaml: anomaly INFU-430 has a security impact but no risk_ref to the security risk assessment",
	} with input as _t_in("2.4.0", fm)
}

test_fail_header if {
	fm := object.union(object.remove(_t_list, ["approved_by", "tracker", "anomalies"]), {"release": "2.3.0"})
	{v.msg | some v in deny} == {
		"release/2.4.0/known-anomalies.yaml: release is 2.3.0: expected 2.4.0",
		"release/2.4.0/known-anomalies.yaml: does not name who approved the assessment (approved_by)",
		"release/2.4.0/known-anomalies.yaml: tracker.source is missing: say which tracker and query the list was exported from, and when",
		"release/2.4.0/known-anomalies.yaml: tracker.exported_at is missing: say which tracker and query the list was exported from, and when",
		"release/2.4.0/known-anomalies.yaml: tracker.open_defects is missing: state how many defects were open at the tag",
		"release/2.4.0/known-anomalies.yaml: anomalies is missing: list every open defect (an empty list when there is none)",
	} with input as _t_in("2.4.0", fm)
}

test_pass_no_open_defect if {
	fm := object.union(_t_list, {"tracker": {"source": "Jira", "exported_at": "2026-11-25", "open_defects": 0}, "anomalies": []})
	count(deny) == 0 with input as _t_in("2.4.0", fm)
}

test_not_available_without_product_version if {
	not_available == {"product.version is not configured: cannot tell which release's known anomalies to read"} with input as _t_in("", _t_list)
	count(deny) == 0 with input as _t_in("", _t_list)
	not_available == {`product.version "<version>" is not a version (expected e.g. 2.4.0): cannot tell which release's known anomalies to read`} with input as _t_in("<version>", _t_list)
	count(deny) == 0 with input as _t_in("<version>", _t_list)
}
