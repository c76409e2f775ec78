package sign

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	ssldsse "github.com/secure-systems-lab/go-securesystemslib/dsse"
	cbundle "github.com/sigstore/cosign/v2/pkg/cosign/bundle"
	"github.com/sigstore/cosign/v2/pkg/oci"
	"github.com/sigstore/cosign/v2/pkg/oci/static"
	ctypes "github.com/sigstore/cosign/v2/pkg/types"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	sgsign "github.com/sigstore/sigstore-go/pkg/sign"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
)

// Signature signs a cosign simple-signing payload into an OCI signature for
// cosign's ".sig" storage. A keyless signature carries its certificate, the
// certificate chain and the Rekor entry (as cosign's bundle annotation), so
// that cosign verifies it offline.
func Signature(ctx context.Context, payload []byte, s Method) (oci.Signature, error) {
	b, err := s.Bundle(ctx, &sgsign.PlainData{Data: payload})
	if err != nil {
		return nil, err
	}
	ms := b.GetMessageSignature()
	if ms == nil {
		return nil, errors.New("the signer returned no message signature")
	}
	opts, err := ociOptions(b, s)
	if err != nil {
		return nil, err
	}
	return static.NewSignature(payload, base64.StdEncoding.EncodeToString(ms.GetSignature()), opts...)
}

// Attestation signs an in-toto statement as a DSSE envelope into a cosign
// attestation (the envelope's JSON as the layer, annotated with the predicate
// type). A keyless attestation carries its certificate, chain and Rekor entry.
func Attestation(ctx context.Context, statement []byte, payloadType, predicateType string, s Method) (oci.Signature, error) {
	b, err := s.Bundle(ctx, &sgsign.DSSEData{Data: statement, PayloadType: payloadType})
	if err != nil {
		return nil, err
	}
	env := b.GetDsseEnvelope()
	if env == nil || len(env.GetSignatures()) != 1 {
		return nil, errors.New("the signer returned no DSSE envelope with one signature")
	}
	var layer []byte
	if len(b.GetVerificationMaterial().GetTlogEntries()) > 0 {
		// The envelope exactly as the transparency log hashed it: cosign
		// compares the layer's digest with the entry's envelope hash.
		layer, err = json.Marshal(env)
	} else {
		sig := env.GetSignatures()[0]
		layer, err = json.Marshal(ssldsse.Envelope{
			PayloadType: env.GetPayloadType(),
			Payload:     base64.StdEncoding.EncodeToString(env.GetPayload()),
			Signatures:  []ssldsse.Signature{{KeyID: sig.GetKeyid(), Sig: base64.StdEncoding.EncodeToString(sig.GetSig())}},
		})
	}
	if err != nil {
		return nil, err
	}
	opts, err := ociOptions(b, s)
	if err != nil {
		return nil, err
	}
	opts = append(opts, static.WithLayerMediaType(ctypes.DssePayloadType),
		static.WithAnnotations(map[string]string{"predicateType": predicateType}))
	return static.NewAttestation(layer, opts...)
}

// ociOptions carries a keyless bundle's certificate, chain and Rekor entry
// over to cosign's OCI annotations; a key's bundle has none of them.
func ociOptions(b *protobundle.Bundle, s Method) ([]static.Option, error) {
	vm := b.GetVerificationMaterial()
	cert := vm.GetCertificate().GetRawBytes()
	if cert == nil {
		if cs := vm.GetX509CertificateChain().GetCertificates(); len(cs) > 0 {
			cert = cs[0].GetRawBytes()
		}
	}
	var opts []static.Option
	if cert != nil {
		leaf := cryptoutils.PEMEncode(cryptoutils.CertificatePEMType, cert)
		opts = append(opts, static.WithCertChain(leaf, s.CertificateChain()))
	}
	tles := vm.GetTlogEntries()
	if len(tles) == 0 {
		return opts, nil
	}
	tle := tles[0]
	set := tle.GetInclusionPromise().GetSignedEntryTimestamp()
	if len(set) == 0 {
		return nil, fmt.Errorf("the transparency log returned no signed entry timestamp (inclusion promise) for log index %d: cosign's OCI signatures need one (Rekor v1)", tle.GetLogIndex())
	}
	opts = append(opts, static.WithBundle(&cbundle.RekorBundle{
		SignedEntryTimestamp: set,
		Payload: cbundle.RekorPayload{
			Body:           base64.StdEncoding.EncodeToString(tle.GetCanonicalizedBody()),
			IntegratedTime: tle.GetIntegratedTime(),
			LogIndex:       tle.GetLogIndex(),
			LogID:          hex.EncodeToString(tle.GetLogId().GetKeyId()),
		},
	}))
	return opts, nil
}
