# METADATA
# title: SAST on every change, findings triaged
# description: >-
#   At least one SARIF 2.1.0 report must be present (the engine checks that). Every
#   result with a security-severity at or above the threshold, or with level error when
#   it has no security-severity, fails unless it is suppressed with an accepted
#   suppression (status accepted or unstated) that carries a justification; a suppression
#   without a justification, under review or rejected counts as no suppression, and the
#   message says so. Results whose baseline state is absent (fixed since the baseline) are
#   ignored. Each violation names the tool, the rule and the severity at the result's
#   file and line. Open code-scanning alerts on GitHub are not checked yet. CONTROLS.md
#   also maps it to Scorecard SAST.
# custom:
#   id: IMP-02
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.5.2", "5.7.3"]
#     mdcg: ["3.7"]
#     fda: ["V.C"]
#     ssdf: ["PW.7.2", "PO.4.1"]
#     cra: ["II-3"]
#   evidence: ["build.sarif"]
#   events: [pull_request, release]
#   remediation: >-
#     Fix the finding, or suppress it in the tool with a justification a reviewer has
#     accepted (SARIF suppressions[].justification, for example a CodeQL or Semgrep
#     suppression comment with a reason).
#   params:
#     threshold: 7.0
package mdrgate.controls.imp02

import data.mdrgate.lib

_threshold := lib.param("IMP-02", "threshold")

# _severity describes why a result is high enough to block; undefined when it is not.
_severity(r) := sprintf("security-severity %v", [r.security_severity]) if {
	is_number(r.security_severity)
	r.security_severity >= _threshold
} else := "level error, no security-severity" if {
	not is_number(object.get(r, "security_severity", null))
	r.level == "error"
}

_accepted(s) if {
	lower(object.get(s, "status", "")) in {"", "accepted"}
	lib.non_empty_string(object.get(s, "justification", ""))
}

_justified(r) if {
	some s in object.get(r, "suppressions", [])
	_accepted(s)
}

_claims_suppression(r) if r.suppressed

_claims_suppression(r) if count(object.get(r, "suppressions", [])) > 0

_why_not_suppressed(r) := "suppressed without an accepted justification" if {
	_claims_suppression(r)
} else := "not suppressed"

_short(s) := concat("", [substring(s, 0, 200), "…"]) if count(s) > 200

else := s

deny contains lib.violation(
	sprintf("%s rule %s (%s) %s: %s", [
		r.tool, r.rule_id, sev, _why_not_suppressed(r),
		_short(object.get(r, "message", "")),
	]),
	object.get(r, "path", ""), object.get(r, "line", 0),
) if {
	some r in _candidates
	sev := _severity(r)
	not _justified(r)
}

# _candidates are the results that may be high enough to block: of level error,
# or else with a security-severity at or above the threshold. Arrays, not sets,
# filtered inline without a function call, the cheap test first: a SARIF report
# can hold 100,000 results, most of them notes, and a set would hash every one.
_candidates := array.concat(_errors, _high_severity)

_errors := [r |
	some rep in input.build.sarif
	some r in rep.results
	r.level == "error"
	_current(r)
]

# The threshold is read once, before the loop: a rule reference inside it would
# be looked up for every result.
_high_severity := [r |
	threshold := _threshold
	some rep in input.build.sarif
	some r in rep.results
	is_number(r.security_severity)
	r.security_severity >= threshold
	object.get(r, "level", null) != "error"
	_current(r)
]

# _current is true unless the result was fixed since the baseline (absent).
_current(r) if object.get(r, "baseline_state", "") != "absent"
