# METADATA
# title: Security assessment of unresolved anomalies
# description: >-
#   The release's known-anomalies list, release/<version>/known-anomalies.yaml with
#   <version> the configured product.version without a leading v (format in
#   docs/formats/known-anomalies.md), must exist, name the release, be approved, and
#   say where it was exported from (tracker.source, tracker.exported_at) and how many
#   defects were open at the tag (tracker.open_defects). Every open defect must be
#   listed, so the list's length must equal that count. Each anomaly needs an id, a
#   title, a security_impact boolean and a rationale; one with a security impact also
#   needs a CVSS vector (CVSS:3.x or CVSS:4.0) or an exploitability rating, and a
#   risk_ref to the security risk assessment. Whether each assessment is right is for
#   a person to judge (type X: the approval is the sign-off).
# custom:
#   id: VER-05
#   type: X
#   severity: high
#   refs:
#     iec81001: ["5.8.1", "9.4"]
#     mdr: ["17.2"]
#     fda: ["V.A.5", "App4 Unresolved Anomalies"]
#     iec62304: ["5.8.2", "5.8.3"]
#   evidence: ["repo"]
#   events: [release]
#   remediation: >-
#     Export the defects open at the release tag from the issue tracker into
#     release/<version>/known-anomalies.yaml (tracker.open_defects, anomalies[]),
#     assess each one's security impact with a rationale (a CVSS vector or the
#     exploitability and a risk_ref when it has one), and have the list approved.
#   params:
#     dir: release/
package mdrgate.controls.ver05

import data.mdrgate.lib

_version := v if {
	raw := object.get(input, ["product", "version"], "")
	lib.non_empty_string(raw)
	v := trim_prefix(trim_prefix(trim_space(raw), "v"), "V")
	regex.match(`^[0-9][0-9A-Za-z.+_-]*$`, v)
}

_path := sprintf("%s%s/known-anomalies.yaml", [lib.param("VER-05", "dir"), _version])

not_available contains "product.version is not configured: cannot tell which release's known anomalies to read" if {
	not lib.non_empty_string(object.get(input, ["product", "version"], ""))
}

not_available contains sprintf("product.version %q is not a version (expected e.g. 2.4.0): cannot tell which release's known anomalies to read", [raw]) if {
	raw := object.get(input, ["product", "version"], "")
	lib.non_empty_string(raw)
	not _version
}

list := lib.doc(_path)

_fm := lib.front_matter(list)

_anomalies := object.get(_fm, "anomalies", null)

deny contains lib.violation(
	sprintf("%s is missing: list the anomalies open at the release tag with their security assessment there", [_path]),
	_path, 0,
) if {
	_version
	not list
}

deny contains lib.violation(sprintf("%s: %s", [_path, p]), _path, 0) if {
	p := lib.front_matter_problem(list)
}

deny contains lib.violation(sprintf("%s: %s", [_path, p]), _path, 0) if {
	list
	not lib.front_matter_problem(list)
	some p in _problems
}

_problems contains sprintf("release is %v: expected %s", [object.get(_fm, "release", null), _version]) if {
	trim_prefix(sprintf("%v", [object.get(_fm, "release", "")]), "v") != _version
}

_problems contains "does not name who approved the assessment (approved_by)" if {
	not lib.approved(_fm)
}

_problems contains sprintf("tracker.%s is missing: say which tracker and query the list was exported from, and when", [k]) if {
	some k in ["source", "exported_at"]
	not _scalar(object.get(_fm, ["tracker", k], null))
}

_scalar(x) if lib.non_empty_string(x)

_scalar(x) if is_number(x)

_problems contains "tracker.open_defects is missing: state how many defects were open at the tag" if {
	not is_number(object.get(_fm, ["tracker", "open_defects"], null))
}

_problems contains "anomalies is missing: list every open defect (an empty list when there is none)" if {
	not is_array(_anomalies)
}

_problems contains sprintf("lists %d anomalies but the tracker had %d defects open at the tag: every open defect must be listed", [count(_anomalies), n]) if {
	is_array(_anomalies)
	n := object.get(_fm, ["tracker", "open_defects"], null)
	is_number(n)
	count(_anomalies) != n
}

_aid(i, a) := a.id if lib.non_empty_string(object.get(a, "id", null))

else := sprintf("%d", [i + 1])

_problems contains sprintf("anomaly %s lacks %s", [_aid(i, a), k]) if {
	is_array(_anomalies)
	some i, a in _anomalies
	some k in ["id", "title", "rationale"]
	not lib.non_empty_string(object.get(a, k, null))
}

_problems contains sprintf("anomaly %s: security_impact must be true or false", [_aid(i, a)]) if {
	is_array(_anomalies)
	some i, a in _anomalies
	not is_boolean(object.get(a, "security_impact", null))
}

_cvss_re := `^CVSS:(3\.[01]|4\.0)/`

_problems contains sprintf("anomaly %s has a security impact but neither a CVSS vector (cvss) nor an exploitability rating", [_aid(i, a)]) if {
	is_array(_anomalies)
	some i, a in _anomalies
	object.get(a, "security_impact", null) == true
	not regex.match(_cvss_re, sprintf("%v", [object.get(a, "cvss", "")]))
	not lib.non_empty_string(object.get(a, "exploitability", null))
}

_problems contains sprintf("anomaly %s has a security impact but no risk_ref to the security risk assessment", [_aid(i, a)]) if {
	is_array(_anomalies)
	some i, a in _anomalies
	object.get(a, "security_impact", null) == true
	not lib.non_empty_string(object.get(a, "risk_ref", null))
}
