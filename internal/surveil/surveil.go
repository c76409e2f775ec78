// Package surveil re-checks released versions against vulnerability databases,
// offline: each version's SBOM is matched against OSV exports with each
// ecosystem's version rules, VEX decisions and the CISA KEV catalogue are
// applied, and a state file keeps the time each finding was first seen so that
// SLA clocks hold across scheduled runs.
package surveil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/sbom"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/evidence/vex"
)

// MediaType is the media type of surveil's JSON output (evidence.Surveillance).
const MediaType = "application/vnd.mdrgate.surveillance+json"

// Finding states, the values of evidence.SurveilFinding.State.
const (
	StateNew      = "new"
	StateKnown    = "known"
	StateOverdue  = "overdue"
	StateResolved = "resolved"
)

// Severities are the keys sla_days must give.
var Severities = []string{"critical", "high", "medium", "low"}

// Options are the inputs of one surveillance run; every file is local.
type Options struct {
	SBOMs []string
	VEX   []string
	OSV   []string
	// KEV is the CISA Known Exploited Vulnerabilities catalogue (JSON); optional.
	KEV string
	// State is the state file; optional, but without it first_seen is the
	// record's publication date (the strictest clock), and nothing is remembered.
	State string
	// UpdatePolicy is the document whose front matter gives sla_days (GOV-04).
	UpdatePolicy string
	At           time.Time
	Limits       Limits
	MaxFileSize  int64
}

// Result is a surveillance run's outcome.
type Result struct {
	Surveillance *evidence.Surveillance
	// State is the updated state, to write back to Options.State.
	State *State
	// Notes are things a reader should know (ignored VEX statements,
	// components that could not be checked), sorted.
	Notes []string
	// Records maps a finding id to its OSV records, for advisories.
	Records map[string][]*Record
}

// Run performs one surveillance run.
func Run(o Options) (*Result, error) {
	if o.At.IsZero() {
		o.At = time.Now()
	}
	o.At = o.At.UTC().Truncate(time.Second)
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits
	}
	if len(o.SBOMs) == 0 {
		return nil, fmt.Errorf("no SBOM: give each supported version's SBOM with --sbom (or surveil.sboms in .mdrgate.yaml)")
	}
	if len(o.OSV) == 0 {
		return nil, fmt.Errorf("no OSV database: give an OSV export (zip) or a directory of OSV JSON with --osv (or surveil.osv in .mdrgate.yaml)")
	}
	sla, err := LoadSLA(o.UpdatePolicy)
	if err != nil {
		return nil, err
	}
	type version struct {
		label string
		sbom  evidence.SBOM
	}
	// SBOMs are read in parallel and checked in order.
	sboms := make([]evidence.SBOM, len(o.SBOMs))
	sbomErrs := make([]error, len(o.SBOMs))
	parallel(len(o.SBOMs), func(i int) {
		f, err := source.Read(o.SBOMs[i], o.SBOMs[i], o.MaxFileSize)
		if err != nil {
			sbomErrs[i] = err
			return
		}
		sboms[i], sbomErrs[i] = sbom.Parse(f)
	})
	var versions []version
	byLabel := map[string]string{}
	for i, p := range o.SBOMs {
		if sbomErrs[i] != nil {
			return nil, sbomErrs[i]
		}
		s := sboms[i]
		if s.Subject == nil || s.Subject.Version == "" {
			return nil, fmt.Errorf("%s: the SBOM names no product version (CycloneDX metadata.component.version, SPDX documentDescribes package versionInfo): surveillance tracks findings per released version", p)
		}
		if prev, dup := byLabel[s.Subject.Version]; dup {
			return nil, fmt.Errorf("%s: version %s is also the version of %s: give one SBOM per released version", p, s.Subject.Version, prev)
		}
		byLabel[s.Subject.Version] = p
		versions = append(versions, version{s.Subject.Version, s})
	}
	var vexDocs []evidence.VEXDocument
	for _, p := range o.VEX {
		f, err := source.Read(p, p, o.MaxFileSize)
		if err != nil {
			return nil, err
		}
		d, err := vex.Parse(f)
		if err != nil {
			return nil, err
		}
		vexDocs = append(vexDocs, d)
	}
	db, err := LoadOSV(o.OSV, o.Limits)
	if err != nil {
		return nil, err
	}
	feeds := append([]evidence.Feed{}, db.Feeds...)
	var kev map[string]bool
	if o.KEV != "" {
		var feed evidence.Feed
		kev, feed, err = LoadKEV(o.KEV, o.MaxFileSize)
		if err != nil {
			return nil, err
		}
		feeds = append(feeds, feed)
	}
	state := &State{Schema: StateSchema, Entries: []StateEntry{}}
	haveState := false
	if o.State != "" {
		if state, _, err = LoadState(o.State); err != nil {
			return nil, err
		}
		haveState = true
	}

	state.index()
	res := &Result{Records: map[string][]*Record{}}
	notes := map[string]bool{}
	surveilled := map[string]bool{}
	newEntries := make([]StateEntry, 0, len(state.Entries))
	var out []evidence.SurveilledVersion
	// Match the versions in parallel; the rest runs in order.
	groupsOf := make([][]*group, len(versions))
	notesOf := make([]map[string]bool, len(versions))
	errsOf := make([]error, len(versions))
	parallel(len(versions), func(i int) {
		notesOf[i] = map[string]bool{}
		groupsOf[i], errsOf[i] = db.match(versions[i].sbom, notesOf[i])
	})
	for vi, v := range versions {
		surveilled[v.label] = true
		groups, err := groupsOf[vi], errsOf[vi]
		if err != nil {
			return nil, err
		}
		sv := evidence.SurveilledVersion{Version: v.label, SBOM: v.sbom.FileRef, ScannedAt: o.At, Findings: make([]evidence.SurveilFinding, 0, len(groups))}
		for n := range notesOf[vi] {
			notes[n] = true
		}
		matched := map[string]bool{}
		p := product{serial: v.sbom.Serial, subject: v.sbom.Subject, version: v.label}
		for _, g := range groups {
			ids := g.ids()
			f := evidence.SurveilFinding{
				ID: ids[0], Aliases: ids[1:], Package: g.pkg, Severity: g.severity(),
				CVSSScore: g.score(), FixedVersions: g.fixed(),
			}
			res.Records[f.ID] = mergeRecords(res.Records[f.ID], g.records)
			for _, id := range ids {
				if kev[id] {
					f.KEV = true
				}
			}
			d := decide(vexDocs, ids, p, g.pkg)
			for _, n := range d.ignored {
				notes[v.label+": "+n] = true
			}
			f.VEXStatus, f.VEXJustification = d.status, d.justification
			prev := state.find(v.label, g.pkg.PURL, ids)
			entry := StateEntry{Version: v.label, ID: f.ID, Aliases: f.Aliases, Package: g.pkg, Severity: f.Severity}
			isNew := prev == nil
			switch {
			case prev != nil:
				entry.FirstSeen = prev.FirstSeen
				matched[prev.key()] = true
			case !haveState && g.published() != nil:
				entry.FirstSeen = *g.published()
			default:
				entry.FirstSeen = o.At
			}
			if entry.FirstSeen.After(o.At) {
				entry.FirstSeen = o.At
			}
			f.FirstSeen = entry.FirstSeen
			due := f.FirstSeen.AddDate(0, 0, sla.days(f.Severity))
			f.DueDate = &due
			if d.status == vex.StatusFixed || d.status == vex.StatusNotAffected {
				t := o.At
				if prev != nil && prev.ResolvedAt != nil {
					t = *prev.ResolvedAt
				}
				entry.ResolvedAt, f.ResolvedAt = &t, &t
			}
			switch {
			case f.ResolvedAt != nil:
				f.State = StateResolved
			case o.At.After(due):
				f.State = StateOverdue
			case isNew:
				f.State = StateNew
			default:
				f.State = StateKnown
			}
			newEntries = append(newEntries, entry)
			sv.Findings = append(sv.Findings, f)
		}
		// Entries of this version that no longer match were resolved: the
		// component changed or the advisory no longer names its version.
		for _, i := range state.byVersion[v.label] {
			e := state.Entries[i]
			if matched[e.key()] {
				continue
			}
			if e.ResolvedAt == nil {
				t := o.At
				e.ResolvedAt = &t
			}
			due := e.FirstSeen.AddDate(0, 0, sla.days(e.Severity))
			sv.Findings = append(sv.Findings, evidence.SurveilFinding{
				ID: e.ID, Aliases: nonNil(e.Aliases), Package: e.Package, Severity: e.Severity,
				FixedVersions: []string{}, FirstSeen: e.FirstSeen, DueDate: &due, State: StateResolved, ResolvedAt: e.ResolvedAt,
			})
			newEntries = append(newEntries, e)
		}
		sortFindings(sv.Findings)
		out = append(out, sv)
	}
	for _, e := range state.Entries {
		if !surveilled[e.Version] {
			newEntries = append(newEntries, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	res.Surveillance = &evidence.Surveillance{
		FileRef:  evidence.FileRef{MediaType: MediaType},
		RunAt:    o.At,
		Feeds:    feeds,
		SLADays:  sla,
		Versions: out,
	}
	res.State = &State{Schema: StateSchema, UpdatedAt: o.At, Entries: newEntries}
	if !haveState {
		notes["no --state file: first_seen is each record's publication date (or this run), and nothing is remembered for the next run"] = true
	}
	for n := range notes {
		res.Notes = append(res.Notes, n)
	}
	sort.Strings(res.Notes)
	return res, nil
}

// parallel calls fn(0) … fn(n-1) on as many goroutines as there are CPUs.
func parallel(n int, fn func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fn(i)
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func mergeRecords(a, b []*Record) []*Record {
	for _, r := range b {
		if !containsRecord(a, r) {
			a = append(a, r)
		}
	}
	return a
}

func sortFindings(fs []evidence.SurveilFinding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].ID != fs[j].ID {
			return fs[i].ID < fs[j].ID
		}
		return fs[i].Package.PURL < fs[j].Package.PURL
	})
}

// index builds the lookups of find.
func (s *State) index() {
	s.byPackage = map[string][]int{}
	s.byVersion = map[string][]int{}
	for i, e := range s.Entries {
		k := e.Version + "\x00" + e.Package.PURL
		s.byPackage[k] = append(s.byPackage[k], i)
		s.byVersion[e.Version] = append(s.byVersion[e.Version], i)
	}
}

// find returns the state entry of a version and package whose ids overlap ids.
func (s *State) find(version, purl string, ids []string) *StateEntry {
	for _, i := range s.byPackage[version+"\x00"+purl] {
		e := &s.Entries[i]
		for _, a := range e.ids() {
			for _, b := range ids {
				if a == b {
					return e
				}
			}
		}
	}
	return nil
}

// SLA maps a severity to the days allowed from first seen to a fix or a VEX decision.
type SLA map[string]int

// days returns the SLA of a severity: an unknown severity gets the critical
// SLA (the strictest), a CVSS "none" the low one.
func (s SLA) days(severity string) int {
	switch severity {
	case "critical", "high", "medium", "low":
		return s[severity]
	case "none":
		return s["low"]
	}
	return s["critical"]
}

// LoadSLA reads sla_days from the front matter of the update policy document
// (GOV-04): critical, high, medium and low, each a positive number of days.
func LoadSLA(path string) (SLA, error) {
	const where = "set sla_days: {critical: N, high: N, medium: N, low: N} in the front matter of docs/security/update-policy.md (GOV-04), or name the document with --update-policy"
	if path == "" {
		return nil, fmt.Errorf("no SLA: %s", where)
	}
	f, err := source.Read(path, path, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("update policy: %w: %s", err, where)
	}
	data := bytes.ReplaceAll(f.Data, []byte("\r\n"), []byte("\n"))
	var fm []byte
	switch {
	case strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml"):
		fm = data
	case bytes.HasPrefix(data, []byte("---\n")):
		end := bytes.Index(data[4:], []byte("\n---"))
		if end < 0 {
			return nil, f.Errorf("front matter not closed by a --- line")
		}
		fm = data[4 : 4+end+1]
	default:
		return nil, f.Errorf("no front matter: %s", where)
	}
	var doc struct {
		SLADays map[string]any `yaml:"sla_days"`
	}
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, f.Errorf("front matter: %v", err)
	}
	if doc.SLADays == nil {
		return nil, f.Errorf("no sla_days in the front matter: %s", where)
	}
	sla := SLA{}
	for _, sev := range Severities {
		v, ok := doc.SLADays[sev]
		n, isInt := v.(int)
		switch {
		case !ok:
			return nil, f.Errorf("sla_days.%s is missing: %s", sev, where)
		case !isInt || n <= 0:
			return nil, f.Errorf("sla_days.%s: expected a positive whole number of days, found %v", sev, v)
		}
		sla[sev] = n
	}
	return sla, nil
}

var cveID = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)

// LoadKEV reads CISA's Known Exploited Vulnerabilities catalogue (JSON:
// vulnerabilities[].cveID, dateAdded) and returns the set of CVE ids.
func LoadKEV(path string, maxSize int64) (map[string]bool, evidence.Feed, error) {
	f, err := source.Read(path, path, maxSize)
	if err != nil {
		return nil, evidence.Feed{}, err
	}
	var cat struct {
		CatalogVersion  string `json:"catalogVersion"`
		Vulnerabilities *[]struct {
			CveID     string `json:"cveID"`
			DateAdded string `json:"dateAdded"`
		} `json:"vulnerabilities"`
	}
	if err := f.DecodeJSON(&cat); err != nil {
		return nil, evidence.Feed{}, err
	}
	if cat.Vulnerabilities == nil {
		return nil, evidence.Feed{}, f.Errorf(`not a KEV catalogue: "vulnerabilities" is missing: expected CISA's known_exploited_vulnerabilities.json`)
	}
	set := map[string]bool{}
	for i, v := range *cat.Vulnerabilities {
		if !cveID.MatchString(v.CveID) {
			return nil, evidence.Feed{}, f.Errorf("vulnerabilities[%d].cveID: expected CVE-YYYY-NNNN, found %q", i, v.CveID)
		}
		if _, err := time.Parse(time.DateOnly, v.DateAdded); err != nil {
			return nil, evidence.Feed{}, f.Errorf("vulnerabilities[%d].dateAdded: expected YYYY-MM-DD, found %q", i, v.DateAdded)
		}
		set[v.CveID] = true
	}
	return set, evidence.Feed{Name: "cisa-kev", Path: path, SHA256: f.SHA256, Records: len(*cat.Vulnerabilities)}, nil
}

// Breaches lists why a run fails: findings past their SLA, and KEV-listed
// findings that are not resolved. Empty when the run passes.
func Breaches(s *evidence.Surveillance) []string {
	var out []string
	for _, v := range s.Versions {
		for _, f := range v.Findings {
			if f.State == StateOverdue {
				out = append(out, fmt.Sprintf("%s: %s in %s %s is past its %s SLA (due %s)", v.Version, f.ID, f.Package.Name, f.Package.Version, f.Severity, f.DueDate.Format(time.DateOnly)))
			}
			if f.KEV && f.State != StateResolved {
				out = append(out, fmt.Sprintf("%s: %s in %s %s is in the CISA KEV catalogue and not resolved", v.Version, f.ID, f.Package.Name, f.Package.Version))
			}
		}
	}
	return out
}

// NeedsAction reports whether a finding calls for out-of-cycle action: listed
// in KEV, or past its SLA, and not resolved.
func NeedsAction(f evidence.SurveilFinding) bool {
	return f.State != StateResolved && (f.KEV || f.State == StateOverdue)
}

// Metrics are the FDA post-market metrics of one version's findings.
type Metrics struct {
	Total, Patched, Open, Overdue, KEV int
	// SharePatched is Patched/Total (1 with no findings).
	SharePatched float64
	// MeanDaysToPatch is the mean of resolved_at − first_seen over patched findings; nil with none.
	MeanDaysToPatch *float64
}

// VersionMetrics computes the metrics of a version from its findings.
func VersionMetrics(v evidence.SurveilledVersion) Metrics {
	var m Metrics
	var days float64
	for _, f := range v.Findings {
		m.Total++
		if f.KEV {
			m.KEV++
		}
		switch f.State {
		case StateResolved:
			m.Patched++
			if f.ResolvedAt != nil {
				days += f.ResolvedAt.Sub(f.FirstSeen).Hours() / 24
			}
		case StateOverdue:
			m.Overdue++
			m.Open++
		default:
			m.Open++
		}
	}
	m.SharePatched = 1
	if m.Total > 0 {
		m.SharePatched = float64(m.Patched) / float64(m.Total)
	}
	if m.Patched > 0 {
		mean := days / float64(m.Patched)
		m.MeanDaysToPatch = &mean
	}
	return m
}

// MarshalJSON renders the surveillance as JSON (evidence.Surveillance), indented.
func MarshalJSON(s *evidence.Surveillance) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
