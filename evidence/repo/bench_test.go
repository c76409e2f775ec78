package repo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/repo"
)

// largeRepo builds a repository of 20,000 files (19,980 Go files in 200 folders and
// 20 documents) with the given number of commits: the first adds everything, each
// later one changes three Go files, and every tenth also a document.
func largeRepo(tb testing.TB, commits int) (string, []plumbing.Hash) {
	tb.Helper()
	dir := tb.TempDir()
	g := newGitRepo(tb, dir)
	for i := 0; i < 19980; i++ {
		g.write(fmt.Sprintf("src/mod%03d/file%03d.go", i/100, i%100), fmt.Sprintf("package mod\n\n// %d\n", i%50))
	}
	for i := 0; i < 20; i++ {
		g.write(fmt.Sprintf("docs/security/doc%02d.md", i), fmt.Sprintf("---\nid: DOC-%02d\nlast_reviewed: 2024-01-01\n---\n# Doc %d\n\n## Scope\n", i, i))
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	hashes := []plumbing.Hash{g.commit("initial", t0, commitOpts{})}
	for c := 1; c < commits; c++ {
		for k := 0; k < 3; k++ {
			i := (c*7 + k*1013) % 19980
			g.write(fmt.Sprintf("src/mod%03d/file%03d.go", i/100, i%100), fmt.Sprintf("package mod\n\n// %d changed in %d\n", i, c))
		}
		if c%10 == 0 {
			d := (c / 10) % 20
			g.write(fmt.Sprintf("docs/security/doc%02d.md", d), fmt.Sprintf("---\nid: DOC-%02d\nlast_reviewed: 2024-02-01\n---\n# Doc %d v%d\n", d, d, c))
		}
		hashes = append(hashes, g.commit(fmt.Sprintf("change %d", c), t0.Add(time.Duration(c)*time.Hour), commitOpts{}))
	}
	return dir, hashes
}

var largeOpts = repo.Options{WatchedPaths: []string{"src/mod000", "src/mod1*/file000.go", "src/mod199/file079.go"}}

func TestCollectLargeRepo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20,000-file repository")
	}
	dir, hashes := largeRepo(t, 200)
	start := time.Now()
	r, warnings, err := repo.Collect(context.Background(), dir, largeOpts)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Collect on 20,000 files and 200 commits: %v", elapsed)
	if elapsed > 10*time.Second {
		t.Errorf("Collect took %v", elapsed)
	}
	if len(r.Files) != 20000 || len(r.Documents) != 20 || len(r.Git.Commits) != 200 || len(warnings) != 0 {
		t.Fatalf("files %d documents %d commits %d warnings %v", len(r.Files), len(r.Documents), len(r.Git.Commits), warnings)
	}
	at := func(c int) time.Time { return time.Date(2024, 1, 1, c, 0, 0, 0, time.UTC) }
	// doc00 changed in commit 200 (not made) and earlier in 0; doc19 last in 190;
	// doc10 in 100; src/mod000 holds files 0-99: changed by commit c when
	// (7c + 1013k) % 19980 < 100 for some k < 3, last for c = 14 (i = 98).
	// src/mod1*/file000.go: i = 10000..19900 step 100; none changed, so commit 0.
	// file 19879 (src/mod198/file079.go) is not watched; 19979 is: never changed.
	want := map[string]evidence.PathTime{
		"docs/security/doc00.md": {Time: at(0), Commit: hashes[0].String()},
		"docs/security/doc10.md": {Time: at(100), Commit: hashes[100].String()},
		"docs/security/doc19.md": {Time: at(190), Commit: hashes[190].String()},
		"src/mod000":             {Time: at(14), Commit: hashes[14].String()},
		"src/mod1*/file000.go":   {Time: at(0), Commit: hashes[0].String()},
		"src/mod199/file079.go":  {Time: at(0), Commit: hashes[0].String()},
	}
	if len(r.Git.PathTimes) != 23 {
		t.Errorf("path times = %d, want 23", len(r.Git.PathTimes))
	}
	for _, pt := range r.Git.PathTimes {
		if w, ok := want[pt.Path]; ok {
			if !pt.Time.Equal(w.Time) || pt.Commit != w.Commit {
				t.Errorf("%s: %v %s, want %v %s", pt.Path, pt.Time, pt.Commit, w.Time, w.Commit)
			}
			delete(want, pt.Path)
		}
	}
	if len(want) != 0 {
		t.Errorf("missing path times: %v", want)
	}
}

// BenchmarkCollect20000Files collects a 20,000-file repository with 200 commits.
func BenchmarkCollect20000Files(b *testing.B) {
	dir, _ := largeRepo(b, 200)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := repo.Collect(context.Background(), dir, largeOpts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollect20000FilesNoGit indexes the same tree without history.
func BenchmarkCollect20000FilesNoGit(b *testing.B) {
	dir, _ := largeRepo(b, 1)
	if err := removeGit(dir); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := repo.Collect(context.Background(), dir, largeOpts); err != nil {
			b.Fatal(err)
		}
	}
}

func removeGit(dir string) error { return os.RemoveAll(filepath.Join(dir, ".git")) }
