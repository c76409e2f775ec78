package surveil

import (
	"testing"

	"github.com/google/osv-scalibr/semantic"
)

// TestAffects evaluates OSV ranges the way the OSV schema's algorithm does,
// with each ecosystem's version rules, events in any order.
func TestAffects(t *testing.T) {
	for _, tc := range []struct {
		name, eco, rangeType, version string
		events                        []map[string]string
		versions                      []string
		want                          bool
	}{
		{"introduced 0, below fixed", "npm", "SEMVER", "1.2.3", evs("introduced", "0", "fixed", "1.2.4"), nil, true},
		{"at fixed", "npm", "SEMVER", "1.2.4", evs("introduced", "0", "fixed", "1.2.4"), nil, false},
		{"pre-release below fixed", "npm", "SEMVER", "1.2.4-rc.1", evs("introduced", "0", "fixed", "1.2.4"), nil, true},
		{"events out of order", "npm", "ECOSYSTEM", "2.5.0", evs("fixed", "3.0.0", "introduced", "2.0.0", "fixed", "1.5.0", "introduced", "1.0.0"), nil, true},
		{"between two ranges", "npm", "ECOSYSTEM", "1.7.0", evs("introduced", "1.0.0", "fixed", "1.5.0", "introduced", "2.0.0", "fixed", "3.0.0"), nil, false},
		{"at last_affected", "Maven", "ECOSYSTEM", "2.0.0-M5", evs("introduced", "0", "last_affected", "2.0.0-M5"), nil, true},
		{"above last_affected", "Maven", "ECOSYSTEM", "2.0.0", evs("introduced", "0", "last_affected", "2.0.0-M5"), nil, false},
		{"below limit", "Go", "SEMVER", "1.4.0", evs("introduced", "1.0.0", "limit", "1.5.0"), nil, true},
		{"at limit", "Go", "SEMVER", "1.5.0", evs("introduced", "1.0.0", "limit", "1.5.0"), nil, false},
		{"PyPI epoch", "PyPI", "ECOSYSTEM", "1!0.1", evs("introduced", "0", "fixed", "9.0"), nil, false},
		{"PyPI post-release", "PyPI", "ECOSYSTEM", "2.0.post1", evs("introduced", "0", "fixed", "2.0.post1"), nil, false},
		{"PyPI dev below pre-release", "PyPI", "ECOSYSTEM", "2.0.dev1", evs("introduced", "2.0a1", "fixed", "2.1"), nil, false},
		{"Debian revision", "Debian:12", "ECOSYSTEM", "3.0.9-1~deb12u1", evs("introduced", "0", "fixed", "3.0.9-1"), nil, true},
		{"RubyGems pre-release", "RubyGems", "ECOSYSTEM", "2.0.0.beta1", evs("introduced", "0", "fixed", "2.0.0"), nil, true},
		{"NuGet four parts", "NuGet", "ECOSYSTEM", "4.0.0.1", evs("introduced", "0", "fixed", "4.0.0.2"), nil, true},
		{"listed version only", "PyPI", "ECOSYSTEM", "1.0", nil, []string{"0.9", "1.0"}, true},
		{"not listed", "PyPI", "ECOSYSTEM", "1.1", nil, []string{"0.9", "1.0"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &osvAffected{Versions: tc.versions}
			a.Package.Ecosystem = tc.eco
			if tc.events != nil {
				a.Ranges = []osvRange{{Type: tc.rangeType, Events: tc.events}}
			}
			got, err := a.affects(pkgID{Ecosystem: baseEcosystem(tc.eco), Version: tc.version}, func(eco string) (semanticVersion, error) {
				return parseVersion(tc.version, eco)
			})
			if err != nil || got != tc.want {
				t.Errorf("affects(%s) = %v, %v; want %v", tc.version, got, err, tc.want)
			}
		})
	}
}

// TestInVers evaluates vers ranges as the CISA use cases write them.
func TestInVers(t *testing.T) {
	for _, tc := range []struct {
		rng, v string
		want   bool
	}{
		{"vers:generic/>=2.9|<=4.1", "2.9", true},
		{"vers:generic/>=2.9|<=4.1", "3.10", true},
		{"vers:generic/>=2.9|<=4.1", "4.1", true},
		{"vers:generic/>=2.9|<=4.1", "4.2", false},
		{"vers:generic/>=2.9|<=4.1", "2.8", false},
		{"vers:generic/>=1.0|<=2.3", "2.3", true},
		{"vers:generic/<2.0", "1.9", true},
		{"vers:generic/>=5.0", "7.1", true},
		{"vers:generic/*", "0.1", true},
		{"vers:generic/>=1.0|!=1.5|<=2.0", "1.5", false},
		{"vers:npm/>=1.0.0-rc.1|<1.0.0", "1.0.0-rc.2", true},
		{"not a vers", "1.0", false},
	} {
		if got := inVers(tc.rng, tc.v, ""); got != tc.want {
			t.Errorf("inVers(%q, %q) = %v, want %v", tc.rng, tc.v, got, tc.want)
		}
	}
}

func evs(kv ...string) []map[string]string {
	var out []map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, map[string]string{kv[i]: kv[i+1]})
	}
	return out
}

type semanticVersion = semantic.Version

func parseVersion(v, eco string) (semantic.Version, error) { return semantic.Parse(v, eco) }
