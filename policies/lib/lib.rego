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
