package mdrgate.controls.rsk02

_t_p := "docs/security/threat-model/threat-model.md"

_t_threats := [
	{"id": "THR-001", "title": "Spoofed pump", "category": "S", "asset": "pump link", "mitigations": ["SEC-REQ-001"]},
	{"id": "THR-002", "title": "Dose tampering", "category": "Tampering", "asset": "dose limits", "mitigations": ["SEC-REQ-002", {"id": "MIT-3"}]},
	{"id": "THR-003", "title": "Log leak", "category": ["information-disclosure", "R"], "interface": "USB service port", "mitigations": ["SEC-REQ-003"]},
]

_t_fm := {
	"id": "TM-001",
	"version": "3",
	"owner": "Product Security",
	"approved_by": ["Security Architect"],
	"last_reviewed": "2025-11-26",
	"threats": _t_threats,
}

_t_set(fm, k, v) := object.union(object.remove(fm, [k]), {k: v})

_t_git := {"head": "a1", "tags": [], "commits": [], "commits_truncated": false, "path_times": [
	{"path": "docs/security/architecture", "time": "2025-11-26T15:04:05.123456789+01:00", "commit": "0123456789abcdef0123"},
	{"path": "interfaces.yaml", "time": "2025-10-01T09:00:00Z", "commit": "fedcba9876543210fedc"},
	{"path": "src/main.c", "time": "2025-12-30T09:00:00Z", "commit": "1111111111111111"},
]}

_t_in(fm) := {"repo": {
	"git": _t_git,
	"files": [{"path": _t_p, "size": 10}],
	"documents": [{"path": _t_p, "front_matter": fm, "headings": [], "text": "x"}],
}}

_t_msgs(fm) := {v.msg | some v in vs} if {
	vs := deny with input as _t_in(fm)
}

test_pass_current_threat_model if {
	count(deny) == 0 with input as _t_in(_t_fm)
	count(not_available) == 0 with input as _t_in(_t_fm)
}

test_pass_review_on_the_day_of_the_change if {
	# The architecture commit is at 14:04 UTC on 2025-11-26; a review dated that day counts.
	fm := _t_set(_t_fm, "last_reviewed", "2025-11-26")
	count(deny) == 0 with input as _t_in(fm)
}

test_fail_missing_threat_model if {
	deny == {{"msg": "no threat model: add a document under docs/security/threat-model/ with a threats list in its front matter", "path": "", "line": 0}} with input as {"repo": {"files": [], "documents": [], "git": _t_git}}
}

test_fail_threat_dragon_json_only if {
	inp := {"repo": {"git": _t_git, "files": [{"path": "docs/security/threat-model/pump.json", "size": 9}], "documents": []}}
	deny == {{"msg": "docs/security/threat-model/pump.json is not a markdown or YAML document: mdrgate reads the threats from a threats list in front matter", "path": "docs/security/threat-model/pump.json", "line": 0}} with input as inp
}

test_fail_document_without_threats if {
	inp := {"repo": {"git": _t_git, "files": [], "documents": [{"path": _t_p, "front_matter": object.remove(_t_fm, ["threats"])}]}}
	deny == {{"msg": "no document under docs/security/threat-model/ has a threats list in its front matter (found docs/security/threat-model/threat-model.md)", "path": "", "line": 0}} with input as inp
}

test_fail_threat_without_mitigation if {
	threats := array.concat(_t_threats, [{"id": "THR-004", "title": "x", "category": "D", "asset": "pump", "mitigations": []}])
	_t_msgs(_t_set(_t_fm, "threats", threats)) == {"docs/security/threat-model/threat-model.md: threat THR-004 has no mitigations: list at least one mitigation or control reference"}
}

test_fail_threat_fields if {
	threats := [
		{"title": "no id", "category": "S", "asset": "a", "mitigations": ["M"]},
		{"id": "THR-010", "category": "Phishing", "asset": "a", "mitigations": ["M"]},
		{"id": "THR-011", "asset": "", "mitigations": [""]},
		{"id": "THR-010", "category": "E", "asset": "b", "mitigations": ["M"]},
		"THR-012",
	]
	_t_msgs(_t_set(_t_fm, "threats", threats)) == {
		"docs/security/threat-model/threat-model.md: threats[0] has no id",
		"docs/security/threat-model/threat-model.md: threat THR-010 has category \"Phishing\", which is not STRIDE (S, T, R, I, D, E or spoofing, tampering, repudiation, information_disclosure, denial_of_service, elevation_of_privilege)",
		"docs/security/threat-model/threat-model.md: threat THR-011 has no category: give its STRIDE category",
		"docs/security/threat-model/threat-model.md: threat THR-011 names no asset (or interface) it threatens",
		"docs/security/threat-model/threat-model.md: threat THR-011 has no mitigations: list at least one mitigation or control reference",
		"threat id THR-010 is used 2 times (docs/security/threat-model/threat-model.md threats[1], docs/security/threat-model/threat-model.md threats[3]): ids must be unique",
		"docs/security/threat-model/threat-model.md: threats[4] is not a map",
	}
}

test_fail_empty_threat_list if {
	_t_msgs(_t_set(_t_fm, "threats", [])) == {"docs/security/threat-model/threat-model.md: threats must be a non-empty list"}
}

test_fail_front_matter_keys_and_review if {
	fm := object.remove(_t_set(_t_fm, "last_reviewed", "2024-01-01"), ["owner", "approved_by"])
	_t_msgs(fm) == {
		"docs/security/threat-model/threat-model.md: front matter has no owner",
		"docs/security/threat-model/threat-model.md: approved_by is not set: record who approved the threat model",
		"docs/security/threat-model/threat-model.md: last_reviewed 2024-01-01 is 731 days old; the limit is 365 days",
		"docs/security/threat-model/threat-model.md: last_reviewed 2024-01-01 is before the last change to docs/security/architecture (commit 0123456789ab on 2025-11-26): review the threat model against the change and update last_reviewed",
		"docs/security/threat-model/threat-model.md: last_reviewed 2024-01-01 is before the last change to interfaces.yaml (commit fedcba987654 on 2025-10-01): review the threat model against the change and update last_reviewed",
	}
}

test_fail_stale_against_architecture_change if {
	fm := _t_set(_t_fm, "last_reviewed", "2025-11-25T23:59:59Z")
	vs := deny with input as _t_in(fm)
	vs == {{
		"msg": "docs/security/threat-model/threat-model.md: last_reviewed 2025-11-25T23:59:59Z is before the last change to docs/security/architecture (commit 0123456789ab on 2025-11-26): review the threat model against the change and update last_reviewed",
		"path": _t_p,
		"line": 0,
	}}
}

test_pass_watched_paths_are_a_parameter if {
	fm := _t_set(_t_fm, "last_reviewed", "2025-11-25")
	count(deny) == 0 with input as _t_in(fm) with data.mdrgate.runtime.params["RSK-02"].watched_paths as ["architecture/"]
	count(deny) == 1 with input as _t_in(fm) with data.mdrgate.runtime.params["RSK-02"].watched_paths as ["src/"]
}

test_not_available_without_git_history if {
	inp := {"repo": {"files": [], "documents": [{"path": _t_p, "front_matter": _t_fm}]}}
	not_available == {"git history is not available: cannot check the threat model against changes to architecture/, docs/security/architecture/, interfaces.yaml"} with input as inp
	count(deny) == 0 with input as inp
}

test_not_available_without_repo_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "rsk02"]
	"repo" in entry.annotations.custom.evidence
	count(not_available) == 0 with input as {"build": {}}
}

test_fail_second_threat_model_document_unreadable if {
	broken := {"path": "docs/security/threat-model/wifi.md", "front_matter": null, "front_matter_error": "line 2: did not find expected key", "headings": [], "text": ""}
	inp := {"repo": {
		"git": _t_git,
		"files": [{"path": _t_p, "size": 10}, {"path": broken.path, "size": 10}],
		"documents": [{"path": _t_p, "front_matter": _t_fm, "headings": [], "text": "x"}, broken],
	}}
	vs := deny with input as inp
	{v.msg | some v in vs} == {"docs/security/threat-model/wifi.md: front matter could not be read: line 2: did not find expected key: its threats cannot be read"}
}
