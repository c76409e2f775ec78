# METADATA
# title: Dependencies pinned and update automation present
# description: >-
#   Every package manifest needs a lockfile beside it (for Maven, which has no standard
#   lockfile, a warning names the missing lock mechanism). Every Dockerfile FROM that is
#   not a build stage or scratch must be pinned by digest. A dependency update tool must
#   be configured; when it is Dependabot without Renovate, it must have an entry for each
#   ecosystem present: the manifests' ecosystems (golang→gomod, pypi→pip or uv,
#   cargo→cargo, npm→npm, maven→maven, gradle→gradle, nuget→nuget, gem→bundler,
#   composer→composer), docker when there are Dockerfiles and github-actions when there
#   are workflows or composite actions using other actions; this is stricter than
#   OpenSSF Scorecard's Dependency-Update-Tool check, which accepts any configuration, because an ecosystem without an entry gets no
#   updates. Like Scorecard's Pinned-Dependencies check, the run: steps of workflows
#   and of the repository's own composite actions (action.yml or action.yaml with
#   runs.using composite, outside test, example and vendored folders or named by a
#   local uses) must not install around lockfiles and hashes: npm install, i, add,
#   update or install-test instead of npm ci, pip install
#   without --require-hashes (stricter than Scorecard, which lets wheel-only and local
#   editable installs pass), a download piped into a shell (curl … | sh) or saved and then run in the
#   same step, or go install /
#   go get of a module without an exact version or commit (…@latest). RUN lines of
#   Dockerfiles are not in the evidence and are not checked.
# custom:
#   id: SCM-03
#   type: A
#   severity: medium
#   refs:
#     iec81001: ["4.1.5", "8"]
#     mdr: ["17.2"]
#     fda: ["V.A.4"]
#     iec62304: ["8.1.2"]
#     ssdf: ["PW.4.1", "PW.4.4"]
#   evidence: ["repo.manifests | repo.dockerfiles"]
#   events: [pull_request, release, schedule]
#   remediation: >-
#     Commit a lockfile for every manifest (go.sum, poetry.lock, package-lock.json,
#     Cargo.lock, …), pin base images by digest (FROM image:tag@sha256:…), configure
#     Dependabot (an entry per ecosystem, including docker and github-actions) or
#     Renovate, and in workflows and composite actions use npm ci, pip install
#     --require-hashes and exact versions for go install.
#   params: {}
package mdrgate.controls.scm03

import data.mdrgate.lib

_manifests := object.get(input, ["repo", "manifests"], [])

_dockerfiles := object.get(input, ["repo", "dockerfiles"], [])

_workflows := object.get(input, ["repo", "workflows"], [])

_update_tools := object.get(input, ["repo", "update_tools"], [])

_actions := object.get(input, ["repo", "actions"], [])

# _steps are the steps of the workflows' jobs and of the composite actions, with the
# path of the file they are in.
_steps contains [wf.path, step] if {
	some wf in _workflows
	some job in wf.jobs
	some step in job.steps
}

_steps contains [a.path, step] if {
	some a in _actions
	some step in a.steps
}

# Lockfiles.

_lockfile_names := {
	"npm": "package-lock.json, npm-shrinkwrap.json, yarn.lock or pnpm-lock.yaml",
	"pypi": "poetry.lock, Pipfile.lock, uv.lock, pdm.lock or a requirements file with hashes",
	"golang": "go.sum",
	"cargo": "Cargo.lock",
	"gradle": "gradle.lockfile (Gradle dependency locking) or gradle/verification-metadata.xml",
	"nuget": "packages.lock.json (RestorePackagesWithLockFile)",
	"gem": "Gemfile.lock",
	"composer": "composer.lock",
	"hex": "mix.lock",
	"pub": "pubspec.lock",
	"swift": "Package.resolved",
}

_expected_lockfile(eco) := _lockfile_names[eco] if _lockfile_names[eco]

else := "a lockfile"

deny contains lib.violation(
	sprintf("%s (%s) has no lockfile: commit %s so builds install exactly what was reviewed", [m.path, m.ecosystem, _expected_lockfile(m.ecosystem)]),
	m.path, 0,
) if {
	some m in _manifests
	m.ecosystem != "maven"
	count(object.get(m, "lockfiles", [])) == 0
}

warn contains lib.violation(
	sprintf("%s (maven) has no lock mechanism: Maven has no standard lockfile; pin every dependency and plugin version and add a lock (for example the maven-lockfile plugin) or checksum verification", [m.path]),
	m.path, 0,
) if {
	some m in _manifests
	m.ecosystem == "maven"
	count(object.get(m, "lockfiles", [])) == 0
}

# Base images.

deny contains lib.violation(
	sprintf("%s: FROM %s is not pinned by digest: use %s@sha256:<digest> and let the update tool bump it", [df.path, fl.image, fl.image]),
	df.path, fl.line,
) if {
	some df in _dockerfiles
	some fl in df.from
	not fl.stage
	not fl.scratch
	not fl.digest_pinned
}

# Update tools.

deny contains lib.violation(
	"no dependency update tool: add .github/dependabot.yml (an entry per ecosystem) or a Renovate configuration",
	"", 0,
) if {
	count(_update_tools) == 0
}

_dependabot_ecosystem := {
	"golang": {"gomod"},
	"pypi": {"pip", "uv"},
	"cargo": {"cargo"},
	"npm": {"npm", "bun"},
	"maven": {"maven"},
	"gradle": {"gradle"},
	"nuget": {"nuget"},
	"gem": {"bundler"},
	"composer": {"composer"},
	"hex": {"mix"},
	"pub": {"pub"},
	"swift": {"swift"},
	"docker": {"docker"},
	"github-actions": {"github-actions"},
}

_accepted(eco) := _dependabot_ecosystem[eco] if _dependabot_ecosystem[eco]

else := {eco}

# _needed maps an ecosystem to what in the repository needs it.
_needed[eco] contains m.path if {
	some m in _manifests
	eco := m.ecosystem
}

_needed.docker contains df.path if {
	some df in _dockerfiles
}

_needed["github-actions"] contains wf.path if {
	some wf in _workflows
}

_needed["github-actions"] contains a.path if {
	some a in _actions
	some step in a.steps
	object.get(step, ["uses", "kind"], "") == "action"
}

_dependabots := [t | some t in _update_tools; t.tool == "dependabot"]

_configured := {e | some t in _dependabots; some e in t.ecosystems}

_renovate if {
	some t in _update_tools
	t.tool == "renovate"
}

deny contains lib.violation(
	sprintf("%s has no entry for %s, which %s needs: add a package-ecosystem: %s entry", [
		_dependabots[0].path, eco, concat(", ", sort(sources)),
		concat(" or ", sort(_accepted(eco))),
	]),
	_dependabots[0].path, 0,
) if {
	count(_dependabots) > 0
	not _renovate
	some eco, sources in _needed
	count(_accepted(eco) & _configured) == 0
}

# Installs in run: steps of workflows and composite actions.

_run_lines contains [p, step.line, line] if {
	some [p, step] in _steps
	run := object.get(step, "run", "")
	some line in split(replace(run, "\\\n", " "), "\n")
}

_segments(line) := regex.split(`\s*(&&|\|\||;)\s*`, line)

_npm_install_re := `(^|[\s(])npm\s+(install|i|add|isntall|install-test|update)(\s|$)`

_pip_install_re := `(^|[\s(])(pip[0-9.]*|python[0-9.]*\s+-m\s+pip)\s+install(\s|$)`

_pipe_to_shell_re := `(curl|wget)\s[^|]*\|\s*(sudo\s+(-\S+\s+)*)?(\S*/)?(ba|z|da|k)?sh(\s|$)`

_subst_to_shell_re := `(ba|z|da|k)?sh\s+(-c\s+["']?\$\(|<\()\s*(curl|wget)\s`

deny contains lib.violation(
	sprintf("%s: a run: step runs `%s`: use npm ci so the lockfile and its hashes are enforced", [p, trim_space(seg)]),
	p, line,
) if {
	some [p, line, text] in _run_lines
	some seg in _segments(text)
	regex.match(_npm_install_re, seg)
}

deny contains lib.violation(
	sprintf("%s: a run: step runs `%s` without --require-hashes: pip then installs whatever the index serves; install from a lock with hashes (pip install --require-hashes -r requirements.txt)", [p, trim_space(seg)]),
	p, line,
) if {
	some [p, line, text] in _run_lines
	some seg in _segments(text)
	regex.match(_pip_install_re, seg)
	not contains(seg, "--require-hashes")
}

deny contains lib.violation(
	sprintf("%s: a run: step pipes a download into a shell (`%s`): download a pinned file, check its hash, then run it", [p, trim_space(text)]),
	p, line,
) if {
	some [p, line, text] in _run_lines
	_pipe_to_shell(text)
}

_pipe_to_shell(text) if regex.match(_pipe_to_shell_re, text)

# Download then run: a file fetched by curl or wget in a step and executed later in it.

_run_steps contains [p, step.line, run] if {
	some [p, step] in _steps
	run := object.get(step, "run", "")
	run != ""
}

_output_flags := {"-o", "--output", "-O", "--output-document"}

_download_targets(run) := {f |
	some line in split(replace(run, "\\\n", " "), "\n")
	some seg in _segments(line)
	regex.match(`(^|[\s(])(curl|wget)\s`, seg)
	toks := [t | some t in split(seg, " "); t != ""]
	some f in _output_args(toks)
	f != "-"
	f != ""
}

_output_args(toks) := {trim(toks[i + 1], "\"'") |
	some i, t in toks
	t in _output_flags
	i + 1 < count(toks)
} | {trim(substring(t, indexof(t, "=") + 1, -1), "\"'") |
	some t in toks
	regex.match(`^--(output|output-document)=`, t)
}

_interpreters := {"sh", "bash", "zsh", "dash", "ksh", "source", ".", "python", "python3", "perl", "ruby", "node", "pwsh"}

_same_file(a, b) if a == b

_same_file(a, b) if a == concat("", ["./", b])

_same_file(a, b) if concat("", ["./", a]) == b

# _commands are the commands of a run: script, each as its words, sudo dropped.
_commands(run) := [_drop_sudo(words) |
	some line in split(replace(run, "\\\n", " "), "\n")
	some seg in regex.split(`\s*(&&|\|\||;|\|)\s*`, line)
	words := [w | some w in regex.split(`\s+`, trim_space(seg)); w != ""]
	count(words) > 0
]

_drop_sudo(words) := array.slice(words, 1, count(words)) if words[0] == "sudo"

else := words

_runs_file(run, f) if {
	some words in _commands(run)
	count(words) > 1
	words[0] in _interpreters
	_same_file(words[1], f)
}

_runs_file(run, f) if {
	some words in _commands(run)
	count(words) > 0
	contains(words[0], "/")
	_same_file(words[0], f)
}

deny contains lib.violation(
	sprintf("%s: a run: step downloads %s and runs it: pin the download and check its hash before running it", [p, f]),
	p, line,
) if {
	some [p, line, run] in _run_steps
	some f in _download_targets(run)
	_runs_file(run, f)
}

_pipe_to_shell(text) if regex.match(_subst_to_shell_re, text)

_go_semver_re := `^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`

# _go_unpinned is true for a module path argument of go install / go get that names no
# exact version or commit.
_go_unpinned(arg) if {
	regex.match(`\w+\.\w+/\w+`, arg)
	not contains(arg, "@")
}

_go_unpinned(arg) if {
	regex.match(`\w+\.\w+/\w+`, arg)
	parts := split(arg, "@")
	count(parts) == 2
	version := parts[1]
	version != "none"
	not regex.match(_go_semver_re, version)
	not regex.match(`^[A-Fa-f0-9]{40,}$`, version)
}

deny contains lib.violation(
	sprintf("%s: a run: step runs `go %s %s`, which does not name an exact version: use a release (…@v1.2.3) or a commit", [p, m[2], arg]),
	p, line,
) if {
	some [p, line, text] in _run_lines
	some seg in _segments(text)
	some m in regex.find_all_string_submatch_n(`(^|[\s(])go\s+(install|get)\s+(.*)$`, seg, -1)
	some arg in split(m[3], " ")
	not startswith(arg, "-")
	_go_unpinned(arg)
}
