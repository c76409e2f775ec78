package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/internal/catalog"
)

func newPolicy(e env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Test and lint Rego policies (built-in and your own)",
		Long: `policy test runs the Rego tests of the built-in policies and of the given
policy directories; policy lint checks your policies follow mdrgate's
conventions. Writing a control: docs/authoring.md.`,
	}
	cmd.AddCommand(newPolicyTest(e), newPolicyLint(e))
	return cmd
}

func newPolicyTest(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the Rego tests of the built-in policies and of DIRs",
		Long: `test runs every *_test.rego test of the built-in policies and of the policy
directories (or .rego files) given, with OPA's tester, under the sandbox
evaluation uses, with data.mdrgate.runtime holding every control's default
parameters, the event pull_request and the time ` + catalog.HarnessTime.Format("2006-01-02T15:04:05Z") + `.

It prints the passed and failed tests of each package, each failure at the
file:line of its test, and exits 0 when all pass, 1 when a test fails and 2 when
a policy or test does not compile.`,
		Example: `  mdrgate policy test policy/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			mods, err := catalog.Modules(args)
			if err != nil {
				return err
			}
			run, err := catalog.RunTests(cmd.Context(), mods, false)
			if err != nil {
				return err
			}
			pkgs, by := run.ByPackage()
			failed := 0
			for _, p := range pkgs {
				pass, fail := 0, 0
				for _, r := range by[p] {
					if r.Outcome == "pass" {
						pass++
					} else {
						fail++
					}
				}
				failed += fail
				fmt.Fprintf(e.stdout, "%-40s %d passed, %d failed\n", p, pass, fail)
				for _, r := range by[p] {
					switch r.Outcome {
					case "fail":
						fmt.Fprintf(e.stdout, "  FAIL  %s: %s\n", r.Where(), r.Name)
					case "error":
						fmt.Fprintf(e.stdout, "  ERROR %s: %s: %s\n", r.Where(), r.Name, r.Err)
					case "skip":
						fmt.Fprintf(e.stdout, "  SKIP  %s: %s (a skipped test counts as failed)\n", r.Where(), r.Name)
					}
				}
			}
			fmt.Fprintf(e.stdout, "\n%d passed, %d failed\n", len(run.Results)-failed, failed)
			if len(run.Results) == 0 {
				fmt.Fprintln(e.stdout, "no tests found: test rules are named test_… in *_test.rego files")
				return errVerdictFailed
			}
			if failed > 0 {
				return errVerdictFailed
			}
			return nil
		},
	}
}

func newPolicyLint(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "lint DIR...",
		Short: "Check that policies follow mdrgate's conventions",
		Long: `lint checks the policies in DIRs (directories or .rego files): METADATA keys
present and typed, an id no other control uses (built-in ones included), known
reference frameworks and IEC 81001-5-1 clauses, evidence paths that exist in the
evidence document, parameters read with lib.param declared in the METADATA,
tests for pass, fail and not_available, and deny/warn values shaped
{msg, path, line}. Each problem says file:line, what is wrong and how to
fix it. Exit 0 when clean, 1 when there are problems, 2 when DIR cannot be read.`,
		Example: `  mdrgate policy lint policy/`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			problems, err := catalog.Lint(args)
			if err != nil {
				return err
			}
			for _, p := range problems {
				fmt.Fprintln(e.stdout, p.String())
			}
			if len(problems) > 0 {
				fmt.Fprintf(e.stdout, "\n%d problems\n", len(problems))
				return errVerdictFailed
			}
			fmt.Fprintln(e.stdout, "no problems")
			return nil
		},
	}
}
