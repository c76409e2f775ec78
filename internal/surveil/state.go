package surveil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// StateSchema is the schema of the state file.
const StateSchema = "mdrgate.surveil-state/v1"

// State is the state file: what surveillance has seen, so that SLA clocks
// hold across runs. One entry per (product version, finding, package).
type State struct {
	Schema    string       `json:"schema"`
	UpdatedAt time.Time    `json:"updated_at"`
	Entries   []StateEntry `json:"entries"`

	byPackage, byVersion map[string][]int
}

// StateEntry records one finding of one version.
type StateEntry struct {
	Version string `json:"version"`
	// ID is the finding's id; Aliases its other ids, so that an id that
	// changes (a GHSA given a CVE) still finds its entry.
	ID        string           `json:"id"`
	Aliases   []string         `json:"aliases"`
	Package   evidence.Package `json:"package"`
	Severity  string           `json:"severity"`
	FirstSeen time.Time        `json:"first_seen"`
	// ResolvedAt is when a fix or a justified not_affected was first recorded,
	// or when the finding stopped matching; null while open.
	ResolvedAt *time.Time `json:"resolved_at"`
}

func (e StateEntry) ids() []string { return append([]string{e.ID}, e.Aliases...) }

func (e StateEntry) key() string { return e.Version + "\x00" + e.ID + "\x00" + e.Package.PURL }

// LoadState reads a state file. A file that does not exist is an empty state
// (the first run); a file that exists but cannot be read or parsed is an error,
// never a reset.
func LoadState(path string) (*State, bool, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return &State{Schema: StateSchema, Entries: []StateEntry{}}, false, nil
	}
	f, err := source.Read(path, path, 1<<30)
	if err != nil {
		return nil, false, fmt.Errorf("--state: %w (fix or restore the file; it is never reset)", err)
	}
	var s State
	if err := f.DecodeJSON(&s); err != nil {
		return nil, false, fmt.Errorf("--state: %w (fix or restore the file; it is never reset)", err)
	}
	if s.Schema != StateSchema {
		return nil, false, fmt.Errorf("--state %s: schema %q: expected %q", path, s.Schema, StateSchema)
	}
	for i, e := range s.Entries {
		if e.Version == "" || e.ID == "" || e.FirstSeen.IsZero() {
			return nil, false, fmt.Errorf("--state %s: entries[%d]: version, id and first_seen are required", path, i)
		}
		if e.ResolvedAt != nil && e.ResolvedAt.Before(e.FirstSeen) {
			return nil, false, fmt.Errorf("--state %s: entries[%d] (%s %s): resolved_at is before first_seen", path, i, e.Version, e.ID)
		}
		if s.Entries[i].Aliases == nil {
			s.Entries[i].Aliases = []string{}
		}
	}
	return &s, true, nil
}

// Marshal returns the state as indented JSON, entries sorted.
func (s *State) Marshal() ([]byte, error) {
	sort.Slice(s.Entries, func(i, j int) bool { return s.Entries[i].key() < s.Entries[j].key() })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
