#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The GPU side of persistent descriptors (issue 10), in one call on the GPU machine, after
# `source .gl/on-device` has set NVIDIA_ICD (shared/gpu/prepare):
#  - the descriptor integration tests of BUILD on NVIDIA (vendor vs Kronos, bit for bit):
#    it_descriptors with persistent descriptors on and off, the review's regressions, the fuzz
#    (cache of 4096 and of 1 set, and passthrough), holds with a cache of one, six threads;
#  - the descriptor rows with the validation layers (--validation, --sync-validation) where the
#    machine has them (or the slim build carries them);
#  - kronos-bench, every row: everything on and persistent descriptors off
#    (KRONOS_DISABLE=descriptor) alternating twice, then the barrier policy off twice
#    (KRONOS_DISABLE=barrier: issue 11's "every other row" comparison), then once without
#    replaying recorded barrier decisions (KRONOS_BARRIER_REPLAY=0), all in this one machine
#    session.
# BUILD is a slim build folder (tools/gpu-slim-build.sh). Writes under OUT (default $OUT):
# info.txt, tests.txt, descriptor-rows.txt (the descriptor table of each run), and results.tgz
# (every run's bench.json, summary.md, table and log).
#   tools/gpu-descriptor-bench.sh build-gpu
set -u
build=$1 out=${OUT:?OUT must name the output folder}
source "$(dirname "${BASH_SOURCE[0]}")/gpu-common.sh"
gpu_use "$build"

test_run() { gpu_run tests.txt 120 "$@"; } # label, then VARIABLE=value ... program arguments...
p=$build/tests/integration
test_run "it_descriptors (on)" "$p/it_descriptors"
test_run "it_descriptors (off)" KRONOS_DISABLE=descriptor "$p/it_descriptors"
test_run "it_descriptor_regressions" "$p/it_descriptor_regressions"
test_run "it_descriptor_fuzz" "$p/it_descriptor_fuzz" --seeds 1,2,3
test_run "it_descriptor_fuzz (cache 1)" KRONOS_DESCRIPTOR_CACHE_SETS=1 "$p/it_descriptor_fuzz" \
   --seeds 4,5,6 --expect-evictions
test_run "it_descriptor_fuzz (passthrough)" "$p/it_descriptor_fuzz" --seeds 10,11,12 --passthrough
test_run "it_descriptor_holds (cache 1)" KRONOS_DESCRIPTOR_CACHE_SETS=1 \
   "$p/it_descriptor_holds" --expect-evictions
test_run "it_descriptor_threads" "$p/it_descriptor_threads" 6 200

bench() { # name, then kronos-bench arguments; KRONOS_DISABLE from the caller
  local name=$1
  shift
  "$build/benchmarks/kronos-bench" --no-plot --out "$runs/$name" "$@" > "$runs/$name.log" 2>&1
  echo "== $name (KRONOS_DISABLE=${KRONOS_DISABLE:-}" \
       "KRONOS_BARRIER_REPLAY=${KRONOS_BARRIER_REPLAY:-}; $*): exit $?" >> "$out/descriptor-rows.txt"
  sed -n '/^descriptor rows/,/^batch:/p' "$runs/$name.log" >> "$out/descriptor-rows.txt"
}
# The validation runs are short and come first, so that a part stopped at its deadline has them;
# then the on/off pairs the issue asks for, then the barrier policy off (issue 11's "every other
# row"), then one run without replay (a diagnostic).
KRONOS_DISABLE= bench validation --workload descriptor-updates,descriptor-framework --quick \
   --validation
KRONOS_DISABLE= bench sync-validation --workload descriptor-updates,descriptor-framework \
   --quick --sync-validation
for i in 1 2; do
  KRONOS_DISABLE= bench "on-$i"
  KRONOS_DISABLE=descriptor bench "off-$i" --expect-passthrough=descriptor
done
for i in 1 2; do
  KRONOS_DISABLE=barrier bench "barrier-off-$i" --expect-passthrough=barrier
done
KRONOS_DISABLE= KRONOS_BARRIER_REPLAY=0 bench "no-replay-1"
tar -czf "$out/results.tgz" -C "$runs" .
