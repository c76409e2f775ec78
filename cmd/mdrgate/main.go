// Command mdrgate checks that medical-device software is developed securely: it
// collects evidence from the repository and the build, evaluates Rego controls
// mapped to EU MDR, IEC 81001-5-1 and FDA 524B, and gates on the verdict.
//
// Exit codes: 0 the verdict passed, 1 it failed, 2 a usage, configuration, input
// or runtime error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise it is
// read from the module's build information.
var version = ""

// errVerdictFailed is returned when the gate's verdict is fail: exit code 1.
var errVerdictFailed = errors.New("verdict: fail")

// env is what commands read from the process: standard streams, environment, clock.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTTY reports whether stdout is a terminal (colour in text output).
	isTTY bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, isTTY: isTerminal(os.Stdout)})
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, e env) (code int) {
	defer func() {
		// A panic is a bug in mdrgate, never the user's fault; still exit 2 with a message.
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "mdrgate: internal error: %v\nplease report this with the command you ran\n", r)
			code = 2
		}
	}()
	root := newRoot(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errVerdictFailed):
		return 1
	default:
		fmt.Fprintf(e.stderr, "mdrgate: %v\n", err)
		return 2
	}
}

func newRoot(e env) *cobra.Command {
	root := &cobra.Command{
		Use:   "mdrgate",
		Short: "Policy-as-code gate for secure development of medical-device software",
		Long: `mdrgate collects evidence from a repository and its build (documents, workflows,
lockfiles, SBOM, SARIF, test results, vulnerability scans, VEX, provenance),
evaluates Rego controls mapped to IEC 81001-5-1, EU MDR Annex I and FDA 524B,
and gates on the verdict.

Exit codes: 0 the verdict passed, 1 it failed, 2 usage, configuration, input or
runtime error.`,
		Example: `  mdrgate check .
  mdrgate check --event release -o text -o json=report.json .
  mdrgate collect -o evidence.json . && mdrgate check --evidence-file evidence.json`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(newCheck(e), newCollect(e), newInit(e), newVersion(e))
	root.AddCommand(newSurveil(e))
	root.AddCommand(newControls(e), newPolicy(e))
	root.AddCommand(newVerify(e), newSign(e), newAttest(e), newReview(e))
	return root
}

// buildVersion returns mdrgate's version.
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
