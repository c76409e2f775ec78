package repo

import (
	"fmt"
	"sort"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
	"gopkg.in/yaml.v3"
)

// renovateFiles are renovate's configuration files in the order renovate looks
// for them; only the first present is used.
var renovateFiles = []string{
	"renovate.json", "renovate.json5",
	".github/renovate.json", ".github/renovate.json5",
	".gitlab/renovate.json", ".gitlab/renovate.json5",
	".renovaterc", ".renovaterc.json", ".renovaterc.json5",
}

// collectUpdateTools reads .github/dependabot.yml (or .yaml) and the renovate
// configuration.
func (c *collector) collectUpdateTools(r *evidence.Repo) error {
	if f := c.first(".github/dependabot.yml", ".github/dependabot.yaml"); f != nil {
		src, err := c.read(f)
		if err != nil {
			return err
		}
		ut, err := parseDependabot(src)
		if err != nil {
			return err
		}
		r.UpdateTools = append(r.UpdateTools, ut)
	}
	if f := c.first(renovateFiles...); f != nil {
		src, err := c.read(f)
		if err != nil {
			return err
		}
		ut, err := parseRenovate(src)
		if err != nil {
			return err
		}
		r.UpdateTools = append(r.UpdateTools, ut)
	}
	sort.Slice(r.UpdateTools, func(i, j int) bool { return r.UpdateTools[i].Path < r.UpdateTools[j].Path })
	return nil
}

// parseDependabot reads the package ecosystems of a dependabot configuration
// (updates[].package-ecosystem). A file GitHub would reject (not YAML, not a
// mapping, no updates, updates not a list) is a *source.Error.
func parseDependabot(f *source.File) (evidence.UpdateTool, error) {
	ut := evidence.UpdateTool{FileRef: f.Ref(MediaYAML), Tool: "dependabot", Ecosystems: []string{}}
	if err := f.CheckUTF8(); err != nil {
		return ut, err
	}
	root, _, yerr := parseYAMLNode(f.Data)
	if yerr != nil {
		return ut, f.ErrorAtLine(yerr.line, "invalid YAML: %s", yerr.msg)
	}
	if root == nil {
		return ut, f.Errorf("dependabot configuration is empty: expected a mapping with version and updates")
	}
	p := &nodeParser{f: f}
	entries, err := p.entries(root, "dependabot configuration")
	if err != nil {
		return ut, err
	}
	set := map[string]bool{}
	found := false
	for _, e := range entries {
		if e.key.Value != "updates" {
			continue
		}
		found = true
		u := resolve(e.val)
		if u == nil || u.Kind != yaml.SequenceNode {
			return ut, p.errAt(e.val, "updates: expected a list, found %s", kindName(e.val))
		}
		for i, item := range u.Content {
			where := fmt.Sprintf("updates[%d]", i)
			items, err := p.entries(item, where)
			if err != nil {
				return ut, err
			}
			for _, ie := range items {
				if ie.key.Value != "package-ecosystem" {
					continue
				}
				s, err := p.scalar(ie.val, where+".package-ecosystem")
				if err != nil {
					return ut, err
				}
				if s != "" {
					set[s] = true
				}
			}
		}
	}
	if !found {
		return ut, p.errAt(root, "dependabot configuration has no updates")
	}
	for s := range set {
		ut.Ecosystems = append(ut.Ecosystems, s)
	}
	sort.Strings(ut.Ecosystems)
	return ut, nil
}

// parseRenovate checks a renovate configuration: JSON files must hold a JSON
// object; JSON5 files are only checked to be UTF-8. Renovate detects ecosystems
// itself, so Ecosystems is empty.
func parseRenovate(f *source.File) (evidence.UpdateTool, error) {
	media := MediaJSON
	if len(f.Path) > 6 && f.Path[len(f.Path)-6:] == ".json5" {
		media = MediaJSON5
	}
	ut := evidence.UpdateTool{FileRef: f.Ref(media), Tool: "renovate", Ecosystems: []string{}}
	if media == MediaJSON5 {
		return ut, f.CheckUTF8()
	}
	var v any
	if err := f.DecodeJSON(&v); err != nil {
		return ut, err
	}
	if _, ok := v.(map[string]any); !ok {
		return ut, f.Errorf("expected a JSON object (a renovate configuration), found %s", jsonKind(v))
	}
	return ut, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "a value"
}
