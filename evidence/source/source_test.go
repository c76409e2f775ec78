package source_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/source"
)

func TestDecodeJSONErrors(t *testing.T) {
	type doc struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	tests := []struct{ name, in, want string }{
		{"syntax", `{"name": "a",, }`, "f.json:1:14: invalid JSON"},
		{"type", "{\"name\": \"a\",\n \"version\": 3}", "f.json:2:14: version: expected string, found JSON number"},
		{"type after leading space", "\n\n  {\"version\": 3}", "f.json:3:16: version: expected string, found JSON number"},
		{"truncated", `{"name": "a", "vers`, "f.json:1:20: invalid JSON: unexpected end of file (truncated?)"},
		{"trailing", `{"name": "a"} {}`, "f.json:1:15: invalid JSON"},
		{"utf8", "{\"name\": \"\xff\"}", "f.json:1:11: invalid UTF-8 byte 0xff"},
		{"deep", strings.Repeat("[", 100000), "f.json:1:513: JSON nested deeper than 512 levels"},
		{"empty", "", "f.json:1:1: invalid JSON: unexpected end of file"},
		{"duplicate key", `{"name": "a", "version": "1", "name": "b"}`, `f.json:1:31: duplicate key "name" in the top-level object`},
		{"duplicate key other case", `{"name": "a", "Name": "b"}`, `f.json:1:15: duplicate key "Name" in the top-level object`},
		{"duplicate escaped key", `{"name": "a", "\u006eame": "b"}`, `f.json:1:15: duplicate key "name"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			err := source.New("f.json", []byte(tt.in)).DecodeJSON(&d)
			var se *source.Error
			if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestRepeatedKeysAllowedWhereHarmless(t *testing.T) {
	for _, in := range []string{
		`{"a": {"x": 1}, "b": {"x": 2}}`,
		"{\"a\": 1}\n{\"a\": 2}\n",
		`[{"a": 1}, {"a": 2}]`,
		`{"a": "x:y", "b": ["a", "a"]}`,
	} {
		if err := source.New("f.json", []byte(in)).CheckJSONDepth(); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func TestDecodeXMLRefusesDTD(t *testing.T) {
	for _, in := range []string{
		`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><a>&lol;</a>`,
		`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`,
	} {
		var v struct{}
		err := source.New("f.xml", []byte(in)).DecodeXML(&v)
		if err == nil || !strings.Contains(err.Error(), "f.xml:1:22: XML document type declarations") {
			t.Errorf("err = %v", err)
		}
	}
	var v struct{}
	err := source.New("f.xml", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`)).DecodeXML(&v)
	if err == nil || !strings.Contains(err.Error(), `encoding "ISO-8859-1" is not supported`) {
		t.Errorf("charset: err = %v", err)
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := source.Read(big, "big.json", 1024); err == nil || err.Error() != "big.json: file is 2048 bytes, larger than the limit of 1024 bytes" {
		t.Errorf("size limit: %v", err)
	}
	if _, err := source.Read(dir, "dir", 0); err == nil || err.Error() != "dir: not a regular file" {
		t.Errorf("dir: %v", err)
	}
	if _, err := source.Read(filepath.Join(dir, "nope"), "nope", 0); err == nil || err.Error() != "nope: file does not exist" {
		t.Errorf("missing: %v", err)
	}
	f, err := source.Read(big, "big.json", 0)
	if err != nil || f.SHA256 != "e5a00aa9991ac8a5ee3109844d84a55583bd20572ad3ffcd42792f3c36b183ad" {
		t.Errorf("read: %v %s", err, f.SHA256)
	}
}

func TestJSONTermsAndPositions(t *testing.T) {
	var v struct {
		N     int              `json:"n"`
		Items []map[string]any `json:"items"`
	}
	err := source.New("f.json", []byte(`{"n": "x"}`)).DecodeJSON(&v)
	if err == nil || !strings.Contains(err.Error(), "n: expected number, found JSON string") {
		t.Errorf("err = %v", err)
	}
	data := []byte("{\n \"a\": [1, {\"b\": true}],\n \"c\": null}")
	if got := source.ValueOffset(data, "a", 1, "b"); string(data[got:got+4]) != "true" {
		t.Errorf("ValueOffset(a[1].b) = %d", got)
	}
	if got := source.PathString("statements", 2, "products", 0); got != "statements[2].products[0]" {
		t.Errorf("PathString = %q", got)
	}
}
