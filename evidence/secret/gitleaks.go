package secret

import (
	"encoding/json"
	"strconv"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// gitleaksFinding is one element of a gitleaks v8 JSON report, without the
// fields that carry the secret (Secret, Match, Line): they are never decoded.
type gitleaksFinding struct {
	RuleID    string `json:"RuleID"`
	File      string `json:"File"`
	StartLine int    `json:"StartLine"`
	Commit    string `json:"Commit"`
}

// gitleaksKeep are the fields of a gitleaks finding that Redact keeps. Every
// other field, known (Secret, Match, Line) or not, is redacted.
var gitleaksKeep = map[string]bool{
	"RuleID":      true,
	"Description": true,
	"StartLine":   true,
	"EndLine":     true,
	"StartColumn": true,
	"EndColumn":   true,
	"File":        true,
	"SymlinkFile": true,
	"Commit":      true,
	"Link":        true,
	"Entropy":     true,
	"Author":      true,
	"Email":       true,
	"Date":        true,
	"Message":     true,
	"Tags":        true,
	"Fingerprint": true,
}

// parseGitleaks reads a gitleaks report: a JSON array of finding objects.
func parseGitleaks(f *source.File) ([]evidence.SecretFinding, error) {
	s := newStream(f)
	if _, err := s.token(""); err != nil { // the opening bracket, checked by the caller
		return nil, err
	}
	out := []evidence.SecretFinding{}
	for i := 0; s.dec.More(); i++ {
		path := "[" + strconv.Itoa(i) + "]"
		at := s.next()
		if at < int64(len(f.Data)) && f.Data[at] != '{' {
			var v any
			if err := s.decode(&v, path); err != nil {
				return nil, err
			}
			return nil, f.ErrorAt(at, "%s: expected a gitleaks finding object, found JSON %s", path, kindOf(v))
		}
		var g gitleaksFinding
		if err := s.decode(&g, path); err != nil {
			return nil, err
		}
		if g.RuleID == "" {
			return nil, f.ErrorAt(at, "%s.RuleID: missing or empty: expected a gitleaks finding", path)
		}
		out = append(out, evidence.SecretFinding{
			Rule:   g.RuleID,
			Path:   g.File,
			Line:   max(g.StartLine, 0),
			Commit: g.Commit,
		})
	}
	if _, err := s.token(""); err != nil { // the closing bracket
		return nil, err
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return out, nil
}

// redactGitleaks writes a gitleaks report with every secret-bearing value
// replaced, indented as gitleaks indents it. f has been parsed already.
func redactGitleaks(f *source.File) ([]byte, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(f.Data, &items); err != nil {
		return nil, f.Errorf("cannot redact: invalid JSON")
	}
	out := make([]byte, 0, len(f.Data))
	out = append(out, '[')
	for i, item := range items {
		if i > 0 {
			out = append(out, ',')
		}
		var err error
		if out, err = redactObject(out, item, gitleaksKeep); err != nil {
			return nil, f.Errorf("cannot redact finding [%d]: invalid JSON", i)
		}
	}
	out = append(out, ']')
	return indent(out), nil
}
