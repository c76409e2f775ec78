package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mdrgateEnv runs the CLI in-process with the given environment (outside CI).
func mdrgateEnv(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "NO_COLOR" {
			return "1"
		}
		return vars[k]
	}
	code = run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: getenv})
	return code, out.String(), errb.String()
}

// TestSignBehindTheGate: a failing release gate signs nothing; a passing one signs
// the image (cosign verify accepts it) and the file (mdrgate verify accepts its bundle).
func TestSignBehindTheGate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign and crane tools")
	}
	const pw = "sign-pw-5d21"
	for regName, host := range registries(t) {
		t.Run(regName, func(t *testing.T) {
			dir := t.TempDir()
			priv, pub := cosignKeys(t, dir, "cosign", pw)
			repo := host + "/infucore/sign-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
			img := pushWithCrane(t, dir, repo+":2.4.0", "firmware "+t.Name()+unique())
			file := filepath.Join(dir, "fw-2.4.0.bin")
			if err := os.WriteFile(file, []byte("firmware 2.4.0 "+t.Name()), 0o644); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{"COSIGN_PASSWORD": pw}

			// Failing gate: an empty repository has no evidence.
			empty := t.TempDir()
			code, stdout, stderr := mdrgateEnv(t, vars, "sign", "--key", priv, "--image", img, "--artefact", file, "--at", at, empty)
			if code != 1 || !strings.Contains(stdout, "release gate: FAIL: nothing signed") || !strings.Contains(stdout, " not_available: ") {
				t.Fatalf("failing gate: exit %d, want 1 listing failing controls\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			assertNoSecrets(t, stdout+stderr, priv, pw)
			if _, err := os.Stat(file + ".sigstore.json"); err == nil {
				t.Fatal("a bundle was written although the gate failed")
			}
			if out, err := runTool(t, dir, nil, "cosign", "verify", "--key", pub, "--insecure-ignore-tlog", img); err == nil {
				t.Fatalf("cosign verify accepted an image signed behind a failing gate:\n%s", out)
			}

			// Passing gate: the demo repository passes every release control.
			code, stdout, stderr = mdrgateEnv(t, vars, "sign", "--key", priv, "--image", img, "--artefact", file, "--at", at, demo(t, nil))
			if code != 0 || !strings.Contains(stdout, "release gate: pass") || !strings.Contains(stdout, "signed: image "+img) {
				t.Fatalf("passing gate: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			assertNoSecrets(t, stdout+stderr, priv, pw)
			if out, err := runTool(t, dir, nil, "cosign", "verify", "--key", pub, "--insecure-ignore-tlog", img); err != nil {
				t.Fatalf("cosign verify rejected mdrgate's signature: %v\n%s", err, out)
			}
			if code, stdout, stderr := mdrgate(t, "verify", "--key", pub, "--insecure-ignore-tlog", file, img); code != 0 {
				t.Fatalf("mdrgate verify: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			// Tampering with the file breaks its bundle.
			if err := os.WriteFile(file, []byte("firmware 2.4.0 tampered"), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, stdout, _ := mdrgate(t, "verify", "--key", pub, "--insecure-ignore-tlog", file); code != 1 || !strings.Contains(stdout, "NOT VERIFIED: file "+file) {
				t.Fatalf("tampered file: exit %d, want 1\n%s", code, stdout)
			}
		})
	}
}

func TestSignUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no key, no identity token", []string{"sign", "--image", "example.invalid/a:1", dir}, "keyless signing needs an OIDC identity token"},
		{"nothing to sign", []string{"sign", "--key", "cosign.key", dir}, "nothing to sign"},
		{"other event", []string{"sign", "--key", "cosign.key", "--image", "example.invalid/a:1", "--event", "pull_request", dir}, "release gate"},
		{"missing artefact", []string{"sign", "--key", "cosign.key", "--artefact", filepath.Join(dir, "nope.bin"), dir}, "nope.bin"},
		{"missing key", []string{"sign", "--key", filepath.Join(dir, "cosign.key"), "--image", "example.invalid/a:1", dir}, "cosign.key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := mdrgate(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, want 2 with %q\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
		})
	}
}
