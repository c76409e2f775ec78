package repo

import (
	"path"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
	"gopkg.in/yaml.v3"
)

// actionExcludedDirs are the folders whose action.yml files are not the
// repository's own actions (test fixtures, examples, vendored trees), unless a
// local uses names them. They are the folders evidence/collect's default globs
// skip, except docs.
var actionExcludedDirs = map[string]bool{
	"node_modules": true, "vendor": true, ".git": true, "testdata": true,
	"test-fixtures": true, "fixtures": true, "third_party": true,
	"examples": true, "example": true, "samples": true, "sample": true,
}

// isActionFile reports whether a file name is that of an action's metadata.
func isActionFile(name string) bool {
	return name == "action.yml" || name == "action.yaml"
}

// actionExcluded reports whether p lies in a folder whose actions are not the
// repository's own.
func actionExcluded(p string) bool {
	for _, s := range strings.Split(path.Dir(p), "/") {
		if actionExcludedDirs[s] {
			return true
		}
	}
	return false
}

// localActionDir returns the folder a local `uses: ./path` names, relative to the
// repository ("." for its root), and false for any other reference.
func localActionDir(u *evidence.Uses) (string, bool) {
	if u == nil || u.Kind != "local" {
		return "", false
	}
	return path.Clean(u.Raw), true
}

// collectActions parses the local actions: every action.yml or action.yaml
// outside actionExcludedDirs, and every one that a local uses of a workflow step
// or of a composite action step names, wherever it lies (a step that runs counts
// whatever its folder is called). It runs after collectWorkflows. A file named
// action.yml directly in .github/workflows is a workflow, not an action.
//
// A file that is not an action at all (not YAML, not a mapping, no runs) cannot
// run anything: outside .github it is skipped with a warning, since other tools
// use the name too; under .github, at the root or named by a local uses it is a
// *source.Error, as is an action whose runs or steps GitHub would reject.
func (c *collector) collectActions(r *evidence.Repo) error {
	used := map[string]bool{}
	addUses := func(steps []evidence.Step) {
		for _, s := range steps {
			if d, ok := localActionDir(s.Uses); ok {
				used[d] = true
			}
		}
	}
	for _, wf := range r.Workflows {
		for _, j := range wf.Jobs {
			addUses(j.Steps)
		}
	}
	done := map[string]bool{}
	for more := true; more; {
		more = false
		for i := range c.files {
			f := &c.files[i]
			if !isActionFile(path.Base(f.rel)) || path.Dir(f.rel) == ".github/workflows" || done[f.rel] {
				continue // .github/workflows/action.yml is a workflow
			}
			named := used[path.Dir(f.rel)]
			if !named && actionExcluded(f.rel) {
				continue
			}
			done[f.rel], more = true, true
			src, err := c.read(f)
			if err != nil {
				return err
			}
			a, isAction, err := parseAction(src)
			if err != nil {
				strict := named || isAction || path.Dir(f.rel) == "." || strings.HasPrefix(f.rel, ".github/")
				if strict {
					return err
				}
				c.warn(f.rel, "not a GitHub Action metadata file, not read: %v", err)
				continue
			}
			addUses(a.Steps)
			r.Actions = append(r.Actions, a)
		}
	}
	sort.Slice(r.Actions, func(i, j int) bool { return r.Actions[i].Path < r.Actions[j].Path })
	return nil
}

// parseAction parses an action metadata file: its name, runs.using, the steps of
// a composite action (parsed as workflow steps are) and the image of a docker
// action. isAction is false when the file is not an action at all (not a YAML
// mapping, or without runs); an action whose runs, using or steps GitHub would
// reject is an error with isAction true.
func parseAction(f *source.File) (a evidence.Action, isAction bool, err error) {
	a = evidence.Action{FileRef: f.Ref(MediaYAML), Steps: []evidence.Step{}}
	p, root, entries, err := loadMapping(f, "action", `a mapping with "runs"`)
	if err != nil {
		return a, false, err
	}
	var runs *entry
	for i, e := range entries {
		if e.key.Value == "runs" {
			runs = &entries[i]
		}
	}
	if runs == nil {
		return a, false, p.errAt(root, `action has no "runs": an action's metadata needs "runs" with "using"`)
	}
	for _, e := range entries {
		if e.key.Value == "name" {
			if a.Name, err = p.scalar(e.val, "name"); err != nil {
				return a, true, err
			}
		}
	}
	runEntries, err := p.entries(runs.val, "runs")
	if err != nil {
		return a, true, err
	}
	var steps, image *yaml.Node
	for _, e := range runEntries {
		switch e.key.Value {
		case "using":
			if a.Using, err = p.scalar(e.val, "runs.using"); err != nil {
				return a, true, err
			}
		case "steps":
			steps = e.val
		case "image":
			image = e.val
		}
	}
	if a.Using == "" {
		return a, true, p.errAt(runs.key, `runs has no "using": expected composite, docker or a node version (node20, …)`)
	}
	switch {
	case strings.EqualFold(a.Using, "composite"):
		if a.Steps, err = p.steps(steps, "runs.steps"); err != nil {
			return a, true, err
		}
	case strings.EqualFold(a.Using, "docker"):
		if image == nil {
			return a, true, p.errAt(runs.key, `runs has no "image": a docker action needs "image: Dockerfile" or "image: docker://…"`)
		}
		img, err := p.scalar(image, "runs.image")
		if err != nil {
			return a, true, err
		}
		if strings.HasPrefix(strings.TrimSpace(img), "docker://") {
			a.Image = parseUses(img, image.Line)
		}
	}
	return a, true, nil
}
