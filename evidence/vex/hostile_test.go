package vex_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/evidence/vex"
)

const openVEXHead = `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2024-01-01T00:00:00Z","version":1,`

// TestParseRejects feeds Parse input it must refuse with a *source.Error that
// says what was expected, at the right place.
func TestParseRejects(t *testing.T) {
	sample, err := os.ReadFile("testdata/openvex-v0.2.json")
	if err != nil {
		t.Fatal(err)
	}
	csaf, err := os.ReadFile("testdata/csaf-vex.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
		// line is the expected line of the error; 0 when it has none.
		line int
		want string
	}{
		{"empty", "", 0, "empty file: expected OpenVEX JSON"},
		{"whitespace", " \n\t", 0, "empty file"},
		{"truncated openvex", string(sample[:len(sample)/2]), 0, "unexpected end of file"},
		{"truncated csaf", string(csaf[:len(csaf)-10]), 0, "unexpected end of file"},
		{"truncated xml", `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><vulnerabilities>`, 1, "invalid XML"},
		{"invalid utf-8", "{\"@context\":\"https://openvex.dev/ns\",\"author\":\"\xff\xfe\"}", 1, "invalid UTF-8 byte 0xff"},
		{"invalid utf-8 xml", "<bom>\xc3\x28</bom>", 1, "invalid UTF-8"},
		{"deep arrays", strings.Repeat("[", 100000), 1, "nested deeper than 512"},
		{"deep objects", `{"@context":"https://openvex.dev/ns","statements":` + strings.Repeat(`{"a":`, 100000), 1, "nested deeper than 512"},
		{"deep xml", `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>` + strings.Repeat("<component><components>", 100000), 0, "exceeded max depth"},
		{"billion laughs", `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><metadata><timestamp>&lol2;</timestamp></metadata></bom>`, 2, "DOCTYPE"},
		{"external entity", `<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><vulnerabilities><vulnerability><id>&xxe;</id></vulnerability></vulnerabilities></bom>`, 2, "DOCTYPE"},
		{"undefined entity", `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><vulnerabilities><vulnerability><id>&xxe;</id></vulnerability></vulnerabilities></bom>`, 1, "invalid XML"},
		{"trailing data", openVEXHead + `"statements":[]} {}`, 1, "after the JSON document"},
		{"statement without products", openVEXHead + `"statements":[{"vulnerability":{"name":"CVE-2024-1"},"status":"not_affected","justification":"component_not_present"}]}`, 1, "statements[0]: the statement names no products"},
		{"misspelt products", openVEXHead + `"statements":[{"vulnerability":{"name":"CVE-2024-1"},"product":[{"@id":"pkg:pypi/x"}],"status":"not_affected","justification":"component_not_present"}]}`, 1, "the statement names no products"},

		// Documents of another kind, or of no kind.
		{"sarif", `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[]}`, 1, "not a VEX document (it looks like a SARIF log): expected OpenVEX JSON"},
		{"spdx", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`, 1, "it looks like an SPDX SBOM"},
		{"in-toto", `{"_type":"https://in-toto.io/Statement/v1","subject":[]}`, 1, "it looks like an in-toto statement"},
		{"other bomFormat", `{"bomFormat":"SPDX","vulnerabilities":[]}`, 1, `bomFormat is "SPDX"`},
		{"other context", `{"@context":"https://schema.org","statements":[]}`, 1, `its @context "https://schema.org" is not OpenVEX's`},
		{"csaf advisory", `{"document":{"category":"csaf_security_advisory","csaf_version":"2.0"},"vulnerabilities":[]}`, 1, `document.category: expected "csaf_vex" for a CSAF VEX document, found "csaf_security_advisory"`},
		{"empty object", `{}`, 1, "not a VEX document: expected OpenVEX JSON"},
		{"top-level array", `[{"@context":"https://openvex.dev/ns"}]`, 1, "found a JSON array at the top level"},
		{"top-level string", `"https://openvex.dev/ns"`, 1, "found a JSON string at the top level"},
		{"markdown", "# VEX\n", 1, "invalid JSON"},
		{"junit xml", `<testsuites><testsuite name="x"/></testsuites>`, 0, "found XML root element <testsuites>"},
		{"cyclonedx xml wrong namespace", `<bom xmlns="http://example.com/bom"/>`, 0, `found XML root element <bom xmlns="http://example.com/bom">`},

		// Wrong types, with the place of the fault.
		{"statements not array", openVEXHead + "\n\"statements\":{}}", 2, "statements: expected array, found JSON object"},
		{"status number", openVEXHead + "\n\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\n\"status\":5}]}", 3, "statements.status: expected string, found JSON number"},
		{"product number", openVEXHead + "\n\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\",\n\"products\":[7]}]}", 3, "statements[0].products[0]: expected a string or an object with @id, found JSON number"},
		{"identifiers not strings", openVEXHead + "\n\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\",\"products\":[\n{\"@id\":\"p\",\"identifiers\":{\"purl\":1}}]}]}", 3, "statements[0].products[0].identifiers: expected string, found JSON number"},
		{"aliases not array", openVEXHead + "\n\"statements\":[{\"vulnerability\":\n{\"name\":\"CVE-1\",\"aliases\":\"GHSA-1\"},\"status\":\"fixed\"}]}", 3, "statements[0].vulnerability.aliases: expected array, found JSON string"},
		{"vulnerability number", openVEXHead + "\n\"statements\":[{\"vulnerability\":\n42,\"status\":\"fixed\"}]}", 3, "statements[0].vulnerability: expected an object with a name, found JSON number"},
		{"cdx response not array", `{"bomFormat":"CycloneDX",` + "\n" + `"vulnerabilities":[{"id":"CVE-1","analysis":{"state":"exploitable","response":"update"}}]}`, 2, "vulnerabilities.analysis.response: expected array, found JSON string"},
		{"cdx vulnerabilities object", `{"bomFormat":"CycloneDX","vulnerabilities":{"id":"CVE-1"}}`, 1, "vulnerabilities: expected array, found JSON object"},
		{"csaf product status not array", `{"document":{"category":"csaf_vex"},` + "\n" + `"vulnerabilities":[{"cve":"CVE-1","product_status":{"known_affected":"CSAFPID-1"}}]}`, 2, "vulnerabilities.product_status.known_affected: expected array, found JSON string"},
		{"csaf branches not array", `{"document":{"category":"csaf_vex"},"product_tree":{"branches":{}}}`, 1, "product_tree.branches: expected array, found JSON object"},

		// Missing what a statement cannot do without.
		{"no vulnerability", openVEXHead + "\n\"statements\":[\n{\"status\":\"fixed\",\"products\":[\"p\"]}]}", 3, "statements[0]: expected vulnerability.name (or @id) naming the vulnerability, found none"},
		{"no status", openVEXHead + "\n\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"}},\n{\"vulnerability\":{\"name\":\"CVE-2\"}}]}", 2, "statements[0]: expected a status"},
		{"product without id", openVEXHead + "\n\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\",\"products\":[\n{\"hashes\":{}}]}]}", 3, "statements[0].products[0]: expected @id or identifiers.purl"},
		{"subcomponent without id", openVEXHead + "\n\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\",\"products\":[{\"@id\":\"p\",\"subcomponents\":[\n{}]}]}]}", 3, "statements[0].products[0].subcomponents[0]: expected @id or identifiers.purl"},
		{"bad document timestamp", `{"@context":"https://openvex.dev/ns",` + "\n" + `"timestamp":"yesterday","statements":[]}`, 2, `timestamp: expected an RFC 3339 date and time, found "yesterday"`},
		{"bad statement timestamp", openVEXHead + "\n\"statements\":[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\",\n\"timestamp\":\"2024-13-01\"}]}", 3, "statements[0].timestamp: expected an RFC 3339 date and time"},
		{"cdx vulnerability without id", `{"bomFormat":"CycloneDX","vulnerabilities":[` + "\n" + `{"analysis":{"state":"exploitable"}}]}`, 2, "vulnerabilities[0]: expected an id naming the vulnerability"},
		{"cdx affects without ref", `{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","affects":[` + "\n" + `{"versions":[]}]}]}`, 2, "vulnerabilities[0].affects[0]: expected ref"},
		{"cdx bad timestamp", `{"bomFormat":"CycloneDX","metadata":{` + "\n" + `"timestamp":"03/03/2022"}}`, 2, "metadata.timestamp: expected an RFC 3339 date and time"},
		{"cdx xml vulnerability without id", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><vulnerabilities><vulnerability><affects><target><ref>x</ref></target></affects></vulnerability></vulnerabilities></bom>`, 0, "vulnerabilities[0]: expected an id naming the vulnerability"},
		{"csaf vulnerability without id", `{"document":{"category":"csaf_vex"},"vulnerabilities":[` + "\n" + `{"product_status":{"fixed":["CSAFPID-1"]}}]}`, 2, "vulnerabilities[0]: expected cve or ids[].text"},
		{"csaf bad release date", `{"document":{"category":"csaf_vex","tracking":{` + "\n" + `"current_release_date":"soon"}}}`, 2, "document.tracking.current_release_date: expected an RFC 3339"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := vex.Parse(source.New("vex.json", []byte(tt.data)))
			if err == nil {
				t.Fatalf("Parse accepted the input: %+v", doc)
			}
			se := asSourceError(t, err)
			if se.Path != "vex.json" {
				t.Errorf("error path %q", se.Path)
			}
			if !strings.Contains(se.Msg, tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if tt.line != 0 && se.Line != tt.line {
				t.Errorf("error %q at line %d, want line %d", err, se.Line, tt.line)
			}
		})
	}
}

// TestErrorPosition checks an exact line and column.
func TestErrorPosition(t *testing.T) {
	data := openVEXHead + "\n\"statements\":[\n  {\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"fixed\",\"products\":[\"p\", 5]}]}"
	_, err := vex.Parse(source.New("v.json", []byte(data)))
	se := asSourceError(t, err)
	want := `v.json:3:71: statements[0].products[1]: expected a string or an object with @id, found JSON number`
	if se.Error() != want {
		t.Errorf("error\n got  %s\n want %s", se, want)
	}
}

// FuzzParse checks that no input panics, that every error is a *source.Error,
// and that every document accepted is well formed.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/openvex-v0.2.json", "testdata/openvex-v0.0.1.json", "testdata/csaf-vex.json", "testdata/cyclonedx-vex.xml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/3])
	}
	for _, s := range []string{
		"",
		"{}",
		"[]",
		"null",
		openVEXHead + `"statements":[{"vulnerability":"CVE-1","products":["p"],"status":"not_affected"}]}`,
		openVEXHead + `"statements":[{"vulnerability":{"@id":"x"},"products":[{"identifiers":{"purl":"pkg:npm/a@1"},"subcomponents":["s"]}],"status":"x"}]}`,
		`{"bomFormat":"CycloneDX","components":[{"bom-ref":"a","purl":"pkg:npm/a@1","components":[{"bom-ref":"b"}]}],"vulnerabilities":[{"id":"CVE-1","analysis":{"state":"not_affected","justification":"code_not_present"},"affects":[{"ref":"a","versions":[{"version":"1"}]}]}]}`,
		`{"document":{"category":"csaf_vex"},"product_tree":{"product_groups":[{"group_id":"g","product_ids":["p"]}]},"vulnerabilities":[{"cve":"CVE-1","product_status":{"known_not_affected":["p","q"]},"flags":[{"label":"component_not_present","group_ids":["g"]}]}]}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><vulnerabilities><vulnerability><id>CVE-1</id></vulnerability></vulnerabilities></bom>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><bom/>`,
		"{\"@context\":\"https://openvex.dev/ns\",\"x\":\"\xff\"}",
		strings.Repeat("[", 600),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := vex.Parse(source.New("fuzz.json", data))
		if err != nil {
			asSourceError(t, err)
			return
		}
		checkInvariants(t, doc)
	})
}

// BenchmarkParseCycloneDX parses a CycloneDX VEX with 5,000 components and 5,000 vulnerabilities.
func BenchmarkParseCycloneDX(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"bom-ref":"c` + strconv.Itoa(i) + `","type":"library","name":"n","version":"1.0.0","purl":"pkg:npm/n` + strconv.Itoa(i) + `@1.0.0"}`)
	}
	sb.WriteString(`],"vulnerabilities":[`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"id":"CVE-2024-` + strconv.Itoa(i) + `","analysis":{"state":"not_affected","justification":"code_not_reachable","detail":"d"},"affects":[{"ref":"c` + strconv.Itoa(i) + `"}]}`)
	}
	sb.WriteString(`]}`)
	f := source.New("big.json", []byte(sb.String()))
	b.SetBytes(int64(len(f.Data)))
	for b.Loop() {
		doc, err := vex.Parse(f)
		if err != nil || len(doc.Statements) != 5000 {
			b.Fatalf("%v, %d statements", err, len(doc.Statements))
		}
	}
}
