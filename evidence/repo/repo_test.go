package repo_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/repo"
	"github.com/mdrgate/mdrgate/evidence/source"
)

const securityMD = `---
id: SEC-POL
version: 2
owner: security-team
approved_by: Jane Roe
last_reviewed: 2024-03-15
reviewed_at: 2024-03-15T10:30:00Z
contacts:
  - email: security@example.com
    pgp: true
---
# Security Policy

## Reporting a vulnerability

` + "```sh" + `
# not a heading
` + "```" + `

## Response times ##
`

const sdlPlanV1 = `---
id: SDL-PLAN
last_reviewed: 2023-12-01
---
# SDL plan
`

const sdlPlanV2 = `---
id: SDL-PLAN
last_reviewed: 2024-02-01
approved_by: Jane Roe
---
# SDL plan

## Threat model
## Testing
`

const brokenMD = `---
id: BROKEN
owner: [unclosed
---
# Broken
`

const workflowCI = `name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
  id-token: write
jobs:
  build:
    name: Build
    runs-on: ubuntu-latest
    permissions: read-all
    environment: staging
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - name: Setup Go
        uses: actions/setup-go@v5
        with:
          go-version: "1.26"
          cache: true
      - uses: docker://alpine@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b
      - uses: docker://alpine:3.19
      - uses: ./.github/actions/local
      - name: Test
        run: |
          go test ./...
  release:
    permissions: {}
    environment:
      name: production
      url: https://example.com
    uses: org/repo/.github/workflows/release.yml@v1
  deploy:
    permissions:
      contents: write
    steps: []
`

const workflowNightly = `on: [schedule, workflow_dispatch, schedule]
permissions: write-all
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - run: echo scan
`

const codeowners = `# Owners

*       @org/maintainers
docs/security/**  @org/security @alice # security docs
/crypto/ @org/security
unowned/
`

const dockerfile = `# syntax=docker/dockerfile:1
ARG BASE=golang:1.22
FROM --platform=$BUILDPLATFORM ${BASE} AS build
RUN go build \
  -o /app
FROM gcr.io/distroless/static@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b \
    AS runtime
FROM build AS test
from scratch
COPY --from=build /app /app
`

const requirementsTxt = `# pinned with hashes
requests==2.31.0 \
    --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f
urllib3==2.2.1 --hash=sha256:450b20ec296a467077128bff42b73080516e71b56ff59a60a02bef2232c4fa9d
`

const dependabot = `version: 2
updates:
  - package-ecosystem: npm
    directory: /
  - package-ecosystem: gomod
    directory: /
  - package-ecosystem: github-actions
    directory: /
  - package-ecosystem: npm
    directory: /packages/a
`

// fixture builds the main test repository and returns its directory and commits.
func fixture(t *testing.T) (string, map[string]plumbing.Hash) {
	t.Helper()
	dir := t.TempDir()
	g := newGitRepo(t, dir)
	c := map[string]plumbing.Hash{}

	g.write("README.md", "# Project\n")
	g.write("docs/security/sdl-plan.md", sdlPlanV1)
	g.write("architecture/overview.md", "v1\n")
	c["c1"] = g.commit("Initial commit\n\nLonger body.", day(1, 1), commitOpts{})

	g.write("docs/security/sdl-plan.md", sdlPlanV2)
	c["c2"] = g.commit("Update SDL plan", day(2, 1), commitOpts{author: "Bob Writer"})

	g.write("architecture/overview.md", "v2\n")
	g.write("interfaces.yaml", "interfaces:\n  - name: api\n    port: 8443\n")
	c["c3"] = g.commit("Architecture: add interfaces  \r\n", day(3, 1), commitOpts{signature: "-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQBQJ\n-----END PGP SIGNATURE-----\n"})

	files := map[string]string{
		"SECURITY.md":                          securityMD,
		"docs/security/broken.md":              brokenMD,
		"docs/soup/register.yaml":              "components:\n  - name: openssl\n    version: 3.0.13\n    class: required\nreviewed: 2024-04-01\n",
		"requirements/sec.yaml":                "- id: SEC-REQ-1\n",
		"docker-compose.yml":                   "services: {}\n",
		".mdrgate.yaml":                        "profile: strict\n",
		".github/CODEOWNERS":                   codeowners,
		"CODEOWNERS":                           "* @ignored\n",
		".github/workflows/ci.yml":             workflowCI,
		".github/workflows/night.yaml":         workflowNightly,
		".github/workflows/sub/x.yml":          "not: [read\n", // GitHub reads no subfolders; neither do we
		".github/dependabot.yml":               dependabot,
		"renovate.json":                        `{"extends": ["config:recommended"]}`,
		"package.json":                         `{"name": "root", "workspaces": ["packages/*"]}`,
		"package-lock.json":                    "{}",
		"packages/a/package.json":              `{"name": "a"}`,
		"node_modules/x/package.json":          `{"name": "x"}`,
		"go.mod":                               "module example.com/x\n",
		"requirements.txt":                     requirementsTxt,
		"tools/pyproject.toml":                 "[tool.ruff]\nline-length = 100\n",
		"py/pyproject.toml":                    "[project]\nname = \"p\"\ndependencies = [\"requests\"]\n",
		"py/uv.lock":                           "version = 1\n",
		"settings.gradle":                      "include 'app'\n",
		"gradle/verification-metadata.xml":     "<verification-metadata/>\n",
		"app/build.gradle":                     "plugins {}\n",
		"svc/pom.xml":                          "<project/>\n",
		"svc/Cargo.toml":                       "[package]\nname = \"svc\"\n",
		"svc/Cargo.lock":                       "version = 3\n",
		"web/app.csproj":                       "<Project/>\n",
		"services/api/Dockerfile":              dockerfile,
		"services/api/Dockerfile.dockerignore": "*\n",
		"src/auth/login.go":                    "package auth\n",
	}
	for p, content := range files {
		g.write(p, content)
	}
	c["c4"] = g.commit("Add everything else", day(4, 1), commitOpts{})

	g.tag("v0.1", c["c1"], "")
	g.tag("v1.0.0", c["c2"], "Release 1.0.0\n")

	// Not committed: a symlink inside the repository and one leaving it.
	if err := os.Symlink("security/sdl-plan.md", filepath.Join(dir, "docs/alias.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "docs/leak.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../.git/config", filepath.Join(dir, "docs/gitconfig.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../src", filepath.Join(dir, "docs/src-link")); err != nil {
		t.Fatal(err)
	}
	return dir, c
}

func TestCollect(t *testing.T) {
	dir, c := fixture(t)
	r, warnings, err := repo.Collect(context.Background(), dir, repo.Options{
		WatchedPaths: []string{"architecture/", "./src/**/*.go", "missing", "interfaces.yaml"},
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("warnings", func(t *testing.T) {
		want := []evidence.Warning{
			{Path: "docs/gitconfig.md", Message: "symbolic link points into .git; it was not read"},
			{Path: "docs/leak.md", Message: "symbolic link to /etc/passwd points outside the repository; it was not read"},
		}
		if !reflect.DeepEqual(warnings, want) {
			t.Errorf("warnings = %#v\nwant %#v", warnings, want)
		}
	})

	t.Run("files", func(t *testing.T) {
		if got, want := len(r.Files), 37; got != want {
			t.Errorf("len(Files) = %d, want %d: %v", got, want, r.Files)
		}
		var paths []string
		for _, f := range r.Files {
			paths = append(paths, f.Path)
			if strings.HasPrefix(f.Path, ".git/") || f.Path == "docs/leak.md" || f.Path == "docs/gitconfig.md" || strings.HasPrefix(f.Path, "docs/src-link") {
				t.Errorf("Files holds %s", f.Path)
			}
		}
		if !sortedStrings(paths) {
			t.Errorf("Files not sorted: %v", paths)
		}
		for _, want := range []evidence.FileEntry{
			{Path: "README.md", Size: 10},
			{Path: "docs/alias.md", Size: int64(len(sdlPlanV2))},
			{Path: "node_modules/x/package.json", Size: 13},
		} {
			if !containsFile(r.Files, want) {
				t.Errorf("Files lacks %+v", want)
			}
		}
	})

	t.Run("documents", func(t *testing.T) {
		var paths []string
		for _, d := range r.Documents {
			paths = append(paths, d.Path)
		}
		want := []string{
			"README.md", "SECURITY.md", "docs/alias.md", "docs/security/broken.md",
			"docs/security/sdl-plan.md", "docs/soup/register.yaml", "interfaces.yaml", "requirements/sec.yaml",
		}
		if !reflect.DeepEqual(paths, want) {
			t.Fatalf("documents = %v\nwant %v", paths, want)
		}
		sec := r.Documents[1]
		if sec.MediaType != "text/markdown" || len(sec.SHA256) != 64 {
			t.Errorf("SECURITY.md ref = %+v", sec.FileRef)
		}
		wantFM := map[string]any{
			"id": "SEC-POL", "version": int64(2), "owner": "security-team", "approved_by": "Jane Roe",
			"last_reviewed": "2024-03-15", "reviewed_at": "2024-03-15T10:30:00Z",
			"contacts": []any{map[string]any{"email": "security@example.com", "pgp": true}},
		}
		if !reflect.DeepEqual(sec.FrontMatter, wantFM) {
			t.Errorf("front matter = %#v", sec.FrontMatter)
		}
		wantH := []evidence.Heading{{Level: 1, Text: "Security Policy", Line: 12}, {Level: 2, Text: "Reporting a vulnerability", Line: 14}, {Level: 2, Text: "Response times", Line: 20}}
		if !reflect.DeepEqual(sec.Headings, wantH) {
			t.Errorf("headings = %+v", sec.Headings)
		}
		if !strings.HasPrefix(sec.Text, "# Security Policy\n") || sec.TextTruncated || sec.FrontMatterError != "" {
			t.Errorf("text = %q, truncated %v, error %q", sec.Text, sec.TextTruncated, sec.FrontMatterError)
		}
		if sec.LastCommitTime == nil || !sec.LastCommitTime.Equal(day(4, 1)) {
			t.Errorf("SECURITY.md last commit = %v", sec.LastCommitTime)
		}

		broken := r.Documents[3]
		if want := "docs/security/broken.md:3: invalid YAML front matter: did not find expected ',' or ']'"; broken.FrontMatterError != want {
			t.Errorf("broken front matter error = %q, want %q", broken.FrontMatterError, want)
		}
		if broken.FrontMatter != nil || len(broken.Headings) != 1 || broken.Headings[0].Line != 5 {
			t.Errorf("broken = %+v", broken)
		}

		plan := r.Documents[4]
		if plan.LastCommitTime == nil || !plan.LastCommitTime.Equal(day(2, 1)) {
			t.Errorf("sdl-plan last commit = %v", plan.LastCommitTime)
		}
		if alias := r.Documents[2]; alias.SHA256 != plan.SHA256 || alias.LastCommitTime != nil {
			t.Errorf("alias = %+v", alias)
		}
		reg := r.Documents[5]
		if reg.MediaType != "application/yaml" || reg.FrontMatter["reviewed"] != "2024-04-01" || len(reg.Headings) != 0 {
			t.Errorf("register = %+v", reg)
		}
		if comps := reg.FrontMatter["components"].([]any); comps[0].(map[string]any)["version"] != "3.0.13" {
			t.Errorf("register components = %#v", comps)
		}
		if req := r.Documents[7]; req.FrontMatterError != "requirements/sec.yaml:1: YAML document must be a YAML mapping, found a sequence" || req.FrontMatter != nil {
			t.Errorf("requirements/sec.yaml = %q %v", req.FrontMatterError, req.FrontMatter)
		}
	})

	t.Run("git", func(t *testing.T) {
		g := r.Git
		if g == nil {
			t.Fatal("Git is nil")
		}
		if g.Head != c["c4"].String() || g.Branch != "main" || g.CommitsTruncated {
			t.Errorf("head %s branch %q truncated %v", g.Head, g.Branch, g.CommitsTruncated)
		}
		wantTags := []evidence.Tag{{Name: "v0.1", Commit: c["c1"].String()}, {Name: "v1.0.0", Commit: c["c2"].String()}}
		if !reflect.DeepEqual(g.Tags, wantTags) {
			t.Errorf("tags = %+v", g.Tags)
		}
		if len(g.Commits) != 4 {
			t.Fatalf("commits = %d", len(g.Commits))
		}
		for i, name := range []string{"c4", "c3", "c2", "c1"} {
			if g.Commits[i].SHA != c[name].String() {
				t.Errorf("commit %d = %s, want %s", i, g.Commits[i].SHA, name)
			}
		}
		c3 := g.Commits[1]
		want := evidence.Commit{
			SHA: c["c3"].String(), Author: "Alice Dev <alice.dev@example.com>", Committer: "CI Bot <ci@example.com>",
			Time: day(3, 1), Subject: "Architecture: add interfaces", Parents: []string{c["c2"].String()}, Signed: true,
		}
		if !reflect.DeepEqual(c3, want) {
			t.Errorf("c3 = %+v\nwant %+v", c3, want)
		}
		if g.Commits[0].Signed || g.Commits[3].Subject != "Initial commit" || len(g.Commits[3].Parents) != 0 || g.Commits[2].Author != "Bob Writer <bob.writer@example.com>" {
			t.Errorf("commits = %+v", g.Commits)
		}
		wantPT := []evidence.PathTime{
			{Path: "README.md", Time: day(1, 1), Commit: c["c1"].String()},
			{Path: "SECURITY.md", Time: day(4, 1), Commit: c["c4"].String()},
			{Path: "architecture", Time: day(3, 1), Commit: c["c3"].String()},
			{Path: "docs/security/broken.md", Time: day(4, 1), Commit: c["c4"].String()},
			{Path: "docs/security/sdl-plan.md", Time: day(2, 1), Commit: c["c2"].String()},
			{Path: "docs/soup/register.yaml", Time: day(4, 1), Commit: c["c4"].String()},
			{Path: "interfaces.yaml", Time: day(3, 1), Commit: c["c3"].String()},
			{Path: "requirements/sec.yaml", Time: day(4, 1), Commit: c["c4"].String()},
			{Path: "src/**/*.go", Time: day(4, 1), Commit: c["c4"].String()},
		}
		if !reflect.DeepEqual(g.PathTimes, wantPT) {
			t.Errorf("path times:\n%s\nwant\n%s", dump(g.PathTimes), dump(wantPT))
		}
	})

	t.Run("codeowners", func(t *testing.T) {
		co := r.Codeowners
		if co == nil || co.Path != ".github/CODEOWNERS" || co.MediaType != "text/plain" {
			t.Fatalf("codeowners = %+v", co)
		}
		want := []evidence.CodeownersRule{
			{Pattern: "*", Owners: []string{"@org/maintainers"}, Line: 3},
			{Pattern: "docs/security/**", Owners: []string{"@org/security", "@alice"}, Line: 4},
			{Pattern: "/crypto/", Owners: []string{"@org/security"}, Line: 5},
			{Pattern: "unowned/", Owners: []string{}, Line: 6},
		}
		if !reflect.DeepEqual(co.Rules, want) {
			t.Errorf("rules = %+v", co.Rules)
		}
	})

	t.Run("workflows", func(t *testing.T) {
		if len(r.Workflows) != 2 {
			t.Fatalf("workflows = %d", len(r.Workflows))
		}
		ci, night := r.Workflows[0], r.Workflows[1]
		if ci.Path != ".github/workflows/ci.yml" || ci.Name != "CI" || !reflect.DeepEqual(ci.Triggers, []string{"pull_request", "push"}) {
			t.Errorf("ci = %s %q %v", ci.Path, ci.Name, ci.Triggers)
		}
		if !reflect.DeepEqual(ci.Permissions, &evidence.Permissions{Scopes: map[string]string{"contents": "read", "id-token": "write"}, Line: 6}) {
			t.Errorf("ci permissions = %+v", ci.Permissions)
		}
		if len(ci.Jobs) != 3 || ci.Jobs[0].ID != "build" || ci.Jobs[1].ID != "release" || ci.Jobs[2].ID != "deploy" {
			t.Fatalf("jobs = %+v", ci.Jobs)
		}
		if !reflect.DeepEqual(night.Triggers, []string{"schedule", "workflow_dispatch"}) ||
			!reflect.DeepEqual(night.Permissions, &evidence.Permissions{Shorthand: "write-all", Line: 2}) {
			t.Errorf("night = %+v %+v", night.Triggers, night.Permissions)
		}
		// The details are in TestParseWorkflow.
	})

	t.Run("manifests", func(t *testing.T) {
		want := []evidence.Manifest{
			{Path: "app/build.gradle", Ecosystem: "gradle", Lockfiles: []string{"gradle/verification-metadata.xml"}},
			{Path: "go.mod", Ecosystem: "golang", Lockfiles: []string{}},
			{Path: "package.json", Ecosystem: "npm", Lockfiles: []string{"package-lock.json"}},
			{Path: "packages/a/package.json", Ecosystem: "npm", Lockfiles: []string{"package-lock.json"}},
			{Path: "py/pyproject.toml", Ecosystem: "pypi", Lockfiles: []string{"py/uv.lock"}},
			{Path: "requirements.txt", Ecosystem: "pypi", Lockfiles: []string{"requirements.txt"}},
			{Path: "svc/Cargo.toml", Ecosystem: "cargo", Lockfiles: []string{"svc/Cargo.lock"}},
			{Path: "svc/pom.xml", Ecosystem: "maven", Lockfiles: []string{}},
			{Path: "web/app.csproj", Ecosystem: "nuget", Lockfiles: []string{}},
		}
		if !reflect.DeepEqual(r.Manifests, want) {
			t.Errorf("manifests:\n%s\nwant\n%s", dump(r.Manifests), dump(want))
		}
	})

	t.Run("dockerfiles", func(t *testing.T) {
		if len(r.Dockerfiles) != 1 {
			t.Fatalf("dockerfiles = %+v", r.Dockerfiles)
		}
		df := r.Dockerfiles[0]
		want := []evidence.FromLine{
			{Image: "${BASE}", Line: 3, Alias: "build"},
			{Image: "gcr.io/distroless/static@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b", Line: 6, Alias: "runtime", DigestPinned: true},
			{Image: "build", Line: 8, Alias: "test", Stage: true},
			{Image: "scratch", Line: 9, Scratch: true},
		}
		if df.Path != "services/api/Dockerfile" || df.MediaType != "text/x-dockerfile" || !reflect.DeepEqual(df.From, want) {
			t.Errorf("dockerfile = %s %s %+v", df.Path, df.MediaType, df.From)
		}
	})

	t.Run("update tools", func(t *testing.T) {
		if len(r.UpdateTools) != 2 {
			t.Fatalf("update tools = %+v", r.UpdateTools)
		}
		d, rn := r.UpdateTools[0], r.UpdateTools[1]
		if d.Path != ".github/dependabot.yml" || d.Tool != "dependabot" || !reflect.DeepEqual(d.Ecosystems, []string{"github-actions", "gomod", "npm"}) {
			t.Errorf("dependabot = %+v", d)
		}
		if rn.Path != "renovate.json" || rn.Tool != "renovate" || rn.MediaType != "application/json" || rn.Ecosystems == nil {
			t.Errorf("renovate = %+v", rn)
		}
	})

	t.Run("json", func(t *testing.T) {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "root:x:0:0") {
			t.Error("the evidence holds /etc/passwd")
		}
		if strings.Contains(string(b), `:null`) && strings.Count(string(b), `"front_matter":null`)+strings.Count(string(b), `"permissions":null`) != strings.Count(string(b), ":null") {
			t.Errorf("unexpected null in %s", b)
		}
	})

	t.Run("deterministic", func(t *testing.T) {
		again, _, err := repo.Collect(context.Background(), dir, repo.Options{
			WatchedPaths: []string{"architecture/", "./src/**/*.go", "missing", "interfaces.yaml"},
		})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(r)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Error("two collections differ")
		}
	})
}

func TestCollectSubfolder(t *testing.T) {
	dir := t.TempDir()
	g := newGitRepo(t, dir)
	g.write("services/a/README.md", "# A\n")
	g.write("services/b/README.md", "# B\n")
	g.write("README.md", "# top\n")
	c1 := g.commit("one", day(1, 1), commitOpts{})
	g.write("services/b/README.md", "# B2\n")
	g.write("README.md", "# top 2\n")
	g.commit("two", day(2, 1), commitOpts{})
	g.write("services/a/docs/x.md", "# X\n")
	c3 := g.commit("three", day(3, 1), commitOpts{})

	r, _, err := repo.Collect(context.Background(), filepath.Join(dir, "services", "a"), repo.Options{WatchedPaths: []string{"docs"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Git == nil || r.Git.Head != c3.String() || len(r.Git.Commits) != 3 {
		t.Fatalf("git = %+v", r.Git)
	}
	want := []evidence.PathTime{
		{Path: "README.md", Time: day(1, 1), Commit: c1.String()},
		{Path: "docs", Time: day(3, 1), Commit: c3.String()},
		{Path: "docs/x.md", Time: day(3, 1), Commit: c3.String()},
	}
	if !reflect.DeepEqual(r.Git.PathTimes, want) {
		t.Errorf("path times:\n%s\nwant\n%s", dump(r.Git.PathTimes), dump(want))
	}
	if len(r.Files) != 2 || r.Files[0].Path != "README.md" || r.Files[1].Path != "docs/x.md" {
		t.Errorf("files = %+v", r.Files)
	}
}

func TestCollectShallow(t *testing.T) {
	for _, withShallowFile := range []bool{true, false} {
		name := "missing parent"
		if withShallowFile {
			name = "shallow file"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			g := newGitRepo(t, dir)
			g.write("README.md", "# v1\n")
			g.write("SECURITY.md", "# s\n")
			c1 := g.commit("one", day(1, 1), commitOpts{})
			g.write("README.md", "# v2\n")
			c2 := g.commit("two", day(2, 1), commitOpts{})
			g.write("README.md", "# v3\n")
			c3 := g.commit("three", day(3, 1), commitOpts{})
			// A clone of depth 2: c1 was never fetched.
			g.deleteObject(c1)
			if withShallowFile {
				if err := os.WriteFile(filepath.Join(dir, ".git", "shallow"), []byte(c2.String()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r, warnings, err := repo.Collect(context.Background(), dir, repo.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Git.Shallow || len(warnings) != 1 || warnings[0].Path != ".git" || !strings.Contains(warnings[0].Message, "shallow clone") {
				t.Errorf("shallow %v, warnings %+v: want the clone flagged shallow, with a warning", r.Git.Shallow, warnings)
			}
			if len(r.Git.Commits) != 2 || r.Git.Commits[1].SHA != c2.String() || r.Git.CommitsTruncated {
				t.Fatalf("commits = %+v, truncated %v", r.Git.Commits, r.Git.CommitsTruncated)
			}
			if got := r.Git.Commits[1].Parents; !reflect.DeepEqual(got, []string{c1.String()}) {
				t.Errorf("c2 parents = %v", got)
			}
			// At the edge of the history, c2 counts as adding every file.
			want := []evidence.PathTime{
				{Path: "README.md", Time: day(3, 1), Commit: c3.String()},
				{Path: "SECURITY.md", Time: day(2, 1), Commit: c2.String()},
			}
			if !reflect.DeepEqual(r.Git.PathTimes, want) {
				t.Errorf("path times:\n%s\nwant\n%s", dump(r.Git.PathTimes), dump(want))
			}
		})
	}
}

func TestCollectMaxCommitsAndMerges(t *testing.T) {
	dir := t.TempDir()
	g := newGitRepo(t, dir)
	g.write("README.md", "# r\n")
	g.write("docs/a.md", "# a\n")
	base := g.commit("base", day(1, 1), commitOpts{})
	// A side branch changes docs/a.md on day 3; main changes README.md on day 2.
	g.write("docs/a.md", "# a2\n")
	side := g.commit("side", day(3, 1), commitOpts{parents: []plumbing.Hash{base}, noRef: true})
	g.write("docs/a.md", "# a\n")
	g.write("README.md", "# r2\n")
	mainC := g.commit("main", day(2, 1), commitOpts{})
	g.write("docs/a.md", "# a2\n")
	merge := g.commit("Merge side", day(4, 1), commitOpts{parents: []plumbing.Hash{mainC, side}})

	r, _, err := repo.Collect(context.Background(), dir, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, cm := range r.Git.Commits {
		order = append(order, cm.SHA)
	}
	if want := []string{merge.String(), side.String(), mainC.String(), base.String()}; !reflect.DeepEqual(order, want) {
		t.Errorf("order = %v, want %v", order, want)
	}
	if len(r.Git.Commits[0].Parents) != 2 {
		t.Errorf("merge parents = %v", r.Git.Commits[0].Parents)
	}
	// The merge brings docs/a.md's change relative to its first parent.
	want := []evidence.PathTime{
		{Path: "README.md", Time: day(2, 1), Commit: mainC.String()},
		{Path: "docs/a.md", Time: day(4, 1), Commit: merge.String()},
	}
	if !reflect.DeepEqual(r.Git.PathTimes, want) {
		t.Errorf("path times:\n%s\nwant\n%s", dump(r.Git.PathTimes), dump(want))
	}

	r, _, err = repo.Collect(context.Background(), dir, repo.Options{MaxCommits: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Git.Commits) != 2 || !r.Git.CommitsTruncated {
		t.Errorf("commits = %d, truncated %v", len(r.Git.Commits), r.Git.CommitsTruncated)
	}
	// README.md changed in neither of the two newest commits: unknown.
	want = []evidence.PathTime{{Path: "docs/a.md", Time: day(4, 1), Commit: merge.String()}}
	if !reflect.DeepEqual(r.Git.PathTimes, want) {
		t.Errorf("path times:\n%s\nwant\n%s", dump(r.Git.PathTimes), dump(want))
	}
}

func TestCollectNotARepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, warnings, err := repo.Collect(context.Background(), dir, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Git != nil || len(r.Files) != 1 || len(r.Documents) != 1 || r.Documents[0].LastCommitTime != nil || len(warnings) != 0 {
		t.Errorf("repo = %+v, warnings %v", r, warnings)
	}
	b, _ := json.Marshal(r)
	want := `{"files":[{"path":"README.md","size":4}],"documents":[{"path":"README.md","sha256":"` + sha("# x\n") +
		`","media_type":"text/markdown","front_matter":null,"front_matter_error":"","headings":[{"level":1,"text":"x","line":1}],"text":"# x\n","text_truncated":false}],` +
		`"workflows":[],"actions":[],"manifests":[],"dockerfiles":[],"update_tools":[]}`
	if string(b) != want {
		t.Errorf("json = %s\nwant %s", b, want)
	}
}

func TestCollectEmptyRepository(t *testing.T) {
	dir := t.TempDir()
	newGitRepo(t, dir)
	r, _, err := repo.Collect(context.Background(), dir, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := &evidence.Git{Branch: "main", Tags: []evidence.Tag{}, Commits: []evidence.Commit{}, PathTimes: []evidence.PathTime{}}
	if !reflect.DeepEqual(r.Git, want) {
		t.Errorf("git = %+v", r.Git)
	}
}

func TestCollectErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"workflow syntax", map[string]string{".github/workflows/ci.yml": "on: push\njobs:\n  a: [b\n"}, ".github/workflows/ci.yml:3: invalid YAML: did not find expected ',' or ']'"},
		{"workflow shape", map[string]string{".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    steps: run\n"}, ".github/workflows/ci.yml:4:12: jobs.a.steps: expected a list of steps, found a scalar"},
		{"dependabot", map[string]string{".github/dependabot.yml": "version: 2\nupdates: npm\n"}, ".github/dependabot.yml:2:10: updates: expected a list, found a scalar"},
		{"renovate", map[string]string{"renovate.json": `["x"]`}, `renovate.json: expected a JSON object (a renovate configuration), found an array`},
		{"renovate syntax", map[string]string{"renovate.json": `{"x": }`}, `renovate.json:1:7: invalid JSON: invalid character '}' looking for beginning of value`},
		{"codeowners", map[string]string{"CODEOWNERS": "* @a\n\xff @b\n"}, "CODEOWNERS:2:1: invalid UTF-8 byte 0xff: evidence files must be UTF-8"},
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
			r, _, err := repo.Collect(context.Background(), dir, repo.Options{})
			var se *source.Error
			if !errors.As(err, &se) || r != nil {
				t.Fatalf("err = %v (%T), repo %v; want a *source.Error", err, err, r)
			}
			if err.Error() != tt.want {
				t.Errorf("err = %q\nwant  %q", err, tt.want)
			}
		})
	}
}

func TestCollectOptions(t *testing.T) {
	dir := t.TempDir()
	for p, content := range map[string]string{
		"notes/a.md":  "---\ntitle: A\n---\n" + strings.Repeat("é", 10),
		"notes/b.md":  "# B\n",
		"notes/c.txt": "c",
		"big.md":      strings.Repeat("x", 200),
	} {
		full := filepath.Join(dir, p)
		_ = os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, warnings, err := repo.Collect(context.Background(), dir, repo.Options{
		DocumentGlobs: []string{"notes/**", "!notes/b.md", "big.md"},
		MaxTextBytes:  5,
		MaxFileSize:   100,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Documents) != 1 || r.Documents[0].Path != "notes/a.md" {
		t.Fatalf("documents = %+v", r.Documents)
	}
	// "é" is two bytes: five bytes cut to four.
	if d := r.Documents[0]; d.Text != "éé" || !d.TextTruncated || d.FrontMatter["title"] != "A" {
		t.Errorf("doc = %+v", d)
	}
	if len(warnings) != 1 || warnings[0].Path != "big.md" || !strings.Contains(warnings[0].Message, "larger than the limit of 100 bytes") {
		t.Errorf("warnings = %+v", warnings)
	}

	if _, _, err := repo.Collect(context.Background(), dir, repo.Options{DocumentGlobs: []string{"docs/[x"}}); err == nil || !strings.Contains(err.Error(), `invalid pattern "docs/[x"`) {
		t.Errorf("bad glob: err = %v", err)
	}
	if _, _, err := repo.Collect(context.Background(), filepath.Join(dir, "notes", "b.md"), repo.Options{}); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("file as dir: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := repo.Collect(ctx, dir, repo.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func sortedStrings(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}

func containsFile(files []evidence.FileEntry, f evidence.FileEntry) bool {
	for _, g := range files {
		if g == f {
			return true
		}
	}
	return false
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func sha(s string) string { return source.New("", []byte(s)).SHA256 }

func TestCollectSymlinks(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.md"), []byte("# secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	g := newGitRepo(t, dir)
	g.write("docs/real.md", "# real\n")
	g.commit("one", day(1, 1), commitOpts{})
	links := map[string]string{
		"loop.md":           "loop.md",
		"dangling.md":       "nowhere.md",
		"out-dir":           outside,
		"out-file.md":       filepath.Join(outside, "secret.md"),
		"in-dir":            "docs",
		"SECURITY.md":       "docs/real.md",
		"docs/up.md":        "../docs/./real.md",
		"self":              ".",
		"via-in-dir.md":     "in-dir/real.md",
		"docs/head-link.md": "../.git/HEAD",
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	// Collect through a symlink to the repository.
	alias := filepath.Join(t.TempDir(), "alias")
	if err := os.Symlink(dir, alias); err != nil {
		t.Fatal(err)
	}
	r, warnings, err := repo.Collect(context.Background(), alias, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range r.Files {
		files = append(files, f.Path)
	}
	if want := []string{"SECURITY.md", "docs/real.md", "docs/up.md", "via-in-dir.md"}; !reflect.DeepEqual(files, want) {
		t.Errorf("files = %v, want %v", files, want)
	}
	var got []string
	for _, w := range warnings {
		got = append(got, w.Path+": "+w.Message)
	}
	realOutside, _ := filepath.EvalSymlinks(outside)
	want := []string{
		"dangling.md: symbolic link cannot be resolved: no such file or directory; it was not read",
		"docs/head-link.md: symbolic link points into .git; it was not read",
		"loop.md: symbolic link cannot be resolved: too many links; it was not read",
		"out-dir: symbolic link to " + realOutside + " points outside the repository; it was not read",
		"out-file.md: symbolic link to " + filepath.Join(realOutside, "secret.md") + " points outside the repository; it was not read",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(r.Documents) != 4 || r.Documents[0].Path != "SECURITY.md" || r.Documents[0].Text != "# real\n" ||
		r.Documents[0].LastCommitTime != nil || r.Documents[1].LastCommitTime == nil {
		t.Errorf("documents = %+v", r.Documents)
	}
	if r.Git == nil || len(r.Git.Commits) != 1 {
		t.Errorf("git = %+v", r.Git)
	}
	if _, _, err := repo.Collect(context.Background(), dir, repo.Options{WatchedPaths: []string{"docs/../../etc"}}); err == nil || !strings.Contains(err.Error(), `watched path "docs/../../etc" leaves the repository`) {
		t.Errorf("escaping watched path: err = %v", err)
	}
}
