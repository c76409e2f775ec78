# METADATA
# title: Third-party (SOUP) register with risk-transfer classification
# description: >-
#   The SOUP register, docs/soup/register.yaml (format in docs/formats/soup-register.md),
#   must be approved (approved_by) and reviewed within max_age_days, and list every
#   direct dependency that the SBOMs name (components marked direct by the SBOM's
#   dependency graph): an entry matches a component by purl (with the version when
#   the entry's purl has one, else the entry's version must equal the component's),
#   or by name and version. Each entry needs a supplier, a purpose, its requirements
#   (IEC 62304 5.3.3), a class of maintained, supported or required (IEC 81001-5-1
#   4.3), a risk reference, and a known-anomaly review (anomaly_review.date) within
#   anomaly_max_age_days. An SBOM without a dependency graph cannot tell direct
#   dependencies, which makes the control not_available rather than a pass. Whether
#   each SOUP item is fit for its purpose is for a person to judge (type X: the
#   register's approval is the sign-off).
# custom:
#   id: SCM-04
#   type: X
#   severity: high
#   refs:
#     iec81001: ["4.1.5", "4.3", "5.2.3"]
#     mdr: ["17.2"]
#     fda: ["V.A.4"]
#     ssdf: ["PW.4.1", "PO.1.3"]
#     iec62304: ["5.3.3", "5.3.4", "7.1.2", "7.1.3", "8.1.2"]
#   evidence: ["build.sboms", "repo"]
#   events: [pull_request, release]
#   remediation: >-
#     Add every direct dependency of the SBOM to docs/soup/register.yaml with its purl,
#     version, supplier, purpose, requirements, class (maintained, supported or
#     required), risk_ref and the date of the last review of its known-anomaly list
#     (anomaly_review.date); have the register approved and re-reviewed at least yearly.
#   params:
#     path: docs/soup/register.yaml
#     max_age_days: 365
#     anomaly_max_age_days: 180
package mdrgate.controls.scm04

import data.mdrgate.lib

_path := lib.param("SCM-04", "path")

register := lib.doc(_path)

_fm := lib.front_matter(register)

_entries := [e | some e in object.get(_fm, "soup", []); is_object(e)] if {
	is_array(object.get(_fm, "soup", null))
} else := []

_classes := {"maintained", "supported", "required"}

deny contains lib.violation(
	sprintf("%s is missing: register every third-party (SOUP) component there", [_path]),
	_path, 0,
) if {
	not register
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(register)
}

deny contains lib.violation(sprintf("%s: does not name who approved the register (approved_by)", [_path]), _path, 0) if {
	register
	not lib.front_matter_problem(register)
	not lib.approved(_fm)
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	register
	not lib.front_matter_problem(register)
	problem := lib.review_problem(_fm, lib.param("SCM-04", "max_age_days"))
}

deny contains lib.violation(sprintf("%s: has no soup list", [_path]), _path, 0) if {
	register
	not lib.front_matter_problem(register)
	not is_array(object.get(_fm, "soup", null))
}

# Direct dependencies of the SBOMs.

_sboms := object.get(input, ["build", "sboms"], [])

_direct := [[s.path, c] |
	some s in _sboms
	some c in s.components
	object.get(c, "direct", null) == true
]

not_available contains sprintf("%s has no dependency graph: it cannot tell the direct dependencies the SOUP register must list", [s.path]) if {
	some s in _sboms
	count(s.components) > 0
	every c in s.components {
		object.get(c, "direct", null) == null
	}
}

_matches(e, c) if {
	lib.non_empty_string(object.get(e, "purl", null))
	lib.non_empty_string(object.get(c, "purl", ""))
	lib.purl_has_version(e.purl)
	lib.purl_base(e.purl) == lib.purl_base(c.purl)
}

_matches(e, c) if {
	lib.non_empty_string(object.get(e, "purl", null))
	lib.non_empty_string(object.get(c, "purl", ""))
	not lib.purl_has_version(e.purl)
	lib.purl_base(e.purl) == lib.purl_unversioned(c.purl)
	_same_version(object.get(e, "version", null), c.version)
}

_matches(e, c) if {
	not lib.non_empty_string(object.get(e, "purl", null))
	lib.non_empty_string(object.get(e, "name", null))
	lower(e.name) == lower(c.name)
	_same_version(object.get(e, "version", null), c.version)
}

_same_version(a, b) if {
	is_string(a)
	trim_prefix(lower(a), "v") == trim_prefix(lower(b), "v")
}

_same_version(a, b) if {
	is_number(a)
	sprintf("%v", [a]) == b
}

_label(c) := c.purl if lib.non_empty_string(object.get(c, "purl", ""))

else := sprintf("%s %s", [c.name, c.version])

deny contains lib.violation(
	sprintf("%s: direct dependency %s (in %s) is not in the SOUP register", [_path, _label(c), sbom]),
	_path, 0,
) if {
	register
	some [sbom, c] in _direct
	not _registered(c)
}

_registered(c) if {
	some e in _entries
	_matches(e, c)
}

# Entries.

_entry_name(i, e) := e.name if lib.non_empty_string(object.get(e, "name", null))

else := sprintf("%d", [i + 1])

deny contains lib.violation(
	sprintf("%s: SOUP %s lacks %s", [_path, _entry_name(i, e), concat(", ", missing)]),
	_path, 0,
) if {
	some i, e in _entries
	missing := [k |
		some k in ["name", "version", "supplier", "purpose", "risk_ref"]
		not _scalar(object.get(e, k, null))
	]
	count(missing) > 0
}

_scalar(x) if lib.non_empty_string(x)

_scalar(x) if is_number(x)

deny contains lib.violation(
	sprintf("%s: SOUP %s lists no requirements (the functional and performance requirements it must meet, IEC 62304 5.3.3)", [_path, _entry_name(i, e)]),
	_path, 0,
) if {
	some i, e in _entries
	count(lib.strings_of(object.get(e, "requirements", null))) == 0
}

deny contains lib.violation(
	sprintf("%s: SOUP %s has class %v: expected maintained, supported or required (IEC 81001-5-1 4.3)", [_path, _entry_name(i, e), object.get(e, "class", null)]),
	_path, 0,
) if {
	some i, e in _entries
	not _class_ok(e)
}

_class_ok(e) if {
	c := object.get(e, "class", null)
	is_string(c)
	lower(c) in _classes
}

deny contains lib.violation(
	sprintf("%s: SOUP %s: known-anomaly review %s", [_path, _entry_name(i, e), problem]),
	_path, 0,
) if {
	some i, e in _entries
	problem := _anomaly_problem(_obj(object.get(e, "anomaly_review", null)))
}

_obj(x) := x if is_object(x)

else := {}

_anomaly_problem(r) := "is missing: record anomaly_review.date (and source, result)" if {
	not lib.non_empty_string(object.get(r, "date", null))
} else := sprintf("date %v is not a date (YYYY-MM-DD)", [r.date]) if {
	not lib.is_date(r.date)
} else := sprintf("of %s is %d days old; the limit is %d days", [r.date, lib.days_since(r.date), max]) if {
	max := lib.param("SCM-04", "anomaly_max_age_days")
	lib.days_since(r.date) > max
} else := sprintf("date %s is in the future", [r.date]) if {
	lib.days_since(r.date) < -1
}
