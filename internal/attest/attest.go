package attest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	ggmutate "github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	ggstatic "github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sigstore/cosign/v2/pkg/oci"
	"github.com/sigstore/cosign/v2/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v2/pkg/oci/remote"

	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/sign"
)

// DefaultArchive and DefaultBundle are where attest writes the evidence archive
// and, when no artefact is attested, the commit's attestation bundle.
const (
	DefaultArchive = "mdrgate-evidence.tar.gz"
	DefaultBundle  = "mdrgate-attestation.sigstore.json"
)

// BundlePath is where a file's attestation bundle is written: FILE.mdrgate.sigstore.json.
func BundlePath(file string) string { return file + ".mdrgate.sigstore.json" }

// VSAPath is where the VSA bundle beside an attestation bundle is written.
func VSAPath(bundle string) string {
	const suffix = ".sigstore.json"
	if len(bundle) > len(suffix) && bundle[len(bundle)-len(suffix):] == suffix {
		return bundle[:len(bundle)-len(suffix)] + ".vsa" + suffix
	}
	return bundle + ".vsa.sigstore.json"
}

// Options say what to attest and where to store it.
type Options struct {
	// Dir is the repository the evidence was collected from.
	Dir string
	// Images are image references; Files are file paths. With neither, the
	// commit is attested.
	Images []string
	Files  []string
	// Archive is the evidence archive's path (DefaultArchive when empty).
	Archive string
	// Bundle is the commit attestation's path (DefaultBundle when empty).
	Bundle string
	// VSA also emits a SLSA Verification Summary Attestation.
	VSA bool
	// Signer signs the statements: a key file or keyless.
	Signer sign.Method
	// RemoteOptions are extra registry options.
	RemoteOptions []remote.Option
}

// Stored says where one piece of the attestation went.
type Stored struct {
	// Kind is attestation, vsa or evidence-archive.
	Kind string
	// Where is a file path or an image reference.
	Where string
}

// Outcome is what Attest produced.
type Outcome struct {
	Statement []byte
	Predicate *Predicate
	Subjects  []Subject
	Archive   *Archive
	Stored    []Stored
}

type image struct {
	digest name.Digest
	desc   v1.Descriptor
}

// Attest builds, signs and stores the attestation of an evaluation. Everything
// is built and signed before anything is stored; files are written atomically
// after the registry writes succeeded.
func Attest(ctx context.Context, ev *check.Evaluation, o Options) (*Outcome, error) {
	if o.Signer == nil {
		return nil, fmt.Errorf("no signer: give --key, or an OIDC identity token for keyless signing")
	}
	if o.Archive == "" {
		o.Archive = DefaultArchive
	}
	if o.Bundle == "" {
		o.Bundle = DefaultBundle
	}
	ropts := append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, o.RemoteOptions...)

	var subjects []Subject
	var images []image
	for _, ref := range o.Images {
		r, err := name.ParseReference(ref)
		if err != nil {
			return nil, fmt.Errorf("image %q: not an image reference (expected REGISTRY/REPOSITORY:TAG or @sha256:DIGEST): %w", ref, err)
		}
		desc, err := remote.Head(r, ropts...)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", ref, err)
		}
		d := r.Context().Digest(desc.Digest.String())
		images = append(images, image{digest: d, desc: *desc})
		subjects = append(subjects, Subject{Kind: "image", Name: r.Context().Name(), URI: d.String(), Algorithm: "sha256", Hex: desc.Digest.Hex})
	}
	for _, f := range o.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--artefact %s: %w", f, err)
		}
		subjects = append(subjects, Subject{Kind: "file", Name: filepath.Base(f), URI: filepath.ToSlash(f), Algorithm: "sha256", Hex: Digest(data)})
	}
	if len(subjects) == 0 {
		s, err := CommitSubject(ev.Document)
		if err != nil {
			return nil, err
		}
		subjects = append(subjects, s)
	}

	a, err := BuildArchive(ev.Document, ev.Modules, o.Dir, ev.Params.At)
	if err != nil {
		return nil, err
	}
	pred := NewPredicate(ev, subjects, filepath.Base(o.Archive), a)
	stmt, err := NewStatement(subjects, PredicateType, pred)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Statement: stmt, Predicate: pred, Subjects: subjects, Archive: a}
	type statement struct {
		kind, predicateType string
		payload             []byte
	}
	stmts := []statement{{"attestation", PredicateType, stmt}}
	if o.VSA {
		vsa, err := NewStatement(subjects, VSAPredicateType, NewVSA(pred))
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, statement{"vsa", VSAPredicateType, vsa})
	}

	// Sign everything first.
	type file struct {
		kind, path string
		data       []byte
	}
	var files []file
	atts := make([]oci.Signature, len(stmts))
	for i, s := range stmts {
		if len(images) > 0 {
			att, err := sign.Attestation(ctx, s.payload, PayloadType, s.predicateType, o.Signer)
			if err != nil {
				return nil, err
			}
			atts[i] = att
		}
		var paths []string
		for _, f := range o.Files {
			p := BundlePath(f)
			if s.kind == "vsa" {
				p = VSAPath(p)
			}
			paths = append(paths, p)
		}
		if len(o.Images)+len(o.Files) == 0 {
			p := o.Bundle
			if s.kind == "vsa" {
				p = VSAPath(p)
			}
			paths = append(paths, p)
		}
		if len(paths) > 0 {
			b, err := sign.DSSE(ctx, s.payload, PayloadType, o.Signer)
			if err != nil {
				return nil, err
			}
			for _, p := range paths {
				files = append(files, file{s.kind, p, b})
			}
		}
	}
	files = append(files, file{"evidence-archive", o.Archive, a.Data})

	// Then store: the registry first, files last.
	oopts := []ociremote.Option{ociremote.WithRemoteOptions(ropts...)}
	for _, im := range images {
		for i, s := range stmts {
			att := atts[i]
			se, err := ociremote.SignedEntity(im.digest, oopts...)
			if err != nil {
				return nil, fmt.Errorf("image %s: %w", im.digest, err)
			}
			if se, err = mutate.AttachAttestationToEntity(se, att); err != nil {
				return nil, err
			}
			if err := ociremote.WriteAttestations(im.digest.Repository, se, oopts...); err != nil {
				return nil, fmt.Errorf("writing the attestation of %s: %w", im.digest, err)
			}
			out.Stored = append(out.Stored, Stored{Kind: s.kind, Where: im.digest.String()})
		}
		ref, err := PushArchive(im.digest, im.desc, a, filepath.Base(o.Archive), ropts...)
		if err != nil {
			return nil, err
		}
		out.Stored = append(out.Stored, Stored{Kind: "evidence-archive", Where: ref.String()})
	}
	for _, f := range files {
		if err := atomicfile.Write(f.path, f.data); err != nil {
			return nil, fmt.Errorf("writing %s: %w", f.path, err)
		}
		out.Stored = append(out.Stored, Stored{Kind: f.kind, Where: f.path})
	}
	return out, nil
}

// ArchiveTitle is the annotation naming the archive's file in its OCI artifact.
const ArchiveTitle = "org.opencontainers.image.title"

// PushArchive pushes the evidence archive as an OCI artifact whose subject is
// the image, so that it is listed among the image's referrers (through the
// Referrers API, or the referrers tag on registries without it). It returns the
// artifact's reference.
func PushArchive(subject name.Digest, subjectDesc v1.Descriptor, a *Archive, title string, ropts ...remote.Option) (name.Digest, error) {
	layer := ggstatic.NewLayer(a.Data, types.MediaType(ArchiveMediaType))
	img, err := ggmutate.Append(ggmutate.MediaType(ggmutate.ConfigMediaType(empty.Image, types.MediaType(ArchiveArtifactType)), types.OCIManifestSchema1),
		ggmutate.Addendum{Layer: layer, Annotations: map[string]string{ArchiveTitle: title}, MediaType: types.MediaType(ArchiveMediaType)})
	if err != nil {
		return name.Digest{}, err
	}
	sub := v1.Descriptor{MediaType: subjectDesc.MediaType, Size: subjectDesc.Size, Digest: subjectDesc.Digest}
	// Annotations before Subject: mutate.Annotations drops a subject set before it.
	img = ggmutate.Annotations(img, map[string]string{"dev.mdrgate.evidence.sha256": a.SHA256}).(v1.Image)
	img = ggmutate.Subject(img, sub).(v1.Image)
	d, err := img.Digest()
	if err != nil {
		return name.Digest{}, err
	}
	ref := subject.Context().Digest(d.String())
	if err := remote.Write(ref, img, ropts...); err != nil {
		return name.Digest{}, fmt.Errorf("pushing the evidence archive of %s: %w", subject, err)
	}
	return ref, nil
}

// FetchArchive finds the evidence archive with the given sha256 among the
// image's referrers and returns it.
func FetchArchive(subject name.Digest, sha string, ropts ...remote.Option) ([]byte, error) {
	idx, err := remote.Referrers(subject, ropts...)
	if err != nil {
		return nil, fmt.Errorf("listing the referrers of %s: %w", subject, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var found []string
	for _, m := range im.Manifests {
		if m.ArtifactType != ArchiveArtifactType {
			continue
		}
		img, err := remote.Image(subject.Context().Digest(m.Digest.String()), ropts...)
		if err != nil {
			return nil, fmt.Errorf("reading the evidence archive artifact %s: %w", m.Digest, err)
		}
		layers, err := img.Layers()
		if err != nil {
			return nil, err
		}
		for _, l := range layers {
			d, err := l.Digest()
			if err != nil {
				return nil, err
			}
			found = append(found, d.Hex)
			if d.Hex != sha {
				continue
			}
			rc, err := l.Compressed()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(rc); err != nil {
				return nil, fmt.Errorf("reading the evidence archive %s: %w", d, err)
			}
			if Digest(buf.Bytes()) != sha {
				return nil, fmt.Errorf("the evidence archive the registry returned for %s does not have the digest sha256:%s", subject, sha)
			}
			return buf.Bytes(), nil
		}
	}
	sort.Strings(found)
	if len(found) == 0 {
		return nil, fmt.Errorf("no evidence archive refers to %s in its registry: give the archive with --evidence", subject)
	}
	return nil, fmt.Errorf("no evidence archive with sha256:%s refers to %s (found %d other archive(s)): give the archive with --evidence", sha, subject, len(found))
}
