#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What KRONOS_PROFILE costs per dispatch on a CPU vendor (lavapipe), counted in instructions by
# callgrind (valgrind's tool; Debian package valgrind) over the whole process: Kronos's
# recording of the timestamps, the vendor writing them and resetting the queries (on lavapipe
# that is CPU work too), and reading them back and building the trace. Wall time on a CPU vendor
# moves by more than the profiler costs (tools/profile-check.sh sees the direct side, which the
# profiler leaves alone, move by ±5% from run to run); instruction counts do not.
#
# Each row runs four times under callgrind: profiling off and on, with 3 and with 5 measured
# repetitions (one command buffer of the row's batch per repetition and side). The difference
# of 5 and 3 is two repetitions of both sides in steady state, without start-up, first use and
# the trace written at exit. Per dispatch through Kronos in that difference it prints:
#   both     the process's instructions with profiling off (the direct side and Kronos's side,
#            which run the same kernels: about half of it is Kronos's side)
#   overhead what profiling on adds (the direct side is the same in both runs)
#   kronos   the part of it in Kronos's own code (the rest: the vendor's, and the C library's
#            for both: writing the trace, copies)
#   share    overhead / (both / 2): the profiler's cost against the Kronos side's own
#   tools/profile-cost-cpu.sh BUILD WORKLOAD:SIZE:BATCH...   e.g. build saxpy:8M:16 reduce:8M:1
# Environment: VENDOR_ICD (default lavapipe's manifest), OUT (a folder to keep the callgrind
# files in; default a temporary one).
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD WORKLOAD:SIZE:BATCH..." >&2
  exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shift
vendor=${VENDOR_ICD:-/usr/share/vulkan/icd.d/lvp_icd.x86_64.json}
command -v valgrind > /dev/null || { echo "$0: valgrind is not installed" >&2; exit 2; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
export VK_LOADER_LAYERS_DISABLE='~implicit~'
# lavapipe compiles each shader with LLVM unless its disk cache has it: the same work in every run.
export MESA_SHADER_CACHE_DISABLE=true
unset KRONOS_PROFILE KRONOS_PROFILE_SUMMARY KRONOS_STATS
failed=0
printf '%-8s %-5s %5s %14s %12s %10s %8s\n' row size batch both overhead kronos share
for spec in "$@"; do
  IFS=: read -r workload size batch <<< "$spec"
  name=$workload-$size-x$batch
  for side in off on; do
    for reps in 3 5; do
      base=$out/$name.$side.$reps
      env=()
      [ "$side" = on ] && env=(KRONOS_PROFILE="$base.trace.json")
      env "${env[@]}" VK_DRIVER_FILES="$vendor:$build/icd/kronos_icd.x86_64.json" \
        KRONOS_VENDOR_ICD="$vendor" \
        valgrind --tool=callgrind --callgrind-out-file="$base.out" \
        "$build/benchmarks/kronos-bench" --workload "$workload" --size "$size" --batch "$batch" \
        --reps "$reps" --warmup 1 --min-ms 1 --max-iterations 1 --max-row-seconds 1000000 \
        --no-plot > "$base.log" 2>&1 ||
        { echo "$0: kronos-bench $spec (profiling $side) failed (see $base.log)" >&2
          failed=1; continue 3; }
      callgrind_annotate --inclusive=yes --auto=no --threshold=100 --tree=caller "$base.out" \
        > "$base.tree" 2> /dev/null
      callgrind_annotate --auto=no --threshold=100 "$base.out" > "$base.self" 2> /dev/null
    done
  done
  PYTHONPATH="$here" python3 - "$out" "$name" "$workload" "$size" "$batch" << 'EOF'
import sys
from callgrind_counts import dispatches, kronos_functions, program_total as total
out, name, workload, size, batch = sys.argv[1:]
def kronos(path):
    return sum(kronos_functions(path).values())
def steady(side):
    a, b = f'{out}/{name}.{side}.3', f'{out}/{name}.{side}.5'
    return (total(b + '.tree') - total(a + '.tree'), kronos(b + '.self') - kronos(a + '.self'),
            dispatches(b + '.tree') - dispatches(a + '.tree'))
off, off_own, n_off = steady('off')
on, on_own, n_on = steady('on')
if n_off <= 0 or n_off != n_on:
    sys.exit(f'{name}: dispatches through Kronos differ or are missing ({n_off}, {n_on})')
both, overhead, own = off / n_off, (on - off) / n_off, (on_own - off_own) / n_off
print(f'{workload:8s} {size:5s} {batch:>5s} {both:14,.0f} {overhead:12,.0f} {own:10,.0f} '
      f'{100 * overhead / (both / 2):7.3f}%')
EOF
done
echo "instructions per dispatch through Kronos, steady state (the difference of 5 and 3 repetitions)"
exit $failed
