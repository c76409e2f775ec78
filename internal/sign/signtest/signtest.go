// Package signtest runs a Sigstore on loopback for tests of keyless signing: a
// Fulcio that speaks the v2 API (POST /api/v2/signingCert) and a Rekor that
// speaks the v1 API (POST /api/v1/log/entries, GET /api/v1/log/entries/UUID),
// as sigstore-go's clients call them. Certificates are issued by a real CA made
// with sigstore-go's testing/ca package for the identity in the OIDC token's
// claims (the token's signature is not verified: the token must only be a JWT
// with an issuer and a subject or e-mail). Log entries are validated and
// canonicalized by Rekor's own entry types, and their signed entry timestamps
// and inclusion proofs are made with the log key of a ca.VirtualSigstore.
// TrustedRoot returns the matching trust material.
package signtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-openapi/runtime"
	"github.com/go-openapi/strfmt"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	_ "github.com/sigstore/rekor/pkg/types/dsse/v0.0.1"         // entry type
	_ "github.com/sigstore/rekor/pkg/types/hashedrekord/v0.0.1" // entry type
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

// Sigstore is a loopback Fulcio and Rekor.
type Sigstore struct {
	// FulcioURL and RekorURL are the servers' base URLs.
	FulcioURL, RekorURL string

	vs              *ca.VirtualSigstore
	root, inter     *x509.Certificate
	interKey        crypto.Signer
	caStart, caEnd  time.Time
	mu              sync.Mutex
	entries         map[string]models.LogEntryAnon
	certs, logCalls int
	tokens          []string
}

// New starts the servers; they stop when the test ends.
func New(t testing.TB) *Sigstore {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	rootCert, rootKey, err := ca.GenerateRootCa()
	if err != nil {
		t.Fatal(err)
	}
	inter, interKey, err := ca.GenerateFulcioIntermediate(rootCert, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	s := &Sigstore{vs: vs, root: rootCert, inter: inter, interKey: interKey, entries: map[string]models.LogEntryAnon{},
		caStart: time.Now().Add(-5 * time.Hour), caEnd: time.Now().Add(5 * time.Hour)}
	f := httptest.NewServer(http.HandlerFunc(s.fulcio))
	t.Cleanup(f.Close)
	r := httptest.NewServer(http.HandlerFunc(s.rekor))
	t.Cleanup(r.Close)
	s.FulcioURL, s.RekorURL = f.URL, r.URL
	return s
}

// Calls returns how many certificates were issued and entries logged, and
// the bearer tokens Fulcio received.
func (s *Sigstore) Calls() (certs, entries int, tokens []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certs, s.logCalls, append([]string(nil), s.tokens...)
}

// TrustedRoot is the trust material of this Sigstore: the Fulcio CA (root and
// intermediate), the Rekor log key, and a CT log key (certificates carry no
// SCT: verify with IgnoreSCT / --insecure-ignore-sct). There is no
// timestamp authority: the Rekor entries' integrated times are the timestamps.
func (s *Sigstore) TrustedRoot() (*root.TrustedRoot, error) {
	fca := &root.FulcioCertificateAuthority{
		Root: s.root, Intermediates: []*x509.Certificate{s.inter},
		ValidityPeriodStart: s.caStart, ValidityPeriodEnd: s.caEnd, URI: s.FulcioURL,
	}
	ctLogs, err := rawLogIDs(s.vs.CTLogs())
	if err != nil {
		return nil, err
	}
	rekorLogs, err := rawLogIDs(s.vs.RekorLogs())
	if err != nil {
		return nil, err
	}
	return root.NewTrustedRoot(root.TrustedRootMediaType01, []root.CertificateAuthority{fca}, ctLogs, nil, rekorLogs)
}

// rawLogIDs gives the logs the raw key IDs a trusted_root.json holds: the
// VirtualSigstore's are the hex strings, which survive no JSON round trip.
func rawLogIDs(logs map[string]*root.TransparencyLog) (map[string]*root.TransparencyLog, error) {
	out := map[string]*root.TransparencyLog{}
	for id, l := range logs {
		raw, err := hex.DecodeString(id)
		if err != nil {
			return nil, fmt.Errorf("log ID %q: %w", id, err)
		}
		c := *l
		c.ID = raw
		out[id] = &c
	}
	return out, nil
}

// WriteTrustedRoot writes TrustedRoot as a trusted_root.json file.
func (s *Sigstore) WriteTrustedRoot(t testing.TB, path string) {
	t.Helper()
	tr, err := s.TrustedRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// CosignEnv writes the Fulcio chain and the Rekor public key to dir and returns
// the environment that makes the cosign CLI trust them instead of the
// public-good TUF root (SIGSTORE_ROOT_FILE, SIGSTORE_REKOR_PUBLIC_KEY): the way
// cosign verifies signatures in cosign's legacy OCI storage against a private
// Sigstore, where it refuses --trusted-root.
func (s *Sigstore) CosignEnv(t testing.TB, dir string) []string {
	t.Helper()
	var chain []byte
	for _, c := range []*x509.Certificate{s.inter, s.root} {
		p, err := cryptoutils.MarshalCertificateToPEM(c)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, p...)
	}
	var rekorPub []byte
	for _, l := range s.vs.RekorLogs() {
		p, err := cryptoutils.MarshalPublicKeyToPEM(l.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		rekorPub = p
	}
	rootFile, rekorFile := filepath.Join(dir, "fulcio-chain.pem"), filepath.Join(dir, "rekor.pub")
	if err := os.WriteFile(rootFile, chain, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rekorFile, rekorPub, 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"SIGSTORE_ROOT_FILE=" + rootFile, "SIGSTORE_REKOR_PUBLIC_KEY=" + rekorFile}
}

// Token returns an OIDC identity token (a JWT signed with a throwaway key)
// with the claims iss, sub, email (when not empty, verified), aud "sigstore".
func Token(t testing.TB, issuer, subject, email string) string {
	t.Helper()
	claims := map[string]any{"iss": issuer, "sub": subject, "aud": "sigstore", "iat": time.Now().Unix(), "exp": time.Now().Add(10 * time.Minute).Unix()}
	if email != "" {
		claims["email"], claims["email_verified"] = email, true
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(map[string]string{"alg": "ES256", "typ": "JWT"}) + "." + enc(claims)
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte(input))
	sig, err := ecdsa.SignASN1(rand.Reader, k, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func fail(w http.ResponseWriter, code int, format string, a ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": fmt.Sprintf(format, a...)})
}

// fulcio serves POST /api/v2/signingCert.
func (s *Sigstore) fulcio(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v2/signingCert" {
		fail(w, http.StatusNotFound, "not found: %s %s", r.Method, r.URL.Path)
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		fail(w, http.StatusUnauthorized, "missing bearer token")
		return
	}
	claims, err := jwtClaims(tok)
	if err != nil {
		fail(w, http.StatusUnauthorized, "the bearer token is not a JWT: %v", err)
		return
	}
	subject := claims.Sub
	if claims.Email != "" {
		if !claims.EmailVerified {
			fail(w, http.StatusUnauthorized, "email not verified")
			return
		}
		subject = claims.Email
	}
	if claims.Iss == "" || subject == "" {
		fail(w, http.StatusUnauthorized, "the token names no issuer or subject")
		return
	}
	var req struct {
		PublicKeyRequest struct {
			PublicKey struct {
				Algorithm string `json:"algorithm"`
				Content   string `json:"content"`
			} `json:"publicKey"`
			ProofOfPossession string `json:"proofOfPossession"`
		} `json:"publicKeyRequest"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "request body: %v", err)
		return
	}
	pub, err := cryptoutils.UnmarshalPEMToPublicKey([]byte(req.PublicKeyRequest.PublicKey.Content))
	if err != nil {
		fail(w, http.StatusBadRequest, "public key: %v", err)
		return
	}
	pop, err := base64.StdEncoding.DecodeString(req.PublicKeyRequest.ProofOfPossession)
	if err != nil || !verifyPoP(pub, []byte(subject), pop) {
		fail(w, http.StatusBadRequest, "the proof of possession is not the key's signature of the subject %q", subject)
		return
	}
	leaf, err := ca.GenerateLeafCert(subject, claims.Iss, time.Now().Add(-time.Minute), publicOnly{pub}, s.inter, s.interKey)
	if err != nil {
		fail(w, http.StatusInternalServerError, "issuing: %v", err)
		return
	}
	s.mu.Lock()
	s.certs++
	s.tokens = append(s.tokens, tok)
	s.mu.Unlock()
	var chain []string
	for _, c := range []*x509.Certificate{leaf, s.inter, s.root} {
		p, _ := cryptoutils.MarshalCertificateToPEM(c)
		chain = append(chain, string(p))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(map[string]any{"signedCertificateEmbeddedSct": map[string]any{"chain": map[string]any{"certificates": chain}}})
}

type claims struct {
	Iss           string `json:"iss"`
	Sub           string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
}

func jwtClaims(tok string) (claims, error) {
	var c claims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, fmt.Errorf("%d parts, want 3", len(parts))
	}
	for i, p := range parts {
		if _, err := base64.RawURLEncoding.DecodeString(p); err != nil {
			return c, fmt.Errorf("part %d is not base64url", i+1)
		}
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("claims: %v", err)
	}
	return c, nil
}

func verifyPoP(pub crypto.PublicKey, msg, sig []byte) bool {
	h := sha256.Sum256(msg)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(k, h[:], sig)
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig) == nil
	case ed25519.PublicKey:
		return ed25519.Verify(k, msg, sig)
	}
	return false
}

// publicOnly lets ca.GenerateLeafCert certify a key whose private half it
// does not have (it only reads Public).
type publicOnly struct{ pub crypto.PublicKey }

func (p publicOnly) Public() crypto.PublicKey { return p.pub }
func (p publicOnly) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("public key only")
}

// rekor serves POST /api/v1/log/entries and GET /api/v1/log/entries/UUID.
func (s *Sigstore) rekor(w http.ResponseWriter, r *http.Request) {
	const base = "/api/v1/log/entries"
	switch {
	case r.Method == http.MethodPost && r.URL.Path == base:
		s.createEntry(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, base+"/"):
		uuid := strings.TrimPrefix(r.URL.Path, base+"/")
		s.mu.Lock()
		e, ok := s.entries[uuid]
		s.mu.Unlock()
		if !ok {
			fail(w, http.StatusNotFound, "no entry %s", uuid)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(models.LogEntry{uuid: e})
	default:
		fail(w, http.StatusNotFound, "not found: %s %s", r.Method, r.URL.Path)
	}
}

func (s *Sigstore) createEntry(w http.ResponseWriter, r *http.Request) {
	pe, err := models.UnmarshalProposedEntry(io.LimitReader(r.Body, 1<<22), runtime.JSONConsumer())
	if err != nil {
		fail(w, http.StatusBadRequest, "proposed entry: %v", err)
		return
	}
	ei, err := types.CreateVersionedEntry(pe)
	if err != nil {
		fail(w, http.StatusBadRequest, "entry: %v", err)
		return
	}
	body, err := types.CanonicalizeEntry(r.Context(), ei)
	if err != nil {
		fail(w, http.StatusBadRequest, "canonicalizing: %v", err)
		return
	}
	leaf := sha256.Sum256(append([]byte{0}, body...))
	uuid := hex.EncodeToString(leaf[:])
	loc := "/api/v1/log/entries/" + uuid
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.entries[uuid]; dup {
		w.Header().Set("Location", loc)
		fail(w, http.StatusConflict, "an equivalent entry already exists in the transparency log with UUID %s", uuid)
		return
	}
	logID, err := s.vs.RekorLogID()
	if err != nil {
		fail(w, http.StatusInternalServerError, "%v", err)
		return
	}
	idx, now := int64(len(s.entries)), time.Now().Unix()
	b64 := base64.StdEncoding.EncodeToString(body)
	set, err := s.vs.RekorSignPayload(tlog.RekorPayload{Body: b64, IntegratedTime: now, LogIndex: idx, LogID: logID})
	if err != nil {
		fail(w, http.StatusInternalServerError, "signing the entry timestamp: %v", err)
		return
	}
	proof, err := s.vs.GetInclusionProof(body)
	if err != nil {
		fail(w, http.StatusInternalServerError, "inclusion proof: %v", err)
		return
	}
	e := models.LogEntryAnon{
		Body: b64, IntegratedTime: &now, LogID: &logID, LogIndex: &idx,
		Verification: &models.LogEntryAnonVerification{InclusionProof: proof, SignedEntryTimestamp: strfmt.Base64(set)},
	}
	s.entries[uuid] = e
	s.logCalls++
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(models.LogEntry{uuid: e})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(buf.Bytes())
}
