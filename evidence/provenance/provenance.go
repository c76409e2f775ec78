// Package provenance reads build provenance (SLSA, as in-toto statements) from a
// bare statement, a DSSE envelope, a Sigstore bundle or an .intoto.jsonl file into
// the evidence document's Provenance records, without verifying signatures.
//
// Any in-toto statement is accepted, so that the policy can judge its predicate
// type; the builder, build type and materials are read from SLSA provenance
// predicates (https://slsa.dev/provenance/v0.1, v0.2 and v1) only.
//
// Statements are decoded here rather than with github.com/in-toto/attestation:
// its types are protocol buffers read with protojson, whose errors are not
// placed in the file as evidence errors must be, and its predicate is an untyped
// structpb.Struct, so the SLSA fields would still have to be read by hand.
package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// Media types, as each Provenance's FileRef states them.
const (
	MediaTypeStatement = "application/vnd.in-toto+json"
	MediaTypeEnvelope  = "application/vnd.dsse.envelope.v1+json"
	MediaTypeBundle    = "application/vnd.dev.sigstore.bundle+json"
	MediaTypeJSONLines = "application/x-ndjson"
)

// In-toto statement types.
const (
	StatementV01 = "https://in-toto.io/Statement/v0.1"
	StatementV1  = "https://in-toto.io/Statement/v1"
)

// slsaProvenance prefixes the SLSA provenance predicate types.
const slsaProvenance = "https://slsa.dev/provenance/"

// bundleMediaType prefixes every Sigstore bundle's mediaType, whatever its version.
const bundleMediaType = "application/vnd.dev.sigstore.bundle"

// expected says what Parse reads, for errors about documents of another kind.
const expected = `expected an in-toto statement ("_type"), a DSSE envelope ("payloadType" and "payload") or a Sigstore bundle ("mediaType" "application/vnd.dev.sigstore.bundle…" with a "dsseEnvelope")`

// Parse reads the provenance in f: one in-toto statement, DSSE envelope or
// Sigstore bundle, or, in a .jsonl file (or a file of one JSON object a line),
// one of those a line. It returns one Provenance per statement. Every error for
// bad input is a *source.Error.
func Parse(f *source.File) ([]evidence.Provenance, error) {
	if err := f.CheckUTF8(); err != nil {
		return nil, err
	}
	if isJSONLines(f) {
		return parseLines(f)
	}
	p, err := parseDocument(f)
	if err != nil {
		var se *source.Error
		if errors.As(err, &se) && strings.Contains(se.Msg, "after the JSON document") {
			c := *se
			c.Msg += " (for one document a line, name the file .jsonl)"
			return nil, &c
		}
		return nil, err
	}
	p.FileRef = f.Ref(p.MediaType)
	return []evidence.Provenance{p}, nil
}

// isJSONLines reports whether f holds one JSON document a line: by its name
// (.jsonl, .ndjson), or by holding two or more lines each of which is a whole object.
func isJSONLines(f *source.File) bool {
	switch strings.ToLower(path.Ext(f.Path)) {
	case ".jsonl", ".ndjson":
		return true
	case ".json":
		return false
	}
	lines := 0
	for line := range bytes.SplitSeq(f.Data, []byte{'\n'}) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' || line[len(line)-1] != '}' {
			return false
		}
		lines++
	}
	return lines >= 2
}

// parseLines reads one statement, envelope or bundle a line. Blank lines are skipped.
func parseLines(f *source.File) ([]evidence.Provenance, error) {
	out := []evidence.Provenance{}
	n := 0
	for line := range bytes.SplitSeq(f.Data, []byte{'\n'}) {
		n++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		p, err := parseDocument(source.New(f.Path, line))
		if err != nil {
			return nil, onLine(err, n)
		}
		p.FileRef = f.Ref(MediaTypeJSONLines)
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, f.Errorf("empty file: %s, one a line", expected)
	}
	return out, nil
}

// onLine moves an error found in a line read on its own to that line of the file.
func onLine(err error, line int) error {
	var se *source.Error
	if !errors.As(err, &se) {
		return err
	}
	c := *se
	if c.Line > 0 {
		c.Line += line - 1
	} else {
		c.Line = line
	}
	return &c
}

// probe holds the top-level keys that tell document kinds apart.
type probe struct {
	Type             json.RawMessage `json:"_type"`
	PayloadType      json.RawMessage `json:"payloadType"`
	MediaType        json.RawMessage `json:"mediaType"`
	DSSEEnvelope     json.RawMessage `json:"dsseEnvelope"`
	MessageSignature json.RawMessage `json:"messageSignature"`
	Context          json.RawMessage `json:"@context"`
	BOMFormat        json.RawMessage `json:"bomFormat"`
	SPDXVersion      json.RawMessage `json:"spdxVersion"`
	Runs             json.RawMessage `json:"runs"`
	Document         json.RawMessage `json:"document"`
}

// hint names the kind of a document that is not provenance, when it is recognisable.
func (p probe) hint() string {
	switch {
	case len(p.Context) > 0:
		return " (it looks like an OpenVEX document)"
	case len(p.BOMFormat) > 0:
		return " (it looks like a CycloneDX BOM)"
	case len(p.SPDXVersion) > 0:
		return " (it looks like an SPDX SBOM)"
	case len(p.Runs) > 0:
		return " (it looks like a SARIF log)"
	case len(p.Document) > 0:
		return " (it looks like a CSAF document)"
	}
	return ""
}

// parseDocument reads one statement, envelope or bundle. It leaves FileRef empty
// but for MediaType, which the caller turns into the FileRef of the whole file.
func parseDocument(f *source.File) (evidence.Provenance, error) {
	trimmed := bytes.TrimLeft(f.Data, " \t\r\n")
	start := int64(len(f.Data) - len(trimmed))
	if len(trimmed) == 0 {
		return evidence.Provenance{}, f.Errorf("empty file: %s", expected)
	}
	if trimmed[0] != '{' {
		var raw json.RawMessage
		if err := f.DecodeJSON(&raw); err != nil {
			return evidence.Provenance{}, err
		}
		return evidence.Provenance{}, f.ErrorAt(start, "not provenance: found a JSON %s at the top level, %s", jsonKind(raw), expected)
	}
	var p probe
	if err := f.DecodeJSON(&p); err != nil {
		return evidence.Provenance{}, err
	}
	switch {
	case len(p.Type) > 0:
		prov, err := parseStatement(f)
		prov.MediaType = MediaTypeStatement
		return prov, err
	case len(p.PayloadType) > 0:
		prov, err := parseEnvelope(f)
		prov.MediaType = MediaTypeEnvelope
		return prov, err
	}
	if mt, ok := jsonString(p.MediaType); ok && strings.HasPrefix(mt, bundleMediaType) {
		if len(p.DSSEEnvelope) == 0 || jsonKind(p.DSSEEnvelope) == "null" {
			what := "nothing"
			if len(p.MessageSignature) > 0 {
				what = "a messageSignature (a signed blob, not an attestation)"
			}
			return evidence.Provenance{}, f.ErrorAt(start, "sigstore bundle: expected a dsseEnvelope holding an in-toto statement, found %s", what)
		}
		prov, err := parseEnvelope(f, "dsseEnvelope")
		prov.MediaType = MediaTypeBundle
		return prov, err
	}
	return evidence.Provenance{}, f.ErrorAt(start, "not provenance%s: %s", p.hint(), expected)
}

// envelope is a DSSE envelope. Its signatures are not verified here.
type envelope struct {
	PayloadType string `json:"payloadType"`
	Payload     string `json:"payload"`
	Signatures  []struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
	} `json:"signatures"`
}

// parseEnvelope reads the DSSE envelope at the path (the top level when empty)
// and the statement in its payload.
func parseEnvelope(f *source.File, at ...any) (evidence.Provenance, error) {
	var env envelope
	if len(at) == 0 {
		if err := f.DecodeJSON(&env); err != nil {
			return evidence.Provenance{}, err
		}
	} else {
		var bundle struct {
			DSSEEnvelope envelope `json:"dsseEnvelope"`
		}
		if err := f.DecodeJSON(&bundle); err != nil {
			return evidence.Provenance{}, err
		}
		env = bundle.DSSEEnvelope
	}
	field := func(name string) []any { return append(append([]any{}, at...), name) }
	if env.PayloadType != MediaTypeStatement {
		p := field("payloadType")
		return evidence.Provenance{}, f.ErrorAt(source.ValueOffset(f.Data, p...), "%s: expected %q (an in-toto statement), found %q", source.PathString(p...), MediaTypeStatement, env.PayloadType)
	}
	payloadAt := field("payload")
	payload, err := decodeBase64(env.Payload)
	if err != nil {
		return evidence.Provenance{}, f.ErrorAt(source.ValueOffset(f.Data, payloadAt...), "%s: expected base64: %v", source.PathString(payloadAt...), err)
	}
	prov, err := parseStatement(source.New(f.Path, payload))
	if err != nil {
		return evidence.Provenance{}, inPayload(f, source.ValueOffset(f.Data, payloadAt...), source.PathString(payloadAt...), err)
	}
	prov.Enveloped = true
	return prov, nil
}

// decodeBase64 decodes a DSSE payload: standard base64 as DSSE says, or the
// URL-safe or unpadded forms some signers write.
func decodeBase64(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("the payload is empty")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err == nil {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err2 := enc.DecodeString(s); err2 == nil {
			return b, nil
		}
	}
	return nil, err
}

// inPayload places an error found in a decoded payload at the payload in the
// file, saying where in the decoded statement it lies.
func inPayload(f *source.File, offset int64, field string, err error) error {
	var se *source.Error
	if !errors.As(err, &se) {
		return f.ErrorAt(offset, "%s: %v", field, err)
	}
	where := ""
	switch {
	case se.Line > 0 && se.Column > 0:
		where = fmt.Sprintf(" at line %d, column %d", se.Line, se.Column)
	case se.Line > 0:
		where = fmt.Sprintf(" at line %d", se.Line)
	}
	return f.ErrorAt(offset, "%s: the decoded statement%s: %s", field, where, se.Msg)
}

// statement is the part of an in-toto statement common to every predicate.
type statement struct {
	Type          string       `json:"_type"`
	Subject       []descriptor `json:"subject"`
	PredicateType string       `json:"predicateType"`
}

// slsaStatement is an in-toto statement with a SLSA provenance predicate.
type slsaStatement struct {
	statement
	Predicate *slsaPredicate `json:"predicate"`
}

// slsaPredicate holds the fields read from SLSA provenance v0.1, v0.2 and v1.
type slsaPredicate struct {
	// v0.1 and v0.2
	Builder   *builder     `json:"builder"`
	Materials []descriptor `json:"materials"`
	// v0.2
	BuildType string `json:"buildType"`
	// v0.1
	Recipe *struct {
		Type string `json:"type"`
	} `json:"recipe"`
	// v1
	BuildDefinition *struct {
		BuildType            string       `json:"buildType"`
		ResolvedDependencies []descriptor `json:"resolvedDependencies"`
	} `json:"buildDefinition"`
	RunDetails *struct {
		Builder *builder `json:"builder"`
	} `json:"runDetails"`
}

type builder struct {
	ID string `json:"id"`
}

// descriptor is an in-toto subject, a SLSA v0.2 material or a v1 resource descriptor.
type descriptor struct {
	Name   string            `json:"name"`
	URI    string            `json:"uri"`
	Digest map[string]string `json:"digest"`
}

// parseStatement reads an in-toto statement.
func parseStatement(f *source.File) (evidence.Provenance, error) {
	var st slsaStatement
	var head statement
	if err := f.DecodeJSON(&head); err != nil {
		return evidence.Provenance{}, err
	}
	if strings.HasPrefix(head.PredicateType, slsaProvenance) {
		if err := f.DecodeJSON(&st); err != nil {
			return evidence.Provenance{}, err
		}
	} else {
		st.statement = head
	}

	if st.Type != StatementV01 && st.Type != StatementV1 {
		return evidence.Provenance{}, f.ErrorAt(source.ValueOffset(f.Data, "_type"), "_type: expected %q or %q, found %q", StatementV01, StatementV1, st.Type)
	}
	if strings.TrimSpace(st.PredicateType) == "" {
		return evidence.Provenance{}, f.ErrorAt(source.ValueOffset(f.Data), "predicateType: expected the predicate's type URI, found none")
	}
	if len(st.Subject) == 0 {
		return evidence.Provenance{}, f.ErrorAt(source.ValueOffset(f.Data, "subject"), "subject: expected at least one subject with a digest, found none")
	}
	for i, s := range st.Subject {
		if len(s.Digest) == 0 {
			return evidence.Provenance{}, f.ErrorAt(source.ValueOffset(f.Data, "subject", i), "subject[%d]: expected a digest, found none", i)
		}
		for alg, v := range s.Digest {
			if alg == "" || v == "" {
				return evidence.Provenance{}, f.ErrorAt(source.ValueOffset(f.Data, "subject", i, "digest"), "subject[%d].digest: expected algorithm names mapped to digest values, found an empty one", i)
			}
		}
	}

	prov := evidence.Provenance{
		PredicateType: st.PredicateType,
		Subjects:      subjects(st.Subject),
		Materials:     []evidence.Subject{},
	}
	if p := st.Predicate; p != nil {
		if p.Builder != nil {
			prov.BuilderID = p.Builder.ID
		}
		prov.BuildType = p.BuildType
		if p.Recipe != nil && prov.BuildType == "" {
			prov.BuildType = p.Recipe.Type
		}
		materials := p.Materials
		if d := p.BuildDefinition; d != nil {
			if prov.BuildType == "" {
				prov.BuildType = d.BuildType
			}
			materials = append(materials, d.ResolvedDependencies...)
		}
		if r := p.RunDetails; r != nil && r.Builder != nil && prov.BuilderID == "" {
			prov.BuilderID = r.Builder.ID
		}
		prov.Materials = subjects(materials)
	}
	return prov, nil
}

// subjects converts descriptors, sorted by name, URI and digest, with non-nil digests.
func subjects(ds []descriptor) []evidence.Subject {
	out := make([]evidence.Subject, 0, len(ds))
	for _, d := range ds {
		digest := make(map[string]string, len(d.Digest))
		for k, v := range d.Digest {
			digest[k] = v
		}
		out = append(out, evidence.Subject{Name: d.Name, URI: d.URI, Digest: digest})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		if out[i].URI != out[j].URI {
			return out[i].URI < out[j].URI
		}
		return digestKey(out[i].Digest) < digestKey(out[j].Digest)
	})
	return out
}

// digestKey renders a digest map in a stable order, for sorting.
func digestKey(d map[string]string) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + d[k] + ";")
	}
	return b.String()
}
