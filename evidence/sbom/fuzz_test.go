package sbom_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/sbom"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// FuzzParse checks that no input makes Parse panic, that every error is a
// *source.Error naming the file, and that every result is well formed.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{cdx12, cdx16, cdx16XML, spdx22, spdx22TV} {
		f.Add([]byte(seed))
		f.Add([]byte(seed[:len(seed)/2])) // truncated
	}
	for _, tc := range hostile {
		if len(tc.data) < 4096 {
			f.Add([]byte(tc.data))
		}
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"tools":{"components":[{"name":"x"}]}},"components":[{"name":"a","components":[{"name":"b","purl":"pkg:"}]}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","documentDescribes":["SPDXRef-a"],"packages":[{"SPDXID":"SPDXRef-a","name":"a","supplier":"x"}]}`))
	f.Add([]byte("SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.2"><components><component type="library"><name>a</name><licenses><expression>MIT</expression></licenses></component></components><dependencies><dependency ref="a"><dependency ref="b"/></dependency></dependencies></bom>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := sbom.Parse(source.New("fuzz.sbom", data))
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *source.Error: %v", err, err)
			}
			if se.Path != "fuzz.sbom" || se.Msg == "" {
				t.Fatalf("error without path or message: %#v", se)
			}
			return
		}
		if s.Format != sbom.FormatCycloneDX && s.Format != sbom.FormatSPDX {
			t.Fatalf("format %q", s.Format)
		}
		if s.SpecVersion == "" || s.MediaType == "" || !strings.HasPrefix(s.Path, "fuzz") {
			t.Fatalf("incomplete result: %+v", s.FileRef)
		}
		if s.Authors == nil || s.Tools == nil || s.Components == nil || s.Dependencies == nil || s.Properties == nil {
			t.Fatal("nil slice in result")
		}
		for _, c := range s.Components {
			if c.Hashes == nil || c.Licenses == nil || c.Properties == nil {
				t.Fatalf("nil slice in component %+v", c)
			}
		}
		for _, d := range s.Dependencies {
			if d.DependsOn == nil {
				t.Fatalf("nil depends_on in %+v", d)
			}
		}
	})
}
