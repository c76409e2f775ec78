package mdrgate.controls.ver03

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_run := {"date": "2026-11-25", "report": "build/fuzz/frame.json", "open_crashes": 0, "open_high_findings": 0}

_t_list := {"approved_by": "Security Architect", "last_reviewed": "2026-11-20", "interfaces": [
	{"id": "IF-01", "name": "USB service link", "robustness": [{"type": "fuzz", "harness": "fuzz/fuzz_frame.c", "last_run": _t_run}]},
	{"id": "IF-02", "name": "Service REST API", "robustness": [{"type": "dast", "target": "https://sim.local/api", "last_run": _t_run}]},
	{"id": "IF-03", "name": "Debug header", "external": false, "rationale": "not populated on production boards"},
]}

_t_in(fm) := {"repo": {
	"documents": [{"path": "interfaces.yaml", "front_matter": fm, "front_matter_error": ""}],
	"files": [{"path": "fuzz/fuzz_frame.c"}],
}}

test_pass_every_external_interface_tested if {
	count(deny) == 0 with input as _t_in(_t_list) with data.mdrgate.runtime.time_ns as _t_now
}

test_pass_harness_directory if {
	fm := json.patch(_t_list, [{"op": "replace", "path": "/interfaces/0/robustness/0/harness", "value": "fuzz/"}])
	count(deny) == 0 with input as _t_in(fm) with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_untested_interface if {
	fm := json.patch(_t_list, [{"op": "add", "path": "/interfaces/-", "value": {"id": "IF-04", "name": "Bluetooth"}}])
	deny == {{"msg": "interfaces.yaml: external interface IF-04 has no robustness test: add a fuzz harness or a DAST target", "path": "interfaces.yaml", "line": 0}} with input as _t_in(fm)
		with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_stale_run_open_findings_missing_harness if {
	fm := json.patch(_t_list, [
		{"op": "replace", "path": "/interfaces/0/robustness/0/harness", "value": "fuzz/gone.c"},
		{"op": "replace", "path": "/interfaces/0/robustness/0/last_run", "value": {"date": "2026-09-01", "report": "r", "open_crashes": 2, "open_high_findings": 0}},
		{"op": "replace", "path": "/interfaces/1/robustness/0", "value": {"type": "dast", "last_run": {"date": "2026-11-30", "open_high_findings": 1}}},
	])
	{v.msg | some v in deny} == {
		"interfaces.yaml: interface IF-01, test 1: harness fuzz/gone.c is not in the repository",
		"interfaces.yaml: interface IF-01, test 1: the latest run (2026-09-01) is 91 days old; the limit is 30 days",
		"interfaces.yaml: interface IF-01, test 1: the latest run left 2 open crash(s) open: fix them before release",
		"interfaces.yaml: interface IF-02, test 1: a DAST test needs a target (the endpoint or service scanned)",
		"interfaces.yaml: interface IF-02, test 1: last_run.open_crashes is missing: state how many are open (0)",
		"interfaces.yaml: interface IF-02, test 1: the latest run left 1 open high or critical finding(s) open: fix them before release",
		"interfaces.yaml: interface IF-02, test 1: last_run.report is missing: name the run's report",
	} with input as _t_in(fm) with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_bad_entries if {
	fm := object.union(object.remove(_t_list, ["approved_by"]), {"interfaces": [
		{"name": "x", "robustness": [{"type": "pentest", "last_run": "yesterday"}]},
		{"id": "IF-09", "external": false},
	]})
	{v.msg | some v in deny} == {
		"interfaces.yaml: does not name who approved the interface list (approved_by)",
		"interfaces.yaml: interface 1 has no id",
		"interfaces.yaml: interface 1, test 1: type pentest: expected fuzz or dast",
		"interfaces.yaml: interface 1, test 1: has no last_run.date: record the latest run",
		"interfaces.yaml: interface 1, test 1: last_run.open_crashes is missing: state how many are open (0)",
		"interfaces.yaml: interface 1, test 1: last_run.open_high_findings is missing: state how many are open (0)",
		"interfaces.yaml: interface 1, test 1: last_run.report is missing: name the run's report",
		"interfaces.yaml: interface IF-09 is marked external: false without a rationale",
	} with input as _t_in(fm) with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_missing_list if {
	{v.msg | some v in deny} == {"interfaces.yaml is missing: list the product's interfaces and their robustness tests there"} with input as {"repo": {"documents": [], "files": []}}
		with data.mdrgate.runtime.time_ns as _t_now
}

test_not_available_without_repository if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "ver03"]
	"repo" in entry.annotations.custom.evidence
}
