package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mdrgate/mdrgate/evidence"
)

// evidenceHints says, for the evidence paths the built-in controls use, how to
// provide the evidence.
var evidenceHints = map[string]string{
	"build.sboms":           "no SBOM was found: set evidence.sbom globs in .mdrgate.yaml or pass --evidence sbom=PATH (CycloneDX or SPDX)",
	"build.sarif":           "no SARIF report was found: set evidence.sarif globs or pass --evidence sarif=PATH",
	"build.tests":           "no JUnit test report was found: set evidence.junit globs or pass --evidence junit=PATH",
	"build.vulnerabilities": "no vulnerability scan was found: set evidence.vulns globs or pass --evidence vulns=PATH (Grype, Trivy or OSV-Scanner JSON)",
	"build.vex":             "no VEX document was found: set evidence.vex globs or pass --evidence vex=PATH (OpenVEX, CycloneDX VEX or CSAF)",
	"build.provenance":      "no build provenance was found: set evidence.provenance globs or pass --evidence provenance=PATH",
	"build.secrets":         "no secret-scan report was found: set evidence.secrets globs or pass --evidence secrets=PATH (gitleaks or trufflehog JSON)",
	"repo":                  "no repository was collected",
	"repo.git":              "the directory is not a git repository: history is not available",
	"repo.workflows":        "no GitHub Actions workflow was found under .github/workflows",
	"repo.manifests":        "no package manifest was found",
	"repo.dockerfiles":      "no Dockerfile was found",
	"github":                "GitHub API evidence was not collected",
	"artefacts":             "no artefact was verified: pass --image or --artefact",
}

// missingEvidence returns one reason per evidence entry that is absent.
func missingEvidence(input ast.Value, paths []string) []string {
	var out []string
	for _, entry := range paths {
		alts := strings.Split(entry, "|")
		found := false
		var reasons []string
		for _, alt := range alts {
			alt = strings.TrimSpace(alt)
			if present(input, alt) {
				found = true
				break
			}
			if h, ok := evidenceHints[alt]; ok {
				reasons = append(reasons, h)
			} else if r := areaReason(input, alt); r != "" {
				reasons = append(reasons, r)
			} else {
				reasons = append(reasons, fmt.Sprintf("no evidence at input.%s", alt))
			}
		}
		if !found {
			out = append(out, strings.Join(reasons, "; or "))
		}
	}
	return out
}

// areaReason explains an absent "<area>.available" evidence path with the
// area's recorded reason (a GitHub API area that answered 403, say).
func areaReason(input ast.Value, path string) string {
	area, ok := strings.CutSuffix(path, ".available")
	if !ok {
		return ""
	}
	v := find(input, area)
	if v == nil {
		if strings.HasPrefix(path, "github.") {
			return evidenceHints["github"] + ": set a token (GITHUB_TOKEN or --github-token) and the repository"
		}
		return ""
	}
	if obj, ok := v.(ast.Object); ok {
		if r := stringField(obj, "reason"); r != "" {
			return fmt.Sprintf("%s could not be read: %s", area, r)
		}
	}
	return fmt.Sprintf("%s could not be read", area)
}

func find(input ast.Value, path string) ast.Value {
	if path == "" {
		return input
	}
	segs := strings.Split(path, ".")
	ref := make(ast.Ref, len(segs))
	for i, s := range segs {
		ref[i] = ast.StringTerm(s)
	}
	v, err := input.Find(ref)
	if err != nil {
		return nil
	}
	return v
}

// present reports whether the path exists and is not null, empty or false.
func present(input ast.Value, path string) bool {
	v := find(input, path)
	switch x := v.(type) {
	case nil, ast.Null:
		return false
	case *ast.Array:
		return x.Len() > 0
	case ast.Object:
		return x.Len() > 0
	case ast.Set:
		return x.Len() > 0
	case ast.String:
		return x != ""
	case ast.Boolean:
		return bool(x)
	}
	return true
}

// evidenceFiles lists the files (objects with path and sha256) under the paths.
// Results are memoised per path in cache: many controls name the same evidence.
func evidenceFiles(input ast.Value, paths []string, cache map[string][]evidence.FileRef) []evidence.FileRef {
	seen := map[string]evidence.FileRef{}
	for _, entry := range paths {
		for _, alt := range strings.Split(entry, "|") {
			alt = strings.TrimSpace(alt)
			refs, ok := cache[alt]
			if !ok {
				refs = filesUnder(find(input, alt))
				cache[alt] = refs
			}
			for _, f := range refs {
				seen[f.Path+"\x00"+f.SHA256] = f
			}
		}
	}
	out := make([]evidence.FileRef, 0, len(seen))
	for _, f := range seen {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].SHA256 < out[j].SHA256
	})
	return out
}

// filesUnder finds the file references in a value. An array whose first element
// holds no sha256 anywhere is skipped whole: arrays are homogeneous, and the
// large ones (the files index, SARIF results, test cases) hold no file refs.
func filesUnder(v ast.Value) []evidence.FileRef {
	var out []evidence.FileRef
	var walk func(v ast.Value)
	walk = func(v ast.Value) {
		switch x := v.(type) {
		case ast.Object:
			path, sha := stringField(x, "path"), stringField(x, "sha256")
			if path != "" && sha != "" {
				out = append(out, evidence.FileRef{Path: path, SHA256: sha, MediaType: stringField(x, "media_type")})
			}
			x.Foreach(func(_, t *ast.Term) { walk(t.Value) })
		case *ast.Array:
			if x.Len() == 0 || !holdsSHA256(x.Elem(0).Value) {
				return
			}
			x.Foreach(func(t *ast.Term) { walk(t.Value) })
		}
	}
	if v != nil {
		walk(v)
	}
	return out
}

func holdsSHA256(v ast.Value) bool {
	switch x := v.(type) {
	case ast.Object:
		if x.Get(ast.StringTerm("sha256")) != nil {
			return true
		}
		found := false
		x.Foreach(func(_, t *ast.Term) {
			if !found && holdsSHA256(t.Value) {
				found = true
			}
		})
		return found
	case *ast.Array:
		return x.Len() > 0 && holdsSHA256(x.Elem(0).Value)
	}
	return false
}

func stringField(o ast.Object, key string) string {
	t := o.Get(ast.StringTerm(key))
	if t == nil {
		return ""
	}
	s, ok := t.Value.(ast.String)
	if !ok {
		return ""
	}
	return string(s)
}
