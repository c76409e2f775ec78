## Gap assessment

6 controls of 10 need work, 4 of them gating the pull_request event; most urgent first.

### 1. REL-01: SBOM per release, complete, FDA-augmented

- status: not_available · severity critical · gating · type A
- missing: no SBOM found: looked for *.cdx.json and *.spdx.json in the build outputs
- remediation: Generate a CycloneDX or SPDX SBOM in the build and pass it with --sbom.
- clauses affected: IEC 81001-5-1 5.8.2, 6.3.1; FDA 524B(b)(3)

### 2. IMP-02: SAST on every change; findings triaged

- status: fail · severity high · gating · type A
- missing: internal/db/query.go:88: go/sql-injection (security-severity 8.8) has no suppression justification
- missing: web/app.js:7: rule `a|b` matched <script> & "quotes" second line of the message
- missing: code-scanning alert #12 (high) is open
- missing: … and 1 more (see the other reports)
- remediation: Fix the findings, or suppress each with a justification in the SARIF report.
- clauses affected: IEC 81001-5-1 5.5.2, 5.7.3; FDA V.C; NIST SSDF (SP 800-218) PW.7.2

### 3. SCM-01: Protected release branch, signed commits

- status: waived until 2025-12-31 (the gap stays open until it is fixed) · severity high · gating · type A
- missing: commit 1a2b3c4 is not signed
- remediation: Require signed commits on the release branch.
- clauses affected: IEC 81001-5-1 5.1.2, 5.8.3, 8

### 4. VER-04: Independent penetration test per major release

- status: fail · severity high · gating · type D
- missing: docs/security/pentest/2.1/summary.yaml:7: finding PT-3 (high) is open
- remediation: Close or risk-accept PT-3 and record the retest in summary.yaml.
- document to write: docs/security/pentest/VERSION/summary.yaml (`mdrgate init` writes its template)
- clauses affected: IEC 81001-5-1 5.7.4, 5.7.5

### 5. PMS-01: Continuous vulnerability monitoring of supported versions

- status: error · severity medium · does not gate · type A
- missing: policy evaluation failed: policies/custom/pms01.rego:14: undefined function days_between
- document to write: supported-versions.yaml (`mdrgate init` writes its template)
- clauses affected: IEC 81001-5-1 6.2.1

### 6. SCM-02: CI/CD pipeline hardening

- status: fail · severity medium · does not gate · type A
- missing: .github/workflows/ci.yml:12: actions/checkout@v4 is not pinned to a commit SHA
- missing: top-level permissions are not read-only
- remediation: Pin every action to a 40-hex commit SHA and set permissions: read-all.
- clauses affected: IEC 81001-5-1 5.1.2; NIST SSDF (SP 800-218) PO.3.2, PO.5.1
