package junit_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/junit"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// bigJUnit generates a pytest-shaped report of n cases in suites of 100, one in
// ten with properties naming requirements and threats, one in twenty failing
// with a stack trace, one in fifty skipped.
func bigJUnit(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<testsuites name="pytest tests">` + "\n")
	trace := bytes.Repeat([]byte("    at com.example.pump.Module.method(Module.java:42)\n"), 20)
	for i := 0; i < n; i++ {
		if i%100 == 0 {
			if i > 0 {
				b.WriteString("  </testsuite>\n")
			}
			fmt.Fprintf(&b, `  <testsuite name="suite%d" errors="0" failures="5" skipped="2" tests="100" time="1.234" timestamp="2024-05-14T10:21:33" hostname="runner">`+"\n", i/100)
		}
		fmt.Fprintf(&b, `    <testcase classname="tests.module%d.TestClass%d" name="test_behaviour_%d" file="tests/module%d/test_x.py" line="%d" time="0.%03d">`, i/1000, i/100, i, i/1000, i%500+1, i%1000)
		if i%10 == 0 {
			fmt.Fprintf(&b, `<properties><property name="requirement" value="SEC-REQ-%03d"/><property name="threat" value="THR-%03d"/></properties>`, i%300, i%40)
		}
		switch {
		case i%20 == 1:
			fmt.Fprintf(&b, "<failure message=\"assert %d == %d\">%s</failure>", i, i+1, trace)
		case i%50 == 2:
			b.WriteString(`<skipped type="pytest.skip" message="no HSM available">tests/x.py:3: no HSM available</skipped>`)
		}
		b.WriteString("</testcase>\n")
	}
	b.WriteString("  </testsuite>\n</testsuites>\n")
	return b.Bytes()
}

func BenchmarkParseJUnit20000(b *testing.B) {
	data := bigJUnit(20000)
	f := source.New("big.xml", data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := junit.Parse(f)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Cases) != 20000 {
			b.Fatalf("cases = %d", len(rep.Cases))
		}
	}
}
