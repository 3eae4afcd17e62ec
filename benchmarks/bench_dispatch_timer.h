/* SPDX-License-Identifier: MIT */
/* --dispatch-timestamps: a pair of timestamp queries around each dispatch of a recording
 * (TOP_OF_PIPE before, BOTTOM_OF_PIPE after, as Kronos's profiler brackets them), so that the
 * GPU time of the dispatches alone, without the barriers and gaps between them that the
 * command buffer's span holds, can be compared with the profiler's. */
#ifndef BENCH_DISPATCH_TIMER_H
#define BENCH_DISPATCH_TIMER_H

#include <stdint.h>

#include "kt.h"

struct bench_dispatch_timer {
   const struct kt_device *device;
   VkQueryPool pool;           /* two queries per dispatch */
   uint32_t capacity;          /* dispatches the pool has room for */
   uint32_t timed;             /* dispatches timed in the current recording */
   VkCommandBuffer cmd;        /* the recording's command buffer */
   double period_ns;           /* VkPhysicalDeviceLimits::timestampPeriod */
   uint64_t mask;              /* the queue family's timestampValidBits */
};

/* A timer for up to `dispatches` dispatches per recording (more are not timed); `valid_bits`
 * of the queue's timestamps (0 fails: the queue writes none). On failure (reported) *out is
 * zeroed. */
VkResult bench_dispatch_timer_create(const struct kt_device *device, uint32_t dispatches,
                                     uint32_t valid_bits, struct bench_dispatch_timer *out);

/* Destroys the pool (no pending work may use it); a zeroed timer is ignored. */
void bench_dispatch_timer_destroy(struct bench_dispatch_timer *timer);

/* At the start of a recording into `cmd`: resets the queries (in the command buffer). */
void bench_dispatch_timer_begin_recording(struct bench_dispatch_timer *timer, VkCommandBuffer cmd);

/* Right before and right after one vkCmdDispatch of the recording. */
void bench_dispatch_timer_before(struct bench_dispatch_timer *timer);
void bench_dispatch_timer_after(struct bench_dispatch_timer *timer);

/* Once the recording's work completed: the sum of the timed dispatches' GPU time into *gpu_ns
 * (NaN when none was timed). */
VkResult bench_dispatch_timer_read(struct bench_dispatch_timer *timer, double *gpu_ns);

#endif
