// Package repo collects the repository evidence (files index, documents,
// CODEOWNERS, workflows, local actions, manifests, Dockerfiles, update tools and
// git history) from a working tree.
//
// What counts as a document is set by Options.DocumentGlobs; DefaultDocumentGlobs
// lists the default. Parsed files are read through source.Read, so each carries its
// sha256; the files index only lists paths and sizes, so indexing stays fast on
// large trees.
//
// Input that GitHub itself would reject stops collection with a *source.Error: a
// workflow under .github/workflows or a dependabot configuration that is not valid
// YAML or has the wrong shape, a local action GitHub would reject (see
// collectActions), a renovate JSON configuration that is not valid
// JSON, a CODEOWNERS file that is not UTF-8; so does a workflow, CODEOWNERS,
// Dockerfile or update-tool file that cannot be read (larger than
// Options.MaxFileSize, say). Input that can be skipped safely becomes an
// evidence.Warning: a symbolic link that leaves the directory or points into .git
// (it is never read: a link to .git/config could otherwise copy a CI token into
// the evidence), a document that cannot be read. A document whose front matter is
// broken is still a document; the reason, with its line, is in
// Doc.FrontMatterError.
//
// Git history is read with go-git from the repository holding the directory, which
// may be a subfolder of it (paths are then relative to the subfolder). Commit
// times are committer times in UTC; commits are listed newest first by committer
// time. A path's time in Git.PathTimes is that of the newest listed commit whose
// tree differs from its first parent's at that path (for a folder or glob, at any
// file below it); a root commit, and the oldest commit of a shallow clone, count
// as adding every file. A path that no listed commit touched (untracked, or older
// than Options.MaxCommits commits) has no entry.
package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// Default limits.
const (
	DefaultMaxCommits   = 1000
	DefaultMaxTextBytes = 256 << 10
)

// Media types of the parsed files.
const (
	MediaMarkdown   = "text/markdown"
	MediaYAML       = "application/yaml"
	MediaJSON       = "application/json"
	MediaJSON5      = "application/json5"
	MediaText       = "text/plain"
	MediaDockerfile = "text/x-dockerfile"
)

// DefaultDocumentGlobs selects the documents when Options.DocumentGlobs is nil:
// markdown at the root, under .github and under docs; YAML under docs,
// requirements and release; and YAML at the root except dot-files and the
// well-known tool files listed with "!" (an entry starting with "!" excludes what
// it matches).
var DefaultDocumentGlobs = []string{
	"*.md",
	".github/**/*.md",
	"docs/**/*.md",
	"docs/**/*.yaml",
	"docs/**/*.yml",
	"requirements/**/*.yaml",
	"requirements/**/*.yml",
	"release/**/*.yaml",
	"release/**/*.yml",
	"*.yaml",
	"*.yml",
	"!.*",
	"!action.yaml",
	"!action.yml",
	"!*compose*.yaml",
	"!*compose*.yml",
	"!mkdocs.yaml",
	"!mkdocs.yml",
	"!codecov.yaml",
	"!codecov.yml",
	"!pnpm-lock.yaml",
	"!pnpm-workspace.yaml",
}

// Options configures Collect. The zero value uses the defaults.
type Options struct {
	// DocumentGlobs selects the files parsed as documents (markdown or YAML by
	// extension), relative to the directory. `**` matches any number of path
	// segments; an entry starting with "!" excludes. DefaultDocumentGlobs when nil.
	DocumentGlobs []string
	// WatchedPaths are extra paths (files or folders, globs allowed) whose last
	// commit is recorded in Git.PathTimes, under the path as written (cleaned).
	WatchedPaths []string
	// MaxCommits limits the commits read from HEAD; DefaultMaxCommits when <= 0.
	MaxCommits int
	// MaxFileSize limits each parsed file; source.DefaultMaxSize when <= 0.
	MaxFileSize int64
	// MaxTextBytes limits Doc.Text; DefaultMaxTextBytes when <= 0.
	MaxTextBytes int
}

// file is one entry of the files index.
type file struct {
	rel  string // relative to the directory, forward slashes
	abs  string // what to read: the file, or the resolved target of a symlink
	size int64
}

// collector holds the state of one Collect call.
type collector struct {
	ctx      context.Context
	opts     Options
	docs     globSet
	watched  []target
	files    []file
	byPath   map[string]*file
	warnings []evidence.Warning
	// workspaces caches workspace-root checks by "ecosystem:dir".
	workspaces map[string]bool
}

// Collect reads the repository evidence from the working tree at dir and, when dir
// lies in a git repository, from its history. It returns a *source.Error for input
// that cannot be accepted (see the package documentation), and other errors for
// bad options or I/O failures.
func Collect(ctx context.Context, dir string, opts Options) (*evidence.Repo, []evidence.Warning, error) {
	if opts.DocumentGlobs == nil {
		opts.DocumentGlobs = DefaultDocumentGlobs
	}
	if opts.MaxCommits <= 0 {
		opts.MaxCommits = DefaultMaxCommits
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = source.DefaultMaxSize
	}
	if opts.MaxTextBytes <= 0 {
		opts.MaxTextBytes = DefaultMaxTextBytes
	}
	docs, err := compileGlobSet(opts.DocumentGlobs)
	if err != nil {
		return nil, nil, fmt.Errorf("document globs: %w", err)
	}
	watched, err := compileWatched(opts.WatchedPaths)
	if err != nil {
		return nil, nil, fmt.Errorf("watched paths: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("repository directory %q: %w", dir, err)
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("repository directory %q: %w", dir, err)
	}
	if fi, err := os.Stat(root); err != nil {
		return nil, nil, fmt.Errorf("repository directory %q: %w", dir, err)
	} else if !fi.IsDir() {
		return nil, nil, fmt.Errorf("repository directory %q is not a directory", dir)
	}

	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	c := &collector{ctx: ctx, opts: opts, docs: docs, watched: watched}
	if err := c.walk(root); err != nil {
		return nil, c.sortedWarnings(), err
	}
	r := &evidence.Repo{
		Files:       make([]evidence.FileEntry, len(c.files)),
		Documents:   []evidence.Doc{},
		Workflows:   []evidence.Workflow{},
		Actions:     []evidence.Action{},
		Manifests:   []evidence.Manifest{},
		Dockerfiles: []evidence.Dockerfile{},
		UpdateTools: []evidence.UpdateTool{},
	}
	for i, f := range c.files {
		r.Files[i] = evidence.FileEntry{Path: f.rel, Size: f.size}
	}
	steps := []func(*evidence.Repo) error{
		c.collectDocuments,
		c.collectCodeowners,
		c.collectWorkflows,
		c.collectActions,
		c.collectManifests,
		c.collectDockerfiles,
		c.collectUpdateTools,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, c.sortedWarnings(), err
		}
		if err := step(r); err != nil {
			return nil, c.sortedWarnings(), err
		}
	}
	g, err := c.collectGit(root, r.Documents)
	if err != nil {
		return nil, c.sortedWarnings(), err
	}
	r.Git = g
	return r, c.sortedWarnings(), nil
}

func (c *collector) warn(p, format string, args ...any) {
	c.warnings = append(c.warnings, evidence.Warning{Path: p, Message: fmt.Sprintf(format, args...)})
}

func (c *collector) sortedWarnings() []evidence.Warning {
	w := c.warnings
	if w == nil {
		w = []evidence.Warning{}
	}
	sort.SliceStable(w, func(i, j int) bool {
		if w[i].Path != w[j].Path {
			return w[i].Path < w[j].Path
		}
		return w[i].Message < w[j].Message
	})
	return w
}

// walk fills the files index. It does not descend into .git or into symlinked
// folders, and it never reads a symlink whose target leaves root or enters .git.
func (c *collector) walk(root string) error {
	prefix := root + string(filepath.Separator)
	if strings.HasSuffix(root, string(filepath.Separator)) {
		prefix = root
	}
	gitDir := prefix + ".git"
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if n++; n&1023 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		if p == root {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, prefix))
		if err != nil {
			c.warn(rel, "cannot read: %v", unwrapPathError(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == ".git" {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		typ := d.Type()
		switch {
		case typ.IsDir():
			return nil
		case typ.IsRegular():
			info, err := d.Info()
			if err != nil {
				c.warn(rel, "cannot read: %v", unwrapPathError(err))
				return nil
			}
			c.files = append(c.files, file{rel: rel, abs: p, size: info.Size()})
		case typ&fs.ModeSymlink != 0:
			c.symlink(p, rel, prefix, gitDir)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("walking %s: %w", root, err)
	}
	sort.Slice(c.files, func(i, j int) bool { return c.files[i].rel < c.files[j].rel })
	c.byPath = make(map[string]*file, len(c.files))
	for i := range c.files {
		c.byPath[c.files[i].rel] = &c.files[i]
	}
	return nil
}

// symlink indexes a symlinked file whose target lies inside the directory, under
// the link's path, and warns about links that leave it.
func (c *collector) symlink(p, rel, prefix, gitDir string) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		c.warn(rel, "symbolic link cannot be resolved: %v; it was not read", unwrapPathError(err))
		return
	}
	if target+string(filepath.Separator) == prefix {
		return // a link to the directory itself: a folder, not descended into
	}
	if !strings.HasPrefix(target, prefix) {
		c.warn(rel, "symbolic link to %s points outside the repository; it was not read", target)
		return
	}
	if target == gitDir || strings.HasPrefix(target, gitDir+string(filepath.Separator)) ||
		hasSegment(filepath.ToSlash(strings.TrimPrefix(target, prefix)), ".git") {
		c.warn(rel, "symbolic link points into .git; it was not read")
		return
	}
	fi, err := os.Stat(target)
	if err != nil {
		c.warn(rel, "symbolic link cannot be resolved: %v; it was not read", unwrapPathError(err))
		return
	}
	if !fi.Mode().IsRegular() {
		// A symlinked folder is not descended into; its files are indexed where
		// they really are, if inside the directory.
		return
	}
	c.files = append(c.files, file{rel: rel, abs: target, size: fi.Size()})
}

func hasSegment(p, seg string) bool {
	for _, s := range strings.Split(p, "/") {
		if s == seg {
			return true
		}
	}
	return false
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	if msg, ok := strings.CutPrefix(err.Error(), "EvalSymlinks: "); ok {
		return errors.New(msg)
	}
	return err
}

// read reads an indexed file with the size limit.
func (c *collector) read(f *file) (*source.File, error) {
	return source.Read(f.abs, f.rel, c.opts.MaxFileSize)
}

// first returns the first of the paths present in the files index.
func (c *collector) first(paths ...string) *file {
	for _, p := range paths {
		if f, ok := c.byPath[p]; ok {
			return f
		}
	}
	return nil
}

// collectDocuments parses the files selected by the document globs.
func (c *collector) collectDocuments(r *evidence.Repo) error {
	for i := range c.files {
		f := &c.files[i]
		ext := strings.ToLower(path.Ext(f.rel))
		if ext != ".md" && ext != ".yaml" && ext != ".yml" {
			continue
		}
		if !c.docs.match(strings.Split(f.rel, "/")) {
			continue
		}
		src, err := c.read(f)
		if err != nil {
			c.warn(f.rel, "document skipped: %v", err)
			continue
		}
		var d evidence.Doc
		if ext == ".md" {
			d = parseMarkdown(src, c.opts.MaxTextBytes)
		} else {
			d = parseYAMLDoc(src, c.opts.MaxTextBytes)
		}
		r.Documents = append(r.Documents, d)
	}
	return nil
}

// collectCodeowners parses the CODEOWNERS file GitHub would use.
func (c *collector) collectCodeowners(r *evidence.Repo) error {
	f := c.first(".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
	if f == nil {
		return nil
	}
	src, err := c.read(f)
	if err != nil {
		return err
	}
	co, err := parseCodeowners(src)
	if err != nil {
		return err
	}
	r.Codeowners = co
	return nil
}

// collectWorkflows parses .github/workflows/*.yml and *.yaml (GitHub reads no
// subfolders).
func (c *collector) collectWorkflows(r *evidence.Repo) error {
	for i := range c.files {
		f := &c.files[i]
		dir, name := path.Split(f.rel)
		if dir != ".github/workflows/" || !(strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml")) {
			continue
		}
		src, err := c.read(f)
		if err != nil {
			return err
		}
		wf, err := parseWorkflow(src)
		if err != nil {
			return err
		}
		r.Workflows = append(r.Workflows, wf)
	}
	return nil
}

// collectDockerfiles parses Dockerfiles and Containerfiles outside vendored trees.
func (c *collector) collectDockerfiles(r *evidence.Repo) error {
	for i := range c.files {
		f := &c.files[i]
		if !isDockerfile(path.Base(f.rel)) || vendored(f.rel) {
			continue
		}
		src, err := c.read(f)
		if err != nil {
			return err
		}
		df, warnings := parseDockerfile(src)
		c.warnings = append(c.warnings, warnings...)
		r.Dockerfiles = append(r.Dockerfiles, df)
	}
	return nil
}

// vendored reports whether p lies under node_modules, vendor or .git.
func vendored(p string) bool {
	for _, s := range strings.Split(path.Dir(p), "/") {
		switch s {
		case "node_modules", "vendor", ".git":
			return true
		}
	}
	return false
}
