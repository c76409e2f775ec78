package sign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"strings"
	"time"

	"github.com/sigstore/sigstore/pkg/signature/kms"
	"github.com/sigstore/sigstore/pkg/signature/options"

	// KMS providers, as cosign registers them. Only AWS KMS is tested
	// (against a local KMS emulator); see the README.
	_ "github.com/sigstore/sigstore/pkg/signature/kms/aws"
	_ "github.com/sigstore/sigstore/pkg/signature/kms/azure"
	_ "github.com/sigstore/sigstore/pkg/signature/kms/gcp"
	_ "github.com/sigstore/sigstore/pkg/signature/kms/hashivault"
)

// KMSSchemes are the key-reference schemes --key accepts besides a file, as
// cosign: awskms://[ENDPOINT]/(KEY-ID|KEY-ARN|alias/NAME|ALIAS-ARN),
// azurekms://VAULT.vault.azure.net/KEY, gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/V]
// and hashivault://KEY. Other schemes (cosign's KMS plugins, k8s://, pkcs11:)
// are refused rather than handed to a plugin found on PATH.
var KMSSchemes = []string{"awskms://", "azurekms://", "gcpkms://", "hashivault://"}

// kmsTimeout bounds connecting to a KMS and fetching its public key.
const kmsTimeout = 2 * time.Minute

// IsKMS reports whether a --key value is a key reference (a URI such as
// awskms://…) rather than a key file.
func IsKMS(ref string) bool { return strings.Contains(ref, "://") }

// KMS connects to the KMS key ref (one of KMSSchemes) and fetches its public
// key, with the provider's usual credentials from the environment (AWS_*,
// GOOGLE_APPLICATION_CREDENTIALS, AZURE_*, VAULT_ADDR and VAULT_TOKEN). Every
// error names ref and the reason; none contains a credential.
func KMS(ctx context.Context, ref string) (kms.SignerVerifier, crypto.PublicKey, error) {
	known := false
	for _, s := range KMSSchemes {
		known = known || strings.HasPrefix(ref, s)
	}
	if !known {
		return nil, nil, fmt.Errorf("--key %s: unsupported key reference: name a key file or a KMS key URI starting with %s", ref, strings.Join(KMSSchemes, ", "))
	}
	ctx, cancel := context.WithTimeout(ctx, kmsTimeout)
	defer cancel()
	sv, err := kms.Get(ctx, ref, crypto.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("--key %s: %w", ref, err)
	}
	pub, err := sv.PublicKey(options.WithContext(ctx))
	if err != nil {
		return nil, nil, fmt.Errorf("--key %s: cannot read the public key from the KMS: %w", ref, err)
	}
	if pub == nil {
		return nil, nil, fmt.Errorf("--key %s: the KMS returned no public key", ref)
	}
	return sv, pub, nil
}

// loadKMS makes a Signer of a KMS key. The key must be ECDSA P-256 (AWS
// ECC_NIST_P256, GCP EC_SIGN_P256_SHA256, Azure P-256, Vault ecdsa-p256), the
// only kind mdrgate signs bundles with; this is checked before anything is
// evaluated or signed.
func loadKMS(ref string) (*Signer, error) {
	sv, pub, err := KMS(context.Background(), ref)
	if err != nil {
		return nil, err
	}
	s := &Signer{Path: ref, sv: sv, pub: pub}
	if _, err := s.keypair(); err != nil {
		return nil, fmt.Errorf("--key %s: the KMS key is %s: only ECDSA P-256 keys (AWS KMS ECC_NIST_P256, GCP EC_SIGN_P256_SHA256, Azure Key Vault P-256, Vault ecdsa-p256) can sign", ref, keyKind(pub))
	}
	return s, nil
}

// keyKind names a public key's type for messages.
func keyKind(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	default:
		return fmt.Sprintf("%T", pub)
	}
}
