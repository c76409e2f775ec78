# METADATA
# title: Customer security documentation in the instructions for use
# description: >-
#   The security part of the instructions for use is one or more markdown documents
#   under docs/ifu/security/ (docs/formats/ifu-security.md). Together their headings
#   must cover every section of required_sections (a heading matching the section's
#   pattern, case-insensitive): minimum IT requirements, ports and data flows,
#   hardening, updates and their integrity check, backup and restore, logging, roles,
#   residual risks, end of support and decommissioning. Each document needs
#   approved_by and a last_reviewed date within max_age_days that is on or after the day
#   of the last commit touching any of watched_paths (folders end with /; the
#   interfaces and the default configuration). Their front matter's
#   documented_components maps each third-party component the IFU describes to the
#   major version described: every direct dependency of the SBOM subject must be
#   listed, with the SBOM's major version, so that a major upgrade sends the IFU back to
#   review. Whether the text is adequate is for a person to judge; an MDS2 form is not
#   read.
# custom:
#   id: REL-04
#   type: D
#   severity: medium
#   refs:
#     iec81001: ["5.8.2", "5.8.7", "4.1.9"]
#     mdr: ["23.4(ab)", "17.4"]
#     mdcg: ["4.2", "4.3"]
#     fda: ["VI.A", "App4 Labeling"]
#     ssdf: ["PW.9.2"]
#     cra: ["Annex II"]
#   evidence: ["repo"]
#   events: [release]
#   remediation: >-
#     Write the customer security documentation under docs/ifu/security/ with a section
#     for each required topic, list the third-party components it describes with their
#     major versions in documented_components, and review it (last_reviewed) whenever
#     the interfaces, the default configuration or a major dependency change.
#   params:
#     max_age_days: 365
#     watched_paths: ["interfaces.yaml", "config/"]
#     required_sections:
#       minimum IT requirements: "minimum (it|system|network) requirements"
#       ports and data flows: "ports|data flows"
#       hardening: "harden"
#       updates and integrity check: "update"
#       backup and restore: "backup"
#       logging: "logging|audit"
#       roles: "roles|user accounts"
#       residual risks: "residual risk"
#       end of support: "end of (support|life)"
#       decommissioning: "decommission"
package mdrgate.controls.rel04

import data.mdrgate.lib

_dir := lib.ifu_security_dir

_docs := lib.ifu_security_docs

_headings := [lower(h.text) | some d in _docs; some h in object.get(d, "headings", [])]

deny contains lib.violation(
	sprintf("no customer security documentation: add markdown documents under %s", [_dir]),
	"", 0,
) if {
	count(_docs) == 0
}

deny contains lib.violation(
	sprintf("the customer security documentation (%s) has no section on %s: add a heading matching %q", [_dir, name, pattern]),
	_first, 0,
) if {
	count(_docs) > 0
	some name, pattern in lib.param("REL-04", "required_sections")
	not _covered(pattern)
}

_first := min({d.path | some d in _docs})

_covered(pattern) if {
	some h in _headings
	regex.match(concat("", ["(?i)", pattern]), h)
}

deny contains lib.violation(sprintf("%s: %s", [d.path, problem]), d.path, 0) if {
	some d in _docs
	problem := lib.front_matter_problem(d)
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the document", [d.path]), d.path, 0) if {
	some d in _docs
	not lib.front_matter_problem(d)
	not lib.approved(d.front_matter)
}

deny contains lib.violation(sprintf("%s: %s", [d.path, problem]), d.path, 0) if {
	some d in _docs
	not lib.front_matter_problem(d)
	problem := lib.review_problem(d.front_matter, lib.param("REL-04", "max_age_days"))
}

# Currency with the interfaces and the default configuration.

_watched := lib.strings_of(lib.param("REL-04", "watched_paths"))

_covers(w, p) if trim_right(w, "/") == trim_right(p, "/")

_covers(w, p) if {
	endswith(w, "/")
	startswith(p, w)
}

deny contains lib.violation(
	sprintf("%s: last_reviewed %s is before the last change to %s (commit %s on %s): review the customer documentation against the change", [
		d.path, d.front_matter.last_reviewed, pt.path,
		substring(object.get(pt, "commit", ""), 0, 12), substring(pt.time, 0, 10),
	]),
	d.path, 0,
) if {
	some d in _docs
	lib.is_date(object.get(lib.front_matter(d), "last_reviewed", null))
	reviewed := lib.parse_date_ns(d.front_matter.last_reviewed)
	some pt in object.get(input, ["repo", "git", "path_times"], [])
	some w in _watched
	_covers(w, pt.path)
	lib.is_date(pt.time)
	lib.day_number(lib.parse_date_ns(pt.time)) > lib.day_number(reviewed)
}

not_available contains sprintf("git history is not available: cannot check the customer documentation against changes to %s", [concat(", ", _watched)]) if {
	input.repo
	not input.repo.git
}

# Currency with the SBOM's major dependencies.

_documented contains [lower(name), d.path, sprintf("%v", [v])] if {
	some d in _docs
	comps := lib.front_matter(d).documented_components
	is_object(comps)
	some name, v in comps
}

_major(v) := split(lib.strip_v(trim_space(sprintf("%v", [v]))), ".")[0]

_direct := {[sb.path, c.name, c.version] |
	some sb in object.get(input, ["build", "sboms"], [])
	some c in sb.components
	c.direct == true
	lib.non_empty_string(object.get(c, "name", ""))
}

deny contains lib.violation(
	sprintf("%s: %s %s, a direct dependency in %s, is not in any documented_components of %s: describe it in the IFU and list it with its major version", [_first, name, version, sbom, _dir]),
	_first, 0,
) if {
	count(_docs) > 0
	some [sbom, name, version] in _direct
	not lower(name) in {n | some [n, _, _] in _documented}
}

deny contains lib.violation(
	sprintf("%s: documented_components lists %s at major version %s but %s has %s: review the IFU for the major upgrade and update documented_components", [path, name, _major(documented), sbom, version]),
	path, 0,
) if {
	some [sbom, name, version] in _direct
	some [lname, path, documented] in _documented
	lname == lower(name)
	_major(documented) != _major(version)
}
