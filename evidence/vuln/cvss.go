package vuln

import (
	"math"
	"strings"
)

// cvss3Weights are the CVSS v3.x base metric values (specification section 7.4).
// PR has separate values when the scope changes; those are handled below.
var cvss3Weights = map[string]map[string]float64{
	"AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
	"AC": {"L": 0.77, "H": 0.44},
	"PR": {"N": 0.85, "L": 0.62, "H": 0.27},
	"UI": {"N": 0.85, "R": 0.62},
	"S":  {"U": 0, "C": 1},
	"C":  {"H": 0.56, "L": 0.22, "N": 0},
	"I":  {"H": 0.56, "L": 0.22, "N": 0},
	"A":  {"H": 0.56, "L": 0.22, "N": 0},
}

// cvss3BaseScore computes the base score of a CVSS v3.0 or v3.1 vector such as
// "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H". Temporal and environmental
// metrics are ignored. ok is false when the vector is not a valid v3 vector.
func cvss3BaseScore(vector string) (score float64, ok bool) {
	parts := strings.Split(strings.TrimSpace(vector), "/")
	if len(parts) < 9 || (parts[0] != "CVSS:3.0" && parts[0] != "CVSS:3.1") {
		return 0, false
	}
	values := make(map[string]string, 8)
	for _, p := range parts[1:] {
		name, value, found := strings.Cut(p, ":")
		if !found {
			return 0, false
		}
		w, base := cvss3Weights[name]
		if !base {
			continue // temporal or environmental
		}
		if _, valid := w[value]; !valid {
			return 0, false
		}
		if _, dup := values[name]; dup {
			return 0, false
		}
		values[name] = value
	}
	if len(values) != len(cvss3Weights) {
		return 0, false
	}
	w := func(name string) float64 { return cvss3Weights[name][values[name]] }

	changed := values["S"] == "C"
	pr := w("PR")
	if changed {
		switch values["PR"] {
		case "L":
			pr = 0.68
		case "H":
			pr = 0.5
		}
	}
	iss := 1 - (1-w("C"))*(1-w("I"))*(1-w("A"))
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	if impact <= 0 {
		return 0, true
	}
	exploitability := 8.22 * w("AV") * w("AC") * pr * w("UI")
	if changed {
		return roundUp(math.Min(1.08*(impact+exploitability), 10)), true
	}
	return roundUp(math.Min(impact+exploitability, 10)), true
}

// roundUp is the CVSS v3.1 Roundup function: the smallest number with one
// decimal place that is not less than x, computed without floating-point drift.
func roundUp(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return (math.Floor(float64(i)/10000) + 1) / 10
}
