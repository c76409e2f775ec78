package mdrgate.controls.rel04

_t_headings := [{"level": 2, "text": t, "line": i + 5} | some i, t in [
	"Minimum IT requirements", "Network ports and data flows", "Hardening the installation",
	"Security updates and integrity check", "Backup and restore", "Logging and audit trail",
	"Roles and user accounts", "Residual risks", "End of support", "Decommissioning",
]]

_t_fm := {"id": "IFU-SEC", "approved_by": "Head of Quality", "last_reviewed": "2026-11-20T00:00:00Z", "documented_components": {"mbedtls": 3, "FreeRTOS-Kernel": "10"}}

_t_doc := {"path": "docs/ifu/security/security-guide.md", "front_matter": _t_fm, "front_matter_error": "", "headings": _t_headings}

_t_comp(name, version, direct) := {"name": name, "version": version, "direct": direct}

_t_sbom := {"path": "build/sbom.cdx.json", "components": [_t_comp("mbedtls", "3.6.2", true), _t_comp("FreeRTOS-Kernel", "V10.6.2", true), _t_comp("zlib", "1.3", false)]}

_t_in(docs, times, sboms) := {
	"repo": {"files": [], "documents": docs, "git": {"head": "a", "tags": [], "commits": [], "path_times": times}},
	"build": {"sboms": sboms},
}

_t_now := time.parse_rfc3339_ns("2026-12-01T00:00:00Z")

_t_msgs(inp) := {v.msg | some v in deny with input as inp with data.mdrgate.runtime.time_ns as _t_now}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

test_pass_complete_ifu if {
	inp := _t_in([_t_doc], [{"path": "interfaces.yaml", "time": "2026-11-19T10:00:00Z", "commit": "abc"}], [_t_sbom])
	_t_msgs(inp) == set()
	count(not_available) == 0 with input as inp
}

test_fail_no_ifu if {
	_t_msgs(_t_in([], [], [])) == {"no customer security documentation: add markdown documents under docs/ifu/security/"}
}

test_fail_missing_sections if {
	d := _t_set(_t_doc, "headings", array.slice(_t_headings, 0, 8))
	_t_msgs(_t_in([d], [], [])) == {
		"the customer security documentation (docs/ifu/security/) has no section on end of support: add a heading matching \"end of (support|life)\"",
		"the customer security documentation (docs/ifu/security/) has no section on decommissioning: add a heading matching \"decommission\"",
	}
}

test_pass_sections_split_across_documents if {
	a := _t_set(_t_doc, "headings", array.slice(_t_headings, 0, 5))
	b := object.union(_t_set(_t_doc, "headings", array.slice(_t_headings, 5, 10)), {"path": "docs/ifu/security/operations.md"})
	_t_msgs(_t_in([a, b], [], [])) == set()
}

test_fail_stale_against_interfaces_and_config if {
	times := [
		{"path": "interfaces.yaml", "time": "2026-11-25T10:00:00Z", "commit": "1234567890abcdef"},
		{"path": "config/default.yaml", "time": "2026-11-21T10:00:00Z", "commit": "fedcba"},
		{"path": "src/main.c", "time": "2026-11-30T10:00:00Z", "commit": "999"},
	]
	_t_msgs(_t_in([_t_doc], times, [])) == {
		"docs/ifu/security/security-guide.md: last_reviewed 2026-11-20T00:00:00Z is before the last change to interfaces.yaml (commit 1234567890ab on 2026-11-25): review the customer documentation against the change",
		"docs/ifu/security/security-guide.md: last_reviewed 2026-11-20T00:00:00Z is before the last change to config/default.yaml (commit fedcba on 2026-11-21): review the customer documentation against the change",
	}
}

test_fail_front_matter if {
	d := _t_set(_t_doc, "front_matter", {"last_reviewed": "2024-01-01"})
	_t_msgs(_t_in([d], [], [])) == {
		"docs/ifu/security/security-guide.md: approved_by is not set: record who approved the document",
		"docs/ifu/security/security-guide.md: last_reviewed 2024-01-01 is 1065 days old; the limit is 365 days",
	}
	e := object.union(_t_set(_t_doc, "front_matter", null), {"front_matter_error": "line 3: bad"})
	_t_msgs(_t_in([e], [], [])) == {"docs/ifu/security/security-guide.md: front matter could not be read: line 3: bad"}
}

test_fail_major_upgrade_and_undocumented_dependency if {
	sb := _t_set(_t_sbom, "components", [_t_comp("mbedtls", "4.0.0", true), _t_comp("FreeRTOS-Kernel", "V10.6.2", true), _t_comp("lwip", "2.2.0", true)])
	_t_msgs(_t_in([_t_doc], [], [sb])) == {
		"docs/ifu/security/security-guide.md: documented_components lists mbedtls at major version 3 but build/sbom.cdx.json has 4.0.0: review the IFU for the major upgrade and update documented_components",
		"docs/ifu/security/security-guide.md: lwip 2.2.0, a direct dependency in build/sbom.cdx.json, is not in any documented_components of docs/ifu/security/: describe it in the IFU and list it with its major version",
	}
}

test_not_available_without_git if {
	inp := {"repo": {"files": [], "documents": [_t_doc]}, "build": {"sboms": []}}
	count(not_available) == 1 with input as inp with data.mdrgate.runtime.time_ns as _t_now
}
