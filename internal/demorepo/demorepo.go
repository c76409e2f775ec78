// Package demorepo materialises the demo repository of testdata/ for tests: a copy
// with a variant's overlay applied, committed to a fresh git repository at a fixed
// time, so that history-based evidence is the same on every machine.
package demorepo

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"gopkg.in/yaml.v3"
)

// CommitTime is when the demo's single commit is made.
var CommitTime = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// At is the evaluation time the demo passes at.
var At = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Variant describes an overlay that breaks one control of the demo.
type Variant struct {
	Name string `yaml:"-"`
	// Control is the control the variant breaks.
	Control string `yaml:"control"`
	// Remove lists demo paths the variant deletes.
	Remove []string `yaml:"remove"`
	// ExpectPath and ExpectLine are where the report must place the violation.
	ExpectPath string `yaml:"expect_path"`
	ExpectLine int    `yaml:"expect_line"`
	// Outcome is the outcome the control must have; fail when empty.
	Outcome string `yaml:"outcome"`
	dir     string
}

// Variants reads testdata/variants/*/variant.yaml under root, sorted by name.
func Variants(root string) ([]Variant, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "testdata", "variants", "*", "variant.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(dirs)
	var out []Variant
	for _, p := range dirs {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var v Variant
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		v.dir = filepath.Dir(p)
		v.Name = filepath.Base(v.dir)
		if v.Outcome == "" {
			v.Outcome = "fail"
		}
		out = append(out, v)
	}
	return out, nil
}

// Build copies testdata/demo under root into dst, applies the variant (nil for
// none), and commits everything at CommitTime.
func Build(root, dst string, v *Variant) error {
	if err := copyTree(filepath.Join(root, "testdata", "demo"), dst); err != nil {
		return err
	}
	if v != nil {
		if err := copyTree(v.dir, dst); err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(dst, "variant.yaml")); err != nil {
			return err
		}
		for _, r := range v.Remove {
			if err := os.RemoveAll(filepath.Join(dst, filepath.FromSlash(r))); err != nil {
				return err
			}
		}
	}
	return Commit(dst, "demo", CommitTime)
}

// Commit initialises a git repository in dir (when there is none) and commits
// every file at the given time.
func Commit(dir, msg string, when time.Time) error {
	repo, err := git.PlainInit(dir, false)
	if err == git.ErrRepositoryAlreadyExists {
		repo, err = git.PlainOpen(dir)
	}
	if err != nil {
		return err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return err
	}
	sig := &object.Signature{Name: "Demo Developer", Email: "dev@example.com", When: when}
	_, err = wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	return err
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
