// Package github collects the evidence that lives in GitHub rather than in the
// repository: settings, branch protection and rulesets, the pull request and its
// reviews, the commits of the range with their signature verification, merged
// pull requests of a release, security alerts, environments and the owning
// organisation, read from the REST API with go-github.
//
// Every area of evidence.GitHub says whether it could be read. A request that
// fails (401, 403 with the permission the token lacks, 404, a rate limit that
// does not reset within the waiting budget) leaves its area not available with
// the reason, never a pass. Each resource is requested once per run.
//
// Environment reviewers are users by login and teams as "org/slug".
package github

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/mdrgate/mdrgate/evidence"
)

// DefaultAPIURL is the API of github.com.
const DefaultAPIURL = "https://api.github.com/"

// Options say which repository to read and what the run is about.
type Options struct {
	// Token authenticates the requests (GITHUB_TOKEN or --github-token).
	Token string
	// APIURL is the REST API base; DefaultAPIURL when empty. For GitHub
	// Enterprise Server it is https://HOST/api/v3.
	APIURL string
	// Repository is owner/name.
	Repository string
	// Event is pull_request, release or schedule.
	Event string
	// PullRequest is the number of the run's pull request; 0 when there is none.
	PullRequest int
	// Branch is the branch whose protection is read; the default branch when empty.
	Branch string
	// BaseSHA and HeadSHA bound the commit range (BASE...HEAD). With BaseSHA
	// empty the range is the head commit alone.
	BaseSHA, HeadSHA string
	// MaxCommits bounds the commits read from the range (default 1000).
	MaxCommits int
	// MaxPullRequestLookups bounds the commits of a release range whose pull
	// requests are looked up, one request each (default 100).
	MaxPullRequestLookups int
	// MaxAlerts bounds the open alerts counted per kind (default 5000).
	MaxAlerts int
	// MaxWait is the longest the run waits in total for rate limits to reset
	// (default 60 s); beyond it the areas still unread are not available.
	MaxWait time.Duration
	// HTTPClient sends the requests; a client with a 30 s timeout when nil.
	HTTPClient *http.Client
	// Now and Sleep are the clock and the wait, for tests; time.Now and a
	// context-aware sleep when nil.
	Now   func() time.Time
	Sleep func(context.Context, time.Duration) error
}

// Stats describe what a collection did.
type Stats struct {
	// Requests is the number of HTTP requests sent.
	Requests int
}

// Collect reads the GitHub evidence. It returns an error only for invalid
// options; failed requests make their area not available.
func Collect(ctx context.Context, o Options) (*evidence.GitHub, Stats, error) {
	owner, name, ok := strings.Cut(o.Repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, Stats{}, fmt.Errorf("invalid GitHub repository %q: expected OWNER/NAME", o.Repository)
	}
	if o.Token == "" {
		return nil, Stats{}, fmt.Errorf("no GitHub token: set GITHUB_TOKEN or --github-token")
	}
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(o.APIURL, "/") {
		o.APIURL += "/"
	}
	base, err := url.Parse(o.APIURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, Stats{}, fmt.Errorf("invalid GitHub API URL %q: expected an http(s) URL such as %s or https://HOST/api/v3", o.APIURL, DefaultAPIURL)
	}
	if o.MaxCommits <= 0 {
		o.MaxCommits = 1000
	}
	if o.MaxPullRequestLookups <= 0 {
		o.MaxPullRequestLookups = 100
	}
	if o.MaxAlerts <= 0 {
		o.MaxAlerts = 5000
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 60 * time.Second
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	ghc, err := gh.NewClient(gh.WithHTTPClient(o.HTTPClient), gh.WithAuthToken(o.Token),
		gh.WithURLs(&o.APIURL, nil), gh.WithDisableRateLimitCheck(), gh.WithUserAgent("mdrgate"))
	if err != nil {
		return nil, Stats{}, fmt.Errorf("invalid GitHub API URL %q: %w", o.APIURL, err)
	}
	c := &client{gh: ghc, base: base, now: o.Now, sleep: o.Sleep, budget: o.MaxWait, maxWait: o.MaxWait}
	r := &reader{c: c, o: o, owner: owner, name: name, repo: "repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name)}
	g := r.read(ctx)
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}
	return g, Stats{Requests: c.requests}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Empty returns GitHub evidence with every area not available for reason: no
// null lists, no null maps.
func Empty(api, repository, reason string) *evidence.GitHub {
	na := evidence.Area{Reason: reason}
	return &evidence.GitHub{
		API: api, Repository: repository,
		Settings:                      evidence.GHSettings{Area: na, SecurityAndAnalysis: map[string]string{}},
		BranchProtection:              evidence.GHProtection{Area: na, RequiredStatusChecks: []string{}},
		Rulesets:                      evidence.GHRulesets{Area: na, Rules: []evidence.GHRule{}},
		PullRequest:                   emptyPR(na),
		MergedPullRequests:            evidence.GHPullRequests{Area: na, PullRequests: []evidence.GHPullRequest{}},
		Commits:                       evidence.GHCommits{Area: na, Commits: []evidence.GHCommit{}},
		PrivateVulnerabilityReporting: evidence.GHToggle{Area: na},
		CodeScanningAlerts:            evidence.GHAlerts{Area: na, BySeverity: map[string]int{}},
		SecretScanningAlerts:          evidence.GHAlerts{Area: na, BySeverity: map[string]int{}},
		DependabotAlerts:              evidence.GHAlerts{Area: na, BySeverity: map[string]int{}},
		Environments:                  evidence.GHEnvironments{Area: na, Environments: []evidence.GHEnvironment{}},
		Organization:                  evidence.GHOrganization{Area: na},
	}
}

func emptyPR(a evidence.Area) evidence.GHPullRequest {
	return evidence.GHPullRequest{Area: a, Files: []string{}, Reviews: []evidence.GHReview{}}
}

var available = evidence.Area{Available: true}

type reader struct {
	c                 *client
	o                 Options
	owner, name, repo string
	// commits are the range's commits by SHA, to reuse their committer times.
	commitTimes map[string]time.Time
}

func (r *reader) read(ctx context.Context) *evidence.GitHub {
	g := Empty(r.o.APIURL, r.o.Repository, "")
	var repo repoJSON
	if _, err := r.c.get(ctx, r.repo, &repo); err != nil {
		// Nothing else can be read when the repository itself cannot.
		g = Empty(r.o.APIURL, r.o.Repository, "repository not readable: "+err.Error())
		return g
	}
	g.Settings = settings(repo)
	g.Branch = r.o.Branch
	if g.Branch == "" {
		g.Branch = repo.DefaultBranch
	}
	if g.Branch == "" {
		g.BranchProtection.Reason = "the branch to read is unknown: the repository has no default branch"
		g.Rulesets.Reason = g.BranchProtection.Reason
	} else {
		g.BranchProtection = r.protection(ctx, g.Branch)
		g.Rulesets = r.rulesets(ctx, g.Branch)
	}
	g.Commits = r.commits(ctx)
	g.PullRequest = r.pullRequest(ctx)
	g.MergedPullRequests = r.mergedPullRequests(ctx, g.Commits)
	g.PrivateVulnerabilityReporting = r.privateReporting(ctx)
	g.CodeScanningAlerts = r.alerts(ctx, "code-scanning", func(a alertJSON) string {
		if a.Rule.SecuritySeverityLevel != "" {
			return a.Rule.SecuritySeverityLevel
		}
		return a.Rule.Severity
	})
	g.SecretScanningAlerts = r.alerts(ctx, "secret-scanning", func(alertJSON) string { return "" })
	g.DependabotAlerts = r.alerts(ctx, "dependabot", func(a alertJSON) string {
		if a.SecurityAdvisory.Severity != "" {
			return a.SecurityAdvisory.Severity
		}
		return a.SecurityVulnerability.Severity
	})
	g.Environments = r.environments(ctx)
	g.Organization = r.organization(ctx, repo.Owner)
	return g
}

type repoJSON struct {
	DefaultBranch string `json:"default_branch"`
	Private       bool   `json:"private"`
	Visibility    string `json:"visibility"`
	Owner         struct {
		Login string `json:"login"`
		Type  string `json:"type"`
	} `json:"owner"`
	SecurityAndAnalysis map[string]struct {
		Status string `json:"status"`
	} `json:"security_and_analysis"`
}

func settings(r repoJSON) evidence.GHSettings {
	s := evidence.GHSettings{Area: available, DefaultBranch: r.DefaultBranch, Private: r.Private, Visibility: r.Visibility, SecurityAndAnalysis: map[string]string{}}
	if s.Visibility == "" {
		// GitHub Enterprise Server before 3.x omits visibility.
		s.Visibility = "public"
		if r.Private {
			s.Visibility = "private"
		}
	}
	for k, v := range r.SecurityAndAnalysis {
		s.SecurityAndAnalysis[k] = v.Status
	}
	return s
}

type enabledJSON struct {
	Enabled bool `json:"enabled"`
}

type protectionJSON struct {
	RequiredStatusChecks *struct {
		Contexts []string `json:"contexts"`
		Checks   []struct {
			Context string `json:"context"`
		} `json:"checks"`
	} `json:"required_status_checks"`
	RequiredPullRequestReviews *struct {
		DismissStaleReviews          bool `json:"dismiss_stale_reviews"`
		RequireCodeOwnerReviews      bool `json:"require_code_owner_reviews"`
		RequiredApprovingReviewCount int  `json:"required_approving_review_count"`
		RequireLastPushApproval      bool `json:"require_last_push_approval"`
	} `json:"required_pull_request_reviews"`
	RequiredSignatures    *enabledJSON `json:"required_signatures"`
	EnforceAdmins         *enabledJSON `json:"enforce_admins"`
	RequiredLinearHistory *enabledJSON `json:"required_linear_history"`
	AllowForcePushes      *enabledJSON `json:"allow_force_pushes"`
	AllowDeletions        *enabledJSON `json:"allow_deletions"`
}

func on(e *enabledJSON) bool { return e != nil && e.Enabled }

func (r *reader) protection(ctx context.Context, branch string) evidence.GHProtection {
	p := evidence.GHProtection{RequiredStatusChecks: []string{}}
	var pj protectionJSON
	_, err := r.c.get(ctx, r.repo+"/branches/"+url.PathEscape(branch)+"/protection", &pj)
	if err != nil {
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusNotFound && ae.Message == "Branch not protected" {
			p.Area = available
			return p
		}
		p.Reason = err.Error()
		return p
	}
	p.Area = available
	p.Protected = true
	if rv := pj.RequiredPullRequestReviews; rv != nil {
		p.RequiredApprovingReviewCount = rv.RequiredApprovingReviewCount
		p.RequireCodeOwnerReviews = rv.RequireCodeOwnerReviews
		p.DismissStaleReviews = rv.DismissStaleReviews
		p.RequireLastPushApproval = rv.RequireLastPushApproval
	}
	p.RequiredSignatures = on(pj.RequiredSignatures)
	p.EnforceAdmins = on(pj.EnforceAdmins)
	p.AllowForcePushes = on(pj.AllowForcePushes)
	p.AllowDeletions = on(pj.AllowDeletions)
	p.RequiredLinearHistory = on(pj.RequiredLinearHistory)
	if sc := pj.RequiredStatusChecks; sc != nil {
		seen := map[string]bool{}
		for _, c := range sc.Contexts {
			seen[c] = true
		}
		for _, c := range sc.Checks {
			seen[c.Context] = true
		}
		p.RequiredStatusChecks = sortedKeys(seen)
	}
	return p
}

type ruleJSON struct {
	Type          string         `json:"type"`
	RulesetID     int64          `json:"ruleset_id"`
	RulesetSource string         `json:"ruleset_source"`
	Parameters    map[string]any `json:"parameters"`
}

func (r *reader) rulesets(ctx context.Context, branch string) evidence.GHRulesets {
	rs := evidence.GHRulesets{Rules: []evidence.GHRule{}}
	_, err := r.c.list(ctx, r.repo+"/rules/branches/"+url.PathEscape(branch)+"?per_page=100", 10000,
		func() any { return &[]ruleJSON{} },
		func(v any) int {
			page := *v.(*[]ruleJSON)
			for _, x := range page {
				if x.Parameters == nil {
					x.Parameters = map[string]any{}
				}
				rs.Rules = append(rs.Rules, evidence.GHRule(x))
			}
			return len(page)
		})
	if err != nil {
		rs.Reason = err.Error()
		rs.Rules = []evidence.GHRule{}
		return rs
	}
	rs.Area = available
	sort.SliceStable(rs.Rules, func(i, j int) bool {
		if rs.Rules[i].RulesetID != rs.Rules[j].RulesetID {
			return rs.Rules[i].RulesetID < rs.Rules[j].RulesetID
		}
		return rs.Rules[i].Type < rs.Rules[j].Type
	})
	return rs
}

type userJSON struct {
	Login string `json:"login"`
}

type prJSON struct {
	Number int      `json:"number"`
	User   userJSON `json:"user"`
	Base   struct {
		Ref string `json:"ref"`
	} `json:"base"`
	Head struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	} `json:"head"`
	Merged         bool       `json:"merged"`
	MergedAt       *time.Time `json:"merged_at"`
	MergeCommitSHA string     `json:"merge_commit_sha"`
}

type reviewJSON struct {
	User              *userJSON  `json:"user"`
	State             string     `json:"state"`
	CommitID          string     `json:"commit_id"`
	SubmittedAt       *time.Time `json:"submitted_at"`
	AuthorAssociation string     `json:"author_association"`
}

type fileJSON struct {
	Filename         string `json:"filename"`
	PreviousFilename string `json:"previous_filename"`
}

func (r *reader) pullRequest(ctx context.Context) evidence.GHPullRequest {
	if r.o.PullRequest <= 0 {
		return emptyPR(evidence.Area{Reason: fmt.Sprintf("no pull request in this run (event %s)", r.o.Event)})
	}
	var pj prJSON
	if _, err := r.c.get(ctx, fmt.Sprintf("%s/pulls/%d", r.repo, r.o.PullRequest), &pj); err != nil {
		return emptyPR(evidence.Area{Reason: err.Error()})
	}
	return r.completePR(ctx, pj)
}

// completePR reads the reviews, files and head push time of a pull request.
func (r *reader) completePR(ctx context.Context, pj prJSON) evidence.GHPullRequest {
	p := evidence.GHPullRequest{
		Area: available, Number: pj.Number, Author: pj.User.Login, BaseRef: pj.Base.Ref, HeadRef: pj.Head.Ref,
		HeadSHA: pj.Head.SHA, Merged: pj.Merged || pj.MergedAt != nil, Files: []string{}, Reviews: []evidence.GHReview{},
	}
	if p.Merged {
		p.MergeCommit = pj.MergeCommitSHA
	}
	prefix := fmt.Sprintf("%s/pulls/%d", r.repo, pj.Number)
	_, err := r.c.list(ctx, prefix+"/reviews?per_page=100", 100000, func() any { return &[]reviewJSON{} }, func(v any) int {
		page := *v.(*[]reviewJSON)
		for _, x := range page {
			rv := evidence.GHReview{State: x.State, CommitID: x.CommitID, SubmittedAt: utc(x.SubmittedAt), AuthorAssociation: x.AuthorAssociation}
			if x.User != nil {
				rv.Author = x.User.Login
			}
			p.Reviews = append(p.Reviews, rv)
		}
		return len(page)
	})
	if err != nil {
		return emptyPR(evidence.Area{Reason: "reviews: " + err.Error()})
	}
	files := map[string]bool{}
	// GitHub lists at most 3000 files of a pull request.
	truncated, err := r.c.list(ctx, prefix+"/files?per_page=100", 3000, func() any { return &[]fileJSON{} }, func(v any) int {
		page := *v.(*[]fileJSON)
		for _, f := range page {
			files[f.Filename] = true
			if f.PreviousFilename != "" {
				files[f.PreviousFilename] = true
			}
		}
		return len(page)
	})
	if err != nil {
		return emptyPR(evidence.Area{Reason: "files: " + err.Error()})
	}
	if truncated {
		return emptyPR(evidence.Area{Reason: fmt.Sprintf("pull request #%d changes more than 3000 files: GitHub does not list them all", pj.Number)})
	}
	p.Files = sortedKeys(files)
	if t, ok := r.commitTimes[p.HeadSHA]; ok {
		p.HeadPushedAt = &t
	} else if p.HeadSHA != "" {
		var cj commitJSON
		if _, err := r.c.get(ctx, r.repo+"/commits/"+url.PathEscape(p.HeadSHA), &cj); err != nil {
			return emptyPR(evidence.Area{Reason: "head commit: " + err.Error()})
		}
		t := cj.Commit.Committer.Date.UTC()
		p.HeadPushedAt = &t
	}
	return p
}

type commitJSON struct {
	SHA    string    `json:"sha"`
	Author *userJSON `json:"author"`
	Commit struct {
		Author struct {
			Name string    `json:"name"`
			Date time.Time `json:"date"`
		} `json:"author"`
		Committer struct {
			Date time.Time `json:"date"`
		} `json:"committer"`
		Verification *struct {
			Verified bool   `json:"verified"`
			Reason   string `json:"reason"`
		} `json:"verification"`
	} `json:"commit"`
}

type compareJSON struct {
	TotalCommits int          `json:"total_commits"`
	Commits      []commitJSON `json:"commits"`
}

func (r *reader) commits(ctx context.Context) evidence.GHCommits {
	cs := evidence.GHCommits{Commits: []evidence.GHCommit{}}
	r.commitTimes = map[string]time.Time{}
	add := func(c commitJSON) {
		gc := evidence.GHCommit{SHA: c.SHA, Author: c.Commit.Author.Name, Reason: "unsigned"}
		if c.Author != nil && c.Author.Login != "" {
			gc.Author = c.Author.Login
		}
		if v := c.Commit.Verification; v != nil {
			gc.Verified, gc.Reason = v.Verified, v.Reason
		}
		cs.Commits = append(cs.Commits, gc)
		r.commitTimes[c.SHA] = c.Commit.Committer.Date.UTC()
	}
	switch {
	case r.o.HeadSHA == "":
		cs.Reason = "the head commit of the run is unknown"
		return cs
	case r.o.BaseSHA == "":
		cs.Range = r.o.HeadSHA
		var c commitJSON
		if _, err := r.c.get(ctx, r.repo+"/commits/"+url.PathEscape(r.o.HeadSHA), &c); err != nil {
			cs.Reason = err.Error()
			return cs
		}
		add(c)
	default:
		cs.Range = r.o.BaseSHA + "..." + r.o.HeadSHA
		total := 0
		truncated, err := r.c.list(ctx, r.repo+"/compare/"+url.PathEscape(cs.Range)+"?per_page=100", r.o.MaxCommits,
			func() any { return &compareJSON{} },
			func(v any) int {
				page := v.(*compareJSON)
				total = page.TotalCommits
				for _, c := range page.Commits {
					add(c)
				}
				return len(page.Commits)
			})
		if err != nil {
			cs.Reason = err.Error()
			cs.Commits = []evidence.GHCommit{}
			return cs
		}
		cs.Truncated = truncated || len(cs.Commits) < total
	}
	cs.Area = available
	return cs
}

func (r *reader) mergedPullRequests(ctx context.Context, cs evidence.GHCommits) evidence.GHPullRequests {
	out := evidence.GHPullRequests{PullRequests: []evidence.GHPullRequest{}}
	switch {
	case r.o.Event != "release":
		out.Reason = fmt.Sprintf("merged pull requests are read for release events only (event %s)", r.o.Event)
		return out
	case !cs.Available:
		out.Reason = "the commits of the release range are not available: " + cs.Reason
		return out
	case cs.Truncated:
		out.Reason = fmt.Sprintf("the release range %s has more commits than were read", cs.Range)
		return out
	case len(cs.Commits) > r.o.MaxPullRequestLookups:
		out.Reason = fmt.Sprintf("the release range %s has %d commits; mdrgate looks up the pull requests of at most %d", cs.Range, len(cs.Commits), r.o.MaxPullRequestLookups)
		return out
	}
	found := map[int]prJSON{}
	for _, c := range cs.Commits {
		var prs []prJSON
		if _, err := r.c.get(ctx, r.repo+"/commits/"+url.PathEscape(c.SHA)+"/pulls?per_page=100", &prs); err != nil {
			out.Reason = err.Error()
			return out
		}
		for _, p := range prs {
			if p.MergedAt != nil {
				found[p.Number] = p
			}
		}
	}
	nums := make([]int, 0, len(found))
	for n := range found {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		p := r.completePR(ctx, found[n])
		if !p.Available {
			out.Reason = fmt.Sprintf("pull request #%d: %s", n, p.Reason)
			out.PullRequests = []evidence.GHPullRequest{}
			return out
		}
		out.PullRequests = append(out.PullRequests, p)
	}
	out.Area = available
	return out
}

func (r *reader) privateReporting(ctx context.Context) evidence.GHToggle {
	var v struct {
		Enabled bool `json:"enabled"`
	}
	if _, err := r.c.get(ctx, r.repo+"/private-vulnerability-reporting", &v); err != nil {
		return evidence.GHToggle{Area: evidence.Area{Reason: err.Error()}}
	}
	return evidence.GHToggle{Area: available, Enabled: v.Enabled}
}

type alertJSON struct {
	Rule struct {
		Severity              string `json:"severity"`
		SecuritySeverityLevel string `json:"security_severity_level"`
	} `json:"rule"`
	SecurityAdvisory struct {
		Severity string `json:"severity"`
	} `json:"security_advisory"`
	SecurityVulnerability struct {
		Severity string `json:"severity"`
	} `json:"security_vulnerability"`
}

func (r *reader) alerts(ctx context.Context, kind string, severity func(alertJSON) string) evidence.GHAlerts {
	a := evidence.GHAlerts{BySeverity: map[string]int{}}
	truncated, err := r.c.list(ctx, r.repo+"/"+kind+"/alerts?state=open&per_page=100", r.o.MaxAlerts,
		func() any { return &[]alertJSON{} },
		func(v any) int {
			page := *v.(*[]alertJSON)
			for _, x := range page {
				a.Open++
				if s := strings.ToLower(severity(x)); s != "" {
					a.BySeverity[s]++
				}
			}
			return len(page)
		})
	switch {
	case err != nil:
		return evidence.GHAlerts{Area: evidence.Area{Reason: err.Error()}, BySeverity: map[string]int{}}
	case truncated:
		return evidence.GHAlerts{Area: evidence.Area{Reason: fmt.Sprintf("more than %d open %s alerts: not all were read", r.o.MaxAlerts, kind)}, BySeverity: map[string]int{}}
	}
	a.Area = available
	return a
}

type environmentsJSON struct {
	Environments []struct {
		Name            string `json:"name"`
		CanAdminsBypass *bool  `json:"can_admins_bypass"`
		ProtectionRules []struct {
			Type      string `json:"type"`
			WaitTimer int    `json:"wait_timer"`
			Reviewers []struct {
				Type     string `json:"type"`
				Reviewer struct {
					Login string `json:"login"`
					Slug  string `json:"slug"`
				} `json:"reviewer"`
			} `json:"reviewers"`
		} `json:"protection_rules"`
		DeploymentBranchPolicy *struct {
			ProtectedBranches    bool `json:"protected_branches"`
			CustomBranchPolicies bool `json:"custom_branch_policies"`
		} `json:"deployment_branch_policy"`
	} `json:"environments"`
}

func (r *reader) environments(ctx context.Context) evidence.GHEnvironments {
	out := evidence.GHEnvironments{Environments: []evidence.GHEnvironment{}}
	_, err := r.c.list(ctx, r.repo+"/environments?per_page=100", 10000, func() any { return &environmentsJSON{} }, func(v any) int {
		page := v.(*environmentsJSON)
		for _, e := range page.Environments {
			ge := evidence.GHEnvironment{Name: e.Name, RequiredReviewers: []string{}, BranchPolicy: "none", CanAdminsBypass: e.CanAdminsBypass == nil || *e.CanAdminsBypass}
			for _, pr := range e.ProtectionRules {
				switch pr.Type {
				case "wait_timer":
					ge.WaitTimer = pr.WaitTimer
				case "required_reviewers":
					for _, rv := range pr.Reviewers {
						if rv.Type == "Team" {
							ge.RequiredReviewers = append(ge.RequiredReviewers, r.owner+"/"+rv.Reviewer.Slug)
						} else {
							ge.RequiredReviewers = append(ge.RequiredReviewers, rv.Reviewer.Login)
						}
					}
				}
			}
			sort.Strings(ge.RequiredReviewers)
			if bp := e.DeploymentBranchPolicy; bp != nil {
				switch {
				case bp.ProtectedBranches:
					ge.BranchPolicy = "protected"
				case bp.CustomBranchPolicies:
					ge.BranchPolicy = "custom"
				}
			}
			out.Environments = append(out.Environments, ge)
		}
		return len(page.Environments)
	})
	if err != nil {
		return evidence.GHEnvironments{Area: evidence.Area{Reason: err.Error()}, Environments: []evidence.GHEnvironment{}}
	}
	sort.SliceStable(out.Environments, func(i, j int) bool { return out.Environments[i].Name < out.Environments[j].Name })
	out.Area = available
	return out
}

func (r *reader) organization(ctx context.Context, owner struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}) evidence.GHOrganization {
	if owner.Type != "Organization" {
		return evidence.GHOrganization{Area: evidence.Area{Reason: fmt.Sprintf("the repository is owned by the %s %q, not an organisation", strings.ToLower(owner.Type), owner.Login)}, Login: owner.Login}
	}
	var org struct {
		Login                       string `json:"login"`
		TwoFactorRequirementEnabled *bool  `json:"two_factor_requirement_enabled"`
	}
	if _, err := r.c.get(ctx, "orgs/"+url.PathEscape(owner.Login), &org); err != nil {
		return evidence.GHOrganization{Area: evidence.Area{Reason: err.Error()}, Login: owner.Login}
	}
	return evidence.GHOrganization{Area: available, Login: org.Login, TwoFactorRequirementEnabled: org.TwoFactorRequirementEnabled}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
