#!/usr/bin/env bash
# A/B/C of Kronos drivers on the paired goals (record-cost, one binary; the driver varies):
# a = before (3a35f11's driver), b = submit stats in thread slots, c = b + submit prefetch.
# Then the instrumented build's marks (build-gpu-exp, before) once free and once pinned.
set -u
out=${OUT:?}
source tools/gpu-common.sh
gpu_note_cpus
rc=build-ab/tools/record-cost
for i in 1 2 3 4; do
  if [ $((i % 2)) = 1 ]; then order="a b c"; else order="c b a"; fi
  for v in $order; do
    export VK_DRIVER_FILES=$vendor:$PWD/build-ab/$v/icd/kronos_icd.x86_64.json
    gpu_free_pinned ab.txt 60 "$i build=$v" KRONOS_DISABLE= $rc --reps 201
  done
done
python3 - "$out/ab.txt" << 'PY'
import re, statistics, sys
runs, label = {}, None
for line in open(sys.argv[1]):
    if line.startswith("=== "):
        label = line[4:].strip(); continue
    m = re.match(r"^(descriptor-updates, recording \+ submit, Kronos / direct|chain-barriers through Kronos / chain-nobarriers directly, wall)\s+(\d+\.\d+)", line)
    if m and label:
        runs.setdefault(m.group(1), {}).setdefault(label.split("build=")[1], []).append((label, float(m.group(2))))
for goal, by in runs.items():
    print(goal)
    for v in sorted(by):
        vals = [x for _, x in by[v]]
        print("  build %s: median %.3f of %d runs: %s" % (v, statistics.median(vals), len(vals), " ".join("%.3f" % x for x in vals)))
PY
export VK_DRIVER_FILES=$vendor:$PWD/build-gpu-exp/icd/kronos_icd.x86_64.json
gpu_free_pinned exp.txt 60 "submit" KRONOS_DISABLE= build-gpu-exp/tools/record-cost --submit --reps 101
gpu_free_pinned exp.txt 60 "normal" KRONOS_DISABLE= build-gpu-exp/tools/record-cost --reps 101
grep -E "^===|Kronos  |kronos-exp: (mark|Kronos|vendor|kr_Q)|^vkQueueSubmit \+ fence +direct  |^vkQueueSubmit2 \+ timeline|Kronos / direct" "$out/exp.txt"
