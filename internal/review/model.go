// Package review is what a Notified Body reviewer runs: it verifies an
// attestation made by mdrgate attest (signature and signer identity, subject
// digest against the artefact), opens its evidence archive and checks every
// file's digest against the predicate, re-evaluates the stored evidence with the
// recorded policies at the recorded time, and reports, control by control,
// whether the verdict reproduces (mdrgate.review/v1, rendered as JSON, markdown
// or one self-contained HTML file).
package review

import (
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/result"
)

// Schema is the value of Report.Schema for this version of the review.
const Schema = "mdrgate.review/v1"

// Report is the result of reviewing one or more attestations.
type Report struct {
	Schema     string             `json:"schema"`
	ReviewedAt time.Time          `json:"reviewed_at"`
	Generator  evidence.Generator `json:"generator"`
	// Verdict is pass when every attestation passed review (see Attestation.Verdict).
	Verdict      string        `json:"verdict"`
	Attestations []Attestation `json:"attestations"`
	// Ignored lists the attestations of mdrgate's type found on an image whose
	// signature verifies with no trusted key or identity while another one of
	// the image does: like cosign, which accepts an image when any of its
	// attestations verifies, review reviews the trusted ones and only lists
	// these, with the reason.
	Ignored []string `json:"ignored"`
	// Changes compare consecutive attestations of the same product, oldest first.
	Changes []Change `json:"changes"`
}

// Check is one step of the review: whether it held, and why not.
type Check struct {
	OK     bool   `json:"ok"`
	Reason string `json:"reason"`
}

// Artefact is what the attestation is about, as the reviewer found it.
type Artefact struct {
	// Kind is image, file or commit.
	Kind string `json:"kind"`
	// Name is the image reference, the file path or the repository.
	Name string `json:"name"`
	// Digest is "sha256:HEX" for images and files, "gitCommit:HEX" for commits.
	Digest string `json:"digest"`
}

// Signer is who signed the attestation, as verified.
type Signer struct {
	// Key is the public key file that verified it (key-based signing).
	Key string `json:"key"`
	// Identity and Issuer are the certificate's subject and OIDC issuer (keyless).
	Identity string `json:"identity"`
	Issuer   string `json:"issuer"`
}

// FileCheck is one evidence or policy file of the archive checked against the
// digest the predicate records.
type FileCheck struct {
	Path      string `json:"path"`
	MediaType string `json:"media_type"`
	// SHA256 is the digest the predicate records; Actual the archived file's
	// ("" when the archive lacks the file).
	SHA256   string `json:"sha256"`
	Actual   string `json:"actual"`
	Redacted bool   `json:"redacted"`
	Check
}

// ControlReview is one control: recorded in the attestation and re-evaluated.
type ControlReview struct {
	ID       string              `json:"id"`
	Title    string              `json:"title"`
	Severity string              `json:"severity"`
	Gate     bool                `json:"gate"`
	Refs     map[string][]string `json:"refs"`
	// Recorded is the outcome the attestation states; Reevaluated the outcome
	// of evaluating the archived evidence with the archived policies at the
	// recorded time ("" when re-evaluation was not possible or the control is
	// missing from one side).
	Recorded    result.Outcome `json:"recorded"`
	Reevaluated result.Outcome `json:"reevaluated"`
	// Agrees is true when both outcomes and gating agree.
	Agrees     bool               `json:"agrees"`
	Violations []result.Violation `json:"violations"`
	Reasons    []string           `json:"reasons"`
	// Evidence are the evidence files the control read, with their digests.
	Evidence []attest.File  `json:"evidence"`
	Waiver   *result.Waiver `json:"waiver"`
}

// Attestation is the review of one attestation.
type Attestation struct {
	// Source is where the attestation was read: an image reference or a bundle file.
	Source   string   `json:"source"`
	Artefact Artefact `json:"artefact"`
	Signer   Signer   `json:"signer"`
	// Signature: the attestation's signature verified against the trusted key
	// or identity.
	Signature Check `json:"signature"`
	// Subject: the statement's subject digest equals the artefact's.
	Subject Check `json:"subject"`
	// Archive: the evidence archive was found, its digest equals the one the
	// predicate records, and it holds every file the predicate lists.
	Archive       Check       `json:"archive"`
	ArchiveName   string      `json:"archive_name"`
	ArchiveSHA256 string      `json:"archive_sha256"`
	Evidence      []FileCheck `json:"evidence"`
	Policies      []FileCheck `json:"policies"`
	// PolicyDigest: the archived policies' digest equals the predicate's.
	PolicyDigest Check `json:"policy_digest"`
	// Reproduced: re-evaluation reached the recorded verdict and every
	// control's recorded outcome.
	Reproduced Check `json:"reproduced"`
	// Predicate is the attestation's predicate, as signed (nil when the
	// signature did not verify: nothing unsigned is reported as recorded).
	Predicate *attest.Predicate `json:"predicate"`
	Controls  []ControlReview   `json:"controls"`
	// Today is the archived evidence evaluated again with the reviewer's
	// built-in policies (and the archived user policies), at the recorded time
	// and parameters: what this mdrgate's controls make of the same evidence.
	// It informs and does not change the verdict (built-in policies change
	// between versions); nil when re-evaluation was not possible.
	Today *Today `json:"today"`
	// Verdict is pass when every check above held.
	Verdict string `json:"verdict"`
	// Problems say, in words, every check that failed.
	Problems []string `json:"problems"`
}

// Today is the evaluation of an attestation's evidence with today's policies.
type Today struct {
	// Generator is the reviewing mdrgate.
	Generator evidence.Generator `json:"generator"`
	// PolicyChanges are the built-in policy files that differ from the
	// archived ones (added, removed or changed), by path.
	PolicyChanges []EvidenceChange `json:"policy_changes"`
	// Verdict is the verdict with today's policies; "" when Error is set.
	Verdict string `json:"verdict"`
	// Error says why evaluating with today's policies failed.
	Error string `json:"error"`
	// Controls are the controls whose outcome today differs from the recorded one.
	Controls []ControlChange `json:"controls"`
}

// Change is what changed between two consecutive attestations.
type Change struct {
	From        string          `json:"from"`
	To          string          `json:"to"`
	FromTime    time.Time       `json:"from_time"`
	ToTime      time.Time       `json:"to_time"`
	FromVerdict string          `json:"from_verdict"`
	ToVerdict   string          `json:"to_verdict"`
	Controls    []ControlChange `json:"controls"`
	// Evidence lists evidence files added, removed or changed, by path.
	Evidence []EvidenceChange `json:"evidence"`
}

// ControlChange is a control whose outcome differs between two attestations.
type ControlChange struct {
	ID   string         `json:"id"`
	From result.Outcome `json:"from"`
	To   result.Outcome `json:"to"`
}

// EvidenceChange is an evidence file added, removed or changed.
type EvidenceChange struct {
	Path string `json:"path"`
	// Change is added, removed or changed.
	Change string `json:"change"`
}
