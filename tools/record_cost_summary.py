#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Medians over the runs of a file of tools/record-cost outputs, each headed "=== LABEL" (as
tools/gpu-common.sh's gpu_run writes them): per setting (the label without its "free-N" or
"pinned-N" run name; runs labelled with "validation" or "dispatches=" left out), shape and
call, the medians of direct, Kronos, and of Kronos - direct per run, in ns per dispatch.
  tools/record_cost_summary.py FILE"""
import re
import statistics
import sys

ROW = re.compile(r"^(.+?)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*$")


def parse(lines):
    """(shape, call, direct, kronos, kronos - direct) for each row of record-cost's tables."""
    shape = None
    for line in lines:
        m = re.match(r"^(\S+)\s+direct\s+Kronos", line)
        if m:
            shape = m.group(1)
            continue
        m = ROW.match(line)
        if m and shape:
            yield shape, m.group(1), float(m.group(2)), float(m.group(3)), float(m.group(4))


def main(path):
    table = {}
    for run in re.split(r"^=== ", open(path).read(), flags=re.M)[1:]:
        label, body = run.split("\n", 1)
        if "validation" in label or "dispatches=" in label:
            continue
        setting = re.sub(r"^(free|pinned)-\d+ ?", "", label) or "default"
        for shape, call, direct, kronos, diff in parse(body.split("\n")):
            table.setdefault((setting, shape, call), []).append((direct, kronos, diff))
    for (setting, shape, call), rows in table.items():
        d, k, dk = (statistics.median(r[i] for r in rows) for i in range(3))
        print(f"{setting:20s} {shape:18s} {call:34s} {d:7.1f} {k:7.1f} {dk:7.1f}  "
              f"({len(rows)} runs)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
