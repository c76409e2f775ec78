package secret

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mdrgate/mdrgate/evidence/source"
)

// Redact returns the report with the value of every secret-bearing field
// replaced by "REDACTED", in the same JSON shape otherwise: a gitleaks array of
// objects, or trufflehog JSON lines with one object per line. Later stages store
// this copy instead of the original.
//
// Fields are kept by name from a list of fields known to hold no secret (rule,
// file, line, commit, source metadata, …); every other field with a value,
// including fields a newer tool version adds, is redacted. The report is
// parsed first, so Redact fails on exactly the inputs Parse fails on, with the
// same *source.Error.
func Redact(f *source.File) ([]byte, error) {
	r, err := Parse(f)
	if err != nil {
		return nil, err
	}
	if r.Tool == Gitleaks {
		return redactGitleaks(f)
	}
	return redactTrufflehog(f)
}

// redactObject appends to dst the JSON object raw with its keys in their order:
// the values of keys in keep as they are (compacted), null values as null, and
// every other value replaced by the string "REDACTED". Keys are matched
// exactly, so a key spelled differently from the tool's is redacted.
func redactObject(dst, raw []byte, keep map[string]bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return dst, fmt.Errorf("not a JSON object")
	}
	dst = append(dst, '{')
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return dst, err
		}
		key, ok := tok.(string)
		if !ok {
			return dst, fmt.Errorf("not a JSON object")
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return dst, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		k, err := json.Marshal(key)
		if err != nil {
			return dst, err
		}
		dst = append(dst, k...)
		dst = append(dst, ':')
		switch {
		case keep[key]:
			var b bytes.Buffer
			if err := json.Compact(&b, value); err != nil {
				return dst, err
			}
			dst = append(dst, b.Bytes()...)
		case string(value) == "null":
			dst = append(dst, "null"...)
		default:
			dst = append(dst, `"`+Redacted+`"`...)
		}
	}
	if _, err := dec.Token(); err != nil {
		return dst, err
	}
	return append(dst, '}'), nil
}

// indent formats a JSON document with one space of indentation per level, as
// gitleaks writes its reports, ending with a newline.
func indent(compact []byte) []byte {
	var b bytes.Buffer
	if err := json.Indent(&b, compact, "", " "); err != nil {
		return compact
	}
	b.WriteByte('\n')
	return b.Bytes()
}
