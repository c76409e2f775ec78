// Package benchgen generates a large repository with large build reports, the
// input of mdrgate's speed and memory benchmarks.
package benchgen

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Size is how large the generated repository is.
type Size struct {
	Files      int // files in the tree, reports included
	Components int // SBOM components
	Results    int // SARIF results
	Cases      int // JUnit test cases
}

// Issue is the size the check spine's benchmark target names.
var Issue = Size{Files: 20000, Components: 5000, Results: 50000, Cases: 20000}

// Generate writes the repository into dir, which must exist.
func Generate(dir string, s Size) error {
	w := &writer{dir: dir}
	w.file("SECURITY.md", "# Security policy\n\nReport vulnerabilities to <mailto:security@example.com> or https://example.com/security.\n\n## Scope\nAll supported versions.\n\n## Response\nWe acknowledge reports within 3 business days.\n\n## Disclosure\nWe follow coordinated disclosure and publish advisories.\n")
	w.file(".github/workflows/ci.yml", "name: ci\non: [pull_request]\npermissions: read-all\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8\n      - run: make test\n")
	w.file("go.mod", "module example.com/big\n\ngo 1.26\n")
	w.file("go.sum", "")
	w.file(".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n    schedule: {interval: weekly}\n  - package-ecosystem: github-actions\n    directory: /\n    schedule: {interval: weekly}\n")
	w.sbom(s.Components)
	w.sarif(s.Results)
	w.junit(s.Cases)
	for i := 0; w.count < s.Files; i++ {
		if i%50 == 0 {
			w.file(fmt.Sprintf("docs/area%03d/notes-%05d.md", i/500, i), fmt.Sprintf("---\nid: DOC-%d\nlast_reviewed: 2026-10-01\n---\n# Notes %d\n\n## Section\ntext\n", i, i))
			continue
		}
		w.file(fmt.Sprintf("src/mod%03d/sub%02d/file%05d.c", i/400, (i/20)%20, i), fmt.Sprintf("/* file %d */\nint f%d(void) { return %d; }\n", i, i, i))
	}
	return w.err
}

type writer struct {
	dir   string
	count int
	err   error
}

func (w *writer) create(rel string) (*os.File, *bufio.Writer) {
	if w.err != nil {
		return nil, nil
	}
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.err = err
		return nil, nil
	}
	f, err := os.Create(p)
	if err != nil {
		w.err = err
		return nil, nil
	}
	w.count++
	return f, bufio.NewWriterSize(f, 1<<16)
}

func (w *writer) done(f *os.File, b *bufio.Writer) {
	if f == nil {
		return
	}
	if err := b.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	if err := f.Close(); err != nil && w.err == nil {
		w.err = err
	}
}

func (w *writer) file(rel, content string) {
	f, b := w.create(rel)
	if f == nil {
		return
	}
	b.WriteString(content)
	w.done(f, b)
}

func (w *writer) sbom(n int) {
	f, b := w.create("build/sbom.cdx.json")
	if f == nil {
		return
	}
	defer w.done(f, b)
	fmt.Fprint(b, `{"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,"metadata":{"timestamp":"2026-11-01T00:00:00Z","tools":{"components":[{"type":"application","name":"benchgen","version":"1"}]},"authors":[{"name":"Bench"}],"component":{"bom-ref":"root","type":"application","name":"big","version":"1.0.0","supplier":{"name":"Example"}}},"components":[`)
	deps := make([]string, 0, n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		ref := fmt.Sprintf("pkg:npm/lib%05d@1.%d.0", i, i%10)
		deps = append(deps, fmt.Sprintf("%q", ref))
		fmt.Fprintf(b, `{"bom-ref":%q,"type":"library","name":"lib%05d","version":"1.%d.0","purl":%q,"supplier":{"name":"Vendor %d"},"hashes":[{"alg":"SHA-256","content":"%064x"}],"licenses":[{"license":{"id":"MIT"}}],"properties":[{"name":"cdx:fda:level-of-support","value":"actively-maintained"},{"name":"cdx:fda:end-of-support-date","value":"2030-01-01"}]}`, ref, i, i%10, ref, i%97, i)
	}
	fmt.Fprintf(b, `],"dependencies":[{"ref":"root","dependsOn":[%s]}]}`, strings.Join(deps, ","))
}

func (w *writer) sarif(n int) {
	f, b := w.create("build/sast.sarif")
	if f == nil {
		return
	}
	defer w.done(f, b)
	fmt.Fprint(b, `{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"benchlint","rules":[{"id":"R1","defaultConfiguration":{"level":"note"},"properties":{"security-severity":"2.0"}}]}},"results":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"ruleId":"R1","level":"note","message":{"text":"finding %d"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/mod%03d/file%05d.c"},"region":{"startLine":%d}}}]}`, i, i%50, i%20000, 1+i%300)
	}
	fmt.Fprint(b, `]}]}`)
}

func (w *writer) junit(n int) {
	f, b := w.create("build/junit.xml")
	if f == nil {
		return
	}
	defer w.done(f, b)
	fmt.Fprintf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"bench\" tests=\"%d\" failures=\"0\" errors=\"0\" skipped=\"0\">\n", n)
	for i := 0; i < n; i++ {
		fmt.Fprintf(b, "  <testcase classname=\"bench.Suite%d\" name=\"test_%d\" time=\"0.001\"/>\n", i%100, i)
	}
	fmt.Fprint(b, "</testsuite>\n")
}
