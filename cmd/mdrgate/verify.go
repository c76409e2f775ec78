package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/config"
	"github.com/mdrgate/mdrgate/internal/verify"
)

// errNotVerified is returned when an artefact is not verified: exit code 1.
var errNotVerified = fmt.Errorf("%w: not verified", errVerdictFailed)

// trustFlags are the verification flags verify and check share; names as cosign's.
type trustFlags struct {
	keys                     []string
	identity, identityRegexp string
	issuer, issuerRegexp     string
	trustedRoot              string
	ignoreTlog, ignoreSCT    bool
}

func (t *trustFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&t.keys, "key", nil, "cosign public key file or KMS key URI (awskms://, gcpkms://, azurekms://, hashivault://) trusted to sign (repeatable; added to signing.keys of the configuration)")
	f.StringVar(&t.identity, "certificate-identity", "", "keyless: the signer's certificate identity (e-mail or URI)")
	f.StringVar(&t.identityRegexp, "certificate-identity-regexp", "", "keyless: a regular expression the certificate identity matches")
	f.StringVar(&t.issuer, "certificate-oidc-issuer", "", "keyless: the OIDC issuer of the certificate")
	f.StringVar(&t.issuerRegexp, "certificate-oidc-issuer-regexp", "", "keyless: a regular expression the OIDC issuer matches")
	f.StringVar(&t.trustedRoot, "trusted-root", "", "Sigstore trusted_root.json for offline verification (required for keyless, and to check transparency-log entries)")
	f.BoolVar(&t.ignoreTlog, "insecure-ignore-tlog", false, "accept key-based signatures without a transparency-log entry (signed with --tlog-upload=false)")
	f.BoolVar(&t.ignoreSCT, "insecure-ignore-sct", false, "accept keyless certificates without a certificate-transparency timestamp (private Sigstore)")
}

// any reports whether a trust flag was given.
func (t *trustFlags) any() bool {
	return len(t.keys) > 0 || t.identity != "" || t.identityRegexp != "" || t.issuer != "" || t.issuerRegexp != "" || t.trustedRoot != ""
}

// options combines the flags with the configuration's signing block; key paths in
// the configuration are relative to the configuration file.
func (t *trustFlags) options(cfg *config.Config) verify.Options {
	o := verify.Options{TrustedRoot: t.trustedRoot, IgnoreTlog: t.ignoreTlog, IgnoreSCT: t.ignoreSCT}
	base := "."
	if cfg != nil && cfg.Path != "" {
		base = filepath.Dir(cfg.Path)
	}
	if cfg != nil {
		for _, k := range cfg.Signing.Keys {
			if !filepath.IsAbs(k) && !strings.Contains(k, "://") {
				k = filepath.Join(base, k)
			}
			o.Keys = append(o.Keys, k)
		}
		for _, id := range cfg.Signing.Identities {
			o.Identities = append(o.Identities, verify.Identity{Subject: id.Subject, SubjectRegexp: id.SubjectRegexp, Issuer: id.Issuer, IssuerRegexp: id.IssuerRegexp})
		}
	}
	o.Keys = append(o.Keys, t.keys...)
	if t.identity != "" || t.identityRegexp != "" || t.issuer != "" || t.issuerRegexp != "" {
		o.Identities = append(o.Identities, verify.Identity{Subject: t.identity, SubjectRegexp: t.identityRegexp, Issuer: t.issuer, IssuerRegexp: t.issuerRegexp})
	}
	return o
}

func newVerify(e env) *cobra.Command {
	var (
		trust      trustFlags
		configPath string
		bundle     string
		sigFile    string
		output     string
	)
	cmd := &cobra.Command{
		Use:   "verify IMAGE|FILE...",
		Short: "Verify the signatures of released images and files",
		Long: `verify checks that each image or file is signed by a trusted signer.

Images (REGISTRY/REPOSITORY:TAG or @sha256:DIGEST) are verified in both of
cosign's signature formats: the ".sig" tag, and Sigstore bundles stored as OCI
referrers (cosign sign --new-bundle-format; read through the Referrers API or the
referrers tag). For a multi-platform index, the index and each platform must be
signed (cosign sign --recursive, or mdrgate sign). Files are
verified with a Sigstore bundle (--bundle; default FILE.sigstore.json when present)
or a cosign signature file (--signature).

Trust: cosign public keys (--key, signing.keys in .mdrgate.yaml) and keyless
identities (--certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp],
signing.identities) checked offline against --trusted-root.

Exit codes: 0 every artefact verified, 1 one is not (the message names it and
why), 2 usage error.`,
		Example: `  # an image signed with 'cosign sign --key cosign.key --tlog-upload=false'
  mdrgate verify --key cosign.pub --insecure-ignore-tlog registry.example/infucore/fw:2.4.0

  # a file signed keyless in GitHub Actions, verified offline
  mdrgate verify --bundle fw.bin.sigstore.json --trusted-root trusted_root.json \
    --certificate-identity-regexp '^https://github.com/infucore/fw/' \
    --certificate-oidc-issuer https://token.actions.githubusercontent.com fw.bin`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (bundle != "" || sigFile != "") && len(args) != 1 {
				return fmt.Errorf("--bundle and --signature name the signature of one file: give exactly one FILE (got %d arguments)", len(args))
			}
			var cfg *config.Config
			var err error
			if configPath != "" {
				cfg, err = config.Load(configPath)
			} else {
				cfg, err = config.Find(".")
			}
			if err != nil {
				return err
			}
			v, err := verify.New(trust.options(cfg))
			if err != nil {
				return err
			}
			arts, err := verifyAll(cmd, v, args, verify.FileOptions{Bundle: bundle, Signature: sigFile})
			if err != nil {
				return err
			}
			failed := 0
			for _, a := range arts {
				if verify.Verified(a) {
					fmt.Fprintf(e.stdout, "verified: %s %s (%s)\n", a.Kind, a.Ref, signers(a))
					continue
				}
				failed++
				fmt.Fprintf(e.stdout, "NOT VERIFIED: %s %s: %s\n", a.Kind, a.Ref, strings.Join(verify.Reasons(a), "; "))
			}
			if output != "" {
				b, err := json.MarshalIndent(struct {
					Artefacts []evidence.Artefact `json:"artefacts"`
				}{arts}, "", "  ")
				if err != nil {
					return err
				}
				if err := atomicfile.Write(output, append(b, '\n')); err != nil {
					return fmt.Errorf("--output %s: %w", output, err)
				}
			}
			if failed > 0 {
				fmt.Fprintf(e.stderr, "mdrgate: %d of %d artefacts not verified\n", failed, len(arts))
				return errNotVerified
			}
			return nil
		},
	}
	trust.register(cmd)
	f := cmd.Flags()
	f.StringVarP(&configPath, "config", "c", "", "configuration file with signing.keys and signing.identities (default ./"+config.FileName+" when present)")
	f.StringVar(&bundle, "bundle", "", "Sigstore bundle of the FILE (default FILE.sigstore.json when present)")
	f.StringVar(&sigFile, "signature", "", "cosign signature file (base64) of the FILE, verified with --key")
	f.StringVarP(&output, "output", "o", "", "write the results as JSON ({\"artefacts\": [...]}, the evidence document's shape) to this file")
	return cmd
}

// verifyAll verifies each argument: an existing path is a file, anything else an image.
func verifyAll(cmd *cobra.Command, v *verify.Verifier, args []string, fo verify.FileOptions) ([]evidence.Artefact, error) {
	var arts []evidence.Artefact
	for _, arg := range args {
		var a evidence.Artefact
		var err error
		if st, serr := os.Stat(arg); serr == nil && !st.IsDir() {
			a, err = v.File(cmd.Context(), arg, fileOptions(arg, fo))
		} else {
			a, err = v.Image(cmd.Context(), arg)
		}
		if err != nil {
			return nil, err
		}
		arts = append(arts, a)
	}
	return arts, nil
}

// fileOptions defaults a file's bundle to FILE.sigstore.json.
// verifyArtefacts verifies released files (against FILE.sigstore.json) and
// images with the trust o names, as evidence (check --image, attest).
func verifyArtefacts(ctx context.Context, o verify.Options, images, files []string) ([]evidence.Artefact, error) {
	v, err := verify.New(o)
	if err != nil {
		return nil, err
	}
	var arts []evidence.Artefact
	for _, f := range files {
		a, err := v.File(ctx, f, fileOptions(f, verify.FileOptions{}))
		if err != nil {
			return nil, err
		}
		arts = append(arts, a)
	}
	for _, ref := range images {
		a, err := v.Image(ctx, ref)
		if err != nil {
			return nil, err
		}
		arts = append(arts, a)
	}
	return arts, nil
}

func fileOptions(file string, fo verify.FileOptions) verify.FileOptions {
	if fo.Bundle == "" && fo.Signature == "" {
		fo.Bundle = file + ".sigstore.json"
	}
	return fo
}

// signers names who signed each verified part of an artefact.
func signers(a evidence.Artefact) string {
	seen := map[string]bool{}
	var out []string
	for _, v := range a.Verifications {
		s := v.Identity
		if v.Issuer != "" {
			s += " via " + v.Issuer
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return "signed by " + strings.Join(out, ", ")
}
