package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/internal/review"
)

func newVersion(e env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print mdrgate's version and the schema versions it reads and writes",
		Example: "  mdrgate version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(e.stdout, "mdrgate %s\nevidence schema: %s\nreport schema: %s\nattestation predicate: %s\nevidence archive: %s\nreview schema: %s\ngo: %s\n",
				buildVersion(), evidence.Schema, result.Schema, attest.PredicateType, attest.ArchiveSchema, review.Schema, runtime.Version())
			return nil
		},
	}
}
