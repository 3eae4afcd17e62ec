#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What NVIDIA's submit call costs by its form (tools/record-cost --submit: vkQueueSubmit with a
# fence, as the direct program submits, against vkQueueSubmit2 signalling a timeline semaphore,
# as Kronos's batch flush does; issue 10's recording + submit goal), on the GPU machine after
# `source .gl/on-device`. ROUNDS times, the process free and then pinned to two CPUs next to
# the GPU; REPS repetitions per run. Writes under OUT: submit.txt (every run's output).
#   tools/gpu-submit-cost.sh BUILD [ROUNDS] [REPS]
set -u
build=$1 rounds=${2:-2} reps=${3:-101} out=${OUT:?OUT must name the output folder}
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_pick_cpus
echo "GPU-local CPUs: ${gpu_cpus:-unknown}; pinned runs use CPUs $pick" > "$out/host.txt"
for i in $(seq "$rounds"); do
  gpu_run submit.txt 120 "free-$i" "$build/tools/record-cost" --submit --reps "$reps"
  gpu_run submit.txt 120 "pinned-$i" taskset -c "$pick" "$build/tools/record-cost" --submit \
    --reps "$reps"
done
grep -A12 "^descriptor-updates' submit call" "$out/submit.txt" | grep -v "^--$" | head -40
