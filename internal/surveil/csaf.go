package surveil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/atomicfile"
)

// DraftOptions name the manufacturer and product in advisories.
type DraftOptions struct {
	Product      string
	Manufacturer string
	// Namespace is the publisher's URL (CSAF document.publisher.namespace).
	Namespace string
}

// Draft is one drafted advisory: a CSAF 2.0 security advisory and a plain-language notice.
type Draft struct {
	ID     string
	CSAF   []byte
	Notice []byte
}

// Drafts writes nothing: it returns, for each vulnerability that needs
// out-of-cycle action in any version (KEV-listed or past its SLA, and not
// resolved), a draft CSAF 2.0 csaf_security_advisory and a notice for users,
// both marked as drafts for the manufacturer's review. Sorted by id.
func Drafts(r *Result, o DraftOptions) ([]Draft, error) {
	if o.Product == "" {
		o.Product = "the product"
	}
	if o.Manufacturer == "" {
		o.Manufacturer = "the manufacturer"
	}
	if o.Namespace == "" {
		o.Namespace = "https://example.invalid/set-your-publisher-namespace"
	}
	type hit struct {
		version string
		f       evidence.SurveilFinding
	}
	byID := map[string][]hit{}
	for _, v := range r.Surveillance.Versions {
		for _, f := range v.Findings {
			if NeedsAction(f) {
				byID[f.ID] = append(byID[f.ID], hit{v.Version, f})
			}
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	at := r.Surveillance.RunAt.UTC().Format(time.RFC3339)
	var out []Draft
	for _, id := range ids {
		hits := byID[id]
		f0 := hits[0].f
		title := fmt.Sprintf("DRAFT: %s in %s (%s)", id, o.Product, f0.Package.Name)
		sum := summary(r.Records[id], id)
		details := ""
		for _, rec := range r.Records[id] {
			if rec.Details != "" {
				details = rec.Details
				break
			}
		}
		// Products: each affected version of the product, each vulnerable
		// component (with its purl), and the relationship "component of
		// version", which is what the vulnerability statements name.
		var versionBranches, componentBranches, relationships []any
		var productIDs []string
		var fixed, versions []string
		kev := false
		for i, h := range hits {
			vid, cid, rid := fmt.Sprintf("CSAFPID-V%04d", i+1), fmt.Sprintf("CSAFPID-C%04d", i+1), fmt.Sprintf("CSAFPID-%04d", i+1)
			productIDs = append(productIDs, rid)
			versionBranches = append(versionBranches, map[string]any{
				"category": "product_version", "name": h.version,
				"product": map[string]any{"product_id": vid, "name": fmt.Sprintf("%s %s", o.Product, h.version)},
			})
			componentBranches = append(componentBranches, map[string]any{
				"category": "product_name", "name": h.f.Package.Name,
				"branches": []any{map[string]any{
					"category": "product_version", "name": h.f.Package.Version,
					"product": map[string]any{
						"product_id": cid, "name": h.f.Package.Name + " " + h.f.Package.Version,
						"product_identification_helper": map[string]any{"purl": h.f.Package.PURL},
					},
				}},
			})
			relationships = append(relationships, map[string]any{
				"category": "default_component_of", "product_reference": cid, "relates_to_product_reference": vid,
				"full_product_name": map[string]any{"product_id": rid, "name": fmt.Sprintf("%s %s as a component of %s %s", h.f.Package.Name, h.f.Package.Version, o.Product, h.version)},
			})
			fixed = append(fixed, h.f.FixedVersions...)
			versions = append(versions, h.version)
			kev = kev || h.f.KEV
		}
		fixed = uniqSorted(fixed)
		remediation := fmt.Sprintf("Update %s to a release of %s that contains %s %s.", o.Product, o.Manufacturer, f0.Package.Name, strings.Join(fixed, " or later, or "))
		if len(fixed) == 0 {
			remediation = fmt.Sprintf("No fixed version of %s is known yet. %s will provide a mitigation; until then apply the compensating controls in the security documentation.", f0.Package.Name, o.Manufacturer)
		}
		vuln := map[string]any{
			"notes": []any{map[string]any{"category": "summary", "title": "Summary", "text": sum}},
			"product_status": map[string]any{
				"known_affected": productIDs,
			},
			"remediations": []any{map[string]any{
				"category": remediationCategory(fixed), "details": remediation, "product_ids": productIDs,
			}},
			"threats": []any{map[string]any{
				"category": "impact", "details": impactText(f0, kev), "product_ids": productIDs,
			}},
		}
		var otherIDs []any
		for _, a := range append([]string{id}, f0.Aliases...) {
			if cveID.MatchString(a) {
				if _, has := vuln["cve"]; !has {
					vuln["cve"] = a
					continue
				}
			}
			otherIDs = append(otherIDs, map[string]any{"system_name": idSystem(a), "text": a})
		}
		if len(otherIDs) > 0 {
			vuln["ids"] = otherIDs
		}
		if kev {
			vuln["threats"] = append(vuln["threats"].([]any), map[string]any{
				"category": "exploit_status", "details": "Listed in the CISA Known Exploited Vulnerabilities catalogue: exploitation in the wild is known.", "product_ids": productIDs,
			})
		}
		if f0.CVSSScore != nil {
			vuln["notes"] = append(vuln["notes"].([]any), map[string]any{"category": "other", "title": "CVSS base score", "text": fmt.Sprintf("%.1f (%s)", *f0.CVSSScore, f0.Severity)})
		}
		if details != "" {
			vuln["notes"] = append(vuln["notes"].([]any), map[string]any{"category": "description", "title": "Details", "text": details})
		}
		trackingID := "DRAFT-" + safeName(id)
		doc := map[string]any{
			"document": map[string]any{
				"category":     "csaf_security_advisory",
				"csaf_version": "2.0",
				"title":        title,
				"lang":         "en",
				"publisher": map[string]any{
					"category": "vendor", "name": o.Manufacturer, "namespace": o.Namespace,
				},
				"distribution": map[string]any{"tlp": map[string]any{"label": "AMBER"}},
				"notes": []any{
					map[string]any{"category": "summary", "title": "Summary", "text": sum},
					map[string]any{"category": "general", "title": "Draft for review", "text": "Drafted by mdrgate surveil from vulnerability feeds. Review every statement, complete the remediation and publish only after the manufacturer's approval."},
				},
				"references": []any{map[string]any{"category": "self", "summary": "This advisory (draft)", "url": strings.TrimSuffix(o.Namespace, "/") + "/advisories/" + strings.ToLower(trackingID) + ".json"}},
				"tracking": map[string]any{
					"id": trackingID, "status": "draft", "version": "0",
					"initial_release_date": at, "current_release_date": at,
					"generator":        map[string]any{"date": at, "engine": map[string]any{"name": "mdrgate surveil"}},
					"revision_history": []any{map[string]any{"date": at, "number": "0", "summary": "Draft generated for review."}},
				},
			},
			"product_tree": map[string]any{
				"branches": []any{
					map[string]any{
						"category": "vendor", "name": o.Manufacturer,
						"branches": []any{map[string]any{"category": "product_name", "name": o.Product, "branches": versionBranches}},
					},
					map[string]any{"category": "vendor", "name": "Third-party component suppliers", "branches": componentBranches},
				},
				"relationships": relationships,
			},
			"vulnerabilities": []any{vuln},
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return nil, err
		}
		out = append(out, Draft{ID: id, CSAF: b.Bytes(), Notice: notice(id, o, hits[0].f, versions, fixed, kev, sum, at)})
	}
	return out, nil
}

func remediationCategory(fixed []string) string {
	if len(fixed) == 0 {
		return "mitigation"
	}
	return "vendor_fix"
}

func impactText(f evidence.SurveilFinding, kev bool) string {
	s := fmt.Sprintf("%s vulnerability in the third-party component %s %s.", strings.ToUpper(f.Severity[:1])+f.Severity[1:], f.Package.Name, f.Package.Version)
	if kev {
		s += " It is known to be exploited."
	}
	return s + " The impact on patient safety and on the device's essential performance must be assessed by the manufacturer."
}

func idSystem(id string) string {
	switch {
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub Security Advisory"
	case strings.HasPrefix(id, "CVE-"):
		return "CVE"
	case strings.HasPrefix(id, "PYSEC-"):
		return "PyPI Advisory Database"
	case strings.HasPrefix(id, "GO-"):
		return "Go Vulnerability Database"
	case strings.HasPrefix(id, "RUSTSEC-"):
		return "RustSec"
	case strings.HasPrefix(id, "DSA-"), strings.HasPrefix(id, "DLA-"), strings.HasPrefix(id, "DEBIAN-"):
		return "Debian Security Tracker"
	}
	return "OSV"
}

func uniqSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

func notice(id string, o DraftOptions, f evidence.SurveilFinding, versions, fixed []string, kev bool, sum, at string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "> **DRAFT for the manufacturer's review — not for distribution.** Generated by mdrgate surveil on %s.\n\n", at)
	fmt.Fprintf(&b, "# Security notice: %s\n\n", id)
	fmt.Fprintf(&b, "**Product:** %s, versions %s  \n**Manufacturer:** %s\n\n", o.Product, strings.Join(versions, ", "), o.Manufacturer)
	b.WriteString("## What is the problem?\n\n")
	fmt.Fprintf(&b, "A security weakness (%s) was found in %s, a software part used inside %s. %s\n\n", id, f.Package.Name, o.Product, sum)
	if kev {
		b.WriteString("Attackers are known to be using this weakness.\n\n")
	}
	b.WriteString("## What should you do?\n\n")
	if len(fixed) > 0 {
		fmt.Fprintf(&b, "Install the security update from %s as soon as it is available to you. Until then, follow the network and access recommendations in the product's security documentation.\n\n", o.Manufacturer)
	} else {
		fmt.Fprintf(&b, "%s is preparing a fix. Until then, follow the network and access recommendations in the product's security documentation.\n\n", o.Manufacturer)
	}
	b.WriteString("## Is the device safe to use?\n\n")
	b.WriteString("_To be completed by the manufacturer: the assessment of the risk to patients and of the device's essential performance._\n\n")
	fmt.Fprintf(&b, "## Contact\n\n_To be completed: how to reach %s's product security team._\n", o.Manufacturer)
	return b.Bytes()
}

// WriteDrafts writes each draft into dir as ID.csaf-draft.json and
// ID.notice-draft.md, each atomically; it returns the paths written.
func WriteDrafts(dir string, drafts []Draft) ([]string, error) {
	if len(drafts) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--drafts %s: %w", dir, unwrap(err))
	}
	var out []string
	for _, d := range drafts {
		base := filepath.Join(dir, safeName(d.ID))
		for _, f := range []struct {
			path string
			data []byte
		}{{base + ".csaf-draft.json", d.CSAF}, {base + ".notice-draft.md", d.Notice}} {
			if err := atomicfile.Write(f.path, f.data); err != nil {
				return out, err
			}
			out = append(out, f.path)
		}
	}
	return out, nil
}
