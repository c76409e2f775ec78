# METADATA
# title: Robustness testing (fuzzing, DAST) of exposed interfaces
# description: >-
#   The interface list, interfaces.yaml at the repository root (format in
#   docs/formats/interfaces.md), must be approved and reviewed within max_age_days and
#   declare every interface (port, protocol, parser, API, file format) with an id; each
#   interface that is external (the default) needs at least one robustness test: a
#   fuzz harness whose file is in the repository, or a DAST target. Each test records
#   its latest run: a date within max_run_age_days, the report the run wrote (a
#   path or URL) and the number of open crashes and open high or
#   critical findings, both of which must be 0. An interface marked external: false
#   needs a rationale. Whether the set of interfaces is complete is for a person to
#   judge against the architecture (type X: the list's approval is the sign-off).
# custom:
#   id: VER-03
#   type: X
#   severity: high
#   refs:
#     iec81001: ["5.4.3", "5.7.3"]
#     mdr: ["17.2"]
#     mdcg: ["3.7"]
#     fda: ["V.C"]
#     ssdf: ["PW.8.2"]
#   evidence: ["repo"]
#   events: [pull_request, release]
#   remediation: >-
#     List every external interface in interfaces.yaml with a robustness test: a fuzz
#     harness (libFuzzer, AFL++, atheris, go test -fuzz, ClusterFuzzLite) or a DAST
#     target (OWASP ZAP), run it in CI at least every max_run_age_days days, and
#     record the latest run (date, report, open_crashes: 0, open_high_findings: 0).
#   params:
#     path: interfaces.yaml
#     max_age_days: 365
#     max_run_age_days: 30
package mdrgate.controls.ver03

import data.mdrgate.lib

_path := lib.param("VER-03", "path")

list := lib.doc(_path)

_fm := lib.front_matter(list)

_interfaces := [i | some i in object.get(_fm, "interfaces", []); is_object(i)] if {
	is_array(object.get(_fm, "interfaces", null))
} else := []

deny contains lib.violation(
	sprintf("%s is missing: list the product's interfaces and their robustness tests there", [_path]),
	_path, 0,
) if {
	not list
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(list)
}

deny contains lib.violation(sprintf("%s: does not name who approved the interface list (approved_by)", [_path]), _path, 0) if {
	list
	not lib.front_matter_problem(list)
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	list
	not lib.front_matter_problem(list)
	problem := lib.review_problem(_fm, lib.param("VER-03", "max_age_days"))
}

deny contains lib.violation(sprintf("%s: declares no interfaces", [_path]), _path, 0) if {
	list
	not lib.front_matter_problem(list)
	count(_interfaces) == 0
}

_id(n, itf) := itf.id if lib.non_empty_string(object.get(itf, "id", null))

else := sprintf("%d", [n + 1])

deny contains lib.violation(sprintf("%s: interface %d has no id", [_path, n + 1]), _path, 0) if {
	some n, itf in _interfaces
	not lib.non_empty_string(object.get(itf, "id", null))
}

_external(itf) if object.get(itf, "external", true) != false

deny contains lib.violation(
	sprintf("%s: interface %s is marked external: false without a rationale", [_path, _id(n, itf)]),
	_path, 0,
) if {
	some n, itf in _interfaces
	not _external(itf)
	not lib.non_empty_string(object.get(itf, "rationale", null))
}

_tests(itf) := [t | some t in object.get(itf, "robustness", []); is_object(t)] if {
	is_array(object.get(itf, "robustness", null))
} else := []

deny contains lib.violation(
	sprintf("%s: external interface %s has no robustness test: add a fuzz harness or a DAST target", [_path, _id(n, itf)]),
	_path, 0,
) if {
	some n, itf in _interfaces
	_external(itf)
	count(_tests(itf)) == 0
}

deny contains lib.violation(sprintf("%s: interface %s, test %d: %s", [_path, _id(n, itf), k + 1, problem]), _path, 0) if {
	some n, itf in _interfaces
	some k, t in _tests(itf)
	some problem in _test_problems(t)
}

_test_problems(t) := {p |
	some p in [
		_type_problem(t),
		_target_problem(t),
		_run_date_problem(_obj(object.get(t, "last_run", null))),
		_count_problem(_obj(object.get(t, "last_run", null)), "open_crashes", "open crash"),
		_count_problem(_obj(object.get(t, "last_run", null)), "open_high_findings", "open high or critical finding"),
		_report_problem(_obj(object.get(t, "last_run", null))),
	]
	p != ""
}

_obj(x) := x if is_object(x)

else := {}

_type_problem(t) := "" if object.get(t, "type", null) in {"fuzz", "dast"}

else := sprintf("type %v: expected fuzz or dast", [object.get(t, "type", null)])

_target_problem(t) := "a fuzz test needs a harness (a file of the repository)" if {
	t.type == "fuzz"
	not lib.non_empty_string(object.get(t, "harness", null))
} else := sprintf("harness %s is not in the repository", [t.harness]) if {
	t.type == "fuzz"
	not lib.has_file(trim_prefix(t.harness, "./"))
	not _dir(trim_prefix(t.harness, "./"))
} else := "a DAST test needs a target (the endpoint or service scanned)" if {
	t.type == "dast"
	not lib.non_empty_string(object.get(t, "target", null))
} else := ""

_dir(p) if count(lib.files_under(concat("", [trim_suffix(p, "/"), "/"]))) > 0

_run_date_problem(run) := "has no last_run.date: record the latest run" if {
	object.get(run, "date", null) == null
} else := sprintf("last_run.date %v is not a date", [run.date]) if {
	not lib.is_date(run.date)
} else := sprintf("the latest run (%s) is %d days old; the limit is %d days", [run.date, lib.days_since(run.date), max]) if {
	max := lib.param("VER-03", "max_run_age_days")
	lib.days_since(run.date) > max
} else := sprintf("last_run.date %s is in the future", [run.date]) if {
	lib.days_since(run.date) < -1
} else := ""

_count_problem(run, key, what) := sprintf("last_run.%s is missing: state how many are open (0)", [key]) if {
	not is_number(object.get(run, key, null))
} else := sprintf("the latest run left %d %s(s) open: fix them before release", [run[key], what]) if {
	run[key] > 0
} else := ""

_report_problem(run) := "last_run.report is missing: name the run's report" if {
	not lib.non_empty_string(object.get(run, "report", null))
} else := ""
