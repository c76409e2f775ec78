package mdrgate.controls.pms01

_t_sv := {
	"path": "supported-versions.yaml", "front_matter": {"versions": [
		{"version": "2.4.0", "released": "2026-11-24", "support_end": "2033-12-31", "sbom": "build/sbom.cdx.json"},
		{"version": "2.3.1", "released": "2026-05-15", "support_end": "2032-06-30"},
		{"version": "1.9.0", "released": "2022-01-10", "support_end": "2025-12-31"},
	]},
	"front_matter_error": "",
}

_t_plan(days) := {"path": "docs/security/postmarket-plan.md", "front_matter": {"scan_frequency_days": days}, "front_matter_error": ""}

_t_surv := {
	"path": "build/surveillance.json",
	"run_at": "2026-11-29T02:00:00Z",
	"feeds": [{"name": "osv-pypi", "path": "feeds/osv.zip", "sha256": "ab", "records": 15000}, {"name": "cisa-kev", "path": "feeds/kev.json", "sha256": "cd", "records": 1400}],
	"sla_days": {"critical": 30},
	"versions": [
		{"version": "2.4.0", "scanned_at": "2026-11-29T02:00:00Z", "findings": []},
		{"version": "v2.3.1", "scanned_at": "2026-11-29T02:05:00Z", "findings": []},
	],
}

_t_in(docs, surv) := {"repo": {"files": [], "documents": docs}, "surveillance": surv}

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_msgs(inp) := {v.msg | some v in deny with input as inp with data.mdrgate.runtime.time_ns as _t_now}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

test_pass_all_supported_versions_scanned if {
	_t_msgs(_t_in([_t_sv, _t_plan(7)], _t_surv)) == set()
	_t_msgs(_t_in([_t_sv], _t_surv)) == set()
}

test_fail_stale_scan_against_plan_frequency if {
	_t_msgs(_t_in([_t_sv, _t_plan(1)], _t_surv)) == {
		"version 2.4.0 was last scanned 2026-11-29T02:00:00Z, 2 days ago; scans are due every 1 days (scan_frequency_days of docs/security/postmarket-plan.md)",
		"version 2.3.1 was last scanned 2026-11-29T02:05:00Z, 2 days ago; scans are due every 1 days (scan_frequency_days of docs/security/postmarket-plan.md)",
	}
}

test_fail_stale_scan_against_default_frequency if {
	s := _t_set(_t_surv, "versions", [{"version": "2.4.0", "scanned_at": "2026-10-01T00:00:00Z", "findings": []}, {"version": "2.3.1", "scanned_at": "2026-12-05T00:00:00Z", "findings": []}])
	_t_msgs(_t_in([_t_sv], s)) == {
		"version 2.4.0 was last scanned 2026-10-01T00:00:00Z, 61 days ago; scans are due every 30 days (parameter scan_frequency_days; docs/security/postmarket-plan.md declares none)",
		"version 2.3.1 has scanned_at \"2026-12-05T00:00:00Z\": expected an RFC 3339 time not in the future",
	}
}

test_fail_version_not_scanned_and_feeds if {
	s := object.union(_t_set(_t_surv, "versions", [_t_surv.versions[0]]), {"feeds": [{"name": "osv", "records": 0}]})
	_t_msgs(_t_in([_t_sv], s)) == {
		"supported version 2.3.1 (support ends 2032-06-30) is not in the surveillance result build/surveillance.json: add it to the surveillance run",
		"build/surveillance.json lists no vulnerability feed with records: the run matched against nothing",
		"build/surveillance.json did not match against the CISA KEV catalogue (no feed named *kev*): add it, or set require_kev_feed to false",
	}
}

test_fail_supported_versions_file if {
	_t_msgs(_t_in([], _t_surv)) == {"supported-versions.yaml is missing: declare the supported versions (version, released, support_end, sbom)"}
	bad := _t_set(_t_sv, "front_matter", {"versions": [{"support_end": "soon"}]})
	_t_msgs(_t_in([bad], _t_surv)) == {
		"supported-versions.yaml: versions[0] has no version",
		"supported-versions.yaml: versions[0] (?) has support_end \"soon\": expected a date (YYYY-MM-DD)",
	}
	_t_msgs(_t_in([_t_set(_t_sv, "front_matter", {"versions": []})], _t_surv)) == {"supported-versions.yaml: versions must be a non-empty list of {version, released, support_end, sbom}"}
}

test_not_available_without_surveillance if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "pms01"]
	entry.annotations.custom.evidence == ["surveillance"]
}

test_not_available_null_surveillance_raises_no_error if {
	count(deny) == 1 with input as {"surveillance": null, "repo": {"documents": []}}
}

test_pass_newest_of_duplicate_version_entries if {
	s := object.union(object.remove(_t_surv, ["versions"]), {"versions": array.concat(_t_surv.versions, [{"version": "v2.4.0", "scanned_at": "2026-01-01T00:00:00Z", "findings": []}])})
	_t_msgs(_t_in([_t_sv], s)) == set()
}
