// Package attest turns an evaluation into a signed attestation stored with the
// build: an in-toto Statement v1 whose predicate (PredicateType) records what was
// checked, against which policies and evidence, and with what result; an
// evidence archive holding the evidence document, every evidence file and every
// policy file by digest; and their storage beside the artefact (a cosign
// attestation and an OCI artifact in the image's registry, or a Sigstore bundle
// beside a file).
package attest

import (
	"sort"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/result"
)

// PredicateType is the in-toto predicate type of mdrgate's attestation.
const PredicateType = "https://mdrgate.dev/attestation/sdl-evaluation/v1"

// VerifierID identifies mdrgate as the verifier in the predicate and the VSA.
const VerifierID = "https://mdrgate.dev/mdrgate"

// The verification results of the predicate, as SLSA VSA's.
const (
	Passed = "PASSED"
	Failed = "FAILED"
)

// Predicate is the predicate of mdrgate's attestation. Its fields follow SLSA's
// Verification Summary Attestation (verifier, timeVerified, resourceUri, policy,
// inputAttestations, verificationResult, verifiedLevels) and add the product,
// the gating profile, the evidence, the result of every control, the signature
// verifications that were evidence, and summary counts. Every slice is sorted
// and never null, so the predicate of an evaluation is byte-for-byte stable.
type Predicate struct {
	Verifier Verifier `json:"verifier"`
	// TimeVerified is the evaluation time (--at): re-evaluation uses it.
	TimeVerified time.Time `json:"timeVerified"`
	// ResourceURI names what was evaluated: an image reference with digest, a
	// file name, or the repository at its commit.
	ResourceURI string `json:"resourceUri"`
	Policy      Policy `json:"policy"`
	// InputAttestations are the provenance statements read as evidence.
	InputAttestations []Descriptor `json:"inputAttestations"`
	// VerificationResult is PASSED when the gate's verdict passed, else FAILED.
	VerificationResult string `json:"verificationResult"`
	// VerifiedLevels name what passed: MDRGATE_SDL_GATE_<EVENT> when the verdict
	// passed, and MDRGATE_CONTROL_<ID> for every control that passed.
	VerifiedLevels []string         `json:"verifiedLevels"`
	Product        evidence.Product `json:"product"`
	// Event is the event whose gate was evaluated.
	Event   string         `json:"event"`
	Profile result.Profile `json:"profile"`
	// Repository, Ref and Commit say where the evidence was collected.
	Repository string   `json:"repository"`
	Ref        string   `json:"ref"`
	Commit     string   `json:"commit"`
	Evidence   Evidence `json:"evidence"`
	// Verdict is pass or fail.
	Verdict    string         `json:"verdict"`
	Results    []Result       `json:"results"`
	Signatures []Signature    `json:"signatures"`
	Summary    result.Summary `json:"summary"`
	Warnings   []string       `json:"warnings"`
}

// Verifier names the program that evaluated, as in a VSA.
type Verifier struct {
	ID      string            `json:"id"`
	Version map[string]string `json:"version"`
}

// Policy says which policies were evaluated with which parameters.
type Policy struct {
	// URI names the policy set: mdrgate's built-in controls at its version, plus
	// user policies when there were any.
	URI string `json:"uri"`
	// Digest is the report's policy digest: one sha256 over every policy file's
	// path and digest.
	Digest map[string]string `json:"digest"`
	// Files are the policy files, sorted by path; each is in the evidence archive.
	Files []result.Policy `json:"files"`
	// Parameters are the event, evaluation time and control settings.
	Parameters engine.Params `json:"parameters"`
}

// Descriptor is an in-toto resource descriptor: a name and its digests.
type Descriptor struct {
	URI    string            `json:"uri,omitempty"`
	Name   string            `json:"name,omitempty"`
	Digest map[string]string `json:"digest"`
}

// Evidence lists the evidence behind the results.
type Evidence struct {
	// DocumentSHA256 is the digest of the evidence document (its JSON encoding
	// as stored in the archive), equal to the report's evidence digest.
	DocumentSHA256 string `json:"documentSha256"`
	// Archive is the evidence archive: its file name and digest.
	Archive Descriptor `json:"archive"`
	// Files are every evidence file, sorted by path; Result.Evidence indexes them.
	Files []File `json:"files"`
}

// File is one evidence file in the archive.
type File struct {
	Path string `json:"path"`
	// SHA256 is the digest of the file as archived.
	SHA256    string `json:"sha256"`
	MediaType string `json:"mediaType"`
	// Redacted is true for secret-scan reports: the archive holds the report
	// with every secret replaced, SHA256 is that copy's digest and SourceSHA256
	// the original's (the one in the evidence document).
	Redacted     bool   `json:"redacted"`
	SourceSHA256 string `json:"sourceSha256"`
}

// Result is the result of one control.
type Result struct {
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Type       string              `json:"type"`
	Severity   string              `json:"severity"`
	Outcome    result.Outcome      `json:"outcome"`
	Gate       bool                `json:"gate"`
	Events     []string            `json:"events"`
	Refs       map[string][]string `json:"refs"`
	Violations []result.Violation  `json:"violations"`
	Warnings   []result.Violation  `json:"warnings"`
	Reasons    []string            `json:"reasons"`
	// Evidence are indices into Evidence.Files.
	Evidence []int          `json:"evidence"`
	Waiver   *result.Waiver `json:"waiver"`
	Source   string         `json:"source"`
}

// Signature is one signature verification that was evidence (mdrgate check
// --image / --artefact): what was verified, against which identity or key.
type Signature struct {
	Artefact string `json:"artefact"`
	Digest   string `json:"digest"`
	evidence.Verification
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
