/* SPDX-License-Identifier: MIT */
/* Device-local buffers for the benchmark's workloads, filled and read back through host-visible
 * staging buffers and vkCmdCopyBuffer (kt_buffer is host-visible only: on a discrete GPU the
 * working buffers must live in DEVICE_LOCAL memory or the bandwidth numbers mean nothing). */
#ifndef BENCH_BUFFER_H
#define BENCH_BUFFER_H

#include <stdint.h>

#include <volk.h>

#include "kt.h"

struct bench_buffer {
   VkBuffer handle;
   VkDeviceMemory memory;
   VkDeviceSize size;
   uint32_t memory_type;
};

/* Creates a buffer of `size` bytes for `usage` | TRANSFER_SRC | TRANSFER_DST with its own memory:
 * a DEVICE_LOCAL type, preferring one that is not HOST_VISIBLE (a discrete GPU's VRAM rather
 * than its BAR window), else any allowed type (a CPU device such as lavapipe). `name` is used in
 * error messages. On failure *out is zeroed. */
VkResult bench_buffer_create(const struct kt_device *device, VkDeviceSize size,
                             VkBufferUsageFlags usage, const char *name,
                             struct bench_buffer *out);

/* Destroys and frees; a zeroed buffer is ignored. The device must be done with it. */
void bench_buffer_destroy(const struct kt_device *device, struct bench_buffer *buffer);

/* One region to fill: `size` bytes at `offset` of `buffer`, from `data`, or zeros when `data`
 * is NULL (then offset and size must be multiples of 4). */
struct bench_upload {
   const struct bench_buffer *buffer;
   VkDeviceSize offset;
   VkDeviceSize size;
   const void *data;
};

/* Fills every region with one staging buffer and one submit (copies and fills, then a barrier
 * making them visible to compute shaders' reads and writes), and waits for it. `what` names the
 * operation in error messages. */
VkResult bench_buffers_upload(const struct kt_device *device, const struct bench_upload *uploads,
                              uint32_t count, const char *what);

/* Copies `size` bytes at `offset` of `buffer` into `out` through a staging buffer: one submit
 * with a barrier from earlier compute-shader writes to the copy, the copy, and a barrier to host
 * reads; waits for it. */
VkResult bench_buffer_readback(const struct kt_device *device, const struct bench_buffer *buffer,
                               VkDeviceSize offset, VkDeviceSize size, void *out,
                               const char *what);

#endif
