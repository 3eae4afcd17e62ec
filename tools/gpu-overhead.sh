#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Where Kronos's time goes per dispatch on the GPU, in one call on the GPU machine, after
# `source .gl/on-device` has set NVIDIA_ICD (shared/gpu/prepare): kronos-bench's dispatch-bound
# micro rows (chain-nobarriers, chain-barriers, descriptor-updates, descriptor-framework,
# round-trip) with every optimization on, each one off on its own, all off, and the barrier
# policy without replay, alternating ROUNDS times (default 2) in this one machine session. Each
# run measures the vendor directly and Kronos in the same process; overhead.txt splits each
# row's wall time per dispatch into recording, vkQueueSubmit, GPU (timestamps) and the rest
# (the wait: GPU start-up and wake-up), direct and through Kronos, medians of the run. Then
# tools/timestamp-cost's chain-nobarriers shape (256 dispatches, no barriers, recorded once),
# directly and through Kronos each alone in its process: whether what Kronos adds to the wait
# of a long command buffer shows without the benchmark's second device in the process.
# BUILD is a slim build folder (tools/gpu-slim-build.sh). Writes under OUT: info.txt,
# overhead.txt and results.tgz (every run's bench.json and log).
#   tools/gpu-overhead.sh build-gpu [ROUNDS]
set -u
build=$1 rounds=${2:-2} out=${OUT:?OUT must name the output folder}
source "$(dirname "${BASH_SOURCE[0]}")/gpu-common.sh"
gpu_use "$build"
rows=chain-nobarriers,chain-barriers,descriptor-updates,descriptor-framework,round-trip
settings=("on" "barrier" "descriptor" "batch" "pool" "all" "no-replay")
for i in $(seq "$rounds"); do
  for s in "${settings[@]}"; do
    # An optimization off is checked to pass its calls through (the counters).
    case $s in
      on) env=(KRONOS_DISABLE=) expect=() ;;
      no-replay) env=(KRONOS_DISABLE= KRONOS_BARRIER_REPLAY=0) expect=() ;;
      *) env=(KRONOS_DISABLE="$s") expect=(--expect-passthrough="$s") ;;
    esac
    env "${env[@]}" "$build/benchmarks/kronos-bench" --no-plot --workload "$rows" \
       --out "$runs/$s-$i" "${expect[@]}" > "$runs/$s-$i.log" 2>&1
    echo "$s-$i: exit $?" >> "$out/overhead.txt"
  done
done
python3 - "$runs" "${settings[@]}" >> "$out/overhead.txt" << 'EOF'
import glob, json, os, sys
runs, settings = sys.argv[1], sys.argv[2:]
def split(side, per):
    wall, rec, sub, gpu = (side.get(k) for k in ('wall_us', 'record_us', 'submit_us_per_submit', 'gpu_us'))
    if wall is None:
        return None
    rec, gpu = rec or 0.0, gpu or 0.0
    sub = (sub or 0.0) / per
    return wall, rec, sub, gpu, wall - rec - sub - gpu
print('us per dispatch (round-trip: per submit): wall = record + submit + gpu + rest; '
      'KRONOS_DISABLE setting, run')
print(f"{'row':22}{'setting':13}{'direct wall rec sub gpu rest':>36}  "
      f"{'kronos wall rec sub gpu rest':>36}  {'ratio':>6}")
for s in settings:
    for path in sorted(glob.glob(os.path.join(runs, f'{s}-*', 'bench.json'))):
        run = os.path.basename(os.path.dirname(path))
        for r in json.load(open(path))['rows']:
            per = max(r.get('dispatches_per_submit') or 1, 1)
            d, k = split(r['direct'], per), split(r['kronos'], per)
            if not d or not k:
                continue
            fmt = lambda t: ' '.join(f'{x:6.3f}' for x in t)
            print(f"{r['name']:22}{run:13}{fmt(d):>36}  {fmt(k):>36}  {k[0] / d[0]:6.3f}")
EOF
for side in direct kronos; do
  files=$vendor
  [ $side = kronos ] && files=$(cd "$build" && pwd)/icd/kronos_icd.x86_64.json
  echo "== timestamp-cost --dispatches 256 --elements 1024 --no-barriers, $side alone" \
     >> "$out/overhead.txt"
  VK_DRIVER_FILES=$files "$build/tools/timestamp-cost" --dispatches 256 --elements 1024 \
     --no-barriers >> "$out/overhead.txt" 2>&1
done
tar -czf "$out/results.tgz" -C "$runs" .
