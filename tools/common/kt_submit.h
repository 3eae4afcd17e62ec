/* SPDX-License-Identifier: MIT */
/* Running work: a one-shot command buffer submitted with a fence and waited for, and the
 * small recording helpers the programs share. */
#ifndef KT_SUBMIT_H
#define KT_SUBMIT_H

#include <stdint.h>

#include <volk.h>

#include "kt_device.h"

/* Records commands into `cmd` (begun; ended by the caller). */
typedef void (*kt_record_fn)(const struct kt_device *device, VkCommandBuffer cmd, void *user);

/* Creates a transient command pool and buffer, records with `record`, submits to
 * device->queues[queue_index] with a fence, waits for it (KT_FENCE_TIMEOUT_NS) and destroys
 * everything. Returns the first failure, already reported with `what` in the message. */
VkResult kt_submit_once(const struct kt_device *device, uint32_t queue_index,
                        kt_record_fn record, void *user, const char *what);

/* Waits for `fence` (KT_FENCE_TIMEOUT_NS); a timeout is reported as such, naming `what`. */
VkResult kt_fence_wait(const struct kt_device *device, VkFence fence, const char *what);

/* A timeline semaphore at 0 (the device enables timelineSemaphore); a failure is reported,
 * naming `what`, and leaves *out VK_NULL_HANDLE. */
VkResult kt_timeline_create(const struct kt_device *device, const char *what, VkSemaphore *out);

/* A global memory barrier between two stage/access scopes. */
void kt_cmd_memory_barrier(const struct kt_device *device, VkCommandBuffer cmd,
                           VkPipelineStageFlags src_stages, VkAccessFlags src_access,
                           VkPipelineStageFlags dst_stages, VkAccessFlags dst_access);

#endif
