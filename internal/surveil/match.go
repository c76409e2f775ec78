package surveil

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"
	"github.com/package-url/packageurl-go"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"
)

// Ecosystems maps a purl type to the OSV ecosystem it is matched in. Versions
// are compared with each ecosystem's own rules (osv-scalibr's semantic package).
var Ecosystems = map[string]string{
	"npm":      "npm",
	"pypi":     "PyPI",
	"maven":    "Maven",
	"golang":   "Go",
	"cargo":    "crates.io",
	"gem":      "RubyGems",
	"nuget":    "NuGet",
	"deb":      "Debian",
	"composer": "Packagist",
	"hex":      "Hex",
	"pub":      "Pub",
	"apk":      "Alpine",
}

// pkgID is a component as matched: ecosystem, normalised name and version.
type pkgID struct {
	Ecosystem string
	Name      string
	Version   string
	// Release is the distribution release ("12" for Debian 12) when the purl says.
	Release string
}

var debianCodenames = map[string]string{"stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14"}

// fromPURL returns what a component is matched as; ok is false for purls of
// types no OSV ecosystem covers.
func fromPURL(purl string) (pkgID, bool, error) {
	p, err := packageurl.FromString(purl)
	if err != nil {
		return pkgID{}, false, err
	}
	eco, ok := Ecosystems[p.Type]
	if !ok || p.Version == "" {
		return pkgID{}, false, nil
	}
	id := pkgID{Ecosystem: eco, Version: p.Version}
	q := p.Qualifiers.Map()
	switch p.Type {
	case "maven":
		id.Name = p.Namespace + ":" + p.Name
	case "npm", "golang", "composer":
		id.Name = p.Name
		if p.Namespace != "" {
			id.Name = p.Namespace + "/" + p.Name
		}
		if p.Type == "golang" {
			// OSV Go versions carry no "v"; pseudo-versions compare as semver.
			id.Version = strings.TrimPrefix(id.Version, "v")
		}
	case "deb":
		if strings.EqualFold(p.Namespace, "ubuntu") {
			id.Ecosystem = "Ubuntu"
		}
		id.Name = p.Name
		// OSV's Debian records name source packages.
		if up := q["upstream"]; up != "" {
			id.Name, _, _ = strings.Cut(up, "@")
		}
		if d := q["distro"]; d != "" {
			d = strings.TrimPrefix(strings.ToLower(d), "debian-")
			if n, ok := debianCodenames[d]; ok {
				d = n
			}
			d, _, _ = strings.Cut(d, ".")
			id.Release = d
		}
	default:
		id.Name = p.Name
	}
	id.Name = normName(id.Ecosystem, id.Name)
	return id, true, nil
}

var pypiSeparators = regexp.MustCompile(`[-_.]+`)

// normName normalises a package name the way its ecosystem compares names.
func normName(eco, name string) string {
	switch eco {
	case "PyPI":
		return pypiSeparators.ReplaceAllString(strings.ToLower(name), "-")
	case "npm", "NuGet", "Packagist", "crates.io":
		return strings.ToLower(name)
	}
	return name
}

// baseEcosystem drops the release suffix of an OSV ecosystem ("Debian:12" → "Debian").
func baseEcosystem(eco string) string {
	b, _, _ := strings.Cut(eco, ":")
	return b
}

// ecosystemRelease is the release suffix of an OSV ecosystem ("Debian:12" → "12").
func ecosystemRelease(eco string) string {
	_, r, _ := strings.Cut(eco, ":")
	r, _, _ = strings.Cut(r, ".")
	return r
}

// parsedRange is a range with its event versions parsed once, in the
// ecosystem's rules, and shared by every component compared with it.
type parsedRange struct {
	eco    string // the ecosystem whose rules compare versions ("npm" for SEMVER)
	events []parsedEvent
	err    error
}

type parsedEvent struct {
	kind string
	// v is nil for introduced "0", which is below every version.
	v semantic.Version
}

// ranges parses the entry's SEMVER and ECOSYSTEM ranges once.
func (a *osvAffected) ranges() []parsedRange {
	a.once.Do(func() {
		for _, rg := range a.Ranges {
			if rg.Type == "GIT" {
				continue
			}
			pr := parsedRange{eco: baseEcosystem(a.Package.Ecosystem)}
			if rg.Type == "SEMVER" {
				pr.eco = "npm" // plain SemVer 2.0
			}
			for _, ev := range rg.Events {
				for kind, ver := range ev {
					e := parsedEvent{kind: kind}
					if !(kind == "introduced" && ver == "0") {
						v, err := semantic.Parse(ver, pr.eco)
						if err != nil && pr.err == nil {
							pr.err = fmt.Errorf("%s version %q cannot be parsed: %v", kind, ver, err)
						}
						e.v = v
					}
					pr.events = append(pr.events, e)
				}
			}
			a.parsed = append(a.parsed, pr)
		}
	})
	return a.parsed
}

// affects reports whether an affected entry covers the version: listed in
// versions, or inside one of its SEMVER or ECOSYSTEM ranges (GIT ranges name
// commits and are not evaluated). A version or event the ecosystem cannot
// parse is an error: whether the package is affected cannot be decided. The
// parse function returns the component's version read by an ecosystem's
// rules; the caller caches it across entries.
func (a *osvAffected) affects(id pkgID, parse func(eco string) (semantic.Version, error)) (bool, error) {
	if id.Release != "" {
		if r := ecosystemRelease(a.Package.Ecosystem); r != "" && r != id.Release {
			return false, nil
		}
	}
	for _, v := range a.Versions {
		if v == id.Version {
			return true, nil
		}
	}
	for _, pr := range a.ranges() {
		if pr.err != nil {
			return false, pr.err
		}
		v, err := parse(pr.eco)
		if err != nil {
			return false, fmt.Errorf("version %q cannot be compared in %s: %v", id.Version, a.Package.Ecosystem, err)
		}
		in, err := inRange(v, pr.events)
		if err != nil {
			return false, err
		}
		if in {
			return true, nil
		}
	}
	return false, nil
}

// inRange evaluates the OSV range algorithm: events sorted by version, the
// version is affected after an introduced event at or below it, until a fixed
// event at or below it or a last_affected event below it; limits bound the range.
func inRange(v semantic.Version, evs []parsedEvent) (bool, error) {
	type event struct {
		kind string
		cmp  int // sign of (event version − v); introduced "0" is below everything
	}
	events := make([]event, 0, len(evs))
	var limits []int
	for _, e := range evs {
		c := -1
		if e.v != nil {
			var err error
			// Compare returns the sign of (event − v).
			c, err = e.v.Compare(v)
			if err != nil {
				return false, err
			}
		}
		if e.kind == "limit" {
			limits = append(limits, c)
			continue
		}
		events = append(events, event{e.kind, c})
	}
	// Only the order relative to v matters: the events at or below v decide,
	// the last one in version order winning; at v itself, introduced and fixed
	// apply and last_affected does not yet. A stable sort by cmp gives that
	// order, document order breaking ties.
	sort.SliceStable(events, func(i, j int) bool { return events[i].cmp < events[j].cmp })
	affected := false
	for _, e := range events {
		switch e.kind {
		case "introduced":
			if e.cmp <= 0 {
				affected = true
			}
		case "fixed":
			if e.cmp <= 0 {
				affected = false
			}
		case "last_affected":
			if e.cmp < 0 {
				affected = false
			}
		}
	}
	if affected && len(limits) > 0 {
		below := false
		for _, c := range limits {
			if c > 0 {
				below = true
			}
		}
		affected = below
	}
	return affected, nil
}

// recordSeverity derives a record's severity and CVSS base score: the highest
// CVSS v3.x or v4.0 score of the record or its affected entries, else GitHub's
// database-specific severity, else "unknown".
func recordSeverity(r *osvRecord) (string, *float64) {
	var best *float64
	consider := func(list []osvSeverity) {
		for _, s := range list {
			if sc, ok := cvssScore(s); ok && (best == nil || sc > *best) {
				best = &sc
			}
		}
	}
	consider(r.Severity)
	for i := range r.Affected {
		consider(r.Affected[i].Severity)
	}
	if best != nil {
		return severityOf(*best), best
	}
	var ds struct {
		Severity json.RawMessage `json:"severity"`
	}
	if json.Unmarshal(r.DatabaseSpecific, &ds) == nil {
		var s string
		if json.Unmarshal(ds.Severity, &s) == nil {
			switch strings.ToLower(s) {
			case "critical":
				return "critical", nil
			case "high", "important":
				return "high", nil
			case "moderate", "medium":
				return "medium", nil
			case "low":
				return "low", nil
			}
		}
	}
	return "unknown", nil
}

func cvssScore(s osvSeverity) (float64, bool) {
	switch {
	case s.Type == "CVSS_V3" && strings.HasPrefix(s.Score, "CVSS:3.1/"):
		if c, err := cvss31.ParseVector(s.Score); err == nil {
			return c.BaseScore(), true
		}
	case s.Type == "CVSS_V3" && strings.HasPrefix(s.Score, "CVSS:3.0/"):
		if c, err := cvss30.ParseVector(s.Score); err == nil {
			return c.BaseScore(), true
		}
	case s.Type == "CVSS_V4":
		if c, err := cvss40.ParseVector(s.Score); err == nil {
			return c.Score(), true
		}
	}
	return 0, false
}

// severityOf maps a CVSS score to its qualitative rating.
func severityOf(score float64) string {
	switch {
	case score >= 9:
		return "critical"
	case score >= 7:
		return "high"
	case score >= 4:
		return "medium"
	case score > 0:
		return "low"
	}
	return "none"
}
