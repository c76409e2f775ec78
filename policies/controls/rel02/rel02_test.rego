package mdrgate.controls.rel02

_t_id := "https://github.com/example-medical/infucore/.github/workflows/release.yml@refs/tags/v2.4.0"

_t_iss := "https://token.actions.githubusercontent.com"

_t_dig := "f94768c1156433b96dec9686d3d87c2cde52f17c2afa66df165b7782bf36f2b2"

_t_art := {"kind": "file", "ref": "infucore-2.4.0.bin", "digest": {"sha256": _t_dig}, "verifications": [
	{"type": "signature", "verified": true, "platform": "", "identity": _t_id, "issuer": _t_iss, "reason": ""},
	{"type": "attestation", "verified": true, "platform": "", "identity": _t_id, "issuer": _t_iss, "reason": ""},
]}

_t_prov := {"path": "build/provenance.intoto.jsonl", "subjects": [{"name": "infucore-2.4.0.bin", "digest": {"sha256": _t_dig}}], "materials": [{"name": "", "uri": "git+https://github.com/example-medical/infucore@refs/tags/v2.4.0", "digest": {}}]}

_t_in(arts, provs, files) := {
	"product": {"version": "2.4.0"},
	"artefacts": arts,
	"build": {"provenance": provs},
	"repo": {"files": [{"path": f, "size": 1} | some f in files], "documents": [], "git": {"head": "c0ffee", "tags": [], "commits": [], "path_times": []}},
}

_t_ok := _t_in([_t_art], [_t_prov], ["release/2.4.0/SHA256SUMS"])

_t_msgs(inp) := {v.msg | some v in deny with input as inp}

test_pass_signed_attested_with_checksums if {
	count(deny) == 0 with input as _t_ok
	count(not_available) == 0 with input as _t_ok
}

test_pass_source_by_commit_digest if {
	prov := object.union(_t_prov, {"materials": [{"uri": "git+https://x", "digest": {"gitCommit": "C0FFEE"}}]})
	count(deny) == 0 with input as _t_in([_t_art], [prov], ["release/2.4.0/SHA256SUMS"])
}

test_fail_unsigned_and_failed_verification if {
	unsigned := object.union(_t_art, {"ref": "a.bin", "verifications": []})
	bad := object.union(_t_art, {"ref": "b.img", "kind": "image", "verifications": [{"type": "signature", "verified": false, "platform": "linux/arm64", "identity": "", "issuer": "", "reason": "no matching signatures"}]})
	_t_msgs(_t_in([unsigned, bad], [_t_prov], ["release/2.4.0/SHA256SUMS"])) == {
		"file a.bin has no signature: sign it in the release workflow",
		"image b.img: signature (linux/arm64) did not verify: no matching signatures",
	}
}

test_fail_wrong_identity if {
	v := {"type": "signature", "verified": true, "platform": "", "identity": "someone@example.com", "issuer": "https://accounts.google.com", "reason": ""}
	msgs := _t_msgs(_t_in([object.union(_t_art, {"verifications": [v]})], [_t_prov], ["release/2.4.0/SHA256SUMS"]))
	count(msgs) == 1
	some m in msgs
	contains(m, "is not from an allowed signer")
}

test_fail_provenance_and_checksums if {
	prov := object.union(object.remove(_t_prov, ["subjects"]), {"subjects": [{"name": "x", "digest": {"sha256": "00"}}], "materials": []})
	_t_msgs(_t_in([_t_art], [prov], [])) == {
		"file infucore-2.4.0.bin (sha256 f94768c11564) is not a subject of the build provenance (build/provenance.intoto.jsonl)",
		"build/provenance.intoto.jsonl: the provenance names no material for the released source (a gitCommit digest equal to HEAD c0ffee, or a URI ending in @refs/tags/2.4.0)",
		"release/2.4.0/SHA256SUMS is missing: publish the artefacts' SHA-256 checksums with the release",
	}
	_t_msgs(_t_in([_t_art], [], ["release/2.4.0/SHA256SUMS"])) == {"no build provenance: attest the release build with SLSA provenance naming the artefacts"}
}

test_fail_no_digest_failed_attestation if {
	a := object.union(object.remove(_t_art, ["digest"]), {"digest": {}, "verifications": [_t_art.verifications[0], {"type": "attestation", "verified": false, "platform": "", "identity": "", "issuer": "", "reason": "subject digest mismatch"}]})
	_t_msgs(_t_in([a], [_t_prov], ["release/2.4.0/SHA256SUMS"])) == {
		"file infucore-2.4.0.bin has no sha256 digest: it cannot be tied to its signature and provenance",
		"file infucore-2.4.0.bin: attestation did not verify: subject digest mismatch",
	}
}

test_not_available_without_release_version if {
	inp := object.union(_t_ok, {"product": {"version": ""}})
	not_available == {"cannot tell the release version: set product.version in .mdrgate.yaml or tag HEAD"} with input as inp
}
