// Package evidence defines the evidence document, mdrgate.evidence/v1: the one JSON
// document that collectors write and policies read as their input.
//
// The document is a contract. Fields are only ever added; a field's meaning never
// changes within a schema version. Every item read from a file embeds a FileRef
// (path, sha256, media_type) so that an attestation can list it and a reviewer can
// re-check it. Slices are emitted in a deterministic order and are never null in
// JSON, and scalar fields are always present (an empty string, not an absent
// key), so a policy comparing a field with "" cannot silently match nothing.
package evidence

import "time"

// Schema is the value of Document.Schema for this version of the document.
const Schema = "mdrgate.evidence/v1"

// Document is the evidence document: everything collected for one evaluation.
type Document struct {
	Schema    string     `json:"schema"`
	Generator Generator  `json:"generator"`
	Context   Context    `json:"context"`
	Product   Product    `json:"product"`
	Repo      *Repo      `json:"repo,omitempty"`
	GitHub    *GitHub    `json:"github,omitempty"`
	Build     Build      `json:"build"`
	Artefacts []Artefact `json:"artefacts"`
	// Surveillance is the result of post-market vulnerability surveillance
	// (mdrgate surveil), when read; null otherwise.
	Surveillance *Surveillance `json:"surveillance"`
	Waivers      []Waiver      `json:"waivers"`
	Inputs       []FileRef     `json:"inputs"`
	Warnings     []Warning     `json:"warnings"`
}

// Generator names the program that wrote the document.
type Generator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Context says where and when the evidence was collected.
type Context struct {
	// Event is pull_request, release or schedule.
	Event string `json:"event"`
	// Time is when collection happened (RFC 3339, UTC). It is not the evaluation time.
	Time       time.Time `json:"time"`
	Repository string    `json:"repository"`
	Ref        string    `json:"ref"`
	Commit     string    `json:"commit"`
	Actor      string    `json:"actor"`
	RunURL     string    `json:"run_url"`
	// CI is true when collected inside a CI run.
	CI bool `json:"ci"`
}

// Product identifies the medical device software, from configuration.
type Product struct {
	Name          string `json:"name"`
	Version       string `json:"version"`
	Manufacturer  string `json:"manufacturer"`
	MDRClass      string `json:"mdr_class"`
	IEC62304Class string `json:"iec62304_class,omitempty"`
}

// FileRef identifies a file that evidence was read from. Path is relative to the
// repository root with forward slashes when the file lies inside it, otherwise the
// path as given by the user.
type FileRef struct {
	Path      string `json:"path"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
}

// Warning records input that was skipped because skipping was safe, with the reason.
type Warning struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Waiver is an approved, time-boxed exception for one control. It travels in the
// evidence document so that a later re-evaluation applies the same waivers.
type Waiver struct {
	Control    string `json:"control"`
	Reason     string `json:"reason"`
	ApprovedBy string `json:"approved_by"`
	// Expires is a date (YYYY-MM-DD); the waiver holds until the end of that day, UTC.
	Expires string `json:"expires"`
	RiskRef string `json:"risk_ref"`
}

// Property is a name/value pair, as in CycloneDX properties and JUnit test properties.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Hash is a digest with its algorithm, as an SBOM states it.
type Hash struct {
	Algorithm string `json:"alg"`
	Value     string `json:"value"`
}

// Repo is the evidence read from the repository's working tree and git history.
type Repo struct {
	// Git is absent when the directory is not a git repository.
	Git         *Git         `json:"git,omitempty"`
	Files       []FileEntry  `json:"files"`
	Documents   []Doc        `json:"documents"`
	Codeowners  *Codeowners  `json:"codeowners,omitempty"`
	Workflows   []Workflow   `json:"workflows"`
	Actions     []Action     `json:"actions"`
	Manifests   []Manifest   `json:"manifests"`
	Dockerfiles []Dockerfile `json:"dockerfiles"`
	UpdateTools []UpdateTool `json:"update_tools"`
}

// Git is the state of the repository's history.
type Git struct {
	Head   string `json:"head"`
	Branch string `json:"branch"`
	Tags   []Tag  `json:"tags"`
	// Commits are the newest commits reachable from HEAD, newest first, up to a limit.
	Commits []Commit `json:"commits"`
	// CommitsTruncated is true when history went further back than the limit.
	CommitsTruncated bool `json:"commits_truncated"`
	// Shallow is true for a shallow clone: history ends at the fetched depth,
	// and a path not changed within it gets the oldest fetched commit's time,
	// later than its true last change.
	Shallow bool `json:"shallow"`
	// PathTimes maps watched paths (documents and the paths controls name) to the
	// time of the last commit that touched them.
	PathTimes []PathTime `json:"path_times"`
}

// Tag is a git tag and the commit it points to.
type Tag struct {
	Name   string `json:"name"`
	Commit string `json:"commit"`
}

// Commit is one commit of the history.
type Commit struct {
	SHA       string    `json:"sha"`
	Author    string    `json:"author"`
	Committer string    `json:"committer"`
	Time      time.Time `json:"time"`
	Subject   string    `json:"subject"`
	Parents   []string  `json:"parents"`
	// Signed is true when the commit carries a signature; whether the signature
	// verifies is GitHub evidence (github.commits), not this.
	Signed bool `json:"signed"`
}

// PathTime is the time of the last commit that touched a path (a file or a folder).
type PathTime struct {
	Path   string    `json:"path"`
	Time   time.Time `json:"time"`
	Commit string    `json:"commit"`
}

// FileEntry is one file of the repository's files index.
type FileEntry struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// Heading is a markdown heading of a document.
type Heading struct {
	Level int    `json:"level"`
	Text  string `json:"text"`
	Line  int    `json:"line"`
}

// Doc is a human-authored document (markdown or YAML) with its front matter.
type Doc struct {
	FileRef
	// FrontMatter is the YAML front matter, or null when the document has none.
	FrontMatter map[string]any `json:"front_matter"`
	// FrontMatterError says why front matter could not be read, when it could not.
	FrontMatterError string    `json:"front_matter_error"`
	Headings         []Heading `json:"headings"`
	// Text is the body after the front matter, cut at a size limit.
	Text          string `json:"text"`
	TextTruncated bool   `json:"text_truncated"`
	// LastCommitTime is the time of the last commit that touched the document, when known.
	LastCommitTime *time.Time `json:"last_commit_time,omitempty"`
}

// Codeowners is a parsed CODEOWNERS file.
type Codeowners struct {
	FileRef
	Rules []CodeownersRule `json:"rules"`
}

// CodeownersRule is one line of CODEOWNERS.
type CodeownersRule struct {
	Pattern string   `json:"pattern"`
	Owners  []string `json:"owners"`
	Line    int      `json:"line"`
}

// Workflow is a parsed GitHub Actions workflow file.
type Workflow struct {
	FileRef
	Name string `json:"name"`
	// Triggers are the event names under "on", sorted.
	Triggers []string `json:"triggers"`
	// Permissions is the top-level permissions block; nil when absent.
	Permissions *Permissions `json:"permissions"`
	Jobs        []Job        `json:"jobs"`
}

// Action is a local GitHub Action of the repository (Repo.Actions): an action.yml
// or action.yaml metadata file outside test, example and vendored folders, or
// one that a local `uses: ./path` of a workflow or composite action names.
type Action struct {
	FileRef
	Name string `json:"name"`
	// Using is runs.using as written: composite, node20, docker, …
	Using string `json:"using"`
	// Image is runs.image of a docker action when it names a registry image
	// (docker://…); null for a Dockerfile in the repository, whose FROM lines are
	// in dockerfiles.
	Image *Uses `json:"image"`
	// Steps are the steps of a composite action; empty for other actions.
	Steps []Step `json:"steps"`
}

// Permissions is a workflow or job permissions block: either a shorthand
// ("read-all", "write-all", "{}") or a map of scope to access.
type Permissions struct {
	Shorthand string            `json:"shorthand"`
	Scopes    map[string]string `json:"scopes,omitempty"`
	Line      int               `json:"line"`
}

// Job is one job of a workflow.
type Job struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Line        int          `json:"line"`
	Permissions *Permissions `json:"permissions"`
	Environment string       `json:"environment"`
	// Uses is set for a reusable-workflow job.
	Uses  *Uses  `json:"uses,omitempty"`
	Steps []Step `json:"steps"`
}

// Step is one step of a job.
type Step struct {
	Name string `json:"name"`
	Line int    `json:"line"`
	Uses *Uses  `json:"uses,omitempty"`
	Run  string `json:"run"`
	// With holds the step's inputs as strings.
	With map[string]string `json:"with,omitempty"`
}

// Uses is an action or reusable-workflow reference.
type Uses struct {
	Raw string `json:"raw"`
	// Kind is "action" (owner/repo[/path]@ref), "local" (./path) or "docker" (docker://).
	Kind string `json:"kind"`
	Ref  string `json:"ref"`
	// Pinned is true when the reference is a full 40-hex commit SHA, or a docker
	// image pinned by digest, or a local path (which the checkout pins).
	Pinned bool `json:"pinned"`
	Line   int  `json:"line"`
}

// Manifest is a package manifest of one ecosystem and the lockfiles beside it.
type Manifest struct {
	Path      string   `json:"path"`
	Ecosystem string   `json:"ecosystem"`
	Lockfiles []string `json:"lockfiles"`
}

// Dockerfile is a Dockerfile (or Containerfile) with its FROM lines.
type Dockerfile struct {
	FileRef
	From []FromLine `json:"from"`
}

// FromLine is one FROM instruction.
type FromLine struct {
	Image string `json:"image"`
	Line  int    `json:"line"`
	Alias string `json:"alias"`
	// Stage is true when the image names an earlier build stage.
	Stage bool `json:"stage"`
	// Scratch is true for FROM scratch.
	Scratch bool `json:"scratch"`
	// DigestPinned is true when the image reference carries @sha256:….
	DigestPinned bool `json:"digest_pinned"`
}

// UpdateTool is a dependency update automation configuration.
type UpdateTool struct {
	FileRef
	// Tool is "dependabot" or "renovate".
	Tool string `json:"tool"`
	// Ecosystems lists the package ecosystems configured (dependabot), sorted.
	Ecosystems []string `json:"ecosystems"`
}

// GitHub is evidence read from the GitHub REST API. Each area says whether it
// could be read (Available) and, when not, why (a missing token scope, 403, 404):
// a control that needs an area names "github.<area>.available" as its evidence,
// so an unreadable area makes it not_available, never a pass.
type GitHub struct {
	// API is the API base URL the evidence was read from.
	API        string `json:"api"`
	Repository string `json:"repository"`
	// Branch is the branch whose protection was read (the pull request's base, or
	// the default branch).
	Branch                        string         `json:"branch"`
	Settings                      GHSettings     `json:"settings"`
	BranchProtection              GHProtection   `json:"branch_protection"`
	Rulesets                      GHRulesets     `json:"rulesets"`
	PullRequest                   GHPullRequest  `json:"pull_request"`
	MergedPullRequests            GHPullRequests `json:"merged_pull_requests"`
	Commits                       GHCommits      `json:"commits"`
	PrivateVulnerabilityReporting GHToggle       `json:"private_vulnerability_reporting"`
	CodeScanningAlerts            GHAlerts       `json:"code_scanning_alerts"`
	SecretScanningAlerts          GHAlerts       `json:"secret_scanning_alerts"`
	DependabotAlerts              GHAlerts       `json:"dependabot_alerts"`
	Environments                  GHEnvironments `json:"environments"`
	Organization                  GHOrganization `json:"organization"`
}

// Area says whether one area of the GitHub API could be read.
type Area struct {
	Available bool `json:"available"`
	// Reason says why the area is not available (HTTP status, missing scope).
	Reason string `json:"reason"`
}

// GHSettings are repository settings.
type GHSettings struct {
	Area
	DefaultBranch string `json:"default_branch"`
	Private       bool   `json:"private"`
	Visibility    string `json:"visibility"`
	// SecurityAndAnalysis maps a feature (advanced_security, secret_scanning,
	// secret_scanning_push_protection, dependabot_security_updates) to its status
	// ("enabled", "disabled").
	SecurityAndAnalysis map[string]string `json:"security_and_analysis"`
}

// GHProtection is classic branch protection of the branch.
type GHProtection struct {
	Area
	// Protected is false when GitHub answers that the branch is not protected.
	Protected                    bool     `json:"protected"`
	RequiredApprovingReviewCount int      `json:"required_approving_review_count"`
	RequireCodeOwnerReviews      bool     `json:"require_code_owner_reviews"`
	DismissStaleReviews          bool     `json:"dismiss_stale_reviews"`
	RequireLastPushApproval      bool     `json:"require_last_push_approval"`
	RequiredSignatures           bool     `json:"required_signatures"`
	EnforceAdmins                bool     `json:"enforce_admins"`
	AllowForcePushes             bool     `json:"allow_force_pushes"`
	AllowDeletions               bool     `json:"allow_deletions"`
	RequiredLinearHistory        bool     `json:"required_linear_history"`
	RequiredStatusChecks         []string `json:"required_status_checks"`
}

// GHRulesets are the ruleset rules that apply to the branch
// (GET /repos/{owner}/{repo}/rules/branches/{branch}).
type GHRulesets struct {
	Area
	Rules []GHRule `json:"rules"`
}

// GHRule is one active ruleset rule, e.g. type "pull_request" with parameters
// required_approving_review_count, require_code_owner_review,
// dismiss_stale_reviews_on_push, require_last_push_approval; or
// "required_signatures", "non_fast_forward", "deletion".
type GHRule struct {
	Type          string         `json:"type"`
	RulesetID     int64          `json:"ruleset_id"`
	RulesetSource string         `json:"ruleset_source"`
	Parameters    map[string]any `json:"parameters"`
}

// GHPullRequest is a pull request with its reviews.
type GHPullRequest struct {
	Area
	Number  int    `json:"number"`
	Author  string `json:"author"`
	BaseRef string `json:"base_ref"`
	HeadRef string `json:"head_ref"`
	HeadSHA string `json:"head_sha"`
	// HeadPushedAt is when the head commit was pushed (its committer time), to
	// tell approvals given after the last push.
	HeadPushedAt *time.Time `json:"head_pushed_at"`
	Merged       bool       `json:"merged"`
	MergeCommit  string     `json:"merge_commit"`
	// Files are the paths the pull request changes.
	Files   []string   `json:"files"`
	Reviews []GHReview `json:"reviews"`
}

// GHReview is one review of a pull request.
type GHReview struct {
	Author string `json:"author"`
	// State is APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED.
	State             string     `json:"state"`
	CommitID          string     `json:"commit_id"`
	SubmittedAt       *time.Time `json:"submitted_at"`
	AuthorAssociation string     `json:"author_association"`
}

// GHPullRequests are the pull requests merged in the release range.
type GHPullRequests struct {
	Area
	PullRequests []GHPullRequest `json:"pull_requests"`
}

// GHCommits are the commits of the range with GitHub's signature verification.
type GHCommits struct {
	Area
	// Range is "BASE...HEAD", or the head commit alone.
	Range     string     `json:"range"`
	Commits   []GHCommit `json:"commits"`
	Truncated bool       `json:"truncated"`
}

// GHCommit is one commit with its signature verification.
type GHCommit struct {
	SHA      string `json:"sha"`
	Author   string `json:"author"`
	Verified bool   `json:"verified"`
	// Reason is GitHub's verification reason (valid, unsigned, unknown_key, …).
	Reason string `json:"reason"`
}

// GHToggle is a feature that is on or off.
type GHToggle struct {
	Area
	Enabled bool `json:"enabled"`
}

// GHAlerts counts open alerts by severity (critical, high, medium, low, and for
// code scanning also error, warning, note).
type GHAlerts struct {
	Area
	Open       int            `json:"open"`
	BySeverity map[string]int `json:"by_severity"`
}

// GHEnvironments are the repository's deployment environments.
type GHEnvironments struct {
	Area
	Environments []GHEnvironment `json:"environments"`
}

// GHEnvironment is one deployment environment and its protection rules.
type GHEnvironment struct {
	Name              string   `json:"name"`
	RequiredReviewers []string `json:"required_reviewers"`
	WaitTimer         int      `json:"wait_timer"`
	// BranchPolicy is "protected", "custom" or "none".
	BranchPolicy    string `json:"branch_policy"`
	CanAdminsBypass bool   `json:"can_admins_bypass"`
}

// GHOrganization is the owning organisation, where the token can see it.
type GHOrganization struct {
	Area
	Login string `json:"login"`
	// TwoFactorRequirementEnabled is null when the token may not see it.
	TwoFactorRequirementEnabled *bool `json:"two_factor_requirement_enabled"`
}

// Build holds the reports produced by the build.
type Build struct {
	SBOMs           []SBOM         `json:"sboms"`
	SARIF           []SARIFReport  `json:"sarif"`
	Tests           []TestReport   `json:"tests"`
	Vulnerabilities []VulnReport   `json:"vulnerabilities"`
	VEX             []VEXDocument  `json:"vex"`
	Provenance      []Provenance   `json:"provenance"`
	Secrets         []SecretReport `json:"secrets"`
	// Hardening are binary hardening reports (checksec JSON).
	Hardening []HardeningReport `json:"hardening"`
}

// HardeningReport is a binary hardening report (checksec JSON), normalised.
type HardeningReport struct {
	FileRef
	Tool     string           `json:"tool"`
	Binaries []HardenedBinary `json:"binaries"`
}

// HardenedBinary is the hardening of one binary. A property a report does not
// state is null, not false.
type HardenedBinary struct {
	Path           string `json:"path"`
	PIE            *bool  `json:"pie"`
	RELRO          string `json:"relro"` // full, partial, none
	StackProtector *bool  `json:"stack_protector"`
	NX             *bool  `json:"nx"`
	Fortify        *bool  `json:"fortify"`
	Stripped       *bool  `json:"stripped"`
	DebugSymbols   *bool  `json:"debug_symbols"`
}

// SBOM is a software bill of materials, CycloneDX or SPDX, normalised.
type SBOM struct {
	FileRef
	// Format is "cyclonedx" or "spdx".
	Format string `json:"format"`
	// SpecVersion is the format's version, for example "1.5" or "SPDX-2.3".
	SpecVersion string `json:"spec_version"`
	// Serial is the CycloneDX serialNumber or the SPDX document namespace.
	Serial    string   `json:"serial"`
	Timestamp string   `json:"timestamp"`
	Authors   []string `json:"authors"`
	Tools     []string `json:"tools"`
	// Subject is the component the SBOM describes (CycloneDX metadata.component,
	// SPDX documentDescribes), when stated.
	Subject      *Component   `json:"subject"`
	Components   []Component  `json:"components"`
	Dependencies []Dependency `json:"dependencies"`
	// Properties are the document-level properties (CycloneDX metadata.properties).
	Properties []Property `json:"properties"`
}

// Component is one software component of an SBOM.
type Component struct {
	// Ref is the CycloneDX bom-ref or the SPDX element id.
	Ref     string `json:"ref"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Group   string `json:"group"`
	Version string `json:"version"`
	PURL    string `json:"purl"`
	// Ecosystem is the purl type (npm, maven, pypi, golang, …) when the purl parses.
	Ecosystem  string     `json:"ecosystem"`
	CPE        string     `json:"cpe"`
	Supplier   string     `json:"supplier"`
	Hashes     []Hash     `json:"hashes"`
	Licenses   []string   `json:"licenses"`
	Properties []Property `json:"properties"`
	Scope      string     `json:"scope"`
	// Direct is true when the subject depends on the component directly, false when
	// transitively, and null when the SBOM does not say.
	Direct *bool `json:"direct"`
}

// Dependency lists what one component depends on, by Ref.
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"depends_on"`
}

// SARIFReport is a SARIF 2.1.0 log, normalised to its results.
type SARIFReport struct {
	FileRef
	Version string        `json:"version"`
	Tools   []string      `json:"tools"`
	Results []SARIFResult `json:"results"`
}

// SARIFResult is one result of a SARIF run.
type SARIFResult struct {
	Tool   string `json:"tool"`
	RuleID string `json:"rule_id"`
	// Level is error, warning, note or none (defaulted from the rule as SARIF says).
	Level string `json:"level"`
	// SecuritySeverity is the rule's or result's security-severity property, when present.
	SecuritySeverity *float64      `json:"security_severity"`
	Message          string        `json:"message"`
	Path             string        `json:"path"`
	Line             int           `json:"line"`
	Suppressed       bool          `json:"suppressed"`
	Suppressions     []Suppression `json:"suppressions"`
	BaselineState    string        `json:"baseline_state"`
}

// Suppression is a SARIF suppression of a result.
type Suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

// TestReport is a JUnit XML report, normalised to its test cases.
type TestReport struct {
	FileRef
	// Dialect is surefire, pytest, go-junit-report, jest-junit or junit.
	Dialect string     `json:"dialect"`
	Cases   []TestCase `json:"cases"`
}

// TestCase is one test case.
type TestCase struct {
	Suite string `json:"suite"`
	Class string `json:"class"`
	Name  string `json:"name"`
	// Status is passed, failed, error or skipped.
	Status     string     `json:"status"`
	Message    string     `json:"message"`
	Time       float64    `json:"time"`
	Properties []Property `json:"properties"`
	// Requirements and Threats are the requirement (REQ-…, SEC-REQ-…) and threat
	// (THR-…) ids the case names in its properties, name or class, sorted.
	Requirements []string `json:"requirements"`
	Threats      []string `json:"threats"`
	File         string   `json:"file"`
	Line         int      `json:"line"`
}

// VulnReport is a vulnerability scan report, normalised to its findings.
type VulnReport struct {
	FileRef
	// Scanner is grype, trivy or osv-scanner.
	Scanner  string        `json:"scanner"`
	Findings []VulnFinding `json:"findings"`
}

// VulnFinding is one vulnerability found in one package.
type VulnFinding struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases"`
	Package Package  `json:"package"`
	// Severity is critical, high, medium, low or unknown.
	Severity      string   `json:"severity"`
	CVSSScore     *float64 `json:"cvss_score"`
	CVSSVector    string   `json:"cvss_vector"`
	FixedVersions []string `json:"fixed_versions"`
}

// Package names a package version.
type Package struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	PURL      string `json:"purl"`
	Ecosystem string `json:"ecosystem"`
}

// VEXDocument is a VEX document (OpenVEX, CycloneDX VEX or CSAF 2.0), normalised.
type VEXDocument struct {
	FileRef
	// Format is openvex, cyclonedx or csaf.
	Format     string         `json:"format"`
	Statements []VEXStatement `json:"statements"`
}

// VEXStatement says how one vulnerability affects a set of products.
type VEXStatement struct {
	Vulnerability string   `json:"vulnerability"`
	Aliases       []string `json:"aliases"`
	// Products are product identifiers, purls where the document gives them.
	Products      []string `json:"products"`
	Subcomponents []string `json:"subcomponents"`
	// Status is not_affected, affected, fixed or under_investigation (OpenVEX terms).
	Status string `json:"status"`
	// Justification is an OpenVEX justification when one maps, else empty.
	Justification string `json:"justification"`
	// SourceStatus and SourceJustification keep the document's own terms.
	SourceStatus        string `json:"source_status"`
	SourceJustification string `json:"source_justification"`
	Impact              string `json:"impact"`
	Action              string `json:"action"`
	Timestamp           string `json:"timestamp"`
	// Versions narrows Products to the versions and version ranges the document
	// names for them (CycloneDX affects[].versions[]); empty when the statement
	// covers each product as identified.
	Versions []VEXVersion `json:"versions"`
}

// VEXVersion is one version, or range of versions, of one product of a VEX statement.
type VEXVersion struct {
	// Product is the product, as in VEXStatement.Products, that the version belongs to.
	Product string `json:"product"`
	Version string `json:"version"`
	// Range is a vers range, for example "vers:generic/>=2.9|<=4.1".
	Range string `json:"range"`
	// Status is the document's own status for this version (CycloneDX affected,
	// unaffected or unknown), when it gives one.
	Status string `json:"status"`
}

// Provenance is a build provenance statement (SLSA), read from a Statement or a
// DSSE envelope. Its signature is not verified here.
type Provenance struct {
	FileRef
	PredicateType string    `json:"predicate_type"`
	Subjects      []Subject `json:"subjects"`
	BuilderID     string    `json:"builder_id"`
	BuildType     string    `json:"build_type"`
	Materials     []Subject `json:"materials"`
	// Enveloped is true when the statement came inside a DSSE envelope.
	Enveloped bool `json:"enveloped"`
}

// Subject is a named artefact with its digests.
type Subject struct {
	Name   string            `json:"name"`
	URI    string            `json:"uri"`
	Digest map[string]string `json:"digest"`
}

// SecretReport is a secret-scan report, redacted: it never holds the secret.
type SecretReport struct {
	FileRef
	// Tool is gitleaks or trufflehog.
	Tool     string          `json:"tool"`
	Findings []SecretFinding `json:"findings"`
}

// SecretFinding is one secret found, without the secret.
type SecretFinding struct {
	Rule     string `json:"rule"`
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Commit   string `json:"commit"`
	Verified bool   `json:"verified"`
}

// Surveillance is the result of one post-market surveillance run: every
// supported version's components matched against vulnerability feeds, with the
// time each finding was first seen so that SLA clocks hold across runs.
type Surveillance struct {
	FileRef
	RunAt time.Time `json:"run_at"`
	// Feeds are the databases matched against (OSV exports, the KEV catalogue).
	Feeds []Feed `json:"feeds"`
	// SLADays maps a severity (critical, high, medium, low) to the days allowed
	// from first seen to a fix or a VEX decision, from the update policy (GOV-04).
	SLADays  map[string]int      `json:"sla_days"`
	Versions []SurveilledVersion `json:"versions"`
}

// Feed is one vulnerability database used by surveillance.
type Feed struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	// Records is how many records the feed held.
	Records int `json:"records"`
}

// SurveilledVersion is one supported version of the product and what was found.
type SurveilledVersion struct {
	Version   string           `json:"version"`
	SBOM      FileRef          `json:"sbom"`
	ScannedAt time.Time        `json:"scanned_at"`
	Findings  []SurveilFinding `json:"findings"`
}

// SurveilFinding is one vulnerability affecting a component of a version.
type SurveilFinding struct {
	ID            string    `json:"id"`
	Aliases       []string  `json:"aliases"`
	Package       Package   `json:"package"`
	Severity      string    `json:"severity"`
	CVSSScore     *float64  `json:"cvss_score"`
	FixedVersions []string  `json:"fixed_versions"`
	FirstSeen     time.Time `json:"first_seen"`
	// DueDate is FirstSeen plus the SLA of the severity.
	DueDate *time.Time `json:"due_date"`
	// State is new, known, overdue or resolved.
	State string `json:"state"`
	// VEXStatus and VEXJustification are the VEX decision that applies, if any.
	VEXStatus        string `json:"vex_status"`
	VEXJustification string `json:"vex_justification"`
	// KEV is true when the vulnerability is in the known-exploited catalogue.
	KEV bool `json:"kev"`
	// ResolvedAt is when a fix or a not_affected decision was first recorded.
	ResolvedAt *time.Time `json:"resolved_at"`
}

// Artefact is a released artefact (an OCI image or a file) with the results of
// verifying its signatures and attestations.
type Artefact struct {
	// Kind is "image" or "file".
	Kind   string            `json:"kind"`
	Ref    string            `json:"ref"`
	Digest map[string]string `json:"digest"`
	// Verifications are the signature and attestation checks made on the artefact.
	Verifications []Verification `json:"verifications"`
}

// Verification is the result of one signature or attestation check.
type Verification struct {
	// Type is "signature" or "attestation".
	Type     string `json:"type"`
	Verified bool   `json:"verified"`
	Platform string `json:"platform"`
	Identity string `json:"identity"`
	Issuer   string `json:"issuer"`
	Reason   string `json:"reason"`
}
