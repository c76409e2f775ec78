package sbom

import (
	"bytes"
	"sort"
	"strings"

	"github.com/spdx/tools-golang/convert"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_2"
	v22tv "github.com/spdx/tools-golang/spdx/v2/v2_2/tagvalue/reader"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
	v23tv "github.com/spdx/tools-golang/spdx/v2/v2_3/tagvalue/reader"
	tvreader "github.com/spdx/tools-golang/tagvalue/reader"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// parseSPDXJSON decodes an SPDX JSON document whose head was checked, converting
// SPDX 2.2 to the 2.3 model.
func parseSPDXJSON(f *source.File, version string) (evidence.SBOM, error) {
	var doc v2_3.Document
	switch version {
	case v2_2.Version:
		var old v2_2.Document
		if err := decodeJSON(f, "SPDX JSON", &old); err != nil {
			return evidence.SBOM{}, err
		}
		if err := convertSPDX(f, &old, &doc); err != nil {
			return evidence.SBOM{}, err
		}
	default:
		if err := decodeJSON(f, "SPDX JSON", &doc); err != nil {
			return evidence.SBOM{}, err
		}
	}
	return fromSPDX(&doc, f.Ref(MediaTypeSPDXJSON), version), nil
}

// convertSPDX converts an SPDX 2.2 document to the 2.3 model.
func convertSPDX(f *source.File, old *v2_2.Document, doc *v2_3.Document) error {
	return safely(f, "SPDX 2.2", func() error {
		if err := convert.Document(old, doc); err != nil {
			return f.Errorf("cannot convert SPDX 2.2 to 2.3: %v", err)
		}
		return nil
	})
}

// tvLine is an SPDX tag-value pair and the line it starts on.
type tvLine struct {
	pair tvreader.TagValuePair
	line int
}

// readTagValues splits SPDX tag-value text into pairs as the SPDX library's
// reader does, but with line numbers for errors and no limit on line length.
func readTagValues(f *source.File) ([]tvLine, error) {
	var out []tvLine
	data := f.Data
	lineNo := 0
	var text *tvLine // an open <text> value
	var textStart int
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		lineNo++
		if text != nil {
			before, _, closed := bytes.Cut(line, []byte("</text>"))
			text.pair.Value += string(before)
			if !closed {
				text.pair.Value += "\n"
				continue
			}
			out = append(out, *text)
			text = nil
			continue
		}
		trimmed := bytes.TrimLeft(line, " \t\v\f\r")
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		tag, value, ok := bytes.Cut(trimmed, []byte(":"))
		if !ok {
			return nil, f.ErrorAtLine(lineNo, "invalid SPDX tag-value: expected \"Tag: value\", found %q", truncate(string(trimmed), 60))
		}
		pair := tvLine{pair: tvreader.TagValuePair{Tag: string(bytes.TrimSpace(tag))}, line: lineNo}
		before, after, isText := bytes.Cut(value, []byte("<text>"))
		if !isText {
			pair.pair.Value = string(bytes.TrimSpace(before))
			out = append(out, pair)
			continue
		}
		inner, _, closed := bytes.Cut(after, []byte("</text>"))
		if closed {
			pair.pair.Value = string(inner)
			out = append(out, pair)
			continue
		}
		pair.pair.Value = string(after) + "\n"
		text, textStart = &pair, lineNo
	}
	if text != nil {
		return nil, f.ErrorAtLine(textStart, "invalid SPDX tag-value: %s: <text> is not closed by </text> (truncated?)", text.pair.Tag)
	}
	return out, nil
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// parseSPDXTagValue parses an SPDX 2.2 or 2.3 tag-value document.
func parseSPDXTagValue(f *source.File) (evidence.SBOM, error) {
	if err := f.CheckUTF8(); err != nil {
		return evidence.SBOM{}, err
	}
	lines, err := readTagValues(f)
	if err != nil {
		return evidence.SBOM{}, err
	}
	version, versionLine := "", 0
	for _, l := range lines {
		if l.pair.Tag == "SPDXVersion" {
			version, versionLine = l.pair.Value, l.line
			break
		}
	}
	if versionLine == 0 {
		return evidence.SBOM{}, f.Errorf("invalid SPDX tag-value: no SPDXVersion tag (supported versions are %s)", strings.Join(spdxVersions, ", "))
	}
	if !contains(spdxVersions, version) {
		return evidence.SBOM{}, f.ErrorAtLine(versionLine, "SPDXVersion: %q is not supported: supported versions are %s", version, strings.Join(spdxVersions, ", "))
	}
	pairs := make([]tvreader.TagValuePair, len(lines))
	for i, l := range lines {
		pairs[i] = l.pair
	}
	var doc v2_3.Document
	err = safely(f, "SPDX tag-value", func() error {
		switch version {
		case v2_2.Version:
			old, err := v22tv.ParseTagValues(pairs)
			if err != nil {
				return f.Errorf("invalid SPDX tag-value: %v", err)
			}
			return convertSPDX(f, old, &doc)
		default:
			d, err := v23tv.ParseTagValues(pairs)
			if err != nil {
				return f.Errorf("invalid SPDX tag-value: %v", err)
			}
			doc = *d
			return nil
		}
	})
	if err != nil {
		return evidence.SBOM{}, err
	}
	return fromSPDX(&doc, f.Ref(MediaTypeSPDXTagValue), version), nil
}

// localID returns the element id of a reference to an element of this document
// ("SPDXRef-…"), or "" for a reference into another document, NONE or NOASSERTION.
func localID(id common.DocElementID) string {
	if id.DocumentRefID != "" || id.SpecialID != "" || id.ElementRefID == "" {
		return ""
	}
	return common.RenderElementID(id.ElementRefID)
}

// fromSPDX normalises an SPDX document in the 2.3 model. version is the SPDX
// version the file stated.
func fromSPDX(doc *v2_3.Document, ref evidence.FileRef, version string) evidence.SBOM {
	s := newSBOM(ref, FormatSPDX, version)
	s.Serial = doc.DocumentNamespace
	if ci := doc.CreationInfo; ci != nil {
		s.Timestamp = ci.Created
		for _, c := range ci.Creators {
			name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(c.Creator), "()"))
			if name == "" {
				continue
			}
			switch c.CreatorType {
			case "Tool":
				s.Tools = append(s.Tools, name)
			case "Person", "Organization":
				s.Authors = append(s.Authors, name)
			}
		}
	}

	packages := map[string]int{} // element id → index in doc.Packages
	for i, p := range doc.Packages {
		if p == nil {
			continue
		}
		id := common.RenderElementID(p.PackageSPDXIdentifier)
		if _, dup := packages[id]; !dup {
			packages[id] = i
		}
	}

	// The subject is the first package the document describes.
	documentID := common.RenderElementID(doc.SPDXIdentifier)
	if doc.SPDXIdentifier == "" {
		documentID = "SPDXRef-DOCUMENT"
	}
	subject := -1
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		var described string
		switch strings.ToUpper(r.Relationship) {
		case common.TypeRelationshipDescribe:
			if localID(r.RefA) == documentID {
				described = localID(r.RefB)
			}
		case common.TypeRelationshipDescribeBy:
			if localID(r.RefB) == documentID {
				described = localID(r.RefA)
			}
		}
		if i, ok := packages[described]; ok && described != "" {
			subject = i
			break
		}
	}

	for i, p := range doc.Packages {
		if p == nil {
			continue
		}
		c := spdxComponent(p)
		if i == subject {
			s.Subject = &c
			continue
		}
		s.Components = append(s.Components, c)
	}
	s.Dependencies = spdxDependencies(doc.Relationships, packages)
	markDirect(&s)
	return s
}

// spdxDependencies builds the dependency graph between the document's packages
// from DEPENDS_ON, DEPENDENCY_OF, CONTAINS and CONTAINED_BY relationships, sorted
// by ref, each list sorted and without duplicates.
func spdxDependencies(rels []*v2_3.Relationship, packages map[string]int) []evidence.Dependency {
	graph := map[string]map[string]bool{}
	for _, r := range rels {
		if r == nil {
			continue
		}
		a, b := localID(r.RefA), localID(r.RefB)
		var from, to string
		switch strings.ToUpper(r.Relationship) {
		case common.TypeRelationshipDependsOn, common.TypeRelationshipContains:
			from, to = a, b
		case common.TypeRelationshipDependencyOf, common.TypeRelationshipContainedBy:
			from, to = b, a
		default:
			continue
		}
		_, okFrom := packages[from]
		_, okTo := packages[to]
		if from == "" || to == "" || !okFrom || !okTo {
			continue
		}
		if graph[from] == nil {
			graph[from] = map[string]bool{}
		}
		graph[from][to] = true
	}
	deps := make([]evidence.Dependency, 0, len(graph))
	for from, tos := range graph {
		d := evidence.Dependency{Ref: from, DependsOn: make([]string, 0, len(tos))}
		for to := range tos {
			d.DependsOn = append(d.DependsOn, to)
		}
		sort.Strings(d.DependsOn)
		deps = append(deps, d)
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Ref < deps[j].Ref })
	return deps
}

// spdxHashAlgorithms spells SPDX checksum algorithms as CycloneDX does, so that
// policies compare one spelling.
var spdxHashAlgorithms = map[string]string{
	"SHA1":   "SHA-1",
	"SHA224": "SHA-224",
	"SHA256": "SHA-256",
	"SHA384": "SHA-384",
	"SHA512": "SHA-512",
}

// spdxComponent normalises one SPDX package.
func spdxComponent(p *v2_3.Package) evidence.Component {
	c := newComponent()
	c.Ref = common.RenderElementID(p.PackageSPDXIdentifier)
	c.Type = strings.ToLower(p.PrimaryPackagePurpose)
	c.Name = p.PackageName
	c.Version = p.PackageVersion
	if v := strings.TrimSpace(c.Version); v == "NOASSERTION" || v == "NONE" {
		c.Version = "" // no version stated: the NTIA minimum element is missing
	}
	for _, r := range p.PackageExternalReferences {
		if r == nil {
			continue
		}
		switch strings.ToLower(r.RefType) {
		case "purl":
			if c.PURL == "" {
				c.PURL = strings.TrimSpace(r.Locator)
			}
		case "cpe23type":
			if c.CPE == "" || strings.HasPrefix(c.CPE, "cpe:/") {
				c.CPE = strings.TrimSpace(r.Locator)
			}
		case "cpe22type":
			if c.CPE == "" {
				c.CPE = strings.TrimSpace(r.Locator)
			}
		}
	}
	c.Ecosystem = ecosystem(c.PURL)
	if sup := p.PackageSupplier; sup != nil {
		name := strings.TrimSpace(sup.Supplier)
		// The library splits "Organization: X" into type and name; a value it
		// could not split keeps its prefix.
		for _, prefix := range []string{"Organization:", "Person:"} {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				name = strings.TrimSpace(rest)
			}
		}
		if name != "NOASSERTION" {
			c.Supplier = name
		}
	}
	for _, h := range p.PackageChecksums {
		alg := string(h.Algorithm)
		if a, ok := spdxHashAlgorithms[alg]; ok {
			alg = a
		}
		c.Hashes = append(c.Hashes, evidence.Hash{Algorithm: alg, Value: strings.TrimSpace(h.Value)})
	}
	for _, l := range []string{p.PackageLicenseDeclared, p.PackageLicenseConcluded} {
		l = collapseSpace(l)
		switch l {
		case "", "NOASSERTION", "NONE":
			continue
		}
		if !contains(c.Licenses, l) {
			c.Licenses = append(c.Licenses, l)
		}
	}
	return c
}
