package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/sign/signtest"
)

const (
	keylessIssuer   = "https://token.ci.infucore.example"
	keylessIdentity = "release-bot@infucore.example"
)

// keylessRepo is the demo repository whose configuration names the keyless
// release signer in signing.identities.
func keylessRepo(t *testing.T) string {
	t.Helper()
	dir := demo(t, nil)
	cfg := filepath.Join(dir, ".mdrgate.yaml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, []byte("signing:\n  identities:\n    - {subject: "+keylessIdentity+", issuer: "+keylessIssuer+"}\n")...)
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := demorepo.Commit(dir, "name the keyless release signer", demorepo.CommitTime.Add(1)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// pushRandom pushes a random one-layer image and returns its digest reference.
func pushRandom(t *testing.T, ref string) string {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	h, _ := img.Digest()
	return tag.Context().Digest(h.String()).String()
}

// assertNoToken fails when the OIDC token, or its signature part, is in out.
func assertNoToken(t *testing.T, out, tok string) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if strings.Contains(out, tok) || strings.Contains(out, parts[1]) || strings.Contains(out, parts[2]) {
		t.Errorf("output contains the OIDC identity token:\n%s", out)
	}
}

// TestKeylessSignAttestReview: with a loopback Fulcio and Rekor and an OIDC
// token, keyless 'mdrgate sign' and 'mdrgate attest' sign an image (in each
// registry) and a file; mdrgate verify and review accept them with the signer's
// identity against the trusted root, the real cosign CLI verifies the
// attestations, and another identity fails everywhere. The token never appears
// in mdrgate's output.
func TestKeylessSignAttestReview(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign tool")
	}
	for regName, host := range registries(t) {
		t.Run(regName, func(t *testing.T) {
			ss := signtest.New(t)
			tok := signtest.Token(t, keylessIssuer, "repo:infucore/fw:ref:refs/tags/v2.4.0", keylessIdentity)
			dir := t.TempDir()
			root := filepath.Join(dir, "trusted_root.json")
			ss.WriteTrustedRoot(t, root)
			repoDir := keylessRepo(t)
			img := pushRandom(t, host+"/infucore/keyless-"+strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))+":2.4.0")
			file := filepath.Join(dir, "fw-2.4.0.bin")
			if err := os.WriteFile(file, []byte("firmware 2.4.0 "+t.Name()), 0o644); err != nil {
				t.Fatal(err)
			}
			sigstore := []string{"--fulcio-url", ss.FulcioURL, "--rekor-url", ss.RekorURL}
			var all strings.Builder

			// sign, token from SIGSTORE_ID_TOKEN
			code, stdout, stderr := mdrgateEnv(t, map[string]string{"SIGSTORE_ID_TOKEN": tok},
				append(append([]string{"sign"}, sigstore...), "--image", img, "--artefact", file, "--at", at, repoDir)...)
			all.WriteString(stdout + stderr)
			if code != 0 || !strings.Contains(stdout, "signer: keyless "+keylessIdentity+" (issuer "+keylessIssuer+")") {
				t.Fatalf("sign: exit %d\n%s%s", code, stdout, stderr)
			}
			verifyArgs := func(identity string) []string {
				return []string{"verify", "--trusted-root", root, "--insecure-ignore-sct", "--certificate-identity", identity, "--certificate-oidc-issuer", keylessIssuer}
			}
			if code, stdout, stderr := mdrgate(t, append(verifyArgs(keylessIdentity), img, file)...); code != 0 {
				t.Fatalf("verify of the keyless signatures: exit %d\n%s%s", code, stdout, stderr)
			}
			if code, stdout, stderr := mdrgate(t, append(verifyArgs("attacker@evil.example"), img)...); code != 1 {
				t.Fatalf("verify with another identity: exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			if code, stdout, stderr := mdrgate(t, append(verifyArgs("attacker@evil.example"), file)...); code != 1 {
				t.Fatalf("verify of the file with another identity: exit %d, want 1\n%s%s", code, stdout, stderr)
			}

			// attest, token from --identity-token; the artefacts' signatures are
			// verified against signing.identities with --trusted-root.
			archive := filepath.Join(dir, "evidence.tar.gz")
			code, stdout, stderr = mdrgateEnv(t, nil, append(append([]string{"attest", "--event", "release", "--identity-token", tok}, sigstore...),
				"--trusted-root", root, "--insecure-ignore-sct", "--vsa", "--image", img, "--artefact", file, "--archive", archive, "--at", at, repoDir)...)
			all.WriteString(stdout + stderr)
			if code != 0 || !strings.Contains(stdout, "stored: attestation "+img) || !strings.Contains(stdout, "signer: keyless "+keylessIdentity) {
				t.Fatalf("attest: exit %d\n%s%s", code, stdout, stderr)
			}
			pred := bundleStatement(t, attest.BundlePath(file))["predicate"].(map[string]any)
			sigs, _ := pred["signatures"].([]any)
			if len(sigs) != 2 {
				t.Fatalf("the predicate lists %d artefact signatures, want 2: %v", len(sigs), pred["signatures"])
			}
			for _, s := range sigs {
				s := s.(map[string]any)
				if s["verified"] != true || s["identity"] != keylessIdentity {
					t.Errorf("artefact signature in the predicate: %v", s)
				}
			}

			// review: the image's attestation (from the registry) and the file's bundle.
			review := func(identity string, args ...string) (int, string) {
				code, r, out := reviewJSON(t, append([]string{"--trusted-root", root, "--insecure-ignore-sct", "--certificate-identity", identity, "--certificate-oidc-issuer", keylessIssuer}, args...)...)
				if code == 0 && (len(r.Attestations) != 1 || r.Attestations[0].Signer.Identity != keylessIdentity || !r.Attestations[0].Reproduced.OK) {
					t.Fatalf("review: %s", out)
				}
				return code, out
			}
			if code, out := review(keylessIdentity, img); code != 0 {
				t.Fatalf("review of the image: exit %d\n%s", code, out)
			}
			if code, out := review(keylessIdentity, "--attestation", attest.BundlePath(file), "--artefact", file, "--evidence", archive); code != 0 {
				t.Fatalf("review of the file: exit %d\n%s", code, out)
			}
			if code, out := review("attacker@evil.example", img); code != 1 {
				t.Fatalf("review with another identity: exit %d, want 1\n%s", code, out)
			}
			if code, out := review("attacker@evil.example", "--attestation", attest.BundlePath(file), "--artefact", file, "--evidence", archive); code != 1 {
				t.Fatalf("review of the file with another identity: exit %d, want 1\n%s", code, out)
			}

			// The real cosign CLI, offline: it refuses --trusted-root for cosign's
			// OCI storage, so it is given the Fulcio chain and the Rekor key.
			cenv := ss.CosignEnv(t, dir)
			cosignArgs := func(identity, typ string) []string {
				return []string{"verify-attestation", "--offline", "--insecure-ignore-sct",
					"--certificate-identity", identity, "--certificate-oidc-issuer", keylessIssuer, "--type", typ, img}
			}
			out, err := runTool(t, dir, cenv, "cosign", cosignArgs(keylessIdentity, attest.PredicateType)...)
			if err != nil {
				t.Fatalf("cosign verify-attestation rejected the keyless attestation: %v\n%s", err, out)
			}
			if sts := statementPayloads(t, keylessEnvelopeLines(out)); len(sts) != 1 || sts[0]["predicateType"] != attest.PredicateType {
				t.Fatalf("cosign printed %d statements:\n%s", len(sts), out)
			}
			if out, err := runTool(t, dir, cenv, "cosign", cosignArgs(keylessIdentity, attest.VSAPredicateType)...); err != nil {
				t.Fatalf("cosign verify-attestation rejected the keyless VSA: %v\n%s", err, out)
			}
			if out, err := runTool(t, dir, cenv, "cosign", cosignArgs("attacker@evil.example", attest.PredicateType)...); err == nil {
				t.Fatalf("cosign verify-attestation accepted another identity:\n%s", out)
			}
			if out, err := runTool(t, dir, cenv, "cosign", "verify", "--offline", "--insecure-ignore-sct",
				"--certificate-identity", keylessIdentity, "--certificate-oidc-issuer", keylessIssuer, img); err != nil {
				t.Fatalf("cosign verify rejected the keyless image signature: %v\n%s", err, out)
			}
			if out, err := runTool(t, dir, nil, "cosign", "verify-blob-attestation", "--new-bundle-format", "--trusted-root", root, "--insecure-ignore-sct",
				"--certificate-identity", keylessIdentity, "--certificate-oidc-issuer", keylessIssuer,
				"--bundle", attest.BundlePath(file), "--type", attest.PredicateType, file); err != nil {
				t.Fatalf("cosign verify-blob-attestation rejected the file's keyless bundle: %v\n%s", err, out)
			}

			certs, entries, tokens := ss.Calls()
			if certs != 2 || entries < 6 {
				t.Errorf("Fulcio issued %d certificates (want one per command), Rekor logged %d entries", certs, entries)
			}
			for _, got := range tokens {
				if got != tok {
					t.Errorf("Fulcio received another token than the one given")
				}
			}
			assertNoToken(t, all.String(), tok)
		})
	}
}

// keylessEnvelopeLines rewrites the attestation envelopes cosign printed so
// that statementPayloads finds them: a keyless envelope is printed as logged
// in Rekor, with "payload" first.
func keylessEnvelopeLines(out string) string {
	var b strings.Builder
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, `{"payload"`) {
			var env map[string]any
			if json.Unmarshal([]byte(line), &env) == nil {
				line = `{"payloadType":` + mustJSON(env["payloadType"]) + `,"payload":` + mustJSON(env["payload"]) + `}`
			}
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestKeylessTokenFromActions: in GitHub Actions without a token given, sign
// mints one for the audience "sigstore" from the runner's token service, masks
// it (the ::add-mask:: command is the only place it appears), and signs with
// it.
func TestKeylessTokenFromActions(t *testing.T) {
	ss := signtest.New(t)
	tok := signtest.Token(t, keylessIssuer, "repo:infucore/fw:ref:refs/heads/main", keylessIdentity)
	var audiences []string
	runner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer runner-request-token" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		audiences = append(audiences, r.URL.Query().Get("audience"))
		_ = json.NewEncoder(w).Encode(map[string]string{"value": tok})
	}))
	t.Cleanup(runner.Close)
	dir := t.TempDir()
	file := filepath.Join(dir, "fw.bin")
	if err := os.WriteFile(file, []byte("firmware"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "trusted_root.json")
	ss.WriteTrustedRoot(t, root)
	vars := map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   runner.URL + "/token?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "runner-request-token",
	}
	code, stdout, stderr := mdrgateEnv(t, vars, "sign", "--fulcio-url", ss.FulcioURL, "--rekor-url", ss.RekorURL, "--artefact", file, "--at", at, demo(t, nil))
	if code != 0 {
		t.Fatalf("sign: exit %d\n%s%s", code, stdout, stderr)
	}
	if len(audiences) != 1 || audiences[0] != "sigstore" {
		t.Fatalf("token requests with audiences %v, want one for sigstore", audiences)
	}
	if !strings.Contains(stdout, "::add-mask::"+tok+"\n") {
		t.Fatalf("the token was not masked:\n%s", stdout)
	}
	assertNoToken(t, strings.Replace(stdout, "::add-mask::"+tok, "", 1)+stderr, tok)
	if code, stdout, stderr := mdrgate(t, "verify", "--trusted-root", root, "--insecure-ignore-sct", "--certificate-identity", keylessIdentity, "--certificate-oidc-issuer", keylessIssuer, file); code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	// A token given in Actions is masked too.
	vars = map[string]string{"GITHUB_ACTIONS": "true", "SIGSTORE_ID_TOKEN": tok}
	code, stdout, stderr = mdrgateEnv(t, vars, "sign", "--fulcio-url", ss.FulcioURL, "--rekor-url", ss.RekorURL, "--artefact", file, "--at", at, demo(t, nil))
	if code != 0 || !strings.HasPrefix(stdout, "::add-mask::"+tok+"\n") {
		t.Fatalf("sign with SIGSTORE_ID_TOKEN in Actions: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestKeylessUsage: keyless usage errors exit 2, say how to give a token and
// never quote it; a Fulcio that is down is a signing error, not a pass.
func TestKeylessUsage(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fw.bin")
	if err := os.WriteFile(file, []byte("firmware"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := signtest.Token(t, keylessIssuer, "someone", keylessIdentity)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"sign without token", nil, []string{"sign", "--artefact", file, dir}, "give --identity-token or SIGSTORE_ID_TOKEN, run in GitHub Actions with 'permissions: id-token: write', or sign with a key (--key cosign.key)"},
		{"attest without token", nil, []string{"attest", dir}, "keyless signing needs an OIDC identity token"},
		{"token not a JWT", map[string]string{"SIGSTORE_ID_TOKEN": "opaque-secret-token-1234"}, []string{"sign", "--artefact", file, dir}, "not an OIDC identity token"},
		{"key and keyless flag", nil, []string{"sign", "--key", "cosign.key", "--identity-token", good, "--artefact", file, dir}, "--identity-token is for keyless signing"},
		{"bad Fulcio URL", map[string]string{"SIGSTORE_ID_TOKEN": good}, []string{"attest", "--fulcio-url", "fulcio.example", dir}, "invalid --fulcio-url"},
		{"keyless attest of a file without trusted root", map[string]string{"SIGSTORE_ID_TOKEN": good}, []string{"attest", "--artefact", file, dir}, "give --trusted-root"},
		{"Fulcio down", map[string]string{"SIGSTORE_ID_TOKEN": good}, []string{"attest", "--fulcio-url", down.URL, "--archive", filepath.Join(dir, "a.tar.gz"), "--bundle", filepath.Join(dir, "b.json"), "--at", at, demo(t, nil)}, "getting a signing certificate from Fulcio at " + down.URL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := mdrgateEnv(t, tc.vars, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want 2 with %q\nstdout:\n%s\nstderr:\n%s", code, tc.want, stdout, stderr)
			}
			assertNoToken(t, stdout+stderr, good)
			if strings.Contains(stdout+stderr, "opaque-secret-token-1234") {
				t.Errorf("output quotes the token:\n%s%s", stdout, stderr)
			}
		})
	}
	for _, f := range []string{"a.tar.gz", "b.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s was written although signing failed", f)
		}
	}
}
