// Package catalog describes mdrgate's controls as a catalogue: the frameworks and
// clauses they reference, coverage matrices per framework, the generated reference
// documentation, the Rego test harness and the linter for user policies.
package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// Clause is one row of a framework's coverage matrix: a clause id as controls cite it
// and its short title.
type Clause struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Framework is a regulation or standard that controls reference.
type Framework struct {
	// Key is the refs key of the METADATA (iec81001, mdr, fda, ssdf, ...).
	Key string `json:"key"`
	// Name is how reports name the framework.
	Name string `json:"name"`
	// Matrix is the name of its coverage matrix (--matrix), "" when it has none.
	Matrix string `json:"matrix,omitempty"`
	// Fixed are the clauses every matrix lists whether or not a control cites them.
	Fixed []Clause `json:"-"`
	// Closed is true when Fixed is the whole framework: a cited clause outside it is
	// an unknown reference, not a new row.
	Closed bool `json:"-"`
	// titles are short titles of clauses that are rows only when a control cites them.
	titles map[string]string
}

// Title returns the short title of a clause of the framework, "" when unknown.
func (f *Framework) Title(id string) string {
	for _, c := range f.Fixed {
		if c.ID == id {
			return c.Title
		}
	}
	if t, ok := f.titles[id]; ok {
		return t
	}
	if f.Key == "ssdf" {
		// A task (PW.7.2) takes the title of its practice (PW.7).
		if i := strings.LastIndex(id, "."); i > 0 {
			return f.titles[id[:i]]
		}
	}
	// A part of a clause (524B(b)(2)(A)(B)) takes its clause's title.
	best, title := "", ""
	for _, c := range f.Fixed {
		if isDescendant(id, c.ID) && len(c.ID) > len(best) {
			best, title = c.ID, c.Title
		}
	}
	for k, t := range f.titles {
		if isDescendant(id, k) && len(k) > len(best) {
			best, title = k, t
		}
	}
	if best != "" {
		return "part of " + title
	}
	return ""
}

// iec81001Clauses are the clauses of IEC 81001-5-1:2021 as listed in CONTROLS.md
// ("IEC 81001-5-1:2021 clauses (for the coverage matrix)"): numbers and short titles
// from the standard's public table of contents.
var iec81001Clauses = []Clause{
	{"4.1.1", "Quality management system"},
	{"4.1.2", "Identification of responsibilities"},
	{"4.1.3", "Identification of applicability"},
	{"4.1.4", "Security expertise"},
	{"4.1.5", "Software items from third-party suppliers"},
	{"4.1.6", "Continuous improvement"},
	{"4.1.7", "Disclosing security-related issues"},
	{"4.1.8", "Periodic review of security defect management"},
	{"4.1.9", "Accompanying-documentation review"},
	{"4.2", "Security risk management"},
	{"4.3", "Software item classification (MAINTAINED / SUPPORTED / REQUIRED)"},
	{"5.1.1", "Activities in the life cycle process"},
	{"5.1.2", "Development environment security"},
	{"5.1.3", "Secure coding standards"},
	{"5.2.1", "Health software security requirements"},
	{"5.2.2", "Security requirements review"},
	{"5.2.3", "Security risks for REQUIRED software"},
	{"5.3.1", "Defense-in-depth architecture/design"},
	{"5.3.2", "Secure design best practices"},
	{"5.3.3", "Security architectural design review"},
	{"5.4.1", "Software design best practices"},
	{"5.4.2", "Secure design"},
	{"5.4.3", "Secure health software interfaces"},
	{"5.4.4", "Detailed design verification for security"},
	{"5.5.1", "Secure coding standards"},
	{"5.5.2", "Security implementation review"},
	{"5.6", "Software integration testing"},
	{"5.7.1", "Security requirements testing"},
	{"5.7.2", "Threat mitigation testing"},
	{"5.7.3", "Vulnerability testing"},
	{"5.7.4", "Penetration testing"},
	{"5.7.5", "Managing conflicts of interest between testers and developers"},
	{"5.8.1", "Resolve findings prior to release"},
	{"5.8.2", "Release documentation"},
	{"5.8.3", "File integrity"},
	{"5.8.4", "Controls for private keys"},
	{"5.8.5", "Assessing and addressing security-related issues"},
	{"5.8.6", "Activity completion"},
	{"5.8.7", "Secure decommissioning guidelines"},
	{"6.1.1", "Timely delivery of security updates"},
	{"6.2.1", "Monitoring public incident reports"},
	{"6.2.2", "Security update verification"},
	{"6.3.1", "SUPPORTED software security update documentation"},
	{"6.3.2", "MAINTAINED software security update delivery"},
	{"6.3.3", "MAINTAINED software security update integrity"},
	{"7.1.2", "Product security context"},
	{"7.2", "Identification of vulnerabilities, threats and adverse impacts"},
	{"7.3", "Estimation and evaluation of security risk"},
	{"7.4", "Controlling security risks"},
	{"7.5", "Monitoring the effectiveness of risk controls"},
	{"8", "Software configuration management"},
	{"9.2", "Receiving notifications about vulnerabilities"},
	{"9.3", "Reviewing vulnerabilities"},
	{"9.4", "Analysing vulnerabilities"},
	{"9.5", "Addressing security-related issues"},
}

// frameworks are the reference frameworks, in the order reports list them.
var frameworks = []*Framework{
	{
		Key: "iec81001", Name: "IEC 81001-5-1", Matrix: "iec81001-5-1",
		Fixed: iec81001Clauses, Closed: true,
	},
	{
		Key: "mdr", Name: "EU MDR", Matrix: "mdr",
		Fixed: []Clause{
			{"17.2", "Annex I GSPR 17.2: software developed and manufactured according to the state of the art (development life cycle, risk management including information security, verification and validation)"},
			{"17.4", "Annex I GSPR 17.4: minimum requirements for hardware, IT network characteristics and IT security measures, including protection against unauthorised access"},
			{"23.4", "Annex I GSPR 23.4: information in the instructions for use"},
		},
		titles: map[string]string{
			"23.4(ab)":      "Annex I GSPR 23.4(ab): IFU for software devices: minimum hardware, IT network and IT security requirements",
			"Annex I §3–4":  "Annex I sections 3-4: risk management system and risk control measures",
			"Art. 83":       "Article 83: post-market surveillance system of the manufacturer",
			"Art. 84":       "Article 84: post-market surveillance plan",
			"Art. 83–84":    "Articles 83-84: post-market surveillance system and plan",
			"Annex III":     "Annex III: technical documentation on post-market surveillance",
			"Art. 10(9)":    "Article 10(9): quality management system of the manufacturer",
			"Annex II":      "Annex II: technical documentation",
			"Annex I §14.2": "Annex I section 14.2: design to remove or reduce risks from interaction with the environment",
		},
	},
	{
		Key: "mdcg", Name: "MDCG 2019-16",
		titles: map[string]string{},
	},
	{
		Key: "fda", Name: "FDA", Matrix: "fda",
		Fixed: []Clause{
			{"524B(b)(1)", "FD&C Act 524B(b)(1): plan to monitor, identify and address postmarket cybersecurity vulnerabilities and exploits, including coordinated vulnerability disclosure"},
			{"524B(b)(2)", "FD&C Act 524B(b)(2): processes and procedures that provide reasonable assurance the device is cybersecure, with postmarket updates and patches"},
			{"524B(b)(3)", "FD&C Act 524B(b)(3): software bill of materials"},
			{"App4 Threat Model", "Premarket guidance Appendix 4 element: threat model"},
			{"App4 Risk Assessment", "Premarket guidance Appendix 4 element: cybersecurity risk assessment"},
			{"App4 SBOM", "Premarket guidance Appendix 4 element: software bill of materials"},
			{"App4 Unresolved Anomalies", "Premarket guidance Appendix 4 element: assessment of unresolved anomalies"},
			{"App4 Architecture Views", "Premarket guidance Appendix 4 element: security architecture views"},
			{"App4 Traceability", "Premarket guidance Appendix 4 element: traceability"},
			{"App4 Labeling", "Premarket guidance Appendix 4 element: labeling"},
		},
		titles: map[string]string{
			"V.A":                      "Premarket guidance V.A: security risk management",
			"V.A.1":                    "Premarket guidance V.A.1: threat modeling",
			"V.A.2":                    "Premarket guidance V.A.2: cybersecurity risk assessment",
			"V.A.3":                    "Premarket guidance V.A.3: interoperability considerations",
			"V.A.4":                    "Premarket guidance V.A.4: third-party software components",
			"V.A.5":                    "Premarket guidance V.A.5: security assessment of unresolved anomalies",
			"V.A.6":                    "Premarket guidance V.A.6: TPLC security risk management",
			"V.B":                      "Premarket guidance V.B: security architecture",
			"V.B.1":                    "Premarket guidance V.B.1: implementation of security controls",
			"V.B.2":                    "Premarket guidance V.B.2: security architecture views",
			"V.C":                      "Premarket guidance V.C: cybersecurity testing",
			"VI.A":                     "Premarket guidance VI.A: labeling recommendations",
			"VI.B":                     "Premarket guidance VI.B: cybersecurity management plans",
			"App1":                     "Premarket guidance Appendix 1: security control categories",
			"App1 Authentication":      "Premarket guidance Appendix 1: authentication controls",
			"App1 Integrity":           "Premarket guidance Appendix 1: integrity controls",
			"App2":                     "Premarket guidance Appendix 2: security architecture flows",
			"2016 postmarket guidance": "Postmarket Management of Cybersecurity in Medical Devices (FDA guidance, 2016): vulnerability monitoring, assessment of exploitability and risk, remediation and communication",
		},
	},
	{
		Key: "ssdf", Name: "NIST SSDF (SP 800-218)", Matrix: "ssdf",
		titles: map[string]string{
			"PO.1": "Define security requirements for software development",
			"PO.2": "Implement roles and responsibilities",
			"PO.3": "Implement supporting toolchains",
			"PO.4": "Define and use criteria for software security checks",
			"PO.5": "Implement and maintain secure environments for software development",
			"PS.1": "Protect all forms of code from unauthorized access and tampering",
			"PS.2": "Provide a mechanism for verifying software release integrity",
			"PS.3": "Archive and protect each software release",
			"PW.1": "Design software to meet security requirements and mitigate security risks",
			"PW.2": "Review the software design to verify compliance with security requirements and risk information",
			"PW.4": "Reuse existing, well-secured software when feasible",
			"PW.5": "Create source code by adhering to secure coding practices",
			"PW.6": "Configure the compilation, interpreter and build processes to improve executable security",
			"PW.7": "Review and/or analyze human-readable code to identify vulnerabilities",
			"PW.8": "Test executable code to identify vulnerabilities",
			"PW.9": "Configure software to have secure settings by default",
			"RV.1": "Identify and confirm vulnerabilities on an ongoing basis",
			"RV.2": "Assess, prioritize and remediate vulnerabilities",
			"RV.3": "Analyze vulnerabilities to identify their root causes",
		},
	},
	{Key: "iec62304", Name: "IEC 62304"},
	{Key: "cra", Name: "EU CRA"},
}

// Frameworks returns the reference frameworks in report order: iec81001, mdr, mdcg,
// fda, ssdf, iec62304, cra.
func Frameworks() []*Framework { return frameworks }

// FrameworkByKey returns the framework with the refs key, nil when unknown.
func FrameworkByKey(key string) *Framework {
	for _, f := range frameworks {
		if f.Key == key {
			return f
		}
	}
	return nil
}

// FrameworkName returns the display name of a refs key, the key itself when unknown.
func FrameworkName(key string) string {
	if f := FrameworkByKey(key); f != nil {
		return f.Name
	}
	return key
}

// MatrixNames returns the names --matrix accepts, in report order.
func MatrixNames() []string {
	var out []string
	for _, f := range frameworks {
		if f.Matrix != "" {
			out = append(out, f.Matrix)
		}
	}
	return out
}

// FrameworkByMatrix returns the framework whose matrix has the name, or an error
// naming the valid ones.
func FrameworkByMatrix(name string) (*Framework, error) {
	for _, f := range frameworks {
		if f.Matrix != "" && (f.Matrix == name || f.Key == name) {
			return f, nil
		}
	}
	return nil, fmt.Errorf("invalid matrix %q: valid values are %s", name, strings.Join(MatrixNames(), ", "))
}

// isDescendant reports whether ref names a part of clause: "5.3.2(g,h)" of "5.3.2",
// "524B(b)(2)(A)(B)" of "524B(b)(2)", "4.2.1" of "4.2".
func isDescendant(ref, clause string) bool {
	if len(ref) <= len(clause) || !strings.HasPrefix(ref, clause) {
		return false
	}
	switch ref[len(clause)] {
	case '.', '(':
		return true
	}
	return false
}

// SortRefs sorts clause ids in reading order: numeric parts compare as numbers.
func SortRefs(ids []string) {
	sort.SliceStable(ids, func(i, j int) bool { return refLess(ids[i], ids[j]) })
}

// refLess compares clause ids piecewise, digits as numbers.
func refLess(a, b string) bool {
	for a != "" && b != "" {
		na, ra := leadingNumber(a)
		nb, rb := leadingNumber(b)
		switch {
		case na >= 0 && nb >= 0:
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		case na >= 0:
			return true
		case nb >= 0:
			return false
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

// leadingNumber returns the number s starts with and the rest, or -1 and s.
func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 9 {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 0 {
		return -1, s
	}
	return n, s[i:]
}
