package surveil_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/realworld"
	"github.com/mdrgate/mdrgate/internal/surveil"
)

var runAt = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// spdxSBOM is a handmade SPDX 2.3 JSON SBOM of a Python/Go/Debian product.
func spdxSBOM(t *testing.T, dir string) string {
	pkg := func(id, name, version, purl string) map[string]any {
		return map[string]any{
			"SPDXID": id, "name": name, "versionInfo": version, "downloadLocation": "NOASSERTION",
			"externalRefs": []any{map[string]any{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl}},
		}
	}
	doc := map[string]any{
		"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
		"name": "gateway-3.1.0", "documentNamespace": "https://example.org/spdx/gateway-3.1.0",
		"creationInfo":      map[string]any{"created": "2026-01-01T00:00:00Z", "creators": []string{"Tool: handmade"}},
		"documentDescribes": []string{"SPDXRef-gateway"},
		"packages": []any{
			map[string]any{"SPDXID": "SPDXRef-gateway", "name": "gateway", "versionInfo": "3.1.0", "downloadLocation": "NOASSERTION"},
			pkg("SPDXRef-django", "Django", "3.2.0rc1", "pkg:pypi/django@3.2.0rc1"),
			pkg("SPDXRef-pyyaml", "PyYAML", "5.3.1", "pkg:pypi/PyYAML@5.3.1"),
			pkg("SPDXRef-requests", "requests", "1!1.0", "pkg:pypi/requests@1%211.0"),
			pkg("SPDXRef-urllib3", "urllib3", "2.0.0a3", "pkg:pypi/urllib3@2.0.0a3"),
			pkg("SPDXRef-xtext", "golang.org/x/text", "v0.3.5", "pkg:golang/golang.org/x/text@v0.3.5"),
			pkg("SPDXRef-gin", "github.com/gin-gonic/gin", "v1.9.0-rc.1", "pkg:golang/github.com/gin-gonic/gin@v1.9.0-rc.1"),
			pkg("SPDXRef-openssl", "openssl", "1.1.1n-0+deb11u3", "pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u3?arch=amd64&distro=debian-11"),
			pkg("SPDXRef-libxml2", "libxml2", "1:2.9.10+dfsg-6.7", "pkg:deb/debian/libxml2@1:2.9.10%2Bdfsg-6.7?arch=amd64&distro=debian-11"),
			pkg("SPDXRef-zlib", "zlib", "1:1.2.11.dfsg-2+deb11u2", "pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2%2Bdeb11u2?arch=amd64&distro=debian-11&upstream=zlib"),
		},
	}
	return writeJSON(t, filepath.Join(dir, "gateway-3.1.0.spdx.json"), doc)
}

// plantedRecords are OSV records, shaped like OSV.dev's, planted against real
// components of juice-shop (npm) and keycloak (Maven) and the handmade SBOMs;
// the comment on each says whether the SBOM's version is affected and why.
func plantedRecords() []rec {
	return []rec{
		// npm, juice-shop 11.1.2.
		{id: "GHSA-p6mc-m468-83gw", aliases: []string{"CVE-2020-8203"}, eco: "npm", name: "lodash", events: ev("introduced", "0", "fixed", "4.17.19"), severity: "HIGH"},                   // 4.17.19: fixed at that version, not affected
		{id: "GHSA-35jh-r3h4-6jhm", aliases: []string{"CVE-2021-23337"}, eco: "npm", name: "lodash", events: ev("introduced", "0", "fixed", "4.17.21"), severity: "HIGH"},                  // affected
		{id: "CVE-2021-23337", aliases: []string{"GHSA-35jh-r3h4-6jhm"}, eco: "npm", name: "lodash", events: ev("introduced", "0", "fixed", "4.17.21"), cvss: critical},                    // the same vulnerability: merged into one finding
		{id: "GHSA-29mw-wpgm-hmr9", aliases: []string{"CVE-2020-28500"}, eco: "npm", name: "lodash", events: ev("introduced", "0", "fixed", "4.17.21"), withdrawn: "2024-01-01T00:00:00Z"}, // withdrawn: ignored
		{id: "GHSA-c7hr-j4mj-j2w6", aliases: []string{"CVE-2015-9235"}, eco: "npm", name: "jsonwebtoken", events: ev("introduced", "0", "fixed", "4.2.2"), severity: "CRITICAL"},           // 0.1.0 affected
		{id: "GHSA-rv95-896h-c2vc", eco: "npm", name: "express", events: ev("introduced", "4.0.0", "fixed", "5.0.0-alpha.1"), severity: "MODERATE"},                                        // 4.17.1 < 5.0.0-alpha.1: affected
		{id: "GHSA-0000-pre1-0001", eco: "npm", name: "express", rangeType: "SEMVER", events: ev("introduced", "0", "last_affected", "4.17.1-beta.1"), severity: "LOW"},                    // 4.17.1 > 4.17.1-beta.1: not affected
		// Maven, keycloak 10.0.2.
		{id: "GHSA-5949-rw7g-wx7w", aliases: []string{"CVE-2020-25649"}, eco: "Maven", name: "com.fasterxml.jackson.core:jackson-databind", events: ev("introduced", "2.10.0", "fixed", "2.10.5.1"), severity: "HIGH"}, // affected
		{id: "GHSA-2qrg-x229-3v8q", aliases: []string{"CVE-2019-17571"}, eco: "Maven", name: "log4j:log4j", events: ev("introduced", "1.2", "last_affected", "1.2.17"), cvss: critical},                                // last_affected equals: affected
		{id: "GHSA-mm9x-g8pc-w292", aliases: []string{"CVE-2020-11612"}, eco: "Maven", name: "io.netty:netty-codec", events: ev("introduced", "4.1.0", "fixed", "4.1.46.Final"), severity: "HIGH"},                     // 4.1.45.Final affected
		{id: "GHSA-0000-qual-0001", eco: "Maven", name: "io.netty:netty-handler", events: ev("introduced", "0", "fixed", "4.1.45"), severity: "HIGH"},                                                                  // 4.1.45.Final == 4.1.45: not affected
		{id: "GHSA-0000-mile-0001", eco: "Maven", name: "org.apache.directory.server:apacheds-core", events: ev("introduced", "0", "fixed", "2.0.0"), severity: "MODERATE"},                                            // 2.0.0-M24 < 2.0.0: affected
		{id: "GHSA-0000-mile-0002", eco: "Maven", name: "org.apache.directory.server:apacheds-core-annotations", events: ev("introduced", "0", "last_affected", "2.0.0-M23"), severity: "MODERATE"},                    // M24 > M23: not affected
		// PyPI.
		{id: "PYSEC-2021-98", aliases: []string{"CVE-2021-33203"}, eco: "PyPI", name: "django", events: ev("introduced", "3.2", "fixed", "3.2.4"), severity: "MODERATE"},      // 3.2.0rc1 < 3.2: not affected
		{id: "PYSEC-2021-142", aliases: []string{"CVE-2020-14343"}, eco: "PyPI", name: "pyyaml", events: ev("introduced", "0", "fixed", "5.4"), cvss: critical},               // PyYAML 5.3.1: affected
		{id: "PYSEC-2023-74", aliases: []string{"CVE-2023-32681"}, eco: "PyPI", name: "requests", events: ev("introduced", "2.3.0", "fixed", "2.31.0"), severity: "MODERATE"}, // 1!1.0 (epoch 1) > 2.31.0: not affected
		{id: "GHSA-0000-pypi-0001", eco: "PyPI", name: "urllib3", events: ev("introduced", "2.0.0a1", "fixed", "2.0.0"), severity: "MODERATE"},                                // 2.0.0a3: affected
		// Go.
		{id: "GO-2021-0113", aliases: []string{"CVE-2021-38561"}, eco: "Go", name: "golang.org/x/text", events: ev("introduced", "0", "fixed", "0.3.7"), severity: "HIGH"}, // v0.3.5: affected
		{id: "GO-0000-0001", eco: "Go", name: "github.com/gin-gonic/gin", events: ev("introduced", "1.9.0", "fixed", "1.9.1"), severity: "HIGH"},                           // v1.9.0-rc.1 < 1.9.0: not affected
		// Debian 11.
		{id: "DSA-5169-1", aliases: []string{"CVE-2022-2068"}, eco: "Debian:11", name: "openssl", events: ev("introduced", "0", "fixed", "1.1.1n-0+deb11u4"), severity: "CRITICAL"}, // affected
		{id: "DEBIAN-CVE-2022-2068", eco: "Debian:12", name: "openssl", events: ev("introduced", "0", "fixed", "3.0.9-1"), severity: "CRITICAL"},                                    // another release: not matched
		{id: "DEBIAN-CVE-2022-40303", eco: "Debian:11", name: "libxml2", events: ev("introduced", "0", "fixed", "2.9.14+dfsg-1.1"), severity: "HIGH"},                               // epoch 1: 1:2.9.10 > 2.9.14: not affected
		{id: "DEBIAN-CVE-2022-40304", eco: "Debian:11", name: "libxml2", events: ev("introduced", "0", "fixed", "1:2.9.14+dfsg-1.1"), severity: "HIGH"},                             // affected
		{id: "DEBIAN-CVE-2022-37434", eco: "Debian:11", name: "zlib", events: ev("introduced", "0", "fixed", "1:1.2.11.dfsg-2+deb11u2"), severity: "CRITICAL"},                      // source package zlib, fixed in this version: not affected
		// crates.io, RubyGems, NuGet, Packagist (the other handmade SBOM).
		{id: "RUSTSEC-2021-0003", aliases: []string{"CVE-2021-25900"}, eco: "crates.io", name: "smallvec", events: ev("introduced", "0.6.3", "fixed", "1.6.1"), cvss: critical}, // 1.6.0 affected
		{id: "GHSA-2qc6-mcvw-92cw", eco: "RubyGems", name: "nokogiri", events: ev("introduced", "0", "fixed", "1.13.10"), severity: "HIGH"},                                     // 1.13.10.rc1 < 1.13.10: affected
		{id: "GHSA-5crp-9r3c-p9vr", eco: "NuGet", name: "Newtonsoft.Json", events: ev("introduced", "0", "fixed", "13.0.1"), severity: "HIGH"},                                  // 12.0.3 affected (case-insensitive name)
		{id: "GHSA-q559-8m2m-g699", eco: "Packagist", name: "guzzlehttp/guzzle", events: ev("introduced", "7.0.0", "fixed", "7.4.5"), severity: "HIGH"},                         // 7.4.4 affected
		{id: "GHSA-0000-comp-0001", eco: "Packagist", name: "guzzlehttp/guzzle", events: ev("introduced", "7.4.5"), versions: []string{"7.4.5"}, severity: "HIGH"},              // only 7.4.5: not affected
	}
}

// TestMatchEcosystems matches real SBOMs (juice-shop npm, keycloak Maven) and
// handmade ones (SPDX with PyPI, Go, Debian; CycloneDX with crates.io,
// RubyGems, NuGet, Packagist) against planted records and expects exactly the
// affected versions, each ecosystem with its own version rules.
func TestMatchEcosystems(t *testing.T) {
	dir := t.TempDir()
	juice := realworld.Path(t, "sbom/cyclonedx/juice-shop_v11.1.2_bom.json")
	keycloak := realworld.Path(t, "sbom/cyclonedx/keycloak-10.0.2_bom.json")
	others := cdx(t, dir, "", "pkg:generic/portal@5.0.0", "portal", "5.0.0",
		"pkg:cargo/smallvec@1.6.0", "pkg:gem/nokogiri@1.13.10.rc1", "pkg:nuget/newtonsoft.json@12.0.3", "pkg:composer/guzzlehttp/guzzle@7.4.4")
	res, err := surveil.Run(surveil.Options{
		SBOMs:        []string{juice, keycloak, spdxSBOM(t, dir), others},
		OSV:          []string{writeZip(t, filepath.Join(dir, "all.zip"), plantedRecords())},
		UpdatePolicy: policy(t, dir, 30, 60, 90, 180),
		At:           runAt,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, v := range res.Surveillance.Versions {
		got[v.Version] = []string{}
		for _, f := range v.Findings {
			got[v.Version] = append(got[v.Version], f.ID+" "+f.Package.Name+"@"+f.Package.Version+" "+f.Severity+" ["+strings.Join(f.Aliases, ",")+"]")
		}
	}
	want := map[string][]string{
		"11.1.2": {
			// juice-shop also ships jsonwebtoken 0.4.0 and lodash 2.4.2 (older
			// than the fix of CVE-2020-8203, which 4.17.19 is not).
			"CVE-2015-9235 jsonwebtoken@0.1.0 critical [GHSA-c7hr-j4mj-j2w6]",
			"CVE-2015-9235 jsonwebtoken@0.4.0 critical [GHSA-c7hr-j4mj-j2w6]",
			"CVE-2020-8203 lodash@2.4.2 high [GHSA-p6mc-m468-83gw]",
			"CVE-2021-23337 lodash@2.4.2 critical [GHSA-35jh-r3h4-6jhm]",
			"CVE-2021-23337 lodash@4.17.19 critical [GHSA-35jh-r3h4-6jhm]",
			"GHSA-rv95-896h-c2vc express@4.17.1 medium []",
		},
		"10.0.2": {
			"CVE-2019-17571 log4j:log4j@1.2.17 critical [GHSA-2qrg-x229-3v8q]",
			"CVE-2020-11612 io.netty:netty-codec@4.1.45.Final high [GHSA-mm9x-g8pc-w292]",
			"CVE-2020-25649 com.fasterxml.jackson.core:jackson-databind@2.10.1 high [GHSA-5949-rw7g-wx7w]",
			"GHSA-0000-mile-0001 org.apache.directory.server:apacheds-core@2.0.0-M24 medium []",
		},
		"3.1.0": {
			"CVE-2020-14343 pyyaml@5.3.1 critical [PYSEC-2021-142]",
			"CVE-2021-38561 golang.org/x/text@0.3.5 high [GO-2021-0113]",
			"CVE-2022-2068 openssl@1.1.1n-0+deb11u3 critical [DSA-5169-1]",
			"DEBIAN-CVE-2022-40304 libxml2@1:2.9.10+dfsg-6.7 high []",
			"GHSA-0000-pypi-0001 urllib3@2.0.0a3 medium []",
		},
		"5.0.0": {
			"CVE-2021-25900 smallvec@1.6.0 critical [RUSTSEC-2021-0003]",
			"GHSA-2qc6-mcvw-92cw nokogiri@1.13.10.rc1 high []",
			"GHSA-5crp-9r3c-p9vr newtonsoft.json@12.0.3 high []",
			"GHSA-q559-8m2m-g699 guzzlehttp/guzzle@7.4.4 high []",
		},
	}
	for v, w := range want {
		sort.Strings(got[v])
		if !slices.Equal(got[v], w) {
			t.Errorf("version %s findings:\n got %q\nwant %q", v, got[v], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("versions %v, want %d", got, len(want))
	}
	// Without a state file every finding is new, first seen when published.
	for _, v := range res.Surveillance.Versions {
		for _, f := range v.Findings {
			if f.FirstSeen.Format(time.RFC3339) != "2021-12-10T00:40:56Z" || f.State != surveil.StateOverdue {
				t.Errorf("%s %s: first seen %s state %s, want the publication date and overdue", v.Version, f.ID, f.FirstSeen, f.State)
			}
		}
	}
	if len(res.Surveillance.Feeds) != 1 || res.Surveillance.Feeds[0].Records != len(plantedRecords()) {
		t.Errorf("feeds %+v", res.Surveillance.Feeds)
	}
}

// TestSLAState runs twice with a state file: a finding first seen 40 days ago
// with a 30-day SLA and no VEX is overdue (a breach); a not_affected VEX with
// a justification resolves it; without a justification it does not count.
func TestSLAState(t *testing.T) {
	dir := t.TempDir()
	sbomPath := cdx(t, dir, "", "pkg:generic/infucore@2.4.0", "infucore", "2.4.0", "pkg:npm/lodash@4.17.19")
	osv := writeZip(t, filepath.Join(dir, "npm.zip"), []rec{{id: "GHSA-35jh-r3h4-6jhm", aliases: []string{"CVE-2021-23337"}, eco: "npm", name: "lodash", events: ev("introduced", "0", "fixed", "4.17.21"), cvss: critical}})
	pol := policy(t, dir, 30, 60, 90, 180)
	statePath := filepath.Join(dir, "state.json")
	run := func(at time.Time, vexFiles ...string) *surveil.Result {
		t.Helper()
		res, err := surveil.Run(surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{osv}, UpdatePolicy: pol, State: statePath, VEX: vexFiles, At: at})
		if err != nil {
			t.Fatal(err)
		}
		data, err := res.State.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.Write(statePath, data); err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := runAt.AddDate(0, 0, -40)
	r1 := run(first)
	f := r1.Surveillance.Versions[0].Findings[0]
	if f.State != surveil.StateNew || !f.FirstSeen.Equal(first) || len(surveil.Breaches(r1.Surveillance)) != 0 {
		t.Fatalf("first run: %+v breaches %v", f, surveil.Breaches(r1.Surveillance))
	}
	r2 := run(runAt.AddDate(0, 0, -20))
	if f := r2.Surveillance.Versions[0].Findings[0]; f.State != surveil.StateKnown || !f.FirstSeen.Equal(first) {
		t.Fatalf("second run: %+v", f)
	}
	r3 := run(runAt)
	f = r3.Surveillance.Versions[0].Findings[0]
	if f.State != surveil.StateOverdue || f.DueDate.Format(time.DateOnly) != "2026-11-21" || len(surveil.Breaches(r3.Surveillance)) != 1 {
		t.Fatalf("40 days later: %+v breaches %v", f, surveil.Breaches(r3.Surveillance))
	}

	openvex := func(name, justification string) string {
		st := map[string]any{"vulnerability": map[string]any{"name": "CVE-2021-23337"}, "products": []any{map[string]any{"@id": "pkg:generic/infucore@2.4.0"}}, "status": "not_affected"}
		if justification != "" {
			st["justification"] = justification
		} else {
			st["impact_statement"] = "not used"
		}
		return writeJSON(t, filepath.Join(dir, name), map[string]any{
			"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.org/vex/" + name, "author": "Example Medical Devices",
			"timestamp": "2026-11-30T00:00:00Z", "version": 1, "statements": []any{st},
		})
	}
	// The SBOM subject has no purl: the product is named by its bom-ref.
	r4 := run(runAt, openvex("unjustified.openvex.json", ""))
	if f := r4.Surveillance.Versions[0].Findings[0]; f.State != surveil.StateOverdue || f.VEXStatus != "" {
		t.Errorf("not_affected without justification: %+v", f)
	}
	r5 := run(runAt, openvex("justified.openvex.json", "vulnerable_code_not_in_execute_path"))
	f = r5.Surveillance.Versions[0].Findings[0]
	if f.State != surveil.StateResolved || f.VEXStatus != "not_affected" || f.ResolvedAt == nil || len(surveil.Breaches(r5.Surveillance)) != 0 {
		t.Errorf("justified not_affected: %+v breaches %v", f, surveil.Breaches(r5.Surveillance))
	}
	m := surveil.VersionMetrics(r5.Surveillance.Versions[0])
	if m.SharePatched != 1 || m.MeanDaysToPatch == nil || *m.MeanDaysToPatch != 40 {
		t.Errorf("metrics %+v", m)
	}
	// resolved_at is kept on the next run.
	r6 := run(runAt.AddDate(0, 0, 1), filepath.Join(dir, "justified.openvex.json"))
	if got := r6.Surveillance.Versions[0].Findings[0].ResolvedAt; got == nil || !got.Equal(runAt) {
		t.Errorf("resolved_at on the next run = %v, want %v", got, runAt)
	}
}

// TestStateErrors: an unreadable or malformed state is an error, never a reset.
func TestStateErrors(t *testing.T) {
	dir := t.TempDir()
	sbomPath := cdx(t, dir, "", "r", "p", "1.0", "pkg:npm/lodash@4.17.19")
	osv := writeZip(t, filepath.Join(dir, "npm.zip"), []rec{{id: "GHSA-1", eco: "npm", name: "lodash", events: ev("introduced", "0")}})
	pol := policy(t, dir, 30, 60, 90, 180)
	for name, content := range map[string]string{
		"truncated":     `{"schema": "mdrgate.surveil-state/v1", "entries": [`,
		"wrong schema":  `{"schema": "other", "entries": []}`,
		"no first seen": `{"schema": "mdrgate.surveil-state/v1", "entries": [{"version": "1.0", "id": "GHSA-1"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, filepath.Join(dir, name+".json"), content)
			_, err := surveil.Run(surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{osv}, UpdatePolicy: pol, State: p, At: runAt})
			if err == nil || !strings.Contains(err.Error(), "state") {
				t.Errorf("err = %v, want a state error", err)
			}
		})
	}
}

// TestInputErrors: every bad input names the file (and zip entry) and what was expected.
func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	sbomPath := cdx(t, dir, "", "r", "p", "1.0", "pkg:npm/lodash@4.17.19")
	good := writeZip(t, filepath.Join(dir, "good.zip"), []rec{{id: "GHSA-1", eco: "npm", name: "lodash", events: ev("introduced", "0")}})
	pol := policy(t, dir, 30, 60, 90, 180)
	badEvent := writeZip(t, filepath.Join(dir, "bad.zip"), []rec{{id: "GHSA-2", eco: "npm", name: "lodash", events: []map[string]string{{"introduced": "0", "fixed": "1"}}}})
	recDir := t.TempDir()
	writeFile(t, filepath.Join(recDir, "GHSA-3.json"), `{"id": "GHSA-3", "modified": "2024-01-01T00:00:00Z", "affected": "npm"}`)
	noSLA := writeFile(t, filepath.Join(dir, "nosla.md"), "---\nid: X\n---\n# Policy\n")
	for _, tc := range []struct {
		name string
		o    surveil.Options
		want string
	}{
		{"event with two keys", surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{badEvent}, UpdatePolicy: pol}, "bad.zip:GHSA-2.json: OSV record GHSA-2: affected[0].ranges[0].events[0]: expected exactly one"},
		{"wrong type in a directory record", surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{recDir}, UpdatePolicy: pol}, "GHSA-3.json:1:"},
		{"no SLA", surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{good}}, "no SLA: set sla_days"},
		{"SLA missing key", surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{good}, UpdatePolicy: noSLA}, "no sla_days in the front matter"},
		{"not a zip", surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{pol}, UpdatePolicy: pol}, "not a zip file"},
		{"duplicate version", surveil.Options{SBOMs: []string{sbomPath, sbomPath}, OSV: []string{good}, UpdatePolicy: pol}, "version 1.0 is also the version of"},
		{"duplicate record", surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{good, good}, UpdatePolicy: pol}, "OSV record GHSA-1 is also in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.At = runAt
			_, err := surveil.Run(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestZipBomb: entry counts and inflated sizes over the limits stop the run.
func TestZipBomb(t *testing.T) {
	dir := t.TempDir()
	sbomPath := cdx(t, dir, "", "r", "p", "1.0", "pkg:npm/lodash@4.17.19")
	pol := policy(t, dir, 30, 60, 90, 180)
	var many []rec
	for i := range 20 {
		many = append(many, rec{id: fmt.Sprintf("GHSA-%04d", i), eco: "npm", name: "lodash", events: ev("introduced", "0")})
	}
	z := writeZip(t, filepath.Join(dir, "many.zip"), many)
	for _, tc := range []struct {
		lim  surveil.Limits
		want string
	}{
		{surveil.Limits{MaxEntries: 10, MaxRecordSize: 1 << 20, MaxTotalSize: 1 << 30, MaxZipSize: 1 << 30}, "20 entries, more than the limit of 10"},
		{surveil.Limits{MaxEntries: 100, MaxRecordSize: 100, MaxTotalSize: 1 << 30, MaxZipSize: 1 << 30}, "larger than the limit of 100 bytes"},
		{surveil.Limits{MaxEntries: 100, MaxRecordSize: 1 << 20, MaxTotalSize: 2000, MaxZipSize: 1 << 30}, "more than 2000 bytes uncompressed"},
		{surveil.Limits{MaxEntries: 100, MaxRecordSize: 1 << 20, MaxTotalSize: 1 << 30, MaxZipSize: 100}, "larger than the limit of 100 bytes"},
	} {
		_, err := surveil.Run(surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{z}, UpdatePolicy: pol, At: runAt, Limits: tc.lim})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("limits %+v: err = %v, want %q", tc.lim, err, tc.want)
		}
	}
}

// TestKEVAndDrafts: a KEV-listed vulnerability is a breach even within its SLA,
// and gets a draft CSAF advisory and notice.
func TestKEVAndDrafts(t *testing.T) {
	dir := t.TempDir()
	sbomPath := cdx(t, dir, "", "pkg:generic/infucore@2.4.0", "infucore", "2.4.0", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar")
	osv := writeZip(t, filepath.Join(dir, "maven.zip"), []rec{{id: "GHSA-jfh8-c2jp-5v3q", aliases: []string{"CVE-2021-44228"}, eco: "Maven", name: "org.apache.logging.log4j:log4j-core", events: ev("introduced", "2.0-beta9", "fixed", "2.15.0"), cvss: critical}})
	kev := writeJSON(t, filepath.Join(dir, "kev.json"), map[string]any{
		"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.30", "dateReleased": "2026-11-30T17:00:00.000Z", "count": 1,
		"vulnerabilities": []any{map[string]any{"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2", "dateAdded": "2021-12-10", "dueDate": "2021-12-24", "knownRansomwareCampaignUse": "Known"}},
	})
	res, err := surveil.Run(surveil.Options{SBOMs: []string{sbomPath}, OSV: []string{osv}, KEV: kev, UpdatePolicy: policy(t, dir, 30, 60, 90, 180), State: filepath.Join(dir, "state.json"), At: runAt})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Surveillance.Versions[0].Findings[0]
	if !f.KEV || f.State != surveil.StateNew || len(surveil.Breaches(res.Surveillance)) != 1 {
		t.Fatalf("finding %+v breaches %v", f, surveil.Breaches(res.Surveillance))
	}
	drafts, err := surveil.Drafts(res, surveil.DraftOptions{Product: "InfuCore", Manufacturer: "Example Medical Devices", Namespace: "https://example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 1 {
		t.Fatalf("%d drafts", len(drafts))
	}
	checkCSAF(t, drafts[0].CSAF)
	if !strings.Contains(string(drafts[0].Notice), "DRAFT for the manufacturer's review") || !strings.Contains(string(drafts[0].Notice), "known to be using") {
		t.Errorf("notice:\n%s", drafts[0].Notice)
	}
	paths, err := surveil.WriteDrafts(filepath.Join(dir, "drafts"), drafts)
	if err != nil || len(paths) != 2 || filepath.Base(paths[0]) != "CVE-2021-44228.csaf-draft.json" {
		t.Errorf("written %v, %v", paths, err)
	}
	if len(res.Surveillance.Feeds) != 2 || res.Surveillance.Feeds[1].Name != "cisa-kev" {
		t.Errorf("feeds %+v", res.Surveillance.Feeds)
	}
}

var _ = evidence.Schema
