package verify_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/cosign/v2/pkg/cosign"
	cbundle "github.com/sigstore/cosign/v2/pkg/cosign/bundle"
	cmutate "github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	sigpayload "github.com/sigstore/sigstore/pkg/signature/payload"

	"github.com/mdrgate/mdrgate/internal/sign"
	"github.com/mdrgate/mdrgate/internal/verify"
)

const realworld = "../../../shared/realworld/sigstore"

// keyPair writes a fresh cosign key pair to dir and returns the private key file,
// the public key file and the loaded signer.
func keyPair(t *testing.T, dir, stem string) (string, string, *sign.Signer) {
	t.Helper()
	pw := []byte("test-password-" + stem)
	kp, err := cosign.GenerateKeyPair(func(bool) ([]byte, error) { return pw, nil })
	if err != nil {
		t.Fatal(err)
	}
	priv, pub := filepath.Join(dir, stem+".key"), filepath.Join(dir, stem+".pub")
	if err := os.WriteFile(priv, kp.PrivateBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, kp.PublicBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := sign.Load(priv, pw)
	if err != nil {
		t.Fatal(err)
	}
	return priv, pub, s
}

func newRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Host
}

func pushImage(t *testing.T, ref string) name.Digest {
	t.Helper()
	img, err := random.Image(512, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	h, _ := img.Digest()
	return tag.Context().Digest(h.String())
}

// pushIndex pushes a two-platform index and returns the index and platform digests.
func pushIndex(t *testing.T, ref string) (name.Digest, map[string]name.Digest) {
	t.Helper()
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	var idx v1.ImageIndex = mutate.IndexMediaType(empty.Index, "application/vnd.oci.image.index.v1+json")
	plats := map[string]name.Digest{}
	for _, p := range []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}} {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		p := p
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
		h, _ := img.Digest()
		plats[p.String()] = tag.Context().Digest(h.String())
	}
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	h, _ := idx.Digest()
	return tag.Context().Digest(h.String()), plats
}

func verifier(t *testing.T, o verify.Options) *verify.Verifier {
	t.Helper()
	v, err := verify.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestImageKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, pub, s := keyPair(t, dir, "cosign")
	_, otherPub, _ := keyPair(t, dir, "other")
	host := newRegistry(t)
	signed := pushImage(t, host+"/app/signed:v1")
	unsigned := pushImage(t, host+"/app/unsigned:v1")
	if _, err := sign.Image(ctx, signed.String(), s); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ref, key string
		verified       bool
		reason         string
	}{
		{"signed with the key", host + "/app/signed:v1", pub, true, ""},
		{"signed by digest", signed.String(), pub, true, ""},
		{"another key", host + "/app/signed:v1", otherPub, false, "key " + otherPub + ": "},
		{"no signature", unsigned.String(), pub, false, "no signature found"},
		{"no image", host + "/app/missing:v1", pub, false, "cannot read the image from the registry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verifier(t, verify.Options{Keys: []string{tt.key}, IgnoreTlog: true})
			a, err := v.Image(ctx, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if got := verify.Verified(a); got != tt.verified {
				t.Fatalf("verified = %v, want %v: %+v", got, tt.verified, a)
			}
			if a.Kind != "image" || a.Ref != tt.ref {
				t.Errorf("artefact = %+v", a)
			}
			if tt.verified {
				if a.Digest["sha256"] != strings.TrimPrefix(signed.DigestStr(), "sha256:") || a.Verifications[0].Identity != "key:"+tt.key {
					t.Errorf("artefact = %+v", a)
				}
				return
			}
			if r := strings.Join(verify.Reasons(a), "; "); !strings.Contains(r, tt.reason) {
				t.Errorf("reasons %q do not contain %q", r, tt.reason)
			}
		})
	}
}

func TestIndexPerPlatform(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, pub, s := keyPair(t, dir, "cosign")
	host := newRegistry(t)
	idx, plats := pushIndex(t, host+"/app/multi:v1")

	// Only the index and linux/amd64 are signed: linux/arm64 is not.
	signOne(t, s, idx)
	signOne(t, s, plats["linux/amd64"])
	v := verifier(t, verify.Options{Keys: []string{pub}, IgnoreTlog: true})
	a, err := v.Image(ctx, host+"/app/multi:v1")
	if err != nil {
		t.Fatal(err)
	}
	if verify.Verified(a) {
		t.Fatalf("an index with an unsigned platform verified: %+v", a)
	}
	r := verify.Reasons(a)
	if len(r) != 1 || !strings.HasPrefix(r[0], "platform linux/arm64: ") || !strings.Contains(r[0], "no signature found") {
		t.Fatalf("reasons = %q, want one naming linux/arm64", r)
	}
	if len(a.Verifications) != 3 {
		t.Fatalf("want index + 2 platform verifications, got %+v", a.Verifications)
	}

	// sign.Image signs the index and every platform: then it verifies.
	if _, err := sign.Image(ctx, host+"/app/multi:v1", s); err != nil {
		t.Fatal(err)
	}
	if a, _ = v.Image(ctx, host+"/app/multi:v1"); !verify.Verified(a) {
		t.Fatalf("fully signed index not verified: %q", verify.Reasons(a))
	}
}

func signOne(t *testing.T, s *sign.Signer, d name.Digest) {
	t.Helper()
	if err := sign.Manifest(d, s); err != nil {
		t.Fatal(err)
	}
}

// TestImageKeyless signs an image with a certificate from a virtual Sigstore
// (Fulcio + Rekor in memory) and verifies it offline against that Sigstore.
func TestImageKeyless(t *testing.T) {
	ctx := context.Background()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	const ident, issuer = "release@infucore.example", "https://token.actions.githubusercontent.com"
	host := newRegistry(t)
	d := pushImage(t, host+"/app/keyless:v1")
	keylessSign(t, vs, d, ident, issuer)

	tests := []struct {
		name     string
		id       verify.Identity
		verified bool
	}{
		{"matching identity", verify.Identity{Subject: ident, Issuer: issuer}, true},
		{"matching regexp", verify.Identity{SubjectRegexp: `^release@infucore\.example$`, IssuerRegexp: `^https://token\.actions\.githubusercontent\.com$`}, true},
		{"wrong subject", verify.Identity{Subject: "attacker@example.com", Issuer: issuer}, false},
		{"wrong issuer", verify.Identity{Subject: ident, Issuer: "https://accounts.google.com"}, false},
	}
	for _, tt := range tests {
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
			if tt.verified && (a.Verifications[0].Identity != ident || a.Verifications[0].Issuer != issuer) {
				t.Errorf("identity = %+v", a.Verifications[0])
			}
		})
	}
}

func keylessSign(t *testing.T, vs *ca.VirtualSigstore, d name.Digest, ident, issuer string) {
	t.Helper()
	payload, err := (&sigpayload.Cosign{Image: d}).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	ent, err := vs.Sign(ident, issuer, payload)
	if err != nil {
		t.Fatal(err)
	}
	vc, _ := ent.VerificationContent()
	sc, _ := ent.SignatureContent()
	tles, _ := ent.TlogEntries()
	tle := tles[0].TransparencyLogEntry()
	rp := tlog.RekorPayload{
		Body:           base64.StdEncoding.EncodeToString(tle.GetCanonicalizedBody()),
		IntegratedTime: tle.GetIntegratedTime(),
		LogIndex:       tle.GetLogIndex(),
		LogID:          hex.EncodeToString(tle.GetLogId().GetKeyId()),
	}
	set, err := vs.RekorSignPayload(rp)
	if err != nil {
		t.Fatal(err)
	}
	rb := &cbundle.RekorBundle{SignedEntryTimestamp: set, Payload: cbundle.RekorPayload{Body: rp.Body, IntegratedTime: rp.IntegratedTime, LogIndex: rp.LogIndex, LogID: rp.LogID}}
	var chain []*x509.Certificate
	for _, a := range vs.FulcioCertificateAuthorities() {
		if f, ok := a.(*root.FulcioCertificateAuthority); ok {
			chain = append(chain, f.Intermediates...)
			chain = append(chain, f.Root)
		}
	}
	leafPEM, _ := cryptoutils.MarshalCertificateToPEM(vc.Certificate())
	chainPEM, _ := cryptoutils.MarshalCertificatesToPEM(chain)
	sig, err := static.NewSignature(payload, base64.StdEncoding.EncodeToString(sc.Signature()), static.WithCertChain(leafPEM, chainPEM), static.WithBundle(rb))
	if err != nil {
		t.Fatal(err)
	}
	se, err := ociremote.SignedEntity(d)
	if err != nil {
		t.Fatal(err)
	}
	if se, err = cmutate.AttachSignatureToEntity(se, sig); err != nil {
		t.Fatal(err)
	}
	if err := ociremote.WriteSignatures(d.Repository, se); err != nil {
		t.Fatal(err)
	}
}

// TestBundleKeylessVirtual verifies a file's keyless signature from a virtual Sigstore.
func TestBundleKeylessVirtual(t *testing.T) {
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	const ident, issuer = "release@infucore.example", "https://token.actions.githubusercontent.com"
	art := []byte("infucore-firmware-2.4.0.bin")
	ent, err := vs.Sign(ident, issuer, art)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		id       verify.Identity
		data     []byte
		verified bool
	}{
		{"matching identity", verify.Identity{Subject: ident, Issuer: issuer}, art, true},
		{"wrong identity", verify.Identity{Subject: "attacker@example.com", Issuer: issuer}, art, false},
		{"other content", verify.Identity{Subject: ident, Issuer: issuer}, []byte("tampered"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := verify.NewWithTrustedMaterial(verify.Options{Identities: []verify.Identity{tt.id}, IgnoreSCT: true}, vs)
			if err != nil {
				t.Fatal(err)
			}
			r := v.Bundle(ent, sgverify.WithArtifact(bytes.NewReader(tt.data)))
			if r.Verified != tt.verified {
				t.Fatalf("verified = %v, want %v: %s", r.Verified, tt.verified, r.Reason)
			}
			if !tt.verified && r.Reason == "" {
				t.Error("no reason given")
			}
		})
	}
}

// TestRealWorldBundles verifies real public-good Sigstore bundles (npm
// provenance) offline against the public-good trusted root.
func TestRealWorldBundles(t *testing.T) {
	const gha = "https://token.actions.githubusercontent.com"
	const sigstoreJS = "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main"
	for _, tt := range []struct {
		file     string
		id       verify.Identity
		verified bool
	}{
		{"bundle-provenance.json", verify.Identity{Subject: sigstoreJS, Issuer: gha}, true},
		{"sigstore.js@2.0.0-provenance.sigstore.json", verify.Identity{SubjectRegexp: `^https://github\.com/sigstore/sigstore-js/`, Issuer: gha}, true},
		{"dsse.sigstore.json", verify.Identity{Subject: "brian@dehamer.com", Issuer: "https://github.com/login/oauth"}, true},
		{"bundle-provenance.json", verify.Identity{Subject: "https://github.com/attacker/repo/.github/workflows/release.yml@refs/heads/main", Issuer: gha}, false},
		{"dsse.sigstore.json", verify.Identity{Subject: "brian@dehamer.com", Issuer: gha}, false},
	} {
		t.Run(tt.file+"/"+tt.id.String(), func(t *testing.T) {
			v := verifier(t, verify.Options{Identities: []verify.Identity{tt.id}, TrustedRoot: filepath.Join(realworld, "trusted-root-public-good.json")})
			b, err := sgbundle.LoadJSONFromPath(filepath.Join(realworld, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			alg, dig := subjectDigest(t, b)
			r := v.Bundle(b, sgverify.WithArtifactDigest(alg, dig))
			if r.Verified != tt.verified {
				t.Fatalf("verified = %v, want %v: %s", r.Verified, tt.verified, r.Reason)
			}
			if r.Type != "attestation" {
				t.Errorf("type = %q, want attestation (a DSSE bundle)", r.Type)
			}
			// The subject digest matters: another digest never verifies.
			other := sha512.Sum512([]byte("not the package"))
			if r2 := v.Bundle(b, sgverify.WithArtifactDigest("sha512", other[:])); r2.Verified {
				t.Fatal("a bundle verified for a digest that is not its subject")
			}
		})
	}
}

// subjectDigest reads the first subject of the bundle's in-toto statement.
func subjectDigest(t *testing.T, b *sgbundle.Bundle) (string, []byte) {
	t.Helper()
	env := b.GetDsseEnvelope()
	var st struct {
		Subject []struct {
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
	}
	if err := json.Unmarshal(env.GetPayload(), &st); err != nil {
		t.Fatal(err)
	}
	for alg, h := range st.Subject[0].Digest {
		d, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		return alg, d
	}
	t.Fatal("no subject digest")
	return "", nil
}

// TestFileBundleAndSignature signs a file with internal/sign and verifies it.
func TestFileBundleAndSignature(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, pub, s := keyPair(t, dir, "cosign")
	_, otherPub, _ := keyPair(t, dir, "other")
	file := filepath.Join(dir, "firmware.bin")
	if err := os.WriteFile(file, []byte("firmware image 2.4.0"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := sign.File(ctx, []byte("firmware image 2.4.0"), s)
	if err != nil {
		t.Fatal(err)
	}
	bundlePath := sign.BundlePath(file)
	if err := os.WriteFile(bundlePath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := s.SignerVerifier().SignMessage(bytes.NewReader([]byte("firmware image 2.4.0")))
	if err != nil {
		t.Fatal(err)
	}
	sigPath := filepath.Join(dir, "firmware.bin.sig")
	if err := os.WriteFile(sigPath, []byte(base64.StdEncoding.EncodeToString(raw)), 0o644); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.bin")
	if err := os.WriteFile(tampered, []byte("firmware image 2.4.1"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, file, key string
		fo              verify.FileOptions
		verified        bool
	}{
		{"bundle", file, pub, verify.FileOptions{Bundle: bundlePath}, true},
		{"bundle, other key", file, otherPub, verify.FileOptions{Bundle: bundlePath}, false},
		{"bundle, tampered file", tampered, pub, verify.FileOptions{Bundle: bundlePath}, false},
		{"signature file", file, pub, verify.FileOptions{Signature: sigPath}, true},
		{"signature file, other key", file, otherPub, verify.FileOptions{Signature: sigPath}, false},
		{"signature file, tampered file", tampered, pub, verify.FileOptions{Signature: sigPath}, false},
		{"not a bundle", file, pub, verify.FileOptions{Bundle: sigPath}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := verifier(t, verify.Options{Keys: []string{tt.key}, IgnoreTlog: true})
			a, err := v.File(ctx, tt.file, tt.fo)
			if err != nil {
				t.Fatal(err)
			}
			if verify.Verified(a) != tt.verified {
				t.Fatalf("verified = %v, want %v: %q", verify.Verified(a), tt.verified, verify.Reasons(a))
			}
			if a.Kind != "file" || len(a.Digest["sha256"]) != 64 {
				t.Errorf("artefact = %+v", a)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	_, pub, _ := keyPair(t, dir, "cosign")
	for _, tt := range []struct {
		name string
		o    verify.Options
		want string
	}{
		{"no trust", verify.Options{}, "no trust given"},
		{"key without tlog choice", verify.Options{Keys: []string{pub}}, "--insecure-ignore-tlog"},
		{"keyless without root", verify.Options{Identities: []verify.Identity{{Subject: "a", Issuer: "b"}}}, "needs --trusted-root"},
		{"identity without issuer", verify.Options{Identities: []verify.Identity{{Subject: "a"}}, TrustedRoot: filepath.Join(realworld, "trusted-root-public-good.json")}, "--certificate-oidc-issuer"},
		{"missing key", verify.Options{Keys: []string{filepath.Join(dir, "nope.pub")}, IgnoreTlog: true}, "nope.pub"},
		{"unsupported key reference", verify.Options{Keys: []string{"k8s://infucore/cosign-pub"}, IgnoreTlog: true}, "unsupported key reference"},
		{"bad root", verify.Options{Keys: []string{pub}, TrustedRoot: pub}, "--trusted-root"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verify.New(tt.o)
			var ue *verify.UsageError
			if err == nil || !asUsage(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error containing %q", err, tt.want)
			}
		})
	}
}

func asUsage(err error, ue **verify.UsageError) bool {
	e, ok := err.(*verify.UsageError)
	*ue = e
	return ok
}
