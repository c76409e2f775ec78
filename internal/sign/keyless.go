package sign

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	sgsign "github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

// Public-good Sigstore instances, the defaults of --fulcio-url and --rekor-url.
const (
	DefaultFulcioURL = "https://fulcio.sigstore.dev"
	DefaultRekorURL  = "https://rekor.sigstore.dev"
)

// TokenEnv is the environment variable holding the OIDC identity token, as cosign.
const TokenEnv = "SIGSTORE_ID_TOKEN"

// KeylessOptions say where keyless signing gets its certificate and
// transparency-log entries, and with which identity.
type KeylessOptions struct {
	// FulcioURL and RekorURL are the instances' base URLs.
	FulcioURL string
	RekorURL  string
	// IDToken is the OIDC identity token (a JWT) Fulcio certifies. It is never
	// printed nor put into an error.
	IDToken string
}

// Keyless signs with an ephemeral ECDSA P-256 key, certified by Fulcio for the
// identity of the OIDC token (one certificate per Keyless, requested at the
// first signature), and logs every signature in Rekor.
type Keyless struct {
	fulcioURL, rekorURL string
	token               string
	kp                  *sgsign.EphemeralKeypair
	fulcio              *sgsign.Fulcio
	rekor               *sgsign.Rekor
	capture             *chainCapture

	mu    sync.Mutex
	leaf  []byte // DER
	chain []byte // PEM
}

// NewKeyless checks the options and makes the ephemeral key. The token must be
// a JWT naming its issuer; it is not verified here (Fulcio does).
func NewKeyless(o KeylessOptions) (*Keyless, error) {
	for _, u := range []struct{ flag, v string }{{"--fulcio-url", o.FulcioURL}, {"--rekor-url", o.RekorURL}} {
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return nil, fmt.Errorf("invalid %s %q: expected an http(s) URL such as %s", u.flag, u.v, map[string]string{"--fulcio-url": DefaultFulcioURL, "--rekor-url": DefaultRekorURL}[u.flag])
		}
	}
	if err := checkToken(o.IDToken); err != nil {
		return nil, err
	}
	kp, err := sgsign.NewEphemeralKeypair(nil)
	if err != nil {
		return nil, fmt.Errorf("keyless: generating the ephemeral key: %w", err)
	}
	capture := &chainCapture{rt: http.DefaultTransport}
	k := &Keyless{
		fulcioURL: strings.TrimRight(o.FulcioURL, "/"),
		rekorURL:  strings.TrimRight(o.RekorURL, "/"),
		token:     o.IDToken,
		kp:        kp,
		capture:   capture,
	}
	k.fulcio = sgsign.NewFulcio(&sgsign.FulcioOptions{BaseURL: k.fulcioURL, Transport: capture})
	k.rekor = sgsign.NewRekor(&sgsign.RekorOptions{BaseURL: k.rekorURL})
	return k, nil
}

// checkToken accepts a JWT whose claims name an issuer and a subject or
// e-mail; its messages never quote the token.
func checkToken(tok string) error {
	if tok == "" {
		return errors.New("keyless signing needs an OIDC identity token: give --identity-token or " + TokenEnv + ", run in GitHub Actions with 'permissions: id-token: write', or sign with a key (--key cosign.key)")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return fmt.Errorf("--identity-token: not an OIDC identity token (expected a JWT: three base64url parts separated by dots, got %d part(s))", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return errors.New("--identity-token: not an OIDC identity token (the JWT's claims are not base64url)")
	}
	var c struct {
		Iss   string `json:"iss"`
		Sub   string `json:"sub"`
		Email string `json:"email"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return errors.New("--identity-token: not an OIDC identity token (the JWT's claims are not a JSON object)")
	}
	if c.Iss == "" || (c.Sub == "" && c.Email == "") {
		return errors.New("--identity-token: the JWT names no issuer (iss) or no subject (sub or email)")
	}
	return nil
}

// String names the method for messages.
func (k *Keyless) String() string {
	return "keyless (Fulcio " + k.fulcioURL + ", Rekor " + k.rekorURL + ")"
}

// CertificateChain is the PEM chain Fulcio returned with the certificate
// (intermediates, then root); nil before the first signature.
func (k *Keyless) CertificateChain() []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.chain
}

// Certificate is the signing certificate once issued (nil before the first signature).
func (k *Keyless) Certificate() *x509.Certificate {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.leaf == nil {
		return nil
	}
	c, err := x509.ParseCertificate(k.leaf)
	if err != nil {
		return nil
	}
	return c
}

// Bundle signs content with the ephemeral key into a Sigstore bundle holding
// the Fulcio certificate and a new Rekor entry.
func (k *Keyless) Bundle(ctx context.Context, c sgsign.Content) (*protobundle.Bundle, error) {
	b, err := sgsign.Bundle(c, k.kp, sgsign.BundleOptions{
		Context:                    ctx,
		CertificateProvider:        k,
		CertificateProviderOptions: &sgsign.CertificateProviderOptions{IDToken: k.token},
		TransparencyLogs:           []sgsign.Transparency{loggedRekor{k}},
	})
	if err != nil {
		return nil, k.scrub(err)
	}
	return b, nil
}

// GetCertificate implements sgsign.CertificateProvider: one Fulcio certificate
// for the ephemeral key, requested once.
func (k *Keyless) GetCertificate(ctx context.Context, kp sgsign.Keypair, opts *sgsign.CertificateProviderOptions) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.leaf != nil {
		return k.leaf, nil
	}
	der, err := k.fulcio.GetCertificate(ctx, kp, opts)
	if err != nil {
		return nil, fmt.Errorf("keyless: getting a signing certificate from Fulcio at %s: %w", k.fulcioURL, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("keyless: Fulcio at %s returned an unreadable certificate: %w", k.fulcioURL, err)
	}
	if err := cryptoutils.EqualKeys(cert.PublicKey, kp.GetPublicKey()); err != nil {
		return nil, fmt.Errorf("keyless: Fulcio at %s certified another key than the one it was asked to", k.fulcioURL)
	}
	k.leaf = der
	k.chain = k.capture.chainPEM()
	return der, nil
}

// loggedRekor names the Rekor instance in its errors.
type loggedRekor struct{ k *Keyless }

func (r loggedRekor) GetTransparencyLogEntry(ctx context.Context, pem []byte, b *protobundle.Bundle) error {
	if err := r.k.rekor.GetTransparencyLogEntry(ctx, pem, b); err != nil {
		return fmt.Errorf("keyless: logging the signature in Rekor at %s: %w", r.k.rekorURL, err)
	}
	return nil
}

// scrub removes the identity token, and each of its parts, from an error.
func (k *Keyless) scrub(err error) error {
	msg := err.Error()
	clean := strings.ReplaceAll(msg, k.token, "[identity token]")
	for _, p := range strings.Split(k.token, ".") {
		if len(p) >= 8 {
			clean = strings.ReplaceAll(clean, p, "[identity token]")
		}
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}

// chainCapture reads the certificate chain from Fulcio's signingCert response,
// which sigstore-go's client reduces to the leaf.
type chainCapture struct {
	rt    http.RoundTripper
	mu    sync.Mutex
	chain []byte
}

func (c *chainCapture) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasSuffix(r.URL.Path, "/api/v2/signingCert") {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var fr struct {
		Embedded struct {
			Chain struct{ Certificates []string } `json:"chain"`
		} `json:"signedCertificateEmbeddedSct"`
		Detached struct {
			Chain struct{ Certificates []string } `json:"chain"`
		} `json:"signedCertificateDetachedSct"`
	}
	if json.Unmarshal(body, &fr) == nil {
		certs := fr.Embedded.Chain.Certificates
		if len(certs) == 0 {
			certs = fr.Detached.Chain.Certificates
		}
		var chain []byte
		for _, p := range certs[min(1, len(certs)):] {
			if blk, _ := pem.Decode([]byte(p)); blk != nil && blk.Type == "CERTIFICATE" {
				chain = append(chain, pem.EncodeToMemory(blk)...)
			}
		}
		c.mu.Lock()
		c.chain = chain
		c.mu.Unlock()
	}
	return resp, nil
}

func (c *chainCapture) chainPEM() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.chain
}
