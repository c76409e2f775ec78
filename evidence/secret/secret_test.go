package secret_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/secret"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

// marker is part of every secret in testdata and of the secrets the tests make:
// it must never appear in a parsed report, a redacted report or an error.
const marker = "S3CR3TM4RK"

func readTestdata(t testing.TB, name string) *source.File {
	t.Helper()
	f, err := source.Read(filepath.Join("testdata", name), name, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var samples = []struct {
	file      string
	tool      string
	mediaType string
	want      []evidence.SecretFinding
}{
	{
		file: "gitleaks-git.json", tool: "gitleaks", mediaType: "application/json",
		want: []evidence.SecretFinding{
			{Rule: "github-pat", Path: ".github/workflows/release.yml", Line: 14, Commit: "9f4c2a7e1b3d5f60718293a4b5c6d7e8f9012345"},
			{Rule: "aws-access-token", Path: "deploy/terraform/provider.tf", Line: 7, Commit: "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"},
			{Rule: "aws-access-token", Path: "deploy/terraform/provider.tf", Line: 7, Commit: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"},
			{Rule: "private-key", Path: "test/fixtures/device-signing.pem", Line: 1, Commit: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"},
		},
	},
	{
		file: "gitleaks-dir.json", tool: "gitleaks", mediaType: "application/json",
		want: []evidence.SecretFinding{
			{Rule: "generic-api-key", Path: "config/telemetry.yaml", Line: 23},
			{Rule: "slack-webhook-url", Path: "scripts/notify-release.sh", Line: 4},
		},
	},
	{file: "gitleaks-empty.json", tool: "gitleaks", mediaType: "application/json", want: []evidence.SecretFinding{}},
	{
		file: "trufflehog-filesystem.jsonl", tool: "trufflehog", mediaType: "application/x-ndjson",
		want: []evidence.SecretFinding{
			{Rule: "Github", Path: ".github/workflows/release.yml", Line: 14},
			{Rule: "AWS", Path: "deploy/terraform/provider.tf", Line: 7, Verified: true},
			{Rule: "URI", Path: "services/gateway/config/database.env", Line: 3},
		},
	},
	{
		file: "trufflehog-git.jsonl", tool: "trufflehog", mediaType: "application/x-ndjson",
		want: []evidence.SecretFinding{
			{Rule: "PrivateKey", Path: "keys/deploy_key", Line: 1, Commit: "77b2a3e56973785a52ba4ae4b8dac61d4bac016f", Verified: true},
			// trufflehog reported this one twice; both are kept.
			{Rule: "AWS", Path: "scripts/upload.sh", Line: 4, Commit: "fbc14303ffbf8fb1c2c1914e8dda7d0121633aca"},
			{Rule: "AWS", Path: "scripts/upload.sh", Line: 4, Commit: "fbc14303ffbf8fb1c2c1914e8dda7d0121633aca"},
		},
	},
	{
		file: "trufflehog-github.jsonl", tool: "trufflehog", mediaType: "application/x-ndjson",
		want: []evidence.SecretFinding{
			{Rule: "URI", Path: "gradle.properties", Line: 2, Commit: "3d5c4f1e2a7b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", Verified: true},
		},
	},
}

func TestParseSamples(t *testing.T) {
	for _, tt := range samples {
		t.Run(tt.file, func(t *testing.T) {
			f := readTestdata(t, tt.file)
			r, err := secret.Parse(f)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if r.Tool != tt.tool || r.Path != tt.file || r.MediaType != tt.mediaType || r.SHA256 != f.SHA256 {
				t.Errorf("report = tool %q, %+v", r.Tool, r.FileRef)
			}
			if len(r.Findings) != len(tt.want) {
				t.Fatalf("got %d findings, want %d: %+v", len(r.Findings), len(tt.want), r.Findings)
			}
			for i := range tt.want {
				if r.Findings[i] != tt.want[i] {
					t.Errorf("finding %d = %+v, want %+v", i, r.Findings[i], tt.want[i])
				}
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("null")) {
				t.Errorf("JSON has null: %s", b)
			}
		})
	}
}

// secretValues returns the secrets a report holds: the string leaves of its
// secret-bearing fields (and what base64 Raw values decode to).
func secretValues(t *testing.T, data []byte) []string {
	t.Helper()
	var objects []map[string]any
	if s := bytes.TrimSpace(data); len(s) > 0 && s[0] == '[' {
		if err := json.Unmarshal(data, &objects); err != nil {
			t.Fatal(err)
		}
	} else {
		for line := range bytes.Lines(data) {
			var o map[string]any
			if err := json.Unmarshal(line, &o); err != nil {
				t.Fatal(err)
			}
			objects = append(objects, o)
		}
	}
	var out []string
	var leaves func(v any)
	leaves = func(v any) {
		switch v := v.(type) {
		case string:
			if len(v) >= 8 {
				out = append(out, v)
				if b, err := base64.StdEncoding.DecodeString(v); err == nil {
					out = append(out, string(b))
				}
			}
		case map[string]any:
			for _, x := range v {
				leaves(x)
			}
		case []any:
			for _, x := range v {
				leaves(x)
			}
		}
	}
	for _, o := range objects {
		for _, k := range []string{"Secret", "Match", "Line", "Raw", "RawV2", "Redacted", "ExtraData", "StructuredData", "VerificationError"} {
			leaves(o[k])
		}
	}
	return out
}

// assertNoSecret fails when what holds the marker or any of the secrets.
func assertNoSecret(t *testing.T, what string, got []byte, secrets []string) {
	t.Helper()
	if bytes.Contains(got, []byte(marker)) {
		t.Errorf("%s holds the secret marker %q:\n%s", what, marker, got)
	}
	for _, s := range secrets {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("%s holds the secret %q", what, s)
		}
	}
}

func TestNoSecretInParsedReport(t *testing.T) {
	for _, tt := range samples {
		t.Run(tt.file, func(t *testing.T) {
			f := readTestdata(t, tt.file)
			secrets := secretValues(t, f.Data)
			if len(tt.want) > 0 && !strings.Contains(strings.Join(secrets, " "), marker) {
				t.Fatal("sample holds no secret: the test would prove nothing")
			}
			r, err := secret.Parse(f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			assertNoSecret(t, "parsed report", b, secrets)
			// Go syntax too, in case a field is left out of the JSON.
			assertNoSecret(t, "parsed report (%#v)", []byte(fmt.Sprintf("%#v", r)), secrets)
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tt := range samples {
		t.Run(tt.file, func(t *testing.T) {
			f := readTestdata(t, tt.file)
			secrets := secretValues(t, f.Data)
			red, err := secret.Redact(f)
			if err != nil {
				t.Fatalf("Redact: %v", err)
			}
			assertNoSecret(t, "redacted report", red, secrets)

			// The redacted report parses to the same findings.
			r1, _ := secret.Parse(f)
			r2, err := secret.Parse(source.New(f.Path, red))
			if err != nil {
				t.Fatalf("parsing the redacted report: %v\n%s", err, red)
			}
			if r2.Tool != r1.Tool || !reflect.DeepEqual(r1.Findings, r2.Findings) {
				t.Errorf("redacted report parses differently: %+v, want %+v", r2.Findings, r1.Findings)
			}

			// Same shape: the same objects with the same keys in the same order,
			// the kept values unchanged, the others "REDACTED".
			orig, redacted := objects(t, f.Data), objects(t, red)
			if len(orig) != len(redacted) {
				t.Fatalf("%d objects redacted to %d", len(orig), len(redacted))
			}
			if tt.tool == "trufflehog" && bytes.Count(red, []byte("\n")) != len(orig) {
				t.Errorf("trufflehog output is not one object per line:\n%s", red)
			}
			redactedFields := 0
			for i := range orig {
				if !reflect.DeepEqual(orig[i].keys, redacted[i].keys) {
					t.Errorf("object %d keys %v became %v", i, orig[i].keys, redacted[i].keys)
				}
				for _, k := range orig[i].keys {
					o, r := orig[i].values[k], redacted[i].values[k]
					switch k {
					case "Secret", "Match", "Raw", "RawV2", "Redacted", "ExtraData", "StructuredData", "VerificationError":
						if o == nil && r == nil {
							continue
						}
						if r != "REDACTED" {
							t.Errorf("object %d: %s = %v, want REDACTED", i, k, r)
						}
						redactedFields++
					default:
						if !reflect.DeepEqual(o, r) {
							t.Errorf("object %d: %s changed from %v to %v", i, k, o, r)
						}
					}
				}
			}
			if len(orig) > 0 && redactedFields < 2*len(orig) {
				t.Errorf("only %d fields redacted in %d objects", redactedFields, len(orig))
			}
		})
	}
}

type object struct {
	keys   []string
	values map[string]any
}

// objects reads the findings of a report with their keys in order.
func objects(t *testing.T, data []byte) []object {
	t.Helper()
	var raws []json.RawMessage
	if s := bytes.TrimSpace(data); len(s) > 0 && s[0] == '[' {
		if err := json.Unmarshal(data, &raws); err != nil {
			t.Fatal(err)
		}
	} else {
		for line := range bytes.Lines(data) {
			raws = append(raws, bytes.TrimSpace(line))
		}
	}
	var out []object
	for _, raw := range raws {
		o := object{values: map[string]any{}}
		if err := json.Unmarshal(raw, &o.values); err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.Token()
		for dec.More() {
			k, _ := dec.Token()
			o.keys = append(o.keys, k.(string))
			var skip json.RawMessage
			dec.Decode(&skip)
		}
		out = append(out, o)
	}
	return out
}

func TestRedactUnknownAndMisspelledFields(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{
			// A field a newer gitleaks might add, and "secret" in another case
			// (which encoding/json would match to Secret): both redacted.
			name:  "gitleaks",
			input: `[{"RuleID":"r","File":"a.go","StartLine":2,"secret":"` + marker + `1","Offender":"` + marker + `2","ſecret":"` + marker + `3","Tags":["t"],"Match":null}]`,
			want:  "[\n {\n  \"RuleID\": \"r\",\n  \"File\": \"a.go\",\n  \"StartLine\": 2,\n  \"secret\": \"REDACTED\",\n  \"Offender\": \"REDACTED\",\n  \"ſecret\": \"REDACTED\",\n  \"Tags\": [\n   \"t\"\n  ],\n  \"Match\": null\n }\n]\n",
		},
		{
			name:  "trufflehog",
			input: "{\"DetectorName\":\"AWS\",\"Raw\":\"" + marker + "\",\"rawExtra\":{\"x\":[\"" + marker + "\"]},\"Verified\":false,\"NewField\":42}\r\n\r\n{\"DetectorName\":\"URI\",\"SourceMetadata\":{\"Data\":{\"Filesystem\":{\"file\":\"x\",\"line\":1}}}}",
			want:  "{\"DetectorName\":\"AWS\",\"Raw\":\"REDACTED\",\"rawExtra\":\"REDACTED\",\"Verified\":false,\"NewField\":\"REDACTED\"}\n{\"DetectorName\":\"URI\",\"SourceMetadata\":{\"Data\":{\"Filesystem\":{\"file\":\"x\",\"line\":1}}}}\n",
		},
		{name: "empty gitleaks", input: "[]", want: "[]\n"},
		{name: "empty trufflehog", input: "", want: ""},
		{name: "blank trufflehog", input: "\n\n", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "r.json"
			if strings.HasSuffix(tt.name, "trufflehog") {
				name = "trufflehog.json"
			}
			got, err := secret.Redact(source.New(name, []byte(tt.input)))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Redact =\n%s\nwant\n%s", got, tt.want)
			}
			if got == nil {
				t.Error("Redact returned nil")
			}
		})
	}
}

// TestNoSecretInErrors feeds broken reports that hold secrets and checks that no
// error message, nor the report returned with it, quotes them.
func TestNoSecretInErrors(t *testing.T) {
	gl := string(readTestdata(t, "gitleaks-git.json").Data)
	th := string(readTestdata(t, "trufflehog-filesystem.jsonl").Data)
	cut := func(s string) string { return s[:strings.Index(s, marker)+len(marker)+3] }
	number := "5" + strings.Repeat("3", 40)
	tests := []struct{ name, input string }{
		{"gitleaks truncated in the secret", cut(gl)},
		{"gitleaks secret unquoted", strings.Replace(gl, `"Secret": "`, `"Secret": `, 1)},
		{"gitleaks secret after the array", `[] "` + marker + `"`},
		{"gitleaks secret object after the array", `[] {"Secret": "` + marker + `"}`},
		{"gitleaks secret as RuleID array", `[{"RuleID": ["` + marker + `"], "Secret": "` + marker + `"}]`},
		{"gitleaks secret as RuleID object", `[{"RuleID": {"` + marker + `": 1}}]`},
		{"gitleaks secret number as line", `[{"RuleID": "r", "StartLine": ` + number + `, "Secret": "` + marker + `"}]`},
		{"gitleaks secret number as rule", `[{"RuleID": ` + number + `}]`},
		{"gitleaks no rule", `[{"Secret": "` + marker + `", "Match": "` + marker + `"}]`},
		{"gitleaks secret string element", `["` + marker + `"]`},
		{"gitleaks secret bad escape", `[{"RuleID": "r", "Secret": "` + marker + `\q"}]`},
		{"gitleaks secret bad UTF-8", "[{\"RuleID\": \"r\", \"Secret\": \"" + marker + "\xff\"}]"},
		{"bare secret", marker + "abcdef"},
		{"trufflehog truncated in the secret", cut(th)},
		{"trufflehog secret line", th + marker + "\n"},
		{"trufflehog secret after object", `{"DetectorName": "AWS"} "` + marker + `"`},
		{"trufflehog secret as detector", `{"DetectorName": ["` + marker + `"], "Raw": "` + marker + `"}`},
		{"trufflehog no detector", `{"Raw": "` + marker + `", "Redacted": "` + marker + `"}`},
		{"trufflehog secret as source kind", `{"DetectorName": "AWS", "SourceMetadata": {"Data": {"` + marker + `": {"line": "x"}}}}`},
		{"trufflehog secret as file", `{"DetectorName": "AWS", "SourceMetadata": {"Data": {"Git": {"file": ["` + marker + `"]}}}}`},
		{"trufflehog secret number as line", `{"DetectorName": "AWS", "SourceMetadata": {"Data": {"Git": {"line": ` + number + `}}}}`},
		{"trufflehog secret number as verified", `{"DetectorName": "AWS", "Verified": ` + number + `}`},
		{"trufflehog secret over lines", "{\"DetectorName\": \"AWS\",\n\"Raw\": \"" + marker + "\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fn := range []struct {
				name string
				call func(*source.File) (any, error)
			}{
				{"Parse", func(f *source.File) (any, error) { return secret.Parse(f) }},
				{"Redact", func(f *source.File) (any, error) { return secret.Redact(f) }},
			} {
				got, err := fn.call(source.New("leak.json", []byte(tt.input)))
				if err == nil {
					t.Fatalf("%s succeeded, want an error", fn.name)
				}
				var se *source.Error
				if !errors.As(err, &se) {
					t.Fatalf("%s: error %T is not a *source.Error: %v", fn.name, err, err)
				}
				msg := err.Error()
				if strings.Contains(msg, marker) || strings.Contains(msg, number[:12]) {
					t.Errorf("%s error quotes the secret: %s", fn.name, msg)
				}
				b, _ := json.Marshal(got)
				assertNoSecret(t, fn.name+" result with the error", b, nil)
			}
		})
	}
}

func TestParseHostile(t *testing.T) {
	grype := `{
 "matches": [],
 "descriptor": {"name": "grype"}
}`
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	tests := []struct {
		name, input, want string
		line              int
	}{
		{"truncated gitleaks", `[{"RuleID": "aws-access-token", "File": "a`, "unexpected end of file", 1},
		{"truncated gitleaks array", "[\n {\"RuleID\": \"r\"},\n", "unexpected end of file", 3},
		{"gitleaks syntax error", "[\n {\"RuleID\": \"r\",}\n]", "invalid JSON", 2},
		{"gitleaks trailing", `[] []`, "unexpected JSON array after the JSON document", 1},
		{"gitleaks element not object", "[\n {\"RuleID\": \"r\"},\n 42\n]", "[1]: expected a gitleaks finding object, found JSON number", 3},
		{"gitleaks null element", `[null]`, "[0]: expected a gitleaks finding object, found JSON null", 1},
		{"gitleaks RuleID missing", "[\n {\"RuleID\": \"r\"},\n {\"File\": \"a.go\"}\n]", "[1].RuleID: missing or empty", 3},
		{"gitleaks RuleID wrong type", `[{"RuleID": 3}]`, "[0].RuleID: expected string, found JSON number", 1},
		{"gitleaks StartLine wrong type", "[{\"RuleID\": \"r\",\n \"StartLine\": \"7\"}]", "[0].StartLine: expected number, found JSON string", 2},
		{"gitleaks StartLine fraction", `[{"RuleID": "r", "StartLine": 7.5}]`, "[0].StartLine: number out of range", 1},
		{"invalid UTF-8", "[{\"RuleID\": \"r\", \"File\": \"\xc3\x28\"}]", "invalid UTF-8", 1},
		{"deep nesting", deep, "nested deeper", 1},
		{"deep nesting in trufflehog", `{"DetectorName": "x", "ExtraData": ` + deep + `}`, "nested deeper", 1},
		{"XML with external entity", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`, "this is XML, not JSON", 1},
		{"billion laughs", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`, "this is XML, not JSON", 1},
		{"null", `null`, "neither a JSON array nor a JSON object", 1},
		{"string", `"x"`, "neither a JSON array nor a JSON object", 1},
		{"number", `42`, "neither a JSON array nor a JSON object", 1},
		{"grype report", grype, "a JSON object over several lines (it looks like a Grype report)", 1},
		{"SARIF one line", `{"version": "2.1.0", "runs": []}`, "DetectorName: missing or empty: expected a trufflehog finding (it looks like a SARIF log)", 1},
		{"trufflehog no detector", "{\"DetectorName\": \"AWS\"}\n{\"SourceMetadata\": {}}\n", "DetectorName: missing or empty", 2},
		{"trufflehog truncated line", "{\"DetectorName\": \"AWS\"}\n{\"DetectorName\": \"A", "invalid JSON", 2},
		{"trufflehog array line", "{\"DetectorName\": \"AWS\"}\n[1]\n", "expected a JSON object on each line", 2},
		{"trufflehog two objects on a line", `{"DetectorName": "AWS"} {"DetectorName": "AWS"}`, "invalid JSON", 1},
		{"trufflehog Verified wrong type", "\n\n{\"DetectorName\": \"AWS\", \"Verified\": \"true\"}", "Verified: expected boolean, found JSON string", 3},
		{"trufflehog line wrong type", `{"DetectorName": "AWS", "SourceMetadata": {"Data": {"Filesystem": {"file": "a", "line": "7"}}}}`, "SourceMetadata.Data.Filesystem.line: expected number, found JSON string", 1},
		{"byte order mark", "\uFEFF[]", "byte order mark", 1},
		{"trufflehog Data wrong type", `{"DetectorName": "AWS", "SourceMetadata": {"Data": []}}`, "SourceMetadata.Data: expected object, found JSON array", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := secret.Parse(source.New("secrets.json", []byte(tt.input)))
			if err == nil {
				t.Fatalf("Parse succeeded with %d findings, want an error", len(r.Findings))
			}
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *source.Error: %v", err, err)
			}
			if se.Path != "secrets.json" || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if tt.line != 0 && se.Line != tt.line {
				t.Errorf("error line = %d, want %d (%v)", se.Line, tt.line, err)
			}
			if _, rerr := secret.Redact(source.New("secrets.json", []byte(tt.input))); rerr == nil || rerr.Error() != err.Error() {
				t.Errorf("Redact error = %v, want the Parse error", rerr)
			}
		})
	}
}

// TestRealWorldOtherKinds hands the parser real files of other kinds and expects
// an error that says what the file looks like and what was expected.
func TestRealWorldOtherKinds(t *testing.T) {
	tests := []struct{ rel, want string }{
		{"sarif/Suppressions.sarif", "a JSON object over several lines (it looks like a SARIF log)"},
		{"sbom/cyclonedx/dropwizard-1.3.15_bom.json", "a JSON object over several lines (it looks like a CycloneDX document)"},
		{"sbom/cyclonedx/keycloak-10.0.2_bom.xml", "this is XML, not JSON"},
		{"sbom/spdx/SPDXTagExample-v2.3.spdx", "neither a JSON array nor a JSON object"},
		{"github/paginate-issues.json", "expected a gitleaks"},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			f, err := source.Read(realworld.Path(t, tt.rel), tt.rel, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = secret.Parse(f)
			var se *source.Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want a *source.Error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", " \r\n\t\n"} {
		// An empty file that does not say it is trufflehog's may be a crashed scan.
		if _, err := secret.Parse(source.New("gitleaks.json", []byte(in))); err == nil || !strings.Contains(err.Error(), "gitleaks.json: empty file") {
			t.Errorf("Parse(%q) as gitleaks.json: err = %v, want an empty-file error", in, err)
		}
		r, err := secret.Parse(source.New("ci/trufflehog.json", []byte(in)))
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if r.Tool != "trufflehog" || r.MediaType != "application/x-ndjson" || r.Findings == nil || len(r.Findings) != 0 {
			t.Errorf("Parse(%q) = %+v", in, r)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range samples {
		data, err := os.ReadFile(filepath.Join("testdata", s.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `[]`, `[{}]`, `[null]`, `{}`, `[{"RuleID": "r", "StartLine": -3}]`, "{\"DetectorName\": \"x\"}\r\n",
		`{"DetectorName": "x", "SourceMetadata": {"Data": {"Git": null, "Docker": {"file": "f"}}}}`,
		`[{"RuleID": "r", "Secret": "s"`, "{\n}", `<x/>`, "[\"\xff\"]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := source.New("fuzz.json", data)
		r, err := secret.Parse(file)
		if err != nil {
			var se *source.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *source.Error: %v", err, err)
			}
			if _, rerr := secret.Redact(file); rerr == nil {
				t.Fatal("Redact succeeded where Parse failed")
			}
			return
		}
		if r.Findings == nil || (r.Tool != "gitleaks" && r.Tool != "trufflehog") {
			t.Fatalf("bad report %+v", r)
		}
		red, err := secret.Redact(file)
		if err != nil {
			t.Fatalf("Redact failed where Parse succeeded: %v", err)
		}
		r2, err := secret.Parse(source.New("fuzz.json", red))
		if err != nil {
			t.Fatalf("the redacted report does not parse: %v\n%q", err, red)
		}
		if r2.Tool != r.Tool || !reflect.DeepEqual(r.Findings, r2.Findings) {
			t.Fatalf("the redacted report parses differently: %+v, want %+v", r2.Findings, r.Findings)
		}
	})
}

// gitleaksReport builds a gitleaks report of n findings.
func gitleaksReport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, ` {
  "RuleID": "generic-api-key",
  "Description": "Detected a Generic API Key, potentially exposing access to various services and sensitive operations.",
  "StartLine": %d, "EndLine": %d, "StartColumn": 3, "EndColumn": 48,
  "Match": "api_key: \"%s%08d\"",
  "Secret": "%s%08d",
  "File": "src/module%d/config.yaml", "SymlinkFile": "",
  "Commit": "%040x", "Entropy": 4.3389726, "Author": "Dev", "Email": "dev@example.com",
  "Date": "2024-01-01T00:00:00Z", "Message": "add config", "Tags": [],
  "Fingerprint": "%040x:src/module%d/config.yaml:generic-api-key:%d"
 }`, i%300+1, i%300+1, marker, i, marker, i, i%50, i, i, i%50, i%300+1)
	}
	b.WriteString("\n]\n")
	return b.Bytes()
}

func BenchmarkParseGitleaks5000(b *testing.B) {
	data := gitleaksReport(5000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, err := secret.Parse(source.New("gitleaks.json", data))
		if err != nil || len(r.Findings) != 5000 {
			b.Fatal(err, len(r.Findings))
		}
	}
}

func BenchmarkRedactGitleaks5000(b *testing.B) {
	data := gitleaksReport(5000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		out, err := secret.Redact(source.New("gitleaks.json", data))
		if err != nil || bytes.Contains(out, []byte(marker)) {
			b.Fatal(err)
		}
	}
}
