package mdrgate.controls.pms03

_t_f(id, sev, first, state, vex, due) := {
	"id": id, "aliases": [], "package": {"name": "mbedtls", "version": "3.6.2"}, "severity": sev,
	"first_seen": first, "due_date": due, "state": state, "vex_status": vex, "vex_justification": "",
	"kev": false, "resolved_at": null,
}

_t_surv(findings) := {"path": "build/surveillance.json", "sla_days": {"critical": 30, "high": 60, "medium": 90, "low": 180}, "versions": [{"version": "2.4.0", "findings": findings}]}

_t_in(docs, findings) := {"repo": {"files": [], "documents": docs}, "surveillance": _t_surv(findings)}

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_msgs(inp) := {v.msg | some v in deny with input as inp with data.mdrgate.runtime.time_ns as _t_now}

test_pass_within_sla if {
	_t_msgs(_t_in([], [
		_t_f("CVE-1", "medium", "2026-11-10T00:00:00Z", "known", "under_investigation", "2027-02-08T00:00:00Z"),
		object.union(_t_f("CVE-2", "high", "2026-01-01T00:00:00Z", "resolved", "fixed", "2026-03-02T00:00:00Z"), {"resolved_at": "2026-02-01T00:00:00Z"}),
		_t_f("CVE-3", "critical", "2025-01-01T00:00:00Z", "known", "not_affected", null),
		_t_f("CVE-4", "high", "2026-11-30T00:00:00Z", "new", "", null),
	])) == set()
}

test_fail_past_due_date if {
	_t_msgs(_t_in([], [_t_f("CVE-1", "high", "2026-09-01T00:00:00Z", "known", "affected", "2026-10-31T00:00:00Z")])) == {"CVE-1 (high) in mbedtls@3.6.2 of version 2.4.0 is past its SLA (due 2026-10-31, 31 days ago; first seen 2026-09-01, VEX affected): ship the fix, or record an approved waiver"}
}

test_fail_sla_from_update_policy_without_due_date if {
	policy := {"path": "docs/security/update-policy.md", "front_matter": {"sla_days": {"critical": 14, "high": 30, "medium": 60, "low": 90}}, "front_matter_error": ""}
	f := _t_f("CVE-9", "critical", "2026-11-01T00:00:00Z", "new", "", null)
	_t_msgs(_t_in([policy], [f])) == {"CVE-9 (critical) in mbedtls@3.6.2 of version 2.4.0 is past its SLA (due 14 days after first seen; first seen 2026-11-01, VEX none): ship the fix, or record an approved waiver"}
	_t_msgs(_t_in([], [f])) == set()
}

test_fail_overdue_state_and_missing_resolved_at if {
	_t_msgs(_t_in([], [
		_t_f("CVE-5", "unknown", "2026-11-01T00:00:00Z", "overdue", "affected", null),
		_t_f("CVE-6", "low", "2026-01-01T00:00:00Z", "resolved", "fixed", null),
	])) == {
		"CVE-5 (unknown) in mbedtls@3.6.2 of version 2.4.0 is past its SLA (state overdue; first seen 2026-11-01, VEX affected): ship the fix, or record an approved waiver",
		"CVE-6 (low) in mbedtls@3.6.2 of version 2.4.0 is resolved but has no resolved_at: the time to patch cannot be measured",
	}
}

test_not_available_without_surveillance if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "pms03"]
	entry.annotations.custom.evidence == ["surveillance"]
}

test_not_available_null_surveillance_raises_no_error if {
	count(deny) == 0 with input as {"surveillance": null, "repo": {"documents": []}}
}
