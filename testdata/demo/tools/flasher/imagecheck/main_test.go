package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	img := filepath.Join(dir, "fw.bin")
	sig := filepath.Join(dir, "fw.sig")
	if err := os.WriteFile(img, []byte("firmware"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sig, ed25519.Sign(priv, []byte("firmware")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(img, sig, hex.EncodeToString(pub)); err != nil {
		t.Errorf("valid image: %v", err)
	}
	if err := os.WriteFile(img, []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(img, sig, hex.EncodeToString(pub)); err == nil {
		t.Error("tampered image verified")
	}
}
