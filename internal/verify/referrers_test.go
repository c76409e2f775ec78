package verify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	intotov1 "github.com/in-toto/attestation/go/v1"
	cbundle "github.com/sigstore/cosign/v2/pkg/cosign/bundle"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature/dsse"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/mdrgate/mdrgate/internal/sign"
	"github.com/mdrgate/mdrgate/internal/verify"
)

const cosignSignPredicate = "https://sigstore.dev/cosign/sign/v1"

// referrerRegistries are the in-process registries the bundle tests run on:
// one without the Referrers API (cosign and mdrgate use the referrers tag) and
// one with it.
func referrerRegistries(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for n, referrers := range map[string]bool{"referrers tag": false, "Referrers API": true} {
		srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(referrers)))
		t.Cleanup(srv.Close)
		u, _ := url.Parse(srv.URL)
		out[n] = u.Host
	}
	return out
}

// bundleSign signs subject the way 'cosign sign --new-bundle-format --key'
// (cosign v2.6.5, signDigestBundle) does: a DSSE-signed in-toto statement whose
// subject is the digest of statementFor, written as a Sigstore bundle referrer
// of subject with cosign's own library.
func bundleSign(t *testing.T, s *sign.Signer, subject, statementFor name.Digest, predicateType string) {
	t.Helper()
	parts := strings.SplitN(statementFor.DigestStr(), ":", 2)
	payload, err := protojson.Marshal(&intotov1.Statement{
		Type:          intotov1.StatementTypeUri,
		Subject:       []*intotov1.ResourceDescriptor{{Digest: map[string]string{parts[0]: parts[1]}}},
		PredicateType: predicateType,
	})
	if err != nil {
		t.Fatal(err)
	}
	env, err := dsse.WrapSigner(s.SignerVerifier(), "application/vnd.in-toto+json").SignMessage(bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	pem, err := cryptoutils.MarshalPublicKeyToPEM(s.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	b, err := cbundle.MakeNewBundle(s.PublicKey(), nil, payload, env, pem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ociremote.WriteAttestationNewBundleFormat(subject, b, predicateType); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyImageReferrerBundle: images signed as Sigstore bundle referrers verify
// with the key that signed them and only for the image the statement names.
func TestVerifyImageReferrerBundle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, pub, s := keyPair(t, dir, "cosign")
	_, otherPub, _ := keyPair(t, dir, "other")
	for regName, host := range referrerRegistries(t) {
		t.Run(regName, func(t *testing.T) {
			signed := pushImage(t, host+"/app/signed:v1")
			bundleSign(t, s, signed, signed, cosignSignPredicate)
			unsigned := pushImage(t, host+"/app/unsigned:v1")
			attested := pushImage(t, host+"/app/attested:v1")
			bundleSign(t, s, attested, attested, "https://slsa.dev/provenance/v1")
			// A valid signature of another image, attached to this one.
			moved := pushImage(t, host+"/app/moved:v1")
			bundleSign(t, s, moved, signed, cosignSignPredicate)

			fallback, err := remote.Head(signed.Context().Tag(strings.Replace(signed.DigestStr(), ":", "-", 1)))
			if (err == nil) != (regName == "referrers tag") {
				t.Fatalf("referrers tag: %v, %v: the registry is not the kind the test means", fallback, err)
			}

			for _, tt := range []struct {
				name, ref, key string
				verified       bool
				reasons        []string
			}{
				{"signed, by tag", host + "/app/signed:v1", pub, true, nil},
				{"signed, by digest", signed.String(), pub, true, nil},
				{"another key", signed.String(), otherPub, false, []string{".sig tag: key " + otherPub + ": no signature found", "Sigstore bundle referrers: bundle sha256:", ": key " + otherPub + ": "}},
				{"no signature", unsigned.String(), pub, false, []string{".sig tag: key " + pub + ": no signature found; Sigstore bundle referrers: no signature found"}},
				{"an attestation is not a signature", attested.String(), pub, false, []string{`an attestation of predicate type "https://slsa.dev/provenance/v1"`}},
				{"the statement names another image", moved.String(), pub, false, []string{"the signed statement's subject is not " + moved.DigestStr()}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					v := verifier(t, verify.Options{Keys: []string{tt.key}, IgnoreTlog: true})
					a, err := v.Image(ctx, tt.ref)
					if err != nil {
						t.Fatal(err)
					}
					if got := verify.Verified(a); got != tt.verified {
						t.Fatalf("verified = %v, want %v: %q", got, tt.verified, verify.Reasons(a))
					}
					if len(a.Verifications) != 1 {
						t.Fatalf("verifications = %+v, want one", a.Verifications)
					}
					if got := a.Verifications[0]; tt.verified && (got.Type != "signature" || got.Identity != "key:"+tt.key || got.Reason != "") {
						t.Errorf("verification = %+v", got)
					}
					r := strings.Join(verify.Reasons(a), "; ")
					for _, w := range tt.reasons {
						if !strings.Contains(r, w) {
							t.Errorf("reasons %q do not contain %q", r, w)
						}
					}
				})
			}
		})
	}
}

// TestVerifyIndexMixedFormats: each platform of an index is verified on its own, and
// a platform signed in either format counts.
func TestVerifyIndexMixedFormats(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, pub, s := keyPair(t, dir, "cosign")
	for regName, host := range referrerRegistries(t) {
		t.Run(regName, func(t *testing.T) {
			idx, plats := pushIndex(t, host+"/app/multi:v1")
			bundleSign(t, s, idx, idx, cosignSignPredicate)
			bundleSign(t, s, plats["linux/amd64"], plats["linux/amd64"], cosignSignPredicate)
			v := verifier(t, verify.Options{Keys: []string{pub}, IgnoreTlog: true})
			a, err := v.Image(ctx, idx.String())
			if err != nil {
				t.Fatal(err)
			}
			r := verify.Reasons(a)
			if verify.Verified(a) || len(r) != 1 || !strings.HasPrefix(r[0], "platform linux/arm64: .sig tag: ") || !strings.Contains(r[0], "Sigstore bundle referrers: no signature found") {
				t.Fatalf("verified = %v, reasons = %q: want linux/arm64 unsigned in both formats", verify.Verified(a), r)
			}

			// linux/arm64 signed in the legacy format: the index verifies.
			signOne(t, s, plats["linux/arm64"])
			a, err = v.Image(ctx, idx.String())
			if err != nil {
				t.Fatal(err)
			}
			if !verify.Verified(a) || len(a.Verifications) != 3 {
				t.Fatalf("verified = %v: %+v", verify.Verified(a), a.Verifications)
			}
			for _, ver := range a.Verifications {
				if ver.Type != "signature" || ver.Identity != "key:"+pub {
					t.Errorf("verification = %+v", ver)
				}
			}
		})
	}
}

// TestVerifyImageReferrerBundleKeyless: a keyless Sigstore bundle referrer (a
// certificate from a virtual Fulcio, the entry in a virtual Rekor) verifies for
// the identity in the certificate only.
func TestVerifyImageReferrerBundleKeyless(t *testing.T) {
	ctx := context.Background()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	const ident, issuer = "release@infucore.example", "https://token.actions.githubusercontent.com"
	for regName, host := range referrerRegistries(t) {
		t.Run(regName, func(t *testing.T) {
			d := pushImage(t, host+"/app/keyless-bundle:v1")
			keylessBundleSign(t, vs, d, ident, issuer)
			for _, tt := range []struct {
				name     string
				id       verify.Identity
				verified bool
			}{
				{"matching identity", verify.Identity{Subject: ident, Issuer: issuer}, true},
				{"wrong subject", verify.Identity{Subject: "attacker@example.com", Issuer: issuer}, false},
				{"wrong issuer", verify.Identity{Subject: ident, Issuer: "https://accounts.google.com"}, false},
			} {
				t.Run(tt.name, func(t *testing.T) {
					v, err := verify.NewWithTrustedMaterial(verify.Options{Identities: []verify.Identity{tt.id}, IgnoreSCT: true}, vs)
					if err != nil {
						t.Fatal(err)
					}
					a, err := v.Image(ctx, d.String())
					if err != nil {
						t.Fatal(err)
					}
					if verify.Verified(a) != tt.verified {
						t.Fatalf("verified = %v, want %v: %q", verify.Verified(a), tt.verified, verify.Reasons(a))
					}
					got := a.Verifications[0]
					if tt.verified && (got.Type != "signature" || got.Identity != ident || got.Issuer != issuer) {
						t.Errorf("verification = %+v", got)
					}
					if !tt.verified && (!strings.Contains(got.Reason, "Sigstore bundle referrers: bundle sha256:") || !strings.Contains(got.Reason, "keyless: failed to verify certificate identity")) {
						t.Errorf("reason %q does not name the bundle and its identity mismatch", got.Reason)
					}
				})
			}
		})
	}
}

// keylessBundleSign attaches to d a v0.3 Sigstore bundle of the statement
// 'cosign sign --new-bundle-format' signs, signed keyless by the virtual Sigstore.
func keylessBundleSign(t *testing.T, vs *ca.VirtualSigstore, d name.Digest, ident, issuer string) {
	t.Helper()
	parts := strings.SplitN(d.DigestStr(), ":", 2)
	payload, err := protojson.Marshal(&intotov1.Statement{
		Type:          intotov1.StatementTypeUri,
		Subject:       []*intotov1.ResourceDescriptor{{Digest: map[string]string{parts[0]: parts[1]}}},
		PredicateType: cosignSignPredicate,
	})
	if err != nil {
		t.Fatal(err)
	}
	ent, err := vs.AttestAtTime(ident, issuer, payload, time.Now().Add(5*time.Minute), true)
	if err != nil {
		t.Fatal(err)
	}
	vc, _ := ent.VerificationContent()
	sc, _ := ent.SignatureContent()
	tles, _ := ent.TlogEntries()
	env := sc.EnvelopeContent().RawEnvelope()
	body, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil {
		t.Fatal(err)
	}
	// The virtual Rekor's entry lacks what a bundle carries: its kind and the
	// inclusion promise (the signed entry timestamp), made here as Rekor would.
	tle := tles[0].TransparencyLogEntry()
	tle.KindVersion = &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"}
	set, err := vs.RekorSignPayload(tlog.RekorPayload{
		Body:           base64.StdEncoding.EncodeToString(tle.GetCanonicalizedBody()),
		IntegratedTime: tle.GetIntegratedTime(),
		LogIndex:       tle.GetLogIndex(),
		LogID:          hex.EncodeToString(tle.GetLogId().GetKeyId()),
	})
	if err != nil {
		t.Fatal(err)
	}
	tle.InclusionPromise = &protorekor.InclusionPromise{SignedEntryTimestamp: set}
	pb := &protobundle.Bundle{
		MediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content:     &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: vc.Certificate().Raw}},
			TlogEntries: []*protorekor.TransparencyLogEntry{tle},
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: body, PayloadType: env.PayloadType, Signatures: []*protodsse.Signature{{Sig: sig}},
		}},
	}
	b, err := protojson.Marshal(pb)
	if err != nil {
		t.Fatal(err)
	}
	if err := ociremote.WriteAttestationNewBundleFormat(d, b, cosignSignPredicate); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyImageReferrerBundleBadReferrers: referrers that are not usable
// bundles never verify, and each is named with why.
func TestVerifyImageReferrerBundleBadReferrers(t *testing.T) {
	ctx := context.Background()
	_, pub, _ := keyPair(t, t.TempDir(), "cosign")
	host := referrerRegistries(t)["Referrers API"]
	invalid := pushImage(t, host+"/app/invalid:v1")
	if err := ociremote.WriteAttestationNewBundleFormat(invalid, []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`), cosignSignPredicate); err != nil {
		t.Fatal(err)
	}
	many := pushImage(t, host+"/app/many:v1")
	for i := 0; i < 65; i++ {
		if err := ociremote.WriteAttestationNewBundleFormat(many, []byte(fmt.Sprintf("not a bundle %d", i)), cosignSignPredicate); err != nil {
			t.Fatal(err)
		}
	}
	v := verifier(t, verify.Options{Keys: []string{pub}, IgnoreTlog: true})
	for _, tt := range []struct {
		name string
		d    name.Digest
		want string
	}{
		{"the bundle is named", invalid, "Sigstore bundle referrers: bundle sha256:"},
		{"not a valid bundle", invalid, ": not a valid Sigstore bundle: "},
		{"too many referrers", many, "Sigstore bundle referrers: 65 referrers may hold a Sigstore bundle, only the first 64 (by digest) were read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := v.Image(ctx, tt.d.String())
			if err != nil {
				t.Fatal(err)
			}
			if r := strings.Join(verify.Reasons(a), "; "); verify.Verified(a) || !strings.Contains(r, tt.want) {
				t.Fatalf("verified = %v, reasons %q, want %q", verify.Verified(a), r, tt.want)
			}
		})
	}
}
