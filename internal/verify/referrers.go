package verify

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/mdrgate/mdrgate/evidence"
)

const (
	// bundleArtifactTypePrefix starts the artifact type of a referrer holding a
	// Sigstore bundle: "application/vnd.dev.sigstore.bundle.v0.3+json" is what
	// 'cosign sign --new-bundle-format' (cosign v2.6) writes.
	bundleArtifactTypePrefix = "application/vnd.dev.sigstore.bundle"
	// cosignSignPredicateType is the predicate type of the in-toto statement
	// 'cosign sign --new-bundle-format' signs: its subject is the image digest.
	cosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1"
	// inTotoPayloadType is the DSSE payload type of an in-toto statement.
	inTotoPayloadType = "application/vnd.in-toto+json"
	// maxBundleReferrers bounds how many referrers of one manifest are read, so
	// that a registry listing thousands cannot make verification fetch them all.
	maxBundleReferrers = 64
	// maxBundleSize bounds the size of one bundle layer.
	maxBundleSize = 4 << 20
	// emptyConfigMediaType is the config of an OCI artifact manifest; some
	// registries (go-containerregistry's) list it as the referrer's artifact
	// type instead of the manifest's artifactType.
	emptyConfigMediaType = "application/vnd.oci.empty.v1+json"
)

// errNotBundle marks a referrer that turns out not to hold a Sigstore bundle.
var errNotBundle = errors.New("not a Sigstore bundle referrer")

// isBundleArtifactType reports whether a referrer's artifact type is a Sigstore
// bundle (v0.3's "….bundle.v0.3+json" or the older "….bundle+json;version=0.2").
func isBundleArtifactType(t string) bool {
	return strings.HasPrefix(t, bundleArtifactTypePrefix+".v") || strings.HasPrefix(t, bundleArtifactTypePrefix+"+json")
}

// referrerSignature verifies the Sigstore-bundle signatures of one manifest,
// stored as OCI referrers (the Referrers API, or the referrers tag on registries
// without it): each bundle must hold a DSSE-signed in-toto statement of
// predicate type https://sigstore.dev/cosign/sign/v1 whose subject is the
// manifest's digest, signed by a trusted key or keyless identity. The first
// bundle that verifies wins; otherwise the reason names each bundle's failure.
func (v *Verifier) referrerSignature(ctx context.Context, d name.Digest, platform string) evidence.Verification {
	res := evidence.Verification{Type: "signature", Platform: platform}
	h, err := v1.NewHash(d.DigestStr())
	if err != nil || h.Algorithm != "sha256" {
		res.Reason = fmt.Sprintf("manifest digest %s is not a sha256 digest", d.DigestStr())
		return res
	}
	want, _ := hex.DecodeString(h.Hex)
	ropts := v.remoteOptions(ctx)
	idx, err := remote.Referrers(d, ropts...)
	if err != nil {
		res.Reason = "cannot list the referrers: " + err.Error()
		return res
	}
	im, err := idx.IndexManifest()
	if err != nil {
		res.Reason = "cannot read the referrers: " + err.Error()
		return res
	}
	// Referrers listed as bundles, and those whose artifact type the registry
	// may have misreported (empty, or the empty config's): the manifest decides.
	var cands []v1.Descriptor
	for _, m := range im.Manifests {
		if isBundleArtifactType(m.ArtifactType) || m.ArtifactType == "" || m.ArtifactType == emptyConfigMediaType {
			cands = append(cands, m)
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].Digest.String() < cands[j].Digest.String() })
	var reasons []string
	if len(cands) > maxBundleReferrers {
		reasons = append(reasons, fmt.Sprintf("%d referrers may hold a Sigstore bundle, only the first %d (by digest) were read", len(cands), maxBundleReferrers))
		cands = cands[:maxBundleReferrers]
	}
	for _, c := range cands {
		b, err := v.fetchBundle(d.Context().Digest(c.Digest.String()), h, ropts)
		if errors.Is(err, errNotBundle) {
			continue
		}
		if err != nil {
			reasons = append(reasons, "bundle "+c.Digest.String()+": "+err.Error())
			continue
		}
		ver := v.Bundle(b, sgverify.WithArtifactDigest("sha256", want))
		if ver.Verified {
			ver.Type, ver.Platform = "signature", platform
			return ver
		}
		reasons = append(reasons, "bundle "+c.Digest.String()+": "+ver.Reason)
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "no signature found")
	}
	res.Reason = strings.Join(reasons, "; ")
	return res
}

// fetchBundle reads the Sigstore bundle of one referrer manifest and checks it
// is what cosign signs an image with: a DSSE envelope holding an in-toto
// statement of the cosign sign predicate type whose subject is the manifest
// digest h. The signature itself is not verified here.
func (v *Verifier) fetchBundle(ref name.Digest, h v1.Hash, ropts []remote.Option) (*sgbundle.Bundle, error) {
	img, err := remote.Image(ref, ropts...)
	if err != nil {
		return nil, fmt.Errorf("cannot read the referrer manifest: %w", err)
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("cannot read the referrer manifest: %w", err)
	}
	isBundle := isBundleArtifactType(m.ArtifactType)
	for _, l := range m.Layers {
		isBundle = isBundle || isBundleArtifactType(string(l.MediaType))
	}
	if !isBundle {
		return nil, errNotBundle
	}
	if m.Subject == nil || m.Subject.Digest != h {
		return nil, fmt.Errorf("the referrer manifest's subject is not %s", h)
	}
	var layer *v1.Descriptor
	for i := range m.Layers {
		if isBundleArtifactType(string(m.Layers[i].MediaType)) {
			if layer != nil {
				return nil, fmt.Errorf("the referrer manifest has more than one bundle layer")
			}
			layer = &m.Layers[i]
		}
	}
	if layer == nil {
		return nil, fmt.Errorf("the referrer manifest has no layer of a Sigstore bundle media type")
	}
	if layer.Size > maxBundleSize {
		return nil, fmt.Errorf("the bundle layer is %d bytes, more than the %d a bundle may have", layer.Size, maxBundleSize)
	}
	l, err := remote.Layer(ref.Context().Digest(layer.Digest.String()), ropts...)
	if err != nil {
		return nil, fmt.Errorf("cannot read the bundle layer: %w", err)
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, fmt.Errorf("cannot read the bundle layer: %w", err)
	}
	defer rc.Close()
	// The remote layer reader checks the content against the layer digest at EOF.
	raw, err := io.ReadAll(io.LimitReader(rc, maxBundleSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the bundle layer: %w", err)
	}
	if len(raw) > maxBundleSize {
		return nil, fmt.Errorf("the bundle layer is more than %d bytes", maxBundleSize)
	}
	var b sgbundle.Bundle
	if err := b.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("not a valid Sigstore bundle: %w", err)
	}
	env := b.GetDsseEnvelope()
	if env == nil {
		return nil, fmt.Errorf("the bundle holds a message signature, not the DSSE-signed in-toto statement cosign signs images with")
	}
	if env.GetPayloadType() != inTotoPayloadType {
		return nil, fmt.Errorf("the DSSE payload type is %q, not %q", env.GetPayloadType(), inTotoPayloadType)
	}
	var st struct {
		Type          string `json:"_type"`
		PredicateType string `json:"predicateType"`
		Subject       []struct {
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
	}
	if err := json.Unmarshal(env.GetPayload(), &st); err != nil {
		return nil, fmt.Errorf("the DSSE payload is not an in-toto statement: %w", err)
	}
	if st.Type != "https://in-toto.io/Statement/v1" && st.Type != "https://in-toto.io/Statement/v0.1" {
		return nil, fmt.Errorf("the DSSE payload is not an in-toto statement (_type %q)", st.Type)
	}
	if st.PredicateType != cosignSignPredicateType {
		return nil, fmt.Errorf("an attestation of predicate type %q, not a signature (predicate type %s)", st.PredicateType, cosignSignPredicateType)
	}
	for _, s := range st.Subject {
		if strings.EqualFold(s.Digest["sha256"], h.Hex) {
			return &b, nil
		}
	}
	return nil, fmt.Errorf("the signed statement's subject is not %s", h)
}
