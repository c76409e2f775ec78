# METADATA
# title: SBOM per release, complete and FDA-augmented
# description: >-
#   At least one SBOM must be present (the engine checks that), and every SBOM must be
#   CycloneDX 1.5 or later or SPDX 2.3 or later and carry the NTIA minimum elements: a
#   timestamp, an author or a tool, a subject (the product) with name and version, and
#   for every component (file components excepted) a name, a version, a supplier and a
#   purl or CPE, and a dependency graph; a subject missing from the graph is a warning.
#   Component findings are capped at max_messages_per_kind per kind and SBOM, with a
#   count of the rest. For the release event the subject version must equal the
#   configured product version or, when none is configured, a tag on HEAD (a leading v
#   ignored), and every component needs the FDA properties cdx:fda:level-of-support and an
#   end-of-support date, cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport
#   (a date); as the cdx:fda taxonomy allows, a cdx:fda:justification whose value names
#   the property ("cdx:fda:end-of-support-date: <why>") stands in for either. SPDX has no
#   such fields: they must come from SPDX annotations mapped to properties, or from a
#   CycloneDX SBOM. When provenance is present, an SBOM
#   whose sha256 is not among the provenance subjects is a warning. Schema validation is
#   the parser's job.
# custom:
#   id: REL-01
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.8.2", "6.3.1", "4.3"]
#     mdcg: ["4.2"]
#     fda: ["V.A.4(b)", "VI.A", "App4 SBOM", "524B(b)(3)"]
#     ssdf: ["PS.3.2"]
#     iec62304: ["8.1.2"]
#     cra: ["II-1", "Annex VII"]
#   evidence: ["build.sboms"]
#   events: [release]
#   remediation: >-
#     Generate a CycloneDX 1.5+ (or SPDX 2.3) SBOM of the release with a tool that
#     records suppliers, purls and dependencies, set metadata.component to the product
#     and its release version, add cdx:fda:level-of-support and an end-of-support date
#     (or a justification) to every component, and list the SBOM as a provenance subject.
#   params:
#     min_cyclonedx_version: "1.5"
#     min_spdx_version: "2.3"
#     max_messages_per_kind: 20
package mdrgate.controls.rel01

import data.mdrgate.lib

_sboms := object.get(input, ["build", "sboms"], [])

# Format and version.

_version_re := `^[0-9]+(\.[0-9]+)*$`

_parts(v) := [to_number(x) | some x in split(v, ".")]

_spec(sb) := trim_prefix(upper(object.get(sb, "spec_version", "")), "SPDX-") if sb.format == "spdx"

else := object.get(sb, "spec_version", "")

# A version parameter may arrive as a YAML number (1.6) or a string ("1.6").
_version_param(v) := v if is_string(v)

else := sprintf("%v", [v])

_minimum := {
	"cyclonedx": _version_param(lib.param("REL-01", "min_cyclonedx_version")),
	"spdx": _version_param(lib.param("REL-01", "min_spdx_version")),
}

_format_name := {"cyclonedx": "CycloneDX", "spdx": "SPDX"}

deny contains lib.violation(
	sprintf("%s is %s %s: produce CycloneDX %s or later (or SPDX %s or later)", [
		sb.path, _format_name[sb.format], _spec(sb),
		_minimum.cyclonedx, _minimum.spdx,
	]),
	sb.path, 0,
) if {
	some sb in _sboms
	min := _minimum[sb.format]
	regex.match(_version_re, _spec(sb))
	_parts(_spec(sb)) < _parts(min)
}

deny contains lib.violation(
	sprintf("%s has no readable spec version (%s): expected CycloneDX %s or later or SPDX-%s or later", [sb.path, json.marshal(object.get(sb, "spec_version", null)), _minimum.cyclonedx, _minimum.spdx]),
	sb.path, 0,
) if {
	some sb in _sboms
	_minimum[sb.format]
	not regex.match(_version_re, _spec(sb))
}

deny contains lib.violation(
	sprintf("%s has format %s: expected cyclonedx or spdx", [sb.path, json.marshal(object.get(sb, "format", null))]),
	sb.path, 0,
) if {
	some sb in _sboms
	not object.get(sb, "format", "") in {"cyclonedx", "spdx"}
}

# Document-level NTIA elements.

deny contains lib.violation(sprintf("%s has no timestamp", [sb.path]), sb.path, 0) if {
	some sb in _sboms
	not lib.non_empty_string(object.get(sb, "timestamp", ""))
}

deny contains lib.violation(sprintf("%s names neither an author nor a tool", [sb.path]), sb.path, 0) if {
	some sb in _sboms
	count(object.get(sb, "authors", [])) + count(object.get(sb, "tools", [])) == 0
}

deny contains lib.violation(
	sprintf("%s has no subject: describe the product in metadata.component (CycloneDX) or documentDescribes (SPDX)", [sb.path]),
	sb.path, 0,
) if {
	some sb in _sboms
	not is_object(object.get(sb, "subject", null))
}

deny contains lib.violation(sprintf("%s: the subject has no %s", [sb.path, field]), sb.path, 0) if {
	some sb in _sboms
	is_object(sb.subject)
	some field in ["name", "version"]
	not lib.non_empty_string(object.get(sb.subject, field, ""))
}

# An SBOM that lists no software (a misspelt components key, a generator that
# failed) evidences nothing about the release.
deny contains lib.violation(
	sprintf("%s lists no components: an SBOM must list the software the product contains", [sb.path]),
	sb.path, 0,
) if {
	some sb in _sboms
	count(_components(sb)) == 0
}

deny contains lib.violation(
	sprintf("%s has no dependency graph: record the dependencies between the subject and its components", [sb.path]),
	sb.path, 0,
) if {
	some sb in _sboms
	count(_components(sb)) > 0
	count(object.get(sb, "dependencies", [])) == 0
}

warn contains lib.violation(
	sprintf("%s: the dependency graph does not list what the subject %s depends on", [sb.path, sb.subject.ref]),
	sb.path, 0,
) if {
	some sb in _sboms
	count(_components(sb)) > 0
	count(object.get(sb, "dependencies", [])) > 0
	lib.non_empty_string(object.get(sb, ["subject", "ref"], ""))
	not _subject_in_graph(sb)
}

_subject_in_graph(sb) if {
	some d in sb.dependencies
	d.ref == sb.subject.ref
	count(object.get(d, "depends_on", [])) > 0
}

# Components.

# _components are an SBOM's components with their index, file components excepted.
_components(sb) := [[i, c] |
	some i, c in object.get(sb, "components", [])
	object.get(c, "type", "") != "file"
]

# _missing[s][kind] are the components of the SBOM at index s that fail check kind, in
# order; a rule rather than a function so that it is computed once.
_missing[s][kind] := [[i, c] |
	some [i, c] in _components(sb)
	_lacks(kind, c)
] if {
	some s, sb in _sboms
	some kind in _kinds
}

_property_values(c, name) := [p.value |
	some p in object.get(c, "properties", [])
	p.name == name
	lib.non_empty_string(object.get(p, "value", ""))
]

# _justified is true when component c has a cdx:fda:justification naming property, as
# the cdx:fda taxonomy asks: "<property>: <free-text justification>".
_justified(c, property) if {
	some v in _property_values(c, "cdx:fda:justification")
	startswith(trim_space(v), concat("", [property, ":"]))
}

_has_level_of_support(c) if count(_property_values(c, "cdx:fda:level-of-support")) > 0

_has_level_of_support(c) if _justified(c, "cdx:fda:level-of-support")

_has_end_of_support(c) if {
	some v in _property_values(c, "cdx:fda:end-of-support-date")
	lib.is_date(v)
}

_has_end_of_support(c) if {
	some v in _property_values(c, "cdx:lifecycle:milestone:endOfSupport")
	lib.is_date(v)
}

_has_end_of_support(c) if _justified(c, "cdx:fda:end-of-support-date")

_has_end_of_support(c) if _justified(c, "cdx:lifecycle:milestone:endOfSupport")

# _lacks is true when component c fails check kind.
_lacks("name", c) if not lib.non_empty_string(object.get(c, "name", ""))

_lacks("version", c) if not lib.non_empty_string(object.get(c, "version", ""))

_lacks("supplier", c) if not lib.non_empty_string(object.get(c, "supplier", ""))

_lacks("identifier", c) if {
	not lib.non_empty_string(object.get(c, "purl", ""))
	not lib.non_empty_string(object.get(c, "cpe", ""))
}

_lacks("level_of_support", c) if not _has_level_of_support(c)

_lacks("end_of_support", c) if not _has_end_of_support(c)

_what := {
	"name": "has no name",
	"version": "has no version",
	"supplier": "has no supplier",
	"identifier": "has neither a purl nor a CPE",
	"level_of_support": "has no cdx:fda:level-of-support property (nor a cdx:fda:justification for it)",
	"end_of_support": "has no end-of-support date (cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport, YYYY-MM-DD) nor a cdx:fda:justification for it",
}

_kinds contains k if some k in ["name", "version", "supplier", "identifier"]

_kinds contains k if {
	lib.event == "release"
	some k in ["level_of_support", "end_of_support"]
}

_spdx_note(sb, kind) := "; SPDX has no such field: add it as an SPDX annotation or provide a CycloneDX SBOM" if {
	sb.format == "spdx"
	kind in {"level_of_support", "end_of_support"}
} else := ""

_label(c) := sprintf("%s@%s", [c.name, c.version]) if {
	lib.non_empty_string(object.get(c, "name", ""))
	lib.non_empty_string(object.get(c, "version", ""))
} else := c.name if {
	lib.non_empty_string(object.get(c, "name", ""))
} else := c.ref if {
	lib.non_empty_string(object.get(c, "ref", ""))
} else := "unnamed"

_cap := lib.param("REL-01", "max_messages_per_kind")

deny contains lib.violation(
	sprintf("%s: components[%d] (%s) %s%s", [sb.path, i, _label(c), _what[kind], _spdx_note(sb, kind)]),
	sb.path, 0,
) if {
	some s, sb in _sboms
	some kind in _kinds
	some [i, c] in lib.limit(_missing[s][kind], _cap)
}

deny contains lib.violation(
	sprintf("%s: %d more components %s (%d in all): fix the SBOM generator or its configuration rather than each entry", [sb.path, n - _cap, what, n]),
	sb.path, 0,
) if {
	some s, sb in _sboms
	some kind in _kinds
	n := count(_missing[s][kind])
	n > _cap
	what := _what[kind]
}

# Release version.

_strip_v(v) := substring(v, 1, -1) if {
	regex.match(`^[vV][0-9]`, v)
} else := v

_head_tags := {t.name |
	some t in object.get(input, ["repo", "git", "tags"], [])
	t.commit == input.repo.git.head
}

_expected_versions := {input.product.version} if {
	lib.non_empty_string(object.get(input, ["product", "version"], ""))
} else := _head_tags

deny contains lib.violation(
	sprintf("%s: the subject version %s is not the release version %s", [sb.path, json.marshal(object.get(sb.subject, "version", null)), concat(" or ", sort(_expected_versions))]),
	sb.path, 0,
) if {
	lib.event == "release"
	count(_expected_versions) > 0
	some sb in _sboms
	is_object(sb.subject)
	not _strip_v(object.get(sb.subject, "version", "")) in {_strip_v(v) | some v in _expected_versions}
}

deny contains lib.violation(
	"cannot tell the release version: set product.version in .mdrgate.yaml or tag HEAD",
	"", 0,
) if {
	lib.event == "release"
	count(_expected_versions) == 0
	input.repo.git
}

not_available contains "cannot tell the release version: product.version is not set and git history is not available" if {
	lib.event == "release"
	count(_expected_versions) == 0
	not input.repo.git
}

# Provenance.

_provenance_digests := {lower(d) |
	some p in object.get(input, ["build", "provenance"], [])
	some s in p.subjects
	d := object.get(s, ["digest", "sha256"], "")
	d != ""
}

warn contains lib.violation(
	sprintf("%s (sha256 %s) is not a subject of the build provenance: attest the SBOM with the artefacts", [sb.path, substring(object.get(sb, "sha256", ""), 0, 12)]),
	sb.path, 0,
) if {
	count(object.get(input, ["build", "provenance"], [])) > 0
	some sb in _sboms
	not lower(object.get(sb, "sha256", "")) in _provenance_digests
}
