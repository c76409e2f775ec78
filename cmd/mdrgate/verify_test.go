package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/mdrgate/mdrgate/evidence"
)

// tool returns the path of a go.mod tool (go tool -n NAME), built once.
var tools sync.Map

func tool(t *testing.T, name string) string {
	t.Helper()
	if p, ok := tools.Load(name); ok {
		return p.(string)
	}
	cmd := exec.Command("go", "tool", "-n", name)
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool -n %s: %v\n%s", name, err, out)
	}
	p := strings.TrimSpace(string(out))
	tools.Store(name, p)
	return p
}

// runTool runs a tool with a private HOME and the given extra environment.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "COSIGN_YES=true"}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// registries are the registries the release-integrity tests run against: an
// in-process go-containerregistry registry always, and the real docker-registry
// started by scripts/test.sh when reachable (required when CI is set).
func registries(t *testing.T) map[string]string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	out := map[string]string{"in-process": u.Host}
	addr := os.Getenv("MDRGATE_TEST_REGISTRY")
	if addr == "" {
		addr = "127.0.0.1:5000"
	}
	c, err := net.DialTimeout("tcp", addr, time.Second)
	switch {
	case err == nil:
		c.Close()
		out["docker-registry"] = addr
	case os.Getenv("CI") == "true":
		t.Fatalf("docker-registry is not reachable at %s (%v): scripts/test.sh starts it; in CI this test must not skip", addr, err)
	default:
		t.Logf("skipping the docker-registry end-to-end run: nothing listens on %s (run scripts/test.sh)", addr)
	}
	return out
}

// pushWithCrane pushes a one-layer image built by crane append and returns its digest reference.
func pushWithCrane(t *testing.T, dir, ref, content string) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	_ = tw.WriteHeader(&tar.Header{Name: "firmware.bin", Mode: 0o644, Size: int64(len(content))})
	_, _ = tw.Write([]byte(content))
	_ = tw.Close()
	layer := filepath.Join(dir, "layer-"+strings.NewReplacer("/", "_", ":", "_").Replace(ref)+".tar")
	if err := os.WriteFile(layer, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runTool(t, dir, nil, "crane", "append", "--new_layer", layer, "--new_tag", ref); err != nil {
		t.Fatalf("crane append: %v\n%s", err, out)
	}
	out, err := runTool(t, dir, nil, "crane", "digest", "--full-ref", ref)
	if err != nil {
		t.Fatalf("crane digest: %v\n%s", err, out)
	}
	return strings.TrimSpace(out)
}

// cosignKeys generates a cosign key pair with the real cosign CLI.
func cosignKeys(t *testing.T, dir, stem, password string) (priv, pub string) {
	t.Helper()
	prefix := filepath.Join(dir, stem)
	if out, err := runTool(t, dir, []string{"COSIGN_PASSWORD=" + password}, "cosign", "generate-key-pair", "--output-key-prefix", prefix); err != nil {
		t.Fatalf("cosign generate-key-pair: %v\n%s", err, out)
	}
	return prefix + ".key", prefix + ".pub"
}

// assertNoSecrets fails when output contains a password or private key material.
func assertNoSecrets(t *testing.T, out string, privKey string, passwords ...string) {
	t.Helper()
	for _, p := range passwords {
		if strings.Contains(out, p) {
			t.Errorf("output contains a password:\n%s", out)
		}
	}
	b, err := os.ReadFile(privKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if len(line) > 20 && !strings.HasPrefix(line, "-----") && strings.Contains(out, line) {
			t.Errorf("output contains private key material:\n%s", out)
		}
	}
	if strings.Contains(out, "PRIVATE KEY") {
		t.Errorf("output mentions a private key block:\n%s", out)
	}
}

// TestVerifyImageWithCosignCLI: an image pushed with crane and signed with the
// real cosign CLI verifies with mdrgate; another key or no signature does not.
func TestVerifyImageWithCosignCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign and crane tools")
	}
	const pw, otherPW = "release-pw-7f3a", "other-pw-91bc"
	for regName, host := range registries(t) {
		t.Run(regName, func(t *testing.T) {
			dir := t.TempDir()
			priv, pub := cosignKeys(t, dir, "cosign", pw)
			otherPriv, otherPub := cosignKeys(t, dir, "other", otherPW)
			repo := host + "/infucore/fw-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
			signed := pushWithCrane(t, dir, repo+":2.4.0", "firmware 2.4.0 "+t.Name())
			unsigned := pushWithCrane(t, dir, repo+":2.4.1", "firmware 2.4.1 "+t.Name())
			if out, err := runTool(t, dir, []string{"COSIGN_PASSWORD=" + pw}, "cosign", "sign", "--key", priv, "--tlog-upload=false", "--yes", signed); err != nil {
				t.Fatalf("cosign sign: %v\n%s", err, out)
			}
			// cosign itself accepts the signature: the fixture is real.
			if out, err := runTool(t, dir, nil, "cosign", "verify", "--key", pub, "--insecure-ignore-tlog", signed); err != nil {
				t.Fatalf("cosign verify: %v\n%s", err, out)
			}
			for _, tt := range []struct {
				name, key, ref string
				code           int
				want           []string
			}{
				{"signed, by tag", pub, repo + ":2.4.0", 0, []string{"verified: image " + repo + ":2.4.0", "key:" + pub}},
				{"signed, by digest", pub, signed, 0, []string{"verified: image " + signed}},
				{"another key", otherPub, repo + ":2.4.0", 1, []string{"NOT VERIFIED: image " + repo + ":2.4.0", "key " + otherPub}},
				{"no signature", pub, unsigned, 1, []string{"NOT VERIFIED: image " + unsigned, "no signature found"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					code, stdout, stderr := mdrgate(t, "verify", "--key", tt.key, "--insecure-ignore-tlog", tt.ref)
					if code != tt.code {
						t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
					}
					for _, w := range tt.want {
						if !strings.Contains(stdout, w) {
							t.Errorf("stdout does not contain %q:\n%s", w, stdout)
						}
					}
					assertNoSecrets(t, stdout+stderr, priv, pw, otherPW)
					assertNoSecrets(t, stdout+stderr, otherPriv)
				})
			}
		})
	}
}

// TestVerifyImageNewBundleFormatWithCosignCLI: an image signed with the real
// 'cosign sign --new-bundle-format' (a Sigstore bundle stored as an OCI
// referrer) verifies with mdrgate on a registry with the Referrers API and on
// registries without it (the referrers tag); another key or no signature does
// not, and the reason names both signature formats.
func TestVerifyImageNewBundleFormatWithCosignCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign and crane tools")
	}
	const pw, otherPW = "release-pw-5c2e", "other-pw-0d4f"
	regs := registries(t)
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(true)))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	regs["in-process Referrers API"] = u.Host
	nonce := fmt.Sprint(time.Now().UnixNano())
	for regName, host := range regs {
		t.Run(regName, func(t *testing.T) {
			dir := t.TempDir()
			priv, pub := cosignKeys(t, dir, "cosign", pw)
			otherPriv, otherPub := cosignKeys(t, dir, "other", otherPW)
			// The nonce keeps concurrent and earlier runs on the persistent
			// docker-registry apart.
			repo := host + "/infucore/fw-" + strings.ToLower(strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())) + "-" + nonce
			signed := pushWithCrane(t, dir, repo+":2.4.0", "firmware 2.4.0 "+t.Name()+nonce)
			unsigned := pushWithCrane(t, dir, repo+":2.4.1", "firmware 2.4.1 "+t.Name()+nonce)
			attested := pushWithCrane(t, dir, repo+":2.4.2", "firmware 2.4.2 "+t.Name()+nonce)
			if out, err := runTool(t, dir, []string{"COSIGN_PASSWORD=" + pw}, "cosign", "sign", "--key", priv, "--tlog-upload=false", "--new-bundle-format", "--yes", signed); err != nil {
				t.Fatalf("cosign sign --new-bundle-format: %v\n%s", err, out)
			}
			// An attestation is stored the same way (cosign v2.6.5 'verify
			// --new-bundle-format' accepts it as a signature); it is not one.
			predicate := filepath.Join(dir, "sbom.json")
			if err := os.WriteFile(predicate, []byte(`{"sbom":"infucore"}`), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := runTool(t, dir, []string{"COSIGN_PASSWORD=" + pw}, "cosign", "attest", "--key", priv, "--tlog-upload=false", "--new-bundle-format", "--predicate", predicate, "--type", "https://example.com/sbom/v1", "--yes", attested); err != nil {
				t.Fatalf("cosign attest --new-bundle-format: %v\n%s", err, out)
			}
			// The signature is a referrer, not a ".sig" tag; the referrers tag
			// exists exactly when the registry has no Referrers API.
			tags, err := runTool(t, dir, nil, "crane", "ls", repo)
			if err != nil {
				t.Fatalf("crane ls: %v\n%s", err, tags)
			}
			refTag := strings.Replace(signed[strings.LastIndex(signed, "@")+1:], ":", "-", 1)
			if strings.Contains(tags, refTag+".sig") || strings.Contains(tags, refTag) != (regName != "in-process Referrers API") {
				t.Fatalf("tags of %s after cosign sign --new-bundle-format:\n%s", repo, tags)
			}
			// cosign itself accepts the signature (and refuses another key): the
			// fixture is real. It wants a trusted root even for keys: an empty one.
			root := filepath.Join(dir, "trusted_root.json")
			if out, err := runTool(t, dir, nil, "cosign", "trusted-root", "create", "--out", root); err != nil {
				t.Fatalf("cosign trusted-root create: %v\n%s", err, out)
			}
			if out, err := runTool(t, dir, nil, "cosign", "verify", "--key", pub, "--insecure-ignore-tlog", "--new-bundle-format", "--trusted-root", root, signed); err != nil {
				t.Fatalf("cosign verify --new-bundle-format: %v\n%s", err, out)
			}
			if out, err := runTool(t, dir, nil, "cosign", "verify", "--key", otherPub, "--insecure-ignore-tlog", "--new-bundle-format", "--trusted-root", root, signed); err == nil {
				t.Fatalf("cosign verify accepted another key:\n%s", out)
			}
			for _, tt := range []struct {
				name, key, ref string
				code           int
				want           []string
			}{
				{"signed, by tag", pub, repo + ":2.4.0", 0, []string{"verified: image " + repo + ":2.4.0", "key:" + pub}},
				{"signed, by digest", pub, signed, 0, []string{"verified: image " + signed, "key:" + pub}},
				{"another key", otherPub, repo + ":2.4.0", 1, []string{"NOT VERIFIED: image " + repo + ":2.4.0", ".sig tag: key " + otherPub + ": no signature found", "Sigstore bundle referrers: bundle sha256:", ": key " + otherPub + ": "}},
				{"no signature", pub, unsigned, 1, []string{"NOT VERIFIED: image " + unsigned, ".sig tag: key " + pub + ": no signature found; Sigstore bundle referrers: no signature found"}},
				{"an attestation only", pub, attested, 1, []string{"NOT VERIFIED: image " + attested, `an attestation of predicate type "https://example.com/sbom/v1", not a signature`}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					code, stdout, stderr := mdrgate(t, "verify", "--key", tt.key, "--insecure-ignore-tlog", tt.ref)
					if code != tt.code {
						t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
					}
					for _, w := range tt.want {
						if !strings.Contains(stdout, w) {
							t.Errorf("stdout does not contain %q:\n%s", w, stdout)
						}
					}
					assertNoSecrets(t, stdout+stderr, priv, pw, otherPW)
					assertNoSecrets(t, stdout+stderr, otherPriv)
				})
			}
			t.Run("index, per platform", func(t *testing.T) {
				idx := pushIndexWithCrane(t, dir, repo, nonce)
				sign := func(extra ...string) {
					args := append([]string{"sign", "--key", priv, "--tlog-upload=false", "--new-bundle-format", "--yes"}, extra...)
					if out, err := runTool(t, dir, []string{"COSIGN_PASSWORD=" + pw}, "cosign", append(args, idx)...); err != nil {
						t.Fatalf("cosign %v: %v\n%s", args, err, out)
					}
				}
				// Without --recursive cosign signs the index only.
				sign()
				want := []evidence.Verification{
					{Type: "signature", Verified: true, Identity: "key:" + pub},
					{Type: "signature", Platform: "linux/amd64"},
					{Type: "signature", Platform: "linux/arm64"},
				}
				verifyIndexJSON(t, dir, pub, idx, 1, want)
				sign("--recursive")
				want[1].Verified, want[1].Identity = true, "key:"+pub
				want[2].Verified, want[2].Identity = true, "key:"+pub
				verifyIndexJSON(t, dir, pub, idx, 0, want)
			})
		})
	}
}

// pushIndexWithCrane pushes a linux/amd64 + linux/arm64 index built with crane
// and returns its digest reference.
func pushIndexWithCrane(t *testing.T, dir, repo, nonce string) string {
	t.Helper()
	args := []string{"index", "append", "--tag", repo + ":multi"}
	for _, arch := range []string{"amd64", "arm64"} {
		ref := repo + ":" + arch
		pushWithCrane(t, dir, ref, "firmware "+arch+" "+nonce)
		if out, err := runTool(t, dir, nil, "crane", "mutate", "--set-platform", "linux/"+arch, ref); err != nil {
			t.Fatalf("crane mutate: %v\n%s", err, out)
		}
		args = append(args, "--manifest", ref)
	}
	if out, err := runTool(t, dir, nil, "crane", args...); err != nil {
		t.Fatalf("crane index append: %v\n%s", err, out)
	}
	out, err := runTool(t, dir, nil, "crane", "digest", "--full-ref", repo+":multi")
	if err != nil {
		t.Fatalf("crane digest: %v\n%s", err, out)
	}
	return strings.TrimSpace(out)
}

// verifyIndexJSON runs mdrgate verify on an index and compares the exit code and
// the verifications of --output (reasons only checked to be given when unverified).
func verifyIndexJSON(t *testing.T, dir, pub, idx string, code int, want []evidence.Verification) {
	t.Helper()
	out := filepath.Join(dir, "verify.json")
	c, stdout, stderr := mdrgate(t, "verify", "--key", pub, "--insecure-ignore-tlog", "-o", out, idx)
	if c != code {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", c, code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Artefacts []evidence.Artefact }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Artefacts) != 1 || len(doc.Artefacts[0].Verifications) != len(want) {
		t.Fatalf("artefacts = %s, want one with %d verifications", b, len(want))
	}
	for i, got := range doc.Artefacts[0].Verifications {
		if got.Verified == (got.Reason != "") {
			t.Errorf("verification %d: verified %v with reason %q", i, got.Verified, got.Reason)
		}
		got.Reason = ""
		if got != want[i] {
			t.Errorf("verification %d = %+v, want %+v", i, got, want[i])
		}
	}
}

func TestVerifyUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no trust", []string{"verify", "example.invalid/app:1"}, "no trust given"},
		{"no argument", []string{"verify", "--key", "x.pub"}, "requires at least 1 arg"},
		{"bundle with two files", []string{"verify", "--bundle", "b.json", "a", "b"}, "exactly one FILE"},
		{"missing key file", []string{"verify", "--key", filepath.Join(dir, "nope.pub"), "--insecure-ignore-tlog", "example.invalid/app:1"}, "nope.pub"},
		{"bad reference", []string{"verify", "--key", filepath.Join(repoRoot(t), "go.mod"), "--insecure-ignore-tlog", "Bad Ref"}, "--key"},
		{"trust flags without artefacts on check", []string{"check", "--key", "x.pub", dir}, "need --image or --artefact"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := mdrgate(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, want 2 with %q\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
		})
	}
}

// TestVerifyFileBundleRealWorld: a real public-good bundle verifies offline when
// the file is the bundle's subject; here the statement itself is not the subject,
// so it is refused with the reason.
func TestVerifyFileKeylessWrongArtefact(t *testing.T) {
	rw := filepath.Join(repoRoot(t), "..", "shared", "realworld", "sigstore")
	code, stdout, stderr := mdrgate(t, "verify",
		"--bundle", filepath.Join(rw, "bundle-provenance.json"),
		"--trusted-root", filepath.Join(rw, "trusted-root-public-good.json"),
		"--certificate-identity", "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
		"--certificate-oidc-issuer", "https://token.actions.githubusercontent.com",
		filepath.Join(rw, "statement-provenance-sigstorejs1.3.0.json"))
	if code != 1 || !strings.Contains(stdout, "NOT VERIFIED: file ") {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
