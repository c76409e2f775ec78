package check

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mdrgate/mdrgate/action"
	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/github"
	"github.com/mdrgate/mdrgate/internal/config"
)

// GitHubOptions say how to reach the GitHub API. Empty fields fall back to
// GITHUB_TOKEN, GITHUB_API_URL and GITHUB_REPOSITORY.
type GitHubOptions struct {
	Token      string
	APIURL     string
	Repository string
	// HTTPClient and Sleep are for tests; defaults when nil.
	HTTPClient *http.Client
	Sleep      func(context.Context, time.Duration) error
}

// zeroSHA is the "before" of a push that created its branch.
const zeroSHA = "0000000000000000000000000000000000000000"

// collectGitHub adds the GitHub evidence to doc when a token and a repository
// are known; otherwise doc.GitHub stays null and GitHub controls are not_available.
func collectGitHub(ctx context.Context, o Options, cfg *config.Config, doc *evidence.Document) error {
	first := func(a, env string) string {
		if a != "" {
			return a
		}
		return strings.TrimSpace(o.Getenv(env))
	}
	g := github.Options{
		Token:      first(o.GitHub.Token, "GITHUB_TOKEN"),
		APIURL:     first(o.GitHub.APIURL, "GITHUB_API_URL"),
		Repository: first(o.GitHub.Repository, "GITHUB_REPOSITORY"),
		Event:      doc.Context.Event,
		MaxCommits: cfg.Limits.MaxCommits,
		HTTPClient: o.GitHub.HTTPClient,
		Now:        o.Now,
		Sleep:      o.GitHub.Sleep,
	}
	if g.Token == "" || g.Repository == "" {
		return nil
	}
	var head string
	if doc.Repo != nil && doc.Repo.Git != nil {
		head = doc.Repo.Git.Head
	}
	g.HeadSHA = head
	if o.Getenv("GITHUB_ACTIONS") == "true" {
		c, err := action.New(io.Discard, o.Getenv, nil).Context()
		if err != nil {
			return err
		}
		if c.SHA != "" {
			g.HeadSHA = c.SHA
		}
		switch {
		case c.PullRequest != nil:
			g.PullRequest = c.PullRequest.Number
			g.Branch = c.PullRequest.BaseRef
			g.BaseSHA, g.HeadSHA = c.PullRequest.BaseSHA, c.PullRequest.HeadSHA
		case c.Before != "" && c.After != "" && c.Before != zeroSHA && !strings.HasPrefix(c.Ref, "refs/tags/"):
			g.BaseSHA, g.HeadSHA = c.Before, c.After
			g.Branch = strings.TrimPrefix(c.Ref, "refs/heads/")
		}
	}
	if g.Event == "release" && g.BaseSHA == "" {
		g.BaseSHA = previousTag(doc.Repo, g.HeadSHA)
	}
	gh, _, err := github.Collect(ctx, g)
	if err != nil {
		return err
	}
	doc.GitHub = gh
	return nil
}

// previousTag is the commit of the newest tag on the history before head, the
// start of a release's range; "" when the history read has none.
func previousTag(r *evidence.Repo, head string) string {
	if r == nil || r.Git == nil {
		return ""
	}
	tagged := map[string]bool{}
	for _, t := range r.Git.Tags {
		tagged[t.Commit] = true
	}
	for _, c := range r.Git.Commits {
		if c.SHA != head && tagged[c.SHA] {
			return c.SHA
		}
	}
	return ""
}
