package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/config"
)

const valid = `version: 1
product:
  name: InfuCore
  version: 2.4.0
  manufacturer: Example Medical Devices
  mdr_class: IIb
  iec62304_class: C
event: release
evidence:
  sbom: ["build/*.cdx.json"]
  vex: ["vex/**/*.json"]
documents: ["docs/**/*.md"]
controls:
  GOV-04:
    params:
      critical_max_days: 30
  SCM-02:
    action: warn
    reason: migrating to pinned actions (CHG-12)
  VER-04:
    events: [release, schedule]
    reason: pentests are scheduled per release train
waivers:
  - control: REL-01
    reason: SBOM tooling being qualified
    approved_by: Jane Doe
    expires: 2027-03-31
    risk_ref: RISK-42
policies: ["policy/"]
limits:
  max_file_size: 1048576
`

func TestParseValid(t *testing.T) {
	cfg, err := config.Parse(source.New(".mdrgate.yaml", []byte(valid)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Product.Name != "InfuCore" || cfg.Product.IEC62304Class != "C" || cfg.Event != "release" {
		t.Errorf("product/event: %+v %q", cfg.Product, cfg.Event)
	}
	if got := cfg.Evidence.Globs("vex"); len(got) != 1 || got[0] != "vex/**/*.json" {
		t.Errorf("vex globs %v", got)
	}
	if cfg.Controls["GOV-04"].Params["critical_max_days"] != 30 || cfg.Controls["SCM-02"].Action != "warn" {
		t.Errorf("controls %+v", cfg.Controls)
	}
	if ev := cfg.Controls["VER-04"].Events; ev == nil || len(*ev) != 2 || (*ev)[1] != "schedule" {
		t.Errorf("VER-04 events %v", ev)
	}
	w := cfg.EvidenceWaivers()
	if len(w) != 1 || w[0].Expires != "2027-03-31" || w[0].RiskRef != "RISK-42" {
		t.Errorf("waivers %+v", w)
	}
	if cfg.Limits.MaxFileSize != 1048576 || cfg.Policies[0] != "policy/" {
		t.Errorf("limits/policies %+v %v", cfg.Limits, cfg.Policies)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", `.mdrgate.yaml: empty configuration: expected at least "version: 1"`},
		{"not a mapping", "- a\n- b\n", ".mdrgate.yaml:1: expected a mapping of configuration keys"},
		{"no version", "event: release\n", ".mdrgate.yaml:1: version: expected 1, found 0"},
		{"wrong version", "version: 2\n", ".mdrgate.yaml:1: version: expected 1, found 2"},
		{"unknown top key", "version: 1\nprodcut:\n  name: x\n", `.mdrgate.yaml:2: unknown key "prodcut" in the configuration: valid keys are version, product, event`},
		{"unknown nested key", "version: 1\nproduct:\n  name: x\n  clas: C\n", `.mdrgate.yaml:4: unknown key "clas" in product: valid keys are name, version, manufacturer, mdr_class, iec62304_class`},
		{"unknown evidence kind", "version: 1\nevidence:\n  sboms: [a]\n", `.mdrgate.yaml:3: unknown key "sboms" in evidence`},
		{"unknown control key", "version: 1\ncontrols:\n  GOV-03:\n    param: {}\n", `.mdrgate.yaml:4: unknown key "param" in controls.GOV-03: valid keys are params, action, reason`},
		{"unknown waiver key", "version: 1\nwaivers:\n  - control: REL-01\n    approver: x\n", `.mdrgate.yaml:4: unknown key "approver" in waivers[0]`},
		{"wrong type", "version: 1\nlimits:\n  max_commits: many\n", ".mdrgate.yaml:3: invalid configuration: cannot unmarshal !!str `many` into int"},
		{"list expected", "version: 1\npolicies: policy/\n", ".mdrgate.yaml:2: policies: expected a list, found \"policy/\""},
		{"bad event", "version: 1\nevent: push\n", `.mdrgate.yaml:2: event: invalid value "push": valid values are pull_request, release, schedule`},
		{"bad control id", "version: 1\ncontrols:\n  gov3: {}\n", `.mdrgate.yaml:3: controls: "gov3" is not a control id`},
		{"bad events", "version: 1\ncontrols:\n  GOV-03:\n    events: [push]\n    reason: r\n", `.mdrgate.yaml:4: controls.GOV-03.events: "push" is not an event`},
		{"events without reason", "version: 1\ncontrols:\n  GOV-03:\n    events: []\n", `.mdrgate.yaml:4: controls.GOV-03: events needs a reason`},
		{"bad 62304 class", "version: 1\nproduct:\n  iec62304_class: Class C\n", `.mdrgate.yaml:3: product.iec62304_class: invalid value "Class C": valid values are A, B, C`},
		{"bad mdr class", "version: 1\nproduct:\n  mdr_class: IIB\n", `.mdrgate.yaml:3: product.mdr_class: invalid value "IIB": valid values are I, IIa, IIb, III`},
		{"bad action", "version: 1\ncontrols:\n  GOV-03:\n    action: skip\n    reason: x\n", `.mdrgate.yaml:4: controls.GOV-03.action: invalid value "skip": valid values are warn, off`},
		{"action without reason", "version: 1\ncontrols:\n  GOV-03:\n    action: off\n", `.mdrgate.yaml:4: controls.GOV-03: action "off" needs a reason`},
		{"waiver missing fields", "version: 1\nwaivers:\n  - control: REL-01\n    reason: r\n", ".mdrgate.yaml:3: waivers[0]: missing approved_by, expires"},
		{"waiver bad date", "version: 1\nwaivers:\n  - {control: REL-01, reason: r, approved_by: a, expires: 31/12/2027}\n", `.mdrgate.yaml:3: waivers[0].expires: "31/12/2027" is not a date: expected YYYY-MM-DD`},
		{"glob leaves repo", "version: 1\nevidence:\n  sbom: [\"../x.json\"]\n", `.mdrgate.yaml:3: evidence.sbom: glob "../x.json" must not leave the repository`},
		{"yaml syntax", "version: 1\nproduct: [\n", ".mdrgate.yaml:2: invalid configuration: did not find expected node content"},
		{"invalid utf-8", "version: 1\nevent: \xff\n", ".mdrgate.yaml:2:8: invalid UTF-8 byte 0xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse(source.New(".mdrgate.yaml", []byte(tt.src)))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant prefix %s", err, tt.want)
			}
		})
	}
}

func TestFindDefault(t *testing.T) {
	cfg, err := config.Find(t.TempDir())
	if err != nil || cfg.Version != 1 || cfg.Path != "" {
		t.Fatalf("Find on an empty folder: %+v, %v", cfg, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("version: 1\n"))
	f.Add([]byte("version: 1\ncontrols:\n  GOV-03: {action: warn}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("version: 1\nwaivers: [{control: X-1, reason: r, approved_by: a, expires: 2027-01-01}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := config.Parse(source.New(".mdrgate.yaml", data))
		var se *source.Error
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error is not a *source.Error: %T %v", err, err)
		}
	})
}
