package mdrgate.controls.scm03

_t_manifests := [
	{"path": "tools/flasher/pyproject.toml", "ecosystem": "pypi", "lockfiles": ["tools/flasher/poetry.lock"]},
	{"path": "tools/keygen/go.mod", "ecosystem": "golang", "lockfiles": ["tools/keygen/go.sum"]},
]

_t_dockerfile := {"path": "Dockerfile", "sha256": "0", "media_type": "text/x-dockerfile", "from": [
	{"image": "debian:bookworm-slim@sha256:2424c1850714a4d94666ec928e24d86de958646737b1d113f5b2207be44d37d8", "line": 1, "alias": "build", "stage": false, "scratch": false, "digest_pinned": true},
	{"image": "build", "line": 9, "stage": true, "scratch": false, "digest_pinned": false},
	{"image": "scratch", "line": 12, "stage": false, "scratch": true, "digest_pinned": false},
]}

_t_wf(run) := {"path": ".github/workflows/ci.yml", "triggers": ["push"], "permissions": null, "jobs": [{"id": "build", "line": 8, "steps": [{"line": 20, "run": run}]}]}

_t_dependabot := {"path": ".github/dependabot.yml", "sha256": "0", "media_type": "application/yaml", "tool": "dependabot", "ecosystems": ["docker", "github-actions", "gomod", "pip"]}

_t_repo := {
	"files": [],
	"documents": [],
	"manifests": _t_manifests,
	"dockerfiles": [_t_dockerfile],
	"workflows": [_t_wf("npm ci\npip install --require-hashes -r requirements.txt\ngo install golang.org/x/tools/cmd/goimports@v0.24.0\ngo build ./...")],
	"update_tools": [_t_dependabot],
}

_t_set(o, k, v) := object.union(object.remove(o, [k]), {k: v})

_t_deny(repo) := vs if {
	vs := deny with input as {"repo": repo}
}

_t_msgs(repo) := {v.msg | some v in _t_deny(repo)}

test_pass_pinned_and_covered if {
	count(_t_deny(_t_repo)) == 0
	count(warn) == 0 with input as {"repo": _t_repo}
}

test_pass_renovate_covers_every_ecosystem if {
	renovate := {"path": "renovate.json", "tool": "renovate", "ecosystems": []}
	manifests := array.concat(_t_manifests, [{"path": "web/package.json", "ecosystem": "npm", "lockfiles": ["web/package-lock.json"]}])
	count(_t_deny(_t_set(_t_set(_t_repo, "update_tools", [_t_dependabot, renovate]), "manifests", manifests))) == 0
}

test_fail_missing_lockfile if {
	manifests := [_t_manifests[0], {"path": "tools/keygen/go.mod", "ecosystem": "golang", "lockfiles": []}]
	_t_deny(_t_set(_t_repo, "manifests", manifests)) == {{"msg": "tools/keygen/go.mod (golang) has no lockfile: commit go.sum so builds install exactly what was reviewed", "path": "tools/keygen/go.mod", "line": 0}}
}

test_warn_maven_without_lock if {
	repo := _t_set(_t_set(_t_repo, "manifests", [{"path": "pom.xml", "ecosystem": "maven", "lockfiles": []}]), "update_tools", [object.union(_t_dependabot, {"ecosystems": ["docker", "github-actions", "maven"]})])
	count(_t_deny(repo)) == 0
	ws := warn with input as {"repo": repo}
	ws == {{"msg": "pom.xml (maven) has no lock mechanism: Maven has no standard lockfile; pin every dependency and plugin version and add a lock (for example the maven-lockfile plugin) or checksum verification", "path": "pom.xml", "line": 0}}
}

test_fail_unpinned_base_image if {
	df := _t_set(_t_dockerfile, "from", array.concat(_t_dockerfile.from, [{"image": "alpine:3.20", "line": 14, "stage": false, "scratch": false, "digest_pinned": false}]))
	_t_deny(_t_set(_t_repo, "dockerfiles", [df])) == {{"msg": "Dockerfile: FROM alpine:3.20 is not pinned by digest: use alpine:3.20@sha256:<digest> and let the update tool bump it", "path": "Dockerfile", "line": 14}}
}

test_fail_no_update_tool if {
	_t_deny(_t_set(_t_repo, "update_tools", [])) == {{"msg": "no dependency update tool: add .github/dependabot.yml (an entry per ecosystem) or a Renovate configuration", "path": "", "line": 0}}
}

test_fail_dependabot_misses_ecosystems if {
	db := object.union(_t_dependabot, {"ecosystems": ["gomod"]})
	_t_msgs(_t_set(_t_repo, "update_tools", [db])) == {
		".github/dependabot.yml has no entry for docker, which Dockerfile needs: add a package-ecosystem: docker entry",
		".github/dependabot.yml has no entry for github-actions, which .github/workflows/ci.yml needs: add a package-ecosystem: github-actions entry",
		".github/dependabot.yml has no entry for pypi, which tools/flasher/pyproject.toml needs: add a package-ecosystem: pip or uv entry",
	}
}

test_fail_install_commands_in_run_steps if {
	run := concat("\n", [
		"npm install",
		"cd web && npm i left-pad",
		"python3 -m pip install requests",
		"pip install --require-hashes -r req.txt && pip install black",
		"curl -fsSL https://get.example.test/install.sh | sudo bash",
		"bash <(wget -qO- https://x.test/i.sh)",
		"go install golang.org/x/vuln/cmd/govulncheck@latest",
		"go get -u github.com/foo/bar",
		"go install ./cmd/tool",
		"npm update",
		"npm ci",
	])
	_t_msgs(_t_set(_t_repo, "workflows", [_t_wf(run)])) == {
		".github/workflows/ci.yml: a run: step runs `npm install`: use npm ci so the lockfile and its hashes are enforced",
		".github/workflows/ci.yml: a run: step runs `npm i left-pad`: use npm ci so the lockfile and its hashes are enforced",
		".github/workflows/ci.yml: a run: step runs `npm update`: use npm ci so the lockfile and its hashes are enforced",
		".github/workflows/ci.yml: a run: step runs `python3 -m pip install requests` without --require-hashes: pip then installs whatever the index serves; install from a lock with hashes (pip install --require-hashes -r requirements.txt)",
		".github/workflows/ci.yml: a run: step runs `pip install black` without --require-hashes: pip then installs whatever the index serves; install from a lock with hashes (pip install --require-hashes -r requirements.txt)",
		".github/workflows/ci.yml: a run: step pipes a download into a shell (`curl -fsSL https://get.example.test/install.sh | sudo bash`): download a pinned file, check its hash, then run it",
		".github/workflows/ci.yml: a run: step pipes a download into a shell (`bash <(wget -qO- https://x.test/i.sh)`): download a pinned file, check its hash, then run it",
		".github/workflows/ci.yml: a run: step runs `go install golang.org/x/vuln/cmd/govulncheck@latest`, which does not name an exact version: use a release (…@v1.2.3) or a commit",
		".github/workflows/ci.yml: a run: step runs `go get github.com/foo/bar`, which does not name an exact version: use a release (…@v1.2.3) or a commit",
	}
	every v in _t_deny(_t_set(_t_repo, "workflows", [_t_wf(run)])) {
		v.line == 20
	}
}

test_fail_download_then_run if {
	runs := [
		"wget -O /tmp/setup.sh https://x.test/setup.sh && chmod +x /tmp/setup.sh && /tmp/setup.sh",
		"curl -sSL https://x.test/i.sh -o i.sh\nbash i.sh",
		"curl -fsSL --output=tool.sh https://x.test/t\n./tool.sh --yes",
	]
	every run in runs {
		count(_t_deny(_t_set(_t_repo, "workflows", [_t_wf(run)]))) == 1
	}
	_t_deny(_t_set(_t_repo, "workflows", [_t_wf(runs[0])])) == {{"msg": ".github/workflows/ci.yml: a run: step downloads /tmp/setup.sh and runs it: pin the download and check its hash before running it", "path": ".github/workflows/ci.yml", "line": 20}}
}

test_pass_download_without_running_it if {
	run := "curl -sSL -o report.json https://x.test/r\njq . report.json\nwget -O - https://x.test/a > a.txt"
	count(_t_deny(_t_set(_t_repo, "workflows", [_t_wf(run)]))) == 0
}

test_fail_continued_pipe_to_shell if {
	run := "curl -sSL https://x.test/setup \\\n  | sh"
	count(_t_deny(_t_set(_t_repo, "workflows", [_t_wf(run)]))) == 1
}

test_not_available_without_manifests_or_dockerfiles if {
	some entry in rego.metadata.chain()
	entry.path == ["mdrgate", "controls", "scm03"]
	"repo.manifests | repo.dockerfiles" in entry.annotations.custom.evidence
}

# Composite actions of the repository.

_t_action(steps) := {"path": ".github/actions/setup/action.yml", "sha256": "0", "media_type": "application/yaml", "name": "Setup", "using": "composite", "image": null, "steps": steps}

test_pass_composite_action_installs_from_locks if {
	a := _t_action([{"line": 9, "run": "npm ci\npip install --require-hashes -r requirements.txt"}, {"line": 12, "uses": {"raw": "./x", "kind": "local", "pinned": true, "line": 12}}])
	count(_t_deny(_t_set(_t_repo, "actions", [a]))) == 0
}

test_fail_install_commands_in_composite_action if {
	a := _t_action([
		{"line": 9, "run": "npm install"},
		{"line": 12, "run": "curl -sSL https://x.test/i.sh -o i.sh\nbash i.sh"},
	])
	_t_deny(_t_set(_t_repo, "actions", [a])) == {
		{"msg": ".github/actions/setup/action.yml: a run: step runs `npm install`: use npm ci so the lockfile and its hashes are enforced", "path": ".github/actions/setup/action.yml", "line": 9},
		{"msg": ".github/actions/setup/action.yml: a run: step downloads i.sh and runs it: pin the download and check its hash before running it", "path": ".github/actions/setup/action.yml", "line": 12},
	}
}

test_fail_dependabot_misses_github_actions_for_composite_action if {
	uses := {"line": 9, "uses": {"raw": "actions/setup-node@v4", "kind": "action", "ref": "v4", "pinned": false, "line": 9}}
	db := object.union(_t_dependabot, {"ecosystems": ["docker", "gomod", "pip"]})
	repo := _t_set(_t_set(_t_set(_t_repo, "workflows", []), "update_tools", [db]), "actions", [_t_action([uses])])
	_t_msgs(repo) == {".github/dependabot.yml has no entry for github-actions, which .github/actions/setup/action.yml needs: add a package-ecosystem: github-actions entry"}
	count(_t_deny(_t_set(repo, "actions", [_t_action([{"line": 9, "run": "make"}])]))) == 0
}
