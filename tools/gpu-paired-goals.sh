#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CPU and wall goals of issues 10 and 11 as paired ratios (tools/record-cost's closing
# lines: each repetition measures every shape on both sides within milliseconds), on the GPU
# machine after `source .gl/on-device`. ROUNDS times, each setting in turn (everything on, then
# KRONOS_DISABLE=barrier, then KRONOS_DISABLE=descriptor), the process free and then pinned to
# two CPUs next to the GPU; REPS repetitions per run. Writes under OUT: paired.txt (every run's
# output), summary.txt (the goal lines of each run, then their medians per setting).
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
python3 - "$out/paired.txt" > "$out/summary.txt" << 'PY'
import re, statistics, sys
runs, label = {}, None
for line in open(sys.argv[1]):
    if line.startswith("=== "):
        label = line[4:].strip()
        continue
    m = re.match(r"^(.+?)\s+(\d+\.\d+) \(quartiles", line)
    if m and label:
        runs.setdefault(label, {})[m.group(1)] = float(m.group(2))
goals = sorted({g for r in runs.values() for g in r})
print("paired goal ratios (tools/record-cost), each run's median over its repetitions")
for g in goals:
    print("\n" + g)
    by_setting = {}
    for label, r in runs.items():
        if g in r:
            print("  %-32s %.3f" % (label, r[g]))
            by_setting.setdefault(label.split(" ", 1)[1], []).append(r[g])
    for setting, values in sorted(by_setting.items()):
        print("  median of %-21s %.3f (%d runs)" % (setting, statistics.median(values),
                                                   len(values)))
PY
cat "$out/summary.txt"
