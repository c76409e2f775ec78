package repo

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
	"gopkg.in/yaml.v3"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// parseMarkdown parses a markdown document: YAML front matter between a leading
// "---" line and the next "---" (or "...") line, headings outside fenced code
// blocks, and the text after the front matter.
// Problems with the front matter go to FrontMatterError; the document still
// counts. A document that is not UTF-8 is not parsed at all.
func parseMarkdown(f *source.File, maxText int) evidence.Doc {
	d := evidence.Doc{FileRef: f.Ref(MediaMarkdown), Headings: []evidence.Heading{}}
	if err := f.CheckUTF8(); err != nil {
		d.FrontMatterError = err.Error()
		return d
	}
	data := bytes.TrimPrefix(f.Data, utf8BOM)
	body, bodyLine := data, 1
	if fm, ok := splitFrontMatter(data); ok {
		if !fm.closed {
			d.FrontMatterError = f.ErrorAtLine(1, "front matter has no closing \"---\" line").Error()
		} else {
			body, bodyLine = data[fm.bodyStart:], fm.bodyLine
			m, yerr := parseYAMLMapping(fm.yaml, true, 1) // the YAML starts on line 2
			if yerr != nil {
				d.FrontMatterError = f.ErrorAtLine(yerr.line, "%s", yerr.msg).Error()
			}
			d.FrontMatter = m
		}
	}
	d.Headings = parseHeadings(body, bodyLine)
	d.Text, d.TextTruncated = cutText(body, maxText)
	return d
}

// parseYAMLDoc parses a YAML document: its top-level mapping becomes FrontMatter
// and its text Text. It has no headings.
func parseYAMLDoc(f *source.File, maxText int) evidence.Doc {
	d := evidence.Doc{FileRef: f.Ref(MediaYAML), Headings: []evidence.Heading{}}
	if err := f.CheckUTF8(); err != nil {
		d.FrontMatterError = err.Error()
		return d
	}
	data := bytes.TrimPrefix(f.Data, utf8BOM)
	d.Text, d.TextTruncated = cutText(data, maxText)
	m, yerr := parseYAMLMapping(data, false, 0)
	if yerr != nil {
		d.FrontMatterError = f.ErrorAtLine(yerr.line, "%s", yerr.msg).Error()
	}
	d.FrontMatter = m
	return d
}

// parseYAMLMapping parses YAML whose top level must be a mapping. For front
// matter, empty YAML is an empty mapping; for a YAML document it is an error. The
// mapping is returned with an error when later documents in the file were ignored.
// lineOff is added to the lines of the YAML text to make them lines of the file.
func parseYAMLMapping(data []byte, frontMatter bool, lineOff int) (map[string]any, *yamlError) {
	what := "YAML document"
	if frontMatter {
		what = "front matter"
	}
	root, more, yerr := parseYAMLNode(data)
	if yerr != nil {
		if yerr.line > 0 {
			yerr.line += lineOff
		}
		yerr.msg = fmt.Sprintf("invalid YAML %s: %s", strings.TrimPrefix(what, "YAML "), yerr.msg)
		return nil, yerr
	}
	if root == nil || (root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null") {
		if frontMatter {
			return map[string]any{}, nil
		}
		return nil, &yamlError{msg: "YAML document is empty: expected a mapping"}
	}
	if resolve(root).Kind != yaml.MappingNode {
		return nil, &yamlError{line: root.Line + lineOff, msg: fmt.Sprintf("%s must be a YAML mapping, found %s", what, kindName(root))}
	}
	v, cerr := newPlainConverter(lineOff).value(root, 0)
	if cerr != nil {
		cerr.msg = fmt.Sprintf("invalid %s: %s", what, cerr.msg)
		return nil, cerr
	}
	m := v.(map[string]any)
	if more {
		return m, &yamlError{msg: "file holds more than one YAML document; only the first was read"}
	}
	return m, nil
}

// frontMatter locates YAML front matter.
type frontMatter struct {
	yaml      []byte
	closed    bool
	bodyStart int // byte offset of the body
	bodyLine  int // 1-based line of the body's first line
}

// splitFrontMatter finds front matter: the first line is "---" and a later line is
// "---" or "..." (trailing blanks and CR allowed).
func splitFrontMatter(data []byte) (frontMatter, bool) {
	first, _, ok := bytes.Cut(data, []byte{'\n'})
	if !ok || !isDelimiter(first, false) {
		return frontMatter{}, false
	}
	start := len(first) + 1
	for off, line := start, 2; off < len(data); line++ {
		l, next := data[off:], len(data)
		if end := bytes.IndexByte(l, '\n'); end >= 0 {
			l, next = l[:end], off+end+1
		}
		if isDelimiter(l, true) {
			return frontMatter{yaml: data[start:off], closed: true, bodyStart: next, bodyLine: line + 1}, true
		}
		off = next
	}
	return frontMatter{}, true
}

func isDelimiter(l []byte, closing bool) bool {
	l = bytes.TrimRight(l, " \t\r")
	return string(l) == "---" || (closing && string(l) == "...")
}

// cutText returns the text cut at max bytes on a UTF-8 boundary.
func cutText(b []byte, max int) (string, bool) {
	if len(b) <= max {
		return string(b), false
	}
	i := max
	for i > 0 && !utf8.RuneStart(b[i]) {
		i--
	}
	return string(b[:i]), true
}

// parseHeadings returns the headings of markdown text whose first line is
// firstLine: ATX headings ("## Title") and setext headings (a paragraph underlined
// with "=" or "-", as many real documents use), outside fenced code blocks. Up to
// three spaces of indentation are allowed; more is an indented code block.
func parseHeadings(body []byte, firstLine int) []evidence.Heading {
	hs := []evidence.Heading{}
	var fenceChar byte
	fenceLen := 0
	var para []string // the open paragraph's lines, for a setext underline
	paraLine := 0
	line := firstLine
	for len(body) > 0 {
		l, rest, _ := bytes.Cut(body, []byte{'\n'})
		body = rest
		l = bytes.TrimRight(l, "\r")
		cur := line
		line++
		indent := 0
		for indent < len(l) && indent < 4 && l[indent] == ' ' {
			indent++
		}
		t := l[indent:]
		if fenceLen > 0 {
			if indent <= 3 {
				n := countPrefix(t, fenceChar)
				if n >= fenceLen && len(bytes.TrimRight(t[n:], " \t")) == 0 {
					fenceLen = 0
				}
			}
			continue
		}
		blank := len(bytes.TrimSpace(l)) == 0
		if blank {
			para = nil
			continue
		}
		if indent > 3 {
			if para != nil { // a lazy continuation line
				para = append(para, strings.TrimSpace(string(t)))
			}
			continue
		}
		if len(t) >= 3 && (t[0] == '`' || t[0] == '~') {
			n := countPrefix(t, t[0])
			if n >= 3 && !(t[0] == '`' && bytes.IndexByte(t[n:], '`') >= 0) {
				fenceChar, fenceLen = t[0], n
				para = nil
				continue
			}
		}
		if h, ok := atxHeading(t); ok {
			h.Line = cur
			hs = append(hs, h)
			para = nil
			continue
		}
		if level := setextLevel(t); level > 0 && para != nil {
			hs = append(hs, evidence.Heading{Level: level, Text: strings.Join(para, " "), Line: paraLine})
			para = nil
			continue
		} else if level == 2 {
			continue // "---" with no paragraph above: a thematic break
		}
		if startsBlock(t) {
			para = nil
			continue
		}
		if para == nil {
			paraLine = cur
		}
		para = append(para, strings.TrimSpace(string(t)))
	}
	return hs
}

// setextLevel returns 1 for a "===" underline, 2 for "---", 0 otherwise.
func setextLevel(t []byte) int {
	t = bytes.TrimRight(t, " \t")
	if len(t) == 0 || (t[0] != '=' && t[0] != '-') || countPrefix(t, t[0]) != len(t) {
		return 0
	}
	if t[0] == '=' {
		return 1
	}
	return 2
}

// startsBlock reports lines that cannot be part of a paragraph: list items, block
// quotes, thematic breaks, tables and HTML blocks.
func startsBlock(t []byte) bool {
	switch {
	case len(t) == 0:
		return false
	case t[0] == '>' || t[0] == '|' || t[0] == '<':
		return true
	case (t[0] == '-' || t[0] == '*' || t[0] == '+') && (len(t) == 1 || t[1] == ' ' || t[1] == '\t'):
		return true
	case t[0] == '*' || t[0] == '_':
		return countPrefix(bytes.ReplaceAll(t, []byte(" "), nil), t[0]) >= 3
	}
	i := 0
	for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i < len(t) && (t[i] == '.' || t[i] == ')') && (i+1 == len(t) || t[i+1] == ' ' || t[i+1] == '\t')
}

func countPrefix(b []byte, c byte) int {
	n := 0
	for n < len(b) && b[n] == c {
		n++
	}
	return n
}

// atxHeading parses "# Title", "## Title ##" and the like.
func atxHeading(t []byte) (evidence.Heading, bool) {
	level := countPrefix(t, '#')
	if level < 1 || level > 6 {
		return evidence.Heading{}, false
	}
	rest := t[level:]
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
		return evidence.Heading{}, false
	}
	text := strings.TrimSpace(string(rest))
	// A closing sequence of #s is dropped when preceded by a space (or when it is
	// all there is).
	if trimmed := strings.TrimRight(text, "#"); trimmed != text {
		if trimmed == "" {
			text = ""
		} else if last := trimmed[len(trimmed)-1]; last == ' ' || last == '\t' {
			text = strings.TrimSpace(trimmed)
		}
	}
	return evidence.Heading{Level: level, Text: text}, true
}
