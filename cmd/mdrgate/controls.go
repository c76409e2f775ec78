package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/internal/catalog"
)

func newControls(e env) *cobra.Command {
	var (
		format     string
		matrix     string
		policyDirs []string
	)
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List the controls, or the coverage matrix of a framework",
		Long: `controls prints the catalogue of controls (built-in and those of --policy
directories): id, title, type, severity, the events it gates, references per
framework, evidence, remediation, parameters and source.

With --matrix, it prints every clause of a framework (` + strings.Join(catalog.MatrixNames(), ", ") + `)
with the controls that evidence it; a clause no control covers says "` + catalog.ManualRecord + `".

Output formats (-o): ` + strings.Join(catalog.Formats, ", ") + `.`,
		Example: `  mdrgate controls
  mdrgate controls -o json --policy policy/
  mdrgate controls --matrix iec81001-5-1 -o markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(catalog.Formats, format) {
				return fmt.Errorf("invalid -o %q: valid formats are %s", format, strings.Join(catalog.Formats, ", "))
			}
			var fw *catalog.Framework
			if matrix != "" {
				f, err := catalog.FrameworkByMatrix(matrix)
				if err != nil {
					return fmt.Errorf("invalid --matrix %q: valid values are %s", matrix, strings.Join(catalog.MatrixNames(), ", "))
				}
				fw = f
			}
			controls, err := catalog.Load(policyDirs)
			if err != nil {
				return err
			}
			if fw != nil {
				return catalog.WriteMatrix(e.stdout, format, catalog.BuildMatrix(fw, controls))
			}
			return catalog.WriteCatalogue(e.stdout, format, controls)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&format, "output", "o", "table", "output format: "+strings.Join(catalog.Formats, ", "))
	f.StringVar(&matrix, "matrix", "", "print the coverage matrix of a framework: "+strings.Join(catalog.MatrixNames(), ", "))
	f.StringArrayVar(&policyDirs, "policy", nil, "extra policy directory or .rego file (repeatable)")
	return cmd
}
