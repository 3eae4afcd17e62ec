#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The profiler's cost per kronos-bench workload row: the Kronos side's wall time per unit with
KRONOS_PROFILE off and on, the median over runs of each run's median. The direct side (the
vendor's own device, never profiled) is shown as the noise between runs. Each argument is a
bench.json of one row, tagged off: or on:. Exits 1 when a row's overhead exceeds --limit
percent, 2 on an unreadable or unexpected file.
Usage: profile_overhead.py [--limit PCT] off:BENCH_JSON|on:BENCH_JSON..."""
import argparse
import statistics
import sys

from profile_compare import InputError, bench_row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=float, default=5.0,
                        help="largest overhead allowed, percent (5)")
    parser.add_argument("files", nargs="+", metavar="off:BENCH_JSON|on:BENCH_JSON")
    args = parser.parse_args()
    rows = {}  # (name, size, batch) -> {"off": [(kronos, direct)], "on": [...]}
    try:
        for tagged in args.files:
            tag, _, path = tagged.partition(":")
            if tag not in ("off", "on") or not path:
                parser.error(f"{tagged}: not off:PATH or on:PATH")
            row = bench_row(path)
            walls = [(row.get(side) or {}).get("wall_us") for side in ("kronos", "direct")]
            if not all(isinstance(w, (int, float)) for w in walls):
                raise InputError(f"{path}: the row has no wall_us")
            key = (row["name"], row.get("size", "?"), row.get("batch", "?"))
            rows.setdefault(key, {"off": [], "on": []})[tag].append(walls)
    except InputError as e:
        print(f"profile_overhead.py: {e}", file=sys.stderr)
        return 2
    print(f"{'row':<10} {'size':>8} {'batch':>5} {'runs':>5} {'kronos off':>11} "
          f"{'kronos on':>11} {'overhead':>9} {'direct off':>11} {'direct on':>11} "
          f"{'noise':>8}")
    beyond = []
    for (name, size, batch), runs in rows.items():
        if not runs["off"] or not runs["on"]:
            print(f"profile_overhead.py: {name} {size} x{batch}: no runs {'off' if runs['on'] else 'on'}",
                  file=sys.stderr)
            return 2
        k_off, k_on, d_off, d_on = (statistics.median(w[i] for w in runs[tag])
                                    for i, tag in ((0, "off"), (0, "on"), (1, "off"), (1, "on")))
        overhead = 100.0 * (k_on - k_off) / k_off
        noise = 100.0 * (d_on - d_off) / d_off
        if overhead > args.limit:
            beyond.append(f"{name} {size} x{batch}")
        print(f"{name:<10} {size:>8} {batch:>5} {len(runs['on']):>5} {k_off:11.3f} "
              f"{k_on:11.3f} {overhead:+8.2f}% {d_off:11.3f} {d_on:11.3f} {noise:+7.2f}%")
    print("wall us per unit, medians over runs; overhead: Kronos with KRONOS_PROFILE vs without; "
          "noise: the same for the direct side, which profiling leaves alone")
    if beyond:
        print(f"FAIL: {len(beyond)} of {len(rows)} rows cost more than {args.limit:g}% with "
              f"the profiler: {'; '.join(beyond)}")
        return 1
    print(f"PASS: {len(rows)} rows within {args.limit:g}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
