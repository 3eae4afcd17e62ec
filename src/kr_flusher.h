/* SPDX-License-Identifier: MIT */
/* The time bound of submit batching: one thread per batching device flushes every batch whose
 * oldest submit has waited the bound (KRONOS_BATCH_TIME_BOUND_US), so work nobody observes
 * still reaches the vendor within tens of microseconds, and every full batch, so that the
 * application's thread does not pay for the vendor submit.
 *
 * The thread polls at the bound while the device was active in the last few milliseconds and
 * sleeps otherwise; only the first submit after such a sleep pays for waking it. */
#ifndef KR_FLUSHER_H
#define KR_FLUSHER_H

#include <vulkan/vulkan.h>

struct kr_device;
struct kr_flusher;

VkResult kr_flusher_start(struct kr_device *device, uint64_t bound_ns, struct kr_flusher **out);
void kr_flusher_stop(struct kr_device *device, struct kr_flusher *flusher);

/* A batch became non-empty: wakes the thread if it sleeps. Call without holding a queue lock. */
void kr_flusher_notify(struct kr_flusher *flusher);

/* A batch is full: wakes the thread to flush it now. Call without holding a queue lock. */
void kr_flusher_kick(struct kr_flusher *flusher);

#endif
