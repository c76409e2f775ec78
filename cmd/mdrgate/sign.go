package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/action"
	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/internal/sign"
)

// signingFlags choose how sign and attest sign: --key, or keyless with an OIDC
// identity token through Fulcio and Rekor.
type signingFlags struct {
	key, fulcioURL, rekorURL, token string
}

func (s *signingFlags) register(cmd *cobra.Command, keyUsage string) {
	f := cmd.Flags()
	f.StringVar(&s.key, "key", "", keyUsage+" or KMS key URI (awskms://, gcpkms://, azurekms://, hashivault://); a key file's password is read from "+sign.PasswordEnv+"; without --key, sign keyless")
	f.StringVar(&s.fulcioURL, "fulcio-url", sign.DefaultFulcioURL, "keyless: the Fulcio instance that certifies the OIDC identity")
	f.StringVar(&s.rekorURL, "rekor-url", sign.DefaultRekorURL, "keyless: the Rekor transparency log that records each signature")
	f.StringVar(&s.token, "identity-token", "", "keyless: the OIDC identity token (a JWT; default $"+sign.TokenEnv+", or minted with audience sigstore in GitHub Actions; prefer the variable: flags show in process lists)")
}

// method loads the key, or prepares keyless signing with the identity token
// from --identity-token, SIGSTORE_ID_TOKEN or the GitHub Actions runtime
// (ACTIONS_ID_TOKEN_REQUEST_URL, audience "sigstore"). In GitHub Actions the
// token is masked in the log; it is never printed nor quoted in an error.
func (s *signingFlags) method(ctx context.Context, cmd *cobra.Command, e env) (sign.Method, error) {
	if s.key != "" {
		for _, fl := range []string{"identity-token", "fulcio-url", "rekor-url"} {
			if cmd.Flags().Changed(fl) {
				return nil, fmt.Errorf("--%s is for keyless signing: give either --key or the keyless flags, not both", fl)
			}
		}
		return sign.Load(s.key, []byte(e.getenv(sign.PasswordEnv)))
	}
	tok := s.token
	if tok == "" {
		tok = e.getenv(sign.TokenEnv)
	}
	rt := action.New(e.stdout, e.getenv, nil)
	switch {
	case tok == "" && e.getenv("ACTIONS_ID_TOKEN_REQUEST_URL") != "":
		t, err := rt.IDToken(ctx, "sigstore") // masks the token
		if err != nil {
			return nil, fmt.Errorf("keyless signing: %w", err)
		}
		tok = t
	case tok != "" && rt.InActions():
		if err := rt.Mask(tok); err != nil {
			return nil, err
		}
	}
	return sign.NewKeyless(sign.KeylessOptions{FulcioURL: s.fulcioURL, RekorURL: s.rekorURL, IDToken: tok})
}

func newSign(e env) *cobra.Command {
	var (
		common    commonFlags
		signing   signingFlags
		images    []string
		artefacts []string
		at        string
	)
	cmd := &cobra.Command{
		Use:   "sign [--key cosign.key] (--image REF | --artefact FILE)... [DIR]",
		Short: "Sign released artefacts only when the release gate passes",
		Long: `sign evaluates the gate for the release event on DIR (default ".") and, only when
the verdict passes, signs each artefact:

  images: a cosign signature in the registry (".sig" tag) for the image, and for a
          multi-platform index for the index and each platform;
  files:  a Sigstore bundle beside the file, FILE.sigstore.json.

With --key, the signer is a cosign key file (password from COSIGN_PASSWORD) and
no transparency-log entry is made: verify with 'mdrgate verify --key cosign.pub
--insecure-ignore-tlog' or 'cosign verify --key cosign.pub --insecure-ignore-tlog'.

Without --key, sign is keyless: an ephemeral key is certified by Fulcio
(--fulcio-url) for the identity of an OIDC token, and every signature is
recorded in Rekor (--rekor-url). The token is --identity-token, else
$SIGSTORE_ID_TOKEN, else, in GitHub Actions, one minted for the audience
"sigstore" (the job needs 'permissions: id-token: write'). The token is masked
in the Actions log and never printed. Verify with the signer's identity:
'mdrgate verify --certificate-identity ... --certificate-oidc-issuer ...
--trusted-root trusted_root.json' or 'cosign verify --certificate-identity ...
--certificate-oidc-issuer ...'.

When the gate fails, the failing controls are listed, nothing is signed and the
exit code is 1. Exit code 2: usage, configuration, input or signing error (also
when keyless signing has no identity token).`,
		Example: `  # with a key file
  COSIGN_PASSWORD=… mdrgate sign --key cosign.key --image registry.example/infucore/fw:2.4.0 .
  COSIGN_PASSWORD=… mdrgate sign --key cosign.key --artefact dist/fw-2.4.0.bin .

  # keyless in GitHub Actions (permissions: id-token: write), public-good Sigstore
  mdrgate sign --image registry.example/infucore/fw:2.4.0 --artefact dist/fw-2.4.0.bin .

  # keyless with a private Sigstore and a token from elsewhere
  SIGSTORE_ID_TOKEN=… mdrgate sign --fulcio-url https://fulcio.infucore.example \
    --rekor-url https://rekor.infucore.example --image registry.example/infucore/fw:2.4.0 .`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(images)+len(artefacts) == 0 {
				return fmt.Errorf("nothing to sign: give --image REF or --artefact FILE (repeatable)")
			}
			if common.event != "" && common.event != "release" {
				return fmt.Errorf("invalid --event %q: sign always evaluates the release gate", common.event)
			}
			for _, f := range artefacts {
				if st, err := os.Stat(f); err != nil || st.IsDir() {
					return fmt.Errorf("--artefact %s: not a readable file", f)
				}
			}
			signer, err := signing.method(cmd.Context(), cmd, e)
			if err != nil {
				return err
			}
			common.event = "release"
			o, err := common.options(e, args)
			if err != nil {
				return err
			}
			if o.At, err = parseAt(at); err != nil {
				return err
			}
			rep, _, err := check.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if rep.Verdict != result.VerdictPass {
				fmt.Fprintf(e.stdout, "release gate: FAIL: nothing signed\n")
				for _, c := range rep.Controls {
					if c.Gate && c.Outcome.Blocks() {
						fmt.Fprintf(e.stdout, "  %s %s: %s\n", c.ID, c.Outcome, c.Title)
					}
				}
				return errVerdictFailed
			}
			fmt.Fprintf(e.stdout, "release gate: pass (%d controls)\n", len(rep.Controls))
			for _, f := range artefacts {
				data, err := os.ReadFile(f)
				if err != nil {
					return fmt.Errorf("--artefact %s: %w", f, err)
				}
				b, err := sign.File(cmd.Context(), data, signer)
				if err != nil {
					return err
				}
				if err := atomicfile.Write(sign.BundlePath(f), b); err != nil {
					return fmt.Errorf("writing %s: %w", sign.BundlePath(f), err)
				}
				fmt.Fprintf(e.stdout, "signed: file %s -> %s\n", f, sign.BundlePath(f))
			}
			for _, ref := range images {
				ds, err := sign.Image(cmd.Context(), ref, signer)
				if err != nil {
					return err
				}
				names := make([]string, len(ds))
				for i, d := range ds {
					names[i] = d.DigestStr()
				}
				fmt.Fprintf(e.stdout, "signed: image %s (%s)\n", ref, strings.Join(names, ", "))
			}
			printSigner(e, signer)
			return nil
		},
	}
	common.register(cmd)
	signing.register(cmd, "cosign private key file")
	f := cmd.Flags()
	f.StringArrayVar(&images, "image", nil, "image to sign, REGISTRY/REPOSITORY:TAG or @sha256:DIGEST (repeatable)")
	f.StringArrayVar(&artefacts, "artefact", nil, "file to sign into FILE.sigstore.json (repeatable)")
	f.StringVar(&at, "at", "", "evaluation time, RFC 3339 (default now)")
	return cmd
}

// printSigner names the identity the keyless certificate was issued for, once
// something was signed.
func printSigner(e env, m sign.Method) {
	k, ok := m.(*sign.Keyless)
	if !ok || k.Certificate() == nil {
		return
	}
	sum, err := certificate.SummarizeCertificate(k.Certificate())
	if err != nil {
		return
	}
	fmt.Fprintf(e.stdout, "signer: keyless %s (issuer %s)\n", sum.SubjectAlternativeName, sum.Extensions.Issuer)
}
