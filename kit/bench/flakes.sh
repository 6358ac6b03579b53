#!/usr/bin/env bash
# Runs every lab's checks on the reference RUNS times in a row (default 20) and reports each failure. The target
# is zero: a check that fails now and then teaches a learner to distrust every check.
# Usage: kit/bench/flakes.sh [RUNS]
set -uo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-20}"
./tcplab check --all --reference >/dev/null 2>&1   # build once before counting
failures=0
start=$(date +%s)
for i in $(seq "$runs"); do
  if ! out="$(./tcplab check --all --reference 2>&1)"; then
    failures=$((failures + 1))
    echo "run $i failed:"
    printf '%s\n' "$out" | grep -E '✘|failed' | sed 's/^/    /'
  fi
done
echo "$runs runs of every check on the reference in $(( $(date +%s) - start )) s: $failures failed"
[ "$failures" -eq 0 ]
