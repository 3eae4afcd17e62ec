/* SPDX-License-Identifier: MIT */
/* The A/B measurement of one row: the same work on the vendor's device directly (A) and on
 * Kronos over it (B), alternating, after a warm-up, with inner iterations raised until one
 * measurement lasts long enough to time, and several repetitions whose medians are reported.
 * Kronos's statistics are read around the measured repetitions of side B. */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_stats.h"
#include "kt.h"

enum bench_side { BENCH_DIRECT = 0, BENCH_KRONOS = 1, BENCH_SIDE_COUNT = 2 };

#define BENCH_MAX_REPS 64

/* One measurement of one side. The harness times wall_ns and cpu_ns around the run function;
 * the run function adds the rest: record_ns, submit_ns and gpu_ns start at 0 and become NaN
 * where the row has no such phase (or, for gpu_ns, no timestamps); latency_ns starts NaN, and
 * a row that measures a latency (from submitting to the host seeing the result) sets it to 0
 * and adds to it. */
struct bench_sample {
   uint64_t units;   /* what the row counts: dispatches, allocations, submits, round trips */
   uint64_t submits; /* vkQueueSubmit calls */
   double wall_ns, record_ns, submit_ns, gpu_ns, cpu_ns, latency_ns;
   double dispatch_gpu_ns; /* the timed dispatches alone (--dispatch-timestamps); NaN: none */
   struct bench_did did; /* application calls made, for checking the counters */
};

/* Runs the row's work `iterations` times on one side, adding to *sample. */
typedef VkResult (*bench_run_fn)(void *context, uint32_t iterations, struct bench_sample *sample);

struct bench_plan {
   uint32_t warmups;        /* warm-up pairs, the first of which also sizes the iterations */
   uint32_t reps;           /* measured pairs, at most BENCH_MAX_REPS */
   double min_measure_ns;   /* inner iterations grow until one measurement lasts this long */
   uint32_t max_iterations; /* ... but no further */
   double max_row_ns;       /* repetitions shrink (to 3 at least) to keep a row under this */
};

/* Per unit (submit: per vkQueueSubmit), in microseconds. record_submit_us is the CPU time of
 * recording and vkQueueSubmit together, per unit (NaN for rows that record nothing). */
struct bench_figures {
   double wall_us, record_us, submit_us, gpu_us, cpu_us, latency_us, record_submit_us;
   double dispatch_gpu_us;
};

struct bench_side_result {
   struct bench_figures samples[BENCH_MAX_REPS]; /* one per measured repetition */
   struct bench_figures median;
   uint64_t units, submits; /* per measurement */
   double first_wall_ns;    /* the first warm-up measurement (one iteration) */
};

struct bench_measurement {
   uint32_t iterations, warmups, reps;
   bool reps_reduced;
   struct bench_side_result side[BENCH_SIDE_COUNT];
   struct bench_did did;           /* what side B did in its measured repetitions */
   VkKronosDeviceStatistics delta; /* Kronos's counters over them */
};

/* Measures one row. `contexts` are the run function's contexts for A and B; `stats` reads
 * side B's device. Failures are reported and returned. */
VkResult bench_measure(const struct bench_plan *plan, const struct bench_stats *stats,
                       bench_run_fn run, void *const contexts[BENCH_SIDE_COUNT],
                       struct bench_measurement *out);

/* Kronos / direct of a figure (NaN when either is missing or direct is 0). */
double bench_ratio(double kronos, double direct);

#endif
