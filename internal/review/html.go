package review

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/mdrgate/mdrgate/internal/result"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// htmlTemplate is the HTML report: one self-contained page (inline CSS, no
// script, no external asset) that prints cleanly to PDF.
var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"oclass": outcomeClass,
	"join":   strings.Join,
	"str":    func(o result.Outcome) string { return string(o) },
}).ParseFS(templateFS, "templates/report.html.tmpl"))

// outcomeClass is the CSS class of an outcome's badge; an outcome the report
// does not know is styled as a failure.
func outcomeClass(o string) string {
	switch result.Outcome(o) {
	case result.Pass, result.Fail, result.Warn, result.Waived, result.NotApplicable, result.NotAvailable, result.Error:
		return "o-" + o
	}
	return "o-bad"
}

// renderHTML writes the report as one self-contained HTML page.
func renderHTML(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, newView(r)); err != nil {
		return fmt.Errorf("rendering review report as html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
