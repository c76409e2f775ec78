// Package collect gathers the evidence document: it runs the repository collector,
// finds build reports by configured globs or explicit paths, parses each with the
// parser registered for its kind, and records the context of the run.
package collect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/hardening"
	"github.com/mdrgate/mdrgate/evidence/junit"
	"github.com/mdrgate/mdrgate/evidence/provenance"
	"github.com/mdrgate/mdrgate/evidence/repo"
	"github.com/mdrgate/mdrgate/evidence/sarif"
	"github.com/mdrgate/mdrgate/evidence/sbom"
	"github.com/mdrgate/mdrgate/evidence/secret"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/evidence/surveillance"
	"github.com/mdrgate/mdrgate/evidence/vex"
	"github.com/mdrgate/mdrgate/evidence/vuln"
)

// Kind is one kind of build evidence: how to find it by default and how to parse it.
type Kind struct {
	// Description names the formats accepted, for help texts and errors.
	Description string
	// Globs are the default globs, relative to the repository root.
	Globs []string
	// Add parses a file and adds what it holds to the document. Unless the kind
	// is Sequential, Add only appends to the lists of d.Build, and is given an
	// empty scratch document: files are parsed concurrently.
	Add func(f *source.File, d *evidence.Document) error
	// Sequential kinds are added to the document itself, in order, after the
	// other kinds' files are parsed: their Add reads what was added before.
	Sequential bool
}

// Kinds is the registry of build evidence kinds. Adding a kind touches this map only.
var Kinds = map[string]Kind{
	"sbom": {
		Description: "CycloneDX (JSON, XML) or SPDX (JSON, tag-value) SBOM",
		Globs:       []string{"**/*.cdx.json", "**/*.cdx.xml", "**/bom.json", "**/bom.xml", "**/*.spdx.json", "**/*.spdx"},
		Add: func(f *source.File, d *evidence.Document) error {
			s, err := sbom.Parse(f)
			d.Build.SBOMs = append(d.Build.SBOMs, s)
			return err
		},
	},
	"sarif": {
		Description: "SARIF 2.1.0 static-analysis report",
		Globs:       []string{"**/*.sarif", "**/*.sarif.json"},
		Add: func(f *source.File, d *evidence.Document) error {
			s, err := sarif.Parse(f)
			d.Build.SARIF = append(d.Build.SARIF, s)
			return err
		},
	},
	"junit": {
		Description: "JUnit XML test report (Surefire, pytest, go-junit-report, jest-junit)",
		Globs:       []string{"**/TEST-*.xml", "**/junit*.xml", "**/*.junit.xml"},
		Add: func(f *source.File, d *evidence.Document) error {
			t, err := junit.Parse(f)
			d.Build.Tests = append(d.Build.Tests, t)
			return err
		},
	},
	"vulns": {
		Description: "vulnerability scan (Grype, Trivy or OSV-Scanner JSON)",
		Globs:       []string{"**/grype*.json", "**/trivy*.json", "**/osv-scanner*.json"},
		Add: func(f *source.File, d *evidence.Document) error {
			v, err := vuln.Parse(f)
			d.Build.Vulnerabilities = append(d.Build.Vulnerabilities, v)
			return err
		},
	},
	"vex": {
		Description: "VEX document (OpenVEX, CycloneDX VEX or CSAF 2.0)",
		Globs:       []string{"**/*.openvex.json", "**/*.vex.json", "**/*.vex.cdx.json", "**/*.csaf.json", "vex/**/*.json"},
		Add: func(f *source.File, d *evidence.Document) error {
			v, err := vex.Parse(f)
			d.Build.VEX = append(d.Build.VEX, v)
			return err
		},
	},
	"provenance": {
		Description: "build provenance (in-toto Statement, DSSE envelope, Sigstore bundle or .intoto.jsonl)",
		Globs:       []string{"**/*.intoto.jsonl", "**/*.intoto.json", "**/provenance*.json"},
		Add: func(f *source.File, d *evidence.Document) error {
			p, err := provenance.Parse(f)
			d.Build.Provenance = append(d.Build.Provenance, p...)
			return err
		},
	},
	"surveillance": {
		Description: "post-market surveillance result (mdrgate surveil -o json); at most one",
		Globs:       []string{"**/surveillance*.json"},
		Add:         surveillance.Add,
		// At most one: Add fails on a second.
		Sequential: true,
	},
	"secrets": {
		Description: "secret-scan report (gitleaks or trufflehog JSON), redacted on reading",
		Globs:       []string{"**/gitleaks*.json", "**/trufflehog*.json"},
		Add: func(f *source.File, d *evidence.Document) error {
			s, err := secret.Parse(f)
			d.Build.Secrets = append(d.Build.Secrets, s)
			return err
		},
	},
	"hardening": {
		Description: "binary hardening report (checksec.sh, checksec 3.x or checksec.py JSON)",
		Globs:       []string{"**/checksec*.json"},
		Add: func(f *source.File, d *evidence.Document) error {
			h, err := hardening.Parse(f)
			d.Build.Hardening = append(d.Build.Hardening, h)
			return err
		},
	},
}

// Names returns the evidence kinds, sorted.
func Names() []string {
	out := make([]string, 0, len(Kinds))
	for k := range Kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Input is a build report named explicitly (--evidence KIND=PATH).
type Input struct {
	Kind string
	Path string
}

// ParseInput parses "KIND=PATH".
func ParseInput(s string) (Input, error) {
	kind, p, ok := strings.Cut(s, "=")
	if !ok || kind == "" || p == "" {
		return Input{}, fmt.Errorf("invalid --evidence %q: expected KIND=PATH with KIND one of %s", s, strings.Join(Names(), ", "))
	}
	if _, ok := Kinds[kind]; !ok {
		return Input{}, fmt.Errorf("invalid --evidence kind %q: valid kinds are %s", kind, strings.Join(Names(), ", "))
	}
	return Input{Kind: kind, Path: p}, nil
}

// Options says what to collect.
type Options struct {
	// Dir is the repository (or a folder inside one) to collect from.
	Dir string
	// Globs override the default globs per kind; a kind absent here uses its defaults.
	Globs map[string][]string
	// Inputs are build reports named explicitly; they are read in addition to globs.
	Inputs []Input
	// DocumentGlobs override the repository collector's document globs.
	DocumentGlobs []string
	// WatchedPaths are extra paths whose last-commit time to record.
	WatchedPaths []string
	MaxFileSize  int64
	MaxCommits   int
	Event        string
	Product      evidence.Product
	Waivers      []evidence.Waiver
	Generator    evidence.Generator
	// Now returns the collection time; time.Now when nil.
	Now func() time.Time
	// Getenv reads the CI environment; os.Getenv when nil.
	Getenv func(string) string
}

// Collect builds the evidence document.
func Collect(ctx context.Context, o Options) (*evidence.Document, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	fi, err := os.Stat(o.Dir)
	if err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory: expected the repository to check", o.Dir)
	}
	doc := &evidence.Document{
		Schema:    evidence.Schema,
		Generator: o.Generator,
		Context:   Context(o.Event, o.Now(), o.Getenv),
		Product:   o.Product,
		Build:     emptyBuild(),
		Artefacts: []evidence.Artefact{},
		Waivers:   o.Waivers,
		Inputs:    []evidence.FileRef{},
		Warnings:  []evidence.Warning{},
	}
	if doc.Waivers == nil {
		doc.Waivers = []evidence.Waiver{}
	}
	r, warnings, err := repo.Collect(ctx, o.Dir, repo.Options{
		DocumentGlobs: o.DocumentGlobs,
		WatchedPaths:  o.WatchedPaths,
		MaxCommits:    o.MaxCommits,
		MaxFileSize:   o.MaxFileSize,
	})
	if err != nil {
		return nil, err
	}
	doc.Repo = r
	doc.Warnings = append(doc.Warnings, warnings...)
	if doc.Context.Commit == "" && r.Git != nil {
		doc.Context.Commit = r.Git.Head
	}
	if doc.Context.Ref == "" && r.Git != nil && r.Git.Branch != "" {
		doc.Context.Ref = "refs/heads/" + r.Git.Branch
	}

	type job struct {
		kind, path, display string
	}
	var jobs []job
	seen := map[string]bool{}
	var excluded []bool // by file, computed once for every kind
	for _, kind := range Names() {
		globs, configured := o.Globs[kind]
		if !configured || len(globs) == 0 {
			globs = Kinds[kind].Globs
		}
		if !configured && excluded == nil {
			excluded = make([]bool, len(r.Files))
			for i, fe := range r.Files {
				excluded[i] = inExcludedDir(fe.Path)
			}
		}
		m := newMatcher(globs)
		for i, fe := range r.Files {
			// Default globs skip test fixtures and vendored trees: a fixture SBOM
			// must not stand in for the product's. Configured globs are taken as given.
			if !configured && excluded[i] {
				continue
			}
			if m.match(fe.Path) && !seen[kind+"\x00"+fe.Path] {
				seen[kind+"\x00"+fe.Path] = true
				jobs = append(jobs, job{kind, filepath.Join(o.Dir, filepath.FromSlash(fe.Path)), fe.Path})
			}
		}
	}
	absDir, _ := filepath.Abs(o.Dir)
	for _, in := range o.Inputs {
		display := in.Path
		if abs, err := filepath.Abs(in.Path); err == nil {
			if rel, err := filepath.Rel(absDir, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				display = filepath.ToSlash(rel)
			}
		}
		if seen[in.Kind+"\x00"+display] {
			continue
		}
		seen[in.Kind+"\x00"+display] = true
		jobs = append(jobs, job{in.Kind, in.Path, display})
	}
	// Reports are read and parsed concurrently, each into a scratch build that
	// is appended in job order: the document and the error (the first failing
	// job's) are those of reading them one after another.
	read := func(j job, d *evidence.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := source.Read(j.path, j.display, o.MaxFileSize)
		if err != nil {
			return err
		}
		if err := Kinds[j.kind].Add(f, d); err != nil {
			var se *source.Error
			if errors.As(err, &se) {
				return fmt.Errorf("reading %s evidence: %w", j.kind, err)
			}
			return fmt.Errorf("reading %s evidence: %s: %w", j.kind, j.display, err)
		}
		return nil
	}
	type scratch struct {
		build evidence.Build
		err   error
	}
	scratches := make([]scratch, len(jobs))
	var next atomic.Int64
	var failed atomic.Int64 // the lowest failing job; later jobs need not run
	failed.Store(int64(len(jobs)))
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				if Kinds[jobs[i].kind].Sequential || int64(i) > failed.Load() {
					continue
				}
				d := &evidence.Document{}
				err := read(jobs[i], d)
				scratches[i] = scratch{d.Build, err}
				for err != nil {
					f := failed.Load()
					if int64(i) >= f || failed.CompareAndSwap(f, int64(i)) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for i, j := range jobs {
		if Kinds[j.kind].Sequential {
			if err := read(j, doc); err != nil {
				return nil, err
			}
			continue
		}
		if err := scratches[i].err; err != nil {
			return nil, err
		}
		appendBuild(&doc.Build, &scratches[i].build)
		scratches[i] = scratch{}
	}
	roots := []string{absDir}
	if ws := o.Getenv("GITHUB_WORKSPACE"); ws != "" {
		roots = append(roots, ws)
	}
	relativise(&doc.Build, roots)
	sortBuild(&doc.Build)
	doc.Inputs = inputs(doc)
	return doc, nil
}

// relativise rewrites absolute paths inside reports (SARIF tools often resolve
// %SRCROOT% to the CI workspace) to paths relative to the repository, so that
// violations and code-scanning annotations point at repository files.
func relativise(b *evidence.Build, roots []string) {
	rel := func(p string) string {
		if !strings.HasPrefix(p, "/") {
			return p
		}
		for _, r := range roots {
			r = filepath.ToSlash(r)
			if r != "" && strings.HasPrefix(p, strings.TrimSuffix(r, "/")+"/") {
				return strings.TrimPrefix(p, strings.TrimSuffix(r, "/")+"/")
			}
		}
		return p
	}
	for i := range b.SARIF {
		for j := range b.SARIF[i].Results {
			b.SARIF[i].Results[j].Path = rel(b.SARIF[i].Results[j].Path)
		}
	}
	for i := range b.Secrets {
		for j := range b.Secrets[i].Findings {
			b.Secrets[i].Findings[j].Path = rel(b.Secrets[i].Findings[j].Path)
		}
	}
	for i := range b.Tests {
		for j := range b.Tests[i].Cases {
			b.Tests[i].Cases[j].File = rel(b.Tests[i].Cases[j].File)
		}
	}
}

// appendBuild appends every list of from to the same list of to.
func appendBuild(to, from *evidence.Build) {
	t, f := reflect.ValueOf(to).Elem(), reflect.ValueOf(from).Elem()
	for i := 0; i < t.NumField(); i++ {
		if f.Field(i).Len() > 0 {
			t.Field(i).Set(reflect.AppendSlice(t.Field(i), f.Field(i)))
		}
	}
}

func emptyBuild() evidence.Build {
	return evidence.Build{
		SBOMs: []evidence.SBOM{}, SARIF: []evidence.SARIFReport{}, Tests: []evidence.TestReport{},
		Vulnerabilities: []evidence.VulnReport{}, VEX: []evidence.VEXDocument{},
		Provenance: []evidence.Provenance{}, Secrets: []evidence.SecretReport{},
		Hardening: []evidence.HardeningReport{},
	}
}

func sortBuild(b *evidence.Build) {
	sort.SliceStable(b.SBOMs, func(i, j int) bool { return b.SBOMs[i].Path < b.SBOMs[j].Path })
	sort.SliceStable(b.SARIF, func(i, j int) bool { return b.SARIF[i].Path < b.SARIF[j].Path })
	sort.SliceStable(b.Tests, func(i, j int) bool { return b.Tests[i].Path < b.Tests[j].Path })
	sort.SliceStable(b.Vulnerabilities, func(i, j int) bool { return b.Vulnerabilities[i].Path < b.Vulnerabilities[j].Path })
	sort.SliceStable(b.VEX, func(i, j int) bool { return b.VEX[i].Path < b.VEX[j].Path })
	sort.SliceStable(b.Provenance, func(i, j int) bool { return b.Provenance[i].Path < b.Provenance[j].Path })
	sort.SliceStable(b.Secrets, func(i, j int) bool { return b.Secrets[i].Path < b.Secrets[j].Path })
}

// inputs lists every file the document was read from, once, sorted by path.
func inputs(doc *evidence.Document) []evidence.FileRef {
	m := map[string]evidence.FileRef{}
	add := func(f evidence.FileRef) {
		if f.Path != "" {
			m[f.Path] = f
		}
	}
	if r := doc.Repo; r != nil {
		for _, d := range r.Documents {
			add(d.FileRef)
		}
		if r.Codeowners != nil {
			add(r.Codeowners.FileRef)
		}
		for _, w := range r.Workflows {
			add(w.FileRef)
		}
		for _, a := range r.Actions {
			add(a.FileRef)
		}
		for _, d := range r.Dockerfiles {
			add(d.FileRef)
		}
		for _, u := range r.UpdateTools {
			add(u.FileRef)
		}
	}
	b := doc.Build
	for _, x := range b.SBOMs {
		add(x.FileRef)
	}
	for _, x := range b.SARIF {
		add(x.FileRef)
	}
	for _, x := range b.Tests {
		add(x.FileRef)
	}
	for _, x := range b.Vulnerabilities {
		add(x.FileRef)
	}
	for _, x := range b.VEX {
		add(x.FileRef)
	}
	for _, x := range b.Provenance {
		add(x.FileRef)
	}
	for _, x := range b.Secrets {
		add(x.FileRef)
	}
	if doc.Surveillance != nil {
		add(doc.Surveillance.FileRef)
	}
	out := make([]evidence.FileRef, 0, len(m))
	for _, f := range m {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ExcludedDirs are the folders default evidence globs never look into.
// Build reports do not live in documentation or example folders either: an
// example report there must not stand in for a missing build report.
var ExcludedDirs = []string{"node_modules", "testdata", "test-fixtures", "fixtures", "vendor", "third_party", "examples", "example", "samples", "sample", "docs"}

func inExcludedDir(p string) bool {
	segs := strings.Split(p, "/")
	for _, seg := range segs[:len(segs)-1] {
		for _, x := range ExcludedDirs {
			if seg == x {
				return true
			}
		}
	}
	return false
}

// Match reports whether a slash-separated path matches a glob in which "**"
// stands for any number of path segments.
func Match(glob, p string) bool {
	return matchSegs(strings.Split(glob, "/"), strings.Split(p, "/"))
}

func matchSegs(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for i := 0; i <= len(p); i++ {
				if matchSegs(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := path.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return len(p) == 0
}

// matcher is matchAny for a list of globs, with each glob's last segment
// prepared: the literal text before its first * and after its last * rule out
// most file names without path.Match (a repository has tens of thousands).
type matcher struct {
	globs []globInfo
}

type globInfo struct {
	glob, last string
	// literal is true when last has no wildcard: it matches only itself.
	literal bool
	// quick is true when last has no ?, [ or \: prefix and suffix then bound
	// what it matches.
	quick          bool
	prefix, suffix string
}

func newMatcher(globs []string) *matcher {
	m := &matcher{}
	for _, g := range globs {
		gi := globInfo{glob: g, last: g[strings.LastIndexByte(g, '/')+1:]}
		if gi.last != "**" && !strings.ContainsAny(gi.last, "?[\\") {
			if i := strings.IndexByte(gi.last, '*'); i < 0 {
				gi.literal = true
			} else {
				gi.quick = true
				gi.prefix, gi.suffix = gi.last[:i], gi.last[strings.LastIndexByte(gi.last, '*')+1:]
			}
		}
		m.globs = append(m.globs, gi)
	}
	return m
}

// match is matchAny(globs, p).
func (m *matcher) match(p string) bool {
	base := p[strings.LastIndexByte(p, '/')+1:]
	for _, g := range m.globs {
		switch {
		case g.literal:
			if base != g.last {
				continue
			}
		case g.quick:
			if !strings.HasPrefix(base, g.prefix) || !strings.HasSuffix(base, g.suffix) {
				continue
			}
			if ok, _ := path.Match(g.last, base); !ok {
				continue
			}
		case g.last != "**":
			if ok, _ := path.Match(g.last, base); !ok {
				continue
			}
		}
		if Match(g.glob, p) {
			return true
		}
	}
	return false
}

func matchAny(globs []string, p string) bool {
	base := p[strings.LastIndexByte(p, '/')+1:]
	for _, g := range globs {
		// The last segment of a glob matches the file name alone (unless it is
		// **): checking it first spares the full match for almost every file.
		last := g[strings.LastIndexByte(g, '/')+1:]
		if last != "**" {
			if ok, _ := path.Match(last, base); !ok {
				continue
			}
		}
		if Match(g, p) {
			return true
		}
	}
	return false
}
