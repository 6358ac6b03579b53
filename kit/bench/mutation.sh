#!/usr/bin/env bash
# Mutation testing of the checks: PIT plants small faults (mutants) in each lab's reference solution and runs that
# lab's checks against every one. A mutant no check notices is a bug a learner could hand in and see green. Each
# survivor must be killed by a new check or listed, with the reason no program could tell it apart, in
# solutions/mistakes/labNN/equivalent-mutants.txt.
# Usage: kit/bench/mutation.sh [NN ...]     (default: every lab)
# Prints per lab the counts, the score, the wall time and the HTML report, then every unexplained survivor, and last
# "mutation: K/N non-equivalent mutants killed (E declared equivalent, T in all)". Exit code 0 only when K = N.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MAVEN_ARGS="${MAVEN_ARGS:--B -ntp}"

labs=()
if [ "$#" -gt 0 ]; then
  for nn in "$@"; do
    case "$nn" in
      [0-9][0-9]) labs+=("lab$nn") ;;
      *) echo "mutation.sh: not a lab number: $nn (usage: kit/bench/mutation.sh [NN ...])" >&2; exit 2 ;;
    esac
  done
else
  for dir in solutions/src/main/java/tcplab/lab[0-9][0-9]; do labs+=("$(basename "$dir")"); done
fi

# The reference and the checks, compiled once (in the reactor, so a changed kit is used without installing it).
./mvnw -q -pl kit,solutions -am test-compile

timings=()
for lab in "${labs[@]}"; do
  src="solutions/src/main/java/tcplab/$lab"
  [ -d "$src" ] || { echo "mutation.sh: no reference for $lab ($src)" >&2; exit 2; }
  # Mutate the lab's own classes (and their nested ones), not the classes the lab gives finished. The pom takes
  # one glob (a comma inside it is no separator), so the lab's package is the glob and the given classes are
  # excluded; excludedClasses is a list, which Maven splits at commas.
  given=""
  for file in labs/src/given/java/tcplab/"$lab"/*.java; do
    [ -e "$file" ] || continue
    given="${given:+$given,}tcplab.$lab.$(basename "$file" .java)*"
  done
  start=$(date +%s)
  if ! ./mvnw -q -pl kit,solutions -am test-compile org.pitest:pitest-maven:mutationCoverage \
      -Dpit.lab="$lab" -Dpit.classes="tcplab.$lab.*" ${given:+-DexcludedClasses="$given"} \
      > "solutions/target/pit-$lab.log" 2>&1; then
    cat "solutions/target/pit-$lab.log" >&2
    echo "mutation.sh: PIT failed for $lab (log above)" >&2
    exit 1
  fi
  timings+=("$lab=$(( $(date +%s) - start ))")
done

exec java kit/bench/MutationSummary.java . "${timings[@]}"
