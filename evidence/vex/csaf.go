package vex

import (
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// csafDocument is the part of a CSAF 2.0 VEX document that statements need.
type csafDocument struct {
	Document struct {
		Tracking struct {
			CurrentReleaseDate string `json:"current_release_date"`
			InitialReleaseDate string `json:"initial_release_date"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree     *csafProductTree    `json:"product_tree"`
	Vulnerabilities []csafVulnerability `json:"vulnerabilities"`
}

type csafProductTree struct {
	Branches         []csafBranch  `json:"branches"`
	FullProductNames []csafProduct `json:"full_product_names"`
	Relationships    []struct {
		FullProductName csafProduct `json:"full_product_name"`
	} `json:"relationships"`
	ProductGroups []struct {
		GroupID    string   `json:"group_id"`
		ProductIDs []string `json:"product_ids"`
	} `json:"product_groups"`
}

type csafBranch struct {
	Branches []csafBranch `json:"branches"`
	Product  *csafProduct `json:"product"`
}

type csafProduct struct {
	ProductID string `json:"product_id"`
	Helper    *struct {
		PURL string `json:"purl"`
		// PURLs is CSAF 2.1's list form of purl.
		PURLs []string `json:"purls"`
	} `json:"product_identification_helper"`
}

type csafVulnerability struct {
	CVE string `json:"cve"`
	IDs []struct {
		Text string `json:"text"`
	} `json:"ids"`
	ProductStatus *csafProductStatus `json:"product_status"`
	Flags         []csafProductNote  `json:"flags"`
	Threats       []csafProductNote  `json:"threats"`
	Remediations  []csafProductNote  `json:"remediations"`
}

// csafProductStatus lists product ids by status group. "recommended" is not a
// status and is not read.
type csafProductStatus struct {
	KnownNotAffected   []string `json:"known_not_affected"`
	KnownAffected      []string `json:"known_affected"`
	FirstAffected      []string `json:"first_affected"`
	LastAffected       []string `json:"last_affected"`
	Fixed              []string `json:"fixed"`
	FirstFixed         []string `json:"first_fixed"`
	UnderInvestigation []string `json:"under_investigation"`
}

// csafProductNote is a flag, threat or remediation: something said of some products.
type csafProductNote struct {
	Label      string   `json:"label"`
	Category   string   `json:"category"`
	Details    string   `json:"details"`
	ProductIDs []string `json:"product_ids"`
	GroupIDs   []string `json:"group_ids"`
}

func parseCSAF(f *source.File) (evidence.VEXDocument, error) {
	var d csafDocument
	if err := f.DecodeJSON(&d); err != nil {
		return evidence.VEXDocument{}, err
	}
	tracking := d.Document.Tracking
	if err := checkTime(f, tracking.CurrentReleaseDate, "document", "tracking", "current_release_date"); err != nil {
		return evidence.VEXDocument{}, err
	}
	if err := checkTime(f, tracking.InitialReleaseDate, "document", "tracking", "initial_release_date"); err != nil {
		return evidence.VEXDocument{}, err
	}
	timestamp := tracking.CurrentReleaseDate
	if timestamp == "" {
		timestamp = tracking.InitialReleaseDate
	}

	names := map[string]string{}
	groups := map[string][]string{}
	if t := d.ProductTree; t != nil {
		csafBranchProducts(names, t.Branches)
		for _, p := range t.FullProductNames {
			csafAddProduct(names, p)
		}
		for _, r := range t.Relationships {
			csafAddProduct(names, r.FullProductName)
		}
		for _, g := range t.ProductGroups {
			groups[g.GroupID] = append(groups[g.GroupID], g.ProductIDs...)
		}
	}
	product := func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return id
	}

	doc := evidence.VEXDocument{
		FileRef:    f.Ref(MediaTypeCSAF),
		Format:     FormatCSAF,
		Statements: []evidence.VEXStatement{},
	}
	budget := 0
	for i, v := range d.Vulnerabilities {
		id := v.CVE
		var aliases []string
		for _, x := range v.IDs {
			if id == "" {
				id = x.Text
			}
			aliases = append(aliases, x.Text)
		}
		if strings.TrimSpace(id) == "" {
			return evidence.VEXDocument{}, f.ErrorAt(source.ValueOffset(f.Data, "vulnerabilities", i),
				"vulnerabilities[%d]: expected cve or ids[].text naming the vulnerability, found none", i)
		}
		if v.CVE != "" && v.CVE != id {
			aliases = append(aliases, v.CVE)
		}
		ps := v.ProductStatus
		if ps == nil {
			continue
		}
		flags, ok1 := csafNotesByProduct(v.Flags, groups, "", func(n csafProductNote) string { return n.Label }, &budget)
		impacts, ok2 := csafNotesByProduct(v.Threats, groups, "impact", func(n csafProductNote) string { return n.Details }, &budget)
		actions, ok3 := csafNotesByProduct(v.Remediations, groups, "", func(n csafProductNote) string { return n.Details }, &budget)
		if !ok1 || !ok2 || !ok3 {
			return evidence.VEXDocument{}, f.ErrorAt(source.ValueOffset(f.Data, "vulnerabilities", i),
				"vulnerabilities[%d]: flags, threats and remediations name more than %d products through product groups: refusing the document", i, maxCSAFAssignments)
		}
		for _, g := range []struct {
			name, status string
			ids          []string
		}{
			{"known_not_affected", StatusNotAffected, ps.KnownNotAffected},
			{"known_affected", StatusAffected, ps.KnownAffected},
			{"first_affected", StatusAffected, ps.FirstAffected},
			{"last_affected", StatusAffected, ps.LastAffected},
			{"fixed", StatusFixed, ps.Fixed},
			{"first_fixed", StatusFixed, ps.FirstFixed},
			{"under_investigation", StatusUnderInvestigation, ps.UnderInvestigation},
		} {
			// One statement per status group, split when the group's products
			// carry different flags, impacts or remediations, so that no
			// statement claims a justification for a product that lacks it.
			type key struct{ label, impact, action string }
			var order []key
			byKey := map[key]*evidence.VEXStatement{}
			for _, pid := range g.ids {
				k := key{action: strings.Join(actions[pid], "\n")}
				if g.status == StatusNotAffected {
					k.label = first(flags[pid])
					k.impact = strings.Join(impacts[pid], "\n")
				} else if g.status == StatusAffected {
					k.impact = strings.Join(impacts[pid], "\n")
				}
				s := byKey[k]
				if s == nil {
					s = &evidence.VEXStatement{
						Vulnerability:       id,
						Aliases:             aliases,
						Status:              g.status,
						Justification:       justificationFor(g.status, k.label),
						SourceStatus:        g.name,
						SourceJustification: k.label,
						Impact:              k.impact,
						Action:              k.action,
						Timestamp:           timestamp,
					}
					byKey[k] = s
					order = append(order, k)
				}
				s.Products = append(s.Products, product(pid))
			}
			for _, k := range order {
				doc.Statements = append(doc.Statements, *byKey[k])
			}
		}
	}
	return finish(doc), nil
}

// maxCSAFAssignments bounds the (product, note) pairs that flags, threats and
// remediations expand to through product groups, so that a small hostile file
// cannot demand hours of work.
const maxCSAFAssignments = 1 << 22

// csafNotesByProduct maps each product id to the values of the notes (of the
// category, when one is given) that name it directly or through a product group.
// budget counts the pairs made, across calls; it reports false when they exceed
// maxCSAFAssignments.
func csafNotesByProduct(notes []csafProductNote, groups map[string][]string, category string, value func(csafProductNote) string, budget *int) (map[string][]string, bool) {
	out := map[string][]string{}
	seen := map[[2]string]bool{}
	add := func(id, val string) bool {
		*budget++
		if *budget > maxCSAFAssignments {
			return false
		}
		if k := [2]string{id, val}; !seen[k] {
			seen[k] = true
			out[id] = append(out[id], val)
		}
		return true
	}
	for _, n := range notes {
		if category != "" && n.Category != category {
			continue
		}
		val := value(n)
		if val == "" {
			continue
		}
		for _, id := range n.ProductIDs {
			if !add(id, val) {
				return nil, false
			}
		}
		for _, g := range sortedSet(n.GroupIDs, "") {
			for _, id := range groups[g] {
				if !add(id, val) {
					return nil, false
				}
			}
		}
	}
	return out, true
}

func csafBranchProducts(names map[string]string, branches []csafBranch) {
	for _, b := range branches {
		if b.Product != nil {
			csafAddProduct(names, *b.Product)
		}
		csafBranchProducts(names, b.Branches)
	}
}

// csafAddProduct maps a product id to its purl, when the product states one.
func csafAddProduct(names map[string]string, p csafProduct) {
	if p.ProductID == "" || p.Helper == nil || names[p.ProductID] != "" {
		return
	}
	purl := p.Helper.PURL
	if purl == "" && len(p.Helper.PURLs) > 0 {
		purl = p.Helper.PURLs[0]
	}
	if purl != "" {
		names[p.ProductID] = purl
	}
}
