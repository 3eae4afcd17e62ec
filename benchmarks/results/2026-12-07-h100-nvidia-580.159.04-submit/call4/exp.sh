#!/usr/bin/env bash
# Kronos drivers a-e on the submit call alone (record-cost --submit) and on the paired goals:
# a = before (3a35f11's driver), b = submit stats in thread slots, c = b + submit prefetch,
# d = b + 1 KiB stack scratch (was 4 KiB), e = c + 1 KiB stack scratch.
set -u
out=${OUT:?}
source tools/gpu-common.sh
gpu_note_cpus
rc=build-ab/tools/record-cost
use() { export VK_DRIVER_FILES=$vendor:$PWD/build-ab/$1/icd/kronos_icd.x86_64.json; }
for i in 1 2 3; do
  if [ $((i % 2)) = 1 ]; then order="a b c d e"; else order="e d c b a"; fi
  for v in $order; do
    use $v; gpu_free_pinned submit.txt 60 "$i build=$v" KRONOS_DISABLE= $rc --submit --reps 101
  done
done
for i in 1 2 3; do
  if [ $((i % 2)) = 1 ]; then order="a b d e"; else order="e d b a"; fi
  for v in $order; do
    use $v; gpu_free_pinned ab.txt 60 "$i build=$v" KRONOS_DISABLE= $rc --reps 201
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
            out.setdefault(m.group(1), {}).setdefault(label.split("build=")[1], []).append(
                tuple(float(x) for x in m.groups()[1:]))
    return out
sub = runs(sys.argv[1], r"^(vkQueueSubmit \+ fence|vkQueueSubmit alone \(wait idle\))\s+Kronos\s+(\d+)\s+(-?\d+)\s+(\d+\.\d+)")
for what, by in sub.items():
    print("submit call through Kronos, %s: median ns, - direct fence, paired / direct fence" % what)
    for v in sorted(by):
        print("  %s: %6.0f %6.0f %6.3f  (%s)" % (v, statistics.median(x[0] for x in by[v]),
              statistics.median(x[1] for x in by[v]), statistics.median(x[2] for x in by[v]),
              " ".join("%.3f" % x[2] for x in by[v])))
goals = runs(sys.argv[2], r"^(descriptor-updates, recording \+ submit, Kronos / direct|chain-barriers through Kronos / chain-nobarriers directly, wall)\s+(\d+\.\d+)")
for goal, by in goals.items():
    print(goal)
    for v in sorted(by):
        vals = [x[0] for x in by[v]]
        print("  %s: median %.3f of %d: %s" % (v, statistics.median(vals), len(vals), " ".join("%.3f" % x for x in vals)))
PY
