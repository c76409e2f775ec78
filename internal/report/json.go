package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/mdrgate/mdrgate/internal/result"
)

// jsonRenderer writes the report as indented JSON, the mdrgate.report/v1 contract:
// fields in struct order, two-space indent, a trailing newline.
type jsonRenderer struct{}

var _ Renderer = jsonRenderer{}

// Render writes the JSON report.
func (jsonRenderer) Render(w io.Writer, r *result.Report) error {
	return renderJSON(w, r, "json", func(r *result.Report) any { return r })
}

// renderJSON writes the document that doc makes of r as indented JSON.
func renderJSON(w io.Writer, r *result.Report, format string, doc func(*result.Report) any) error {
	if r == nil {
		return fmt.Errorf("rendering %s report: %w", format, errNilReport)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	err := writeJSON(bw, doc(r))
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("writing %s report: %w", format, err)
	}
	return nil
}

// writeJSON encodes v indented by two spaces, without HTML escaping (the report is
// data, not markup), followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
