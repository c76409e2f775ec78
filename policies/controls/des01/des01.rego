# METADATA
# title: Security architecture views present (FDA view set, trust boundaries)
# description: >-
#   docs/security/architecture/ must hold a markdown or YAML document for each view of
#   views (the FDA premarket guidance view set: global system, multi-patient harm,
#   updatability and patchability, and at least one use-case view, use-case-*), named
#   <view>.md or <view>.yaml. Each view needs front matter id, version, owner,
#   approved_by and last_reviewed; the global-system view (boundary_view) declares its
#   trust boundaries in front matter, trust_boundaries: a list of {id, description}.
#   last_reviewed must be within max_age_days and on or after the day of the last
#   commit touching any of watched_paths (the interface definitions by default); a
#   stale view warns on a pull request and fails on release and schedule, and without
#   git history that part is not_available. A watched path is compared only when the
#   git evidence records its last commit (every document is recorded: markdown and
#   YAML under docs/, YAML at the root). Whether the views show defence in depth
#   adequately is for a person to judge.
# custom:
#   id: DES-01
#   type: D
#   severity: high
#   refs:
#     iec81001: ["5.3.1", "5.3.2"]
#     mdcg: ["3.1"]
#     fda: ["V.B.2", "App2", "App4 Architecture Views"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Add the missing views under docs/security/architecture/ (global-system.md,
#     multi-patient-harm.md, updatability-patchability.md, use-case-<name>.md; mdrgate
#     init writes templates) with front matter id, version, owner, approved_by and
#     last_reviewed, declare trust_boundaries in the global-system view, and review the
#     views whenever an interface changes.
#   params:
#     dir: docs/security/architecture/
#     views: ["global-system", "multi-patient-harm", "updatability-patchability", "use-case-*"]
#     boundary_view: global-system
#     watched_paths: ["interfaces.yaml", "docs/security/interfaces/"]
#     max_age_days: 365
package mdrgate.controls.des01

import data.mdrgate.lib

_dir := lib.param("DES-01", "dir")

_views := lib.strings_of(lib.param("DES-01", "views"))

_watched := lib.strings_of(lib.param("DES-01", "watched_paths"))

_exts := {".md", ".yaml", ".yml"}

# _stem is the name of a file directly in _dir up to its first dot.
_stem(p) := split(rest, ".")[0] if {
	startswith(p, _dir)
	rest := trim_prefix(p, _dir)
	not contains(rest, "/")
}

_ext(p) := concat("", [".", parts[count(parts) - 1]]) if parts := split(p, ".")

_view_docs(v) := {d |
	some d in lib.docs_under(_dir)
	_ext(d.path) in _exts
	glob.match(v, ["/"], _stem(d.path))
}

_view_files(v) := {p |
	some p in lib.files_under(_dir)
	glob.match(v, ["/"], _stem(p))
}

deny contains lib.violation(
	sprintf("architecture view %s is missing: add %s%s.md", [v, _dir, replace(v, "*", "<name>")]),
	"", 0,
) if {
	some v in _views
	count(_view_docs(v)) == 0
	count(_view_files(v)) == 0
}

deny contains lib.violation(
	sprintf("architecture view %s is only %s: add a markdown or YAML document with front matter (it may link the diagram)", [v, concat(", ", sort(_view_files(v)))]),
	min(_view_files(v)), 0,
) if {
	some v in _views
	count(_view_docs(v)) == 0
	count(_view_files(v)) > 0
}

# _doc is each view document.
_doc contains d if {
	some v in _views
	some d in _view_docs(v)
}

deny contains lib.violation(sprintf("%s: %s", [d.path, problem]), d.path, 0) if {
	some d in _doc
	problem := lib.front_matter_problem(d)
}

_usable contains d if {
	some d in _doc
	not lib.front_matter_problem(d)
}

deny contains lib.violation(sprintf("%s: front matter has no %s", [d.path, k]), d.path, 0) if {
	some d in _usable
	some k in lib.missing_keys(d.front_matter, ["id", "version", "owner"])
}

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the view", [d.path]), d.path, 0) if {
	some d in _usable
	not lib.approved(d.front_matter)
}

deny contains lib.violation(sprintf("%s: %s", [d.path, problem]), d.path, 0) if {
	some d in _usable
	problem := lib.date_problem("last_reviewed", object.get(d.front_matter, "last_reviewed", null))
}

# Trust boundaries.

_boundary_docs := [d | some d in _usable; _stem(d.path) == lib.param("DES-01", "boundary_view")]

deny contains lib.violation(
	sprintf("%s: trust_boundaries must be a non-empty list of {id, description}: declare the trust boundaries of the system", [d.path]),
	d.path, 0,
) if {
	some d in _boundary_docs
	not lib.non_empty_array(object.get(d.front_matter, "trust_boundaries", null))
}

deny contains lib.violation(sprintf("%s: trust_boundaries[%d] needs an id and a description", [d.path, i]), d.path, 0) if {
	some d in _boundary_docs
	bs := object.get(d.front_matter, "trust_boundaries", null)
	is_array(bs)
	some i, b in bs
	not _boundary(b)
}

_boundary(b) if {
	is_object(b)
	lib.has_value(object.get(b, "id", null))
	lib.non_empty_string(object.get(b, "description", null))
}

# Freshness.

_stale contains lib.violation(sprintf("%s: %s: review the view and update last_reviewed", [d.path, msg]), d.path, 0) if {
	some d in _usable
	some msg in lib.staleness("last_reviewed", object.get(d.front_matter, "last_reviewed", null), lib.param("DES-01", "max_age_days"), d.path, _watched)
}

deny contains v if some v in lib.freshness_deny(_stale)

warn contains v if some v in lib.freshness_warn(_stale)

not_available contains sprintf("git history is not available: cannot check the architecture views against changes to %s", [concat(", ", _watched)]) if {
	lib.git_missing
	count(_watched) > 0
}
