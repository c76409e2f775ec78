package provenance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/provenance"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

// want is what a test expects of one Provenance.
type want struct {
	mediaType     string
	predicateType string
	subjects      []evidence.Subject
	builderID     string
	buildType     string
	materials     []evidence.Subject
	enveloped     bool
}

func check(t *testing.T, got evidence.Provenance, w want) {
	t.Helper()
	if got.MediaType != w.mediaType {
		t.Errorf("media type %q, want %q", got.MediaType, w.mediaType)
	}
	if got.PredicateType != w.predicateType {
		t.Errorf("predicate type %q, want %q", got.PredicateType, w.predicateType)
	}
	if got.BuilderID != w.builderID {
		t.Errorf("builder id %q, want %q", got.BuilderID, w.builderID)
	}
	if got.BuildType != w.buildType {
		t.Errorf("build type %q, want %q", got.BuildType, w.buildType)
	}
	if got.Enveloped != w.enveloped {
		t.Errorf("enveloped %v, want %v", got.Enveloped, w.enveloped)
	}
	if w.materials == nil {
		w.materials = []evidence.Subject{}
	}
	for _, c := range []struct {
		what      string
		got, want []evidence.Subject
	}{{"subjects", got.Subjects, w.subjects}, {"materials", got.Materials, w.materials}} {
		g, _ := json.Marshal(c.got)
		e, _ := json.Marshal(c.want)
		if string(g) != string(e) {
			t.Errorf("%s:\n got  %s\n want %s", c.what, g, e)
		}
	}
}

// checkInvariants asserts what every parsed Provenance must satisfy.
func checkInvariants(t testing.TB, provs []evidence.Provenance) {
	t.Helper()
	if len(provs) == 0 {
		t.Errorf("no provenance and no error")
	}
	for i, p := range provs {
		if p.Path == "" || p.SHA256 == "" || p.MediaType == "" || p.PredicateType == "" {
			t.Errorf("provenance %d incomplete: %+v", i, p)
		}
		if len(p.Subjects) == 0 || p.Materials == nil {
			t.Errorf("provenance %d: %d subjects, materials nil: %v", i, len(p.Subjects), p.Materials == nil)
		}
		for _, s := range append(append([]evidence.Subject{}, p.Subjects...), p.Materials...) {
			if s.Digest == nil {
				t.Errorf("provenance %d: nil digest in %+v", i, s)
			}
		}
	}
}

func parseFile(t *testing.T, path string) []evidence.Provenance {
	t.Helper()
	f, err := source.Read(path, filepath.Base(path), 0)
	if err != nil {
		t.Fatal(err)
	}
	provs, err := provenance.Parse(f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	checkInvariants(t, provs)
	for _, p := range provs {
		if p.SHA256 != f.SHA256 || p.Path != f.Path {
			t.Errorf("file ref %+v does not name the file %s (%s)", p.FileRef, f.Path, f.SHA256)
		}
	}
	return provs
}

// Values read from the real-world files with jq (for the bundles, from
// `jq -r .dsseEnvelope.payload F | base64 -d`).
var (
	sigstoreJS130 = want{
		predicateType: "https://slsa.dev/provenance/v0.2",
		subjects: []evidence.Subject{{Name: "pkg:npm/sigstore@1.3.0", Digest: map[string]string{
			"sha512": "76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751"}}},
		builderID: "https://github.com/actions/runner",
		buildType: "https://github.com/npm/cli/gha/v2",
		materials: []evidence.Subject{{URI: "git+https://github.com/sigstore/sigstore-js@refs/heads/main", Digest: map[string]string{
			"sha1": "dae8bd8eb433a4147b4655c00fe73e0f22bc0fb1"}}},
	}
	sigstoreJS200 = want{
		mediaType:     provenance.MediaTypeBundle,
		predicateType: "https://slsa.dev/provenance/v1",
		subjects: []evidence.Subject{{Name: "pkg:npm/sigstore@2.0.0", Digest: map[string]string{
			"sha512": "46d4e2f74c4877316640000a6fdf8a8b59f1e0847667973e9859f774dd31b8f1e0937813b777fb66a2ac67d50540fe34640966eee9fc2ccca387082b4c85cd3c"}}},
		builderID: "https://github.com/actions/runner/github-hosted",
		buildType: "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
		materials: []evidence.Subject{{URI: "git+https://github.com/sigstore/sigstore-js@refs/heads/main", Digest: map[string]string{
			"gitCommit": "f0b49a04e5a62250e0f60fb128004a73110fe311"}}},
		enveloped: true,
	}
	slsaProvenance007 = want{
		mediaType:     provenance.MediaTypeBundle,
		predicateType: "https://slsa.dev/provenance/v0.2",
		subjects: []evidence.Subject{{Name: "slsa-provenance-0.0.7.tgz", Digest: map[string]string{
			"sha512": "bbfd372fc9beeb777fe35d05bb10c0c70a9733d366a75fed7dd18866c7391de3ee7e88ba74dd47abf3e15c845e547fcf0e5c3da80854c751554224d3a6d4e55f"}}},
		builderID: "https://github.com/npm/slsa-provenance@0.0.1",
		buildType: "https://github.com/npm/slsa-provenance/gha@v0",
		materials: []evidence.Subject{{URI: "git+https://github.com/github/slsa-provenance", Digest: map[string]string{
			"sha1": "29cff3dd65f780c3601bd457acb6fe4e5931c825"}}},
		enveloped: true,
	}
)

func TestRealWorld(t *testing.T) {
	statement := sigstoreJS130
	statement.mediaType = provenance.MediaTypeStatement
	bundle := sigstoreJS130
	bundle.mediaType = provenance.MediaTypeBundle
	bundle.enveloped = true
	tests := []struct {
		file string
		want want
	}{
		{"sigstore/statement-provenance-sigstorejs1.3.0.json", statement},
		{"sigstore/bundle-provenance.json", bundle},
		{"sigstore/sigstore.js@2.0.0-provenance.sigstore.json", sigstoreJS200},
		{"sigstore/dsse.sigstore.json", slsaProvenance007},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			provs := parseFile(t, realworld.Path(t, tt.file))
			if len(provs) != 1 {
				t.Fatalf("%d provenance records, want 1", len(provs))
			}
			check(t, provs[0], tt.want)
		})
	}
}

// TestRealWorldEnvelopesAsJSONLines puts the real bundles' DSSE envelopes one a
// line, as an .intoto.jsonl file holds them.
func TestRealWorldEnvelopesAsJSONLines(t *testing.T) {
	var lines []string
	for _, name := range []string{"bundle-provenance.json", "sigstore.js@2.0.0-provenance.sigstore.json", "dsse.sigstore.json"} {
		data, err := os.ReadFile(realworld.Path(t, "sigstore/"+name))
		if err != nil {
			t.Fatal(err)
		}
		var b struct {
			DSSEEnvelope json.RawMessage `json:"dsseEnvelope"`
		}
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b.DSSEEnvelope); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, compact.String())
	}
	f := source.New("npm.intoto.jsonl", []byte(strings.Join(lines, "\n")+"\n"))
	provs, err := provenance.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, provs)
	if len(provs) != 3 {
		t.Fatalf("%d records, want 3", len(provs))
	}
	first := sigstoreJS130
	first.enveloped = true
	for i, w := range []want{first, sigstoreJS200, slsaProvenance007} {
		w.mediaType = provenance.MediaTypeJSONLines
		check(t, provs[i], w)
	}
}

// The samples in testdata are handmade, shaped like slsa-github-generator's
// output (see testdata/README.md).
var (
	controllerV1 = want{
		predicateType: "https://slsa.dev/provenance/v1",
		subjects: []evidence.Subject{
			{Name: "pump-controller-linux-amd64", Digest: map[string]string{"sha256": "8f3c1b0e5a7d9c2f4e6a8b0d1c3e5f7a9b2d4f6e8a0c2e4f6a8b0c2d4e6f8a0b"}},
			{Name: "pump-controller-linux-arm64", Digest: map[string]string{"sha256": "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"}},
		},
		builderID: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0",
		buildType: "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
		materials: []evidence.Subject{{URI: "git+https://github.com/example-medical/pump-controller@refs/tags/v2.8.1",
			Digest: map[string]string{"gitCommit": "4c7f2a9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a"}}},
	}
	gatewayV02 = want{
		mediaType:     provenance.MediaTypeJSONLines,
		predicateType: "https://slsa.dev/provenance/v0.2",
		subjects: []evidence.Subject{{Name: "pump-gateway_4.2_linux_amd64.tar.gz",
			Digest: map[string]string{"sha256": "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"}}},
		builderID: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v1.9.0",
		buildType: "https://github.com/slsa-framework/slsa-github-generator/go@v1",
		materials: []evidence.Subject{
			{URI: "git+https://github.com/example-medical/pump-gateway@refs/tags/v4.2.0", Digest: map[string]string{"sha1": "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e"}},
			{URI: "https://github.com/actions/virtual-environments/releases/tag/ubuntu22/20240218.1", Digest: map[string]string{}},
		},
		enveloped: true,
	}
	firmwareV01 = want{
		mediaType:     provenance.MediaTypeJSONLines,
		predicateType: "https://slsa.dev/provenance/v0.1",
		subjects: []evidence.Subject{{Name: "pump-firmware.bin",
			Digest: map[string]string{"sha256": "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"}}},
		builderID: "https://build.example.com/builders/firmware@v1",
		buildType: "https://build.example.com/recipes/make@v1",
		materials: []evidence.Subject{{URI: "git+https://git.example.com/pump-firmware@refs/heads/main",
			Digest: map[string]string{"sha1": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"}}},
	}
	// Any in-toto statement is read; only SLSA predicates give a builder.
	spdxAttestation = want{
		mediaType:     provenance.MediaTypeJSONLines,
		predicateType: "https://spdx.dev/Document/v2.3",
		subjects: []evidence.Subject{{Name: "pump-controller-linux-amd64",
			Digest: map[string]string{"sha256": "8f3c1b0e5a7d9c2f4e6a8b0d1c3e5f7a9b2d4f6e8a0c2e4f6a8b0c2d4e6f8a0b"}}},
		enveloped: true,
	}
)

func TestSamples(t *testing.T) {
	statement := controllerV1
	statement.mediaType = provenance.MediaTypeStatement
	envelope := controllerV1
	envelope.mediaType = provenance.MediaTypeEnvelope
	envelope.enveloped = true
	inLines := controllerV1
	inLines.mediaType = provenance.MediaTypeJSONLines
	inLines.enveloped = true
	tests := []struct {
		file string
		want []want
	}{
		{"testdata/slsa-v1.statement.json", []want{statement}},
		{"testdata/slsa-v1.dsse.json", []want{envelope}},
		{"testdata/multiple.intoto.jsonl", []want{gatewayV02, inLines, firmwareV01, spdxAttestation}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			provs := parseFile(t, tt.file)
			if len(provs) != len(tt.want) {
				t.Fatalf("%d records, want %d", len(provs), len(tt.want))
			}
			for i, w := range tt.want {
				t.Run(fmt.Sprint(i), func(t *testing.T) { check(t, provs[i], w) })
			}
		})
	}
}

// TestJSONLinesDetection checks that one-object-a-line content is read as
// JSON lines whatever the file is called, unless it is called .json.
func TestJSONLinesDetection(t *testing.T) {
	data, err := os.ReadFile("testdata/multiple.intoto.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	provs, err := provenance.Parse(source.New("attestations.txt", data))
	if err != nil || len(provs) != 4 || provs[0].MediaType != provenance.MediaTypeJSONLines {
		t.Errorf("attestations.txt: %d records, %v", len(provs), err)
	}
	_, err = provenance.Parse(source.New("attestations.json", data))
	se := asSourceError(t, err)
	if se.Line != 3 || !strings.Contains(se.Msg, "after the JSON document (for one document a line, name the file .jsonl)") {
		t.Errorf("attestations.json: %v", err)
	}
	// A single line named .jsonl is one record.
	line, _, _ := strings.Cut(string(data), "\n")
	provs, err = provenance.Parse(source.New("one.intoto.jsonl", []byte(line)))
	if err != nil || len(provs) != 1 {
		t.Errorf("one line: %d records, %v", len(provs), err)
	}
}

func asSourceError(t testing.TB, err error) *source.Error {
	t.Helper()
	var se *source.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *source.Error", err, err)
	}
	return se
}
