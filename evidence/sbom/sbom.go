// Package sbom reads CycloneDX and SPDX software bills of materials into the
// normalised evidence.SBOM that policies read.
//
// Supported inputs are CycloneDX 1.2–1.6 as JSON or XML, and SPDX 2.2 and 2.3 as
// JSON or tag-value. The format is detected from the content, not the file name.
package sbom

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// Media types recorded in the FileRef of a parsed SBOM.
const (
	MediaTypeCycloneDXJSON = "application/vnd.cyclonedx+json"
	MediaTypeCycloneDXXML  = "application/vnd.cyclonedx+xml"
	MediaTypeSPDXJSON      = "application/spdx+json"
	MediaTypeSPDXTagValue  = "text/spdx"
)

// Values of evidence.SBOM.Format.
const (
	FormatCycloneDX = "cyclonedx"
	FormatSPDX      = "spdx"
)

// cycloneDXVersions are the CycloneDX specification versions accepted.
var cycloneDXVersions = []string{"1.2", "1.3", "1.4", "1.5", "1.6"}

// spdxVersions are the SPDX versions accepted, as spdxVersion states them.
var spdxVersions = []string{"SPDX-2.2", "SPDX-2.3"}

// notSBOM is the message for a document that is neither CycloneDX nor SPDX.
const notSBOM = `expected a CycloneDX (bomFormat "CycloneDX") or SPDX (spdxVersion) document`

// Parse detects the format of f (CycloneDX JSON or XML, SPDX JSON or tag-value)
// and returns the SBOM normalised. Every error for bad input is a *source.Error
// naming the file and, where known, the line and column.
//
// Normalisation:
//   - CycloneDX components are flattened depth first (nested components follow
//     their parent, parts of metadata.component first); a component without a
//     scope gets the CycloneDX default, "required".
//   - SPDX packages other than the subject (the first package the document
//     DESCRIBES) are the components, in file order. Licences are the declared
//     then the concluded licence, without NOASSERTION and NONE; checksum
//     algorithms are spelt as in CycloneDX (SHA1 becomes SHA-1); the supplier
//     loses its "Organization: " or "Person: " prefix.
//   - SPDX dependencies come from DEPENDS_ON, DEPENDENCY_OF, CONTAINS and
//     CONTAINED_BY relationships between packages of the document (files and
//     other documents are left out), sorted by ref.
//   - Licence names and expressions have their white space collapsed.
//   - Component.Direct is set only when the dependency graph has an entry for
//     the subject.
func Parse(f *source.File) (evidence.SBOM, error) {
	if rest, ok := bytes.CutPrefix(f.Data, []byte("\xef\xbb\xbf")); ok {
		// A UTF-8 byte order mark, as some Windows tools write: read what follows
		// it, keeping the digest of the whole file.
		f = &source.File{Path: f.Path, Data: rest, SHA256: f.SHA256}
	}
	start := firstByte(f.Data)
	if start < 0 {
		return evidence.SBOM{}, f.Errorf("file is empty: %s", notSBOM)
	}
	switch f.Data[start] {
	case '{', '[', '"':
		return parseJSON(f)
	case '<':
		return parseCycloneDXXML(f)
	}
	if looksLikeTagValue(f.Data) {
		return parseSPDXTagValue(f)
	}
	if err := f.CheckUTF8(); err != nil {
		return evidence.SBOM{}, err
	}
	return evidence.SBOM{}, f.ErrorAt(int64(start), "%s: found neither JSON, XML nor SPDX tag-value", notSBOM)
}

// firstByte returns the offset of the first byte that is not white space, or -1.
func firstByte(data []byte) int {
	for i, c := range data {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return i
	}
	return -1
}

// parseJSON reads the top-level keys that say what the document is and hands the
// file to the CycloneDX or SPDX decoder.
func parseJSON(f *source.File) (evidence.SBOM, error) {
	head, err := readJSONHead(f)
	if err != nil {
		return evidence.SBOM{}, err
	}
	switch {
	case head.bomFormat.present:
		if head.bomFormat.value != "CycloneDX" {
			return evidence.SBOM{}, f.ErrorAt(head.bomFormat.offset, "bomFormat: expected \"CycloneDX\", found %q", head.bomFormat.value)
		}
		if !head.specVersion.present {
			return evidence.SBOM{}, f.ErrorAt(head.bomFormat.offset, "specVersion: missing: a CycloneDX document must state its specVersion (supported: %s)", strings.Join(cycloneDXVersions, ", "))
		}
		if !contains(cycloneDXVersions, head.specVersion.value) {
			return evidence.SBOM{}, f.ErrorAt(head.specVersion.offset, "specVersion: CycloneDX %q is not supported: supported versions are %s", head.specVersion.value, strings.Join(cycloneDXVersions, ", "))
		}
		return parseCycloneDXJSON(f, head.specVersion.value)
	case head.spdxVersion.present:
		if !contains(spdxVersions, head.spdxVersion.value) {
			return evidence.SBOM{}, f.ErrorAt(head.spdxVersion.offset, "spdxVersion: %q is not supported: supported versions are %s", head.spdxVersion.value, strings.Join(spdxVersions, ", "))
		}
		return parseSPDXJSON(f, head.spdxVersion.value)
	}
	return evidence.SBOM{}, f.ErrorAt(head.objectOffset, "%s: found a JSON object with %s", notSBOM, describeKeys(head.keys))
}

// describeKeys names the first few top-level keys of a JSON object, to help a user
// see what kind of document was given.
func describeKeys(keys []string) string {
	if len(keys) == 0 {
		return "no keys"
	}
	const max = 6
	quoted := make([]string, 0, max)
	for i, k := range keys {
		if i == max {
			quoted = append(quoted, "…")
			break
		}
		quoted = append(quoted, fmt.Sprintf("%q", k))
	}
	return "keys " + strings.Join(quoted, ", ")
}

// looksLikeTagValue reports whether data reads as SPDX tag-value: the first line
// that is neither blank nor a comment is a "Tag: value" line with an SPDX tag.
func looksLikeTagValue(data []byte) bool {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		tag, _, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return false
		}
		switch string(bytes.TrimSpace(tag)) {
		case "SPDXVersion", "DataLicense", "SPDXID", "DocumentName", "DocumentNamespace":
			return true
		}
		return false
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ecosystem returns the purl type of purl, or "" when it does not parse.
func ecosystem(purl string) string {
	if purl == "" {
		return ""
	}
	p, err := packageurl.FromString(purl)
	if err != nil {
		return ""
	}
	return p.Type
}

// markDirect sets Direct on every component when the dependency graph has an
// entry for the subject: true for what the subject depends on, false otherwise.
func markDirect(s *evidence.SBOM) {
	if s.Subject == nil || s.Subject.Ref == "" {
		return
	}
	var direct map[string]bool
	for _, d := range s.Dependencies {
		if d.Ref != s.Subject.Ref {
			continue
		}
		if direct == nil {
			direct = map[string]bool{}
		}
		for _, ref := range d.DependsOn {
			direct[ref] = true
		}
	}
	if direct == nil {
		return
	}
	for i := range s.Components {
		v := s.Components[i].Ref != "" && direct[s.Components[i].Ref]
		s.Components[i].Direct = &v
	}
}

// safely runs a decoding library's function. The libraries are not ours; a panic
// in one of them on hostile input must still come out as an input error.
func safely(f *source.File, what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = f.Errorf("cannot read %s: the decoder failed on this input: %v", what, r)
		}
	}()
	return fn()
}

// newSBOM returns an SBOM with every slice non-nil.
func newSBOM(ref evidence.FileRef, format, version string) evidence.SBOM {
	return evidence.SBOM{
		FileRef:      ref,
		Format:       format,
		SpecVersion:  version,
		Authors:      []string{},
		Tools:        []string{},
		Components:   []evidence.Component{},
		Dependencies: []evidence.Dependency{},
		Properties:   []evidence.Property{},
	}
}

// newComponent returns a component with every slice non-nil.
func newComponent() evidence.Component {
	return evidence.Component{
		Hashes:     []evidence.Hash{},
		Licenses:   []string{},
		Properties: []evidence.Property{},
	}
}

// joinNonEmpty joins the non-empty parts with single spaces.
func joinNonEmpty(parts ...string) string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// collapseSpace trims s and makes each run of white space a single space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
