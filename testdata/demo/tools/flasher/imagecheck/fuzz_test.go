package main

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRun feeds arbitrary images, signatures and keys to the verifier: it must
// reject them with an error, never panic (interfaces.yaml IF-02).
func FuzzRun(f *testing.F) {
	f.Add([]byte("firmware"), make([]byte, 64), "00")
	f.Fuzz(func(t *testing.T, image, sig []byte, key string) {
		dir := t.TempDir()
		img := filepath.Join(dir, "fw.bin")
		sigPath := filepath.Join(dir, "fw.sig")
		if err := os.WriteFile(img, image, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(sigPath, sig, 0o600); err != nil {
			t.Fatal(err)
		}
		_ = run(img, sigPath, key)
	})
}
