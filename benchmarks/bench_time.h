/* SPDX-License-Identifier: MIT */
/* Clocks and medians of the benchmark. Wall time and the time spent inside calls (recording,
 * vkQueueSubmit) are CLOCK_MONOTONIC intervals on the calling thread; process CPU time
 * (CLOCK_PROCESS_CPUTIME_ID) also counts the drivers' own threads. */
#ifndef BENCH_TIME_H
#define BENCH_TIME_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC, in nanoseconds. */
uint64_t bench_wall_ns(void);

/* CPU time of the whole process (every thread), in nanoseconds. */
uint64_t bench_process_cpu_ns(void);

/* The median of the values that are not NaN (the mean of the middle two for an even count);
 * NaN when there are none. `values` is not modified. */
double bench_median(const double *values, size_t count);

/* "2026-11-27T07:23:00Z": the current UTC time, ISO 8601. */
void bench_utc_date(char *out, size_t size);

#endif
