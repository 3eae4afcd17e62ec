/* SPDX-License-Identifier: MIT */
/* The "submit" group: the cost and latency of submitting (bench_micro_submit.h), on a pair of
 * devices of its own (bench_submit_device.h: timeline semaphores enabled), measured like every
 * row, with Kronos's counters from those devices' statistics. */
#ifndef BENCH_SUBMIT_ROWS_H
#define BENCH_SUBMIT_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_session.h"

#define BENCH_SUBMIT_GROUP "submit"

/* How many rows bench_run_submit_rows adds. */
uint32_t bench_submit_row_count(const struct bench_options *options);

/* Adds and runs the selected submit rows; failures are recorded in the rows. False: out of
 * memory. */
bool bench_run_submit_rows(struct bench_session *session);

/* Whether `name` is a submit row. */
bool bench_is_submit_row(const char *name);

#endif
