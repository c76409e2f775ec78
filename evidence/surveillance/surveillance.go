// Package surveillance reads the JSON that mdrgate surveil writes (-o json, an
// evidence.Surveillance) back into the evidence document, checking it strictly:
// unknown keys, missing times, unknown states and severities are errors.
package surveillance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// MediaType is the media type recorded for a surveillance file.
const MediaType = "application/vnd.mdrgate.surveillance+json"

var (
	states     = map[string]bool{"new": true, "known": true, "overdue": true, "resolved": true}
	severities = map[string]bool{"critical": true, "high": true, "medium": true, "low": true, "none": true, "unknown": true}
	vexStatus  = map[string]bool{"": true, "not_affected": true, "affected": true, "fixed": true, "under_investigation": true}
)

// Parse reads a surveillance result. The FileRef is the file's own; versions
// and findings are sorted, and every slice is non-nil.
func Parse(f *source.File) (*evidence.Surveillance, error) {
	if err := f.CheckUTF8(); err != nil {
		return nil, err
	}
	if err := f.CheckJSONDepth(); err != nil {
		return nil, err
	}
	var s evidence.Surveillance
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		if e, ok := unknownField(f, err); ok {
			return nil, e
		}
		return nil, f.JSONError(err, 0)
	}
	if dec.More() {
		return nil, f.ErrorAt(dec.InputOffset(), "invalid JSON: unexpected data after the JSON document")
	}
	if s.RunAt.IsZero() {
		return nil, f.Errorf(`not a surveillance result: "run_at" is missing: expected the JSON of 'mdrgate surveil -o json'`)
	}
	if s.Versions == nil {
		return nil, f.Errorf(`not a surveillance result: "versions" is missing: expected the JSON of 'mdrgate surveil -o json'`)
	}
	if s.Feeds == nil {
		s.Feeds = []evidence.Feed{}
	}
	if s.SLADays == nil {
		s.SLADays = map[string]int{}
	}
	seen := map[string]bool{}
	for i := range s.Versions {
		v := &s.Versions[i]
		where := fmt.Sprintf("versions[%d]", i)
		if v.Version == "" {
			return nil, f.Errorf("%s.version: empty: each surveilled version names its version", where)
		}
		if seen[v.Version] {
			return nil, f.Errorf("%s.version: %q appears twice", where, v.Version)
		}
		seen[v.Version] = true
		if v.Findings == nil {
			v.Findings = []evidence.SurveilFinding{}
		}
		for j := range v.Findings {
			x := &v.Findings[j]
			at := fmt.Sprintf("%s.findings[%d]", where, j)
			switch {
			case x.ID == "":
				return nil, f.Errorf("%s.id: empty", at)
			case !states[x.State]:
				return nil, f.Errorf("%s.state: invalid value %q: valid values are known, new, overdue, resolved", at, x.State)
			case !severities[x.Severity]:
				return nil, f.Errorf("%s.severity: invalid value %q: valid values are critical, high, medium, low, none, unknown", at, x.Severity)
			case !vexStatus[x.VEXStatus]:
				return nil, f.Errorf("%s.vex_status: invalid value %q: valid values are affected, fixed, not_affected, under_investigation or empty", at, x.VEXStatus)
			case x.FirstSeen.IsZero():
				return nil, f.Errorf("%s.first_seen: missing", at)
			case x.State == "resolved" && x.ResolvedAt == nil:
				return nil, f.Errorf("%s: state resolved without resolved_at", at)
			}
			if x.Aliases == nil {
				x.Aliases = []string{}
			}
			if x.FixedVersions == nil {
				x.FixedVersions = []string{}
			}
		}
		sort.SliceStable(v.Findings, func(a, b int) bool {
			if v.Findings[a].ID != v.Findings[b].ID {
				return v.Findings[a].ID < v.Findings[b].ID
			}
			return v.Findings[a].Package.PURL < v.Findings[b].Package.PURL
		})
	}
	sort.SliceStable(s.Versions, func(a, b int) bool { return s.Versions[a].Version < s.Versions[b].Version })
	s.FileRef = f.Ref(MediaType)
	return &s, nil
}

// unknownField turns encoding/json's unknown-field error into a positioned one.
func unknownField(f *source.File, err error) (error, bool) {
	const prefix = "json: unknown field "
	msg := err.Error()
	if len(msg) <= len(prefix) || msg[:len(prefix)] != prefix {
		return nil, false
	}
	name := msg[len(prefix):]
	off := int64(bytes.Index(f.Data, []byte(name)))
	return f.ErrorAt(max(off, 0), "unknown key %s: expected the JSON of 'mdrgate surveil -o json' (evidence.Surveillance)", name), true
}

// Add sets the document's surveillance; a second surveillance file is an error naming both.
func Add(f *source.File, d *evidence.Document) error {
	s, err := Parse(f)
	if err != nil {
		return err
	}
	if d.Surveillance != nil {
		return f.Errorf("a second surveillance result: %s was read already; give one (the newest run's) with --evidence surveillance=FILE or the globs", d.Surveillance.Path)
	}
	d.Surveillance = s
	return nil
}
