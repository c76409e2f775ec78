# METADATA
# title: End-of-support tracking and risk transfer
# description: >-
#   Every SBOM must declare the product's end of support on its subject
#   (cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport, a date); the
#   same date must be the support_end of that version in supported-versions.yaml, when
#   it lists the version, and the end_of_support in the front matter of the customer
#   security documentation (docs/ifu/security/). Every component (file components
#   excepted) whose cdx:fda:level-of-support is not one of maintained_levels, or whose
#   end-of-support date is before the product's, needs a
#   cdx:fda:update-or-replace-plan; a component whose support has already ended is a
#   warning even with a plan. A component with no end-of-support date (justified under
#   REL-01) is not compared. Component findings are capped at max_messages per SBOM,
#   with a count of the rest.
# custom:
#   id: PMS-05
#   type: A
#   severity: medium
#   refs:
#     iec81001: ["4.3", "5.2.3", "6.3.1"]
#     mdr: ["23.4(ab)"]
#     mdcg: ["4.2"]
#     fda: ["V.A.4(b)", "VI.A"]
#     ssdf: ["PW.4.4"]
#     cra: ["Art. 13(8)"]
#   evidence: ["build.sboms"]
#   events: [release, schedule]
#   remediation: >-
#     Declare the product's end of support on the SBOM subject, in supported-versions.yaml
#     and in the IFU; give every component that is not actively maintained, or whose
#     support ends before the product's, a cdx:fda:update-or-replace-plan (replacement,
#     upgrade or risk transfer, with its risk reference).
#   params:
#     maintained_levels: ["actively maintained"]
#     max_messages: 20
package mdrgate.controls.pms05

import data.mdrgate.lib

_sboms := [sb | some sb in input.build.sboms; is_object(sb.subject)]

_levels := {lower(l) | some l in lib.strings_of(lib.param("PMS-05", "maintained_levels"))}

deny contains lib.violation(
	sprintf("%s: the subject %s declares no end of support (cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport, YYYY-MM-DD)", [sb.path, object.get(sb.subject, "name", "?")]),
	sb.path, 0,
) if {
	some sb in _sboms
	not lib.end_of_support(sb.subject)
}

deny contains lib.violation(
	sprintf("%s has no subject: cannot tell the product's end of support", [sb.path]),
	sb.path, 0,
) if {
	some sb in input.build.sboms
	not is_object(sb.subject)
}

_day(s) := lib.day_number(lib.parse_date_ns(s))

deny contains lib.violation(
	sprintf("%s: support_end of %v is %s, but %s declares end of support %s", [lib.supported_versions_path, v.version, substring(v.support_end, 0, 10), sb.path, eos]),
	lib.supported_versions_path, 0,
) if {
	some sb in _sboms
	eos := lib.end_of_support(sb.subject)
	some v in lib.supported_versions
	lib.strip_v(sprintf("%v", [object.get(v, "version", "")])) == lib.strip_v(object.get(sb.subject, "version", ""))
	lib.is_date(object.get(v, "support_end", null))
	_day(v.support_end) != _day(eos)
}

_ifu_eos := {[d.path, e] |
	some d in lib.ifu_security_docs
	e := lib.front_matter(d).end_of_support
	lib.is_date(e)
}

deny contains lib.violation(
	sprintf("the customer security documentation (%s) does not declare the end of support %s of %s: add end_of_support to its front matter", [lib.ifu_security_dir, eos, sb.path]),
	_ifu_path, 0,
) if {
	some sb in _sboms
	eos := lib.end_of_support(sb.subject)
	not _ifu_declares(eos)
}

_ifu_declares(eos) if {
	some [_, e] in _ifu_eos
	_day(e) == _day(eos)
}

_ifu_path := min({d.path | some d in lib.ifu_security_docs}) if count(lib.ifu_security_docs) > 0

else := ""

# Components.

_components(sb) := [c | some c in object.get(sb, "components", []); object.get(c, "type", "") != "file"]

_level(c) := lower(trim_space(lib.property_values(c, "cdx:fda:level-of-support")[0])) if count(lib.property_values(c, "cdx:fda:level-of-support")) > 0

else := ""

_why(c, eos) := sprintf("its level of support is %s", [json.marshal(_level(c))]) if not _level(c) in _levels

else := sprintf("its support ends %s, before the product's (%s)", [lib.end_of_support(c), eos]) if {
	lib.end_of_support(c)
	_day(lib.end_of_support(c)) < _day(eos)
}

_unplanned[i] := [[c, why] |
	some c in _components(sb)
	why := _why(c, eos)
	count(lib.property_values(c, "cdx:fda:update-or-replace-plan")) == 0
] if {
	some i, sb in _sboms
	eos := lib.end_of_support(sb.subject)
}

_label(c) := sprintf("%s@%s", [object.get(c, "name", "?"), object.get(c, "version", "?")])

_cap := lib.param("PMS-05", "max_messages")

deny contains lib.violation(
	sprintf("%s: %s has no cdx:fda:update-or-replace-plan, and %s: record the upgrade, replacement or risk transfer", [sb.path, _label(c), why]),
	sb.path, 0,
) if {
	some i, sb in _sboms
	some [c, why] in lib.limit(_unplanned[i], _cap)
}

deny contains lib.violation(
	sprintf("%s: %d more components lack an update-or-replace plan (%d in all)", [sb.path, n - _cap, n]),
	sb.path, 0,
) if {
	some i, sb in _sboms
	n := count(_unplanned[i])
	n > _cap
}

warn contains lib.violation(
	sprintf("%s: %s reached its end of support on %s and is still shipped", [sb.path, _label(c), lib.end_of_support(c)]),
	sb.path, 0,
) if {
	some sb in _sboms
	some c in _components(sb)
	lib.end_of_support(c)
	_day(lib.end_of_support(c)) < lib.day_number(lib.now_ns)
}
