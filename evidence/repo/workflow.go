package repo

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
	"gopkg.in/yaml.v3"
)

// nodeParser reads a GitHub Actions workflow from yaml.v3 nodes, so that every item
// carries its line and every error its position.
type nodeParser struct {
	f *source.File
}

func (p *nodeParser) errAt(n *yaml.Node, format string, args ...any) error {
	e := &source.Error{Path: p.f.Path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// parseWorkflow parses a workflow file. Anything GitHub would reject as an invalid
// workflow (YAML syntax, more than one YAML document, a top level that is not a
// mapping, no "on" or no "jobs", a key defined twice, jobs or steps of the wrong
// shape, an unknown permission value) is a *source.Error. An empty permissions mapping ("permissions: {}") is reported as
// Shorthand "{}" (no permissions); "permissions:" with no value counts as absent.
func parseWorkflow(f *source.File) (evidence.Workflow, error) {
	wf := evidence.Workflow{FileRef: f.Ref(MediaYAML), Triggers: []string{}, Jobs: []evidence.Job{}}
	p, root, entries, err := loadMapping(f, "workflow", `a mapping with "on" and "jobs"`)
	if err != nil {
		return wf, err
	}
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.key.Value] = true
		switch e.key.Value {
		case "name":
			if wf.Name, err = p.scalar(e.val, "name"); err != nil {
				return wf, err
			}
		case "on":
			if wf.Triggers, err = p.triggers(e.val); err != nil {
				return wf, err
			}
		case "permissions":
			if wf.Permissions, err = p.permissions(e.key, e.val, "permissions"); err != nil {
				return wf, err
			}
		case "jobs":
			if wf.Jobs, err = p.jobs(e.val); err != nil {
				return wf, err
			}
		}
	}
	for _, key := range []string{"on", "jobs"} {
		if !seen[key] {
			return wf, p.errAt(root, "workflow has no %q: a GitHub Actions workflow needs \"on\" and \"jobs\"", key)
		}
	}
	return wf, nil
}

// loadMapping parses f as UTF-8 YAML holding one document whose top level is a
// mapping, and returns a parser for f, the document's root and the mapping's
// entries. what names the kind of file in errors ("workflow"), expect what an
// empty file should have held.
func loadMapping(f *source.File, what, expect string) (*nodeParser, *yaml.Node, []entry, error) {
	if err := f.CheckUTF8(); err != nil {
		return nil, nil, nil, err
	}
	root, more, yerr := parseYAMLNode(f.Data)
	if yerr != nil {
		return nil, nil, nil, f.ErrorAtLine(yerr.line, "invalid YAML: %s", yerr.msg)
	}
	p := &nodeParser{f: f}
	if root == nil {
		return nil, nil, nil, f.Errorf("%s is empty: expected %s", what, expect)
	}
	if more {
		return nil, nil, nil, f.Errorf("%s holds more than one YAML document", what)
	}
	if r := resolve(root); r == nil || r.Kind != yaml.MappingNode {
		return nil, nil, nil, p.errAt(root, "%s must be a YAML mapping, found %s", what, kindName(root))
	}
	entries, err := p.entries(root, what)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, root, entries, nil
}

type entry struct{ key, val *yaml.Node }

// entries returns a mapping's entries in order; keys must be scalars and unique.
func (p *nodeParser) entries(n *yaml.Node, what string) ([]entry, error) {
	m := resolve(n)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, p.errAt(n, "%s: expected a mapping, found %s", what, kindName(n))
	}
	out := make([]entry, 0, len(m.Content)/2)
	seen := make(map[string]int, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := resolve(m.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, p.errAt(m.Content[i], "%s: mapping key must be a string, found %s", what, kindName(k))
		}
		if prev, dup := seen[k.Value]; dup {
			return nil, p.errAt(m.Content[i], "%s: key %q already defined at line %d", what, k.Value, prev)
		}
		seen[k.Value] = m.Content[i].Line
		out = append(out, entry{key: m.Content[i], val: m.Content[i+1]})
	}
	return out, nil
}

// scalar returns a scalar's text ("" for null).
func (p *nodeParser) scalar(n *yaml.Node, what string) (string, error) {
	r := resolve(n)
	if r == nil || r.Kind != yaml.ScalarNode {
		return "", p.errAt(n, "%s: expected a string, found %s", what, kindName(n))
	}
	if r.ShortTag() == "!!null" {
		return "", nil
	}
	return r.Value, nil
}

// triggers reads "on": an event name, a list of them, or a mapping keyed by them.
func (p *nodeParser) triggers(n *yaml.Node) ([]string, error) {
	set := map[string]bool{}
	r := resolve(n)
	switch {
	case r == nil:
	case r.Kind == yaml.ScalarNode:
		if r.ShortTag() != "!!null" {
			set[r.Value] = true
		}
	case r.Kind == yaml.SequenceNode:
		for _, e := range r.Content {
			s, err := p.scalar(e, "on")
			if err != nil {
				return nil, err
			}
			set[s] = true
		}
	case r.Kind == yaml.MappingNode:
		entries, err := p.entries(r, "on")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			set[e.key.Value] = true
		}
	default:
		return nil, p.errAt(n, "on: expected an event, a list or a mapping of events, found %s", kindName(n))
	}
	out := make([]string, 0, len(set))
	for s := range set {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out, nil
}

// permissions reads a permissions block: "read-all", "write-all", {} or a mapping
// of scope to read, write or none. Line is the line of the permissions key.
func (p *nodeParser) permissions(key, n *yaml.Node, what string) (*evidence.Permissions, error) {
	r := resolve(n)
	if r == nil {
		return nil, nil
	}
	switch r.Kind {
	case yaml.ScalarNode:
		if r.ShortTag() == "!!null" {
			return nil, nil
		}
		if r.Value != "read-all" && r.Value != "write-all" {
			return nil, p.errAt(n, "%s: expected read-all, write-all or a mapping of scopes, found %q", what, r.Value)
		}
		return &evidence.Permissions{Shorthand: r.Value, Line: key.Line}, nil
	case yaml.MappingNode:
		entries, err := p.entries(r, what)
		if err != nil {
			return nil, err
		}
		if len(entries) == 0 {
			return &evidence.Permissions{Shorthand: "{}", Line: key.Line}, nil
		}
		scopes := make(map[string]string, len(entries))
		for _, e := range entries {
			v := resolve(e.val)
			if v == nil || v.Kind != yaml.ScalarNode || (v.Value != "read" && v.Value != "write" && v.Value != "none") {
				found := kindName(e.val)
				if v != nil && v.Kind == yaml.ScalarNode {
					found = fmt.Sprintf("%q", v.Value)
				}
				return nil, p.errAt(e.val, "%s.%s: expected read, write or none, found %s", what, e.key.Value, found)
			}
			scopes[e.key.Value] = v.Value
		}
		return &evidence.Permissions{Scopes: scopes, Line: key.Line}, nil
	}
	return nil, p.errAt(n, "%s: expected read-all, write-all or a mapping of scopes, found %s", what, kindName(n))
}

// jobs reads the jobs mapping, in file order.
func (p *nodeParser) jobs(n *yaml.Node) ([]evidence.Job, error) {
	jobs := []evidence.Job{}
	if r := resolve(n); r == nil || (r.Kind == yaml.ScalarNode && r.ShortTag() == "!!null") {
		return jobs, nil
	}
	entries, err := p.entries(n, "jobs")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		j, err := p.job(e.key, e.val)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

func (p *nodeParser) job(key, n *yaml.Node) (evidence.Job, error) {
	id := key.Value
	j := evidence.Job{ID: id, Line: key.Line, Steps: []evidence.Step{}}
	where := "jobs." + id
	entries, err := p.entries(n, where)
	if err != nil {
		return j, err
	}
	for _, e := range entries {
		switch e.key.Value {
		case "name":
			if j.Name, err = p.scalar(e.val, where+".name"); err != nil {
				return j, err
			}
		case "permissions":
			if j.Permissions, err = p.permissions(e.key, e.val, where+".permissions"); err != nil {
				return j, err
			}
		case "environment":
			if j.Environment, err = p.environment(e.val, where+".environment"); err != nil {
				return j, err
			}
		case "uses":
			s, err := p.scalar(e.val, where+".uses")
			if err != nil {
				return j, err
			}
			j.Uses = parseUses(s, e.val.Line)
		case "steps":
			if j.Steps, err = p.steps(e.val, where+".steps"); err != nil {
				return j, err
			}
		}
	}
	return j, nil
}

// environment reads "environment: name" or "environment: {name: …, url: …}".
func (p *nodeParser) environment(n *yaml.Node, what string) (string, error) {
	r := resolve(n)
	if r != nil && r.Kind == yaml.MappingNode {
		entries, err := p.entries(r, what)
		if err != nil {
			return "", err
		}
		for _, e := range entries {
			if e.key.Value == "name" {
				return p.scalar(e.val, what+".name")
			}
		}
		return "", nil
	}
	if r == nil || r.Kind != yaml.ScalarNode {
		return "", p.errAt(n, "%s: expected an environment name or a mapping with name, found %s", what, kindName(n))
	}
	return p.scalar(r, what)
}

func (p *nodeParser) steps(n *yaml.Node, what string) ([]evidence.Step, error) {
	steps := []evidence.Step{}
	r := resolve(n)
	if r == nil || (r.Kind == yaml.ScalarNode && r.ShortTag() == "!!null") {
		return steps, nil
	}
	if r.Kind != yaml.SequenceNode {
		return nil, p.errAt(n, "%s: expected a list of steps, found %s", what, kindName(n))
	}
	for i, item := range r.Content {
		where := fmt.Sprintf("%s[%d]", what, i)
		entries, err := p.entries(item, where)
		if err != nil {
			return nil, err
		}
		s := evidence.Step{Line: item.Line}
		for _, e := range entries {
			switch e.key.Value {
			case "name":
				if s.Name, err = p.scalar(e.val, where+".name"); err != nil {
					return nil, err
				}
			case "run":
				if s.Run, err = p.scalar(e.val, where+".run"); err != nil {
					return nil, err
				}
			case "uses":
				u, err := p.scalar(e.val, where+".uses")
				if err != nil {
					return nil, err
				}
				s.Uses = parseUses(u, e.val.Line)
			case "with":
				if s.With, err = p.with(e.val, where+".with"); err != nil {
					return nil, err
				}
			}
		}
		steps = append(steps, s)
	}
	return steps, nil
}

// with reads a step's inputs; values must be scalars and are kept as written.
func (p *nodeParser) with(n *yaml.Node, what string) (map[string]string, error) {
	r := resolve(n)
	if r == nil || (r.Kind == yaml.ScalarNode && r.ShortTag() == "!!null") {
		return nil, nil
	}
	entries, err := p.entries(n, what)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		v, err := p.scalar(e.val, what+"."+e.key.Value)
		if err != nil {
			return nil, err
		}
		out[e.key.Value] = v
	}
	return out, nil
}

// parseUses classifies a uses reference:
//   - "docker://image[:tag|@sha256:digest]": Kind docker, Ref the digest or tag,
//     pinned when it carries a sha256 digest;
//   - "./path": Kind local, pinned (the checkout pins it);
//   - "owner/repo[/path]@ref": Kind action, pinned when Ref is a 40-hex commit SHA.
func parseUses(raw string, line int) *evidence.Uses {
	raw = strings.TrimSpace(raw)
	u := &evidence.Uses{Raw: raw, Line: line}
	switch {
	case strings.HasPrefix(raw, "docker://"):
		u.Kind = "docker"
		image := strings.TrimPrefix(raw, "docker://")
		if i := strings.LastIndex(image, "@"); i >= 0 {
			u.Ref = image[i+1:]
			u.Pinned = strings.HasPrefix(u.Ref, "sha256:") && isHex(u.Ref[len("sha256:"):], 64)
		} else if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
			u.Ref = image[i+1:]
		}
	case strings.HasPrefix(raw, "./"):
		u.Kind = "local"
		u.Pinned = true
	default:
		u.Kind = "action"
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			u.Ref = raw[i+1:]
			u.Pinned = isHex(u.Ref, 40)
		}
	}
	return u
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
