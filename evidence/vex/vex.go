// Package vex reads VEX documents (OpenVEX, CycloneDX VEX in JSON or XML, and
// CSAF 2.0 VEX) into the evidence document's normalised VEX statements.
//
// Statuses and justifications are normalised to OpenVEX terms; the document's own
// words are kept in SourceStatus and SourceJustification. A status outside the
// OpenVEX set, or not_affected without a justification, is not an error: the
// statement is kept (with an empty Justification) for the policy to judge.
//
// A CycloneDX BOM without vulnerabilities is accepted as a VEX document with no
// statements rather than rejected. CycloneDX VEX is a BOM, VEX exchanges ship
// plain BOMs next to the VEX that refers into them (the CISA use cases 7 and 8
// do), and a document with no statements claims nothing: it cannot mark any
// finding as not affected, so accepting it cannot make a control pass.
//
// The documents are decoded here rather than with github.com/openvex/go-vex or
// github.com/CycloneDX/cyclonedx-go: those decode with json.Unmarshal, so their
// errors carry no line or column, go-vex rejects the string products of the
// earlier OpenVEX form, and both decode far more than a VEX statement needs.
package vex

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// Formats, as VEXDocument.Format states them.
const (
	FormatOpenVEX   = "openvex"
	FormatCycloneDX = "cyclonedx"
	FormatCSAF      = "csaf"
)

// Media types, as the VEXDocument's FileRef states them.
const (
	MediaTypeOpenVEX       = "application/openvex+json"
	MediaTypeCycloneDXJSON = "application/vnd.cyclonedx+json"
	MediaTypeCycloneDXXML  = "application/vnd.cyclonedx+xml"
	MediaTypeCSAF          = "application/csaf+json"
)

// OpenVEX statuses.
const (
	StatusNotAffected        = "not_affected"
	StatusAffected           = "affected"
	StatusFixed              = "fixed"
	StatusUnderInvestigation = "under_investigation"
)

// OpenVEX justifications.
const (
	JustificationComponentNotPresent                         = "component_not_present"
	JustificationVulnerableCodeNotPresent                    = "vulnerable_code_not_present"
	JustificationVulnerableCodeNotInExecutePath              = "vulnerable_code_not_in_execute_path"
	JustificationVulnerableCodeCannotBeControlledByAdversary = "vulnerable_code_cannot_be_controlled_by_adversary"
	JustificationInlineMitigationsAlreadyExist               = "inline_mitigations_already_exist"
)

// openVEXContext is the prefix of every OpenVEX @context.
const openVEXContext = "https://openvex.dev/ns"

// expected says what Parse reads, for errors about documents of another kind.
const expected = `expected OpenVEX JSON (@context "https://openvex.dev/ns…"), a CycloneDX BOM (bomFormat "CycloneDX", JSON or XML) or CSAF VEX (document.category "csaf_vex")`

var (
	openVEXStatuses = map[string]bool{
		StatusNotAffected: true, StatusAffected: true, StatusFixed: true, StatusUnderInvestigation: true,
	}
	openVEXJustifications = map[string]bool{
		JustificationComponentNotPresent:                         true,
		JustificationVulnerableCodeNotPresent:                    true,
		JustificationVulnerableCodeNotInExecutePath:              true,
		JustificationVulnerableCodeCannotBeControlledByAdversary: true,
		JustificationInlineMitigationsAlreadyExist:               true,
	}
)

// Parse reads a VEX document: OpenVEX JSON, a CycloneDX BOM (JSON or XML) with
// vulnerabilities, or a CSAF 2.0 document of category csaf_vex. Statements are
// sorted by vulnerability, status and first product. Every error for bad input
// is a *source.Error.
func Parse(f *source.File) (evidence.VEXDocument, error) {
	if err := f.CheckUTF8(); err != nil {
		return evidence.VEXDocument{}, err
	}
	trimmed := bytes.TrimLeft(f.Data, " \t\r\n")
	if len(trimmed) == 0 {
		return evidence.VEXDocument{}, f.Errorf("empty file: %s", expected)
	}
	switch trimmed[0] {
	case '<':
		return parseCycloneDXXML(f)
	case '{':
	default:
		var raw json.RawMessage
		if err := f.DecodeJSON(&raw); err != nil {
			return evidence.VEXDocument{}, err
		}
		off := int64(len(f.Data) - len(trimmed))
		return evidence.VEXDocument{}, f.ErrorAt(off, "not a VEX document: found a JSON %s at the top level, %s", jsonKind(raw), expected)
	}

	var p probe
	if err := f.DecodeJSON(&p); err != nil {
		return evidence.VEXDocument{}, err
	}
	if ctx, ok := jsonString(p.Context); ok && strings.HasPrefix(ctx, openVEXContext) {
		return parseOpenVEX(f)
	}
	if bf, ok := jsonString(p.BOMFormat); ok && bf == "CycloneDX" {
		return parseCycloneDXJSON(f)
	}
	var doc struct {
		Category    json.RawMessage `json:"category"`
		CSAFVersion json.RawMessage `json:"csaf_version"`
	}
	if len(p.Document) > 0 && json.Unmarshal(p.Document, &doc) == nil {
		category, _ := jsonString(doc.Category)
		if category == "csaf_vex" {
			return parseCSAF(f)
		}
		if len(doc.CSAFVersion) > 0 || strings.HasPrefix(category, "csaf_") {
			return evidence.VEXDocument{}, f.ErrorAt(source.ValueOffset(f.Data, "document", "category"),
				"document.category: expected \"csaf_vex\" for a CSAF VEX document, found %s", shortJSON(doc.Category))
		}
	}
	return evidence.VEXDocument{}, f.ErrorAt(int64(len(f.Data)-len(trimmed)), "not a VEX document%s: %s", p.hint(), expected)
}

// probe holds the top-level keys that tell document kinds apart.
type probe struct {
	Context     json.RawMessage `json:"@context"`
	BOMFormat   json.RawMessage `json:"bomFormat"`
	Document    json.RawMessage `json:"document"`
	Type        json.RawMessage `json:"_type"`
	PayloadType json.RawMessage `json:"payloadType"`
	MediaType   json.RawMessage `json:"mediaType"`
	Runs        json.RawMessage `json:"runs"`
	SPDXVersion json.RawMessage `json:"spdxVersion"`
}

// hint names the kind of a document that is not VEX, when it is recognisable.
func (p probe) hint() string {
	switch {
	case len(p.Context) > 0:
		return " (its @context " + shortJSON(p.Context) + " is not OpenVEX's)"
	case len(p.BOMFormat) > 0:
		return " (bomFormat is " + shortJSON(p.BOMFormat) + ")"
	case len(p.SPDXVersion) > 0:
		return " (it looks like an SPDX SBOM)"
	case len(p.Runs) > 0:
		return " (it looks like a SARIF log)"
	case len(p.Type) > 0:
		return " (it looks like an in-toto statement)"
	case len(p.PayloadType) > 0:
		return " (it looks like a DSSE envelope)"
	case len(p.MediaType) > 0:
		return " (it looks like a Sigstore bundle)"
	}
	return ""
}

// jsonString returns raw as a Go string when it is a JSON string.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// jsonKind names the kind of a JSON value: object, array, string, number, boolean or null.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// shortJSON renders a JSON value for an error message, cut to a readable length.
func shortJSON(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if s == "" {
		return "nothing"
	}
	if len(s) > 60 {
		cut := 60
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// checkTime reports a timestamp that is not RFC 3339, at its place in the file.
func checkTime(f *source.File, value string, path ...any) error {
	if value == "" {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, value); err != nil {
		return f.ErrorAt(source.ValueOffset(f.Data, path...), "%s: expected an RFC 3339 date and time, found %q", source.PathString(path...), value)
	}
	return nil
}

// justificationFor returns the statement's Justification: the OpenVEX
// justification when the status is not_affected and one is given, else empty.
func justificationFor(status, justification string) string {
	if status != StatusNotAffected || !openVEXJustifications[justification] {
		return ""
	}
	return justification
}

// finish makes a document's statements deterministic: lists sorted and free of
// duplicates, slices non-nil, statements sorted by vulnerability, status and
// first product (document order among equals).
func finish(doc evidence.VEXDocument) evidence.VEXDocument {
	if doc.Statements == nil {
		doc.Statements = []evidence.VEXStatement{}
	}
	for i := range doc.Statements {
		s := &doc.Statements[i]
		s.Aliases = sortedSet(s.Aliases, s.Vulnerability)
		s.Products = sortedSet(s.Products, "")
		s.Subcomponents = sortedSet(s.Subcomponents, "")
		if s.Versions == nil {
			s.Versions = []evidence.VEXVersion{}
		}
		sort.SliceStable(s.Versions, func(a, b int) bool { return s.Versions[a].Product < s.Versions[b].Product })
	}
	sort.SliceStable(doc.Statements, func(a, b int) bool {
		x, y := doc.Statements[a], doc.Statements[b]
		if x.Vulnerability != y.Vulnerability {
			return x.Vulnerability < y.Vulnerability
		}
		if x.Status != y.Status {
			return x.Status < y.Status
		}
		return first(x.Products) < first(y.Products)
	})
	return doc
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// sortedSet returns the non-empty values of s other than except, sorted and
// without duplicates, never nil.
func sortedSet(s []string, except string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if v != "" && v != except {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
