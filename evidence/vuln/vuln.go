// Package vuln reads vulnerability scan reports (Grype, Trivy and OSV-Scanner
// JSON) into evidence.VulnReport findings.
package vuln

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// MediaType is the media type of every report this package reads.
const MediaType = "application/json"

// Scanner names, the values of evidence.VulnReport.Scanner.
const (
	Grype      = "grype"
	Trivy      = "trivy"
	OSVScanner = "osv-scanner"
)

// Severities, the values of evidence.VulnFinding.Severity.
const (
	Critical = "critical"
	High     = "high"
	Medium   = "medium"
	Low      = "low"
	Unknown  = "unknown"
)

// expected is what the parser accepts, for error messages.
const expected = `expected a Grype report (top-level "matches"), a Trivy report ("SchemaVersion" 2 and "Results") or an OSV-Scanner report (top-level "results")`

// Parse reads a Grype, Trivy or OSV-Scanner JSON report, telling them apart by
// the document's shape, and normalises its findings. Findings are sorted by
// package (purl, or name when there is no purl), version and id. Every error is a
// *source.Error.
func Parse(f *source.File) (evidence.VulnReport, error) {
	report := evidence.VulnReport{FileRef: f.Ref(MediaType), Findings: []evidence.VulnFinding{}}
	if err := f.CheckUTF8(); err != nil {
		return report, err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return report, err
	}
	if bytes.HasPrefix(f.Data, []byte("\uFEFF")) {
		return report, f.ErrorAt(0, "the file starts with a byte order mark (U+FEFF): expected JSON without one")
	}
	start := skipSpace(f.Data, 0)
	if start == int64(len(f.Data)) {
		return report, f.Errorf("empty file: %s", expected)
	}
	if f.Data[start] == '<' {
		return report, f.ErrorAt(start, "this is XML, not JSON: %s", expected)
	}

	s := newStream(f)
	tok, err := s.token("")
	if err != nil {
		return report, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return report, f.ErrorAt(start, "expected a JSON object, found JSON %s: %s", kindOf(tok), expected)
	}

	var (
		keys          = map[string]bool{}
		grype         []evidence.VulnFinding
		trivy         []evidence.VulnFinding
		osv           []evidence.VulnFinding
		schemaVersion *float64
		schemaOffset  int64
	)
	for s.dec.More() {
		kt, err := s.token("")
		if err != nil {
			return report, err
		}
		key, _ := kt.(string)
		keys[key] = true
		switch key {
		case "matches":
			if grype, err = readArray(s, key, false, readGrypeMatch); err != nil {
				return report, err
			}
		case "SchemaVersion":
			schemaOffset = s.next()
			var v any
			if err := s.decode(&v, key); err != nil {
				return report, err
			}
			n, ok := v.(float64)
			if !ok {
				return report, f.ErrorAt(schemaOffset, "SchemaVersion: expected number, found JSON %s", kindOf(v))
			}
			schemaVersion = &n
		case "Results":
			if trivy, err = readArray(s, key, true, readTrivyResult); err != nil {
				return report, err
			}
		case "results":
			if osv, err = readArray(s, key, false, readOSVResult); err != nil {
				return report, err
			}
		default:
			if err := s.skip(key); err != nil {
				return report, err
			}
		}
	}
	if _, err := s.token(""); err != nil { // the closing brace
		return report, err
	}
	if err := s.end(); err != nil {
		return report, err
	}

	switch {
	case keys["matches"]:
		if keys["results"] || keys["Results"] {
			return report, f.Errorf("ambiguous report: it has both Grype \"matches\" and Trivy or OSV-Scanner results")
		}
		report.Scanner, report.Findings = Grype, grype
	case keys["SchemaVersion"]:
		if *schemaVersion != 2 {
			return report, f.ErrorAt(schemaOffset, "unsupported Trivy SchemaVersion %g: expected 2", *schemaVersion)
		}
		if keys["results"] {
			return report, f.Errorf("ambiguous report: it has both Trivy \"SchemaVersion\" and OSV-Scanner \"results\"")
		}
		report.Scanner, report.Findings = Trivy, trivy
	case keys["results"]:
		report.Scanner, report.Findings = OSVScanner, osv
	default:
		return report, f.Errorf("not a vulnerability scan report%s: %s", lookalike(keys), expected)
	}
	if report.Findings == nil {
		report.Findings = []evidence.VulnFinding{}
	}
	sortFindings(report.Findings)
	return report, nil
}

// readArray reads the value of key, which must be an array (or null when
// nullable), passing each element to read with its index and offset.
func readArray(s *stream, key string, nullable bool,
	read func(s *stream, path string, offset int64, out []evidence.VulnFinding) ([]evidence.VulnFinding, error),
) ([]evidence.VulnFinding, error) {
	at := s.next()
	tok, err := s.token(key)
	if err != nil {
		return nil, err
	}
	if tok == nil && nullable {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, s.f.ErrorAt(at, "%s: expected array, found JSON %s", key, kindOf(tok))
	}
	out := []evidence.VulnFinding{}
	for i := 0; s.dec.More(); i++ {
		path := key + "[" + strconv.Itoa(i) + "]"
		if out, err = read(s, path, s.next(), out); err != nil {
			return nil, err
		}
	}
	if _, err := s.token(key); err != nil { // the closing bracket
		return nil, err
	}
	return out, nil
}

// lookalike names the kind of document the keys suggest, for error messages.
func lookalike(keys map[string]bool) string {
	switch {
	case keys["runs"]:
		return " (it looks like a SARIF log)"
	case keys["bomFormat"]:
		return " (it looks like a CycloneDX document)"
	case keys["spdxVersion"]:
		return " (it looks like an SPDX document)"
	case keys["statements"]:
		return " (it looks like an OpenVEX document)"
	case keys["payloadType"]:
		return " (it looks like a DSSE envelope)"
	case keys["predicateType"]:
		return " (it looks like an in-toto statement)"
	case keys["document"] && keys["vulnerabilities"]:
		return " (it looks like a CSAF document)"
	}
	return ""
}

// normSeverity maps a scanner's severity word onto critical, high, medium, low
// or unknown.
func normSeverity(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return Critical
	case "high", "important":
		return High
	case "medium", "moderate":
		return Medium
	case "low", "negligible":
		return Low
	}
	return Unknown
}

// severityFromScore is the CVSS v3 qualitative rating of a base score.
func severityFromScore(score float64) string {
	switch {
	case score >= 9:
		return Critical
	case score >= 7:
		return High
	case score >= 4:
		return Medium
	case score > 0:
		return Low
	}
	return Unknown
}

// ecosystem returns the purl type when purl parses, otherwise fallback.
func ecosystem(purl, fallback string) string {
	if purl != "" {
		if p, err := packageurl.FromString(purl); err == nil && p.Type != "" {
			return p.Type
		}
	}
	return fallback
}

// sortedSet returns the non-empty values other than drop, sorted and without
// duplicates, never nil.
func sortedSet(values []string, drop string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" && v != drop {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sortFindings orders findings by package (purl or name), version and id, and
// then by every other field so that the order never depends on the input's.
func sortFindings(fs []evidence.VulnFinding) {
	slices.SortFunc(fs, func(a, b evidence.VulnFinding) int {
		return cmp.Or(
			cmp.Compare(pkgKey(a.Package), pkgKey(b.Package)),
			cmp.Compare(a.Package.Version, b.Package.Version),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Package.Name, b.Package.Name),
			cmp.Compare(a.Package.Ecosystem, b.Package.Ecosystem),
			cmp.Compare(a.Severity, b.Severity),
			cmpScore(a.CVSSScore, b.CVSSScore),
			cmp.Compare(a.CVSSVector, b.CVSSVector),
			slices.Compare(a.FixedVersions, b.FixedVersions),
			slices.Compare(a.Aliases, b.Aliases),
		)
	})
}

func pkgKey(p evidence.Package) string {
	if p.PURL != "" {
		return p.PURL
	}
	return p.Name
}

func cmpScore(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}

// best keeps the highest CVSS score seen and its vector.
type best struct {
	score  *float64
	vector string
}

func (b *best) offer(score float64, vector string) {
	if score <= 0 || score > 10 {
		return
	}
	if b.score == nil || score > *b.score || (score == *b.score && b.vector == "" && vector != "") {
		s := score
		b.score, b.vector = &s, vector
	}
}

// cvssMajor returns 3 or 4 for a CVSS v3.x or v4.x version string or vector,
// and 0 otherwise.
func cvssMajor(version, vector string) int {
	v := strings.TrimSpace(version)
	if v == "" {
		v, _, _ = strings.Cut(strings.TrimPrefix(vector, "CVSS:"), "/")
		if !strings.HasPrefix(vector, "CVSS:") {
			v = ""
		}
	}
	switch {
	case strings.HasPrefix(v, "3"):
		return 3
	case strings.HasPrefix(v, "4"):
		return 4
	}
	return 0
}
