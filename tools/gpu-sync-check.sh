#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The GPU side of the sync core's checks (issue 9), in one call on the GPU machine, after
# `source .gl/on-device` has set NVIDIA_ICD (see DEVELOPERS' recipe: shared/gpu/prepare):
#  - every it_sync_* program of NEW in its configurations (default; a batch held until observed;
#    batching off; sync_losses with a time bound of 0; the counters), vendor and Kronos, with
#    every queue the card has (lavapipe has one, so CI never runs the two-queue parts);
#  - kronos-bench's submit rows, OLD and NEW alternating, three times each, then NEW with a time
#    bound of 0 and 5 us and with batching off, OLD with a time bound of 0, and one
#    unobserved-busy run of NEW with KRONOS_LOG=debug (the flusher's timing).
# OLD and NEW are slim build folders (tools/gpu-slim-build.sh). Writes under OUT (default $OUT):
# info.txt, sync-suite.txt, submit-rows.txt (the submit table of each run), debug-busy.txt and
# results.tgz (every run's bench.json and summary.md).
#   tools/gpu-sync-check.sh build-old build-gpu
set -u
old=$1 new=$2 out=${OUT:?OUT must name the output folder}
source "$(dirname "${BASH_SOURCE[0]}")/gpu-common.sh"

sync_run() { gpu_run sync-suite.txt 300 "$@"; } # label, then VARIABLE=value ... program...

gpu_use "$new"
p=$new/tests/integration
held=(KRONOS_BATCH_TIME_BOUND_US=1000000 KRONOS_BATCH_LIMIT=1000)
for t in fences semaphores observers stress hazards losses; do
  sync_run "it_sync_$t (default)" "$p/it_sync_$t"
  sync_run "it_sync_$t (observed)" "${held[@]}" "$p/it_sync_$t"
  sync_run "it_sync_$t (batch off)" KRONOS_DISABLE=batch "$p/it_sync_$t"
done
sync_run "it_sync_losses (immediate)" KRONOS_BATCH_TIME_BOUND_US=0 "$p/it_sync_losses"
sync_run "it_sync_counters (batching)" KRONOS_BATCH_TIME_BOUND_US=1000000 KRONOS_BATCH_LIMIT=8 \
   "$p/it_sync_counters" --expect-batching
sync_run "it_sync_counters (passthrough)" KRONOS_DISABLE=batch "$p/it_sync_counters" \
   --expect-passthrough

bench() { # build, name, VARIABLE=value...
  local build=$1 name=$2
  shift 2
  gpu_use "$build"
  env "$@" "$build/benchmarks/kronos-bench" --workload submit --no-plot --out "$runs/$name" \
     > "$runs/$name.log" 2>&1
  echo "== $name ($build $*): exit $?" >> "$out/submit-rows.txt"
  sed -n '/^## Submit rows/,/^## All rows/p' "$runs/$name/summary.md" |
     grep -E '^\| (submit|roundtrip|unobserved)' >> "$out/submit-rows.txt"
}
for i in 1 2 3; do
  bench "$old" "old-$i"
  bench "$new" "new-$i"
done
bench "$new" new-tb0 KRONOS_BATCH_TIME_BOUND_US=0
bench "$new" new-tb5 KRONOS_BATCH_TIME_BOUND_US=5
bench "$new" new-nobatch KRONOS_DISABLE=batch
bench "$old" old-tb0 KRONOS_BATCH_TIME_BOUND_US=0
gpu_use "$new"
KRONOS_LOG=debug "$new/benchmarks/kronos-bench" --workload unobserved-busy --reps 5 --no-plot \
   > "$out/debug-busy.txt" 2>&1
tar czf "$out/results.tgz" -C "$runs" .
