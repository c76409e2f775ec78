// Package jsonschemagen generates JSON Schemas (draft 2020-12) from Go types and
// their doc comments: the schemas of mdrgate's documents (the evidence document,
// the attestation predicate) are generated, never hand-written, so that they
// cannot drift from the types that write them. Tests regenerate them and fail
// when the committed schema is stale.
package jsonschemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Generator turns Go types into schema definitions. A field tagged
// jsonschema:"nullable" may also be null.
type Generator struct {
	// Qualify names definitions "package.Type" instead of "Type", for schemas
	// that mix packages with types of the same name.
	Qualify bool
	docs    map[string]string
	defs    map[string]any
}

// New returns a generator that reads doc comments from the Go files given as
// package name → file paths (package names qualify definitions when Qualify).
func New(qualify bool, files map[string][]string) (*Generator, error) {
	g := &Generator{Qualify: qualify, docs: map[string]string{}, defs: map[string]any{}}
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for pkg, paths := range files {
		for _, path := range paths {
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
			if err != nil {
				return nil, err
			}
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, s := range gd.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					name := g.qualified(pkg, ts.Name.Name)
					g.docs[name] = clean(gd.Doc.Text())
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, fld := range st.Fields.List {
						for _, n := range fld.Names {
							g.docs[name+"."+n.Name] = clean(fld.Doc.Text())
						}
					}
				}
			}
		}
	}
	return g, nil
}

func (g *Generator) qualified(pkg, name string) string {
	if g.Qualify {
		return pkg + "." + name
	}
	return name
}

func (g *Generator) defName(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i+1:]
	}
	return g.qualified(pkg, t.Name())
}

// Doc returns the doc comment of a type, by its definition name.
func (g *Generator) Doc(name string) string { return g.docs[name] }

// Schema returns the schema of t: a $ref to its definition for structs.
func (g *Generator) Schema(t reflect.Type) map[string]any {
	if t == reflect.TypeOf(time.Time{}) {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := g.Schema(t.Elem())
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
		return map[string]any{"type": "array", "items": g.Schema(t.Elem())}
	case reflect.Map:
		// A map may be null (front matter of a document that has none).
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": []any{"object", "null"}}
		}
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": g.Schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := g.defName(t)
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
	panic(fmt.Sprintf("jsonschemagen: unsupported kind %s", t.Kind()))
}

func (g *Generator) fields(t reflect.Type, props map[string]any, required *[]string) {
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
		s := g.Schema(f.Type)
		if f.Tag.Get("jsonschema") == "nullable" {
			s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
		}
		if d := g.docs[g.defName(t)+"."+f.Name]; d != "" {
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

// Document returns the schema document of root, with the given $id, title and
// description, every definition under $defs, indented and newline-terminated.
func (g *Generator) Document(root reflect.Type, id, title, description string) ([]byte, error) {
	r := g.Schema(root)
	s := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         id,
		"title":       title,
		"description": description,
		"$ref":        r["$ref"],
		"$defs":       g.defs,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
