package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/internal/result"
)

// Module is one Rego file.
type Module struct {
	// Path names the file: "policies/<path>" for a built-in policy, else the path on disk.
	Path    string
	Source  []byte
	Builtin bool
}

// SHA256 returns the hex digest of the module's source.
func (m Module) SHA256() string {
	sum := sha256.Sum256(m.Source)
	return hex.EncodeToString(sum[:])
}

// IsTest reports whether the module holds Rego tests.
func (m Module) IsTest() bool { return strings.HasSuffix(m.Path, "_test.rego") }

// FSModules returns the .rego files of a file system (the embedded built-in
// policies), tests included, sorted by path; each path is prefixed with prefix.
func FSModules(fsys fs.FS, prefix string, builtin bool) ([]Module, error) {
	var out []Module
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, Module{Path: prefix + p, Source: b, Builtin: builtin})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading policies: %w", err)
	}
	sortModules(out)
	return out, nil
}

// DirModules returns the .rego files under dir, tests included, sorted by path.
// Symbolic links are not followed.
func DirModules(dir string) ([]Module, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("policy directory %s: %w", dir, unwrap(err))
	}
	if !fi.IsDir() {
		if strings.HasSuffix(dir, ".rego") {
			b, err := os.ReadFile(dir)
			if err != nil {
				return nil, fmt.Errorf("policy file %s: %w", dir, unwrap(err))
			}
			return []Module{{Path: filepath.ToSlash(dir), Source: b}}, nil
		}
		return nil, fmt.Errorf("policy directory %s: not a directory or .rego file", dir)
	}
	var out []Module
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, Module{Path: filepath.ToSlash(p), Source: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading policy directory %s: %w", dir, unwrap(err))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("policy directory %s: no .rego files", dir)
	}
	sortModules(out)
	return out, nil
}

func unwrap(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func sortModules(ms []Module) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Path < ms[j].Path })
}

// policyRefs returns the evaluated (non-test) modules as report entries, and one
// digest over all of them.
func policyRefs(ms []Module) ([]result.Policy, string) {
	out := make([]result.Policy, 0, len(ms))
	h := sha256.New()
	for _, m := range ms {
		if m.IsTest() {
			continue
		}
		p := result.Policy{Path: m.Path, SHA256: m.SHA256(), Builtin: m.Builtin}
		out = append(out, p)
		fmt.Fprintf(h, "%s\x00%s\n", p.Path, p.SHA256)
	}
	return out, hex.EncodeToString(h.Sum(nil))
}
