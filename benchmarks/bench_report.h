/* SPDX-License-Identifier: MIT */
/* The benchmark's output: the table at the end of a run (stdout), the JSON with every figure,
 * and the markdown summary. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bench_options.h"
#include "bench_row.h"

/* The table, a legend, and every failed check with its reason. */
void bench_report_table(FILE *out, const struct bench_results *results);

/* Writes the JSON; false (reported) when the file cannot be written. */
bool bench_report_json(const char *path, const struct bench_results *results,
                       const struct bench_options *options);

/* Writes the markdown summary (card, driver, date, per-call overhead of the small rows, all
 * rows); false (reported) when the file cannot be written. */
bool bench_report_markdown(const char *path, const struct bench_results *results,
                           const struct bench_options *options);

/* Formats a figure for a table: "-" for NaN, else 3 significant-ish digits. */
void bench_format_figure(double value, char *out, size_t size);

/* The row's check column: "ok", "skip", "FAIL" and what failed. */
void bench_format_check(const struct bench_row *row, char *out, size_t size);

/* chain-barriers against chain-nobarriers, both of one run: wall and GPU time per dispatch of
 * chain-barriers through Kronos (kronos_*) and directly (direct_*) over chain-nobarriers
 * directly. NaN where a figure is missing. */
struct bench_barrier_summary {
   double kronos_wall, direct_wall, kronos_gpu, direct_gpu;
};

/* False when either row is missing or was not measured. */
bool bench_barrier_summary(const struct bench_results *results,
                           struct bench_barrier_summary *out);

/* The barrier rows' tables (rows with a barrier expectation) and the summary above; nothing
 * without such rows. */
void bench_report_barrier_table(FILE *out, const struct bench_results *results);
void bench_report_barrier_markdown(FILE *out, const struct bench_results *results);

/* How many rows failed a check. */
size_t bench_results_failures(const struct bench_results *results);

#endif
