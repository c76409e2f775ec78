# METADATA
# title: Known-vulnerability scan of the release with VEX triage
# description: >-
#   Every finding of the vulnerability scans (Grype, Trivy, OSV-Scanner) whose severity is
#   in severities or whose CVSS score is at least cvss_threshold needs a VEX statement
#   (OpenVEX, CycloneDX VEX or CSAF). A statement matches when its vulnerability or
#   aliases share an id with the finding's id or aliases (case-insensitive), and its
#   products or subcomponents name the finding's package purl (qualifiers ignored; a purl
#   without a version matches every version) or, having no subcomponents, name the
#   product itself (an SBOM subject purl); a statement with no products applies to every
#   package. Of several matching statements the newest (by timestamp) counts. No
#   statement fails; affected or under_investigation fails unless the statement's action
#   or impact names a risk acceptance id (risk_acceptance_pattern), which is reported as
#   a warning; not_affected needs an OpenVEX justification (component_not_present,
#   vulnerable_code_not_present, vulnerable_code_not_in_execute_path,
#   vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist);
#   fixed while the scanner still reports the finding is a warning. Findings in the CISA
#   KEV catalogue are not singled out yet (no KEV evidence).
# custom:
#   id: VER-02
#   type: A
#   severity: critical
#   refs:
#     iec81001: ["5.7.3", "5.8.1", "5.8.5", "9.3"]
#     mdcg: ["3.7"]
#     fda: ["V.A.4", "V.C"]
#     ssdf: ["PW.4.4", "RV.1.1", "RV.2.1"]
#     cra: ["I-2(a)", "II-1", "II-2", "II-3"]
#   evidence: ["build.vulnerabilities"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Upgrade the package, or triage the finding in a VEX document (vex/*.openvex.json):
#     not_affected with a justification, or affected with an action statement naming the
#     approved risk acceptance (RISK-…).
#   params:
#     severities: ["critical", "high"]
#     cvss_threshold: 7.0
#     risk_acceptance_pattern: "RISK-[0-9]+"
package mdrgate.controls.ver02

import data.mdrgate.lib

_justifications := {
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

_severities := {lower(s) | some s in lib.strings_of(lib.param("VER-02", "severities"))}

_findings contains [rep.path, rep.scanner, f] if {
	some rep in input.build.vulnerabilities
	some f in rep.findings
	_qualifies(f)
}

_qualifies(f) if lower(object.get(f, "severity", "")) in _severities

_qualifies(f) if {
	is_number(f.cvss_score)
	f.cvss_score >= lib.param("VER-02", "cvss_threshold")
}

_statements := [object.union(s, {"_doc": d.path}) |
	some d in object.get(input, ["build", "vex"], [])
	some s in d.statements
]

_subject_purls := {sb.subject.purl |
	some sb in object.get(input, ["build", "sboms"], [])
	lib.non_empty_string(object.get(sb, ["subject", "purl"], ""))
}

_ids(id, aliases) := {lower(id)} | {lower(a) | some a in aliases; is_string(a)}

_vuln_ids(f) := _ids(f.id, object.get(f, "aliases", []))

_stmt_ids(s) := _ids(s.vulnerability, object.get(s, "aliases", []))

_products(s) := object.get(s, "products", [])

_subcomponents(s) := object.get(s, "subcomponents", [])

# A statement applies to the products it names; one that names none applies to
# nothing (it never stands in for a triage of every package).
_applies(s, f) if {
	purl := object.get(f, ["package", "purl"], "")
	purl != ""
	some p in array.concat(_products(s), _subcomponents(s))
	lib.purl_matches(p, purl)
}

_applies(s, _) if {
	count(_subcomponents(s)) == 0
	some p in _products(s)
	some subject in _subject_purls
	lib.purl_matches(p, subject)
}

# _matching are the statements about a finding, each with the status it gives
# the finding's version.
_matching(f) := [object.union(s, {"status": _status_for(s, f)}) |
	some s in _statements
	count(_vuln_ids(f) & _stmt_ids(s)) > 0
	_applies(s, f)
	_version_ok(s, f)
]

_versions(s) := object.get(s, "versions", [])

_finding_version(f) := object.get(f, ["package", "version"], "")

# A statement that lists versions covers a finding only through an entry naming
# the finding's version exactly. Ranges (vers:) are not evaluated here, so a
# finding only a range would cover stays uncovered: the strict choice.
_version_ok(s, _) if count(_versions(s)) == 0

_version_ok(s, f) if {
	some v in _versions(s)
	lib.non_empty_string(object.get(v, "version", ""))
	v.version == _finding_version(f)
}

# The version entry's own status wins: CycloneDX "affected" or "unknown" for
# the scanned version is affected, whatever the analysis state says.
_status_for(s, f) := "affected" if {
	some v in _versions(s)
	object.get(v, "version", "") == _finding_version(f)
	object.get(v, "status", "") in {"affected", "unknown"}
} else := object.get(s, "status", "")

_time(s) := lib.parse_date_ns(s.timestamp) if lib.is_date(object.get(s, "timestamp", ""))

else := 0

# _effective are the newest of the statements that match a finding. When
# matching statements disagree and one of them has no timestamp, no order can
# be trusted: all of them count, so the most severe status decides.
_effective(f) := ms if {
	ms := _matching(f)
	some m in ms
	_time(m) == 0
	count({x.status | some x in ms}) > 1
} else := [s |
	ms := _matching(f)
	count(ms) > 0
	newest := max([_time(m) | some m in ms])
	some s in ms
	_time(s) == newest
]

_package(f) := f.package.purl if lib.non_empty_string(object.get(f, ["package", "purl"], ""))

else := sprintf("%s@%s", [object.get(f, ["package", "name"], "?"), object.get(f, ["package", "version"], "?")])

_cvss(f) := sprintf(", CVSS %v", [f.cvss_score]) if is_number(f.cvss_score)

else := ""

_label(f) := sprintf("%s (%s%s) in %s", [f.id, object.get(f, "severity", "unknown"), _cvss(f), _package(f)])

deny contains lib.violation(
	sprintf("%s has no VEX statement: triage it and record its status in a VEX document", [_label(f)]),
	p, 0,
) if {
	some [p, _, f] in _findings
	count(_matching(f)) == 0
}

_risk_ids(s) := regex.find_n(lib.param("VER-02", "risk_acceptance_pattern"), concat(" ", [object.get(s, "action", ""), object.get(s, "impact", "")]), -1)

deny contains lib.violation(
	sprintf("%s is %s (%s) and no risk acceptance is named in the statement's action or impact: fix it or record the accepted risk (%s)", [
		_label(f), s.status, s._doc,
		lib.param("VER-02", "risk_acceptance_pattern"),
	]),
	s._doc, 0,
) if {
	some [_, _, f] in _findings
	some s in _effective(f)
	s.status in {"affected", "under_investigation"}
	count(_risk_ids(s)) == 0
}

warn contains lib.violation(
	sprintf("%s is %s (%s); risk accepted under %s", [_label(f), s.status, s._doc, concat(", ", sort(_risk_ids(s)))]),
	s._doc, 0,
) if {
	some [_, _, f] in _findings
	some s in _effective(f)
	s.status in {"affected", "under_investigation"}
	count(_risk_ids(s)) > 0
}

deny contains lib.violation(
	sprintf("%s is not_affected (%s) without a justification: give one of %s", [_label(f), s._doc, concat(", ", sort(_justifications))]),
	s._doc, 0,
) if {
	some [_, _, f] in _findings
	some s in _effective(f)
	s.status == "not_affected"
	not object.get(s, "justification", "") in _justifications
}

warn contains lib.violation(
	sprintf("%s is fixed according to %s, but %s still reports it: check that the scan is of the released build", [_label(f), s._doc, scanner]),
	p, 0,
) if {
	some [p, scanner, f] in _findings
	some s in _effective(f)
	s.status == "fixed"
}

deny contains lib.violation(
	sprintf("%s has VEX status %s (%s), which is not not_affected, affected, fixed or under_investigation", [_label(f), json.marshal(object.get(s, "status", null)), s._doc]),
	s._doc, 0,
) if {
	some [_, _, f] in _findings
	some s in _effective(f)
	not object.get(s, "status", "") in {"not_affected", "affected", "fixed", "under_investigation"}
}
