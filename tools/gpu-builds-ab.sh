#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A change's effect on the CPU goals, measured on one GPU machine in one call: the measurements
# of tools/gpu-record-cost.sh for two builds (A: before, B: after), one round of each at a time,
# in the order A B, B A, A B ... so that the host's drift falls on both alike. Each build's
# ratios are against the vendor measured in the same process, so A and B compare through them.
# After `source .gl/on-device`; A and B are slim build folders (tools/gpu-slim-build.sh; A may
# leave out the layers and the tests). Writes under OUT: summary.txt (tools/ab_summary.py),
# host.txt (the first round's), and ab.tgz: a-N/ and b-N/, gpu-record-cost.sh's files for round
# N (one archive, as a device call brings back only so many files).
#   tools/gpu-builds-ab.sh A B [ROUNDS]
set -u
a=$1 b=$2 rounds=${3:-3} out=${OUT:?OUT must name the output folder}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
one() { # label, build, round
  mkdir -p "$out/$1-$3"
  OUT=$out/$1-$3 bash "$here/gpu-record-cost.sh" "$2" 1 > "$out/$1-$3.log" 2>&1
}
for i in $(seq "$rounds"); do
  if [ $((i % 2)) = 1 ]; then one a "$a" "$i"; one b "$b" "$i"; else one b "$b" "$i"; one a "$a" "$i"; fi
done
python3 "$here/ab_summary.py" "$out" > "$out/summary.txt" 2>&1
cp "$out/a-1/host.txt" "$out/host.txt" 2> /dev/null
(cd "$out" && tar czf ab.tgz a-* b-* && rm -rf a-* b-*)
