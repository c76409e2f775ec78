// Command benchgen writes the large repository that scripts/bench.sh checks.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mdrgate/mdrgate/internal/benchgen"
)

func main() {
	dir := flag.String("o", "", "folder to write the repository into (created)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "benchgen: -o DIR is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(2)
	}
	if err := benchgen.Generate(*dir, benchgen.Issue); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(2)
	}
}
