package catalog

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mdrgate/mdrgate/evidence"
)

var (
	schemaOnce sync.Once
	schemaRoot map[string]any
	schemaErr  error
)

// CheckEvidencePath checks that a dotted evidence path (build.sboms,
// github.pull_request.available, repo.documents) names a field of the evidence
// document, following the JSON schema's properties. It returns an error saying
// which segment is unknown and what the valid fields are.
func CheckEvidencePath(path string) error {
	schemaOnce.Do(func() { schemaErr = json.Unmarshal(evidence.JSONSchema, &schemaRoot) })
	if schemaErr != nil {
		return fmt.Errorf("reading the evidence schema: %w", schemaErr)
	}
	if path == "" {
		return fmt.Errorf("evidence path is empty")
	}
	node := deref(schemaRoot)
	done := "input"
	for _, seg := range strings.Split(path, ".") {
		if node == nil {
			return fmt.Errorf("%s is not an object: %q cannot be read from it", done, seg)
		}
		if t, _ := node["type"].(string); t == "array" {
			return fmt.Errorf("%s is a list: an evidence path names a field, not the elements of a list (use %s)", done, strings.TrimPrefix(done, "input."))
		}
		props, ok := node["properties"].(map[string]any)
		if !ok {
			if ap, ok := node["additionalProperties"]; ok && ap != false {
				return nil // a map: any key may be present
			}
			return fmt.Errorf("%s is a value, not an object: %q cannot be read from it", done, seg)
		}
		next, ok := props[seg].(map[string]any)
		if !ok {
			keys := make([]string, 0, len(props))
			for k := range props {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return fmt.Errorf("%q is not a field of %s: its fields are %s", seg, done, strings.Join(keys, ", "))
		}
		done += "." + seg
		node = deref(next)
	}
	return nil
}

// deref follows $ref and the non-null branch of anyOf.
func deref(n map[string]any) map[string]any {
	for i := 0; i < 32 && n != nil; i++ {
		if ref, ok := n["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/$defs/")
			defs, _ := schemaRoot["$defs"].(map[string]any)
			n, _ = defs[name].(map[string]any)
			continue
		}
		if alts, ok := n["anyOf"].([]any); ok {
			var next map[string]any
			for _, b := range alts {
				bm, _ := b.(map[string]any)
				if t, _ := bm["type"].(string); t != "null" {
					next = bm
					break
				}
			}
			n = next
			continue
		}
		return n
	}
	return n
}
