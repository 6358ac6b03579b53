#!/usr/bin/env bash
# Times ./tcplab jshell NN to its prompt (and straight out again with /exit), warm, against bare jshell on the same
# JDK, runs interleaved so that both see the same load. Usage: kit/bench/jshell.sh [LESSON] [RUNS]  (03 and 7)
# The target is a prompt in under 3 s warm on a 2-core machine; bare jshell is the floor no launcher can beat.
set -euo pipefail
cd "$(dirname "$0")/../.."
lesson="${1:-03}"
runs="${2:-7}"
jshell_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}jshell"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# A timing means something only if the run did its job: it reached the prompt (the lesson's menu was printed, for
# ./tcplab) and left through /exit; otherwise the script stops loudly and shows the output.
timed() { # PROOF regex, command...: prints seconds
  local proof="$1" start end output; shift
  start=$(date +%s.%N)
  output="$(echo /exit | "$@" 2>&1)" || { printf '%s\n' "$output" | tail -n 20 >&2; echo "jshell.sh: $* failed" >&2; exit 1; }
  end=$(date +%s.%N)
  if ! grep -q 'Goodbye' <<<"$output" || ! grep -Eq "$proof" <<<"$output"; then
    printf '%s\n' "$output" | tail -n 20 >&2
    echo "jshell.sh: $* did not reach its prompt (no /$proof/ and Goodbye): its time would mean nothing." >&2
    exit 1
  fi
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }'
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
timed "Lesson $lesson's snippets" ./tcplab jshell "$lesson" >/dev/null   # warm-up: builds, archives, page cache
timed 'Welcome to JShell' "$jshell_cmd" >/dev/null
ours=() bare=()
for _ in $(seq "$runs"); do
  ours+=("$(timed "Lesson $lesson's snippets" ./tcplab jshell "$lesson")")
  bare+=("$(timed 'Welcome to JShell' "$jshell_cmd")")
done
t_ours="$(printf '%s\n' "${ours[@]}" | median)"
t_bare="$(printf '%s\n' "${bare[@]}" | median)"
printf 'jshell to its prompt and out, median of %s warm runs on %s cores (load before: %s, after: %s)\n' "$runs" \
  "$(nproc)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf '  ./tcplab jshell %s   %5.2f s   (runs: %s)\n' "$lesson" "$t_ours" "${ours[*]}"
printf '  bare jshell          %5.2f s   (runs: %s)\n' "$t_bare" "${bare[*]}"
