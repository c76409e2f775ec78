package github_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/github"
)

// reply is one HTTP answer of the fake GitHub.
type reply struct {
	status int
	header map[string]string
	body   string
}

// fakeGitHub serves GitHub-shaped replies by path and query under /api/v3 (a
// GitHub Enterprise Server base). A route with several replies answers them in
// order and then repeats the last. Unknown routes answer 404 Not Found as GitHub does.
type fakeGitHub struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string][]reply
	hits   map[string]int
	auth   []string
}

func newFake(t *testing.T, routes map[string][]reply) *fakeGitHub {
	f := &fakeGitHub{t: t, routes: routes, hits: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := strings.TrimPrefix(r.URL.Path, "/api/v3")
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	n := f.hits[key]
	f.hits[key]++
	rs, ok := f.routes[key]
	if !ok || r.Method != http.MethodGet {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
		return
	}
	if n >= len(rs) {
		n = len(rs) - 1
	}
	rep := rs[n]
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	for k, v := range rep.header {
		w.Header().Set(k, strings.ReplaceAll(v, "{{base}}", f.srv.URL))
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	fmt.Fprint(w, rep.body)
}

func (f *fakeGitHub) api() string { return f.srv.URL + "/api/v3" }

func ok(body string) []reply { return []reply{{body: body}} }

func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sha(i int) string { return fmt.Sprintf("%040x", i) }

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// commitBody is a commit as the compare and commit endpoints return it.
func commitBody(i int) string {
	author := `{"login":"dev-a","id":1,"type":"User"}`
	if i%2 == 1 {
		author = "null" // the author's e-mail matches no GitHub account
	}
	verification := `{"verified":false,"reason":"unsigned","signature":null,"payload":null}`
	if i%3 == 0 {
		verification = `{"verified":true,"reason":"valid","signature":"-----BEGIN PGP SIGNATURE-----\n...","payload":"tree ..."}`
	}
	return fmt.Sprintf(`{"sha":%q,"node_id":"C_x","commit":{"author":{"name":"Dev Name","email":"dev@example.com","date":%q},"committer":{"name":"GitHub","email":"noreply@github.com","date":%q},"message":"change %d","verification":%s},"author":%s,"committer":{"login":"web-flow"},"parents":[{"sha":%q}]}`,
		sha(i), t0.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), t0.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), i, verification, author, sha(i-1))
}

// compareRoutes serves BASE...HEAD as commits 1..n in pages of 100 with Link headers.
func compareRoutes(base, head string, n int) map[string][]reply {
	out := map[string][]reply{}
	path := "/repos/octokit-fixture-org/hello-world/compare/" + base + "..." + head
	pages := (n + 99) / 100
	for p := 1; p <= pages; p++ {
		var commits []string
		for i := (p-1)*100 + 1; i <= n && i <= p*100; i++ {
			commits = append(commits, commitBody(i))
		}
		body := fmt.Sprintf(`{"url":"x","status":"ahead","ahead_by":%d,"behind_by":0,"total_commits":%d,"commits":[%s],"files":[]}`, n, n, strings.Join(commits, ","))
		h := map[string]string{}
		var links []string
		if p < pages {
			links = append(links, fmt.Sprintf(`<{{base}}/api/v3%s?per_page=100&page=%d>; rel="next"`, path, p+1), fmt.Sprintf(`<{{base}}/api/v3%s?per_page=100&page=%d>; rel="last"`, path, pages))
		}
		if p > 1 {
			links = append(links, fmt.Sprintf(`<{{base}}/api/v3%s?per_page=100&page=%d>; rel="prev"`, path, p-1))
		}
		if len(links) > 0 {
			h["Link"] = strings.Join(links, ", ")
		}
		key := path + "?per_page=100"
		if p > 1 {
			key += fmt.Sprintf("&page=%d", p)
		}
		out[key] = []reply{{header: h, body: body}}
	}
	return out
}

func expectedCommits(from, to int) []evidence.GHCommit {
	var out []evidence.GHCommit
	for i := from; i <= to; i++ {
		c := evidence.GHCommit{SHA: sha(i), Author: "dev-a", Reason: "unsigned"}
		if i%2 == 1 {
			c.Author = "Dev Name"
		}
		if i%3 == 0 {
			c.Verified, c.Reason = true, "valid"
		}
		out = append(out, c)
	}
	return out
}

const repoPath = "/repos/octokit-fixture-org/hello-world"

const pullBody = `{"url":"x","id":1,"number":7,"state":"open","title":"Bolus limit check","user":{"login":"dev-a","id":1,"type":"User"},
 "head":{"label":"octokit-fixture-org:feature","ref":"feature","sha":"0000000000000000000000000000000000000096"},
 "base":{"label":"octokit-fixture-org:master","ref":"master","sha":"0000000000000000000000000000000000000000"},
 "merged":false,"merged_at":null,"merge_commit_sha":"e5bd3914e2e596debea16f433f57875b5b90bcd6","draft":false}`

const reviewsBody = `[
 {"id":80,"node_id":"R_1","user":{"login":"reviewer-b","id":2,"type":"User"},"body":"Looks good","state":"APPROVED","html_url":"x","pull_request_url":"x","author_association":"MEMBER","submitted_at":"2026-11-20T12:00:00Z","commit_id":"0000000000000000000000000000000000000096"},
 {"id":81,"node_id":"R_2","user":{"login":"reviewer-c","id":3,"type":"User"},"body":"","state":"COMMENTED","html_url":"x","pull_request_url":"x","author_association":"COLLABORATOR","submitted_at":"2026-11-20T11:00:00+01:00","commit_id":"0000000000000000000000000000000000000009"},
 {"id":82,"node_id":"R_3","user":null,"body":"","state":"DISMISSED","html_url":"x","pull_request_url":"x","author_association":"NONE","commit_id":"0000000000000000000000000000000000000008"}]`

const filesBody = `[
 {"sha":"bbcd538c8e72b8c175046e27cc8f907076331401","filename":"src/pump/bolus.c","status":"modified","additions":10,"deletions":2,"changes":12},
 {"sha":"bbcd538c8e72b8c175046e27cc8f907076331402","filename":"docs/security/threat-model.md","status":"renamed","previous_filename":"docs/threat-model.md","additions":0,"deletions":0,"changes":0}]`

const rulesBody = `[
 {"type":"pull_request","ruleset_source_type":"Repository","ruleset_source":"octokit-fixture-org/hello-world","ruleset_id":42,
  "parameters":{"required_approving_review_count":2,"require_code_owner_review":true,"dismiss_stale_reviews_on_push":true,"require_last_push_approval":true,"required_review_thread_resolution":false}},
 {"type":"required_signatures","ruleset_source_type":"Organization","ruleset_source":"octokit-fixture-org","ruleset_id":7},
 {"type":"non_fast_forward","ruleset_source_type":"Repository","ruleset_source":"octokit-fixture-org/hello-world","ruleset_id":42}]`

const codeScanningBody = `[
 {"number":4,"state":"open","rule":{"id":"js/zipslip","severity":"error","security_severity_level":"high","description":"Arbitrary file write"},"tool":{"name":"CodeQL"}},
 {"number":3,"state":"open","rule":{"id":"js/log-injection","severity":"warning","security_severity_level":"medium"},"tool":{"name":"CodeQL"}},
 {"number":2,"state":"open","rule":{"id":"js/todo","severity":"note","security_severity_level":null},"tool":{"name":"CodeQL"}}]`

const secretScanningBody = `[{"number":2,"state":"open","secret_type":"mailchimp_api_key","secret_type_display_name":"Mailchimp API Key","validity":"unknown"}]`

const dependabotBody = `[
 {"number":2,"state":"open","dependency":{"package":{"ecosystem":"pip","name":"django"},"manifest_path":"requirements.txt","scope":"runtime"},
  "security_advisory":{"ghsa_id":"GHSA-rf4j-j272-fj86","severity":"critical"},"security_vulnerability":{"severity":"critical"}},
 {"number":1,"state":"open","dependency":{"package":{"ecosystem":"pip","name":"ansible"}},
  "security_advisory":{"ghsa_id":"GHSA-8f4m-hccc-8qph","severity":"high"},"security_vulnerability":{"severity":"high"}}]`

const environmentsBody = `{"total_count":2,"environments":[
 {"id":161088069,"node_id":"MDExOkVudmlyb25tZW50MTYxMDg4MDY5","name":"staging","url":"x","html_url":"x","created_at":"2020-11-23T22:00:40Z","updated_at":"2020-11-23T22:00:40Z","protection_rules":[],"deployment_branch_policy":null},
 {"id":161088068,"node_id":"MDExOkVudmlyb25tZW50MTYxMDg4MDY4","name":"production","url":"x","html_url":"x","created_at":"2020-11-23T22:00:40Z","updated_at":"2020-11-23T22:00:40Z","can_admins_bypass":false,
  "protection_rules":[
   {"id":3736,"node_id":"MDQ6R2F0ZTM3MzY=","type":"wait_timer","wait_timer":30},
   {"id":3755,"node_id":"MDQ6R2F0ZTM3NTU=","prevent_self_review":false,"type":"required_reviewers","reviewers":[
     {"type":"User","reviewer":{"login":"octocat","id":1,"type":"User"}},
     {"type":"Team","reviewer":{"id":1,"node_id":"MDQ6VGVhbTE=","name":"Justice League","slug":"justice-league"}}]},
   {"id":3756,"node_id":"MDQ6R2F0ZTM3NTY=","type":"branch_policy"}],
  "deployment_branch_policy":{"protected_branches":false,"custom_branch_policies":true}}]}`

// baseRoutes is a repository where every area reads, for a pull request #7 from
// commits 1..150 onto master.
func baseRoutes(t *testing.T) map[string][]reply {
	r := map[string][]reply{
		repoPath:                                 ok(testdata(t, "repository.json")),
		repoPath + "/branches/master/protection": ok(testdata(t, "branch-protection.json")),
		repoPath + "/rules/branches/master?per_page=100":             ok(rulesBody),
		repoPath + "/pulls/7":                                        ok(pullBody),
		repoPath + "/pulls/7/reviews?per_page=100":                   ok(reviewsBody),
		repoPath + "/pulls/7/files?per_page=100":                     ok(filesBody),
		repoPath + "/private-vulnerability-reporting":                ok(`{"enabled":true}`),
		repoPath + "/code-scanning/alerts?state=open&per_page=100":   ok(codeScanningBody),
		repoPath + "/secret-scanning/alerts?state=open&per_page=100": ok(secretScanningBody),
		repoPath + "/dependabot/alerts?state=open&per_page=100":      ok(dependabotBody),
		repoPath + "/environments?per_page=100":                      ok(environmentsBody),
		"/orgs/octokit-fixture-org":                                  ok(testdata(t, "organization.json")),
		// The head commit, read only when the range is not.
		repoPath + "/commits/" + sha(150): ok(commitBody(150)),
	}
	for k, v := range compareRoutes(sha(0), sha(150), 150) {
		r[k] = v
	}
	return r
}

// clock is a fake clock whose sleep advances it.
type clock struct {
	now   time.Time
	slept []time.Duration
}

func (c *clock) Now() time.Time { return c.now }
func (c *clock) Sleep(_ context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

func collect(t *testing.T, f *fakeGitHub, c *clock, mod func(*github.Options)) (*evidence.GitHub, github.Stats) {
	t.Helper()
	o := github.Options{
		Token: "ghs_test", APIURL: f.api(), Repository: "octokit-fixture-org/hello-world",
		Event: "pull_request", PullRequest: 7, Branch: "master", BaseSHA: sha(0), HeadSHA: sha(150),
		Now: c.Now, Sleep: c.Sleep,
	}
	if mod != nil {
		mod(&o)
	}
	g, st, err := github.Collect(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return g, st
}

func ptime(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func pbool(b bool) *bool { return &b }

var avail = evidence.Area{Available: true}

func TestCollectPullRequest(t *testing.T) {
	f := newFake(t, baseRoutes(t))
	c := &clock{now: t0}
	g, st := collect(t, f, c, nil)

	// The pull request's head is the range's last commit: its push time comes
	// from the compare pages, without another request.
	headPushed := t0.Add(150 * time.Minute)
	want := &evidence.GitHub{
		API:        f.api() + "/",
		Repository: "octokit-fixture-org/hello-world",
		Branch:     "master",
		Settings: evidence.GHSettings{Area: avail, DefaultBranch: "master", Visibility: "public", SecurityAndAnalysis: map[string]string{
			"advanced_security": "enabled", "secret_scanning": "enabled", "secret_scanning_push_protection": "disabled", "dependabot_security_updates": "enabled"}},
		BranchProtection: evidence.GHProtection{Area: avail, Protected: true, RequiredApprovingReviewCount: 1, DismissStaleReviews: true,
			EnforceAdmins: true, RequiredStatusChecks: []string{"foo/bar"}},
		Rulesets: evidence.GHRulesets{Area: avail, Rules: []evidence.GHRule{
			{Type: "required_signatures", RulesetID: 7, RulesetSource: "octokit-fixture-org", Parameters: map[string]any{}},
			{Type: "non_fast_forward", RulesetID: 42, RulesetSource: "octokit-fixture-org/hello-world", Parameters: map[string]any{}},
			{Type: "pull_request", RulesetID: 42, RulesetSource: "octokit-fixture-org/hello-world", Parameters: map[string]any{
				"required_approving_review_count": float64(2), "require_code_owner_review": true, "dismiss_stale_reviews_on_push": true,
				"require_last_push_approval": true, "required_review_thread_resolution": false}},
		}},
		PullRequest: evidence.GHPullRequest{Area: avail, Number: 7, Author: "dev-a", BaseRef: "master", HeadRef: "feature",
			HeadSHA: sha(150), HeadPushedAt: &headPushed,
			Files: []string{"docs/security/threat-model.md", "docs/threat-model.md", "src/pump/bolus.c"},
			Reviews: []evidence.GHReview{
				{Author: "reviewer-b", State: "APPROVED", CommitID: sha(150), SubmittedAt: ptime("2026-11-20T12:00:00Z"), AuthorAssociation: "MEMBER"},
				{Author: "reviewer-c", State: "COMMENTED", CommitID: sha(9), SubmittedAt: ptime("2026-11-20T10:00:00Z"), AuthorAssociation: "COLLABORATOR"},
				{Author: "", State: "DISMISSED", CommitID: sha(8), AuthorAssociation: "NONE"},
			}},
		MergedPullRequests:            evidence.GHPullRequests{Area: evidence.Area{Reason: "merged pull requests are read for release events only (event pull_request)"}, PullRequests: []evidence.GHPullRequest{}},
		Commits:                       evidence.GHCommits{Area: avail, Range: sha(0) + "..." + sha(150), Commits: expectedCommits(1, 150)},
		PrivateVulnerabilityReporting: evidence.GHToggle{Area: avail, Enabled: true},
		CodeScanningAlerts:            evidence.GHAlerts{Area: avail, Open: 3, BySeverity: map[string]int{"high": 1, "medium": 1, "note": 1}},
		SecretScanningAlerts:          evidence.GHAlerts{Area: avail, Open: 1, BySeverity: map[string]int{}},
		DependabotAlerts:              evidence.GHAlerts{Area: avail, Open: 2, BySeverity: map[string]int{"critical": 1, "high": 1}},
		Environments: evidence.GHEnvironments{Area: avail, Environments: []evidence.GHEnvironment{
			{Name: "production", RequiredReviewers: []string{"octocat", "octokit-fixture-org/justice-league"}, WaitTimer: 30, BranchPolicy: "custom"},
			{Name: "staging", RequiredReviewers: []string{}, BranchPolicy: "none", CanAdminsBypass: true},
		}},
		Organization: evidence.GHOrganization{Area: avail, Login: "octokit-fixture-org", TwoFactorRequirementEnabled: pbool(false)},
	}
	assertGitHub(t, g, want)

	// One request per resource: every route once, both compare pages, nothing else.
	var paths []string
	for p, n := range f.hits {
		if n != 1 {
			t.Errorf("%s requested %d times, want once", p, n)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if st.Requests != len(paths) || len(paths) != 14 {
		t.Errorf("requests = %d over %d paths, want 14: %v", st.Requests, len(paths), paths)
	}
	for _, a := range f.auth {
		if a != "Bearer ghs_test" {
			t.Fatalf("Authorization = %q, want Bearer ghs_test", a)
		}
	}
	if len(c.slept) != 0 {
		t.Errorf("slept %v without a rate limit", c.slept)
	}
}

func assertGitHub(t *testing.T, got, want *evidence.GitHub) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	gj, _ := json.MarshalIndent(got, "", " ")
	wj, _ := json.MarshalIndent(want, "", " ")
	gl, wl := strings.Split(string(gj), "\n"), strings.Split(string(wj), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			t.Fatalf("evidence differs at line %d:\n got: %s\nwant: %s", i+1, a, b)
		}
	}
	t.Fatalf("evidence differs (types):\n got %#v\nwant %#v", got, want)
}

func TestCollectRelease(t *testing.T) {
	routes := baseRoutes(t)
	for k := range routes {
		if strings.Contains(k, "/compare/") || strings.Contains(k, "/pulls/7") {
			delete(routes, k)
		}
	}
	for k, v := range compareRoutes(sha(100), sha(3), 3) {
		routes[k] = v
	}
	pr := func(n int, head string, merged bool) string {
		mergedAt := "null"
		if merged {
			mergedAt = `"2026-11-21T10:00:00Z"`
		}
		return fmt.Sprintf(`{"number":%d,"state":"closed","user":{"login":"dev-%d"},"head":{"ref":"f%d","sha":%q},"base":{"ref":"master","sha":%q},"merged_at":%s,"merge_commit_sha":%q}`,
			n, n, n, head, sha(0), mergedAt, sha(n))
	}
	// Commits 1 and 2 belong to #11 (head commit 2, in the range), commit 3 to
	// #12 (squashed: its head commit 0x99 is outside the range) and to #13, which was closed unmerged.
	routes[repoPath+"/commits/"+sha(1)+"/pulls?per_page=100"] = ok("[" + pr(11, sha(2), true) + "]")
	routes[repoPath+"/commits/"+sha(2)+"/pulls?per_page=100"] = ok("[" + pr(11, sha(2), true) + "]")
	routes[repoPath+"/commits/"+sha(3)+"/pulls?per_page=100"] = ok("[" + pr(12, sha(0x99), true) + "," + pr(13, sha(0x98), false) + "]")
	for _, n := range []int{11, 12} {
		routes[fmt.Sprintf("%s/pulls/%d/reviews?per_page=100", repoPath, n)] = ok(fmt.Sprintf(`[{"user":{"login":"rev"},"state":"APPROVED","commit_id":%q,"submitted_at":"2026-11-21T09:00:00Z","author_association":"MEMBER"}]`, sha(n)))
		routes[fmt.Sprintf("%s/pulls/%d/files?per_page=100", repoPath, n)] = ok(fmt.Sprintf(`[{"filename":"src/f%d.c","status":"added"}]`, n))
	}
	routes[repoPath+"/commits/"+sha(0x99)] = ok(commitBody(0x99))
	f := newFake(t, routes)
	g, _ := collect(t, f, &clock{now: t0}, func(o *github.Options) {
		o.Event, o.PullRequest, o.Branch, o.BaseSHA, o.HeadSHA = "release", 0, "", sha(100), sha(3)
	})
	t2, t99 := t0.Add(2*time.Minute), t0.Add(0x99*time.Minute)
	want := evidence.GHPullRequests{Area: avail, PullRequests: []evidence.GHPullRequest{
		{Area: avail, Number: 11, Author: "dev-11", BaseRef: "master", HeadRef: "f11", HeadSHA: sha(2), HeadPushedAt: &t2, Merged: true, MergeCommit: sha(11),
			Files: []string{"src/f11.c"}, Reviews: []evidence.GHReview{{Author: "rev", State: "APPROVED", CommitID: sha(11), SubmittedAt: ptime("2026-11-21T09:00:00Z"), AuthorAssociation: "MEMBER"}}},
		{Area: avail, Number: 12, Author: "dev-12", BaseRef: "master", HeadRef: "f12", HeadSHA: sha(0x99), HeadPushedAt: &t99, Merged: true, MergeCommit: sha(12),
			Files: []string{"src/f12.c"}, Reviews: []evidence.GHReview{{Author: "rev", State: "APPROVED", CommitID: sha(12), SubmittedAt: ptime("2026-11-21T09:00:00Z"), AuthorAssociation: "MEMBER"}}},
	}}
	if !reflect.DeepEqual(g.MergedPullRequests, want) {
		gj, _ := json.MarshalIndent(g.MergedPullRequests, "", " ")
		t.Fatalf("merged pull requests:\n%s", gj)
	}
	if g.Branch != "master" || g.PullRequest.Available || g.PullRequest.Reason != "no pull request in this run (event release)" {
		t.Errorf("branch %q, pull request %+v", g.Branch, g.PullRequest.Area)
	}
	if !reflect.DeepEqual(g.Commits, evidence.GHCommits{Area: avail, Range: sha(100) + "..." + sha(3), Commits: expectedCommits(1, 3)}) {
		t.Errorf("commits = %+v", g.Commits)
	}
	for p, n := range f.hits {
		if n != 1 {
			t.Errorf("%s requested %d times, want once", p, n)
		}
	}
}

// TestAreaNotAvailable checks each failure leaves its area not available with
// the reason, and never a pass.
func TestAreaNotAvailable(t *testing.T) {
	forbidden := func(msg string, h map[string]string) []reply {
		return []reply{{status: 403, header: h, body: fmt.Sprintf(`{"message":%q,"documentation_url":"https://docs.github.com/rest"}`, msg)}}
	}
	tests := []struct {
		name   string
		routes map[string][]reply
		check  func(t *testing.T, g *evidence.GitHub)
	}{{
		name:   "401 on the repository makes every area not available",
		routes: map[string][]reply{repoPath: {{status: 401, body: `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`}}},
		check: func(t *testing.T, g *evidence.GitHub) {
			want := github.Empty(g.API, "octokit-fixture-org/hello-world", "repository not readable: GET repos/octokit-fixture-org/hello-world: 401 Bad credentials; the token is missing, expired or revoked")
			assertGitHub(t, g, want)
		},
	}, {
		name:   "404 on the repository",
		routes: map[string][]reply{repoPath: {{status: 404, body: `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository"}`}}},
		check: func(t *testing.T, g *evidence.GitHub) {
			if g.Settings.Available || g.BranchProtection.Available || g.Organization.Available ||
				g.Settings.Reason != "repository not readable: GET repos/octokit-fixture-org/hello-world: 404 Not Found; not found, or not visible to the token" {
				t.Errorf("settings %+v", g.Settings.Area)
			}
		},
	}, {
		name: "403 on branch protection names the permission the token lacks",
		routes: map[string][]reply{repoPath + "/branches/master/protection": forbidden("Resource not accessible by integration",
			map[string]string{"X-Accepted-GitHub-Permissions": "administration=read"})},
		check: func(t *testing.T, g *evidence.GitHub) {
			want := evidence.GHProtection{Area: evidence.Area{Reason: "GET repos/octokit-fixture-org/hello-world/branches/master/protection: 403 Resource not accessible by integration; the token needs the permission administration=read"}, RequiredStatusChecks: []string{}}
			if !reflect.DeepEqual(g.BranchProtection, want) {
				t.Errorf("protection = %+v", g.BranchProtection)
			}
			if !g.Rulesets.Available || !g.Settings.Available {
				t.Errorf("other areas should still read: rulesets %+v", g.Rulesets.Area)
			}
		},
	}, {
		name: "403 on code scanning names the OAuth scope",
		routes: map[string][]reply{repoPath + "/code-scanning/alerts?state=open&per_page=100": forbidden("Advanced Security must be enabled for this repository to use code scanning.",
			map[string]string{"X-Accepted-OAuth-Scopes": "repo, security_events", "X-OAuth-Scopes": "read:org"})},
		check: func(t *testing.T, g *evidence.GitHub) {
			want := evidence.GHAlerts{Area: evidence.Area{Reason: "GET repos/octokit-fixture-org/hello-world/code-scanning/alerts?state=open&per_page=100: 403 Advanced Security must be enabled for this repository to use code scanning.; the token needs the OAuth scope repo, security_events"}, BySeverity: map[string]int{}}
			if !reflect.DeepEqual(g.CodeScanningAlerts, want) {
				t.Errorf("code scanning = %+v", g.CodeScanningAlerts)
			}
		},
	}, {
		name:   "branch not protected, protected by rulesets only",
		routes: map[string][]reply{repoPath + "/branches/master/protection": {{status: 404, body: testdata(t, "branch-not-protected.json")}}},
		check: func(t *testing.T, g *evidence.GitHub) {
			want := evidence.GHProtection{Area: avail, Protected: false, RequiredStatusChecks: []string{}}
			if !reflect.DeepEqual(g.BranchProtection, want) {
				t.Errorf("protection = %+v", g.BranchProtection)
			}
			if !g.Rulesets.Available || len(g.Rulesets.Rules) != 3 || g.Rulesets.Rules[2].Type != "pull_request" {
				t.Errorf("rulesets = %+v", g.Rulesets)
			}
		},
	}, {
		name:   "404 Not Found on protection is not 'not protected'",
		routes: map[string][]reply{repoPath + "/branches/master/protection": {{status: 404, body: `{"message":"Not Found","documentation_url":"x"}`}}},
		check: func(t *testing.T, g *evidence.GitHub) {
			if g.BranchProtection.Available || g.BranchProtection.Reason != "GET repos/octokit-fixture-org/hello-world/branches/master/protection: 404 Not Found; not found, or not visible to the token" {
				t.Errorf("protection = %+v", g.BranchProtection.Area)
			}
		},
	}, {
		name: "404 on rulesets, environments, private reporting (older GitHub Enterprise Server)",
		routes: map[string][]reply{
			repoPath + "/rules/branches/master?per_page=100": nil, repoPath + "/environments?per_page=100": nil, repoPath + "/private-vulnerability-reporting": nil,
		},
		check: func(t *testing.T, g *evidence.GitHub) {
			for name, a := range map[string]evidence.Area{"rulesets": g.Rulesets.Area, "environments": g.Environments.Area, "pvr": g.PrivateVulnerabilityReporting.Area} {
				if a.Available || !strings.Contains(a.Reason, ": 404 Not Found; not found, or not visible to the token") {
					t.Errorf("%s = %+v", name, a)
				}
			}
			if g.Environments.Environments == nil || g.Rulesets.Rules == nil {
				t.Error("lists must stay non-null")
			}
		},
	}, {
		name:   "organisation settings hidden from the token: two-factor requirement is null",
		routes: map[string][]reply{"/orgs/octokit-fixture-org": ok(`{"login":"octokit-fixture-org","id":1000,"type":"Organization"}`)},
		check: func(t *testing.T, g *evidence.GitHub) {
			want := evidence.GHOrganization{Area: avail, Login: "octokit-fixture-org"}
			if !reflect.DeepEqual(g.Organization, want) {
				t.Errorf("organization = %+v", g.Organization)
			}
		},
	}, {
		name:   "a user-owned repository has no organisation",
		routes: map[string][]reply{repoPath: ok(strings.Replace(testdata(t, "repository.json"), `"type": "Organization"`, `"type": "User"`, 1))},
		check: func(t *testing.T, g *evidence.GitHub) {
			want := evidence.GHOrganization{Area: evidence.Area{Reason: `the repository is owned by the user "octokit-fixture-org", not an organisation`}, Login: "octokit-fixture-org"}
			if !reflect.DeepEqual(g.Organization, want) {
				t.Errorf("organization = %+v", g.Organization)
			}
		},
	}, {
		name:   "401 on reviews makes the pull request not available",
		routes: map[string][]reply{repoPath + "/pulls/7/reviews?per_page=100": {{status: 401, body: `{"message":"Bad credentials"}`}}},
		check: func(t *testing.T, g *evidence.GitHub) {
			want := evidence.GHPullRequest{Area: evidence.Area{Reason: "reviews: GET repos/octokit-fixture-org/hello-world/pulls/7/reviews?per_page=100: 401 Bad credentials; the token is missing, expired or revoked"}, Files: []string{}, Reviews: []evidence.GHReview{}}
			if !reflect.DeepEqual(g.PullRequest, want) {
				t.Errorf("pull request = %+v", g.PullRequest)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := baseRoutes(t)
			for k, v := range tt.routes {
				if v == nil {
					delete(routes, k)
					continue
				}
				routes[k] = v
			}
			f := newFake(t, routes)
			g, _ := collect(t, f, &clock{now: t0}, nil)
			tt.check(t, g)
		})
	}
}

func TestRateLimits(t *testing.T) {
	reset := func(d time.Duration) string { return fmt.Sprint(t0.Add(d).Unix()) }
	primary := func(d time.Duration) reply {
		return reply{status: 403, header: map[string]string{"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "1000", "X-RateLimit-Reset": reset(d), "X-RateLimit-Resource": "core"},
			body: `{"message":"API rate limit exceeded for installation ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`}
	}
	secondary := reply{status: 403, header: map[string]string{"Retry-After": "10"},
		body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`}
	tooMany := reply{status: 429, header: map[string]string{"Retry-After": "5"}, body: `{"message":"Too many requests"}`}
	tests := []struct {
		name      string
		first     reply
		wantSleep []time.Duration
		// wantReason is the settings reason; "" when the repository reads after the wait.
		wantReason string
	}{
		{"primary limit resets within the cap: wait, then read", primary(30 * time.Second), []time.Duration{30 * time.Second}, ""},
		{"primary limit beyond the cap: not available, no wait", primary(2 * time.Minute), nil,
			"repository not readable: GET repos/octokit-fixture-org/hello-world: GitHub API primary rate limit (x-ratelimit-remaining: 0) until 2026-11-20T09:02:00Z; mdrgate waits at most 1m0s per run"},
		{"secondary limit with retry-after: wait, then read", secondary, []time.Duration{10 * time.Second}, ""},
		{"429 with retry-after: wait, then read", tooMany, []time.Duration{5 * time.Second}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := baseRoutes(t)
			routes[repoPath] = []reply{tt.first, routes[repoPath][0]}
			f := newFake(t, routes)
			c := &clock{now: t0}
			g, st := collect(t, f, c, nil)
			if !reflect.DeepEqual(c.slept, tt.wantSleep) {
				t.Errorf("slept %v, want %v", c.slept, tt.wantSleep)
			}
			if tt.wantReason == "" {
				if !g.Settings.Available || !g.DependabotAlerts.Available || f.hits[repoPath] != 2 {
					t.Errorf("settings %+v after %d requests", g.Settings.Area, f.hits[repoPath])
				}
				return
			}
			if g.Settings.Available || g.Settings.Reason != tt.wantReason || g.Commits.Reason != tt.wantReason {
				t.Errorf("settings reason = %q\nwant %q", g.Settings.Reason, tt.wantReason)
			}
			if st.Requests != 1 {
				t.Errorf("requests = %d, want 1: nothing more is sent while the limit holds", st.Requests)
			}
		})
	}

	t.Run("the cap holds across the run", func(t *testing.T) {
		routes := baseRoutes(t)
		routes[repoPath] = []reply{primary(40 * time.Second), routes[repoPath][0]}
		key := repoPath + "/private-vulnerability-reporting"
		// 40 s after t0 the clock reads t0+40s; this limit resets 40 s later again.
		routes[key] = []reply{primary(80 * time.Second), routes[key][0]}
		f := newFake(t, routes)
		c := &clock{now: t0}
		g, _ := collect(t, f, c, nil)
		if !reflect.DeepEqual(c.slept, []time.Duration{40 * time.Second}) {
			t.Errorf("slept %v", c.slept)
		}
		if !g.Settings.Available || g.PrivateVulnerabilityReporting.Available ||
			g.PrivateVulnerabilityReporting.Reason != "GET repos/octokit-fixture-org/hello-world/private-vulnerability-reporting: GitHub API primary rate limit (x-ratelimit-remaining: 0) until 2026-11-20T09:01:20Z; mdrgate waits at most 1m0s per run" {
			t.Errorf("pvr = %+v", g.PrivateVulnerabilityReporting.Area)
		}
		// Areas after the limit are not read either, rather than hammering the API.
		if g.CodeScanningAlerts.Available || !strings.Contains(g.CodeScanningAlerts.Reason, "primary rate limit") {
			t.Errorf("code scanning = %+v", g.CodeScanningAlerts.Area)
		}
	})
}

func TestCollectOptions(t *testing.T) {
	for _, tt := range []struct {
		o    github.Options
		want string
	}{
		{github.Options{Token: "x", Repository: "nope"}, `invalid GitHub repository "nope": expected OWNER/NAME`},
		{github.Options{Token: "x", Repository: "a/b/c"}, `invalid GitHub repository "a/b/c": expected OWNER/NAME`},
		{github.Options{Repository: "a/b"}, "no GitHub token: set GITHUB_TOKEN or --github-token"},
		{github.Options{Token: "x", Repository: "a/b", APIURL: "ftp://example.com"}, `invalid GitHub API URL "ftp://example.com/": expected an http(s) URL such as https://api.github.com/ or https://HOST/api/v3`},
	} {
		_, _, err := github.Collect(context.Background(), tt.o)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Collect(%+v) = %v, want %s", tt.o, err, tt.want)
		}
	}
}

func TestNextLinkStaysOnTheAPIHost(t *testing.T) {
	routes := baseRoutes(t)
	routes[repoPath+"/environments?per_page=100"] = []reply{{header: map[string]string{"Link": `<https://evil.example/steal?page=2>; rel="next"`}, body: environmentsBody}}
	f := newFake(t, routes)
	g, _ := collect(t, f, &clock{now: t0}, nil)
	if !g.Environments.Available || len(g.Environments.Environments) != 2 {
		t.Errorf("environments = %+v", g.Environments)
	}
}

// TestEveryAreaForbidden answers 403 with the permission header on each area's
// endpoint in turn: that area, and only the areas that depend on it, are not
// available with the reason.
func TestEveryAreaForbidden(t *testing.T) {
	areas := []struct {
		route string
		area  func(*evidence.GitHub) evidence.Area
	}{
		{repoPath + "/branches/master/protection", func(g *evidence.GitHub) evidence.Area { return g.BranchProtection.Area }},
		{repoPath + "/rules/branches/master?per_page=100", func(g *evidence.GitHub) evidence.Area { return g.Rulesets.Area }},
		{repoPath + "/pulls/7", func(g *evidence.GitHub) evidence.Area { return g.PullRequest.Area }},
		{repoPath + "/compare/" + sha(0) + "..." + sha(150) + "?per_page=100&page=2", func(g *evidence.GitHub) evidence.Area { return g.Commits.Area }},
		{repoPath + "/private-vulnerability-reporting", func(g *evidence.GitHub) evidence.Area { return g.PrivateVulnerabilityReporting.Area }},
		{repoPath + "/code-scanning/alerts?state=open&per_page=100", func(g *evidence.GitHub) evidence.Area { return g.CodeScanningAlerts.Area }},
		{repoPath + "/secret-scanning/alerts?state=open&per_page=100", func(g *evidence.GitHub) evidence.Area { return g.SecretScanningAlerts.Area }},
		{repoPath + "/dependabot/alerts?state=open&per_page=100", func(g *evidence.GitHub) evidence.Area { return g.DependabotAlerts.Area }},
		{repoPath + "/environments?per_page=100", func(g *evidence.GitHub) evidence.Area { return g.Environments.Area }},
		{"/orgs/octokit-fixture-org", func(g *evidence.GitHub) evidence.Area { return g.Organization.Area }},
	}
	for i, a := range areas {
		t.Run(a.route, func(t *testing.T) {
			routes := baseRoutes(t)
			routes[a.route] = []reply{{status: 403, header: map[string]string{"X-Accepted-GitHub-Permissions": "perm=read"},
				body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}`}}
			g, _ := collect(t, newFake(t, routes), &clock{now: t0}, nil)
			want := evidence.Area{Reason: "GET " + strings.TrimPrefix(a.route, "/") + ": 403 Resource not accessible by integration; the token needs the permission perm=read"}
			if got := a.area(g); got != want {
				t.Errorf("area = %+v\nwant %+v", got, want)
			}
			for j, b := range areas {
				if j != i && !b.area(g).Available {
					t.Errorf("%s is not available too: %+v", b.route, b.area(g))
				}
			}
		})
	}
}
