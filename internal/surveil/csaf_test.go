package surveil_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
)

// checkCSAF checks a draft against the CSAF 2.0 schema's required properties
// and the csaf_security_advisory profile (section 4.3): document notes of a
// summary-like category, a self reference, a product tree, vulnerabilities
// with notes, product_status, remediations and threats; every product id
// referenced is defined in the product tree; tracking status draft with
// version 0 and a matching revision history.
func checkCSAF(t *testing.T, data []byte) {
	t.Helper()
	type product struct {
		ProductID string `json:"product_id"`
		Name      string `json:"name"`
		Helper    struct {
			PURL string `json:"purl"`
		} `json:"product_identification_helper"`
	}
	type branch struct {
		Category string   `json:"category"`
		Name     string   `json:"name"`
		Product  *product `json:"product"`
		Branches []branch `json:"branches"`
	}
	var doc struct {
		Document struct {
			Category    string `json:"category"`
			CSAFVersion string `json:"csaf_version"`
			Title       string `json:"title"`
			Publisher   struct {
				Category, Name, Namespace string
			} `json:"publisher"`
			Notes []struct {
				Category, Text string
			} `json:"notes"`
			References []struct {
				Category, URL string
			} `json:"references"`
			Tracking struct {
				ID                 string `json:"id"`
				Status             string `json:"status"`
				Version            string `json:"version"`
				InitialReleaseDate string `json:"initial_release_date"`
				CurrentReleaseDate string `json:"current_release_date"`
				RevisionHistory    []struct {
					Date, Number, Summary string
				} `json:"revision_history"`
			} `json:"tracking"`
		} `json:"document"`
		ProductTree struct {
			Branches      []branch `json:"branches"`
			Relationships []struct {
				Category                  string  `json:"category"`
				ProductReference          string  `json:"product_reference"`
				RelatesToProductReference string  `json:"relates_to_product_reference"`
				FullProductName           product `json:"full_product_name"`
			} `json:"relationships"`
		} `json:"product_tree"`
		Vulnerabilities []struct {
			CVE string `json:"cve"`
			IDs []struct {
				SystemName string `json:"system_name"`
				Text       string `json:"text"`
			} `json:"ids"`
			Notes         []struct{ Category, Text string } `json:"notes"`
			ProductStatus struct {
				KnownAffected []string `json:"known_affected"`
			} `json:"product_status"`
			Remediations []struct {
				Category   string   `json:"category"`
				Details    string   `json:"details"`
				ProductIDs []string `json:"product_ids"`
			} `json:"remediations"`
			Threats []struct {
				Category   string   `json:"category"`
				Details    string   `json:"details"`
				ProductIDs []string `json:"product_ids"`
			} `json:"threats"`
		} `json:"vulnerabilities"`
	}
	dec := json.NewDecoder(bytesReader(data))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("draft is not JSON: %v", err)
	}
	d := doc.Document
	if d.Category != "csaf_security_advisory" || d.CSAFVersion != "2.0" || d.Title == "" {
		t.Errorf("document: category %q version %q title %q", d.Category, d.CSAFVersion, d.Title)
	}
	if d.Publisher.Category != "vendor" || d.Publisher.Name == "" || d.Publisher.Namespace == "" {
		t.Errorf("publisher %+v", d.Publisher)
	}
	hasSummary := false
	for _, n := range d.Notes {
		switch n.Category {
		case "description", "details", "general", "summary":
			hasSummary = hasSummary || n.Text != ""
		}
	}
	if !hasSummary {
		t.Error("document.notes: no description, details, general or summary note")
	}
	if len(d.References) == 0 || d.References[0].Category != "self" {
		t.Errorf("references %+v: the profile needs a self reference", d.References)
	}
	rfc3339 := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
	tr := d.Tracking
	if tr.Status != "draft" || tr.Version != "0" || tr.ID == "" || !rfc3339.MatchString(tr.InitialReleaseDate) || !rfc3339.MatchString(tr.CurrentReleaseDate) {
		t.Errorf("tracking %+v", tr)
	}
	if n := len(tr.RevisionHistory); n == 0 || tr.RevisionHistory[n-1].Number != tr.Version {
		t.Errorf("revision history %+v does not end at version %s", tr.RevisionHistory, tr.Version)
	}
	defined := map[string]string{}
	var walk func([]branch)
	walk = func(bs []branch) {
		for _, b := range bs {
			if b.Category == "" || b.Name == "" {
				t.Errorf("branch without category or name: %+v", b)
			}
			if b.Product != nil {
				defined[b.Product.ProductID] = b.Product.Helper.PURL
			}
			walk(b.Branches)
		}
	}
	walk(doc.ProductTree.Branches)
	purls := 0
	for _, purl := range defined {
		if purl != "" {
			purls++
		}
	}
	if purls == 0 {
		t.Error("product tree identifies no product by purl")
	}
	for _, r := range doc.ProductTree.Relationships {
		_, a := defined[r.ProductReference]
		_, b := defined[r.RelatesToProductReference]
		if !a || !b || r.Category != "default_component_of" || r.FullProductName.ProductID == "" {
			t.Errorf("relationship %+v", r)
		}
		defined[r.FullProductName.ProductID] = ""
	}
	if len(doc.Vulnerabilities) != 1 {
		t.Fatalf("%d vulnerabilities", len(doc.Vulnerabilities))
	}
	v := doc.Vulnerabilities[0]
	if !regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`).MatchString(v.CVE) || len(v.IDs) == 0 || len(v.Notes) == 0 {
		t.Errorf("vulnerability cve %q ids %+v notes %d", v.CVE, v.IDs, len(v.Notes))
	}
	if len(v.ProductStatus.KnownAffected) == 0 || len(v.Remediations) == 0 || len(v.Threats) == 0 {
		t.Errorf("vulnerability: product_status %+v remediations %d threats %d", v.ProductStatus, len(v.Remediations), len(v.Threats))
	}
	refs := append([]string{}, v.ProductStatus.KnownAffected...)
	for _, r := range v.Remediations {
		refs = append(refs, r.ProductIDs...)
		if r.Category != "vendor_fix" && r.Category != "mitigation" || r.Details == "" {
			t.Errorf("remediation %+v", r)
		}
	}
	for _, th := range v.Threats {
		refs = append(refs, th.ProductIDs...)
	}
	for _, id := range refs {
		if _, ok := defined[id]; !ok {
			t.Errorf("product id %s is referenced but not defined in the product tree", id)
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
