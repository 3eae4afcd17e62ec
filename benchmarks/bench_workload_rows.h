/* SPDX-License-Identifier: MIT */
/* The workload rows: every selected workload x input size x batch (applications per submit),
 * recorded as an application records it, submitted and waited for, on both devices. After the
 * batches of a workload and size, both devices verify their output against the CPU reference
 * and the two outputs must be equal byte for byte. */
#ifndef BENCH_WORKLOAD_ROWS_H
#define BENCH_WORKLOAD_ROWS_H

#include <stdint.h>

#include "bench_session.h"

/* How many rows bench_run_workload_rows adds. */
uint32_t bench_workload_row_count(const struct bench_options *options);

/* Adds and runs the rows; failures are recorded in the rows. False: out of memory. */
bool bench_run_workload_rows(struct bench_session *session);

/* Whether `name` is a workload. */
bool bench_is_workload(const char *name);

#endif
