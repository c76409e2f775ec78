package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/review"
	"github.com/mdrgate/mdrgate/internal/sign"
)

// unique makes pushed test images differ between runs: the docker-registry of
// scripts/test.sh may outlive one run, and signatures and attestations of an
// earlier run would otherwise still hang on the same digest.
func unique() string { return fmt.Sprintf(" %d", time.Now().UnixNano()) }

// attested is a file attested by mdrgate attest for the tests of review.
type attested struct {
	dir, priv, pub, otherPub, pw string
	file, bundle, archive        string
}

func attestFile(t *testing.T, repoDir, name string) attested {
	t.Helper()
	dir := t.TempDir()
	a := attested{dir: dir, pw: "review-pw-42f0"}
	a.priv, a.pub = cosignKeys(t, dir, "cosign", a.pw)
	_, a.otherPub = cosignKeys(t, dir, "other", "other-pw-2")
	a.file = filepath.Join(dir, name)
	if err := os.WriteFile(a.file, []byte("firmware "+name), 0o644); err != nil {
		t.Fatal(err)
	}
	a.bundle = attest.BundlePath(a.file)
	a.archive = filepath.Join(dir, name+".evidence.tar.gz")
	code, stdout, stderr := mdrgateEnv(t, map[string]string{"COSIGN_PASSWORD": a.pw}, "attest", "--key", a.priv,
		"--artefact", a.file, "--archive", a.archive, "--at", at, repoDir)
	if code != 0 && code != 1 {
		t.Fatalf("attest: exit %d\n%s%s", code, stdout, stderr)
	}
	return a
}

func reviewJSON(t *testing.T, args ...string) (int, *review.Report, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "review.json")
	code, stdout, stderr := mdrgate(t, append(append([]string{"review"}, args...), "-o", "json="+out)...)
	if code == 2 {
		t.Fatalf("review: exit 2\n%s%s", stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("review wrote no JSON: %v\n%s%s", err, stdout, stderr)
	}
	var r review.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return code, &r, stdout + stderr
}

// rewriteArchive copies an evidence archive, changing the content of the
// entry holding the file at path with edit (keeping the entry's name), and
// returns the new content's digest.
func rewriteArchive(t *testing.T, src, dst, path string, edit func([]byte) []byte) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	c, err := attest.ReadArchive(src, data)
	if err != nil {
		t.Fatal(err)
	}
	target := ""
	for _, e := range c.Index.Entries {
		if e.Path == path {
			target = attest.BlobName(e.SHA256)
		}
	}
	if target == "" {
		t.Fatalf("%s is not in the archive", path)
	}
	zr, _ := gzip.NewReader(bytes.NewReader(data))
	tr := tar.NewReader(zr)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if h.Name == target {
			b = edit(b)
			h.Size = int64(len(b))
			target = attest.Digest(b)
		}
		_ = tw.WriteHeader(h)
		_, _ = tw.Write(b)
	}
	_ = tw.Close()
	_ = zw.Close()
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return target
}

// resign writes a bundle of the attestation's statement with its predicate
// changed by edit, signed with the attestation's own key: authentic, but not
// what attest wrote.
func resign(t *testing.T, a attested, edit func(pred map[string]any)) string {
	t.Helper()
	st := bundleStatement(t, a.bundle)
	edit(st["predicate"].(map[string]any))
	payload, _ := json.Marshal(st)
	s, err := sign.Load(a.priv, []byte(a.pw))
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := sign.DSSE(context.Background(), payload, attest.PayloadType, s)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "resigned.sigstore.json")
	if err := os.WriteFile(p, bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReviewFile: review of a file's attestation passes and writes HTML,
// markdown and JSON; a changed evidence file, a wrong signer, another artefact
// and a verdict that does not follow from the evidence each fail, saying so.
func TestReviewFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign tool")
	}
	a := attestFile(t, demo(t, nil), "fw-2.4.0.bin")
	base := []string{"--key", a.pub, "--insecure-ignore-tlog", "--attestation", a.bundle, "--artefact", a.file, "--evidence", a.archive}

	// Passes, in every format.
	out := t.TempDir()
	code, stdout, stderr := mdrgate(t, append(append([]string{"review"}, base...),
		"-o", "html="+filepath.Join(out, "review.html"), "-o", "markdown="+filepath.Join(out, "review.md"), "-o", "json="+filepath.Join(out, "review.json"))...)
	if code != 0 || !strings.Contains(stdout, "review: pass (1 attestation(s))") {
		t.Fatalf("review: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	var r review.Report
	b, _ := os.ReadFile(filepath.Join(out, "review.json"))
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	ra := r.Attestations[0]
	if r.Verdict != "pass" || !ra.Signature.OK || !ra.Subject.OK || !ra.Archive.OK || !ra.PolicyDigest.OK || !ra.Reproduced.OK ||
		len(ra.Controls) != len(ra.Predicate.Results) || len(ra.Controls) < 30 || ra.Signer.Key != a.pub {
		t.Fatalf("passing review: %+v", ra)
	}
	for _, c := range ra.Controls {
		if !c.Agrees || c.Reevaluated == "" {
			t.Errorf("%s: recorded %s, re-evaluated %s", c.ID, c.Recorded, c.Reevaluated)
		}
	}
	// The same mdrgate reviews: today's built-in policies are the archived ones.
	if td := ra.Today; td == nil || td.Error != "" || td.Verdict != ra.Predicate.Verdict || len(td.PolicyChanges) != 0 || len(td.Controls) != 0 {
		t.Errorf("evaluation with today's policies: %+v", ra.Today)
	}
	html, _ := os.ReadFile(filepath.Join(out, "review.html"))
	md, _ := os.ReadFile(filepath.Join(out, "review.md"))
	if n := strings.Count(string(html), `<tr class="control`); n != len(ra.Controls) {
		t.Errorf("HTML has %d control rows, want %d", n, len(ra.Controls))
	}
	if !strings.Contains(string(md), "GOV-01") || !strings.Contains(string(html), "GOV-01") {
		t.Error("the markdown or HTML report does not list the controls")
	}

	for _, tc := range []struct {
		name  string
		args  func(t *testing.T) []string
		check func(t *testing.T, a review.Attestation)
		want  string
	}{
		{"changed evidence file", func(t *testing.T) []string {
			changed := filepath.Join(t.TempDir(), "changed.tar.gz")
			rewriteArchive(t, a.archive, changed, "SECURITY.md", func(b []byte) []byte { return append(b, "\nAdded after the attestation.\n"...) })
			return []string{"--key", a.pub, "--insecure-ignore-tlog", "--attestation", a.bundle, "--artefact", a.file, "--evidence", changed}
		}, func(t *testing.T, ra review.Attestation) {
			if ra.Archive.OK || !ra.Signature.OK {
				t.Errorf("archive check: %+v", ra.Archive)
			}
		}, "SECURITY.md: changed: the archived file has sha256:"},
		{"wrong signer", func(t *testing.T) []string {
			return []string{"--key", a.otherPub, "--insecure-ignore-tlog", "--attestation", a.bundle, "--artefact", a.file, "--evidence", a.archive}
		}, func(t *testing.T, ra review.Attestation) {
			if ra.Signature.OK || ra.Predicate != nil {
				t.Errorf("a wrong signer's attestation was read: %+v", ra.Signature)
			}
		}, "the signature does not verify"},
		{"another artefact", func(t *testing.T) []string {
			other := filepath.Join(t.TempDir(), "fw-2.4.1.bin")
			_ = os.WriteFile(other, []byte("other firmware"), 0o644)
			return []string{"--key", a.pub, "--insecure-ignore-tlog", "--attestation", a.bundle, "--artefact", other, "--evidence", a.archive}
		}, func(t *testing.T, ra review.Attestation) {
			if ra.Subject.OK {
				t.Error("subject check passed for another artefact")
			}
		}, "the attestation is about fw-2.4.0.bin sha256:"},
		{"verdict does not follow", func(t *testing.T) []string {
			// A statement whose recorded outcome of GOV-01 and verdict say fail,
			// properly signed: the signature holds, the re-evaluation does not.
			p := resign(t, a, func(pred map[string]any) {
				pred["verdict"] = "fail"
				for _, r := range pred["results"].([]any) {
					if m := r.(map[string]any); m["id"] == "GOV-01" {
						m["outcome"] = "fail"
					}
				}
			})
			return []string{"--key", a.pub, "--insecure-ignore-tlog", "--attestation", p, "--artefact", a.file, "--evidence", a.archive}
		}, func(t *testing.T, ra review.Attestation) {
			if !ra.Signature.OK || !ra.Archive.OK || ra.Reproduced.OK {
				t.Errorf("checks: signature %v archive %v reproduced %v", ra.Signature, ra.Archive, ra.Reproduced)
			}
			for _, c := range ra.Controls {
				if (c.ID == "GOV-01") == c.Agrees || c.ID == "GOV-01" && (c.Recorded != "fail" || c.Reevaluated != "pass") {
					t.Errorf("%s: recorded %s re-evaluated %s agrees %v", c.ID, c.Recorded, c.Reevaluated, c.Agrees)
				}
			}
			if td := ra.Today; td == nil || len(td.Controls) != 1 || td.Controls[0].ID != "GOV-01" || td.Controls[0].From != "fail" || td.Controls[0].To != "pass" {
				t.Errorf("today's policies: %+v", ra.Today)
			}
		}, "the verdict does not reproduce: recorded fail, re-evaluated pass (GOV-01 recorded fail, re-evaluated pass)"},
		{"files the evidence document does not name", func(t *testing.T) []string {
			// A properly signed statement listing SECURITY.md with a digest the
			// evidence document does not record for it.
			p := resign(t, a, func(pred map[string]any) {
				for _, f := range pred["evidence"].(map[string]any)["files"].([]any) {
					if m := f.(map[string]any); m["path"] == "SECURITY.md" {
						m["sourceSha256"] = strings.Repeat("0", 64)
					}
				}
			})
			return []string{"--key", a.pub, "--insecure-ignore-tlog", "--attestation", p, "--artefact", a.file, "--evidence", a.archive}
		}, func(t *testing.T, ra review.Attestation) {
			if ra.Archive.OK || !ra.Signature.OK {
				t.Errorf("archive check: %+v", ra.Archive)
			}
		}, "SECURITY.md: the evidence document records sha256:"},
		{"a file marked redacted that is no secret-scan report", func(t *testing.T) []string {
			p := resign(t, a, func(pred map[string]any) {
				for _, f := range pred["evidence"].(map[string]any)["files"].([]any) {
					if m := f.(map[string]any); m["path"] == "SECURITY.md" {
						m["redacted"] = true
					}
				}
			})
			return []string{"--key", a.pub, "--insecure-ignore-tlog", "--attestation", p, "--artefact", a.file, "--evidence", a.archive}
		}, func(t *testing.T, ra review.Attestation) {}, "SECURITY.md: the attestation marks this file redacted"},
		{"a predicate showing another event and time than evaluated", func(t *testing.T) []string {
			p := resign(t, a, func(pred map[string]any) {
				pred["event"] = "release"
				pred["timeVerified"] = "2020-01-01T00:00:00Z"
			})
			return []string{"--key", a.pub, "--insecure-ignore-tlog", "--attestation", p, "--artefact", a.file, "--evidence", a.archive}
		}, func(t *testing.T, ra review.Attestation) {
			if ra.Reproduced.OK {
				t.Error("reproduced although the predicate misstates the event")
			}
		}, "the predicate's event is release, the evaluation's pull_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r, out := reviewJSON(t, tc.args(t)...)
			if code != 1 || r.Verdict != "fail" || len(r.Attestations) != 1 {
				t.Fatalf("exit %d verdict %s, want 1 fail\n%s", code, r.Verdict, out)
			}
			ra := r.Attestations[0]
			if ra.Verdict != "fail" || !strings.Contains(strings.Join(ra.Problems, "\n"), tc.want) {
				t.Fatalf("problems %q, want one containing %q", ra.Problems, tc.want)
			}
			tc.check(t, ra)
		})
	}
}

// TestReviewOffline: reviewing files needs no network: the review passes in a
// network namespace with nothing but a loopback interface that is down.
func TestReviewOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mdrgate and the cosign tool")
	}
	if err := exec.Command("unshare", "-n", "true").Run(); err != nil {
		t.Skipf("cannot create a network namespace here (unshare -n: %v)", err)
	}
	a := attestFile(t, demo(t, nil), "fw-2.4.0.bin")
	out := filepath.Join(t.TempDir(), "review.json")
	cmd := exec.Command("unshare", "-n", binary(t), "review", "--key", a.pub, "--insecure-ignore-tlog",
		"--attestation", a.bundle, "--artefact", a.file, "--evidence", a.archive, "-o", "json="+out)
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "review: pass") {
		t.Fatalf("review without a network: %v\n%s", err, b)
	}
}

// variantNamed returns the demo variant of that name.
func variantNamed(t *testing.T, name string) *demorepo.Variant {
	t.Helper()
	variants, err := demorepo.Variants(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := range variants {
		if variants[i].Name == name {
			return &variants[i]
		}
	}
	t.Fatalf("variant %s not found", name)
	return nil
}

// TestReviewRereadsReports: review reads every archived build report again. A
// faithful attestation with a (redacted) secret-scan finding passes; a signed
// attestation whose evidence document drops that finding, with every digest
// made to match, fails naming the report.
func TestReviewRereadsReports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign tool")
	}
	v := variantNamed(t, "imp04-secret-found")
	a := attestFile(t, demo(t, v), "fw-2.4.0.bin")
	code, r, out := reviewJSON(t, "--key", a.pub, "--insecure-ignore-tlog", "--attestation", a.bundle, "--artefact", a.file, "--evidence", a.archive)
	if code != 0 || r.Attestations[0].Predicate.Verdict != "fail" {
		t.Fatalf("faithful attestation with a secret-scan finding: exit %d\n%s", code, out)
	}

	lying := filepath.Join(t.TempDir(), "lying.tar.gz")
	docSHA := rewriteArchive(t, a.archive, lying, "evidence.json", func(b []byte) []byte {
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, s := range doc["build"].(map[string]any)["secrets"].([]any) {
			s.(map[string]any)["findings"] = []any{}
		}
		out, _ := json.Marshal(doc)
		return out
	})
	data, err := os.ReadFile(lying)
	if err != nil {
		t.Fatal(err)
	}
	bundle := resign(t, a, func(pred map[string]any) {
		ev := pred["evidence"].(map[string]any)
		ev["documentSha256"] = docSHA
		ev["archive"].(map[string]any)["digest"] = map[string]any{"sha256": attest.Digest(data)}
	})
	code, r, out = reviewJSON(t, "--key", a.pub, "--insecure-ignore-tlog", "--attestation", bundle, "--artefact", a.file, "--evidence", lying)
	if code != 1 || !strings.Contains(strings.Join(r.Attestations[0].Problems, "\n"), "build/gitleaks.json: the evidence document's reading of this file differs from reading the archived file again: findings count: the document says \"0\", the file gives \"1\"") {
		t.Fatalf("a document that drops a finding: exit %d, problems %q\n%s", code, r.Attestations[0].Problems, out)
	}
}

// TestReviewReleases: two releases attested, reviewed together: both pass and
// the report says which control and which evidence files changed between them.
func TestReviewReleases(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign tool")
	}
	v := variantNamed(t, "imp02-unsuppressed-high")
	a1 := attestFile(t, demo(t, nil), "fw-2.4.0.bin")
	a2 := attestFile(t, demo(t, v), "fw-2.5.0.bin")
	// Both signed with different keys: trust both.
	code, r, out := reviewJSON(t, "--key", a1.pub, "--key", a2.pub, "--insecure-ignore-tlog",
		"--attestation", a1.bundle, "--attestation", a2.bundle, "--artefact", a1.file, "--artefact", a2.file,
		"--evidence", a1.archive, "--evidence", a2.archive)
	if code != 0 || len(r.Attestations) != 2 {
		t.Fatalf("exit %d, want 0 (a failing verdict reviewed faithfully passes review)\n%s", code, out)
	}
	if len(r.Changes) != 1 {
		t.Fatalf("%d changes, want 1", len(r.Changes))
	}
	// --require-pass also fails on a faithful attestation of a failed gate.
	if code, stdout, stderr := mdrgate(t, "review", "--require-pass", "--key", a1.pub, "--key", a2.pub, "--insecure-ignore-tlog",
		"--attestation", a1.bundle, "--attestation", a2.bundle, "--artefact", a1.file, "--artefact", a2.file,
		"--evidence", a1.archive, "--evidence", a2.archive, "-o", "json="+filepath.Join(t.TempDir(), "r.json")); code != 1 || !strings.Contains(stderr, "--require-pass: "+a2.bundle+" attests a verdict other than pass") || !strings.Contains(stdout, "attested verdict fail for the pull_request event") {
		t.Fatalf("--require-pass: exit %d\n%s%s", code, stdout, stderr)
	}
	ch := r.Changes[0]
	if ch.FromVerdict != "pass" || ch.ToVerdict != "fail" || len(ch.Controls) != 1 || ch.Controls[0].ID != "IMP-02" || ch.Controls[0].To != "fail" {
		t.Fatalf("change: %+v", ch)
	}
	if len(ch.Evidence) == 0 {
		t.Error("no evidence file listed as changed")
	}
}

// TestReviewImage: an image's attestation and evidence archive are read from
// the registry and pass review; after the attestation is tampered with in the
// registry, review fails on its signature.
func TestReviewImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the cosign and crane tools")
	}
	const pw = "review-image-pw"
	for regName, host := range registries(t) {
		t.Run(regName, func(t *testing.T) {
			dir := t.TempDir()
			priv, pub := cosignKeys(t, dir, "cosign", pw)
			repo := host + "/infucore/review-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
			img := pushWithCrane(t, dir, repo+":2.4.0", "firmware "+t.Name()+unique())
			vars := map[string]string{"COSIGN_PASSWORD": pw}
			if code, stdout, stderr := mdrgateEnv(t, vars, "attest", "--key", priv, "--image", img,
				"--archive", filepath.Join(dir, "ev.tar.gz"), "--at", at, demo(t, nil)); code != 0 {
				t.Fatalf("attest: exit %d\n%s%s", code, stdout, stderr)
			}
			code, r, out := reviewJSON(t, "--key", pub, "--insecure-ignore-tlog", img)
			if code != 0 || len(r.Attestations) != 1 || !r.Attestations[0].Reproduced.OK || !strings.Contains(r.Attestations[0].Archive.Reason, "referrer of") {
				t.Fatalf("review of the image: exit %d\n%s", code, out)
			}
			// An attestation by someone else is listed, not reviewed.
			otherPriv, _ := cosignKeys(t, dir, "other", "other-pw-3")
			if code, stdout, stderr := mdrgateEnv(t, map[string]string{"COSIGN_PASSWORD": "other-pw-3"}, "attest", "--key", otherPriv, "--image", img,
				"--archive", filepath.Join(dir, "ev2.tar.gz"), "--at", at, demo(t, nil)); code != 0 {
				t.Fatalf("attest with another key: exit %d\n%s%s", code, stdout, stderr)
			}
			code, r, out = reviewJSON(t, "--key", pub, "--insecure-ignore-tlog", img)
			if code != 0 || len(r.Attestations) != 1 || len(r.Ignored) != 1 || !strings.Contains(r.Ignored[0], "the signature does not verify") {
				t.Fatalf("review with an untrusted attestation beside: exit %d, ignored %q\n%s", code, r.Ignored, out)
			}
			tamperAttestations(t, img)
			code, r, out = reviewJSON(t, "--key", pub, "--insecure-ignore-tlog", img)
			if code != 1 || len(r.Attestations) != 2 {
				t.Fatalf("review of tampered attestations: exit %d, want 1 with both attestations failing\n%s", code, out)
			}
			for _, a := range r.Attestations {
				if a.Signature.OK || a.Predicate != nil {
					t.Fatalf("a tampered attestation passed its signature check: %+v", a.Signature)
				}
			}
		})
	}
}

// TestReviewUsage: review's usage errors exit 2.
func TestReviewUsage(t *testing.T) {
	dir := t.TempDir()
	_, pub := cosignKeys(t, dir, "cosign", "x")
	bundle := filepath.Join(dir, "b.json")
	_ = os.WriteFile(bundle, []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing", []string{"review", "--key", pub, "--insecure-ignore-tlog"}, "nothing to review"},
		{"no trust", []string{"review", "--attestation", bundle, "--commit", "abc"}, "no trust given"},
		{"unpaired", []string{"review", "--key", pub, "--insecure-ignore-tlog", "--attestation", bundle}, "give one --artefact FILE"},
		{"not a bundle", []string{"review", "--key", pub, "--insecure-ignore-tlog", "--attestation", bundle, "--commit", "abc"}, "--attestation " + bundle + ": not a valid Sigstore bundle"},
		{"bad format", []string{"review", "--key", pub, "-o", "pdf", "x"}, `invalid -o "pdf"`},
		{"missing archive", []string{"review", "--key", pub, "--insecure-ignore-tlog", "--evidence", filepath.Join(dir, "none.tar.gz"), "--attestation", bundle, "--commit", "abc"}, "none.tar.gz: no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := mdrgate(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want 2 with %q\nstdout:\n%s\nstderr:\n%s", code, tc.want, stdout, stderr)
			}
		})
	}
}
