package mdrgate.controls.pms05

_t_p(n, v) := {"name": n, "value": v}

_t_comp(name, props) := {"type": "library", "name": name, "version": "1.0", "properties": props}

_t_sbom := {
	"path": "build/sbom.cdx.json",
	"subject": {"name": "InfuCore", "version": "2.4.0", "properties": [_t_p("cdx:fda:end-of-support-date", "2033-12-31")]},
	"components": [
		_t_comp("zlib", [_t_p("cdx:fda:level-of-support", "actively maintained"), _t_p("cdx:fda:end-of-support-date", "2035-01-01")]),
		_t_comp("nanopb", [_t_p("cdx:fda:level-of-support", "Actively Maintained"), _t_p("cdx:fda:justification", "cdx:fda:end-of-support-date: none published")]),
		_t_comp("mbedtls", [_t_p("cdx:fda:level-of-support", "actively maintained"), _t_p("cdx:fda:end-of-support-date", "2027-03-31"), _t_p("cdx:fda:update-or-replace-plan", "Upgrade to the next LTS before 2027-03 (SEC-PLAN-011)")]),
		_t_comp("pyserial", [_t_p("cdx:fda:level-of-support", "no longer maintained"), _t_p("cdx:fda:update-or-replace-plan", "Replace by 3.0 (RISK-0012)")]),
		{"type": "file", "name": "/etc/x", "properties": []},
	],
}

_t_docs := [
	{"path": "supported-versions.yaml", "front_matter": {"versions": [{"version": "2.4.0", "support_end": "2033-12-31T00:00:00Z"}]}, "front_matter_error": ""},
	{"path": "docs/ifu/security/guide.md", "front_matter": {"end_of_support": "2033-12-31T00:00:00Z"}, "front_matter_error": ""},
]

_t_in(docs, sboms) := {"repo": {"files": [], "documents": docs}, "build": {"sboms": sboms}}

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_msgs(inp) := {v.msg | some v in deny with input as inp with data.mdrgate.runtime.time_ns as _t_now}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

test_pass_planned_components if {
	inp := _t_in(_t_docs, [_t_sbom])
	_t_msgs(inp) == set()
	count(warn) == 0 with input as inp with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_components_without_plan if {
	comps := [
		_t_comp("freertos", [_t_p("cdx:fda:level-of-support", "actively maintained"), _t_p("cdx:lifecycle:milestone:endOfSupport", "2027-06-30")]),
		_t_comp("uclibc", [_t_p("cdx:fda:level-of-support", "no longer maintained")]),
		_t_comp("lwip", []),
	]
	_t_msgs(_t_in(_t_docs, [_t_set(_t_sbom, "components", comps)])) == {
		"build/sbom.cdx.json: freertos@1.0 has no cdx:fda:update-or-replace-plan, and its support ends 2027-06-30, before the product's (2033-12-31): record the upgrade, replacement or risk transfer",
		"build/sbom.cdx.json: uclibc@1.0 has no cdx:fda:update-or-replace-plan, and its level of support is \"no longer maintained\": record the upgrade, replacement or risk transfer",
		"build/sbom.cdx.json: lwip@1.0 has no cdx:fda:update-or-replace-plan, and its level of support is \"\": record the upgrade, replacement or risk transfer",
	}
}

test_fail_product_end_of_support_declarations if {
	sb := _t_set(_t_sbom, "subject", {"name": "InfuCore", "version": "2.4.0", "properties": [_t_p("cdx:lifecycle:milestone:endOfSupport", "2034-06-30")]})
	_t_msgs(_t_in(_t_docs, [sb])) == {
		"supported-versions.yaml: support_end of 2.4.0 is 2033-12-31, but build/sbom.cdx.json declares end of support 2034-06-30",
		"the customer security documentation (docs/ifu/security/) does not declare the end of support 2034-06-30 of build/sbom.cdx.json: add end_of_support to its front matter",
	}
	none := _t_set(_t_sbom, "subject", {"name": "InfuCore", "version": "2.4.0", "properties": []})
	_t_msgs(_t_in(_t_docs, [none, _t_set(_t_sbom, "subject", null)])) == {
		"build/sbom.cdx.json: the subject InfuCore declares no end of support (cdx:fda:end-of-support-date or cdx:lifecycle:milestone:endOfSupport, YYYY-MM-DD)",
		"build/sbom.cdx.json has no subject: cannot tell the product's end of support",
	}
}

test_fail_messages_capped_and_warn_ended if {
	comps := [_t_comp(sprintf("c%d", [i]), []) | some i in numbers.range(1, 25)]
	vs := deny with input as _t_in(_t_docs, [_t_set(_t_sbom, "components", comps)]) with data.mdrgate.runtime.time_ns as _t_now
	count(vs) == 21
	ended := _t_comp("old", [_t_p("cdx:fda:level-of-support", "no longer maintained"), _t_p("cdx:fda:end-of-support-date", "2025-01-01"), _t_p("cdx:fda:update-or-replace-plan", "Replace (RISK-1)")])
	inp := _t_in(_t_docs, [_t_set(_t_sbom, "components", [ended])])
	_t_msgs(inp) == set()
	{v.msg | some v in warn with input as inp with data.mdrgate.runtime.time_ns as _t_now} == {"build/sbom.cdx.json: old@1.0 reached its end of support on 2025-01-01 and is still shipped"}
}

test_not_available_without_sbom if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "pms05"]
	entry.annotations.custom.evidence == ["build.sboms"]
}
