package vuln

import (
	"slices"
	"strconv"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
)

// trivyResult is one element of a Trivy report's "Results": one scanned target
// (an OS package database, a lockfile, a jar) and what was found in it.
type trivyResult struct {
	Target          string      `json:"Target"`
	Type            string      `json:"Type"`
	Vulnerabilities []trivyVuln `json:"Vulnerabilities"`
}

type trivyVuln struct {
	VulnerabilityID  string `json:"VulnerabilityID"`
	PkgName          string `json:"PkgName"`
	InstalledVersion string `json:"InstalledVersion"`
	FixedVersion     string `json:"FixedVersion"`
	Severity         string `json:"Severity"`
	PkgIdentifier    struct {
		PURL string `json:"PURL"`
	} `json:"PkgIdentifier"`
	// CVSS maps a source (nvd, redhat, ghsa, …) to its scores.
	CVSS map[string]trivyCVSS `json:"CVSS"`
}

type trivyCVSS struct {
	V3Vector  string  `json:"V3Vector"`
	V3Score   float64 `json:"V3Score"`
	V40Vector string  `json:"V40Vector"`
	V40Score  float64 `json:"V40Score"`
}

// readTrivyResult decodes one Trivy result and appends its findings.
func readTrivyResult(s *stream, path string, offset int64, out []evidence.VulnFinding) ([]evidence.VulnFinding, error) {
	var r trivyResult
	if err := s.decode(&r, path); err != nil {
		return nil, err
	}
	for i, v := range r.Vulnerabilities {
		at := path + ".Vulnerabilities[" + strconv.Itoa(i) + "]"
		if v.VulnerabilityID == "" {
			return nil, s.f.ErrorAt(offset, "%s.VulnerabilityID: missing or empty: expected the vulnerability id", at)
		}
		if v.PkgName == "" {
			return nil, s.f.ErrorAt(offset, "%s.PkgName: missing or empty: expected the package name", at)
		}
		// Sources in sorted order, so that equal scores pick the same vector.
		sources := make([]string, 0, len(v.CVSS))
		for src := range v.CVSS {
			sources = append(sources, src)
		}
		slices.Sort(sources)
		var b best
		for _, src := range sources {
			c := v.CVSS[src]
			switch {
			case c.V3Score > 0:
				b.offer(c.V3Score, c.V3Vector)
			case c.V3Vector != "":
				if score, ok := cvss3BaseScore(c.V3Vector); ok {
					b.offer(score, c.V3Vector)
				}
			}
			if c.V40Score > 0 {
				b.offer(c.V40Score, c.V40Vector)
			}
		}
		purl := v.PkgIdentifier.PURL
		out = append(out, evidence.VulnFinding{
			ID:      v.VulnerabilityID,
			Aliases: []string{},
			Package: evidence.Package{
				Name:      v.PkgName,
				Version:   v.InstalledVersion,
				PURL:      purl,
				Ecosystem: ecosystem(purl, r.Type),
			},
			Severity:      normSeverity(v.Severity),
			CVSSScore:     b.score,
			CVSSVector:    b.vector,
			FixedVersions: sortedSet(strings.Split(v.FixedVersion, ","), ""),
		})
	}
	return out, nil
}
