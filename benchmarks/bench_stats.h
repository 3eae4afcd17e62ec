/* SPDX-License-Identifier: MIT */
/* Kronos's statistics as the benchmark uses them: read with vkGetDeviceStatisticsKRONOS around
 * the measured part of a row, differenced, turned into the per-dispatch figures the report
 * prints, and checked against what the benchmark did. Every figure printed comes from these
 * counters; what the benchmark did is used only to check them. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kronos/kronos.h>

#include "kt.h"

struct bench_stats {
   VkDevice device;
   PFN_vkGetDeviceStatisticsKRONOS get;
};

/* Finds vkGetDeviceStatisticsKRONOS on `device` (a Kronos device); reports and fails when the
 * driver does not have it. */
VkResult bench_stats_init(const struct kt_device *device, struct bench_stats *out);

VkResult bench_stats_read(const struct bench_stats *stats, VkKronosDeviceStatistics *out);

/* after - before, counter by counter (pool bytes: the value after). */
void bench_stats_delta(const VkKronosDeviceStatistics *before,
                       const VkKronosDeviceStatistics *after, VkKronosDeviceStatistics *delta);

/* The figures of a row, from a delta. Ratios with a zero denominator are NaN. */
struct bench_counter_figures {
   double descriptor_writes_per_dispatch; /* vendor descriptor writes / application dispatches */
   double app_descriptor_writes_per_dispatch; /* application descriptor writes / dispatches */
   double barriers_per_dispatch;          /* vendor barriers / application dispatches */
   double app_barriers_per_dispatch;      /* application barriers / application dispatches */
   double vendor_submits_per_app_submit;  /* vendor submits / application submits */
   double app_submits_per_vendor_submit;  /* application submits / vendor submits */
   uint64_t vendor_allocations;           /* vendor vkAllocateMemory calls */
};

void bench_stats_figures(const VkKronosDeviceStatistics *delta,
                         struct bench_counter_figures *out);

/* What the benchmark did on the Kronos device in the measured part: exact counts of
 * application calls, or BENCH_COUNT_POSITIVE where only "some" is known (the barriers a
 * workload records). */
#define BENCH_COUNT_POSITIVE UINT64_MAX

struct bench_did {
   uint64_t allocations, frees, submits, barriers, dispatches, descriptor_writes;
};

/* a += b, where POSITIVE absorbs. */
void bench_did_add(struct bench_did *a, const struct bench_did *b);

/* Kronos's optimizations that a run expects to be off (KRONOS_DISABLE), as bits: with one off,
 * the vendor counters it would lower must equal their application counters. */
enum bench_passthrough {
   BENCH_PASSTHROUGH_POOL = 1u << 0,       /* allocations, frees */
   BENCH_PASSTHROUGH_BATCH = 1u << 1,      /* submits */
   BENCH_PASSTHROUGH_BARRIER = 1u << 2,    /* barriers */
   BENCH_PASSTHROUGH_DESCRIPTOR = 1u << 3, /* descriptor writes */
   BENCH_PASSTHROUGH_ALL = (1u << 4) - 1,
   /* Not an optimization: KRONOS_BARRIER_DROP_ALL=1 (--expect-drop-all), the vendor gets no
    * barrier at all while the policy decides (and counts) as usual. */
   BENCH_DROP_ALL = 1u << 4,
};

/* Checks a delta against what the benchmark did: every application counter equals what it did
 * (or is non-zero for POSITIVE); vendor dispatches equal application dispatches; where work was
 * submitted, at least one vendor submit; vendor descriptor writes are at most the application's
 * (persistent descriptors write a vendor set only when its content is new); every application
 * barrier is a vendor barrier, dropped or merged (with BENCH_DROP_ALL: no vendor barrier). For
 * each optimization in `passthrough` (bench_passthrough bits: expected off) its vendor counters
 * must also equal their application counters. On failure writes why and returns false. */
bool bench_stats_check(const VkKronosDeviceStatistics *delta, const struct bench_did *did,
                       unsigned passthrough, char *why, size_t why_size);

/* What a barrier row expects of the vendor per submit (one command buffer each), from the
 * benchmark's model of the barrier policy (bench_barrier_model.h); not known: no such check. */
struct bench_barrier_expect {
   bool known;
   uint32_t app_per_submit;     /* application barriers */
   uint32_t hazards_per_submit; /* vendor barriers before a conflicting dispatch */
   uint32_t ends_per_submit;    /* 0 or 1: the barrier that carries what is pending at the end */
};

/* The vendor barriers a row expects per submit with the policy on. */
uint32_t bench_barrier_expect_vendor(const struct bench_barrier_expect *expect);

/* Checks a barrier row's delta (one command buffer per application submit). With the policy
 * expected off (BENCH_PASSTHROUGH_BARRIER in `passthrough`): nothing dropped, merged or emitted
 * by the policy. Else, per submit: hazards_per_submit barriers emitted for a hazard, and
 * ends_per_submit at the end of the command buffer (KRONOS_BARRIER_END, or KRONOS_BARRIER_QUERY
 * where a timestamp closes the command buffer after its last barrier: it goes before the
 * timestamp), none for any other reason, and vendor barriers equal to their sum (none with
 * BENCH_DROP_ALL). On failure appends why (as bench_stats_check) and returns false. */
bool bench_stats_check_barriers(const VkKronosDeviceStatistics *delta,
                                const struct bench_barrier_expect *expect, unsigned passthrough,
                                char *why, size_t why_size);

#endif
