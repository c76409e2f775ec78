package repo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Limits on converting YAML to plain values: aliases can make a small file expand
// exponentially, so the number of values produced is bounded.
const (
	maxYAMLValues = 250_000
	maxYAMLDepth  = 1000
)

// yamlError is a YAML problem at a 1-based line of the parsed text (0 when unknown).
type yamlError struct {
	line int
	msg  string
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAMLNode parses the first YAML document of data into a node tree. It returns
// the document's root node (nil for an empty document) and whether more documents
// follow. yaml.v3 is guarded by recover so that no input can panic the collector.
func parseYAMLNode(data []byte) (root *yaml.Node, more bool, yerr *yamlError) {
	defer func() {
		if r := recover(); r != nil {
			root, more, yerr = nil, false, &yamlError{msg: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, false, nil
		}
		return nil, false, toYAMLError(err, data)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		more = true
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	return root, more, nil
}

// yamlParserProblems are the problems yaml.v3's parser (as opposed to its
// scanner) reports. For them yaml.v3 prints a 0-based line (of the construct
// that failed, or of the token), and no line at all for the first line.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

var unknownAnchorRE = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// toYAMLError turns a yaml.v3 error on data into a message and a 1-based line.
// For structural errors yaml.v3 names the line where the enclosing block or flow
// collection starts, not the line at fault.
func toYAMLError(err error, data []byte) *yamlError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	switch {
	case yamlParserProblems[msg]:
		line++
	case line > 0:
	case unknownAnchorRE.MatchString(msg):
		if i := bytes.Index(data, []byte("*"+unknownAnchorRE.FindStringSubmatch(msg)[1])); i >= 0 {
			line = bytes.Count(data[:i], []byte{'\n'}) + 1
		}
	case msg == "control characters are not allowed":
		if i := bytes.IndexFunc(data, isControl); i >= 0 {
			line = bytes.Count(data[:i], []byte{'\n'}) + 1
		}
	default:
		line = 1 // yaml.v3 prints no line for problems on the first line
	}
	return &yamlError{line: line, msg: msg}
}

// isControl reports the characters yaml.v3 refuses in a stream.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f ||
		(r >= 0x80 && r < 0xA0 && r != 0x85) || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// kindName describes a node's kind for error messages.
func kindName(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return "a scalar"
	case yaml.AliasNode:
		return "an alias"
	default:
		return "a document"
	}
}

// plainConverter turns YAML nodes into JSON-friendly values: map[string]any,
// []any, string, bool, int64, uint64, float64 and nil. Timestamps become strings,
// "YYYY-MM-DD" for dates and RFC 3339 otherwise.
type plainConverter struct {
	budget  int
	lineOff int // added to node lines in errors
	// aliasLine is the line of the outermost alias being expanded, where an
	// expansion that grows too large is reported.
	aliasLine int
}

func newPlainConverter(lineOff int) *plainConverter {
	return &plainConverter{budget: maxYAMLValues, lineOff: lineOff}
}

func (c *plainConverter) errorf(n *yaml.Node, format string, args ...any) *yamlError {
	line := 0
	if n != nil && n.Line > 0 {
		line = n.Line + c.lineOff
	}
	return &yamlError{line: line, msg: fmt.Sprintf(format, args...)}
}

func (c *plainConverter) value(n *yaml.Node, depth int) (any, *yamlError) {
	if n == nil {
		return nil, nil
	}
	c.budget--
	if c.budget < 0 {
		if c.aliasLine > 0 {
			return nil, &yamlError{line: c.aliasLine + c.lineOff, msg: fmt.Sprintf("YAML expands to more than %d values (too many aliases?)", maxYAMLValues)}
		}
		return nil, c.errorf(n, "YAML expands to more than %d values (too many aliases?)", maxYAMLValues)
	}
	if depth > maxYAMLDepth {
		return nil, c.errorf(n, "YAML nested deeper than %d levels", maxYAMLDepth)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, c.errorf(n, "alias to an unknown anchor")
		}
		if c.aliasLine == 0 {
			c.aliasLine = n.Line
			defer func() { c.aliasLine = 0 }()
		}
		return c.value(n.Alias, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := c.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.ScalarNode:
		return scalarValue(n), nil
	}
	return nil, c.errorf(n, "unsupported YAML node")
}

// mapping converts a mapping. Keys must be scalars; a key defined twice is an
// error (which value counts would be ambiguous); merge keys ("<<") fill in keys the
// mapping does not set itself.
func (c *plainConverter) mapping(n *yaml.Node, depth int) (map[string]any, *yamlError) {
	out := make(map[string]any, len(n.Content)/2)
	lines := make(map[string]int, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, c.errorf(n.Content[i], "mapping key must be a scalar, found %s", kindName(k))
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if prev, dup := lines[k.Value]; dup {
			return nil, c.errorf(n.Content[i], "mapping key %q already defined at line %d", k.Value, prev)
		}
		lines[k.Value] = n.Content[i].Line + c.lineOff
		val, err := c.value(v, depth+1)
		if err != nil {
			return nil, err
		}
		out[k.Value] = val
	}
	for _, m := range merges {
		rm := resolve(m)
		var sources []*yaml.Node
		switch {
		case rm != nil && rm.Kind == yaml.MappingNode:
			sources = []*yaml.Node{m}
		case rm != nil && rm.Kind == yaml.SequenceNode:
			sources = rm.Content
		default:
			return nil, c.errorf(m, "merge key value must be a mapping or a sequence of mappings, found %s", kindName(m))
		}
		for _, s := range sources {
			if rs := resolve(s); rs == nil || rs.Kind != yaml.MappingNode {
				return nil, c.errorf(s, "merge key value must be a mapping, found %s", kindName(s))
			}
			v, err := c.value(s, depth+1)
			if err != nil {
				return nil, err
			}
			for k, val := range v.(map[string]any) {
				if _, set := out[k]; !set {
					out[k] = val
				}
			}
		}
	}
	return out, nil
}

// scalarValue converts a scalar by its resolved tag. Values JSON cannot hold
// (NaN, infinities, integers beyond 64 bits) stay strings, as do unknown tags.
func scalarValue(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
		var u uint64
		if n.Decode(&u) == nil {
			return u
		}
	case "!!float":
		if strings.Trim(n.Value, "+-0123456789_") == "" {
			return n.Value // an integer too large for 64 bits
		}
		var f float64
		if n.Decode(&f) == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	case "!!timestamp":
		var t time.Time
		if n.Decode(&t) == nil {
			if !strings.ContainsAny(n.Value, "tT :") {
				return t.Format("2006-01-02")
			}
			return t.Format(time.RFC3339Nano)
		}
	}
	return n.Value
}
