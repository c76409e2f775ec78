# METADATA
# title: Security requirements specified, reviewed, traceable
# description: >-
#   The security requirements are the items of requirements/security-requirements.yaml
#   (a requirements list whose items are tagged security; any YAML under requirements/
#   is read the same way) or of a security_requirements front matter list in any
#   document. There must be at least one; every requirement needs a unique id, a title,
#   a source (the threat, risk or standard clause it comes from) and a verification
#   method among verification_methods. The sign-off is the newest review record
#   docs/security/reviews/<YYYY-MM-DD>-requirements-review.md: approved_by set and
#   reviewers ({name, discipline}) from at least min_disciplines distinct disciplines,
#   including every one of required_disciplines. The review date (from the file name)
#   must be within max_age_days and on or after the day of the last commit touching any
#   document that declares security requirements; a stale review warns on a pull
#   request and fails on release and schedule. Without git history that part is
#   not_available. Whether the requirements are complete and right is for the
#   reviewers to judge.
# custom:
#   id: REQ-01
#   type: X
#   severity: high
#   refs:
#     iec81001: ["5.2.1", "5.2.2"]
#     iec62304: ["5.2.2"]
#     fda: ["V.B.1", "App1"]
#     ssdf: ["PO.1.2", "PW.1.2"]
#     cra: ["I-2"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Declare the security requirements in requirements/security-requirements.yaml
#     (mdrgate init writes a template), each with id, title, source and verification;
#     have them reviewed by development, testing, clinical and security representatives
#     and record the review in docs/security/reviews/<YYYY-MM-DD>-requirements-review.md
#     after every change.
#   params:
#     verification_methods: ["test", "inspection", "analysis", "demonstration"]
#     min_disciplines: 4
#     required_disciplines: ["development", "testing", "clinical", "security"]
#     max_age_days: 365
package mdrgate.controls.req01

import data.mdrgate.lib

_suffix := "-requirements-review.md"

_reqs := lib.security_requirements

_req_docs := sort({r._doc | some r in _reqs})

deny contains lib.violation(
	"no security requirements are declared: list them in requirements/security-requirements.yaml (requirements tagged security) or in a security_requirements front matter list",
	"", 0,
) if {
	count(_reqs) == 0
}

deny contains lib.violation(
	sprintf("security requirement id %s is declared %d times (%s): ids must be unique", [id, count(places), concat(", ", sort(places))]),
	min({p | some p in places}), 0,
) if {
	some id in lib.security_requirement_ids
	places := [r._doc | some r in _reqs; r.id == id]
	count(places) > 1
}

deny contains lib.violation(sprintf("%s: security requirement %s has no title", [r._doc, r.id]), r._doc, 0) if {
	some r in _reqs
	not lib.non_empty_string(object.get(r, "title", null))
	not lib.non_empty_string(object.get(r, "text", null))
}

deny contains lib.violation(
	sprintf("%s: security requirement %s has no source: name the threat, risk or standard clause it comes from", [r._doc, r.id]),
	r._doc, 0,
) if {
	some r in _reqs
	count([s | some s in lib.strings_of(object.get(r, "source", null)); lib.non_empty_string(s)]) == 0
}

_methods := {lower(m) | some m in lib.strings_of(lib.param("REQ-01", "verification_methods"))}

deny contains lib.violation(
	sprintf("%s: security requirement %s has no verification: say how it is verified (%s)", [r._doc, r.id, concat(", ", sort(_methods))]),
	r._doc, 0,
) if {
	some r in _reqs
	count(lib.strings_of(object.get(r, "verification", null))) == 0
}

deny contains lib.violation(
	sprintf("%s: security requirement %s has verification %q: expected one of %s", [r._doc, r.id, m, concat(", ", sort(_methods))]),
	r._doc, 0,
) if {
	some r in _reqs
	some m in lib.strings_of(object.get(r, "verification", null))
	not lower(m) in _methods
}

# The review record.

_records := lib.review_records(_suffix)

deny contains lib.violation(
	sprintf("no security requirements review record: add %s<YYYY-MM-DD>%s naming the reviewers and their disciplines", [lib.reviews_dir, _suffix]),
	"", 0,
) if {
	count(_reqs) > 0
	count(_records) == 0
}

_date := _records[0][0]

_review := _records[0][1]

_rpath := _review.path

_rfm := lib.front_matter(_review)

_usable if {
	_review
	not lib.front_matter_problem(_review)
}

deny contains lib.violation(sprintf("%s: %s", [_rpath, problem]), _rpath, 0) if {
	problem := lib.front_matter_problem(_review)
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the security requirements", [_rpath]), _rpath, 0) if {
	_usable
	not lib.approved(_rfm)
}

_reviewers := object.get(_rfm, "reviewers", null)

deny contains lib.violation(sprintf("%s: reviewers must be a non-empty list of {name, discipline}", [_rpath]), _rpath, 0) if {
	_usable
	not lib.non_empty_array(_reviewers)
}

deny contains lib.violation(sprintf("%s: reviewers[%d] needs a name and a discipline", [_rpath, i]), _rpath, 0) if {
	is_array(_reviewers)
	some i, x in _reviewers
	not _reviewer(x)
}

_reviewer(x) if {
	is_object(x)
	lib.non_empty_string(object.get(x, "name", null))
	lib.non_empty_string(object.get(x, "discipline", null))
}

_disciplines := {lower(trim_space(x.discipline)) | some x in _reviewers; _reviewer(x)} if is_array(_reviewers)

else := set()

deny contains lib.violation(
	sprintf("%s: the reviewers cover %d discipline(s) (%s); at least %d are required", [_rpath, count(_disciplines), concat(", ", sort(_disciplines)), n]),
	_rpath, 0,
) if {
	lib.non_empty_array(_reviewers)
	n := lib.param("REQ-01", "min_disciplines")
	count(_disciplines) < n
}

deny contains lib.violation(
	sprintf("%s: no reviewer of discipline %s: the review needs one", [_rpath, d]),
	_rpath, 0,
) if {
	lib.non_empty_array(_reviewers)
	some d in lib.strings_of(lib.param("REQ-01", "required_disciplines"))
	not lower(d) in _disciplines
}

deny contains lib.violation(sprintf("%s: the review date %s (from the file name) is in the future", [_rpath, _date]), _rpath, 0) if {
	lib.days_since(_date) < -1
}

_stale contains lib.violation(sprintf("%s: %s: review the security requirements again", [_rpath, msg]), _rpath, 0) if {
	some msg in lib.staleness("the review of", _date, lib.param("REQ-01", "max_age_days"), _rpath, _req_docs)
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)

not_available contains "git history is not available: cannot check that the requirements review follows the last change to the requirements" if {
	lib.git_missing
	count(_reqs) > 0
}
