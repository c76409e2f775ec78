package vuln

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"

	"github.com/mdrgate/mdrgate/evidence/source"
)

// stream reads a JSON document value by value with one json.Decoder, keeping the
// byte offsets needed to put a line and column on every error. Large arrays are
// decoded one element at a time, so an error names the element's index.
type stream struct {
	f   *source.File
	dec *json.Decoder
}

func newStream(f *source.File) *stream {
	return &stream{f: f, dec: json.NewDecoder(bytes.NewReader(f.Data))}
}

// next returns the offset of the first byte of the next value: past whitespace
// and one separator (comma or colon) from the decoder's position.
func (s *stream) next() int64 {
	off := skipSpace(s.f.Data, s.dec.InputOffset())
	if off < int64(len(s.f.Data)) && (s.f.Data[off] == ',' || s.f.Data[off] == ':') {
		off = skipSpace(s.f.Data, off+1)
	}
	return off
}

// token reads the next token; what says what was expected there, for errors.
func (s *stream) token(path string) (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, s.syntaxError(err, path)
	}
	return tok, nil
}

// decode decodes the next value into v. path names the value in errors.
func (s *stream) decode(v any, path string) error {
	// The decoder reports type errors relative to where it starts reading the
	// value: just past the separator before it.
	base := skipSpace(s.f.Data, s.dec.InputOffset())
	if base < int64(len(s.f.Data)) && (s.f.Data[base] == ',' || s.f.Data[base] == ':') {
		base++
	}
	err := s.dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return typeError(s.f, te, base, path)
	}
	return s.syntaxError(err, path)
}

// skip reads past the next value without keeping it.
func (s *stream) skip(path string) error {
	var raw json.RawMessage
	return s.decode(&raw, path)
}

// end checks that nothing but whitespace follows the document.
func (s *stream) end() error {
	if tok, err := s.dec.Token(); err != io.EOF {
		if err != nil {
			return s.syntaxError(err, "")
		}
		return s.f.ErrorAt(s.dec.InputOffset(), "unexpected JSON %s after the JSON document", kindOf(tok))
	}
	return nil
}

// syntaxError positions a syntax error. The streaming decoder's offsets drift
// once tokens have been read, so the document is checked again from the start,
// which finds the first syntax error at its true offset.
func (s *stream) syntaxError(err error, path string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return s.f.ErrorAt(int64(len(s.f.Data)), "invalid JSON: unexpected end of file (truncated?)")
	}
	var discard struct{}
	if verr := json.Unmarshal(s.f.Data, &discard); verr != nil {
		var se *json.SyntaxError
		if errors.As(verr, &se) {
			return s.f.ErrorAt(se.Offset, "invalid JSON: %s", se.Error())
		}
	}
	prefix := ""
	if path != "" {
		prefix = path + ": "
	}
	return s.f.ErrorAt(s.dec.InputOffset(), "%sinvalid JSON: %v", prefix, err)
}

// typeError describes a JSON value of the wrong type in JSON terms. It never
// quotes the value itself.
func typeError(f *source.File, te *json.UnmarshalTypeError, base int64, path string) error {
	field := path
	if te.Field != "" {
		if field != "" {
			field += "."
		}
		field += te.Field
	}
	if field == "" {
		field = "value"
	}
	found, _, _ := strings.Cut(te.Value, " ")
	if found == "bool" {
		found = "boolean"
	}
	want := jsonKind(te.Type)
	if want == "number" && found == "number" {
		return f.ErrorAt(base+te.Offset, "%s: number out of range", field)
	}
	return f.ErrorAt(base+te.Offset, "%s: expected %s, found JSON %s", field, want, found)
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value"
}

// kindOf names the JSON type of a token read with Decoder.Token.
func kindOf(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "value"
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n':
			off++
		default:
			return off
		}
	}
	return off
}
