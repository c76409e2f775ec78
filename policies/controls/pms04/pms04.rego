# METADATA
# title: Security advisories for fixed vulnerabilities
# description: >-
#   A vulnerability is fixed when a VEX statement says fixed, or when the surveillance
#   result resolved it other than as not_affected. Each needs a security advisory: a
#   markdown or YAML document under docs/security/advisories/
#   (docs/formats/security-advisory.md) whose front matter lists it (or an alias) under
#   vulnerabilities, each with a description and a CVSS base score (cvss, 0 to 10) or
#   vector (cvss_vector), and that names the affected_versions and a fixed_version or a
#   workaround. An advisory may point at its CSAF 2.0 JSON (csaf), which must then be in
#   the repository; the CSAF file itself is not read. Every advisory found is checked
#   for these fields. Without VEX and surveillance evidence the control is
#   not_available.
# custom:
#   id: PMS-04
#   type: A
#   severity: medium
#   refs:
#     iec81001: ["4.1.7", "6.3.1"]
#     mdr: ["Art. 83", "23.4(ab)"]
#     mdcg: ["5"]
#     fda: ["VI.B"]
#     ssdf: ["RV.2.2"]
#     cra: ["II-4", "II-8"]
#   evidence: ["build.vex | surveillance"]
#   events: [release, schedule]
#   remediation: >-
#     Publish an advisory for every fixed vulnerability under docs/security/advisories/
#     (id, title, published, vulnerabilities with description and CVSS,
#     affected_versions, fixed_version or workaround), and its CSAF 2.0 version if you
#     issue one.
#   params:
#     dir: docs/security/advisories/
package mdrgate.controls.pms04

import data.mdrgate.lib

_dir := lib.param("PMS-04", "dir")

_advisories := {d | some d in lib.docs_under(_dir)}

_entries contains [d.path, i, v] if {
	some d in _advisories
	vs := lib.front_matter(d).vulnerabilities
	is_array(vs)
	some i, v in vs
	is_object(v)
}

deny contains lib.violation(sprintf("%s: vulnerabilities[%d] is not a map of id, description and cvss", [d.path, i]), d.path, 0) if {
	some d in _advisories
	vs := lib.front_matter(d).vulnerabilities
	is_array(vs)
	some i, v in vs
	not is_object(v)
}

_advised := {x |
	some [_, _, v] in _entries
	some x in lib.id_set(object.get(v, "id", ""), object.get(v, "aliases", []))
	x != ""
}

# _fixed are [vulnerability id, aliases, where it is recorded as fixed].
_fixed contains [s.vulnerability, object.get(s, "aliases", []), d.path] if {
	some d in object.get(input, ["build", "vex"], [])
	some s in d.statements
	s.status == "fixed"
}

_fixed contains [f.id, object.get(f, "aliases", []), input.surveillance.path] if {
	some sv in input.surveillance.versions
	some f in sv.findings
	f.state == "resolved"
	object.get(f, "vex_status", "") != "not_affected"
}

deny contains lib.violation(
	sprintf("%s is fixed (%s) but no advisory under %s lists it: publish one", [id, where, _dir]),
	where, 0,
) if {
	some [id, aliases, where] in _fixed
	count(lib.id_set(id, aliases) & _advised) == 0
}

deny contains lib.violation(sprintf("%s: %s", [d.path, problem]), d.path, 0) if {
	some d in _advisories
	problem := lib.front_matter_problem(d)
}

_fm(d) := lib.front_matter(d)

deny contains lib.violation(sprintf("%s: %s is missing or empty", [d.path, k]), d.path, 0) if {
	some d in _advisories
	not lib.front_matter_problem(d)
	some k in ["id", "title"]
	not lib.non_empty_string(object.get(_fm(d), k, null))
}

deny contains lib.violation(sprintf("%s: published %s is not a date", [d.path, json.marshal(object.get(_fm(d), "published", null))]), d.path, 0) if {
	some d in _advisories
	not lib.front_matter_problem(d)
	not lib.is_date(object.get(_fm(d), "published", null))
}

deny contains lib.violation(sprintf("%s: vulnerabilities must be a non-empty list", [d.path]), d.path, 0) if {
	some d in _advisories
	not lib.front_matter_problem(d)
	not lib.non_empty_array(object.get(_fm(d), "vulnerabilities", null))
}

deny contains lib.violation(sprintf("%s: vulnerabilities[%d] has no id", [p, i]), p, 0) if {
	some [p, i, v] in _entries
	not lib.non_empty_string(object.get(v, "id", null))
}

_vlabel(i, v) := v.id if lib.non_empty_string(object.get(v, "id", null))

else := sprintf("vulnerabilities[%d]", [i])

deny contains lib.violation(sprintf("%s: %s has no description", [p, _vlabel(i, v)]), p, 0) if {
	some [p, i, v] in _entries
	not lib.non_empty_string(object.get(v, "description", null))
}

_scored(v) if {
	is_number(v.cvss)
	v.cvss >= 0
	v.cvss <= 10
}

_scored(v) if regex.match(`^CVSS:[0-9.]+/`, object.get(v, "cvss_vector", ""))

deny contains lib.violation(sprintf("%s: %s has no CVSS: give cvss (a base score, 0 to 10) or cvss_vector", [p, _vlabel(i, v)]), p, 0) if {
	some [p, i, v] in _entries
	not _scored(v)
}

deny contains lib.violation(sprintf("%s: affected_versions is missing: name the affected versions", [d.path]), d.path, 0) if {
	some d in _advisories
	not lib.front_matter_problem(d)
	count(lib.strings_of(object.get(_fm(d), "affected_versions", null))) == 0
}

deny contains lib.violation(sprintf("%s: neither fixed_version nor workaround is given: say how customers remediate", [d.path]), d.path, 0) if {
	some d in _advisories
	not lib.front_matter_problem(d)
	not lib.non_empty_string(sprintf("%v", [object.get(_fm(d), "fixed_version", "")]))
	not lib.non_empty_string(object.get(_fm(d), "workaround", null))
}

deny contains lib.violation(sprintf("%s: csaf %s is not in the repository", [d.path, _fm(d).csaf]), d.path, 0) if {
	some d in _advisories
	lib.non_empty_string(object.get(_fm(d), "csaf", null))
	not lib.has_file(trim_prefix(_fm(d).csaf, "./"))
}
