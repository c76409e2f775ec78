package mdrgate.controls.scm04

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_entry(name, purl, version) := {
	"name": name, "purl": purl, "version": version, "supplier": "S", "purpose": "P",
	"requirements": ["SEC-REQ-003"], "class": "maintained", "risk_ref": "RISK-1",
	"anomaly_review": {"date": "2026-11-01T00:00:00Z", "source": "NVD", "result": "no open anomaly"},
}

_t_reg := {"approved_by": "QA", "last_reviewed": "2026-11-20", "soup": [
	_t_entry("mbedtls", "pkg:github/mbed-tls/mbedtls@v3.6.2", "3.6.2"),
	_t_entry("click", "pkg:pypi/click", "8.1.7"),
	object.remove(_t_entry("pyserial", "", 3.5), ["purl"]),
]}

_t_comp(name, version, purl, direct) := {"name": name, "version": version, "purl": purl, "direct": direct}

_t_comps := [
	_t_comp("mbedtls", "3.6.2", "pkg:github/mbed-tls/mbedtls@v3.6.2", true),
	_t_comp("click", "8.1.7", "pkg:pypi/click@8.1.7", true),
	_t_comp("pyserial", "3.5", "", true),
	_t_comp("cffi", "1.16.0", "pkg:pypi/cffi@1.16.0", false),
]

_t_in(reg, comps) := {
	"repo": {"documents": [{"path": "docs/soup/register.yaml", "front_matter": reg, "front_matter_error": ""}]},
	"build": {"sboms": [{"path": "build/sbom.cdx.json", "components": comps}]},
}

test_pass_every_direct_dependency_registered if {
	count(deny) == 0 with input as _t_in(_t_reg, _t_comps) with data.mdrgate.runtime.time_ns as _t_now
	count(not_available) == 0 with input as _t_in(_t_reg, _t_comps) with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_unregistered_and_version_drift if {
	comps := array.concat(_t_comps, [
		_t_comp("nanopb", "0.4.9", "pkg:github/nanopb/nanopb@0.4.9", true),
		_t_comp("mbedtls", "3.6.3", "pkg:github/mbed-tls/mbedtls@v3.6.3", true),
		_t_comp("click", "8.2.0", "pkg:pypi/click@8.2.0", true),
	])
	{v.msg | some v in deny} == {
		"docs/soup/register.yaml: direct dependency pkg:github/nanopb/nanopb@0.4.9 (in build/sbom.cdx.json) is not in the SOUP register",
		"docs/soup/register.yaml: direct dependency pkg:github/mbed-tls/mbedtls@v3.6.3 (in build/sbom.cdx.json) is not in the SOUP register",
		"docs/soup/register.yaml: direct dependency pkg:pypi/click@8.2.0 (in build/sbom.cdx.json) is not in the SOUP register",
	} with input as _t_in(_t_reg, comps) with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_incomplete_entries if {
	reg := object.union(_t_reg, {"soup": [
		object.union(_t_entry("mbedtls", "pkg:github/mbed-tls/mbedtls@v3.6.2", "3.6.2"), {"class": "trusted", "supplier": "", "requirements": []}),
		object.union(_t_entry("click", "pkg:pypi/click", "8.1.7"), {"anomaly_review": {"date": "2025-01-01"}}),
		object.remove(_t_entry("pyserial", "", "3.5"), ["purl", "anomaly_review", "risk_ref"]),
	]})
	{v.msg | some v in deny} == {
		"docs/soup/register.yaml: SOUP mbedtls lacks supplier",
		"docs/soup/register.yaml: SOUP mbedtls lists no requirements (the functional and performance requirements it must meet, IEC 62304 5.3.3)",
		"docs/soup/register.yaml: SOUP mbedtls has class trusted: expected maintained, supported or required (IEC 81001-5-1 4.3)",
		"docs/soup/register.yaml: SOUP click: known-anomaly review of 2025-01-01 is 699 days old; the limit is 180 days",
		"docs/soup/register.yaml: SOUP pyserial lacks risk_ref",
		"docs/soup/register.yaml: SOUP pyserial: known-anomaly review is missing: record anomaly_review.date (and source, result)",
	} with input as _t_in(reg, _t_comps) with data.mdrgate.runtime.time_ns as _t_now
}

test_fail_missing_unapproved_stale if {
	{v.msg | some v in deny} == {"docs/soup/register.yaml is missing: register every third-party (SOUP) component there"} with input as {"repo": {"documents": []}, "build": {"sboms": [{"path": "s", "components": _t_comps}]}}
		with data.mdrgate.runtime.time_ns as _t_now
	reg := object.union(object.remove(_t_reg, ["approved_by"]), {"last_reviewed": "2025-06-01"})
	{v.msg | some v in deny} == {
		"docs/soup/register.yaml: does not name who approved the register (approved_by)",
		"docs/soup/register.yaml: last_reviewed 2025-06-01 is 548 days old; the limit is 365 days",
	} with input as _t_in(reg, _t_comps) with data.mdrgate.runtime.time_ns as _t_now
}

test_not_available_without_dependency_graph if {
	comps := [object.union(c, {"direct": null}) | some c in _t_comps]
	not_available == {"build/sbom.cdx.json has no dependency graph: it cannot tell the direct dependencies the SOUP register must list"} with input as _t_in(_t_reg, comps)
		with data.mdrgate.runtime.time_ns as _t_now
}

test_not_available_without_sbom if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "scm04"]
	"build.sboms" in entry.annotations.custom.evidence
}
