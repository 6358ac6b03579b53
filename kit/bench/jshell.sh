#!/usr/bin/env bash
# Times ./tcplab jshell NN to its prompt (and straight out again with /exit), warm, against bare jshell on the same
# JDK, runs interleaved so that both see the same load. Usage: kit/bench/jshell.sh [LESSON] [RUNS]  (03 and 7)
# The target is a prompt in under 3 s warm on a 2-core machine; bare jshell is the floor no launcher can beat.
set -euo pipefail
cd "$(dirname "$0")/../.."
lesson="${1:-03}"
runs="${2:-7}"
jshell_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}jshell"
timer=/usr/bin/time
[ -x "$timer" ] || { echo "needs GNU time (/usr/bin/time; Debian package 'time')" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# A timing means something only if the run did its job: it reached the prompt (the lesson's menu was printed, for
# ./tcplab) and left through /exit; otherwise the script stops loudly and shows the output.
timed() { # PROOF regex, command...: prints "wall_seconds cpu_seconds" (CPU time: user + system, all processes)
  local proof="$1" output stats; shift
  stats="$(mktemp)"
  output="$(echo /exit | "$timer" -o "$stats" -f '%e %U %S %x' "$@" 2>&1)" || true
  read -r wall user sys status < <(tail -n 1 "$stats")
  rm -f "$stats"
  if [ "$status" != 0 ] || ! grep -q 'Goodbye' <<<"$output" || ! grep -Eq "$proof" <<<"$output"; then
    printf '%s\n' "$output" | tail -n 20 >&2
    echo "jshell.sh: $* exited $status or did not reach its prompt (no /$proof/ and Goodbye): its time would mean" \
      "nothing." >&2
    exit 1
  fi
  awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f %.2f\n", w, u + s }'
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
timed "Lesson $lesson's snippets" ./tcplab jshell "$lesson" >/dev/null || exit 1  # warm-up: builds, archives, page cache
timed 'Welcome to JShell' "$jshell_cmd" >/dev/null || exit 1
ours=() bare=() ours_cpu=() bare_cpu=()
for _ in $(seq "$runs"); do
  read -r wall cpu < <(timed "Lesson $lesson's snippets" ./tcplab jshell "$lesson") || exit 1
  ours+=("$wall") ours_cpu+=("$cpu")
  read -r wall cpu < <(timed 'Welcome to JShell' "$jshell_cmd") || exit 1
  bare+=("$wall") bare_cpu+=("$cpu")
done
# Wall time is what the learner waits; CPU time says the same with less noise when the machine is busy.
printf 'jshell to its prompt and out, median of %s warm runs on %s cores (load before: %s, after: %s)\n' "$runs" \
  "$(nproc)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf '  ./tcplab jshell %s   %5.2f s wall, %5.2f s CPU   (wall of each run: %s)\n' "$lesson" \
  "$(printf '%s\n' "${ours[@]}" | median)" "$(printf '%s\n' "${ours_cpu[@]}" | median)" "${ours[*]}"
printf '  bare jshell          %5.2f s wall, %5.2f s CPU   (wall of each run: %s)\n' \
  "$(printf '%s\n' "${bare[@]}" | median)" "$(printf '%s\n' "${bare_cpu[@]}" | median)" "${bare[*]}"
