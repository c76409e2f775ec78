package surveil

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/osv-scalibr/semantic"
	"github.com/package-url/packageurl-go"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/vex"
)

// product is what a VEX statement may name: the surveilled product version
// (the SBOM's subject) or one of its components.
type product struct {
	serial  string // SBOM serial (urn:uuid:…)
	subject *evidence.Component
	version string
}

// vexDecision is the VEX statement that applies to a finding.
type vexDecision struct {
	status, justification string
	source                string
	// ignored says why a statement that named the finding does not count.
	ignored []string
}

// statusRank orders statuses from the most conservative: when statements of
// the same time disagree, the one that keeps the finding open wins.
var statusRank = map[string]int{vex.StatusAffected: 0, vex.StatusUnderInvestigation: 1, vex.StatusFixed: 2, vex.StatusNotAffected: 3}

// decide finds the VEX statement for a finding: the statements naming one of
// its ids and the product version (or the component), narrowed by their
// versions; the newest wins, and among equally new ones the most conservative.
// A not_affected statement without a justification does not count.
func decide(docs []evidence.VEXDocument, ids []string, p product, comp evidence.Package) vexDecision {
	idset := map[string]bool{}
	for _, id := range ids {
		idset[id] = true
	}
	type cand struct {
		st     evidence.VEXStatement
		ts     time.Time
		source string
	}
	var cands []cand
	var d vexDecision
	for _, doc := range docs {
		for _, st := range doc.Statements {
			named := idset[st.Vulnerability]
			for _, a := range st.Aliases {
				named = named || idset[a]
			}
			if !named || !statementCovers(st, p, comp) {
				continue
			}
			if _, known := statusRank[st.Status]; !known {
				d.ignored = append(d.ignored, fmt.Sprintf("%s: %s status %q is not a VEX status", doc.Path, st.Vulnerability, st.SourceStatus))
				continue
			}
			if st.Status == vex.StatusNotAffected && st.Justification == "" {
				d.ignored = append(d.ignored, fmt.Sprintf("%s: %s not_affected without a justification does not count", doc.Path, st.Vulnerability))
				continue
			}
			ts, _ := time.Parse(time.RFC3339, st.Timestamp)
			cands = append(cands, cand{st, ts, doc.Path})
		}
	}
	if len(cands) == 0 {
		return d
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if !cands[i].ts.Equal(cands[j].ts) {
			return cands[i].ts.After(cands[j].ts)
		}
		return statusRank[cands[i].st.Status] < statusRank[cands[j].st.Status]
	})
	c := cands[0]
	d.status, d.justification, d.source = c.st.Status, c.st.Justification, c.source
	return d
}

// statementCovers reports whether a statement names the product version (or
// the component) among its products, within the versions it lists for it, and
// the component among its subcomponents when it lists any.
func statementCovers(st evidence.VEXStatement, p product, comp evidence.Package) bool {
	if len(st.Subcomponents) > 0 {
		ok := false
		for _, s := range st.Subcomponents {
			ok = ok || purlMatches(s, comp.PURL, comp.Version)
		}
		if !ok {
			return false
		}
	}
	for _, prod := range st.Products {
		var version, scheme string
		switch {
		case p.identifies(prod):
			version, scheme = p.version, ""
			if p.subject != nil && p.subject.PURL != "" {
				scheme = purlType(p.subject.PURL)
			}
		case purlMatches(prod, comp.PURL, comp.Version):
			version, scheme = comp.Version, comp.Ecosystem
		default:
			continue
		}
		if versionsCover(st.Versions, prod, version, scheme) {
			return true
		}
	}
	return false
}

// identifies reports whether a VEX product id names the surveilled product:
// its bom-ref, a BOM-Link to it (urn:cdx:SERIAL/VERSION#REF), or its purl.
func (p product) identifies(id string) bool {
	s := p.subject
	if s == nil {
		return false
	}
	if s.Ref != "" && id == s.Ref {
		return true
	}
	if rest, ok := strings.CutPrefix(id, "urn:cdx:"); ok && s.Ref != "" && p.serial != "" {
		serial, ref, _ := strings.Cut(rest, "#")
		serial, _, _ = strings.Cut(serial, "/")
		return ref == s.Ref && serial == strings.TrimPrefix(p.serial, "urn:uuid:")
	}
	return s.PURL != "" && purlMatches(id, s.PURL, p.version)
}

// purlMatches reports whether a VEX purl names the package of purl: same type,
// namespace and name, and the same version when the VEX purl has one.
func purlMatches(vexID, purl, version string) bool {
	if purl == "" || !strings.HasPrefix(vexID, "pkg:") {
		return false
	}
	a, err1 := packageurl.FromString(vexID)
	b, err2 := packageurl.FromString(purl)
	if err1 != nil || err2 != nil {
		return false
	}
	if a.Type != b.Type || !strings.EqualFold(a.Namespace, b.Namespace) || !strings.EqualFold(a.Name, b.Name) {
		return false
	}
	return a.Version == "" || a.Version == version || a.Version == b.Version
}

func purlType(purl string) string {
	p, err := packageurl.FromString(purl)
	if err != nil {
		return ""
	}
	return p.Type
}

// versionsCover reports whether the statement's versions for prod include v;
// a statement that lists no versions for prod covers it as identified.
func versionsCover(vs []evidence.VEXVersion, prod, v, scheme string) bool {
	listed := false
	for _, x := range vs {
		if x.Product != prod {
			continue
		}
		listed = true
		if x.Version != "" && x.Version == v {
			return true
		}
		if x.Range != "" && v != "" && inVers(x.Range, v, scheme) {
			return true
		}
	}
	return !listed
}

// inVers evaluates a vers range ("vers:generic/>=2.9|<=4.1") per the vers
// specification: equalities, and the intervals between consecutive
// constraints. A range that cannot be read covers nothing.
func inVers(rng, v, scheme string) bool {
	rest, ok := strings.CutPrefix(rng, "vers:")
	if !ok {
		return false
	}
	vscheme, cons, ok := strings.Cut(rest, "/")
	if !ok {
		return false
	}
	eco := Ecosystems[vscheme]
	if eco == "" {
		eco = Ecosystems[scheme]
	}
	parse := func(s string) (semantic.Version, error) {
		if eco == "" {
			return semantic.ParseSemverVersion(s), nil
		}
		return semantic.Parse(s, eco)
	}
	target, err := parse(v)
	if err != nil {
		return false
	}
	if cons == "*" {
		return true
	}
	type con struct {
		op  string
		cmp int // sign of (v − constraint)
	}
	var list []con
	for _, c := range strings.Split(cons, "|") {
		c = strings.TrimSpace(c)
		op := ""
		for _, o := range []string{">=", "<=", "!=", ">", "<", "="} {
			if strings.HasPrefix(c, o) {
				op, c = o, c[len(o):]
				break
			}
		}
		if op == "" {
			op = "="
		}
		cmp, err := target.CompareStr(c)
		if err != nil {
			return false
		}
		list = append(list, con{op, cmp})
	}
	for _, c := range list {
		switch {
		case c.op == "!=" && c.cmp == 0:
			return false
		case (c.op == "=" || c.op == ">=" || c.op == "<=") && c.cmp == 0:
			return true
		}
	}
	var rangeCons []con
	for _, c := range list {
		if c.op != "=" && c.op != "!=" {
			rangeCons = append(rangeCons, c)
		}
	}
	// Constraints in a vers range are sorted by version; v lies between a lower
	// bound (> or >=) and the next upper bound (< or <=), or below a leading
	// upper bound, or above a trailing lower bound.
	for i, c := range rangeCons {
		lower := c.op == ">" || c.op == ">="
		if !lower {
			if i == 0 && c.cmp < 0 {
				return true
			}
			continue
		}
		if c.cmp <= 0 {
			continue
		}
		if i == len(rangeCons)-1 {
			return true
		}
		next := rangeCons[i+1]
		if (next.op == "<" || next.op == "<=") && next.cmp < 0 {
			return true
		}
	}
	return false
}
