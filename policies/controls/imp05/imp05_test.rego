package mdrgate.controls.imp05

_t_cfg := {
	"profile": "release", "debug": false,
	"compiler_flags": ["-O2", "-fstack-protector-strong", "-D_FORTIFY_SOURCE=2", "-fPIE"],
	"linker_flags": ["-pie", "-Wl,-z,relro,-z,now", "-Wl,-z,noexecstack"],
	"debug_interfaces": [{"name": "SWD", "enabled": false}],
	"exemptions": [{"binary": "infucore.elf", "properties": ["pie", "relro", "nx"], "rationale": "bare-metal image: no loader; the MPU enforces W^X"}],
}

_t_good := {"path": "/w/build/infucore-sim", "pie": true, "relro": "full", "nx": true, "stack_protector": true, "fortify": true, "stripped": true, "debug_symbols": null}

_t_fw := {"path": "build/infucore.elf", "pie": false, "relro": "none", "nx": false, "stack_protector": true, "fortify": null, "stripped": true, "debug_symbols": null}

_t_in(cfg, bins) := {
	"repo": {"documents": [{"path": "release/build-config.yaml", "front_matter": cfg, "front_matter_error": ""}]},
	"build": {"hardening": [{"path": "build/checksec.json", "tool": "checksec.sh", "binaries": bins}]},
}

test_pass_hardened_and_exempted_binaries if {
	count(deny) == 0 with input as _t_in(_t_cfg, [_t_good, _t_fw])
	count(warn) == 0 with input as _t_in(_t_cfg, [_t_good, _t_fw])
}

test_fail_debug_build if {
	cfg := json.patch(_t_cfg, [{"op": "replace", "path": "/debug", "value": true}])
	deny == {{"msg": "release/build-config.yaml: debug is true: the release build must set debug: false", "path": "release/build-config.yaml", "line": 0}} with input as _t_in(cfg, [_t_good])
}

test_fail_flags_and_interfaces if {
	cfg := object.union(_t_cfg, {
		"compiler_flags": ["-O0", "-fstack-protector"],
		"linker_flags": ["-Wl,-z,execstack"],
		"debug_interfaces": [{"name": "SWD", "enabled": true}, {"name": "uart"}],
	})
	{v.msg | some v in deny} == {
		"release/build-config.yaml: compiler_flags has no stack protector flag (expected a flag matching ^-fstack-protector-(strong|all)$)",
		"release/build-config.yaml: compiler_flags has no FORTIFY_SOURCE flag (expected a flag matching ^-D_FORTIFY_SOURCE=[23]$)",
		"release/build-config.yaml: the release build uses -O0, which disables hardening or enables debugging",
		"release/build-config.yaml: the release build uses -Wl,-z,execstack, which disables hardening or enables debugging",
		"release/build-config.yaml: debug interface SWD is enabled: every debug port, console and endpoint must be enabled: false in the release",
		"release/build-config.yaml: debug interface uart is not stated: every debug port, console and endpoint must be enabled: false in the release",
	} with input as _t_in(cfg, [_t_good])
}

test_fail_binary_weaknesses if {
	weak := {"path": "build/pumpd", "pie": false, "relro": "partial", "nx": null, "stack_protector": false, "fortify": false, "stripped": false, "debug_symbols": true}
	{v.msg | some v in deny} == {
		"build/checksec.json: build/pumpd is not a position-independent executable (PIE)",
		"build/checksec.json: build/pumpd has only partial RELRO (link with -Wl,-z,relro,-z,now)",
		"build/checksec.json: build/pumpd has no nx in the report (unknown is not hardened)",
		"build/checksec.json: build/pumpd has no stack canary",
		"build/checksec.json: build/pumpd calls fortifiable functions without FORTIFY_SOURCE",
		"build/checksec.json: build/pumpd is not stripped (symbols present)",
		"build/checksec.json: build/pumpd carries debug symbols",
	} with input as _t_in(_t_cfg, [weak])
}

test_fail_exemption_only_covers_its_binary_and_needs_rationale if {
	cfg := object.union(_t_cfg, {"exemptions": [
		{"binary": "infucore.elf", "properties": ["pie", "relro"], "rationale": "bare metal"},
		{"binary": "other", "properties": ["nx"]},
	]})
	{v.msg | some v in deny} == {
		"build/checksec.json: build/infucore.elf has NX (non-executable stack) off",
		"release/build-config.yaml: exemption 2 (other) needs a binary, a list of properties and a rationale",
	} with input as _t_in(cfg, [_t_good, _t_fw])
}

test_fail_missing_config if {
	{v.msg | some v in deny} == {"release/build-config.yaml is missing: record the release build configuration (debug: false, compiler flags, debug interfaces) there"} with input as {"repo": {"documents": []}, "build": {"hardening": [{"path": "c.json", "binaries": [_t_good]}]}}
}

test_warn_shared_object_without_pie if {
	so := object.union(_t_good, {"path": "build/libinfu.so", "pie": null})
	count(deny) == 0 with input as _t_in(_t_cfg, [so])
	{v.msg | some v in warn} == {"build/checksec.json: build/libinfu.so: the report does not state PIE (a shared object?)"} with input as _t_in(_t_cfg, [so])
}

test_not_available_without_hardening_report if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "imp05"]
	"build.hardening" in entry.annotations.custom.evidence
}
