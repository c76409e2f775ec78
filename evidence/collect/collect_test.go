package collect_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		glob, path string
		want       bool
	}{
		{"**/*.cdx.json", "sbom.cdx.json", true},
		{"**/*.cdx.json", "build/out/sbom.cdx.json", true},
		{"build/*.sarif", "build/a.sarif", true},
		{"build/*.sarif", "build/x/a.sarif", false},
		{"vex/**/*.json", "vex/a.json", true},
		{"vex/**/*.json", "vex/a/b/c.json", true},
		{"vex/**/*.json", "other/vex/a.json", false},
		{"**", "a/b/c", true},
		{"**/TEST-*.xml", "target/surefire-reports/TEST-com.acme.FooTest.xml", true},
		{"*.md", "docs/a.md", false},
	}
	for _, tt := range tests {
		if got := collect.Match(tt.glob, tt.path); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.glob, tt.path, got, tt.want)
		}
	}
}

func TestParseInput(t *testing.T) {
	in, err := collect.ParseInput("sbom=dist/app=1.cdx.json")
	if err != nil || in.Kind != "sbom" || in.Path != "dist/app=1.cdx.json" {
		t.Errorf("ParseInput: %+v %v", in, err)
	}
	for s, want := range map[string]string{
		"sbom":         `invalid --evidence "sbom": expected KIND=PATH with KIND one of`,
		"=x":           `invalid --evidence "=x": expected KIND=PATH`,
		"sboms=x.json": `invalid --evidence kind "sboms": valid kinds are`,
		"sbom=":        `invalid --evidence "sbom=": expected KIND=PATH`,
	} {
		if _, err := collect.ParseInput(s); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseInput(%q) = %v, want prefix %q", s, err, want)
		}
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestEventFromCI(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, ""},
		{map[string]string{"GITHUB_EVENT_NAME": "release"}, ""}, // not in Actions
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request"}, "pull_request"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request_target"}, "pull_request"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "merge_group"}, "pull_request"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main"}, ""},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "workflow_dispatch"}, ""},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/tags/v2.4.0"}, "release"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "release"}, "release"},
		{map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "schedule"}, "schedule"},
	}
	for _, tt := range tests {
		if got := collect.EventFromCI(env(tt.env)); got != tt.want {
			t.Errorf("EventFromCI(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestContext(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 123, time.UTC)
	c := collect.Context("release", now, env(map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/pump", "GITHUB_REF": "refs/tags/v1", "GITHUB_SHA": "abc",
		"GITHUB_ACTOR": "octo", "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "42",
	}))
	want := evidence.Context{Event: "release", Time: now.Truncate(time.Second), Repository: "acme/pump", Ref: "refs/tags/v1", Commit: "abc", Actor: "octo", RunURL: "https://github.example/acme/pump/actions/runs/42", CI: true}
	if c != want {
		t.Errorf("Context = %+v\nwant %+v", c, want)
	}
	if c := collect.Context("pull_request", now, env(nil)); c.CI || c.Repository != "" {
		t.Errorf("outside CI: %+v", c)
	}
}

// TestCollectDemo collects the demo and checks the document against its JSON
// Schema, the inputs index, and the exclusion of test fixtures from default globs.
func TestCollectDemo(t *testing.T) {
	root, err := realworld.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := demorepo.Build(root, dir, nil); err != nil {
		t.Fatal(err)
	}
	// A fixture SBOM under testdata/ must not be taken for the product's.
	fixture := filepath.Join(dir, "tools", "testdata", "fixture.cdx.json")
	if err := os.MkdirAll(filepath.Dir(fixture), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixture, []byte(`not even json`), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)
	doc, err := collect.Collect(context.Background(), collect.Options{
		Dir: dir, Event: "pull_request", Now: func() time.Time { return now }, Getenv: env(nil),
		Generator: evidence.Generator{Name: "mdrgate", Version: "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Schema != evidence.Schema || doc.Context.Time != now || doc.Repo == nil || doc.Repo.Git == nil {
		t.Fatalf("document header: %+v", doc.Context)
	}
	if len(doc.Build.SBOMs) != 1 || doc.Build.SBOMs[0].Path != "build/sbom.cdx.json" {
		t.Errorf("SBOMs: %d (fixture taken?)", len(doc.Build.SBOMs))
	}
	if len(doc.Inputs) == 0 {
		t.Fatal("no inputs listed")
	}
	for i := 1; i < len(doc.Inputs); i++ {
		if doc.Inputs[i-1].Path >= doc.Inputs[i].Path {
			t.Fatalf("inputs not sorted: %s, %s", doc.Inputs[i-1].Path, doc.Inputs[i].Path)
		}
	}
	var buf bytes.Buffer
	if err := collect.WriteDocument(&buf, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := jsonschema.UnmarshalJSON(bytes.NewReader(evidence.JSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("evidence.schema.json", schema); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("evidence.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("the collected demo does not validate against the evidence schema: %v", err)
	}
	// The document reads back as it was written.
	back, err := collect.DecodeDocument(source.New("evidence.json", buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := collect.WriteDocument(&again, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("the evidence document does not survive a write and read")
	}
}

func TestRelativisesReportPaths(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(dir)
	sarif := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[
	 {"ruleId":"r","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"file://` + abs + `/src/a.c"},"region":{"startLine":3}}}]},
	 {"ruleId":"r","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"file:///home/runner/work/x/x/src/b.c"},"region":{"startLine":4}}}]},
	 {"ruleId":"r","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"file:///elsewhere/c.c"},"region":{"startLine":5}}}]}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "scan.sarif"), []byte(sarif), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := collect.Collect(context.Background(), collect.Options{Dir: dir, Event: "pull_request", Getenv: env(map[string]string{"GITHUB_WORKSPACE": "/home/runner/work/x/x"})})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range doc.Build.SARIF[0].Results {
		got = append(got, r.Path)
	}
	if strings.Join(got, ",") != "src/a.c,src/b.c,/elsewhere/c.c" {
		t.Errorf("paths %v", got)
	}
}

func TestDecodeDocumentErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not a document", `{"bomFormat": "CycloneDX"}`, `ev.json: not an evidence document: expected "schema": "mdrgate.evidence/v1"`},
		{"other schema", `{"schema": "mdrgate.evidence/v9"}`, `ev.json: unsupported evidence schema "mdrgate.evidence/v9": this mdrgate reads "mdrgate.evidence/v1"`},
		{"unknown field", "{\"schema\": \"mdrgate.evidence/v1\",\n \"frobs\": 1}", `ev.json:2:`},
		{"wrong type", "{\"schema\": \"mdrgate.evidence/v1\",\n \"context\": {\"ci\": \"yes\"}}", "ev.json:2:"},
		{"bad event", `{"schema": "mdrgate.evidence/v1", "context": {"event": "push"}}`, `ev.json: context.event "push": expected pull_request, release or schedule`},
		{"truncated", `{"schema": "mdrgate.evidence/v1", "repo": {`, "ev.json:1:"},
		{"trailing", `{"schema": "mdrgate.evidence/v1"} []`, "ev.json:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := collect.DecodeDocument(source.New("ev.json", []byte(tt.in)))
			var se *source.Error
			if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a *source.Error with prefix %q", err, tt.want)
			}
		})
	}
}

func FuzzDecodeDocument(f *testing.F) {
	f.Add([]byte(`{"schema": "mdrgate.evidence/v1"}`))
	f.Add([]byte(`{"schema": "mdrgate.evidence/v1", "build": {"sboms": [{"path": "a", "components": [{"name": 1}]}]}}`))
	f.Add([]byte(`{"schema": 1}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := collect.DecodeDocument(source.New("f.json", data))
		var se *source.Error
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error is not a *source.Error: %T %v", err, err)
		}
	})
}

// TestCollectConcurrentReports: reports are parsed concurrently, yet the
// document holds every report and the error is the first failing job's in job
// order (kinds by name, then files by path), whichever goroutine finishes first.
func TestCollectConcurrentReports(t *testing.T) {
	sarif := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[
	 {"ruleId":"r","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/a.c"},"region":{"startLine":3}}}]}]}]}`
	write := func(dir string, files map[string]string) {
		for name, data := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	valid := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		valid["scans/"+n+".sarif"] = sarif
	}
	tests := []struct {
		name string
		bad  map[string]string
		want string // "" when the collection succeeds
	}{
		{"all valid", nil, ""},
		{"the first failing job in order", map[string]string{
			"scans/f.sarif":       "not json",
			"scans/c.sarif":       "[1]",
			"build/app.cdx.json":  "not json",
			"build/junit-x.xml":   "<not xml",
			"build/zz.vex.json":   "{}",
			"scans/zz/last.sarif": "null",
		}, "build/junit-x.xml"},
		{"a later kind's error is not reported before an earlier kind's", map[string]string{
			"scans/f.sarif":      "not json",
			"build/app.cdx.json": "not json",
		}, "scans/f.sarif"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(dir, valid)
			write(dir, tt.bad)
			for range 20 {
				doc, err := collect.Collect(context.Background(), collect.Options{Dir: dir, Event: "pull_request", Getenv: env(nil)})
				if tt.want == "" {
					if err != nil {
						t.Fatal(err)
					}
					if len(doc.Build.SARIF) != len(valid) {
						t.Fatalf("%d SARIF reports, want %d", len(doc.Build.SARIF), len(valid))
					}
					for i, r := range doc.Build.SARIF {
						if i > 0 && doc.Build.SARIF[i-1].Path >= r.Path || len(r.Results) != 1 {
							t.Fatalf("SARIF report %d: %s with %d results", i, r.Path, len(r.Results))
						}
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want it to name %s", err, tt.want)
				}
			}
		})
	}
}
