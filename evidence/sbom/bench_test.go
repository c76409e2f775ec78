package sbom_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/sbom"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// cycloneDXOf returns a CycloneDX 1.5 JSON BOM with n components, each with a
// purl, two hashes, a licence and two properties, and a dependency graph.
func cycloneDXOf(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:00000000-0000-4000-8000-000000000000","version":1,`)
	b.WriteString(`"metadata":{"timestamp":"2024-01-01T00:00:00Z","tools":{"components":[{"type":"application","name":"gen","version":"1"}]},`)
	b.WriteString(`"component":{"type":"application","bom-ref":"app","name":"app","version":"1.0.0"}},"components":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"library","bom-ref":"pkg:npm/pkg-%d@1.%d.0","name":"pkg-%d","version":"1.%d.0",`+
			`"purl":"pkg:npm/pkg-%d@1.%d.0","supplier":{"name":"Supplier %d"},`+
			`"hashes":[{"alg":"SHA-256","content":"%064x"},{"alg":"SHA-1","content":"%040x"}],`+
			`"licenses":[{"license":{"id":"MIT"}}],`+
			`"properties":[{"name":"cdx:npm:package:path","value":"node_modules/pkg-%d"},{"name":"cdx:fda:level","value":"B"}]}`,
			i, i, i, i, i, i, i, i, i, i)
	}
	b.WriteString(`],"dependencies":[{"ref":"app","dependsOn":[`)
	for i := 0; i < n; i += 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"pkg:npm/pkg-%d@1.%d.0"`, i, i)
	}
	b.WriteString(`]}`)
	for i := 0; i+1 < n; i++ {
		fmt.Fprintf(&b, `,{"ref":"pkg:npm/pkg-%d@1.%d.0","dependsOn":["pkg:npm/pkg-%d@1.%d.0"]}`, i, i, i+1, i+1)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func TestGeneratedBOM(t *testing.T) {
	s, err := sbom.Parse(source.New("gen.json", cycloneDXOf(5000)))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Components) != 5000 || len(s.Dependencies) != 5000 {
		t.Fatalf("%d components, %d dependencies", len(s.Components), len(s.Dependencies))
	}
	direct := 0
	for _, c := range s.Components {
		if c.Direct != nil && *c.Direct {
			direct++
		}
	}
	if direct != 500 {
		t.Errorf("%d direct, want 500", direct)
	}
	c := s.Components[4321]
	if c.Name != "pkg-4321" || c.Ecosystem != "npm" || c.Supplier != "Supplier 4321" || len(c.Hashes) != 2 || len(c.Properties) != 2 {
		t.Errorf("component 4321 = %+v", c)
	}
}

func BenchmarkParseCycloneDX5000(b *testing.B) {
	data := cycloneDXOf(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sbom.Parse(source.New("bench.json", data)); err != nil {
			b.Fatal(err)
		}
	}
}
