#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What NVIDIA's submit call costs by its form (tools/record-cost --submit: vkQueueSubmit with a
# fence, as the direct program submits, against vkQueueSubmit2 signalling a timeline semaphore,
# as Kronos's batch flush does; issue 10's recording + submit goal), on the GPU machine after
# `source .gl/on-device`. ROUNDS times, the process free and then pinned to two CPUs next to
# the GPU; REPS repetitions per run; each round once per count of DISPATCHES per command buffer
# (default 256; several show whether a difference grows with the command buffer or is the
# same per submit). Writes under OUT: submit.txt (every run's output).
#   tools/gpu-submit-cost.sh BUILD [ROUNDS] [REPS] [DISPATCHES...]
set -u
build=$1 rounds=${2:-2} reps=${3:-101} out=${OUT:?OUT must name the output folder}
shift $(($# < 3 ? $# : 3))
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_note_cpus
for i in $(seq "$rounds"); do
  for dispatches in "${@:-256}"; do
    gpu_free_pinned submit.txt 120 "$i dispatches=$dispatches" KRONOS_DISABLE= \
      "$build/tools/record-cost" --submit --reps "$reps" --dispatches "$dispatches"
  done
done
grep -E "^===|^vkQueueSubmit" "$out/submit.txt"
