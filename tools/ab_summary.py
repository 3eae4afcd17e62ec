#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Two builds compared (tools/gpu-builds-ab.sh's folders a-N and b-N): per build, the median
over its runs of each record-cost figure (Kronos - direct, ns per dispatch, the process free and
pinned alike) and of each goal figure (tools/goal_rows.py), and B - A.
  tools/ab_summary.py OUT"""
import glob
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from goal_rows import FIELDS, figures  # noqa: E402
from record_cost_summary import parse  # noqa: E402


def record_costs(path):
    """{(shape, call): [K - d, ...]} from one record-cost.txt."""
    out = {}
    for shape, call, _, _, diff in parse(open(path)):
        out.setdefault((shape, call), []).append(diff)
    return out


def build(out_dir, label):
    costs, goals = {}, {}
    for run in sorted(glob.glob(os.path.join(out_dir, label + "-*"))):
        if not os.path.isdir(run):
            continue
        path = os.path.join(run, "record-cost.txt")
        if os.path.exists(path):
            for key, values in record_costs(path).items():
                costs.setdefault(key, []).extend(values)
        for log in glob.glob(os.path.join(run, "runs", "*.log")):
            for k, v in figures(log).items():
                goals.setdefault(k, []).append(v)
    return costs, goals


def main(out_dir):
    ca, ga = build(out_dir, "a")
    cb, gb = build(out_dir, "b")
    print("record-cost, Kronos - direct (ns per dispatch), medians of all runs")
    print("%-52s %8s %8s %8s" % ("shape / call", "A", "B", "B - A"))
    for key in sorted(set(ca) | set(cb)):
        a = statistics.median(ca[key]) if key in ca else None
        b = statistics.median(cb[key]) if key in cb else None
        cells = ["%8.1f" % v if v is not None else "       -" for v in (a, b)]
        diff = "%8.1f" % (b - a) if a is not None and b is not None else "       -"
        print("%-52s %s %s %s" % ("%s / %s" % key, cells[0], cells[1], diff))
    print("\ngoal figures (Kronos / direct), median (min-max) of all runs, free and pinned")
    for k in FIELDS:
        cells = []
        for g in (ga, gb):
            v = g.get(k, [])
            cells.append("%.3f (%.3f-%.3f) n=%d" % (statistics.median(v), min(v), max(v), len(v))
                         if v else "-")
        print("%-8s A %-28s B %s" % (k, cells[0], cells[1]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
