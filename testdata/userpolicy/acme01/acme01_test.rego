package mdrgate.controls.acme01

# _t_doc is a repository whose firmware manifest has the given front matter.
_t_doc(fm) := {"repo": {"documents": [{
	"path": "release/firmware-images.yaml",
	"front_matter": fm,
	"front_matter_error": "",
	"headings": [],
	"text": "",
}]}}

_t_good := {"images": [
	{"name": "infucore-app", "version": "2.4.0", "rollback_counter": 7},
	{"name": "infucore-boot", "version": "1.2.0", "rollback_counter": 3},
]}

_t_msgs(input_doc) := {v.msg | some v in deny with input as input_doc}

test_pass_every_image_has_a_counter if {
	_t_msgs(_t_doc(_t_good)) == set()
}

test_fail_manifest_missing if {
	_t_msgs({"repo": {"documents": []}}) == {"release/firmware-images.yaml is missing: list the firmware images and their rollback counters there"}
}

test_fail_image_without_counter if {
	fm := {"images": [{"name": "infucore-app", "version": "2.4.0"}]}
	_t_msgs(_t_doc(fm)) == {"release/firmware-images.yaml: image infucore-app has no rollback_counter: the bootloader cannot refuse an older image"}
}

test_fail_counter_below_minimum_or_not_an_integer if {
	fm := {"images": [
		{"name": "a", "rollback_counter": 0},
		{"name": "b", "rollback_counter": 1.5},
		{"name": "c", "rollback_counter": "7"},
	]}
	_t_msgs(_t_doc(fm)) == {
		"release/firmware-images.yaml: image a has rollback_counter 0: it must be an integer of at least 1 (parameter min_counter)",
		"release/firmware-images.yaml: image b has rollback_counter 1.5: it must be an integer of at least 1 (parameter min_counter)",
		"release/firmware-images.yaml: image c has rollback_counter \"7\": it must be an integer of at least 1 (parameter min_counter)",
	}
}

test_fail_min_counter_parameter_is_honoured if {
	msgs := _t_msgs(_t_doc(_t_good)) with data.mdrgate.runtime.params["ACME-01"].min_counter as 5
	msgs == {"release/firmware-images.yaml: image infucore-boot has rollback_counter 3: it must be an integer of at least 5 (parameter min_counter)"}
}

test_fail_no_images_and_duplicate_names if {
	_t_msgs(_t_doc({"images": []})) == {"release/firmware-images.yaml: images is not a non-empty list of firmware images"}
	dup := {"images": [{"name": "x", "rollback_counter": 2}, {"name": "x", "rollback_counter": 2}]}
	_t_msgs(_t_doc(dup)) == {"release/firmware-images.yaml: image name x is listed more than once"}
}

test_fail_unreadable_front_matter if {
	doc := {"repo": {"documents": [{"path": "release/firmware-images.yaml", "front_matter": null, "front_matter_error": "line 3: mapping values are not allowed here", "headings": [], "text": ""}]}}
	count(_t_msgs(doc)) == 1
}

# Without document evidence the engine makes the control not_available before it
# reads deny: the metadata must name that evidence.
test_not_available_without_document_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "acme01"]
	entry.annotations.custom.evidence == ["repo.documents"]
}
