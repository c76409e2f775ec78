package collect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// MaxDocumentSize is the largest evidence document ReadDocument accepts.
const MaxDocumentSize int64 = 512 << 20

// ReadDocument reads an evidence document written by collect. It is strict: the
// schema must be mdrgate.evidence/v1 and unknown fields are errors.
func ReadDocument(path string) (*evidence.Document, error) {
	f, err := source.Read(path, path, MaxDocumentSize)
	if err != nil {
		return nil, err
	}
	return DecodeDocument(f)
}

// DecodeDocument decodes an evidence document from a file already read.
func DecodeDocument(f *source.File) (*evidence.Document, error) {
	if err := f.CheckUTF8(); err != nil {
		return nil, err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return nil, err
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(f.Data, &head); err != nil {
		return nil, f.JSONError(err, 0)
	}
	if head.Schema == nil {
		return nil, f.Errorf("not an evidence document: expected \"schema\": %q (write one with mdrgate collect)", evidence.Schema)
	}
	if *head.Schema != evidence.Schema {
		return nil, f.Errorf("unsupported evidence schema %q: this mdrgate reads %q", *head.Schema, evidence.Schema)
	}
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	dec.DisallowUnknownFields()
	doc := &evidence.Document{}
	if err := dec.Decode(doc); err != nil {
		if msg := err.Error(); len(msg) > 25 && msg[:25] == "json: unknown field \"" {
			return nil, f.ErrorAt(dec.InputOffset(), "%s: this mdrgate does not know that field (written by a newer version?)", msg[6:])
		}
		return nil, f.JSONError(err, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, f.ErrorAt(dec.InputOffset(), "unexpected data after the evidence document")
	}
	if doc.Context.Event != "" && !validEvent(doc.Context.Event) {
		return nil, f.Errorf("context.event %q: expected pull_request, release or schedule", doc.Context.Event)
	}
	return doc, nil
}

func validEvent(e string) bool { return e == "pull_request" || e == "release" || e == "schedule" }

// WriteDocument encodes the evidence document as indented JSON.
func WriteDocument(w io.Writer, doc *evidence.Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encoding the evidence document: %w", err)
	}
	return nil
}
