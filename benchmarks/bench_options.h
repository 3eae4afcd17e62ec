/* SPDX-License-Identifier: MIT */
/* kronos-bench's command line. */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench_stats.h"

#define BENCH_MAX_LIST 16

/* Barriers in the submit rows' command buffers (--submit-barriers). */
enum bench_submit_barriers {
   /* Only where needed: the last submit of an iteration (and command buffer 0, which the
    * round trips submit) makes every earlier write available to the host. */
   BENCH_SUBMIT_BARRIERS_END,
   BENCH_SUBMIT_BARRIERS_HOST, /* every command buffer ends with the barrier to the host */
   BENCH_SUBMIT_BARRIERS_EACH, /* and also starts with a compute-to-compute barrier */
};

struct bench_options {
   bool quick;
   /* Rows by name (workloads, micro or submit rows), by group ("workloads", "micro",
    * "submit"), or as GROUP/NAME ("submit/submit-fences"); none: every row. */
   const char *names[BENCH_MAX_LIST];
   uint32_t name_count;
   uint64_t sizes[BENCH_MAX_LIST]; /* workload input sizes, bytes */
   uint32_t size_count;
   uint32_t batches[BENCH_MAX_LIST]; /* workload applications per submit */
   uint32_t batch_count;
   uint32_t submit_count; /* submits per iteration of submit-fences and submit-nofence */
   enum bench_submit_barriers submit_barriers;
   uint32_t reps, warmups, max_iterations;
   double min_measure_ms, max_row_s;
   uint32_t seed;
   const char *out_dir;        /* NULL: no files */
   const char *device_filter;  /* substring of the vendor device's name; NULL: the first pair */
   const char *plot_script;    /* tools/plot_bench.py */
   bool plot;
   unsigned expect_passthrough; /* bench_passthrough bits: optimizations expected off, whose
                                   vendor counters must equal their application counters, and
                                   BENCH_DROP_ALL (--expect-drop-all) */
   bool list_devices;
   bool validation;            /* VK_LAYER_KHRONOS_validation; any error fails the run */
   bool sync_validation;       /* ... with synchronization validation */
   bool dispatch_timestamps;   /* workload rows also time each dispatch (dispatch_gpu_us) */
   int argc;
   char **argv;
};

/* Parses the command line. Returns -1 to go on, or the exit status (usage printed). */
int bench_options_parse(int argc, char **argv, struct bench_options *out);

/* Whether a row of this name, in this group ("workloads", "micro" or "submit"), is selected:
 * by its name, its group, or GROUP/NAME. */
bool bench_options_selects(const struct bench_options *options, const char *group,
                           const char *name);

/* "64 KiB", "8 MiB", "1.5 MiB", "100 B". */
void bench_format_size(uint64_t bytes, char *out, size_t size);

#endif
