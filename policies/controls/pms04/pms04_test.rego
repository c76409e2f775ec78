package mdrgate.controls.pms04

_t_adv := {"path": "docs/security/advisories/EMD-SA-2026-001.md", "front_matter_error": "", "front_matter": {
	"id": "EMD-SA-2026-001",
	"title": "mbedTLS buffer overflow fixed in InfuCore 2.3.2",
	"published": "2026-06-20T00:00:00Z",
	"vulnerabilities": [{"id": "CVE-2026-0501", "aliases": ["GHSA-aaaa-bbbb-cccc"], "cvss": 7.5, "description": "A crafted TLS record overflows a buffer."}],
	"affected_versions": ["2.3.0", "2.3.1"],
	"fixed_version": "2.3.2",
	"csaf": "docs/security/advisories/emd-sa-2026-001.json",
}}

_t_surv(findings) := {"path": "build/surveillance.json", "versions": [{"version": "2.3.1", "findings": findings}]}

_t_resolved(id, aliases, vex) := {"id": id, "aliases": aliases, "state": "resolved", "vex_status": vex}

_t_in(docs, vex, findings) := {
	"repo": {"files": [{"path": "docs/security/advisories/emd-sa-2026-001.json", "size": 10}], "documents": docs},
	"build": {"vex": vex},
	"surveillance": _t_surv(findings),
}

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

test_pass_fixed_vulnerability_advised if {
	vex := [{"path": "vex/a.openvex.json", "statements": [{"vulnerability": "GHSA-aaaa-bbbb-cccc", "aliases": [], "status": "fixed"}, {"vulnerability": "CVE-2026-9", "status": "not_affected"}]}]
	_t_msgs(_t_in([_t_adv], vex, [_t_resolved("CVE-2026-0501", [], "fixed"), _t_resolved("CVE-2026-7", [], "not_affected")])) == set()
}

test_fail_fixed_without_advisory if {
	vex := [{"path": "vex/a.openvex.json", "statements": [{"vulnerability": "CVE-2026-0777", "aliases": [], "status": "fixed"}]}]
	_t_msgs(_t_in([_t_adv], vex, [_t_resolved("CVE-2026-0888", ["GHSA-x"], "")])) == {
		"CVE-2026-0777 is fixed (vex/a.openvex.json) but no advisory under docs/security/advisories/ lists it: publish one",
		"CVE-2026-0888 is fixed (build/surveillance.json) but no advisory under docs/security/advisories/ lists it: publish one",
	}
}

test_fail_incomplete_advisory if {
	fm := {"id": "EMD-SA-2", "published": "June", "vulnerabilities": [{"id": "CVE-2026-0501", "cvss": 11}, {"cvss_vector": "CVSS:3.1/AV:N", "description": "x"}, "CVE-2026-1"], "csaf": "missing.json"}
	d := _t_set(_t_adv, "front_matter", fm)
	_t_msgs(_t_in([d], [], [])) == {
		"docs/security/advisories/EMD-SA-2026-001.md: title is missing or empty",
		"docs/security/advisories/EMD-SA-2026-001.md: published \"June\" is not a date",
		"docs/security/advisories/EMD-SA-2026-001.md: vulnerabilities[1] has no id",
		"docs/security/advisories/EMD-SA-2026-001.md: vulnerabilities[2] is not a map of id, description and cvss",
		"docs/security/advisories/EMD-SA-2026-001.md: CVE-2026-0501 has no description",
		"docs/security/advisories/EMD-SA-2026-001.md: CVE-2026-0501 has no CVSS: give cvss (a base score, 0 to 10) or cvss_vector",
		"docs/security/advisories/EMD-SA-2026-001.md: affected_versions is missing: name the affected versions",
		"docs/security/advisories/EMD-SA-2026-001.md: neither fixed_version nor workaround is given: say how customers remediate",
		"docs/security/advisories/EMD-SA-2026-001.md: csaf missing.json is not in the repository",
	}
}

test_pass_workaround_instead_of_fix if {
	fm := object.union(object.remove(_t_adv.front_matter, ["fixed_version", "csaf"]), {"workaround": "Disable the service port (IFU 4.2)."})
	_t_msgs(_t_in([_t_set(_t_adv, "front_matter", fm)], [], [])) == set()
}

test_not_available_without_vex_or_surveillance if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "pms04"]
	entry.annotations.custom.evidence == ["build.vex | surveillance"]
}

test_not_available_null_surveillance_raises_no_error if {
	count(deny) == 0 with input as {"surveillance": null, "repo": {"documents": []}, "build": {"vex": []}}
}
