// Package verify checks the signatures of released artefacts: OCI images in a
// registry (cosign signatures stored under the legacy ".sig" tag or as Sigstore
// bundles in OCI referrers; a multi-platform index is verified per platform) and
// files (a Sigstore bundle or a cosign signature file). Trust is a cosign public key, a keyless identity (certificate
// subject and OIDC issuer, exact or regular expression) checked against a Sigstore
// trusted root, or both. Every result is an evidence.Artefact whose Verifications
// say what was verified and, when not, why.
package verify

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sigstore/cosign/v2/pkg/cosign"
	"github.com/sigstore/cosign/v2/pkg/oci"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/sign"
)

// Identity is a keyless signer: the certificate's subject (SAN) and the OIDC
// issuer, each exact or as a regular expression (one of the two for each).
type Identity struct {
	Subject       string
	SubjectRegexp string
	Issuer        string
	IssuerRegexp  string
}

// String names the identity for messages.
func (i Identity) String() string {
	s, is := i.Subject, i.Issuer
	if s == "" {
		s = "~" + i.SubjectRegexp
	}
	if is == "" {
		is = "~" + i.IssuerRegexp
	}
	return s + " (issuer " + is + ")"
}

// Options say which signers are trusted.
type Options struct {
	// Keys are cosign public key files (PEM).
	Keys []string
	// PublicKeys are keys already loaded (the public half of a signing key),
	// each named for messages.
	PublicKeys []NamedKey
	// Identities are the trusted keyless signers.
	Identities []Identity
	// TrustedRoot is a Sigstore trusted_root.json; required for keyless
	// verification and for checking transparency-log entries of key signatures.
	TrustedRoot string
	// IgnoreTlog skips the transparency-log check of key-based signatures
	// (signatures made with --tlog-upload=false).
	IgnoreTlog bool
	// IgnoreSCT skips the certificate-transparency check of keyless certificates.
	IgnoreSCT bool
	// RemoteOptions are extra registry options (transport, authentication).
	RemoteOptions []remote.Option
}

type key struct {
	path string
	pub  crypto.PublicKey
	ver  signature.Verifier
}

// Verifier verifies artefacts against the trust the options name.
type Verifier struct {
	o       Options
	keys    []key
	trusted root.TrustedMaterial
	ids     []sgverify.CertificateIdentity
}

// UsageError is a problem with how verification was asked for (no trust given,
// an unreadable key): the command's exit code 2, never "not verified".
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usage(format string, a ...any) error { return &UsageError{fmt.Errorf(format, a...)} }

// New loads the keys and trusted root the options name and checks that they are
// enough to verify anything.
func New(o Options) (*Verifier, error) {
	var tm root.TrustedMaterial
	if o.TrustedRoot != "" {
		tr, err := root.NewTrustedRootFromPath(o.TrustedRoot)
		if err != nil {
			return nil, usage("--trusted-root %s: %v (expected a Sigstore trusted_root.json)", o.TrustedRoot, err)
		}
		tm = tr
	}
	return NewWithTrustedMaterial(o, tm)
}

// NewWithTrustedMaterial is New with the trusted material given directly (a test
// Sigstore, or a root obtained elsewhere) instead of o.TrustedRoot.
func NewWithTrustedMaterial(o Options, tm root.TrustedMaterial) (*Verifier, error) {
	v := &Verifier{o: o, trusted: tm}
	if len(o.Keys)+len(o.PublicKeys) == 0 && len(o.Identities) == 0 {
		return nil, usage("no trust given: name a public key (--key or signing.keys) or a keyless identity (--certificate-identity and --certificate-oidc-issuer, or signing.identities)")
	}
	for _, p := range o.Keys {
		k, err := LoadPublicKey(p)
		if err != nil {
			return nil, err
		}
		v.keys = append(v.keys, k)
	}
	for _, nk := range o.PublicKeys {
		ver, err := signature.LoadVerifier(nk.Key, crypto.SHA256)
		if err != nil {
			return nil, usage("key %s: unsupported public key: %v", nk.Name, err)
		}
		v.keys = append(v.keys, key{path: nk.Name, pub: nk.Key, ver: ver})
	}
	for _, id := range o.Identities {
		if (id.Subject == "") == (id.SubjectRegexp == "") {
			return nil, usage("identity %s: give exactly one of --certificate-identity and --certificate-identity-regexp", id)
		}
		if (id.Issuer == "") == (id.IssuerRegexp == "") {
			return nil, usage("identity %s: give exactly one of --certificate-oidc-issuer and --certificate-oidc-issuer-regexp", id)
		}
		ci, err := sgverify.NewShortCertificateIdentity(id.Issuer, id.IssuerRegexp, id.Subject, id.SubjectRegexp)
		if err != nil {
			return nil, usage("identity %s: %v", id, err)
		}
		v.ids = append(v.ids, ci)
	}
	if len(o.Identities) > 0 && tm == nil {
		return nil, usage("keyless verification needs --trusted-root (a Sigstore trusted_root.json, e.g. from 'cosign trusted-root create' or the public-good TUF repository)")
	}
	if len(o.Keys)+len(o.PublicKeys) > 0 && tm == nil && !o.IgnoreTlog {
		return nil, usage("key-based verification checks the transparency-log entry against --trusted-root: give --trusted-root, or --insecure-ignore-tlog for signatures made with --tlog-upload=false")
	}
	return v, nil
}

// NamedKey is a public key and the name messages give it.
type NamedKey struct {
	Name string
	Key  crypto.PublicKey
}

// LoadPublicKey reads a cosign public key file (PEM), or fetches the public key
// of a KMS key URI (awskms://, gcpkms://, azurekms://, hashivault://, as
// cosign) with the provider's credentials from the environment. Signatures are
// then verified locally with that public key.
func LoadPublicKey(path string) (key, error) {
	if sign.IsKMS(path) {
		_, pub, err := sign.KMS(context.Background(), path)
		if err != nil {
			return key{}, &UsageError{err}
		}
		ver, err := signature.LoadVerifier(pub, crypto.SHA256)
		if err != nil {
			return key{}, usage("--key %s: unsupported public key: %v", path, err)
		}
		return key{path: path, pub: pub, ver: ver}, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return key{}, usage("--key %s: %v", path, err)
	}
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(b)
	if err != nil {
		return key{}, usage("--key %s: not a PEM public key (expected the cosign.pub written by 'cosign generate-key-pair'): %v", path, err)
	}
	ver, err := signature.LoadVerifier(pub, crypto.SHA256)
	if err != nil {
		return key{}, usage("--key %s: unsupported public key: %v", path, err)
	}
	return key{path: path, pub: pub, ver: ver}, nil
}

// Verified reports whether an artefact was verified: it has at least one
// verification and every one of them is verified.
func Verified(a evidence.Artefact) bool {
	if len(a.Verifications) == 0 {
		return false
	}
	for _, v := range a.Verifications {
		if !v.Verified {
			return false
		}
	}
	return true
}

// Reasons lists why an artefact is not verified, one line per failed verification.
func Reasons(a evidence.Artefact) []string {
	var out []string
	if len(a.Verifications) == 0 {
		out = append(out, "nothing was verified")
	}
	for _, v := range a.Verifications {
		if v.Verified {
			continue
		}
		s := v.Reason
		if v.Platform != "" {
			s = "platform " + v.Platform + ": " + s
		}
		out = append(out, s)
	}
	return out
}

func (v *Verifier) remoteOptions(ctx context.Context) []remote.Option {
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}
	return append(opts, v.o.RemoteOptions...)
}

// Image verifies the signatures of an image. A reference that cannot be parsed
// is an error; everything else (unreachable registry, missing image, missing or
// untrusted signature) is an unverified artefact with the reason.
func (v *Verifier) Image(ctx context.Context, ref string) (evidence.Artefact, error) {
	a := evidence.Artefact{Kind: "image", Ref: ref, Digest: map[string]string{}, Verifications: []evidence.Verification{}}
	r, err := name.ParseReference(ref)
	if err != nil {
		return a, usage("image %q: not an image reference (expected REGISTRY/REPOSITORY:TAG or @sha256:DIGEST): %v", ref, err)
	}
	ropts := v.remoteOptions(ctx)
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		a.Verifications = append(a.Verifications, evidence.Verification{Type: "signature", Reason: "cannot read the image from the registry: " + err.Error()})
		return a, nil
	}
	a.Digest["sha256"] = strings.TrimPrefix(desc.Digest.String(), "sha256:")
	digest := r.Context().Digest(desc.Digest.String())
	a.Verifications = append(a.Verifications, v.imageSignature(ctx, digest, ""))
	if desc.MediaType != types.OCIImageIndex && desc.MediaType != types.DockerManifestList {
		return a, nil
	}
	idx, err := desc.ImageIndex()
	if err != nil {
		a.Verifications = append(a.Verifications, evidence.Verification{Type: "signature", Reason: "cannot read the image index: " + err.Error()})
		return a, nil
	}
	im, err := idx.IndexManifest()
	if err != nil {
		a.Verifications = append(a.Verifications, evidence.Verification{Type: "signature", Reason: "cannot read the image index: " + err.Error()})
		return a, nil
	}
	var plats []evidence.Verification
	for _, m := range im.Manifests {
		p := platformName(m)
		if p == "" {
			continue // attestation manifests and other non-runnable entries
		}
		plats = append(plats, v.imageSignature(ctx, r.Context().Digest(m.Digest.String()), p))
	}
	sort.SliceStable(plats, func(i, j int) bool { return plats[i].Platform < plats[j].Platform })
	a.Verifications = append(a.Verifications, plats...)
	return a, nil
}

func platformName(m v1.Descriptor) string {
	if m.Platform == nil || m.Platform.OS == "" || m.Platform.OS == "unknown" {
		return ""
	}
	return m.Platform.String()
}

// imageSignature verifies the signatures of one manifest in both cosign formats:
// the legacy ".sig" tag, then Sigstore bundles stored as OCI referrers ('cosign
// sign --new-bundle-format'). Any valid signature in either format verifies the
// manifest; otherwise the reason names both formats' failures.
func (v *Verifier) imageSignature(ctx context.Context, d name.Digest, platform string) evidence.Verification {
	legacy := v.tagSignature(ctx, d, platform)
	if legacy.Verified {
		return legacy
	}
	bundle := v.referrerSignature(ctx, d, platform)
	if bundle.Verified {
		return bundle
	}
	legacy.Reason = ".sig tag: " + legacy.Reason + "; Sigstore bundle referrers: " + bundle.Reason
	return legacy
}

// tagSignature verifies the signatures under the legacy ".sig" tag of one
// manifest with each trusted key, then with the keyless identities; the first
// that verifies wins.
func (v *Verifier) tagSignature(ctx context.Context, d name.Digest, platform string) evidence.Verification {
	res := evidence.Verification{Type: "signature", Platform: platform}
	var reasons []string
	base := cosign.CheckOpts{
		RegistryClientOpts: []ociremote.Option{ociremote.WithRemoteOptions(v.remoteOptions(ctx)...)},
		ClaimVerifier:      cosign.SimpleClaimVerifier,
		IgnoreSCT:          v.o.IgnoreSCT,
	}
	for _, k := range v.keys {
		co := base
		co.SigVerifier = k.ver
		co.IgnoreTlog = v.o.IgnoreTlog
		if !co.IgnoreTlog {
			co.TrustedMaterial = v.trusted
		}
		if _, _, err := cosign.VerifyImageSignatures(ctx, d, &co); err != nil {
			reasons = append(reasons, "key "+k.path+": "+reason(err))
			continue
		}
		res.Verified, res.Identity, res.Reason = true, "key:"+k.path, ""
		return res
	}
	if len(v.o.Identities) > 0 {
		co := base
		co.TrustedMaterial = v.trusted
		for _, id := range v.o.Identities {
			co.Identities = append(co.Identities, cosign.Identity{Subject: id.Subject, SubjectRegExp: id.SubjectRegexp, Issuer: id.Issuer, IssuerRegExp: id.IssuerRegexp})
		}
		sigs, _, err := cosign.VerifyImageSignatures(ctx, d, &co)
		if err != nil {
			reasons = append(reasons, "keyless: "+reason(err))
		} else {
			res.Verified = true
			res.Identity, res.Issuer = signer(sigs)
			return res
		}
	}
	res.Reason = strings.Join(reasons, "; ")
	return res
}

// signer names the certificate identity of the first signature with a certificate.
func signer(sigs []oci.Signature) (identity, issuer string) {
	for _, s := range sigs {
		c, err := s.Cert()
		if err != nil || c == nil {
			continue
		}
		if sum, err := certificate.SummarizeCertificate(c); err == nil {
			return sum.SubjectAlternativeName, sum.Extensions.Issuer
		}
	}
	return "", ""
}

// reason shortens library errors to what a release manager acts on.
func reason(err error) string {
	var nm *cosign.ErrNoMatchingSignatures
	var ns *cosign.ErrNoSignaturesFound
	switch {
	case errors.As(err, &ns):
		return "no signature found"
	case errors.As(err, &nm):
		return "no signature matches: " + err.Error()
	}
	return err.Error()
}

// FileOptions say where a file's signature is.
type FileOptions struct {
	// Bundle is a Sigstore bundle (.sigstore.json) for the file.
	Bundle string
	// Signature is a cosign signature file (base64, from 'cosign sign-blob').
	Signature string
}

// File verifies a file against its Sigstore bundle or cosign signature file.
func (v *Verifier) File(ctx context.Context, path string, fo FileOptions) (evidence.Artefact, error) {
	a := evidence.Artefact{Kind: "file", Ref: path, Digest: map[string]string{}, Verifications: []evidence.Verification{}}
	if (fo.Bundle == "") == (fo.Signature == "") {
		return a, usage("file %s: give exactly one of --bundle (a Sigstore bundle) and --signature (a cosign signature file)", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return a, usage("file %s: %v", path, err)
	}
	s256 := sha256.Sum256(data)
	s512 := sha512.Sum512(data)
	a.Digest["sha256"] = hex.EncodeToString(s256[:])
	a.Digest["sha512"] = hex.EncodeToString(s512[:])
	if fo.Signature != "" {
		a.Verifications = append(a.Verifications, v.signatureFile(data, fo.Signature))
		return a, nil
	}
	b, err := sgbundle.LoadJSONFromPath(fo.Bundle)
	if err != nil {
		a.Verifications = append(a.Verifications, evidence.Verification{Type: "signature", Reason: fmt.Sprintf("bundle %s: not a valid Sigstore bundle: %v", fo.Bundle, err)})
		return a, nil
	}
	a.Verifications = append(a.Verifications, v.Bundle(b, sgverify.WithArtifact(bytes.NewReader(data))))
	return a, nil
}

func (v *Verifier) signatureFile(data []byte, sigPath string) evidence.Verification {
	res := evidence.Verification{Type: "signature"}
	raw, err := os.ReadFile(sigPath)
	if err != nil {
		res.Reason = fmt.Sprintf("signature %s: %v", sigPath, err)
		return res
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		sig = raw // a raw (binary) signature
	}
	if len(v.keys) == 0 {
		res.Reason = fmt.Sprintf("signature %s: a signature file is verified with a public key (--key); keyless signatures come as a Sigstore bundle (--bundle)", sigPath)
		return res
	}
	if !v.o.IgnoreTlog {
		res.Reason = fmt.Sprintf("signature %s: a signature file carries no transparency-log entry: use a Sigstore bundle, or --insecure-ignore-tlog", sigPath)
		return res
	}
	var reasons []string
	for _, k := range v.keys {
		if err := k.ver.VerifySignature(bytes.NewReader(sig), bytes.NewReader(data)); err != nil {
			reasons = append(reasons, "key "+k.path+": "+err.Error())
			continue
		}
		res.Verified, res.Identity = true, "key:"+k.path
		return res
	}
	res.Reason = strings.Join(reasons, "; ")
	return res
}

// Bundle verifies a Sigstore bundle for an artefact (the file itself, or a digest
// with sgverify.WithArtifactDigest): with each key, then with the keyless
// identities against the trusted root.
func (v *Verifier) Bundle(b sgverify.SignedEntity, art sgverify.ArtifactPolicyOption) evidence.Verification {
	res := evidence.Verification{Type: "signature"}
	if sc, err := b.SignatureContent(); err == nil && sc.EnvelopeContent() != nil {
		res.Type = "attestation"
	}
	var reasons []string
	for _, k := range v.keys {
		if err := v.bundleWithKey(b, k, art); err != nil {
			reasons = append(reasons, "key "+k.path+": "+err.Error())
			continue
		}
		res.Verified, res.Identity = true, "key:"+k.path
		return res
	}
	if len(v.ids) > 0 {
		opts := []sgverify.VerifierOption{sgverify.WithTransparencyLog(1), sgverify.WithObserverTimestamps(1)}
		if !v.o.IgnoreSCT {
			opts = append(opts, sgverify.WithSignedCertificateTimestamps(1))
		}
		sv, err := sgverify.NewVerifier(v.trusted, opts...)
		if err != nil {
			reasons = append(reasons, "keyless: "+err.Error())
		} else {
			var r *sgverify.VerificationResult
			for _, id := range v.ids {
				r, err = sv.Verify(b, sgverify.NewPolicy(art, sgverify.WithCertificateIdentity(id)))
				if err == nil {
					break
				}
			}
			if err != nil {
				reasons = append(reasons, "keyless: "+err.Error())
			} else {
				res.Verified = true
				if r.Signature != nil && r.Signature.Certificate != nil {
					res.Identity, res.Issuer = r.Signature.Certificate.SubjectAlternativeName, r.Signature.Certificate.Issuer
				}
				return res
			}
		}
	}
	res.Reason = strings.Join(reasons, "; ")
	return res
}

func (v *Verifier) bundleWithKey(b sgverify.SignedEntity, k key, art sgverify.ArtifactPolicyOption) error {
	km := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		return root.NewExpiringKey(k.ver, time.Time{}, time.Time{}), nil
	})
	var tm root.TrustedMaterial = km
	var opts []sgverify.VerifierOption
	if v.o.IgnoreTlog {
		opts = append(opts, sgverify.WithCurrentTime())
	} else {
		tm = root.TrustedMaterialCollection{v.trusted, km}
		opts = append(opts, sgverify.WithTransparencyLog(1), sgverify.WithIntegratedTimestamps(1))
	}
	sv, err := sgverify.NewVerifier(tm, opts...)
	if err != nil {
		return err
	}
	vc, err := b.VerificationContent()
	if err != nil {
		return err
	}
	if vc.Certificate() != nil {
		return errors.New("the bundle is signed with a certificate, not a key")
	}
	_, err = sv.Verify(b, sgverify.NewPolicy(art, sgverify.WithKey()))
	return err
}
