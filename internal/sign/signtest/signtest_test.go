package signtest_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/sigstore/sigstore/pkg/cryptoutils"

	"github.com/mdrgate/mdrgate/internal/sign/signtest"
)

// TestFulcioRefuses: the loopback Fulcio refuses a request without a bearer
// token, with a token that is not a JWT, and with a proof of possession that
// is not the key's signature of the token's subject; it certifies a good one.
func TestFulcioRefuses(t *testing.T) {
	ss := signtest.New(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, _ := cryptoutils.MarshalPublicKeyToPEM(key.Public())
	pop := func(subject string) string {
		h := sha256.Sum256([]byte(subject))
		sig, _ := ecdsa.SignASN1(rand.Reader, key, h[:])
		return base64.StdEncoding.EncodeToString(sig)
	}
	good := signtest.Token(t, "https://issuer.example", "sub-1", "dev@example.org")
	for _, tc := range []struct {
		name, auth, pop string
		want            int
	}{
		{"no token", "", pop("dev@example.org"), http.StatusUnauthorized},
		{"not a JWT", "Bearer opaque", pop("dev@example.org"), http.StatusUnauthorized},
		{"proof of another subject", "Bearer " + good, pop("sub-1"), http.StatusBadRequest},
		{"good", "Bearer " + good, pop("dev@example.org"), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"publicKeyRequest": map[string]any{
				"publicKey":         map[string]string{"algorithm": "ECDSA", "content": string(pubPEM)},
				"proofOfPossession": tc.pop,
			}})
			req, _ := http.NewRequest(http.MethodPost, ss.FulcioURL+"/api/v2/signingCert", bytes.NewReader(body))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want == http.StatusOK {
				var r struct {
					SignedCertificateEmbeddedSct struct {
						Chain struct{ Certificates []string }
					}
				}
				if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.SignedCertificateEmbeddedSct.Chain.Certificates) != 3 {
					t.Fatalf("chain: %v %v", r, err)
				}
				certs, err := cryptoutils.UnmarshalCertificatesFromPEM([]byte(r.SignedCertificateEmbeddedSct.Chain.Certificates[0]))
				if err != nil || certs[0].EmailAddresses[0] != "dev@example.org" || cryptoutils.EqualKeys(certs[0].PublicKey, key.Public()) != nil {
					t.Fatalf("leaf: %v", err)
				}
			}
		})
	}
}

// TestRekorRefuses: the loopback Rekor refuses an entry whose signature does
// not verify (Rekor's own entry validation) and logs a good one.
func TestRekorRefuses(t *testing.T) {
	ss := signtest.New(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pubPEM, _ := cryptoutils.MarshalPublicKeyToPEM(key.Public())
	h := sha256.Sum256([]byte("artifact"))
	other := sha256.Sum256([]byte("another artifact"))
	for _, tc := range []struct {
		name   string
		signed [32]byte
		want   int
	}{{"signature of another artefact", other, http.StatusBadRequest}, {"good", h, http.StatusCreated}} {
		sig, _ := ecdsa.SignASN1(rand.Reader, key, tc.signed[:])
		entry := map[string]any{"kind": "hashedrekord", "apiVersion": "0.0.1", "spec": map[string]any{
			"signature": map[string]any{"content": base64.StdEncoding.EncodeToString(sig), "publicKey": map[string]any{"content": base64.StdEncoding.EncodeToString(pubPEM)}},
			"data":      map[string]any{"hash": map[string]any{"algorithm": "sha256", "value": hex.EncodeToString(h[:])}},
		}}
		body, _ := json.Marshal(entry)
		resp, err := http.Post(ss.RekorURL+"/api/v1/log/entries", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	if _, entries, _ := ss.Calls(); entries != 1 {
		t.Fatalf("%d entries logged, want 1", entries)
	}
}
