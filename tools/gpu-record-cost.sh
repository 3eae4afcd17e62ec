#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CPU goals of issues 10 and 11 on the GPU machine, after `source .gl/on-device`, with the
# host's noise held down: where recording time goes per call (tools/record-cost), and
# kronos-bench's goal rows (chain-barriers, chain-nobarriers, descriptor-updates,
# descriptor-framework) with longer measurements (--reps 21 --min-ms 20). Each ROUNDS times,
# alternating: the process left where the scheduler puts it ("free"), and pinned with taskset
# to two CPUs of the GPU's own NUMA node ("pinned"). First the host: CPUs, NUMA nodes, the
# CPUs next to the GPU, the frequency governor.
# BUILD is a slim build folder (tools/gpu-slim-build.sh). Writes under OUT: host.txt,
# record-cost.txt, goal-rows.txt (tools/goal_rows.py over the kronos-bench runs), runs/.
#   tools/gpu-record-cost.sh BUILD [ROUNDS]
set -u
build=$1 rounds=${2:-3} out=${OUT:?OUT must name the output folder}
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/gpu-common.sh"
gpu_use "$build"

gpu_pick_cpus
{
  echo "GPU-local CPUs: ${gpu_cpus:-unknown}; pinned runs use CPUs $pick"
  lscpu 2>&1
  echo "--- NUMA"
  ls -d /sys/devices/system/node/node* 2>/dev/null
  for n in /sys/devices/system/node/node*; do echo "$n: $(cat "$n/cpulist" 2>/dev/null)"; done
  echo "--- governor: $(cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null || echo none)"
  echo "--- perf: $(command -v perf || echo none); perf_event_paranoid $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)"
} > "$out/host.txt" 2>&1

cost() { # name, then the runner (env or taskset ...)
  local name=$1
  shift
  echo "=== record-cost, $name" >> "$out/record-cost.txt"
  timeout 300 "$@" "$build/tools/record-cost" --reps 31 >> "$out/record-cost.txt" 2>&1
  echo "exit status $?" >> "$out/record-cost.txt"
}
bench() { # name, then the runner
  local name=$1
  shift
  timeout 300 "$@" "$build/benchmarks/kronos-bench" --no-plot \
     --workload chain-barriers,chain-nobarriers,descriptor-updates,descriptor-framework \
     --reps 21 --min-ms 20 --out "$runs/$name" > "$runs/$name.log" 2>&1
  echo "$name: exit $?" >> "$out/goal-rows.txt"
}
for i in $(seq "$rounds"); do
  cost "free-$i" env
  cost "pinned-$i" taskset -c "$pick"
done
for i in $(seq "$rounds"); do
  bench "free-$i" env
  bench "pinned-$i" taskset -c "$pick"
done
python3 "$here/goal_rows.py" "$runs"/*.log >> "$out/goal-rows.txt"
