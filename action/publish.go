package action

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

// Annotations are the annotations of a result: one per violation of a control
// that failed or warned, at its file and line, titled with the control's id;
// and one per control that is not_available or error, with its reasons. They
// are errors when the control gates the event and blocks the verdict,
// warnings otherwise. Waived, passing and not-applicable controls have none.
func Annotations(rep *result.Report) []Annotation {
	var out []Annotation
	for _, c := range rep.Controls {
		level := LevelWarning
		if c.Gate && c.Outcome.Blocks() {
			level = LevelError
		}
		switch c.Outcome {
		case result.Fail, result.Warn:
			for _, v := range c.Violations {
				out = append(out, Annotation{Level: level, File: v.Path, Line: v.Line, Title: c.ID, Message: v.Msg})
			}
		case result.NotAvailable, result.Error:
			msg := string(c.Outcome) + ": " + strings.Join(c.Reasons, "; ")
			if len(c.Reasons) == 0 {
				msg = string(c.Outcome)
			}
			out = append(out, Annotation{Level: level, Title: c.ID, Message: msg})
		}
	}
	return out
}

// FailedControls are the ids of the controls that make the verdict fail, sorted.
func FailedControls(rep *result.Report) []string {
	var ids []string
	for _, c := range rep.Controls {
		if c.Gate && c.Outcome.Blocks() {
			ids = append(ids, c.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// Publish reports a check's result to the runner: annotations, the markdown
// report appended to the job summary, and the outputs verdict, failed-controls
// and, for each report written to a file, report-FORMAT (files maps a format
// to its path).
func Publish(rt Runtime, rep *result.Report, files map[string]string) error {
	for _, a := range Annotations(rep) {
		if err := rt.Annotate(a); err != nil {
			return err
		}
	}
	r, err := report.Get("markdown", report.Options{})
	if err != nil {
		return err
	}
	var md bytes.Buffer
	if err := r.Render(&md, rep); err != nil {
		return fmt.Errorf("rendering the job summary: %w", err)
	}
	if err := rt.AddStepSummary(md.String()); err != nil {
		return err
	}
	if err := rt.SetOutput("verdict", rep.Verdict); err != nil {
		return err
	}
	if err := rt.SetOutput("failed-controls", strings.Join(FailedControls(rep), ",")); err != nil {
		return err
	}
	formats := make([]string, 0, len(files))
	for f := range files {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	for _, f := range formats {
		if err := rt.SetOutput("report-"+f, files[f]); err != nil {
			return err
		}
	}
	return nil
}
