package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/mdrgate/mdrgate/evidence/source"
)

// headField is a top-level string field of a JSON document and where its value is.
type headField struct {
	present bool
	value   string
	offset  int64
}

// jsonHead is what the top level of a JSON document says about its kind.
type jsonHead struct {
	objectOffset int64
	keys         []string
	bomFormat    headField
	specVersion  headField
	spdxVersion  headField
}

// skipValue is decoded into to have encoding/json check a value without keeping it.
type skipValue struct{}

// UnmarshalJSON accepts any value.
func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// readJSONHead checks the file is UTF-8 JSON, not nested too deep, with an object
// at the top, and reads the fields that identify an SBOM, with their positions.
// It reads until it has found them; when it has not, it has read and checked the
// whole document (syntax, no trailing data).
func readJSONHead(f *source.File) (jsonHead, error) {
	var head jsonHead
	if err := f.CheckUTF8(); err != nil {
		return head, err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return head, err
	}
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	head.objectOffset = valueStart(f.Data, 0)
	tok, err := dec.Token()
	if err != nil {
		return head, f.JSONError(err, dec.InputOffset())
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		// Still report broken JSON as broken rather than as the wrong kind.
		var rest skipValue
		if d == '[' {
			for dec.More() {
				if err := dec.Decode(&rest); err != nil {
					return head, f.JSONError(err, dec.InputOffset())
				}
			}
		}
		return head, f.ErrorAt(head.objectOffset, "%s: found JSON %s", notSBOM, tokenKind(tok))
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return head, f.JSONError(err, dec.InputOffset())
		}
		key, _ := tok.(string)
		head.keys = append(head.keys, key)
		offset := valueStart(f.Data, dec.InputOffset())
		var field *headField
		switch key {
		case "bomFormat":
			field = &head.bomFormat
		case "specVersion":
			field = &head.specVersion
		case "spdxVersion":
			field = &head.spdxVersion
		}
		if field == nil {
			var skip skipValue
			if err := dec.Decode(&skip); err != nil {
				return head, f.JSONError(err, dec.InputOffset())
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return head, f.JSONError(err, dec.InputOffset())
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return head, f.ErrorAt(offset, "%s: expected string, found JSON %s", key, rawKind(raw))
		}
		*field = headField{present: true, value: s, offset: offset}
		if (head.bomFormat.present && head.specVersion.present) || head.spdxVersion.present {
			// Enough to know the kind: the decoder checks the rest.
			return head, nil
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return head, f.JSONError(err, dec.InputOffset())
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return head, f.JSONError(err, dec.InputOffset())
		}
		return head, f.ErrorAt(dec.InputOffset(), "unexpected %v after the JSON document", tok)
	}
	return head, nil
}

// valueStart returns the offset of the next JSON token at or after offset,
// skipping white space and the ':' and ',' separators.
func valueStart(data []byte, offset int64) int64 {
	for offset < int64(len(data)) {
		switch data[offset] {
		case ' ', '\t', '\r', '\n', ':', ',':
			offset++
			continue
		}
		break
	}
	return offset
}

// decodeJSON decodes the file into v (a library's type) and turns errors into
// *source.Error with the position and path of the offending value.
func decodeJSON(f *source.File, what string, v any) error {
	return safely(f, what, func() error {
		dec := json.NewDecoder(bytes.NewReader(f.Data))
		if err := dec.Decode(v); err != nil {
			return jsonDecodeError(f, what, err, dec.InputOffset())
		}
		if tok, err := dec.Token(); err != io.EOF {
			if err != nil {
				return f.JSONError(err, dec.InputOffset())
			}
			return f.ErrorAt(dec.InputOffset(), "unexpected %v after the JSON document", tok)
		}
		return nil
	})
}

// jsonDecodeError explains a decoding error. Type errors raised inside a
// library's own UnmarshalJSON carry offsets relative to the nested value, so the
// value is found again by its path and kind.
func jsonDecodeError(f *source.File, what string, err error, fallback int64) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		found := strings.TrimSpace(te.Value)
		if i := strings.IndexByte(found, ' '); i >= 0 {
			found = found[:i] // "number -1" for a number out of range
		}
		expected := typeKind(te.Type)
		if offset, path, ok := locateJSON(f.Data, te.Field, found); ok {
			return f.ErrorAt(offset, "%s: expected %s, found JSON %s", path, expected, found)
		}
		field := te.Field
		if field == "" {
			field = "value"
		}
		return f.ErrorAt(te.Offset, "%s: expected %s, found JSON %s", field, expected, found)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Decode counts the offending byte in Offset: point at it.
		return f.ErrorAt(max(se.Offset-1, 0), "invalid JSON: %s", se.Error())
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return f.JSONError(err, fallback)
	}
	return f.Errorf("invalid %s: %v", what, err)
}

// typeKind names the JSON kind that a Go type decodes from.
func typeKind(t reflect.Type) string {
	if t == nil {
		return "a value"
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
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string"
		}
		return "array"
	case reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.String()
}

// tokenKind names the JSON kind of a token from json.Decoder.Token.
func tokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "object"
		case '[':
			return "array"
		}
		return "delimiter " + v.String()
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

// rawKind names the JSON kind of a raw value.
func rawKind(raw json.RawMessage) string {
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
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// jsonFrame is one open container while walking a JSON document.
type jsonFrame struct {
	array bool
	index int    // index of the current value in an array
	key   string // key of the current value in an object
}

// jsonPath renders the path of the current value: with array indices
// (components[3].version) or without, as encoding/json names fields.
func jsonPath(stack []jsonFrame, indexed bool) string {
	var b strings.Builder
	for _, fr := range stack {
		switch {
		case fr.array && indexed:
			b.WriteString("[" + strconv.Itoa(fr.index) + "]")
		case !fr.array:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(fr.key)
		}
	}
	return b.String()
}

// locateJSON finds the first value at the dotted path field (as encoding/json
// names it, without array indices) whose kind is found. It returns the value's
// offset and its path with indices, such as components[3].version.
func locateJSON(data []byte, field, found string) (int64, string, bool) {
	if field == "" {
		return 0, "", false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []jsonFrame
	expectKey := false
	// valueDone moves the innermost container past the value that just ended.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		if top := &stack[len(stack)-1]; top.array {
			top.index++
		} else {
			expectKey = true
		}
	}
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0, "", false
		}
		d, isDelim := tok.(json.Delim)
		if expectKey {
			if isDelim && d == '}' {
				stack = stack[:len(stack)-1]
				expectKey = false
				valueDone()
				continue
			}
			stack[len(stack)-1].key, _ = tok.(string)
			expectKey = false
			continue
		}
		if isDelim && d == ']' {
			stack = stack[:len(stack)-1]
			valueDone()
			continue
		}
		// tok starts a value.
		if len(stack) > 0 && tokenKind(tok) == found && jsonPath(stack, false) == field {
			return valueStart(data, before), jsonPath(stack, true), true
		}
		switch {
		case isDelim && d == '{':
			stack = append(stack, jsonFrame{})
			expectKey = true
		case isDelim && d == '[':
			stack = append(stack, jsonFrame{array: true})
		default:
			valueDone()
		}
	}
}
