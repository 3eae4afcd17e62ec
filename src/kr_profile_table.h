/* SPDX-License-Identifier: MIT */
/* The per-kernel table of a profile (issue 13): each timed command's GPU duration under its
 * name, and at the end, per name, the count, total, mean, median and 99th percentile, its share
 * of all the GPU time, and the grid sizes it ran with; sorted by total time. Pure logic: the
 * profiler feeds it durations, in nanoseconds, as it reads them. Not thread-safe: the profiler
 * serializes its calls. */
#ifndef KR_PROFILE_TABLE_H
#define KR_PROFILE_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <vulkan/vulkan.h>

/* The grid sizes kept per name, the most frequent first; the rest are counted together. */
#define KR_PROFILE_GRIDS 4

struct kr_profile_grid {
   uint32_t x, y, z;
   uint64_t count;
};

struct kr_profile_kernel {
   char *name;
   uint64_t hash;
   uint64_t *durations_ns; /* every one: the median and percentile are exact */
   uint64_t count, capacity;
   uint64_t total_ns;
   struct kr_profile_grid grids[KR_PROFILE_GRIDS];
   uint32_t grid_count;
   uint64_t other_grids; /* dispatches with a grid not among grids[] once they were full */
};

struct kr_profile_table {
   const VkAllocationCallbacks *alloc;
   struct kr_profile_kernel *kernels;
   uint32_t count, capacity;
   uint64_t total_ns;
};

/* One name's figures, for printing and for tests. */
struct kr_profile_row {
   const struct kr_profile_kernel *kernel;
   uint64_t count, total_ns, mean_ns, median_ns, p99_ns;
   double share; /* of the table's total GPU time, 0 to 1 */
};

void kr_profile_table_init(struct kr_profile_table *table, const VkAllocationCallbacks *alloc);

/* One timed command of that name (copied), duration_ns long; grid: its workgroup counts (a
 * dispatch), or NULL (a copy, fill or update). VK_ERROR_OUT_OF_HOST_MEMORY leaves the table as
 * it was. */
VkResult kr_profile_table_add(struct kr_profile_table *table, const char *name,
                              uint64_t duration_ns, const uint32_t grid[3]);

/* The rows, by total time (the largest first; equal totals by name), in rows[0..table->count).
 * Sorts each name's durations. */
void kr_profile_table_rows(struct kr_profile_table *table, struct kr_profile_row *rows);

/* The table as text, a header line then one line per name; nothing when it is empty. False when
 * out of host memory (nothing printed) or when writing failed. */
bool kr_profile_table_print(struct kr_profile_table *table, FILE *out);

void kr_profile_table_finish(struct kr_profile_table *table);

#endif
