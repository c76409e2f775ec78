package source

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// ValueOffset returns the byte offset in data at which the JSON value named by
// path starts. Path elements are object keys (string) and array indices (int).
// Keys match case-insensitively, as encoding/json matches them. When the path cannot be followed it returns the offset of the deepest
// value it reached, so an error still points near the fault. It is only called
// to position an error, so it favours simplicity over speed.
func ValueOffset(data []byte, path ...any) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	start := skipSeparators(data, 0)
	for _, elem := range path {
		tok, err := dec.Token()
		if err != nil {
			return start
		}
		delim, _ := tok.(json.Delim)
		switch p := elem.(type) {
		case string:
			if delim != '{' {
				return start
			}
			found := false
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return start
				}
				key, _ := kt.(string)
				if key == p || strings.EqualFold(key, p) {
					found = true
					break
				}
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return start
				}
			}
			if !found {
				return start
			}
		case int:
			if delim != '[' {
				return start
			}
			found := false
			for i := 0; dec.More(); i++ {
				if i == p {
					found = true
					break
				}
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return start
				}
			}
			if !found {
				return start
			}
		default:
			return start
		}
		start = skipSeparators(data, dec.InputOffset())
	}
	return start
}

// skipSeparators returns the offset of the first byte at or after off that is
// not JSON whitespace, a colon or a comma: the start of the next value.
func skipSeparators(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// PathString renders a path as users read it: statements[2].products[0].
func PathString(path ...any) string {
	var b strings.Builder
	for _, elem := range path {
		switch p := elem.(type) {
		case int:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p))
			b.WriteByte(']')
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// JSONTypeName turns a Go type name from encoding/json into JSON's words.
func JSONTypeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "array"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "struct"):
		return "object"
	case goType == "string":
		return "string"
	case goType == "bool":
		return "boolean"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "number"
	case goType == "json.RawMessage":
		return "JSON value"
	case strings.Contains(goType, "."):
		return "object"
	}
	return goType
}
