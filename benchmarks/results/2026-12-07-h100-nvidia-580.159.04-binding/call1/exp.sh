#!/usr/bin/env bash
# Diagnostic: what NVIDIA's dispatch costs by how descriptors are bound (tools/record-cost --binding).
set -u
build=$1 rounds=${2:-3} out=${OUT:?}
here=tools
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_pick_cpus
for i in $(seq "$rounds"); do
  gpu_run binding.txt 120 "free-$i" "$build/tools/record-cost" --binding --reps 101
  gpu_run binding.txt 120 "pinned-$i" taskset -c "$pick" "$build/tools/record-cost" --binding --reps 101
done
gpu_run binding.txt 120 "pinned dispatches=64" taskset -c "$pick" "$build/tools/record-cost" --binding --reps 101 --dispatches 64
gpu_run binding.txt 120 "pinned validation" env VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation taskset -c "$pick" "$build/tools/record-cost" --binding --reps 3
gpu_run record-cost.txt 120 "pinned" taskset -c "$pick" "$build/tools/record-cost" --reps 101
