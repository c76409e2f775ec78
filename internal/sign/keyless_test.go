package sign_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"

	"github.com/mdrgate/mdrgate/internal/sign"
	"github.com/mdrgate/mdrgate/internal/sign/signtest"
	"github.com/mdrgate/mdrgate/internal/verify"
)

const (
	testIssuer   = "https://token.ci.example"
	testIdentity = "release-bot@infucore.example"
)

func keyless(t *testing.T, ss *signtest.Sigstore, tok string) *sign.Keyless {
	t.Helper()
	k, err := sign.NewKeyless(sign.KeylessOptions{FulcioURL: ss.FulcioURL, RekorURL: ss.RekorURL, IDToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func verifier(t *testing.T, ss *signtest.Sigstore, identity string, ropts ...remote.Option) *verify.Verifier {
	t.Helper()
	tr, err := ss.TrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.NewWithTrustedMaterial(verify.Options{
		Identities:    []verify.Identity{{Subject: identity, Issuer: testIssuer}},
		IgnoreSCT:     true,
		RemoteOptions: ropts,
	}, tr)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestKeylessFileAndDSSE: keyless bundles of a file and of a DSSE payload carry
// a certificate for the token's identity and a Rekor entry; they verify with
// that identity against the loopback Sigstore's trust root, not with another
// identity, and one certificate serves both signatures.
func TestKeylessFileAndDSSE(t *testing.T) {
	ss := signtest.New(t)
	tok := signtest.Token(t, testIssuer, "repo:infucore/fw", testIdentity)
	k := keyless(t, ss, tok)
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "fw.bin")
	data := []byte("firmware 2.4.0")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fb, err := sign.File(ctx, data, k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sign.BundlePath(file), fb, 0o644); err != nil {
		t.Fatal(err)
	}
	statement := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"fw.bin","digest":{"sha256":"00"}}],"predicateType":"https://example/p","predicate":{}}`)
	db, err := sign.DSSE(ctx, statement, "application/vnd.in-toto+json", k)
	if err != nil {
		t.Fatal(err)
	}
	dsseFile := filepath.Join(dir, "att.sigstore.json")
	if err := os.WriteFile(dsseFile, db, 0o644); err != nil {
		t.Fatal(err)
	}
	certs, entries, tokens := ss.Calls()
	if certs != 1 || entries != 2 || len(tokens) != 1 || tokens[0] != tok {
		t.Fatalf("Fulcio issued %d certificate(s), Rekor logged %d entries; want 1 and 2", certs, entries)
	}
	if c := k.Certificate(); c == nil || len(c.EmailAddresses) != 1 || c.EmailAddresses[0] != testIdentity {
		t.Fatalf("certificate: %+v", c)
	}
	if chain := k.CertificateChain(); bytes.Count(chain, []byte("BEGIN CERTIFICATE")) != 2 {
		t.Fatalf("chain: %s", chain)
	}

	for _, tc := range []struct {
		name, identity string
		want           bool
	}{{"right identity", testIdentity, true}, {"wrong identity", "attacker@evil.example", false}} {
		t.Run(tc.name, func(t *testing.T) {
			v := verifier(t, ss, tc.identity)
			a, err := v.File(ctx, file, verify.FileOptions{Bundle: sign.BundlePath(file)})
			if err != nil {
				t.Fatal(err)
			}
			if verify.Verified(a) != tc.want {
				t.Fatalf("file verified = %v, want %v: %v", verify.Verified(a), tc.want, verify.Reasons(a))
			}
			if tc.want && (a.Verifications[0].Identity != testIdentity || a.Verifications[0].Issuer != testIssuer) {
				t.Errorf("verified as %s (%s)", a.Verifications[0].Identity, a.Verifications[0].Issuer)
			}
			att, err := v.AttestationBundle(dsseFile)
			if err != nil {
				t.Fatal(err)
			}
			if att.Verification.Verified != tc.want || !bytes.Equal(att.Statement, statement) {
				t.Fatalf("attestation verified = %v, want %v: %s", att.Verification.Verified, tc.want, att.Verification.Reason)
			}
		})
	}
	// A file changed after signing does not verify.
	if err := os.WriteFile(file, []byte("firmware 2.4.1"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := verifier(t, ss, testIdentity).File(ctx, file, verify.FileOptions{Bundle: sign.BundlePath(file)})
	if err != nil || verify.Verified(a) {
		t.Fatalf("a changed file verified: %v %v", err, a)
	}
	// The bundle holds an inclusion proof and promise (bundle v0.3).
	b, err := sgbundle.LoadJSONFromPath(dsseFile)
	if err != nil {
		t.Fatal(err)
	}
	if tles := b.GetVerificationMaterial().GetTlogEntries(); len(tles) != 1 || tles[0].GetInclusionProof() == nil || tles[0].GetInclusionPromise() == nil {
		t.Fatalf("tlog entries: %v", tles)
	}
}

// TestKeylessImage: a keyless image signature and attestation in an in-process
// registry carry the certificate, chain and Rekor bundle, and verify with the
// identity (cosign's verification code, offline) but not with another one.
func TestKeylessImage(t *testing.T) {
	ss := signtest.New(t)
	k := keyless(t, ss, signtest.Token(t, testIssuer, "repo:infucore/fw", testIdentity))
	ctx := context.Background()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	img, err := random.Image(512, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag(u.Host + "/infucore/fw:2.4.0")
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	ds, err := sign.Image(ctx, tag.String(), k)
	if err != nil || len(ds) != 1 {
		t.Fatalf("sign.Image: %v %v", ds, err)
	}
	statement := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"fw","digest":{"sha256":"` + ds[0].DigestStr()[7:] + `"}}],"predicateType":"https://example/p","predicate":{"ok":true}}`)
	att, err := sign.Attestation(ctx, statement, "application/vnd.in-toto+json", "https://example/p", k)
	if err != nil {
		t.Fatal(err)
	}
	se, err := ociremote.SignedEntity(ds[0])
	if err != nil {
		t.Fatal(err)
	}
	if se, err = mutate.AttachAttestationToEntity(se, att); err != nil {
		t.Fatal(err)
	}
	if err := ociremote.WriteAttestations(ds[0].Repository, se); err != nil {
		t.Fatal(err)
	}
	// The stored signature has the certificate, chain and Rekor bundle annotations.
	sigs, err := se.Signatures()
	if err != nil {
		t.Fatal(err)
	}
	sl, _ := sigs.Get()
	if len(sl) != 1 {
		t.Fatalf("%d signatures", len(sl))
	}
	cert, _ := sl[0].Cert()
	chain, _ := sl[0].Chain()
	rb, _ := sl[0].Bundle()
	if cert == nil || len(chain) != 2 || rb == nil || len(rb.SignedEntryTimestamp) == 0 {
		t.Fatalf("signature: cert %v, chain %d, bundle %v", cert != nil, len(chain), rb)
	}
	layer, _ := att.Payload()
	var env struct{ Payload string }
	if err := json.Unmarshal(layer, &env); err != nil {
		t.Fatal(err)
	}
	if p, _ := base64.StdEncoding.DecodeString(env.Payload); !bytes.Equal(p, statement) {
		t.Fatalf("attestation payload: %s", p)
	}
	for _, tc := range []struct {
		identity string
		want     bool
	}{{testIdentity, true}, {"attacker@evil.example", false}} {
		v := verifier(t, ss, tc.identity)
		a, err := v.Image(ctx, tag.String())
		if err != nil {
			t.Fatal(err)
		}
		if verify.Verified(a) != tc.want {
			t.Errorf("%s: image verified = %v, want %v: %v", tc.identity, verify.Verified(a), tc.want, verify.Reasons(a))
		}
		_, _, atts, err := v.ImageAttestations(ctx, tag.String(), "https://example/p")
		if err != nil || len(atts) != 1 {
			t.Fatalf("%s: attestations %d: %v", tc.identity, len(atts), err)
		}
		if atts[0].Verification.Verified != tc.want {
			t.Errorf("%s: attestation verified = %v, want %v: %s", tc.identity, atts[0].Verification.Verified, tc.want, atts[0].Verification.Reason)
		}
	}
	if !strings.Contains(k.String(), ss.FulcioURL) {
		t.Errorf("String() = %s", k.String())
	}
}

// TestKeylessToken: NewKeyless refuses a missing token or one that is not a
// JWT, saying how to give one, never quoting it; a token Fulcio refuses fails
// the signature with an error that does not contain it.
func TestKeylessToken(t *testing.T) {
	ss := signtest.New(t)
	for _, tc := range []struct{ name, tok, want string }{
		{"missing", "", "--identity-token or SIGSTORE_ID_TOKEN"},
		{"not a JWT", "secret-opaque-token-value", "not an OIDC identity token"},
		{"claims not JSON", "aGVhZGVy.bm90LWpzb24tc2VjcmV0.c2ln", "not a JSON object"},
		{"no issuer", signtest.Token(t, "", "someone", ""), "no issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sign.NewKeyless(sign.KeylessOptions{FulcioURL: ss.FulcioURL, RekorURL: ss.RekorURL, IDToken: tc.tok})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if tc.tok != "" && strings.Contains(err.Error(), tc.tok) {
				t.Errorf("the error quotes the token: %v", err)
			}
		})
	}
	for _, tc := range []struct{ flag, fulcio, rekor string }{
		{"--fulcio-url", "fulcio.example", ss.RekorURL},
		{"--rekor-url", ss.FulcioURL, "ftp://rekor.example"},
	} {
		_, err := sign.NewKeyless(sign.KeylessOptions{FulcioURL: tc.fulcio, RekorURL: tc.rekor, IDToken: signtest.Token(t, testIssuer, "x", "")})
		if err == nil || !strings.Contains(err.Error(), "invalid "+tc.flag) {
			t.Errorf("%s: err = %v", tc.flag, err)
		}
	}
	// A Fulcio that echoes the request in its error: the error does not quote the token.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte("rejected " + r.Header.Get("Authorization")))
	}))
	t.Cleanup(echo.Close)
	tok := signtest.Token(t, testIssuer, "someone", "")
	k, err := sign.NewKeyless(sign.KeylessOptions{FulcioURL: echo.URL, RekorURL: ss.RekorURL, IDToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sign.File(context.Background(), []byte("x"), k)
	if err == nil || !strings.Contains(err.Error(), "Fulcio") || !strings.Contains(err.Error(), "rejected Bearer [identity token]") {
		t.Fatalf("err = %v, want Fulcio's refusal with the token scrubbed", err)
	}
	for _, part := range append(strings.Split(tok, "."), tok) {
		if strings.Contains(err.Error(), part) {
			t.Fatalf("the error quotes the token: %v", err)
		}
	}
}
