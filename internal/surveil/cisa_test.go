package surveil_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/mdrgate/mdrgate/internal/realworld"
	"github.com/mdrgate/mdrgate/internal/surveil"
)

// The serial numbers of the BOMs of CISA use cases 7 and 8, which their VEX
// names products by (BOM-Link).
const (
	serialABC = "urn:uuid:cbb2cd68-2857-43b8-a10b-e8c03d277d18"
	serialJKL = "urn:uuid:e4c3eedc-4978-470c-ad02-6ffff63738ff"
	log4shell = "CVE-2021-44228"
	log4j2    = "CVE-2021-45105"
)

// TestCISAUseCases surveils products ABC, DEF, GHI, JKL and XYZ at the versions
// each CISA VEX use case talks about, with log4j-core 2.14.1 (Log4Shell) and a
// stand-in for the Treck TCP/IP stack (Ripple20, planted in npm), and applies
// the use case's VEX: each finding ends in the state its README describes
// (open under affected or under_investigation, resolved under fixed or a
// justified not_affected, untouched where the VEX says nothing of a version).
func TestCISAUseCases(t *testing.T) {
	dir := t.TempDir()
	cases := realworld.Path(t, "vex/cisa-use-cases")
	var recs []rec
	recs = append(recs,
		rec{id: "GHSA-jfh8-c2jp-5v3q", aliases: []string{log4shell}, eco: "Maven", name: "org.apache.logging.log4j:log4j-core", events: ev("introduced", "2.0-beta9", "fixed", "2.15.0"), cvss: critical},
		rec{id: "GHSA-p6xc-xr62-6r2g", aliases: []string{log4j2}, eco: "Maven", name: "org.apache.logging.log4j:log4j-core", events: ev("introduced", "2.0-alpha1", "fixed", "2.17.0"), severity: "HIGH"},
	)
	for n := 11896; n <= 11914; n++ {
		recs = append(recs, rec{id: fmt.Sprintf("CVE-2020-%d", n), eco: "npm", name: "treck-tcpip-standin", events: ev("introduced", "0", "fixed", "6.0.1.67"), severity: "HIGH"})
	}
	osv := writeZip(t, filepath.Join(dir, "all.zip"), recs)
	pol := policy(t, dir, 30, 60, 90, 180)
	const log4j = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"
	const treck = "pkg:npm/treck-tcpip-standin@6.0.1.66"

	// outcome is "STATUS STATE" of a finding, e.g. "affected known", "not_affected resolved", " new".
	run := func(t *testing.T, vexFile string, sboms ...string) map[string]string {
		t.Helper()
		res, err := surveil.Run(surveil.Options{SBOMs: sboms, OSV: []string{osv}, VEX: []string{filepath.Join(cases, vexFile)}, UpdatePolicy: pol, State: filepath.Join(t.TempDir(), "state.json"), At: runAt})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, v := range res.Surveillance.Versions {
			for _, f := range v.Findings {
				out[v.Version+" "+f.ID] = f.VEXStatus + " " + f.State
			}
		}
		return out
	}
	sbom := func(serial, ref, name, version string, purls ...string) string {
		return cdx(t, t.TempDir(), serial, ref, name, version, purls...)
	}
	check := func(t *testing.T, got, want map[string]string) {
		t.Helper()
		keys := make([]string, 0, len(want))
		for k := range want {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if got[k] != want[k] {
				t.Errorf("%s: got %q, want %q", k, got[k], want[k])
			}
		}
	}

	t.Run("Case-1", func(t *testing.T) {
		// One VEX file per product version, one status each.
		for _, tc := range []struct{ file, ref, name, version, want string }{
			{"Case-1_vex-not_affected.json", "product-ABC", "ABC", "4.2", "not_affected resolved"},
			{"Case-1_vex-affected.json", "product-DEF", "DEF", "1.0", "affected new"},
			{"Case-1_vex-fixed.json", "product-DEF", "DEF", "1.1", "fixed resolved"},
			{"Case-1_vex-under_investigation.json", "product-GHI", "GHI", "1.0", "under_investigation new"},
		} {
			got := run(t, tc.file, sbom("", tc.ref, tc.name, tc.version, log4j))
			check(t, got, map[string]string{tc.version + " " + log4shell: tc.want})
		}
	})
	t.Run("Case-2", func(t *testing.T) {
		// ABC 4.2 is not affected by any of the 19 Ripple20 vulnerabilities.
		got := run(t, "Case-2_vex.json", sbom("", "product-ABC", "ABC", "4.2", treck))
		want := map[string]string{}
		for n := 11896; n <= 11914; n++ {
			want[fmt.Sprintf("4.2 CVE-2020-%d", n)] = "not_affected resolved"
		}
		check(t, got, want)
		if len(got) != 19 {
			t.Errorf("%d findings, want 19", len(got))
		}
	})
	t.Run("Case-3", func(t *testing.T) {
		// GHI 17.4: six not affected, five affected, five under investigation, three fixed.
		got := run(t, "Case-3_vex.json", sbom("", "product-GHI", "GHI", "17.4", treck))
		want := map[string]string{}
		for _, n := range []int{11897, 11902, 11899, 11905, 11906, 11913} {
			want[fmt.Sprintf("17.4 CVE-2020-%d", n)] = "not_affected resolved"
		}
		for _, n := range []int{11898, 11907, 11909, 11910, 11911} {
			want[fmt.Sprintf("17.4 CVE-2020-%d", n)] = "affected new"
		}
		for _, n := range []int{11896, 11900, 11904, 11903, 11908} {
			want[fmt.Sprintf("17.4 CVE-2020-%d", n)] = "under_investigation new"
		}
		for _, n := range []int{11901, 11912, 11914} {
			want[fmt.Sprintf("17.4 CVE-2020-%d", n)] = "fixed resolved"
		}
		check(t, got, want)
	})
	abc := func(serial string, versions ...string) []string {
		var out []string
		for _, v := range versions {
			out = append(out, sbom(serial, "product-ABC", "ABC", v, log4j))
		}
		return out
	}
	t.Run("Case-4", func(t *testing.T) {
		// Affected: 2.4, 2.6 and 2.9 through 4.1; the VEX says nothing of the others.
		got := run(t, "Case-4_vex.json", abc("", "2.4", "2.5", "2.6", "2.9", "3.7", "4.1", "4.2")...)
		check(t, got, map[string]string{
			"2.4 " + log4shell: "affected new", "2.6 " + log4shell: "affected new", "2.9 " + log4shell: "affected new",
			"3.7 " + log4shell: "affected new", "4.1 " + log4shell: "affected new",
			"2.5 " + log4shell: " new", "4.2 " + log4shell: " new",
		})
	})
	t.Run("Case-5", func(t *testing.T) {
		// All versions of XYZ are under investigation: the SLA clock keeps running.
		got := run(t, "Case-5_vex.json", sbom("", "product-XYZ", "XYZ", "1.0", log4j), sbom("", "product-XYZ", "XYZ", "7.3", log4j))
		check(t, got, map[string]string{"1.0 " + log4shell: "under_investigation new", "7.3 " + log4shell: "under_investigation new"})
	})
	abcCase6 := map[string]string{
		"1.0 " + log4shell: "not_affected resolved", "2.3 " + log4shell: "not_affected resolved",
		"2.4 " + log4shell: "affected new", "2.5 " + log4shell: "not_affected resolved", "2.6 " + log4shell: "affected new",
		"2.7 " + log4shell: "not_affected resolved", "2.8 " + log4shell: "not_affected resolved",
		"2.9 " + log4shell: "affected new", "4.1 " + log4shell: "affected new",
	}
	abcVersions := []string{"1.0", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "4.1"}
	t.Run("Case-6", func(t *testing.T) {
		check(t, run(t, "Case-6_vex.json", abc("", abcVersions...)...), abcCase6)
	})
	jkl := func(versions ...string) []string {
		var out []string
		for _, v := range versions {
			out = append(out, sbom(serialJKL, "product-JKL", "JKL", v, log4j))
		}
		return out
	}
	t.Run("Case-7", func(t *testing.T) {
		// Products named by BOM-Link: ABC as in case 6; JKL affected 4.5 to 5.0,
		// not affected 1.0 to 4.4, fixed in 5.1. The JKL versions are numbered
		// apart from ABC's so that one run holds both products.
		sboms := append(abc(serialABC, abcVersions...), jkl("1.1", "4.4", "4.5", "5.0", "5.1")...)
		want := map[string]string{
			"1.1 " + log4shell: "not_affected resolved", "4.4 " + log4shell: "not_affected resolved",
			"4.5 " + log4shell: "affected new", "5.0 " + log4shell: "affected new", "5.1 " + log4shell: "fixed resolved",
		}
		for k, v := range abcCase6 {
			want[k] = v
		}
		check(t, run(t, "Case-7_vex.json", sboms...), want)
		// A BOM-Link of another BOM (serial) does not name this product.
		other := run(t, "Case-7_vex.json", sbom("urn:uuid:00000000-0000-0000-0000-000000000000", "product-JKL", "JKL", "4.5", log4j))
		check(t, other, map[string]string{"4.5 " + log4shell: " new"})
	})
	t.Run("Case-8", func(t *testing.T) {
		// CVE-2021-45105 affects JKL 5.1 too and is fixed in 5.2.
		got := run(t, "Case-8_vex.json", jkl("4.4", "4.5", "5.1", "5.2")...)
		check(t, got, map[string]string{
			"4.4 " + log4shell: "not_affected resolved", "4.4 " + log4j2: "not_affected resolved",
			"4.5 " + log4shell: "affected new", "4.5 " + log4j2: "affected new",
			"5.1 " + log4shell: "fixed resolved", "5.1 " + log4j2: "affected new",
			"5.2 " + log4shell: "fixed resolved", "5.2 " + log4j2: "fixed resolved",
		})
	})
	// Case 9 (product lines) has no VEX document: CycloneDX does not support it
	// (see Case-9_README.md), so there is nothing to apply.
}
