package check_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/demorepo"
)

// recorder is a GitHub-shaped API that answers the repository and 404 for
// everything else, and records the paths requested.
type recorder struct {
	mu    sync.Mutex
	paths []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	p := req.URL.Path
	if req.URL.RawQuery != "" {
		p += "?" + req.URL.RawQuery
	}
	r.paths = append(r.paths, p)
	r.mu.Unlock()
	if p == "/repos/octo-org/infucore" {
		fmt.Fprint(w, `{"default_branch":"main","private":true,"visibility":"private","owner":{"login":"octo-org","type":"Organization"}}`)
		return
	}
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"message":"Not Found"}`)
}

func (r *recorder) requested(prefix string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, p := range r.paths {
		if strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	return out
}

// demoWithTags builds the demo with two releases: v2.3.0 on the first commit,
// v2.4.0 on a second. It returns the directory and both commits.
func demoWithTags(t *testing.T) (dir, first, second string) {
	t.Helper()
	dir = t.TempDir()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if err := demorepo.Build(root, dir, nil); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	h1, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateTag("v2.3.0", h1.Hash(), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "CHANGELOG.md"), []byte("# 2.4.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := demorepo.Commit(dir, "2.4.0", demorepo.CommitTime.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	h2, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateTag("v2.4.0", h2.Hash(), nil); err != nil {
		t.Fatal(err)
	}
	return dir, h1.Hash().String(), h2.Hash().String()
}

func TestCollectGitHubRelease(t *testing.T) {
	dir, first, second := demoWithTags(t)
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	cfg, err := check.LoadConfig(check.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	o := check.Options{
		Dir: dir, Event: "release", Getenv: func(string) string { return "" },
		GitHub: check.GitHubOptions{Token: "t", APIURL: srv.URL, Repository: "octo-org/infucore"},
	}
	doc, err := check.Collect(context.Background(), o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := doc.GitHub
	if g == nil {
		t.Fatal("no GitHub evidence with a token and a repository")
	}
	// The release range runs from the previous tag to HEAD.
	wantRange := first + "..." + second
	if g.Commits.Range != wantRange {
		t.Errorf("range %q, want %q", g.Commits.Range, wantRange)
	}
	if got := rec.requested("/repos/octo-org/infucore/compare/"); len(got) != 1 || got[0] != "/repos/octo-org/infucore/compare/"+wantRange+"?per_page=100" {
		t.Errorf("compare requests %v", got)
	}
	// Answered 404: not available, and the merged pull requests with it.
	if g.Commits.Available || g.MergedPullRequests.Available ||
		g.MergedPullRequests.Reason != "the commits of the release range are not available: "+g.Commits.Reason {
		t.Errorf("commits %+v, merged %+v", g.Commits.Area, g.MergedPullRequests.Area)
	}
	if g.Branch != "main" || !g.Settings.Available || g.Settings.Visibility != "private" {
		t.Errorf("branch %q settings %+v", g.Branch, g.Settings)
	}
}

func TestCollectGitHubNeedsTokenAndRepository(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := demorepo.Build(root, dir, nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := check.LoadConfig(check.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []map[string]string{
		{"GITHUB_REPOSITORY": "octo-org/infucore", "GITHUB_API_URL": srv.URL},
		{"GITHUB_TOKEN": "t", "GITHUB_API_URL": srv.URL},
	} {
		o := check.Options{Dir: dir, Getenv: func(k string) string { return env[k] }}
		doc, err := check.Collect(context.Background(), o, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if doc.GitHub != nil {
			t.Errorf("GitHub evidence collected with %v", env)
		}
	}
	env := map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "octo-org/infucore", "GITHUB_API_URL": srv.URL}
	doc, err := check.Collect(context.Background(), check.Options{Dir: dir, Getenv: func(k string) string { return env[k] }}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if doc.GitHub == nil || doc.GitHub.API != srv.URL+"/" || doc.GitHub.Repository != "octo-org/infucore" {
		t.Fatalf("GitHub evidence from the environment: %+v", doc.GitHub)
	}
	if got := rec.requested("/repos/octo-org/infucore/commits/"); len(got) != 1 || got[0] != "/repos/octo-org/infucore/commits/"+doc.Repo.Git.Head {
		t.Errorf("outside a pull request the range is the head commit alone: %v", got)
	}
}
