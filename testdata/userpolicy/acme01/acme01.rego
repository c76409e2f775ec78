# METADATA
# title: Firmware images declare a rollback-protection counter
# description: >-
#   The firmware image manifest (parameter path, release/firmware-images.yaml) lists
#   under images every firmware image the release ships. Each image needs a name and a
#   rollback_counter, an integer of at least min_counter, that the bootloader compares
#   before it accepts an update, so that a signed but older, vulnerable image cannot be
#   installed. Names must be unique. The manifest missing is a failure. Whether the
#   counter was raised for each security fix is for a person to judge.
# custom:
#   id: ACME-01
#   type: A
#   severity: high
#   refs:
#     iec81001: ["5.8.3", "6.3.3"]
#     mdr: ["17.2"]
#     fda: ["App1 Integrity"]
#   evidence: ["repo.documents"]
#   events: [pull_request, release]
#   remediation: >-
#     List every firmware image in release/firmware-images.yaml as {name, version,
#     rollback_counter} with rollback_counter an integer of at least min_counter, and
#     raise the counter with every release that fixes a vulnerability.
#   params:
#     path: release/firmware-images.yaml
#     min_counter: 1
package mdrgate.controls.acme01

import data.mdrgate.lib

_path := lib.param("ACME-01", "path")

_min := lib.param("ACME-01", "min_counter")

manifest := lib.doc(_path)

_images := object.get(lib.front_matter(manifest), "images", null)

deny contains lib.violation(
	sprintf("%s is missing: list the firmware images and their rollback counters there", [_path]),
	_path, 0,
) if {
	not manifest
}

deny contains lib.violation(sprintf("%s: %s", [_path, problem]), _path, 0) if {
	problem := lib.front_matter_problem(manifest)
}

deny contains lib.violation(sprintf("%s: images is not a non-empty list of firmware images", [_path]), _path, 0) if {
	manifest
	not lib.front_matter_problem(manifest)
	not lib.non_empty_array(_images)
}

deny contains lib.violation(sprintf("%s: image %d has no name", [_path, i + 1]), _path, 0) if {
	lib.non_empty_array(_images)
	some i, img in _images
	not lib.non_empty_string(object.get(img, "name", null))
}

deny contains lib.violation(
	sprintf("%s: image %s has no rollback_counter: the bootloader cannot refuse an older image", [_path, _name(img, i)]),
	_path, 0,
) if {
	lib.non_empty_array(_images)
	some i, img in _images
	not "rollback_counter" in object.keys(img)
}

deny contains lib.violation(
	sprintf("%s: image %s has rollback_counter %s: it must be an integer of at least %d (parameter min_counter)", [_path, _name(img, i), json.marshal(img.rollback_counter), _min]),
	_path, 0,
) if {
	lib.non_empty_array(_images)
	some i, img in _images
	"rollback_counter" in object.keys(img)
	not _valid_counter(img.rollback_counter)
}

deny contains lib.violation(sprintf("%s: image name %s is listed more than once", [_path, name]), _path, 0) if {
	lib.non_empty_array(_images)
	some name in {n | some img in _images; n := object.get(img, "name", "")}
	name != ""
	count([1 | some img in _images; object.get(img, "name", "") == name]) > 1
}

_valid_counter(c) if {
	is_number(c)
	c == floor(c)
	c >= _min
}

_name(img, i) := img.name if lib.non_empty_string(object.get(img, "name", null))
else := sprintf("%d", [i + 1])
