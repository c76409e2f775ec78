package sign_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigstore/cosign/v2/pkg/cosign"

	"github.com/mdrgate/mdrgate/internal/sign"
)

// TestLoad: the right password loads the key; every failure names the file and
// never the password or key material.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	const pw = "load-pw-c0ffee"
	kp, err := cosign.GenerateKeyPair(func(bool) ([]byte, error) { return []byte(pw), nil })
	if err != nil {
		t.Fatal(err)
	}
	priv := filepath.Join(dir, "cosign.key")
	if err := os.WriteFile(priv, kp.PrivateBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(dir, "cosign.pub")
	if err := os.WriteFile(pub, kp.PublicBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := sign.Load(priv, []byte(pw))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PublicKeyPEM(); string(got) != string(kp.PublicBytes) {
		t.Errorf("public key = %s, want %s", got, kp.PublicBytes)
	}
	for _, tt := range []struct {
		name, path, pw, want string
	}{
		{"wrong password", priv, "wrong-pw-123456", "wrong COSIGN_PASSWORD"},
		{"public key instead", pub, pw, "cannot load"},
		{"missing file", filepath.Join(dir, "nope.key"), pw, "nope.key"},
		{"unsupported key reference", "k8s://infucore/cosign", pw, "unsupported key reference"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sign.Load(tt.path, []byte(tt.pw))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			msg := err.Error()
			if strings.Contains(msg, tt.pw) || strings.Contains(msg, "PRIVATE KEY") || strings.Contains(msg, string(kp.PrivateBytes[40:80])) {
				t.Errorf("error leaks secrets: %s", msg)
			}
		})
	}
}
