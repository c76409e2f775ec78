package attest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/secret"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/engine"
)

// ArchiveSchema is the schema of the evidence archive's index.json.
const ArchiveSchema = "mdrgate.evidence-archive/v1"

// ArchiveMediaType is the media type of the evidence archive (a gzip-compressed
// tar), as a file and as the layer of the OCI artifact pushed beside an image.
const ArchiveMediaType = "application/vnd.mdrgate.evidence-archive.v1.tar+gzip"

// ArchiveArtifactType is the artifact type of the evidence archive's OCI artifact.
const ArchiveArtifactType = "application/vnd.mdrgate.evidence-archive.v1"

// DocumentMediaType is the media type of the evidence document in the archive.
const DocumentMediaType = "application/vnd.mdrgate.evidence+json"

// Limits of ReadArchive (and of review reading an archive file): an archive is
// refused rather than read past them. The whole archive is held in memory.
const (
	MaxArchiveEntries = 100000
	MaxArchiveSize    = 1 << 30
)

// The roles of the archive's entries.
const (
	RoleDocument = "evidence-document"
	RoleEvidence = "evidence-file"
	RolePolicy   = "policy"
)

// Index is the archive's index.json: every entry with its role and path. It is
// a convenience; the signed predicate is what a reviewer trusts.
type Index struct {
	Schema  string       `json:"schema"`
	Entries []IndexEntry `json:"entries"`
}

// IndexEntry is one file of the archive, stored as blobs/sha256/<SHA256>.
type IndexEntry struct {
	Role      string `json:"role"`
	Path      string `json:"path"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
}

// BlobName is the archive entry holding the content with this sha256.
func BlobName(sha string) string { return "blobs/sha256/" + sha }

// Archive is a built evidence archive.
type Archive struct {
	// Data is the gzip-compressed tar.
	Data []byte
	// SHA256 is Data's digest.
	SHA256 string
	// DocumentSHA256 is the digest of the evidence document in it.
	DocumentSHA256 string
	// Files are the evidence files in it, sorted by path.
	Files []File
	// Policies are the policy files in it (test files excluded), sorted by path.
	Policies []engine.Module
}

// BuildArchive writes the evidence archive of an evaluation: the evidence
// document (its JSON encoding, whose digest is the report's evidence digest),
// every evidence file it was read from (its inputs) and every policy file, each stored by digest.
// Evidence files are read again from dir (or as given, for files outside it) and
// must still have the digest recorded when they were collected. Secret-scan
// reports are stored redacted. Entries carry the time at, so the same
// evaluation gives the same archive, byte for byte.
func BuildArchive(doc *evidence.Document, modules []engine.Module, dir string, at time.Time) (*Archive, error) {
	docJSON, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encoding the evidence document: %w", err)
	}
	blobs := map[string][]byte{}
	var index []IndexEntry
	add := func(role, path, mt string, data []byte) string {
		h := Digest(data)
		blobs[h] = data
		index = append(index, IndexEntry{Role: role, Path: path, SHA256: h, MediaType: mt})
		return h
	}
	a := &Archive{DocumentSHA256: add(RoleDocument, "evidence.json", DocumentMediaType, docJSON)}

	secrets := map[string]bool{}
	for _, s := range doc.Build.Secrets {
		secrets[s.Path] = true
	}
	refs := map[string]evidence.FileRef{}
	for _, f := range doc.Inputs {
		refs[f.Path] = f
	}
	for _, p := range sortedKeys(refs) {
		ref := refs[p]
		data, err := readEvidence(dir, ref)
		if err != nil {
			return nil, err
		}
		file := File{Path: ref.Path, MediaType: ref.MediaType, SourceSHA256: ref.SHA256}
		if secrets[ref.Path] {
			red, err := secret.Redact(&source.File{Path: ref.Path, Data: data})
			if err != nil {
				return nil, fmt.Errorf("redacting the secret-scan report %s for the evidence archive: %w", ref.Path, err)
			}
			data = red
			file.Redacted = true
		}
		file.SHA256 = add(RoleEvidence, ref.Path, ref.MediaType, data)
		a.Files = append(a.Files, file)
	}
	for _, m := range modules {
		if !m.IsTest() {
			a.Policies = append(a.Policies, m)
		}
	}
	sort.Slice(a.Policies, func(i, j int) bool { return a.Policies[i].Path < a.Policies[j].Path })
	for _, m := range a.Policies {
		add(RolePolicy, m.Path, "text/x-rego", m.Source)
	}
	sort.Slice(index, func(i, j int) bool {
		if index[i].Role != index[j].Role {
			return index[i].Role < index[j].Role
		}
		return index[i].Path < index[j].Path
	})
	idx, err := json.MarshalIndent(Index{Schema: ArchiveSchema, Entries: index}, "", "  ")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	put := func(name string, data []byte) error {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: at.UTC(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := put("index.json", append(idx, '\n')); err != nil {
		return nil, err
	}
	for _, h := range sortedKeys(blobs) {
		if err := put(BlobName(h), blobs[h]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	a.Data = buf.Bytes()
	a.SHA256 = Digest(a.Data)
	return a, nil
}

// readEvidence reads an evidence file again for the archive: relative paths
// from dir (the repository), then from the working directory (files named on
// the command line outside the repository), absolute paths as they are. The
// content must have the digest recorded at collection.
func readEvidence(dir string, ref evidence.FileRef) ([]byte, error) {
	var candidates []string
	if filepath.IsAbs(ref.Path) {
		candidates = []string{ref.Path}
	} else {
		candidates = []string{filepath.Join(dir, filepath.FromSlash(ref.Path)), filepath.FromSlash(ref.Path)}
	}
	var firstErr error
	for _, c := range candidates {
		data, err := os.ReadFile(c)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if h := Digest(data); h != ref.SHA256 {
			return nil, fmt.Errorf("evidence file %s changed since it was collected: sha256 was %s, is now %s; collect and evaluate again", ref.Path, ref.SHA256, h)
		}
		return data, nil
	}
	if errors.Is(firstErr, os.ErrNotExist) {
		return nil, fmt.Errorf("evidence file %s (sha256 %s) is gone, so it cannot go into the evidence archive: run attest where the evidence was collected", ref.Path, ref.SHA256)
	}
	return nil, fmt.Errorf("evidence file %s: %w", ref.Path, firstErr)
}

// Contents is an evidence archive as read: its index and its blobs by sha256.
// A blob's key is the name it was stored under; Digest recomputes it.
type Contents struct {
	Index Index
	Blobs map[string][]byte
}

var blobName = regexp.MustCompile(`^blobs/sha256/([0-9a-f]{64})$`)

// ReadArchive reads an evidence archive, refusing anything but regular files
// named index.json and blobs/sha256/<64 hex>, and archives over the limits.
// name is used in messages. Blob contents are not checked against their names
// here: a reviewer compares their digests with the predicate's.
func ReadArchive(name string, data []byte) (*Contents, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("evidence archive %s: not a gzip-compressed tar: %w", name, err)
	}
	tr := tar.NewReader(io.LimitReader(zr, MaxArchiveSize+1))
	c := &Contents{Blobs: map[string][]byte{}}
	var total int64
	seenIndex := false
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("evidence archive %s: entry %d: %w", name, n+1, err)
		}
		if n >= MaxArchiveEntries {
			return nil, fmt.Errorf("evidence archive %s: more than %d entries", name, MaxArchiveEntries)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("evidence archive %s: entry %q is not a regular file (expected index.json and blobs/sha256/<digest> only)", name, hdr.Name)
		}
		total += hdr.Size
		if hdr.Size < 0 || total > MaxArchiveSize {
			return nil, fmt.Errorf("evidence archive %s: larger than %d bytes uncompressed", name, int64(MaxArchiveSize))
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("evidence archive %s: entry %q: %w", name, hdr.Name, err)
		}
		switch m := blobName.FindStringSubmatch(hdr.Name); {
		case hdr.Name == "index.json":
			if seenIndex {
				return nil, fmt.Errorf("evidence archive %s: index.json appears twice", name)
			}
			seenIndex = true
			if err := json.Unmarshal(b, &c.Index); err != nil {
				return nil, fmt.Errorf("evidence archive %s: index.json: %w", name, err)
			}
			if c.Index.Schema != ArchiveSchema {
				return nil, fmt.Errorf("evidence archive %s: index.json schema is %q, expected %q", name, c.Index.Schema, ArchiveSchema)
			}
		case m != nil:
			if _, dup := c.Blobs[m[1]]; dup {
				return nil, fmt.Errorf("evidence archive %s: entry %q appears twice", name, hdr.Name)
			}
			c.Blobs[m[1]] = b
		default:
			return nil, fmt.Errorf("evidence archive %s: unexpected entry %q (expected index.json and blobs/sha256/<digest> only)", name, hdr.Name)
		}
	}
	if !seenIndex {
		return nil, fmt.Errorf("evidence archive %s: no index.json: not an mdrgate evidence archive", name)
	}
	return c, nil
}

// Digest returns the sha256 of data, in hex.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
