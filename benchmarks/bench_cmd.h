/* SPDX-License-Identifier: MIT */
/* One device's measured command buffer: a command pool with one primary command buffer, a
 * fence, and two timestamp queries that bracket the recorded work on the GPU. Each use resets
 * the pool, records, submits with the fence and waits, as an ordinary application does. */
#ifndef BENCH_CMD_H
#define BENCH_CMD_H

#include <stdbool.h>

#include "kt.h"

struct bench_cmd {
   const struct kt_device *device;
   VkCommandPool pool;
   VkCommandBuffer cmd;
   VkFence fence;
   VkQueryPool timestamps;     /* VK_NULL_HANDLE: the queue has no timestamps */
   double timestamp_period_ns; /* VkPhysicalDeviceLimits::timestampPeriod */
   uint64_t timestamp_mask;    /* the queue family's timestampValidBits */
};

/* On failure (reported) *out is zeroed. */
VkResult bench_cmd_create(const struct kt_device *device, struct bench_cmd *out);

/* Waits for the device to go idle, then destroys everything; a zeroed one is ignored. */
void bench_cmd_destroy(struct bench_cmd *cmd);

/* Resets the pool, begins the command buffer (one-time submit), resets the queries and writes
 * the first timestamp. */
VkResult bench_cmd_begin(struct bench_cmd *cmd);

/* Writes the second timestamp and ends the command buffer. */
VkResult bench_cmd_end(struct bench_cmd *cmd);

/* Submits the command buffer to the device's first queue with the fence; *submit_ns gets the
 * time spent inside vkQueueSubmit. */
VkResult bench_cmd_submit(struct bench_cmd *cmd, double *submit_ns);

/* Waits for the fence, resets it, and reads the GPU time between the two timestamps into
 * *gpu_ns (NaN without timestamps). */
VkResult bench_cmd_wait(struct bench_cmd *cmd, double *gpu_ns);

/* Whether the device's first compute family writes timestamps, and how many bits. */
uint32_t bench_timestamp_valid_bits(const struct kt_device *device);

#endif
