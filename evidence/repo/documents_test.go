package repo

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

func dumpJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestParseMarkdownFrontMatter(t *testing.T) {
	tests := []struct {
		name    string
		md      string
		fm      map[string]any
		err     string
		text    string
		heading int // line of the first heading, 0 for none
	}{
		{
			name: "types",
			md: "---\r\nid: GOV-01\r\nversion: 1.2\r\ncount: 3\r\nbig: 18446744073709551615\r\nhuge: 123456789012345678901234567890\r\n" +
				"ok: yes\r\nflag: true\r\nnothing: ~\r\nwhen: 2024-01-31\r\nat: 2024-01-31T08:00:00+01:00\r\nquoted: \"2024-01-31\"\r\n" +
				"nan: .nan\r\ninf: -.inf\r\nhex: 0x1F\r\nlist: [a, 1]\r\nnested: {a: {b: c}}\r\n2024: year\r\n---\r\n# Title\r\n",
			fm: map[string]any{
				"id": "GOV-01", "version": 1.2, "count": int64(3), "big": uint64(18446744073709551615),
				"huge": "123456789012345678901234567890", "ok": "yes", "flag": true, "nothing": nil,
				"when": "2024-01-31", "at": "2024-01-31T08:00:00+01:00", "quoted": "2024-01-31",
				"nan": ".nan", "inf": "-.inf", "hex": int64(31), "list": []any{"a", int64(1)},
				"nested": map[string]any{"a": map[string]any{"b": "c"}}, "2024": "year",
			},
			text:    "# Title\r\n",
			heading: 20,
		},
		{
			name: "anchors and merge keys",
			md:   "---\nbase: &b {owner: sec, class: x}\nitem:\n  <<: *b\n  class: y\nlist: [*b]\n---\n",
			fm: map[string]any{
				"base": map[string]any{"owner": "sec", "class": "x"},
				"item": map[string]any{"owner": "sec", "class": "y"},
				"list": []any{map[string]any{"owner": "sec", "class": "x"}},
			},
		},
		{name: "empty front matter", md: "---\n---\nbody\n", fm: map[string]any{}, text: "body\n"},
		{name: "dots close", md: "---\na: 1\n...\n# H\n", fm: map[string]any{"a": int64(1)}, text: "# H\n", heading: 4},
		{name: "no newline after closing", md: "---\na: 1\n---", fm: map[string]any{"a": int64(1)}},
		{name: "bom", md: "\ufeff---\na: 1\n---\nx\n", fm: map[string]any{"a": int64(1)}, text: "x\n"},
		{name: "none", md: "# Title\n---\na: 1\n---\n", text: "# Title\n---\na: 1\n---\n", heading: 1},
		{name: "not at start", md: "\n---\na: 1\n---\n", text: "\n---\na: 1\n---\n", heading: 3}, // CommonMark: a setext heading
		{name: "unclosed", md: "---\na: 1\n# Title\n", err: "d.md:1: front matter has no closing \"---\" line", text: "---\na: 1\n# Title\n", heading: 3},
		{name: "syntax", md: "---\na: 1\nb: c: d\n---\nx\n", err: "d.md:3: invalid YAML front matter: mapping values are not allowed in this context", text: "x\n"},
		{name: "flow", md: "---\na: 1\nb: [c\n---\n", err: "d.md:3: invalid YAML front matter: did not find expected ',' or ']'"},
		{name: "first line", md: "---\n[a\n---\n", err: "d.md:3: invalid YAML front matter: did not find expected ',' or ']'"},
		{name: "sequence", md: "---\n- a\n- b\n---\n", err: "d.md:2: front matter must be a YAML mapping, found a sequence"},
		{name: "scalar", md: "---\njust text\n---\n", err: "d.md:2: front matter must be a YAML mapping, found a scalar"},
		{name: "duplicate", md: "---\nowner: a\nid: x\nowner: b\n---\n", err: "d.md:4: invalid front matter: mapping key \"owner\" already defined at line 2"},
		{name: "complex key", md: "---\n? [a, b]\n: c\n---\n", err: "d.md:2: invalid front matter: mapping key must be a scalar, found a sequence"},
		{name: "bad merge", md: "---\n<<: 3\n---\n", err: "d.md:2: invalid front matter: merge key value must be a mapping or a sequence of mappings, found a scalar"},
		{name: "unknown anchor", md: "---\nx: 1\na: *nope\n---\n", err: "d.md:3: invalid YAML front matter: unknown anchor 'nope' referenced"},
		{
			name: "alias bomb",
			md: "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
				"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\n",
			err: "d.md:7: invalid front matter: YAML expands to more than 250000 values (too many aliases?)",
		},
		{name: "invalid utf-8", md: "---\na: \xff\n---\n# T\n", err: "d.md:2:4: invalid UTF-8 byte 0xff: evidence files must be UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseMarkdown(source.New("d.md", []byte(tt.md)), 1<<20)
			if !reflect.DeepEqual(d.FrontMatter, tt.fm) {
				t.Errorf("front matter = %#v\nwant %#v", d.FrontMatter, tt.fm)
			}
			if d.FrontMatterError != tt.err {
				t.Errorf("error = %q\nwant  %q", d.FrontMatterError, tt.err)
			}
			if tt.err == "" || !strings.Contains(tt.err, "UTF-8") {
				if d.Text != tt.text {
					t.Errorf("text = %q, want %q", d.Text, tt.text)
				}
			}
			first := 0
			if len(d.Headings) > 0 {
				first = d.Headings[0].Line
			}
			if first != tt.heading {
				t.Errorf("first heading line = %d, want %d (%+v)", first, tt.heading, d.Headings)
			}
			if d.Headings == nil {
				t.Error("Headings is nil")
			}
			if _, err := json.Marshal(d); err != nil {
				t.Errorf("marshal: %v", err)
			}
		})
	}
}

func TestParseHeadings(t *testing.T) {
	md := strings.Join([]string{
		"# One",                  // 1
		"##Two",                  // 2: not a heading
		"   ### Three ###   ",    // 3
		"    # indented code",    // 4: not a heading
		"```go",                  // 5
		"# in code",              // 6
		"````",                   // 7: closes (longer fence)
		"#### Four #not-closing", // 8
		"~~~",                    // 9
		"# tilde code",           // 10
		"```",                    // 11: does not close a ~~~ fence
		"~~~",                    // 12
		"####### seven",          // 13: paragraph, not a heading
		"",                       // 14
		"#",                      // 15: empty heading
		"## Trailing hashes#",    // 16: kept (no space before)
		"###### Six",             // 17
		"##\tTab",                // 18
		"# ###",                  // 19: empty
		"Setext one",             // 20
		"==========",             // 21
		"",                       // 22
		"Setext two",             // 23
		"over two lines",         // 24
		"---  ",                  // 25
		"",                       // 26
		"---",                    // 27: thematic break
		"===",                    // 28: a paragraph
		"",                       // 29
		"- item",                 // 30
		"---",                    // 31: thematic break after a list
		"> quote",                // 32
		"===",                    // 33: paragraph text, not an underline
		"| a | b |",              // 34
		"|---|---|",              // 35: table
		"1. first",               // 36
		"-",                      // 37
		"``` not ` a fence",      // 38: paragraph
		"-",                      // 39: so this underlines it
		"```",                    // 40: unclosed fence to the end
		"# hidden",               // 41
		"hidden",                 // 42
		"===",                    // 43
	}, "\n")
	want := []evidence.Heading{
		{Level: 1, Text: "One", Line: 1},
		{Level: 3, Text: "Three", Line: 3},
		{Level: 4, Text: "Four #not-closing", Line: 8},
		{Level: 1, Text: "", Line: 15},
		{Level: 2, Text: "Trailing hashes#", Line: 16},
		{Level: 6, Text: "Six", Line: 17},
		{Level: 2, Text: "Tab", Line: 18},
		{Level: 1, Text: "", Line: 19},
		{Level: 1, Text: "Setext one", Line: 20},
		{Level: 2, Text: "Setext two over two lines", Line: 23},
		{Level: 2, Text: "``` not ` a fence", Line: 38},
	}
	got := parseHeadings([]byte(md), 1)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("headings:\n%s\nwant\n%s", dumpJSON(got), dumpJSON(want))
	}
}

func TestParseYAMLDoc(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		fm   map[string]any
		err  string
	}{
		{"mapping", "risks:\n  - id: R-1\n    post: acceptable\nreviewed: 2024-05-01\n", map[string]any{"risks": []any{map[string]any{"id": "R-1", "post": "acceptable"}}, "reviewed": "2024-05-01"}, ""},
		{"empty", "", nil, "r.yaml: YAML document is empty: expected a mapping"},
		{"null", "~\n", nil, "r.yaml: YAML document is empty: expected a mapping"},
		{"list", "\n- a\n", nil, "r.yaml:2: YAML document must be a YAML mapping, found a sequence"},
		{"two documents", "a: 1\n---\nb: 2\n", map[string]any{"a": int64(1)}, "r.yaml: file holds more than one YAML document; only the first was read"},
		{"syntax", "a: 1\n b: 2\n", nil, "r.yaml:2: invalid YAML document: mapping values are not allowed in this context"},
		{"duplicate", "a: 1\na: 2\n", nil, "r.yaml:2: invalid YAML document: mapping key \"a\" already defined at line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseYAMLDoc(source.New("r.yaml", []byte(tt.yaml)), 1<<20)
			if !reflect.DeepEqual(d.FrontMatter, tt.fm) || d.FrontMatterError != tt.err {
				t.Errorf("got %#v %q\nwant %#v %q", d.FrontMatter, d.FrontMatterError, tt.fm, tt.err)
			}
			if d.Text != tt.yaml || d.MediaType != "application/yaml" || d.Headings == nil || len(d.Headings) != 0 {
				t.Errorf("doc = %+v", d)
			}
		})
	}
}

func TestCutText(t *testing.T) {
	tests := []struct {
		in    string
		max   int
		out   string
		trunc bool
	}{
		{"hello", 5, "hello", false},
		{"hello", 4, "hell", true},
		{"héllo", 2, "h", true},
		{"héllo", 3, "hé", true},
		{"€", 2, "", true},
	}
	for _, tt := range tests {
		out, trunc := cutText([]byte(tt.in), tt.max)
		if out != tt.out || trunc != tt.trunc {
			t.Errorf("cutText(%q, %d) = %q %v, want %q %v", tt.in, tt.max, out, trunc, tt.out, tt.trunc)
		}
	}
}

// FuzzParseMarkdown checks that no input panics the front matter and markdown
// parser, that the result always marshals to JSON, and that headings lie within
// the file.
func FuzzParseMarkdown(f *testing.F) {
	f.Add([]byte("---\nid: X\nlast_reviewed: 2024-01-01\n---\n# T\n```\n# c\n```\n## U ##\n"))
	f.Add([]byte("---\na: [\n---\n"))
	f.Add([]byte("---\na: &a [*a]\n---\n"))
	f.Add([]byte("---\n<<: [*x]\n---\n"))
	f.Add([]byte("---\r\n---\r\n"))
	f.Add([]byte("---\nnan: .nan\nt: 2001-12-14 21:59:43.10 -5\n---\n"))
	f.Add([]byte("\xef\xbb\xbf# x"))
	f.Add([]byte("---\n" + strings.Repeat("- ", 200) + "\n---\n"))
	f.Add([]byte("\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := parseMarkdown(source.New("d.md", data), 64)
		if _, err := json.Marshal(d); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, h := range d.Headings {
			if h.Line < 1 || h.Line > lines || h.Level < 1 || h.Level > 6 {
				t.Fatalf("heading %+v outside the %d-line file", h, lines)
			}
		}
		if len(d.Text) > 64 {
			t.Fatalf("text of %d bytes", len(d.Text))
		}
		y := parseYAMLDoc(source.New("d.yaml", data), 64)
		if _, err := json.Marshal(y); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	})
}
