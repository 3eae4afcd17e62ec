#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The GPU side of the barrier policy (issue 11), in one call on the GPU machine, after
# `source .gl/on-device` has set NVIDIA_ICD (shared/gpu/prepare):
#  - it_barrier_policy on NVIDIA (vendor vs Kronos bit for bit, and Kronos's barrier counters),
#    the policy on, on with every command worked out as it comes (KRONOS_BARRIER_DEFER=0
#    --no-defer), on with what is held back always logged (KRONOS_BARRIER_DEFER=1
#    --defer-log) and off (KRONOS_DISABLE=barrier --expect-passthrough);
#  - it_barrier_race at a GPU's size (64 MiB, 64 rounds): normal (vendor and Kronos right, every
#    barrier forwarded), then with KRONOS_BARRIER_DROP_ALL=1 --expect-race (passes only if
#    Kronos's result, with no barrier given to the vendor, is wrong: the test catches a missing
#    barrier), three times each, and the same in its late-write form (--late: a one-invocation
#    write that spins 10^6 steps first, and a one-invocation read of it); RACE_ROUNDS times
#    (default 3);
#  - kronos-bench's micro rows, the policy on, on without replaying recorded decisions
#    (KRONOS_BARRIER_REPLAY=0), then off (KRONOS_DISABLE=barrier --expect-passthrough=barrier),
#    alternating twice, all in this one machine session (BENCH_ROWS=0: not run).
# BUILD is a slim build folder (tools/gpu-slim-build.sh). Writes under OUT (default $OUT):
# info.txt, tests.txt, barrier-rows.txt (the barrier table and the chain-barriers /
# chain-nobarriers ratios of each run), and results.tgz (every run's bench.json, summary.md and
# log).
#   tools/gpu-barrier-bench.sh build-gpu
set -u
build=$1 out=${OUT:?OUT must name the output folder}
source "$(dirname "${BASH_SOURCE[0]}")/gpu-common.sh"
gpu_use "$build"

test_run() { gpu_run tests.txt 300 "$@"; } # label, then VARIABLE=value ... program arguments...
p=$build/tests/integration
test_run "it_barrier_policy (on)" "$p/it_barrier_policy"
test_run "it_barrier_policy (KRONOS_BARRIER_DEFER=0)" KRONOS_BARRIER_DEFER=0 \
   "$p/it_barrier_policy" --no-defer
test_run "it_barrier_policy (KRONOS_BARRIER_DEFER=1)" KRONOS_BARRIER_DEFER=1 \
   "$p/it_barrier_policy" --defer-log
test_run "it_barrier_policy (off)" KRONOS_DISABLE=barrier "$p/it_barrier_policy" \
   --expect-passthrough
race=(--size 64M --rounds 64)
late=(--late --rounds 64 --spin 1000000)
for i in $(seq "${RACE_ROUNDS:-3}"); do
  test_run "it_barrier_race $i (on)" "$p/it_barrier_race" "${race[@]}"
  test_run "it_barrier_race $i (KRONOS_BARRIER_DROP_ALL=1, --expect-race)" \
     KRONOS_BARRIER_DROP_ALL=1 "$p/it_barrier_race" "${race[@]}" --expect-race
  test_run "it_barrier_race --late $i (on)" "$p/it_barrier_race" "${late[@]}"
  test_run "it_barrier_race --late $i (KRONOS_BARRIER_DROP_ALL=1, --expect-race)" \
     KRONOS_BARRIER_DROP_ALL=1 "$p/it_barrier_race" "${late[@]}" --expect-race
done

bench() { # name, then kronos-bench arguments; KRONOS_DISABLE from the caller
  local name=$1
  shift
  "$build/benchmarks/kronos-bench" --no-plot --workload micro --out "$runs/$name" "$@" \
     > "$runs/$name.log" 2>&1
  echo "== $name (KRONOS_DISABLE=${KRONOS_DISABLE:-}" \
       "KRONOS_BARRIER_REPLAY=${KRONOS_BARRIER_REPLAY:-}; $*): exit $?" >> "$out/barrier-rows.txt"
  sed -n '/^barrier rows/,/^chain-barriers direct/p' "$runs/$name.log" >> "$out/barrier-rows.txt"
  grep -E "^(result|  (chain|graph)-)" "$runs/$name.log" >> "$out/barrier-rows.txt"
}
[ "${BENCH_ROWS:-1}" = 0 ] && exit 0
for i in 1 2; do
  KRONOS_DISABLE='' bench "on-$i"
  KRONOS_DISABLE='' KRONOS_BARRIER_REPLAY=0 bench "no-replay-$i"
  KRONOS_DISABLE=barrier bench "off-$i" --expect-passthrough=barrier
done
tar -czf "$out/results.tgz" -C "$runs" .
