package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/internal/result"
)

// TestHostileInputs: bad evidence gives exit 2 with the file and the reason,
// never a panic, never a pass, and no report.
func TestHostileInputs(t *testing.T) {
	dir := demo(t, nil)
	bad := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(bad, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := filepath.Join(bad, "huge.cdx.json")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(200 << 20); err != nil { // a sparse 200 MB file
		t.Fatal(err)
	}
	fh.Close()
	tests := []struct {
		name, kind, path, want string
	}{
		{"truncated JSON", "sbom", write("trunc.cdx.json", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": "a"`), "trunc.cdx.json:1:"},
		{"wrong field types", "sarif", write("types.sarif", `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": 7}}, "results": []}]}`), "types.sarif:1:"},
		{"billion laughs", "sbom", write("lol.cdx.xml", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.5">&lol2;</bom>`), "lol.cdx.xml:1:"},
		{"external entity", "junit", write("xxe.xml", `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuite name="s"><testcase name="&x;"/></testsuite>`), "xxe.xml:1:"},
		{"200 MB file", "sbom", big, "huge.cdx.json: file is 209715200 bytes, larger than the limit"},
		{"nested 100,000 deep", "vulns", write("deep.json", strings.Repeat("[", 100000)+strings.Repeat("]", 100000)), "deep.json:1:513: JSON nested deeper than 512 levels"},
		{"invalid UTF-8", "vex", write("bad.openvex.json", "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"author\": \"\xff\xfe\"}"), "bad.openvex.json:1:"},
		{"wrong kind of document", "sbom", write("not-sbom.json", `{"version": "2.1.0", "runs": []}`), "not-sbom.json:"},
		{"empty secret scan", "secrets", write("gitleaks.json", ""), "gitleaks.json: empty file"},
		{"binary garbage", "provenance", write("p.intoto.jsonl", "\x00\x01\x02\x03"), "p.intoto.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, errs := mdrgate(t, "check", "--at", at, "--evidence", tt.kind+"="+tt.path, dir)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errs)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q does not contain %q", errs, tt.want)
			}
			if stdout != "" {
				t.Errorf("a report was written despite the error:\n%s", stdout)
			}
			if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "internal error") {
				t.Errorf("panic on bad input:\n%s", errs)
			}
		})
	}
}

// TestSymlinkOutOfRepository: a report that is a link leaving the repository is
// not read; the link is named in a warning, and the evidence counts as absent.
func TestSymlinkOutOfRepository(t *testing.T) {
	dir := demo(t, nil)
	sbom := filepath.Join(dir, "build", "sbom.cdx.json")
	if err := os.Remove(sbom); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", sbom); err != nil {
		t.Fatal(err)
	}
	code, r, errs := checkJSON(t, "--event", "release", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (REL-01 not available); stderr %s", code, errs)
	}
	if c := byID(r)["REL-01"]; c.Outcome != result.NotAvailable {
		t.Errorf("REL-01 %s, want not_available", c.Outcome)
	}
	if w := strings.Join(r.Warnings, "\n"); !strings.Contains(w, "build/sbom.cdx.json") || !strings.Contains(w, "outside the repository") {
		t.Errorf("warnings %q do not name the link", r.Warnings)
	}
	_, out, _ := mdrgate(t, "collect", dir)
	if strings.Contains(out, "root:x:0:0") {
		t.Fatal("the content of /etc/passwd entered the evidence document")
	}
}
