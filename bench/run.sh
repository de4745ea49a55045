#!/usr/bin/env bash
# Runs the performance suite and prints every figure as a ratio to the memcpy floor and to C.
#
#   bench/run.sh                    # the full run (about 15 minutes)
#   bench/run.sh -f 1 -wi 1 -i 2 -w 200ms -r 300ms   # a quick look; any arguments go to JMH
#   BENCH_FILTER=.*Text.*panama.* bench/run.sh ...    # some benchmarks only (a JMH regular expression)
#   BASELINE_REF=<commit> bench/run.sh                # the code the baseline_* rows measure (default below)
#
# It builds the benchmarks (Maven profile `bench`: src/jmh/java, JMH 1.37, JNA; never part of the default
# build), compiles the library of BASELINE_REF into target/bench/baseline (the baseline_* rows load it in the
# same JVM, so old and new code are measured in one run), compiles bench/shm_c.c with gcc -O2 and runs it, runs
# JMH with -prof gc, then the C figures again, then three interleaved rounds of the comparisons the targets are
# about (below). It prints the table from the JSON and C outputs into target/bench/table.md. Blocks are named panama-bench-*; whatever a killed run left in /dev/shm
# under that prefix is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
trap 'rm -f /dev/shm/panama-bench-*' EXIT

# The library before the text block's control area (main at e1d184c): today's figures for the same run.
baseline_ref=${BASELINE_REF:-e1d184c}
rm -rf "$out/baseline" && mkdir -p "$out/baseline/src" "$out/baseline/classes"
git archive "$baseline_ref" src/main/java | tar -x -C "$out/baseline/src"
find "$out/baseline/src" -name '*.java' ! -name module-info.java > "$out/baseline/sources.txt"
bin/jdk22 javac --release 22 -nowarn -d "$out/baseline/classes" @"$out/baseline/sources.txt"

bin/jdk22 mvn -B -q -Pbench -DskipTests -Dmaven.javadoc.skip=true -Dinvoker.skip=true package
gcc -O2 -Wall -o "$out/shm_c" bench/shm_c.c
cp="target/classes:target/jmh-classes:$(cat target/bench.classpath)"
jmh() {
  bin/jdk22 java -Dbench.baseline="$out/baseline/classes" -cp "$cp" org.openjdk.jmh.Main "$@"
}

echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; baseline $baseline_ref" | tee "$out/load.txt"
"$out/shm_c" panama-bench | tee "$out/c.txt"
jmh -prof gc -rf json -rff "$out/jmh.json" "$@" "${BENCH_FILTER:-io.github.panamashm.bench.(Text|Cycle)Bench.*}"
# C again, after JMH, so that a change of load during the run shows as a difference between the two
"$out/shm_c" panama-bench | tee "$out/c-after.txt"

# Then the comparisons the targets are about, in turn, so that each sees the same load as what it is compared
# with: five rounds of C's ping-pong followed by Java's (the table gives the median of the five ratios), then
# three rounds of set + get of the baseline, the new code and floorString. Each JMH run is short (or as the
# arguments say); a figure measured in several runs is their mean in the table.
rounds=()
if (($#)); then short=("$@"); else short=(-f 1 -wi 2 -i 3); fi
for round in 1 2 3 4 5; do
  "$out/shm_c" panama-bench pingpong | tee "$out/c-pingpong-$round.txt"
  jmh "${short[@]}" -rf json -rff "$out/pingpong-$round.json" 'io.github.panamashm.bench.PingPongBench.*'
  rounds+=(--pingpong "$out/pingpong-$round.json" "$out/c-pingpong-$round.txt")
done
for round in 1 2 3; do
  jmh "${short[@]}" -rf json -rff "$out/setget-$round.json" \
    'io.github.panamashm.bench.TextBench.(baseline|panama|floorString)_setGet'
  rounds+=(--jmh "$out/setget-$round.json")
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"

python3 bench/table.py --jmh "$out/jmh.json" --c "$out/c.txt" --c "$out/c-after.txt" "${rounds[@]}" \
  | tee "$out/table.md"
