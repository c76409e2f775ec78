package repo

import (
	"container/heap"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/mdrgate/mdrgate/evidence"
)

// target is a path whose last commit is recorded in PathTimes.
type target struct {
	path  string // as reported
	exact bool   // a file: matches that path only
	all   bool   // the whole directory
	glob  glob   // for watched paths; a plain path when !glob.hasMeta
}

// compileWatched normalises watched paths: "./a/b/" and "/a/b" become "a/b", "."
// the whole directory. A path that leaves the directory is an error.
func compileWatched(paths []string) ([]target, error) {
	var out []target
	seen := map[string]bool{}
	for _, raw := range paths {
		p := strings.TrimSpace(raw)
		if p == "" {
			continue
		}
		p = path.Clean(strings.TrimLeft(p, "/"))
		if p == ".." || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("watched path %q leaves the repository", raw)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		t := target{path: p}
		if p == "." || p == "**" {
			t.all = true
			out = append(out, t)
			continue
		}
		g, err := compileGlob(p)
		if err != nil {
			return nil, err
		}
		t.glob = g
		out = append(out, t)
	}
	return out, nil
}

// matches reports whether a change to file p (with segments segs) touches t.
func (t *target) matches(p string, segs []string) bool {
	switch {
	case t.all:
		return true
	case t.exact:
		return p == t.path
	case !t.glob.hasMeta:
		return p == t.path || strings.HasPrefix(p, t.path+"/")
	}
	// A glob names files or folders: a file matches when it or one of its
	// folders does.
	for k := len(segs); k > 0; k-- {
		if t.glob.match(segs[:k]) {
			return true
		}
	}
	return false
}

// mayContain reports whether folder dir ("" for the top) can hold a match, so
// that the tree diff can skip the folders no target can be in.
func (t *target) mayContain(dir string) bool {
	switch {
	case t.all || dir == "":
		return true
	case t.exact || !t.glob.hasMeta:
		l := t.path
		return dir == l || strings.HasPrefix(l, dir+"/") || strings.HasPrefix(dir, l+"/")
	}
	return t.glob.mayContain(strings.Split(dir, "/"))
}

// collectGit reads the git state of the repository holding root; nil when root is
// not in a git repository.
func (c *collector) collectGit(root string, docs []evidence.Doc) (*evidence.Git, error) {
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening git repository at %s: %w", root, err)
	}
	prefix, err := gitPrefix(repo, root)
	if err != nil {
		return nil, err
	}
	g := &evidence.Git{Tags: []evidence.Tag{}, Commits: []evidence.Commit{}, PathTimes: []evidence.PathTime{}}

	head, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		// No commit yet: HEAD names an unborn branch.
		if ref, err := repo.Storer.Reference(plumbing.HEAD); err == nil && ref.Type() == plumbing.SymbolicReference && ref.Target().IsBranch() {
			g.Branch = ref.Target().Short()
		}
		return g, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading git HEAD: %w", err)
	}
	g.Head = head.Hash().String()
	if head.Name().IsBranch() {
		g.Branch = head.Name().Short()
	}
	if g.Tags, err = tags(repo); err != nil {
		return nil, err
	}

	w := &historyWalker{s: repo.Storer, loaded: map[plumbing.Hash]*object.Commit{}, trees: map[plumbing.Hash]*object.Tree{}}
	if sh, err := repo.Storer.Shallow(); err == nil {
		w.shallow = make(map[plumbing.Hash]bool, len(sh))
		for _, h := range sh {
			w.shallow[h] = true
		}
	}

	commits, truncated, err := w.walk(c, head.Hash(), c.opts.MaxCommits)
	if err != nil {
		return nil, err
	}
	g.CommitsTruncated = truncated
	for _, cm := range commits {
		g.Commits = append(g.Commits, toCommit(cm))
	}

	// Targets: every document, then the watched paths.
	targets := make([]target, 0, len(docs)+len(c.watched))
	for _, d := range docs {
		targets = append(targets, target{path: d.Path, exact: true})
	}
	targets = append(targets, c.watched...)
	found, err := w.pathTimes(c, commits, prefix, targets)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, t := range targets {
		if found[i] == nil || seen[t.path] {
			continue
		}
		seen[t.path] = true
		g.PathTimes = append(g.PathTimes, evidence.PathTime{Path: t.path, Time: found[i].Committer.When.UTC(), Commit: found[i].Hash.String()})
		if i < len(docs) {
			tm := found[i].Committer.When.UTC()
			docs[i].LastCommitTime = &tm
		}
	}
	sort.Slice(g.PathTimes, func(i, j int) bool { return g.PathTimes[i].Path < g.PathTimes[j].Path })
	// A shallow clone lists its edge commits, or its history just stops at a
	// parent that was never fetched.
	g.Shallow = len(w.shallow) > 0
	for _, cm := range w.loaded {
		g.Shallow = g.Shallow || cm == nil
	}
	if g.Shallow {
		c.warn(".git", "shallow clone: history ends at the fetched depth, so files not changed within it get the oldest fetched commit's time as their last change; fetch the whole history (actions/checkout with fetch-depth: 0)")
	}
	return g, nil
}

// gitPrefix returns the path of root inside the repository's working tree
// ("sub/dir/"), or "" when root is the top of the working tree or the repository
// is bare.
func gitPrefix(repo *git.Repository, root string) (string, error) {
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("opening git worktree: %w", err)
	}
	top, err := filepath.EvalSymlinks(wt.Filesystem.Root())
	if err != nil {
		return "", fmt.Errorf("git worktree %s: %w", wt.Filesystem.Root(), err)
	}
	rel, err := filepath.Rel(top, root)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", nil
	}
	return filepath.ToSlash(rel) + "/", nil
}

// tags lists the tags that lead to a commit, peeling annotated tags, sorted by name.
func tags(repo *git.Repository) ([]evidence.Tag, error) {
	out := []evidence.Tag{}
	iter, err := repo.Tags()
	if err != nil {
		return nil, fmt.Errorf("reading git tags: %w", err)
	}
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		h := ref.Hash()
		for depth := 0; depth < 10; depth++ {
			o, err := repo.Storer.EncodedObject(plumbing.AnyObject, h)
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reading tag %s: %w", ref.Name().Short(), err)
			}
			switch o.Type() {
			case plumbing.CommitObject:
				out = append(out, evidence.Tag{Name: ref.Name().Short(), Commit: h.String()})
				return nil
			case plumbing.TagObject:
				t, err := object.DecodeTag(repo.Storer, o)
				if err != nil {
					return fmt.Errorf("reading tag %s: %w", ref.Name().Short(), err)
				}
				h = t.Target
			default:
				return nil // a tag of a tree or blob
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func toCommit(c *object.Commit) evidence.Commit {
	parents := make([]string, len(c.ParentHashes))
	for i, p := range c.ParentHashes {
		parents[i] = p.String()
	}
	subject, _, _ := strings.Cut(c.Message, "\n")
	return evidence.Commit{
		SHA:       c.Hash.String(),
		Author:    person(c.Author),
		Committer: person(c.Committer),
		Time:      c.Committer.When.UTC(),
		Subject:   strings.ToValidUTF8(strings.TrimRight(subject, " \t\r"), "\uFFFD"),
		Parents:   parents,
		Signed:    c.PGPSignature != "",
	}
}

func person(s object.Signature) string {
	return strings.ToValidUTF8(fmt.Sprintf("%s <%s>", s.Name, s.Email), "\uFFFD")
}

// historyWalker reads commits and trees, caching what it decoded.
type historyWalker struct {
	s       storer.EncodedObjectStorer
	shallow map[plumbing.Hash]bool
	loaded  map[plumbing.Hash]*object.Commit // nil value: missing (shallow clone)
	trees   map[plumbing.Hash]*object.Tree
}

// commit loads a commit; nil without error when the object is missing, as the
// parents of a shallow clone's oldest commits are.
func (w *historyWalker) commit(h plumbing.Hash) (*object.Commit, error) {
	if c, ok := w.loaded[h]; ok {
		return c, nil
	}
	c, err := object.GetCommit(w.s, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		w.loaded[h] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading git commit %s: %w", h, err)
	}
	w.loaded[h] = c
	return c, nil
}

// walk returns up to max commits reachable from head, newest first by committer
// time (ties broken by hash), and whether more history exists beyond them. It
// stops at missing parents and at the commits a shallow clone lists.
func (w *historyWalker) walk(c *collector, head plumbing.Hash, max int) ([]*object.Commit, bool, error) {
	q := &commitQueue{}
	queued := map[plumbing.Hash]bool{}
	push := func(h plumbing.Hash) error {
		if queued[h] {
			return nil
		}
		queued[h] = true
		cm, err := w.commit(h)
		if err != nil || cm == nil {
			return err
		}
		heap.Push(q, cm)
		return nil
	}
	if err := push(head); err != nil {
		return nil, false, err
	}
	if q.Len() == 0 {
		return nil, false, fmt.Errorf("reading git commit %s: HEAD commit is missing", head)
	}
	var out []*object.Commit
	for q.Len() > 0 && len(out) < max {
		if len(out)&255 == 0 {
			if err := c.ctx.Err(); err != nil {
				return nil, false, err
			}
		}
		cm := heap.Pop(q).(*object.Commit)
		out = append(out, cm)
		if w.shallow[cm.Hash] {
			continue
		}
		for _, p := range cm.ParentHashes {
			if err := push(p); err != nil {
				return nil, false, err
			}
		}
	}
	return out, q.Len() > 0, nil
}

// commitQueue is a max-heap of commits by committer time.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	ti, tj := q[i].Committer.When, q[j].Committer.When
	if !ti.Equal(tj) {
		return ti.After(tj)
	}
	return q[i].Hash.String() > q[j].Hash.String()
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// pathTimes finds, for each target, the newest of the commits (given newest
// first) that changed a file it matches. Each commit is compared with its first
// parent (or with nothing, for a root commit or the edge of a shallow clone) in one
// pass over the trees, skipping subtrees whose hashes are equal and folders no
// open target can be in. It stops once every target is found.
func (w *historyWalker) pathTimes(c *collector, commits []*object.Commit, prefix string, targets []target) ([]*object.Commit, error) {
	found := make([]*object.Commit, len(targets))
	open := len(targets)
	exact := make(map[string][]int)
	var others []int
	for i, t := range targets {
		if t.exact {
			exact[t.path] = append(exact[t.path], i)
		} else {
			others = append(others, i)
		}
	}
	d := &treeDiff{w: w}
	for n, cm := range commits {
		if open == 0 {
			break
		}
		if n&63 == 0 {
			if err := c.ctx.Err(); err != nil {
				return nil, err
			}
		}
		var parentTree plumbing.Hash
		if len(cm.ParentHashes) > 0 && !w.shallow[cm.Hash] {
			p, err := w.commit(cm.ParentHashes[0])
			if err != nil {
				return nil, err
			}
			if p != nil {
				parentTree = p.TreeHash
			}
		}
		oldT, err := w.subtree(parentTree, prefix)
		if err != nil {
			return nil, err
		}
		newT, err := w.subtree(cm.TreeHash, prefix)
		if err != nil {
			return nil, err
		}
		d.mayContain = func(dir string) bool {
			for i := range targets {
				if found[i] == nil && targets[i].mayContain(dir) {
					return true
				}
			}
			return false
		}
		d.touch = func(p string) {
			for _, i := range exact[p] {
				if found[i] == nil {
					found[i] = cm
					open--
				}
			}
			var segs []string
			for _, i := range others {
				if found[i] != nil {
					continue
				}
				if segs == nil {
					segs = strings.Split(p, "/")
				}
				if targets[i].matches(p, segs) {
					found[i] = cm
					open--
				}
			}
		}
		if err := d.diff(oldT, newT, ""); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// tree loads a tree (nil for the zero hash), caching it.
func (w *historyWalker) tree(h plumbing.Hash) (*object.Tree, error) {
	if h.IsZero() {
		return nil, nil
	}
	if t, ok := w.trees[h]; ok {
		return t, nil
	}
	t, err := object.GetTree(w.s, h)
	if err != nil {
		return nil, fmt.Errorf("reading git tree %s: %w", h, err)
	}
	if len(w.trees) > 100_000 {
		clear(w.trees)
	}
	w.trees[h] = t
	return t, nil
}

// subtree returns the hash of the folder prefix ("a/b/") in tree h, zero when absent.
func (w *historyWalker) subtree(h plumbing.Hash, prefix string) (plumbing.Hash, error) {
	for _, name := range strings.Split(strings.TrimSuffix(prefix, "/"), "/") {
		if name == "" || h.IsZero() {
			continue
		}
		t, err := w.tree(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		next := plumbing.ZeroHash
		for _, e := range t.Entries {
			if e.Name == name && e.Mode == filemode.Dir {
				next = e.Hash
				break
			}
		}
		h = next
	}
	return h, nil
}

// treeDiff reports the files that differ between two trees.
type treeDiff struct {
	w          *historyWalker
	mayContain func(dir string) bool
	touch      func(path string)
}

func (d *treeDiff) diff(oldH, newH plumbing.Hash, dir string) error {
	if oldH == newH || !d.mayContain(dir) {
		return nil
	}
	oldT, err := d.w.tree(oldH)
	if err != nil {
		return err
	}
	newT, err := d.w.tree(newH)
	if err != nil {
		return err
	}
	var oldEntries, newEntries []object.TreeEntry
	if oldT != nil {
		oldEntries = oldT.Entries
	}
	if newT != nil {
		newEntries = newT.Entries
	}
	old := make(map[string]object.TreeEntry, len(oldEntries))
	for _, e := range oldEntries {
		old[e.Name] = e
	}
	join := func(name string) string {
		if dir == "" {
			return name
		}
		return dir + "/" + name
	}
	for _, e := range newEntries {
		o, had := old[e.Name]
		if had {
			delete(old, e.Name)
			if o.Hash == e.Hash && o.Mode == e.Mode {
				continue
			}
		}
		p := join(e.Name)
		newDir, oldDir := e.Mode == filemode.Dir, had && o.Mode == filemode.Dir
		switch {
		case newDir && oldDir:
			err = d.diff(o.Hash, e.Hash, p)
		case newDir:
			if had {
				d.touch(p) // a file replaced by a folder
			}
			err = d.diff(plumbing.ZeroHash, e.Hash, p)
		case oldDir:
			d.touch(p) // a folder replaced by a file
			err = d.diff(o.Hash, plumbing.ZeroHash, p)
		default:
			d.touch(p)
		}
		if err != nil {
			return err
		}
	}
	// What is left was deleted; visit it in a fixed order.
	names := make([]string, 0, len(old))
	for name := range old {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		o := old[name]
		p := join(name)
		if o.Mode == filemode.Dir {
			if err := d.diff(o.Hash, plumbing.ZeroHash, p); err != nil {
				return err
			}
		} else {
			d.touch(p)
		}
	}
	return nil
}
