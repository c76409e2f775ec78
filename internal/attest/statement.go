package attest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/internal/check"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/result"
)

// StatementType is the in-toto Statement v1 type.
const StatementType = "https://in-toto.io/Statement/v1"

// PayloadType is the DSSE payload type of an in-toto statement.
const PayloadType = "application/vnd.in-toto+json"

// VSAPredicateType is SLSA's Verification Summary Attestation v1.
const VSAPredicateType = "https://slsa.dev/verification_summary/v1"

// Statement is an in-toto Statement v1 with mdrgate's predicate, encoded with
// encoding/json so that the same evaluation gives the same bytes.
type Statement struct {
	Type          string       `json:"_type"`
	Subject       []Descriptor `json:"subject"`
	PredicateType string       `json:"predicateType"`
	Predicate     any          `json:"predicate"`
}

// Subject is one thing attested: an image or file digest, or a git commit.
type Subject struct {
	// Kind is image, file or commit.
	Kind string
	// Name is the image repository, the file's base name, or the repository.
	Name string
	// URI is the resource URI (image reference with digest, file path,
	// repository at commit).
	URI string
	// Algorithm and Hex are the digest ("sha256" or "gitCommit").
	Algorithm string
	Hex       string
}

// Descriptor returns the subject as an in-toto resource descriptor.
func (s Subject) Descriptor() Descriptor {
	return Descriptor{Name: s.Name, Digest: map[string]string{s.Algorithm: s.Hex}}
}

// CommitSubject is the subject when no artefact is attested: the evaluated
// commit of the repository.
func CommitSubject(doc *evidence.Document) (Subject, error) {
	c := doc.Context
	if c.Commit == "" {
		return Subject{}, fmt.Errorf("nothing to attest: no --image or --artefact, and the evidence names no git commit (is the directory a git repository?)")
	}
	repo := c.Repository
	if repo == "" {
		repo = doc.Product.Name
	}
	return Subject{Kind: "commit", Name: repo, URI: "git+" + repo + "@" + c.Commit, Algorithm: "gitCommit", Hex: c.Commit}, nil
}

// NewPredicate builds the predicate of an evaluation about the subjects, with
// the evidence archive that holds its evidence.
func NewPredicate(ev *check.Evaluation, subjects []Subject, archiveName string, a *Archive) *Predicate {
	rep := ev.Report
	doc := ev.Document
	p := &Predicate{
		Verifier:     Verifier{ID: VerifierID, Version: map[string]string{rep.Generator.Name: rep.Generator.Version}},
		TimeVerified: ev.Params.At.UTC(),
		ResourceURI:  resourceURI(doc, subjects),
		Policy: Policy{
			URI:        policyURI(rep),
			Digest:     map[string]string{"sha256": rep.PolicySHA256},
			Files:      nonNil(rep.Policies),
			Parameters: ev.Params,
		},
		InputAttestations:  []Descriptor{},
		VerificationResult: map[bool]string{true: Passed, false: Failed}[rep.Verdict == result.VerdictPass],
		VerifiedLevels:     []string{},
		Product:            rep.Product,
		Event:              rep.Event,
		Profile:            rep.Profile,
		Repository:         doc.Context.Repository,
		Ref:                doc.Context.Ref,
		Commit:             doc.Context.Commit,
		Evidence: Evidence{
			DocumentSHA256: a.DocumentSHA256,
			Archive:        Descriptor{Name: archiveName, Digest: map[string]string{"sha256": a.SHA256}},
			Files:          nonNil(a.Files),
		},
		Verdict:    rep.Verdict,
		Results:    []Result{},
		Signatures: []Signature{},
		Summary:    rep.Summary,
		Warnings:   nonNil(rep.Warnings),
	}
	if p.Policy.Parameters.Settings == nil {
		p.Policy.Parameters.Settings = map[string]engine.Setting{}
	}
	for _, prov := range doc.Build.Provenance {
		p.InputAttestations = append(p.InputAttestations, Descriptor{URI: prov.Path, Digest: map[string]string{"sha256": prov.SHA256}})
	}
	idx := map[string]int{}
	for i, f := range p.Evidence.Files {
		idx[f.Path] = i
	}
	if rep.Verdict == result.VerdictPass {
		p.VerifiedLevels = append(p.VerifiedLevels, "MDRGATE_SDL_GATE_"+strings.ToUpper(rep.Event))
	}
	for _, c := range rep.Controls {
		r := Result{
			ID: c.ID, Title: c.Title, Type: c.Type, Severity: c.Severity, Outcome: c.Outcome, Gate: c.Gate,
			Events: nonNil(c.Events), Refs: c.Refs, Violations: nonNil(c.Violations), Warnings: nonNil(c.Warnings),
			Reasons: nonNil(c.Reasons), Evidence: []int{}, Waiver: c.Waiver, Source: c.Source,
		}
		if r.Refs == nil {
			r.Refs = map[string][]string{}
		}
		for _, f := range c.Evidence {
			if i, ok := idx[f.Path]; ok {
				r.Evidence = append(r.Evidence, i)
			}
		}
		sort.Ints(r.Evidence)
		p.Results = append(p.Results, r)
		if c.Outcome == result.Pass {
			p.VerifiedLevels = append(p.VerifiedLevels, "MDRGATE_CONTROL_"+strings.ReplaceAll(c.ID, "-", "_"))
		}
	}
	for _, art := range doc.Artefacts {
		for _, v := range art.Verifications {
			p.Signatures = append(p.Signatures, Signature{Artefact: art.Ref, Digest: digestString(art.Digest), Verification: v})
		}
	}
	return p
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func digestString(d map[string]string) string {
	if h, ok := d["sha256"]; ok {
		return "sha256:" + h
	}
	if ks := sortedKeys(d); len(ks) > 0 {
		return ks[0] + ":" + d[ks[0]]
	}
	return ""
}

func resourceURI(doc *evidence.Document, subjects []Subject) string {
	if len(subjects) == 1 {
		return subjects[0].URI
	}
	if doc.Context.Repository != "" && doc.Context.Commit != "" {
		return "git+" + doc.Context.Repository + "@" + doc.Context.Commit
	}
	uris := make([]string, len(subjects))
	for i, s := range subjects {
		uris[i] = s.URI
	}
	return strings.Join(uris, " ")
}

func policyURI(rep *result.Report) string {
	uri := VerifierID + "/policies@" + rep.Generator.Version
	for _, p := range rep.Policies {
		if !p.Builtin {
			return uri + "+user"
		}
	}
	return uri
}

// NewStatement wraps a predicate about the subjects into a statement, and
// checks it against the in-toto attestation framework's own validation.
func NewStatement(subjects []Subject, predicateType string, predicate any) ([]byte, error) {
	st := Statement{Type: StatementType, PredicateType: predicateType, Predicate: predicate}
	for _, s := range subjects {
		st.Subject = append(st.Subject, s.Descriptor())
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encoding the statement: %w", err)
	}
	var pb intoto.Statement
	if err := protojson.Unmarshal(b, &pb); err != nil {
		return nil, fmt.Errorf("the statement is not an in-toto Statement v1: %w", err)
	}
	if err := pb.Validate(); err != nil {
		return nil, fmt.Errorf("the statement is not a valid in-toto Statement v1: %w", err)
	}
	return b, nil
}

// VSA is SLSA's Verification Summary Attestation v1 predicate, for tools that
// read only VSAs.
type VSA struct {
	Verifier           Verifier          `json:"verifier"`
	TimeVerified       string            `json:"timeVerified"`
	ResourceURI        string            `json:"resourceUri"`
	Policy             VSAPolicy         `json:"policy"`
	InputAttestations  []Descriptor      `json:"inputAttestations"`
	VerificationResult string            `json:"verificationResult"`
	VerifiedLevels     []string          `json:"verifiedLevels"`
	DependencyLevels   map[string]int    `json:"dependencyLevels,omitempty"`
	SlsaVersion        string            `json:"slsaVersion,omitempty"`
	Annotations        map[string]string `json:"annotations,omitempty"`
}

// VSAPolicy is the VSA's policy descriptor.
type VSAPolicy struct {
	URI    string            `json:"uri"`
	Digest map[string]string `json:"digest"`
}

// NewVSA derives the VSA from mdrgate's predicate.
func NewVSA(p *Predicate) *VSA {
	return &VSA{
		Verifier:           p.Verifier,
		TimeVerified:       p.TimeVerified.Format("2006-01-02T15:04:05Z07:00"),
		ResourceURI:        p.ResourceURI,
		Policy:             VSAPolicy{URI: p.Policy.URI, Digest: p.Policy.Digest},
		InputAttestations:  p.InputAttestations,
		VerificationResult: p.VerificationResult,
		VerifiedLevels:     p.VerifiedLevels,
		SlsaVersion:        "1.0",
	}
}
