#!/usr/bin/env bash
# Kronos's fence waits polling the vendor's timeline for KRONOS_WAIT_POLL_US before they block
# (0: they block at once, the driver before), on the submit call alone (record-cost --submit,
# with each form's wait CPU over wall) and on the paired goals, interleaved in one call.
set -u
out=${OUT:?}
build=${BUILD:?}
source tools/gpu-common.sh
gpu_use "$build"
gpu_note_cpus
rc=$build/tools/record-cost
for i in 1 2; do
  if [ $((i % 2)) = 1 ]; then order="0 50"; else order="50 0"; fi
  for p in $order; do
    gpu_free_pinned submit.txt 60 "$i poll=$p" KRONOS_DISABLE= env KRONOS_WAIT_POLL_US=$p $rc --submit --reps 101
  done
done
for i in 1 2 3; do
  if [ $((i % 2)) = 1 ]; then order="0 20 200"; else order="200 20 0"; fi
  for p in $order; do
    gpu_free_pinned ab.txt 60 "$i poll=$p" KRONOS_DISABLE= env KRONOS_WAIT_POLL_US=$p $rc --reps 201
  done
done
python3 - "$out/submit.txt" "$out/ab.txt" << 'PY'
import re, statistics, sys
def runs(path, pattern):
    out, label = {}, None
    for line in open(path):
        if line.startswith("=== "):
            label = line[4:].strip(); continue
        m = re.match(pattern, line)
        if m and label:
            out.setdefault(m.group(1), {}).setdefault(label.split("poll=")[1], []).append(
                tuple(float(x) for x in m.groups()[1:]))
    return out
goals = runs(sys.argv[2], r"^(descriptor-updates, recording \+ submit, Kronos / direct|chain-barriers through Kronos / chain-nobarriers directly, wall)\s+(\d+\.\d+)")
for goal, by in goals.items():
    print(goal)
    for v in sorted(by, key=int):
        vals = [x[0] for x in by[v]]
        print("  poll %s us: median %.3f of %d: %s" % (v, statistics.median(vals), len(vals), " ".join("%.3f" % x for x in vals)))
PY
grep -E "^===|^vkQueueSubmit|wait" "$out/submit.txt" | head -80
