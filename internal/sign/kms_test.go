package sign_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/mdrgate/mdrgate/internal/sign"
	"github.com/mdrgate/mdrgate/internal/sign/kmstest"
	"github.com/mdrgate/mdrgate/internal/verify"
)

// TestKMSSignAndVerify: a key in a real (local) AWS KMS signs a file's bundle,
// a DSSE bundle and an image without any password; the verifier, given the
// same awskms:// URI, fetches the public key and accepts all three, and
// rejects them under another KMS key.
func TestKMSSignAndVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs local-kms")
	}
	k := kmstest.Start(t)
	k.Setenv(t)
	t.Setenv(sign.PasswordEnv, "")
	id := k.CreateKey(t, types.KeySpecEccNistP256, "release")
	k.CreateKey(t, types.KeySpecEccNistP256, "other")
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "fw-2.4.0.bin")
	if err := os.WriteFile(file, []byte("firmware 2.4.0 kms"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	img := u.Host + "/infucore/kms"
	pushRandom(t, img+":2.4.0")

	for _, ref := range []string{k.URI("alias/release"), k.URI(id)} {
		t.Run(strings.TrimPrefix(ref, "awskms://"+k.Endpoint+"/"), func(t *testing.T) {
			s, err := sign.Load(ref, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != "--key "+ref {
				t.Errorf("String() = %q", s.String())
			}
			b, err := sign.File(ctx, []byte("firmware 2.4.0 kms"), s)
			if err != nil {
				t.Fatal(err)
			}
			bundle := sign.BundlePath(file)
			if err := os.WriteFile(bundle, b, 0o644); err != nil {
				t.Fatal(err)
			}
			statement := []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"fw-2.4.0.bin","digest":{"sha256":"00"}}],"predicateType":"https://example/p","predicate":{"ok":true}}`)
			d, err := sign.DSSE(ctx, statement, "application/vnd.in-toto+json", s)
			if err != nil {
				t.Fatal(err)
			}
			attBundle := filepath.Join(dir, "fw-2.4.0.bin.att.sigstore.json")
			if err := os.WriteFile(attBundle, d, 0o644); err != nil {
				t.Fatal(err)
			}
			digests, err := sign.Image(ctx, img+":2.4.0", s)
			if err != nil {
				t.Fatal(err)
			}
			if len(digests) != 1 {
				t.Fatalf("signed %v, want one manifest", digests)
			}
			for _, tt := range []struct {
				name, key string
				want      bool
			}{
				{"same key", ref, true},
				{"the other KMS key", k.URI("alias/other"), false},
			} {
				t.Run(tt.name, func(t *testing.T) {
					v, err := verify.New(verify.Options{Keys: []string{tt.key}, IgnoreTlog: true})
					if err != nil {
						t.Fatal(err)
					}
					fa, err := v.File(ctx, file, verify.FileOptions{Bundle: bundle})
					if err != nil {
						t.Fatal(err)
					}
					ia, err := v.Image(ctx, digests[0].String())
					if err != nil {
						t.Fatal(err)
					}
					att, err := v.AttestationBundle(attBundle)
					if err != nil {
						t.Fatal(err)
					}
					for _, a := range []struct {
						kind string
						ok   bool
						why  []string
					}{
						{"file", verify.Verified(fa), verify.Reasons(fa)},
						{"image", verify.Verified(ia), verify.Reasons(ia)},
						{"DSSE", att.Verification.Verified, []string{att.Verification.Reason}},
					} {
						if a.ok != tt.want {
							t.Errorf("%s verified = %v, want %v (%v)", a.kind, a.ok, tt.want, a.why)
						}
					}
				})
			}
		})
	}
}

// TestKMSLoadErrors: every KMS failure is an error naming the key URI and the
// reason, before anything is signed.
func TestKMSLoadErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs local-kms")
	}
	k := kmstest.Start(t)
	k.Setenv(t)
	k.CreateKey(t, types.KeySpecRsa2048, "rsa")
	k.CreateKey(t, types.KeySpecEccNistP384, "p384")
	for _, tt := range []struct {
		name, ref string
		want      []string
		env       map[string]string
	}{
		{"unknown alias", k.URI("alias/missing"), []string{"NotFoundException", "alias/missing"}, nil},
		{"unknown key id", k.URI("0f6a1c55-1d6b-4f4e-9c2e-3a7d5e0b9c11"), []string{"NotFoundException"}, nil},
		{"unreachable KMS", "awskms://127.0.0.1:1/alias/release", []string{"connection refused"}, nil},
		{"no credentials", k.URI("alias/rsa"), []string{"credentials"}, map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}},
		{"RSA key", k.URI("alias/rsa"), []string{"the KMS key is RSA 2048", "only ECDSA P-256"}, nil},
		{"P-384 key", k.URI("alias/p384"), []string{"the KMS key is ECDSA P-384", "only ECDSA P-256"}, nil},
		{"malformed awskms", "awskms://" + k.Endpoint + "/not-a-key", []string{"awskms://[ENDPOINT]/[ID/ALIAS/ARN]"}, nil},
		{"plugin scheme", "sigstore-kms-test://key", []string{"unsupported key reference", "awskms://"}, nil},
		{"k8s secret", "k8s://infucore/cosign", []string{"unsupported key reference"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for n, v := range tt.env {
				t.Setenv(n, v)
			}
			_, err := sign.Load(tt.ref, nil)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range append([]string{"--key " + tt.ref + ":"}, tt.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), k.Env["AWS_SECRET_ACCESS_KEY"]) {
				t.Errorf("error leaks the AWS secret: %v", err)
			}
			// The verifier refuses the same references as a usage error.
			_, verr := verify.New(verify.Options{Keys: []string{tt.ref}, IgnoreTlog: true})
			var ue *verify.UsageError
			wantVerifyErr := !strings.Contains(tt.name, "RSA") && !strings.Contains(tt.name, "P-384")
			switch {
			case wantVerifyErr && !errors.As(verr, &ue):
				t.Errorf("verify.New error = %v, want a usage error", verr)
			case wantVerifyErr && !strings.Contains(verr.Error(), tt.ref):
				t.Errorf("verify.New error %q does not name %s", verr, tt.ref)
			case !wantVerifyErr && verr != nil:
				t.Errorf("verify.New: %v (any key type verifies)", verr)
			}
		})
	}
}

func pushRandom(t *testing.T, ref string) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}
