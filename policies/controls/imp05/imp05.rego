# METADATA
# title: Hardened build, no debug or backdoor artefacts in the release
# description: >-
#   Reads the binary hardening reports (checksec JSON) and the release build
#   configuration, release/build-config.yaml (format in docs/formats/build-config.md).
#   The configuration must say debug: false, list the compiler flags of the release
#   build with a stack protector (-fstack-protector-strong or -all) and
#   _FORTIFY_SOURCE=2 or 3, and none of the flags that undo hardening or enable
#   debugging (-O0, -DDEBUG, -fno-stack-protector, _FORTIFY_SOURCE=0,
#   -U_FORTIFY_SOURCE, -no-pie, execstack, norelro, lazy binding); every debug
#   interface it lists (JTAG/SWD, consoles, debug endpoints) must be enabled: false.
#   Every binary the reports list must be a PIE with full RELRO, NX, a stack canary,
#   FORTIFY where the binary has fortifiable calls, and stripped. A property the
#   report does not state counts as missing, except FORTIFY, which checksec leaves
#   unstated when there is nothing to fortify, and PIE of a shared object, reported
#   as a warning. A property that cannot apply to a binary (PIE and RELRO on a
#   bare-metal image, canaries in Go code) is accepted only through an exemption in
#   the build configuration naming the binary, the properties and a rationale.
# custom:
#   id: IMP-05
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.3.2", "5.4.2"]
#     mdr: ["17.2"]
#     fda: ["App1"]
#     ssdf: ["PW.6.1", "PW.6.2", "PW.9.1"]
#     cra: ["I-2(j)", "I-2(k)"]
#   evidence: ["build.hardening", "repo"]
#   events: [pull_request, release]
#   remediation: >-
#     Build the release with -fstack-protector-strong, -D_FORTIFY_SOURCE=2 (with -O1 or
#     more), -fPIE -pie and -Wl,-z,relro,-z,now, strip the binaries, run `checksec
#     --format=json` on them into build/checksec.json, and keep release/build-config.yaml
#     with debug: false, the flags, every debug interface disabled, and an exemption
#     with a rationale for each property that cannot apply to a binary.
#   params:
#     config_path: release/build-config.yaml
#     required_compiler_flags:
#       stack protector: "^-fstack-protector-(strong|all)$"
#       FORTIFY_SOURCE: "^-D_FORTIFY_SOURCE=[23]$"
#     forbidden_flags: ["^-O0$", "^-DDEBUG(=.*)?$", "^-fno-stack-protector$", "^-D_FORTIFY_SOURCE=0$", "^-U_FORTIFY_SOURCE$", "^-no-pie$", "(^|[,=\\s])execstack([,\\s]|$)", "(^|[,=\\s])norelro([,\\s]|$)", "^-Wl,-z,lazy$"]
package mdrgate.controls.imp05

import data.mdrgate.lib

_path := lib.param("IMP-05", "config_path")

config := lib.doc(_path)

_cfg := lib.front_matter(config)

_reports := object.get(input, ["build", "hardening"], [])

deny contains lib.violation(
	sprintf("%s is missing: record the release build configuration (debug: false, compiler flags, debug interfaces) there", [_path]),
	_path, 0,
) if {
	not config
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(config)
}

deny contains lib.violation(sprintf("%s: debug is %v: the release build must set debug: false", [_path, d]), _path, 0) if {
	config
	d := object.get(_cfg, "debug", null)
	d != null
	d != false
}

deny contains lib.violation(sprintf("%s: does not state debug: false", [_path]), _path, 0) if {
	config
	not lib.front_matter_problem(config)
	object.get(_cfg, "debug", null) == null
}

_flags := lib.strings_of(object.get(_cfg, "compiler_flags", null))

_all_flags := array.concat(_flags, lib.strings_of(object.get(_cfg, "linker_flags", null)))

deny contains lib.violation(
	sprintf("%s: compiler_flags has no %s flag (expected a flag matching %s)", [_path, name, re]),
	_path, 0,
) if {
	config
	not lib.front_matter_problem(config)
	some name, re in lib.param("IMP-05", "required_compiler_flags")
	not _any_match(re, _flags)
}

_any_match(re, flags) if {
	some f in flags
	regex.match(re, f)
}

deny contains lib.violation(
	sprintf("%s: the release build uses %s, which disables hardening or enables debugging", [_path, f]),
	_path, 0,
) if {
	some f in _all_flags
	some re in lib.param("IMP-05", "forbidden_flags")
	regex.match(re, f)
}

deny contains lib.violation(
	sprintf("%s: debug interface %s is %s: every debug port, console and endpoint must be enabled: false in the release", [_path, _name(i, di), _state(di)]),
	_path, 0,
) if {
	some i, di in object.get(_cfg, "debug_interfaces", [])
	object.get(di, "enabled", null) != false
}

_name(i, di) := di.name if lib.non_empty_string(object.get(di, "name", null))

else := sprintf("%d", [i + 1])

_state(di) := "enabled" if object.get(di, "enabled", null) == true

else := "not stated"

# Exemptions.

_exemptions := [e | some e in object.get(_cfg, "exemptions", []); is_object(e)]

deny contains lib.violation(
	sprintf("%s: exemption %d (%v) needs a binary, a list of properties and a rationale", [_path, i + 1, object.get(e, "binary", "")]),
	_path, 0,
) if {
	some i, e in _exemptions
	not _valid_exemption(e)
}

_valid_exemption(e) if {
	lib.non_empty_string(object.get(e, "binary", null))
	lib.non_empty_array(object.get(e, "properties", null))
	lib.non_empty_string(object.get(e, "rationale", null))
}

_exempt(bin, prop) if {
	some e in _exemptions
	_valid_exemption(e)
	_names_binary(e.binary, bin.path)
	prop in e.properties
}

_names_binary(name, p) if name == p

_names_binary(name, p) if endswith(p, concat("", ["/", trim_prefix(name, "./")]))

# Binaries.

_problems(bin) := {[prop, msg] |
	some [prop, msg] in [
		["pie", _bool_problem(bin, "pie", "is not a position-independent executable (PIE)")],
		["relro", _relro_problem(bin)],
		["nx", _bool_problem(bin, "nx", "has NX (non-executable stack) off")],
		["stack_protector", _bool_problem(bin, "stack_protector", "has no stack canary")],
		["fortify", _fortify_problem(bin)],
		["stripped", _bool_problem(bin, "stripped", "is not stripped (symbols present)")],
		["debug_symbols", _debug_problem(bin)],
	]
	msg != ""
}

_bool_problem(bin, key, msg) := msg if {
	object.get(bin, key, null) == false
} else := sprintf("has no %s in the report (unknown is not hardened)", [key]) if {
	key != "pie"
	object.get(bin, key, null) == null
} else := ""

_relro_problem(bin) := "has no RELRO" if {
	bin.relro == "none"
} else := "has only partial RELRO (link with -Wl,-z,relro,-z,now)" if {
	bin.relro == "partial"
} else := "has no relro in the report (unknown is not hardened)" if {
	object.get(bin, "relro", "") == ""
} else := ""

_fortify_problem(bin) := "calls fortifiable functions without FORTIFY_SOURCE" if {
	object.get(bin, "fortify", null) == false
} else := ""

_debug_problem(bin) := "carries debug symbols" if {
	object.get(bin, "debug_symbols", null) == true
} else := ""

deny contains lib.violation(
	sprintf("%s: %s %s", [r.path, bin.path, msg]),
	r.path, 0,
) if {
	some r in _reports
	some bin in r.binaries
	some [prop, msg] in _problems(bin)
	not _exempt(bin, prop)
}

warn contains lib.violation(
	sprintf("%s: %s: the report does not state PIE (a shared object?)", [r.path, bin.path]),
	r.path, 0,
) if {
	some r in _reports
	some bin in r.binaries
	object.get(bin, "pie", null) == null
	not _exempt(bin, "pie")
}

deny contains lib.violation(sprintf("%s: the hardening report lists no binary", [r.path]), r.path, 0) if {
	some r in _reports
	count(object.get(r, "binaries", [])) == 0
}
