# METADATA
# title: Continuous vulnerability monitoring of every supported version
# description: >-
#   The supported versions are declared in supported-versions.yaml
#   (docs/formats/supported-versions.md): a versions list of {version, released,
#   support_end, sbom}. Every version whose support_end is on or after the evaluation
#   day must appear in the surveillance result (mdrgate surveil -o json, read as
#   surveillance evidence) with a scanned_at no older than scan_frequency_days: the
#   scan_frequency_days of the post-market plan's front matter
#   (docs/security/postmarket-plan.md), or this control's parameter (default 30) when the
#   plan does not declare one, which the messages say. The run must have matched
#   against at least one feed holding records, and against the CISA KEV catalogue (a
#   feed whose name contains "kev") unless require_kev_feed is false. A scanned_at in
#   the future is a failure. Without surveillance evidence the control is
#   not_available.
# custom:
#   id: PMS-01
#   type: A
#   severity: high
#   refs:
#     iec81001: ["6.2.1", "9.2", "9.3"]
#     mdr: ["Art. 83", "Annex III"]
#     mdcg: ["3.8", "5.1"]
#     fda: ["VI.B", "524B(b)(1)"]
#     ssdf: ["RV.1.1", "RV.1.2"]
#     cra: ["II-1", "II-3"]
#   evidence: ["surveillance"]
#   events: [release, schedule]
#   remediation: >-
#     Declare the supported versions in supported-versions.yaml and run mdrgate surveil
#     on a schedule at least as often as the post-market plan's scan_frequency_days,
#     against current OSV exports and the CISA KEV catalogue, keeping its JSON output
#     as evidence.
#   params:
#     scan_frequency_days: 30
#     require_kev_feed: true
package mdrgate.controls.pms01

import data.mdrgate.lib

_surv := input.surveillance if is_object(input.surveillance)

_plan_days := d if {
	d := lib.front_matter(lib.doc(lib.postmarket_plan_path)).scan_frequency_days
	lib.positive_number(d)
}

_frequency := _plan_days if _plan_days

else := lib.param("PMS-01", "scan_frequency_days")

_source := sprintf("scan_frequency_days of %s", [lib.postmarket_plan_path]) if _plan_days

else := sprintf("parameter scan_frequency_days; %s declares none", [lib.postmarket_plan_path])

_svpath := lib.supported_versions_path

deny contains lib.violation(
	sprintf("%s is missing: declare the supported versions (version, released, support_end, sbom)", [_svpath]),
	_svpath, 0,
) if {
	not lib.supported_versions_doc
}

deny contains lib.violation(sprintf("%s: %s", [_svpath, problem]), _svpath, 0) if {
	problem := lib.front_matter_problem(lib.supported_versions_doc)
}

deny contains lib.violation(sprintf("%s: versions must be a non-empty list of {version, released, support_end, sbom}", [_svpath]), _svpath, 0) if {
	lib.supported_versions_doc
	not lib.front_matter_problem(lib.supported_versions_doc)
	count(lib.supported_versions) == 0
}

deny contains lib.violation(sprintf("%s: versions[%d] has no version", [_svpath, v._index]), _svpath, 0) if {
	some v in lib.supported_versions
	not lib.non_empty_string(sprintf("%v", [object.get(v, "version", "")]))
}

deny contains lib.violation(
	sprintf("%s: versions[%d] (%v) has support_end %s: expected a date (YYYY-MM-DD)", [_svpath, v._index, object.get(v, "version", "?"), json.marshal(object.get(v, "support_end", null))]),
	_svpath, 0,
) if {
	some v in lib.supported_versions
	not lib.is_date(object.get(v, "support_end", null))
}

_version(v) := lib.strip_v(sprintf("%v", [object.get(v, "version", "")]))

# _scans are the surveilled entries of a version (a leading v ignored).
_scans(version) := [sv | some sv in _surv.versions; lib.strip_v(sv.version) == version]

deny contains lib.violation(
	sprintf("supported version %v (support ends %s) is not in the surveillance result %s: add it to the surveillance run", [v.version, substring(v.support_end, 0, 10), _surv.path]),
	_surv.path, 0,
) if {
	some v in lib.supported_versions
	lib.in_support(v)
	count(_scans(_version(v))) == 0
}

deny contains lib.violation(
	sprintf("version %v was last scanned %s, %d days ago; scans are due every %v days (%s)", [v.version, last.scanned_at, age, _frequency, _source]),
	_surv.path, 0,
) if {
	some v in lib.supported_versions
	lib.in_support(v)
	scans := [sv | some sv in _scans(_version(v)); lib.is_date(sv.scanned_at)]
	count(scans) > 0
	newest := max([lib.parse_date_ns(sv.scanned_at) | some sv in scans])
	last := [sv | some sv in scans; lib.parse_date_ns(sv.scanned_at) == newest][0]
	age := lib.days_since(last.scanned_at)
	age > _frequency
}

deny contains lib.violation(
	sprintf("version %s has scanned_at %s: expected an RFC 3339 time not in the future", [sv.version, json.marshal(object.get(sv, "scanned_at", null))]),
	_surv.path, 0,
) if {
	some sv in _surv.versions
	not _past(object.get(sv, "scanned_at", null))
}

_past(t) if {
	lib.is_date(t)
	lib.days_since(t) >= 0
}

deny contains lib.violation(
	sprintf("%s lists no vulnerability feed with records: the run matched against nothing", [_surv.path]),
	_surv.path, 0,
) if {
	count([f | some f in object.get(_surv, "feeds", []); f.records > 0]) == 0
}

deny contains lib.violation(
	sprintf("%s did not match against the CISA KEV catalogue (no feed named *kev*): add it, or set require_kev_feed to false", [_surv.path]),
	_surv.path, 0,
) if {
	lib.param("PMS-01", "require_kev_feed") == true
	count([f | some f in object.get(_surv, "feeds", []); contains(lower(f.name), "kev"); f.records > 0]) == 0
}
