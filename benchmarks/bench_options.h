/* SPDX-License-Identifier: MIT */
/* kronos-bench's command line. */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_LIST 16

struct bench_options {
   bool quick;
   /* Rows by name (workloads, micro rows, or "workloads" / "micro"); none: every row. */
   const char *names[BENCH_MAX_LIST];
   uint32_t name_count;
   uint64_t sizes[BENCH_MAX_LIST]; /* workload input sizes, bytes */
   uint32_t size_count;
   uint32_t batches[BENCH_MAX_LIST]; /* workload applications per submit */
   uint32_t batch_count;
   uint32_t reps, warmups, max_iterations;
   double min_measure_ms, max_row_s;
   uint32_t seed;
   const char *out_dir;        /* NULL: no files */
   const char *device_filter;  /* substring of the vendor device's name; NULL: the first pair */
   const char *plot_script;    /* tools/plot_bench.py */
   bool plot;
   bool expect_passthrough;    /* every vendor counter must equal its application counter */
   bool list_devices;
   bool validation;            /* VK_LAYER_KHRONOS_validation; any error fails the run */
   bool sync_validation;       /* ... with synchronization validation */
   int argc;
   char **argv;
};

/* Parses the command line. Returns -1 to go on, or the exit status (usage printed). */
int bench_options_parse(int argc, char **argv, struct bench_options *out);

/* Whether a row (workload or micro) of this name, in this group ("workloads" or "micro"), is
 * selected. */
bool bench_options_selects(const struct bench_options *options, const char *group,
                           const char *name);

/* "64 KiB", "8 MiB", "1.5 MiB", "100 B". */
void bench_format_size(uint64_t bytes, char *out, size_t size);

#endif
