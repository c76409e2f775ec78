package sbom_test

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/sbom"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

// wantComponent is one component to look up by ref and check field by field.
// Values were read from the files with jq and grep, not from the parser.
type wantComponent struct {
	ref       string
	name      string
	group     string
	version   string
	purl      string
	ecosystem string
	cpe       string
	supplier  string
	hash      evidence.Hash // one of the component's hashes; zero when it has none
	nHashes   int
	licenses  []string
	props     []evidence.Property // nil: expect none
	typ       string
	scope     string
	direct    string // "true", "false" or "nil"
}

type realWorldCase struct {
	rel          string
	mediaType    string
	format       string
	specVersion  string
	serial       string
	timestamp    string
	authors      []string
	tools        []string
	components   int
	dependencies int
	subjectRef   string
	subjectName  string
	subjectVer   string
	subjectLic   []string
	// direct counts components by Direct: true, false, nil.
	directTrue, directFalse, directNil int
	// noSupplier is true when no component of the file names a supplier or publisher.
	noSupplier bool
	want       []wantComponent
}

var realWorldCases = []realWorldCase{
	{
		rel: "sbom/cyclonedx/dropwizard-1.3.15_bom.json", mediaType: sbom.MediaTypeCycloneDXJSON,
		format: "cyclonedx", specVersion: "1.2", serial: "urn:uuid:b4f2954f-a96d-4578-9509-1ae2d6476209",
		timestamp: "2020-08-02T21:27:04Z", authors: []string{}, tools: []string{"CycloneDX CycloneDX Maven plugin 2.0.2"},
		components: 167, dependencies: 167,
		subjectRef:  "pkg:maven/io.dropwizard/dropwizard-parent@1.3.15",
		subjectName: "dropwizard-parent", subjectVer: "1.3.15", subjectLic: []string{"Apache-2.0"},
		// The graph has no entry for the subject, so directness is unknown.
		directNil: 167,
		want: []wantComponent{{
			ref:  "pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.9.10?type=jar",
			name: "jackson-annotations", group: "com.fasterxml.jackson.core", version: "2.9.10",
			purl: "pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.9.10?type=jar", ecosystem: "maven",
			supplier: "FasterXML",
			hash:     evidence.Hash{Algorithm: "SHA-256", Value: "c876f2e85d0f108a34cdd11ccc9d8d7875697367efc75bf10a89c2c26aee994c"},
			nHashes:  8, licenses: []string{"Apache-2.0"}, typ: "library", scope: "required", direct: "nil",
		}, {
			ref:  "pkg:maven/com.google.errorprone/error_prone_annotations@2.1.3?type=jar",
			name: "error_prone_annotations", group: "com.google.errorprone", version: "2.1.3",
			purl: "pkg:maven/com.google.errorprone/error_prone_annotations@2.1.3?type=jar", ecosystem: "maven",
			supplier: "",
			hash:     evidence.Hash{Algorithm: "MD5", Value: "97504b36cf871722d81a4b9e114f2a16"},
			nHashes:  8, licenses: []string{"Apache-2.0"}, typ: "library", scope: "required", direct: "nil",
		}},
	},
	{
		rel: "sbom/cyclonedx/juice-shop_v11.1.2_bom.json", mediaType: sbom.MediaTypeCycloneDXJSON,
		format: "cyclonedx", specVersion: "1.2", serial: "urn:uuid:1f860713-54b9-4253-ba5a-9554851904af",
		timestamp: "2020-08-03T03:20:53.771Z", authors: []string{}, tools: []string{"CycloneDX Node.js module 2.0.0"},
		components: 840, dependencies: 0,
		subjectRef: "pkg:npm/juice-shop@11.1.2", subjectName: "juice-shop", subjectVer: "11.1.2", subjectLic: []string{"MIT"},
		directNil: 840, noSupplier: true,
		want: []wantComponent{{
			ref: "pkg:npm/express@4.17.1", name: "express", version: "4.17.1",
			purl: "pkg:npm/express@4.17.1", ecosystem: "npm",
			hash:    evidence.Hash{Algorithm: "SHA-1", Value: "4491fc38605cf51f8629d39c2b5d026f98a4c134"},
			nHashes: 1, licenses: []string{"MIT"}, typ: "framework", scope: "required", direct: "nil",
		}},
	},
	{
		rel: "sbom/cyclonedx/keycloak-10.0.2_bom.json", mediaType: sbom.MediaTypeCycloneDXJSON,
		format: "cyclonedx", specVersion: "1.2", serial: "urn:uuid:411dafd2-c29f-491a-97d7-e97de5bc2289",
		timestamp: "2020-08-02T21:21:17Z", authors: []string{}, tools: []string{"CycloneDX CycloneDX Maven plugin 2.0.2"},
		components: 903, dependencies: 899,
		subjectRef:  "pkg:maven/org.keycloak/keycloak-parent@10.0.2",
		subjectName: "keycloak-parent", subjectVer: "10.0.2", subjectLic: []string{"Apache-2.0"},
		directNil: 903,
		want:      keycloakComponents,
	},
	{
		rel: "sbom/cyclonedx/keycloak-10.0.2_bom.xml", mediaType: sbom.MediaTypeCycloneDXXML,
		format: "cyclonedx", specVersion: "1.2", serial: "urn:uuid:411dafd2-c29f-491a-97d7-e97de5bc2289",
		timestamp: "2020-08-02T21:21:17Z", authors: []string{}, tools: []string{"CycloneDX CycloneDX Maven plugin 2.0.2"},
		components: 903, dependencies: 899,
		subjectRef:  "pkg:maven/org.keycloak/keycloak-parent@10.0.2",
		subjectName: "keycloak-parent", subjectVer: "10.0.2", subjectLic: []string{"Apache-2.0"},
		directNil: 903,
		want:      keycloakComponents,
	},
	{
		rel: "sbom/cyclonedx/laravel-7.12.0_bom.1.4.json", mediaType: sbom.MediaTypeCycloneDXJSON,
		format: "cyclonedx", specVersion: "1.4", authors: []string{}, tools: []string{"cyclonedx cyclonedx-php-composer in-dev"},
		components: 62, dependencies: 63,
		subjectRef:  "cyclonedx/cyclonedx-php-composer-demo-dev-master",
		subjectName: "cyclonedx-php-composer-demo", subjectVer: "dev-master", subjectLic: []string{},
		directTrue: 1, directFalse: 61, noSupplier: true,
		want: []wantComponent{{
			ref: "laravel/laravel-7.12.0.0", name: "laravel", group: "laravel", version: "v7.12.0",
			purl: "pkg:composer/laravel/laravel@v7.12.0", ecosystem: "composer",
			licenses: []string{"MIT"}, typ: "library", scope: "required", direct: "true",
			props: []evidence.Property{
				{Name: "cdx:composer:package:distReference", Value: "5639581ea56ecd556cdf6e6edc37ce5795740fd7"},
				{Name: "cdx:composer:package:sourceReference", Value: "5639581ea56ecd556cdf6e6edc37ce5795740fd7"},
				{Name: "cdx:composer:package:type", Value: "project"},
			},
		}, {
			ref: "doctrine/lexer-1.2.3.0", name: "lexer", group: "doctrine", version: "1.2.3",
			purl: "pkg:composer/doctrine/lexer@1.2.3", ecosystem: "composer",
			licenses: []string{"MIT"}, typ: "library", scope: "required", direct: "false",
			props: []evidence.Property{
				{Name: "cdx:composer:package:distReference", Value: "c268e882d4dbdd85e36e4ad69e02dc284f89d229"},
				{Name: "cdx:composer:package:sourceReference", Value: "c268e882d4dbdd85e36e4ad69e02dc284f89d229"},
				{Name: "cdx:composer:package:type", Value: "library"},
			},
		}},
	},
	{
		rel: "sbom/cyclonedx/proton-bridge_proton-bridge-v1.8.0.bom.json", mediaType: sbom.MediaTypeCycloneDXJSON,
		format: "cyclonedx", specVersion: "1.2", serial: "urn:uuid:d7a0ac67-e0f8-4342-86c6-801a02437636",
		timestamp: "2021-05-16T17:10:53+02:00", authors: []string{}, tools: []string{"CycloneDX cyclonedx-gomod v0.6.1"},
		components: 201, dependencies: 202,
		subjectRef:  "pkg:golang/github.com/ProtonMail/proton-bridge@v1.8.0",
		subjectName: "github.com/ProtonMail/proton-bridge", subjectVer: "v1.8.0", subjectLic: []string{},
		directTrue: 56, directFalse: 145, noSupplier: true,
		want: []wantComponent{{
			ref:  "pkg:golang/github.com/0xAX/notificator@v0.0.0-20191016112426-3962a5ea8da1",
			name: "github.com/0xAX/notificator", version: "v0.0.0-20191016112426-3962a5ea8da1",
			purl: "pkg:golang/github.com/0xAX/notificator@v0.0.0-20191016112426-3962a5ea8da1", ecosystem: "golang",
			hash:    evidence.Hash{Algorithm: "SHA-256", Value: "8fd1da69f6a90db3db1910e4bba7bf1d1b3a28131c287896726d7ff526f19e5e"},
			nHashes: 1, licenses: []string{"BSD-3-Clause"}, typ: "library", scope: "required", direct: "true",
		}, {
			ref:  "pkg:golang/github.com/ProtonMail/go-imap@v0.0.0-20201228133358-4db68cea0cac",
			name: "github.com/ProtonMail/go-imap", version: "v0.0.0-20201228133358-4db68cea0cac",
			purl: "pkg:golang/github.com/ProtonMail/go-imap@v0.0.0-20201228133358-4db68cea0cac", ecosystem: "golang",
			hash:    evidence.Hash{Algorithm: "SHA-256", Value: "db1537427700892fd6dd495665391b34a5b95a42f393a1209754f4c57fac6e3b"},
			nHashes: 1, licenses: []string{}, typ: "library", scope: "required", direct: "true",
		}, {
			ref:  "pkg:golang/github.com/BurntSushi/xgb@v0.0.0-20160522181843-27f122750802",
			name: "github.com/BurntSushi/xgb", version: "v0.0.0-20160522181843-27f122750802",
			purl: "pkg:golang/github.com/BurntSushi/xgb@v0.0.0-20160522181843-27f122750802", ecosystem: "golang",
			hash:    evidence.Hash{Algorithm: "SHA-256", Value: "d410d3cf4bbd9c2dfffe938231d347f828972556098795103423811bb8db10b7"},
			nHashes: 1, licenses: []string{"BSD-3-Clause", "GooglePatentClause"}, typ: "library", scope: "required", direct: "false",
		}},
	},
	{
		rel: "sbom/cyclonedx/protonmail-webclient-v4-0912dff_bom.json", mediaType: sbom.MediaTypeCycloneDXJSON,
		format: "cyclonedx", specVersion: "1.2", serial: "urn:uuid:371ffb8c-c11e-42b5-b5b9-9280fc62783e",
		timestamp: "2020-08-03T08:53:09.834Z", authors: []string{}, tools: []string{"CycloneDX Node.js module 2.0.0"},
		components: 883, dependencies: 0,
		subjectRef: "pkg:npm/protonmail-web@4.0.0-beta.20", subjectName: "protonmail-web", subjectVer: "4.0.0-beta.20", subjectLic: []string{"MIT"},
		directNil: 883, noSupplier: true,
		want: []wantComponent{{
			ref: "pkg:npm/angular@1.8.0", name: "angular", version: "1.8.0",
			purl: "pkg:npm/angular@1.8.0", ecosystem: "npm",
			hash:    evidence.Hash{Algorithm: "SHA-512", Value: "55d68cc7e424d129256bb079830efb6bc87395c39a93017c9a3956d770e921620395fab001b4922df77c37fa999f3126405e230b88a87c89ddde013bbcbf1966"},
			nHashes: 1, licenses: []string{"MIT"}, typ: "framework", scope: "required", direct: "nil",
		}},
	},
	{
		rel: "sbom/spdx/SPDXJSONExample-v2.3.spdx.json", mediaType: sbom.MediaTypeSPDXJSON,
		format: "spdx", specVersion: "SPDX-2.3", serial: "http://spdx.org/spdxdocs/spdx-example-444504E0-4F89-41D3-9A0C-0305E82C3301",
		timestamp: "2010-01-29T18:30:22Z", authors: []string{"ExampleCodeInspect", "Jane Doe"}, tools: []string{"LicenseFind-1.0"},
		components: 4, dependencies: 0,
		subjectRef: "SPDXRef-Package", subjectName: "glibc", subjectVer: "2.11.1",
		subjectLic: []string{"(LGPL-2.0-only AND LicenseRef-3)", "(LGPL-2.0-only OR LicenseRef-3)"},
		directNil:  4,
		want:       spdxExampleComponents,
	},
	{
		rel: "sbom/spdx/SPDXTagExample-v2.3.spdx", mediaType: sbom.MediaTypeSPDXTagValue,
		format: "spdx", specVersion: "SPDX-2.3", serial: "http://spdx.org/spdxdocs/spdx-example-444504E0-4F89-41D3-9A0C-0305E82C3301",
		timestamp: "2010-01-29T18:30:22Z", authors: []string{"ExampleCodeInspect", "Jane Doe"}, tools: []string{"LicenseFind-1.0"},
		components: 4, dependencies: 0,
		subjectRef: "SPDXRef-Package", subjectName: "glibc", subjectVer: "2.11.1",
		subjectLic: []string{"(LGPL-2.0-only AND LicenseRef-3)", "(LGPL-2.0-only OR LicenseRef-3)"},
		directNil:  4,
		want:       spdxExampleComponents,
	},
	{
		rel: "sbom/spdx/hello.spdx", mediaType: sbom.MediaTypeSPDXTagValue,
		format: "spdx", specVersion: "SPDX-2.2", serial: "https://swinslow.net/spdx-examples/example1/hello-v3",
		timestamp: "2021-08-26T01:46:00Z", authors: []string{"Steve Winslow (steve@swinslow.net)"},
		tools:      []string{"github.com/spdx/tools-golang/builder", "github.com/spdx/tools-golang/idsearcher"},
		components: 0, dependencies: 0,
		subjectRef: "SPDXRef-Package-hello", subjectName: "hello", subjectVer: "", subjectLic: []string{"GPL-3.0-or-later"},
		noSupplier: true,
	},
}

var keycloakComponents = []wantComponent{{
	ref:  "pkg:maven/org.jboss.logging/jboss-logging@3.4.1.Final?type=jar",
	name: "jboss-logging", group: "org.jboss.logging", version: "3.4.1.Final",
	purl: "pkg:maven/org.jboss.logging/jboss-logging@3.4.1.Final?type=jar", ecosystem: "maven",
	supplier: "JBoss by Red Hat",
	hash:     evidence.Hash{Algorithm: "SHA-256", Value: "8efe877d93e5e1057a1388b2950503b88b0c28447364fde08adbec61e524eeb8"},
	nHashes:  8, licenses: []string{"Apache-2.0"}, typ: "library", scope: "required", direct: "nil",
}, {
	ref:  "pkg:maven/com.sun.activation/jakarta.activation@1.2.1?type=jar",
	name: "jakarta.activation", group: "com.sun.activation", version: "1.2.1",
	purl: "pkg:maven/com.sun.activation/jakarta.activation@1.2.1?type=jar", ecosystem: "maven",
	supplier: "Eclipse Foundation",
	hash:     evidence.Hash{Algorithm: "MD5", Value: "dc519b1f09bbaf9274ea5da358a00110"},
	nHashes:  8, licenses: []string{"EDL 1.0"}, typ: "library", scope: "required", direct: "nil",
}}

var spdxExampleComponents = []wantComponent{{
	ref:  "SPDXRef-Package", // the subject: looked up there
	name: "glibc", version: "2.11.1",
	cpe:      "cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*",
	supplier: "Jane Doe (jane.doe@example.com)",
	hash:     evidence.Hash{Algorithm: "SHA-256", Value: "11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd"},
	nHashes:  3, licenses: []string{"(LGPL-2.0-only AND LicenseRef-3)", "(LGPL-2.0-only OR LicenseRef-3)"}, direct: "nil",
}, {
	ref: "SPDXRef-fromDoap-0", name: "Jena", version: "3.12.0",
	purl: "pkg:maven/org.apache.jena/apache-jena@3.12.0", ecosystem: "maven",
	licenses: []string{}, direct: "nil",
}, {
	ref: "SPDXRef-Saxon", name: "Saxon", version: "8.8",
	hash:    evidence.Hash{Algorithm: "SHA-1", Value: "85ed0817af83a24ad8da68c2b5094de69833983c"},
	nHashes: 1, licenses: []string{"MPL-1.0"}, direct: "nil",
}, {
	ref: "SPDXRef-CentOS-7", name: "centos", version: "centos7.9.2009", typ: "container",
	licenses: []string{}, direct: "nil",
}}

func parseFile(t *testing.T, path, display string) evidence.SBOM {
	t.Helper()
	f, err := source.Read(path, display, 0)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	s, err := sbom.Parse(f)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if s.Path != display || s.SHA256 != f.SHA256 || len(s.SHA256) != 64 {
		t.Errorf("FileRef = %+v, want path %s and the file's sha256", s.FileRef, display)
	}
	return s
}

func TestRealWorld(t *testing.T) {
	for _, tc := range realWorldCases {
		t.Run(filepath.Base(tc.rel), func(t *testing.T) {
			s := parseFile(t, realworld.Path(t, tc.rel), filepath.Base(tc.rel))
			if s.MediaType != tc.mediaType || s.Format != tc.format || s.SpecVersion != tc.specVersion {
				t.Errorf("media type, format, spec = %q, %q, %q; want %q, %q, %q",
					s.MediaType, s.Format, s.SpecVersion, tc.mediaType, tc.format, tc.specVersion)
			}
			if s.Serial != tc.serial || s.Timestamp != tc.timestamp {
				t.Errorf("serial, timestamp = %q, %q; want %q, %q", s.Serial, s.Timestamp, tc.serial, tc.timestamp)
			}
			if !reflect.DeepEqual(s.Authors, tc.authors) {
				t.Errorf("authors = %q, want %q", s.Authors, tc.authors)
			}
			if !reflect.DeepEqual(s.Tools, tc.tools) {
				t.Errorf("tools = %q, want %q", s.Tools, tc.tools)
			}
			if len(s.Components) != tc.components {
				t.Errorf("%d components, want %d", len(s.Components), tc.components)
			}
			if len(s.Dependencies) != tc.dependencies {
				t.Errorf("%d dependencies, want %d", len(s.Dependencies), tc.dependencies)
			}
			if s.Properties == nil || len(s.Properties) != 0 {
				t.Errorf("properties = %v, want []", s.Properties)
			}
			if s.Subject == nil {
				t.Fatal("no subject")
			}
			if s.Subject.Ref != tc.subjectRef || s.Subject.Name != tc.subjectName || s.Subject.Version != tc.subjectVer {
				t.Errorf("subject = %q %q %q, want %q %q %q", s.Subject.Ref, s.Subject.Name, s.Subject.Version,
					tc.subjectRef, tc.subjectName, tc.subjectVer)
			}
			if tc.subjectLic != nil && !reflect.DeepEqual(s.Subject.Licenses, tc.subjectLic) {
				t.Errorf("subject licenses = %q, want %q", s.Subject.Licenses, tc.subjectLic)
			}
			var nTrue, nFalse, nNil int
			for _, c := range s.Components {
				switch {
				case c.Direct == nil:
					nNil++
				case *c.Direct:
					nTrue++
				default:
					nFalse++
				}
				if c.Hashes == nil || c.Licenses == nil || c.Properties == nil {
					t.Errorf("component %s has a nil slice", c.Ref)
				}
				if tc.noSupplier && c.Supplier != "" {
					t.Errorf("component %s: supplier %q, want none", c.Ref, c.Supplier)
				}
				if c.Name == "" {
					t.Errorf("component %s has no name", c.Ref)
				}
			}
			if nTrue != tc.directTrue || nFalse != tc.directFalse || nNil != tc.directNil {
				t.Errorf("direct true/false/nil = %d/%d/%d, want %d/%d/%d", nTrue, nFalse, nNil,
					tc.directTrue, tc.directFalse, tc.directNil)
			}
			for _, d := range s.Dependencies {
				if d.DependsOn == nil {
					t.Errorf("dependency %s: depends_on is nil", d.Ref)
				}
			}
			for _, w := range tc.want {
				checkComponent(t, s, w)
			}
		})
	}
}

func findComponent(s evidence.SBOM, ref string) *evidence.Component {
	if s.Subject != nil && s.Subject.Ref == ref {
		return s.Subject
	}
	for i := range s.Components {
		if s.Components[i].Ref == ref {
			return &s.Components[i]
		}
	}
	return nil
}

func checkComponent(t *testing.T, s evidence.SBOM, w wantComponent) {
	t.Helper()
	c := findComponent(s, w.ref)
	if c == nil {
		t.Errorf("component %s not found", w.ref)
		return
	}
	got := []string{c.Name, c.Group, c.Version, c.PURL, c.Ecosystem, c.CPE, c.Supplier, c.Type, c.Scope}
	want := []string{w.name, w.group, w.version, w.purl, w.ecosystem, w.cpe, w.supplier, w.typ, w.scope}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("component %s: name, group, version, purl, ecosystem, cpe, supplier, type, scope =\n%q\nwant\n%q", w.ref, got, want)
	}
	if len(c.Hashes) != w.nHashes {
		t.Errorf("component %s: %d hashes, want %d", w.ref, len(c.Hashes), w.nHashes)
	}
	if w.hash != (evidence.Hash{}) {
		found := false
		for _, h := range c.Hashes {
			found = found || h == w.hash
		}
		if !found {
			t.Errorf("component %s: hashes %v lack %v", w.ref, c.Hashes, w.hash)
		}
	}
	if !reflect.DeepEqual(c.Licenses, w.licenses) {
		t.Errorf("component %s: licenses %q, want %q", w.ref, c.Licenses, w.licenses)
	}
	wantProps := w.props
	if wantProps == nil {
		wantProps = []evidence.Property{}
	}
	if !reflect.DeepEqual(c.Properties, wantProps) {
		t.Errorf("component %s: properties %v, want %v", w.ref, c.Properties, wantProps)
	}
	direct := "nil"
	if c.Direct != nil {
		direct = map[bool]string{true: "true", false: "false"}[*c.Direct]
	}
	if direct != w.direct {
		t.Errorf("component %s: direct %s, want %s", w.ref, direct, w.direct)
	}
}

// TestRealWorldAllFiles parses every SBOM in the real-world folders, so that a file
// added there is covered even before it gets its own case above.
func TestRealWorldAllFiles(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range realWorldCases {
		covered[tc.rel] = true
	}
	for _, dir := range []string{"sbom/cyclonedx", "sbom/spdx"} {
		entries, err := os.ReadDir(realworld.Path(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), "LICENSE") {
				continue // licence texts of the examples, not SBOMs
			}
			n++
			rel := dir + "/" + e.Name()
			if !covered[rel] {
				t.Errorf("%s has no test case", rel)
			}
			s := parseFile(t, realworld.Path(t, rel), e.Name())
			if len(s.Components) == 0 && s.Subject == nil {
				t.Errorf("%s: no subject and no components", rel)
			}
		}
		if n == 0 {
			t.Errorf("%s: no SBOMs found", dir)
		}
	}
}

// TestKeycloakJSONAndXMLAgree checks the JSON and XML renderings of one BOM give
// the same SBOM, apart from the file reference.
func TestKeycloakJSONAndXMLAgree(t *testing.T) {
	j := parseFile(t, realworld.Path(t, "sbom/cyclonedx/keycloak-10.0.2_bom.json"), "keycloak.json")
	x := parseFile(t, realworld.Path(t, "sbom/cyclonedx/keycloak-10.0.2_bom.xml"), "keycloak.xml")
	if len(j.Components) != 903 || len(x.Components) != 903 {
		t.Fatalf("components: json %d, xml %d, want 903 each", len(j.Components), len(x.Components))
	}
	for i := range j.Components {
		if !reflect.DeepEqual(j.Components[i], x.Components[i]) {
			t.Fatalf("component %d differs:\njson %+v\nxml  %+v", i, j.Components[i], x.Components[i])
		}
	}
	// The two files differ in one place: the JSON calls keycloak-parent an
	// application, the XML a library with scope required.
	if j.Subject.Type != "application" || j.Subject.Scope != "" || x.Subject.Type != "library" || x.Subject.Scope != "required" {
		t.Errorf("subject type/scope: json %q/%q, xml %q/%q; want application/\"\", library/required",
			j.Subject.Type, j.Subject.Scope, x.Subject.Type, x.Subject.Scope)
	}
	j.Subject.Type, j.Subject.Scope = x.Subject.Type, x.Subject.Scope
	j.FileRef, x.FileRef = evidence.FileRef{}, evidence.FileRef{}
	if !reflect.DeepEqual(j, x) {
		t.Error("JSON and XML SBOMs differ outside the components")
	}
}

// TestSPDXJSONAndTagValueAgree checks the two renderings of the SPDX 2.3 example,
// components compared by ref as the files list packages in different orders.
func TestSPDXJSONAndTagValueAgree(t *testing.T) {
	j := parseFile(t, realworld.Path(t, "sbom/spdx/SPDXJSONExample-v2.3.spdx.json"), "example.spdx.json")
	tv := parseFile(t, realworld.Path(t, "sbom/spdx/SPDXTagExample-v2.3.spdx"), "example.spdx")
	byRef := func(cs []evidence.Component) []evidence.Component {
		out := append([]evidence.Component(nil), cs...)
		sort.Slice(out, func(a, b int) bool { return out[a].Ref < out[b].Ref })
		return out
	}
	if !reflect.DeepEqual(byRef(j.Components), byRef(tv.Components)) {
		t.Errorf("components differ:\njson %+v\ntv   %+v", byRef(j.Components), byRef(tv.Components))
	}
	if !reflect.DeepEqual(j.Subject, tv.Subject) {
		t.Errorf("subjects differ:\njson %+v\ntv   %+v", j.Subject, tv.Subject)
	}
}
