package collect

import (
	"path"
	"testing"
)

// TestMatcherAgreesWithMatchAny holds the prepared matcher equal to matchAny
// (every glob through path.Match and Match) on the default globs of every kind
// and on globs whose last segment is literal, wild at either end, or uses ?, [ ]
// and escapes.
func TestMatcherAgreesWithMatchAny(t *testing.T) {
	globSets := [][]string{
		{"a*a", "x/**", "**", "docs/*.md", "**/bom.json", "**/TEST-*.xml", "**/junit*.xml"},
		{"**/f?le.json", "**/[bc]om.json", "**/\\*.json", "**/*.*.json", "**/*", "**/[", "build/*.sarif"},
	}
	for _, k := range Kinds {
		globSets = append(globSets, k.Globs)
	}
	paths := []string{
		"a", "aa", "aba", "x", "x/y", "bom.json", "src/bom.json", "src/com.json", "src/dom.json", "build/a.sarif",
		"build/x/a.sarif", "target/TEST-com.acme.FooTest.xml", "TEST-.xml", "junit.xml", "out/junit-report.xml",
		"file.json", "x/fxle.json", "*.json", "x/*.json", "a.b.json", "sbom.cdx.json", "docs/a.md", "docs/x/a.md",
		"vex/a/b.json", "vex/a.json", "build/surveillance.json", "checksec.json", "gitleaks-report.json", "[",
		"release/1.0/provenance.intoto.jsonl", "x/trivy.json", "bom.xml", "a.spdx", "a.spdx.json", ".json",
	}
	for _, globs := range globSets {
		m := newMatcher(globs)
		for _, p := range paths {
			if got, want := m.match(p), matchAny(globs, p); got != want {
				t.Errorf("globs %q, path %q: matcher %v, matchAny %v", globs, p, got, want)
			}
		}
	}
	if _, err := path.Match("[", "x"); err == nil {
		t.Fatal("expected [ to be a bad pattern")
	}
}
