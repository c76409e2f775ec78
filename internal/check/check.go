// Package check runs the gate: it loads the configuration, collects (or reads) the
// evidence document, evaluates the controls and returns the result.
package check

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/internal/config"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/policies"
)

// DefaultEvent is the event evaluated for outside CI when neither --event nor the
// configuration names one.
const DefaultEvent = "pull_request"

// Options says what to check.
type Options struct {
	// Dir is the repository to check; "." when empty.
	Dir string
	// ConfigPath is the configuration file; Dir/.mdrgate.yaml when empty (optional there).
	ConfigPath string
	// EvidenceFile, when set, is evaluated instead of collecting.
	EvidenceFile string
	// Inputs are build reports named on the command line.
	Inputs []collect.Input
	// Event overrides the event; "" means from CI, then configuration, then DefaultEvent.
	Event string
	// At is the evaluation time; Now() when zero.
	At time.Time
	// PolicyDirs are extra policy directories (in addition to the configuration's).
	PolicyDirs []string
	// WatchedPaths are paths whose last-commit time to record (see WatchedPaths).
	WatchedPaths []string
	Generator    evidence.Generator
	// GitHub says how to read GitHub evidence; see collectGitHub.
	GitHub GitHubOptions
	// Artefacts, when set, verifies released artefacts (mdrgate check --image,
	// --artefact); the results are added to the evidence document's artefacts.
	Artefacts func(ctx context.Context, cfg *config.Config) ([]evidence.Artefact, error)
	// Now and Getenv are the clock and environment; time.Now and os.Getenv when nil.
	Now    func() time.Time
	Getenv func(string) string
}

func (o *Options) defaults() {
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
}

// LoadConfig loads the configuration the options name.
func LoadConfig(o Options) (*config.Config, error) {
	o.defaults()
	if o.ConfigPath != "" {
		return config.Load(o.ConfigPath)
	}
	return config.Find(o.Dir)
}

// Event decides the event: the flag; then, when evaluating a stored evidence
// document, the event recorded in it; then the CI run's event (pull requests,
// releases and tag pushes, schedules); then the configuration; then DefaultEvent.
func Event(o Options, cfg *config.Config, doc *evidence.Document) string {
	switch {
	case o.Event != "":
		return o.Event
	case doc != nil && doc.Context.Event != "":
		return doc.Context.Event
	case collect.EventFromCI(o.Getenv) != "":
		return collect.EventFromCI(o.Getenv)
	case cfg.Event != "":
		return cfg.Event
	}
	return DefaultEvent
}

// WatchedPaths returns the paths whose last-commit time controls compare
// documents with: every list parameter named watched_paths (or ending in
// _watched_paths), with configured values, sorted and unique.
func WatchedPaths(eng *engine.Engine, cfg *config.Config) []string {
	return watchedPaths(eng.DefaultParams(), cfg)
}

// watchedPaths is WatchedPaths from the controls' parameter defaults.
func watchedPaths(params map[string]map[string]any, cfg *config.Config) []string {
	seen := map[string]bool{}
	for id, c := range cfg.Controls {
		if params[id] == nil {
			continue
		}
		merged := map[string]any{}
		for k, v := range params[id] {
			merged[k] = v
		}
		for k, v := range c.Params {
			merged[k] = v
		}
		params[id] = merged
	}
	for _, p := range params {
		for k, v := range p {
			if k != "watched_paths" && !strings.HasSuffix(k, "_watched_paths") {
				continue
			}
			if l, ok := v.([]any); ok {
				for _, x := range l {
					if s, ok := x.(string); ok && s != "" {
						seen[s] = true
					}
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Collect gathers the evidence document as the configuration and options say.
func Collect(ctx context.Context, o Options, cfg *config.Config) (*evidence.Document, error) {
	o.defaults()
	globs := map[string][]string{}
	for _, k := range collect.Names() {
		if g := cfg.Evidence.Globs(k); len(g) > 0 {
			globs[k] = g
		}
	}
	doc, err := collect.Collect(ctx, collect.Options{
		Dir:           o.Dir,
		Globs:         globs,
		Inputs:        o.Inputs,
		DocumentGlobs: cfg.Documents,
		WatchedPaths:  o.WatchedPaths,
		MaxFileSize:   cfg.Limits.MaxFileSize,
		MaxCommits:    cfg.Limits.MaxCommits,
		Event:         Event(o, cfg, nil),
		Product:       cfg.EvidenceProduct(),
		Waivers:       cfg.EvidenceWaivers(),
		Generator:     o.Generator,
		Now:           o.Now,
		Getenv:        o.Getenv,
	})
	if err != nil {
		return nil, err
	}
	if err := collectGitHub(ctx, o, cfg, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// NewEngine compiles the built-in policies with the configured and given extra ones.
func NewEngine(o Options, cfg *config.Config) (*engine.Engine, error) {
	mods, err := policyModules(o, cfg)
	if err != nil {
		return nil, err
	}
	return engine.New(mods)
}

// policyModules reads the built-in policies and the configured and given extra ones.
func policyModules(o Options, cfg *config.Config) ([]engine.Module, error) {
	mods, err := engine.FSModules(policies.FS, "policies/", true)
	if err != nil {
		return nil, err
	}
	dirs := append([]string{}, o.PolicyDirs...)
	base := "."
	if cfg.Path != "" {
		base = filepath.Dir(cfg.Path)
	}
	for _, d := range cfg.Policies {
		if !filepath.IsAbs(d) {
			d = filepath.Join(base, d)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		m, err := engine.DirModules(d)
		if err != nil {
			return nil, err
		}
		mods = append(mods, m...)
	}
	return mods, nil
}

// CompileAndCollect does what NewEngine, WatchedPaths and Collect do one after
// another, with the same results and errors, in less time: it reads the watched
// paths from the policies' parsed METADATA and compiles them while it collects.
// An error compiling is reported before an error collecting, as in sequence.
func CompileAndCollect(ctx context.Context, o Options, cfg *config.Config) (*engine.Engine, *evidence.Document, error) {
	mods, err := policyModules(o, cfg)
	if err != nil {
		return nil, nil, err
	}
	parsed, err := engine.Parse(mods)
	if err != nil {
		return nil, nil, err
	}
	params, err := parsed.DefaultParams()
	if err != nil {
		// Compiling reports its own error, or this one: as NewEngine would.
		eng, err := parsed.Compile()
		if err != nil {
			return nil, nil, err
		}
		o.WatchedPaths = WatchedPaths(eng, cfg)
		doc, err := Collect(ctx, o, cfg)
		if err != nil {
			return nil, nil, err
		}
		return eng, doc, nil
	}
	collectCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	type compiled struct {
		eng *engine.Engine
		err error
	}
	compiledc := make(chan compiled, 1)
	go func() {
		eng, err := parsed.Compile()
		if err != nil {
			cancel() // the collection's result would be thrown away
		}
		compiledc <- compiled{eng, err}
	}()
	o.WatchedPaths = watchedPaths(params, cfg)
	doc, collectErr := Collect(collectCtx, o, cfg)
	c := <-compiledc
	if c.err != nil {
		return nil, nil, c.err
	}
	if collectErr != nil {
		return nil, nil, collectErr
	}
	return c.eng, doc, nil
}

// Settings turns the configuration's controls block into engine settings.
func Settings(cfg *config.Config) map[string]engine.Setting {
	out := map[string]engine.Setting{}
	for id, c := range cfg.Controls {
		s := engine.Setting{Params: c.Params, Action: c.Action, Reason: c.Reason}
		if c.Events != nil {
			s.Events = append([]string{}, *c.Events...)
		}
		out[id] = s
	}
	return out
}

// Run checks: it collects evidence (or reads o.EvidenceFile) and evaluates it.
// It returns the evidence document too, for callers that store it.
func Run(ctx context.Context, o Options) (*result.Report, *evidence.Document, error) {
	ev, err := Evaluate(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	return ev.Report, ev.Document, nil
}

// Evaluation is everything one evaluation used and produced: what an
// attestation records and what a reviewer re-evaluates.
type Evaluation struct {
	Report   *result.Report
	Document *evidence.Document
	// Modules are the policy files evaluated (built-in and user), as compiled.
	Modules []engine.Module
	// Params are the evaluation's parameters besides evidence and policies.
	Params engine.Params
	Config *config.Config
}

// Evaluate is Run, returning the policies and parameters it evaluated with.
func Evaluate(ctx context.Context, o Options) (*Evaluation, error) {
	o.defaults()
	cfg, err := LoadConfig(o)
	if err != nil {
		return nil, err
	}
	var (
		eng *engine.Engine
		doc *evidence.Document
	)
	if o.EvidenceFile != "" {
		// The document is read while the policies compile; the errors are
		// reported in the order of doing one after the other.
		compiledc := make(chan error, 1)
		go func() {
			var err error
			eng, err = NewEngine(o, cfg)
			compiledc <- err
		}()
		var readErr error
		if len(o.Inputs) == 0 {
			doc, readErr = collect.ReadDocument(o.EvidenceFile)
		}
		if err := <-compiledc; err != nil {
			return nil, err
		}
		if len(o.Inputs) > 0 {
			return nil, fmt.Errorf("--evidence cannot be combined with --evidence-file: the evidence document is evaluated as it is")
		}
		if readErr != nil {
			return nil, readErr
		}
	} else if eng, doc, err = CompileAndCollect(ctx, o, cfg); err != nil {
		return nil, err
	}
	if o.Artefacts != nil {
		if o.EvidenceFile != "" {
			return nil, fmt.Errorf("--image and --artefact cannot be combined with --evidence-file: the evidence document is evaluated as it is")
		}
		arts, err := o.Artefacts(ctx, cfg)
		if err != nil {
			return nil, err
		}
		doc.Artefacts = append(doc.Artefacts, arts...)
	}
	at := o.At
	if at.IsZero() {
		at = o.Now()
	}
	p := engine.Params{
		Event:     Event(o, cfg, doc),
		At:        at.UTC().Truncate(time.Second),
		Settings:  Settings(cfg),
		Generator: o.Generator,
	}
	rep, err := eng.Evaluate(ctx, doc, p)
	if err != nil {
		return nil, err
	}
	return &Evaluation{Report: rep, Document: doc, Modules: eng.Modules(), Params: p, Config: cfg}, nil
}
