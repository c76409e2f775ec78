// Package config loads .mdrgate.yaml: the product, the event, where evidence lies,
// control parameters, demotions, waivers and extra policy directories. Loading is
// strict: an unknown key or a wrong type is an error naming the file and line.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/source"
)

// FileName is the configuration file looked for at the root of the checked directory.
const FileName = ".mdrgate.yaml"

// Version is the only configuration version this release reads.
const Version = 1

// IEC62304Classes are the software safety classes of IEC 62304.
var IEC62304Classes = []string{"A", "B", "C"}

// MDRClasses are the device classes of EU MDR Annex VIII.
var MDRClasses = []string{"I", "IIa", "IIb", "III"}

// Events lists the events mdrgate evaluates for.
var Events = []string{"pull_request", "release", "schedule"}

// Config is the content of .mdrgate.yaml.
type Config struct {
	Version int `yaml:"version"`
	// Product identifies the device software.
	Product Product `yaml:"product"`
	// Event is the event to evaluate for outside CI; --event and the CI context win.
	Event string `yaml:"event"`
	// Evidence maps an evidence kind to globs, relative to the checked directory.
	Evidence Evidence `yaml:"evidence"`
	// Documents are the globs of files read as documents; the collector's defaults when empty.
	Documents []string `yaml:"documents"`
	// Controls holds per-control parameters, demotions and disabling.
	Controls map[string]Control `yaml:"controls"`
	// Waivers are approved, time-boxed exceptions.
	Waivers []Waiver `yaml:"waivers"`
	// Policies are extra policy directories, relative to the configuration file.
	Policies []string `yaml:"policies"`
	// Limits bound what is read.
	Limits Limits `yaml:"limits"`
	// Signing names who is trusted to sign released artefacts (mdrgate verify).
	Signing Signing `yaml:"signing"`
	// Surveil holds the inputs of mdrgate surveil.
	Surveil Surveil `yaml:"surveil"`

	// Path is where the configuration was read from; empty for the defaults.
	Path string `yaml:"-"`
}

// Product identifies the device software.
type Product struct {
	Name          string `yaml:"name"`
	Version       string `yaml:"version"`
	Manufacturer  string `yaml:"manufacturer"`
	MDRClass      string `yaml:"mdr_class"`
	IEC62304Class string `yaml:"iec62304_class"`
}

// Evidence lists globs per evidence kind.
type Evidence struct {
	SBOM       []string `yaml:"sbom"`
	SARIF      []string `yaml:"sarif"`
	JUnit      []string `yaml:"junit"`
	Vulns      []string `yaml:"vulns"`
	VEX        []string `yaml:"vex"`
	Provenance []string `yaml:"provenance"`
	Secrets    []string `yaml:"secrets"`
}

// Globs returns the globs configured for an evidence kind (sbom, sarif, junit,
// vulns, vex, provenance, secrets).
func (e Evidence) Globs(kind string) []string {
	switch kind {
	case "sbom":
		return e.SBOM
	case "sarif":
		return e.SARIF
	case "junit":
		return e.JUnit
	case "vulns":
		return e.Vulns
	case "vex":
		return e.VEX
	case "provenance":
		return e.Provenance
	case "secrets":
		return e.Secrets
	}
	return nil
}

// Control is the configuration of one control.
type Control struct {
	// Params override the control's parameter defaults.
	Params map[string]any `yaml:"params"`
	// Action is "" (as the policy says), "warn" (never gates) or "off" (not evaluated).
	Action string `yaml:"action"`
	// Reason is required with an action.
	Reason string `yaml:"reason"`
	// Events, when set, replace the events the control gates on (an empty list:
	// it gates on none).
	Events *[]string `yaml:"events"`
}

// Waiver is an approved, time-boxed exception for one control.
type Waiver struct {
	Control    string `yaml:"control"`
	Reason     string `yaml:"reason"`
	ApprovedBy string `yaml:"approved_by"`
	Expires    string `yaml:"expires"`
	RiskRef    string `yaml:"risk_ref"`
	line       int
}

// Surveil holds the inputs of mdrgate surveil, paths relative to the
// configuration file's folder; flags replace them.
type Surveil struct {
	// SBOMs are the SBOMs of the supported versions, one per version.
	SBOMs []string `yaml:"sboms"`
	VEX   []string `yaml:"vex"`
	// OSV are OSV exports (zip) or directories of OSV JSON.
	OSV []string `yaml:"osv"`
	// KEV is the CISA KEV catalogue JSON.
	KEV string `yaml:"kev"`
	// State is the state file that keeps first-seen times across runs.
	State string `yaml:"state"`
}

// Signing is the trust for release integrity: cosign public key files (relative
// to the configuration file) and keyless identities.
type Signing struct {
	Keys       []string          `yaml:"keys"`
	Identities []SigningIdentity `yaml:"identities"`
}

// SigningIdentity is a keyless signer: exactly one of subject and subject_regexp,
// and exactly one of issuer and issuer_regexp.
type SigningIdentity struct {
	Subject       string `yaml:"subject"`
	SubjectRegexp string `yaml:"subject_regexp"`
	Issuer        string `yaml:"issuer"`
	IssuerRegexp  string `yaml:"issuer_regexp"`
}

// Limits bound what collectors read.
type Limits struct {
	// MaxFileSize is the largest evidence file read, in bytes.
	MaxFileSize int64 `yaml:"max_file_size"`
	// MaxCommits is how many commits of history are read.
	MaxCommits int `yaml:"max_commits"`
}

// EvidenceWaivers returns the waivers in the evidence document's shape.
func (c *Config) EvidenceWaivers() []evidence.Waiver {
	out := make([]evidence.Waiver, 0, len(c.Waivers))
	for _, w := range c.Waivers {
		out = append(out, evidence.Waiver{Control: w.Control, Reason: w.Reason, ApprovedBy: w.ApprovedBy, Expires: w.Expires, RiskRef: w.RiskRef})
	}
	return out
}

// EvidenceProduct returns the product in the evidence document's shape.
func (c *Config) EvidenceProduct() evidence.Product {
	return evidence.Product{Name: c.Product.Name, Version: c.Product.Version, Manufacturer: c.Product.Manufacturer, MDRClass: c.Product.MDRClass, IEC62304Class: c.Product.IEC62304Class}
}

// Default returns the configuration used when there is no file.
func Default() *Config { return &Config{Version: Version} }

// Find loads dir/.mdrgate.yaml when it exists, and the defaults otherwise.
func Find(dir string) (*Config, error) {
	p := filepath.Join(dir, FileName)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	return Load(p)
}

// Load reads and validates a configuration file.
func Load(path string) (*Config, error) {
	f, err := source.Read(path, path, 1<<20)
	if err != nil {
		return nil, err
	}
	return Parse(f)
}

// Parse validates and decodes configuration bytes.
func Parse(f *source.File) (*Config, error) {
	if err := f.CheckUTF8(); err != nil {
		return nil, err
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, f.Errorf("empty configuration: expected at least \"version: %d\"", Version)
		}
		return nil, yamlError(f, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, f.ErrorAtLine(max(root.Line, 1), "expected a mapping of configuration keys (version, product, event, evidence, documents, controls, waivers, policies, limits)")
	}
	doc := root.Content[0]
	if err := checkKeys(f, doc, reflect.TypeOf(Config{}), ""); err != nil {
		return nil, err
	}
	cfg := &Config{}
	if err := doc.Decode(cfg); err != nil {
		return nil, yamlError(f, err)
	}
	cfg.Path = f.Path
	// Remember waiver lines for error messages.
	if n := mapValue(doc, "waivers"); n != nil && n.Kind == yaml.SequenceNode {
		for i, item := range n.Content {
			if i < len(cfg.Waivers) {
				cfg.Waivers[i].line = item.Line
			}
		}
	}
	if err := cfg.validate(f, doc); err != nil {
		return nil, err
	}
	return cfg, nil
}

var controlID = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9]+$`)

func (c *Config) validate(f *source.File, doc *yaml.Node) error {
	line := func(path ...string) int {
		n := doc
		for _, p := range path {
			if m := mapKey(n, p); m != nil {
				n = mapValue(n, p)
				if n == nil {
					return m.Line
				}
				continue
			}
			break
		}
		return n.Line
	}
	if c.Version != Version {
		return f.ErrorAtLine(line("version"), "version: expected %d, found %d (a missing version reads as 0)", Version, c.Version)
	}
	if v := c.Product.IEC62304Class; v != "" && !contains(IEC62304Classes, v) {
		return f.ErrorAtLine(line("product", "iec62304_class"), "product.iec62304_class: invalid value %q: valid values are %s", v, strings.Join(IEC62304Classes, ", "))
	}
	if v := c.Product.MDRClass; v != "" && !contains(MDRClasses, v) {
		return f.ErrorAtLine(line("product", "mdr_class"), "product.mdr_class: invalid value %q: valid values are %s", v, strings.Join(MDRClasses, ", "))
	}
	if c.Event != "" && !contains(Events, c.Event) {
		return f.ErrorAtLine(line("event"), "event: invalid value %q: valid values are %s", c.Event, strings.Join(Events, ", "))
	}
	ids := make([]string, 0, len(c.Controls))
	for id := range c.Controls {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ctl := c.Controls[id]
		if !controlID.MatchString(id) {
			return f.ErrorAtLine(line("controls", id), "controls: %q is not a control id: expected DOMAIN-NN such as GOV-03", id)
		}
		switch ctl.Action {
		case "", "warn", "off":
		default:
			return f.ErrorAtLine(line("controls", id, "action"), "controls.%s.action: invalid value %q: valid values are warn, off", id, ctl.Action)
		}
		if ctl.Events != nil {
			if strings.TrimSpace(ctl.Reason) == "" {
				return f.ErrorAtLine(line("controls", id, "events"), "controls.%s: events needs a reason: changing when a control gates is shown in every report with its reason", id)
			}
			for _, e := range *ctl.Events {
				if !contains(Events, e) {
					return f.ErrorAtLine(line("controls", id, "events"), "controls.%s.events: %q is not an event: valid values are %s", id, e, strings.Join(Events, ", "))
				}
			}
		}
		if ctl.Action != "" && strings.TrimSpace(ctl.Reason) == "" {
			return f.ErrorAtLine(line("controls", id, "action"), "controls.%s: action %q needs a reason", id, ctl.Action)
		}
	}
	for i, w := range c.Waivers {
		where := fmt.Sprintf("waivers[%d]", i)
		missing := []string{}
		if w.Control == "" {
			missing = append(missing, "control")
		}
		if strings.TrimSpace(w.Reason) == "" {
			missing = append(missing, "reason")
		}
		if strings.TrimSpace(w.ApprovedBy) == "" {
			missing = append(missing, "approved_by")
		}
		if w.Expires == "" {
			missing = append(missing, "expires")
		}
		if len(missing) > 0 {
			return f.ErrorAtLine(w.line, "%s: missing %s: a waiver needs control, reason, approved_by and expires", where, strings.Join(missing, ", "))
		}
		if !controlID.MatchString(w.Control) {
			return f.ErrorAtLine(w.line, "%s.control: %q is not a control id: expected DOMAIN-NN such as REL-01", where, w.Control)
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
			return f.ErrorAtLine(w.line, "%s.expires: %q is not a date: expected YYYY-MM-DD", where, w.Expires)
		}
	}
	for kind, globs := range map[string][]string{"sbom": c.Evidence.SBOM, "sarif": c.Evidence.SARIF, "junit": c.Evidence.JUnit, "vulns": c.Evidence.Vulns, "vex": c.Evidence.VEX, "provenance": c.Evidence.Provenance, "secrets": c.Evidence.Secrets} {
		for _, g := range globs {
			if err := checkGlob(g); err != nil {
				return f.ErrorAtLine(line("evidence", kind), "evidence.%s: %v", kind, err)
			}
		}
	}
	for i, id := range c.Signing.Identities {
		if (id.Subject == "") == (id.SubjectRegexp == "") || (id.Issuer == "") == (id.IssuerRegexp == "") {
			return f.ErrorAtLine(line("signing", "identities"), "signing.identities[%d]: expected exactly one of subject and subject_regexp, and exactly one of issuer and issuer_regexp", i)
		}
		for _, re := range []string{id.SubjectRegexp, id.IssuerRegexp} {
			if _, err := regexp.Compile(re); err != nil {
				return f.ErrorAtLine(line("signing", "identities"), "signing.identities[%d]: invalid regular expression %q: %v", i, re, err)
			}
		}
	}
	for i, k := range c.Signing.Keys {
		if strings.TrimSpace(k) == "" {
			return f.ErrorAtLine(line("signing", "keys"), "signing.keys[%d]: empty path: expected a cosign public key file relative to the configuration file, or a KMS key URI", i)
		}
	}
	for _, g := range c.Documents {
		if err := checkGlob(g); err != nil {
			return f.ErrorAtLine(line("documents"), "documents: %v", err)
		}
	}
	for _, kv := range []struct {
		key   string
		paths []string
	}{{"sboms", c.Surveil.SBOMs}, {"vex", c.Surveil.VEX}, {"osv", c.Surveil.OSV}} {
		for _, p := range kv.paths {
			if strings.TrimSpace(p) == "" {
				return f.ErrorAtLine(line("surveil", kv.key), "surveil.%s: empty path: expected a file or directory relative to the configuration file", kv.key)
			}
		}
	}
	if c.Limits.MaxFileSize < 0 || c.Limits.MaxCommits < 0 {
		return f.ErrorAtLine(line("limits"), "limits: values must be positive")
	}
	return nil
}

func checkGlob(g string) error {
	if g == "" {
		return errors.New("empty glob")
	}
	if strings.HasPrefix(g, "/") || strings.Contains(g, "\\") {
		return fmt.Errorf("glob %q must be relative with forward slashes", g)
	}
	for _, seg := range strings.Split(g, "/") {
		if seg == ".." {
			return fmt.Errorf("glob %q must not leave the repository (..)", g)
		}
		if seg == "**" {
			continue
		}
		if _, err := filepath.Match(seg, ""); err != nil {
			return fmt.Errorf("glob %q is malformed: %v", g, err)
		}
	}
	return nil
}

// checkKeys reports the first mapping key that the struct type does not define.
func checkKeys(f *source.File, n *yaml.Node, t reflect.Type, where string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return f.ErrorAtLine(n.Line, "%s: expected a mapping, found %s", name(where), kindName(n))
		}
		fields := map[string]reflect.Type{}
		var valid []string
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = t.Field(i).Type
			valid = append(valid, tag)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				return f.ErrorAtLine(k.Line, "unknown key %q in %s: valid keys are %s", k.Value, name(where), strings.Join(valid, ", "))
			}
			if err := checkKeys(f, v, ft, join(where, k.Value)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return f.ErrorAtLine(n.Line, "%s: expected a mapping, found %s", name(where), kindName(n))
		}
		if t.Elem().Kind() == reflect.Struct {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if err := checkKeys(f, n.Content[i+1], t.Elem(), join(where, n.Content[i].Value)); err != nil {
					return err
				}
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Tag == "!!null" {
				return nil
			}
			return f.ErrorAtLine(n.Line, "%s: expected a list, found %s", name(where), kindName(n))
		}
		if t.Elem().Kind() == reflect.Struct {
			for i, item := range n.Content {
				if err := checkKeys(f, item, t.Elem(), fmt.Sprintf("%s[%d]", where, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func name(where string) string {
	if where == "" {
		return "the configuration"
	}
	return where
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// yamlError turns a yaml.v3 error into a source.Error with the line.
func yamlError(f *source.File, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscanf(m[1], "%d", &line)
		return f.ErrorAtLine(line, "invalid configuration: %s", strings.TrimPrefix(m[2], "yaml: "))
	}
	return f.Errorf("invalid configuration: %s", strings.TrimPrefix(msg, "yaml: "))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
