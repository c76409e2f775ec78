package mdrgate.controls.tst01

test_pass_with_readme if {
	count(deny) == 0 with input as {"repo": {"files": [{"path": "README.md"}]}}
}

# The harness holds the default parameters, the event and the time.
test_pass_harness_runtime if {
	data.mdrgate.runtime.params["TST-01"].name == "README.md"
	data.mdrgate.runtime.event == "pull_request"
	data.mdrgate.runtime.time_ns == 1767225600000000000
}

# This test is wrong on purpose: the catalog tests check it is reported as failing.
test_fail_wrong_on_purpose if {
	count(deny) == 0 with input as {"repo": {"files": []}}
}

test_not_available_declares_evidence if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "tst01"]
	entry.annotations.custom.evidence == ["repo.files"]
}
