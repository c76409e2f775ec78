package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/benchgen"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/demorepo"
	"github.com/mdrgate/mdrgate/internal/engine"
)

var (
	bigOnce sync.Once
	bigDir  string
	bigErr  error
)

// big generates the benchmark repository once per test binary: 20,000 files, an
// SBOM of 5,000 components, SARIF with 50,000 results, JUnit with 20,000 cases.
func big(b *testing.B) string {
	bigOnce.Do(func() {
		bigDir, bigErr = os.MkdirTemp("", "mdrgate-bench-")
		if bigErr == nil {
			bigErr = benchgen.Generate(bigDir, benchgen.Issue)
		}
		if bigErr == nil {
			bigErr = demorepo.Commit(bigDir, "bench", demorepo.CommitTime)
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigDir
}

var at = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkCheckLarge measures a whole check (collect and evaluate) of the large repository.
func BenchmarkCheckLarge(b *testing.B) {
	dir := big(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := check.Run(context.Background(), check.Options{Dir: dir, At: at}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectLarge measures collection alone.
func BenchmarkCollectLarge(b *testing.B) {
	dir := big(b)
	o := check.Options{Dir: dir, At: at}
	cfg, err := check.LoadConfig(o)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := check.Collect(context.Background(), o, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateLarge measures policy evaluation alone, on a collected document.
func BenchmarkEvaluateLarge(b *testing.B) {
	dir := big(b)
	o := check.Options{Dir: dir, At: at}
	cfg, _ := check.LoadConfig(o)
	doc, err := check.Collect(context.Background(), o, cfg)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := check.NewEngine(o, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		evaluate(b, eng, doc)
	}
}

func evaluate(b *testing.B, eng *engine.Engine, doc *evidence.Document) {
	if _, err := eng.Evaluate(context.Background(), doc, engine.Params{Event: "pull_request", At: at}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOPAEvalLarge does in-process what `opa eval -i evidence.json -d
// policies data.mdrgate.controls` does, on the same document and policies, to
// compare with BenchmarkEvaluateLarge: decode the JSON input, compile, evaluate.
func BenchmarkOPAEvalLarge(b *testing.B) {
	dir := big(b)
	o := check.Options{Dir: dir, At: at}
	cfg, _ := check.LoadConfig(o)
	doc, err := check.Collect(context.Background(), o, cfg)
	if err != nil {
		b.Fatal(err)
	}
	docJSON, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := check.NewEngine(o, cfg)
	if err != nil {
		b.Fatal(err)
	}
	modules := map[string]string{}
	for _, m := range eng.Modules() {
		modules[m.Path] = string(m.Source)
	}
	store, err := engine.Runtime{Event: "pull_request", At: at, Params: eng.DefaultParams()}.Store()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		input, err := ast.ValueFromReader(bytes.NewReader(docJSON))
		if err != nil {
			b.Fatal(err)
		}
		opts := []func(*rego.Rego){rego.Query("data.mdrgate.controls"), rego.Store(store), rego.ParsedInput(input)}
		for p, src := range modules {
			opts = append(opts, rego.Module(p, src))
		}
		if _, err := rego.New(opts...).Eval(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
