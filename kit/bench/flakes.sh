#!/usr/bin/env bash
# Runs every lab's checks on the reference RUNS times in a row (default 20) and reports each failure. The target
# is zero: a check that fails now and then teaches a learner to distrust every check.
# Usage: kit/bench/flakes.sh [RUNS [NN]] [--busy]
#   RUNS     how many runs (default 20); the first number given.
#   NN       only lab NN (default: every lab); the second number given, so `flakes.sh 10 06` is 10 runs of lab 06.
#   --busy   keeps every core busy with a CPU hog for the whole run, as a learner's laptop compiling something
#            else would: timing-based checks must stay deterministic under load.
# The JDK is the one ./tcplab uses (JAVA_HOME, else java on the PATH).
set -uo pipefail
cd "$(dirname "$0")/../.."
usage() { echo "usage: kit/bench/flakes.sh [RUNS [NN]] [--busy]" >&2; exit 2; }
runs=20
busy=no
what=(--all)
numbers=0
for arg in "$@"; do
  case "$arg" in
    --busy) busy=yes ;;
    ''|*[!0-9]*) usage ;;
    *)
      numbers=$((numbers + 1))
      case "$numbers" in
        1) runs="$arg" ;;
        2) [[ "$arg" =~ ^[0-9][0-9]$ ]] || usage; what=("$arg") ;;
        *) usage ;;
      esac ;;
  esac
done
./tcplab check "${what[@]}" --reference >/dev/null 2>&1   # build once before counting

hogs=()
stop_hogs() { [ "${#hogs[@]}" -gt 0 ] && kill "${hogs[@]}" 2>/dev/null; wait 2>/dev/null; }
trap stop_hogs EXIT
if [ "$busy" = yes ]; then
  for _ in $(seq "$(nproc)"); do
    ( while :; do :; done ) &
    hogs+=("$!")
  done
fi

failures=0
start=$(date +%s)
for i in $(seq "$runs"); do
  began=$(date +%s)
  if ! out="$(./tcplab check "${what[@]}" --reference 2>&1)"; then
    failures=$((failures + 1))
    echo "run $i of $runs failed:"
    # The whole failure as a learner would see it: the line per failed check, then each message.
    printf '%s\n' "$out" | grep -v '✔' | sed 's/^/    /'
  else
    # One line per run, so that a run stopped early still says how far it got.
    echo "run $i of $runs passed in $(( $(date +%s) - began )) s"
  fi
done
java_version="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -n 1)"
load=""; [ "$busy" = yes ] && load=" with $(nproc) CPU hogs"
label="every lab's"; [ "${what[0]}" != --all ] && label="lab ${what[0]}'s"
echo "$runs runs of $label checks on the reference in $(( $(date +%s) - start )) s ($java_version$load): $failures failed"
[ "$failures" -eq 0 ]
