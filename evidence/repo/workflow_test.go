package repo

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

const testWorkflow = `name: Release
on:
  push:
    tags: ["v*"]
  pull_request_target:
permissions:
  contents: read
jobs:
  build:
    name: Build ${{ matrix.os }}
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
      id-token: none
    environment: staging
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - name: Setup Go
        uses: actions/setup-go@v5
        with:
          go-version: 1.26
          cache: true
          empty:
      - uses: docker://alpine@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b
      - uses: docker://ghcr.io/org/tool:1.2
      - uses: ./.github/actions/local
      - name: Test
        run: |
          go test ./...
      - &cache
        name: Cache
        uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9
      - *cache
  call:
    permissions: read-all
    environment:
      name: production
      url: https://example.com
    uses: org/repo/.github/workflows/release.yml@v1
  nothing:
    permissions: {}
    steps:
  unset:
    permissions:
    runs-on: ubuntu-latest
`

func TestParseWorkflow(t *testing.T) {
	wf, err := parseWorkflow(source.New(".github/workflows/release.yml", []byte(testWorkflow)))
	if err != nil {
		t.Fatal(err)
	}
	if wf.Name != "Release" || wf.MediaType != "application/yaml" || wf.Path != ".github/workflows/release.yml" {
		t.Errorf("workflow = %q %+v", wf.Name, wf.FileRef)
	}
	if !reflect.DeepEqual(wf.Triggers, []string{"pull_request_target", "push"}) {
		t.Errorf("triggers = %v", wf.Triggers)
	}
	if !reflect.DeepEqual(wf.Permissions, &evidence.Permissions{Scopes: map[string]string{"contents": "read"}, Line: 6}) {
		t.Errorf("permissions = %+v", wf.Permissions)
	}
	const sha = "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"
	cache := evidence.Step{Name: "Cache", Line: 31, Uses: &evidence.Uses{Raw: "actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9", Kind: "action", Ref: "0c45773b623bea8c8e75f6c82b208c3cf94ea4f9", Pinned: true, Line: 33}}
	// The alias repeats the anchored step: its own line, the anchor's uses line.
	aliased := cache
	aliased.Line = 34
	want := []evidence.Job{
		{
			ID: "build", Name: "Build ${{ matrix.os }}", Line: 9, Environment: "staging",
			Permissions: &evidence.Permissions{Scopes: map[string]string{"contents": "read", "packages": "write", "id-token": "none"}, Line: 12},
			Steps: []evidence.Step{
				{Line: 18, Uses: &evidence.Uses{Raw: "actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11", Kind: "action", Ref: "b4ffde65f46336ab88eb53be808477a3936bae11", Pinned: true, Line: 18}},
				{Name: "Setup Go", Line: 19, Uses: &evidence.Uses{Raw: "actions/setup-go@v5", Kind: "action", Ref: "v5", Line: 20},
					With: map[string]string{"go-version": "1.26", "cache": "true", "empty": ""}},
				{Line: 25, Uses: &evidence.Uses{Raw: "docker://alpine@sha256:" + sha, Kind: "docker", Ref: "sha256:" + sha, Pinned: true, Line: 25}},
				{Line: 26, Uses: &evidence.Uses{Raw: "docker://ghcr.io/org/tool:1.2", Kind: "docker", Ref: "1.2", Line: 26}},
				{Line: 27, Uses: &evidence.Uses{Raw: "./.github/actions/local", Kind: "local", Pinned: true, Line: 27}},
				{Name: "Test", Line: 28, Run: "go test ./...\n"},
				cache,
				aliased,
			},
		},
		{
			ID: "call", Line: 35, Environment: "production",
			Permissions: &evidence.Permissions{Shorthand: "read-all", Line: 36},
			Uses:        &evidence.Uses{Raw: "org/repo/.github/workflows/release.yml@v1", Kind: "action", Ref: "v1", Line: 40},
			Steps:       []evidence.Step{},
		},
		{ID: "nothing", Line: 41, Permissions: &evidence.Permissions{Shorthand: "{}", Line: 42}, Steps: []evidence.Step{}},
		{ID: "unset", Line: 44, Steps: []evidence.Step{}},
	}
	if len(wf.Jobs) != len(want) {
		t.Fatalf("jobs = %d, want %d", len(wf.Jobs), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(wf.Jobs[i], want[i]) {
			t.Errorf("job %d:\n got %s\nwant %s", i, dumpJSON(wf.Jobs[i]), dumpJSON(want[i]))
		}
	}
}

func TestParseWorkflowForms(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		triggers []string
		perms    *evidence.Permissions
	}{
		{"scalar on, read-all", "on: push\npermissions: read-all\njobs: {}\n", []string{"push"}, &evidence.Permissions{Shorthand: "read-all", Line: 2}},
		{"list on, write-all", "on: [push, pull_request, push]\npermissions: write-all\njobs:\n", []string{"pull_request", "push"}, &evidence.Permissions{Shorthand: "write-all", Line: 2}},
		{"empty permissions", "on:\n  workflow_dispatch:\npermissions: {}\njobs: {}\n", []string{"workflow_dispatch"}, &evidence.Permissions{Shorthand: "{}", Line: 3}},
		{"null permissions", "on: push\npermissions:\njobs: {}\n", []string{"push"}, nil},
		{"no permissions", "name: x\non: push\njobs: {}\n", []string{"push"}, nil},
		{"null on", "name: x\non:\njobs: {}\n", []string{}, nil},
		{"block scopes", "\n\non: push\npermissions:\n  contents: write\n  pull-requests: read\njobs: {}\n", []string{"push"}, &evidence.Permissions{Scopes: map[string]string{"contents": "write", "pull-requests": "read"}, Line: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wf, err := parseWorkflow(source.New("w.yml", []byte(tt.yaml)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(wf.Triggers, tt.triggers) || !reflect.DeepEqual(wf.Permissions, tt.perms) {
				t.Errorf("triggers %v permissions %+v; want %v %+v", wf.Triggers, wf.Permissions, tt.triggers, tt.perms)
			}
			if wf.Jobs == nil {
				t.Error("Jobs is nil")
			}
		})
	}
}

func TestParseWorkflowErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"empty", "", "w.yml: workflow is empty: expected a mapping with \"on\" and \"jobs\""},
		{"comment only", "# nothing\n", "w.yml: workflow is empty: expected a mapping with \"on\" and \"jobs\""},
		{"list", "- a\n", "w.yml:1:1: workflow must be a YAML mapping, found a sequence"},
		{"scalar", "hello\n", "w.yml:1:1: workflow must be a YAML mapping, found a scalar"},
		{"syntax", "on: push\njobs:\n  a:\n    steps:\n      - run: x\n     bad: indentation\n", "w.yml:4: invalid YAML: did not find expected key"},
		{"tab", "on: push\njobs:\n\ta: {}\n", "w.yml:3: invalid YAML: found character that cannot start any token"},
		{"no on", "name: x\njobs: {}\n", "w.yml:1:1: workflow has no \"on\": a GitHub Actions workflow needs \"on\" and \"jobs\""},
		{"no jobs", "\non: push\n", "w.yml:2:1: workflow has no \"jobs\": a GitHub Actions workflow needs \"on\" and \"jobs\""},
		{"sarif", `{"version": "2.1.0", "runs": []}`, "w.yml:1:1: workflow has no \"on\": a GitHub Actions workflow needs \"on\" and \"jobs\""},
		{"two documents", "on: push\njobs: {}\n---\non: pull_request\n", "w.yml: workflow holds more than one YAML document"},
		{"duplicate key", "on: push\npermissions: read-all\npermissions: write-all\n", "w.yml:3:1: workflow: key \"permissions\" already defined at line 2"},
		{"duplicate job", "jobs:\n  a: {}\n  a: {}\n", "w.yml:3:3: jobs: key \"a\" already defined at line 2"},
		{"bad shorthand", "permissions: read\n", "w.yml:1:14: permissions: expected read-all, write-all or a mapping of scopes, found \"read\""},
		{"bad scope value", "permissions:\n  contents: admin\n", "w.yml:2:13: permissions.contents: expected read, write or none, found \"admin\""},
		{"scope list", "permissions:\n  contents: [read]\n", "w.yml:2:13: permissions.contents: expected read, write or none, found a sequence"},
		{"job permissions", "jobs:\n  a:\n    permissions: [x]\n", "w.yml:3:18: jobs.a.permissions: expected read-all, write-all or a mapping of scopes, found a sequence"},
		{"jobs list", "jobs: [a]\n", "w.yml:1:7: jobs: expected a mapping, found a sequence"},
		{"job scalar", "jobs:\n  a: b\n", "w.yml:2:6: jobs.a: expected a mapping, found a scalar"},
		{"steps mapping", "jobs:\n  a:\n    steps: {run: x}\n", "w.yml:3:12: jobs.a.steps: expected a list of steps, found a mapping"},
		{"step scalar", "jobs:\n  a:\n    steps:\n      - run x\n", "w.yml:4:9: jobs.a.steps[0]: expected a mapping, found a scalar"},
		{"uses mapping", "jobs:\n  a:\n    steps:\n      - uses: {a: b}\n", "w.yml:4:15: jobs.a.steps[0].uses: expected a string, found a mapping"},
		{"with list", "jobs:\n  a:\n    steps:\n      - uses: a/b@v1\n        with:\n          x: [1]\n", "w.yml:6:14: jobs.a.steps[0].with.x: expected a string, found a sequence"},
		{"environment list", "jobs:\n  a:\n    environment: [x]\n", "w.yml:3:18: jobs.a.environment: expected an environment name or a mapping with name, found a sequence"},
		{"on number list", "on: [push, [x]]\n", "w.yml:1:12: on: expected a string, found a sequence"},
		{"key mapping", "? [a]\n: b\n", "w.yml:1:3: workflow: mapping key must be a string, found a sequence"},
		{"invalid utf-8", "name: \xff\n", "w.yml:1:7: invalid UTF-8 byte 0xff: evidence files must be UTF-8"},
		{"deep", strings.Repeat("[", 20000), "w.yml:1: invalid YAML: exceeded max depth of 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseWorkflow(source.New("w.yml", []byte(tt.yaml)))
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *source.Error", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("err = %q\nwant  %q", err, tt.want)
			}
		})
	}
}

func TestParseUses(t *testing.T) {
	sha40 := "b4ffde65f46336ab88eb53be808477a3936bae11"
	dig := "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"
	tests := []struct {
		raw    string
		kind   string
		ref    string
		pinned bool
	}{
		{"actions/checkout@" + sha40, "action", sha40, true},
		{"actions/checkout@" + strings.ToUpper(sha40), "action", strings.ToUpper(sha40), true},
		{"actions/checkout@v4", "action", "v4", false},
		{"actions/checkout@" + sha40[:39], "action", sha40[:39], false},
		{"actions/checkout", "action", "", false},
		{"github/codeql-action/init@" + sha40, "action", sha40, true},
		{"org/repo/.github/workflows/x.yml@main", "action", "main", false},
		{"./.github/actions/x", "local", "", true},
		{"docker://alpine@" + dig, "docker", dig, true},
		{"docker://alpine:3.19@" + dig, "docker", dig, true},
		{"docker://alpine:3.19", "docker", "3.19", false},
		{"docker://localhost:5000/alpine", "docker", "", false},
		{"docker://alpine@sha256:abc", "docker", "sha256:abc", false},
	}
	for _, tt := range tests {
		u := parseUses(tt.raw, 7)
		if u.Raw != tt.raw || u.Kind != tt.kind || u.Ref != tt.ref || u.Pinned != tt.pinned || u.Line != 7 {
			t.Errorf("parseUses(%q) = %+v, want kind %s ref %q pinned %v", tt.raw, u, tt.kind, tt.ref, tt.pinned)
		}
	}
}

// FuzzParseWorkflow checks that no input panics the workflow parser and that every
// error is a *source.Error.
func FuzzParseWorkflow(f *testing.F) {
	f.Add([]byte(testWorkflow))
	f.Add([]byte("on: push\npermissions: read-all\njobs: {}\n"))
	f.Add([]byte("on: [push]\njobs:\n  a:\n    steps:\n      - uses: docker://x@sha256:0\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("x: &a [1]\ny: &b [*a, *a]\nz: [*b, *b]\n"))
	f.Add([]byte("jobs:\n  a: {steps: [{with: {x: *u}}]}\n"))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte("on: push\njobs:\n\ta: {}\n"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wf, err := parseWorkflow(source.New("w.yml", data))
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *source.Error", err, err)
			}
			return
		}
		if wf.Triggers == nil || wf.Jobs == nil {
			t.Fatal("nil slice in a parsed workflow")
		}
		for _, j := range wf.Jobs {
			if j.Steps == nil {
				t.Fatal("nil steps")
			}
		}
	})
}
