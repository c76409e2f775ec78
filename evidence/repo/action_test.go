package repo

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

const testCompositeAction = `name: Setup
description: Set up the toolchain
inputs:
  version:
    description: Node version
runs:
  using: composite
  steps:
    - uses: actions/setup-node@v4
      with:
        node-version: ${{ inputs.version }}
    - name: Install
      shell: bash
      run: npm install
    - uses: ./.github/actions/cache
    - uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9
`

func TestParseAction(t *testing.T) {
	const dig = "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"
	tests := []struct {
		name string
		yaml string
		want evidence.Action
	}{
		{"composite", testCompositeAction, evidence.Action{Name: "Setup", Using: "composite", Steps: []evidence.Step{
			{Line: 9, Uses: &evidence.Uses{Raw: "actions/setup-node@v4", Kind: "action", Ref: "v4", Line: 9}, With: map[string]string{"node-version": "${{ inputs.version }}"}},
			{Name: "Install", Line: 12, Run: "npm install"},
			{Line: 15, Uses: &evidence.Uses{Raw: "./.github/actions/cache", Kind: "local", Pinned: true, Line: 15}},
			{Line: 16, Uses: &evidence.Uses{Raw: "actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9", Kind: "action", Ref: "0c45773b623bea8c8e75f6c82b208c3cf94ea4f9", Pinned: true, Line: 16}},
		}}},
		{"composite, any case, no steps", "runs:\n  using: Composite\n", evidence.Action{Using: "Composite", Steps: []evidence.Step{}}},
		{"docker registry image", "name: d\nruns:\n  using: docker\n  image: docker://alpine:3.20\n", evidence.Action{Name: "d", Using: "docker", Steps: []evidence.Step{},
			Image: &evidence.Uses{Raw: "docker://alpine:3.20", Kind: "docker", Ref: "3.20", Line: 4}}},
		{"docker pinned image", "runs:\n  using: docker\n  image: 'docker://alpine@" + dig + "'\n", evidence.Action{Using: "docker", Steps: []evidence.Step{},
			Image: &evidence.Uses{Raw: "docker://alpine@" + dig, Kind: "docker", Ref: dig, Pinned: true, Line: 3}}},
		{"docker Dockerfile", "runs:\n  using: docker\n  image: Dockerfile\n", evidence.Action{Using: "docker", Steps: []evidence.Step{}}},
		{"node, stray steps ignored", "name: n\nruns:\n  using: node20\n  main: dist/index.js\n  steps: 3\n", evidence.Action{Name: "n", Using: "node20", Steps: []evidence.Step{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, isAction, err := parseAction(source.New("a/action.yml", []byte(tt.yaml)))
			if err != nil || !isAction {
				t.Fatalf("err = %v, isAction %v", err, isAction)
			}
			tt.want.FileRef = source.New("a/action.yml", []byte(tt.yaml)).Ref(MediaYAML)
			if !reflect.DeepEqual(a, tt.want) {
				t.Errorf("action:\n got %s\nwant %s", dumpJSON(a), dumpJSON(tt.want))
			}
		})
	}
}

func TestParseActionErrors(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		isAction bool
		want     string
	}{
		{"empty", "", false, `a.yml: action is empty: expected a mapping with "runs"`},
		{"syntax", "runs: [x\n", false, "a.yml:2: invalid YAML: did not find expected ',' or ']'"},
		{"list", "- a\n", false, "a.yml:1:1: action must be a YAML mapping, found a sequence"},
		{"two documents", "runs: {using: node20}\n---\nx: 1\n", false, "a.yml: action holds more than one YAML document"},
		{"no runs", "name: x\nsteps: []\n", false, `a.yml:1:1: action has no "runs": an action's metadata needs "runs" with "using"`},
		{"runs scalar", "runs: composite\n", true, "a.yml:1:7: runs: expected a mapping, found a scalar"},
		{"no using", "\nruns:\n  steps: []\n", true, `a.yml:2:1: runs has no "using": expected composite, docker or a node version (node20, …)`},
		{"using list", "runs:\n  using: [composite]\n", true, "a.yml:2:10: runs.using: expected a string, found a sequence"},
		{"name mapping", "name: {a: b}\nruns:\n  using: node20\n", true, "a.yml:1:7: name: expected a string, found a mapping"},
		{"steps mapping", "runs:\n  using: composite\n  steps: {run: x}\n", true, "a.yml:3:10: runs.steps: expected a list of steps, found a mapping"},
		{"uses mapping", "runs:\n  using: composite\n  steps:\n    - uses: {a: b}\n", true, "a.yml:4:13: runs.steps[0].uses: expected a string, found a mapping"},
		{"docker without image", "runs:\n  using: docker\n", true, `a.yml:1:1: runs has no "image": a docker action needs "image: Dockerfile" or "image: docker://…"`},
		{"image list", "runs:\n  using: docker\n  image: [x]\n", true, "a.yml:3:10: runs.image: expected a string, found a sequence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, isAction, err := parseAction(source.New("a.yml", []byte(tt.yaml)))
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *source.Error", err, err)
			}
			if err.Error() != tt.want || isAction != tt.isAction {
				t.Errorf("err = %q, isAction %v\nwant  %q, %v", err, isAction, tt.want, tt.isAction)
			}
		})
	}
}

// FuzzParseAction checks that no input panics the action parser, that every
// error is a *source.Error and that a parsed action has non-nil steps.
func FuzzParseAction(f *testing.F) {
	f.Add([]byte(testCompositeAction))
	f.Add([]byte("runs:\n  using: docker\n  image: docker://x@sha256:0\n"))
	f.Add([]byte("runs: &r {using: composite, steps: [*r]}\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, _, err := parseAction(source.New("a.yml", data))
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *source.Error", err, err)
			}
			return
		}
		if a.Steps == nil {
			t.Fatal("nil steps in a parsed action")
		}
	})
}

func TestCollectActions(t *testing.T) {
	const composite = "name: c\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n"
	const node = "name: n\nruns:\n  using: node20\n  main: index.js\n"
	tests := []struct {
		name     string
		files    map[string]string
		want     []string // the actions' paths
		warnings []evidence.Warning
		err      string
	}{
		{"actions anywhere outside excluded folders", map[string]string{
			"action.yml":                         node,
			".github/actions/setup/action.yml":   composite,
			".github/actions/build/action.yaml":  composite,
			"tools/lint/action.yml":              composite,
			"docs/action/action.yml":             composite,
			"testdata/demo/action.yml":           composite,
			"internal/fixtures/x/action.yml":     composite,
			"vendor/github.com/a/b/action.yml":   composite,
			"node_modules/pkg/action.yaml":       composite,
			"examples/action.yml":                composite,
			".github/actions/setup/README.md":    "# x\n",
			".github/actions/setup/action.json":  "{}",
			".github/actions/setup/actions.yaml": "x: 1\n",
			".github/workflows/action.yml":       "on: push\njobs: {}\n",
		}, []string{".github/actions/build/action.yaml", ".github/actions/setup/action.yml", "action.yml", "docs/action/action.yml", "tools/lint/action.yml"}, nil, ""},
		{"excluded folders count when a local uses names them", map[string]string{
			".github/workflows/ci.yml":           "on: push\njobs:\n  a:\n    steps:\n      - uses: ./examples/setup/\n      - uses: ./.github/workflows/other.yml\n",
			"examples/setup/action.yml":          "runs:\n  using: composite\n  steps:\n    - uses: ./testdata/inner\n",
			"testdata/inner/action.yaml":         composite,
			"testdata/unused/action.yml":         composite,
			".github/workflows/other.yml":        "on: workflow_call\njobs: {}\n",
			"third_party/never/named/action.yml": "not: an action\n",
		}, []string{"examples/setup/action.yml", "testdata/inner/action.yaml"}, nil, ""},
		{"a file that is not an action outside .github is skipped", map[string]string{
			"scripts/action.yml":  "steps: [a]\n",
			"tools/x/action.yaml": "a: [b\n",
		}, []string{}, []evidence.Warning{
			{Path: "scripts/action.yml", Message: `not a GitHub Action metadata file, not read: scripts/action.yml:1:1: action has no "runs": an action's metadata needs "runs" with "using"`},
			{Path: "tools/x/action.yaml", Message: "not a GitHub Action metadata file, not read: tools/x/action.yaml:2: invalid YAML: did not find expected ',' or ']'"},
		}, ""},
		{"not an action under .github", map[string]string{".github/actions/setup/action.yml": "name: x\n"},
			nil, nil, `.github/actions/setup/action.yml:1:1: action has no "runs": an action's metadata needs "runs" with "using"`},
		{"not an action at the root", map[string]string{"action.yaml": "- x\n"},
			nil, nil, "action.yaml:1:1: action must be a YAML mapping, found a sequence"},
		{"not an action a workflow names", map[string]string{
			".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    steps:\n      - uses: ./tools/setup\n",
			"tools/setup/action.yml":   "a: [b\n",
		}, nil, nil, "tools/setup/action.yml:2: invalid YAML: did not find expected ',' or ']'"},
		{"an action GitHub would reject", map[string]string{"tools/setup/action.yml": "runs:\n  using: composite\n  steps: run\n"},
			nil, nil, "tools/setup/action.yml:3:10: runs.steps: expected a list of steps, found a scalar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, content := range tt.files {
				full := filepath.Join(dir, p)
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r, warnings, err := Collect(context.Background(), dir, Options{})
			if tt.err != "" {
				var se *source.Error
				if !errors.As(err, &se) || err.Error() != tt.err {
					t.Fatalf("err = %v (%T)\nwant *source.Error %q", err, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, a := range r.Actions {
				got = append(got, a.Path)
				if a.SHA256 == "" || a.MediaType != MediaYAML || a.Steps == nil {
					t.Errorf("action %s: %+v", a.Path, a)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("actions = %q\nwant      %q", got, tt.want)
			}
			var w []evidence.Warning
			for _, x := range warnings {
				if x.Path != "" && isActionFile(path.Base(x.Path)) {
					w = append(w, x)
				}
			}
			if !reflect.DeepEqual(w, tt.warnings) {
				t.Errorf("warnings = %+v\nwant %+v", w, tt.warnings)
			}
		})
	}
}
