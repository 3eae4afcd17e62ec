#!/usr/bin/env bash
# Diagnostic (not committed): descriptor-updates' paired ratio with the barrier policy's parts
# switched off one at a time, to find what costs it its bimodal 10-40 ns per dispatch.
set -u
build=$1 rounds=${2:-4} out=${OUT:?}
here=tools
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_pick_cpus
for i in $(seq "$rounds"); do
  for v in none DEFER REPLAY OFF; do
    case $v in
      none) env=(KRONOS_DISABLE=) ;;
      DEFER) env=(KRONOS_BARRIER_DEFER=0) ;;
      REPLAY) env=(KRONOS_BARRIER_REPLAY=0) ;;
      OFF) env=(KRONOS_DISABLE=barrier) ;;
    esac
    gpu_run exp.txt 120 "free-$i $v" "${env[@]}" "$build/tools/record-cost" --reps 201
    gpu_run exp.txt 120 "pinned-$i $v" "${env[@]}" taskset -c "$pick" "$build/tools/record-cost" --reps 201
  done
done
