package vex

import (
	"encoding/xml"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// cdxBOM is the part of a CycloneDX BOM that VEX statements need, in JSON and XML.
type cdxBOM struct {
	XMLName         xml.Name           `json:"-"`
	Metadata        *cdxMetadata       `json:"metadata" xml:"metadata"`
	Components      []cdxComponent     `json:"components" xml:"components>component"`
	Vulnerabilities []cdxVulnerability `json:"vulnerabilities" xml:"vulnerabilities>vulnerability"`
}

type cdxMetadata struct {
	Timestamp string        `json:"timestamp" xml:"timestamp"`
	Component *cdxComponent `json:"component" xml:"component"`
}

type cdxComponent struct {
	BOMRef     string         `json:"bom-ref" xml:"bom-ref,attr"`
	PURL       string         `json:"purl" xml:"purl"`
	Components []cdxComponent `json:"components" xml:"components>component"`
}

type cdxVulnerability struct {
	ID         string         `json:"id" xml:"id"`
	References []cdxReference `json:"references" xml:"references>reference"`
	Analysis   *cdxAnalysis   `json:"analysis" xml:"analysis"`
	Affects    []cdxAffects   `json:"affects" xml:"affects>target"`
	Created    string         `json:"created" xml:"created"`
	Published  string         `json:"published" xml:"published"`
	Updated    string         `json:"updated" xml:"updated"`
}

type cdxReference struct {
	ID string `json:"id" xml:"id"`
}

type cdxAnalysis struct {
	State         string   `json:"state" xml:"state"`
	Justification string   `json:"justification" xml:"justification"`
	Response      []string `json:"response" xml:"responses>response"`
	Detail        string   `json:"detail" xml:"detail"`
	FirstIssued   string   `json:"firstIssued" xml:"firstIssued"`
	LastUpdated   string   `json:"lastUpdated" xml:"lastUpdated"`
}

type cdxAffects struct {
	Ref      string       `json:"ref" xml:"ref"`
	Versions []cdxVersion `json:"versions" xml:"versions>version"`
}

type cdxVersion struct {
	Version string `json:"version" xml:"version"`
	Range   string `json:"range" xml:"range"`
	Status  string `json:"status" xml:"status"`
}

// cdxStates maps CycloneDX analysis states to OpenVEX statuses.
var cdxStates = map[string]string{
	"resolved":               StatusFixed,
	"resolved_with_pedigree": StatusFixed,
	"exploitable":            StatusAffected,
	"in_triage":              StatusUnderInvestigation,
	"false_positive":         StatusNotAffected,
	"not_affected":           StatusNotAffected,
}

// cdxJustifications maps CycloneDX analysis justifications to OpenVEX's.
var cdxJustifications = map[string]string{
	"code_not_present":                JustificationVulnerableCodeNotPresent,
	"code_not_reachable":              JustificationVulnerableCodeNotInExecutePath,
	"requires_configuration":          JustificationVulnerableCodeCannotBeControlledByAdversary,
	"requires_dependency":             JustificationComponentNotPresent,
	"requires_environment":            JustificationVulnerableCodeCannotBeControlledByAdversary,
	"protected_by_compiler":           JustificationInlineMitigationsAlreadyExist,
	"protected_at_runtime":            JustificationInlineMitigationsAlreadyExist,
	"protected_at_perimeter":          JustificationInlineMitigationsAlreadyExist,
	"protected_by_mitigating_control": JustificationInlineMitigationsAlreadyExist,
}

// cdxNamespace is the prefix of every CycloneDX XML namespace.
const cdxNamespace = "http://cyclonedx.org/schema/bom/"

func parseCycloneDXJSON(f *source.File) (evidence.VEXDocument, error) {
	var b cdxBOM
	if err := f.DecodeJSON(&b); err != nil {
		return evidence.VEXDocument{}, err
	}
	return cycloneDXStatements(cdxSource{f: f}, b, MediaTypeCycloneDXJSON)
}

func parseCycloneDXXML(f *source.File) (evidence.VEXDocument, error) {
	var b cdxBOM
	if err := f.DecodeXML(&b); err != nil {
		return evidence.VEXDocument{}, err
	}
	if b.XMLName.Local != "bom" || !strings.HasPrefix(b.XMLName.Space, cdxNamespace) {
		name := b.XMLName.Local
		if b.XMLName.Space != "" {
			name += ` xmlns="` + b.XMLName.Space + `"`
		}
		return evidence.VEXDocument{}, f.Errorf("not a VEX document: found XML root element <%s>, %s (a CycloneDX XML BOM is <bom xmlns=\"%s…\">)", name, expected, cdxNamespace)
	}
	return cycloneDXStatements(cdxSource{f: f, xml: true}, b, MediaTypeCycloneDXXML)
}

// cdxSource places errors in a CycloneDX file: at the value for JSON, by path
// alone for XML, whose decoder does not keep element positions.
type cdxSource struct {
	f   *source.File
	xml bool
}

func (s cdxSource) errorAt(path []any, format string, args ...any) error {
	msg := source.PathString(path...) + ": " + format
	if s.xml {
		return s.f.Errorf(msg, args...)
	}
	return s.f.ErrorAt(source.ValueOffset(s.f.Data, path...), msg, args...)
}

// checkTime checks a date-time of the JSON form; the XML form's xs:dateTime
// may leave out the zone, so XML values are kept as given.
func (s cdxSource) checkTime(value string, path ...any) error {
	if s.xml {
		return nil
	}
	return checkTime(s.f, value, path...)
}

func cycloneDXStatements(src cdxSource, b cdxBOM, mediaType string) (evidence.VEXDocument, error) {
	purls := map[string]string{}
	var timestamp string
	if b.Metadata != nil {
		timestamp = b.Metadata.Timestamp
		if err := src.checkTime(timestamp, "metadata", "timestamp"); err != nil {
			return evidence.VEXDocument{}, err
		}
		if b.Metadata.Component != nil {
			collectPURLs(purls, []cdxComponent{*b.Metadata.Component})
		}
	}
	collectPURLs(purls, b.Components)

	doc := evidence.VEXDocument{
		FileRef:    src.f.Ref(mediaType),
		Format:     FormatCycloneDX,
		Statements: make([]evidence.VEXStatement, 0, len(b.Vulnerabilities)),
	}
	for i, v := range b.Vulnerabilities {
		at := func(path ...any) []any { return append([]any{"vulnerabilities", i}, path...) }
		if strings.TrimSpace(v.ID) == "" {
			return evidence.VEXDocument{}, src.errorAt(at(), "expected an id naming the vulnerability, found none")
		}
		s := evidence.VEXStatement{
			Vulnerability: v.ID,
			Status:        StatusUnderInvestigation,
		}
		for _, r := range v.References {
			s.Aliases = append(s.Aliases, r.ID)
		}
		times := []struct {
			value string
			path  []any
		}{
			{v.Updated, at("updated")}, {v.Published, at("published")}, {v.Created, at("created")},
		}
		if a := v.Analysis; a != nil {
			if a.State != "" {
				s.SourceStatus = a.State
				s.Status = a.State
				if mapped, ok := cdxStates[a.State]; ok {
					s.Status = mapped
				}
			}
			s.SourceJustification = a.Justification
			s.Justification = justificationFor(s.Status, cdxJustifications[a.Justification])
			s.Impact = a.Detail
			s.Action = strings.Join(a.Response, ", ")
			times = append([]struct {
				value string
				path  []any
			}{{a.LastUpdated, at("analysis", "lastUpdated")}, {a.FirstIssued, at("analysis", "firstIssued")}}, times...)
		}
		for _, t := range times {
			if err := src.checkTime(t.value, t.path...); err != nil {
				return evidence.VEXDocument{}, err
			}
			if s.Timestamp == "" {
				s.Timestamp = t.value
			}
		}
		if s.Timestamp == "" {
			s.Timestamp = timestamp
		}
		for k, a := range v.Affects {
			if strings.TrimSpace(a.Ref) == "" {
				return evidence.VEXDocument{}, src.errorAt(at("affects", k), "expected ref naming the affected component (a bom-ref or a urn:cdx: BOM-Link), found none")
			}
			// A ref to another BOM (urn:cdx:<serial>/<version>#<bom-ref>) is kept as given.
			product := a.Ref
			if p := purls[a.Ref]; p != "" {
				product = p
			}
			s.Products = append(s.Products, product)
			for _, ver := range a.Versions {
				if ver.Version == "" && ver.Range == "" {
					continue
				}
				s.Versions = append(s.Versions, evidence.VEXVersion{
					Product: product, Version: ver.Version, Range: ver.Range, Status: ver.Status,
				})
			}
		}
		doc.Statements = append(doc.Statements, s)
	}
	return finish(doc), nil
}

// collectPURLs maps the bom-refs of components (and the components nested in
// them) that state a purl to that purl.
func collectPURLs(purls map[string]string, components []cdxComponent) {
	for _, c := range components {
		if c.BOMRef != "" && c.PURL != "" {
			if _, seen := purls[c.BOMRef]; !seen {
				purls[c.BOMRef] = c.PURL
			}
		}
		collectPURLs(purls, c.Components)
	}
}
