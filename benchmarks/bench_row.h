/* SPDX-License-Identifier: MIT */
/* The benchmark's results: one row per measured case, the two devices, and the checks. */
#ifndef BENCH_ROW_H
#define BENCH_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench_measure.h"
#include "bench_stats.h"

enum bench_row_status { BENCH_ROW_OK, BENCH_ROW_FAILED, BENCH_ROW_SKIPPED };

/* -1: not applicable, 0: failed, 1: passed. */
enum bench_check { BENCH_CHECK_NA = -1, BENCH_CHECK_FAILED = 0, BENCH_CHECK_PASSED = 1 };

struct bench_row {
   char group[16];      /* "workloads", "micro" or "submit" */
   char name[32];       /* "saxpy", "round-trip", ... */
   uint64_t size_bytes; /* workload input size; 0: none */
   char size_label[24]; /* "64 KiB", "1 MiB", "mixed", "-" */
   uint32_t batch;      /* workload applications (micro: units) per submit; 0: none */
   uint32_t dispatches_per_submit; /* 0: none */
   uint32_t submits_per_unit;      /* submit rows: vkQueueSubmit calls per unit; 0: none */
   const char *unit;    /* "dispatch", "allocation", "submit", "round trip", "iteration" */
   enum bench_row_status status;
   char message[512];   /* why it failed or was skipped */

   bool measured;
   struct bench_measurement m;
   struct bench_counter_figures counters; /* from m.delta */
   struct bench_barrier_expect barrier_expect; /* the barrier rows' (set before measuring) */
   enum bench_check counters_check;
   char counters_why[512];

   enum bench_check verify;        /* the workload's CPU reference, on both devices */
   enum bench_check outputs_equal; /* vendor output == Kronos output, byte for byte */
   char verify_why[512];

   double bytes_per_unit; /* bytes read and written per unit (0: not meaningful) */
   double flops_per_unit;
};

struct bench_device_info {
   char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
   char driver_name[VK_MAX_DRIVER_NAME_SIZE];
   char driver_info[VK_MAX_DRIVER_INFO_SIZE];
   uint32_t driver_id;
   uint32_t driver_version_raw;
   char driver_version[32]; /* decoded the vendor's way */
   uint32_t api_version;
   uint32_t vendor_id, device_id;
   char uuid[37];
   double timestamp_period_ns;
   uint32_t timestamp_valid_bits;
};

struct bench_results {
   char date[32]; /* UTC, ISO 8601 */
   struct bench_device_info device[BENCH_SIDE_COUNT];
   struct bench_row *rows;
   size_t count, capacity;
   double duration_s;
};

/* A new zeroed row at the end (NULL: out of memory, reported). The pointer is valid until the
 * next call. */
struct bench_row *bench_results_add(struct bench_results *results, const char *group,
                                    const char *name);

void bench_results_free(struct bench_results *results);

/* Fills the counter figures and check of a measured row; `passthrough` as bench_stats_check. */
void bench_row_check_counters(struct bench_row *row, unsigned passthrough);

/* Whether the row passed every check that applies (skipped rows pass). */
bool bench_row_passed(const struct bench_row *row);

/* Records a failure: status FAILED and the message (printf-style). */
void bench_row_fail(struct bench_row *row, const char *format, ...)
   __attribute__((format(printf, 2, 3)));

/* GB/s and GFLOP/s of one side, from its GPU time where there is one, else its wall time;
 * NaN where not meaningful. */
double bench_row_gbps(const struct bench_row *row, enum bench_side side);
double bench_row_gflops(const struct bench_row *row, enum bench_side side);

/* "passed", "failed" or NULL (not applicable). */
const char *bench_check_name(enum bench_check check);

#endif
