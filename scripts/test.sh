#!/usr/bin/env bash
# Runs every test of mdrgate on a fresh machine: installs what the tests need when
# it is missing, starts the services they use, checks formatting and vet, and runs
# go test ./... (Rego policy tests included).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
  echo "test.sh: go is not installed: install Go 1.26 or newer" >&2
  exit 2
fi

# System packages the tests use: git, the real registry of the release-integrity
# tests (docker-registry 2.8) and the browser that renders review's HTML report.
need=()
command -v git >/dev/null 2>&1 || need+=(git)
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "test.sh: missing packages: ${need[*]} (install them, or run as root)" >&2
    exit 2
  fi
fi

# The release-integrity end-to-end tests use a real registry (Debian's
# docker-registry 2.8) on 127.0.0.1:5000, with a temporary configuration and
# storage, stopped when this script exits. MDRGATE_TEST_REGISTRY tells the tests
# where it is.
if ! (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null; then
  regdir=$(mktemp -d)
  cat >"$regdir/config.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $regdir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
YAML
  /usr/bin/docker-registry serve "$regdir/config.yml" >"$regdir/registry.log" 2>&1 &
  regpid=$!
  trap 'kill $regpid 2>/dev/null; rm -rf "$regdir"' EXIT
  for _ in $(seq 1 50); do
    (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null && break
    sleep 0.1
  done
fi
export MDRGATE_TEST_REGISTRY=127.0.0.1:5000

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "test.sh: gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go test -count=1 -timeout 45m ./...
