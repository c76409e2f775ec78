package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/internal/sign"
)

func newSign(e env) *cobra.Command {
	var (
		common    commonFlags
		keyPath   string
		images    []string
		artefacts []string
		at        string
	)
	cmd := &cobra.Command{
		Use:   "sign --key cosign.key (--image REF | --artefact FILE)... [DIR]",
		Short: "Sign released artefacts only when the release gate passes",
		Long: `sign evaluates the gate for the release event on DIR (default ".") and, only when
the verdict passes, signs each artefact with a cosign key file (password from
COSIGN_PASSWORD):

  images: a cosign signature in the registry (".sig" tag) for the image, and for a
          multi-platform index for the index and each platform;
  files:  a Sigstore bundle beside the file, FILE.sigstore.json.

No transparency-log entry is made: verify with 'mdrgate verify --key cosign.pub
--insecure-ignore-tlog' or 'cosign verify --key cosign.pub --insecure-ignore-tlog'.

When the gate fails, the failing controls are listed, nothing is signed and the
exit code is 1. Exit code 2: usage, configuration, input or signing error.`,
		Example: `  COSIGN_PASSWORD=… mdrgate sign --key cosign.key --image registry.example/infucore/fw:2.4.0 .
  COSIGN_PASSWORD=… mdrgate sign --key cosign.key --artefact dist/fw-2.4.0.bin .`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyPath == "" {
				return fmt.Errorf("--key is required: a cosign private key file (from 'cosign generate-key-pair')")
			}
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
			signer, err := sign.Load(keyPath, []byte(e.getenv(sign.PasswordEnv)))
			if err != nil {
				return err
			}
			common.event = "release"
			o, err := common.options(e, args)
			if err != nil {
				return err
			}
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return fmt.Errorf("invalid --at %q: expected an RFC 3339 time such as 2026-12-01T00:00:00Z", at)
				}
				o.At = t
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
			return nil
		},
	}
	common.register(cmd)
	f := cmd.Flags()
	f.StringVar(&keyPath, "key", "", "cosign private key file; its password is read from "+sign.PasswordEnv)
	f.StringArrayVar(&images, "image", nil, "image to sign, REGISTRY/REPOSITORY:TAG or @sha256:DIGEST (repeatable)")
	f.StringArrayVar(&artefacts, "artefact", nil, "file to sign into FILE.sigstore.json (repeatable)")
	f.StringVar(&at, "at", "", "evaluation time, RFC 3339 (default now)")
	return cmd
}
