package repo_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// gitRepo builds a git repository object by object with go-git, so tests control
// every commit's time and parents and large trees are quick to make. Files written
// with write also land in the working tree.
type gitRepo struct {
	t     testing.TB
	dir   string
	repo  *git.Repository
	s     storer.Storer
	root  *memDir
	head  plumbing.Hash
	blobs map[string]plumbing.Hash
	made  map[string]bool // folders already created
}

// memDir is a folder of the next commit's tree; hash is kept until it changes.
type memDir struct {
	files map[string]plumbing.Hash
	dirs  map[string]*memDir
	hash  plumbing.Hash
}

func newMemDir() *memDir {
	return &memDir{files: map[string]plumbing.Hash{}, dirs: map[string]*memDir{}}
}

func newGitRepo(t testing.TB, dir string) *gitRepo {
	t.Helper()
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &gitRepo{t: t, dir: dir, repo: r, s: r.Storer, root: newMemDir(), blobs: map[string]plumbing.Hash{}, made: map[string]bool{}}
}

// write writes a file to the working tree and stages it for the next commit.
func (g *gitRepo) write(p, content string) {
	g.t.Helper()
	g.writeFile(p, content)
	g.stage(p, content)
}

// writeFile writes a working-tree file without staging it.
func (g *gitRepo) writeFile(p, content string) {
	g.t.Helper()
	full := filepath.Join(g.dir, filepath.FromSlash(p))
	if d := filepath.Dir(full); !g.made[d] {
		if err := os.MkdirAll(d, 0o755); err != nil {
			g.t.Fatal(err)
		}
		g.made[d] = true
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

// stage records a file in the next commit's tree only.
func (g *gitRepo) stage(p, content string) {
	g.t.Helper()
	h, ok := g.blobs[content]
	if !ok {
		o := g.s.NewEncodedObject()
		o.SetType(plumbing.BlobObject)
		w, _ := o.Writer()
		_, _ = w.Write([]byte(content))
		_ = w.Close()
		var err error
		if h, err = g.s.SetEncodedObject(o); err != nil {
			g.t.Fatal(err)
		}
		g.blobs[content] = h
	}
	d := g.root
	parts := strings.Split(p, "/")
	d.hash = plumbing.ZeroHash
	for _, part := range parts[:len(parts)-1] {
		sub, ok := d.dirs[part]
		if !ok {
			sub = newMemDir()
			d.dirs[part] = sub
		}
		d = sub
		d.hash = plumbing.ZeroHash
	}
	d.files[parts[len(parts)-1]] = h
}

// remove deletes a file from the working tree and the next commit.
func (g *gitRepo) remove(p string) {
	g.t.Helper()
	_ = os.Remove(filepath.Join(g.dir, filepath.FromSlash(p)))
	d := g.root
	d.hash = plumbing.ZeroHash
	parts := strings.Split(p, "/")
	for _, part := range parts[:len(parts)-1] {
		d = d.dirs[part]
		d.hash = plumbing.ZeroHash
	}
	delete(d.files, parts[len(parts)-1])
}

func (g *gitRepo) buildTree(d *memDir) plumbing.Hash {
	if !d.hash.IsZero() {
		return d.hash
	}
	var entries []object.TreeEntry
	for name, h := range d.files {
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	for name, sub := range d.dirs {
		h := g.buildTree(sub)
		if h.IsZero() {
			continue // empty folder
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	if len(entries) == 0 && d != g.root {
		return plumbing.ZeroHash
	}
	sort.Sort(object.TreeEntrySorter(entries))
	t := &object.Tree{Entries: entries}
	o := g.s.NewEncodedObject()
	if err := t.Encode(o); err != nil {
		g.t.Fatal(err)
	}
	h, err := g.s.SetEncodedObject(o)
	if err != nil {
		g.t.Fatal(err)
	}
	d.hash = h
	return h
}

type commitOpts struct {
	parents   []plumbing.Hash // default: the current head
	signature string
	author    string
	noRef     bool // do not move the branch
}

// commit writes a commit of the staged tree at time when and moves main to it.
func (g *gitRepo) commit(msg string, when time.Time, o commitOpts) plumbing.Hash {
	g.t.Helper()
	parents := o.parents
	if parents == nil && !g.head.IsZero() {
		parents = []plumbing.Hash{g.head}
	}
	author := o.author
	if author == "" {
		author = "Alice Dev"
	}
	c := &object.Commit{
		Author:       object.Signature{Name: author, Email: strings.ToLower(strings.ReplaceAll(author, " ", ".")) + "@example.com", When: when},
		Committer:    object.Signature{Name: "CI Bot", Email: "ci@example.com", When: when},
		Message:      msg,
		TreeHash:     g.buildTree(g.root),
		ParentHashes: parents,
		PGPSignature: o.signature,
	}
	enc := g.s.NewEncodedObject()
	if err := c.Encode(enc); err != nil {
		g.t.Fatal(err)
	}
	h, err := g.s.SetEncodedObject(enc)
	if err != nil {
		g.t.Fatal(err)
	}
	if !o.noRef {
		g.head = h
		if err := g.s.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), h)); err != nil {
			g.t.Fatal(err)
		}
	}
	return h
}

// tag creates a lightweight tag, or an annotated one when message is set.
func (g *gitRepo) tag(name string, h plumbing.Hash, message string) {
	g.t.Helper()
	if message == "" {
		if err := g.s.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(name), h)); err != nil {
			g.t.Fatal(err)
		}
		return
	}
	_, err := g.repo.CreateTag(name, h, &git.CreateTagOptions{
		Message: message,
		Tagger:  &object.Signature{Name: "Rel Manager", Email: "rel@example.com", When: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
	})
	if err != nil {
		g.t.Fatal(err)
	}
}

// deleteObject removes a loose object, as if a shallow clone never fetched it.
func (g *gitRepo) deleteObject(h plumbing.Hash) {
	g.t.Helper()
	s := h.String()
	if err := os.Remove(filepath.Join(g.dir, ".git", "objects", s[:2], s[2:])); err != nil {
		g.t.Fatal(err)
	}
}

// day returns noon UTC of a day in 2024.
func day(month time.Month, d int) time.Time {
	return time.Date(2024, month, d, 12, 0, 0, 0, time.UTC)
}
