#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Plots kronos-bench's JSON: the Kronos/direct wall-time ratio of every row, one panel per
workload (bars per input size and batch) and one for the micro rows; dots mark the GPU-time
ratio where the device has timestamps. Usage: plot_bench.py BENCH_JSON OUTPUT_PNG"""
import json
import math
import sys

from kronos_matplotlib import pyplot

plt = pyplot("plot_bench.py")


def ratio(row, key):
    value = (row.get("ratio") or {}).get(key)
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def panels(rows):
    """[(title, [(group label, [(bar label, wall ratio, gpu ratio)])])]"""
    measured = [r for r in rows if r.get("status") == "ok"]
    out = []
    workloads = []
    for r in measured:
        if r["group"] == "workloads" and r["name"] not in workloads:
            workloads.append(r["name"])
    for name in workloads:
        groups = []
        for r in measured:
            if r["group"] != "workloads" or r["name"] != name:
                continue
            if not groups or groups[-1][0] != r["size"]:
                groups.append((r["size"], []))
            groups[-1][1].append((f"x{r['batch']}", ratio(r, "wall"), ratio(r, "gpu")))
        out.append((name, groups))
    micro = [(r["name"], [("", ratio(r, "wall"), ratio(r, "gpu"))])
             for r in measured if r["group"] in ("micro", "submit")]
    if micro:
        out.append(("micro rows", micro))
    return out


def draw(ax, title, groups):
    x = 0.0
    ticks, labels = [], []
    colors = ["#4c72b0", "#55a868", "#c44e52", "#8172b2", "#ccb974", "#64b5cd"]
    for label, bars in groups:
        start = x
        for i, (bar_label, wall, gpu) in enumerate(bars):
            if wall is not None:
                ax.bar(x, wall, width=0.8, color=colors[i % len(colors)])
                ax.annotate(f"{wall:.2f}", (x, wall), ha="center", va="bottom", fontsize=7)
            if gpu is not None:
                ax.plot(x, gpu, "k.", markersize=6)
            if bar_label:
                ax.annotate(bar_label, (x, 0), xytext=(0, 2), textcoords="offset points",
                            ha="center", va="bottom", fontsize=7, color="white")
            x += 1.0
        ticks.append((start + x - 1.0) / 2)
        labels.append(label)
        x += 0.6
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    values = [v for _, bars in groups for _, w, g in bars for v in (w, g) if v]
    if values and min(values) < 0.2:  # an optimization's large win: keep 1.0 readable too
        ax.set_yscale("log")
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, rotation=30 if title == "micro rows" else 0,
                       ha="right" if title == "micro rows" else "center", fontsize=8)
    ax.set_title(title)
    ax.set_ylabel("Kronos / direct (wall)")
    if ax.get_yscale() == "linear":
        ax.set_ylim(bottom=0)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        data = json.load(f)
    content = panels(data.get("rows", []))
    if not content:
        sys.exit("plot_bench.py: no measured rows to plot")
    columns = min(3, len(content))
    rows = (len(content) + columns - 1) // columns
    height = 3.8 * rows + 0.8
    fig, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, height), squeeze=False,
                             constrained_layout=True)
    for ax, (title, groups) in zip(axes.flat, content):
        draw(ax, title, groups)
    for ax in list(axes.flat)[len(content):]:
        ax.axis("off")
    vendor = data.get("vendor", {})
    fig.suptitle(f"Kronos / direct on {data.get('card', '?')} — {vendor.get('driver_name', '?')} "
                 f"{vendor.get('driver_version', '')}, {data.get('date', '')}\n"
                 "bars: wall time per unit (x = applications per submit); dots: GPU time; "
                 "below 1: Kronos faster", fontsize=10)
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
