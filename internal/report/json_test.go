package report_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/internal/report"
	"github.com/mdrgate/mdrgate/internal/result"
)

// equalReports reports whether a and b hold the same values.
func equalReports(a, b *result.Report) bool { return reflect.DeepEqual(a, b) }

func TestJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		r    *result.Report
	}{
		{"sample", sampleReport()},
		{"minimal", minimalReport()},
		{"large", largeReport()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := renderString(t, "json", report.Options{}, tt.r)
			var back result.Report
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&back); err != nil {
				t.Fatalf("decoding the JSON report: %v", err)
			}
			if !equalReports(&back, tt.r) {
				t.Fatalf("JSON report does not round-trip:\ngot  %+v\nwant %+v", back, *tt.r)
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	out := renderString(t, "json", report.Options{}, sampleReport())
	if !strings.HasSuffix(out, "}\n") || strings.HasSuffix(out, "\n\n") {
		t.Fatalf("JSON report should end with exactly one newline: %q", out[len(out)-5:])
	}
	// Fields follow the struct order, indented by two spaces.
	wantPrefix := "{\n  \"schema\": \"mdrgate.report/v1\",\n  \"verdict\": \"fail\",\n  \"event\": \"pull_request\",\n  \"evaluated_at\": \"2025-06-30T12:00:00Z\",\n  \"generator\": {\n    \"name\": \"mdrgate\",\n"
	if !strings.HasPrefix(out, wantPrefix) {
		t.Fatalf("JSON report starts\n%s\nwant\n%s", out[:len(wantPrefix)], wantPrefix)
	}
	// Not HTML-escaped: the message reads as written.
	if !strings.Contains(out, `"msg": "rule `+"`a|b`"+` matched <script> & \"quotes\"\nsecond line of the message"`) {
		t.Fatal("JSON report does not hold the special message verbatim")
	}
	// Refs keys are sorted by encoding/json.
	if i, j := strings.Index(out, `"mdr": [`), strings.Index(out, `"ssdf": [`); i < 0 || j < i {
		t.Fatalf("refs keys not sorted (mdr at %d, ssdf at %d)", i, j)
	}
}
