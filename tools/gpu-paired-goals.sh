#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CPU and wall goals of issues 10 and 11 as paired ratios (tools/record-cost's closing
# lines: each repetition measures every shape on both sides within milliseconds), on the GPU
# machine after `source .gl/on-device`. ROUNDS times, each setting in turn (everything on, then
# KRONOS_DISABLE=barrier, then KRONOS_DISABLE=descriptor), the process free and then pinned to
# two CPUs next to the GPU; REPS repetitions per run. Writes under OUT: paired.txt (every run's
# output), summary.txt (tools/paired_summary.py: the goal lines of each run, then their
# medians per setting).
#   tools/gpu-paired-goals.sh BUILD [ROUNDS] [REPS]
set -u
build=$1 rounds=${2:-2} reps=${3:-201} out=${OUT:?OUT must name the output folder}
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_note_cpus
for i in $(seq "$rounds"); do
  for disable in "" barrier descriptor; do
    gpu_free_pinned paired.txt 120 "$i disable=${disable:-none}" KRONOS_DISABLE="$disable" \
      "$build/tools/record-cost" --reps "$reps"
  done
done
python3 "$here/paired_summary.py" "$out/paired.txt" > "$out/summary.txt"
cat "$out/summary.txt"
