#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Which driver build the single-dispatch rows' round trip changed in: kronos-bench's workload
# rows with one dispatch per submit (where a submit's latency to the wait's return is most of
# the wall time), run with each build's own kronos-bench and driver, KRONOS_DISABLE=all (plain
# forwarding, so no optimization's work is in it) and with everything on, the builds taking
# turns round by round so the host's drift falls on all alike. After `source .gl/on-device`;
# each BUILD is a folder with src/libvulkan_kronos.so, icd/kronos_icd.x86_64.json and
# benchmarks/kronos-bench (tools/gpu-slim-build.sh's, or less), and commit.txt naming it.
# Writes $OUT/rows.txt (one line per row and run: round, build, setting, then kronos-bench's
# table row) and $OUT/summary.txt (tools/round_trip_summary.py).
# WORKLOADS and SIZES pick the rows (default gemm,saxpy and 8M,64M), SETTINGS the KRONOS_DISABLE
# values (default "all none"; none: nothing disabled), ROUNDS the rounds (default 2); no run
# starts later than DEADLINE seconds after the start (default: no bound).
#   DEADLINE=540 SETTINGS=all tools/gpu-round-trip.sh BUILD...
set -u
out=${OUT:?OUT must name the output folder}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/gpu-common.sh"
rounds=${ROUNDS:-2}
workloads=${WORKLOADS:-gemm,saxpy}
sizes=${SIZES:-8M,64M}
settings=${SETTINGS:-all none}
deadline=${DEADLINE:-0}
start=$(date +%s)
for b in "$@"; do
  echo "$(basename "$b"): $(cat "$b/commit.txt" 2> /dev/null)" >> "$out/builds.txt"
done
for round in $(seq "$rounds"); do
  # Odd rounds take the builds in the order given, even rounds in the reverse order.
  order=("$@")
  if [ $((round % 2)) = 0 ]; then
    order=()
    for ((i = $#; i >= 1; i--)); do order+=("${!i}"); done
  fi
  for b in "${order[@]}"; do
    gpu_use "$b"
    name=$(basename "$b")
    for setting in $settings; do
      if [ "$deadline" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$deadline" ]; then
        echo "round $round, $name, $setting: not run (past ${deadline} s)" >> "$out/builds.txt"
        continue
      fi
      disable=$setting
      [ "$setting" = none ] && disable=
      log=$runs/$round-$name-$setting.txt
      KRONOS_DISABLE=$disable timeout 120 "$b/benchmarks/kronos-bench" --workload "$workloads" \
         --size "$sizes" --batch 1 --no-plot > "$log" 2>&1
      echo "exit $?" >> "$log"
      grep -E '^(saxpy|reduce|scan|gemm) ' "$log" | sed "s/^/$round $name $setting /" \
         >> "$out/rows.txt"
    done
  done
done
python3 "$here/round_trip_summary.py" "$out/rows.txt" > "$out/summary.txt" 2>&1
(cd "$out" && tar czf runs.tgz runs && rm -rf runs)
