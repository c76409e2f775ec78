package vex_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/evidence/vex"
)

// parseFile reads and parses a file, failing the test on any error.
func parseFile(t *testing.T, path string) evidence.VEXDocument {
	t.Helper()
	f, err := source.Read(path, filepath.Base(path), 0)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := vex.Parse(f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	checkInvariants(t, doc)
	return doc
}

// checkInvariants asserts what every parsed document must satisfy.
func checkInvariants(t testing.TB, doc evidence.VEXDocument) {
	t.Helper()
	if doc.Statements == nil {
		t.Errorf("%s: statements is nil", doc.Path)
	}
	if doc.SHA256 == "" || doc.MediaType == "" || doc.Format == "" {
		t.Errorf("%s: incomplete file ref or format: %+v", doc.Path, doc.FileRef)
	}
	for i, s := range doc.Statements {
		if s.Vulnerability == "" || s.Status == "" {
			t.Errorf("%s: statement %d has no vulnerability or status: %+v", doc.Path, i, s)
		}
		if s.Aliases == nil || s.Products == nil || s.Subcomponents == nil || s.Versions == nil {
			t.Errorf("%s: statement %d has a nil slice: %+v", doc.Path, i, s)
		}
		if s.Justification != "" && s.Status != vex.StatusNotAffected {
			t.Errorf("%s: statement %d: justification %q on status %q", doc.Path, i, s.Justification, s.Status)
		}
		if i > 0 && summaryKey(doc.Statements[i-1]) > summaryKey(s) {
			t.Errorf("%s: statements %d and %d out of order", doc.Path, i-1, i)
		}
	}
}

func summaryKey(s evidence.VEXStatement) string {
	first := ""
	if len(s.Products) > 0 {
		first = s.Products[0]
	}
	return s.Vulnerability + "\x00" + s.Status + "\x00" + first
}

// summary renders a statement's identity: vulnerability, status, products and
// the versions named for them.
func summary(s evidence.VEXStatement) string {
	var vers []string
	for _, v := range s.Versions {
		at := v.Version
		if v.Range != "" {
			at = v.Range
		}
		vers = append(vers, v.Product+"@"+at)
	}
	out := fmt.Sprintf("%s %s %s", s.Vulnerability, s.Status, strings.Join(s.Products, ","))
	if len(vers) > 0 {
		out += " versions=" + strings.Join(vers, ",")
	}
	return out
}

func summaries(doc evidence.VEXDocument) []string {
	out := make([]string, 0, len(doc.Statements))
	for _, s := range doc.Statements {
		out = append(out, summary(s))
	}
	return out
}

func assertSummaries(t *testing.T, doc evidence.VEXDocument, want []string) {
	t.Helper()
	got := summaries(doc)
	if !slices.Equal(got, want) {
		t.Errorf("%s: statements:\n got  %q\n want %q", doc.Path, got, want)
	}
}

// The samples in testdata are handmade, shaped like real documents (see
// testdata/README.md).
func TestParseOpenVEX(t *testing.T) {
	doc := parseFile(t, "testdata/openvex-v0.2.json")
	if doc.Format != "openvex" || doc.MediaType != "application/openvex+json" {
		t.Errorf("format %q media type %q", doc.Format, doc.MediaType)
	}
	const (
		oci     = "pkg:oci/pump-controller@sha256%3A5e2f4c1a9b0d7e6f3a8c2b1d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4?repository_url=ghcr.io/example"
		gateway = "pkg:generic/example/pump-gateway@4.2"
	)
	assertSummaries(t, doc, []string{
		"CVE-2022-27664 false_positive " + gateway,
		"CVE-2022-41723 not_affected " + gateway,
		"CVE-2023-39325 fixed " + gateway,
		"CVE-2023-44487 not_affected " + gateway + "," + oci,
		"CVE-2024-24790 affected " + oci,
		"https://osv.dev/vulnerability/GO-2024-2687 under_investigation " + gateway,
	})
	tests := []struct {
		i    int
		want evidence.VEXStatement
	}{
		{0, evidence.VEXStatement{ // a status outside OpenVEX's set is kept, without a justification
			Vulnerability: "CVE-2022-27664", Status: "false_positive", SourceStatus: "false_positive",
			SourceJustification: "vulnerable_code_not_present", Timestamp: "2024-03-11T09:30:00Z",
		}},
		{1, evidence.VEXStatement{ // not_affected without a justification is kept for the policy to judge
			Vulnerability: "CVE-2022-41723", Status: "not_affected", SourceStatus: "not_affected",
			Timestamp: "2024-03-11T09:30:00Z",
		}},
		{3, evidence.VEXStatement{
			Vulnerability: "CVE-2023-44487", Aliases: []string{"GHSA-4374-p667-p6c8", "GHSA-qppj-fm5r-hxr3"},
			Subcomponents: []string{"pkg:golang/golang.org/x/net@v0.15.0"},
			Status:        "not_affected", Justification: "vulnerable_code_not_in_execute_path",
			SourceStatus: "not_affected", SourceJustification: "vulnerable_code_not_in_execute_path",
			Impact:    "The controller serves HTTP/1.1 only; the HTTP/2 server code is linked but never started.",
			Timestamp: "2024-03-11T09:30:00Z",
		}},
		{4, evidence.VEXStatement{ // the statement's own timestamp wins over the document's
			Vulnerability: "CVE-2024-24790", Status: "affected", SourceStatus: "affected",
			Action:    "Update to pump-controller 2.8.1, which is built with Go 1.22.4.",
			Timestamp: "2024-06-05T14:00:00Z",
		}},
	}
	for _, tt := range tests {
		assertStatement(t, doc.Statements[tt.i], tt.want)
	}
}

// assertStatement compares the fields of want that are set (and Aliases and
// Subcomponents always) with got.
func assertStatement(t *testing.T, got, want evidence.VEXStatement) {
	t.Helper()
	if want.Aliases == nil {
		want.Aliases = []string{}
	}
	if want.Subcomponents == nil {
		want.Subcomponents = []string{}
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"vulnerability", got.Vulnerability, want.Vulnerability},
		{"aliases", got.Aliases, want.Aliases},
		{"subcomponents", got.Subcomponents, want.Subcomponents},
		{"status", got.Status, want.Status},
		{"justification", got.Justification, want.Justification},
		{"source_status", got.SourceStatus, want.SourceStatus},
		{"source_justification", got.SourceJustification, want.SourceJustification},
		{"impact", got.Impact, want.Impact},
		{"action", got.Action, want.Action},
		{"timestamp", got.Timestamp, want.Timestamp},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %s = %q, want %q", got.Vulnerability, c.field, c.got, c.want)
		}
	}
}

func TestParseOpenVEXLegacy(t *testing.T) {
	doc := parseFile(t, "testdata/openvex-v0.0.1.json")
	assertSummaries(t, doc, []string{
		"CVE-2023-0286 fixed pkg:apk/wolfi/openssl@3.0.7-r1?arch=aarch64,pkg:apk/wolfi/openssl@3.0.7-r1?arch=x86_64",
	})
	assertStatement(t, doc.Statements[0], evidence.VEXStatement{
		Vulnerability: "CVE-2023-0286", Status: "fixed", SourceStatus: "fixed",
		Subcomponents: []string{"pkg:apk/wolfi/libcrypto3@3.0.7-r1"},
		Timestamp:     "2023-01-16T19:07:16.853479631-06:00",
	})
}

func TestParseCSAF(t *testing.T) {
	doc := parseFile(t, "testdata/csaf-vex.json")
	if doc.Format != "csaf" || doc.MediaType != "application/csaf+json" {
		t.Errorf("format %q media type %q", doc.Format, doc.MediaType)
	}
	const (
		c27  = "pkg:generic/example/pump-controller@2.7"
		c28  = "pkg:generic/example/pump-controller@2.8"
		c281 = "pkg:generic/example/pump-controller@2.8.1"
	)
	// Products without a purl keep their product id. The not_affected group of
	// CVE-2023-0286 splits in two because its products carry different flags.
	assertSummaries(t, doc, []string{
		"CVE-2023-0286 affected CSAFPID-0006",
		"CVE-2023-0286 fixed CSAFPID-0005",
		"CVE-2023-0286 fixed " + c281,
		"CVE-2023-0286 not_affected CSAFPID-0004",
		"CVE-2023-0286 not_affected " + c27 + "," + c28,
		"CVE-2024-0727 not_affected CSAFPID-0004",
		"CVE-2024-0727 under_investigation " + c27 + "," + c28 + "," + c281,
		"EXMPL-2024-0042 affected " + c281,
	})
	const ts = "2024-04-02T08:00:00.000Z"
	ghsa := []string{"GHSA-x4qr-2fvf-3mr5"}
	tests := []struct {
		i    int
		want evidence.VEXStatement
	}{
		{0, evidence.VEXStatement{Vulnerability: "CVE-2023-0286", Aliases: ghsa, Status: "affected", SourceStatus: "known_affected",
			Action: "Update the gateway to 4.3, which ships OpenSSL 3.0.8.", Timestamp: ts}},
		{2, evidence.VEXStatement{Vulnerability: "CVE-2023-0286", Aliases: ghsa, Status: "fixed", SourceStatus: "first_fixed", Timestamp: ts}},
		{3, evidence.VEXStatement{Vulnerability: "CVE-2023-0286", Aliases: ghsa, Status: "not_affected",
			Justification: "inline_mitigations_already_exist", SourceStatus: "known_not_affected",
			SourceJustification: "inline_mitigations_already_exist",
			Impact:              "The gateway accepts certificates only from the pinned device CA.", Timestamp: ts}},
		{4, evidence.VEXStatement{Vulnerability: "CVE-2023-0286", Aliases: ghsa, Status: "not_affected",
			Justification: "vulnerable_code_not_present", SourceStatus: "known_not_affected",
			SourceJustification: "vulnerable_code_not_present",
			Impact:              "The X.400 address parsing code is not built into the controller firmware.", Timestamp: ts}},
		{5, evidence.VEXStatement{Vulnerability: "CVE-2024-0727", Status: "not_affected", SourceStatus: "known_not_affected", Timestamp: ts}},
		{7, evidence.VEXStatement{Vulnerability: "EXMPL-2024-0042", Status: "affected", SourceStatus: "known_affected",
			Action: "Disable remote configuration until a fix is released.\nA fix is planned for 2.8.2.", Timestamp: ts}},
	}
	for _, tt := range tests {
		assertStatement(t, doc.Statements[tt.i], tt.want)
	}
}

func TestParseCycloneDXXML(t *testing.T) {
	doc := parseFile(t, "testdata/cyclonedx-vex.xml")
	if doc.Format != "cyclonedx" || doc.MediaType != "application/vnd.cyclonedx+xml" {
		t.Errorf("format %q media type %q", doc.Format, doc.MediaType)
	}
	// bom-refs resolve to the purls of components, nested ones and metadata.component included.
	assertSummaries(t, doc, []string{
		"CVE-2023-0286 affected pkg:generic/example/pump-controller@2.8.1,pkg:generic/openssl/libcrypto@3.0.7 versions=pkg:generic/openssl/libcrypto@3.0.7@3.0.7",
		"CVE-2023-44487 not_affected pkg:golang/golang.org/x/net@v0.15.0",
		"CVE-2024-0727 under_investigation pkg:generic/openssl@3.0.7",
	})
	assertStatement(t, doc.Statements[0], evidence.VEXStatement{
		Vulnerability: "CVE-2023-0286", Status: "affected", SourceStatus: "exploitable",
		Impact: "Certificates with X.400 addresses reach the parser.", Action: "update, workaround_available",
		Timestamp: "2024-05-14T12:00:00Z",
	})
	assertStatement(t, doc.Statements[1], evidence.VEXStatement{
		Vulnerability: "CVE-2023-44487", Aliases: []string{"GHSA-qppj-fm5r-hxr3"}, Status: "not_affected",
		Justification: "vulnerable_code_not_in_execute_path", SourceStatus: "not_affected", SourceJustification: "code_not_reachable",
		Impact: "The HTTP/2 server is never started.", Action: "will_not_fix", Timestamp: "2024-05-14T12:00:00Z",
	})
	// No analysis: under investigation, with nothing the document did not say.
	assertStatement(t, doc.Statements[2], evidence.VEXStatement{
		Vulnerability: "CVE-2024-0727", Status: "under_investigation", Timestamp: "2024-05-14T12:00:00Z",
	})
	if v := doc.Statements[0].Versions; len(v) != 1 || v[0].Status != "affected" || v[0].Version != "3.0.7" {
		t.Errorf("versions = %+v", v)
	}
}

// TestCycloneDXMappings checks every CycloneDX state and justification mapping.
func TestCycloneDXMappings(t *testing.T) {
	tests := []struct {
		state, justification string
		status, mapped       string
	}{
		{"resolved", "", "fixed", ""},
		{"resolved_with_pedigree", "", "fixed", ""},
		{"exploitable", "", "affected", ""},
		{"in_triage", "", "under_investigation", ""},
		{"false_positive", "", "not_affected", ""},
		{"not_affected", "code_not_present", "not_affected", "vulnerable_code_not_present"},
		{"not_affected", "code_not_reachable", "not_affected", "vulnerable_code_not_in_execute_path"},
		{"not_affected", "requires_configuration", "not_affected", "vulnerable_code_cannot_be_controlled_by_adversary"},
		{"not_affected", "requires_dependency", "not_affected", "component_not_present"},
		{"not_affected", "requires_environment", "not_affected", "vulnerable_code_cannot_be_controlled_by_adversary"},
		{"not_affected", "protected_by_compiler", "not_affected", "inline_mitigations_already_exist"},
		{"not_affected", "protected_at_runtime", "not_affected", "inline_mitigations_already_exist"},
		{"not_affected", "protected_at_perimeter", "not_affected", "inline_mitigations_already_exist"},
		{"not_affected", "protected_by_mitigating_control", "not_affected", "inline_mitigations_already_exist"},
		{"not_affected", "", "not_affected", ""},
		{"not_affected", "made_up", "not_affected", ""},
		{"false_positive", "code_not_present", "not_affected", "vulnerable_code_not_present"},
		{"exploitable", "code_not_present", "affected", ""},
		{"invented_state", "code_not_present", "invented_state", ""},
		{"", "", "under_investigation", ""},
	}
	for _, tt := range tests {
		t.Run(tt.state+"/"+tt.justification, func(t *testing.T) {
			data := fmt.Sprintf(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"bom-ref":"c1","name":"c","purl":"pkg:npm/c@1.0.0"}],
"vulnerabilities":[{"id":"CVE-2024-1","analysis":{"state":%q,"justification":%q,"response":["update","rollback"]},"affects":[{"ref":"c1"}]}]}`,
				tt.state, tt.justification)
			doc, err := vex.Parse(source.New("x.cdx.json", []byte(data)))
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, doc)
			s := doc.Statements[0]
			if s.Status != tt.status || s.Justification != tt.mapped {
				t.Errorf("status %q justification %q, want %q %q", s.Status, s.Justification, tt.status, tt.mapped)
			}
			if s.SourceStatus != tt.state || s.SourceJustification != tt.justification {
				t.Errorf("source status %q justification %q, want %q %q", s.SourceStatus, s.SourceJustification, tt.state, tt.justification)
			}
			if s.Action != "update, rollback" || !slices.Equal(s.Products, []string{"pkg:npm/c@1.0.0"}) {
				t.Errorf("action %q products %q", s.Action, s.Products)
			}
		})
	}
}

// TestCycloneDXNoAnalysis checks that a vulnerability without analysis is under
// investigation and that a BOM without vulnerabilities has no statements.
func TestCycloneDXNoAnalysis(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"no analysis", `{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","affects":[{"ref":"x"}]}]}`, []string{"CVE-1 under_investigation x"}},
		{"no vulnerabilities", `{"bomFormat":"CycloneDX","specVersion":"1.4","components":[]}`, []string{}},
		{"empty vulnerabilities", `{"bomFormat":"CycloneDX","vulnerabilities":[]}`, []string{}},
		{"no affects", `{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"in_triage"}}]}`, []string{"CVE-1 under_investigation "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := vex.Parse(source.New("x.json", []byte(tt.data)))
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, doc)
			if got := summaries(doc); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseDeterministic(t *testing.T) {
	for _, p := range []string{"testdata/openvex-v0.2.json", "testdata/csaf-vex.json", "testdata/cyclonedx-vex.xml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		first, err := vex.Parse(source.New(p, data))
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			again, _ := vex.Parse(source.New(p, data))
			if fmt.Sprintf("%+v", again) != fmt.Sprintf("%+v", first) {
				t.Fatalf("%s: output differs between runs", p)
			}
		}
	}
}

// asSourceError fails unless err is a *source.Error.
func asSourceError(t testing.TB, err error) *source.Error {
	t.Helper()
	var se *source.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *source.Error", err, err)
	}
	return se
}
