package repo

import (
	"fmt"
	"path"
	"strings"
)

// glob is a compiled path pattern. Patterns are slash-separated; each segment is
// matched with path.Match (so `*`, `?` and `[…]` never cross a slash), and a
// segment that is exactly `**` matches any number of segments, including none.
type glob struct {
	raw  string
	segs []string
	// hasMeta is false when the pattern is a plain path.
	hasMeta bool
}

func compileGlob(pattern string) (glob, error) {
	segs := strings.Split(pattern, "/")
	g := glob{raw: pattern, segs: segs}
	for _, s := range segs {
		if _, err := path.Match(s, ""); err != nil {
			return glob{}, fmt.Errorf("invalid pattern %q: %w", pattern, err)
		}
		if s == "**" || strings.ContainsAny(s, `*?[\`) {
			g.hasMeta = true
		}
	}
	return g, nil
}

// mayContain reports whether the folder dir (split into segments) can hold a
// path that matches, or lies below a folder that matches.
func (g glob) mayContain(dir []string) bool {
	for i, d := range dir {
		if i >= len(g.segs) || g.segs[i] == "**" {
			return true
		}
		if ok, _ := path.Match(g.segs[i], d); !ok {
			return false
		}
	}
	return true
}

// match reports whether the slash-separated path p (split into segments) matches.
func (g glob) match(segs []string) bool {
	return matchSegs(g.segs, segs)
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			// Collapse runs of ** and try every split point.
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchSegs(pat, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// globSet is an ordered list of include and exclude ("!pattern") globs: a path is
// selected when it matches an include pattern and no exclude pattern.
type globSet struct {
	include []glob
	exclude []glob
}

func compileGlobSet(patterns []string) (globSet, error) {
	var gs globSet
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		p = strings.TrimPrefix(p, "./")
		if p == "" {
			continue
		}
		g, err := compileGlob(p)
		if err != nil {
			return globSet{}, err
		}
		if neg {
			gs.exclude = append(gs.exclude, g)
		} else {
			gs.include = append(gs.include, g)
		}
	}
	return gs, nil
}

func (gs globSet) match(segs []string) bool {
	in := false
	for _, g := range gs.include {
		if g.match(segs) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, g := range gs.exclude {
		if g.match(segs) {
			return false
		}
	}
	return true
}
