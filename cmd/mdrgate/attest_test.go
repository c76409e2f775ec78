package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"

	"github.com/mdrgate/mdrgate/internal/attest"
)

// statementPayloads returns the in-toto statements of the DSSE envelopes cosign
// verify-attestation printed, one JSON object per line.
func statementPayloads(t *testing.T, out string) []map[string]any {
	t.Helper()
	var sts []map[string]any
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, `{"payloadType"`) {
			continue
		}
		var env struct{ Payload string }
		if err := json.Unmarshal([]byte(line), &env); err != nil {
			t.Fatal(err)
		}
		b, err := base64.StdEncoding.DecodeString(env.Payload)
		if err != nil {
			t.Fatal(err)
		}
		var st map[string]any
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatal(err)
		}
		sts = append(sts, st)
	}
	return sts
}

// bundleStatement returns the in-toto statement inside a Sigstore bundle file.
func bundleStatement(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		DSSEEnvelope struct{ Payload string } `json:"dsseEnvelope"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(bundle.DSSEEnvelope.Payload)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(payload, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// tamperAttestations rewrites the image's cosign attestations in the registry:
// every statement's predicate now claims verdict "pass" with no failures, the
// signatures are kept.
func tamperAttestations(t *testing.T, image string) {
	t.Helper()
	d, err := name.NewDigest(image)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := v1.NewHash(d.DigestStr())
	tag := d.Context().Tag(h.Algorithm + "-" + h.Hex + ".att")
	img, err := remote.Image(tag)
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	out := mutate.MediaType(mutate.ConfigMediaType(empty.Image, m.Config.MediaType), m.MediaType)
	for i, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		var env map[string]any
		if err := json.Unmarshal(data, &env); err != nil {
			t.Fatal(err)
		}
		payload, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
		payload = bytes.ReplaceAll(payload, []byte(`"verdict":"fail"`), []byte(`"verdict":"pass"`))
		payload = bytes.ReplaceAll(payload, []byte(`"outcome":"fail"`), []byte(`"outcome":"pass"`))
		payload = bytes.ReplaceAll(payload, []byte(`"timeVerified":"2026-12-01T00:00:00Z"`), []byte(`"timeVerified":"2026-12-02T00:00:00Z"`))
		env["payload"] = base64.StdEncoding.EncodeToString(payload)
		data, _ = json.Marshal(env)
		if out, err = mutate.Append(out, mutate.Addendum{Layer: static.NewLayer(data, m.Layers[i].MediaType), Annotations: m.Layers[i].Annotations}); err != nil {
			t.Fatal(err)
		}
	}
	if err := remote.Write(tag, out); err != nil {
		t.Fatal(err)
	}
}

// TestAttestImageWithCosignCLI: after mdrgate attest, the real cosign CLI
// verifies the attestation (and the VSA) with the right key, its predicate is
// the one mdrgate wrote beside the file, and the evidence archive is among the
// image's referrers; another key, or an attestation tampered with in the
// registry, fails.
func TestAttestImageWithCosignCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign and crane tools")
	}
	const pw = "attest-pw-8c31"
	for regName, host := range registries(t) {
		t.Run(regName, func(t *testing.T) {
			dir := t.TempDir()
			priv, pub := cosignKeys(t, dir, "cosign", pw)
			_, otherPub := cosignKeys(t, dir, "other", "other-pw-1")
			repo := host + "/infucore/attest-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
			img := pushWithCrane(t, dir, repo+":2.4.0", "firmware "+t.Name()+unique())
			file := filepath.Join(dir, "fw-2.4.0.bin")
			if err := os.WriteFile(file, []byte("firmware 2.4.0 "+t.Name()), 0o644); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{"COSIGN_PASSWORD": pw}
			repoDir := demo(t, nil)
			if code, stdout, stderr := mdrgateEnv(t, vars, "sign", "--key", priv, "--image", img, "--artefact", file, "--at", at, repoDir); code != 0 {
				t.Fatalf("sign: exit %d\n%s%s", code, stdout, stderr)
			}
			archive := filepath.Join(dir, "evidence.tar.gz")
			code, stdout, stderr := mdrgateEnv(t, vars, "attest", "--event", "release", "--key", priv, "--vsa",
				"--image", img, "--artefact", file, "--archive", archive, "--at", at, repoDir)
			if code != 0 || !strings.Contains(stdout, "stored: attestation "+img) || !strings.Contains(stdout, "stored: evidence-archive "+repo+"@sha256:") {
				t.Fatalf("attest: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			assertNoSecrets(t, stdout+stderr, priv, pw)

			out, err := runTool(t, dir, nil, "cosign", "verify-attestation", "--key", pub, "--insecure-ignore-tlog", "--type", attest.PredicateType, img)
			if err != nil {
				t.Fatalf("cosign verify-attestation rejected mdrgate's attestation: %v\n%s", err, out)
			}
			sts := statementPayloads(t, out)
			want := bundleStatement(t, attest.BundlePath(file))
			if len(sts) != 1 {
				t.Fatalf("cosign printed %d attestations, want 1:\n%s", len(sts), out)
			}
			got, _ := json.Marshal(sts[0]["predicate"])
			wantPred, _ := json.Marshal(want["predicate"])
			if !bytes.Equal(got, wantPred) || want["predicateType"] != attest.PredicateType {
				t.Fatalf("the predicate cosign verified differs from mdrgate's:\n%s\n%s", got, wantPred)
			}
			var pred attest.Predicate
			if err := json.Unmarshal(got, &pred); err != nil {
				t.Fatal(err)
			}
			if pred.Verdict != "pass" || pred.Event != "release" || len(pred.Signatures) == 0 {
				t.Fatalf("predicate: verdict %s event %s signatures %d", pred.Verdict, pred.Event, len(pred.Signatures))
			}
			// The artefacts' signatures were verified into the evidence and are listed.
			signed := map[string]bool{}
			for _, s := range pred.Signatures {
				if !s.Verified || s.Type != "signature" {
					t.Errorf("signature of %s: %+v", s.Artefact, s)
				}
				signed[s.Artefact] = true
			}
			if !signed[file] || len(signed) != 2 {
				t.Errorf("signatures in the predicate: %v, want the image and %s", signed, file)
			}
			if out, err := runTool(t, dir, nil, "cosign", "verify-attestation", "--key", pub, "--insecure-ignore-tlog", "--type", attest.VSAPredicateType, img); err != nil {
				t.Fatalf("cosign verify-attestation rejected the VSA: %v\n%s", err, out)
			}
			if out, err := runTool(t, dir, nil, "cosign", "verify-attestation", "--key", otherPub, "--insecure-ignore-tlog", "--type", attest.PredicateType, img); err == nil {
				t.Fatalf("cosign verify-attestation accepted another key:\n%s", out)
			}
			// The file's bundle verifies with cosign too (no transparency log, so an empty trusted root).
			root := filepath.Join(dir, "empty-trusted-root.json")
			if err := os.WriteFile(root, []byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := runTool(t, dir, nil, "cosign", "verify-blob-attestation", "--key", pub, "--insecure-ignore-tlog", "--new-bundle-format",
				"--trusted-root", root, "--bundle", attest.BundlePath(file), "--type", attest.PredicateType, file); err != nil {
				t.Fatalf("cosign verify-blob-attestation rejected the file's bundle: %v\n%s", err, out)
			}
			// The evidence archive in the registry is the file written.
			data, err := os.ReadFile(archive)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := name.NewDigest(img)
			fetched, err := attest.FetchArchive(d, pred.Evidence.Archive.Digest["sha256"])
			if err != nil || !bytes.Equal(fetched, data) {
				t.Fatalf("the evidence archive among the referrers: %v", err)
			}

			tamperAttestations(t, img)
			if out, err := runTool(t, dir, nil, "cosign", "verify-attestation", "--key", pub, "--insecure-ignore-tlog", "--type", attest.PredicateType, img); err == nil {
				t.Fatalf("cosign verify-attestation accepted a tampered attestation:\n%s", out)
			}
		})
	}
}

// TestAttestUsage: attest's usage errors exit 2 and write nothing.
func TestAttestUsage(t *testing.T) {
	dir := t.TempDir()
	priv, _ := cosignKeys(t, dir, "cosign", "usage-pw")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no key, no identity token", []string{"attest", dir}, "keyless signing needs an OIDC identity token"},
		{"wrong password", []string{"attest", "--key", priv, dir}, "cannot load the cosign private key"},
		{"bundle with artefact", []string{"attest", "--key", priv, "--artefact", priv, "--bundle", "x.json", dir}, "--bundle names the commit attestation"},
		{"missing artefact", []string{"attest", "--key", priv, "--artefact", filepath.Join(dir, "nope.bin"), dir}, "not a readable file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := mdrgateEnv(t, map[string]string{"COSIGN_PASSWORD": "wrong"}, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want 2 with %q\nstdout:\n%s\nstderr:\n%s", code, tc.want, stdout, stderr)
			}
			assertNoSecrets(t, stdout+stderr, priv, "usage-pw")
		})
	}
	// Not a git repository and no artefact: nothing to attest.
	code, _, stderr := mdrgateEnv(t, map[string]string{"COSIGN_PASSWORD": "usage-pw"}, "attest", "--key", priv, "--archive", filepath.Join(dir, "a.tar.gz"), "--bundle", filepath.Join(dir, "b.json"), t.TempDir())
	if code != 2 || !strings.Contains(stderr, "nothing to attest") {
		t.Fatalf("no commit: exit %d\n%s", code, stderr)
	}
	for _, f := range []string{"a.tar.gz", "b.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s was written although attest failed", f)
		}
	}
}
