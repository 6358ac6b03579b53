#!/usr/bin/env bash
# Times grading a lab with ./tcplab against the plain Maven run of the same checks, warm, and prints the ratio
# and the launcher's peak memory. Usage: kit/bench/grading.sh [LAB] [RUNS]   (defaults: 02 and 5)
# It grades passing code, so that every check runs to the end: the reference as it is, and a learner's lab that
# was just saved (the reference copied over the stub, touched before each run so that it is compiled every time).
set -euo pipefail
cd "$(dirname "$0")/../.."
lab="${1:-02}"
runs="${2:-5}"
timer=/usr/bin/time
[ -x "$timer" ] || { echo "needs GNU time (/usr/bin/time; Debian package 'time')" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# A timing means something only if the run it timed did its job: every run must exit 0 and its output must match
# PROOF (the checks really ran and passed); otherwise the script stops loudly and shows the output.
measure() { # label, PROOF regex, command...: prints "label median_seconds peak_kb"
  local label="$1" proof="$2"; shift 2
  local times=() peak=0 stats output
  stats="$(mktemp)"
  "$@" >/dev/null 2>&1 || true   # warm-up: builds, caches, page cache
  for _ in $(seq "$runs"); do
    output="$("$timer" -o "$stats" -f '%e %M %x' "$@" 2>&1)" || true
    read -r seconds kb status < <(tail -n 1 "$stats")
    if [ "$status" != 0 ] || ! grep -Eq "$proof" <<<"$output"; then
      printf '%s\n' "$output" | tail -n 30 >&2
      echo "grading.sh: the $label run ($*) exited $status or did not show /$proof/: its time would mean nothing." >&2
      rm -f "$stats"
      exit 1
    fi
    times+=("$seconds")
    [ "$kb" -gt "$peak" ] && peak="$kb"
  done
  rm -f "$stats"
  printf '%s %s %s\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" "$peak"
}

./tcplab check "$lab" --reference >/dev/null   # make sure the kit is built before timing anything
passed='All [0-9]+ checks pass'
read -r _ t_kit kb_kit < <(measure tcplab "$passed" ./tcplab check "$lab" --reference) || exit 1

# The learner's case: the stub is set aside, the reference put in its place, and the stub restored on any exit.
stub="labs/src/main/java/tcplab/lab$lab"
aside="$(mktemp -d)"
cp -p "$stub"/*.java "$aside"/
trap 'cp -p "$aside"/*.java "$stub"/ && rm -rf "$aside"' EXIT
cp solutions/src/main/java/tcplab/lab"$lab"/*.java "$stub"/
read -r _ t_edit kb_edit < <(measure learner "$passed" bash -c "touch $stub/*.java && ./tcplab check $lab") || exit 1
# Maven as a maintainer would run the same checks from a fresh clone: the kit is built in the same reactor (it is
# not in the local repository), and only this lab's checks run.
read -r _ t_mvn kb_mvn < <(measure maven 'Tests run: [1-9][0-9]*, Failures: 0, Errors: 0' \
  ./mvnw -o -B -pl kit,solutions -am test "-Dtest=tcplab.lab$lab.*Checks" -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false) \
  || exit 1
printf 'lab %s, median of %s warm runs on %s cores\n' "$lab" "$runs" "$(nproc)"
printf '  ./tcplab check %s --reference   %6.2f s   peak RSS %d MB\n' "$lab" "$t_kit" $((kb_kit / 1024))
printf '  ./tcplab check %s, just saved    %6.2f s   peak RSS %d MB  (compiles the lab first)\n' "$lab" "$t_edit" \
  $((kb_edit / 1024))
printf '  ./mvnw test (lab %s, kit built)   %6.2f s   peak RSS %d MB\n' "$lab" "$t_mvn" $((kb_mvn / 1024))
awk -v a="$t_mvn" -v b="$t_kit" -v c="$t_edit" \
  'BEGIN { printf "  ratio: ./tcplab is %.1fx faster than Maven (%.1fx when it compiles a just-saved lab)\n", a / b, a / c }'
