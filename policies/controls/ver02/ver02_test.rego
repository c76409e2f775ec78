package mdrgate.controls.ver02

_t_purl := "pkg:pypi/pyserial@3.5"

_t_high := {
	"id": "GHSA-8q59-q68h-6hv4",
	"aliases": ["CVE-2024-99001"],
	"package": {"name": "pyserial", "version": "3.5", "purl": _t_purl, "ecosystem": "pypi"},
	"severity": "high",
	"cvss_score": 7.8,
	"fixed_versions": [],
}

_t_low := {
	"id": "CVE-2024-99002",
	"aliases": [],
	"package": {"name": "click", "version": "8.1.7", "purl": "pkg:pypi/click@8.1.7"},
	"severity": "low",
	"cvss_score": 3.1,
	"fixed_versions": ["8.1.8"],
}

_t_stmt := {
	"vulnerability": "CVE-2024-99001",
	"aliases": [],
	"products": ["pkg:generic/example-medical/infucore@2.4.0"],
	"subcomponents": ["pkg:pypi/pyserial@3.5"],
	"status": "not_affected",
	"justification": "vulnerable_code_not_in_execute_path",
	"timestamp": "2026-11-20T10:00:00Z",
}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

_t_in(findings, statements) := {"build": {
	"vulnerabilities": [{"path": "build/grype.json", "sha256": "0", "media_type": "application/json", "scanner": "grype", "findings": findings}],
	"vex": [{"path": "vex/infucore.openvex.json", "sha256": "0", "media_type": "application/json", "format": "openvex", "statements": statements}],
	"sboms": [{"path": "build/sbom.cdx.json", "subject": {"name": "InfuCore", "version": "2.4.0", "purl": "pkg:generic/example-medical/infucore@2.4.0"}}],
}}

_t_deny(findings, statements) := vs if {
	vs := deny with input as _t_in(findings, statements)
}

_t_warn(findings, statements) := vs if {
	vs := warn with input as _t_in(findings, statements)
}

test_pass_not_affected_with_justification if {
	count(_t_deny([_t_high, _t_low], [_t_stmt])) == 0
	count(_t_warn([_t_high, _t_low], [_t_stmt])) == 0
}

test_pass_matching_variants if {
	# alias in the other direction, purl with qualifiers, unversioned purl, upper/lower case ids
	s1 := object.union(_t_stmt, {"vulnerability": "ghsa-8q59-q68h-6hv4", "subcomponents": ["pkg:pypi/pyserial?repository_url=x"]})
	count(_t_deny([_t_high], [s1])) == 0
	s2 := object.union(_t_stmt, {"vulnerability": "OSV-1", "aliases": ["CVE-2024-99001"]})
	count(_t_deny([_t_high], [s2])) == 0
	s4 := _t_set(_t_stmt, "subcomponents", [])
	count(_t_deny([_t_high], [s4])) == 0
	s5 := _t_set(_t_set(_t_stmt, "products", ["pkg:pypi/pyserial@3.5?arch=any"]), "subcomponents", [])
	count(_t_deny([_t_high], [s5])) == 0
}

test_fail_high_without_vex if {
	_t_deny([_t_high, _t_low], []) == {{"msg": "GHSA-8q59-q68h-6hv4 (high, CVSS 7.8) in pkg:pypi/pyserial@3.5 has no VEX statement: triage it and record its status in a VEX document", "path": "build/grype.json", "line": 0}}
}

test_fail_statement_without_products_covers_nothing if {
	s := _t_set(_t_set(_t_stmt, "products", []), "subcomponents", [])
	count(_t_deny([_t_high], [s])) == 1
}

test_pass_version_entry_matches if {
	s := object.union(_t_stmt, {"versions": [{"product": "", "version": "3.5", "range": "", "status": "unaffected"}]})
	count(_t_deny([_t_high], [s])) == 0
}

test_fail_version_entry_says_affected if {
	# the analysis says not_affected, the entry for the scanned version says affected
	s := object.union(_t_stmt, {"versions": [{"product": "", "version": "3.5", "range": "", "status": "affected"}]})
	count(_t_deny([_t_high], [s])) == 1
}

test_fail_only_a_range_covers_the_version if {
	# vers: ranges are not evaluated: the finding stays uncovered
	s := object.union(_t_stmt, {"versions": [{"product": "", "version": "", "range": "vers:pypi/<4.0", "status": "unaffected"}]})
	count(_t_deny([_t_high], [s])) == 1
}

test_fail_undated_affected_against_dated_not_affected if {
	dated := object.union(_t_stmt, {"timestamp": "2026-10-01T00:00:00Z"})
	undated := object.union(object.remove(_t_stmt, ["timestamp"]), {"status": "affected", "action": "", "impact": ""})
	count(_t_deny([_t_high], [dated, undated])) == 1
}

test_fail_statement_for_another_package_or_vulnerability if {
	other_pkg := _t_set(_t_stmt, "subcomponents", ["pkg:pypi/pyserial@3.4"])
	count(_t_deny([_t_high], [other_pkg])) == 1
	other_product := _t_set(_t_set(_t_stmt, "products", ["pkg:generic/other@1"]), "subcomponents", [])
	count(_t_deny([_t_high], [other_product])) == 1
	other_vuln := _t_set(_t_stmt, "vulnerability", "CVE-2024-1")
	count(_t_deny([_t_high], [other_vuln])) == 1
}

test_fail_cvss_threshold_without_high_severity if {
	medium := object.union(_t_high, {"severity": "medium", "cvss_score": 7.0})
	count(_t_deny([medium], [])) == 1
	count(_t_deny([object.union(medium, {"cvss_score": 6.9})], [])) == 0
	count(_t_deny([object.union(medium, {"cvss_score": null})], [])) == 0
	count(_t_deny([object.union(medium, {"cvss_score": null, "severity": "Critical"})], [])) == 1
}

test_fail_affected_without_risk_acceptance if {
	s := object.union(_t_stmt, {"status": "affected", "justification": "", "action": "Upgrade planned for 2.5"})
	_t_deny([_t_high], [s]) == {{"msg": "GHSA-8q59-q68h-6hv4 (high, CVSS 7.8) in pkg:pypi/pyserial@3.5 is affected (vex/infucore.openvex.json) and no risk acceptance is named in the statement's action or impact: fix it or record the accepted risk (RISK-[0-9]+)", "path": "vex/infucore.openvex.json", "line": 0}}
	u := object.union(s, {"status": "under_investigation", "action": ""})
	count(_t_deny([_t_high], [u])) == 1
}

test_warn_affected_with_risk_acceptance if {
	s := object.union(_t_stmt, {"status": "affected", "justification": "", "action": "Accepted under RISK-0042 until 2.5"})
	count(_t_deny([_t_high], [s])) == 0
	_t_warn([_t_high], [s]) == {{"msg": "GHSA-8q59-q68h-6hv4 (high, CVSS 7.8) in pkg:pypi/pyserial@3.5 is affected (vex/infucore.openvex.json); risk accepted under RISK-0042", "path": "vex/infucore.openvex.json", "line": 0}}
}

test_fail_not_affected_without_justification if {
	s := object.remove(_t_stmt, ["justification"])
	vs := _t_deny([_t_high], [s])
	count(vs) == 1
	some v in vs
	startswith(v.msg, "GHSA-8q59-q68h-6hv4 (high, CVSS 7.8) in pkg:pypi/pyserial@3.5 is not_affected (vex/infucore.openvex.json) without a justification: give one of component_not_present, ")
}

test_warn_fixed_still_reported if {
	s := object.union(_t_stmt, {"status": "fixed", "justification": ""})
	count(_t_deny([_t_high], [s])) == 0
	_t_warn([_t_high], [s]) == {{"msg": "GHSA-8q59-q68h-6hv4 (high, CVSS 7.8) in pkg:pypi/pyserial@3.5 is fixed according to vex/infucore.openvex.json, but grype still reports it: check that the scan is of the released build", "path": "build/grype.json", "line": 0}}
}

test_fail_severities_parameter_as_a_string if {
	medium := object.union(_t_high, {"severity": "medium", "cvss_score": null})
	count(_t_deny([medium], [])) == 1 with data.mdrgate.runtime.params["VER-02"].severities as "medium"
}

test_fail_newest_statement_wins if {
	old_ok := _t_stmt
	new_bad := object.union(_t_stmt, {"status": "under_investigation", "justification": "", "timestamp": "2026-11-25T00:00:00Z"})
	count(_t_deny([_t_high], [old_ok, new_bad])) == 1
	new_ok := object.union(_t_stmt, {"timestamp": "2026-11-26T00:00:00Z"})
	count(_t_deny([_t_high], [new_bad, new_ok])) == 0
}

test_fail_unknown_status if {
	s := _t_set(_t_stmt, "status", "maybe")
	{v.msg | some v in _t_deny([_t_high], [s])} == {"GHSA-8q59-q68h-6hv4 (high, CVSS 7.8) in pkg:pypi/pyserial@3.5 has VEX status \"maybe\" (vex/infucore.openvex.json), which is not not_affected, affected, fixed or under_investigation"}
}

test_not_available_without_scan if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "ver02"]
	"build.vulnerabilities" in entry.annotations.custom.evidence
	count(deny) == 0 with input as {"build": {"vulnerabilities": [], "vex": [_t_stmt]}}
}
