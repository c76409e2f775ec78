package vuln

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/mdrgate/mdrgate/evidence"
)

// osvResult is one element of an OSV-Scanner report's "results": one scanned
// source (a lockfile, an SBOM, a directory) and its vulnerable packages.
type osvResult struct {
	// Packages is a pointer so that a missing "packages" can be told from an
	// empty one: a result without it is not an OSV-Scanner result.
	Packages *[]osvPackage `json:"packages"`
}

type osvPackage struct {
	Package struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		Ecosystem string `json:"ecosystem"`
		Commit    string `json:"commit"`
	} `json:"package"`
	Vulnerabilities []osvVuln  `json:"vulnerabilities"`
	Groups          []osvGroup `json:"groups"`
}

// osvVuln is an OSV record (https://ossf.github.io/osv-schema/), as much as is used.
type osvVuln struct {
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases"`
	Severity []struct {
		Type  string `json:"type"`
		Score string `json:"score"`
	} `json:"severity"`
	Affected []struct {
		Package struct {
			Name      string `json:"name"`
			Ecosystem string `json:"ecosystem"`
		} `json:"package"`
		Ranges []struct {
			Type   string `json:"type"`
			Events []struct {
				Fixed string `json:"fixed"`
			} `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
	// DatabaseSpecific is free-form in the OSV schema; only a string "severity"
	// (as GitHub advisories give) is used.
	DatabaseSpecific struct {
		Severity json.RawMessage `json:"severity"`
	} `json:"database_specific"`
}

// osvGroup gathers the ids that OSV-Scanner considers the same vulnerability.
type osvGroup struct {
	IDs     []string `json:"ids"`
	Aliases []string `json:"aliases"`
	// MaxSeverity is the highest CVSS score of the group, as a string.
	MaxSeverity string `json:"max_severity"`
}

// readOSVResult decodes one OSV-Scanner result and appends its findings.
func readOSVResult(s *stream, path string, offset int64, out []evidence.VulnFinding) ([]evidence.VulnFinding, error) {
	var r osvResult
	if err := s.decode(&r, path); err != nil {
		return nil, err
	}
	if r.Packages == nil {
		return nil, s.f.ErrorAt(offset, `%s.packages: missing: expected an OSV-Scanner result with "packages"`, path)
	}
	for i, p := range *r.Packages {
		at := path + ".packages[" + strconv.Itoa(i) + "]"
		name := p.Package.Name
		if name == "" {
			return nil, s.f.ErrorAt(offset, "%s.package.name: missing or empty: expected the package name", at)
		}
		version := p.Package.Version
		if version == "" {
			version = p.Package.Commit
		}
		pkg := evidence.Package{
			Name:      name,
			Version:   version,
			PURL:      osvPURL(p.Package.Ecosystem, name, p.Package.Version),
			Ecosystem: p.Package.Ecosystem,
		}
		for j, v := range p.Vulnerabilities {
			if v.ID == "" {
				return nil, s.f.ErrorAt(offset, "%s.vulnerabilities[%d].id: missing or empty: expected the vulnerability id", at, j)
			}
			out = append(out, osvFinding(pkg, v, p.Groups))
		}
	}
	return out, nil
}

func osvFinding(pkg evidence.Package, v osvVuln, groups []osvGroup) evidence.VulnFinding {
	aliases := append([]string{}, v.Aliases...)
	var group *osvGroup
	for i := range groups {
		if slices.Contains(groups[i].IDs, v.ID) {
			group = &groups[i]
			aliases = append(aliases, group.IDs...)
			aliases = append(aliases, group.Aliases...)
			break
		}
	}

	var b best
	v4 := ""
	textual := ""
	for _, sev := range v.Severity {
		switch strings.ToUpper(sev.Type) {
		case "CVSS_V3":
			if score, ok := cvss3BaseScore(sev.Score); ok {
				b.offer(score, sev.Score)
			}
		case "CVSS_V4":
			if v4 == "" {
				v4 = sev.Score
			}
		case "UBUNTU":
			if textual == "" {
				textual = sev.Score
			}
		}
	}
	// OSV-Scanner gives each group of aliases the highest CVSS score over all
	// its records' vectors (this package does not score v4 vectors itself).
	if group != nil {
		if score, err := strconv.ParseFloat(strings.TrimSpace(group.MaxSeverity), 64); err == nil {
			// The score is this record's own only when the group holds no
			// other record; then a v4 vector is what it was computed from.
			vector := ""
			if len(group.IDs) == 1 {
				vector = v4
			}
			b.offer(score, vector)
		}
	}

	var s string
	if err := json.Unmarshal(v.DatabaseSpecific.Severity, &s); err == nil && s != "" {
		textual = s
	}
	severity := normSeverity(textual)
	if severity == Unknown && b.score != nil {
		severity = severityFromScore(*b.score)
	}

	var fixed []string
	for _, a := range v.Affected {
		if a.Package.Name != "" && !strings.EqualFold(a.Package.Name, pkg.Name) {
			continue
		}
		for _, r := range a.Ranges {
			if strings.EqualFold(r.Type, "GIT") {
				continue // a fixed commit, not a version
			}
			for _, e := range r.Events {
				fixed = append(fixed, e.Fixed)
			}
		}
	}

	return evidence.VulnFinding{
		ID:            v.ID,
		Aliases:       sortedSet(aliases, v.ID),
		Package:       pkg,
		Severity:      severity,
		CVSSScore:     b.score,
		CVSSVector:    b.vector,
		FixedVersions: sortedSet(fixed, ""),
	}
}

// osvPURLTypes maps OSV ecosystem names to purl types, for the ecosystems whose
// package names map onto a purl without further information.
var osvPURLTypes = map[string]string{
	"npm":       packageurl.TypeNPM,
	"PyPI":      packageurl.TypePyPi,
	"Go":        packageurl.TypeGolang,
	"Maven":     packageurl.TypeMaven,
	"crates.io": packageurl.TypeCargo,
	"RubyGems":  packageurl.TypeGem,
	"NuGet":     packageurl.TypeNuget,
	"Packagist": packageurl.TypeComposer,
	"Pub":       packageurl.TypePub,
	"Hex":       packageurl.TypeHex,
}

// osvPURL derives a package URL from an OSV ecosystem, name and version, or
// returns "" for ecosystems (Linux distributions among them) it cannot map.
func osvPURL(eco, name, version string) string {
	typ, ok := osvPURLTypes[eco]
	if !ok || name == "" {
		return ""
	}
	namespace := ""
	switch typ {
	case packageurl.TypeMaven:
		if g, a, ok := strings.Cut(name, ":"); ok {
			namespace, name = g, a
		}
	case packageurl.TypeNPM, packageurl.TypeGolang, packageurl.TypeComposer:
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			namespace, name = name[:i], name[i+1:]
		}
	}
	if name == "" {
		return ""
	}
	return packageurl.NewPackageURL(typ, namespace, name, version, nil, "").ToString()
}
