package evidence_test

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/jsonschemagen"
)

var update = flag.Bool("update", false, "rewrite schema/evidence.schema.json")

func generate(t *testing.T) []byte {
	g, err := jsonschemagen.New(false, map[string][]string{"evidence": {"evidence.go"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Document(reflect.TypeOf(evidence.Document{}), "https://mdrgate.dev/schema/evidence/v1.json",
		"mdrgate evidence document ("+evidence.Schema+")",
		"Generated from evidence/evidence.go by go test ./evidence -update. "+g.Doc("Document"))
	if err != nil {
		t.Fatal(err)
	}
	return b
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
