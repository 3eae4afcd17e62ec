/* SPDX-License-Identifier: MIT */
/* The micro rows, which isolate what Kronos's optimizations target: allocation churn
 * (bench_micro_alloc.h), small submits with fences, submit-and-wait round trips, chains of
 * independent dispatches with full barriers, per-dispatch descriptor updates
 * (bench_micro_kernel.h), and an ML framework's descriptor sets (bench_micro_framework.h). */
#ifndef BENCH_MICRO_H
#define BENCH_MICRO_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_session.h"

/* How many rows bench_run_micro_rows adds. */
uint32_t bench_micro_row_count(const struct bench_options *options);

/* Adds and runs the selected micro rows; failures are recorded in the rows. False: out of
 * memory. */
bool bench_run_micro_rows(struct bench_session *session);

/* Whether `name` is a micro row. */
bool bench_is_micro(const char *name);

#endif
