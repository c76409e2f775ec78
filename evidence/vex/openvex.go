package vex

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// openVEXDocument is the part of an OpenVEX document a statement needs. Products
// and vulnerabilities stay raw because OpenVEX allows a string or an object.
type openVEXDocument struct {
	Timestamp  string             `json:"timestamp"`
	Statements []openVEXStatement `json:"statements"`
}

type openVEXStatement struct {
	Vulnerability json.RawMessage   `json:"vulnerability"`
	Products      []json.RawMessage `json:"products"`
	// Subcomponents at statement level are the earlier OpenVEX form (v0.0.1).
	Subcomponents   []json.RawMessage `json:"subcomponents"`
	Status          string            `json:"status"`
	Justification   string            `json:"justification"`
	ImpactStatement string            `json:"impact_statement"`
	ActionStatement string            `json:"action_statement"`
	Timestamp       string            `json:"timestamp"`
}

type openVEXVulnerability struct {
	ID      string   `json:"@id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

type openVEXComponent struct {
	ID            string            `json:"@id"`
	Identifiers   map[string]string `json:"identifiers"`
	Subcomponents []json.RawMessage `json:"subcomponents"`
}

func parseOpenVEX(f *source.File) (evidence.VEXDocument, error) {
	var d openVEXDocument
	if err := f.DecodeJSON(&d); err != nil {
		return evidence.VEXDocument{}, err
	}
	if err := checkTime(f, d.Timestamp, "timestamp"); err != nil {
		return evidence.VEXDocument{}, err
	}
	doc := evidence.VEXDocument{
		FileRef:    f.Ref(MediaTypeOpenVEX),
		Format:     FormatOpenVEX,
		Statements: make([]evidence.VEXStatement, 0, len(d.Statements)),
	}
	for i, st := range d.Statements {
		s, err := openVEXStatementOf(f, st, i)
		if err != nil {
			return evidence.VEXDocument{}, err
		}
		if s.Timestamp == "" {
			s.Timestamp = d.Timestamp
		}
		doc.Statements = append(doc.Statements, s)
	}
	return finish(doc), nil
}

func openVEXStatementOf(f *source.File, st openVEXStatement, i int) (evidence.VEXStatement, error) {
	at := func(path ...any) []any { return append([]any{"statements", i}, path...) }
	s := evidence.VEXStatement{
		Status:              st.Status,
		Justification:       justificationFor(st.Status, st.Justification),
		SourceStatus:        st.Status,
		SourceJustification: st.Justification,
		Impact:              st.ImpactStatement,
		Action:              st.ActionStatement,
		Timestamp:           st.Timestamp,
	}
	if err := checkTime(f, st.Timestamp, at("timestamp")...); err != nil {
		return s, err
	}
	if strings.TrimSpace(st.Status) == "" {
		return s, f.ErrorAt(source.ValueOffset(f.Data, at()...), "%s: expected a status (not_affected, affected, fixed or under_investigation), found none", source.PathString(at()...))
	}

	switch jsonKind(st.Vulnerability) {
	case "string":
		s.Vulnerability, _ = jsonString(st.Vulnerability)
	case "object":
		var v openVEXVulnerability
		if err := decodeRaw(f, st.Vulnerability, &v, at("vulnerability")...); err != nil {
			return s, err
		}
		s.Vulnerability = v.Name
		if s.Vulnerability == "" {
			s.Vulnerability = v.ID
		}
		// The @id is an IRI for the vulnerability, not another name for it.
		s.Aliases = append(s.Aliases, v.Aliases...)
	case "nothing", "null":
	default:
		return s, f.ErrorAt(source.ValueOffset(f.Data, at("vulnerability")...), "%s: expected an object with a name, found JSON %s", source.PathString(at("vulnerability")...), jsonKind(st.Vulnerability))
	}
	if strings.TrimSpace(s.Vulnerability) == "" {
		return s, f.ErrorAt(source.ValueOffset(f.Data, at()...), "%s: expected vulnerability.name (or @id) naming the vulnerability, found none", source.PathString(at()...))
	}

	// OpenVEX requires products. A statement without them would otherwise read
	// as applying to everything, and a misspelt "products" key would make it so.
	if len(st.Products) == 0 {
		return s, f.ErrorAt(source.ValueOffset(f.Data, at()...), "%s: the statement names no products: a VEX statement must list the products it covers (\"products\": [...])", source.PathString(at()...))
	}
	for j, raw := range st.Products {
		id, subs, err := openVEXComponentOf(f, raw, true, at("products", j)...)
		if err != nil {
			return s, err
		}
		s.Products = append(s.Products, id)
		s.Subcomponents = append(s.Subcomponents, subs...)
	}
	for j, raw := range st.Subcomponents {
		id, _, err := openVEXComponentOf(f, raw, false, at("subcomponents", j)...)
		if err != nil {
			return s, err
		}
		s.Subcomponents = append(s.Subcomponents, id)
	}
	return s, nil
}

// openVEXComponentOf returns a product's or subcomponent's identifier (its purl
// when it states one, else its @id) and, for a product, its subcomponents'.
func openVEXComponentOf(f *source.File, raw json.RawMessage, product bool, path ...any) (string, []string, error) {
	var c openVEXComponent
	switch jsonKind(raw) {
	case "string":
		c.ID, _ = jsonString(raw)
	case "object":
		if err := decodeRaw(f, raw, &c, path...); err != nil {
			return "", nil, err
		}
	default:
		return "", nil, f.ErrorAt(source.ValueOffset(f.Data, path...), "%s: expected a string or an object with @id, found JSON %s", source.PathString(path...), jsonKind(raw))
	}
	id := c.Identifiers["purl"]
	for _, alt := range []string{c.ID, c.Identifiers["cpe23"], c.Identifiers["cpe22"]} {
		if id == "" {
			id = alt
		}
	}
	if strings.TrimSpace(id) == "" {
		return "", nil, f.ErrorAt(source.ValueOffset(f.Data, path...), "%s: expected @id or identifiers.purl identifying the component, found none", source.PathString(path...))
	}
	var subs []string
	if product {
		for k, sraw := range c.Subcomponents {
			sub, _, err := openVEXComponentOf(f, sraw, false, slices.Concat(path, []any{"subcomponents", k})...)
			if err != nil {
				return "", nil, err
			}
			subs = append(subs, sub)
		}
	}
	return id, subs, nil
}

// decodeRaw decodes a raw value taken from f at path, placing type errors at
// their offset in f.
func decodeRaw(f *source.File, raw json.RawMessage, v any, path ...any) error {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	base := source.ValueOffset(f.Data, path...)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := source.PathString(path...)
		if te.Field != "" {
			field += "." + te.Field
		}
		return f.ErrorAt(base+te.Offset, "%s: expected %s, found JSON %s", field, source.JSONTypeName(te.Type.String()), te.Value)
	}
	return f.ErrorAt(base, "%s: %v", source.PathString(path...), err)
}
