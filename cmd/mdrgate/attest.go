package main

import (
	"context"
	"fmt"
	"os"
	"strings"

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
		signing      signingFlags
		ignoreSCT    bool
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
		Use:   "attest [--key cosign.key] [--image REF | --artefact FILE]... [DIR]",
		Short: "Evaluate the gate and store a signed attestation of the result with the build",
		Long: `attest evaluates every control on DIR (default ".") as check does, and stores a
signed record of it: an in-toto Statement v1 with the predicate
` + attest.PredicateType + ` (what was checked, against which
policies and evidence, with what result; JSON Schema in
internal/attest/schema/predicate.schema.json), signed as DSSE with a cosign key
file (--key; password from COSIGN_PASSWORD) or, without --key, keyless: an
ephemeral key certified by Fulcio (--fulcio-url) for the identity of an OIDC
token, each signature recorded in Rekor (--rekor-url). The token is
--identity-token, else $SIGSTORE_ID_TOKEN, else, in GitHub Actions, one minted
for the audience "sigstore" (the job needs 'permissions: id-token: write'); it
is masked in the Actions log and never printed.

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

Images and files are also verified, and the results are evidence (artefacts),
as with 'check --image': with --key, against the key's public half and the
configuration's signing.keys and signing.identities (transparency-log entries
and identities are checked only with --trusted-root); keyless, against the
configuration's signing.keys and signing.identities, the identities checked
offline against --trusted-root (required then, with signing.identities naming
who signs the artefacts; --insecure-ignore-sct for a private Sigstore whose
certificates carry no certificate-transparency timestamp). --vsa also stores a SLSA Verification
Summary Attestation (` + attest.VSAPredicateType + `) the same way
(bundles: *.vsa.sigstore.json).

With --key no transparency-log entry is made: verify with --insecure-ignore-tlog.
Keyless attestations verify with the signer's identity (--certificate-identity
and --certificate-oidc-issuer, with --trusted-root for mdrgate).
Exit codes: 0 stored and the verdict passed, 1 stored and the verdict failed (a
failed evaluation is attested too), 2 usage, input, signing or storage error
(also when keyless signing has no identity token): then nothing is written to
files.`,
		Example: `  # attest a pull request's commit: writes mdrgate-attestation.sigstore.json and mdrgate-evidence.tar.gz
  COSIGN_PASSWORD=… mdrgate attest --key cosign.key .

  # attest a released image and file for the release event
  COSIGN_PASSWORD=… mdrgate attest --event release --key cosign.key --image registry.example/infucore/fw:2.4.0 --artefact dist/fw-2.4.0.bin .
  cosign verify-attestation --key cosign.pub --insecure-ignore-tlog --type ` + attest.PredicateType + ` registry.example/infucore/fw:2.4.0

  # keyless in GitHub Actions (permissions: id-token: write); the image was signed
  # keyless by this workflow, named in .mdrgate.yaml signing.identities
  mdrgate attest --event release --trusted-root trusted_root.json --image registry.example/infucore/fw:2.4.0 .
  cosign verify-attestation --type ` + attest.PredicateType + ` \
    --certificate-identity https://github.com/infucore/fw/.github/workflows/release.yml@refs/tags/v2.4.0 \
    --certificate-oidc-issuer https://token.actions.githubusercontent.com registry.example/infucore/fw:2.4.0`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			signer, err := signing.method(cmd.Context(), cmd, e)
			if err != nil {
				return err
			}
			o, err := common.options(e, args)
			if err != nil {
				return err
			}
			if o.At, err = parseAt(at); err != nil {
				return err
			}
			o.EvidenceFile = evidenceFile
			o.PolicyDirs = policyDirs
			if len(images)+len(artefacts) > 0 {
				if evidenceFile != "" {
					return fmt.Errorf("--image and --artefact cannot be combined with --evidence-file: their signatures are verified into the evidence, which --evidence-file fixes")
				}
				o.Artefacts = func(ctx context.Context, cfg *config.Config) ([]evidence.Artefact, error) {
					return verifyOwn(ctx, cfg, signer, trustedRoot, ignoreSCT, images, artefacts)
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
			printSigner(e, signer)
			if rep.Verdict != result.VerdictPass {
				return errVerdictFailed
			}
			return nil
		},
	}
	common.register(cmd)
	signing.register(cmd, "cosign private key file that signs the attestation")
	f := cmd.Flags()
	f.StringArrayVar(&images, "image", nil, "image to attest, REGISTRY/REPOSITORY:TAG or @sha256:DIGEST (repeatable)")
	f.StringArrayVar(&artefacts, "artefact", nil, "file to attest; its bundle is written to FILE.mdrgate.sigstore.json (repeatable)")
	f.StringVar(&at, "at", "", "evaluation time, RFC 3339 (default now)")
	f.StringArrayVar(&policyDirs, "policy", nil, "extra policy directory or .rego file (repeatable)")
	f.StringVar(&evidenceFile, "evidence-file", "", "attest the evaluation of this evidence document (from 'mdrgate collect'); its evidence files are read from DIR")
	f.StringVar(&archive, "archive", attest.DefaultArchive, "where to write the evidence archive")
	f.StringVar(&bundle, "bundle", attest.DefaultBundle, "where to write the commit's attestation bundle (without --image and --artefact)")
	f.BoolVar(&vsa, "vsa", false, "also store a SLSA Verification Summary Attestation")
	f.StringArrayVarP(&outputs, "output", "o", nil, "also write the evaluation report, FORMAT or FORMAT=FILE (repeatable); formats: "+strings.Join(report.Names(), ", "))
	f.StringVar(&trustedRoot, "trusted-root", "", "Sigstore trusted_root.json: verify the artefacts' keyless signatures (signing.identities) and transparency-log entries against it (required to attest artefacts keyless)")
	f.BoolVar(&ignoreSCT, "insecure-ignore-sct", false, "accept the artefacts' keyless certificates without a certificate-transparency timestamp (private Sigstore)")
	return cmd
}

// verifyOwn verifies the artefacts being attested against the configuration's
// signing keys and identities and, when signing with a key, its public half.
// Keyless, the identities are checked against trustedRoot, which is required.
func verifyOwn(ctx context.Context, cfg *config.Config, signer sign.Method, trustedRoot string, ignoreSCT bool, images, files []string) ([]evidence.Artefact, error) {
	t := trustFlags{trustedRoot: trustedRoot, ignoreTlog: trustedRoot == "", ignoreSCT: ignoreSCT}
	o := t.options(cfg)
	if key, ok := signer.(*sign.Signer); ok {
		if trustedRoot == "" {
			o.Identities = nil
		}
		o.PublicKeys = []verify.NamedKey{{Name: key.Path + " (public key)", Key: key.PublicKey()}}
	} else {
		if trustedRoot == "" {
			return nil, fmt.Errorf("keyless attest verifies the signatures of --image and --artefact against the configuration's signing.identities offline: give --trusted-root (a Sigstore trusted_root.json, e.g. from 'cosign trusted-root create' or the public-good TUF repository)")
		}
		if len(o.Identities)+len(o.Keys) == 0 {
			return nil, fmt.Errorf("keyless attest verifies the signatures of --image and --artefact against the configuration's signing.identities (or signing.keys): name who signs them in the signing block of the configuration")
		}
	}
	return verifyArtefacts(ctx, o, images, files)
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
