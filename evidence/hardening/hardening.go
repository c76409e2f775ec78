// Package hardening reads binary hardening reports, the JSON output of checksec,
// into evidence.HardeningReport.
//
// Three shapes are accepted, told apart by their structure:
//
//   - checksec.sh 2.x (`checksec --format=json --file=F` or `--dir=D`): an object
//     mapping each file to {"relro": "full|partial|no", "canary": "yes|no",
//     "nx": "yes|no", "pie": "yes|no|dso|rel|not_elf", "symbols": "yes|no",
//     "fortify_source": "yes|no", "fortified": "N", "fortify-able": "N", …}.
//     Older releases wrap one file as {"file": {…, "filename": F}}.
//   - checksec 3.x, the Go port (`checksec file F --output json`): an array of
//     {"name": F, "checks": {"relro": "Full RELRO", "canary": "Canary Found",
//     "nx": "NX enabled", "pie": "PIE Enabled", "symbols": "No Symbols",
//     "fortify_source": "Full|Partial|No|N/A", …}}.
//   - checksec.py (`checksec --json F`): an object mapping each file to
//     {"relro": "Full|Partial|No", "canary": true, "nx": true,
//     "pie": "PIE|DSO|REL|No", "symbols": false, "fortify_source": true, …}.
//
// A property a report does not state, or states in a way not listed above, is
// left null: unknown is never read as hardened. FORTIFY is null, not false, when
// the report says the binary has no fortifiable call (fortify-able 0), because
// then FORTIFY_SOURCE cannot apply. Symbols present means not stripped;
// checksec does not tell debug information from a symbol table, so
// DebugSymbols stays null.
package hardening

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// MediaType is the media type recorded for a checksec report.
const MediaType = "application/json"

// Tool names, the values of evidence.HardeningReport.Tool.
const (
	ChecksecSh = "checksec.sh"
	ChecksecGo = "checksec"
	ChecksecPy = "checksec.py"
)

const expected = "expected checksec JSON: an object of file → properties (checksec.sh --format=json, checksec.py --json) or an array of {name, checks} (checksec 3.x --output json)"

// Parse reads a checksec JSON report. Every error is a *source.Error naming the
// file and, where it can, the line and column.
func Parse(f *source.File) (evidence.HardeningReport, error) {
	rep := evidence.HardeningReport{FileRef: f.Ref(MediaType), Binaries: []evidence.HardenedBinary{}}
	if err := f.CheckUTF8(); err != nil {
		return rep, err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return rep, err
	}
	trimmed := bytes.TrimLeft(f.Data, " \t\r\n")
	if len(trimmed) == 0 {
		return rep, f.Errorf("empty file: %s", expected)
	}
	var raw any
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return rep, f.JSONError(err, 0)
	}
	if _, err := dec.Token(); err == nil {
		return rep, f.ErrorAt(dec.InputOffset(), "invalid JSON: unexpected data after the JSON document")
	}
	var err error
	switch v := raw.(type) {
	case []any:
		rep.Tool = ChecksecGo
		rep.Binaries, err = parseGo(f, v)
	case map[string]any:
		rep.Tool, rep.Binaries, err = parseObject(f, v)
	default:
		return rep, f.ErrorAt(int64(len(f.Data)-len(trimmed)), "the document is a JSON %s: %s", kind(raw), expected)
	}
	if err != nil {
		return evidence.HardeningReport{FileRef: rep.FileRef, Tool: rep.Tool, Binaries: []evidence.HardenedBinary{}}, err
	}
	slices.SortFunc(rep.Binaries, func(a, b evidence.HardenedBinary) int { return cmp.Compare(a.Path, b.Path) })
	for i := 1; i < len(rep.Binaries); i++ {
		if rep.Binaries[i].Path == rep.Binaries[i-1].Path {
			return rep, f.Errorf("binary %q is listed twice: expected one entry per binary", rep.Binaries[i].Path)
		}
	}
	return rep, nil
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// parseGo reads the checksec 3.x array.
func parseGo(f *source.File, items []any) ([]evidence.HardenedBinary, error) {
	out := []evidence.HardenedBinary{}
	for i, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			return nil, f.Errorf("element %d is a JSON %s: %s", i, kind(it), expected)
		}
		name, _ := obj["name"].(string)
		checks, ok := obj["checks"].(map[string]any)
		if strings.TrimSpace(name) == "" || !ok {
			return nil, f.Errorf("element %d: expected a non-empty \"name\" string and a \"checks\" object (checksec 3.x --output json)", i)
		}
		out = append(out, binary(name, checks))
	}
	return out, nil
}

// parseObject reads the checksec.sh and checksec.py shapes: file → properties.
func parseObject(f *source.File, obj map[string]any) (string, []evidence.HardenedBinary, error) {
	if l := lookalike(obj); l != "" {
		return "", nil, f.Errorf("this is not a checksec report (it looks like %s): %s", l, expected)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := []evidence.HardenedBinary{}
	tool := ""
	for _, k := range keys {
		props, ok := obj[k].(map[string]any)
		if !ok {
			return "", nil, f.Errorf("%q is a JSON %s: %s", k, kind(obj[k]), expected)
		}
		if _, has := props["relro"]; !has {
			// checksec.sh --dir may nest the files of a directory one level down.
			if k != "file" && nestedFiles(props) {
				t, bins, err := parseObject(f, props)
				if err != nil {
					return "", nil, err
				}
				tool = cmp.Or(tool, t)
				out = append(out, bins...)
				continue
			}
			return "", nil, f.Errorf("%q has no \"relro\" property: %s", k, expected)
		}
		name := k
		if fn, ok := props["filename"].(string); ok && strings.TrimSpace(fn) != "" {
			name = fn
		}
		if t := toolOf(props); tool == "" || t == ChecksecPy {
			tool = t
		}
		out = append(out, binary(name, props))
	}
	if len(out) == 0 {
		return "", nil, f.Errorf("the report lists no binary: %s", expected)
	}
	return tool, out, nil
}

func nestedFiles(obj map[string]any) bool {
	if len(obj) == 0 {
		return false
	}
	for _, v := range obj {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if _, has := m["relro"]; !has {
			return false
		}
	}
	return true
}

// toolOf tells checksec.py (JSON booleans) from checksec.sh (yes/no strings).
func toolOf(props map[string]any) string {
	for _, k := range []string{"canary", "nx", "symbols", "fortify_source"} {
		if _, ok := props[k].(bool); ok {
			return ChecksecPy
		}
	}
	return ChecksecSh
}

func lookalike(obj map[string]any) string {
	has := func(k string) bool { _, ok := obj[k]; return ok }
	switch {
	case has("runs"):
		return "a SARIF log"
	case has("bomFormat"):
		return "a CycloneDX document"
	case has("spdxVersion"):
		return "an SPDX document"
	case has("matches"):
		return "a Grype report"
	case has("SchemaVersion"):
		return "a Trivy report"
	}
	return ""
}

// binary normalises one binary's properties.
func binary(name string, p map[string]any) evidence.HardenedBinary {
	b := evidence.HardenedBinary{Path: name}
	b.RELRO = relro(p["relro"])
	b.PIE = pie(p["pie"])
	b.StackProtector = flag(p["canary"], []string{"canary found"}, []string{"no canary found"})
	b.NX = flag(p["nx"], []string{"nx enabled"}, []string{"nx disabled"})
	if sym := flag(p["symbols"], []string{"symbols"}, []string{"no symbols"}); sym != nil {
		stripped := !*sym
		b.Stripped = &stripped
	}
	b.Fortify = fortify(p)
	return b
}

func ptr(v bool) *bool { return &v }

// flag reads yes/no, a JSON boolean, or one of the phrases given.
func flag(v any, yes, no []string) *bool {
	switch x := v.(type) {
	case bool:
		return ptr(x)
	case string:
		s := strings.ToLower(strings.TrimSpace(x))
		switch {
		case s == "yes" || s == "true" || s == "enabled" || slices.Contains(yes, s):
			return ptr(true)
		case s == "no" || s == "false" || s == "disabled" || slices.Contains(no, s):
			return ptr(false)
		case strings.HasSuffix(s, " symbols") && s != "no symbols":
			// checksec.sh's text form "123 Symbols".
			if _, err := strconv.Atoi(strings.TrimSuffix(s, " symbols")); err == nil && slices.Contains(yes, "symbols") {
				return ptr(true)
			}
		}
	}
	return nil
}

func relro(v any) string {
	s, _ := v.(string)
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "full", "full relro":
		return "full"
	case "partial", "partial relro":
		return "partial"
	case "no", "none", "no relro":
		return "none"
	}
	return ""
}

func pie(v any) *bool {
	switch x := v.(type) {
	case bool:
		return ptr(x)
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "pie", "pie enabled":
			return ptr(true)
		case "no", "no pie", "pie disabled":
			return ptr(false)
		}
		// dso, rel, not_elf: not an executable whose PIE status applies.
	}
	return nil
}

func count(v any) (int, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.Atoi(x.String())
		return n, err == nil
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

func fortify(p map[string]any) *bool {
	able, ableOK := count(p["fortify-able"])
	if !ableOK {
		able, ableOK = count(p["fortifyable"])
	}
	fortified, fortifiedOK := count(p["fortified"])
	switch x := p["fortify_source"].(type) {
	case bool:
		if !x && ableOK && able == 0 {
			return nil
		}
		return ptr(x)
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "full", "partial", "true":
			return ptr(true)
		case "no", "false":
			if ableOK && able == 0 && (!fortifiedOK || fortified == 0) {
				return nil
			}
			return ptr(false)
		}
	}
	return nil
}
