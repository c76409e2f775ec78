// Package scaffold writes the starting files of a repository that mdrgate checks:
// a commented .mdrgate.yaml and templates, with front matter and the headings the
// controls expect, for the documents they read. It never overwrites a file.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed templates
var templates embed.FS

// File is one file scaffold writes.
type File struct {
	// Path is relative to the repository root, with forward slashes.
	Path string
	// Control is the control that reads the file ("" for the configuration).
	Control string
	Data    []byte
}

// Files returns every template, sorted by path. Template files are stored with a
// leading "dot-" for names that begin with a dot.
func Files() ([]File, error) {
	var out []File
	err := fs.WalkDir(templates, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templates.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "templates/")
		dir, base := path.Split(rel)
		base = strings.Replace(base, "dot-", ".", 1)
		out = append(out, File{Path: dir + base, Control: controlOf(b), Data: b})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// controlOf reads the "control:" hint a template carries in its first lines.
func controlOf(b []byte) string {
	for _, line := range strings.SplitN(string(b), "\n", 12) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "# mdrgate-control: "); ok {
			return v
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "<!-- mdrgate-control: "); ok {
			return strings.TrimSuffix(v, " -->")
		}
	}
	return ""
}

// Result says what Write did with one file.
type Result struct {
	Path    string
	Written bool
}

// Write writes every template under dir that does not exist yet, and reports
// each file as written or left unchanged.
func Write(dir string) ([]Result, error) {
	files, err := Files()
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(p); err == nil {
			out = append(out, Result{Path: f.Path})
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return out, fmt.Errorf("%s: %w", p, err)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return out, fmt.Errorf("creating %s: %w", filepath.Dir(p), err)
		}
		// O_EXCL: never overwrite, even a file created since the check above.
		fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return out, fmt.Errorf("writing %s: %w", p, err)
		}
		_, werr := fh.Write(f.Data)
		if cerr := fh.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return out, fmt.Errorf("writing %s: %w", p, werr)
		}
		out = append(out, Result{Path: f.Path, Written: true})
	}
	return out, nil
}
