package report_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

// sarifSchemaPath is the OASIS SARIF 2.1.0 schema (errata 01); see testdata/README.md.
const sarifSchemaPath = "testdata/sarif-schema-2.1.0.json"

// compileSARIFSchema compiles the SARIF schema with format assertions on.
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading the SARIF schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	return sch
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	tests := []struct {
		name string
		r    *result.Report
	}{
		{"sample", sampleReport()},
		{"minimal", minimalReport()},
		{"hostile", hostileReport()},
		{"large", largeReport()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "large" && testing.Short() {
				t.Skip("large report skipped in -short mode")
			}
			out := renderString(t, "sarif", report.Options{}, tt.r)
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
			if err != nil {
				t.Fatalf("SARIF output is not JSON: %v", err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF output does not validate: %v", err)
			}
		})
	}
}

func TestSARIFSchemaRejects(t *testing.T) {
	// The validation must be able to fail: a level outside the enum is caught.
	sch := compileSARIFSchema(t)
	out := renderString(t, "sarif", report.Options{}, sampleReport())
	out = strings.Replace(out, `"level": "warning"`, `"level": "fatal"`, 1)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err == nil {
		t.Fatal("schema accepted level \"fatal\"")
	}
}

// sarifDoc is the part of a SARIF log the tests read.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					Name             string `json:"name"`
					ShortDescription *struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription *struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help *struct {
						Text string `json:"text"`
					} `json:"help"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          string `json:"kind"`
				Status        string `json:"status"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFContent(t *testing.T) {
	var doc sarifDoc
	if err := json.Unmarshal([]byte(renderString(t, "sarif", report.Options{}, sampleReport())), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("header: schema %q version %q runs %d", doc.Schema, doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name != "mdrgate" || d.Version != "0.4.0" || d.InformationURI != "https://mdrgate.dev" {
		t.Fatalf("driver = %q %q %q", d.Name, d.Version, d.InformationURI)
	}

	// One rule per control, sorted by ID.
	var ids []string
	for _, r := range d.Rules {
		ids = append(ids, r.ID)
	}
	wantIDs := []string{"DES-01", "GOV-01", "IMP-02", "PMS-01", "REL-01", "REQ-01", "SCM-01", "SCM-02", "VER-03", "VER-04"}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("rules = %q, want %q", ids, wantIDs)
	}
	imp := d.Rules[2]
	if imp.Name != "SASTOnEveryChangeFindingsTriaged" || imp.ShortDescription.Text != "SAST on every change; findings triaged" ||
		!strings.HasPrefix(imp.FullDescription.Text, "Static analysis runs") || !strings.HasPrefix(imp.Help.Text, "Fix the findings") ||
		imp.DefaultConfiguration.Level != "error" {
		t.Fatalf("IMP-02 rule = %+v", imp)
	}
	tags, _ := imp.Properties["tags"].([]any)
	wantTags := []any{"security", "fda:V.C", "iec81001:5.5.2", "iec81001:5.7.3", "ssdf:PW.7.2"}
	if !slices.Equal(tags, wantTags) {
		t.Fatalf("IMP-02 tags = %q, want %q", tags, wantTags)
	}
	severities := map[string]string{"DES-01": "5.5", "GOV-01": "8.0", "REL-01": "9.5", "IMP-02": "8.0"}
	for _, r := range d.Rules {
		if want, ok := severities[r.ID]; ok && r.Properties["security-severity"] != want {
			t.Errorf("%s security-severity = %v, want %q", r.ID, r.Properties["security-severity"], want)
		}
	}
	if d.Rules[1].Help != nil || d.Rules[1].FullDescription != nil {
		t.Error("GOV-01 has no remediation or description, so no help or fullDescription")
	}

	// One result per finding, sorted by (ruleId, path, line, message).
	type row struct {
		rule, level, uri string
		line             int
		suppressed       bool
	}
	var got []row
	for _, res := range run.Results {
		rw := row{rule: res.RuleID, level: res.Level, suppressed: len(res.Suppressions) > 0}
		if len(res.Locations) > 1 {
			t.Fatalf("%s: %d locations", res.RuleID, len(res.Locations))
		}
		if len(res.Locations) == 1 {
			rw.uri = res.Locations[0].PhysicalLocation.ArtifactLocation.URI
			if r := res.Locations[0].PhysicalLocation.Region; r != nil {
				rw.line = r.StartLine
			}
		}
		if d.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result for %s has ruleIndex %d (%s)", res.RuleID, res.RuleIndex, d.Rules[res.RuleIndex].ID)
		}
		got = append(got, rw)
	}
	want := []row{
		{"IMP-02", "warning", ".github/workflows/codeql.yml", 31, false},
		{"IMP-02", "error", "build/codeql.sarif", 0, false}, // no path: first evidence file
		{"IMP-02", "error", "build/semgrep.sarif", 0, false},
		{"IMP-02", "error", "internal/db/query.go", 88, false},
		{"IMP-02", "error", "web/app.js", 7, false},
		{"REL-01", "error", "", 0, false}, // not available, no evidence: no location
		{"SCM-01", "error", "", 0, true},  // waived: suppressed
		{"SCM-02", "warning", ".github/workflows/ci.yml", 0, false},
		{"SCM-02", "warning", ".github/workflows/ci.yml", 12, false},
		{"VER-03", "warning", "fuzz/results/latest.json", 0, false},
		{"VER-04", "error", "docs/security/pentest/2.1/summary.yaml", 7, false},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("results:\ngot  %v\nwant %v", got, want)
	}
	if msg := run.Results[4].Message.Text; msg != specialMsg {
		t.Errorf("message = %q, want %q", msg, specialMsg)
	}
	if msg := run.Results[5].Message.Text; msg != "evidence not available: no SBOM found: looked for *.cdx.json and *.spdx.json in the build outputs" {
		t.Errorf("REL-01 message = %q", msg)
	}
	if s := run.Results[6].Suppressions[0]; s.Kind != "external" || s.Status != "accepted" || !strings.Contains(s.Justification, "RISK-42") {
		t.Errorf("SCM-01 suppression = %+v", s)
	}
	if len(run.Results[5].Locations) != 0 || run.Results[5].Locations != nil {
		t.Error("a result without a path must omit locations")
	}
}

func TestSARIFPathURI(t *testing.T) {
	r := minimalReport()
	r.Controls = []result.Control{{
		ID: "X-01", Title: "x", Outcome: result.Fail, Gate: true,
		Violations: []result.Violation{
			{Msg: "space", Path: "docs/my file.md", Line: 1},
			{Msg: "colon", Path: "c:odd/name.txt"},
			{Msg: "percent", Path: "100%.txt"},
		},
	}}
	var doc sarifDoc
	if err := json.Unmarshal([]byte(renderString(t, "sarif", report.Options{}, r)), &doc); err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, res := range doc.Runs[0].Results {
		uris = append(uris, res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	}
	want := []string{"100%25.txt", "./c:odd/name.txt", "docs/my%20file.md"}
	if !slices.Equal(uris, want) {
		t.Fatalf("uris = %q, want %q", uris, want)
	}
}
