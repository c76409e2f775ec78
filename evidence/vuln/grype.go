package vuln

import (
	"github.com/mdrgate/mdrgate/evidence"
)

// grypeMatch is one element of a Grype report's "matches": one vulnerability
// matched to one package. Only the fields used are decoded.
type grypeMatch struct {
	Vulnerability          grypeVuln      `json:"vulnerability"`
	RelatedVulnerabilities []grypeRelated `json:"relatedVulnerabilities"`
	Artifact               grypeArtifact  `json:"artifact"`
}

type grypeVuln struct {
	ID       string      `json:"id"`
	Severity string      `json:"severity"`
	CVSS     []grypeCVSS `json:"cvss"`
	Fix      struct {
		Versions []string `json:"versions"`
	} `json:"fix"`
}

type grypeRelated struct {
	ID   string      `json:"id"`
	CVSS []grypeCVSS `json:"cvss"`
}

type grypeCVSS struct {
	Version string `json:"version"`
	Vector  string `json:"vector"`
	Metrics struct {
		BaseScore *float64 `json:"baseScore"`
	} `json:"metrics"`
}

type grypeArtifact struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Type    string `json:"type"`
	PURL    string `json:"purl"`
}

// readGrypeMatch decodes one Grype match and appends its finding.
func readGrypeMatch(s *stream, path string, offset int64, out []evidence.VulnFinding) ([]evidence.VulnFinding, error) {
	var m grypeMatch
	if err := s.decode(&m, path); err != nil {
		return nil, err
	}
	if m.Vulnerability.ID == "" {
		return nil, s.f.ErrorAt(offset, "%s.vulnerability.id: missing or empty: expected the vulnerability id", path)
	}
	if m.Artifact.Name == "" {
		return nil, s.f.ErrorAt(offset, "%s.artifact.name: missing or empty: expected the package name", path)
	}

	aliases := make([]string, 0, len(m.RelatedVulnerabilities))
	var b best
	offerGrype(&b, m.Vulnerability.CVSS)
	for _, r := range m.RelatedVulnerabilities {
		aliases = append(aliases, r.ID)
		offerGrype(&b, r.CVSS)
	}
	return append(out, evidence.VulnFinding{
		ID:      m.Vulnerability.ID,
		Aliases: sortedSet(aliases, m.Vulnerability.ID),
		Package: evidence.Package{
			Name:      m.Artifact.Name,
			Version:   m.Artifact.Version,
			PURL:      m.Artifact.PURL,
			Ecosystem: ecosystem(m.Artifact.PURL, m.Artifact.Type),
		},
		Severity:      normSeverity(m.Vulnerability.Severity),
		CVSSScore:     b.score,
		CVSSVector:    b.vector,
		FixedVersions: sortedSet(m.Vulnerability.Fix.Versions, ""),
	}), nil
}

// offerGrype offers the v3 and v4 base scores of a Grype cvss list, computing a
// v3 score from its vector when the report gives none.
func offerGrype(b *best, list []grypeCVSS) {
	for _, c := range list {
		switch cvssMajor(c.Version, c.Vector) {
		case 3:
			if c.Metrics.BaseScore != nil {
				b.offer(*c.Metrics.BaseScore, c.Vector)
			} else if score, ok := cvss3BaseScore(c.Vector); ok {
				b.offer(score, c.Vector)
			}
		case 4:
			if c.Metrics.BaseScore != nil {
				b.offer(*c.Metrics.BaseScore, c.Vector)
			}
		}
	}
}
