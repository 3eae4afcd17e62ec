#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Splits kronos-bench's chain rows per dispatch: wall, recording, submit (per dispatch), GPU and
the rest (wall - recording - GPU), for Kronos's chain-barriers and the vendor's chain-nobarriers,
one line per log given (tools/gpu-barrier-split.sh).
  tools/bench_chain_split.py LOG..."""
import sys

ROWS = ("chain-barriers", "chain-nobarriers")


def chain_rows(path):
    """{row: (direct, kronos) dicts of wall, record, submit, gpu} from a kronos-bench log."""
    rows = {}
    for line in open(path):
        p = line.split()
        # row, size (2 words), batch, then wall d/k, ratio, record d/k, submit d/k, GPU d/k
        if len(p) > 12 and p[0] in ROWS and p[3] == "256":
            v = [float(x) for x in p[4:13]]
            side = lambda w, r, s, g: {"wall": w, "record": r, "submit": s / 256, "gpu": g,
                                       "rest": w - r - g}
            rows[p[0]] = (side(v[0], v[3], v[5], v[7]), side(v[1], v[4], v[6], v[8]))
    return rows


def main(paths):
    head = "%-16s %7s | %s | %s" % ("run", "ratio", "Kronos chain-barriers: wall record submit gpu rest",
                                      "direct chain-nobarriers: wall record submit gpu rest")
    print(head)
    fields = ("wall", "record", "submit", "gpu", "rest")
    for path in paths:
        rows = chain_rows(path)
        if set(rows) != set(ROWS):
            print("%-16s missing rows" % path.rsplit("/", 1)[-1])
            continue
        k = rows["chain-barriers"][1]
        d = rows["chain-nobarriers"][0]
        print("%-16s %7.3f | %s | %s" % (path.rsplit("/", 1)[-1][:-4], k["wall"] / d["wall"],
                                         " ".join("%6.3f" % k[f] for f in fields),
                                         " ".join("%6.3f" % d[f] for f in fields)))
    print("us per dispatch (submit: the vkQueueSubmit of 256 dispatches / 256); ratio: Kronos's "
          "chain-barriers wall / the vendor's chain-nobarriers wall")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
