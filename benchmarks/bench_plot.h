/* SPDX-License-Identifier: MIT */
/* The PNG: tools/plot_bench.py (matplotlib), run on the JSON. */
#ifndef BENCH_PLOT_H
#define BENCH_PLOT_H

#include <stdbool.h>

/* Runs `python3 script json png`; false (reported, not fatal) when it fails. */
bool bench_plot(const char *script, const char *json_path, const char *png_path);

#endif
