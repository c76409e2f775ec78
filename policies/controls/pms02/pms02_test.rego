package mdrgate.controls.pms02

_t_pkg := {"name": "mbedtls", "version": "3.6.2", "purl": "pkg:github/mbed-tls/mbedtls@v3.6.2", "ecosystem": "github"}

_t_f(id, sev, first, state, vex, due) := {
	"id": id, "aliases": [], "package": _t_pkg, "severity": sev, "cvss_score": null, "fixed_versions": [],
	"first_seen": first, "due_date": due, "state": state, "vex_status": vex, "vex_justification": "",
	"kev": false, "resolved_at": null,
}

_t_known := _t_f("CVE-2026-1001", "medium", "2026-11-10T02:00:00Z", "known", "under_investigation", "2027-02-08T02:00:00Z")

_t_resolved := object.union(_t_f("CVE-2026-0501", "high", "2026-06-01T02:00:00Z", "resolved", "fixed", "2026-07-31T02:00:00Z"), {"resolved_at": "2026-06-20T10:00:00Z"})

_t_surv(findings) := {"path": "build/surveillance.json", "sla_days": {"critical": 30, "high": 60, "medium": 90, "low": 180}, "versions": [{"version": "2.4.0", "scanned_at": "2026-11-29T02:00:00Z", "findings": findings}]}

_t_policy := {"path": "docs/security/update-policy.md", "front_matter": {"sla_days": {"critical": 14, "high": 30, "medium": 60, "low": 90}}, "front_matter_error": ""}

_t_in(docs, findings) := {"repo": {"files": [], "documents": docs}, "surveillance": _t_surv(findings)}

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_msgs(inp) := {v.msg | some v in deny with input as inp with data.mdrgate.runtime.time_ns as _t_now}

test_pass_triaged_within_sla if {
	inp := _t_in([], [_t_known, _t_resolved, _t_f("CVE-2026-1100", "low", "2026-11-25T00:00:00Z", "new", "", null)])
	_t_msgs(inp) == set()
	count(warn) == 0 with input as inp with data.mdrgate.runtime.time_ns as _t_now
	count(not_available) == 0 with input as inp
}

test_fail_untriaged_and_invalid if {
	na := object.union(_t_f("CVE-2026-2", "high", "2026-11-20T00:00:00Z", "known", "not_affected", null), {"vex_justification": "trust me"})
	_t_msgs(_t_in([], [
		_t_f("CVE-2026-1", "critical", "2026-11-01T00:00:00Z", "known", "", null),
		na,
		_t_f("CVE-2026-3", "low", "2026-11-20T00:00:00Z", "known", "wontfix", null),
		_t_f("CVE-2026-4", "high", "2026-11-20T00:00:00Z", "known", "affected", null),
		_t_f("CVE-2026-5", "high", "yesterday", "known", "fixed", null),
	])) == {
		"CVE-2026-1 (critical) in mbedtls@3.6.2 of version 2.4.0 was first seen 2026-11-01, 30 days ago, and has no VEX decision: triage within 14 days (parameter triage_days)",
		"CVE-2026-2 (high) in mbedtls@3.6.2 of version 2.4.0 is not_affected without a justification: give one of component_not_present, inline_mitigations_already_exist, vulnerable_code_cannot_be_controlled_by_adversary, vulnerable_code_not_in_execute_path, vulnerable_code_not_present",
		"CVE-2026-3 (low) in mbedtls@3.6.2 of version 2.4.0 has VEX status \"wontfix\": expected one of affected, fixed, not_affected, under_investigation",
		"CVE-2026-4 (high) in mbedtls@3.6.2 of version 2.4.0 is affected without a due date: plan the fix within the SLA",
		"CVE-2026-5 (high) in mbedtls@3.6.2 of version 2.4.0 has first_seen \"yesterday\": expected an RFC 3339 time",
	}
}

test_fail_due_date_beyond_update_policy_sla if {
	# The update policy (medium: 60 days) wins over the run's own sla_days (90).
	_t_msgs(_t_in([_t_policy], [_t_known])) == {"CVE-2026-1001 (medium) in mbedtls@3.6.2 of version 2.4.0 is due 2027-02-08, later than first seen (2026-11-10) plus the medium SLA of 60 days (docs/security/update-policy.md): bring the due date forward"}
}

test_warn_kev_flagged_out_of_cycle if {
	kev := object.union(_t_known, {"kev": true})
	inp := _t_in([], [kev])
	_t_msgs(inp) == set()
	{v.msg | some v in warn with input as inp} == {"CVE-2026-1001 (medium) in mbedtls@3.6.2 of version 2.4.0 is in the CISA KEV catalogue and is under_investigation: flagged for an out-of-cycle security release"}
}

test_not_available_without_sla if {
	inp := {"repo": {"files": [], "documents": []}, "surveillance": object.union(object.remove(_t_surv([_t_known]), ["sla_days"]), {"sla_days": {}})}
	not_available == {"no SLA: neither docs/security/update-policy.md nor the surveillance result declares sla_days"} with input as inp
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "pms02"]
	entry.annotations.custom.evidence == ["surveillance"]
}

test_not_available_null_surveillance_raises_no_error if {
	count(deny) == 0 with input as {"surveillance": null, "repo": {"documents": []}}
	count(not_available) == 0 with input as {"surveillance": null, "repo": {"documents": []}}
}
