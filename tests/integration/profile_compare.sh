#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/profile_compare.py and profile_overhead.py (issue 13) on a small synthetic bench.json and
# trace (DATA_DIR): the row's measured dispatches are the trace's last reps x units ones (not the
# warm-up before them, the fill and copy, or the label); exact tables; a row beyond --limit exits
# 1; a file that is not a bench.json exits 2.
# Usage: profile_compare.sh TOOLS_DIR DATA_DIR
set -euo pipefail
tools=$1 data=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
expect() { # label, expected exit status, expected output file, command...
  local label=$1 want=$2 expected=$3 rc=0
  shift 3
  "$@" >"$dir/got" 2>&1 || rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL ($label): exit status $rc, not $want"
    status=1
  fi
  if ! diff -u "$expected" "$dir/got"; then
    echo "FAIL ($label): the output differs (above)"
    status=1
  fi
}
sed 's/"gpu_us": 10.0/"gpu_us": 9.0/' "$data/bench.json" > "$dir/bench9.json"
sed 's/"wall_us": 21.0/"wall_us": 22.68/' "$data/bench.json" > "$dir/bench-on.json"
# With --dispatch-timestamps' figure, that one is compared (the span, 12.0, is only shown).
sed 's/"kronos": {"wall_us": 21.0, "gpu_us": 10.0,/"kronos": {"wall_us": 21.0, "gpu_us": 12.0, "dispatch_gpu_us": 10.5,/' \
  "$data/bench.json" > "$dir/bench-dispatch.json"
grep -q '"dispatch_gpu_us": 10.5' "$dir/bench-dispatch.json"
legend="bench us: kronos-bench's GPU us per dispatch, its timestamps around each dispatch (--dispatch-timestamps; else its span); span us: its span of each command buffer per dispatch (barriers included); both medians of repetitions; profile us: the profiler's, the same way; run: the row's nth pair; diff: profile vs bench"
header="row            size batch run   disp    bench us     span us  profile us     mean us     diff  kernels"

# What a one-row comparison within 5% prints: file, the row's line, the legend.
one_row_pass() {
  printf '%s\n%s\n%s\nPASS: 1 rows within 5%%\n' "$header" "$2" "$3" > "$1"
}

one_row_pass "$dir/pass" \
  "saxpy         8 MiB     2   1      4      10.000      10.000      10.300      10.300   +3.00%  main#00000001,saxpy" \
  "$legend"
expect "within 5%" 0 "$dir/pass" python3 "$tools/profile_compare.py" "$data/bench.json" "$data/trace.json"

one_row_pass "$dir/dispatch" \
  "saxpy         8 MiB     2   1      4      10.500      12.000      10.300      10.300   -1.90%  main#00000001,saxpy" \
  "$legend"
expect "the dispatches' own timestamps" 0 "$dir/dispatch" python3 "$tools/profile_compare.py" \
  "$dir/bench-dispatch.json" "$data/trace.json"

# --reference: the third file's dispatch_gpu_us (a run without the profiler) is compared.
sed 's/"kronos": {"wall_us": 21.0, "gpu_us": 10.0,/"kronos": {"wall_us": 20.0, "gpu_us": 11.0, "dispatch_gpu_us": 10.1,/' \
  "$data/bench.json" > "$dir/reference.json"
legend_reference="bench us: kronos-bench's GPU us per dispatch, its timestamps around each dispatch (--dispatch-timestamps, in a run without the profiler); span us: its span of each command buffer per dispatch (barriers included); both medians of repetitions; profile us: the profiler's, the same way; run: the row's nth pair; diff: profile vs bench"
one_row_pass "$dir/reference" \
  "saxpy         8 MiB     2   1      4      10.100      12.000      10.300      10.300   +1.98%  main#00000001,saxpy" \
  "$legend_reference"
expect "--reference" 0 "$dir/reference" python3 "$tools/profile_compare.py" --reference \
  "$dir/bench-dispatch.json" "$data/trace.json" "$dir/reference.json"
echo "profile_compare.py: $data/bench.json: no dispatch_gpu_us (kronos-bench --dispatch-timestamps)" \
  > "$dir/noreference"
expect "--reference without dispatch timestamps" 2 "$dir/noreference" \
  python3 "$tools/profile_compare.py" --reference "$data/bench.json" "$data/trace.json" \
  "$data/bench.json"

cat > "$dir/fail" <<END
$header
saxpy         8 MiB     2   1      4      10.000      10.000      10.300      10.300   +3.00%  main#00000001,saxpy
saxpy         8 MiB     2   2      4       9.000       9.000      10.300      10.300  +14.44%  main#00000001,saxpy
$legend
FAIL: 1 of 2 rows differ by more than 5%: saxpy 8 MiB x2 run 2
END
expect "beyond 5%" 1 "$dir/fail" python3 "$tools/profile_compare.py" \
  "$data/bench.json" "$data/trace.json" "$dir/bench9.json" "$data/trace.json"
sed -e 's/^FAIL.*/PASS: 2 rows within 15%/' "$dir/fail" > "$dir/pass15"
expect "--limit 15" 0 "$dir/pass15" python3 "$tools/profile_compare.py" --limit 15 \
  "$data/bench.json" "$data/trace.json" "$dir/bench9.json" "$data/trace.json"

echo "profile_compare.py: $data/trace.json: 0 measured workload rows, not 1 (run one row per kronos-bench process: --workload W --size S --batch B)" > "$dir/notbench"
expect "not a bench.json" 2 "$dir/notbench" python3 "$tools/profile_compare.py" \
  "$data/trace.json" "$data/trace.json"

cat > "$dir/overhead" <<END
row            size batch  runs  kronos off   kronos on  overhead  direct off   direct on    noise
saxpy         8 MiB     2     2      21.000      21.840    +4.00%      20.000      20.000   +0.00%
wall us per unit, medians over runs; overhead: Kronos with KRONOS_PROFILE vs without; noise: the same for the direct side, which profiling leaves alone
PASS: 1 rows within 5%
END
expect "overhead 5%" 0 "$dir/overhead" python3 "$tools/profile_overhead.py" \
  "off:$data/bench.json" "on:$data/bench.json" "off:$data/bench.json" "on:$dir/bench-on.json"
sed -e 's/^PASS.*/FAIL: 1 of 1 rows cost more than 3% with the profiler: saxpy 8 MiB x2/' \
  "$dir/overhead" > "$dir/overhead3"
expect "overhead beyond 3%" 1 "$dir/overhead3" python3 "$tools/profile_overhead.py" --limit 3 \
  "off:$data/bench.json" "on:$data/bench.json" "off:$data/bench.json" "on:$dir/bench-on.json"
[ "$status" = 0 ] && echo pass
exit "$status"
