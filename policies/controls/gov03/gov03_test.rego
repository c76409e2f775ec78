package mdrgate.controls.gov03

_t_text := `# Security policy

## Scope
This policy covers InfuCore firmware 2.x and the flasher tool (supported versions: 2.4 and later).

## Reporting a vulnerability
E-mail security@example-medical.test (PGP key: https://example-medical.test/pgp.asc).

We acknowledge reports within 3 business days and send an assessment within 10 days.

## Coordinated disclosure
We follow coordinated vulnerability disclosure with a 90-day embargo.
`

_t_input(path, text) := {"repo": {
	"files": [{"path": path, "size": count(text)}],
	"documents": [{"path": path, "front_matter": null, "headings": [], "text": text}],
}}

_t_msgs(input_doc) := {v.msg | some v in vs} if {
	vs := deny with input as input_doc
}

test_pass_root_security_md if {
	count(deny) == 0 with input as _t_input("SECURITY.md", _t_text)
	policy.path == "SECURITY.md" with input as _t_input("SECURITY.md", _t_text)
}

test_pass_github_dir_lower_case if {
	count(deny) == 0 with input as _t_input(".github/security.md", _t_text)
}

test_pass_github_reporting_enabled if {
	inp := object.union(_t_input("docs/SECURITY.md", _t_text), {"github": {"private_vulnerability_reporting": {"available": true, "reason": "", "enabled": true}}})
	count(deny) == 0 with input as inp
}

test_prefers_github_dir_as_github_does if {
	inp := {"repo": {"files": [], "documents": [
		{"path": "SECURITY.md", "front_matter": null, "text": "nothing"},
		{"path": ".github/SECURITY.md", "front_matter": null, "text": _t_text},
	]}}
	policy.path == ".github/SECURITY.md" with input as inp
	count(deny) == 0 with input as inp
}

test_fail_missing if {
	deny == {{"msg": "no security policy: add SECURITY.md at the root, in .github/ or in docs/", "path": "", "line": 0}} with input as {"repo": {"files": [], "documents": []}}
}

test_fail_nested_security_md_is_not_a_policy if {
	inp := _t_input("src/SECURITY.md", _t_text)
	count(deny) == 1 with input as inp
	not policy with input as inp
}

test_fail_rst_is_not_read if {
	inp := {"repo": {"files": [{"path": "SECURITY.rst", "size": 10}], "documents": []}}
	deny == {{"msg": "SECURITY.rst is not markdown: mdrgate reads SECURITY.md or SECURITY.markdown; convert it so its contents can be checked", "path": "SECURITY.rst", "line": 0}} with input as inp
}

test_fail_no_contact if {
	text := replace(_t_text, "E-mail security@example-medical.test (PGP key: https://example-medical.test/pgp.asc).", "Open a private advisory.")
	msgs := _t_msgs(_t_input("SECURITY.md", text))
	msgs == {"SECURITY.md names no contact: add an e-mail address (security@…) or an https link to the reporting form"}
}

test_fail_pgp_only_contact if {
	text := replace(_t_text, "E-mail security@example-medical.test (PGP key: https://example-medical.test/pgp.asc).", "Encrypt with our PGP key 0xDEADBEEF.")
	msgs := _t_msgs(_t_input("SECURITY.md", text))
	count(msgs) == 1
	some m in msgs
	contains(m, "PGP key reference but no e-mail address or link")
}

test_fail_each_missing_element_is_a_violation if {
	text := "# Security\n\nMail security@example-medical.test.\n"
	vs := deny with input as _t_input("SECURITY.md", text)
	count(vs) == 4
	every v in vs {
		v.path == "SECURITY.md"
		v.line == 0
	}
	msgs := {v.msg | some v in vs}
	some m1 in msgs
	contains(m1, "does not state its scope")
	some m2 in msgs
	contains(m2, "no acknowledgement or response time")
	some m3 in msgs
	contains(m3, "no disclosure terms")
	some m4 in msgs
	contains(m4, "fewer than twice")
}

test_fail_response_time_needs_a_number if {
	text := replace(_t_text, "within 3 business days and send an assessment within 10 days", "promptly")
	msgs := _t_msgs(_t_input("SECURITY.md", text))
	count(msgs) == 1
	some m in msgs
	contains(m, "no acknowledgement or response time")
}

test_pass_response_time_wrapped_over_lines if {
	text := replace(_t_text, "We acknowledge reports within 3 business days and send an assessment within 10 days.", "Our first response to a report\nreaches you in 3 business days.")
	count(deny) == 0 with input as _t_input("SECURITY.md", text)
}

test_fail_response_time_in_another_list_item if {
	text := replace(_t_text, "We acknowledge reports within 3 business days and send an assessment within 10 days.", "- We acknowledge every report.\n- Fixes ship in 30 days.")
	msgs := _t_msgs(_t_input("SECURITY.md", text))
	count(msgs) == 1
	some m in msgs
	contains(m, "no acknowledgement or response time")
}

test_pass_response_time_in_words if {
	text := replace(_t_text, "within 3 business days", "within two business days")
	count(deny) == 0 with input as _t_input("SECURITY.md", text)
}

test_fail_private_reporting_disabled if {
	inp := object.union(_t_input("SECURITY.md", _t_text), {"github": {"private_vulnerability_reporting": {"available": true, "reason": "", "enabled": false}}})
	deny == {{"msg": "GitHub private vulnerability reporting is disabled: enable it (Settings → Code security) so reporters have a private channel", "path": "", "line": 0}} with input as inp
}

test_not_available_without_repo_evidence if {
	# The engine makes the control not_available when input.repo is absent: the
	# metadata must name it.
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "gov03"]
	"repo" in entry.annotations.custom.evidence

	# GitHub evidence alone neither passes nor reads as a repository.
	not policy with input as {"github": {"available": false}}
}
