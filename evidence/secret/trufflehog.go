package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// trufflehogFinding is one line of trufflehog v3 JSON output, without the
// fields that carry the secret or facts about it (Raw, RawV2, Redacted,
// ExtraData, StructuredData, VerificationError): they are never decoded.
type trufflehogFinding struct {
	SourceMetadata struct {
		// Data has one key naming the source kind (Filesystem, Git, Github, …).
		Data map[string]json.RawMessage `json:"Data"`
	} `json:"SourceMetadata"`
	DetectorName string `json:"DetectorName"`
	Verified     bool   `json:"Verified"`
}

// trufflehogLocation is where a source says the secret was found.
type trufflehogLocation struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Commit string `json:"commit"`
}

// trufflehogKeep are the fields of a trufflehog finding that Redact keeps.
// Every other field, known (Raw, RawV2, Redacted, ExtraData, StructuredData,
// VerificationError) or not, is redacted.
var trufflehogKeep = map[string]bool{
	"SourceMetadata":        true,
	"SourceID":              true,
	"SourceType":            true,
	"SourceName":            true,
	"DetectorType":          true,
	"DetectorName":          true,
	"DetectorDescription":   true,
	"DecoderName":           true,
	"Verified":              true,
	"VerificationFromCache": true,
}

// sourcePreference is the order in which source kinds are read when a
// finding's SourceMetadata.Data names more than one.
var sourcePreference = []string{"Filesystem", "Git", "Github", "Gitlab"}

// jsonLine is one non-blank line of a JSON-lines file.
type jsonLine struct {
	number int   // 1-based
	offset int64 // of the line's first byte in the file
	data   []byte
}

// lines splits data into its non-blank lines, without their line endings.
func lines(data []byte) []jsonLine {
	var out []jsonLine
	offset := 0
	for n := 1; offset < len(data); n++ {
		end := bytes.IndexByte(data[offset:], '\n')
		if end < 0 {
			end = len(data) - offset
		}
		line := bytes.TrimRight(data[offset:offset+end], "\r")
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, jsonLine{number: n, offset: int64(offset), data: line})
		}
		offset += end + 1
	}
	return out
}

// parseTrufflehog reads trufflehog JSON lines: one finding object per line.
func parseTrufflehog(f *source.File) ([]evidence.SecretFinding, error) {
	out := []evidence.SecretFinding{}
	for _, l := range lines(f.Data) {
		var t trufflehogFinding
		if err := decodeLine(f, l, &t); err != nil {
			return nil, err
		}
		if t.DetectorName == "" {
			return nil, f.ErrorAtLine(l.number, "DetectorName: missing or empty: expected a trufflehog finding%s", lookalike(l.data))
		}
		loc, err := location(f, l, t.SourceMetadata.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, evidence.SecretFinding{
			Rule:     t.DetectorName,
			Path:     loc.File,
			Line:     max(loc.Line, 0),
			Commit:   loc.Commit,
			Verified: t.Verified,
		})
	}
	return out, nil
}

// decodeLine decodes one JSON line into v, with errors at the line's position.
func decodeLine(f *source.File, l jsonLine, v any) error {
	start := skipSpace(l.data, 0)
	if l.data[start] != '{' {
		return f.ErrorAt(l.offset+start, "expected a JSON object on each line: %s", expected)
	}
	err := json.Unmarshal(l.data, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return typeError(f, te, l.offset, "")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if se.Offset >= int64(len(l.data)) && json.Valid(f.Data) {
			// One object over several lines: a JSON document, not JSON lines.
			return f.ErrorAtLine(l.number, "a JSON object over several lines%s: %s", lookalike(f.Data), expected)
		}
		if se.Offset >= int64(len(l.data)) {
			return f.ErrorAt(l.offset+int64(len(l.data)), "invalid JSON: the line ends inside a JSON value (truncated?)")
		}
		return f.ErrorAt(l.offset+se.Offset, "invalid JSON: %s", se.Error())
	}
	return f.ErrorAtLine(l.number, "invalid JSON")
}

// location reads the file, line and commit from a finding's source metadata.
func location(f *source.File, l jsonLine, data map[string]json.RawMessage) (trufflehogLocation, error) {
	kinds := make([]string, 0, len(data))
	for k := range data {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int {
		ia, ib := slices.Index(sourcePreference, a), slices.Index(sourcePreference, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return bytes.Compare([]byte(a), []byte(b))
	})
	var first *trufflehogLocation
	for _, k := range kinds {
		raw := data[k]
		if len(raw) == 0 || raw[0] != '{' {
			continue // null, or not a source's metadata object
		}
		var loc trufflehogLocation
		if err := json.Unmarshal(raw, &loc); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return loc, f.ErrorAtLine(l.number, "SourceMetadata.Data.%s.%s: expected %s, found JSON %s", safeKey(k), te.Field, jsonKind(te.Type), foundKind(te))
			}
			return loc, f.ErrorAtLine(l.number, "SourceMetadata.Data.%s: invalid JSON", safeKey(k))
		}
		if loc.File != "" {
			return loc, nil
		}
		if first == nil {
			first = &loc
		}
	}
	if first != nil {
		return *first, nil
	}
	return trufflehogLocation{}, nil
}

// redactTrufflehog writes trufflehog JSON lines with every secret-bearing value
// replaced, one object per line. f has been parsed already.
func redactTrufflehog(f *source.File) ([]byte, error) {
	out := make([]byte, 0, len(f.Data))
	for _, l := range lines(f.Data) {
		var err error
		if out, err = redactObject(out, l.data, trufflehogKeep); err != nil {
			return nil, f.ErrorAtLine(l.number, "cannot redact: invalid JSON")
		}
		out = append(out, '\n')
	}
	return out, nil
}

// safeKey returns a source kind for an error message when it looks like one (a
// short word), and a placeholder otherwise: error messages quote no input that
// could be a secret.
func safeKey(k string) string {
	if len(k) == 0 || len(k) > 32 {
		return "<source>"
	}
	for _, c := range k {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return "<source>"
		}
	}
	return k
}
