# METADATA
# title: Threat model present and current with the architecture
# description: >-
#   The threat model is a markdown or YAML document under docs/security/threat-model/
#   whose front matter holds a threats list (several such documents are allowed). Every
#   threat needs an id unique across the threat model, a STRIDE category (a letter S, T,
#   R, I, D, E or a word: spoofing, tampering, repudiation, information_disclosure,
#   denial_of_service, elevation_of_privilege; a list of them is allowed), the asset (or
#   interface) it threatens and at least one mitigation reference. Each threat-model
#   document needs id, version, owner, approved_by, and a last_reviewed date within
#   max_age_days that is on or after the day of the last commit touching any of
#   watched_paths (folders end with /), read from git history; without git history that
#   part is not_available. Threat Dragon JSON, pytm and threagile files are not read: the
#   threats must be in front matter. Whether the threat model is adequate is for a
#   person to judge.
# custom:
#   id: RSK-02
#   type: D
#   severity: high
#   refs:
#     iec81001: ["4.2", "7.2", "5.3.1"]
#     mdr: ["17.2", "Annex I §3–4"]
#     mdcg: ["3.4"]
#     fda: ["V.A.1", "App4 Threat Model"]
#     ssdf: ["PW.1.1"]
#   evidence: ["repo"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Keep the threat model in docs/security/threat-model/ with front matter id, version,
#     owner, approved_by, last_reviewed and a threats list of {id, title, category,
#     asset, mitigations}; review it (and update last_reviewed) whenever the architecture
#     or interfaces change.
#   params:
#     max_age_days: 365
#     watched_paths: ["architecture/", "docs/security/architecture/", "interfaces.yaml"]
package mdrgate.controls.rsk02

import data.mdrgate.lib

_dir := lib.threat_model_dir

_stride := {
	"s": "spoofing",
	"t": "tampering",
	"r": "repudiation",
	"i": "information_disclosure",
	"d": "denial_of_service",
	"e": "elevation_of_privilege",
}

_stride_words := {w | some w in _stride}

_required_keys := ["id", "version", "owner"]

_docs := lib.docs_under(_dir)

_models := lib.threat_model_docs

deny contains lib.violation(
	sprintf("no threat model: add a document under %s with a threats list in its front matter", [_dir]),
	"", 0,
) if {
	count(_docs) == 0
	count(lib.files_under(_dir)) == 0
}

deny contains lib.violation(
	sprintf("%s is not a markdown or YAML document: mdrgate reads the threats from a threats list in front matter", [p]),
	p, 0,
) if {
	count(_docs) == 0
	some p in lib.files_under(_dir)
}

deny contains lib.violation(
	sprintf("no document under %s has a threats list in its front matter (found %s)", [_dir, concat(", ", sort([d.path | some d in _docs]))]),
	"", 0,
) if {
	count(_docs) > 0
	count(_models) == 0
}

deny contains lib.violation(sprintf("%s: threats must be a non-empty list", [d.path]), d.path, 0) if {
	some d in _models
	not lib.non_empty_array(d.front_matter.threats)
}

deny contains lib.violation(sprintf("%s: threats[%d] is not a map", [d.path, i]), d.path, 0) if {
	some d in _models
	is_array(d.front_matter.threats)
	some i, t in d.front_matter.threats
	not is_object(t)
}

# _threat is each threat map with its document and index.
_threat contains [d.path, i, t] if {
	some d in _models
	is_array(d.front_matter.threats)
	some i, t in d.front_matter.threats
	is_object(t)
}

_label(i, t) := sprintf("threat %s", [t.id]) if lib.non_empty_string(t.id)

else := sprintf("threats[%d]", [i])

deny contains lib.violation(sprintf("%s: threats[%d] has no id", [p, i]), p, 0) if {
	some [p, i, t] in _threat
	not lib.non_empty_string(object.get(t, "id", null))
}

deny contains lib.violation(
	sprintf("threat id %s is used %d times (%s): ids must be unique", [id, n, concat(", ", sort(places))]),
	first, 0,
) if {
	some id in {t.id | some [_, _, t] in _threat; lib.non_empty_string(t.id)}
	places := [sprintf("%s threats[%d]", [p, i]) | some [p, i, t] in _threat; t.id == id]
	n := count(places)
	n > 1
	first := min({p | some [p, _, t] in _threat; t.id == id})
}

_normalise(c) := replace(replace(lower(trim_space(c)), "-", "_"), " ", "_")

_valid_category(c) if {
	is_string(c)
	_normalise(c) in object.keys(_stride)
}

_valid_category(c) if {
	is_string(c)
	_normalise(c) in _stride_words
}

_valid_categories(c) if _valid_category(c)

_valid_categories(c) if {
	lib.non_empty_array(c)
	every x in c {
		_valid_category(x)
	}
}

deny contains lib.violation(
	sprintf("%s: %s has no category: give its STRIDE category", [p, _label(i, t)]),
	p, 0,
) if {
	some [p, i, t] in _threat
	not "category" in object.keys(t)
}

deny contains lib.violation(
	sprintf("%s: %s has category %s, which is not STRIDE (S, T, R, I, D, E or spoofing, tampering, repudiation, information_disclosure, denial_of_service, elevation_of_privilege)", [p, _label(i, t), json.marshal(t.category)]),
	p, 0,
) if {
	some [p, i, t] in _threat
	"category" in object.keys(t)
	not _valid_categories(t.category)
}

deny contains lib.violation(
	sprintf("%s: %s names no asset (or interface) it threatens", [p, _label(i, t)]),
	p, 0,
) if {
	some [p, i, t] in _threat
	not lib.non_empty_string(object.get(t, "asset", null))
	not lib.non_empty_string(object.get(t, "interface", null))
}

_mitigation_ref(m) if lib.non_empty_string(m)

_mitigation_ref(m) if lib.non_empty_string(m.id)

_mitigation_ref(m) if lib.non_empty_string(m.ref)

deny contains lib.violation(
	sprintf("%s: %s has no mitigations: list at least one mitigation or control reference", [p, _label(i, t)]),
	p, 0,
) if {
	some [p, i, t] in _threat
	ms := object.get(t, "mitigations", [])
	not _has_mitigation(ms)
}

_has_mitigation(ms) if {
	lib.non_empty_array(ms)
	every m in ms {
		_mitigation_ref(m)
	}
}

deny contains lib.violation(sprintf("%s: front matter has no %s", [d.path, key]), d.path, 0) if {
	some d in _models
	some key in _required_keys
	not _has_value(object.get(d.front_matter, key, null))
}

_has_value(v) if lib.non_empty_string(v)

_has_value(v) if is_number(v)

deny contains lib.violation(sprintf("%s: approved_by is not set: record who approved the threat model", [d.path]), d.path, 0) if {
	some d in _models
	not lib.approved(d.front_matter)
}

deny contains lib.violation(sprintf("%s: %s", [d.path, problem]), d.path, 0) if {
	some d in _models
	problem := lib.review_problem(d.front_matter, lib.param("RSK-02", "max_age_days"))
}

# Currency with the architecture.

_watched := lib.strings_of(lib.param("RSK-02", "watched_paths"))

_covers(w, p) if trim_right(w, "/") == trim_right(p, "/")

_covers(w, p) if {
	endswith(w, "/")
	startswith(p, w)
}

_changes := [pt |
	some pt in object.get(input, ["repo", "git", "path_times"], [])
	some w in _watched
	_covers(w, pt.path)
	lib.is_date(pt.time)
]

deny contains lib.violation(
	sprintf("%s: last_reviewed %s is before the last change to %s (commit %s on %s): review the threat model against the change and update last_reviewed", [
		d.path, d.front_matter.last_reviewed, pt.path,
		substring(object.get(pt, "commit", ""), 0, 12), substring(pt.time, 0, 10),
	]),
	d.path, 0,
) if {
	some d in _models
	reviewed := lib.parse_date_ns(d.front_matter.last_reviewed)
	some pt in _changes
	lib.day_number(lib.parse_date_ns(pt.time)) > lib.day_number(reviewed)
}

not_available contains sprintf("git history is not available: cannot check the threat model against changes to %s", [concat(", ", _watched)]) if {
	input.repo
	not input.repo.git
}

# A threat-model document whose front matter cannot be read may declare threats
# that are then neither checked here nor asked for tests by VER-01.
deny contains lib.violation(
	sprintf("%s: %s: its threats cannot be read", [d.path, lib.front_matter_problem(d)]),
	d.path, 0,
) if {
	some d in lib.docs_under(_dir)
	lib.non_empty_string(object.get(d, "front_matter_error", ""))
}
