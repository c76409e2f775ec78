package sarif_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/sarif"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// bigSARIF generates a CodeQL-shaped log with n results over 200 rules.
func bigSARIF(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"CodeQL","semanticVersion":"2.19.3","rules":[`)
	for i := 0; i < 200; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"js/rule-%d","name":"js/rule-%d","shortDescription":{"text":"Rule %d"},"defaultConfiguration":{"enabled":true,"level":"error"},"properties":{"tags":["security","external/cwe/cwe-%03d"],"precision":"high","security-severity":"%d.%d"}}`, i, i, i, i, i%10, i%7)
	}
	b.WriteString(`]}},"originalUriBaseIds":{"%SRCROOT%":{"uri":"file:///home/runner/work/app/app/"}},"results":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		r := i % 200
		fmt.Fprintf(&b, `{"ruleId":"js/rule-%d","ruleIndex":%d,"message":{"text":"This value flows from a [user-provided value](1) to a sink at line %d."},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/module%d/file%d.js","uriBaseId":"%%SRCROOT%%","index":%d},"region":{"startLine":%d,"startColumn":5,"endColumn":42}}}],"partialFingerprints":{"primaryLocationLineHash":"%016x:1","primaryLocationStartColumnFingerprint":"4"}`, r, r, i, i%50, i%97, i%1000, i%3000+1, i*7919)
		if i%10 == 0 {
			b.WriteString(`,"suppressions":[{"kind":"inSource","justification":"input is validated by the schema"}]`)
		}
		if i%3 == 0 {
			b.WriteString(`,"level":"warning","properties":{"security-severity":"5.3"}`)
		}
		b.WriteByte('}')
	}
	b.WriteString(`]}]}`)
	return b.Bytes()
}

func BenchmarkParseSARIF50000(b *testing.B) {
	data := bigSARIF(50000)
	b.SetBytes(int64(len(data)))
	f := source.New("big.sarif", data)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := sarif.Parse(f)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Results) != 50000 {
			b.Fatalf("results = %d", len(rep.Results))
		}
	}
}
