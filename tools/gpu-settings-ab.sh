#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A setting's effect on the paired goals (tools/record-cost's closing lines), measured on one
# GPU machine in one call with one build: runs under setting A and setting B (each a single
# VARIABLE=value word, e.g. KRONOS_WAIT_POLL_US=0), free and pinned (gpu-common.sh), ROUNDS
# rounds in the order A B, B A, A B ... so that the host's drift falls on both alike. After
# `source .gl/on-device`. Writes under OUT: ab.txt (every run's output, started afresh) and
# ab-summary.txt (tools/paired_summary.py: every run's goal figures, each setting's medians,
# and the runs that failed).
#   tools/gpu-settings-ab.sh BUILD ROUNDS A B [REPS]
set -u
build=$1 rounds=$2 a=$3 b=$4 reps=${5:-201} out=${OUT:?OUT must name the output folder}
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/gpu-common.sh"
gpu_use "$build"
gpu_note_cpus
rm -f "$out/ab.txt"
for i in $(seq "$rounds"); do
  if [ $((i % 2)) = 1 ]; then order=("$a" "$b"); else order=("$b" "$a"); fi
  for setting in "${order[@]}"; do
    gpu_free_pinned ab.txt 60 "$i setting=$setting" "$setting" "$build/tools/record-cost" \
      --reps "$reps"
  done
done
python3 "$here/paired_summary.py" "$out/ab.txt" > "$out/ab-summary.txt"
cat "$out/ab-summary.txt"
