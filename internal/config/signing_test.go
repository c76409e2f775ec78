package config_test

import (
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/config"
)

func TestSigning(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
	}{
		{"valid", "version: 1\nsigning:\n  keys: [keys/cosign.pub]\n  identities:\n    - subject_regexp: ^https://github.com/infucore/\n      issuer: https://token.actions.githubusercontent.com\n", ""},
		{"unknown key", "version: 1\nsigning:\n  key: cosign.pub\n", "key"},
		{"subject and regexp", "version: 1\nsigning:\n  identities:\n    - subject: a@b\n      subject_regexp: a\n      issuer: i\n", ":4:"},
		{"no issuer", "version: 1\nsigning:\n  identities:\n    - subject: a@b\n", "exactly one of issuer and issuer_regexp"},
		{"bad regexp", "version: 1\nsigning:\n  identities:\n    - subject_regexp: '('\n      issuer: i\n", "invalid regular expression"},
		{"empty key", "version: 1\nsigning:\n  keys: ['']\n", "signing.keys[0]: empty path"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse(source.New(".mdrgate.yaml", []byte(tt.src)))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(cfg.Signing.Keys) != 1 || cfg.Signing.Identities[0].Issuer != "https://token.actions.githubusercontent.com" {
					t.Errorf("signing = %+v", cfg.Signing)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
