#!/usr/bin/env bash
# Runs the performance suite of issue 6 and prints every figure as a ratio to the memcpy floor and to C.
#
#   bench/run.sh                    # the full run (about 10 minutes)
#   bench/run.sh -f 1 -wi 1 -i 2 -w 200ms -r 300ms   # a quick look; any arguments go to JMH
#   BENCH_FILTER=.*Text.*panama.* bench/run.sh ...    # some benchmarks only (a JMH regular expression)
#
# It builds the benchmarks (Maven profile `bench`: src/jmh/java, JMH 1.37, JNA; never part of the default
# build), compiles bench/shm_c.c with gcc -O2 and runs it, runs JMH with -prof gc, and prints the table from
# target/bench/jmh.json and target/bench/c.txt. Blocks are named panama-bench-*; whatever a killed run left in
# /dev/shm under that prefix is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
trap 'rm -f /dev/shm/panama-bench-*' EXIT

bin/jdk22 mvn -B -q -Pbench -DskipTests package
gcc -O2 -Wall -o "$out/shm_c" bench/shm_c.c

echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" | tee "$out/load.txt"
"$out/shm_c" panama-bench | tee "$out/c.txt"
bin/jdk22 java -cp "target/classes:target/jmh-classes:$(cat target/bench.classpath)" org.openjdk.jmh.Main \
  -prof gc -rf json -rff "$out/jmh.json" "$@" "${BENCH_FILTER:-io.github.panamashm.bench.*}"
# C again, after JMH, so that a change of load during the run shows as a difference between the two
"$out/shm_c" panama-bench | tee "$out/c-after.txt"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"

python3 bench/table.py "$out/jmh.json" "$out/c.txt" "$out/c-after.txt" | tee "$out/table.md"
