#!/usr/bin/env bash
# Benchmarks mdrgate on a generated large repository (20,000 files, an SBOM of
# 5,000 components, SARIF with 50,000 results, JUnit with 20,000 cases):
#  1. a whole `mdrgate check`: wall time and peak memory (targets: < 3 s, < 1 GiB);
#  2. policy evaluation side by side with `opa eval` on the same evidence document
#     and the same policies;
#  3. the Go benchmarks of collection and evaluation (go test -bench).
# Usage: scripts/bench.sh [RUNS]   (default 5 runs of each timed command)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=bench-out
mkdir -p "$out"
at=2026-12-01T00:00:00Z

echo "building mdrgate and opa…"
go build -o "$out/mdrgate" ./cmd/mdrgate
go build -o "$out/opa" github.com/open-policy-agent/opa
if [ ! -d "$out/big/.git" ]; then
  echo "generating the large repository…"
  rm -rf "$out/big"
  go run ./scripts/benchgen -o "$out/big" -runtime "$out/runtime.json" -at "$at"
fi
"$out/mdrgate" collect -o "$out/evidence.json" "$out/big"

# best and median wall seconds, median CPU seconds (user + system: steadier than
# wall time on a shared machine), and the largest peak RSS, of RUNS runs of a command
measure() {
  local label=$1; shift
  local times=() cpus=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
    read -r t u s m < <(tail -n 1 "$out/time.txt")
    times+=("$t")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  best=$(echo "$sorted" | head -1)
  median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-58s best %6.2f s  median %6.2f s  cpu %6.2f s  peak %5d MiB  (load %s)\n' "$label" "$best" "$median" "$cpu" $((rss / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
}

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "evidence document: $(du -h "$out/evidence.json" | cut -f1)"
measure "mdrgate check (collect + evaluate + report)" "$out/mdrgate" check --at "$at" -o json="$out/report.json" "$out/big"
measure "mdrgate check --evidence-file (evaluate + report)" "$out/mdrgate" check --at "$at" --evidence-file "$out/evidence.json" -o json="$out/report2.json"
measure "opa eval data.mdrgate.controls (same input, policies)" "$out/opa" eval --ignore '*_test.rego' -d policies/lib -d policies/controls -d "$out/runtime.json" -i "$out/evidence.json" --format json 'data.mdrgate.controls'
echo
go test -run '^$' -bench 'Large' -benchtime 3x -benchmem ./internal/check | grep -E '^Benchmark'
