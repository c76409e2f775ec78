package vuln

import "testing"

func TestCVSS3BaseScore(t *testing.T) {
	tests := []struct {
		vector string
		score  float64
		ok     bool
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, true},
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, true},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10, true},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, true},
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1, true},
		{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2, true},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, true},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3, true},
		{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N", 3.7, true},
		{"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 5.5, true},
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, true},
		{"CVSS:3.1/AV:A/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 8.4, true},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 8.8, true},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, true},
		// Metrics in another order, with temporal metrics: base score only.
		{"CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:P/RL:O/RC:C", 9.8, true},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, true},
		{"", 0, false},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 0, false}, // v2
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 0, false},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", 0, false},          // A missing
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X", 0, false},      // bad value
		{"CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 0, false}, // duplicate
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/junk", 0, false}, // no colon
		{"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 0, false},      // unknown version
	}
	for _, tt := range tests {
		score, ok := cvss3BaseScore(tt.vector)
		if ok != tt.ok || score != tt.score {
			t.Errorf("cvss3BaseScore(%q) = %v, %v; want %v, %v", tt.vector, score, ok, tt.score, tt.ok)
		}
	}
}

func TestOSVPURL(t *testing.T) {
	tests := []struct{ eco, name, version, want string }{
		{"npm", "@babel/traverse", "7.22.5", "pkg:npm/%40babel/traverse@7.22.5"},
		{"npm", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20"},
		{"PyPI", "requests", "2.28.1", "pkg:pypi/requests@2.28.1"},
		{"Go", "github.com/jackc/pgx/v5", "5.5.3", "pkg:golang/github.com/jackc/pgx/v5@5.5.3"},
		{"Go", "stdlib", "1.21.1", "pkg:golang/stdlib@1.21.1"},
		{"Maven", "org.yaml:snakeyaml", "1.33", "pkg:maven/org.yaml/snakeyaml@1.33"},
		{"crates.io", "regex", "1.3.1", "pkg:cargo/regex@1.3.1"},
		{"Packagist", "symfony/http-kernel", "5.4.0", "pkg:composer/symfony/http-kernel@5.4.0"},
		{"RubyGems", "rack", "2.2.3", "pkg:gem/rack@2.2.3"},
		{"NuGet", "Newtonsoft.Json", "12.0.1", "pkg:nuget/Newtonsoft.Json@12.0.1"},
		{"Debian:12", "openssl", "3.0.11-1~deb12u1", ""},
		{"npm", "", "1.0", ""},
		{"Go", "example.com/", "1.0", ""},
	}
	for _, tt := range tests {
		if got := osvPURL(tt.eco, tt.name, tt.version); got != tt.want {
			t.Errorf("osvPURL(%q, %q, %q) = %q, want %q", tt.eco, tt.name, tt.version, got, tt.want)
		}
	}
}
