/* SPDX-License-Identifier: MIT */
/* What every row needs: the options, the two devices (A: the vendor's, B: Kronos over it),
 * Kronos's statistics, the measurement plan, the results, and the progress line. */
#ifndef BENCH_SESSION_H
#define BENCH_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_measure.h"
#include "bench_options.h"
#include "bench_row.h"
#include "bench_stats.h"

struct bench_session {
   const struct bench_options *options;
   struct kt_device devices[BENCH_SIDE_COUNT];
   struct bench_stats stats; /* of devices[BENCH_KRONOS] */
   struct bench_plan plan;
   struct bench_results *results;
   uint32_t rows_started, rows_total;
};

/* Measures a row on both devices (bench_measure) and checks Kronos's counters for it; a
 * failure is recorded in the row. True when the row was measured. */
bool bench_session_measure(struct bench_session *session, struct bench_row *row, bench_run_fn run,
                           void *const contexts[BENCH_SIDE_COUNT]);

/* "[ 3/40] saxpy 8 MiB x16 ..." on stderr. */
void bench_progress_begin(struct bench_session *session, const struct bench_row *row);

/* The rest of the line: the medians and ratio, or why the row failed or was skipped. */
void bench_progress_end(const struct bench_session *session, const struct bench_row *row);

#endif
