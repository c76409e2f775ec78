package mdrgate.controls.gov05

_t_p := "docs/security/postmarket-plan.md"

_t_fm := {
	"id": "SEC-PMS-001",
	"version": "1.1",
	"owner": "Product Security",
	"approved_by": "Head of QA/RA",
	"last_reviewed": "2025-09-01",
	"scan_frequency_days": 7,
	"sources": [
		{"name": "OSV", "type": "vulnerability_database"},
		{"name": "CISA KEV", "type": "KEV"},
		{"name": "Nordic PSIRT", "type": "supplier_advisory"},
		{"name": "H-ISAC", "type": "isao"},
	],
}

_t_headings := [{"level": 2, "text": t, "line": 10} | some t in ["Sources and scan frequency", "Coordinated vulnerability disclosure", "Communication to users", "Regulatory reporting"]]

_t_in(fm, hs) := {"repo": {"files": [], "documents": [{"path": _t_p, "front_matter": fm, "headings": hs, "text": ""}]}}

_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_complete_plan if {
	count(deny) == 0 with input as _t_in(_t_fm, _t_headings)
	count(warn) == 0 with input as _t_in(_t_fm, _t_headings)
}

test_fail_missing_plan if {
	deny == {{"msg": "docs/security/postmarket-plan.md is missing: write the post-market surveillance plan there", "path": _t_p, "line": 0}} with input as {"repo": {"files": [], "documents": []}}
}

test_fail_scan_frequency if {
	_t_msgs(_t_in(_t_set(_t_fm, "scan_frequency_days", 90), _t_headings)) == {"docs/security/postmarket-plan.md: scan_frequency_days is 90; the limit is 30 days (parameter max_scan_frequency_days)"}
	_t_msgs(_t_in(_t_set(_t_fm, "scan_frequency_days", "weekly"), _t_headings)) == {"docs/security/postmarket-plan.md: scan_frequency_days is \"weekly\": declare how often (in days) the released versions are scanned, a positive number"}
	_t_msgs(_t_in(object.remove(_t_fm, ["scan_frequency_days"]), _t_headings)) == {"docs/security/postmarket-plan.md: scan_frequency_days is null: declare how often (in days) the released versions are scanned, a positive number"}
}

test_fail_sources if {
	sources := [{"name": "NVD", "type": "vulnerability_database"}, {"name": "KEV"}, "GHSA"]
	_t_msgs(_t_in(_t_set(_t_fm, "sources", sources), _t_headings)) == {
		"docs/security/postmarket-plan.md: sources[1] needs a name and a type",
		"docs/security/postmarket-plan.md: sources[2] needs a name and a type",
		"docs/security/postmarket-plan.md: no source of type kev is monitored (for example the CISA Known Exploited Vulnerabilities catalogue)",
		"docs/security/postmarket-plan.md: no source of type supplier_advisory is monitored (for example the security advisories of the third-party component suppliers)",
	}
	_t_msgs(_t_in(object.remove(_t_fm, ["sources"]), _t_headings)) == {"docs/security/postmarket-plan.md: sources must be a non-empty list of {name, type}"}
}

test_fail_headings_and_front_matter if {
	fm := object.remove(_t_fm, ["approved_by", "owner"])
	_t_msgs(_t_in(fm, array.slice(_t_headings, 0, 2))) == {
		"docs/security/postmarket-plan.md: front matter has no owner",
		"docs/security/postmarket-plan.md: approved_by is not set: record who approved the plan",
		"docs/security/postmarket-plan.md: no heading names \"Communication\": add a section for it",
		"docs/security/postmarket-plan.md: no heading names \"Regulatory reporting\": add a section for it",
	}
}

test_fail_stale_plan_gates_release if {
	inp := _t_in(_t_set(_t_fm, "last_reviewed", "2024-11-30"), _t_headings)
	msg := "docs/security/postmarket-plan.md: last_reviewed 2024-11-30 is 397 days old; the limit is 365 days: review the plan and update last_reviewed"
	{v.msg | some v in deny} == {msg} with input as inp with data.mdrgate.runtime.event as "release"
	{v.msg | some v in warn} == {msg} with input as inp
	count(deny) == 0 with input as inp
}

test_not_available_without_repo_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "gov05"]
	entry.annotations.custom.evidence == ["repo"]
}
