package vex_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

const (
	// The products of use cases 7 and 8 live in other BOMs, referred to by BOM-Link.
	abc = "urn:cdx:cbb2cd68-2857-43b8-a10b-e8c03d277d18/1#product-ABC"
	jkl = "urn:cdx:e4c3eedc-4978-470c-ad02-6ffff63738ff/1#product-JKL"

	log4shell = "CVE-2021-44228"
	log4j2    = "CVE-2021-45105"

	abcAffected    = abc + "@2.4," + abc + "@2.6," + abc + "@vers:generic/>=2.9|<=4.1"
	abcNotAffected = abc + "@vers:generic/>=1.0|<=2.3," + abc + "@2.5," + abc + "@vers:generic/>=2.7|<=2.8," + abc + "@4.2"
)

// ripple20 returns the Ripple20 CVEs of the given numbers, CVE-2020-11896 and on.
func ripple20(numbers ...int) []string {
	var out []string
	for _, n := range numbers {
		out = append(out, "CVE-2020-"+strconv.Itoa(11800+n))
	}
	return out
}

// TestCISAUseCases parses every CycloneDX VEX file of the CISA use cases and
// asserts the statements each Case-N_README.md describes. The BOMs of cases 7
// and 8 (Case-N_bom-*.json) hold no vulnerabilities: they parse as VEX
// documents with no statements (see the package documentation).
func TestCISAUseCases(t *testing.T) {
	dir := realworld.Path(t, "vex/cisa-use-cases")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 15 {
		t.Errorf("found %d JSON files in %s, want 15", len(files), dir)
	}

	// Case 2: ABC 4.2 is not affected by any of the 19 Ripple20 vulnerabilities.
	var case2 []string
	for _, id := range ripple20(96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114) {
		case2 = append(case2, id+" not_affected product-ABC")
	}
	// Case 3: GHI 17.4, four statuses.
	status3 := map[string]string{}
	for _, id := range ripple20(97, 102, 99, 105, 106, 113) {
		status3[id] = "not_affected"
	}
	for _, id := range ripple20(98, 107, 109, 110, 111) {
		status3[id] = "affected"
	}
	for _, id := range ripple20(96, 100, 104, 103, 108) {
		status3[id] = "under_investigation"
	}
	for _, id := range ripple20(101, 112, 114) {
		status3[id] = "fixed"
	}
	var case3 []string
	for _, id := range ripple20(96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114) {
		case3 = append(case3, id+" "+status3[id]+" product-GHI")
	}

	want := map[string][]string{
		"Case-1_vex-affected.json":            {log4shell + " affected product-DEF"},
		"Case-1_vex-fixed.json":               {log4shell + " fixed product-DEF"},
		"Case-1_vex-not_affected.json":        {log4shell + " not_affected product-ABC"},
		"Case-1_vex-under_investigation.json": {log4shell + " under_investigation product-GHI"},
		"Case-2_vex.json":                     case2,
		"Case-3_vex.json":                     case3,
		// Case 4: ABC 2.4, 2.6 and 2.9 to 4.1 are affected.
		"Case-4_vex.json": {log4shell + " affected product-ABC versions=product-ABC@2.4,product-ABC@2.6,product-ABC@vers:generic/>=2.9|<=4.1"},
		// Case 5: all versions of XYZ under investigation.
		"Case-5_vex.json": {log4shell + " under_investigation product-XYZ"},
		// Case 6: affected as case 4; not affected 1.0 to 2.3, 2.5, 2.7 to 2.8
		// (and 4.2, which the file adds to what the README lists).
		"Case-6_vex.json": {
			log4shell + " affected product-ABC versions=product-ABC@2.4,product-ABC@2.6,product-ABC@vers:generic/>=2.9|<=4.1",
			log4shell + " not_affected product-ABC versions=product-ABC@vers:generic/>=1.0|<=2.3,product-ABC@2.5,product-ABC@vers:generic/>=2.7|<=2.8,product-ABC@4.2",
		},
		// Case 7: ABC as in case 6; JKL affected 4.5 to 5.0, not affected 1.0 to 4.4, fixed in 5.1.
		"Case-7_bom-1.json": {},
		"Case-7_bom-2.json": {},
		"Case-7_vex.json": {
			log4shell + " affected " + abc + "," + jkl + " versions=" + abcAffected + "," + jkl + "@vers:generic/>=4.5|<=5.0",
			log4shell + " fixed " + jkl + " versions=" + jkl + "@5.1",
			log4shell + " not_affected " + abc + " versions=" + abcNotAffected,
			log4shell + " not_affected " + jkl + " versions=" + jkl + "@vers:generic/>=1.0|<=4.4",
		},
		// Case 8: as case 7 for CVE-2021-44228 (fixed in 5.1 and 5.2); CVE-2021-45105
		// affects the same versions and JKL 5.1 too, and is fixed in JKL 5.2.
		"Case-8_bom-1.json": {},
		"Case-8_bom-2.json": {},
		"Case-8_vex.json": {
			log4shell + " affected " + abc + "," + jkl + " versions=" + abcAffected + "," + jkl + "@vers:generic/>=4.5|<=5.0",
			log4shell + " fixed " + jkl + " versions=" + jkl + "@5.1," + jkl + "@5.2",
			log4shell + " not_affected " + abc + " versions=" + abcNotAffected,
			log4shell + " not_affected " + jkl + " versions=" + jkl + "@vers:generic/>=1.0|<=4.4",
			log4j2 + " affected " + abc + "," + jkl + " versions=" + abcAffected + "," + jkl + "@vers:generic/>=4.5|<=5.0," + jkl + "@5.1",
			log4j2 + " fixed " + jkl + " versions=" + jkl + "@5.2",
			log4j2 + " not_affected " + abc + "," + jkl + " versions=" + abcNotAffected + "," + jkl + "@vers:generic/>=1.0|<=4.4," + jkl + "@5.2",
			log4j2 + " not_affected " + jkl + " versions=" + jkl + "@vers:generic/>=1.0|<=4.4",
		},
	}
	if len(want) != len(files) {
		t.Errorf("%d expectations for %d files", len(want), len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			doc := parseFile(t, path)
			if doc.Format != "cyclonedx" || doc.MediaType != "application/vnd.cyclonedx+json" {
				t.Errorf("format %q media type %q", doc.Format, doc.MediaType)
			}
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			if w == nil {
				w = []string{}
			}
			assertSummaries(t, doc, w)
		})
	}

	// Field-level checks on a few statements.
	doc := parseFile(t, filepath.Join(dir, "Case-1_vex-not_affected.json"))
	assertStatement(t, doc.Statements[0], evidence.VEXStatement{
		Vulnerability: log4shell, Status: "not_affected", Justification: "vulnerable_code_not_present",
		SourceStatus: "not_affected", SourceJustification: "code_not_present",
		Impact:    "This version of Product ABC is not affected by the vulnerability. Class with vulnerable code was removed before shipping.",
		Action:    "will_not_fix",
		Timestamp: "2022-03-03T00:00:00Z",
	})
	doc = parseFile(t, filepath.Join(dir, "Case-1_vex-affected.json"))
	assertStatement(t, doc.Statements[0], evidence.VEXStatement{
		Vulnerability: log4shell, Status: "affected", SourceStatus: "exploitable",
		Impact:    "This version of Product DEF is affected by the vulnerability. Customers are advised to upgrade to the latest release.",
		Action:    "will_not_fix, update",
		Timestamp: "2022-03-03T00:00:00Z",
	})
	doc = parseFile(t, filepath.Join(dir, "Case-2_vex.json"))
	for _, s := range doc.Statements {
		if s.Justification != "vulnerable_code_not_in_execute_path" || s.SourceJustification != "code_not_reachable" {
			t.Errorf("case 2 %s: justification %q (source %q)", s.Vulnerability, s.Justification, s.SourceJustification)
		}
	}
	doc = parseFile(t, filepath.Join(dir, "Case-8_vex.json"))
	if s := doc.Statements[0]; s.Timestamp != "" || s.Versions[0].Status != "affected" {
		t.Errorf("case 8: timestamp %q (the document has none), version status %q", s.Timestamp, s.Versions[0].Status)
	}
	if v := doc.Statements[1].Versions; len(v) != 2 || v[0].Status != "" {
		t.Errorf("case 8 fixed versions = %+v, want 5.1 and 5.2 without a status", v)
	}
}

// TestRealWorldSBOMs checks that CycloneDX SBOMs of real products, which hold no
// vulnerabilities, parse as VEX documents with no statements, in JSON and XML.
func TestRealWorldSBOMs(t *testing.T) {
	for _, rel := range []string{"sbom/cyclonedx/keycloak-10.0.2_bom.xml", "sbom/cyclonedx/keycloak-10.0.2_bom.json", "sbom/cyclonedx/laravel-7.12.0_bom.1.4.json"} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			doc := parseFile(t, realworld.Path(t, rel))
			if doc.Format != "cyclonedx" || len(doc.Statements) != 0 {
				t.Errorf("format %q, %d statements", doc.Format, len(doc.Statements))
			}
		})
	}
}
