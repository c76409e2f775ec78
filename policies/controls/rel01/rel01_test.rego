package mdrgate.controls.rel01

_t_props := [
	{"name": "cdx:fda:level-of-support", "value": "actively maintained"},
	{"name": "cdx:fda:end-of-support-date", "value": "2030-12-31"},
]

_t_comp(name, version) := {
	"ref": sprintf("pkg:generic/%s@%s", [name, version]),
	"type": "library",
	"name": name,
	"version": version,
	"purl": sprintf("pkg:generic/%s@%s", [name, version]),
	"supplier": "Example Supplier",
	"hashes": [],
	"licenses": ["MIT"],
	"properties": _t_props,
	"direct": true,
}

_t_sbom := {
	"path": "build/sbom.cdx.json",
	"sha256": "aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44",
	"media_type": "application/vnd.cyclonedx+json",
	"format": "cyclonedx",
	"spec_version": "1.5",
	"timestamp": "2026-11-30T12:00:00Z",
	"authors": ["Example Medical Devices"],
	"tools": ["cyclonedx-py"],
	"subject": {"ref": "infucore", "name": "InfuCore", "version": "2.4.0", "supplier": "Example Medical Devices", "hashes": [], "licenses": [], "properties": []},
	"components": [_t_comp("freertos-kernel", "10.6.2"), _t_comp("mbedtls", "3.6.2")],
	"dependencies": [{"ref": "infucore", "depends_on": ["pkg:generic/freertos-kernel@10.6.2", "pkg:generic/mbedtls@3.6.2"]}],
	"properties": [],
}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

_t_in(sboms) := {
	"product": {"name": "InfuCore", "version": "2.4.0"},
	"repo": {"files": [], "documents": [], "git": {"head": "c0ffee", "tags": [{"name": "v2.4.0", "commit": "c0ffee"}], "commits": [], "path_times": []}},
	"build": {"sboms": sboms, "provenance": []},
}

_t_deny(inp) := vs if {
	vs := deny with input as inp with data.mdrgate.runtime.event as "release"
}

_t_warn(inp) := vs if {
	vs := warn with input as inp with data.mdrgate.runtime.event as "release"
}

_t_msgs(inp) := {v.msg | some v in _t_deny(inp)}

test_pass_complete_release_sbom if {
	count(_t_deny(_t_in([_t_sbom]))) == 0
	count(_t_warn(_t_in([_t_sbom]))) == 0
	count(not_available) == 0 with input as _t_in([_t_sbom]) with data.mdrgate.runtime.event as "release"
}

test_pass_spdx_2_3_and_cyclonedx_1_6 if {
	spdx := object.union(_t_sbom, {"format": "spdx", "spec_version": "SPDX-2.3", "path": "build/sbom.spdx.json"})
	cdx := object.union(_t_sbom, {"spec_version": "1.6"})
	count(_t_deny(_t_in([spdx, cdx]))) == 0
}

test_pass_version_from_head_tag if {
	inp := object.remove(_t_in([_t_sbom]), ["product"])
	count(_t_deny(inp)) == 0
}

test_pass_pull_request_skips_release_checks if {
	sb := _t_set(_t_sbom, "components", [_t_set(_t_comp("zlib", "1.3.1"), "properties", [])])
	inp := _t_set(_t_in([sb]), "product", {"version": "9.9.9"})
	count(deny) == 0 with input as inp
	count(_t_deny(inp)) == 3
}

test_fail_old_spec_versions if {
	old_cdx := object.union(_t_sbom, {"spec_version": "1.4"})
	old_spdx := object.union(_t_sbom, {"format": "spdx", "spec_version": "SPDX-2.2", "path": "b.spdx.json"})
	_t_msgs(_t_in([old_cdx, old_spdx])) == {
		"build/sbom.cdx.json is CycloneDX 1.4: produce CycloneDX 1.5 or later (or SPDX 2.3 or later)",
		"b.spdx.json is SPDX 2.2: produce CycloneDX 1.5 or later (or SPDX 2.3 or later)",
	}
	_t_msgs(_t_in([object.union(_t_sbom, {"spec_version": "latest"})])) == {"build/sbom.cdx.json has no readable spec version (\"latest\"): expected CycloneDX 1.5 or later or SPDX-2.3 or later"}
}

test_pass_version_parameters_as_numbers if {
	cdx := object.union(_t_sbom, {"spec_version": "1.6"})
	count(_t_deny(_t_in([cdx]))) == 0 with data.mdrgate.runtime.params["REL-01"].min_cyclonedx_version as 1.6
	count(_t_deny(_t_in([cdx]))) == 1 with data.mdrgate.runtime.params["REL-01"].min_cyclonedx_version as 1.7
}

test_fail_document_elements if {
	sb := object.union(_t_sbom, {"timestamp": "", "authors": [], "tools": [], "subject": {"name": "InfuCore", "version": ""}, "dependencies": []})
	_t_msgs(_t_in([sb])) == {
		"build/sbom.cdx.json has no timestamp",
		"build/sbom.cdx.json names neither an author nor a tool",
		"build/sbom.cdx.json: the subject has no version",
		"build/sbom.cdx.json has no dependency graph: record the dependencies between the subject and its components",
		"build/sbom.cdx.json: the subject version \"\" is not the release version 2.4.0",
	}
}

test_fail_no_components if {
	_t_msgs(_t_in([_t_set(_t_sbom, "components", [])])) == {"build/sbom.cdx.json lists no components: an SBOM must list the software the product contains"}
	only_files := _t_set(_t_sbom, "components", [object.union(_t_comp("a.bin", "1"), {"type": "file"})])
	"build/sbom.cdx.json lists no components: an SBOM must list the software the product contains" in _t_msgs(_t_in([only_files]))
}

test_fail_no_subject if {
	_t_msgs(_t_in([_t_set(_t_sbom, "subject", null)])) == {"build/sbom.cdx.json has no subject: describe the product in metadata.component (CycloneDX) or documentDescribes (SPDX)"}
}

test_fail_component_without_supplier if {
	bad := object.remove(_t_comp("pyserial", "3.5"), ["supplier"])
	sb := _t_set(_t_sbom, "components", array.concat(_t_sbom.components, [bad]))
	_t_deny(_t_in([sb])) == {{"msg": "build/sbom.cdx.json: components[2] (pyserial@3.5) has no supplier", "path": "build/sbom.cdx.json", "line": 0}}
}

test_fail_component_elements if {
	bad := {"ref": "r1", "name": "", "version": "", "hashes": [], "licenses": [], "properties": []}
	file := {"type": "file", "name": "/etc/passwd", "version": "", "properties": []}
	sb := _t_set(_t_sbom, "components", [bad, file])
	_t_msgs(_t_in([sb])) == {
		"build/sbom.cdx.json: components[0] (r1) has no name",
		"build/sbom.cdx.json: components[0] (r1) has no version",
		"build/sbom.cdx.json: components[0] (r1) has no supplier",
		"build/sbom.cdx.json: components[0] (r1) has neither a purl nor a CPE",
		"build/sbom.cdx.json: components[0] (r1) has no cdx:fda:level-of-support property (nor a cdx:fda:justification for it)",
		"build/sbom.cdx.json: components[0] (r1) has no end-of-support date (cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport, YYYY-MM-DD) nor a cdx:fda:justification for it",
	}
}

test_pass_cpe_and_alternative_end_of_support if {
	c := object.union(object.remove(_t_comp("uclibc", "1.0"), ["purl"]), {"cpe": "cpe:2.3:a:uclibc:uclibc:1.0:*:*:*:*:*:*:*", "properties": [
		{"name": "cdx:fda:level-of-support", "value": "no longer maintained"},
		{"name": "cdx:fda:justification", "value": "cdx:fda:end-of-support-date: upstream publishes no support date; replaced in 3.0 (RISK-0007)"},
	]})
	count(_t_deny(_t_in([_t_set(_t_sbom, "components", [c])]))) == 0
}

test_fail_spdx_without_fda_properties if {
	c := _t_set(_t_comp("zlib", "1.3.1"), "properties", [])
	sb := object.union(_t_set(_t_sbom, "components", [c]), {"format": "spdx", "spec_version": "SPDX-2.3"})
	_t_msgs(_t_in([sb])) == {
		"build/sbom.cdx.json: components[0] (zlib@1.3.1) has no cdx:fda:level-of-support property (nor a cdx:fda:justification for it); SPDX has no such field: add it as an SPDX annotation or provide a CycloneDX SBOM",
		"build/sbom.cdx.json: components[0] (zlib@1.3.1) has no end-of-support date (cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport, YYYY-MM-DD) nor a cdx:fda:justification for it; SPDX has no such field: add it as an SPDX annotation or provide a CycloneDX SBOM",
	}
}

test_fail_messages_are_capped if {
	comps := [c | some i in numbers.range(1, 5000); c := object.remove(_t_comp(sprintf("c%d", [i]), "1"), ["supplier"])]
	sb := _t_set(_t_sbom, "components", comps)
	vs := _t_deny(_t_in([sb]))
	count(vs) == 21
	{"msg": "build/sbom.cdx.json: 4980 more components has no supplier (5000 in all): fix the SBOM generator or its configuration rather than each entry", "path": "build/sbom.cdx.json", "line": 0} in vs
	{"msg": "build/sbom.cdx.json: components[19] (c20@1) has no supplier", "path": "build/sbom.cdx.json", "line": 0} in vs
	count(_t_deny(_t_in([sb]))) == 6 with data.mdrgate.runtime.params["REL-01"].max_messages_per_kind as 5
}

test_fail_release_version_mismatch if {
	sb := object.union(_t_sbom, {"subject": {"version": "2.3.9"}})
	_t_msgs(_t_in([sb])) == {"build/sbom.cdx.json: the subject version \"2.3.9\" is not the release version 2.4.0"}
	inp := object.remove(_t_in([sb]), ["product"])
	_t_msgs(inp) == {"build/sbom.cdx.json: the subject version \"2.3.9\" is not the release version v2.4.0"}
}

test_fail_release_without_version_source if {
	inp := object.union(object.remove(_t_in([_t_sbom]), ["product"]), {"repo": {"git": {"tags": []}}})
	_t_msgs(inp) == {"cannot tell the release version: set product.version in .mdrgate.yaml or tag HEAD"}
}

test_not_available_release_without_version_or_git if {
	inp := {"build": {"sboms": [_t_sbom]}}
	not_available == {"cannot tell the release version: product.version is not set and git history is not available"} with input as inp with data.mdrgate.runtime.event as "release"
	count(not_available) == 0 with input as inp
}

test_not_available_without_sboms if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "rel01"]
	"build.sboms" in entry.annotations.custom.evidence
	count(_t_deny(_t_in([]))) == 0
}

test_warn_subject_missing_from_graph if {
	sb := _t_set(_t_sbom, "dependencies", [{"ref": "pkg:generic/mbedtls@3.6.2", "depends_on": []}])
	count(_t_deny(_t_in([sb]))) == 0
	_t_warn(_t_in([sb])) == {{"msg": "build/sbom.cdx.json: the dependency graph does not list what the subject infucore depends on", "path": "build/sbom.cdx.json", "line": 0}}
}

test_warn_sbom_not_in_provenance if {
	prov := {"path": "build/provenance.intoto.jsonl", "predicate_type": "https://slsa.dev/provenance/v1", "subjects": [{"name": "infucore.bin", "digest": {"sha256": "ff"}}], "materials": []}
	inp := object.union(_t_in([_t_sbom]), {"build": {"provenance": [prov]}})
	_t_warn(inp) == {{"msg": "build/sbom.cdx.json (sha256 aa11bb22cc33) is not a subject of the build provenance: attest the SBOM with the artefacts", "path": "build/sbom.cdx.json", "line": 0}}
	prov2 := object.union(prov, {"subjects": [{"name": "sbom.cdx.json", "digest": {"sha256": upper(_t_sbom.sha256)}}]})
	count(_t_warn(object.union(_t_in([_t_sbom]), {"build": {"provenance": [prov2]}}))) == 0
}

test_fail_fda_property_values if {
	props := [
		{"name": "cdx:fda:justification", "value": "cdx:fda:level-of-support: supplier does not say"},
		{"name": "cdx:fda:end-of-support-date", "value": "end of 2030"},
		{"name": "cdx:fda:justification", "value": "no date known"},
	]
	c := _t_set(_t_comp("zlib", "1.3.1"), "properties", props)
	_t_msgs(_t_in([_t_set(_t_sbom, "components", [c])])) == {"build/sbom.cdx.json: components[0] (zlib@1.3.1) has no end-of-support date (cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport, YYYY-MM-DD) nor a cdx:fda:justification for it"}
	lifecycle := _t_set(c, "properties", array.concat(props, [{"name": "cdx:lifecycle:milestone:endOfSupport", "value": "2030-12-31T00:00:00Z"}]))
	count(_t_deny(_t_in([_t_set(_t_sbom, "components", [lifecycle])]))) == 0
}
