package engine

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ControlsRoot is the package under which every control lives.
const ControlsRoot = "data.mdrgate.controls"

// Frameworks are the reference keys a control's refs may use.
var Frameworks = []string{"cra", "fda", "iec62304", "iec81001", "mdcg", "mdr", "ssdf"}

// Types are the control types: automated, document, automated plus sign-off.
var Types = []string{"A", "D", "X"}

// Severities are the control severities, most severe first.
var Severities = []string{"critical", "high", "medium", "low"}

// Events are the events controls gate on.
var Events = []string{"pull_request", "release", "schedule"}

// ClassSchemes are the product classifications a control's gating may depend on,
// with their classes.
var ClassSchemes = map[string][]string{
	"iec62304": {"A", "B", "C"},
	"mdr":      {"I", "IIa", "IIb", "III"},
}

var idPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9]+$`)

// Control is a control's metadata, read from its package's METADATA block.
type Control struct {
	ID          string
	Title       string
	Description string
	Type        string
	Severity    string
	Refs        map[string][]string
	// Evidence are the input paths the control needs; "a | b" needs either.
	Evidence    []string
	Events      []string
	Remediation string
	// Params are the parameter defaults.
	Params map[string]any
	// Classes, when set, restrict gating to products of these classes, by
	// scheme (iec62304: A, B, C; mdr: I, IIa, IIb, III); for a product of another
	// class the control warns instead. A product whose class is not configured
	// is gated (the strict choice).
	Classes map[string][]string
	// Package is the Rego package, e.g. data.mdrgate.controls.gov03.
	Package string
	// Source is the policy file with the METADATA block.
	Source string
	// Builtin is true for controls shipped with mdrgate.
	Builtin bool
}

// MetadataError is a problem with a control's METADATA, naming the file and line.
type MetadataError struct {
	Path string
	Line int
	Msg  string
}

func (e *MetadataError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// ControlFromAnnotations reads a control's metadata from the package-scope
// annotations of package pkg (data.mdrgate.controls.…) in file, validating it as
// the engine does; a problem is a *MetadataError naming the file and line.
func ControlFromAnnotations(pkg, file string, a *ast.Annotations) (*Control, error) {
	return controlFromAnnotations(pkg, file, a)
}

// controlFromAnnotations builds a Control from package-scope annotations.
func controlFromAnnotations(pkg, file string, a *ast.Annotations) (*Control, error) {
	line := 0
	if a.Location != nil {
		line = a.Location.Row
	}
	bad := func(format string, args ...any) error {
		return &MetadataError{Path: file, Line: line, Msg: fmt.Sprintf("package %s: METADATA ", strings.TrimPrefix(pkg, "data.")) + fmt.Sprintf(format, args...)}
	}
	c := &Control{Title: a.Title, Description: a.Description, Package: pkg, Source: file, Refs: map[string][]string{}, Params: map[string]any{}}
	custom := a.Custom
	if custom == nil {
		return nil, bad("has no custom block: a control needs custom.id, type, severity, refs, evidence and events")
	}
	str := func(key string, required bool) (string, error) {
		v, ok := custom[key]
		if !ok || v == nil {
			if required {
				return "", bad("custom.%s is missing", key)
			}
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", bad("custom.%s: expected a string, found %T", key, v)
		}
		return s, nil
	}
	var err error
	if c.ID, err = str("id", true); err != nil {
		return nil, err
	}
	if !idPattern.MatchString(c.ID) {
		return nil, bad("custom.id %q: expected DOMAIN-NN such as GOV-03", c.ID)
	}
	if c.Title == "" {
		return nil, bad("title is missing")
	}
	if c.Type, err = str("type", true); err != nil {
		return nil, err
	}
	if !contains(Types, c.Type) {
		return nil, bad("custom.type %q: valid values are %s", c.Type, strings.Join(Types, ", "))
	}
	if c.Severity, err = str("severity", true); err != nil {
		return nil, err
	}
	if !contains(Severities, c.Severity) {
		return nil, bad("custom.severity %q: valid values are %s", c.Severity, strings.Join(Severities, ", "))
	}
	if c.Remediation, err = str("remediation", false); err != nil {
		return nil, err
	}
	if c.Evidence, err = strList(custom["evidence"]); err != nil {
		return nil, bad("custom.evidence: %v", err)
	}
	if len(c.Evidence) == 0 {
		return nil, bad("custom.evidence is missing: name the input paths the control needs, e.g. [\"build.sboms\"]")
	}
	if c.Events, err = strList(custom["events"]); err != nil {
		return nil, bad("custom.events: %v", err)
	}
	if len(c.Events) == 0 {
		return nil, bad("custom.events is missing: list the events it gates on (%s)", strings.Join(Events, ", "))
	}
	for _, e := range c.Events {
		if !contains(Events, e) {
			return nil, bad("custom.events: %q is not an event: valid values are %s", e, strings.Join(Events, ", "))
		}
	}
	sort.Strings(c.Events)
	refs, ok := custom["refs"].(map[string]any)
	if !ok {
		return nil, bad("custom.refs is missing or not a mapping of framework to clauses (%s)", strings.Join(Frameworks, ", "))
	}
	for k, v := range refs {
		if !contains(Frameworks, k) {
			return nil, bad("custom.refs: unknown framework %q: valid keys are %s", k, strings.Join(Frameworks, ", "))
		}
		l, err := strList(v)
		if err != nil {
			return nil, bad("custom.refs.%s: %v", k, err)
		}
		c.Refs[k] = l
	}
	if len(c.Refs) == 0 {
		return nil, bad("custom.refs is empty")
	}
	if cl, ok := custom["classes"]; ok && cl != nil {
		m, ok := cl.(map[string]any)
		if !ok {
			return nil, bad("custom.classes: expected a mapping of scheme (iec62304, mdr) to the classes the control gates for")
		}
		c.Classes = map[string][]string{}
		for k, v := range m {
			valid, known := ClassSchemes[k]
			if !known {
				return nil, bad("custom.classes: unknown scheme %q: valid schemes are iec62304, mdr", k)
			}
			l, err := strList(v)
			if err != nil {
				return nil, bad("custom.classes.%s: %v", k, err)
			}
			for _, x := range l {
				if !contains(valid, x) {
					return nil, bad("custom.classes.%s: %q is not a class: valid classes are %s", k, x, strings.Join(valid, ", "))
				}
			}
			c.Classes[k] = l
		}
	}
	if p, ok := custom["params"]; ok && p != nil {
		m, ok := p.(map[string]any)
		if !ok {
			return nil, bad("custom.params: expected a mapping of name to default value")
		}
		c.Params = m
	}
	return c, nil
}

// strList accepts a string or a list of scalars.
func strList(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			switch s := e.(type) {
			case string:
				out = append(out, s)
			case int, int64, float64, bool:
				out = append(out, fmt.Sprint(s))
			default:
				return nil, fmt.Errorf("expected a list of strings, found an element of type %T", e)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a list of strings, found %T", v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
