package mdrgate.controls.ver04

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_sum := {
	"release": "2.4.0", "tester": {"organization": "Example Pentest GmbH"}, "independent": true,
	"scope": ["USB service link", "firmware update"], "methods": ["grey-box", "fuzzing"],
	"start": "2026-10-05", "end": "2026-10-23",
	"report": {"sha256": "9f2c4e1ab07d3c5e8f6a4b2d1c0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e"},
	"findings": [
		{"id": "PT-1", "severity": "high", "status": "fixed"},
		{"id": "PT-2", "severity": "medium", "status": "open"},
	],
}

_t_doc(path, fm) := {"path": path, "front_matter": fm, "front_matter_error": ""}

_t_in(docs, class) := {
	"product": {"version": "2.4.1", "manufacturer": "Example Medical Devices", "mdr_class": "IIb", "iec62304_class": class},
	"repo": {"documents": docs},
}

_t_path := "docs/security/pentest/2.4/summary.yaml"

test_pass_independent_recent_no_open_high if {
	count(deny) == 0 with input as _t_in([_t_doc(_t_path, _t_sum)], "C") with data.mdrgate.runtime.time_ns as _t_now
	count(warn) == 0 with input as _t_in([_t_doc(_t_path, _t_sum)], "C") with data.mdrgate.runtime.time_ns as _t_now
}

test_pass_newest_summary_of_the_major_is_read if {
	old := object.union(_t_sum, {"end": "2026-03-01", "start": "2026-02-01", "findings": [{"id": "PT-9", "severity": "critical", "status": "open"}]})
	docs := [_t_doc(_t_path, _t_sum), _t_doc("docs/security/pentest/2.0/summary.yaml", old)]
	count(deny) == 0 with input as _t_in(docs, "C") with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_no_summary_for_the_major if {
	docs := [_t_doc("docs/security/pentest/1.9/summary.yaml", object.union(_t_sum, {"release": "1.9.0"}))]
	deny == {{"msg": "no penetration test summary for major version 2 under docs/security/pentest/ (expected docs/security/pentest/<release>/summary.yaml with release: 2.4.1)", "path": "docs/security/pentest/", "line": 0}} with input as _t_in(docs, "C")
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_open_high_finding_class_c if {
	fm := json.patch(_t_sum, [{"op": "add", "path": "/findings/-", "value": {"id": "PT-3", "severity": "Critical", "status": "accepted"}}])
	deny == {{"msg": "docs/security/pentest/2.4/summary.yaml: finding PT-3 (critical) is accepted: fix and retest every critical and high finding before release", "path": _t_path, "line": 0}} with input as _t_in([_t_doc(_t_path, fm)], "C")
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_not_independent_stale_incomplete if {
	fm := object.union(_t_sum, {
		"tester": {"organization": "Example Medical Devices"}, "independent": false, "methods": [],
		"start": "2025-12-01", "end": "2025-10-01", "report": {"sha256": "abc"},
		"findings": [{"id": "PT-4", "severity": "high"}],
	})
	{v.msg | some v in deny} == {
		"docs/security/pentest/2.4/summary.yaml: the test is not declared independent (independent: true)",
		"docs/security/pentest/2.4/summary.yaml: the tester Example Medical Devices is the manufacturer: the penetration test must be independent of the development organisation",
		"docs/security/pentest/2.4/summary.yaml: methods is missing or empty",
		"docs/security/pentest/2.4/summary.yaml: start 2025-12-01 is after end 2025-10-01",
		"docs/security/pentest/2.4/summary.yaml: the test ended 426 days ago (2025-10-01); the limit is 365 days: test this release again",
		"docs/security/pentest/2.4/summary.yaml: report.sha256 must be the 64-hex SHA-256 of the full report",
		"docs/security/pentest/2.4/summary.yaml: finding PT-4 (high) is without a status: fix and retest every critical and high finding before release",
	} with input as _t_in([_t_doc(_t_path, fm)], "B") with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_class_a_but_mdr_class_iii_still_gates if {
	inp := object.union(_t_in([], "A"), {"product": {"mdr_class": "III"}})
	count(deny) == 1 with input as inp with data.mdrgate.runtime.time_ns as _t_now
	count(warn) == 0 with input as inp with data.mdrgate.runtime.time_ns as _t_now
}

test_warn_class_a if {
	count(deny) == 0 with input as _t_in([], "A") with data.mdrgate.runtime.time_ns as _t_now
	{v.msg | some v in warn} == {"no penetration test summary for major version 2 under docs/security/pentest/ (expected docs/security/pentest/<release>/summary.yaml with release: 2.4.1) (class A software: a warning, not a gate)"} with input as _t_in([], "A")
		with data.mdrgate.runtime.time_ns as _t_now
}

test_not_available_without_product_version if {
	inp := {"product": {"version": ""}, "repo": {"documents": [_t_doc(_t_path, _t_sum)]}}
	not_available == {"product.version is not configured: cannot tell which major release needs a penetration test"} with input as inp
		with data.mdrgate.runtime.time_ns as _t_now
	count(deny) == 0 with input as inp with data.mdrgate.runtime.time_ns as _t_now
	not_available == {`product.version "next" is not a version (expected e.g. 2.4.0): cannot tell which major release needs a penetration test`} with input as {"product": {"version": "next"}, "repo": {"documents": []}}
		with data.mdrgate.runtime.time_ns as _t_now
}
