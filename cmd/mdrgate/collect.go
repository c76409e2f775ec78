package main

import (
	"bytes"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/check"
)

func newCollect(e env) *cobra.Command {
	var (
		common commonFlags
		out    string
	)
	cmd := &cobra.Command{
		Use:   "collect [DIR]",
		Short: "Collect the evidence document without evaluating it",
		Long: `collect gathers the evidence document (mdrgate.evidence/v1) from DIR (default ".")
and its build reports, and writes it as JSON to -o FILE or standard output.
'mdrgate check --evidence-file FILE' evaluates it later with the same result.`,
		Example: `  mdrgate collect -o evidence.json .
  mdrgate check --evidence-file evidence.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := common.options(e, args)
			if err != nil {
				return err
			}
			cfg, err := check.LoadConfig(o)
			if err != nil {
				return err
			}
			// The policies say which paths' history to record; they are
			// compiled (and their errors reported) while collecting.
			_, doc, err := check.CompileAndCollect(cmd.Context(), o, cfg)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := collect.WriteDocument(&buf, doc); err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = e.stdout.Write(buf.Bytes())
				return err
			}
			return atomicfile.Write(out, buf.Bytes())
		},
	}
	common.register(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the evidence document to FILE (default standard output)")
	return cmd
}
