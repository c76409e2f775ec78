package verify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/cosign/v2/pkg/cosign"
	"github.com/sigstore/cosign/v2/pkg/oci"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/mdrgate/mdrgate/evidence"
)

// Attestation is one in-toto attestation found for an artefact: the statement
// (the DSSE payload, as signed) and the result of verifying its signature
// against the trusted keys and identities. Only the signature is verified
// here; whether the statement is about the artefact is the caller's check.
type Attestation struct {
	Statement     []byte
	PredicateType string
	Verification  evidence.Verification
}

// statementHeader decodes what every in-toto statement has.
type statementHeader struct {
	Type          string `json:"_type"`
	PredicateType string `json:"predicateType"`
}

// ImageAttestations reads the cosign attestations attached to an image and
// verifies the signature of each one whose predicate type is predicateType. It
// returns the image's digest and descriptor too. Registry errors are errors:
// a reviewer must not read "no attestation" into an unreachable registry.
func (v *Verifier) ImageAttestations(ctx context.Context, ref, predicateType string) (name.Digest, v1.Descriptor, []Attestation, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return name.Digest{}, v1.Descriptor{}, nil, usage("image %q: not an image reference (expected REGISTRY/REPOSITORY:TAG or @sha256:DIGEST): %v", ref, err)
	}
	ropts := v.remoteOptions(ctx)
	desc, err := remote.Head(r, ropts...)
	if err != nil {
		return name.Digest{}, v1.Descriptor{}, nil, fmt.Errorf("image %s: %w", ref, err)
	}
	d := r.Context().Digest(desc.Digest.String())
	oopts := []ociremote.Option{ociremote.WithRemoteOptions(ropts...)}
	se, err := ociremote.SignedEntity(d, oopts...)
	if err != nil {
		return d, *desc, nil, fmt.Errorf("image %s: %w", d, err)
	}
	atts, err := se.Attestations()
	if err != nil {
		return d, *desc, nil, fmt.Errorf("reading the attestations of %s: %w", d, err)
	}
	sl, err := atts.Get()
	if err != nil {
		return d, *desc, nil, fmt.Errorf("reading the attestations of %s: %w", d, err)
	}
	var out []Attestation
	for _, att := range sl {
		payload, err := att.Payload()
		if err != nil {
			return d, *desc, nil, fmt.Errorf("reading an attestation of %s: %w", d, err)
		}
		var env struct {
			PayloadType string `json:"payloadType"`
			Payload     string `json:"payload"`
		}
		if json.Unmarshal(payload, &env) != nil {
			continue // not a DSSE envelope: not an attestation of ours
		}
		st, err := base64.StdEncoding.DecodeString(env.Payload)
		if err != nil {
			continue
		}
		var h statementHeader
		if json.Unmarshal(st, &h) != nil || h.PredicateType != predicateType {
			continue
		}
		out = append(out, Attestation{Statement: st, PredicateType: h.PredicateType, Verification: v.imageAttestation(ctx, att, desc.Digest)})
	}
	return d, *desc, out, nil
}

// imageAttestation verifies one attestation's signature with each trusted key,
// then with the keyless identities.
func (v *Verifier) imageAttestation(ctx context.Context, att oci.Signature, h v1.Hash) evidence.Verification {
	res := evidence.Verification{Type: "attestation"}
	var reasons []string
	for _, k := range v.keys {
		co := cosign.CheckOpts{SigVerifier: k.ver, IgnoreTlog: v.o.IgnoreTlog, IgnoreSCT: v.o.IgnoreSCT}
		if !co.IgnoreTlog {
			co.TrustedMaterial = v.trusted
		}
		if _, err := cosign.VerifyBlobAttestation(ctx, att, h, &co); err != nil {
			reasons = append(reasons, "key "+k.path+": "+reason(err))
			continue
		}
		res.Verified, res.Identity = true, "key:"+k.path
		return res
	}
	if len(v.o.Identities) > 0 {
		co := cosign.CheckOpts{TrustedMaterial: v.trusted, IgnoreSCT: v.o.IgnoreSCT}
		for _, id := range v.o.Identities {
			co.Identities = append(co.Identities, cosign.Identity{Subject: id.Subject, SubjectRegExp: id.SubjectRegexp, Issuer: id.Issuer, IssuerRegExp: id.IssuerRegexp})
		}
		if _, err := cosign.VerifyBlobAttestation(ctx, att, h, &co); err != nil {
			reasons = append(reasons, "keyless: "+reason(err))
		} else {
			res.Verified = true
			res.Identity, res.Issuer = signer([]oci.Signature{att})
			return res
		}
	}
	res.Reason = "the signature does not verify: " + joinReasons(reasons)
	return res
}

// AttestationBundle reads a Sigstore bundle holding a DSSE-signed in-toto
// statement and verifies its signature. An unreadable file or a bundle that is
// not an attestation is an error.
func (v *Verifier) AttestationBundle(path string) (Attestation, error) {
	b, err := sgbundle.LoadJSONFromPath(path)
	if err != nil {
		return Attestation{}, usage("--attestation %s: not a valid Sigstore bundle: %v", path, err)
	}
	sc, err := b.SignatureContent()
	if err != nil || sc.EnvelopeContent() == nil {
		return Attestation{}, usage("--attestation %s: the bundle signs no in-toto statement (no DSSE envelope): it is a signature, not an attestation", path)
	}
	if pt := sc.EnvelopeContent().RawEnvelope().PayloadType; pt != "application/vnd.in-toto+json" {
		return Attestation{}, usage("--attestation %s: the DSSE payload type is %q, not an in-toto statement (application/vnd.in-toto+json)", path, pt)
	}
	st, err := base64.StdEncoding.DecodeString(sc.EnvelopeContent().RawEnvelope().Payload)
	if err != nil {
		return Attestation{}, usage("--attestation %s: the DSSE payload is not base64: %v", path, err)
	}
	var h statementHeader
	if err := json.Unmarshal(st, &h); err != nil {
		return Attestation{}, usage("--attestation %s: the DSSE payload is not an in-toto statement: %v", path, err)
	}
	ver := v.Bundle(b, sgverify.WithoutArtifactUnsafe())
	if !ver.Verified {
		ver.Reason = "the signature does not verify: " + ver.Reason
	}
	return Attestation{Statement: st, PredicateType: h.PredicateType, Verification: ver}, nil
}

func joinReasons(r []string) string {
	if len(r) == 0 {
		return "no trusted key or identity"
	}
	return strings.Join(r, "; ")
}
