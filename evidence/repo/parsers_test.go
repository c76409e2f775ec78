package repo

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

func TestParseDockerfile(t *testing.T) {
	const digest = "sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"
	tests := []struct {
		name     string
		text     string
		want     []evidence.FromLine
		warnings int
	}{
		{
			name: "stages",
			text: "FROM golang:1.22 AS Build\nFROM build\nFROM BUILD as again\nFROM alpine@" + digest + "\nFROM Scratch\n",
			want: []evidence.FromLine{
				{Image: "golang:1.22", Line: 1, Alias: "Build"},
				{Image: "build", Line: 2, Stage: true},
				{Image: "BUILD", Line: 3, Alias: "again", Stage: true},
				{Image: "alpine@" + digest, Line: 4, DigestPinned: true},
				{Image: "Scratch", Line: 5, Scratch: true},
			},
		},
		{
			name: "continuations and comments",
			text: "# comment\n\nFROM \\\n  # inside\n  --platform=linux/amd64 \\\n  node:20 \\\n  AS web\r\nRUN echo FROM x\n",
			want: []evidence.FromLine{{Image: "node:20", Line: 3, Alias: "web"}},
		},
		{
			name: "escape directive",
			text: "# escape=`\nFROM `\n  mcr.microsoft.com/windows:ltsc2022\nRUN dir c:\\\nFROM x\n",
			want: []evidence.FromLine{{Image: "mcr.microsoft.com/windows:ltsc2022", Line: 2}, {Image: "x", Line: 5}},
		},
		{
			name: "heredoc",
			text: "FROM a\nRUN <<EOF\nFROM not-an-image\nEOF\nCOPY <<-END /x\n\tFROM neither\n\tEND\nFROM b\n",
			want: []evidence.FromLine{{Image: "a", Line: 1}, {Image: "b", Line: 8}},
		},
		{
			name: "unterminated heredoc",
			text: "FROM a\nRUN cat <<EOF\nFROM b\n",
			want: []evidence.FromLine{{Image: "a", Line: 1}, {Image: "b", Line: 3}},
		},
		{
			name:     "no image",
			text:     "FROM\nFROM --platform=x\n",
			want:     []evidence.FromLine{{Line: 1}, {Line: 2}},
			warnings: 2,
		},
		{
			name: "arg",
			text: "ARG V=1\nFROM repo/img:${V} AS x\n",
			want: []evidence.FromLine{{Image: "repo/img:${V}", Line: 2, Alias: "x"}},
		},
		{name: "empty", text: "", want: []evidence.FromLine{}},
		{name: "trailing continuation", text: "FROM a \\", want: []evidence.FromLine{{Image: "a", Line: 1}}},
		{name: "invalid utf-8", text: "FROM \xff\n", want: []evidence.FromLine{{Image: "\uFFFD", Line: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			df, w := parseDockerfile(source.New("Dockerfile", []byte(tt.text)))
			if !reflect.DeepEqual(df.From, tt.want) {
				t.Errorf("from:\n%s\nwant\n%s", dumpJSON(df.From), dumpJSON(tt.want))
			}
			if len(w) != tt.warnings {
				t.Errorf("warnings = %+v", w)
			}
			if tt.warnings > 0 && w[0].Message != "line 1: FROM without an image" {
				t.Errorf("warning = %+v", w[0])
			}
		})
	}
}

func TestIsDockerfile(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "Containerfile": true, "Dockerfile.prod": true, "api.Dockerfile": true,
		"api.dockerfile": true, "Containerfile.dev": true, "Dockerfile.dockerignore": false,
		"dockerfile": false, "Dockerfiles": false, "README.md": false,
	} {
		if got := isDockerfile(name); got != want {
			t.Errorf("isDockerfile(%q) = %v", name, got)
		}
	}
}

func TestParseCodeowners(t *testing.T) {
	co, err := parseCodeowners(source.New("CODEOWNERS", []byte("\ufeff# c\n*.go @a @b\r\n\n  docs/  @c#x # note\n\\#odd @d\nlone\n")))
	if err != nil {
		t.Fatal(err)
	}
	want := []evidence.CodeownersRule{
		{Pattern: "*.go", Owners: []string{"@a", "@b"}, Line: 2},
		{Pattern: "docs/", Owners: []string{"@c#x"}, Line: 4},
		{Pattern: "\\#odd", Owners: []string{"@d"}, Line: 5},
		{Pattern: "lone", Owners: []string{}, Line: 6},
	}
	if !reflect.DeepEqual(co.Rules, want) {
		t.Errorf("rules = %+v", co.Rules)
	}
	empty, err := parseCodeowners(source.New("CODEOWNERS", nil))
	if err != nil || empty.Rules == nil || len(empty.Rules) != 0 {
		t.Errorf("empty = %+v, %v", empty, err)
	}
}

func TestParseDependabot(t *testing.T) {
	ut, err := parseDependabot(source.New("d.yml", []byte("version: 2\nupdates:\n  - package-ecosystem: pip\n  - package-ecosystem: docker\n  - directory: /\n")))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ut.Ecosystems, []string{"docker", "pip"}) || ut.Tool != "dependabot" {
		t.Errorf("dependabot = %+v", ut)
	}
	tests := []struct{ yaml, want string }{
		{"", "d.yml: dependabot configuration is empty: expected a mapping with version and updates"},
		{"[a]", "d.yml:1:1: dependabot configuration: expected a mapping, found a sequence"},
		{"updates:\n  - x\n", "d.yml:2:5: updates[0]: expected a mapping, found a scalar"},
		{"updates:\n  - package-ecosystem: [npm]\n", "d.yml:2:24: updates[0].package-ecosystem: expected a string, found a sequence"},
		{"version: 2\n", "d.yml:1:1: dependabot configuration has no updates"},
		{"updates: [\n", "d.yml:2: invalid YAML: did not find expected node content"},
	}
	for _, tt := range tests {
		_, err := parseDependabot(source.New("d.yml", []byte(tt.yaml)))
		var se *source.Error
		if !errors.As(err, &se) || err.Error() != tt.want {
			t.Errorf("parseDependabot(%q) = %v, want %q", tt.yaml, err, tt.want)
		}
	}
}

func TestParseRenovate(t *testing.T) {
	ut, err := parseRenovate(source.New("renovate.json5", []byte("{ // comment\n extends: ['config:base'] }")))
	if err != nil || ut.MediaType != "application/json5" || ut.Tool != "renovate" {
		t.Errorf("json5 = %+v, %v", ut, err)
	}
	if _, err := parseRenovate(source.New(".renovaterc", []byte("{\"a\": 1"))); err == nil || !strings.HasPrefix(err.Error(), ".renovaterc:1:") {
		t.Errorf("truncated: %v", err)
	}
	deep := strings.Repeat("[", 100000)
	if _, err := parseRenovate(source.New("renovate.json", []byte(deep))); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("deep: %v", err)
	}
}

func TestRequirementsLocked(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"", true},
		{"# only comments\n\n", true},
		{"a==1.0 --hash=sha256:00\n", true},
		{"a==1.0 \\\n    --hash=sha256:00 \\\n    --hash=sha256:11\r\n", true},
		{"-r base.txt\n--index-url https://x\na==1.0 --hash=sha256:00 # pinned\n", true},
		{"a==1.0\n", false},
		{"a>=1.0 --hash=sha256:00\n", false},
		{"a==1.0 --hash=sha256:00\nb\n", false},
		{"-e git+https://x#egg=y\n", false},
		{"pkg @ https://x/pkg.whl --hash=sha256:00\n", true},
	}
	for _, tt := range tests {
		if got := requirementsLocked([]byte(tt.text)); got != tt.want {
			t.Errorf("requirementsLocked(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestPyprojectHasDependencies(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"[tool.ruff]\nline-length = 100\n", false},
		{"[project]\nname = \"x\"\ndependencies = []\n", true},
		{"[tool.poetry.dependencies]\npython = \"^3.11\"\n", true},
		{"[dependency-groups]\ndev = [\"pytest\"]\n", true},
		{"[project]\ndependencies-extra = 1\n", false},
	}
	for _, tt := range tests {
		if got := pyprojectHasDependencies([]byte(tt.text)); got != tt.want {
			t.Errorf("pyprojectHasDependencies(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*.md", "README.md", true},
		{"*.md", "docs/README.md", false},
		{"docs/**/*.md", "docs/a.md", true},
		{"docs/**/*.md", "docs/a/b/c.md", true},
		{"docs/**/*.md", "docsx/a.md", false},
		{"**/*.md", "a.md", true},
		{"**", "a/b", true},
		{"docs/**", "docs/a/b", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/y/c", false},
		{".github/**/*.md", ".github/SECURITY.md", true},
		{"docs/*/x.yaml", "docs/a/x.yaml", true},
		{"docs/*/x.yaml", "docs/a/b/x.yaml", false},
		{"[a-c].md", "b.md", true},
	}
	for _, tt := range tests {
		g, err := compileGlob(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.match(strings.Split(tt.path, "/")); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
	g, _ := compileGlob("docs/*/**/*.md")
	for dir, want := range map[string]bool{"docs": true, "docs/a": true, "docs/a/b/c": true, "src": false} {
		if got := g.mayContain(strings.Split(dir, "/")); got != want || !g.hasMeta {
			t.Errorf("mayContain(%q) = %v", dir, got)
		}
	}
	if _, err := compileGlob("a/[b"); err == nil {
		t.Error("bad pattern accepted")
	}
	set, _ := compileGlobSet(DefaultDocumentGlobs)
	for p, want := range map[string]bool{
		"README.md": true, "SECURITY.md": true, ".github/SECURITY.md": true, ".github/ISSUE_TEMPLATE/bug.md": true,
		"docs/security/sdl-plan.md": true, "docs/soup/register.yaml": true, "requirements/sec/reqs.yml": true,
		"release/1.0/known-anomalies.yaml": true, "supported-versions.yaml": true, "interfaces.yml": true,
		".mdrgate.yaml": false, ".pre-commit-config.yaml": false, "docker-compose.yml": false, "compose.yaml": false,
		"action.yml": false, "mkdocs.yml": false, "pnpm-lock.yaml": false, ".github/workflows/ci.yml": false,
		"src/README.md": false, "config/app.yaml": false,
	} {
		if got := set.match(strings.Split(p, "/")); got != want {
			t.Errorf("default globs select %q = %v, want %v", p, got, want)
		}
	}
}

func TestWatchedTargets(t *testing.T) {
	ts, err := compileWatched([]string{" ./architecture/ ", "architecture", ".", "src/*/auth", "interfaces.yaml", ""})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, tg := range ts {
		paths = append(paths, tg.path)
	}
	if !reflect.DeepEqual(paths, []string{"architecture", ".", "src/*/auth", "interfaces.yaml"}) {
		t.Fatalf("paths = %v", paths)
	}
	tests := []struct {
		target int
		file   string
		want   bool
	}{
		{0, "architecture/a.md", true},
		{0, "architecture", true},
		{0, "architecture2/a.md", false},
		{1, "anything/at/all", true},
		{2, "src/x/auth/login.go", true},
		{2, "src/x/auth", true},
		{2, "src/x/y/auth/login.go", false},
		{3, "interfaces.yaml", true},
		{3, "interfaces.yaml.bak", false},
	}
	for _, tt := range tests {
		if got := ts[tt.target].matches(tt.file, strings.Split(tt.file, "/")); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", ts[tt.target].path, tt.file, got, tt.want)
		}
	}
	if !ts[2].mayContain("src") || !ts[2].mayContain("src/x") || !ts[2].mayContain("src/x/auth/y") || ts[2].mayContain("lib") ||
		!ts[0].mayContain("") || !ts[0].mayContain("architecture/x") || ts[0].mayContain("arch") || !ts[1].mayContain("a/b") {
		t.Error("mayContain")
	}
}

// FuzzParseDockerfile checks that no input panics the Dockerfile parser.
func FuzzParseDockerfile(f *testing.F) {
	f.Add([]byte("FROM a AS b\nFROM b\n"))
	f.Add([]byte("# escape=`\nFROM `\n x\n"))
	f.Add([]byte("RUN <<EOF\nFROM x\nEOF\n"))
	f.Add([]byte("FROM \\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		df, _ := parseDockerfile(source.New("Dockerfile", data))
		if df.From == nil {
			t.Fatal("nil From")
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, fl := range df.From {
			if fl.Line < 1 || fl.Line > lines {
				t.Fatalf("line %d outside the %d-line file", fl.Line, lines)
			}
		}
	})
}

// FuzzParseDependabot checks that no input panics the dependabot parser and that
// every error is a *source.Error.
func FuzzParseDependabot(f *testing.F) {
	f.Add([]byte("version: 2\nupdates:\n  - package-ecosystem: npm\n"))
	f.Add([]byte("updates: *a\n"))
	f.Add([]byte("updates: [{package-ecosystem: [x]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseDependabot(source.New("d.yml", data))
		var se *source.Error
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("err = %v (%T)", err, err)
		}
	})
}

// FuzzParseCodeowners checks that no input panics the CODEOWNERS parser and that
// every error is a *source.Error.
func FuzzParseCodeowners(f *testing.F) {
	f.Add([]byte("* @a\n# c\ndocs/ @b # x\n"))
	f.Add([]byte("\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		co, err := parseCodeowners(source.New("CODEOWNERS", data))
		var se *source.Error
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("err = %v (%T)", err, err)
		}
		if err == nil && co.Rules == nil {
			t.Fatal("nil rules")
		}
	})
}
