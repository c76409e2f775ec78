// Package secret reads secret-scan reports (gitleaks JSON and trufflehog JSON
// lines) into evidence.SecretReport findings without ever keeping the secrets,
// and writes redacted copies of such reports.
//
// The secrets are left behind on reading: reports are decoded into types that
// have no field for a secret, the match around it or anything derived from it,
// and error messages never quote the input's values.
package secret

import (
	"bytes"
	"cmp"
	"encoding/json"
	"path"
	"slices"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// Tool names, the values of evidence.SecretReport.Tool.
const (
	Gitleaks   = "gitleaks"
	Trufflehog = "trufflehog"
)

// Media types of the reports: a gitleaks report is one JSON array, a trufflehog
// report is JSON lines.
const (
	GitleaksMediaType   = "application/json"
	TrufflehogMediaType = "application/x-ndjson"
)

// Redacted replaces every secret-bearing value in the output of Redact.
const Redacted = "REDACTED"

// expected is what the parser accepts, for error messages.
const expected = "expected a gitleaks JSON report (an array of findings) or trufflehog JSON lines (one finding object per line)"

// Parse reads a gitleaks JSON report or a trufflehog JSON-lines report, telling
// them apart by the first character (an array or an object), and returns its
// findings sorted by path, line and rule. The result holds no secret.
//
// An empty gitleaks array is a report with no findings. An empty file is one only
// when its name says it comes from trufflehog (which writes nothing when it finds
// nothing): otherwise an empty file is more likely a scan that crashed, and
// reading it as "no secrets" would be a wrong pass. Every error is a
// *source.Error, and no error quotes a value of the input.
func Parse(f *source.File) (evidence.SecretReport, error) {
	report := evidence.SecretReport{Findings: []evidence.SecretFinding{}}
	if err := f.CheckUTF8(); err != nil {
		return report, err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return report, err
	}
	if bytes.HasPrefix(f.Data, []byte("\uFEFF")) {
		return report, f.ErrorAt(0, "the file starts with a byte order mark (U+FEFF): expected JSON without one")
	}
	var (
		findings []evidence.SecretFinding
		err      error
	)
	start := skipSpace(f.Data, 0)
	switch {
	case start == int64(len(f.Data)) && !strings.Contains(strings.ToLower(path.Base(f.Path)), "trufflehog"):
		return report, f.Errorf("empty file: expected a gitleaks report (gitleaks writes [] when it finds nothing); an empty trufflehog report is accepted when its file name contains \"trufflehog\"")
	case start == int64(len(f.Data)):
		report.Tool = Trufflehog
		report.FileRef = f.Ref(TrufflehogMediaType)
	case f.Data[start] == '[':
		report.Tool = Gitleaks
		report.FileRef = f.Ref(GitleaksMediaType)
		findings, err = parseGitleaks(f)
	case f.Data[start] == '{':
		report.Tool = Trufflehog
		report.FileRef = f.Ref(TrufflehogMediaType)
		findings, err = parseTrufflehog(f)
	case f.Data[start] == '<':
		return report, f.ErrorAt(start, "this is XML, not JSON: %s", expected)
	default:
		return report, f.ErrorAt(start, "neither a JSON array nor a JSON object: %s", expected)
	}
	if err != nil {
		return evidence.SecretReport{FileRef: report.FileRef, Tool: report.Tool, Findings: []evidence.SecretFinding{}}, err
	}
	if findings != nil {
		report.Findings = findings
	}
	sortFindings(report.Findings)
	return report, nil
}

// sortFindings orders findings by path, line and rule, then by commit and
// verification so that the order never depends on the input's.
func sortFindings(fs []evidence.SecretFinding) {
	slices.SortFunc(fs, func(a, b evidence.SecretFinding) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Commit, b.Commit),
			cmpBool(a.Verified, b.Verified),
		)
	})
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// lookalike names the kind of JSON document data seems to be, for error
// messages; it only looks at top-level keys.
func lookalike(data []byte) string {
	var keys map[string]json.RawMessage
	if json.Unmarshal(data, &keys) != nil {
		return ""
	}
	has := func(k string) bool { _, ok := keys[k]; return ok }
	switch {
	case has("matches"):
		return " (it looks like a Grype report)"
	case has("SchemaVersion"):
		return " (it looks like a Trivy report)"
	case has("results"):
		return " (it looks like an OSV-Scanner report)"
	case has("runs"):
		return " (it looks like a SARIF log)"
	case has("bomFormat"):
		return " (it looks like a CycloneDX document)"
	case has("spdxVersion"):
		return " (it looks like an SPDX document)"
	}
	return ""
}
