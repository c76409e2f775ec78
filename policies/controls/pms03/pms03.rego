# METADATA
# title: Patch SLA compliance
# description: >-
#   Reads the surveillance result. A finding that is not resolved and not triaged
#   not_affected fails when its state is overdue, or when its due date (else first_seen
#   plus the SLA of its severity, from the update policy's sla_days, GOV-04, else the
#   run's sla_days) is before the evaluation day: the SLA clock runs at evaluation
#   time, not at the surveillance run. A waiver in .mdrgate.yaml is the exception
#   process. A resolved finding needs resolved_at. Time-to-patch metrics and the
#   regression of the security release (VER-01) are not reported here yet. Without
#   surveillance evidence the control is not_available.
# custom:
#   id: PMS-03
#   type: A
#   severity: critical
#   refs:
#     iec81001: ["6.1.1", "6.2.2", "6.3.2"]
#     mdr: ["Art. 83"]
#     mdcg: ["3.8"]
#     fda: ["V.A.6", "524B(b)(2)(A)(B)"]
#     ssdf: ["RV.2.2"]
#     cra: ["II-2", "II-8"]
#   evidence: ["surveillance"]
#   events: [release, schedule]
#   remediation: >-
#     Ship the security update for every affected version within the update policy's
#     SLA; where that is impossible, record an approved, time-boxed waiver with the risk
#     reference.
#   params: {}
package mdrgate.controls.pms03

import data.mdrgate.lib

_surv := input.surveillance if is_object(input.surveillance)

_sla := lib.update_policy_sla if lib.update_policy_sla

else := object.get(_surv, "sla_days", {})

_label(version, f) := sprintf("%s (%s) in %s@%s of version %s", [f.id, object.get(f, "severity", "unknown"), object.get(f, ["package", "name"], "?"), object.get(f, ["package", "version"], "?"), version])

_open contains [sv.version, f] if {
	some sv in _surv.versions
	some f in sv.findings
	f.state != "resolved"
	object.get(f, "vex_status", "") != "not_affected"
}

_due_ns(f) := lib.parse_date_ns(f.due_date) if lib.is_date(object.get(f, "due_date", null))

else := lib.parse_date_ns(f.first_seen) + (_sla[lower(f.severity)] * lib.ns_per_day) if {
	lib.is_date(object.get(f, "first_seen", null))
	is_number(_sla[lower(object.get(f, "severity", ""))])
}

_overdue(f) if lib.day_number(_due_ns(f)) < lib.day_number(lib.now_ns)

_overdue(f) if f.state == "overdue"

deny contains lib.violation(
	sprintf("%s is past its SLA (%s; first seen %s, VEX %s): ship the fix, or record an approved waiver", [_label(v, f), _due_text(f), substring(object.get(f, "first_seen", ""), 0, 10), _vex(f)]),
	_surv.path, 0,
) if {
	some [v, f] in _open
	_overdue(f)
}

_due_text(f) := sprintf("due %s, %d days ago", [substring(f.due_date, 0, 10), lib.days_since(f.due_date)]) if {
	lib.is_date(object.get(f, "due_date", null))
	lib.days_since(f.due_date) > 0
} else := sprintf("due %s", [substring(f.due_date, 0, 10)]) if {
	lib.is_date(object.get(f, "due_date", null))
} else := sprintf("due %d days after first seen", [_sla[lower(f.severity)]]) if {
	_due_ns(f)
} else := "state overdue"

_vex(f) := f.vex_status if lib.non_empty_string(object.get(f, "vex_status", ""))

else := "none"

deny contains lib.violation(
	sprintf("%s is resolved but has no resolved_at: the time to patch cannot be measured", [_label(sv.version, f)]),
	_surv.path, 0,
) if {
	some sv in _surv.versions
	some f in sv.findings
	f.state == "resolved"
	not lib.is_date(object.get(f, "resolved_at", null))
}
