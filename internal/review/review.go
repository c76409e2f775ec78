package review

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mdrgate/mdrgate/evidence"
	"github.com/mdrgate/mdrgate/evidence/collect"
	"github.com/mdrgate/mdrgate/evidence/source"
	"github.com/mdrgate/mdrgate/internal/attest"
	"github.com/mdrgate/mdrgate/internal/catalog"
	"github.com/mdrgate/mdrgate/internal/engine"
	"github.com/mdrgate/mdrgate/internal/result"
	"github.com/mdrgate/mdrgate/internal/verify"
)

// Target is one thing to review: an image (its attestations are read from its
// registry), or an attestation bundle with the file or commit it must be about.
type Target struct {
	Image string
	// Attestation is a Sigstore bundle file from mdrgate attest.
	Attestation string
	// Artefact is the file the bundle must be about; Commit the git commit,
	// for a commit's attestation. Exactly one goes with Attestation.
	Artefact string
	Commit   string
}

// Options say how to review.
type Options struct {
	// Verifier holds the trusted keys and identities.
	Verifier *verify.Verifier
	// Archives are evidence archive files given by the reviewer; an
	// attestation uses the one whose digest it records (for an image, the one
	// among its referrers when none is given).
	Archives []string
	// RemoteOptions are extra registry options.
	RemoteOptions []remote.Option
	Generator     evidence.Generator
	// Now is the clock for ReviewedAt; time.Now when nil.
	Now func() time.Time
	// Progress, when set, receives one line per step.
	Progress io.Writer
}

// archiveFile is an evidence archive the reviewer gave.
type archiveFile struct {
	path string
	data []byte
	sha  string
}

// Review reviews the targets. Usage problems (an unreadable bundle, artefact
// or archive, a target without what it must be compared with) are errors;
// everything a reviewer must judge is in the report, and its verdict.
func Review(ctx context.Context, targets []Target, o Options) (*Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("nothing to review: name an image, or --attestation BUNDLE with --artefact FILE or --commit SHA")
	}
	var archives []archiveFile
	for _, p := range o.Archives {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("--evidence %s: %w", p, unwrap(err))
		}
		if st.Size() > attest.MaxArchiveSize {
			return nil, fmt.Errorf("--evidence %s: larger than %d bytes", p, int64(attest.MaxArchiveSize))
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("--evidence %s: %w", p, unwrap(err))
		}
		archives = append(archives, archiveFile{p, data, attest.Digest(data)})
	}
	r := &Report{Schema: Schema, ReviewedAt: o.Now().UTC().Truncate(time.Second), Generator: o.Generator, Attestations: []Attestation{}, Ignored: []string{}, Changes: []Change{}}
	for _, t := range targets {
		atts, ignored, err := reviewTarget(ctx, t, archives, o)
		if err != nil {
			return nil, err
		}
		r.Attestations = append(r.Attestations, atts...)
		r.Ignored = append(r.Ignored, ignored...)
	}
	r.Verdict = result.VerdictPass
	for _, a := range r.Attestations {
		if a.Verdict != result.VerdictPass {
			r.Verdict = result.VerdictFail
		}
	}
	r.Changes = changes(r.Attestations)
	return r, nil
}

func unwrap(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func (o Options) progress(format string, a ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", a...)
	}
}

// found is an attestation to review with what it must be about.
type found struct {
	source   string
	artefact Artefact
	att      verify.Attestation
	image    *name.Digest
}

func reviewTarget(ctx context.Context, t Target, archives []archiveFile, o Options) ([]Attestation, []string, error) {
	var fs []found
	var ignored []string
	switch {
	case t.Image != "":
		o.progress("review: reading the attestations of %s", t.Image)
		d, _, atts, err := o.Verifier.ImageAttestations(ctx, t.Image, attest.PredicateType)
		if err != nil {
			return nil, nil, err
		}
		art := Artefact{Kind: "image", Name: t.Image, Digest: d.DigestStr()}
		if len(atts) == 0 {
			a := Attestation{Source: t.Image, Artefact: art, Controls: []ControlReview{}, Evidence: []FileCheck{}, Policies: []FileCheck{}}
			a.fail(&a.Signature, "no mdrgate attestation (predicate type %s) is attached to %s", attest.PredicateType, d)
			a.Verdict = result.VerdictFail
			return []Attestation{a}, nil, nil
		}
		trusted := 0
		for _, att := range atts {
			if att.Verification.Verified {
				trusted++
			}
		}
		for _, att := range atts {
			if trusted > 0 && !att.Verification.Verified {
				ignored = append(ignored, fmt.Sprintf("%s: %s", d, att.Verification.Reason))
				continue
			}
			dd := d
			fs = append(fs, found{source: t.Image, artefact: art, att: att, image: &dd})
		}
	case t.Attestation != "":
		att, err := o.Verifier.AttestationBundle(t.Attestation)
		if err != nil {
			return nil, nil, err
		}
		f := found{source: t.Attestation, att: att}
		switch {
		case t.Artefact != "" && t.Commit == "":
			data, err := os.ReadFile(t.Artefact)
			if err != nil {
				return nil, nil, fmt.Errorf("--artefact %s: %w", t.Artefact, unwrap(err))
			}
			f.artefact = Artefact{Kind: "file", Name: t.Artefact, Digest: "sha256:" + attest.Digest(data)}
		case t.Commit != "" && t.Artefact == "":
			f.artefact = Artefact{Kind: "commit", Name: t.Commit, Digest: "gitCommit:" + strings.ToLower(t.Commit)}
		default:
			return nil, nil, fmt.Errorf("--attestation %s: give the file it must be about (--artefact FILE) or, for a commit's attestation, --commit SHA: a subject is never taken on the attestation's word", t.Attestation)
		}
		fs = append(fs, f)
	default:
		return nil, nil, fmt.Errorf("empty review target")
	}
	var out []Attestation
	for _, f := range fs {
		out = append(out, reviewOne(ctx, f, archives, o))
	}
	return out, ignored, nil
}

// fail records a failed check and its problem.
func (a *Attestation) fail(c *Check, format string, args ...any) {
	c.OK = false
	c.Reason = fmt.Sprintf(format, args...)
	a.Problems = append(a.Problems, c.Reason)
}

func pass(c *Check, reason string) { c.OK, c.Reason = true, reason }

// statement is an in-toto statement as reviewed.
type statement struct {
	Type          string              `json:"_type"`
	Subject       []attest.Descriptor `json:"subject"`
	PredicateType string              `json:"predicateType"`
	Predicate     json.RawMessage     `json:"predicate"`
}

var predicateSchema = func() *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(attest.PredicateSchema))
	if err != nil {
		panic(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("predicate.schema.json", doc); err != nil {
		panic(err)
	}
	return c.MustCompile("predicate.schema.json")
}()

func reviewOne(ctx context.Context, f found, archives []archiveFile, o Options) (a Attestation) {
	a = Attestation{Source: f.source, Artefact: f.artefact, Controls: []ControlReview{}, Evidence: []FileCheck{}, Policies: []FileCheck{}, Problems: []string{}}
	defer func() {
		a.Verdict = result.VerdictPass
		if len(a.Problems) > 0 {
			a.Verdict = result.VerdictFail
		}
	}()
	notChecked := func(why string) {
		for _, c := range []*Check{&a.Subject, &a.Archive, &a.PolicyDigest, &a.Reproduced} {
			if c.Reason == "" {
				c.Reason = "not checked: " + why
			}
		}
	}
	o.progress("review: %s: verifying the signature", f.source)
	v := f.att.Verification
	if !v.Verified {
		a.fail(&a.Signature, "%s", v.Reason)
		notChecked("the signature did not verify")
		return a
	}
	if k, ok := strings.CutPrefix(v.Identity, "key:"); ok {
		a.Signer.Key = k
		pass(&a.Signature, "signed with the trusted key "+k)
	} else {
		a.Signer.Identity, a.Signer.Issuer = v.Identity, v.Issuer
		pass(&a.Signature, "signed by "+v.Identity+" (issuer "+v.Issuer+")")
	}

	var st statement
	if err := json.Unmarshal(f.att.Statement, &st); err != nil {
		a.fail(&a.Subject, "the signed payload is not an in-toto statement: %v", err)
		notChecked("the statement is not mdrgate's")
		return a
	}
	if st.Type != attest.StatementType || st.PredicateType != attest.PredicateType {
		hint := ""
		if st.PredicateType == attest.VSAPredicateType {
			hint = " (this is the --vsa bundle: review the *.mdrgate.sigstore.json beside it)"
		}
		a.fail(&a.Subject, "the signed payload is a statement of type %q with predicate type %q, not an in-toto Statement v1 (%s) with predicate type %s%s", st.Type, st.PredicateType, attest.StatementType, attest.PredicateType, hint)
		notChecked("the statement is not mdrgate's")
		return a
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(st.Predicate))
	if err == nil {
		err = predicateSchema.Validate(inst)
	}
	var p attest.Predicate
	if err == nil {
		err = json.Unmarshal(st.Predicate, &p)
	}
	if err != nil {
		a.fail(&a.Subject, "the predicate does not follow its schema (internal/attest/schema/predicate.schema.json): %v", err)
		notChecked("the predicate is malformed")
		return a
	}
	a.Predicate = &p

	// The subject.
	alg, want, _ := strings.Cut(f.artefact.Digest, ":")
	var names []string
	for _, s := range st.Subject {
		if want != "" && strings.EqualFold(s.Digest[alg], want) {
			pass(&a.Subject, fmt.Sprintf("the attestation's subject %s is %s %s", s.Name, f.artefact.Kind, f.artefact.Digest))
			break
		}
		for k, d := range s.Digest {
			names = append(names, s.Name+" "+k+":"+d)
		}
	}
	if !a.Subject.OK && len(names) == 0 {
		a.fail(&a.Subject, "the attestation has no subject, so it is about nothing: not about %s %s (%s)", f.artefact.Kind, f.artefact.Name, f.artefact.Digest)
	} else if !a.Subject.OK {
		sort.Strings(names)
		a.fail(&a.Subject, "the attestation is about %s, not about %s %s (%s)", strings.Join(names, ", "), f.artefact.Kind, f.artefact.Name, f.artefact.Digest)
	}

	// The evidence archive.
	recorded := p.Evidence.Archive.Digest["sha256"]
	a.ArchiveName = p.Evidence.Archive.Name
	data, from, err := findArchive(f, recorded, archives, o)
	if err != nil {
		a.fail(&a.Archive, "%v", err)
		notChecked("no evidence archive")
		return a
	}
	a.ArchiveSHA256 = attest.Digest(data)
	if a.ArchiveSHA256 == recorded {
		pass(&a.Archive, "the evidence archive "+from+" has the recorded sha256:"+recorded)
	} else {
		a.fail(&a.Archive, "the evidence archive %s has sha256:%s, the attestation records sha256:%s", from, a.ArchiveSHA256, recorded)
	}
	o.progress("review: %s: checking the evidence archive %s", f.source, from)
	c, err := attest.ReadArchive(from, data)
	if err != nil {
		a.fail(&a.Archive, "%v", err)
		notChecked("the evidence archive cannot be read")
		return a
	}
	byPath := map[string]string{}
	for _, e := range c.Index.Entries {
		byPath[e.Role+"\x00"+e.Path] = e.SHA256
	}
	check := func(role, path, mt, sha string, redacted bool) (FileCheck, []byte) {
		fc := FileCheck{Path: path, MediaType: mt, SHA256: sha, Redacted: redacted}
		blob, ok := c.Blobs[sha]
		if !ok {
			if alt, ok2 := byPath[role+"\x00"+path]; ok2 {
				blob, ok = c.Blobs[alt]
			}
		}
		if !ok {
			fc.Reason = "missing from the evidence archive"
			return fc, nil
		}
		fc.Actual = attest.Digest(blob)
		if fc.Actual != sha {
			fc.Reason = fmt.Sprintf("changed: the archived file has sha256:%s, the attestation records sha256:%s", fc.Actual, sha)
			return fc, nil
		}
		fc.OK = true
		return fc, blob
	}
	docCheck, docBlob := check(attest.RoleDocument, "evidence.json", attest.DocumentMediaType, p.Evidence.DocumentSHA256, false)
	docCheck.Path = "evidence.json (the evidence document)"
	a.Evidence = append(a.Evidence, docCheck)
	for _, ef := range p.Evidence.Files {
		fc, _ := check(attest.RoleEvidence, ef.Path, ef.MediaType, ef.SHA256, ef.Redacted)
		a.Evidence = append(a.Evidence, fc)
	}
	// The evidence document, decoded once: checked against the files, then
	// evaluated with the archived policies and with today's.
	var doc *evidence.Document
	if docBlob != nil {
		d, err := collect.DecodeDocument(&source.File{Path: "evidence.json (evidence archive)", Data: docBlob})
		if err != nil {
			a.Evidence[0].OK, a.Evidence[0].Reason = false, "not a readable evidence document: "+err.Error()
		} else {
			doc = d
			intact := map[string][]byte{}
			for i, ef := range p.Evidence.Files {
				if a.Evidence[i+1].OK {
					intact[ef.Path] = c.Blobs[ef.SHA256]
				}
			}
			consistent(&a, doc, p, func(path string) []byte { return intact[path] })
		}
	}
	var mods []engine.Module
	for _, pf := range p.Policy.Files {
		fc, blob := check(attest.RolePolicy, pf.Path, "text/x-rego", pf.SHA256, false)
		a.Policies = append(a.Policies, fc)
		if blob != nil {
			mods = append(mods, engine.Module{Path: pf.Path, Source: blob, Builtin: pf.Builtin})
		}
	}
	var bad []string
	for _, fc := range append(append([]FileCheck{}, a.Evidence...), a.Policies...) {
		if !fc.OK {
			bad = append(bad, fc.Path)
			a.Problems = append(a.Problems, fmt.Sprintf("%s: %s", fc.Path, fc.Reason))
		}
	}
	if len(bad) > 0 {
		a.Archive.OK = false
		a.Archive.Reason += fmt.Sprintf("; %d file(s) differ from the attestation: %s", len(bad), strings.Join(bad, ", "))
	}

	// The policies, then re-evaluation with them, the recorded parameters and time.
	switch d := engine.PolicyDigest(mods); {
	case len(mods) != len(p.Policy.Files):
		a.fail(&a.PolicyDigest, "the archived policies are incomplete or changed (see the policy files)")
	case d != p.Policy.Digest["sha256"]:
		a.fail(&a.PolicyDigest, "the archived policies have digest sha256:%s, the attestation records sha256:%s", d, p.Policy.Digest["sha256"])
	default:
		pass(&a.PolicyDigest, "the archived policies have the recorded digest sha256:"+d)
	}
	if doc == nil || !a.PolicyDigest.OK {
		a.fail(&a.Reproduced, "not re-evaluated: the archived evidence document or policies are missing, unreadable or changed")
		a.Controls = controls(&p, nil)
		return a
	}
	o.progress("review: %s: re-evaluating %d policies at %s", f.source, len(mods), p.Policy.Parameters.At.Format(time.RFC3339))
	rep, err := reevaluate(ctx, doc, mods, p, o)
	if err != nil {
		a.fail(&a.Reproduced, "re-evaluation failed: %v", err)
		a.Controls = controls(&p, nil)
		return a
	}
	a.Controls = controls(&p, rep)
	a.Today = today(ctx, doc, mods, p, o)
	var differ []string
	for _, cr := range a.Controls {
		if !cr.Agrees {
			d := fmt.Sprintf("%s recorded %s, re-evaluated %s", cr.ID, outcomeOrAbsent(cr.Recorded), outcomeOrAbsent(cr.Reevaluated))
			if cr.Recorded == cr.Reevaluated {
				d = fmt.Sprintf("%s %s, recorded as gating %v, re-evaluated as gating %v", cr.ID, cr.Recorded, cr.Gate, !cr.Gate)
			}
			differ = append(differ, d)
		}
	}
	differ = append(differ, inconsistencies(p, rep, f.artefact)...)
	switch {
	case rep.Verdict != p.Verdict:
		a.fail(&a.Reproduced, "the verdict does not reproduce: recorded %s, re-evaluated %s (%s)", p.Verdict, rep.Verdict, strings.Join(differ, "; "))
	case len(differ) > 0:
		a.fail(&a.Reproduced, "the verdict %s reproduces, but not every control: %s", p.Verdict, strings.Join(differ, "; "))
	default:
		pass(&a.Reproduced, fmt.Sprintf("re-evaluating the archived evidence with the archived policies at %s gives the recorded verdict %s and every control's outcome", p.Policy.Parameters.At.Format(time.RFC3339), p.Verdict))
	}
	return a
}

func outcomeOrAbsent(o result.Outcome) string {
	if o == "" {
		return "(absent)"
	}
	return string(o)
}

// findArchive picks the attestation's evidence archive: a given one with the
// recorded digest; for an image, the one among its referrers; else the only
// one given (whose digest check then fails, naming the changed files).
func findArchive(f found, sha string, archives []archiveFile, o Options) ([]byte, string, error) {
	for _, a := range archives {
		if a.sha == sha {
			return a.data, a.path, nil
		}
	}
	if f.image != nil && len(archives) == 0 {
		o.progress("review: %s: fetching the evidence archive from the registry", f.source)
		data, err := attest.FetchArchive(*f.image, sha, o.RemoteOptions...)
		if err != nil {
			return nil, "", err
		}
		return data, f.image.Context().Name() + " (referrer of " + f.image.DigestStr() + ")", nil
	}
	if len(archives) == 1 {
		return archives[0].data, archives[0].path, nil
	}
	if len(archives) == 0 {
		return nil, "", fmt.Errorf("no evidence archive: give the archive (sha256:%s) with --evidence", sha)
	}
	return nil, "", fmt.Errorf("none of the %d evidence archives given has the recorded sha256:%s", len(archives), sha)
}

// inconsistencies are the statements of the predicate that the re-evaluation
// (rep, on the archived evidence document) contradicts: what the report shows
// a reader must be what was evaluated.
func inconsistencies(p attest.Predicate, rep *result.Report, art Artefact) []string {
	var out []string
	differ := func(what string, recorded, evaluated any) {
		if !reflect.DeepEqual(recorded, evaluated) {
			out = append(out, fmt.Sprintf("the predicate's %s is %v, the evaluation's %v", what, recorded, evaluated))
		}
	}
	differ("event", p.Event, rep.Event)
	differ("timeVerified", p.TimeVerified.UTC(), rep.EvaluatedAt.UTC())
	differ("product", p.Product, rep.Product)
	profile := func(pr result.Profile) string {
		return fmt.Sprintf("%s, IEC 62304 class %q, MDR class %q, adjustments %q", pr.Event, pr.IEC62304Class, pr.MDRClass, strings.Join(pr.Adjustments, "; "))
	}
	differ("profile", profile(p.Profile), profile(rep.Profile))
	differ("summary", p.Summary, rep.Summary)
	differ("evidence document digest", p.Evidence.DocumentSHA256, rep.EvidenceSHA256)
	differ("repository", p.Repository, rep.Subject.Repository)
	differ("ref", p.Ref, rep.Subject.Ref)
	differ("commit", p.Commit, rep.Subject.Commit)
	want := attest.Failed
	if rep.Verdict == result.VerdictPass {
		want = attest.Passed
	}
	differ("verificationResult", p.VerificationResult, want)
	for _, r := range p.Results {
		for _, i := range r.Evidence {
			if i < 0 || i >= len(p.Evidence.Files) {
				out = append(out, fmt.Sprintf("%s cites evidence index %d, but the attestation lists %d evidence files", r.ID, i, len(p.Evidence.Files)))
			}
		}
	}
	if art.Kind == "commit" && !strings.EqualFold(strings.TrimPrefix(art.Digest, "gitCommit:"), rep.Subject.Commit) {
		out = append(out, fmt.Sprintf("the evidence was collected at commit %q, not at the commit under review %s", rep.Subject.Commit, strings.TrimPrefix(art.Digest, "gitCommit:")))
	}
	return out
}

// consistent checks that the evidence document and the attestation list the
// same evidence files with the same digests (the document records each file's
// digest at collection; the attestation the archived copy's and the
// original's, which are equal except for secret-scan reports, archived
// redacted), marking the file checks that disagree; and that re-reading each
// archived build report gives what the document says was read from it. The
// document's own digest is checked already; this ties it to the files.
func consistent(a *Attestation, d *evidence.Document, p attest.Predicate, blob func(path string) []byte) {
	inDoc := map[string]string{}
	for _, in := range d.Inputs {
		inDoc[in.Path] = in.SHA256
	}
	secrets := map[string]bool{}
	for _, r := range d.Build.Secrets {
		secrets[r.Path] = true
	}
	listed := map[string]bool{}
	for i := range a.Evidence[1:] {
		fc := &a.Evidence[i+1]
		ef := p.Evidence.Files[i]
		listed[ef.Path] = true
		switch sha, ok := inDoc[ef.Path]; {
		case !ok:
			fc.OK, fc.Reason = false, "the attestation lists this file, the evidence document does not name it"
		case sha != ef.SourceSHA256:
			fc.OK, fc.Reason = false, fmt.Sprintf("the evidence document records sha256:%s for this file, the attestation sha256:%s", sha, ef.SourceSHA256)
		case ef.Redacted && !secrets[ef.Path]:
			fc.OK, fc.Reason = false, "the attestation marks this file redacted, but the evidence document does not read it as a secret-scan report: only those are archived redacted"
		case !ef.Redacted && ef.SHA256 != ef.SourceSHA256:
			fc.OK, fc.Reason = false, fmt.Sprintf("the archived copy (sha256:%s) is not the file the evidence was collected from (sha256:%s), and the file is not a redacted secret-scan report", ef.SHA256, ef.SourceSHA256)
		case !ef.Redacted && secrets[ef.Path]:
			fc.OK, fc.Reason = false, "a secret-scan report archived without redaction"
		}
	}
	reread := rereadBuild(d, blob)
	for i := range a.Evidence[1:] {
		fc := &a.Evidence[i+1]
		if why, ok := reread[fc.Path]; ok && fc.OK {
			fc.OK, fc.Reason = false, why
		}
	}
	for _, in := range d.Inputs {
		if !listed[in.Path] {
			a.Evidence = append(a.Evidence, FileCheck{Path: in.Path, MediaType: in.MediaType, Check: Check{Reason: "the evidence document names this file (sha256:" + in.SHA256 + "), the attestation does not list it"}})
		}
	}
}

// reevaluate evaluates the archived evidence document with the archived
// policies, at the recorded time, with the recorded parameters.
func reevaluate(ctx context.Context, d *evidence.Document, mods []engine.Module, p attest.Predicate, o Options) (*result.Report, error) {
	eng, err := engine.New(mods)
	if err != nil {
		return nil, err
	}
	params := p.Policy.Parameters
	params.Generator = o.Generator
	return eng.Evaluate(ctx, d, params)
}

// today evaluates the archived evidence with this mdrgate's built-in policies
// and the archived user policies, with the recorded parameters and time.
func today(ctx context.Context, doc *evidence.Document, archived []engine.Module, p attest.Predicate, o Options) *Today {
	t := &Today{Generator: o.Generator, PolicyChanges: []EvidenceChange{}, Controls: []ControlChange{}}
	builtin, err := catalog.BuiltinModules()
	if err != nil {
		t.Error = err.Error()
		return t
	}
	then := map[string]string{}
	var mods []engine.Module
	for _, m := range archived {
		if m.Builtin {
			then[m.Path] = m.SHA256()
		} else {
			mods = append(mods, m)
		}
	}
	now := map[string]string{}
	for _, m := range builtin {
		if !m.IsTest() {
			now[m.Path] = m.SHA256()
			mods = append(mods, m)
		}
	}
	paths := map[string]bool{}
	for k := range then {
		paths[k] = true
	}
	for k := range now {
		paths[k] = true
	}
	for _, path := range sortedKeys(paths) {
		x, inThen := then[path]
		y, inNow := now[path]
		switch {
		case !inThen:
			t.PolicyChanges = append(t.PolicyChanges, EvidenceChange{Path: path, Change: "added"})
		case !inNow:
			t.PolicyChanges = append(t.PolicyChanges, EvidenceChange{Path: path, Change: "removed"})
		case x != y:
			t.PolicyChanges = append(t.PolicyChanges, EvidenceChange{Path: path, Change: "changed"})
		}
	}
	rep, err := reevaluate(ctx, doc, mods, p, o)
	if err != nil {
		t.Error = err.Error()
		return t
	}
	t.Verdict = rep.Verdict
	recorded := map[string]result.Outcome{}
	for _, r := range p.Results {
		recorded[r.ID] = r.Outcome
	}
	seen := map[string]bool{}
	for _, c := range rep.Controls {
		seen[c.ID] = true
		if recorded[c.ID] != c.Outcome {
			t.Controls = append(t.Controls, ControlChange{ID: c.ID, From: recorded[c.ID], To: c.Outcome})
		}
	}
	for _, r := range p.Results {
		if !seen[r.ID] {
			t.Controls = append(t.Controls, ControlChange{ID: r.ID, From: r.Outcome})
		}
	}
	sort.Slice(t.Controls, func(i, j int) bool { return t.Controls[i].ID < t.Controls[j].ID })
	return t
}

// controls pairs the recorded results with the re-evaluated ones (nil when
// re-evaluation was not possible), in the recorded order, then any control
// only re-evaluation has.
func controls(p *attest.Predicate, rep *result.Report) []ControlReview {
	re := map[string]result.Control{}
	if rep != nil {
		for _, c := range rep.Controls {
			re[c.ID] = c
		}
	}
	seen := map[string]bool{}
	var out []ControlReview
	for _, r := range p.Results {
		seen[r.ID] = true
		cr := ControlReview{ID: r.ID, Title: r.Title, Severity: r.Severity, Gate: r.Gate, Refs: r.Refs, Recorded: r.Outcome,
			Violations: r.Violations, Reasons: r.Reasons, Evidence: []attest.File{}, Waiver: r.Waiver}
		for _, i := range r.Evidence {
			if i >= 0 && i < len(p.Evidence.Files) {
				cr.Evidence = append(cr.Evidence, p.Evidence.Files[i])
			} else {
				cr.Evidence = append(cr.Evidence, attest.File{Path: fmt.Sprintf("(evidence index %d: no such file in the attestation)", i)})
			}
		}
		if c, ok := re[r.ID]; ok {
			cr.Reevaluated = c.Outcome
			cr.Agrees = c.Outcome == r.Outcome && c.Gate == r.Gate
		}
		out = append(out, cr)
	}
	if rep != nil {
		for _, c := range rep.Controls {
			if !seen[c.ID] {
				out = append(out, ControlReview{ID: c.ID, Title: c.Title, Severity: c.Severity, Gate: c.Gate, Refs: c.Refs,
					Reevaluated: c.Outcome, Violations: c.Violations, Reasons: c.Reasons, Evidence: []attest.File{}})
			}
		}
	}
	return out
}

// changes compares consecutive attestations that passed the signature and
// subject checks,
// ordered by evaluation time.
func changes(atts []Attestation) []Change {
	var ok []*Attestation
	for i := range atts {
		if atts[i].Predicate != nil && atts[i].Signature.OK && atts[i].Subject.OK {
			ok = append(ok, &atts[i])
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].Predicate.TimeVerified.Before(ok[j].Predicate.TimeVerified) })
	out := []Change{}
	for i := 1; i < len(ok); i++ {
		a, b := ok[i-1], ok[i]
		pa, pb := a.Predicate, b.Predicate
		ch := Change{From: label(a), To: label(b), FromTime: pa.TimeVerified, ToTime: pb.TimeVerified,
			FromVerdict: pa.Verdict, ToVerdict: pb.Verdict, Controls: []ControlChange{}, Evidence: []EvidenceChange{}}
		from := map[string]result.Outcome{}
		for _, r := range pa.Results {
			from[r.ID] = r.Outcome
		}
		to := map[string]result.Outcome{}
		for _, r := range pb.Results {
			to[r.ID] = r.Outcome
		}
		ids := map[string]bool{}
		for id := range from {
			ids[id] = true
		}
		for id := range to {
			ids[id] = true
		}
		for _, id := range sortedKeys(ids) {
			if from[id] != to[id] {
				ch.Controls = append(ch.Controls, ControlChange{ID: id, From: from[id], To: to[id]})
			}
		}
		fa := map[string]string{}
		for _, f := range pa.Evidence.Files {
			fa[f.Path] = f.SHA256
		}
		fb := map[string]string{}
		for _, f := range pb.Evidence.Files {
			fb[f.Path] = f.SHA256
		}
		paths := map[string]bool{}
		for p := range fa {
			paths[p] = true
		}
		for p := range fb {
			paths[p] = true
		}
		for _, p := range sortedKeys(paths) {
			x, inA := fa[p]
			y, inB := fb[p]
			switch {
			case !inA:
				ch.Evidence = append(ch.Evidence, EvidenceChange{Path: p, Change: "added"})
			case !inB:
				ch.Evidence = append(ch.Evidence, EvidenceChange{Path: p, Change: "removed"})
			case x != y:
				ch.Evidence = append(ch.Evidence, EvidenceChange{Path: p, Change: "changed"})
			}
		}
		out = append(out, ch)
	}
	return out
}

func label(a *Attestation) string {
	s := a.Artefact.Name
	if a.Predicate != nil && a.Predicate.Product.Version != "" {
		s = a.Predicate.Product.Name + " " + a.Predicate.Product.Version + " (" + s + ")"
	}
	return s
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
