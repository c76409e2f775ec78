# METADATA
# title: Secure-by-default configuration
# description: >-
#   The configuration the product ships with is config/default.yaml (or .yml), read as
#   a YAML document: list it in documents: in .mdrgate.yaml, as the default document
#   globs do not include config/ (docs/formats/default-config.md). JSON and other
#   formats are not read: a config/default.* that is not a YAML document fails with
#   that reason. In the configuration, at any depth: a key naming a credential
#   (credential_key_pattern) must be null (set at commissioning) or a reference to a
#   secret store (secret_reference_pattern), never a literal or empty value; there must
#   be at least one tls section, none with enabled false, each with a min_version no
#   lower than min_tls_version; no insecure, insecure_skip_verify or skip_verify set to
#   true, no verify or verify_peer set to false; no debug key (debug, *_debug, debug_*)
#   set to true and no log_level of debug or trace; every service under a services map
#   that is enabled needs a required_by naming why it is on. The customer security
#   documentation (docs/ifu/security/) may list documented_defaults, a map of dotted
#   key paths to values: each must equal the shipped value.
# custom:
#   id: REL-05
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.3.2", "5.4.2"]
#     mdr: ["17.4"]
#     mdcg: ["4.2"]
#     fda: ["App1 Authentication", "App1 Configuration"]
#     ssdf: ["PW.9.1", "PW.9.2"]
#     cra: ["I-2(b)"]
#   evidence: ["repo"]
#   events: [pull_request, release]
#   remediation: >-
#     Ship config/default.yaml with no default credentials (null, or a reference such as
#     ${DEVICE_ADMIN_PASSWORD}), TLS enabled with min_version 1.2 or later, debug off,
#     unused services disabled, and keep the defaults the IFU documents equal to it; add
#     "config/default.yaml" to documents: in .mdrgate.yaml.
#   params:
#     paths: ["config/default.yaml", "config/default.yml"]
#     credential_key_pattern: "(?i)(password|passwd|passphrase|secret|token|api_?key|private_?key|psk)$"
#     secret_reference_pattern: "^(\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}|(env|file|vault|kms):.+)$"
#     min_tls_version: "1.2"
package mdrgate.controls.rel05

import data.mdrgate.lib

_paths := lib.strings_of(lib.param("REL-05", "paths"))

_configs := [d | some p in _paths; d := lib.doc(p)]

_other_files := {p | some p in lib.files_under("config/default."); not lib.doc(p)}

deny contains lib.violation(
	sprintf("%s is not read: the default configuration must be YAML (%s) listed in documents: in .mdrgate.yaml", [p, concat(" or ", _paths)]),
	p, 0,
) if {
	count(_configs) == 0
	some p in _other_files
}

deny contains lib.violation(
	sprintf("no default configuration: ship it as %s and list it in documents: in .mdrgate.yaml", [concat(" or ", _paths)]),
	"", 0,
) if {
	count(_configs) == 0
	count(_other_files) == 0
}

deny contains lib.violation(sprintf("%s: %s", [d.path, problem]), d.path, 0) if {
	some d in _configs
	problem := lib.front_matter_problem(d)
}

# _nodes are [document path, dotted key path, key, value] of every value in the configurations.
_nodes contains [d.path, _dotted(path), path[count(path) - 1], value] if {
	some d in _configs
	is_object(d.front_matter)
	walk(d.front_matter, [path, value])
	count(path) > 0
}

_dotted(path) := concat(".", [sprintf("%v", [p]) | some p in path])

_key(k) := lower(k) if is_string(k)

else := ""

# Credentials.

_cred_re := lib.param("REL-05", "credential_key_pattern")

_ref_re := lib.param("REL-05", "secret_reference_pattern")

deny contains lib.violation(sprintf("%s: %s is empty: a default credential must be null (set at commissioning) or a secret-store reference", [p, k]), p, 0) if {
	some [p, k, key, v] in _nodes
	is_string(key)
	regex.match(_cred_re, key)
	is_string(v)
	trim_space(v) == ""
}

deny contains lib.violation(sprintf("%s: %s holds a literal default credential: use null (set at commissioning) or a secret-store reference", [p, k]), p, 0) if {
	some [p, k, key, v] in _nodes
	is_string(key)
	regex.match(_cred_re, key)
	_literal(v)
}

_literal(v) if is_number(v)

_literal(v) if {
	is_string(v)
	trim_space(v) != ""
	not regex.match(_ref_re, v)
}

# TLS.

_tls := [[p, k, v] | some [p, k, key, v] in _nodes; _key(key) == "tls"]

deny contains lib.violation(sprintf("%s has no tls section: TLS must be on by default, with a minimum version", [d.path]), d.path, 0) if {
	some d in _configs
	is_object(d.front_matter)
	count([1 | some [p, _, _] in _tls; p == d.path]) == 0
}

deny contains lib.violation(sprintf("%s: %s is not a map with enabled and min_version", [p, k]), p, 0) if {
	some [p, k, v] in _tls
	not is_object(v)
}

deny contains lib.violation(sprintf("%s: %s.enabled is false: TLS must be on by default", [p, k]), p, 0) if {
	some [p, k, v] in _tls
	is_object(v)
	object.get(v, "enabled", true) == false
}

_min := lib.param("REL-05", "min_tls_version")

_version_number(x) := to_number(regex.find_n(`[0-9]+\.[0-9]+`, sprintf("%v", [x]), 1)[0])

deny contains lib.violation(sprintf("%s: %s has no min_version: set it to %v or later", [p, k, _min]), p, 0) if {
	some [p, k, v] in _tls
	is_object(v)
	not _version_number(object.get(v, "min_version", ""))
}

deny contains lib.violation(sprintf("%s: %s.min_version %v is below %v (parameter min_tls_version)", [p, k, v.min_version, _min]), p, 0) if {
	some [p, k, v] in _tls
	is_object(v)
	_version_number(v.min_version) < _version_number(_min)
}

deny contains lib.violation(sprintf("%s: %s is true: certificate verification must stay on by default", [p, k]), p, 0) if {
	some [p, k, key, v] in _nodes
	_key(key) in {"insecure", "insecure_skip_verify", "skip_verify", "allow_insecure"}
	v == true
}

deny contains lib.violation(sprintf("%s: %s is false: certificate verification must stay on by default", [p, k]), p, 0) if {
	some [p, k, key, v] in _nodes
	_key(key) in {"verify", "verify_peer", "verify_certificates"}
	v == false
}

# Debug.

deny contains lib.violation(sprintf("%s: %s is on: debug features must be off in the shipped configuration", [p, k]), p, 0) if {
	some [p, k, key, v] in _nodes
	regex.match(`(^|_)debug($|_)`, _key(key))
	v == true
}

deny contains lib.violation(sprintf("%s: %s is %s: ship a log level that does not expose debug data", [p, k, v]), p, 0) if {
	some [p, k, key, v] in _nodes
	_key(key) in {"log_level", "loglevel"}
	is_string(v)
	lower(v) in {"debug", "trace"}
}

# Services.

deny contains lib.violation(sprintf("%s: service %s is enabled by default without required_by: disable it or say which requirement needs it", [p, name]), p, 0) if {
	some [p, _, key, v] in _nodes
	_key(key) == "services"
	is_object(v)
	some name, s in v
	is_object(s)
	s.enabled == true
	not lib.non_empty_string(object.get(s, "required_by", null))
}

# Documented defaults.

_leaves := {[p, k, v] | some [p, k, _, v] in _nodes; not is_object(v); not is_array(v)}

deny contains lib.violation(
	sprintf("%s: documented_defaults %s is %s but the shipped configuration has %s", [d.path, k, json.marshal(want), concat(", ", sort([sprintf("%s in %s", [json.marshal(v), p]) | some [p, k2, v] in _leaves; k2 == k]))]),
	d.path, 0,
) if {
	some d in lib.ifu_security_docs
	defaults := lib.front_matter(d).documented_defaults
	is_object(defaults)
	some k, want in defaults
	some [_, k2, have] in _leaves
	k2 == k
	have != want
}

deny contains lib.violation(
	sprintf("%s: documented_defaults %s is not in the shipped configuration (%s)", [d.path, k, concat(", ", sort([c.path | some c in _configs]))]),
	d.path, 0,
) if {
	count(_configs) > 0
	some d in lib.ifu_security_docs
	defaults := lib.front_matter(d).documented_defaults
	is_object(defaults)
	some k, _ in defaults
	not k in {k2 | some [_, k2, _] in _leaves}
}
