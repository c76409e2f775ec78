package surveil

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/osv-scalibr/semantic"

	"github.com/mdrgate/mdrgate/evidence"
)

// group is one finding before SLA and VEX: the OSV records, merged by their
// aliases, that affect one package of one version.
type group struct {
	pkg     evidence.Package
	records []*Record
	// hits are the affected entries that matched, for fixed versions.
	hits []*osvAffected
}

// match returns the findings of an SBOM, sorted by package and id. Components
// without a purl, or of an ecosystem OSV does not cover, are noted.
func (db *DB) match(s evidence.SBOM, notes map[string]bool) ([]*group, error) {
	var groups []*group
	seen := map[string]bool{}
	noPURL, unsupported := 0, 0
	label := s.Subject.Version
	for _, c := range s.Components {
		if c.PURL == "" {
			noPURL++
			continue
		}
		if seen[c.PURL] {
			continue
		}
		seen[c.PURL] = true
		id, ok, err := fromPURL(c.PURL)
		if err != nil || !ok {
			unsupported++
			continue
		}
		pkg := evidence.Package{Name: id.Name, Version: id.Version, PURL: c.PURL, Ecosystem: purlType(c.PURL)}
		var hits []ref
		type parsedVersion struct {
			v   semantic.Version
			err error
		}
		parsed := map[string]parsedVersion{}
		parse := func(eco string) (semantic.Version, error) {
			p, ok := parsed[eco]
			if !ok {
				p.v, p.err = semantic.Parse(id.Version, eco)
				parsed[eco] = p
			}
			return p.v, p.err
		}
		for _, r := range db.index[id.Ecosystem+"\x00"+id.Name] {
			a := &r.rec.Affected[r.affected]
			in, err := a.affects(id, parse)
			if err != nil {
				return nil, fmt.Errorf("%s: component %s: OSV record %s (%s): %v", s.Path, c.PURL, r.rec.ID, r.rec.Origin, err)
			}
			if in {
				hits = append(hits, r)
			}
		}
		groups = append(groups, mergeAliases(pkg, hits)...)
	}
	if noPURL > 0 {
		notes[fmt.Sprintf("%s: %d components without a purl could not be checked (%s)", label, noPURL, s.Path)] = true
	}
	if unsupported > 0 {
		notes[fmt.Sprintf("%s: %d components of ecosystems OSV does not cover (or with unversioned purls) were not checked (%s)", label, unsupported, s.Path)] = true
	}
	return groups, nil
}

// mergeAliases merges the records that name each other (by id or alias) into one group each.
func mergeAliases(pkg evidence.Package, hits []ref) []*group {
	parent := make([]int, len(hits))
	for i := range parent {
		parent[i] = i
	}
	var findRoot func(int) int
	findRoot = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, h := range hits {
		for _, id := range append([]string{h.rec.ID}, h.rec.Aliases...) {
			if j, ok := owner[id]; ok {
				parent[findRoot(i)] = findRoot(j)
			} else {
				owner[id] = i
			}
		}
	}
	byRoot := map[int]*group{}
	var out []*group
	for i, h := range hits {
		r := findRoot(i)
		g := byRoot[r]
		if g == nil {
			g = &group{pkg: pkg}
			byRoot[r] = g
			out = append(out, g)
		}
		if !containsRecord(g.records, h.rec) {
			g.records = append(g.records, h.rec)
		}
		g.hits = append(g.hits, &h.rec.Affected[h.affected])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ids()[0] < out[j].ids()[0] })
	return out
}

func containsRecord(list []*Record, r *Record) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// ids returns the group's id first (the smallest CVE id, else the smallest
// id), then its other ids, sorted.
func (g *group) ids() []string {
	set := map[string]bool{}
	for _, r := range g.records {
		set[r.ID] = true
		for _, a := range r.Aliases {
			if a != "" {
				set[a] = true
			}
		}
	}
	all := make([]string, 0, len(set))
	for id := range set {
		all = append(all, id)
	}
	sort.Strings(all)
	first := all[0]
	for _, id := range all {
		if strings.HasPrefix(id, "CVE-") {
			first = id
			break
		}
	}
	out := []string{first}
	for _, id := range all {
		if id != first {
			out = append(out, id)
		}
	}
	return out
}

var severityRank = map[string]int{"critical": 5, "high": 4, "medium": 3, "low": 2, "none": 1, "unknown": 0}

// severity is the highest severity of the group's records; "unknown" only
// when no record states one.
func (g *group) severity() string {
	best := "unknown"
	for _, r := range g.records {
		if severityRank[r.severity] > severityRank[best] {
			best = r.severity
		}
	}
	return best
}

func (g *group) score() *float64 {
	var best *float64
	for _, r := range g.records {
		if r.score != nil && (best == nil || *r.score > *best) {
			v := *r.score
			best = &v
		}
	}
	return best
}

// fixed lists the fixed versions of the matched affected entries, sorted.
func (g *group) fixed() []string {
	set := map[string]bool{}
	for _, a := range g.hits {
		for _, rg := range a.Ranges {
			if rg.Type == "GIT" {
				continue
			}
			for _, ev := range rg.Events {
				if v, ok := ev["fixed"]; ok {
					set[v] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// published is the earliest publication time of the group's records.
func (g *group) published() *time.Time {
	var best *time.Time
	for _, r := range g.records {
		t, err := time.Parse(time.RFC3339, r.Published)
		if err != nil {
			continue
		}
		t = t.UTC()
		if best == nil || t.Before(*best) {
			best = &t
		}
	}
	return best
}
