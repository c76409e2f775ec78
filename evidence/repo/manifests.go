package repo

import (
	"bytes"
	"encoding/json"
	"path"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
)

// manifestKind is a manifest file name with its ecosystem and the lockfiles that
// may sit beside it.
type manifestKind struct {
	ecosystem string
	lockfiles []string
}

var (
	npmLockfiles    = []string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"}
	cargoLockfiles  = []string{"Cargo.lock"}
	gradleLockfiles = []string{"gradle.lockfile", "gradle/verification-metadata.xml"}
	nugetKind       = manifestKind{"nuget", []string{"packages.lock.json"}}

	manifestKinds = map[string]manifestKind{
		"package.json":     {"npm", npmLockfiles},
		"pyproject.toml":   {"pypi", []string{"poetry.lock", "uv.lock", "pdm.lock", "pylock.toml", "Pipfile.lock"}},
		"Pipfile":          {"pypi", []string{"Pipfile.lock"}},
		"requirements.in":  {"pypi", []string{"requirements.txt"}},
		"go.mod":           {"golang", []string{"go.sum"}},
		"Cargo.toml":       {"cargo", cargoLockfiles},
		"pom.xml":          {"maven", nil},
		"build.gradle":     {"gradle", gradleLockfiles},
		"build.gradle.kts": {"gradle", gradleLockfiles},
		"packages.config":  nugetKind,
	}
)

// collectManifests finds package manifests and their lockfiles, per folder,
// outside node_modules, vendor and .git:
//
//   - npm: package.json with package-lock.json, npm-shrinkwrap.json, yarn.lock,
//     pnpm-lock.yaml, bun.lock or bun.lockb;
//   - pypi: pyproject.toml (when it declares dependencies) with poetry.lock,
//     uv.lock, pdm.lock, pylock.toml or Pipfile.lock; Pipfile with Pipfile.lock;
//     requirements.in with requirements.txt; and a requirements.txt without a
//     requirements.in beside it, which is its own lockfile when every requirement
//     is pinned with == and carries --hash (pip's hash-checking mode);
//   - golang: go.mod with go.sum; cargo: Cargo.toml with Cargo.lock;
//   - maven: pom.xml (no standard lockfile);
//   - gradle: build.gradle(.kts) with gradle.lockfile or gradle/verification-metadata.xml;
//   - nuget: *.csproj, *.fsproj, *.vbproj or packages.config with packages.lock.json.
//
// A workspace member without a lockfile of its own gets the lockfiles of the
// nearest enclosing workspace root of its ecosystem: an npm package.json with
// "workspaces" or a pnpm-workspace.yaml, a Cargo.toml with [workspace], or a
// Gradle settings.gradle(.kts).
func (c *collector) collectManifests(r *evidence.Repo) error {
	for i := range c.files {
		f := &c.files[i]
		if vendored(f.rel) {
			continue
		}
		dir, name := path.Split(f.rel)
		kind, ok := manifestKinds[name]
		switch {
		case ok:
		case strings.HasSuffix(name, ".csproj") || strings.HasSuffix(name, ".fsproj") || strings.HasSuffix(name, ".vbproj"):
			kind = nugetKind
		case name == "requirements.txt":
			if c.byPath[dir+"requirements.in"] != nil {
				continue // the lockfile of requirements.in
			}
			m := evidence.Manifest{Path: f.rel, Ecosystem: "pypi", Lockfiles: []string{}}
			if src, err := c.read(f); err == nil && requirementsLocked(src.Data) {
				m.Lockfiles = append(m.Lockfiles, f.rel)
			}
			r.Manifests = append(r.Manifests, m)
			continue
		default:
			continue
		}
		if name == "pyproject.toml" {
			if src, err := c.read(f); err == nil && !pyprojectHasDependencies(src.Data) {
				continue
			}
		}
		m := evidence.Manifest{Path: f.rel, Ecosystem: kind.ecosystem, Lockfiles: c.lockfilesIn(dir, kind.lockfiles)}
		if len(m.Lockfiles) == 0 {
			if root, ok := c.workspaceRoot(dir, kind.ecosystem); ok {
				m.Lockfiles = c.lockfilesIn(root, kind.lockfiles)
			}
		}
		r.Manifests = append(r.Manifests, m)
	}
	sort.SliceStable(r.Manifests, func(i, j int) bool {
		if r.Manifests[i].Path != r.Manifests[j].Path {
			return r.Manifests[i].Path < r.Manifests[j].Path
		}
		return r.Manifests[i].Ecosystem < r.Manifests[j].Ecosystem
	})
	return nil
}

// lockfilesIn returns the lockfiles present in dir ("" or "a/b/"), sorted.
func (c *collector) lockfilesIn(dir string, names []string) []string {
	out := []string{}
	for _, n := range names {
		if c.byPath[dir+n] != nil {
			out = append(out, dir+n)
		}
	}
	sort.Strings(out)
	return out
}

// workspaceRoot returns the nearest folder above dir that is a workspace root of
// the ecosystem.
func (c *collector) workspaceRoot(dir, ecosystem string) (string, bool) {
	for dir != "" {
		dir = path.Dir(strings.TrimSuffix(dir, "/"))
		if dir == "." {
			dir = ""
		} else {
			dir += "/"
		}
		if c.isWorkspaceRoot(dir, ecosystem) {
			return dir, true
		}
	}
	return "", false
}

func (c *collector) isWorkspaceRoot(dir, ecosystem string) bool {
	key := ecosystem + ":" + dir
	if v, ok := c.workspaces[key]; ok {
		return v
	}
	v := c.checkWorkspaceRoot(dir, ecosystem)
	if c.workspaces == nil {
		c.workspaces = map[string]bool{}
	}
	c.workspaces[key] = v
	return v
}

func (c *collector) checkWorkspaceRoot(dir, ecosystem string) bool {
	switch ecosystem {
	case "npm":
		if c.byPath[dir+"pnpm-workspace.yaml"] != nil {
			return true
		}
		if f := c.byPath[dir+"package.json"]; f != nil {
			var pkg struct {
				Workspaces json.RawMessage `json:"workspaces"`
			}
			src, err := c.read(f)
			return err == nil && src.DecodeJSON(&pkg) == nil && len(pkg.Workspaces) > 0 && string(pkg.Workspaces) != "null"
		}
	case "cargo":
		if f := c.byPath[dir+"Cargo.toml"]; f != nil {
			src, err := c.read(f)
			return err == nil && hasTOMLTable(src.Data, "workspace")
		}
	case "gradle":
		return c.byPath[dir+"settings.gradle"] != nil || c.byPath[dir+"settings.gradle.kts"] != nil
	}
	return false
}

// hasTOMLTable reports whether a line of TOML opens the table [name].
func hasTOMLTable(data []byte, name string) bool {
	for _, l := range bytes.Split(data, []byte{'\n'}) {
		l = bytes.TrimSpace(l)
		if i := bytes.IndexByte(l, '#'); i >= 0 {
			l = bytes.TrimSpace(l[:i])
		}
		if string(l) == "["+name+"]" {
			return true
		}
	}
	return false
}

// pyprojectHasDependencies reports whether a pyproject.toml declares dependencies
// (a "dependencies" key, a table whose name mentions dependencies, or
// [dependency-groups]). A pyproject.toml that only configures tools (ruff, black,
// mypy) is not a manifest.
func pyprojectHasDependencies(data []byte) bool {
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "["):
			if strings.Contains(l, "dependencies") || strings.Contains(l, "dependency-groups") {
				return true
			}
		case strings.HasPrefix(l, "dependencies"):
			if rest := strings.TrimSpace(strings.TrimPrefix(l, "dependencies")); strings.HasPrefix(rest, "=") {
				return true
			}
		}
	}
	return false
}

// requirementsLocked reports whether a pip requirements file pins every
// requirement with == (or ===, or a direct URL) and a --hash, as
// "pip install --require-hashes" needs. Continuation lines are joined, comments and
// option lines (-r, -c, --index-url, …) are skipped; an editable (-e) requirement
// cannot be locked. A file with no requirements is locked.
func requirementsLocked(data []byte) bool {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\\\n", " ")
	for _, l := range strings.Split(text, "\n") {
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "-") {
			if strings.HasPrefix(l, "-e") || strings.HasPrefix(l, "--editable") {
				return false
			}
			continue
		}
		pinned := strings.Contains(l, "==") || strings.Contains(l, " @ ")
		if !pinned || !strings.Contains(l, "--hash") {
			return false
		}
	}
	return true
}
