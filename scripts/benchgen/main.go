// Command benchgen writes the large repository that scripts/bench.sh checks (20,000
// files, an SBOM of 5,000 components, SARIF with 50,000 results, JUnit with 20,000
// cases, committed to git), and the runtime data that lets `opa eval` evaluate
// mdrgate's policies on the same evidence document.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mdrgate/mdrgate/internal/benchgen"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/policies"
)

func main() {
	dir := flag.String("o", "", "folder to write the repository into (created)")
	runtime := flag.String("runtime", "", "also write data.mdrgate.runtime (default parameters, event, time) to this JSON file")
	at := flag.String("at", "2026-12-01T00:00:00Z", "evaluation time written into the runtime data")
	flag.Parse()
	if err := run(*dir, *runtime, *at); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(2)
	}
}

func run(dir, runtimeFile, at string) error {
	if dir == "" {
		return fmt.Errorf("-o DIR is required")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := benchgen.Generate(dir, benchgen.Issue); err != nil {
		return err
	}
	if err := demorepo.Commit(dir, "bench", demorepo.CommitTime); err != nil {
		return err
	}
	if runtimeFile == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return fmt.Errorf("-at: %w", err)
	}
	mods, err := engine.FSModules(policies.FS, "policies/", true)
	if err != nil {
		return err
	}
	eng, err := engine.New(mods)
	if err != nil {
		return err
	}
	data := map[string]any{"mdrgate": map[string]any{"runtime": map[string]any{
		"event": "pull_request", "time_ns": t.UnixNano(), "time": t.UTC().Format(time.RFC3339), "params": eng.DefaultParams(),
	}}}
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return os.WriteFile(runtimeFile, b, 0o644)
}
