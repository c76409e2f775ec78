# METADATA
# title: mdrgate shared helpers
# description: >-
#   Helpers the controls share: violations, parameters, the evaluation time, dates and
#   freshness, documents and files of the repository, threat and requirement ids, purls.
#   Everything here is a pure function of input and data.mdrgate.runtime; nothing reads
#   the clock.
package mdrgate.lib

# ns_per_day is the number of nanoseconds in a day.
ns_per_day := 86400000000000

# violation is one finding: a message, a file path ("" when none) and a line (0 when none).
violation(msg, path, line) := {"msg": msg, "path": path, "line": line}

# param is the parameter name of control id: its default merged with configuration.
param(id, name) := data.mdrgate.runtime.params[id][name]

# now_ns is the evaluation time (--at) in nanoseconds since the epoch.
now_ns := data.mdrgate.runtime.time_ns

# event is the event evaluated for: pull_request, release or schedule.
event := data.mdrgate.runtime.event

# ---------------------------------------------------------------------------
# Values

# non_empty_string is true when x is a string with something besides white space.
non_empty_string(x) if {
	is_string(x)
	trim_space(x) != ""
}

# positive_number is true when x is a number greater than zero.
positive_number(x) if {
	is_number(x)
	x > 0
}

# non_empty_array is true when x is an array with at least one element.
non_empty_array(x) if {
	is_array(x)
	count(x) > 0
}

# strings_of is x as an array of strings: a string becomes a one-element array, an
# array keeps its strings, anything else becomes [].
strings_of(x) := [x] if {
	is_string(x)
} else := [s | some s in x; is_string(s)] if {
	is_array(x)
} else := []

# ---------------------------------------------------------------------------
# Dates. A date is "YYYY-MM-DD" (midnight UTC) or an RFC 3339 timestamp; YAML front
# matter dates arrive as RFC 3339 because the YAML decoder turns them into times.

_date_re := `^([0-9]{4})-([0-9]{2})-([0-9]{2})$`

_rfc3339_re := `^([0-9]{4})-([0-9]{2})-([0-9]{2})T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`

_month_days := [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

_leap(y) if {
	y % 4 == 0
	y % 100 != 0
}

_leap(y) if y % 400 == 0

_days_in_month(y, m) := 29 if {
	m == 2
	_leap(y)
} else := _month_days[m - 1]

# _valid_day is true when the string's leading YYYY-MM-DD names a real calendar day, so
# that the time parsers below never raise an error.
_valid_day(s) if {
	y := to_number(substring(s, 0, 4))
	m := to_number(substring(s, 5, 2))
	d := to_number(substring(s, 8, 2))
	m >= 1
	m <= 12
	d >= 1
	d <= _days_in_month(y, m)
}

# parse_date_ns is the date s in nanoseconds since the epoch; undefined when s is not a
# date.
parse_date_ns(s) := time.parse_ns("2006-01-02", s) if {
	is_string(s)
	regex.match(_date_re, s)
	_valid_day(s)
}

parse_date_ns(s) := time.parse_rfc3339_ns(upper(s)) if {
	is_string(s)
	regex.match(_rfc3339_re, s)
	_valid_day(s)
}

# is_date is true when s is a date parse_date_ns understands.
is_date(s) if parse_date_ns(s)

# day_number is the UTC calendar day of a time in nanoseconds (days since the epoch).
day_number(ns) := floor(ns / ns_per_day)

# days_since is the number of calendar days (UTC) from the date s to the evaluation
# time: 0 on the same day, negative for a date in the future.
days_since(s) := day_number(now_ns) - day_number(parse_date_ns(s))

# fresh is true when the date s is at most max_days calendar days before the evaluation
# time and not more than a day after it.
fresh(s, max_days) if {
	d := days_since(s)
	d <= max_days
	d >= -1
}

# review_problem says what is wrong with a front matter's last_reviewed date for a
# limit of max_days days; undefined when the date is present and fresh.
review_problem(fm, max_days) := "front matter has no last_reviewed date" if {
	not fm.last_reviewed
} else := sprintf("last_reviewed %v is not a date (expected YYYY-MM-DD or RFC 3339)", [fm.last_reviewed]) if {
	not is_date(fm.last_reviewed)
} else := sprintf("last_reviewed %s is in the future", [fm.last_reviewed]) if {
	days_since(fm.last_reviewed) < -1
} else := sprintf("last_reviewed %s is %d days old; the limit is %d days", [
	fm.last_reviewed,
	days_since(fm.last_reviewed), max_days,
]) if {
	days_since(fm.last_reviewed) > max_days
}

# approved is true when a front matter names who approved the document: a non-empty
# string, a list of them, or objects with a name.
approved(fm) if non_empty_string(fm.approved_by)

approved(fm) if {
	non_empty_array(fm.approved_by)
	every a in fm.approved_by {
		_approver(a)
	}
}

_approver(a) if non_empty_string(a)

_approver(a) if non_empty_string(a.name)

# ---------------------------------------------------------------------------
# Repository files and documents

# documents are the repository's parsed documents ([] when there is no repository evidence).
documents := object.get(input, ["repo", "documents"], [])

# files are the repository's files index ([] when there is no repository evidence).
files := object.get(input, ["repo", "files"], [])

_file_paths := {f.path | some f in files}

# has_file is true when the repository's files index holds path.
has_file(path) if path in _file_paths

# files_under is the set of file paths that start with prefix.
files_under(prefix) := {p | some p in _file_paths; startswith(p, prefix)}

# doc is the document at path; undefined when there is none.
doc(path) := [d | some d in documents; d.path == path][0]

# docs_under is the set of documents whose path starts with prefix.
docs_under(prefix) := {d | some d in documents; startswith(d.path, prefix)}

# front_matter is a document's front matter, {} when it has none.
front_matter(d) := d.front_matter if is_object(d.front_matter)

else := {}

# front_matter_problem says why a document has no usable front matter; undefined when
# it has.
front_matter_problem(d) := sprintf("front matter could not be read: %s", [d.front_matter_error]) if {
	non_empty_string(d.front_matter_error)
} else := "the document has no YAML front matter" if {
	not is_object(object.get(d, "front_matter", null))
}

# ---------------------------------------------------------------------------
# Threats and security requirements, shared by RSK-02, VER-01 and later controls.

# threat_model_dir is where the threat model lives.
threat_model_dir := "docs/security/threat-model/"

# threat_model_docs are the documents under threat_model_dir whose front matter has a
# threats key.
threat_model_docs := {d |
	some d in docs_under(threat_model_dir)
	"threats" in object.keys(front_matter(d))
}

# threats are the threats of the threat model, each with the document path it is in.
threats := [object.union(t, {"_doc": d.path}) |
	some d in threat_model_docs
	is_array(d.front_matter.threats)
	some t in d.front_matter.threats
	is_object(t)
]

# threat_ids are the ids of the threat model's threats.
threat_ids := {t.id | some t in threats; non_empty_string(t.id)}

# security_requirements are the declared security requirements, each with the path of
# the document declaring it in _doc: the items of a security_requirements front matter
# list in any document, and the items of a requirements list, in documents under
# requirements/, tagged "security" (tag or tags). Items need a string id.
security_requirements := array.concat(
	[object.union(r, {"_doc": d.path}) |
		some d in documents
		reqs := front_matter(d).security_requirements
		is_array(reqs)
		some r in reqs
		is_object(r)
		non_empty_string(object.get(r, "id", null))
	],
	[object.union(r, {"_doc": d.path}) |
		some d in documents
		_requirements_path(d.path)
		reqs := front_matter(d).requirements
		is_array(reqs)
		some r in reqs
		is_object(r)
		non_empty_string(object.get(r, "id", null))
		_tagged_security(r)
	],
)

# security_requirement_ids are the ids of security_requirements.
security_requirement_ids := {r.id | some r in security_requirements}

_requirements_path(p) if startswith(p, "requirements/")

_requirements_path(p) if contains(p, "/requirements/")

_tagged_security(r) if "security" in {lower(t) | some t in strings_of(r.tag)}

_tagged_security(r) if "security" in {lower(t) | some t in strings_of(r.tags)}

# ---------------------------------------------------------------------------
# Package URLs

# purl_base is a purl without qualifiers and subpath, lower-cased, with %40 read as @.
purl_base(p) := lower(replace(split(split(p, "?")[0], "#")[0], "%40", "@"))

_purl_segments(p) := split(purl_base(p), "/")

# purl_has_version is true when a purl names a version.
purl_has_version(p) if {
	segs := _purl_segments(p)
	contains(segs[count(segs) - 1], "@")
}

# purl_unversioned is purl_base without the version.
purl_unversioned(p) := concat("/", array.concat(
	array.slice(segs, 0, count(segs) - 1),
	[split(segs[count(segs) - 1], "@")[0]],
)) if {
	segs := _purl_segments(p)
}

# purl_matches is true when the purl pattern names the package purl: equal when
# qualifiers are ignored, or equal without the version when the pattern has none.
purl_matches(pattern, purl) if purl_base(pattern) == purl_base(purl)

purl_matches(pattern, purl) if {
	not purl_has_version(pattern)
	purl_base(pattern) == purl_unversioned(purl)
}

# ---------------------------------------------------------------------------
# Reports

# limit returns the first n elements of the array a.
limit(a, n) := array.slice(a, 0, n)

# ---------------------------------------------------------------------------
# Releases, customer documentation and post-market surveillance, shared by REL-02 to
# REL-05 and PMS-01 to PMS-05.

# strip_v is a version without the leading v (or V) of a tag such as v2.4.0.
strip_v(v) := substring(v, 1, -1) if {
	regex.match(`^[vV][0-9]`, v)
} else := v

_head_tags := {t.name |
	some t in object.get(input, ["repo", "git", "tags"], [])
	t.commit == input.repo.git.head
}

# release_version is the version being released: product.version from the
# configuration, else the only tag on HEAD, without a leading v; undefined when
# neither tells.
release_version := strip_v(input.product.version) if {
	non_empty_string(object.get(input, ["product", "version"], ""))
} else := strip_v(t) if {
	count(_head_tags) == 1
	some t in _head_tags
}

# release_dir is the folder of the release's records: release/<version>/.
release_dir := sprintf("release/%s/", [release_version])

# property_values are the non-empty values of the properties named name of an SBOM
# component (or subject), in order.
property_values(c, name) := [p.value |
	some p in object.get(c, "properties", [])
	p.name == name
	non_empty_string(object.get(p, "value", ""))
]

# end_of_support is the end-of-support date of an SBOM component or subject
# (cdx:fda:end-of-support-date, else cdx:lifecycle:milestone:endOfSupport);
# undefined when it states none.
end_of_support(c) := v if {
	some v in property_values(c, "cdx:fda:end-of-support-date")
	is_date(v)
} else := v if {
	some v in property_values(c, "cdx:lifecycle:milestone:endOfSupport")
	is_date(v)
}

# supported_versions_path is where the supported versions are declared.
supported_versions_path := "supported-versions.yaml"

# supported_versions_doc is supported-versions.yaml; undefined when absent.
supported_versions_doc := doc(supported_versions_path)

# supported_versions are the maps of supported-versions.yaml's versions list, each
# with its index in _index ([] when the file or the list is absent).
supported_versions := [object.union(v, {"_index": i}) |
	vs := front_matter(supported_versions_doc).versions
	is_array(vs)
	some i, v in vs
	is_object(v)
]

# in_support is true when a supported-versions entry's support_end is a date on or
# after the evaluation day.
in_support(v) if {
	is_date(v.support_end)
	day_number(parse_date_ns(v.support_end)) >= day_number(now_ns)
}

# postmarket_plan_path is the post-market surveillance plan (GOV-05).
postmarket_plan_path := "docs/security/postmarket-plan.md"

# update_policy_path is the security update policy (GOV-04), as GOV-04 is configured.
update_policy_path := object.get(data.mdrgate.runtime.params, ["GOV-04", "path"], "docs/security/update-policy.md")

# update_policy_sla is the sla_days map of the update policy; undefined when the
# policy or the map is absent.
update_policy_sla := sla if {
	sla := front_matter(doc(update_policy_path)).sla_days
	is_object(sla)
}

# ifu_security_dir holds the security part of the instructions for use.
ifu_security_dir := "docs/ifu/security/"

# ifu_security_docs are the markdown documents under ifu_security_dir.
ifu_security_docs := {d |
	some d in docs_under(ifu_security_dir)
	endswith(d.path, ".md")
}

# id_set is a vulnerability id with its aliases, lower-cased.
id_set(id, aliases) := {lower(x) | some x in array.concat([id], [a | some a in aliases; is_string(a)]); is_string(x)}

# ---------------------------------------------------------------------------
# Document structure and freshness, shared by the document controls (GOV-01, GOV-02,
# GOV-05, GOV-06, RSK-01, RSK-03, REQ-01, DES-01). The profile: a structural problem
# (missing document, key, heading or date) always fails; a stale document warns on a
# pull request and fails on release and schedule.

# freshness_gates is true when a stale document fails its control: on release and
# schedule (any event but pull_request).
freshness_gates if event != "pull_request"

# freshness_deny is vs when stale documents gate the event, else the empty set.
freshness_deny(vs) := vs if freshness_gates

else := set()

# freshness_warn is vs when stale documents only warn (pull_request), else the empty set.
freshness_warn(vs) := set() if freshness_gates

else := vs

# has_value is true when x is a non-empty string or a number.
has_value(x) if non_empty_string(x)

has_value(x) if is_number(x)

# missing_keys are the keys of the array keys that front matter fm lacks (or has
# empty: a value must be a non-empty string or a number), in the order given.
missing_keys(fm, keys) := [k | some k in keys; not has_value(object.get(fm, k, null))]

# has_heading is true when document d has a heading whose text contains keyword,
# case-insensitively.
has_heading(d, keyword) if {
	some h in object.get(d, "headings", [])
	contains(lower(h.text), lower(keyword))
}

# missing_headings are the keywords of the array keywords that no heading of
# document d contains, in the order given.
missing_headings(d, keywords) := [k | some k in keywords; not has_heading(d, k)]

# date_problem says why value v of the front matter key key is not a usable date:
# missing, not a date, or more than a day after the evaluation time; undefined when it
# is usable.
date_problem(key, v) := sprintf("front matter has no %s date", [key]) if {
	v == null
} else := sprintf("%s %v is not a date (expected YYYY-MM-DD or RFC 3339)", [key, v]) if {
	not is_date(v)
} else := sprintf("%s %s is in the future", [key, v]) if {
	days_since(v) < -1
}

# path_covered is true when the watched path w covers the path p: the same path, or
# w ends with / and p lies below it.
path_covered(w, p) if trim_right(w, "/") == trim_right(p, "/")

path_covered(w, p) if {
	endswith(w, "/")
	startswith(p, w)
}

# git_missing is true when there is repository evidence without git history.
git_missing if {
	input.repo
	not input.repo.git
}

# watched_changes are the git path_times entries (path, time, commit) that one of
# the watched paths covers, except the path self.
watched_changes(watched, self) := [pt |
	some pt in object.get(input, ["repo", "git", "path_times"], [])
	pt.path != self
	some w in watched
	path_covered(w, pt.path)
	is_date(pt.time)
]

# staleness is the set of reasons why the document at self, reviewed on date (the
# value of label: last_reviewed, or a review record's date), is stale: more than
# max_days days old, or on a calendar day before the last commit that touched a
# watched path. Empty when date is not a date (date_problem says so).
staleness(label, date, max_days, self, watched) := {msg |
	is_date(date)
	days_since(date) > max_days
	msg := sprintf("%s %s is %d days old; the limit is %d days", [label, date, days_since(date), max_days])
} | {msg |
	is_date(date)
	reviewed := day_number(parse_date_ns(date))
	some pt in watched_changes(watched, self)
	day_number(parse_date_ns(pt.time)) > reviewed
	msg := sprintf("%s %s is before the last change to %s (commit %s on %s)", [
		label, date, pt.path,
		substring(object.get(pt, "commit", ""), 0, 12), substring(pt.time, 0, 10),
	])
}

# dated_name_re matches a file name that starts with a date: YYYY-MM-DD-….
dated_name_re := `^[0-9]{4}-[0-9]{2}-[0-9]{2}-`

# name_date is the YYYY-MM-DD date a file's name starts with; undefined when it does
# not start with a valid date.
name_date(p) := d if {
	parts := split(p, "/")
	base := parts[count(parts) - 1]
	regex.match(dated_name_re, base)
	d := substring(base, 0, 10)
	is_date(d)
}

# ---------------------------------------------------------------------------
# The security risk register, shared by RSK-03 and DES-03.

# risk_register_path is where the security risk register lives.
risk_register_path := "docs/security/risk-register.yaml"

# risk_register is the risk register document; undefined when there is none.
risk_register := doc(risk_register_path)

# risks are the rows of the register's risks list that are maps, each with its index
# in _index.
risks := [object.union(r, {"_index": i}) |
	rows := front_matter(risk_register).risks
	is_array(rows)
	some i, r in rows
	is_object(r)
]

# risk_ids are the ids of the register's risks.
risk_ids := {r.id | some r in risks; non_empty_string(object.get(r, "id", null))}

# risk_threat_ids are the threat ids a risk row names: threat_id, a string or a list.
risk_threat_ids(r) := {t | some t in strings_of(object.get(r, "threat_id", null))}

# risk_controls are the control (security requirement) ids a risk row lists.
risk_controls(r) := {c | some c in strings_of(object.get(r, "controls", null))}

# ---------------------------------------------------------------------------
# Review records, docs/security/reviews/<YYYY-MM-DD>-<kind>.md (GOV-06, REQ-01).

# reviews_dir is where dated review records live.
reviews_dir := "docs/security/reviews/"

# review_records are the documents under reviews_dir whose name starts with a date
# and ends with suffix, as [date, document] pairs sorted newest first.
review_records(suffix) := [[date, r] |
	some [date, p] in sort_desc([[name_date(x.path), x.path] |
		some x in docs_under(reviews_dir)
		endswith(x.path, suffix)
		name_date(x.path)
	])
	r := doc(p)
]

# sort_desc is the array a sorted in descending order.
sort_desc(a) := [s[(n - 1) - i] |
	s := sort(a)
	n := count(s)
	n > 0
	some i in numbers.range(0, n - 1)
]

# ---------------------------------------------------------------------------
# GitHub API evidence (IMP-03, SCM-01, SCM-05, DES-02). An area is usable only when
# its available flag is true; a control names github.<area>.available as evidence.

# gh_area is the GitHub evidence area name, {} when absent.
gh_area(name) := a if {
	a := object.get(input, ["github", name], {})
	is_object(a)
} else := {}

# gh_available is true when the GitHub area name could be read.
gh_available(name) if gh_area(name).available == true

# gh_unavailable is a sentence saying why the GitHub area name could not be read;
# undefined when it could.
gh_unavailable(name) := sprintf("GitHub %s could not be read (%s)", [name, r]) if {
	not gh_available(name)
	r := _gh_reason(name)
}

_gh_reason(name) := gh_area(name).reason if non_empty_string(object.get(gh_area(name), "reason", ""))

else := "not collected"

# gh_protection is the branch's classic protection when it could be read and the
# branch is protected; undefined otherwise.
gh_protection := p if {
	p := gh_area("branch_protection")
	p.available == true
	p.protected == true
}

# gh_rules are the active ruleset rules of type t on the branch ([] when rulesets
# could not be read).
gh_rules(t) := [r |
	gh_available("rulesets")
	some r in object.get(gh_area("rulesets"), "rules", [])
	r.type == t
]

# gh_rule_param is parameter name of a ruleset rule, null when absent.
gh_rule_param(r, name) := object.get(r, ["parameters", name], null)

# gh_latest_reviews maps each reviewer of a pull request to their latest review that
# is not a plain comment (GitHub's own rule for the review decision).
gh_latest_reviews(pr) := {login: rv |
	some login in {x.author | some x in object.get(pr, "reviews", []); x.state != "COMMENTED"}
	decisive := [x | some x in pr.reviews; x.author == login; x.state != "COMMENTED"]
	rv := decisive[count(decisive) - 1]
}

# gh_approvers are the reviewers of a pull request, other than its author, whose
# latest decisive review is APPROVED.
gh_approvers(pr) := {login |
	some login, rv in gh_latest_reviews(pr)
	rv.state == "APPROVED"
	lower(login) != lower(object.get(pr, "author", ""))
}

# ---------------------------------------------------------------------------
# Languages of the repository (IMP-01).

# language_extensions maps a file extension to the language it is written in.
language_extensions := {
	"c": "c", "h": "c", "cc": "cpp", "cpp": "cpp", "cxx": "cpp", "hpp": "cpp", "hh": "cpp",
	"py": "python", "go": "go", "rs": "rust", "java": "java", "kt": "kotlin",
	"js": "javascript", "mjs": "javascript", "jsx": "javascript",
	"ts": "typescript", "tsx": "typescript", "cs": "csharp", "swift": "swift", "rb": "ruby",
}

# vendored_path is true for paths whose code is not the product's own: third-party,
# vendored, generated or test-fixture trees.
vendored_path(p) if {
	some seg in split(p, "/")
	seg in {"node_modules", "vendor", "third_party", "testdata", "test-fixtures", "fixtures", ".git"}
}

# language_of is the language of the file at path p; undefined for other files.
language_of(p) := language_extensions[ext] if {
	parts := split(p, ".")
	count(parts) > 1
	ext := lower(parts[count(parts) - 1])
}

# languages maps each language of the repository's own code to its file paths.
languages := {lang: paths |
	some lang in {l | some f in files; not vendored_path(f.path); l := language_of(f.path)}
	paths := sort([f.path | some f in files; not vendored_path(f.path); language_of(f.path) == lang])
}

# ---------------------------------------------------------------------------
# Versions

# major_version is the major part of a version such as v2.4.0 or 2.4; undefined when
# the version does not start with a number.
major_version(v) := m if {
	is_string(v)
	m := regex.find_n(`^[0-9]+`, trim_prefix(trim_prefix(trim_space(v), "v"), "V"), 1)[0]
}

# show is a value as a message shows it: a string quoted (without JSON's escaping of
# <, > and &), anything else as JSON.
show(x) := sprintf("%q", [x]) if is_string(x)

else := json.marshal(x)
