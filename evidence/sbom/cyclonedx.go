package sbom

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// cycloneDXNamespace is the XML namespace of CycloneDX without its version.
const cycloneDXNamespace = "http://cyclonedx.org/schema/bom/"

// parseCycloneDXJSON decodes a CycloneDX JSON document whose head was checked.
func parseCycloneDXJSON(f *source.File, version string) (evidence.SBOM, error) {
	var bom cdx.BOM
	if err := decodeJSON(f, "CycloneDX JSON", &bom); err != nil {
		return evidence.SBOM{}, err
	}
	return fromCycloneDX(&bom, f.Ref(MediaTypeCycloneDXJSON), version), nil
}

// parseCycloneDXXML checks the XML is safe and is a CycloneDX BOM of a supported
// version, then decodes it.
func parseCycloneDXXML(f *source.File) (evidence.SBOM, error) {
	if err := f.CheckUTF8(); err != nil {
		return evidence.SBOM{}, err
	}
	if i := indexFold(f.Data, []byte("<!DOCTYPE")); i >= 0 {
		return evidence.SBOM{}, f.ErrorAt(int64(i), "XML document type declarations (DOCTYPE, entities) are not accepted")
	}
	if i := indexFold(f.Data, []byte("<!ENTITY")); i >= 0 {
		return evidence.SBOM{}, f.ErrorAt(int64(i), "XML entity declarations are not accepted")
	}
	version, err := cycloneDXXMLVersion(f)
	if err != nil {
		return evidence.SBOM{}, err
	}
	var bom cdx.BOM
	err = safely(f, "CycloneDX XML", func() error {
		dec := f.NewXMLDecoder()
		if err := dec.Decode(&bom); err != nil {
			return f.XMLError(err, dec)
		}
		return xmlTrailer(f, dec)
	})
	if err != nil {
		return evidence.SBOM{}, err
	}
	return fromCycloneDX(&bom, f.Ref(MediaTypeCycloneDXXML), version), nil
}

// cycloneDXXMLVersion reads the root element and returns the CycloneDX version
// its namespace names.
func cycloneDXXMLVersion(f *source.File) (string, error) {
	dec := f.NewXMLDecoder()
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", f.XMLError(err, dec)
		}
		root, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, col := dec.InputPos()
		at := &source.Error{Path: f.Path, Line: line, Column: col}
		if root.Name.Local != "bom" {
			at.Msg = notSBOM + `: found XML with root element <` + qualified(root.Name) + `> (CycloneDX XML has root <bom xmlns="http://cyclonedx.org/schema/bom/1.x">)`
			return "", at
		}
		version, ok := strings.CutPrefix(root.Name.Space, cycloneDXNamespace)
		if !ok {
			at.Msg = `<bom> has namespace "` + root.Name.Space + `": expected the CycloneDX namespace http://cyclonedx.org/schema/bom/<version>`
			return "", at
		}
		if !contains(cycloneDXVersions, version) {
			at.Msg = `CycloneDX "` + version + `" (namespace ` + root.Name.Space + `) is not supported: supported versions are ` + strings.Join(cycloneDXVersions, ", ")
			return "", at
		}
		return version, checkXMLDepth(f, dec)
	}
}

// maxXMLDepth is the deepest XML element nesting accepted, as source limits JSON.
const maxXMLDepth = source.MaxJSONDepth

// checkXMLDepth reads the rest of the document, just inside its root element,
// and refuses nesting deeper than maxXMLDepth.
func checkXMLDepth(f *source.File, dec *xml.Decoder) error {
	depth := 1
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return f.XMLError(err, dec)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				line, col := dec.InputPos()
				return &source.Error{Path: f.Path, Line: line, Column: col, Msg: fmt.Sprintf("XML nested deeper than %d elements", maxXMLDepth)}
			}
		case xml.EndElement:
			depth--
		}
	}
}

// xmlTrailer checks that only comments, processing instructions and white space
// follow the root element.
func xmlTrailer(f *source.File, dec *xml.Decoder) error {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return f.XMLError(err, dec)
		}
		switch t := tok.(type) {
		case xml.Comment, xml.ProcInst:
			continue
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
		}
		line, col := dec.InputPos()
		return &source.Error{Path: f.Path, Line: line, Column: col, Msg: "unexpected content after the <bom> element"}
	}
}

func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Local + ` xmlns="` + n.Space + `"`
}

// indexFold returns the first index of the ASCII pattern in data, ignoring case.
func indexFold(data, pattern []byte) int {
	first := pattern[:2] // "<!"
	for off := 0; ; {
		i := bytes.Index(data[off:], first)
		if i < 0 {
			return -1
		}
		i += off
		if len(data)-i >= len(pattern) && bytes.EqualFold(data[i:i+len(pattern)], pattern) {
			return i
		}
		off = i + 1
	}
}

// fromCycloneDX normalises a decoded CycloneDX BOM.
func fromCycloneDX(bom *cdx.BOM, ref evidence.FileRef, version string) evidence.SBOM {
	s := newSBOM(ref, FormatCycloneDX, version)
	s.Serial = bom.SerialNumber
	if md := bom.Metadata; md != nil {
		s.Timestamp = md.Timestamp
		if md.Authors != nil {
			for _, a := range *md.Authors {
				if name := contactName(a); name != "" {
					s.Authors = append(s.Authors, name)
				}
			}
		}
		s.Tools = cycloneDXTools(md.Tools)
		if md.Component != nil {
			subject := cycloneDXComponent(md.Component)
			s.Subject = &subject
			// Parts of the subject are components of the SBOM too.
			if md.Component.Components != nil {
				flattenComponents(*md.Component.Components, &s.Components)
			}
		}
		s.Properties = cycloneDXProperties(md.Properties)
	}
	if bom.Components != nil {
		flattenComponents(*bom.Components, &s.Components)
	}
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			dep := evidence.Dependency{Ref: d.Ref, DependsOn: []string{}}
			if d.Dependencies != nil {
				dep.DependsOn = append(dep.DependsOn, *d.Dependencies...)
			}
			s.Dependencies = append(s.Dependencies, dep)
		}
	}
	markDirect(&s)
	return s
}

// contactName returns a contact's name, or its email when it has no name.
func contactName(c cdx.OrganizationalContact) string {
	if n := strings.TrimSpace(c.Name); n != "" {
		return n
	}
	return strings.TrimSpace(c.Email)
}

// cycloneDXTools renders the tools as "vendor name version": the legacy tool list
// (up to 1.4) or the components and services that 1.5 and later use.
func cycloneDXTools(tc *cdx.ToolsChoice) []string {
	tools := []string{}
	if tc == nil {
		return tools
	}
	add := func(s string) {
		if s != "" {
			tools = append(tools, s)
		}
	}
	if tc.Tools != nil {
		for _, t := range *tc.Tools {
			add(joinNonEmpty(t.Vendor, t.Name, t.Version))
		}
	}
	if tc.Components != nil {
		for _, c := range *tc.Components {
			add(joinNonEmpty(componentVendor(&c), c.Name, c.Version))
		}
	}
	if tc.Services != nil {
		for _, sv := range *tc.Services {
			vendor := sv.Group
			if vendor == "" && sv.Provider != nil {
				vendor = sv.Provider.Name
			}
			add(joinNonEmpty(vendor, sv.Name, sv.Version))
		}
	}
	return tools
}

// componentVendor names who makes a tool given as a component.
func componentVendor(c *cdx.Component) string {
	switch {
	case c.Group != "":
		return c.Group
	case c.Supplier != nil && c.Supplier.Name != "":
		return c.Supplier.Name
	case c.Manufacturer != nil && c.Manufacturer.Name != "":
		return c.Manufacturer.Name
	case c.Publisher != "":
		return c.Publisher
	}
	return c.Author
}

// flattenComponents appends the components depth first: each component, then
// the components nested in it. A component without a scope gets CycloneDX's
// default scope, "required".
func flattenComponents(list []cdx.Component, out *[]evidence.Component) {
	for i := range list {
		c := cycloneDXComponent(&list[i])
		if c.Scope == "" {
			c.Scope = string(cdx.ScopeRequired)
		}
		*out = append(*out, c)
		if list[i].Components != nil {
			flattenComponents(*list[i].Components, out)
		}
	}
}

// cycloneDXComponent normalises one component, without its nested components.
func cycloneDXComponent(c *cdx.Component) evidence.Component {
	out := newComponent()
	out.Ref = c.BOMRef
	out.Type = string(c.Type)
	out.Name = c.Name
	out.Group = c.Group
	out.Version = c.Version
	out.PURL = c.PackageURL
	out.Ecosystem = ecosystem(c.PackageURL)
	out.CPE = c.CPE
	if c.Supplier != nil && strings.TrimSpace(c.Supplier.Name) != "" {
		out.Supplier = strings.TrimSpace(c.Supplier.Name)
	} else {
		out.Supplier = strings.TrimSpace(c.Publisher)
	}
	if c.Hashes != nil {
		for _, h := range *c.Hashes {
			out.Hashes = append(out.Hashes, evidence.Hash{Algorithm: string(h.Algorithm), Value: strings.TrimSpace(h.Value)})
		}
	}
	if c.Licenses != nil {
		for _, l := range *c.Licenses {
			if id := licenseID(l); id != "" {
				out.Licenses = append(out.Licenses, id)
			}
		}
	}
	out.Properties = cycloneDXProperties(c.Properties)
	out.Scope = string(c.Scope)
	return out
}

// licenseID returns the SPDX id, the name, or the expression of a licence
// choice, with runs of white space (line breaks in XML) made single spaces.
func licenseID(l cdx.LicenseChoice) string {
	if l.License != nil {
		if id := collapseSpace(l.License.ID); id != "" {
			return id
		}
		return collapseSpace(l.License.Name)
	}
	return collapseSpace(l.Expression)
}

// cycloneDXProperties copies properties in file order.
func cycloneDXProperties(props *[]cdx.Property) []evidence.Property {
	out := []evidence.Property{}
	if props == nil {
		return out
	}
	for _, p := range *props {
		out = append(out, evidence.Property{Name: p.Name, Value: p.Value})
	}
	return out
}
