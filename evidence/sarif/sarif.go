// Package sarif reads SARIF 2.1.0 logs (static analysis results) into the evidence
// document's normalised SARIFReport.
//
// The log is decoded with encoding/json into minimal structs holding only what the
// evidence needs, so a 50,000-result log parses in a fraction of a second and every
// error carries a line and column. go-sarif is not used: its FromBytes is the same
// json.Unmarshal into the complete SARIF model (far more fields and pointers to
// allocate), its errors carry no line or column, and it pulls in a JSON Schema
// library.
//
// Strictness: the document's structure and field types, its version, and the
// enumerations that decisions rest on (result and rule levels, suppression status)
// are checked, and a violation is an error. Cross-references (ruleIndex, rule.index,
// toolComponent, artifactLocation.index, uriBaseId) are followed when they resolve
// and otherwise ignored, falling back to the rule's id or the location's own uri.
package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// MediaType is the media type recorded for SARIF files.
const MediaType = "application/sarif+json"

// Version is the only SARIF version accepted.
const Version = "2.1.0"

// notSARIF is the message for documents that are not SARIF logs.
const notSARIF = `expected a SARIF log with "version" and "runs"`

// The structs below mirror the parts of SARIF 2.1.0 that the evidence uses.

type sarifLog struct {
	Version json.RawMessage `json:"version"`
	Runs    *[]run          `json:"runs"`
}

type run struct {
	Tool               *tool                       `json:"tool"`
	Results            []*result                   `json:"results"`
	Artifacts          []artifact                  `json:"artifacts"`
	OriginalURIBaseIDs map[string]artifactLocation `json:"originalUriBaseIds"`

	// basePaths caches the paths that uriBaseIds resolve to.
	basePaths map[string]string
}

type tool struct {
	Driver     toolComponent   `json:"driver"`
	Extensions []toolComponent `json:"extensions"`
}

type toolComponent struct {
	Name                 string                   `json:"name"`
	GUID                 string                   `json:"guid"`
	Rules                []rule                   `json:"rules"`
	GlobalMessageStrings map[string]messageString `json:"globalMessageStrings"`

	// byID indexes Rules by id, built on first use.
	byID map[string]int
}

type rule struct {
	ID                   string                   `json:"id"`
	DefaultConfiguration *configuration           `json:"defaultConfiguration"`
	MessageStrings       map[string]messageString `json:"messageStrings"`
	Properties           propertyBag              `json:"properties"`

	// severity caches the parsed Properties.SecuritySeverity.
	severity       float64
	hasSeverity    bool
	severityParsed bool
}

type configuration struct {
	Level string `json:"level"`
}

type messageString struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type propertyBag struct {
	SecuritySeverity json.RawMessage `json:"security-severity"`
}

type message struct {
	Text      string   `json:"text"`
	Markdown  string   `json:"markdown"`
	ID        string   `json:"id"`
	Arguments []string `json:"arguments"`
}

type result struct {
	RuleID        string         `json:"ruleId"`
	RuleIndex     *int           `json:"ruleIndex"`
	Rule          *descriptorRef `json:"rule"`
	Kind          string         `json:"kind"`
	Level         string         `json:"level"`
	Message       message        `json:"message"`
	Locations     []location     `json:"locations"`
	Suppressions  []suppression  `json:"suppressions"`
	BaselineState string         `json:"baselineState"`
	Properties    propertyBag    `json:"properties"`
}

type descriptorRef struct {
	ID            string        `json:"id"`
	Index         *int          `json:"index"`
	ToolComponent *componentRef `json:"toolComponent"`
}

type componentRef struct {
	Name  string `json:"name"`
	GUID  string `json:"guid"`
	Index *int   `json:"index"`
}

// location, physicalLocation and region are values rather than pointers, to
// save allocations on large logs; an absent artifactLocation is all zero.
type location struct {
	PhysicalLocation physicalLocation `json:"physicalLocation"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           region           `json:"region"`
}

type artifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
	Index     *int   `json:"index"`
}

func (a *artifactLocation) present() bool {
	return a.URI != "" || a.URIBaseID != "" || a.Index != nil
}

type region struct {
	StartLine int `json:"startLine"`
}

type artifact struct {
	Location *artifactLocation `json:"location"`
}

type suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

// Parse reads a SARIF 2.1.0 log and returns its results, one per result of every
// run, in file order. Errors are *source.Error values naming the file and, where
// possible, the line and column.
//
// Normalisation, per SARIF 2.1.0:
//   - Level is the result's level; when absent, "none" if the result's kind is
//     present and not "fail" (§3.27.9), else the rule's defaultConfiguration.level,
//     else "warning" (§3.27.10). Rule configuration overrides in
//     run.invocations are not applied.
//   - SecuritySeverity is properties["security-severity"] of the result, else of
//     the rule, as a number or a numeric string; nil when absent or not a finite
//     number.
//   - Message is message.text, else message.id looked up in the rule's
//     messageStrings or the tool component's globalMessageStrings, with {n}
//     placeholders replaced by message.arguments when arguments are given, else
//     message.markdown.
//   - Path is the first location's artifactLocation.uri (or the uri of the
//     run.artifacts entry it indexes), resolved against run.originalUriBaseIds
//     when its uriBaseId is defined there, percent-decoded, without a file://
//     scheme, with forward slashes. Relative paths stay relative.
//   - Suppressed is true when any suppression's status is absent or "accepted";
//     "underReview" and "rejected" do not suppress.
func Parse(f *source.File) (evidence.SARIFReport, error) {
	rep := evidence.SARIFReport{
		FileRef: f.Ref(MediaType),
		Tools:   []string{},
		Results: []evidence.SARIFResult{},
	}
	empty := rep
	var doc sarifLog
	if err := decode(f, &doc); err != nil {
		return rep, err
	}
	if len(doc.Version) == 0 || bytes.Equal(doc.Version, []byte("null")) || doc.Runs == nil {
		return rep, f.Errorf("%s, found %s", notSARIF, describeTopLevel(f.Data))
	}
	var version string
	if err := json.Unmarshal(doc.Version, &version); err != nil {
		return rep, errorAt(f, path{"version"}, "expected the string %q, found JSON %s", Version, jsonKindOf(doc.Version))
	}
	if version != Version {
		return rep, errorAt(f, path{"version"}, "unsupported SARIF version %q: only %s is accepted", version, Version)
	}
	rep.Version = version

	// SARIF 2.1.0 §3.14.23: results absent or null means the analysis did not
	// run; only [] means it ran and found nothing. Read either as a clean scan
	// and a broken pipeline would pass.
	if len(*doc.Runs) == 0 {
		return rep, errorAt(f, path{"runs"}, "the log has no runs: no analysis is recorded (a clean scan still has a run with \"results\": [])")
	}
	total := 0
	for i, r := range *doc.Runs {
		if r.Results == nil {
			return rep, errorAt(f, path{"runs", i}, "run has no results array: SARIF says the analysis did not run (a clean scan has \"results\": [])")
		}
		total += len(r.Results)
	}
	rep.Results = make([]evidence.SARIFResult, 0, total)
	// Severities are stored in one block rather than one allocation each.
	sev := make([]float64, 0, total)
	tools := map[string]bool{}
	for i := range *doc.Runs {
		r := &(*doc.Runs)[i]
		if r.Tool == nil || r.Tool.Driver.Name == "" {
			return empty, errorAt(f, path{"runs", i}, "run has no tool.driver.name: SARIF requires the name of the tool")
		}
		tools[r.Tool.Driver.Name] = true
		for j := range r.Results {
			res, err := normalise(f, r, i, j, &sev)
			if err != nil {
				return empty, err
			}
			rep.Results = append(rep.Results, res)
		}
	}
	for name := range tools {
		rep.Tools = append(rep.Tools, name)
	}
	sort.Strings(rep.Tools)
	return rep, nil
}

// normalise turns result j of run i into an evidence result. Security severities
// are appended to sev, which has room for one per result.
func normalise(f *source.File, r *run, i, j int, sev *[]float64) (evidence.SARIFResult, error) {
	res := r.Results[j]
	at := func(elems ...any) path { return append(path{"runs", i, "results", j}, elems...) }
	if res == nil {
		return evidence.SARIFResult{}, errorAt(f, at(), "expected a result object, found JSON null")
	}
	comp, rl := r.lookupRule(res)

	out := evidence.SARIFResult{
		Tool:          r.Tool.Driver.Name,
		RuleID:        res.RuleID,
		BaselineState: res.BaselineState,
		Suppressions:  []evidence.Suppression{},
	}
	if out.RuleID == "" && res.Rule != nil {
		out.RuleID = res.Rule.ID
	}
	if out.RuleID == "" && rl != nil {
		out.RuleID = rl.ID
	}

	switch {
	case res.Level != "":
		lv, ok := level(res.Level)
		if !ok {
			return out, errorAt(f, at("level"), "expected one of none, note, warning, error, found %q", res.Level)
		}
		out.Level = lv
	case res.Kind != "" && res.Kind != "fail":
		out.Level = "none"
	case rl != nil && rl.DefaultConfiguration != nil && rl.DefaultConfiguration.Level != "":
		lv, ok := level(rl.DefaultConfiguration.Level)
		if !ok {
			return out, f.Errorf("%s: rule %q: defaultConfiguration.level: expected one of none, note, warning, error, found %q",
				at(), rl.ID, rl.DefaultConfiguration.Level)
		}
		out.Level = lv
	default:
		out.Level = "warning"
	}

	v, ok := severity(res.Properties.SecuritySeverity)
	if !ok && rl != nil {
		if !rl.severityParsed {
			rl.severity, rl.hasSeverity = severity(rl.Properties.SecuritySeverity)
			rl.severityParsed = true
		}
		v, ok = rl.severity, rl.hasSeverity
	}
	if ok {
		*sev = append(*sev, v)
		out.SecuritySeverity = &(*sev)[len(*sev)-1]
	}

	out.Message = messageText(&res.Message, comp, rl)

	for k := range res.Locations {
		pl := &res.Locations[k].PhysicalLocation
		if !pl.ArtifactLocation.present() {
			continue
		}
		out.Path = r.resolvePath(&pl.ArtifactLocation)
		if pl.Region.StartLine > 0 {
			out.Line = pl.Region.StartLine
		}
		break
	}

	if len(res.Suppressions) > 0 {
		out.Suppressions = make([]evidence.Suppression, len(res.Suppressions))
	}
	for k, s := range res.Suppressions {
		status := s.Status
		switch strings.ToLower(status) {
		case "":
			out.Suppressed = true
		case "accepted":
			status = "accepted"
			out.Suppressed = true
		case "underreview":
			status = "underReview"
		case "rejected":
			status = "rejected"
		default:
			return out, errorAt(f, at("suppressions", k, "status"), "expected one of accepted, underReview, rejected, found %q", s.Status)
		}
		out.Suppressions[k] = evidence.Suppression{Kind: s.Kind, Status: status, Justification: s.Justification}
	}
	return out, nil
}

// level normalises a SARIF level, accepting any letter case.
func level(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "none":
		return "none", true
	case "note":
		return "note", true
	case "warning":
		return "warning", true
	case "error":
		return "error", true
	}
	return "", false
}

// severity reads a security-severity property given as a number or a numeric
// string; ok is false when absent or not a finite number.
func severity(raw json.RawMessage) (v float64, ok bool) {
	if len(raw) == 0 {
		return 0, false
	}
	if raw[0] == '"' {
		if bytes.IndexByte(raw, '\\') >= 0 {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return 0, false
			}
			raw = []byte(s)
		} else {
			raw = raw[1 : len(raw)-1]
		}
		raw = bytes.TrimSpace(raw)
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// component returns the tool component a reference names: an extension by index,
// guid or name, else the driver.
func (r *run) component(ref *componentRef) *toolComponent {
	t := r.Tool
	if ref == nil {
		return &t.Driver
	}
	if ref.Index != nil {
		if *ref.Index >= 0 && *ref.Index < len(t.Extensions) {
			return &t.Extensions[*ref.Index]
		}
		return nil
	}
	for k := range t.Extensions {
		e := &t.Extensions[k]
		if (ref.GUID != "" && strings.EqualFold(ref.GUID, e.GUID)) || (ref.GUID == "" && ref.Name != "" && ref.Name == e.Name) {
			return e
		}
	}
	if ref.GUID == "" && (ref.Name == "" || ref.Name == t.Driver.Name) {
		return &t.Driver
	}
	return nil
}

// ruleByID finds a rule by id in the component. A hierarchical id ("CA2000/1")
// falls back to its first component.
func (c *toolComponent) ruleByID(id string) *rule {
	if id == "" || len(c.Rules) == 0 {
		return nil
	}
	if c.byID == nil {
		c.byID = make(map[string]int, len(c.Rules))
		for k := len(c.Rules) - 1; k >= 0; k-- {
			c.byID[c.Rules[k].ID] = k
		}
	}
	if k, ok := c.byID[id]; ok {
		return &c.Rules[k]
	}
	if head, _, ok := strings.Cut(id, "/"); ok {
		if k, ok := c.byID[head]; ok {
			return &c.Rules[k]
		}
	}
	return nil
}

// lookupRule finds the rule a result refers to, by index when it resolves, else by
// id, and the tool component that holds it. Either may be nil.
func (r *run) lookupRule(res *result) (*toolComponent, *rule) {
	var ref *componentRef
	index := res.RuleIndex
	id := res.RuleID
	if res.Rule != nil {
		ref = res.Rule.ToolComponent
		if res.Rule.Index != nil {
			index = res.Rule.Index
		}
		if id == "" {
			id = res.Rule.ID
		}
	}
	comp := r.component(ref)
	if comp == nil {
		return nil, nil
	}
	if index != nil && *index >= 0 && *index < len(comp.Rules) {
		return comp, &comp.Rules[*index]
	}
	if rl := comp.ruleByID(id); rl != nil {
		return comp, rl
	}
	if ref == nil {
		// No component named: the rule may live in an extension (CodeQL query packs).
		for k := range r.Tool.Extensions {
			if rl := r.Tool.Extensions[k].ruleByID(id); rl != nil {
				return &r.Tool.Extensions[k], rl
			}
		}
	}
	return comp, nil
}

// messageText renders a result's message as plain text.
func messageText(m *message, comp *toolComponent, rl *rule) string {
	if m.Text != "" {
		return format(m.Text, m.Arguments)
	}
	if m.ID != "" {
		if rl != nil {
			if s, ok := rl.MessageStrings[m.ID]; ok && s.Text != "" {
				return format(s.Text, m.Arguments)
			}
		}
		if comp != nil {
			if s, ok := comp.GlobalMessageStrings[m.ID]; ok && s.Text != "" {
				return format(s.Text, m.Arguments)
			}
		}
	}
	return format(m.Markdown, m.Arguments)
}

// format replaces {n} placeholders with arguments and "{{", "}}" with braces
// (SARIF §3.11.5). Without arguments the text is returned unchanged, since many
// tools put unescaped braces in plain messages. Placeholders without an argument
// are kept.
func format(s string, args []string) string {
	if len(args) == 0 || !strings.ContainsAny(s, "{}") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end > 1 {
				if n, err := strconv.Atoi(s[i+1 : i+end]); err == nil && n >= 0 && n < len(args) && s[i+1] != '+' && s[i+1] != '-' {
					b.WriteString(args[n])
					i += end
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// resolvePath turns an artifact location into a file path.
func (r *run) resolvePath(loc *artifactLocation) string {
	uri, base := loc.URI, loc.URIBaseID
	if uri == "" && loc.Index != nil && *loc.Index >= 0 && *loc.Index < len(r.Artifacts) {
		if a := r.Artifacts[*loc.Index].Location; a != nil {
			uri = a.URI
			if base == "" {
				base = a.URIBaseID
			}
		}
	}
	if uri == "" {
		return ""
	}
	if base != "" && !hasScheme(uri) {
		if b := r.basePath(base); b != "" {
			return joinPath(b, uriToPath(uri))
		}
	}
	return uriToPath(uri)
}

// basePath returns the path a uriBaseId stands for, or "" when it is not defined.
// Results are resolved against the same few bases, so they are cached.
func (r *run) basePath(id string) string {
	if len(r.OriginalURIBaseIDs) == 0 {
		return ""
	}
	if p, ok := r.basePaths[id]; ok {
		return p
	}
	p := ""
	if u := r.baseURI(id, 0); u != "" {
		p = uriToPath(u)
	}
	if r.basePaths == nil {
		r.basePaths = map[string]string{}
	}
	r.basePaths[id] = p
	return p
}

// joinPath joins a base path and a relative path with one slash.
func joinPath(base, rel string) string {
	rel = strings.TrimPrefix(strings.TrimLeft(rel, "/"), "./")
	if rel == "" {
		return base
	}
	if strings.HasSuffix(base, "/") {
		return base + rel
	}
	return base + "/" + rel
}

// baseURI resolves a uriBaseId through run.originalUriBaseIds, following chained
// base ids a few levels deep. It returns "" when the id is not defined.
func (r *run) baseURI(id string, depth int) string {
	e, ok := r.OriginalURIBaseIDs[id]
	if !ok || depth > 8 {
		return ""
	}
	if e.URIBaseID != "" && !hasScheme(e.URI) {
		return joinURI(r.baseURI(e.URIBaseID, depth+1), e.URI)
	}
	return e.URI
}

func joinURI(base, rel string) string {
	if base == "" {
		return rel
	}
	if rel == "" {
		return base
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + strings.TrimPrefix(strings.TrimLeft(rel, "/"), "./")
}

// hasScheme reports whether uri starts with a URI scheme. One-letter schemes are
// taken as Windows drive letters ("C:/src"), which some tools emit.
func hasScheme(uri string) bool {
	for i := 0; i < len(uri); i++ {
		c := uri[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':':
			return i > 1
		default:
			return false
		}
	}
	return false
}

// uriToPath strips a file:// scheme, percent-decodes, and turns backslashes into
// forward slashes. URIs of other schemes are returned as they are.
func uriToPath(uri string) string {
	if hasScheme(uri) {
		if len(uri) < 5 || !strings.EqualFold(uri[:5], "file:") {
			return uri
		}
		u, err := url.Parse(uri)
		if err != nil {
			return uri
		}
		p := u.Path
		if p == "" {
			p = u.Opaque
		}
		if u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
			p = "//" + u.Host + p
		}
		// file:///C:/src/x.c names C:/src/x.c.
		if len(p) >= 3 && p[0] == '/' && p[2] == ':' && isLetter(p[1]) {
			p = p[1:]
		}
		return strings.ReplaceAll(p, `\`, "/")
	}
	if strings.Contains(uri, "%") {
		if p, err := url.PathUnescape(uri); err == nil {
			uri = p
		}
	}
	return strings.ReplaceAll(uri, `\`, "/")
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// decode decodes the file's JSON into v with the checks of source.File.DecodeJSON
// (UTF-8, nesting depth, trailing data), naming expected types in JSON terms
// ("expected string") rather than Go's.
func decode(f *source.File, v *sarifLog) error {
	if err := f.CheckUTF8(); err != nil {
		return err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return err
	}
	trimmed := bytes.TrimLeft(f.Data, " \t\r\n\ufeff")
	if len(trimmed) == 0 {
		return f.Errorf("empty file: %s", notSARIF)
	}
	if trimmed[0] != '{' {
		off := int64(len(f.Data) - len(trimmed))
		if trimmed[0] == '<' {
			return f.ErrorAt(off, "%s, found XML", notSARIF)
		}
		if trimmed[0] == '[' || trimmed[0] == '"' || trimmed[0] == '-' || trimmed[0] >= '0' && trimmed[0] <= '9' || bytes.HasPrefix(trimmed, []byte("true")) || bytes.HasPrefix(trimmed, []byte("false")) || bytes.HasPrefix(trimmed, []byte("null")) {
			return f.ErrorAt(off, "%s, found JSON %s", notSARIF, jsonKindOf(trimmed))
		}
	}
	// json.Unmarshal rather than a json.Decoder: it decodes f.Data in place instead
	// of copying it into the decoder's buffer, and rejects trailing data itself.
	if err := json.Unmarshal(f.Data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if !looksLikeSARIF(f.Data) {
				return f.Errorf("%s, found %s", notSARIF, describeTopLevel(f.Data))
			}
			field := te.Field
			if field == "" {
				field = "value"
			}
			return f.ErrorAt(te.Offset, "%s: expected %s, found JSON %s", field, goTypeInJSON(te.Type), te.Value)
		}
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset >= int64(len(f.Data)) {
			err = io.ErrUnexpectedEOF
		}
		return f.JSONError(err, 0)
	}
	return nil
}

// looksLikeSARIF reports whether a JSON document has the top-level members of a
// SARIF log, used to tell a broken SARIF log from another kind of document.
func looksLikeSARIF(data []byte) bool {
	var probe struct {
		Version json.RawMessage `json:"version"`
		Schema  json.RawMessage `json:"$schema"`
		Runs    json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return true // cannot tell: report the decoding error itself
	}
	return len(probe.Runs) > 0 || bytes.Contains(bytes.ToLower(probe.Schema), []byte("sarif")) ||
		len(probe.Version) > 0 && probe.Version[0] == '"'
}

// describeTopLevel says what a non-SARIF JSON document is, naming a few of its
// top-level members.
func describeTopLevel(data []byte) string {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return "JSON " + jsonKindOf(bytes.TrimSpace(data))
	}
	if len(obj) == 0 {
		return "an empty JSON object"
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, strconv.Quote(k))
	}
	sort.Strings(keys)
	more := ""
	if len(keys) > 6 {
		more = ", …"
		keys = keys[:6]
	}
	return "a JSON object with members " + strings.Join(keys, ", ") + more
}

// jsonKindOf names the kind of JSON value raw starts with.
func jsonKindOf(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// goTypeInJSON names the JSON kind a Go type decodes from.
func goTypeInJSON(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.String()
}

// path is a JSON path: object member names and array indices.
type path []any

func (p path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch e := e.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", e)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e)
		}
	}
	return b.String()
}

// errorAt returns an error at the value p names, prefixed with p.
func errorAt(f *source.File, p path, format string, args ...any) error {
	msg := p.String() + ": " + fmt.Sprintf(format, args...)
	if off := offsetOf(f.Data, p); off >= 0 {
		return f.ErrorAt(off, "%s", msg)
	}
	return f.Errorf("%s", msg)
}

// offsetOf returns the byte offset where the value at p starts, or -1 when it
// cannot be found. Member names match as encoding/json matches them (ignoring
// case). It is only used to place error messages, so speed does not matter.
func offsetOf(data []byte, p path) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	for _, e := range p {
		tok, err := dec.Token()
		if err != nil {
			return -1
		}
		switch e := e.(type) {
		case string:
			if tok != json.Delim('{') {
				return -1
			}
			found := false
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return -1
				}
				if k, _ := key.(string); strings.EqualFold(k, e) {
					found = true
					break
				}
				if skipValue(dec) != nil {
					return -1
				}
			}
			if !found {
				return -1
			}
		case int:
			if tok != json.Delim('[') {
				return -1
			}
			for k := 0; k < e; k++ {
				if !dec.More() || skipValue(dec) != nil {
					return -1
				}
			}
			if !dec.More() {
				return -1
			}
		}
	}
	off := dec.InputOffset()
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
			continue
		}
		break
	}
	return off
}

// skipValue reads one whole JSON value from dec.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
