// Package sign signs released artefacts, with a cosign key file or a KMS key
// (Load) or keyless (NewKeyless: an ephemeral key, a Fulcio certificate for the
// CI's OIDC identity and a Rekor transparency-log entry per signature). Images
// get a cosign signature in their registry (the legacy ".sig" tag, which every
// cosign version verifies; an index and each of its platforms are signed),
// files get a Sigstore bundle beside them, and in-toto statements get a DSSE
// envelope (a Sigstore bundle, or a cosign attestation in the registry).
// Signatures with a key file or a KMS key make no transparency-log entry:
// verifiers need --insecure-ignore-tlog.
package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sigstore/cosign/v2/pkg/cosign"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	sgsign "github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/options"
	sigpayload "github.com/sigstore/sigstore/pkg/signature/payload"
	"google.golang.org/protobuf/encoding/protojson"
)

// Method is how artefacts are signed: a cosign key file (*Signer, from Load) or
// keyless (*Keyless, from NewKeyless).
type Method interface {
	// Bundle signs content into a Sigstore bundle: a message signature or a
	// DSSE envelope, with the verification material (a key hint, or the
	// certificate and the transparency-log entry).
	Bundle(ctx context.Context, c sgsign.Content) (*protobundle.Bundle, error)
	// CertificateChain is the PEM chain (intermediates, then root) of the
	// signing certificate once one was issued; nil for a key.
	CertificateChain() []byte
	// String names the method for messages; it never contains a secret.
	String() string
}

// PasswordEnv is the environment variable holding the key file's password, as cosign.
const PasswordEnv = "COSIGN_PASSWORD"

// Signer is a loaded cosign private key or a KMS key.
type Signer struct {
	// Path is the key file or the KMS key URI, for messages.
	Path string
	sv   signature.SignerVerifier
	pub  crypto.PublicKey
}

// Load reads a cosign private key file (from 'cosign generate-key-pair'),
// decrypting it with password, or, for a KMS key URI (see KMSSchemes), connects
// to the KMS and fetches the key's public half; a KMS key needs no password and
// its private half never leaves the KMS. Errors never contain the key or the
// password.
func Load(path string, password []byte) (*Signer, error) {
	if IsKMS(path) {
		return loadKMS(path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--key %s: %w", path, err)
	}
	sv, err := cosign.LoadPrivateKey(b, password, nil)
	if err != nil {
		return nil, fmt.Errorf("--key %s: cannot load the cosign private key (wrong %s, or not a key from 'cosign generate-key-pair')", path, PasswordEnv)
	}
	pub, err := sv.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("--key %s: %w", path, err)
	}
	return &Signer{Path: path, sv: sv, pub: pub}, nil
}

// SignerVerifier returns the underlying signer.
func (s *Signer) SignerVerifier() signature.SignerVerifier { return s.sv }

// PublicKey returns the public half of the key.
func (s *Signer) PublicKey() crypto.PublicKey { return s.pub }

// PublicKeyPEM returns the public key, PEM-encoded.
func (s *Signer) PublicKeyPEM() ([]byte, error) { return cryptoutils.MarshalPublicKeyToPEM(s.pub) }

// Image signs an image by digest: the image or index itself and, for an index,
// each platform's manifest. It returns the signed digests, index first.
func Image(ctx context.Context, ref string, s Method, ropts ...remote.Option) ([]name.Digest, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("image %q: not an image reference (expected REGISTRY/REPOSITORY:TAG or @sha256:DIGEST): %w", ref, err)
	}
	ropts = append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, ropts...)
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", ref, err)
	}
	digests := []name.Digest{r.Context().Digest(desc.Digest.String())}
	if desc.MediaType == types.OCIImageIndex || desc.MediaType == types.DockerManifestList {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", ref, err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", ref, err)
		}
		for _, m := range im.Manifests {
			if m.Platform != nil && m.Platform.OS != "" && m.Platform.OS != "unknown" {
				digests = append(digests, r.Context().Digest(m.Digest.String()))
			}
		}
	}
	for _, d := range digests {
		if err := manifest(ctx, d, s, ropts...); err != nil {
			return nil, err
		}
	}
	return digests, nil
}

// Manifest signs exactly one manifest (an image, or an index without its
// platforms) and stores the signature under its ".sig" tag.
func Manifest(d name.Digest, s Method, ropts ...remote.Option) error {
	return manifest(context.Background(), d, s, ropts...)
}

func manifest(ctx context.Context, d name.Digest, s Method, ropts ...remote.Option) error {
	oopts := []ociremote.Option{ociremote.WithRemoteOptions(ropts...)}
	payload, err := (&sigpayload.Cosign{Image: d}).MarshalJSON()
	if err != nil {
		return err
	}
	sig, err := Signature(ctx, payload, s)
	if err != nil {
		return fmt.Errorf("signing %s: %w", d, err)
	}
	se, err := ociremote.SignedEntity(d, oopts...)
	if err != nil {
		return fmt.Errorf("image %s: %w", d, err)
	}
	if se, err = mutate.AttachSignatureToEntity(se, sig); err != nil {
		return err
	}
	if err := ociremote.WriteSignatures(d.Repository, se, oopts...); err != nil {
		return fmt.Errorf("writing the signature of %s: %w", d, err)
	}
	return nil
}

// BundlePath is where a file's Sigstore bundle is written: FILE.sigstore.json.
func BundlePath(file string) string { return file + ".sigstore.json" }

// File signs a file's content into a Sigstore bundle (a message signature) and
// returns the bundle's JSON.
func File(ctx context.Context, data []byte, s Method) ([]byte, error) {
	b, err := s.Bundle(ctx, &sgsign.PlainData{Data: data})
	if err != nil {
		return nil, err
	}
	return marshalBundle(b)
}

// DSSE signs a payload of the given type into a Sigstore bundle with a DSSE
// envelope and returns the bundle's JSON.
func DSSE(ctx context.Context, payload []byte, payloadType string, s Method) ([]byte, error) {
	b, err := s.Bundle(ctx, &sgsign.DSSEData{Data: payload, PayloadType: payloadType})
	if err != nil {
		return nil, err
	}
	return marshalBundle(b)
}

// String names the key file for messages.
func (s *Signer) String() string { return "--key " + s.Path }

// CertificateChain is nil: a key has no certificate.
func (s *Signer) CertificateChain() []byte { return nil }

// Bundle signs content with the key into a Sigstore bundle with a public-key
// hint and no transparency-log entry.
func (s *Signer) Bundle(ctx context.Context, c sgsign.Content) (*protobundle.Bundle, error) {
	kp, err := s.keypair()
	if err != nil {
		return nil, err
	}
	b, err := sgsign.Bundle(c, kp, sgsign.BundleOptions{Context: ctx})
	if err != nil {
		return nil, fmt.Errorf("--key %s: signing the bundle: %w", s.Path, err)
	}
	return b, nil
}

func marshalBundle(b *protobundle.Bundle) ([]byte, error) {
	return protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(b)
}

// keypair adapts the key (a cosign key file's or a KMS's signer) to
// sigstore-go's signer; only ECDSA P-256 keys (cosign's default) are supported
// for bundles.
func (s *Signer) keypair() (*keypair, error) {
	ec, ok := s.pub.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("--key %s: only ECDSA P-256 keys (cosign generate-key-pair's default) can sign Sigstore bundles", s.Path)
	}
	der, err := x509.MarshalPKIXPublicKey(s.pub)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(der)
	return &keypair{sv: s.sv, pub: ec, hint: []byte(base64.StdEncoding.EncodeToString(h[:]))}, nil
}

// keypair signs with any SignerVerifier whose key is ECDSA P-256: a decrypted
// key file, or a KMS that signs the SHA-256 digest remotely.
type keypair struct {
	sv   signature.SignerVerifier
	pub  *ecdsa.PublicKey
	hint []byte
}

func (k *keypair) GetHashAlgorithm() protocommon.HashAlgorithm {
	return protocommon.HashAlgorithm_SHA2_256
}
func (k *keypair) GetSigningAlgorithm() protocommon.PublicKeyDetails {
	return protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256
}
func (k *keypair) GetHint() []byte                { return k.hint }
func (k *keypair) GetKeyAlgorithm() string        { return "ECDSA" }
func (k *keypair) GetPublicKey() crypto.PublicKey { return k.pub }
func (k *keypair) GetPublicKeyPem() (string, error) {
	b, err := cryptoutils.MarshalPublicKeyToPEM(k.pub)
	return string(b), err
}

// SignData signs data with ECDSA over its SHA-256 digest (a KMS receives only
// the digest) and returns the signature and the digest.
func (k *keypair) SignData(ctx context.Context, data []byte) ([]byte, []byte, error) {
	sig, err := k.sv.SignMessage(bytes.NewReader(data), options.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	d := sha256.Sum256(data)
	return sig, d[:], nil
}
