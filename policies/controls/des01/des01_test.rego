package mdrgate.controls.des01

_t_dir := "docs/security/architecture/"

_t_fm(id) := {"id": id, "version": "1", "owner": "Product Security", "approved_by": "Security Architect", "last_reviewed": "2025-11-15"}

_t_tb := [{"id": "TB-1", "description": "pump / service port"}, {"id": 2, "description": "signing / distribution"}]

_t_docs := [
	{"path": "docs/security/architecture/global-system.md", "front_matter": object.union(_t_fm("A1"), {"trust_boundaries": _t_tb})},
	{"path": "docs/security/architecture/multi-patient-harm.yaml", "front_matter": _t_fm("A2")},
	{"path": "docs/security/architecture/updatability-patchability.md", "front_matter": _t_fm("A3")},
	{"path": "docs/security/architecture/use-case-update.md", "front_matter": _t_fm("A4")},
	{"path": "docs/security/architecture/use-case-service.md", "front_matter": _t_fm("A5")},
]

_t_git := {"head": "a", "tags": [], "commits": [], "path_times": [
	{"path": "interfaces.yaml", "time": "2025-11-15T20:00:00Z", "commit": "0123456789abcdef"},
	{"path": "docs/security/architecture/global-system.md", "time": "2025-12-15T20:00:00Z", "commit": "1"},
]}

_t_in(docs) := {"repo": {"git": _t_git, "files": [{"path": d.path, "size": 1} | some d in docs], "documents": docs}}

_t_without(stem) := [d | some d in _t_docs; not contains(d.path, stem)]

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_all_views if {
	count(deny) == 0 with input as _t_in(_t_docs)
	count(warn) == 0 with input as _t_in(_t_docs)
	count(not_available) == 0 with input as _t_in(_t_docs)
}

test_fail_missing_views if {
	docs := [d | some d in _t_without("use-case"); not contains(d.path, "multi-patient")]
	_t_msgs(_t_in(docs)) == {
		"architecture view multi-patient-harm is missing: add docs/security/architecture/multi-patient-harm.md",
		"architecture view use-case-* is missing: add docs/security/architecture/use-case-<name>.md",
	}
}

test_fail_view_only_a_diagram if {
	inp := object.union(_t_in(_t_without("updatability")), {"repo": {"files": [{"path": "docs/security/architecture/updatability-patchability.drawio.png", "size": 9}]}})
	_t_msgs(inp) == {"architecture view updatability-patchability is only docs/security/architecture/updatability-patchability.drawio.png: add a markdown or YAML document with front matter (it may link the diagram)"}
}

test_fail_trust_boundaries if {
	g := {"path": "docs/security/architecture/global-system.md", "front_matter": _t_fm("A1")}
	_t_msgs(_t_in(array.concat([g], _t_without("global")))) == {"docs/security/architecture/global-system.md: trust_boundaries must be a non-empty list of {id, description}: declare the trust boundaries of the system"}
	g2 := {"path": "docs/security/architecture/global-system.md", "front_matter": object.union(_t_fm("A1"), {"trust_boundaries": [{"id": "TB-1"}, "x"]})}
	_t_msgs(_t_in(array.concat([g2], _t_without("global")))) == {
		"docs/security/architecture/global-system.md: trust_boundaries[0] needs an id and a description",
		"docs/security/architecture/global-system.md: trust_boundaries[1] needs an id and a description",
	}
}

test_fail_view_front_matter if {
	u := {"path": "docs/security/architecture/use-case-update.md", "front_matter": object.remove(_t_fm("A4"), ["approved_by", "version"])}
	n := {"path": "docs/security/architecture/use-case-service.md", "front_matter": null}
	docs := array.concat([u, n], _t_without("use-case"))
	_t_msgs(_t_in(docs)) == {
		"docs/security/architecture/use-case-update.md: front matter has no version",
		"docs/security/architecture/use-case-update.md: approved_by is not set: record who approved the view",
		"docs/security/architecture/use-case-service.md: the document has no YAML front matter",
	}
}

test_fail_stale_against_interface_change if {
	u := {"path": "docs/security/architecture/use-case-update.md", "front_matter": object.union(_t_fm("A4"), {"last_reviewed": "2025-11-14"})}
	inp := _t_in(array.concat([u], [d | some d in _t_docs; d.path != u.path]))
	msg := "docs/security/architecture/use-case-update.md: last_reviewed 2025-11-14 is before the last change to interfaces.yaml (commit 0123456789ab on 2025-11-15): review the view and update last_reviewed"
	{v.msg | some v in deny} == {msg} with input as inp with data.mdrgate.runtime.event as "release"
	{v.msg | some v in warn} == {msg} with input as inp
	count(deny) == 0 with input as inp
}

test_not_available_without_git_history if {
	inp := {"repo": {"files": [], "documents": _t_docs}}
	not_available == {"git history is not available: cannot check the architecture views against changes to interfaces.yaml, docs/security/interfaces/"} with input as inp
	count(deny) == 0 with input as inp
}
