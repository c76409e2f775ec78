package provenance_test

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/provenance"
	"github.com/mdrgate/mdrgate/evidence/source"
)

const goodStatement = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"ab"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"runDetails":{"builder":{"id":"b"}}}}`

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// envelopeWith returns a DSSE envelope (over two lines, the payload on the second)
// carrying payload as given.
func envelopeWith(payload string) string {
	return `{"payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"","sig":"c2ln"}],` + "\n" + `"payload":"` + payload + `"}`
}

// TestParseRejects feeds Parse input it must refuse with a *source.Error that
// says what was expected, at the right place.
func TestParseRejects(t *testing.T) {
	sample, err := os.ReadFile("testdata/slsa-v1.statement.json")
	if err != nil {
		t.Fatal(err)
	}
	dsse, err := os.ReadFile("testdata/slsa-v1.dsse.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string // defaults to prov.json
		data string
		line int // expected line of the error; 0 when it has none
		want string
	}{
		{"empty", "", "", 0, "empty file: expected an in-toto statement"},
		{"blank jsonl", "x.intoto.jsonl", "\n \n", 0, "empty file"},
		{"truncated statement", "", string(sample[:len(sample)/2]), 0, "unexpected end of file"},
		{"truncated envelope", "", string(dsse[:len(dsse)-5]), 0, "unexpected end of file"},
		{"invalid utf-8", "", "{\"_type\":\"\xff\"}", 1, "invalid UTF-8 byte 0xff"},
		{"deep nesting", "", strings.Repeat("[", 100000), 1, "nested deeper than 512"},
		{"deep nesting in object", "", `{"_type":` + strings.Repeat(`{"a":`, 100000), 1, "nested deeper than 512"},
		{"deep nesting in payload", "", envelopeWith(b64(strings.Repeat("[", 100000))), 2, "payload: the decoded statement at line 1, column 513: JSON nested deeper than 512 levels"},
		{"billion laughs", "", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><x>&lol2;</x>`, 1, "invalid JSON"},
		{"external entity", "", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`, 1, "invalid JSON"},
		{"top-level array", "", `[` + goodStatement + `]`, 1, "not provenance: found a JSON array at the top level"},

		// Documents of another kind.
		{"sarif", "", `{"version":"2.1.0","runs":[]}`, 1, "not provenance (it looks like a SARIF log): expected an in-toto statement"},
		{"cyclonedx", "", `{"bomFormat":"CycloneDX","specVersion":"1.5"}`, 1, "it looks like a CycloneDX BOM"},
		{"openvex", "", `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}`, 1, "it looks like an OpenVEX document"},
		{"trusted root", "", `{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[]}`, 1, "not provenance: expected"},
		{"bundle with message signature", "", `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","messageSignature":{"messageDigest":{},"signature":"c2ln"}}`, 1, "sigstore bundle: expected a dsseEnvelope holding an in-toto statement, found a messageSignature"},
		{"bundle envelope string", "", `{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1",` + "\n" + `"dsseEnvelope":"x"}`, 2, "dsseEnvelope: expected object, found JSON string"},
		{"bundle bad payload", "", `{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1","dsseEnvelope":{"payloadType":"application/vnd.in-toto+json",` + "\n\n" + `"payload":"%%%"}}`, 3, "dsseEnvelope.payload: expected base64: illegal base64 data at input byte 0"},

		// Envelopes.
		{"payload type", "", `{"payloadType":"text/plain",` + "\n" + `"payload":"aGk="}`, 1, `payloadType: expected "application/vnd.in-toto+json" (an in-toto statement), found "text/plain"`},
		{"payload not base64", "", envelopeWith("not base64!"), 2, "payload: expected base64: illegal base64 data at input byte 3"},
		{"payload empty", "", envelopeWith(""), 2, "payload: expected base64: the payload is empty"},
		{"payload not json", "", envelopeWith(b64("hello, world")), 2, "payload: the decoded statement at line 1, column 1: invalid JSON"},
		{"payload truncated", "", envelopeWith(b64(goodStatement[:40])), 2, "payload: the decoded statement at line 1, column 41: invalid JSON: unexpected end of file"},
		{"payload invalid utf-8", "", envelopeWith(b64("{\"_type\":\"\xfe\"}")), 2, "payload: the decoded statement at line 1, column 11: invalid UTF-8 byte 0xfe"},
		{"payload wrong kind", "", envelopeWith(b64(`{"bomFormat":"CycloneDX"}`)), 2, `payload: the decoded statement at line 1, column 1: _type: expected "https://in-toto.io/Statement/v0.1" or "https://in-toto.io/Statement/v1", found ""`},
		{"payload not a string", "", `{"payloadType":"application/vnd.in-toto+json",` + "\n" + `"payload":42}`, 2, "payload: expected string, found JSON number"},
		{"signatures not array", "", `{"payloadType":"application/vnd.in-toto+json","payload":"e30=",` + "\n" + `"signatures":{}}`, 2, "signatures: expected array, found JSON object"},

		// Statements.
		{"statement type", "", `{"_type":` + "\n" + `"https://in-toto.io/Statement/v2","subject":[{"digest":{"sha256":"ab"}}],"predicateType":"x"}`, 2, `_type: expected "https://in-toto.io/Statement/v0.1" or "https://in-toto.io/Statement/v1", found "https://in-toto.io/Statement/v2"`},
		{"no predicate type", "", `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}]}`, 1, "predicateType: expected the predicate's type URI, found none"},
		{"no subject", "", `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x",` + "\n" + `"subject":[]}`, 2, "subject: expected at least one subject with a digest, found none"},
		{"subject without digest", "", `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[{"name":"a","digest":{"sha256":"ab"}},` + "\n" + `{"name":"b"}]}`, 2, "subject[1]: expected a digest, found none"},
		{"subject empty digest value", "", `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[` + "\n" + `{"name":"a","digest":{"sha256":""}}]}`, 2, "subject[0].digest: expected algorithm names mapped to digest values"},
		{"subject not array", "", `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x",` + "\n" + `"subject":{"name":"a"}}`, 2, "subject: expected array, found JSON object"},
		{"digest value number", "", `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[` + "\n" + `{"name":"a","digest":{"sha256":1}}]}`, 2, "subject.digest: expected string, found JSON number"},
		{"builder id number", "", `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{"name":"a","digest":{"sha256":"ab"}}],` + "\n" + `"predicate":{"builder":{"id":7}}}`, 2, "predicate.builder.id: expected string, found JSON number"},
		{"materials string", "", `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{"name":"a","digest":{"sha256":"ab"}}],` + "\n" + `"predicate":{"materials":"git"}}`, 2, "predicate.materials: expected array, found JSON string"},
		{"resolved dependencies object", "", `{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":[{"name":"a","digest":{"sha256":"ab"}}],` + "\n" + `"predicate":{"buildDefinition":{"resolvedDependencies":{}}}}`, 2, "predicate.buildDefinition.resolvedDependencies: expected array, found JSON object"},

		// JSON lines: errors name the line of the file.
		{"jsonl bad line", "x.intoto.jsonl", goodStatement + "\n\n" + `{"_type":"https://in-toto.io/Statement/v1","subject":[]` + "\n", 3, "invalid JSON: unexpected end of file"},
		{"jsonl bad payload", "x.intoto.jsonl", goodStatement + "\n" + `{"payloadType":"application/vnd.in-toto+json","payload":"` + b64("nope") + `"}` + "\n" + goodStatement, 2, "payload: the decoded statement at line 1, column 2: invalid JSON"},
		{"jsonl column", "x.intoto.jsonl", goodStatement + "\n" + `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[{"digest":{"sha256":5}}]}`, 2, "subject.digest: expected string, found JSON number"},
		{"jsonl wrong kind", "x.ndjson", `{"runs":[]}`, 1, "not provenance (it looks like a SARIF log)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = "prov.json"
			}
			provs, err := provenance.Parse(source.New(path, []byte(tt.data)))
			if err == nil {
				t.Fatalf("Parse accepted the input: %+v", provs)
			}
			se := asSourceError(t, err)
			if se.Path != path {
				t.Errorf("error path %q, want %q", se.Path, path)
			}
			if !strings.Contains(se.Msg, tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if tt.line != 0 && se.Line != tt.line {
				t.Errorf("error %q at line %d, want line %d", err, se.Line, tt.line)
			}
		})
	}
}

// TestErrorPosition checks exact positions: in a JSON lines file, and at the
// payload of an envelope.
func TestErrorPosition(t *testing.T) {
	tests := []struct {
		path, data, want string
	}{
		{"a.intoto.jsonl", goodStatement + "\n" + `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[{"digest":{"sha256":5}}]}`,
			`a.intoto.jsonl:2:96: subject.digest: expected string, found JSON number`},
		{"e.json", envelopeWith("@@@@"), `e.json:2:11: payload: expected base64: illegal base64 data at input byte 0`},
	}
	for _, tt := range tests {
		_, err := provenance.Parse(source.New(tt.path, []byte(tt.data)))
		if se := asSourceError(t, err); se.Error() != tt.want {
			t.Errorf("error\n got  %s\n want %s", se, tt.want)
		}
	}
}

// FuzzParse checks that no input panics, that every error is a *source.Error,
// and that every record accepted is well formed.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/slsa-v1.statement.json", "testdata/slsa-v1.dsse.json", "testdata/multiple.intoto.jsonl"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	for _, s := range []string{
		"",
		"{}",
		"[]",
		goodStatement,
		goodStatement + "\n" + goodStatement,
		envelopeWith(b64(goodStatement)),
		envelopeWith(b64("{")),
		envelopeWith("!!"),
		`{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1","dsseEnvelope":` + envelopeWith(b64(goodStatement)) + `}`,
		`{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.1","subject":[{"digest":{"a":"b"}}],"predicate":{"recipe":{"type":"t"},"materials":[{"uri":"u"}]}}`,
		"{\"_type\":\"\xff\"}",
		strings.Repeat("{\"a\":", 600),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"fuzz.json", "fuzz.intoto.jsonl"} {
			provs, err := provenance.Parse(source.New(name, data))
			if err != nil {
				asSourceError(t, err)
				continue
			}
			checkInvariants(t, provs)
		}
	})
}
