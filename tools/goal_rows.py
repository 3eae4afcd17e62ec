#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The goal figures of issues 10 and 11 from kronos-bench logs (tools/gpu-record-cost.sh), one
line per log and the median per mode (a log named MODE-N.log):
  chain    chain-barriers through Kronos / chain-nobarriers directly, wall per dispatch (<= 1.2)
  nobar    chain-nobarriers through Kronos / directly, wall per dispatch
  rec-bar  recording per dispatch: Kronos's chain-barriers / the vendor's chain-nobarriers
  rec-no   recording per dispatch: chain-nobarriers, Kronos / direct
  d-upd    descriptor-updates, recording + submit CPU per dispatch, Kronos / direct (<= 1.0)
  d-fw     descriptor-framework, the same (<= 1.0)
  tools/goal_rows.py LOG..."""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_chain_split import chain_rows  # noqa: E402

FIELDS = ("chain", "nobar", "rec-bar", "rec-no", "d-upd", "d-fw")


def figures(path):
    text = open(path).read()
    out = {}
    rows = chain_rows(path)
    if "chain-barriers" in rows and "chain-nobarriers" in rows:
        kb = rows["chain-barriers"][1]
        dn, kn = rows["chain-nobarriers"]
        out["chain"] = kb["wall"] / dn["wall"]
        out["nobar"] = kn["wall"] / dn["wall"]
        out["rec-bar"] = kb["record"] / dn["record"]
        out["rec-no"] = kn["record"] / dn["record"]
    for row, field in (("descriptor-updates", "d-upd"), ("descriptor-framework", "d-fw")):
        # the descriptor rows table: row, batch, app, vendor, direct, kronos, ratio
        m = re.search(r"^%s\s+\d+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S+)\s*$" % row, text, re.M)
        if m:
            out[field] = float(m.group(1))
    return out


def main(paths):
    print("%-12s %s" % ("run", " ".join("%7s" % f for f in FIELDS)))
    modes = {}
    for path in sorted(paths):
        name = os.path.basename(path)[:-4]
        f = figures(path)
        modes.setdefault(name.rsplit("-", 1)[0], []).append(f)
        print("%-12s %s" % (name, " ".join("%7.3f" % f[k] if k in f else "      -"
                                           for k in FIELDS)))
    for mode, runs in sorted(modes.items()):
        med = []
        for k in FIELDS:
            values = [r[k] for r in runs if k in r]
            med.append("%7.3f" % statistics.median(values) if values else "      -")
        print("%-12s %s" % ("median " + mode, " ".join(med)))
    print(__doc__.split("\n  tools/")[0])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
