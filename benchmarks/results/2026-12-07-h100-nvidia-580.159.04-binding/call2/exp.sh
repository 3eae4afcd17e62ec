#!/usr/bin/env bash
# Diagnostic: record-cost --binding and the goal shapes with Kronos's parts off in turn.
set -u
build=$1 rounds=${2:-3} out=${OUT:?}
here=tools
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_pick_cpus
for i in $(seq "$rounds"); do
  for v in none barrier descriptor; do
    gpu_run binding-parts.txt 120 "free-$i disable=$v" KRONOS_DISABLE=${v/none/} "$build/tools/record-cost" --binding --reps 101
    gpu_run binding-parts.txt 120 "pinned-$i disable=$v" KRONOS_DISABLE=${v/none/} taskset -c "$pick" "$build/tools/record-cost" --binding --reps 101
    gpu_run goal-parts.txt 120 "pinned-$i disable=$v" KRONOS_DISABLE=${v/none/} taskset -c "$pick" "$build/tools/record-cost" --reps 101
  done
done
