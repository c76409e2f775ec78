# METADATA
# title: Signed artefacts, checksums and build provenance
# description: >-
#   Reads the released artefacts with the results of verifying their signatures
#   (input.artefacts, filled by mdrgate check --image/--artefact) and the build
#   provenance. Every artefact needs a sha256 digest and at least one signature
#   verification that verified with an identity matching identity_pattern and an issuer
#   matching issuer_pattern (by default a GitHub Actions workflow run for a tag, keyless);
#   a failed verification is reported with its reason. Every artefact digest must be a
#   subject of the build provenance, and the provenance must name the released source:
#   a material whose gitCommit or sha1 digest is HEAD, or whose URI ends in
#   @refs/tags/<release tag>. The release's checksum list
#   release/<version>/SHA256SUMS must be in the repository (its content is not read
#   here; artefact verification compares against it). Without artefacts the control is
#   not_available. Whether the archive is immutable is not evidenced yet.
# custom:
#   id: REL-02
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.8.3", "5.8.4", "6.3.3", "8"]
#     mdcg: ["4.2"]
#     fda: ["App1 Integrity", "App1 Software Updates"]
#     ssdf: ["PS.2.1", "PS.3.1"]
#     iec62304: ["5.8.7", "5.8.8"]
#     cra: ["I-2(f)", "II-7"]
#   evidence: ["artefacts"]
#   events: [release]
#   remediation: >-
#     Sign every released artefact in the release workflow (cosign keyless or a KMS key),
#     attest it with SLSA provenance whose subjects are the artefact digests and whose
#     materials name the tagged commit, commit release/<version>/SHA256SUMS, and verify
#     with mdrgate check --image/--artefact.
#   params:
#     identity_pattern: "^https://github\\.com/[^/]+/[^/]+/\\.github/workflows/[^@]+@refs/tags/"
#     issuer_pattern: "^https://token\\.actions\\.githubusercontent\\.com$"
#     checksums_file: SHA256SUMS
package mdrgate.controls.rel02

import data.mdrgate.lib

_artefacts := object.get(input, "artefacts", [])

_identity_re := lib.param("REL-02", "identity_pattern")

_issuer_re := lib.param("REL-02", "issuer_pattern")

_digest(a) := lower(object.get(a, ["digest", "sha256"], ""))

_label(a) := sprintf("%s %s", [object.get(a, "kind", "artefact"), object.get(a, "ref", "?")])

_signatures(a) := [v | some v in object.get(a, "verifications", []); v.type == "signature"]

_good(v) if {
	v.type == "signature"
	v.verified == true
	regex.match(_identity_re, object.get(v, "identity", ""))
	regex.match(_issuer_re, object.get(v, "issuer", ""))
}

deny contains lib.violation(sprintf("%s has no sha256 digest: it cannot be tied to its signature and provenance", [_label(a)]), "", 0) if {
	some a in _artefacts
	_digest(a) == ""
}

deny contains lib.violation(sprintf("%s has no signature: sign it in the release workflow", [_label(a)]), "", 0) if {
	some a in _artefacts
	count(_signatures(a)) == 0
}

deny contains lib.violation(
	sprintf("%s: signature%s did not verify: %s", [_label(a), _platform(v), _reason(v)]),
	"", 0,
) if {
	some a in _artefacts
	some v in _signatures(a)
	v.verified != true
}

deny contains lib.violation(
	sprintf("%s: signature%s by %s (issuer %s) is not from an allowed signer (identity_pattern %s, issuer_pattern %s)", [
		_label(a), _platform(v), json.marshal(object.get(v, "identity", "")), json.marshal(object.get(v, "issuer", "")),
		_identity_re, _issuer_re,
	]),
	"", 0,
) if {
	some a in _artefacts
	some v in _signatures(a)
	v.verified == true
	not _good(v)
}

deny contains lib.violation(
	sprintf("%s: attestation%s did not verify: %s", [_label(a), _platform(v), _reason(v)]),
	"", 0,
) if {
	some a in _artefacts
	some v in object.get(a, "verifications", [])
	v.type == "attestation"
	v.verified != true
}

_platform(v) := sprintf(" (%s)", [v.platform]) if lib.non_empty_string(object.get(v, "platform", ""))

else := ""

_reason(v) := v.reason if lib.non_empty_string(object.get(v, "reason", ""))

else := "no reason given"

# Provenance.

_provenance := object.get(input, ["build", "provenance"], [])

_subject_digests := {lower(d) |
	some p in _provenance
	some s in p.subjects
	d := object.get(s, ["digest", "sha256"], "")
	d != ""
}

deny contains lib.violation("no build provenance: attest the release build with SLSA provenance naming the artefacts", "", 0) if {
	count(_artefacts) > 0
	count(_provenance) == 0
}

deny contains lib.violation(
	sprintf("%s (sha256 %s) is not a subject of the build provenance (%s)", [_label(a), substring(_digest(a), 0, 12), concat(", ", sort({p.path | some p in _provenance}))]),
	"", 0,
) if {
	count(_provenance) > 0
	some a in _artefacts
	_digest(a) != ""
	not _digest(a) in _subject_digests
}

_head := object.get(input, ["repo", "git", "head"], "")

_tags := {lib.strip_v(t.name) | some t in object.get(input, ["repo", "git", "tags"], []); t.commit == _head} | {lib.release_version | lib.release_version}

_names_source(m) if {
	_head != ""
	some k in ["gitCommit", "sha1"]
	lower(object.get(m, ["digest", k], "")) == lower(_head)
}

_names_source(m) if {
	uri := object.get(m, "uri", "")
	some t in _tags
	some form in [t, concat("", ["v", t])]
	endswith(uri, concat("", ["@refs/tags/", form]))
}

deny contains lib.violation(
	sprintf("%s: the provenance names no material for the released source (a gitCommit digest equal to HEAD %s, or a URI ending in @refs/tags/%s)", [p.path, substring(_head, 0, 12), concat(" or ", sort(_tags))]),
	p.path, 0,
) if {
	count(_artefacts) > 0
	some p in _provenance
	not _any_source(p)
}

_any_source(p) if {
	some m in object.get(p, "materials", [])
	_names_source(m)
}

# Checksums.

_sums := concat("", [lib.release_dir, lib.param("REL-02", "checksums_file")])

deny contains lib.violation(
	sprintf("%s is missing: publish the artefacts' SHA-256 checksums with the release", [_sums]),
	_sums, 0,
) if {
	count(_artefacts) > 0
	lib.release_version
	not lib.has_file(_sums)
}

not_available contains "cannot tell the release version: set product.version in .mdrgate.yaml or tag HEAD" if {
	not lib.release_version
}
