package evidence_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdrgate/mdrgate/evidence"
)

var update = flag.Bool("update", false, "rewrite schema/evidence.schema.json")

// docComments reads the doc comments of evidence.go: type name → comment, and
// "Type.Field" → comment.
func docComments(t *testing.T) map[string]string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "evidence.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range g.Specs {
			ts, ok := s.(*ast.TypeSpec)
			if !ok {
				continue
			}
			out[ts.Name.Name] = clean(g.Doc.Text())
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, fld := range st.Fields.List {
				for _, n := range fld.Names {
					out[ts.Name.Name+"."+n.Name] = clean(fld.Doc.Text())
				}
			}
		}
	}
	return out
}

type gen struct {
	docs map[string]string
	defs map[string]any
}

func (g *gen) schemaFor(t reflect.Type) map[string]any {
	if t == reflect.TypeOf(time.Time{}) {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := g.schemaFor(t.Elem())
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schemaFor(t.Elem())}
	case reflect.Map:
		// A map may be null (front matter of a document that has none).
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": []any{"object", "null"}}
		}
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": g.schemaFor(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil // placeholder against recursion
			props := map[string]any{}
			var required []string
			g.fields(t, props, &required)
			sort.Strings(required)
			def := map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
			if d := g.docs[name]; d != "" {
				def["description"] = d
			}
			g.defs[name] = def
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	panic("unsupported kind " + t.Kind().String())
}

func (g *gen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			g.fields(f.Type, props, required)
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || name == "" {
			continue
		}
		s := g.schemaFor(f.Type)
		if d := g.docs[t.Name()+"."+f.Name]; d != "" {
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}, "description": d}
			} else {
				s["description"] = d
			}
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") {
			*required = append(*required, name)
		}
	}
}

func generate(t *testing.T) []byte {
	g := &gen{docs: docComments(t), defs: map[string]any{}}
	root := g.schemaFor(reflect.TypeOf(evidence.Document{}))
	s := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://mdrgate.dev/schema/evidence/v1.json",
		"title":       "mdrgate evidence document (" + evidence.Schema + ")",
		"description": "Generated from evidence/evidence.go by go test ./evidence -update. " + g.docs["Document"],
		"$ref":        root["$ref"],
		"$defs":       g.defs,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSchemaUpToDate(t *testing.T) {
	want := generate(t)
	if *update {
		if err := os.WriteFile("schema/evidence.schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(evidence.JSONSchema, want) {
		t.Fatal("schema/evidence.schema.json is out of date with evidence.go: run go test ./evidence -update and review the diff")
	}
}

// Compile returns the compiled evidence schema, for tests that validate documents.
func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(evidence.JSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("evidence.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("evidence.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSchemaValidates(t *testing.T) {
	s := compile(t)
	good := `{"schema":"mdrgate.evidence/v1","generator":{"name":"mdrgate","version":"dev"},
	"context":{"event":"pull_request","time":"2026-11-26T00:00:00Z","repository":"","ref":"","commit":"","actor":"","run_url":"","ci":false},
	"product":{"name":"","version":"","manufacturer":"","mdr_class":"","iec62304_class":""},
	"build":{"sboms":[],"sarif":[],"tests":[],"vulnerabilities":[],"vex":[],"provenance":[],"secrets":[],"hardening":[]},"surveillance":null,
	"artefacts":[],"waivers":[],"inputs":[],"warnings":[]}`
	v, _ := jsonschema.UnmarshalJSON(strings.NewReader(good))
	if err := s.Validate(v); err != nil {
		t.Fatalf("a minimal document does not validate: %v", err)
	}
	bad := strings.Replace(good, `"ci":false`, `"ci":"no"`, 1)
	v, _ = jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err := s.Validate(v); err == nil {
		t.Fatal("a document with a wrong type validates")
	}
	extra := strings.Replace(good, `"inputs":[]`, `"inputs":[],"surprise":1`, 1)
	v, _ = jsonschema.UnmarshalJSON(strings.NewReader(extra))
	if err := s.Validate(v); err == nil {
		t.Fatal("a document with an unknown field validates")
	}
}
