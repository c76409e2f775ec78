package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/mdrgate/mdrgate/internal/atomicfile"
	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

// output is one -o FORMAT[=FILE]; File "" means standard output.
type output struct {
	Format string
	File   string
}

// parseOutputs parses -o values against the valid formats, checking every one
// before anything runs.
func parseOutputs(specs, formats []string) ([]output, error) {
	if len(specs) == 0 {
		specs = []string{"text"}
	}
	var out []output
	stdout := 0
	for _, s := range specs {
		format, file, hasFile := strings.Cut(s, "=")
		if !slices.Contains(formats, format) {
			return nil, fmt.Errorf("invalid -o %q: valid formats are %s, each optionally =FILE", s, strings.Join(formats, ", "))
		}
		if hasFile && file == "" {
			return nil, fmt.Errorf("invalid -o %q: expected FORMAT or FORMAT=FILE", s)
		}
		if file == "" || file == "-" {
			file = ""
			stdout++
		}
		out = append(out, output{Format: format, File: file})
	}
	if stdout > 1 {
		return nil, fmt.Errorf("more than one -o writes to standard output: give the others a file (-o FORMAT=FILE)")
	}
	return out, nil
}

// writeOutputs renders every output first and only then writes the files, each
// through a temporary file renamed into place, so a failure leaves nothing
// half-written.
func writeOutputs(e env, outs []output, rep *result.Report) error {
	return writeRendered(e, outs, func(o output, w io.Writer) error {
		r, err := report.Get(o.Format, report.Options{Color: o.File == "" && e.isTTY && e.getenv("NO_COLOR") == ""})
		if err != nil {
			return err
		}
		return r.Render(w, rep)
	})
}

// writeRendered renders every output with render, then writes them: standard
// output directly, files atomically.
func writeRendered(e env, outs []output, render func(o output, w io.Writer) error) error {
	rendered := make([][]byte, len(outs))
	for i, o := range outs {
		var buf bytes.Buffer
		if err := render(o, &buf); err != nil {
			return fmt.Errorf("rendering the %s report: %w", o.Format, err)
		}
		rendered[i] = buf.Bytes()
	}
	for i, o := range outs {
		if o.File == "" {
			if _, err := e.stdout.Write(rendered[i]); err != nil {
				return fmt.Errorf("writing the %s report: %w", o.Format, err)
			}
			continue
		}
		if err := atomicfile.Write(o.File, rendered[i]); err != nil {
			return err
		}
	}
	return nil
}

// parseAt parses --at: an RFC 3339 time, or "" for the zero time (now).
func parseAt(at string) (time.Time, error) {
	if at == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid --at %q: expected an RFC 3339 time such as 2026-12-01T00:00:00Z", at)
	}
	return t, nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	if le, ok := err.(*os.LinkError); ok {
		return le.Err
	}
	return err
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
