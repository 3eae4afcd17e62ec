#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares Kronos's profiler with kronos-bench's own GPU time, per workload row. Each pair is
one kronos-bench run of one workload row (--workload W --size S --batch B --out DIR) made with
KRONOS_PROFILE=TRACE: DIR/bench.json and TRACE. The row's measured dispatches on the Kronos
device are the last reps x units_per_measurement dispatch slices of the trace (the warm-ups and
the first sizing run come before them, the check's copies after, and setup work is copies and
fills); the profiler's figure is, as the benchmark's, the median over the repetitions of the
mean GPU µs per dispatch. The benchmark's figure compared is its own timestamps around each
dispatch (dispatch_gpu_us, kronos-bench --dispatch-timestamps): with --reference, from a third
file per row, a run of the same row without the profiler (so that each dispatch is bracketed by
one pair of timestamps in both, the benchmark's there and the profiler's here: the benchmark's
pair around the profiler's would also hold the cost of the profiler's own timestamps); else
from BENCH_JSON itself when it has it; else its span of each command buffer (gpu_us), which
also holds the barriers between dispatches. The span is printed too. "mean" is the mean over
all measured dispatches.
Exits 1 when a row differs by more than --limit percent, 2 on an unreadable or unexpected file.
Usage: profile_compare.py [--limit PCT] BENCH_JSON TRACE_JSON [BENCH_JSON TRACE_JSON...]
       profile_compare.py [--limit PCT] --reference BENCH_JSON TRACE_JSON REFERENCE_JSON [...]"""
import argparse
import json
import statistics
import sys

from kronos_trace import TraceError, gpu_slices


class InputError(Exception):
    pass


def bench_row(path):
    """The one measured workload row of a bench.json."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON: {e}") from None
    rows = [r for r in data.get("rows", []) if isinstance(r, dict) and
            r.get("group") == "workloads" and r.get("status") == "ok"] \
        if isinstance(data, dict) else []
    if len(rows) != 1:
        raise InputError(f"{path}: {len(rows)} measured workload rows, not 1 (run one row per "
                         "kronos-bench process: --workload W --size S --batch B)")
    return rows[0]


def compare(bench_path, trace_path, reference_path=None):
    """(row label, size, batch, dispatches, bench dispatch µs, span µs, profile µs, mean µs,
    kernels)."""
    row = bench_row(bench_path)
    kronos = row.get("kronos") or {}
    reps, per_rep = row.get("reps"), kronos.get("units_per_measurement")
    if not isinstance(reps, int) or not isinstance(per_rep, int) or reps < 1 or per_rep < 1:
        raise InputError(f"{bench_path}: the row has no reps or units_per_measurement")
    count = reps * per_rep
    try:
        dispatches = [s for s in gpu_slices(trace_path) if s.kind == "dispatch"]
    except TraceError as e:
        raise InputError(str(e)) from None
    if len({s.track for s in dispatches}) > 1:
        raise InputError(f"{trace_path}: dispatches on several queues")
    dispatches.sort(key=lambda s: s.ts)
    if len(dispatches) < count:
        raise InputError(f"{trace_path}: {len(dispatches)} dispatch slices, fewer than the "
                         f"row's {reps} x {per_rep} measured ones")
    measured = dispatches[-count:]
    rep_means = [statistics.fmean(s.dur for s in measured[i * per_rep:(i + 1) * per_rep])
                 for i in range(reps)]
    kernels = ",".join(sorted({s.name for s in measured}))
    def number(side, key):
        value = side.get(key)
        return value if isinstance(value, (int, float)) else None
    dispatch = number(kronos, "dispatch_gpu_us")
    if reference_path:
        reference = bench_row(reference_path)
        if (reference["name"], reference.get("size"), reference.get("batch")) != \
                (row["name"], row.get("size"), row.get("batch")):
            raise InputError(f"{reference_path}: not the row of {bench_path}")
        dispatch = number(reference.get("kronos") or {}, "dispatch_gpu_us")
        if dispatch is None:
            raise InputError(f"{reference_path}: no dispatch_gpu_us (kronos-bench "
                             "--dispatch-timestamps)")
    return (row["name"], row.get("size", "?"), row.get("batch", "?"), count,
            dispatch, number(kronos, "gpu_us"), statistics.median(rep_means),
            statistics.fmean(s.dur for s in measured), kernels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=5.0,
                        help="largest difference allowed, percent of the benchmark's (5)")
    parser.add_argument("--reference", action="store_true",
                        help="files come in triples, the third a run of the row without the "
                             "profiler, with --dispatch-timestamps")
    parser.add_argument("files", nargs="+", metavar="BENCH_JSON TRACE_JSON [REFERENCE_JSON]")
    args = parser.parse_args()
    group = 3 if args.reference else 2
    if len(args.files) % group:
        parser.error("files come in " + ("triples: BENCH_JSON TRACE_JSON REFERENCE_JSON"
                                         if args.reference else "pairs: BENCH_JSON TRACE_JSON"))
    try:
        results = [compare(*args.files[i:i + group])
                   for i in range(0, len(args.files), group)]
    except InputError as e:
        print(f"profile_compare.py: {e}", file=sys.stderr)
        return 2
    print(f"{'row':<10} {'size':>8} {'batch':>5} {'run':>3} {'disp':>6} {'bench us':>11} "
          f"{'span us':>11} {'profile us':>11} {'mean us':>11} {'diff':>8}  kernels")
    beyond, runs = [], {}
    for name, size, batch, count, dispatch, span, profile, mean, kernels in results:
        run = runs[(name, size, batch)] = runs.get((name, size, batch), 0) + 1
        bench = dispatch if dispatch is not None else span
        span_text = f"{span:11.3f}" if span is not None else f"{'n/a':>11}"
        if bench:
            diff = 100.0 * (profile - bench) / bench
            shown, text = f"{bench:11.3f}", f"{diff:+7.2f}%"
            if abs(diff) > args.limit:
                beyond.append(f"{name} {size} x{batch} run {run}")
        else:
            shown, text = f"{'n/a':>11}", f"{'n/a':>8}"
        print(f"{name:<10} {size:>8} {batch:>5} {run:>3} {count:>6} {shown} {span_text} "
              f"{profile:11.3f} {mean:11.3f} {text}  {kernels}")
    print("bench us: kronos-bench's GPU us per dispatch, its timestamps around each dispatch "
          "(--dispatch-timestamps" + (", in a run without the profiler" if args.reference
                                      else "; else its span") +
          "); span us: its span of each command buffer per dispatch (barriers included); both "
          "medians of repetitions; profile us: the profiler's, the same way; run: the row's "
          "nth pair; diff: profile vs bench")
    if beyond:
        print(f"FAIL: {len(beyond)} of {len(results)} rows differ by more than "
              f"{args.limit:g}%: {'; '.join(beyond)}")
        return 1
    print(f"PASS: {len(results)} rows within {args.limit:g}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
