package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/config"
	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/internal/sign"
	"github.com/mdrgate/mdrgate/internal/verify"
)

func newAttest(e env) *cobra.Command {
	var (
		common       commonFlags
		keyPath      string
		images       []string
		artefacts    []string
		at           string
		policyDirs   []string
		evidenceFile string
		archive      string
		bundle       string
		vsa          bool
		outputs      []string
		trustedRoot  string
	)
	cmd := &cobra.Command{
		Use:   "attest --key cosign.key [--image REF | --artefact FILE]... [DIR]",
		Short: "Evaluate the gate and store a signed attestation of the result with the build",
		Long: `attest evaluates every control on DIR (default ".") as check does, and stores a
signed record of it: an in-toto Statement v1 with the predicate
` + attest.PredicateType + ` (what was checked, against which
policies and evidence, with what result; JSON Schema in
internal/attest/schema/predicate.schema.json), signed as DSSE with a cosign key
file (password from COSIGN_PASSWORD).

The subject is each --image and --artefact (by digest), or the evaluated git
commit when there is neither. The attestation is stored

  images: as a cosign attestation in the image's registry (cosign
          verify-attestation --type ` + attest.PredicateType + ` reads it),
          and the evidence archive as an OCI artifact that refers to the image;
  files:  as FILE.mdrgate.sigstore.json, a Sigstore bundle beside the file;
  commit: as --bundle (default ` + attest.DefaultBundle + `).

The evidence archive (--archive, default ` + attest.DefaultArchive + `) is
always written: a tar.gz of the evidence document, every evidence file and every
policy file, each stored by its sha256, which 'mdrgate review' re-checks and
re-evaluates. Secret-scan reports are archived redacted.

Images and files are also verified against the signing key's public half and
the configuration's signing.keys and signing.identities (transparency-log
entries are checked only with --trusted-root), and the results are evidence
(artefacts), as with 'check --image'. --vsa also stores a SLSA Verification
Summary Attestation (` + attest.VSAPredicateType + `) the same way
(bundles: *.vsa.sigstore.json).

No transparency-log entry is made: verify with --insecure-ignore-tlog.
Exit codes: 0 stored and the verdict passed, 1 stored and the verdict failed (a
failed evaluation is attested too), 2 usage, input, signing or storage error:
then nothing is written to files.`,
		Example: `  # attest a pull request's commit: writes mdrgate-attestation.sigstore.json and mdrgate-evidence.tar.gz
  COSIGN_PASSWORD=… mdrgate attest --key cosign.key .

  # attest a released image and file for the release event
  COSIGN_PASSWORD=… mdrgate attest --event release --key cosign.key --image registry.example/infucore/fw:2.4.0 --artefact dist/fw-2.4.0.bin .
  cosign verify-attestation --key cosign.pub --insecure-ignore-tlog --type ` + attest.PredicateType + ` registry.example/infucore/fw:2.4.0`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyPath == "" {
				return fmt.Errorf("--key is required: a cosign private key file (from 'cosign generate-key-pair')")
			}
			outs, err := parseOutputs(outputs, report.Names())
			if err != nil {
				return err
			}
			for _, f := range artefacts {
				if st, err := os.Stat(f); err != nil || st.IsDir() {
					return fmt.Errorf("--artefact %s: not a readable file", f)
				}
			}
			if (len(images) > 0 || len(artefacts) > 0) && cmd.Flags().Changed("bundle") {
				return fmt.Errorf("--bundle names the commit attestation's file, written only without --image and --artefact (files get FILE.mdrgate.sigstore.json)")
			}
			signer, err := sign.Load(keyPath, []byte(e.getenv(sign.PasswordEnv)))
			if err != nil {
				return err
			}
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
			o.EvidenceFile = evidenceFile
			o.PolicyDirs = policyDirs
			if len(images)+len(artefacts) > 0 {
				if evidenceFile != "" {
					return fmt.Errorf("--image and --artefact cannot be combined with --evidence-file: their signatures are verified into the evidence, which --evidence-file fixes")
				}
				o.Artefacts = func(ctx context.Context, cfg *config.Config) ([]evidence.Artefact, error) {
					return verifyOwn(ctx, cfg, signer, trustedRoot, images, artefacts)
				}
			}
			ev, err := check.Evaluate(cmd.Context(), o)
			if err != nil {
				return err
			}
			dir := o.Dir
			if dir == "" {
				dir = "."
			}
			res, err := attest.Attest(cmd.Context(), ev, attest.Options{
				Dir: dir, Images: images, Files: artefacts, Archive: archive, Bundle: bundle, VSA: vsa, Signer: signer,
			})
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("output") {
				if err := writeOutputs(e, outs, ev.Report); err != nil {
					return err
				}
			}
			rep := ev.Report
			fmt.Fprintf(e.stdout, "verdict: %s (%s event; %d controls: %s)\n", rep.Verdict, rep.Event, rep.Summary.Total, summaryText(rep.Summary))
			for _, s := range res.Subjects {
				fmt.Fprintf(e.stdout, "subject: %s %s %s:%s\n", s.Kind, s.Name, s.Algorithm, s.Hex)
			}
			for _, s := range res.Stored {
				fmt.Fprintf(e.stdout, "stored: %s %s\n", s.Kind, s.Where)
			}
			if rep.Verdict != result.VerdictPass {
				return errVerdictFailed
			}
			return nil
		},
	}
	common.register(cmd)
	f := cmd.Flags()
	f.StringVar(&keyPath, "key", "", "cosign private key file that signs the attestation; its password is read from "+sign.PasswordEnv)
	f.StringArrayVar(&images, "image", nil, "image to attest, REGISTRY/REPOSITORY:TAG or @sha256:DIGEST (repeatable)")
	f.StringArrayVar(&artefacts, "artefact", nil, "file to attest; its bundle is written to FILE.mdrgate.sigstore.json (repeatable)")
	f.StringVar(&at, "at", "", "evaluation time, RFC 3339 (default now)")
	f.StringArrayVar(&policyDirs, "policy", nil, "extra policy directory or .rego file (repeatable)")
	f.StringVar(&evidenceFile, "evidence-file", "", "attest the evaluation of this evidence document (from 'mdrgate collect'); its evidence files are read from DIR")
	f.StringVar(&archive, "archive", attest.DefaultArchive, "where to write the evidence archive")
	f.StringVar(&bundle, "bundle", attest.DefaultBundle, "where to write the commit's attestation bundle (without --image and --artefact)")
	f.BoolVar(&vsa, "vsa", false, "also store a SLSA Verification Summary Attestation")
	f.StringArrayVarP(&outputs, "output", "o", nil, "also write the evaluation report, FORMAT or FORMAT=FILE (repeatable); formats: "+strings.Join(report.Names(), ", "))
	f.StringVar(&trustedRoot, "trusted-root", "", "Sigstore trusted_root.json: verify the artefacts' keyless signatures (signing.identities) and transparency-log entries against it")
	return cmd
}

// verifyOwn verifies the artefacts being attested against the signing key's
// public half and the configuration's signing keys and identities.
func verifyOwn(ctx context.Context, cfg *config.Config, signer *sign.Signer, trustedRoot string, images, files []string) ([]evidence.Artefact, error) {
	t := trustFlags{trustedRoot: trustedRoot, ignoreTlog: trustedRoot == ""}
	o := t.options(cfg)
	if trustedRoot == "" {
		o.Identities = nil
	}
	o.PublicKeys = []verify.NamedKey{{Name: signer.Path + " (public key)", Key: signer.PublicKey()}}
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

// summaryText counts the outcomes that occurred, as "33 pass, 5 not_available".
func summaryText(s result.Summary) string {
	var parts []string
	for _, o := range result.Outcomes {
		if n := s.Count(o); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	return strings.Join(parts, ", ")
}
