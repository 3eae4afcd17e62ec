#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarises tools/gpu-round-trip.sh's rows.txt: for each build, setting and row, the median
over rounds of the wall-time ratio Kronos / direct (computed from the two walls, not the table's
rounded ratio), of the GPU-time ratio, and of the round trip's host part, Kronos's minus the
direct side's (wall minus GPU time, µs per dispatch).

Each line of rows.txt: ROUND BUILD SETTING NAME SIZE UNIT BATCH WALL_D WALL_K RATIO REC_D REC_K
SUB_D SUB_K GPU_D GPU_K ... as kronos-bench's table prints a workload row."""
import statistics
import sys
from collections import OrderedDict


def main(path):
    groups = OrderedDict()
    with open(path) as rows:
        for line in rows:
            f = line.split()
            if len(f) < 16:
                continue
            try:
                wall_d, wall_k, gpu_d, gpu_k = (float(f[i]) for i in (7, 8, 14, 15))
            except ValueError:
                continue
            key = (f[1], f[2], f"{f[3]} {f[4]} {f[5]} x{f[6]}")
            groups.setdefault(key, []).append(
                (wall_k / wall_d, gpu_k / gpu_d, (wall_k - gpu_k) - (wall_d - gpu_d)))
    print(f"{'build':<24} {'setting':<8} {'row':<20} {'n':>2} {'wall K/d':>9} "
          f"{'(min-max)':>13} {'GPU K/d':>8} {'host K-d us':>11}")
    for (build, setting, row), values in groups.items():
        walls = [v[0] for v in values]
        print(f"{build:<24} {setting:<8} {row:<20} {len(values):>2} "
              f"{statistics.median(walls):>9.3f} ({min(walls):.3f}-{max(walls):.3f}) "
              f"{statistics.median(v[1] for v in values):>8.3f} "
              f"{statistics.median(v[2] for v in values):>11.1f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: round_trip_summary.py ROWS.txt")
    main(sys.argv[1])
