package mdrgate.controls.rel05

_t_cfg := {
	"network": {"tls": {"enabled": true, "min_version": "1.2", "verify_peer": true}},
	"accounts": {"admin": {"password": null}, "service": {"password": "${SERVICE_PASSWORD}"}},
	"logging": {"log_level": "info", "debug": false},
	"services": {"ssh": {"enabled": false}, "hl7": {"enabled": true, "required_by": "REQ-021"}},
}

_t_doc(cfg) := {"path": "config/default.yaml", "front_matter": cfg, "front_matter_error": "", "headings": []}

_t_ifu(defaults) := {"path": "docs/ifu/security/guide.md", "front_matter": {"documented_defaults": defaults}, "front_matter_error": "", "headings": []}

_t_in(docs, files) := {"repo": {"files": [{"path": f, "size": 1} | some f in files], "documents": docs}}

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

test_pass_secure_defaults if {
	inp := _t_in([_t_doc(_t_cfg), _t_ifu({"network.tls.min_version": "1.2", "services.ssh.enabled": false})], ["config/default.yaml"])
	_t_msgs(inp) == set()
}

test_fail_default_credentials if {
	cfg := _t_set(_t_cfg, "accounts", {"admin": {"password": "admin"}, "svc": {"api_key": ""}, "pin": {"psk": 1234}, "x": {"password_required": true}})
	_t_msgs(_t_in([_t_doc(cfg)], [])) == {
		"config/default.yaml: accounts.admin.password holds a literal default credential: use null (set at commissioning) or a secret-store reference",
		"config/default.yaml: accounts.svc.api_key is empty: a default credential must be null (set at commissioning) or a secret-store reference",
		"config/default.yaml: accounts.pin.psk holds a literal default credential: use null (set at commissioning) or a secret-store reference",
	}
}

test_fail_tls if {
	cfg := _t_set(_t_cfg, "network", {"tls": {"enabled": false, "min_version": "TLSv1.0"}, "api": {"tls": {"enabled": true}, "insecure_skip_verify": true}, "mqtt": {"tls": "on"}})
	_t_msgs(_t_in([_t_doc(cfg)], [])) == {
		"config/default.yaml: network.tls.enabled is false: TLS must be on by default",
		"config/default.yaml: network.tls.min_version TLSv1.0 is below 1.2 (parameter min_tls_version)",
		"config/default.yaml: network.api.tls has no min_version: set it to 1.2 or later",
		"config/default.yaml: network.mqtt.tls is not a map with enabled and min_version",
		"config/default.yaml: network.api.insecure_skip_verify is true: certificate verification must stay on by default",
	}
	_t_msgs(_t_in([_t_doc(object.remove(_t_cfg, ["network"]))], [])) == {"config/default.yaml has no tls section: TLS must be on by default, with a minimum version"}
}

test_fail_debug_and_services if {
	cfg := object.union(_t_cfg, {"logging": {"log_level": "TRACE", "debug": false, "uart_debug": true}, "services": {"telnet": {"enabled": true}}})
	_t_msgs(_t_in([_t_doc(cfg)], [])) == {
		"config/default.yaml: logging.log_level is TRACE: ship a log level that does not expose debug data",
		"config/default.yaml: logging.uart_debug is on: debug features must be off in the shipped configuration",
		"config/default.yaml: service telnet is enabled by default without required_by: disable it or say which requirement needs it",
	}
}

test_fail_documented_defaults_differ if {
	inp := _t_in([_t_doc(_t_cfg), _t_ifu({"network.tls.min_version": "1.3", "session.timeout_s": 300})], [])
	_t_msgs(inp) == {
		"docs/ifu/security/guide.md: documented_defaults network.tls.min_version is \"1.3\" but the shipped configuration has \"1.2\" in config/default.yaml",
		"docs/ifu/security/guide.md: documented_defaults session.timeout_s is not in the shipped configuration (config/default.yaml)",
	}
}

test_fail_missing_or_unreadable_config if {
	_t_msgs(_t_in([], [])) == {"no default configuration: ship it as config/default.yaml or config/default.yml and list it in documents: in .mdrgate.yaml"}
	_t_msgs(_t_in([], ["config/default.json"])) == {"config/default.json is not read: the default configuration must be YAML (config/default.yaml or config/default.yml) listed in documents: in .mdrgate.yaml"}
}

test_not_available_without_repository if {
	# The engine makes the control not_available when input.repo is absent: the
	# metadata names it as the evidence.
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "rel05"]
	"repo" in entry.annotations.custom.evidence
}
