#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Medians over the runs of a record-cost output file (runs headed "=== LABEL"), per label
# group (the label without its "free-N"/"pinned-N" run name), shape and part: direct, Kronos,
# Kronos - direct, in ns per dispatch.   summarize.py FILE
import re
import statistics
import sys

runs = re.split(r'^=== ', open(sys.argv[1]).read(), flags=re.M)[1:]
table = {}
for run in runs:
    label, body = run.split('\n', 1)
    group = re.sub(r'^(free|pinned)-\d+ ?', '', label) or 'default'
    if 'validation' in label or 'dispatches=' in label:
        continue
    shape = None
    for line in body.split('\n'):
        m = re.match(r'^(\S[\w-]+)\s+direct\s+Kronos', line)
        if m:
            shape = m.group(1)
            continue
        m = re.match(r'^(.+?)\s{2,}([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)$', line)
        if m and shape:
            table.setdefault((group, shape, m.group(1)), []).append(
                (float(m.group(2)), float(m.group(3))))
for (group, shape, part), values in table.items():
    d = statistics.median(v[0] for v in values)
    k = statistics.median(v[1] for v in values)
    dk = statistics.median(v[1] - v[0] for v in values)
    print(f'{group:20s} {shape:18s} {part:34s} {d:7.1f} {k:7.1f} {dk:7.1f}  ({len(values)} runs)')
