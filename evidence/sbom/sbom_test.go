package sbom_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/sbom"
	"github.com/mdrgate/mdrgate/evidence/source"
)

func boolPtr(b bool) *bool { return &b }

func mustParse(t *testing.T, name, data string) evidence.SBOM {
	t.Helper()
	s, err := sbom.Parse(source.New(name, []byte(data)))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return s
}

// cdx12 is a small CycloneDX 1.2 BOM: legacy tools, nested components, a graph.
const cdx12 = `{
  "bomFormat": "CycloneDX",
  "specVersion": "1.2",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {
    "timestamp": "2024-05-01T10:00:00Z",
    "tools": [{"vendor": "Acme", "name": "sbom-maker", "version": "3.1"}, {"name": "bare"}],
    "authors": [{"name": "Ada Lovelace", "email": "ada@example.com"}, {"email": "qa@example.com"}],
    "component": {"type": "application", "bom-ref": "app", "name": "infusion-pump-ui", "version": "2.0.0"}
  },
  "components": [
    {
      "type": "library", "bom-ref": "lib-a", "group": "com.example", "name": "a", "version": "1.0",
      "publisher": "Example Corp",
      "hashes": [{"alg": "SHA-256", "content": "aaaa"}],
      "licenses": [{"expression": "Apache-2.0 OR MIT"}],
      "purl": "pkg:maven/com.example/a@1.0",
      "components": [
        {"type": "library", "bom-ref": "lib-b", "name": "b", "version": "2.0", "scope": "optional",
         "purl": "not a purl", "cpe": "cpe:2.3:a:example:b:2.0:*:*:*:*:*:*:*",
         "licenses": [{"license": {"name": "Example Licence"}}]}
      ]
    },
    {"type": "library", "bom-ref": "lib-c", "name": "c", "version": "3.0"}
  ],
  "dependencies": [
    {"ref": "app", "dependsOn": ["lib-a", "lib-c"]},
    {"ref": "lib-a", "dependsOn": ["lib-b"]},
    {"ref": "lib-b"}
  ]
}`

func TestCycloneDX12(t *testing.T) {
	s := mustParse(t, "small-1.2.json", cdx12)
	want := evidence.SBOM{
		FileRef:     source.New("small-1.2.json", []byte(cdx12)).Ref("application/vnd.cyclonedx+json"),
		Format:      "cyclonedx",
		SpecVersion: "1.2",
		Serial:      "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		Timestamp:   "2024-05-01T10:00:00Z",
		Authors:     []string{"Ada Lovelace", "qa@example.com"},
		Tools:       []string{"Acme sbom-maker 3.1", "bare"},
		Subject: &evidence.Component{
			Ref: "app", Type: "application", Name: "infusion-pump-ui", Version: "2.0.0",
			Hashes: []evidence.Hash{}, Licenses: []string{}, Properties: []evidence.Property{},
		},
		Components: []evidence.Component{{
			Ref: "lib-a", Type: "library", Name: "a", Group: "com.example", Version: "1.0",
			PURL: "pkg:maven/com.example/a@1.0", Ecosystem: "maven", Supplier: "Example Corp",
			Hashes:   []evidence.Hash{{Algorithm: "SHA-256", Value: "aaaa"}},
			Licenses: []string{"Apache-2.0 OR MIT"}, Properties: []evidence.Property{},
			Scope: "required", Direct: boolPtr(true),
		}, {
			Ref: "lib-b", Type: "library", Name: "b", Version: "2.0",
			PURL: "not a purl", Ecosystem: "", CPE: "cpe:2.3:a:example:b:2.0:*:*:*:*:*:*:*",
			Hashes: []evidence.Hash{}, Licenses: []string{"Example Licence"}, Properties: []evidence.Property{},
			Scope: "optional", Direct: boolPtr(false),
		}, {
			Ref: "lib-c", Type: "library", Name: "c", Version: "3.0",
			Hashes: []evidence.Hash{}, Licenses: []string{}, Properties: []evidence.Property{},
			Scope: "required", Direct: boolPtr(true),
		}},
		Dependencies: []evidence.Dependency{
			{Ref: "app", DependsOn: []string{"lib-a", "lib-c"}},
			{Ref: "lib-a", DependsOn: []string{"lib-b"}},
			{Ref: "lib-b", DependsOn: []string{}},
		},
		Properties: []evidence.Property{},
	}
	if !reflect.DeepEqual(s, want) {
		got, _ := json.MarshalIndent(s, "", "  ")
		exp, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("got\n%s\nwant\n%s", got, exp)
	}
}

// cdx16 is a small CycloneDX 1.6 BOM: tools as components and services,
// properties, supplier, no dependency graph.
const cdx16 = `{
  "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "metadata": {
    "tools": {
      "components": [{"type": "application", "group": "@cyclonedx", "name": "cyclonedx-npm", "version": "1.19.0"},
                     {"type": "application", "author": "anchore", "name": "syft", "version": "1.4.1"}],
      "services": [{"provider": {"name": "Acme"}, "name": "sbom-service", "version": "2"}]
    },
    "component": {"type": "firmware", "bom-ref": "fw", "name": "pump-firmware", "version": "7.1",
                  "supplier": {"name": "Acme Medical"}},
    "properties": [{"name": "cdx:fda:device", "value": "infusion pump"}, {"name": "a:first", "value": "1"}]
  },
  "components": [
    {"type": "library", "bom-ref": "pkg:npm/left-pad@1.3.0", "name": "left-pad", "version": "1.3.0",
     "supplier": {"name": "npm Inc"}, "publisher": "ignored when a supplier is named",
     "purl": "pkg:npm/left-pad@1.3.0",
     "hashes": [{"alg": "SHA-512", "content": "bbbb"}, {"alg": "SHA-1", "content": "cccc"}],
     "licenses": [{"license": {"id": "WTFPL", "acknowledgement": "declared"}}, {"license": {"name": "Custom"}}],
     "properties": [{"name": "z:last", "value": "2"}, {"name": "a:first", "value": "1"}, {"name": "cdx:fda:level", "value": "B"}]}
  ]
}`

func TestCycloneDX16(t *testing.T) {
	s := mustParse(t, "small-1.6.json", cdx16)
	if s.SpecVersion != "1.6" || s.Serial != "" || s.Timestamp != "" {
		t.Errorf("spec, serial, timestamp = %q, %q, %q", s.SpecVersion, s.Serial, s.Timestamp)
	}
	wantTools := []string{"@cyclonedx cyclonedx-npm 1.19.0", "anchore syft 1.4.1", "Acme sbom-service 2"}
	if !reflect.DeepEqual(s.Tools, wantTools) {
		t.Errorf("tools = %q, want %q", s.Tools, wantTools)
	}
	wantProps := []evidence.Property{{Name: "cdx:fda:device", Value: "infusion pump"}, {Name: "a:first", Value: "1"}}
	if !reflect.DeepEqual(s.Properties, wantProps) {
		t.Errorf("properties = %v, want %v", s.Properties, wantProps)
	}
	if s.Subject == nil || s.Subject.Type != "firmware" || s.Subject.Supplier != "Acme Medical" || s.Subject.Scope != "" {
		t.Errorf("subject = %+v", s.Subject)
	}
	if len(s.Components) != 1 || len(s.Dependencies) != 0 || s.Dependencies == nil {
		t.Fatalf("%d components, dependencies %v", len(s.Components), s.Dependencies)
	}
	c := s.Components[0]
	want := evidence.Component{
		Ref: "pkg:npm/left-pad@1.3.0", Type: "library", Name: "left-pad", Version: "1.3.0",
		PURL: "pkg:npm/left-pad@1.3.0", Ecosystem: "npm", Supplier: "npm Inc",
		Hashes:   []evidence.Hash{{Algorithm: "SHA-512", Value: "bbbb"}, {Algorithm: "SHA-1", Value: "cccc"}},
		Licenses: []string{"WTFPL", "Custom"},
		Properties: []evidence.Property{
			{Name: "z:last", Value: "2"}, {Name: "a:first", Value: "1"}, {Name: "cdx:fda:level", Value: "B"},
		},
		Scope: "required", Direct: nil,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("component = %+v\nwant %+v", c, want)
	}
}

// cdx16XML is cdx16's content as XML, less the services.
const cdx16XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand -->
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <metadata>
    <tools>
      <components>
        <component type="application"><group>@cyclonedx</group><name>cyclonedx-npm</name><version>1.19.0</version></component>
        <component type="application"><author>anchore</author><name>syft</name><version>1.4.1</version></component>
      </components>
    </tools>
    <component type="firmware" bom-ref="fw"><supplier><name>Acme Medical</name></supplier><name>pump-firmware</name><version>7.1</version></component>
    <properties><property name="cdx:fda:device">infusion pump</property><property name="a:first">1</property></properties>
  </metadata>
  <components>
    <component type="library" bom-ref="pkg:npm/left-pad@1.3.0">
      <supplier><name>npm Inc</name></supplier>
      <publisher>ignored when a supplier is named</publisher>
      <name>left-pad</name>
      <version>1.3.0</version>
      <hashes><hash alg="SHA-512">bbbb</hash><hash alg="SHA-1">cccc</hash></hashes>
      <licenses><license acknowledgement="declared"><id>WTFPL</id></license><license><name>Custom</name></license></licenses>
      <purl>pkg:npm/left-pad@1.3.0</purl>
      <properties><property name="z:last">2</property><property name="a:first">1</property><property name="cdx:fda:level">B</property></properties>
    </component>
  </components>
</bom>
`

func TestCycloneDX16XMLMatchesJSON(t *testing.T) {
	x := mustParse(t, "small-1.6.xml", cdx16XML)
	j := mustParse(t, "small-1.6.json", cdx16)
	if x.MediaType != sbom.MediaTypeCycloneDXXML || x.SpecVersion != "1.6" {
		t.Errorf("media type, spec = %q, %q", x.MediaType, x.SpecVersion)
	}
	if want := j.Tools[:2]; !reflect.DeepEqual(x.Tools, want) {
		t.Errorf("tools = %q, want %q", x.Tools, want)
	}
	if !reflect.DeepEqual(x.Components, j.Components) {
		t.Errorf("components:\nxml  %+v\njson %+v", x.Components, j.Components)
	}
	if !reflect.DeepEqual(x.Subject, j.Subject) || !reflect.DeepEqual(x.Properties, j.Properties) {
		t.Errorf("subject or properties differ:\nxml  %+v %v\njson %+v %v", x.Subject, x.Properties, j.Subject, j.Properties)
	}
}

// spdx22 is a small SPDX 2.2 JSON document: documentDescribes, a dependency
// graph in both directions, a file the package contains, suppliers.
const spdx22 = `{
  "spdxVersion": "SPDX-2.2",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "pump",
  "documentNamespace": "https://example.com/spdx/pump-7.1",
  "creationInfo": {"created": "2024-05-02T08:00:00Z",
                   "creators": ["Tool: syft-1.4.1", "Organization: Acme Medical", "Person: Ada Lovelace ()"]},
  "documentDescribes": ["SPDXRef-app"],
  "packages": [
    {"SPDXID": "SPDXRef-lib2", "name": "zlib", "versionInfo": "1.3.1", "downloadLocation": "NOASSERTION",
     "supplier": "NOASSERTION", "licenseConcluded": "NOASSERTION", "licenseDeclared": "Zlib",
     "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                       "referenceLocator": "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*"}]},
    {"SPDXID": "SPDXRef-app", "name": "pump-app", "versionInfo": "7.1", "downloadLocation": "NOASSERTION",
     "supplier": "Organization: Acme Medical", "filesAnalyzed": false},
    {"SPDXID": "SPDXRef-lib1", "name": "openssl", "versionInfo": "3.0.13", "downloadLocation": "NOASSERTION",
     "supplier": "Organization: OpenSSL Software Foundation",
     "checksums": [{"algorithm": "SHA256", "checksumValue": "dddd"}, {"algorithm": "MD5", "checksumValue": "eeee"}],
     "licenseConcluded": "Apache-2.0", "licenseDeclared": "Apache-2.0",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                       "referenceLocator": "pkg:generic/openssl@3.0.13"}]}
  ],
  "files": [{"SPDXID": "SPDXRef-readme", "fileName": "./README", "checksums": [{"algorithm": "SHA1", "checksumValue": "ffff"}]}],
  "relationships": [
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-lib1"},
    {"spdxElementId": "SPDXRef-lib2", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-lib1"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-readme"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "DocumentRef-other:SPDXRef-x"}
  ]
}`

// spdx22TV is spdx22 as tag-value.
const spdx22TV = `SPDXVersion: SPDX-2.2
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: pump
DocumentNamespace: https://example.com/spdx/pump-7.1
Creator: Tool: syft-1.4.1
Creator: Organization: Acme Medical
Creator: Person: Ada Lovelace ()
Created: 2024-05-02T08:00:00Z
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app

# a comment
PackageName: zlib
SPDXID: SPDXRef-lib2
PackageVersion: 1.3.1
PackageSupplier: NOASSERTION
PackageDownloadLocation: NOASSERTION
PackageLicenseConcluded: NOASSERTION
PackageLicenseDeclared: Zlib
ExternalRef: SECURITY cpe23Type cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*

PackageName: pump-app
SPDXID: SPDXRef-app
PackageVersion: 7.1
PackageSupplier: Organization: Acme Medical
PackageDownloadLocation: NOASSERTION
FilesAnalyzed: false
PackageComment: <text>A comment
over two lines</text>

PackageName: openssl
SPDXID: SPDXRef-lib1
PackageVersion: 3.0.13
PackageSupplier: Organization: OpenSSL Software Foundation
PackageDownloadLocation: NOASSERTION
PackageChecksum: SHA256: dddd
PackageChecksum: MD5: eeee
PackageLicenseConcluded: Apache-2.0
PackageLicenseDeclared: Apache-2.0
ExternalRef: PACKAGE-MANAGER purl pkg:generic/openssl@3.0.13

Relationship: SPDXRef-app DEPENDS_ON SPDXRef-lib1
Relationship: SPDXRef-lib2 DEPENDENCY_OF SPDXRef-lib1
`

func TestSPDX22(t *testing.T) {
	for _, tc := range []struct {
		name, data, mediaType string
	}{
		{"small-2.2.spdx.json", spdx22, sbom.MediaTypeSPDXJSON},
		{"small-2.2.spdx", spdx22TV, sbom.MediaTypeSPDXTagValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.name, tc.data)
			if s.MediaType != tc.mediaType || s.Format != "spdx" || s.SpecVersion != "SPDX-2.2" {
				t.Errorf("media type, format, spec = %q, %q, %q", s.MediaType, s.Format, s.SpecVersion)
			}
			if s.Serial != "https://example.com/spdx/pump-7.1" || s.Timestamp != "2024-05-02T08:00:00Z" {
				t.Errorf("serial, timestamp = %q, %q", s.Serial, s.Timestamp)
			}
			if want := []string{"Acme Medical", "Ada Lovelace"}; !reflect.DeepEqual(s.Authors, want) {
				t.Errorf("authors = %q, want %q", s.Authors, want)
			}
			if want := []string{"syft-1.4.1"}; !reflect.DeepEqual(s.Tools, want) {
				t.Errorf("tools = %q, want %q", s.Tools, want)
			}
			wantSubject := &evidence.Component{
				Ref: "SPDXRef-app", Name: "pump-app", Version: "7.1", Supplier: "Acme Medical",
				Hashes: []evidence.Hash{}, Licenses: []string{}, Properties: []evidence.Property{},
			}
			if !reflect.DeepEqual(s.Subject, wantSubject) {
				t.Errorf("subject = %+v\nwant %+v", s.Subject, wantSubject)
			}
			wantComponents := []evidence.Component{{
				Ref: "SPDXRef-lib2", Name: "zlib", Version: "1.3.1",
				CPE:    "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*",
				Hashes: []evidence.Hash{}, Licenses: []string{"Zlib"}, Properties: []evidence.Property{},
				Direct: boolPtr(false),
			}, {
				Ref: "SPDXRef-lib1", Name: "openssl", Version: "3.0.13",
				PURL: "pkg:generic/openssl@3.0.13", Ecosystem: "generic", Supplier: "OpenSSL Software Foundation",
				Hashes:   []evidence.Hash{{Algorithm: "SHA-256", Value: "dddd"}, {Algorithm: "MD5", Value: "eeee"}},
				Licenses: []string{"Apache-2.0"}, Properties: []evidence.Property{},
				Direct: boolPtr(true),
			}}
			if !reflect.DeepEqual(s.Components, wantComponents) {
				t.Errorf("components = %+v\nwant %+v", s.Components, wantComponents)
			}
			// Only package-to-package edges: the file and the other document drop out.
			wantDeps := []evidence.Dependency{
				{Ref: "SPDXRef-app", DependsOn: []string{"SPDXRef-lib1"}},
				{Ref: "SPDXRef-lib1", DependsOn: []string{"SPDXRef-lib2"}},
			}
			if !reflect.DeepEqual(s.Dependencies, wantDeps) {
				t.Errorf("dependencies = %+v\nwant %+v", s.Dependencies, wantDeps)
			}
		})
	}
}

func TestByteOrderMark(t *testing.T) {
	data := "\xef\xbb\xbf" + cdx12
	s := mustParse(t, "bom.json", data)
	if len(s.Components) != 3 || s.SHA256 != source.New("bom.json", []byte(data)).SHA256 {
		t.Errorf("%d components, sha256 %s", len(s.Components), s.SHA256)
	}
}

func TestEmptySlicesMarshalAsArrays(t *testing.T) {
	s := mustParse(t, "min.json", `{"bomFormat":"CycloneDX","specVersion":"1.5"}`)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{`"authors":[]`, `"tools":[]`, `"components":[]`, `"dependencies":[]`, `"properties":[]`, `"subject":null`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
}

// hostile lists inputs that must be refused with a *source.Error.
var hostile = []struct {
	name     string
	data     string
	line     int // 0: do not check
	column   int // 0: do not check
	contains string
}{
	{"empty", "", 0, 0, "file is empty"},
	{"blank", " \n\t\n", 0, 0, "file is empty"},
	{"text", "hello world\n", 1, 1, "expected a CycloneDX (bomFormat \"CycloneDX\") or SPDX (spdxVersion) document"},
	{"number", "42", 1, 1, "found neither JSON, XML nor SPDX tag-value"},
	{"json array", `[1, 2]`, 1, 1, "expected a CycloneDX (bomFormat \"CycloneDX\") or SPDX (spdxVersion) document: found JSON array"},
	{"json string", `"CycloneDX"`, 1, 1, "found JSON string"},
	{"sarif", `{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": []}`, 1, 1,
		`expected a CycloneDX (bomFormat "CycloneDX") or SPDX (spdxVersion) document: found a JSON object with keys "$schema", "version", "runs"`},
	{"openvex", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "statements": []}`, 1, 1, "or SPDX (spdxVersion) document"},
	{"truncated json", cdx12[:200], 8, 0, "unexpected end of file (truncated?)"},
	{"truncated mid-string", `{"bomFormat": "Cyclo`, 1, 21, "truncated"},
	{"syntax error", "{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": \"1.4\",,}", 2, 23, "invalid JSON"},
	{"syntax error after the head", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\",\n \"components\": [{\"name\": \"a\",}]}", 2, 30,
		"invalid JSON: invalid character '}' looking for beginning of object key string"},
	{"truncated after the head", `{"spdxVersion": "SPDX-2.3", "packages": [{"name": "a"`, 1, 0, "unexpected end of file (truncated?)"},
	{"trailing data", `{"bomFormat": "CycloneDX", "specVersion": "1.4"} {}`, 1, 0, "after the JSON document"},
	{"invalid utf-8 json", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\", \"metadata\": {\"timestamp\": \"\xff\"}}", 1, 77, "invalid UTF-8 byte 0xff"},
	{"deep json", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), 1, 513, "JSON nested deeper than 512 levels"},
	{"deep json inside bom", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": ` + strings.Repeat("[", 100000), 1, 0, "JSON nested deeper"},
	{"bomFormat wrong type", `{"bomFormat": 1, "specVersion": "1.4"}`, 1, 15, "bomFormat: expected string, found JSON number"},
	{"bomFormat wrong value", `{"bomFormat": "SPDX", "specVersion": "1.4"}`, 1, 15, `bomFormat: expected "CycloneDX", found "SPDX"`},
	{"specVersion missing", `{"bomFormat": "CycloneDX"}`, 1, 0, "specVersion: missing"},
	{"specVersion wrong type", `{"bomFormat": "CycloneDX", "specVersion": 1.4}`, 1, 43, "specVersion: expected string, found JSON number"},
	{"cyclonedx 1.1", `{"bomFormat": "CycloneDX", "specVersion": "1.1"}`, 1, 43,
		`specVersion: CycloneDX "1.1" is not supported: supported versions are 1.2, 1.3, 1.4, 1.5, 1.6`},
	{"cyclonedx 2.0", `{"bomFormat": "CycloneDX", "specVersion": "2.0"}`, 1, 43, `CycloneDX "2.0" is not supported`},
	{"spdx 2.1 json", `{"spdxVersion": "SPDX-2.1", "SPDXID": "SPDXRef-DOCUMENT"}`, 1, 17,
		`spdxVersion: "SPDX-2.1" is not supported: supported versions are SPDX-2.2, SPDX-2.3`},
	{"spdx 3 json", `{"spdxVersion": "SPDX-3.0"}`, 1, 17, `"SPDX-3.0" is not supported`},
	{"component version wrong type",
		"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\",\n \"components\": [\n  {\"type\": \"library\", \"name\": \"a\"},\n  {\"type\": \"library\", \"name\": \"b\", \"version\": 7}]}",
		4, 47, "components[1].version: expected string, found JSON number"},
	{"components wrong type", `{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": {"name": "a"}}`, 1, 64,
		"components: expected array, found JSON object"},
	{"tool name wrong type (inside the library's own decoder)",
		"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\",\n \"metadata\": {\"tools\": [{\"name\": \"ok\"}, {\"name\": 5}]}}",
		2, 50, "metadata.tools[1].name: expected string, found JSON number"},
	{"spdx package version wrong type",
		"{\"spdxVersion\": \"SPDX-2.3\", \"SPDXID\": \"SPDXRef-DOCUMENT\",\n \"packages\": [{\"SPDXID\": \"SPDXRef-a\", \"name\": \"a\", \"versionInfo\": 1}]}",
		2, 67, "packages[0].versionInfo: expected string, found JSON number"},
	{"spdx 2.2 relationships wrong type", `{"spdxVersion": "SPDX-2.2", "relationships": "none"}`, 1, 46,
		"relationships: expected array, found JSON string"},
	{"spdx bad element id", `{"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "a", "name": "a"}]}`, 0, 0, "invalid SPDX JSON"},
	{"xml doctype billion laughs", `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><metadata><timestamp>&lol2;</timestamp></metadata></bom>`,
		2, 1, "XML document type declarations (DOCTYPE, entities) are not accepted"},
	{"xml external entity", `<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>&xxe;</name></component></components></bom>`,
		2, 1, "DOCTYPE"},
	{"xml lowercase doctype", `<!doctype bom><bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>`, 1, 1, "DOCTYPE"},
	{"xml undefined entity", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><metadata><timestamp>&nbsp;</timestamp></metadata></bom>`,
		1, 0, "invalid XML"},
	{"xml invalid utf-8", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n<metadata><timestamp>\xc3\x28</timestamp></metadata></bom>", 2, 22, "invalid UTF-8"},
	{"xml latin-1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>`, 1, 0, "must be UTF-8"},
	{"xml truncated", cdx16XML[:400], 0, 0, "invalid XML"},
	{"xml junit", `<?xml version="1.0"?><testsuites><testsuite name="a"/></testsuites>`, 1, 0,
		`expected a CycloneDX (bomFormat "CycloneDX") or SPDX (spdxVersion) document: found XML with root element <testsuites>`},
	{"xml spdx rdf", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>`, 1, 0, "found XML with root element <RDF"},
	{"xml bom wrong namespace", `<bom xmlns="http://example.com/bom"/>`, 1, 0, `expected the CycloneDX namespace`},
	{"xml cyclonedx 1.1", `<bom xmlns="http://cyclonedx.org/schema/bom/1.1"/>`, 1, 0, `CycloneDX "1.1" (namespace http://cyclonedx.org/schema/bom/1.1) is not supported: supported versions are 1.2, 1.3, 1.4, 1.5, 1.6`},
	{"xml wrong attribute type", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="many"/>`, 1, 0, "invalid XML"},
	{"xml trailing element", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"/><bom/>`, 1, 0, "unexpected content after the <bom> element"},
	{"xml deep", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><metadata>` + strings.Repeat("<x>", 100000) + strings.Repeat("</x>", 100000) + `</metadata></bom>`, 1, 0, "XML nested deeper than 512 elements"},
	{"tag-value spdx 2.1", "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\n", 1, 0, `SPDXVersion: "SPDX-2.1" is not supported: supported versions are SPDX-2.2, SPDX-2.3`},
	{"tag-value no colon", "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nthis line has none\n", 3, 0, `expected "Tag: value", found "this line has none"`},
	{"tag-value unclosed text", "SPDXVersion: SPDX-2.3\nDocumentComment: <text>never\nclosed\n", 2, 0, "<text> is not closed by </text> (truncated?)"},
	{"tag-value invalid utf-8", "SPDXVersion: SPDX-2.3\nDocumentName: \xfe\n", 2, 15, "invalid UTF-8 byte 0xfe"},
	{"tag-value no version", "DataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n", 0, 0, "no SPDXVersion tag"},
	{"tag-value bad relationship", "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nRelationship: only-one-field\n", 0, 0, "invalid SPDX tag-value"},
}

func TestHostile(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sbom.Parse(source.New("in/evil.sbom", []byte(tc.data)))
			if err == nil {
				t.Fatalf("no error; got %+v", s)
			}
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v is not a *source.Error", err, err)
			}
			if se.Path != "in/evil.sbom" {
				t.Errorf("path %q", se.Path)
			}
			if !strings.Contains(se.Msg, tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
			if tc.line != 0 && se.Line != tc.line {
				t.Errorf("error %q: line %d, want %d", err, se.Line, tc.line)
			}
			if tc.column != 0 && se.Column != tc.column {
				t.Errorf("error %q: column %d, want %d", err, se.Column, tc.column)
			}
			if !reflect.DeepEqual(s, evidence.SBOM{}) {
				t.Errorf("an error came with a result: %+v", s)
			}
		})
	}
}

func TestSubjectAndDirect(t *testing.T) {
	for _, tc := range []struct {
		name, data  string
		subject     string   // subject ref; "" for none
		components  []string // refs in order
		direct      []string // "true", "false" or "nil" per component
		nDependency int
	}{{
		name: "cyclonedx subject with parts",
		data: `{"bomFormat": "CycloneDX", "specVersion": "1.5",
		  "metadata": {"component": {"bom-ref": "app", "name": "app",
		    "components": [{"bom-ref": "app-ui", "name": "ui"}, {"bom-ref": "app-core", "name": "core"}]}},
		  "components": [{"bom-ref": "lib", "name": "lib"}],
		  "dependencies": [{"ref": "app", "dependsOn": ["app-core"]}, {"ref": "app-core", "dependsOn": ["lib"]}]}`,
		subject:    "app",
		components: []string{"app-ui", "app-core", "lib"}, direct: []string{"false", "true", "false"},
		nDependency: 2,
	}, {
		name: "cyclonedx graph without the subject",
		data: `{"bomFormat": "CycloneDX", "specVersion": "1.3",
		  "metadata": {"component": {"bom-ref": "app", "name": "app"}},
		  "components": [{"bom-ref": "lib", "name": "lib"}],
		  "dependencies": [{"ref": "lib", "dependsOn": []}]}`,
		subject: "app", components: []string{"lib"}, direct: []string{"nil"}, nDependency: 1,
	}, {
		name: "cyclonedx without a subject",
		data: `{"bomFormat": "CycloneDX", "specVersion": "1.4",
		  "components": [{"bom-ref": "a", "name": "a"}, {"bom-ref": "b", "name": "b"}],
		  "dependencies": [{"ref": "a", "dependsOn": ["b"]}]}`,
		components: []string{"a", "b"}, direct: []string{"nil", "nil"}, nDependency: 1,
	}, {
		name: "cyclonedx subject that depends on nothing",
		data: `{"bomFormat": "CycloneDX", "specVersion": "1.4",
		  "metadata": {"component": {"bom-ref": "app", "name": "app"}},
		  "components": [{"bom-ref": "a", "name": "a"}],
		  "dependencies": [{"ref": "app"}]}`,
		subject: "app", components: []string{"a"}, direct: []string{"false"}, nDependency: 1,
	}, {
		name: "spdx described by",
		data: "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n" +
			"PackageName: lib\nSPDXID: SPDXRef-lib\nPackageDownloadLocation: NOASSERTION\n" +
			"PackageName: app\nSPDXID: SPDXRef-app\nPackageDownloadLocation: NOASSERTION\n" +
			"Relationship: SPDXRef-app DESCRIBED_BY SPDXRef-DOCUMENT\n" +
			"Relationship: SPDXRef-lib DEPENDENCY_OF SPDXRef-app\n",
		subject: "SPDXRef-app", components: []string{"SPDXRef-lib"}, direct: []string{"true"}, nDependency: 1,
	}, {
		name: "spdx describes only a file",
		data: `{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "documentDescribes": ["SPDXRef-f"],
		  "files": [{"SPDXID": "SPDXRef-f", "fileName": "./f"}],
		  "packages": [{"SPDXID": "SPDXRef-a", "name": "a"}, {"SPDXID": "SPDXRef-b", "name": "b"}],
		  "relationships": [{"spdxElementId": "SPDXRef-a", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-b"},
		                    {"spdxElementId": "SPDXRef-b", "relationshipType": "CONTAINED_BY", "relatedSpdxElement": "SPDXRef-a"}]}`,
		components: []string{"SPDXRef-a", "SPDXRef-b"}, direct: []string{"nil", "nil"}, nDependency: 1,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, "doc", tc.data)
			subject := ""
			if s.Subject != nil {
				subject = s.Subject.Ref
			}
			if subject != tc.subject {
				t.Errorf("subject %q, want %q", subject, tc.subject)
			}
			var refs, direct []string
			for _, c := range s.Components {
				refs = append(refs, c.Ref)
				d := "nil"
				if c.Direct != nil {
					d = map[bool]string{true: "true", false: "false"}[*c.Direct]
				}
				direct = append(direct, d)
			}
			if !reflect.DeepEqual(refs, tc.components) || !reflect.DeepEqual(direct, tc.direct) {
				t.Errorf("components %q direct %q, want %q %q", refs, direct, tc.components, tc.direct)
			}
			if len(s.Dependencies) != tc.nDependency {
				t.Errorf("dependencies %+v, want %d", s.Dependencies, tc.nDependency)
			}
		})
	}
}

// TestSPDXNoAssertionVersion: NOASSERTION is no version, so REL-01's NTIA check
// sees the element missing rather than a version called "NOASSERTION".
func TestSPDXNoAssertionVersion(t *testing.T) {
	doc := `{"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "x",
 "documentNamespace": "https://example.com/x", "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: t"]},
 "packages": [{"SPDXID": "SPDXRef-a", "name": "zlib", "versionInfo": "NOASSERTION", "downloadLocation": "NOASSERTION"},
              {"SPDXID": "SPDXRef-b", "name": "openssl", "versionInfo": "NONE", "downloadLocation": "NOASSERTION"}]}`
	s, err := sbom.Parse(source.New("x.spdx.json", []byte(doc)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(s.Components, func() []evidence.Component {
		if s.Subject != nil {
			return []evidence.Component{*s.Subject}
		}
		return nil
	}()...) {
		if c.Version != "" {
			t.Errorf("%s: version %q, want empty", c.Name, c.Version)
		}
	}
}
