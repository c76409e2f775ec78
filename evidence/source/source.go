// Package source reads evidence files defensively: a size limit, regular files only,
// UTF-8 checks, a JSON nesting limit, strict XML, and errors that name the file and
// the line and column at fault.
package source

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mdrgate/mdrgate/evidence"
)

// DefaultMaxSize is the largest evidence file read unless the caller sets another limit.
const DefaultMaxSize int64 = 64 << 20

// MaxJSONDepth is the deepest JSON nesting accepted; encoding/json stops at 10,000.
const MaxJSONDepth = 512

// File is an evidence file read into memory.
type File struct {
	// Path is the path shown to users and stored in the evidence document.
	Path string
	Data []byte
	// SHA256 is the hex digest of Data.
	SHA256 string
}

// New wraps bytes already in memory as a File.
func New(path string, data []byte) *File {
	sum := sha256.Sum256(data)
	return &File{Path: path, Data: data, SHA256: hex.EncodeToString(sum[:])}
}

// Ref returns the file's reference for the evidence document.
func (f *File) Ref(mediaType string) evidence.FileRef {
	return evidence.FileRef{Path: f.Path, SHA256: f.SHA256, MediaType: mediaType}
}

// Error is an input error: what is wrong, in which file, and where.
type Error struct {
	Path   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based; 0 when unknown
	Msg    string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
}

// Errorf returns an Error for the file without a position.
func (f *File) Errorf(format string, args ...any) *Error {
	return &Error{Path: f.Path, Msg: fmt.Sprintf(format, args...)}
}

// ErrorAt returns an Error at a byte offset of the file.
func (f *File) ErrorAt(offset int64, format string, args ...any) *Error {
	line, col := f.Position(offset)
	return &Error{Path: f.Path, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// ErrorAtLine returns an Error at a 1-based line of the file.
func (f *File) ErrorAtLine(line int, format string, args ...any) *Error {
	return &Error{Path: f.Path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Position turns a byte offset into a 1-based line and column (in bytes).
func (f *File) Position(offset int64) (line, col int) {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(f.Data)) {
		offset = int64(len(f.Data))
	}
	before := f.Data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Read reads a regular file of at most maxSize bytes (DefaultMaxSize when maxSize <= 0).
// display is the path used in errors and in the evidence document.
func Read(path, display string, maxSize int64) (*File, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{Path: display, Msg: "file does not exist"}
		}
		return nil, &Error{Path: display, Msg: fmt.Sprintf("cannot read: %v", unwrapPath(err))}
	}
	if !fi.Mode().IsRegular() {
		return nil, &Error{Path: display, Msg: "not a regular file"}
	}
	if fi.Size() > maxSize {
		return nil, &Error{Path: display, Msg: fmt.Sprintf("file is %d bytes, larger than the limit of %d bytes", fi.Size(), maxSize)}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: display, Msg: fmt.Sprintf("cannot read: %v", unwrapPath(err))}
	}
	defer fh.Close()
	// Read one byte past the limit in case the file grew since Stat; size the
	// buffer from Stat so a large report is not copied while it grows.
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+1))
	_, err = buf.ReadFrom(io.LimitReader(fh, maxSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, &Error{Path: display, Msg: fmt.Sprintf("cannot read: %v", unwrapPath(err))}
	}
	if int64(len(data)) > maxSize {
		return nil, &Error{Path: display, Msg: fmt.Sprintf("file is larger than the limit of %d bytes", maxSize)}
	}
	return New(display, data), nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// CheckUTF8 returns an error at the first byte that is not valid UTF-8.
func (f *File) CheckUTF8() error {
	if utf8.Valid(f.Data) {
		return nil
	}
	for i := 0; i < len(f.Data); {
		r, size := utf8.DecodeRune(f.Data[i:])
		if r == utf8.RuneError && size <= 1 {
			return f.ErrorAt(int64(i), "invalid UTF-8 byte 0x%02x: evidence files must be UTF-8", f.Data[i])
		}
		i += size
	}
	return nil
}

// CheckJSONDepth returns an error where JSON nesting exceeds MaxJSONDepth, or
// where a top-level object repeats a key. It scans bytes, skipping strings, so
// it works before decoding. A repeated key matters because encoding/json keeps
// the last of them, matching names without regard to case: a report ending in
// a second "matches": [] would otherwise silently lose every finding.
// Each top-level value of a JSON-lines file is checked on its own.
func (f *File) CheckJSONDepth() error {
	depth := 0
	inString, escaped := false, false
	start := 0
	var keys map[string]int // lower-cased top-level key → offset of its first use
	for i, c := range f.Data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if depth == 1 && keys != nil && isKey(f.Data, i+1) {
					var k string
					if json.Unmarshal(f.Data[start:i+1], &k) == nil {
						lk := strings.ToLower(k)
						if _, dup := keys[lk]; dup {
							return f.ErrorAt(int64(start), "duplicate key %q in the top-level object: a JSON reader keeps only one of them (names are matched regardless of case)", k)
						}
						keys[lk] = start
					}
				}
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			start = i
		case '{', '[':
			depth++
			if depth == 1 {
				keys = nil
				if c == '{' {
					keys = map[string]int{}
				}
			}
			if depth > MaxJSONDepth {
				return f.ErrorAt(int64(i), "JSON nested deeper than %d levels", MaxJSONDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// isKey reports whether the string that ended just before offset i is an
// object key: the next non-space byte is a colon.
func isKey(data []byte, i int) bool {
	for ; i < len(data); i++ {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

// DecodeJSON decodes the file's JSON into v after checking UTF-8 and nesting depth.
// Syntax and type errors are returned with line and column; trailing data is an
// error. (json.Unmarshal, unlike a json.Decoder, reports offsets from the start of
// the file even when it begins with white space.)
func (f *File) DecodeJSON(v any) error {
	if err := f.CheckUTF8(); err != nil {
		return err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return err
	}
	if err := json.Unmarshal(f.Data, v); err != nil {
		return f.JSONError(err, 0)
	}
	return nil
}

// JSONError turns an encoding/json error into an Error with a position. fallback is
// the offset to use when the error carries none.
func (f *File) JSONError(err error, fallback int64) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se) && se.Error() == "unexpected end of JSON input":
		return f.ErrorAt(int64(len(f.Data)), "invalid JSON: unexpected end of file (truncated?)")
	case errors.As(err, &se) && strings.HasSuffix(se.Error(), "after top-level value"):
		return f.ErrorAt(se.Offset-1, "invalid JSON: unexpected data after the JSON document")
	case errors.As(err, &se):
		// Offset counts the offending byte; point at it, not after it.
		off := se.Offset
		if off > 0 && off <= int64(len(f.Data)) {
			off--
		}
		return f.ErrorAt(off, "invalid JSON: %s", se.Error())
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "value"
		}
		// Offset is where the value ends.
		return f.ErrorAt(te.Offset, "%s: expected %s, found JSON %s", field, JSONTypeName(te.Type.String()), te.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return f.ErrorAt(int64(len(f.Data)), "invalid JSON: unexpected end of file (truncated?)")
	default:
		return f.ErrorAt(fallback, "invalid JSON: %v", err)
	}
}

// NewXMLDecoder returns a strict decoder for the file: no entity expansion beyond
// XML's five predefined entities, no charset conversion (UTF-8 only).
func (f *File) NewXMLDecoder() *xml.Decoder {
	dec := xml.NewDecoder(bytes.NewReader(f.Data))
	dec.Strict = true
	dec.Entity = map[string]string{}
	dec.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not supported: evidence files must be UTF-8", charset)
	}
	return dec
}

// DecodeXML decodes the file's XML into v after checking UTF-8, refusing DTDs
// (and so entity definitions) outright.
func (f *File) DecodeXML(v any) error {
	if err := f.CheckUTF8(); err != nil {
		return err
	}
	// A DOCTYPE can only stand before the root element; later the bytes may be
	// text (CDATA quoting HTML), which is harmless.
	if i := bytes.Index(f.Data, []byte("<!DOCTYPE")); i >= 0 && i < rootStart(f.Data) {
		return f.ErrorAt(int64(i), "XML document type declarations (DOCTYPE, entities) are not accepted")
	}
	dec := f.NewXMLDecoder()
	if err := dec.Decode(v); err != nil {
		return f.XMLError(err, dec)
	}
	return nil
}

// rootStart returns the offset of the first element start tag, or len(data).
func rootStart(data []byte) int {
	for i := 0; i+1 < len(data); i++ {
		if data[i] == '<' {
			c := data[i+1]
			if c == '_' || c == ':' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80 {
				return i
			}
		}
	}
	return len(data)
}

// XMLError turns an encoding/xml error into an Error with a position.
func (f *File) XMLError(err error, dec *xml.Decoder) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return f.ErrorAtLine(se.Line, "invalid XML: %s", se.Msg)
	}
	if errors.Is(err, io.EOF) {
		return f.ErrorAt(int64(len(f.Data)), "invalid XML: no root element (empty or truncated file?)")
	}
	line, col := dec.InputPos()
	return &Error{Path: f.Path, Line: line, Column: col, Msg: fmt.Sprintf("invalid XML: %v", err)}
}
