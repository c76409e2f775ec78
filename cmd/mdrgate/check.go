package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/action"
	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/config"
	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

// commonFlags are the flags check and collect share.
type commonFlags struct {
	config   string
	evidence []string
	event    string
	github   check.GitHubOptions
}

func (c *commonFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&c.config, "config", "c", "", "configuration file (default DIR/"+".mdrgate.yaml when present)")
	f.StringArrayVar(&c.evidence, "evidence", nil, "a build report to read, as KIND=PATH (repeatable); KIND is one of "+strings.Join(collect.Names(), ", "))
	f.StringVar(&c.event, "event", "", "event to evaluate for: pull_request, release or schedule (default: from the CI run's event, else the configuration, else pull_request)")
	f.StringVar(&c.github.Token, "github-token", "", "GitHub token for repository-settings evidence (default $GITHUB_TOKEN; prefer the variable: flags show in process lists)")
	f.StringVar(&c.github.APIURL, "github-api-url", "", "GitHub REST API URL (default $GITHUB_API_URL, else https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3)")
	f.StringVar(&c.github.Repository, "github-repository", "", "GitHub repository OWNER/NAME to read settings from (default $GITHUB_REPOSITORY); GitHub evidence is read when a token and a repository are known")
}

func (c *commonFlags) options(e env, args []string) (check.Options, error) {
	o := check.Options{ConfigPath: c.config, Event: c.event, Getenv: e.getenv, Generator: generator(), GitHub: c.github}
	if len(args) == 1 {
		o.Dir = args[0]
	}
	if c.event != "" && c.event != "pull_request" && c.event != "release" && c.event != "schedule" {
		return o, fmt.Errorf("invalid --event %q: valid values are pull_request, release, schedule", c.event)
	}
	for _, s := range c.evidence {
		in, err := collect.ParseInput(s)
		if err != nil {
			return o, err
		}
		o.Inputs = append(o.Inputs, in)
	}
	return o, nil
}

// publishToActions reports the result to the GitHub Actions runner: an
// annotation per violation, the markdown report in the job summary, and the
// outputs verdict, failed-controls, report-json and report-sarif (absolute paths).
func publishToActions(e env, outs []output, rep *result.Report) error {
	files := map[string]string{}
	for _, o := range outs {
		if o.File != "" && (o.Format == "json" || o.Format == "sarif") {
			// Absolute, so that later steps find it whatever their working directory.
			p, err := filepath.Abs(o.File)
			if err != nil {
				return fmt.Errorf("resolving the %s report path %s: %w", o.Format, o.File, err)
			}
			files[o.Format] = p
		}
	}
	return action.Publish(action.New(e.stdout, e.getenv, nil), rep, files)
}

func generator() evidence.Generator {
	return evidence.Generator{Name: "mdrgate", Version: buildVersion()}
}

func newCheck(e env) *cobra.Command {
	var (
		common       commonFlags
		outputs      []string
		evidenceFile string
		at           string
		policyDirs   []string
		images       []string
		artefacts    []string
		trust        trustFlags
		gap          bool
	)
	cmd := &cobra.Command{
		Use:   "check [DIR]",
		Short: "Collect evidence, evaluate the controls and gate on the verdict",
		Long: `check collects evidence from DIR (default ".") and its build reports, evaluates
every control, prints the report and exits 0 when the verdict passes, 1 when it
fails and 2 on a usage, configuration or input error.

Build reports are found by the globs in .mdrgate.yaml (evidence:) or their
defaults, and by --evidence KIND=PATH. With --evidence-file, a document written
by 'mdrgate collect' is evaluated instead of collecting.

Output formats (-o FORMAT[=FILE], repeatable): ` + strings.Join(report.Names(), ", ") + `.
Files are written only once every report has rendered.`,
		Example: `  # gate a pull request on the repository in the current folder
  mdrgate check .

  # a release, with an SBOM built elsewhere, a JSON report and SARIF for code scanning
  mdrgate check --event release --evidence sbom=dist/app.cdx.json -o text -o json=mdrgate.json -o sarif=mdrgate.sarif .

  # evaluate a stored evidence document at a fixed time
  mdrgate check --evidence-file evidence.json --at 2026-12-01T00:00:00Z`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := common.options(e, args)
			if err != nil {
				return err
			}
			outs, err := parseOutputs(outputs, report.Names())
			if err != nil {
				return err
			}
			if gap {
				if outs, err = withGap(outs); err != nil {
					return err
				}
			}
			if o.At, err = parseAt(at); err != nil {
				return err
			}
			o.EvidenceFile = evidenceFile
			o.PolicyDirs = policyDirs
			if len(images)+len(artefacts) > 0 {
				o.Artefacts = func(ctx context.Context, cfg *config.Config) ([]evidence.Artefact, error) {
					return verifyArtefacts(ctx, trust.options(cfg), images, artefacts)
				}
			} else if trust.any() {
				return fmt.Errorf("--key, --certificate-identity and the other verification flags need --image or --artefact")
			}
			rep, _, err := check.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if err := writeOutputs(e, outs, rep); err != nil {
				return err
			}
			if e.getenv("GITHUB_ACTIONS") == "true" {
				if err := publishToActions(e, outs, rep); err != nil {
					return err
				}
			}
			if rep.Verdict != "pass" {
				return errVerdictFailed
			}
			return nil
		},
	}
	common.register(cmd)
	f := cmd.Flags()
	f.StringArrayVarP(&outputs, "output", "o", nil, "report FORMAT or FORMAT=FILE (repeatable; default text on standard output); formats: "+strings.Join(report.Names(), ", "))
	f.StringVar(&evidenceFile, "evidence-file", "", "evaluate this evidence document (from 'mdrgate collect') instead of collecting")
	f.StringVar(&at, "at", "", "evaluation time, RFC 3339 (default now): waiver expiry and document freshness use it")
	f.StringArrayVar(&policyDirs, "policy", nil, "extra policy directory or .rego file (repeatable)")
	f.StringArrayVar(&images, "image", nil, "verify this released image's signatures and add the result to the evidence (artefacts); repeatable")
	f.StringArrayVar(&artefacts, "artefact", nil, "verify this released file against FILE.sigstore.json and add the result to the evidence (artefacts); repeatable")
	trust.register(cmd)
	f.BoolVar(&gap, "gap", false, "print the gap assessment (what is missing, most urgent first, with remediation, templates and clauses) after the text or markdown report on standard output; -o gap=FILE writes it to a file")
	return cmd
}

// withGap adds the gap assessment on standard output, after the text or markdown
// report written there (machine-readable output there would be corrupted by it).
func withGap(outs []output) ([]output, error) {
	for _, o := range outs {
		if o.File != "" {
			continue
		}
		if o.Format == "gap" {
			return outs, nil
		}
		if o.Format != "text" && o.Format != "markdown" {
			return nil, fmt.Errorf("--gap prints the gap assessment after a text or markdown report on standard output, but -o %s writes there: give that report a file (-o %s=FILE), or write the gap to one (-o gap=FILE)", o.Format, o.Format)
		}
	}
	return append(outs, output{Format: "gap"}), nil
}
