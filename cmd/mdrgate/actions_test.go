package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/result"
)

// actionWorkflows are the workflows actionlint checks: the examples, and the
// repository's own, which use the action as ./ so that actionlint checks their
// inputs against action.yml.
func actionWorkflows(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	for _, g := range []string{"examples/workflows/*.yml", ".github/workflows/*.yml"} {
		m, err := filepath.Glob(filepath.Join(root, g))
		if err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 {
			t.Fatalf("no workflow matches %s", g)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	return files
}

func actionlint(t *testing.T, dir string, files ...string) (string, error) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds actionlint")
	}
	cmd := exec.Command("go", append([]string{"tool", "actionlint", "-no-color"}, files...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestWorkflowsPassActionlint(t *testing.T) {
	root := repoRoot(t)
	files := actionWorkflows(t, root)
	if out, err := actionlint(t, root, files...); err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}

	// The check can fail: an input action.yml does not define is an error.
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "mdrgate.yml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), "          command: check\n", "          command: check\n          commmand: check\n", 1)
	writeFile(t, filepath.Join(dir, ".github", "workflows", "mdrgate.yml"), bad)
	a, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "action.yml"), string(a))
	// actionlint finds the project (and resolves ./) by its .git folder.
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := actionlint(t, root, filepath.Join(dir, ".github", "workflows", "mdrgate.yml"))
	if err == nil || !strings.Contains(out, `input "commmand" is not defined in action "mdrgate"`) {
		t.Errorf("actionlint accepted an undefined input: %v\n%s", err, out)
	}
}

var usesLine = regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s*(\S+)(.*)$`)

// TestActionsPinned checks every action the action and the workflows use is
// pinned to a full commit SHA with the version in a comment, or is ./.
func TestActionsPinned(t *testing.T) {
	root := repoRoot(t)
	files := append(actionWorkflows(t, root), filepath.Join(root, "action.yml"))
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "\npermissions:\n  contents: read\n") && filepath.Base(f) != "action.yml" {
			t.Errorf("%s: top-level permissions are not read-only", f)
		}
		for _, m := range usesLine.FindAllStringSubmatch(string(b), -1) {
			ref, comment := m[1], strings.TrimSpace(m[2])
			if ref == "./" {
				continue
			}
			if !pinned.MatchString(ref) || !strings.HasPrefix(comment, "# ") {
				t.Errorf("%s: uses %s %s: not pinned to a commit SHA with a version comment", f, ref, comment)
			}
		}
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildMdrgate builds the binary once per test.
func buildMdrgate(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mdrgate")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

const prPayload = `{
  "action": "synchronize",
  "number": 42,
  "pull_request": {
    "number": 42, "state": "open", "title": "Reject bolus above the limit",
    "user": {"login": "dev-a"},
    "base": {"ref": "main", "sha": "9049f1265b7d61be4a8904a9a27120d2064dab3b"},
    "head": {"ref": "feature/bolus-limit", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"}
  },
  "repository": {"name": "infucore", "full_name": "octo-org/infucore", "owner": {"login": "octo-org"}}
}`

// runnerEnv is the environment a runner gives a step of a pull_request run.
func runnerEnv(t *testing.T, workspace string) (map[string]string, string) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "event.json"), prPayload)
	return map[string]string{
		"GITHUB_ACTIONS":      "true",
		"CI":                  "true",
		"GITHUB_EVENT_NAME":   "pull_request",
		"GITHUB_EVENT_PATH":   filepath.Join(dir, "event.json"),
		"GITHUB_OUTPUT":       filepath.Join(dir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary.md"),
		"GITHUB_REPOSITORY":   "octo-org/infucore",
		"GITHUB_REF":          "refs/pull/42/merge",
		"GITHUB_SHA":          "6dcb09b5b57875f334f61aebed695e2e4193db5e",
		"GITHUB_WORKSPACE":    workspace,
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_RUN_ID":       "1658821493",
		"INPUT_COMMAND":       "check",
		"NO_COLOR":            "1",
	}, dir
}

func TestCheckInGitHubActions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildMdrgate(t)
	variants, err := demorepo.Variants(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	var imp02 *demorepo.Variant
	for i := range variants {
		if variants[i].Name == "imp02-unsuppressed-high" {
			imp02 = &variants[i]
		}
	}
	if imp02 == nil {
		t.Fatal("variant imp02-unsuppressed-high not found")
	}

	// The IMP-02 variant's finding, annotated at its line with the control as title.
	const imp02Line = "::error file=src/dose.c,line=43,title=IMP-02::Semgrep OSS rule c.lang.security.insecure-use-strcpy-fn.insecure-use-strcpy-fn (security-severity 7.5) not suppressed: Finding triggers whenever there is a strcpy or strncpy used. This is an issue because strcpy does not affirm the size of the destination array and strncpy will not automatically NULL-terminate strings…"
	tests := []struct {
		name    string
		variant *demorepo.Variant
		// imp02 says whether the IMP-02 annotation must be there.
		imp02 bool
	}{
		{name: "the demo", variant: nil, imp02: false},
		{name: "an unsuppressed high SAST finding fails IMP-02 at its line", variant: imp02, imp02: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			if err := demorepo.Build(repoRoot(t), repo, tt.variant); err != nil {
				t.Fatal(err)
			}
			env, dir := runnerEnv(t, repo)
			cmd := exec.Command(bin, "check", "--at", at, "-o", "text", "-o", "json=out/report.json", "-o", "sarif=out/report.sarif", "-o", "markdown="+filepath.Join(dir, "report.md"), ".")
			cmd.Dir = repo
			if err := os.MkdirAll(filepath.Join(repo, "out"), 0o755); err != nil {
				t.Fatal(err)
			}
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			var rep result.Report
			if err := json.Unmarshal([]byte(readString(t, filepath.Join(repo, "out", "report.json"))), &rep); err != nil {
				t.Fatalf("exit %d, no JSON report: %v\nstderr:\n%s", code, err, stderr.String())
			}
			if want := map[string]int{"pass": 0, "fail": 1}[rep.Verdict]; code != want || (rep.Verdict != "pass" && rep.Verdict != "fail") {
				t.Fatalf("exit %d with verdict %q\nstderr:\n%s", code, rep.Verdict, stderr.String())
			}
			if rep.Event != "pull_request" {
				t.Errorf("event %q, want pull_request from GITHUB_EVENT_NAME", rep.Event)
			}

			// Outputs: the verdict, the gating controls that failed it, the report files.
			var failed []string
			for _, c := range rep.Controls {
				if c.Gate && (c.Outcome == result.Fail || c.Outcome == result.NotAvailable || c.Outcome == result.Error) {
					failed = append(failed, c.ID)
				}
			}
			sort.Strings(failed)
			if tt.imp02 && !strings.Contains(","+strings.Join(failed, ",")+",", ",IMP-02,") {
				t.Errorf("IMP-02 is not among the failed controls %v", failed)
			}
			d := "_GitHubActionsFileCommandDelimeter_"
			wantOut := "verdict<<" + d + "\n" + rep.Verdict + "\n" + d + "\n" +
				"failed-controls<<" + d + "\n" + strings.Join(failed, ",") + "\n" + d + "\n" +
				"report-json<<" + d + "\n" + filepath.Join(repo, "out", "report.json") + "\n" + d + "\n" +
				"report-sarif<<" + d + "\n" + filepath.Join(repo, "out", "report.sarif") + "\n" + d + "\n"
			if got := readString(t, env["GITHUB_OUTPUT"]); got != wantOut {
				t.Errorf("GITHUB_OUTPUT =\n%s\nwant\n%s", got, wantOut)
			}

			// The job summary is the markdown report.
			if got, want := readString(t, env["GITHUB_STEP_SUMMARY"]), readString(t, filepath.Join(dir, "report.md"))+"\n"; got != want {
				t.Errorf("GITHUB_STEP_SUMMARY =\n%s\nwant the markdown report\n%s", got, want)
			}

			// Annotations: one per violation of a failed or warned control, one per
			// control without evidence or in error; errors for gating controls.
			var want []string
			for _, c := range rep.Controls {
				level := "warning"
				if c.Gate && (c.Outcome == result.Fail || c.Outcome == result.NotAvailable || c.Outcome == result.Error) {
					level = "error"
				}
				switch c.Outcome {
				case result.Fail, result.Warn:
					for _, v := range c.Violations {
						props := ""
						if v.Path != "" {
							props = "file=" + v.Path + ","
							if v.Line > 0 {
								props += fmt.Sprintf("line=%d,", v.Line)
							}
						}
						want = append(want, "::"+level+" "+props+"title="+c.ID+"::"+v.Msg)
					}
				case result.NotAvailable, result.Error:
					want = append(want, "::"+level+" title="+c.ID+"::"+string(c.Outcome)+": "+strings.Join(c.Reasons, "; "))
				}
			}
			var got []string
			for _, l := range strings.Split(stdout.String(), "\n") {
				if strings.HasPrefix(l, "::") {
					got = append(got, l)
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("annotations =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			has := strings.Contains(stdout.String(), "\n"+imp02Line+"\n")
			if has != tt.imp02 {
				t.Errorf("IMP-02 annotation present = %v, want %v:\n%s", has, tt.imp02, strings.Join(got, "\n"))
			}
		})
	}
}

// TestOutsideActionsNothingIsPublished checks that without GITHUB_ACTIONS=true
// nothing is written to the runner's files and no annotation is printed.
func TestOutsideActionsNothingIsPublished(t *testing.T) {
	repo := demo(t, nil)
	env, _ := runnerEnv(t, repo)
	env["GITHUB_ACTIONS"] = ""
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"check", "--at", at, repo}, env2(env, &out, &errb))
	if code == 2 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, f := range []string{env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"]} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s was written outside GitHub Actions", f)
		}
	}
	if strings.Contains(out.String(), "::") {
		t.Errorf("workflow commands outside GitHub Actions:\n%s", out.String())
	}
}

func env2(m map[string]string, out, errb *bytes.Buffer) env {
	return env{stdout: out, stderr: errb, getenv: func(k string) string { return m[k] }}
}

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCollectReadsGitHub runs collect in a pull_request run against a
// GitHub-shaped API: the pull request comes from the event payload, the token
// and the API URL from the environment, and an area the token may not read is
// not_available with the reason.
func TestCollectReadsGitHub(t *testing.T) {
	const repoPath = "/api/v3/repos/octo-org/infucore"
	var mu = make(chan struct{}, 1)
	hits := map[string]int{}
	routes := map[string]string{
		repoPath:               `{"name":"infucore","full_name":"octo-org/infucore","private":true,"visibility":"private","default_branch":"main","owner":{"login":"octo-org","type":"Organization"}}`,
		repoPath + "/pulls/42": `{"number":42,"user":{"login":"dev-a"},"base":{"ref":"main","sha":"9049f1265b7d61be4a8904a9a27120d2064dab3b"},"head":{"ref":"feature/bolus-limit","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e"},"merged":false,"merged_at":null}`,
		repoPath + "/pulls/42/reviews?per_page=100": `[{"user":{"login":"reviewer-b"},"state":"APPROVED","commit_id":"6dcb09b5b57875f334f61aebed695e2e4193db5e","submitted_at":"2026-11-26T13:00:00Z","author_association":"MEMBER"}]`,
		repoPath + "/pulls/42/files?per_page=100":   `[{"filename":"src/dose.c","status":"modified"}]`,
		repoPath + "/compare/9049f1265b7d61be4a8904a9a27120d2064dab3b...6dcb09b5b57875f334f61aebed695e2e4193db5e?per_page=100": `{"total_commits":1,"commits":[{"sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","author":{"login":"dev-a"},"commit":{"author":{"name":"Dev A","date":"2026-11-26T12:00:00Z"},"committer":{"date":"2026-11-26T12:30:00Z"},"verification":{"verified":true,"reason":"valid"}}}]}`,
		repoPath + "/rules/branches/main?per_page=100": `[]`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu <- struct{}{}
		defer func() { <-mu }()
		key := r.URL.Path
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		hits[key]++
		if r.Header.Get("Authorization") != "Bearer ghs_runner" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Bad credentials"}`)
			return
		}
		if key == repoPath+"/branches/main/protection" {
			w.Header().Set("X-Accepted-GitHub-Permissions", "administration=read")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"Resource not accessible by integration"}`)
			return
		}
		body, ok := routes[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not Found"}`)
			return
		}
		fmt.Fprint(w, body)
	}))
	defer srv.Close()

	repo := demo(t, nil)
	env, dir := runnerEnv(t, repo)
	env["GITHUB_TOKEN"] = "ghs_runner"
	env["GITHUB_API_URL"] = srv.URL + "/api/v3"
	file := filepath.Join(dir, "evidence.json")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"collect", "-o", file, repo}, env2(env, &out, &errb)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc evidence.Document
	if err := json.Unmarshal([]byte(readString(t, file)), &doc); err != nil {
		t.Fatal(err)
	}
	g := doc.GitHub
	if g == nil {
		t.Fatal("github evidence is null in a run with a token and a repository")
	}
	if !g.PullRequest.Available || g.PullRequest.Number != 42 || g.PullRequest.Author != "dev-a" || len(g.PullRequest.Reviews) != 1 ||
		g.PullRequest.HeadPushedAt == nil || g.PullRequest.HeadPushedAt.Format("15:04") != "12:30" {
		t.Errorf("pull request = %+v", g.PullRequest)
	}
	if g.Branch != "main" || !g.Commits.Available || g.Commits.Range != "9049f1265b7d61be4a8904a9a27120d2064dab3b...6dcb09b5b57875f334f61aebed695e2e4193db5e" || !g.Commits.Commits[0].Verified {
		t.Errorf("branch %q, commits %+v", g.Branch, g.Commits)
	}
	wantReason := "GET repos/octo-org/infucore/branches/main/protection: 403 Resource not accessible by integration; the token needs the permission administration=read"
	if g.BranchProtection.Available || g.BranchProtection.Reason != wantReason {
		t.Errorf("branch protection = %+v", g.BranchProtection.Area)
	}
	if g.DependabotAlerts.Available || g.MergedPullRequests.Available {
		t.Errorf("unreadable areas must not be available: dependabot %+v", g.DependabotAlerts.Area)
	}

	// Flags override the environment; without a token GitHub evidence is null.
	delete(env, "GITHUB_TOKEN")
	out.Reset()
	if code := run(context.Background(), []string{"collect", repo}, env2(env, &out, &errb)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc2 map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc2); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc2["github"]; ok {
		t.Error("github evidence collected without a token")
	}
	if code := run(context.Background(), []string{"collect", "--github-token", "ghs_runner", "--github-repository", "octo-org", repo}, env2(env, &out, &errb)); code != 2 ||
		!strings.Contains(errb.String(), `invalid GitHub repository "octo-org": expected OWNER/NAME`) {
		t.Errorf("a bad --github-repository: exit %d, %s", code, errb.String())
	}
}
