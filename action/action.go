// Package action is mdrgate's runtime inside GitHub Actions: inputs, outputs,
// environment, the job summary, annotations, masks, log groups, debug messages,
// the run's context and event payload, and the OIDC token for keyless signing.
//
// The rest of mdrgate talks to the Runtime interface, so that commands and their
// tests do not depend on the runner's environment; New implements it on
// github.com/sethvargo/go-githubactions over a writer and a getenv function.
package action

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"
)

// Level is the level of an annotation.
type Level string

// Annotation levels, as the runner names its workflow commands.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelNotice  Level = "notice"
)

// Annotation is a message the runner shows on a file and line of the change.
type Annotation struct {
	Level Level
	// File is relative to the repository root; Line is 1-based, 0 when unknown.
	File    string
	Line    int
	Title   string
	Message string
}

// Runtime is what mdrgate needs from the GitHub Actions runner.
type Runtime interface {
	// InActions reports whether the process runs in a GitHub Actions job.
	InActions() bool
	// Input is the action input name (INPUT_NAME), trimmed.
	Input(name string) string
	// Getenv reads the job's environment.
	Getenv(key string) string
	// SetOutput sets a step output (GITHUB_OUTPUT).
	SetOutput(name, value string) error
	// AddStepSummary appends markdown to the job summary (GITHUB_STEP_SUMMARY).
	AddStepSummary(markdown string) error
	// Annotate writes an annotation workflow command.
	Annotate(a Annotation) error
	// Mask hides a value in the rest of the job's log.
	Mask(value string) error
	// Group starts a collapsible log group; EndGroup ends it.
	Group(title string) error
	EndGroup() error
	// Debugf writes a message shown when step debug logging is on.
	Debugf(format string, args ...any) error
	// Context is the run's context, with its event payload.
	Context() (*Context, error)
	// IDToken mints the job's OIDC token for audience (needs id-token: write).
	IDToken(ctx context.Context, audience string) (string, error)
}

// Context is the run's context: who, what and where, and the event payload.
type Context struct {
	EventName  string
	Repository string
	Ref        string
	SHA        string
	Actor      string
	APIURL     string
	ServerURL  string
	RunID      int64
	Workspace  string
	// Event is the event payload (GITHUB_EVENT_PATH) as parsed JSON; nil when absent.
	Event map[string]any
	// PullRequest is the payload's pull request (pull_request, pull_request_target
	// and pull_request_review events); nil otherwise.
	PullRequest *PullRequest
	// Release is the payload's release (release events); nil otherwise.
	Release *Release
	// Before and After are a push's range (push events); empty otherwise.
	Before, After string
}

// PullRequest is the pull request of the event.
type PullRequest struct {
	Number  int
	BaseRef string
	BaseSHA string
	HeadRef string
	HeadSHA string
}

// Release is the release of the event.
type Release struct {
	TagName string
}

// runtime implements Runtime on go-githubactions.
type runtime struct {
	a      *githubactions.Action
	getenv func(string) string
}

var _ Runtime = (*runtime)(nil)

// New returns the runtime writing workflow commands to w and reading the job's
// environment with getenv. httpClient mints OIDC tokens; http.DefaultClient when nil.
func New(w io.Writer, getenv func(string) string, httpClient *http.Client) Runtime {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &runtime{
		a:      githubactions.New(githubactions.WithWriter(w), githubactions.WithGetenv(getenv), githubactions.WithHTTPClient(httpClient)),
		getenv: getenv,
	}
}

func (r *runtime) InActions() bool { return r.getenv("GITHUB_ACTIONS") == "true" }

func (r *runtime) Input(name string) string { return r.a.GetInput(name) }

func (r *runtime) Getenv(key string) string { return r.getenv(key) }

// guard turns go-githubactions' panics on a failed write into an error.
func guard(what string, f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: %v", what, p)
		}
	}()
	f()
	return nil
}

// delimiter is the heredoc delimiter go-githubactions writes file commands with.
const delimiter = "_GitHubActionsFileCommandDelimeter_"

func (r *runtime) SetOutput(name, value string) error {
	if r.getenv("GITHUB_OUTPUT") == "" {
		return fmt.Errorf("setting output %s: GITHUB_OUTPUT is not set: not running in a GitHub Actions step", name)
	}
	if strings.ContainsAny(name, "\r\n=<") || name == "" {
		return fmt.Errorf("invalid output name %q", name)
	}
	if strings.Contains(value, delimiter) {
		return fmt.Errorf("output %s: the value contains the file command delimiter", name)
	}
	return guard("setting output "+name, func() { r.a.SetOutput(name, value) })
}

func (r *runtime) AddStepSummary(markdown string) error {
	if r.getenv("GITHUB_STEP_SUMMARY") == "" {
		return fmt.Errorf("writing the job summary: GITHUB_STEP_SUMMARY is not set: not running in a GitHub Actions step")
	}
	return guard("writing the job summary", func() { r.a.AddStepSummary(markdown) })
}

func (r *runtime) Annotate(an Annotation) error {
	fields := map[string]string{}
	if an.File != "" {
		fields["file"] = an.File
		if an.Line > 0 {
			fields["line"] = strconv.Itoa(an.Line)
		}
	}
	if an.Title != "" {
		fields["title"] = an.Title
	}
	a := r.a.WithFieldsMap(fields)
	return guard("writing an annotation", func() {
		switch an.Level {
		case LevelWarning:
			a.Warningf("%s", an.Message)
		case LevelNotice:
			a.Noticef("%s", an.Message)
		default:
			a.Errorf("%s", an.Message)
		}
	})
}

func (r *runtime) Mask(value string) error {
	if value == "" {
		return nil
	}
	return guard("masking a value", func() { r.a.AddMask(value) })
}

func (r *runtime) Group(title string) error {
	return guard("starting a log group", func() { r.a.Group(title) })
}

func (r *runtime) EndGroup() error { return guard("ending a log group", r.a.EndGroup) }

func (r *runtime) Debugf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return guard("writing a debug message", func() { r.a.Debugf("%s", msg) })
}

func (r *runtime) IDToken(ctx context.Context, audience string) (string, error) {
	tok, err := r.a.GetIDToken(ctx, audience)
	if err != nil {
		return "", fmt.Errorf("minting the OIDC token (does the job have permissions: id-token: write?): %w", err)
	}
	if err := r.Mask(tok); err != nil {
		return "", err
	}
	return tok, nil
}

func (r *runtime) Context() (*Context, error) {
	gc, err := r.a.Context()
	if err != nil {
		return nil, fmt.Errorf("reading the GitHub Actions context: %w", err)
	}
	c := &Context{
		EventName: gc.EventName, Repository: gc.Repository, Ref: gc.Ref, SHA: gc.SHA, Actor: gc.Actor,
		APIURL: gc.APIURL, ServerURL: gc.ServerURL, RunID: gc.RunID, Workspace: gc.Workspace, Event: gc.Event,
	}
	if gc.EventPath != "" && gc.Event == nil {
		return nil, fmt.Errorf("reading the event payload %s: the file does not exist", gc.EventPath)
	}
	if err := decodePayload(gc.Event, c); err != nil {
		return nil, fmt.Errorf("reading the event payload %s: %w", gc.EventPath, err)
	}
	return c, nil
}

// decodePayload fills the typed parts of the context from the payload.
func decodePayload(event map[string]any, c *Context) error {
	if event == nil {
		return nil
	}
	b, err := json.Marshal(event)
	if err != nil {
		return err
	}
	var p struct {
		PullRequest *struct {
			Number int `json:"number"`
			Base   struct {
				Ref string `json:"ref"`
				SHA string `json:"sha"`
			} `json:"base"`
			Head struct {
				Ref string `json:"ref"`
				SHA string `json:"sha"`
			} `json:"head"`
		} `json:"pull_request"`
		Release *struct {
			TagName string `json:"tag_name"`
		} `json:"release"`
		Before string `json:"before"`
		After  string `json:"after"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("unexpected shape: %w", err)
	}
	if pr := p.PullRequest; pr != nil {
		if pr.Number <= 0 {
			return fmt.Errorf("pull_request.number is missing")
		}
		c.PullRequest = &PullRequest{Number: pr.Number, BaseRef: pr.Base.Ref, BaseSHA: pr.Base.SHA, HeadRef: pr.Head.Ref, HeadSHA: pr.Head.SHA}
	}
	if p.Release != nil {
		c.Release = &Release{TagName: p.Release.TagName}
	}
	c.Before, c.After = p.Before, p.After
	return nil
}
