package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/report"
)

// commonFlags are the flags check and collect share.
type commonFlags struct {
	config   string
	evidence []string
	event    string
}

func (c *commonFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&c.config, "config", "c", "", "configuration file (default DIR/"+".mdrgate.yaml when present)")
	f.StringArrayVar(&c.evidence, "evidence", nil, "a build report to read, as KIND=PATH (repeatable); KIND is one of "+strings.Join(collect.Names(), ", "))
	f.StringVar(&c.event, "event", "", "event to evaluate for: pull_request, release or schedule (default: from the CI run's event, else the configuration, else pull_request)")
}

func (c *commonFlags) options(e env, args []string) (check.Options, error) {
	o := check.Options{ConfigPath: c.config, Event: c.event, Getenv: e.getenv, Generator: generator()}
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
			outs, err := parseOutputs(outputs)
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
			rep, _, err := check.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			if err := writeOutputs(e, outs, rep); err != nil {
				return err
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
	return cmd
}
