package attest_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/sigstore/cosign/v2/pkg/cosign"

	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/jsonschemagen"
	"github.com/mdrgate/mdrgate/internal/sign"
)

var update = flag.Bool("update", false, "rewrite schema/predicate.schema.json")

func generate(t *testing.T) []byte {
	t.Helper()
	g, err := jsonschemagen.New(true, map[string][]string{
		"attest":   {"predicate.go"},
		"result":   {"../result/result.go"},
		"evidence": {"../../evidence/evidence.go"},
		"engine":   {"../engine/evaluate.go"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Document(reflect.TypeOf(attest.Predicate{}), attest.PredicateType+"/schema.json",
		"mdrgate attestation predicate ("+attest.PredicateType+")",
		"Generated from internal/attest/predicate.go by go test ./internal/attest -update. "+g.Doc("attest.Predicate"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPredicateSchemaUpToDate: the committed schema is the one the types give.
func TestPredicateSchemaUpToDate(t *testing.T) {
	want := generate(t)
	if *update {
		if err := os.WriteFile("schema/predicate.schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(attest.PredicateSchema, want) {
		t.Fatal("schema/predicate.schema.json is out of date with predicate.go: run go test ./internal/attest -update and review the diff")
	}
}

func predicateSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(attest.PredicateSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("predicate.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("predicate.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var at = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

const leakedSecret = "AKIAQWERTYUIOPASDFGH"

// demo builds a committed copy of the demo repository with a gitleaks finding
// carrying a secret, and evaluates it.
func demo(t *testing.T) (string, *check.Evaluation) {
	t.Helper()
	dir := t.TempDir()
	if err := demorepo.Build("../..", dir, nil); err != nil {
		t.Fatal(err)
	}
	report := `[{"Description":"AWS Access Key","StartLine":3,"EndLine":3,"StartColumn":10,"EndColumn":29,"Match":"aws_key = ` + leakedSecret + `","Secret":"` + leakedSecret + `","File":"config/default.yaml","SymlinkFile":"","Commit":"","Entropy":3.5,"Author":"","Email":"","Date":"","Message":"","Tags":[],"RuleID":"aws-access-token","Fingerprint":"config/default.yaml:aws-access-token:3"}]`
	if err := os.WriteFile(filepath.Join(dir, "build", "gitleaks.json"), []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := demorepo.Commit(dir, "leak", demorepo.CommitTime.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ev, err := check.Evaluate(context.Background(), check.Options{Dir: dir, At: at, Event: "release", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return dir, ev
}

func signer(t *testing.T, dir string) *sign.Signer {
	t.Helper()
	pw := []byte("attest-test-pw")
	kp, err := cosign.GenerateKeyPair(func(bool) ([]byte, error) { return pw, nil })
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "cosign.key")
	if err := os.WriteFile(p, kp.PrivateBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sign.Load(p, pw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestArchive: the archive holds the evidence document, every input and every
// policy by digest, secret-scan reports redacted; it is the same byte for byte
// when built twice; and ReadArchive reads it back.
func TestArchive(t *testing.T) {
	dir, ev := demo(t)
	a, err := attest.BuildArchive(ev.Document, ev.Modules, dir, at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := attest.BuildArchive(ev.Document, ev.Modules, dir, at)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Data, b.Data) {
		t.Fatal("the archive differs between two builds of the same evaluation")
	}
	if a.DocumentSHA256 != ev.Report.EvidenceSHA256 {
		t.Errorf("archived document digest %s, report's evidence digest %s", a.DocumentSHA256, ev.Report.EvidenceSHA256)
	}
	c, err := attest.ReadArchive("test", a.Data)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(ev.Document.Inputs) || len(a.Files) == 0 {
		t.Fatalf("archived %d evidence files, the document has %d inputs", len(a.Files), len(ev.Document.Inputs))
	}
	redacted := 0
	for _, f := range a.Files {
		blob, ok := c.Blobs[f.SHA256]
		if !ok || attest.Digest(blob) != f.SHA256 {
			t.Errorf("%s: not in the archive under its digest", f.Path)
		}
		if f.Redacted {
			redacted++
			if f.Path != "build/gitleaks.json" || f.SHA256 == f.SourceSHA256 || bytes.Contains(blob, []byte(leakedSecret)) {
				t.Errorf("%s: redacted=%v sha=%s source=%s, secret present: %v", f.Path, f.Redacted, f.SHA256, f.SourceSHA256, bytes.Contains(blob, []byte(leakedSecret)))
			}
		} else if f.SHA256 != f.SourceSHA256 {
			t.Errorf("%s: archived digest %s differs from the collected %s", f.Path, f.SHA256, f.SourceSHA256)
		}
	}
	if redacted != 1 {
		t.Errorf("%d redacted files, want 1 (build/gitleaks.json)", redacted)
	}
	if bytes.Contains(c.Blobs[a.DocumentSHA256], []byte(leakedSecret)) {
		t.Error("the archived evidence document contains the secret")
	}
	for _, m := range ev.Modules {
		if _, ok := c.Blobs[m.SHA256()]; !ok {
			t.Errorf("policy %s is not archived", m.Path)
		}
	}
	// A file changed since collection is refused, naming it.
	if err := os.WriteFile(filepath.Join(dir, "SECURITY.md"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := attest.BuildArchive(ev.Document, ev.Modules, dir, at); err == nil || !strings.Contains(err.Error(), "evidence file SECURITY.md changed since it was collected") {
		t.Fatalf("changed evidence file: %v", err)
	}
}

func tgz(t *testing.T, entries ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, h := range entries {
		data := []byte(`{"schema":"` + attest.ArchiveSchema + `","entries":[]}`)
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(data))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			_, _ = tw.Write(data)
		}
	}
	_ = tw.Close()
	_ = zw.Close()
	return buf.Bytes()
}

// TestReadArchiveRefuses: anything but index.json and blobs/sha256/<hex> is refused.
func TestReadArchiveRefuses(t *testing.T) {
	blob := "blobs/sha256/" + strings.Repeat("a", 64)
	reg := func(n string) *tar.Header { return &tar.Header{Name: n, Mode: 0o644, Typeflag: tar.TypeReg} }
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"not gzip", "not a gzip-compressed tar", []byte("plain text")},
		{"no index", "no index.json", tgz(t, reg(blob))},
		{"traversal", `unexpected entry "../etc/passwd"`, tgz(t, reg("index.json"), reg("../etc/passwd"))},
		{"symlink", "is not a regular file", tgz(t, reg("index.json"), &tar.Header{Name: blob, Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"})},
		{"duplicate blob", "appears twice", tgz(t, reg("index.json"), reg(blob), reg(blob))},
		{"short digest", "unexpected entry", tgz(t, reg("index.json"), reg("blobs/sha256/abc"))},
		{"truncated", "entry", tgz(t, reg("index.json"))[:30]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := attest.ReadArchive("ev.tar.gz", tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "ev.tar.gz") {
				t.Fatalf("err = %v, want one naming ev.tar.gz and containing %q", err, tc.want)
			}
		})
	}
}

// TestAttest: image, file and commit attestations on the in-process registry:
// the statement is a valid in-toto statement whose predicate validates against
// the schema, the file bundle holds it, and the evidence archive is found among
// the image's referrers.
func TestAttest(t *testing.T) {
	dir, ev := demo(t)
	s := signer(t, t.TempDir())
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	img, err := random.Image(512, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag(u.Host + "/infucore/fw:2.4.0")
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	h, _ := img.Digest()
	out := t.TempDir()
	file := filepath.Join(out, "fw.bin")
	if err := os.WriteFile(file, []byte("firmware"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := attest.Attest(context.Background(), ev, attest.Options{
		Dir: dir, Images: []string{tag.String()}, Files: []string{file}, Archive: filepath.Join(out, "ev.tar.gz"), VSA: true, Signer: s,
	})
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Type          string `json:"_type"`
		Subject       []attest.Descriptor
		PredicateType string
		Predicate     json.RawMessage
	}
	if err := json.Unmarshal(res.Statement, &st); err != nil {
		t.Fatal(err)
	}
	if st.Type != attest.StatementType || st.PredicateType != attest.PredicateType || len(st.Subject) != 2 ||
		st.Subject[0].Digest["sha256"] != h.Hex || st.Subject[1].Digest["sha256"] != attest.Digest([]byte("firmware")) {
		t.Fatalf("statement header: %+v", st)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(st.Predicate))
	if err != nil {
		t.Fatal(err)
	}
	if err := predicateSchema(t).Validate(inst); err != nil {
		t.Fatalf("the predicate does not validate against its schema: %v", err)
	}
	p := res.Predicate
	if p.Verdict != ev.Report.Verdict || len(p.Results) != len(ev.Report.Controls) || p.Evidence.DocumentSHA256 != ev.Report.EvidenceSHA256 ||
		p.Policy.Digest["sha256"] != ev.Report.PolicySHA256 || !p.TimeVerified.Equal(at) || p.Evidence.Archive.Digest["sha256"] != res.Archive.SHA256 {
		t.Fatalf("predicate does not match the evaluation: verdict %s results %d", p.Verdict, len(p.Results))
	}
	// The file's bundle carries the same statement.
	b, err := os.ReadFile(attest.BundlePath(file))
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		DSSEEnvelope struct{ Payload string } `json:"dsseEnvelope"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	if payload, _ := base64.StdEncoding.DecodeString(bundle.DSSEEnvelope.Payload); !bytes.Equal(payload, res.Statement) {
		t.Fatal("the file's bundle does not carry the statement")
	}
	if _, err := os.Stat(attest.VSAPath(attest.BundlePath(file))); err != nil {
		t.Fatalf("no VSA bundle beside the file: %v", err)
	}
	// The archive is written and pushed as a referrer of the image.
	data, err := os.ReadFile(filepath.Join(out, "ev.tar.gz"))
	if err != nil || attest.Digest(data) != res.Archive.SHA256 {
		t.Fatalf("archive file: %v", err)
	}
	got, err := attest.FetchArchive(tag.Context().Digest(h.String()), res.Archive.SHA256)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("FetchArchive: %v", err)
	}
	if _, err := attest.FetchArchive(tag.Context().Digest(h.String()), strings.Repeat("0", 64)); err == nil || !strings.Contains(err.Error(), "found 1 other archive") {
		t.Fatalf("FetchArchive of an unknown digest: %v", err)
	}

	// Without artefacts, the commit is the subject.
	bundlePath := filepath.Join(out, "commit.sigstore.json")
	res, err = attest.Attest(context.Background(), ev, attest.Options{Dir: dir, Archive: filepath.Join(out, "ev2.tar.gz"), Bundle: bundlePath, Signer: s})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Subjects) != 1 || res.Subjects[0].Algorithm != "gitCommit" || res.Subjects[0].Hex != ev.Document.Context.Commit {
		t.Fatalf("commit subject: %+v", res.Subjects)
	}
	if _, err := os.Stat(bundlePath); err != nil {
		t.Fatal(err)
	}
}
