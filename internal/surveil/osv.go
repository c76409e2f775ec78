package surveil

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// Limits bound what is read from an OSV export, against zip bombs and runaway files.
type Limits struct {
	// MaxEntries is the most records one zip file or directory may hold.
	MaxEntries int
	// MaxRecordSize is the largest single OSV record, in bytes (uncompressed).
	MaxRecordSize int64
	// MaxTotalSize is the most bytes read (uncompressed) from one zip file or directory.
	MaxTotalSize int64
	// MaxZipSize is the largest zip file opened, in bytes.
	MaxZipSize int64
}

// DefaultLimits are generous for OSV's published exports (the largest,
// all.zip of every ecosystem, holds some 600,000 records).
var DefaultLimits = Limits{
	MaxEntries:    2_000_000,
	MaxRecordSize: 16 << 20,
	MaxTotalSize:  16 << 30,
	MaxZipSize:    4 << 30,
}

// osvRecord is an OSV record (https://ossf.github.io/osv-schema/), the fields used.
type osvRecord struct {
	ID        string        `json:"id"`
	Modified  string        `json:"modified"`
	Published string        `json:"published"`
	Withdrawn string        `json:"withdrawn"`
	Aliases   []string      `json:"aliases"`
	Summary   string        `json:"summary"`
	Details   string        `json:"details"`
	Severity  []osvSeverity `json:"severity"`
	Affected  []osvAffected `json:"affected"`
	// DatabaseSpecific is free-form; only a string "severity" (GitHub's) is used.
	DatabaseSpecific json.RawMessage `json:"database_specific"`
	References       []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"references"`
}

type osvSeverity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

type osvAffected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
		PURL      string `json:"purl"`
	} `json:"package"`
	Severity []osvSeverity `json:"severity"`
	Ranges   []osvRange    `json:"ranges"`
	Versions []string      `json:"versions"`

	once   sync.Once
	parsed []parsedRange
}

type osvRange struct {
	Type   string              `json:"type"`
	Events []map[string]string `json:"events"`
}

// Record is one OSV record of the database with where it was read from.
type Record struct {
	osvRecord
	// Origin names the file, or zip file and entry, the record was read from.
	Origin string
	// Severity and Score are derived once from the record's CVSS vectors or
	// database-specific severity.
	severity string
	score    *float64
}

// DB is an in-memory OSV database indexed by ecosystem and normalised package name.
type DB struct {
	Records []*Record
	Feeds   []evidence.Feed
	// index maps "Ecosystem\x00name" to (record, affected entry) pairs.
	index map[string][]ref
}

type ref struct {
	rec      *Record
	affected int
}

// LoadOSV reads OSV exports: each path is a zip file (as OSV publishes per
// ecosystem, all.zip of <ID>.json records) or a directory of OSV JSON files,
// searched recursively. Every malformed record is an error naming its file (and
// zip entry); withdrawn records are kept out of the index.
func LoadOSV(paths []string, lim Limits) (*DB, error) {
	db := &DB{index: map[string][]ref{}, Feeds: []evidence.Feed{}}
	seen := map[string]string{}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("--osv %s: %v", p, unwrap(err))
		}
		before := len(db.Records)
		var sum string
		if fi.IsDir() {
			sum, err = db.loadDir(p, lim, seen)
		} else {
			sum, err = db.loadZip(p, fi.Size(), lim, seen)
		}
		if err != nil {
			return nil, err
		}
		db.Feeds = append(db.Feeds, evidence.Feed{Name: "osv", Path: filepath.ToSlash(p), SHA256: sum, Records: len(db.Records) - before})
	}
	for _, r := range db.Records {
		if r.Withdrawn != "" {
			continue
		}
		for i := range r.Affected {
			a := &r.Affected[i]
			if a.Package.Name == "" || a.Package.Ecosystem == "" {
				continue // a GIT-only entry: no package to match
			}
			eco := baseEcosystem(a.Package.Ecosystem)
			k := eco + "\x00" + normName(eco, a.Package.Name)
			db.index[k] = append(db.index[k], ref{r, i})
		}
	}
	return db, nil
}

func (db *DB) add(rec *Record, seen map[string]string) error {
	if prev, dup := seen[rec.ID]; dup {
		return fmt.Errorf("%s: OSV record %s is also in %s: each id may appear once across the --osv inputs", rec.Origin, rec.ID, prev)
	}
	seen[rec.ID] = rec.Origin
	db.Records = append(db.Records, rec)
	return nil
}

func (db *DB) loadZip(path string, size int64, lim Limits, seen map[string]string) (string, error) {
	if size > lim.MaxZipSize {
		return "", fmt.Errorf("--osv %s: zip file is %d bytes, larger than the limit of %d bytes", path, size, lim.MaxZipSize)
	}
	fh, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--osv %s: %v", path, unwrap(err))
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", fmt.Errorf("--osv %s: %v", path, unwrap(err))
	}
	zr, err := zip.NewReader(fh, size)
	if err != nil {
		return "", fmt.Errorf("--osv %s: not a zip file (%v): expected an OSV export (all.zip) or a directory of OSV JSON", path, err)
	}
	if len(zr.File) > lim.MaxEntries {
		return "", fmt.Errorf("--osv %s: %d entries, more than the limit of %d", path, len(zr.File), lim.MaxEntries)
	}
	// Entries are inflated and parsed in parallel, then added in zip order,
	// so errors and duplicates are reported deterministically.
	recs := make([]*Record, len(zr.File))
	errs := make([]error, len(zr.File))
	var total atomic.Int64
	var failed atomic.Bool
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := new(bytes.Buffer)
			for i := range jobs {
				if failed.Load() {
					continue
				}
				recs[i], errs[i] = readEntry(path, zr.File[i], buf, lim, &total)
				if errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	for i := range zr.File {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i := range recs {
		if errs[i] != nil {
			return "", errs[i]
		}
		if recs[i] == nil {
			continue // a directory entry
		}
		if err := db.add(recs[i], seen); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readEntry inflates and parses one zip entry within the limits; nil for a directory.
func readEntry(path string, zf *zip.File, buf *bytes.Buffer, lim Limits, total *atomic.Int64) (*Record, error) {
	name := zf.Name
	origin := path + ":" + name
	if zf.FileInfo().IsDir() {
		return nil, nil
	}
	if !strings.HasSuffix(strings.ToLower(name), ".json") {
		return nil, fmt.Errorf("%s: unexpected entry: an OSV export holds only <ID>.json records", origin)
	}
	if zf.UncompressedSize64 > uint64(lim.MaxRecordSize) {
		return nil, fmt.Errorf("%s: entry is %d bytes uncompressed, larger than the limit of %d bytes", origin, zf.UncompressedSize64, lim.MaxRecordSize)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", origin, err)
	}
	buf.Reset()
	// Read one byte past the limit: the header's size may lie.
	n, err := io.Copy(buf, io.LimitReader(rc, lim.MaxRecordSize+1))
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", origin, err)
	}
	if n > lim.MaxRecordSize {
		return nil, fmt.Errorf("%s: entry inflates past the limit of %d bytes (a zip bomb?)", origin, lim.MaxRecordSize)
	}
	if total.Add(n) > lim.MaxTotalSize {
		return nil, fmt.Errorf("--osv %s: more than %d bytes uncompressed, the limit", path, lim.MaxTotalSize)
	}
	// The record keeps no reference to the bytes (decoding copies strings),
	// so the buffer is reused for the next entry.
	// No digest per record: the zip file's digest is the feed's.
	return parseRecord(&source.File{Path: origin, Data: buf.Bytes()})
}

func (db *DB) loadDir(dir string, lim Limits, seen map[string]string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(strings.ToLower(d.Name()), ".json") {
			files = append(files, p)
			if len(files) > lim.MaxEntries {
				return fmt.Errorf("more than %d JSON files, the limit", lim.MaxEntries)
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("--osv %s: %v", dir, unwrap(err))
	}
	sort.Strings(files)
	// The directory's digest is over each file's relative path and digest.
	h := sha256.New()
	var total int64
	for _, p := range files {
		f, err := source.Read(p, filepath.ToSlash(p), lim.MaxRecordSize)
		if err != nil {
			return "", err
		}
		if total += int64(len(f.Data)); total > lim.MaxTotalSize {
			return "", fmt.Errorf("--osv %s: more than %d bytes, the limit", dir, lim.MaxTotalSize)
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s  %s\n", f.SHA256, filepath.ToSlash(rel))
		rec, err := parseRecord(f)
		if err != nil {
			return "", err
		}
		if err := db.add(rec, seen); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

var eventKinds = map[string]bool{"introduced": true, "fixed": true, "last_affected": true, "limit": true}

// parseRecord decodes and checks one OSV record.
func parseRecord(f *source.File) (*Record, error) {
	var r osvRecord
	if err := f.DecodeJSON(&r); err != nil {
		return nil, err
	}
	if r.ID == "" {
		return nil, f.Errorf(`not an OSV record: "id" is missing or empty`)
	}
	if r.Modified == "" {
		return nil, f.Errorf(`OSV record %s: "modified" is missing: every OSV record has one`, r.ID)
	}
	for i := range r.Affected {
		a := &r.Affected[i]
		where := fmt.Sprintf("OSV record %s: affected[%d]", r.ID, i)
		if (a.Package.Name == "") != (a.Package.Ecosystem == "") {
			return nil, f.Errorf("%s.package: expected both ecosystem and name, found ecosystem %q name %q", where, a.Package.Ecosystem, a.Package.Name)
		}
		for j, rg := range a.Ranges {
			switch rg.Type {
			case "SEMVER", "ECOSYSTEM", "GIT":
			default:
				return nil, f.Errorf("%s.ranges[%d].type: invalid value %q: valid values are ECOSYSTEM, GIT, SEMVER", where, j, rg.Type)
			}
			if len(rg.Events) == 0 {
				return nil, f.Errorf("%s.ranges[%d].events: empty: a range needs at least an introduced event", where, j)
			}
			for k, ev := range rg.Events {
				if len(ev) != 1 {
					return nil, f.Errorf("%s.ranges[%d].events[%d]: expected exactly one of introduced, fixed, last_affected, limit, found %d keys", where, j, k, len(ev))
				}
				for kind, v := range ev {
					if !eventKinds[kind] {
						return nil, f.Errorf("%s.ranges[%d].events[%d]: unknown event %q: valid events are introduced, fixed, last_affected, limit", where, j, k, kind)
					}
					if v == "" {
						return nil, f.Errorf("%s.ranges[%d].events[%d].%s: empty version", where, j, k, kind)
					}
				}
			}
		}
	}
	rec := &Record{osvRecord: r, Origin: f.Path}
	rec.severity, rec.score = recordSeverity(&r)
	return rec, nil
}

func unwrap(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
