package hardening

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

func b(v bool) *bool { return &v }

func read(t *testing.T, name string) *source.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return source.New("build/"+name, data)
}

func str(p *bool) string {
	if p == nil {
		return "null"
	}
	if *p {
		return "true"
	}
	return "false"
}

func same(t *testing.T, got, want evidence.HardenedBinary) {
	t.Helper()
	if got.Path != want.Path || got.RELRO != want.RELRO || str(got.PIE) != str(want.PIE) ||
		str(got.StackProtector) != str(want.StackProtector) || str(got.NX) != str(want.NX) ||
		str(got.Fortify) != str(want.Fortify) || str(got.Stripped) != str(want.Stripped) ||
		str(got.DebugSymbols) != str(want.DebugSymbols) {
		t.Errorf("binary %s:\n got  relro=%s pie=%s canary=%s nx=%s fortify=%s stripped=%s debug=%s\n want relro=%s pie=%s canary=%s nx=%s fortify=%s stripped=%s debug=%s",
			want.Path, got.RELRO, str(got.PIE), str(got.StackProtector), str(got.NX), str(got.Fortify), str(got.Stripped), str(got.DebugSymbols),
			want.RELRO, str(want.PIE), str(want.StackProtector), str(want.NX), str(want.Fortify), str(want.Stripped), str(want.DebugSymbols))
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		file string
		tool string
		want []evidence.HardenedBinary
	}{
		{"checksec-sh-dir.json", ChecksecSh, []evidence.HardenedBinary{
			{Path: "build/infucore-sim", RELRO: "full", PIE: b(true), StackProtector: b(true), NX: b(true), Fortify: b(true), Stripped: b(true)},
			// A shared object: PIE does not apply (null); FORTIFY could apply and is off.
			{Path: "build/libinfu.so", RELRO: "partial", StackProtector: b(false), NX: b(true), Fortify: b(false), Stripped: b(false)},
			// Nothing to fortify: FORTIFY is null, not false.
			{Path: "build/noalloc", RELRO: "full", PIE: b(true), StackProtector: b(true), NX: b(true), Stripped: b(true)},
		}},
		{"checksec-sh-old.json", ChecksecSh, []evidence.HardenedBinary{
			{Path: "/opt/legacy/bin/pumpd", RELRO: "none", PIE: b(false), StackProtector: b(false), NX: b(false), Fortify: b(false), Stripped: b(false)},
		}},
		{"checksec-go.json", ChecksecGo, []evidence.HardenedBinary{
			{Path: "/usr/bin/ls", RELRO: "full", PIE: b(true), StackProtector: b(true), NX: b(true), Fortify: b(true), Stripped: b(true)},
			{Path: "/usr/local/bin/imagecheck", RELRO: "partial", PIE: b(false), StackProtector: b(false), NX: b(true), Stripped: b(false)},
		}},
		{"checksec-py.json", ChecksecPy, []evidence.HardenedBinary{
			{Path: "/usr/bin/ls", RELRO: "full", PIE: b(true), StackProtector: b(true), NX: b(true), Fortify: b(true), Stripped: b(true)},
			{Path: "/usr/lib/libz.so.1", RELRO: "partial", StackProtector: b(false), NX: b(true), Stripped: b(false)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := read(t, tt.file)
			r, err := Parse(f)
			if err != nil {
				t.Fatal(err)
			}
			if r.Tool != tt.tool || r.Path != f.Path || r.SHA256 != f.SHA256 || r.MediaType != MediaType {
				t.Errorf("report: tool %q ref %+v", r.Tool, r.FileRef)
			}
			if len(r.Binaries) != len(tt.want) {
				t.Fatalf("%d binaries, want %d: %+v", len(r.Binaries), len(tt.want), r.Binaries)
			}
			for i := range tt.want {
				same(t, r.Binaries[i], tt.want[i])
			}
		})
	}
}

// TestUnknownValuesStayNull: a value the parser does not know is never read as
// hardened.
func TestUnknownValuesStayNull(t *testing.T) {
	f := source.New("c.json", []byte(`{"x": {"relro": "maybe", "canary": "Permission denied", "nx": 1, "pie": "not_elf", "symbols": null, "fortify_source": "N/A"}}`))
	r, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	same(t, r.Binaries[0], evidence.HardenedBinary{Path: "x"})
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "  \n", "c.json: empty file: expected checksec JSON"},
		{"truncated", `{"a": {"relro": "full"`, "c.json:1:23: invalid JSON: unexpected end of file"},
		{"syntax", "{\n \"a\": {relro}}", "c.json:2:8: invalid JSON"},
		{"trailing", `{"a": {"relro": "full"}} []`, "unexpected data after the JSON document"},
		{"scalar", `"checksec"`, "c.json:1:1: the document is a JSON string: expected checksec JSON"},
		{"no binaries", `{}`, "the report lists no binary"},
		{"not properties", `{"a": "full"}`, `"a" is a JSON string`},
		{"no relro", `{"a": {"canary": "yes"}}`, `"a" has no "relro" property`},
		{"sarif", `{"version": "2.1.0", "runs": []}`, "it looks like a SARIF log"},
		{"go element", `[1]`, "element 0 is a JSON number"},
		{"go no name", `[{"checks": {}}]`, `element 0: expected a non-empty "name" string and a "checks" object`},
		{"duplicate", `[{"name": "a", "checks": {}}, {"name": "a", "checks": {}}]`, `binary "a" is listed twice`},
		{"utf8", "{\"a\xff\": {}}", "c.json:1:4: invalid UTF-8 byte 0xff"},
		{"deep", strings.Repeat("[", 600), "JSON nested deeper than 512 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(source.New("c.json", []byte(tt.data)))
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *source.Error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"checksec-sh-dir.json", "checksec-sh-old.json", "checksec-go.json", "checksec-py.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"d": {"a": {"relro": "full"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(source.New("f.json", data))
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *source.Error", err)
			}
			return
		}
		if r.Binaries == nil {
			t.Fatal("nil binaries")
		}
		for _, bin := range r.Binaries {
			switch bin.RELRO {
			case "", "full", "partial", "none":
			default:
				t.Fatalf("relro %q", bin.RELRO)
			}
		}
	})
}
