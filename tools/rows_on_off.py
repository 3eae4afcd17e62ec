#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every kronos-bench row's Kronos / direct ratio in two sets of runs of one machine session (an
optimization on, then off): the median of each set's runs per row, their relative difference,
and how many rows are within 2%, faster or slower with it on. FIELD is a per-side figure of
bench.json (wall_us, gpu_us, record_submit_us); rows without it on both sides are left out.
  tools/rows_on_off.py FIELD ON_RUN[,ON_RUN...] OFF_RUN[,OFF_RUN...]
(a run is a kronos-bench --out folder)"""
import json
import statistics
import sys


def ratios(run, field):
    out = {}
    with open(run + "/bench.json") as f:
        rows = json.load(f)["rows"]
    for row in rows:
        direct, kronos = row.get("direct") or {}, row.get("kronos") or {}
        d, k = direct.get(field), kronos.get(field)
        if row.get("status") == "ok" and d and k:
            out[(row["name"], row["size"], row["batch"])] = k / d
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    field = sys.argv[1]
    on = [ratios(r, field) for r in sys.argv[2].split(",")]
    off = [ratios(r, field) for r in sys.argv[3].split(",")]
    keys = [k for k in on[0] if all(k in runs for runs in on + off)]
    within, faster, slower = 0, 0, []
    print(f"{field}, Kronos / direct: median of {len(on)} run(s) on, {len(off)} off")
    for key in keys:
        a = statistics.median(runs[key] for runs in on)
        b = statistics.median(runs[key] for runs in off)
        rel = a / b - 1
        if abs(rel) <= 0.02:
            within += 1
        elif rel < 0:
            faster += 1
        else:
            slower.append((rel, key))
        print(f"{key[0]:<22} {key[1]:<8} x{key[2]:<4} on {a:6.3f}  off {b:6.3f}  {rel:+7.1%}")
    print(f"rows {len(keys)}: within 2% {within}, faster with it on {faster}, "
          f"slower {len(slower)}")
    for rel, key in sorted(slower, reverse=True):
        print(f"  slower: {key[0]} {key[1]} x{key[2]} {rel:+.1%}")


if __name__ == "__main__":
    main()
