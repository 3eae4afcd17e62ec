#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The paired goals (tools/record-cost's closing lines) of a file of runs, each run headed
"=== WHERE-ROUND SETTING" (tools/gpu-common.sh's gpu_free_pinned labels, e.g. "free-1
disable=none" or "pinned-2 setting=KRONOS_WAIT_POLL_US=0"): per goal, every run's median, then
the median of each SETTING's runs; and the runs that did not exit 0.
  tools/paired_summary.py FILE"""
import re
import statistics
import sys


def parse(lines):
    """({goal: {label: ratio}}, [labels of failed runs]) in the file's order."""
    goals, failed, label = {}, [], None
    for line in lines:
        if line.startswith("=== "):
            label = line[4:].strip()
            continue
        if line.startswith("exit status ") and line.strip() != "exit status 0":
            failed.append(label)
        m = re.match(r"^(.+?)\s+(\d+\.\d+) \(quartiles", line)
        if m and label:
            goals.setdefault(m.group(1), {})[label] = float(m.group(2))
    return goals, failed


def main(path):
    goals, failed = parse(open(path))
    print("paired goal ratios (tools/record-cost), each run's median over its repetitions")
    for goal, runs in goals.items():
        print("\n" + goal)
        by_setting = {}
        for label, ratio in runs.items():
            print("  %-40s %.3f" % (label, ratio))
            by_setting.setdefault(label.split(" ", 1)[-1], []).append(ratio)
        for setting, values in by_setting.items():
            print("  median of %-29s %.3f (%d runs)" % (setting, statistics.median(values),
                                                       len(values)))
    print("\nfailed runs: %d%s" % (len(failed), "".join("\n  " + f for f in failed)))


if __name__ == "__main__":
    main(sys.argv[1])
