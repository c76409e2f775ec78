package catalog_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/internal/catalog"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/realworld"
)

var update = flag.Bool("update", false, "rewrite docs/controls from the controls' METADATA")

func builtins(t *testing.T) []*engine.Control {
	t.Helper()
	cs, err := catalog.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 {
		t.Fatal("no built-in controls")
	}
	return cs
}

// TestDocsUpToDate regenerates docs/controls from the embedded built-in policies
// and compares it with the committed files.
func TestDocsUpToDate(t *testing.T) {
	docs, err := catalog.Docs(builtins(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", filepath.FromSlash(catalog.DocsDir))
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, p := range old {
			if _, ok := docs[filepath.Base(p)]; !ok {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
		}
		for name, b := range docs {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s/%s is missing: run go test ./internal/catalog -update", catalog.DocsDir, name)
			continue
		}
		if !bytes.Equal(got, docs[name]) {
			t.Errorf("%s/%s is out of date with the controls' METADATA: run go test ./internal/catalog -update", catalog.DocsDir, name)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, p := range files {
		if _, ok := docs[filepath.Base(p)]; !ok {
			t.Errorf("%s/%s documents no control: run go test ./internal/catalog -update to remove it", catalog.DocsDir, filepath.Base(p))
		}
	}
}

// TestCatalogue holds the built-in catalogue to its conventions.
func TestCatalogue(t *testing.T) {
	mods, err := catalog.BuiltinModules()
	if err != nil {
		t.Fatal(err)
	}
	// Ids are unique: count the METADATA ids in the sources, not what the engine kept.
	idRe := regexp.MustCompile(`(?m)^#\s+id:\s*(\S+)`)
	seen := map[string]string{}
	for _, m := range mods {
		if m.IsTest() {
			continue
		}
		for _, id := range idRe.FindAllStringSubmatch(string(m.Source), -1) {
			if prev, ok := seen[id[1]]; ok {
				t.Errorf("control id %s is used by %s and %s", id[1], prev, m.Path)
			}
			seen[id[1]] = m.Path
		}
	}
	iec, _ := catalog.FrameworkByMatrix("iec81001-5-1")
	for _, c := range builtins(t) {
		if len(c.Refs["iec81001"]) == 0 {
			t.Errorf("%s (%s) has no iec81001 reference", c.ID, c.Source)
		}
		if len(c.Refs["mdr"])+len(c.Refs["mdcg"])+len(c.Refs["fda"]) == 0 {
			t.Errorf("%s (%s) has no mdr, mdcg or fda reference", c.ID, c.Source)
		}
		for _, ref := range c.Refs["iec81001"] {
			if len(catalog.Match(iec.Fixed, ref)) == 0 {
				t.Errorf("%s cites IEC 81001-5-1 %q, which is no clause of the standard's list", c.ID, ref)
			}
		}
	}
}

// TestIECClausesMatchControlsMD checks the embedded clause list against the one in
// CONTROLS.md, when the shared docs are beside the checkout.
func TestIECClausesMatchControlsMD(t *testing.T) {
	root, err := realworld.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "..", "shared", "CONTROLS.md"))
	if err != nil {
		t.Skipf("CONTROLS.md not beside the checkout: %v", err)
	}
	_, after, ok := strings.Cut(string(b), "## IEC 81001-5-1:2021 clauses (for the coverage matrix)\n")
	if !ok {
		t.Fatal("CONTROLS.md has no IEC 81001-5-1 clause list")
	}
	line, _, _ := strings.Cut(after, "\n")
	var want []catalog.Clause
	for _, item := range strings.Split(line, " · ") {
		id, title, _ := strings.Cut(strings.TrimSpace(item), " ")
		want = append(want, catalog.Clause{ID: id, Title: title})
	}
	iec, _ := catalog.FrameworkByMatrix("iec81001-5-1")
	if !slices.Equal(iec.Fixed, want) {
		t.Errorf("embedded clauses differ from CONTROLS.md:\n got %v\nwant %v", iec.Fixed, want)
	}
}

func ctl(id string, refs map[string][]string) *engine.Control {
	return &engine.Control{ID: id, Title: "t " + id, Type: "A", Severity: "high", Refs: refs, Evidence: []string{"repo"}, Events: []string{"release"}}
}

func TestBuildMatrix(t *testing.T) {
	controls := []*engine.Control{
		ctl("AAA-01", map[string][]string{"iec81001": {"5.7.3", "5.3.2(g,h)", "4.2"}, "mdr": {"23.4(ab)"}, "fda": {"524B(b)(2)(A)(B)", "V.C"}, "ssdf": {"PW.7.2"}}),
		ctl("BBB-02", map[string][]string{"iec81001": {"5.7", "8"}, "mdr": {"17.2", "Art. 83"}, "fda": {"V.C"}, "ssdf": {"RV.1.1", "PO.3.2"}}),
	}
	tests := []struct {
		matrix    string
		rows      map[string]string // clause → controls text (ids joined by ",") or ManualRecord
		rowOrder  []string          // a subsequence the rows must follow
		unmatched []catalog.Unmatched
	}{
		{
			matrix: "iec81001-5-1",
			rows: map[string]string{
				"5.7.3": "AAA-01", "5.3.2": "AAA-01", "4.2": "AAA-01", "8": "BBB-02",
				"5.7.1": catalog.ManualRecord, "4.1.3": catalog.ManualRecord, "5.7.5": catalog.ManualRecord,
			},
			rowOrder:  []string{"4.1.1", "4.1.9", "4.2", "4.3", "5.1.1", "5.6", "5.7.1", "8", "9.5"},
			unmatched: []catalog.Unmatched{{Control: "BBB-02", Ref: "5.7"}},
		},
		{
			matrix:   "mdr",
			rows:     map[string]string{"17.2": "BBB-02", "17.4": catalog.ManualRecord, "23.4": "AAA-01", "23.4(ab)": "AAA-01", "Art. 83": "BBB-02"},
			rowOrder: []string{"17.2", "17.4", "23.4", "23.4(ab)", "Art. 83"},
		},
		{
			matrix: "fda",
			rows: map[string]string{
				"524B(b)(1)": catalog.ManualRecord, "524B(b)(2)": "AAA-01", "524B(b)(2)(A)(B)": "AAA-01",
				"524B(b)(3)": catalog.ManualRecord, "App4 SBOM": catalog.ManualRecord, "V.C": "AAA-01,BBB-02",
			},
		},
		{
			matrix:   "ssdf",
			rows:     map[string]string{"PW.7.2": "AAA-01", "RV.1.1": "BBB-02", "PO.3.2": "BBB-02"},
			rowOrder: []string{"PO.3.2", "PW.7.2", "RV.1.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.matrix, func(t *testing.T) {
			f, err := catalog.FrameworkByMatrix(tt.matrix)
			if err != nil {
				t.Fatal(err)
			}
			m := catalog.BuildMatrix(f, controls)
			got := map[string]string{}
			var order []string
			for _, r := range m.Rows {
				order = append(order, r.ID)
				if r.Manual {
					got[r.ID] = catalog.ManualRecord
					if len(r.Controls) != 0 {
						t.Errorf("%s: manual row with controls %v", r.ID, r.Controls)
					}
				} else {
					got[r.ID] = strings.Join(r.Controls, ",")
				}
			}
			for id, want := range tt.rows {
				if g, ok := got[id]; !ok {
					t.Errorf("clause %s is not a row (rows %v)", id, order)
				} else if g != want {
					t.Errorf("clause %s: got %q, want %q", id, g, want)
				}
			}
			i := 0
			for _, id := range order {
				if i < len(tt.rowOrder) && id == tt.rowOrder[i] {
					i++
				}
			}
			if i != len(tt.rowOrder) {
				t.Errorf("rows %v do not follow the order %v", order, tt.rowOrder)
			}
			if tt.unmatched == nil {
				tt.unmatched = []catalog.Unmatched{}
			}
			if !slices.Equal(m.Unmatched, tt.unmatched) {
				t.Errorf("unmatched %v, want %v", m.Unmatched, tt.unmatched)
			}
		})
	}
	iec, _ := catalog.FrameworkByMatrix("iec81001-5-1")
	if m := catalog.BuildMatrix(iec, nil); len(m.Rows) != len(iec.Fixed) || m.Covered() != 0 {
		t.Errorf("with no controls: %d rows, %d covered; want every clause as a manual record", len(m.Rows), m.Covered())
	}
}

// TestFormats renders the built-in catalogue and every matrix in every format.
func TestFormats(t *testing.T) {
	controls := builtins(t)
	for _, format := range catalog.Formats {
		t.Run("catalogue/"+format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := catalog.WriteCatalogue(&buf, format, controls); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, c := range controls {
				if !strings.Contains(out, c.ID) {
					t.Errorf("%s lacks %s", format, c.ID)
				}
			}
			switch format {
			case "json":
				var doc struct{ Controls []catalog.Entry }
				if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				if len(doc.Controls) != len(controls) {
					t.Fatalf("%d entries, want %d", len(doc.Controls), len(controls))
				}
				for _, e := range doc.Controls {
					if e.Source == "" || e.Remediation == "" || len(e.Refs["iec81001"]) == 0 || len(e.Evidence) == 0 || e.Params == nil {
						t.Errorf("entry %s lacks a field: %+v", e.ID, e)
					}
				}
			case "csv":
				rows, err := csv.NewReader(&buf).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != len(controls)+1 {
					t.Fatalf("%d csv rows, want %d", len(rows), len(controls)+1)
				}
			case "markdown":
				if n := strings.Count(out, "\n"); n != len(controls)+2 {
					t.Errorf("%d markdown lines, want a header, a rule and one per control", n)
				}
			}
		})
	}
	for _, name := range catalog.MatrixNames() {
		f, _ := catalog.FrameworkByMatrix(name)
		m := catalog.BuildMatrix(f, controls)
		for _, format := range catalog.Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := catalog.WriteMatrix(&buf, format, m); err != nil {
					t.Fatal(err)
				}
				for _, r := range m.Rows {
					if !strings.Contains(buf.String(), r.ID) {
						t.Errorf("%s lacks clause %s", format, r.ID)
					}
				}
				if format == "json" {
					var back catalog.Matrix
					if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back.Rows) != len(m.Rows) {
						t.Fatalf("json: %v, %d rows", err, len(back.Rows))
					}
				}
			})
		}
	}
	if err := catalog.WriteCatalogue(&bytes.Buffer{}, "xml", controls); err == nil || !strings.Contains(err.Error(), "valid formats are table, json, markdown, csv") {
		t.Errorf("invalid format error = %v", err)
	}
}

func TestCheckEvidencePath(t *testing.T) {
	tests := []struct {
		path, wantErr string
	}{
		{path: "build.sboms"},
		{path: "repo"},
		{path: "repo.documents"},
		{path: "repo.git"},
		{path: "github.pull_request.available"},
		{path: "build.sbom", wantErr: `"sbom" is not a field of input.build: its fields are`},
		{path: "repo.documents.front_matter", wantErr: "input.repo.documents is a list"},
		{path: "product.name.first", wantErr: "input.product.name is a value, not an object"},
		{path: "nothing", wantErr: `"nothing" is not a field of input`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			err := catalog.CheckEvidencePath(tt.path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
