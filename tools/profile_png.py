#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draws a Kronos profile (KRONOS_PROFILE's trace JSON): the GPU timeline, one lane per queue
track with its slices as bars coloured by name (label nesting as sub-lanes, deeper below), and
each kernel's total GPU time (commands only: labels hold them), largest first.
Usage: profile_png.py TRACE_JSON OUTPUT_PNG"""
import sys
from collections import defaultdict

from kronos_trace import TraceError, gpu_slices

MAX_BARS = 20  # kernels in the totals panel; the rest are summed in one bar


def totals(slices):
    """[(name, total µs, count)] of the commands (not labels), largest first."""
    total, count = defaultdict(float), defaultdict(int)
    for s in slices:
        if s.kind != "label":
            total[s.name] += s.dur
            count[s.name] += 1
    return sorted(((n, total[n], count[n]) for n in total), key=lambda t: (-t[1], t[0]))


def colors(plt, names):
    cmap = plt.get_cmap("tab20")
    return {name: cmap(i % cmap.N) for i, name in enumerate(names)}


def draw_timeline(ax, slices, color):
    tracks = list(dict.fromkeys(s.track for s in slices))
    depths = {t: max(s.depth for s in slices if s.track == t) + 1 for t in tracks}
    t0 = min(s.ts for s in slices)
    bars = defaultdict(list)  # (track, depth, name) -> [(start ms, width ms)]
    for s in slices:
        bars[(s.track, s.depth, s.name)].append(((s.ts - t0) / 1000, s.dur / 1000))
    ticks, base = [], 0.0
    for t in tracks:
        height = 0.8 / depths[t]
        ticks.append(base + 0.4)
        for (track, depth, name), spans in bars.items():
            if track == t:
                # Depth 0 at the top of the lane: y grows downwards (inverted axis).
                ax.broken_barh(spans, (base + depth * height, height * 0.9),
                               facecolors=color[name], edgecolor="none")
        base += 1.0
    ax.set_yticks(ticks)
    ax.set_yticklabels(tracks, fontsize=8)
    ax.set_ylim(base - 0.1, -0.1)
    ax.set_xlabel("ms since the first GPU slice")
    ax.set_title("GPU timeline (one lane per queue; labels' contents below them)")


def draw_totals(ax, kernels, color):
    shown = kernels[:MAX_BARS]
    rest = kernels[MAX_BARS:]
    rows = [(n, t, c, color[n]) for n, t, c in shown]
    if rest:
        rows.append((f"{len(rest)} others", sum(t for _, t, _ in rest),
                     sum(c for _, _, c in rest), "grey"))
    y = range(len(rows))
    ax.barh(y, [t / 1000 for _, t, _, _ in rows], color=[c for *_, c in rows])
    ax.set_yticks(list(y))
    ax.set_yticklabels([n for n, *_ in rows], fontsize=8)
    ax.invert_yaxis()
    for i, (_, t, c, _) in enumerate(rows):
        ax.annotate(f" {t / 1000:.3f} ms, {c}x, mean {t / c:.1f} us", (t / 1000, i),
                    va="center", fontsize=7)
    ax.set_xlabel("total GPU ms")
    ax.set_title("GPU time per kernel")
    ax.margins(x=0.3)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        slices = gpu_slices(sys.argv[1])
    except TraceError as e:
        sys.exit(f"profile_png.py: {e}")
    if not slices:
        sys.exit(f"profile_png.py: {sys.argv[1]}: no GPU slices to draw")
    from kronos_matplotlib import pyplot
    plt = pyplot("profile_png.py")
    kernels = totals(slices)
    names = [n for n, _, _ in kernels] + sorted({s.name for s in slices if s.kind == "label"})
    color = colors(plt, list(dict.fromkeys(names)))
    lanes = len({s.track for s in slices})
    bars = min(len(kernels), MAX_BARS + 1)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(12, 2.5 + 0.8 * lanes + 0.3 * bars),
        gridspec_kw={"height_ratios": [1.5 + 0.8 * lanes, 1 + 0.3 * bars]},
        constrained_layout=True)
    draw_timeline(top, slices, color)
    draw_totals(bottom, kernels, color)
    fig.suptitle(f"Kronos profile: {sys.argv[1]} ({len(slices)} GPU slices)", fontsize=10)
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
