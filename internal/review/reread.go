package review

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// buildKinds maps the evidence document's build sections (JSON names) to the
// evidence kinds whose parsers fill them.
var buildKinds = map[string]string{
	"sboms":           "sbom",
	"sarif":           "sarif",
	"tests":           "junit",
	"vulnerabilities": "vulns",
	"vex":             "vex",
	"provenance":      "provenance",
	"secrets":         "secrets",
	"hardening":       "hardening",
}

// rereadBuild parses every archived build report again with this mdrgate's
// parsers and compares what it finds with what the evidence document says was
// read from it: the report's scalar fields, how many items each list holds, and
// how those items divide by severity, level and status. It returns, by path,
// why the document's reading differs; a report this mdrgate cannot parse is
// such a difference too. blob returns an archived file's content (nil when
// missing: the file checks report that).
func rereadBuild(d *evidence.Document, blob func(path string) []byte) map[string]string {
	out := map[string]string{}
	bv := reflect.ValueOf(d.Build)
	bt := bv.Type()
	for i := 0; i < bt.NumField(); i++ {
		section, _, _ := strings.Cut(bt.Field(i).Tag.Get("json"), ",")
		kind, ok := buildKinds[section]
		if !ok {
			continue
		}
		reports := bv.Field(i)
		for j := 0; j < reports.Len(); j++ {
			rep := reports.Index(j)
			path := rep.FieldByName("FileRef").Interface().(evidence.FileRef).Path
			data := blob(path)
			if data == nil {
				continue
			}
			scratch := &evidence.Document{}
			if err := collect.Kinds[kind].Add(source.New(path, data), scratch); err != nil {
				out[path] = fmt.Sprintf("this mdrgate cannot read the archived %s report: %v", kind, err)
				continue
			}
			again := reflect.ValueOf(scratch.Build).Field(i)
			var found *reflect.Value
			for k := 0; k < again.Len(); k++ {
				if again.Index(k).FieldByName("FileRef").Interface().(evidence.FileRef).Path == path {
					v := again.Index(k)
					found = &v
				}
			}
			if found == nil {
				out[path] = fmt.Sprintf("reading the archived file again gives no %s report", kind)
				continue
			}
			if diff := fingerprintDiff(fingerprint(rep), fingerprint(*found)); diff != "" {
				out[path] = "the evidence document's reading of this file differs from reading the archived file again: " + diff
			}
		}
	}
	return out
}

// fingerprint summarises a report: its scalar fields, the length of each list,
// and the items of each list counted by their severity, level and status.
func fingerprint(v reflect.Value) map[string]string {
	fp := map[string]string{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			continue // the FileRef: its digest is of the archived (perhaps redacted) copy
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
			fp[name] = fmt.Sprint(fv.Interface())
		case reflect.Slice:
			fp[name+" count"] = fmt.Sprint(fv.Len())
			if fv.Type().Elem().Kind() != reflect.Struct {
				continue
			}
			for _, key := range []string{"Severity", "Level", "Status"} {
				if _, ok := fv.Type().Elem().FieldByName(key); !ok {
					continue
				}
				counts := map[string]int{}
				for k := 0; k < fv.Len(); k++ {
					counts[fmt.Sprint(fv.Index(k).FieldByName(key).Interface())]++
				}
				keys := make([]string, 0, len(counts))
				for c := range counts {
					keys = append(keys, c)
				}
				sort.Strings(keys)
				parts := make([]string, len(keys))
				for n, c := range keys {
					parts[n] = fmt.Sprintf("%s=%d", c, counts[c])
				}
				fp[name+" by "+strings.ToLower(key)] = strings.Join(parts, " ")
			}
		}
	}
	return fp
}

// fingerprintDiff describes how two fingerprints differ, "" when they do not.
func fingerprintDiff(doc, file map[string]string) string {
	keys := map[string]bool{}
	for k := range doc {
		keys[k] = true
	}
	for k := range file {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var diffs []string
	for _, k := range names {
		if doc[k] != file[k] {
			diffs = append(diffs, fmt.Sprintf("%s: the document says %q, the file gives %q", k, doc[k], file[k]))
		}
	}
	return strings.Join(diffs, "; ")
}
