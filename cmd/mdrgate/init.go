package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/internal/scaffold"
)

func newInit(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented .mdrgate.yaml and templates of the documents the controls read",
		Long: `init writes, into DIR (default "."), a commented .mdrgate.yaml and templates, with
front matter and the expected headings, for the documents the controls read
(SECURITY.md, the security update policy, the threat model). It never overwrites
a file: existing files are listed as left unchanged.`,
		Example: `  mdrgate init .
  mdrgate check .   # then fill in the templates until it passes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			res, err := scaffold.Write(dir)
			for _, r := range res {
				if r.Written {
					fmt.Fprintf(e.stdout, "wrote     %s\n", r.Path)
				} else {
					fmt.Fprintf(e.stdout, "unchanged %s (exists)\n", r.Path)
				}
			}
			return err
		},
	}
}
