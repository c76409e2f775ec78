package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/internal/review"
	"github.com/mdrgate/mdrgate/internal/verify"
)

func newReview(e env) *cobra.Command {
	var (
		trust        trustFlags
		attestations []string
		artefacts    []string
		commits      []string
		archives     []string
		outputs      []string
		requirePass  bool
	)
	cmd := &cobra.Command{
		Use:   "review [IMAGE...] [--attestation BUNDLE (--artefact FILE | --commit SHA)]...",
		Short: "Verify attestations made by mdrgate attest, re-check their evidence and re-evaluate it",
		Long: `review answers a reviewer's questions about attestations made by 'mdrgate attest',
without trusting the manufacturer's word and without network access when the
attestations and archives are files:

  1. is the attestation's signature valid, from a trusted key (--key) or keyless
     identity (--certificate-identity[-regexp] with --certificate-oidc-issuer
     [-regexp], offline against --trusted-root)?
  2. is it about this artefact: does its subject digest equal the image's, the
     file's (--artefact) or the commit (--commit)?
  3. is the evidence intact: does the evidence archive (--evidence; for an image,
     found among its referrers when not given) have the recorded digest, and
     does every evidence and policy file in it?
  4. does the verdict follow: re-evaluating the archived evidence document with
     the archived policies, recorded parameters and recorded time gives the
     recorded verdict, control by control?

IMAGE arguments review every mdrgate attestation attached to each image. A
bundle (FILE.mdrgate.sigstore.json, or the commit's mdrgate-attestation.sigstore.json)
is paired with what it must be about: one --artefact or --commit per
--attestation, artefacts first, in order. Several attestations are compared:
the report says what changed between them.

Reports (-o FORMAT[=FILE], repeatable; default markdown on standard output): ` + strings.Join(review.Formats(), ", ") + `.
The HTML report is one self-contained file that prints to PDF.
A faithful attestation of a failed gate passes review: review answers whether
the attested verdict follows from the evidence. --require-pass also fails on it.
Exit codes: 0 every attestation passed review, 1 one did not (the report says
which check failed and why) or, with --require-pass, one attests a failed
verdict, 2 usage or input error.`,
		Example: `  # a released image, its attestation and evidence archive read from the registry
  mdrgate review --key cosign.pub --insecure-ignore-tlog -o html=review.html registry.example/infucore/fw:2.4.0

  # a file and its attestation bundle, offline, with the evidence archive given
  mdrgate review --key cosign.pub --insecure-ignore-tlog \
    --attestation fw-2.4.0.bin.mdrgate.sigstore.json --artefact fw-2.4.0.bin \
    --evidence mdrgate-evidence.tar.gz -o html=review.html -o json=review.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(outputs) == 0 {
				outputs = []string{"markdown"}
			}
			outs, err := parseOutputs(outputs, review.Formats())
			if err != nil {
				return err
			}
			if len(artefacts)+len(commits) != len(attestations) {
				return fmt.Errorf("%d --attestation but %d --artefact and %d --commit: give one --artefact FILE (or, for a commit's attestation, --commit SHA) per --attestation, in the same order", len(attestations), len(artefacts), len(commits))
			}
			var targets []review.Target
			for _, img := range args {
				targets = append(targets, review.Target{Image: img})
			}
			for i, a := range attestations {
				t := review.Target{Attestation: a}
				if i < len(artefacts) {
					t.Artefact = artefacts[i]
				} else {
					t.Commit = commits[i-len(artefacts)]
				}
				targets = append(targets, t)
			}
			if len(targets) == 0 {
				return fmt.Errorf("nothing to review: name an image, or --attestation BUNDLE with --artefact FILE or --commit SHA")
			}
			v, err := verify.New(trust.options(nil))
			if err != nil {
				return err
			}
			o := review.Options{Verifier: v, Archives: archives, Generator: generator()}
			if f, ok := e.stderr.(*os.File); ok && isTerminal(f) {
				o.Progress = e.stderr
			}
			rep, err := review.Review(cmd.Context(), targets, o)
			if err != nil {
				return err
			}
			if err := writeRendered(e, outs, func(out output, w io.Writer) error { return review.Render(w, out.Format, rep) }); err != nil {
				return err
			}
			toStdout := false
			for _, out := range outs {
				toStdout = toStdout || out.File == ""
			}
			if !toStdout {
				fmt.Fprintf(e.stdout, "review: %s (%d attestation(s))\n", rep.Verdict, len(rep.Attestations))
				for _, a := range rep.Attestations {
					if a.Predicate != nil {
						fmt.Fprintf(e.stdout, "  %s: attested verdict %s for the %s event, evaluated at %s\n", a.Source, a.Predicate.Verdict, a.Predicate.Event, a.Predicate.TimeVerified.Format(time.RFC3339))
					}
					for _, p := range a.Problems {
						fmt.Fprintf(e.stdout, "  %s: %s\n", a.Source, p)
					}
				}
			}
			if rep.Verdict != result.VerdictPass {
				return errVerdictFailed
			}
			if requirePass {
				for _, a := range rep.Attestations {
					if a.Predicate == nil || a.Predicate.Verdict != result.VerdictPass {
						fmt.Fprintf(e.stderr, "mdrgate: --require-pass: %s attests a verdict other than pass\n", a.Source)
						return errVerdictFailed
					}
				}
			}
			return nil
		},
	}
	trust.register(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&attestations, "attestation", nil, "an attestation bundle from mdrgate attest (repeatable; pair each with --artefact or --commit)")
	f.StringArrayVar(&artefacts, "artefact", nil, "the file an --attestation must be about (repeatable, in order)")
	f.StringArrayVar(&commits, "commit", nil, "the git commit a commit's --attestation must be about (repeatable, in order, after the artefacts)")
	f.StringArrayVar(&archives, "evidence", nil, "an evidence archive from mdrgate attest ("+attest.DefaultArchive+"); each attestation uses the one with its recorded digest (repeatable)")
	f.BoolVar(&requirePass, "require-pass", false, "also exit 1 when an attestation, however faithful, attests a failed verdict (review itself checks that the attested verdict follows from the evidence, pass or fail)")
	f.StringArrayVarP(&outputs, "output", "o", nil, "report FORMAT or FORMAT=FILE (repeatable; default markdown on standard output); formats: "+strings.Join(review.Formats(), ", "))
	return cmd
}
