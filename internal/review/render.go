package review

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/catalog"
	"github.com/mdrgate/mdrgate/internal/result"
)

// renderers is the registry of output formats: adding a format touches this map only.
var renderers = map[string]func(io.Writer, *Report) error{
	"html":     renderHTML,
	"json":     renderJSON,
	"markdown": renderMarkdown,
}

// Formats returns the names of the formats Render writes, sorted.
func Formats() []string {
	out := make([]string, 0, len(renderers))
	for name := range renderers {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Render writes the review report in format: json (indented, as the model's JSON
// tags say), markdown (GitHub-flavoured) or html (one self-contained file that
// prints to PDF). An unknown format is an error naming the valid ones.
func Render(w io.Writer, format string, r *Report) error {
	render, ok := renderers[format]
	if !ok {
		return fmt.Errorf("invalid output format %q: valid formats are %s", format, strings.Join(Formats(), ", "))
	}
	if r == nil {
		return errors.New("rendering review report: no report")
	}
	return render(w, r)
}

// renderJSON writes the report as indented JSON with a trailing newline. Field
// order is the struct's and map keys are sorted, so the output is stable.
func renderJSON(w io.Writer, r *Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding review report as json: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// The view is what the markdown and HTML renderers show: the report with every
// list sorted, every verdict decided once (a pass only when everything says
// pass) and the clause matrices built, so both formats carry the same content.
type view struct {
	Schema     string
	Generator  string
	ReviewedAt string
	// Pass is true only when the report's verdict is pass, it reviewed at least
	// one attestation, and every attestation passed with every check held.
	Pass bool
	// Verdict is the report's verdict as stated ("" shown as "none").
	Verdict string
	// Inconsistent explains why a report stating pass is shown as failed.
	Inconsistent []string
	Passed       int
	Attestations []attView
	// Ignored are untrusted attestations that were not reviewed.
	Ignored []string
	Changes []changeView
}

type attView struct {
	N        int
	Anchor   string
	Source   string
	Pass     bool
	Verdict  string
	Artefact Artefact
	Signer   string
	// Signed is false when the predicate is absent (signature not verified).
	Signed          bool
	Product         productView
	TimeVerified    string
	Event           string
	Repository      string
	Ref             string
	Commit          string
	RecordedVerdict string
	Reproduced      bool
	Checks          []checkView
	Problems        []string
	Controls        []controlView
	Summary         []countView
	Disagreements   int
	ArchiveName     string
	ArchiveSHA256   string
	Evidence        []fileView
	Policies        []fileView
	IEC             matrixView
	GSPR            matrixView
	// Today is the evaluation with the reviewer's built-in policies; nil when
	// there was none.
	Today *Today
	// TodayGenerator names the reviewing mdrgate.
	TodayGenerator string
}

type productView struct {
	Name, Version, Manufacturer, MDRClass, IEC62304Class string
}

type checkView struct {
	Name   string
	OK     bool
	Reason string
}

type countView struct {
	Outcome string
	N       int
}

type controlView struct {
	ID          string
	Title       string
	Severity    string
	Gate        bool
	Recorded    string
	Reevaluated string
	Agrees      bool
	IEC         []string
	MDR         []string
	FDA         []string
	Violations  []string
	Reasons     []string
	Evidence    []digestView
	Waiver      *waiverView
}

type digestView struct {
	Path  string
	Short string
	Full  string
	Note  string
}

type waiverView struct {
	ApprovedBy string
	Expires    string
	Reason     string
	RiskRef    string
	Status     string
}

type fileView struct {
	Path      string
	MediaType string
	Recorded  string
	Actual    string
	OK        bool
	Reason    string
	Redacted  bool
}

type matrixView struct {
	Name      string
	Rows      []clauseView
	Covered   int
	Unmatched []string
}

type clauseView struct {
	ID       string
	Title    string
	Manual   bool
	Controls []clauseControl
	// Status is the worst outcome of the clause's controls, or ManualRecord.
	Status string
	OK     bool
}

type clauseControl struct {
	ID          string
	Recorded    string
	Reevaluated string
	Agrees      bool
}

type changeView struct {
	From, To               string
	FromTime, ToTime       string
	FromVerdict, ToVerdict string
	Controls               []ControlChange
	Evidence               []EvidenceChange
}

// notReevaluated is shown for a control whose re-evaluated outcome is empty.
const notReevaluated = "not re-evaluated"

// notRecorded is shown for a control the attestation does not record.
const notRecorded = "not recorded"

// gsprClauses are the MDR Annex I clauses the GSPR view lists.
var gsprClauses = []string{"17.2", "17.4", "23.4"}

// newView builds the view of a report.
func newView(r *Report) *view {
	v := &view{
		Schema:     r.Schema,
		Generator:  strings.TrimSpace(r.Generator.Name + " " + r.Generator.Version),
		ReviewedAt: reportTime(r.ReviewedAt),
		Verdict:    r.Verdict,
	}
	if v.Verdict == "" {
		v.Verdict = "none"
	}
	allPass := len(r.Attestations) > 0
	for i := range r.Attestations {
		a := newAttView(i+1, &r.Attestations[i])
		if a.Pass {
			v.Passed++
		} else {
			allPass = false
		}
		v.Attestations = append(v.Attestations, a)
	}
	v.Pass = r.Verdict == "pass" && allPass
	if r.Verdict == "pass" && !v.Pass {
		if len(r.Attestations) == 0 {
			v.Inconsistent = append(v.Inconsistent, "the report states pass but reviewed no attestation")
		}
		for _, a := range v.Attestations {
			if !a.Pass {
				v.Inconsistent = append(v.Inconsistent, fmt.Sprintf("the report states pass but attestation %d (%s) did not pass review", a.N, a.Source))
			}
		}
	}
	v.Ignored = append(v.Ignored, r.Ignored...)
	sort.Strings(v.Ignored)
	for _, c := range r.Changes {
		cv := changeView{
			From: c.From, To: c.To,
			FromTime: reportTime(c.FromTime), ToTime: reportTime(c.ToTime),
			FromVerdict: noneIfEmpty(c.FromVerdict), ToVerdict: noneIfEmpty(c.ToVerdict),
			Controls: append([]ControlChange{}, c.Controls...),
			Evidence: append([]EvidenceChange{}, c.Evidence...),
		}
		sort.SliceStable(cv.Controls, func(i, j int) bool { return cv.Controls[i].ID < cv.Controls[j].ID })
		sort.SliceStable(cv.Evidence, func(i, j int) bool { return cv.Evidence[i].Path < cv.Evidence[j].Path })
		v.Changes = append(v.Changes, cv)
	}
	return v
}

// newAttView builds the view of the n-th attestation.
func newAttView(n int, a *Attestation) attView {
	checks := []checkView{
		{"Signature", a.Signature.OK, a.Signature.Reason},
		{"Subject digest", a.Subject.OK, a.Subject.Reason},
		{"Evidence archive", a.Archive.OK, a.Archive.Reason},
		{"Policy digest", a.PolicyDigest.OK, a.PolicyDigest.Reason},
		{"Reproduced", a.Reproduced.OK, a.Reproduced.Reason},
	}
	pass := a.Verdict == "pass"
	for _, c := range checks {
		pass = pass && c.OK
	}
	av := attView{
		N:             n,
		Anchor:        fmt.Sprintf("attestation-%d", n),
		Source:        a.Source,
		Pass:          pass,
		Verdict:       noneIfEmpty(a.Verdict),
		Artefact:      a.Artefact,
		Signer:        signerText(a.Signer),
		Signed:        a.Predicate != nil,
		Reproduced:    a.Reproduced.OK,
		Checks:        checks,
		Problems:      append([]string{}, a.Problems...),
		ArchiveName:   a.ArchiveName,
		ArchiveSHA256: a.ArchiveSHA256,
		Evidence:      fileViews(a.Evidence),
		Policies:      fileViews(a.Policies),
	}
	if a.Today != nil {
		av.Today = a.Today
		av.TodayGenerator = strings.TrimSpace(a.Today.Generator.Name + " " + a.Today.Generator.Version)
	}
	if p := a.Predicate; p != nil {
		av.Product = productView{p.Product.Name, p.Product.Version, p.Product.Manufacturer, p.Product.MDRClass, p.Product.IEC62304Class}
		av.TimeVerified = reportTime(p.TimeVerified)
		av.Event = p.Event
		av.Repository = p.Repository
		av.Ref = p.Ref
		av.Commit = p.Commit
		av.RecordedVerdict = noneIfEmpty(p.Verdict)
	}
	controls := append([]ControlReview{}, a.Controls...)
	sort.SliceStable(controls, func(i, j int) bool { return controls[i].ID < controls[j].ID })
	counts := map[string]int{}
	for _, c := range controls {
		cv := newControlView(c)
		if !cv.Agrees {
			av.Disagreements++
		}
		counts[cv.Reevaluated]++
		av.Controls = append(av.Controls, cv)
	}
	for _, o := range worstFirst {
		if counts[o] > 0 {
			av.Summary = append(av.Summary, countView{o, counts[o]})
			delete(counts, o)
		}
	}
	// Outcomes the review does not know come last, sorted.
	var unknown []string
	for o := range counts {
		unknown = append(unknown, o)
	}
	sort.Strings(unknown)
	for _, o := range unknown {
		av.Summary = append(av.Summary, countView{o, counts[o]})
	}
	av.IEC = buildMatrix(catalog.FrameworkByKey("iec81001"), "iec81001", nil, controls)
	av.GSPR = buildMatrix(catalog.FrameworkByKey("mdr"), "mdr", gsprClauses, controls)
	return av
}

// worstFirst orders outcomes from worst to best; a matrix row shows the worst.
var worstFirst = []string{
	notRecorded, string(result.Error), string(result.Fail), notReevaluated, string(result.NotAvailable),
	string(result.Warn), string(result.Waived), string(result.NotApplicable), string(result.Pass),
}

// outcomeRank returns an outcome's place in worstFirst; an unknown outcome ranks worst.
func outcomeRank(o string) int {
	for i, x := range worstFirst {
		if x == o {
			return i
		}
	}
	return -1
}

// newControlView builds the view of one control review.
func newControlView(c ControlReview) controlView {
	cv := controlView{
		ID:          c.ID,
		Title:       c.Title,
		Severity:    c.Severity,
		Gate:        c.Gate,
		Recorded:    recordedText(c.Recorded),
		Reevaluated: reevaluatedText(c.Reevaluated),
		Agrees:      c.Agrees && c.Reevaluated != "" && c.Recorded == c.Reevaluated,
		IEC:         sortRefsCopy(c.Refs["iec81001"]),
		MDR:         sortRefsCopy(c.Refs["mdr"]),
		FDA:         sortRefsCopy(c.Refs["fda"]),
		Reasons:     append([]string{}, c.Reasons...),
	}
	viol := append([]result.Violation{}, c.Violations...)
	sort.SliceStable(viol, func(i, j int) bool {
		if viol[i].Path != viol[j].Path {
			return viol[i].Path < viol[j].Path
		}
		if viol[i].Line != viol[j].Line {
			return viol[i].Line < viol[j].Line
		}
		return viol[i].Msg < viol[j].Msg
	})
	for _, x := range viol {
		cv.Violations = append(cv.Violations, violationText(x))
	}
	files := append([]attest.File{}, c.Evidence...)
	sort.SliceStable(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, f := range files {
		d := digestView{Path: f.Path, Full: f.SHA256, Short: shortDigest(f.SHA256)}
		if f.Redacted {
			d.Note = "redacted copy"
		}
		cv.Evidence = append(cv.Evidence, d)
	}
	if w := c.Waiver; w != nil {
		status := "not applied"
		switch {
		case w.Applied:
			status = "applied"
		case w.Expired:
			status = "expired"
		}
		cv.Waiver = &waiverView{
			ApprovedBy: noneIfEmpty(w.ApprovedBy), Expires: noneIfEmpty(w.Expires),
			Reason: w.Reason, RiskRef: noneIfEmpty(w.RiskRef), Status: status,
		}
	}
	return cv
}

// buildMatrix maps the clauses of a framework (all its fixed clauses, or only
// those named in only) to the controls whose refs[key] cite them, with their
// outcomes, using the catalogue's matching: a reference evidences its clause and
// every clause it is a part of. A clause no control cites needs a manual record.
func buildMatrix(f *catalog.Framework, key string, only []string, controls []ControlReview) matrixView {
	m := matrixView{Name: catalog.FrameworkName(key)}
	var rows []catalog.Clause
	if f != nil {
		for _, c := range f.Fixed {
			if only == nil || hasClause(only, c.ID) {
				rows = append(rows, c)
			}
		}
	}
	byClause := map[string][]clauseControl{}
	for _, c := range controls {
		seen := map[string]bool{}
		for _, ref := range sortRefsCopy(c.Refs[key]) {
			ids := catalog.Match(rows, normaliseRef(key, ref))
			if len(ids) == 0 && only == nil {
				m.Unmatched = append(m.Unmatched, fmt.Sprintf("%s cites %s %q, which names no clause of the list", c.ID, m.Name, ref))
			}
			for _, id := range ids {
				if !seen[id] {
					seen[id] = true
					byClause[id] = append(byClause[id], clauseControl{
						ID: c.ID, Recorded: recordedText(c.Recorded), Reevaluated: reevaluatedText(c.Reevaluated),
						Agrees: c.Agrees && c.Reevaluated != "" && c.Recorded == c.Reevaluated,
					})
				}
			}
		}
	}
	for _, r := range rows {
		cv := clauseView{ID: r.ID, Title: r.Title, Controls: byClause[r.ID]}
		sort.SliceStable(cv.Controls, func(i, j int) bool { return cv.Controls[i].ID < cv.Controls[j].ID })
		if len(cv.Controls) == 0 {
			cv.Manual = true
			cv.Status = catalog.ManualRecord
		} else {
			m.Covered++
			worst := string(result.Pass)
			ok := true
			for _, c := range cv.Controls {
				for _, o := range []string{c.Recorded, c.Reevaluated} {
					if outcomeRank(o) < outcomeRank(worst) {
						worst = o
					}
				}
				ok = ok && c.Agrees
			}
			cv.Status = worst
			switch result.Outcome(worst) {
			case result.Pass, result.Waived, result.NotApplicable, result.Warn:
			default:
				ok = false
			}
			cv.OK = ok
		}
		m.Rows = append(m.Rows, cv)
	}
	sort.Strings(m.Unmatched)
	return m
}

// normaliseRef removes an "Annex I" or "GSPR" prefix from an MDR reference, so
// "Annex I 17.2" and "GSPR 17.2" match the clause 17.2.
func normaliseRef(key, ref string) string {
	if key != "mdr" {
		return ref
	}
	for _, p := range []string{"Annex I GSPR ", "Annex I ", "GSPR "} {
		if strings.HasPrefix(ref, p) {
			return strings.TrimPrefix(ref, p)
		}
	}
	return ref
}

func hasClause(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// fileViews sorts file checks by path.
func fileViews(files []FileCheck) []fileView {
	out := make([]fileView, 0, len(files))
	for _, f := range files {
		out = append(out, fileView{
			Path: f.Path, MediaType: f.MediaType, Recorded: f.SHA256, Actual: f.Actual,
			OK: f.OK, Reason: f.Reason, Redacted: f.Redacted,
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// signerText says who signed, as verified.
func signerText(s Signer) string {
	switch {
	case s.Key != "" && s.Identity != "":
		return fmt.Sprintf("key %s; identity %s (issuer %s)", s.Key, s.Identity, noneIfEmpty(s.Issuer))
	case s.Key != "":
		return "key " + s.Key
	case s.Identity != "":
		return fmt.Sprintf("identity %s (issuer %s)", s.Identity, noneIfEmpty(s.Issuer))
	}
	return "no verified signer"
}

// violationText is a violation's message with its path:line when it has one.
func violationText(v result.Violation) string {
	switch {
	case v.Path != "" && v.Line > 0:
		return fmt.Sprintf("%s (%s:%d)", v.Msg, v.Path, v.Line)
	case v.Path != "":
		return fmt.Sprintf("%s (%s)", v.Msg, v.Path)
	}
	return v.Msg
}

// shortDigest shortens "sha256:HEX" or "HEX" to its first 12 hex digits.
func shortDigest(d string) string {
	hex := d
	if i := strings.IndexByte(d, ':'); i >= 0 {
		hex = d[i+1:]
	}
	if len(hex) <= 12 {
		return d
	}
	return hex[:12] + "…"
}

func sortRefsCopy(refs []string) []string {
	out := append([]string{}, refs...)
	catalog.SortRefs(out)
	return out
}

func reevaluatedText(o result.Outcome) string {
	if o == "" {
		return notReevaluated
	}
	return string(o)
}

// recordedText is a recorded outcome, or notRecorded.
func recordedText(o result.Outcome) string {
	if o == "" {
		return notRecorded
	}
	return string(o)
}

func noneIfEmpty(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// reportTime formats a time in UTC, RFC 3339, or "unknown" for the zero time.
func reportTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339)
}
