# METADATA
# title: Test control for the harness
# description: Fails when the repository has no README; used by the catalog tests.
# custom:
#   id: TST-01
#   type: A
#   severity: low
#   refs:
#     iec81001: ["5.8.2"]
#   evidence: ["repo.files"]
#   events: [release]
#   remediation: Add a README.
#   params:
#     name: README.md
package mdrgate.controls.tst01

import data.mdrgate.lib

deny contains lib.violation("README is missing", lib.param("TST-01", "name"), 0) if {
	not lib.param("TST-01", "name") in {f.path | some f in input.repo.files}
}
