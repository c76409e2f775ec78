package action_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/action"
)

// runner is a runner-like environment: temporary command files and variables.
type runner struct {
	env map[string]string
	dir string
	out bytes.Buffer
}

func newRunner(t *testing.T) *runner {
	dir := t.TempDir()
	r := &runner{dir: dir, env: map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_OUTPUT":       filepath.Join(dir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
		"GITHUB_REPOSITORY":   "octo-org/infucore",
		"GITHUB_EVENT_NAME":   "pull_request",
		"GITHUB_SHA":          "6dcb09b5b57875f334f61aebed695e2e4193db5e",
		"GITHUB_REF":          "refs/pull/42/merge",
		"GITHUB_RUN_ID":       "1658821493",
		"INPUT_COMMAND":       "  check ",
		"INPUT_GITHUB-TOKEN":  "ghs_x",
	}}
	return r
}

func (r *runner) getenv(k string) string { return r.env[k] }

func (r *runner) rt() action.Runtime { return action.New(&r.out, r.getenv, nil) }

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFileCommands(t *testing.T) {
	r := newRunner(t)
	rt := r.rt()
	if !rt.InActions() || rt.Input("command") != "check" || rt.Input("github-token") != "ghs_x" || rt.Getenv("GITHUB_SHA") == "" {
		t.Fatalf("inputs: in actions %v, command %q", rt.InActions(), rt.Input("command"))
	}
	for _, kv := range [][2]string{{"verdict", "fail"}, {"failed-controls", "GOV-03,SCM-02"}} {
		if err := rt.SetOutput(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.AddStepSummary("# mdrgate\n"); err != nil {
		t.Fatal(err)
	}
	if err := rt.AddStepSummary("verdict: fail\n"); err != nil {
		t.Fatal(err)
	}
	wantOut := "verdict<<_GitHubActionsFileCommandDelimeter_\nfail\n_GitHubActionsFileCommandDelimeter_\n" +
		"failed-controls<<_GitHubActionsFileCommandDelimeter_\nGOV-03,SCM-02\n_GitHubActionsFileCommandDelimeter_\n"
	if got := read(t, r.env["GITHUB_OUTPUT"]); got != wantOut {
		t.Errorf("GITHUB_OUTPUT =\n%s\nwant\n%s", got, wantOut)
	}
	if got := read(t, r.env["GITHUB_STEP_SUMMARY"]); got != "# mdrgate\n\nverdict: fail\n\n" {
		t.Errorf("GITHUB_STEP_SUMMARY = %q", got)
	}
	if err := rt.SetOutput("x", "a _GitHubActionsFileCommandDelimeter_ b"); err == nil {
		t.Error("a value holding the delimiter must be refused: it would forge outputs")
	}
	if r.out.Len() != 0 {
		t.Errorf("file commands wrote to the log: %q", r.out.String())
	}
}

func TestFileCommandsOutsideARunner(t *testing.T) {
	rt := action.New(&bytes.Buffer{}, func(string) string { return "" }, nil)
	if rt.InActions() {
		t.Error("InActions without GITHUB_ACTIONS")
	}
	if err := rt.SetOutput("verdict", "pass"); err == nil || err.Error() != "setting output verdict: GITHUB_OUTPUT is not set: not running in a GitHub Actions step" {
		t.Errorf("SetOutput = %v", err)
	}
	if err := rt.AddStepSummary("x"); err == nil {
		t.Error("AddStepSummary without GITHUB_STEP_SUMMARY must fail")
	}
	bad := newRunner(t)
	bad.env["GITHUB_OUTPUT"] = filepath.Join(bad.dir, "missing", "output")
	if err := bad.rt().SetOutput("verdict", "pass"); err == nil || !strings.HasPrefix(err.Error(), "setting output verdict: ") {
		t.Errorf("SetOutput to an unwritable file = %v", err)
	}
}

func TestLogCommands(t *testing.T) {
	r := newRunner(t)
	rt := r.rt()
	steps := []func() error{
		func() error {
			return rt.Annotate(action.Annotation{Level: action.LevelError, File: "src/db/query.c", Line: 42, Title: "IMP-02", Message: "unsuppressed error: 50%\nfix it"})
		},
		func() error {
			return rt.Annotate(action.Annotation{Level: action.LevelWarning, File: "SECURITY.md", Title: "GOV-03", Message: "no response time"})
		},
		func() error {
			return rt.Annotate(action.Annotation{Level: action.LevelNotice, Title: "a,b:c", Message: "note"})
		},
		func() error { return rt.Mask("s3cr3t") },
		func() error { return rt.Group("Evidence") },
		func() error { return rt.Debugf("read %d files", 3) },
		rt.EndGroup,
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	want := "::error file=src/db/query.c,line=42,title=IMP-02::unsuppressed error: 50%25%0Afix it\n" +
		"::warning file=SECURITY.md,title=GOV-03::no response time\n" +
		"::notice title=a%2Cb%3Ac::note\n" +
		"::add-mask::s3cr3t\n" +
		"::group::Evidence\n" +
		"::debug::read 3 files\n" +
		"::endgroup::\n"
	if r.out.String() != want {
		t.Errorf("log =\n%s\nwant\n%s", r.out.String(), want)
	}
}

func TestContext(t *testing.T) {
	tests := []struct {
		name    string
		event   string
		payload string
		want    action.Context
		wantErr string
	}{{
		name:  "pull_request",
		event: "pull_request",
		payload: `{"action":"synchronize","number":42,"pull_request":{"number":42,"state":"open","user":{"login":"dev-a"},
			"base":{"ref":"main","sha":"9049f1265b7d61be4a8904a9a27120d2064dab3b"},"head":{"ref":"feature/bolus","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e"}},
			"repository":{"name":"infucore","owner":{"login":"octo-org"}}}`,
		want: action.Context{PullRequest: &action.PullRequest{Number: 42, BaseRef: "main", BaseSHA: "9049f1265b7d61be4a8904a9a27120d2064dab3b", HeadRef: "feature/bolus", HeadSHA: "6dcb09b5b57875f334f61aebed695e2e4193db5e"}},
	}, {
		name:    "release",
		event:   "release",
		payload: `{"action":"published","release":{"tag_name":"v2.4.0","name":"2.4.0"}}`,
		want:    action.Context{Release: &action.Release{TagName: "v2.4.0"}},
	}, {
		name:    "push",
		event:   "push",
		payload: `{"ref":"refs/heads/main","before":"9049f1265b7d61be4a8904a9a27120d2064dab3b","after":"6dcb09b5b57875f334f61aebed695e2e4193db5e"}`,
		want:    action.Context{Before: "9049f1265b7d61be4a8904a9a27120d2064dab3b", After: "6dcb09b5b57875f334f61aebed695e2e4193db5e"},
	}, {
		name:    "not JSON",
		event:   "pull_request",
		payload: `{"pull_request":`,
		wantErr: "reading the GitHub Actions context: failed to unmarshal event payload: unexpected end of JSON input",
	}, {
		name:    "a pull request without a number",
		event:   "pull_request",
		payload: `{"pull_request":{"base":{"ref":"main"}}}`,
		wantErr: "pull_request.number is missing",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRunner(t)
			p := filepath.Join(r.dir, "event.json")
			if err := os.WriteFile(p, []byte(tt.payload), 0o600); err != nil {
				t.Fatal(err)
			}
			r.env["GITHUB_EVENT_PATH"] = p
			r.env["GITHUB_EVENT_NAME"] = tt.event
			c, err := r.rt().Context()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.EventName != tt.event || c.Repository != "octo-org/infucore" || c.RunID != 1658821493 || c.APIURL != "https://api.github.com" || c.Event == nil {
				t.Errorf("context = %+v", c)
			}
			got := action.Context{PullRequest: c.PullRequest, Release: c.Release, Before: c.Before, After: c.After}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("typed payload = %+v, want %+v", got, tt.want)
			}
		})
	}
	r := newRunner(t)
	r.env["GITHUB_EVENT_PATH"] = filepath.Join(r.dir, "absent.json")
	if _, err := r.rt().Context(); err == nil || !strings.Contains(err.Error(), "absent.json: the file does not exist") {
		t.Errorf("missing payload: %v", err)
	}
}

func TestIDToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get("Authorization") != "Bearer request-token" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"bad"}`)
			return
		}
		fmt.Fprintf(w, `{"value":"eyJ.%s.sig"}`, req.URL.Query().Get("audience"))
	}))
	defer srv.Close()
	r := newRunner(t)
	rt := action.New(&r.out, r.getenv, srv.Client())
	if _, err := rt.IDToken(context.Background(), "sigstore"); err == nil || !strings.Contains(err.Error(), "id-token: write") {
		t.Errorf("without the request URL: %v", err)
	}
	r.env["ACTIONS_ID_TOKEN_REQUEST_URL"] = srv.URL + "/token?api-version=2.0"
	r.env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "request-token"
	tok, err := rt.IDToken(context.Background(), "sigstore")
	if err != nil || tok != "eyJ.sigstore.sig" {
		t.Fatalf("token %q, %v", tok, err)
	}
	if r.out.String() != "::add-mask::eyJ.sigstore.sig\n" {
		t.Errorf("the token must be masked: %q", r.out.String())
	}
}
