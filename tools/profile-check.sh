#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks Kronos's profiler (issue 13) with kronos-bench's workload rows, one kronos-bench process
# per row (workload, size, batch), so that each trace holds one row's kernels:
#  1. accuracy: in each run with KRONOS_PROFILE (the Kronos device only; the direct one is the
#     vendor's own), the profiler's GPU us per dispatch of the row's measured dispatches vs the
#     benchmark's own timestamps around each dispatch (kronos-bench --dispatch-timestamps) in a
#     run of the row without the profiler, one per round: each dispatch bracketed by one pair
#     of timestamps in both (tools/profile_compare.py --reference; goal: within LIMIT %);
#  2. overhead: the Kronos side's wall time per unit with profiling off and on (without the
#     benchmark's dispatch timestamps), ROUNDS runs of each, alternating (which goes first
#     alternates too), medians (tools/profile_overhead.py; goal: at most LIMIT %);
#  3. a PNG of the first trace (tools/profile_png.py).
# Everything goes under OUT (default $OUT): report.txt, profile.png, runs/ROW/{on,off}-N/.
# The vendor: tools/vendor-manifest.sh's (NVIDIA_ICD after `source .gl/on-device`, else
# lavapipe). Exits 1 when a goal is missed (not with --no-fail), 2 on a usage error.
#   tools/profile-check.sh [options] BUILD [OUT]
#   --quick           kronos-bench --quick, size 64K, batch 1: seconds, for lavapipe
#   --workloads LIST  default saxpy,reduce,scan,gemm
#   --sizes LIST      default 8M,64M
#   --batches LIST    default 1,16,256
#   --rounds N        runs of each side per row (default 3)
#   --limit PCT       both goals, percent (default 5)
#   --no-fail         report only (lavapipe's timings are noise)
#   on the GPU machine: source .gl/on-device; tools/profile-check.sh build-gpu "$OUT"
set -euo pipefail
usage() { sed -n '/^#   tools\/profile-check.sh/,/^#   on the GPU/p' "$0" | sed 's/^# \?//' >&2; exit 2; }
workloads=saxpy,reduce,scan,gemm sizes=8M,64M batches=1,16,256 rounds=3 limit=5 fail=1
quick=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=(--quick) sizes=64K batches=1; shift ;;
    --workloads) workloads=${2:?}; shift 2 ;;
    --sizes) sizes=${2:?}; shift 2 ;;
    --batches) batches=${2:?}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --limit) limit=${2:?}; shift 2 ;;
    --no-fail) fail=0; shift ;;
    -h|--help) usage ;;
    -*) echo "profile-check.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
build=$(cd "$1" && pwd)
out=${2:-${OUT:-}}
[ -n "$out" ] || { echo "profile-check.sh: no OUT (an argument, or \$OUT)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$build/benchmarks/kronos-bench
kronos=${KRONOS_MANIFEST:-$build/icd/kronos_icd.x86_64.json}
[ -x "$bench" ] || { echo "no $bench: build it first (ninja -C $1)" >&2; exit 2; }
vendor=$("$here/vendor-manifest.sh")
exec > >(tee "$out/report.txt") 2>&1

# Both devices in one process: the vendor's directly and Kronos's over it. Implicit layers
# would add noise; the profiler's settings are this script's alone.
export VK_DRIVER_FILES=$vendor:$kronos KRONOS_VENDOR_ICD=$vendor
export VK_LOADER_LAYERS_DISABLE='~implicit~'
unset KRONOS_PROFILE KRONOS_PROFILE_SUMMARY KRONOS_LOG KRONOS_STATS

echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "vendor: $vendor"
echo "kronos: $kronos"
echo "cpus: $(nproc)"
echo "KRONOS_DISABLE: ${KRONOS_DISABLE:-}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
echo "rows: workloads $workloads, sizes $sizes, batches $batches; $rounds runs a side${quick:+, --quick}"
echo

# One kronos-bench run of one row into DIR (bench.json, log; trace.json when profiled).
# reference: not profiled, with the benchmark's own timestamps around each dispatch.
bench_run() { # dir, on|off|reference, workload, size, batch
  local dir=$1 start=$SECONDS
  mkdir -p "$dir"
  local env=() args=()
  [ "$2" = on ] && env=(KRONOS_PROFILE="$dir/trace.json")
  [ "$2" = reference ] && args=(--dispatch-timestamps)
  if ! env "${env[@]}" "$bench" "${quick[@]}" "${args[@]}" --workload "$3" --size "$4" \
      --batch "$5" --no-plot --out "$dir" > "$dir/log" 2>&1; then
    echo "kronos-bench failed ($3 $4 x$5, profiling $2): $dir/log says:" >&2
    tail -5 "$dir/log" >&2
    exit 1
  fi
  local label="profiling $2"
  [ "$2" = reference ] && label="timestamps per dispatch"
  printf '  %-8s %-5s x%-4s %-23s %4d s\n' "$3" "$4" "$5" "$label" $((SECONDS - start))
}

pairs=() tagged=() first=
echo "runs:"
for workload in ${workloads//,/ }; do
  for size in ${sizes//,/ }; do
    for batch in ${batches//,/ }; do
      row=$out/runs/$workload-$size-x$batch
      for ((r = 1; r <= rounds; r++)); do
        if ((r % 2)); then sides=(off on); else sides=(on off); fi
        for side in "${sides[@]}"; do
          bench_run "$row/$side-$r" "$side" "$workload" "$size" "$batch"
          tagged+=("$side:$row/$side-$r/bench.json")
        done
        bench_run "$row/reference-$r" reference "$workload" "$size" "$batch"
        pairs+=("$row/on-$r/bench.json" "$row/on-$r/trace.json" "$row/reference-$r/bench.json")
        first=${first:-$row/on-$r/trace.json}
      done
    done
  done
done

# A goal missed (exit status 1) is reported; anything else (a file it cannot read) stops here.
status=0
goal() {
  local rc=0
  python3 "$@" || rc=$?
  case $rc in
    0) ;;
    1) status=1 ;;
    *) exit "$rc" ;;
  esac
}
echo
echo "accuracy: the profiler's GPU us per dispatch vs kronos-bench's (each profiled run):"
goal "$here/profile_compare.py" --limit "$limit" --reference "${pairs[@]}"
echo
echo "overhead: the Kronos side's wall time per unit, profiling off vs on:"
goal "$here/profile_overhead.py" --limit "$limit" "${tagged[@]}"
echo
# The PNG needs matplotlib, which a bare GPU machine may lack: its absence is said, no more.
if python3 "$here/profile_png.py" "$first" "$out/profile.png"; then
  echo "wrote $out/profile.png (${first#"$out"/})"
else
  echo "no PNG (above); the traces are under $out/runs"
fi
echo "wrote $out/report.txt"
if ((status && !fail)); then
  echo "(--no-fail: a goal missed does not fail the run)"
  status=0
fi
exit $status
