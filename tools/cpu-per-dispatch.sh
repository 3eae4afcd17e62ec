#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Kronos's own CPU cost per dispatch in steady state, counted in instructions by callgrind
# (valgrind's tool; Debian package valgrind), for kronos-bench micro rows on lavapipe.
#
# Each row runs twice under callgrind, with 3 and with 13 measured repetitions (one recording
# of the row's command buffer per repetition); the difference of the two runs is ten recordings
# in steady state, without the start-up and first-use costs both share. Per function of
# libvulkan_kronos.so it prints the instructions of that difference divided by the difference
# in vkCmdDispatch calls through Kronos, and their sum (the vendor's and the benchmark's own
# functions are left out). Instruction counts, unlike times, do not move with the machine's load.
#   tools/cpu-per-dispatch.sh BUILD ROW [ROW...]     e.g. build chain-barriers descriptor-updates
# Environment: VENDOR_ICD (default lavapipe's manifest), OUT (a folder to keep the callgrind
# files in; default a temporary one), CACHE_SIM=1 (callgrind's cache simulation: the L1 data
# cache's read and write misses per dispatch too, beside the instructions; what a layout of
# Kronos's objects in memory changes).
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD ROW [ROW...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shift
vendor=${VENDOR_ICD:-/usr/share/vulkan/icd.d/lvp_icd.x86_64.json}
command -v valgrind > /dev/null || { echo "$0: valgrind is not installed" >&2; exit 2; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
simulate=() show=(--show=Ir)
if [ "${CACHE_SIM:-0}" = 1 ]; then
  simulate=(--cache-sim=yes) show=(--show-percs=no --show=Ir,D1mr,D1mw)
fi
for row in "$@"; do
  for reps in 3 13; do
    VK_DRIVER_FILES="$vendor:$build/icd/kronos_icd.x86_64.json" KRONOS_VENDOR_ICD="$vendor" \
      valgrind --tool=callgrind "${simulate[@]}" --callgrind-out-file="$out/$row.$reps.out" \
      "$build/benchmarks/kronos-bench" --workload "$row" --reps "$reps" --warmup 1 \
      --min-ms 1 --max-iterations 1 --no-plot > "$out/$row.$reps.log" 2>&1 ||
      { echo "$0: kronos-bench $row failed (see $out/$row.$reps.log)" >&2; exit 1; }
    callgrind_annotate "${show[@]}" --auto=no --threshold=100 "$out/$row.$reps.out" \
      > "$out/$row.$reps.self" 2> /dev/null
    callgrind_annotate --show=Ir --inclusive=yes --auto=no --threshold=100 --tree=caller \
      "$out/$row.$reps.out" \
      > "$out/$row.$reps.tree" 2> /dev/null
  done
  PYTHONPATH="$here" python3 - "$out" "$row" "${CACHE_SIM:-0}" << 'EOF'
import sys
from callgrind_counts import dispatches, kronos_function_events, kronos_functions
out, row, simulate = sys.argv[1:]
events = 3 if simulate == '1' else 1
if events == 1:
    def functions(path):
        return {k: [v] for k, v in kronos_functions(path).items()}
else:
    def functions(path):
        return kronos_function_events(path, events)
a, b = functions(f'{out}/{row}.3.self'), functions(f'{out}/{row}.13.self')
n = dispatches(f'{out}/{row}.13.tree') - dispatches(f'{out}/{row}.3.tree')
if n <= 0:
    sys.exit(f'{row}: no dispatch through Kronos between the two runs')
zero = [0] * events
rows = sorted(([(y - x) / n for x, y in zip(a.get(k, zero), b.get(k, zero))], k)
              for k in set(a) | set(b))
totals = [sum(r[0][i] for r in rows) for i in range(events)]
if events == 1:
    print(f'{row}: Kronos instructions per dispatch ({n} dispatches in the difference)')
else:
    print(f'{row}: Kronos instructions and L1 data cache read and write misses per dispatch '
          f'({n} dispatches in the difference)')
    print(f'  {"instr":>8}  {"D1 read":>8}  {"D1 write":>8}')


def line(costs):
    return '  '.join(f'{c:8.{1 if i == 0 else 2}f}' for i, c in enumerate(costs))


for costs, name in reversed(rows):
    if costs[0] >= 1:
        print(f'  {line(costs)}  {name.split("/")[-1]}')
print(f'  {line(totals)}  total')
EOF
done
