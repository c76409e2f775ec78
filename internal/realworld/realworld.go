// Package realworld locates the real-world input files that tests read: files made by
// other projects' tools, kept in shared/realworld beside the repository checkout.
package realworld

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared/realworld folder beside the repository checkout, or skips
// the test with a message when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Skipf("real-world inputs not found: %v", err)
	}
	dir := filepath.Join(root, "..", "shared", "realworld")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("real-world inputs not found at %s: skipping", dir)
	}
	return dir
}

// Path returns a file under shared/realworld, or skips the test when it is absent.
func Path(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Dir(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real-world input %s not found: skipping", rel)
	}
	return p
}

// RepoRoot returns the folder holding go.mod, searching up from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
