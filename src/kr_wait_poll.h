/* SPDX-License-Identifier: MIT */
/* Polling before blocking (KRONOS_WAIT_POLL_US): a wait for a fence Kronos batched reads the
 * vendor's timeline counters for a while before it blocks in the vendor's vkWaitSemaphores.
 * NVIDIA's vkWaitForFences and vkWaitSemaphores both put the thread to sleep; on an H100, a
 * 200 us poll brought the end of a short job's wait 55-62 us closer
 * (benchmarks/results/2026-12-07-h100-nvidia-580.159.04-poll/). */
#ifndef KR_WAIT_POLL_H
#define KR_WAIT_POLL_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

/* The poll of a device when KRONOS_WAIT_POLL_US is unset, in microseconds: GPUs poll; a CPU
 * device does its work on the host's cores, one of which a polling thread would take. */
uint64_t kr_wait_poll_default_us(VkPhysicalDeviceType type);

/* When a poll of poll_ns starting at now ends: never past the wait's deadline (UINT64_MAX:
 * none). */
uint64_t kr_wait_poll_end(uint64_t now, uint64_t poll_ns, uint64_t deadline);

/* Reads the counter of wait i; false when it cannot be read. */
typedef bool (*kr_wait_poll_read)(void *context, uint32_t i, uint64_t *value);

/* Reads the counters of count waits until all of them (any: one) reached their values, true,
 * or until the monotonic clock (kr_time.h) passes end, false; every counter is read at least
 * once. A counter that cannot be read ends the poll with false: the blocking wait that follows
 * reports the vendor's error as it would without a poll. */
bool kr_wait_poll(uint32_t count, const uint64_t *values, bool any, uint64_t end,
                  kr_wait_poll_read read, void *context);

#endif
