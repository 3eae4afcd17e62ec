#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Where chain-barriers' extra wall time through Kronos goes (issue 11), on the GPU machine after
# `source .gl/on-device`: kronos-bench's chain-barriers and chain-nobarriers rows, ROUNDS times
# each way, alternating, in one machine session:
#   on        the barrier policy as it is (2 vendor barriers per 256 dispatches);
#   drop-all  KRONOS_BARRIER_DROP_ALL=1 (a debug setting: no vendor barrier at all; these rows'
#             dispatches are independent, so their outputs stay right and are still checked);
#   no-batch  KRONOS_DISABLE=batch (each submit straight to the vendor).
# Then per run: wall, recording, submit and GPU time per dispatch, and the rest (wall - recording
# - GPU: the submit, the wait and whatever the GPU does outside the timestamps), for Kronos's
# chain-barriers and the vendor's chain-nobarriers (tools/bench_chain_split.py).
# BUILD is a slim build folder (tools/gpu-slim-build.sh). Writes under OUT: split.txt, runs/.
#   tools/gpu-barrier-split.sh BUILD [ROUNDS]
set -u
build=$1 rounds=${2:-3} out=${OUT:?OUT must name the output folder}
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/gpu-common.sh"
gpu_use "$build"
bench() { # name, then kronos-bench arguments
  local name=$1
  shift
  "$build/benchmarks/kronos-bench" --no-plot --workload chain-barriers,chain-nobarriers \
     --reps 15 --out "$runs/$name" "$@" > "$runs/$name.log" 2>&1
  echo "$name: exit $?" >> "$out/split.txt"
}
for i in $(seq "$rounds"); do
  bench "on-$i"
  KRONOS_BARRIER_DROP_ALL=1 bench "drop-all-$i" --expect-drop-all
  KRONOS_DISABLE=batch bench "no-batch-$i"
done
python3 "$here/bench_chain_split.py" "$runs"/*.log >> "$out/split.txt"
