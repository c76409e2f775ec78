# METADATA
# title: No secrets or hard-coded credentials
# description: >-
#   Every finding of the secret-scan reports (gitleaks, trufflehog) fails, at the file
#   and line it names, with the rule and the commit; the evidence never holds the secret
#   itself. Allow-listing a false positive belongs in the scanner's configuration, where
#   it is reviewed. Open GitHub secret-scanning alerts are not checked yet.
# custom:
#   id: IMP-04
#   type: A
#   severity: critical
#   refs:
#     iec81001: ["5.3.2", "5.5.2"]
#     fda: ["V.C", "App1 Authentication"]
#     ssdf: ["PW.7.2", "PO.5.2"]
#     cra: ["I-2(b)(d)"]
#   evidence: ["build.secrets"]
#   events: [pull_request, release]
#   remediation: >-
#     Revoke and rotate the secret, remove it from the code (and from history when the
#     repository is published), load it at run time from a secret store; allow-list a
#     proven false positive in the scanner's configuration with a comment.
#   params: {}
package mdrgate.controls.imp04

import data.mdrgate.lib

_in_commit(f) := sprintf(" in commit %s", [substring(f.commit, 0, 12)]) if {
	lib.non_empty_string(object.get(f, "commit", ""))
} else := ""

_verified(f) := " (verified: the credential is live)" if f.verified == true

else := ""

_where(f) := sprintf("%s:%d", [f.path, f.line]) if object.get(f, "line", 0) > 0

else := f.path

deny contains lib.violation(
	sprintf("%s found a secret (rule %s) at %s%s%s: revoke it and remove it from the code", [
		rep.tool, f.rule, _where(f), _in_commit(f), _verified(f),
	]),
	f.path, object.get(f, "line", 0),
) if {
	some rep in input.build.secrets
	some f in rep.findings
}
