# METADATA
# title: Vulnerability disclosure policy published, private intake enabled
# description: >-
#   A security policy (SECURITY.md or SECURITY.markdown, any case, at the root, in .github/
#   or in docs/; the first of .github/, root, docs/ as GitHub shows it) must state: a
#   contact that is a link or an e-mail address (a PGP key alone is not enough, because
#   OpenSSF Scorecard's Security-Policy check scores a policy without linked content
#   below 10); the scope (what the policy covers, or the supported versions); an
#   acknowledgement or response time as a number (digits or a word) of hours, days,
#   weeks or business days, in a sentence about acknowledging, responding, replying,
#   triaging or confirming (a "90-day embargo" alone is not a response time); and
#   disclosure terms (disclosure, embargo or coordinated). Each missing element is
#   its own violation. Like Scorecard it also wants at least two mentions of disclosure,
#   vulnerabilities or timelines (numbers). When GitHub evidence says private
#   vulnerability reporting is disabled, the control fails. CONTROLS.md also maps it to
#   Scorecard Security-Policy and OSPS-VM.
# custom:
#   id: GOV-03
#   type: A
#   severity: high
#   refs:
#     iec81001: ["4.1.7", "9.2"]
#     mdcg: ["5"]
#     fda: ["VI.B", "524B(b)(1)"]
#     ssdf: ["RV.1.3"]
#     cra: ["II-5", "II-6"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Add SECURITY.md (root, .github/ or docs/) with a contact (an e-mail address or an
#     https link, optionally a PGP key), the scope, acknowledgement and response times
#     (for example "within 3 business days") and the coordinated disclosure terms; enable
#     private vulnerability reporting on GitHub.
#   params: {}
package mdrgate.controls.gov03

import data.mdrgate.lib

# Where GitHub looks for the policy, in the order it shows the first one found.
_dirs := [".github/", "", "docs/"]

_policy_re := `(?i)^(\.github/|docs/)?security\.(md|markdown)$`

_candidates := [d |
	some dir in _dirs
	some d in lib.documents
	regex.match(_policy_re, d.path)
	startswith(lower(d.path), dir)
	not contains(substring(d.path, count(dir), -1), "/")
]

# policy is the security policy document.
policy := _candidates[0]

_other_formats := {p |
	some f in lib.files
	p := f.path
	regex.match(`(?i)^(\.github/|docs/|doc/)?security(\.(adoc|rst|txt))?$`, p)
}

deny contains lib.violation(
	"no security policy: add SECURITY.md at the root, in .github/ or in docs/",
	"", 0,
) if {
	not policy
	count(_other_formats) == 0
}

deny contains lib.violation(
	sprintf("%s is not markdown: mdrgate reads SECURITY.md or SECURITY.markdown; convert it so its contents can be checked", [p]),
	p, 0,
) if {
	not policy
	some p in _other_formats
}

_text := object.get(policy, "text", "")

# Scorecard's patterns (checks/raw/security_policy.go).
_url_re := `(http|https)://[a-zA-Z0-9./?=_%:-]*`

_email_re := `\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,6}\b`

_hint_re := `(?i)(\b[0-9]{1,4}\b|disclos|vuln)`

_has_contact if regex.match(_url_re, _text)

_has_contact if regex.match(_email_re, _text)

_has_pgp if regex.match(`(?i)(pgp|gpg|openpgp|\.asc\b)`, _text)

deny contains lib.violation(
	sprintf("%s has a PGP key reference but no e-mail address or link to report to: add one (Scorecard's Security-Policy check needs linked content)", [policy.path]),
	policy.path, 0,
) if {
	not _has_contact
	_has_pgp
}

deny contains lib.violation(
	sprintf("%s names no contact: add an e-mail address (security@…) or an https link to the reporting form", [policy.path]),
	policy.path, 0,
) if {
	policy
	not _has_contact
	not _has_pgp
}

deny contains lib.violation(
	sprintf("%s does not state its scope: say which products and versions it covers (for example a \"Scope\" or \"Supported versions\" section)", [policy.path]),
	policy.path, 0,
) if {
	policy
	not regex.match(`(?i)(scope|supported versions?|applies to)`, _text)
}

_number := `([0-9]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|forty-eight|seventy-two|ninety)`

_time_re := concat("", [`(?i)\b`, _number, `\s*(-\s*)?(business\s+|working\s+|calendar\s+)?(hours?|days?|weeks?)\b`])

# _response_time is true when a sentence of the policy names a time and says it is for
# acknowledging, responding to, triaging or confirming a report. Sentences end at . ! ?
# and at paragraph breaks, list items and headings; a sentence may wrap over lines.
_response_time if {
	some sentence in regex.split(`[.!?]\s|\n\s*\n|\n\s*([-*+]|[0-9]+\.)\s|\n#`, _text)
	regex.match(_time_re, sentence)
	regex.match(`(?i)(acknowledg|respon|reply|replies|triage|confirm|within)`, sentence)
}

deny contains lib.violation(
	sprintf("%s gives no acknowledgement or response time: state one as a number of hours, days or business days (for example \"we acknowledge reports within 3 business days\")", [policy.path]),
	policy.path, 0,
) if {
	policy
	not _response_time
}

deny contains lib.violation(
	sprintf("%s has no disclosure terms: describe coordinated disclosure (embargo, when and how a fix and advisory are published)", [policy.path]),
	policy.path, 0,
) if {
	policy
	not regex.match(`(?i)(disclos|embargo|coordinated)`, _text)
}

deny contains lib.violation(
	sprintf("%s mentions disclosure, vulnerabilities or timelines fewer than twice: Scorecard's Security-Policy check scores it below 10", [policy.path]),
	policy.path, 0,
) if {
	policy
	count(regex.find_n(_hint_re, _text, -1)) < 2
}

deny contains lib.violation(
	"GitHub private vulnerability reporting is disabled: enable it (Settings → Code security) so reporters have a private channel",
	"", 0,
) if {
	input.github.private_vulnerability_reporting.available
	input.github.private_vulnerability_reporting.enabled == false
}
