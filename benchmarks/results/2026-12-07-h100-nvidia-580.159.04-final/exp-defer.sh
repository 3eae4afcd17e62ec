#!/usr/bin/env bash
# Diagnostic: the barrier policy's held-back commands logged always (KRONOS_BARRIER_DEFER=1) or
# only where read (2, the default), one build, interleaved: record-cost's goals, free and pinned.
set -u
build=$1 rounds=${2:-4} out=${OUT:?}
here=tools
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_pick_cpus
for i in $(seq "$rounds"); do
  for v in 2 1; do
    gpu_run defer.txt 120 "free-$i defer=$v" KRONOS_BARRIER_DEFER=$v "$build/tools/record-cost" --reps 201
    gpu_run defer.txt 120 "pinned-$i defer=$v" KRONOS_BARRIER_DEFER=$v taskset -c "$pick" "$build/tools/record-cost" --reps 201
  done
done
gpu_run defer.txt 120 "pinned policy off" KRONOS_DISABLE=barrier taskset -c "$pick" "$build/tools/record-cost" --reps 201
