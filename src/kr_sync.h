/* SPDX-License-Identifier: MIT */
/* Fences and semaphores (DESIGN §4.2, issue 5). With submit batching on, the fences and binary
 * semaphores Kronos hands out are points on the vendor timeline semaphore of the queue that
 * signals them; exported or imported ones, application timeline semaphores and everything with
 * batching off are real vendor objects, passed through. */
#ifndef KR_SYNC_H
#define KR_SYNC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_batch.h"
#include "kr_private_data.h"

struct kr_device;
struct kr_queue;

/* A fence. vendor is the real vendor fence, or VK_NULL_HANDLE for a point fence, whose state
 * is published with release/acquire: vkQueueSubmit sets queue and value before the state, so
 * a thread that waits while another submits reads a whole point. */
struct kr_fence {
   VkFence vendor;
   _Atomic(enum kr_fence_state) state;
   struct kr_queue *queue;
   uint64_t value;
   struct kr_private_data private_data[KR_PRIVATE_DATA_SLOTS]; /* point fences */
};

/* A semaphore. vendor is the real vendor semaphore (timeline, exported or imported ones, all
 * with batching off), or VK_NULL_HANDLE for a point binary semaphore, which records the point
 * of its pending signal (queue NULL: no signal pending). The application synchronizes a binary
 * semaphore's signal and wait submits, so the point needs no lock. */
struct kr_semaphore {
   VkSemaphore vendor;
   VkSemaphoreType type;
   struct kr_queue *signal_queue;
   uint64_t signal_value;
   struct kr_private_data private_data[KR_PRIVATE_DATA_SLOTS]; /* point semaphores */
};

/* Threads waiting on point fences that no submit has reached yet (vkWaitForFences on an
 * unsignalled fence that another thread submits): woken when a fence is submitted. */
struct kr_fence_waiters {
   pthread_mutex_t lock;
   pthread_cond_t cond;
   _Atomic uint32_t count;
};

VkResult kr_fence_waiters_init(struct kr_fence_waiters *waiters);
void kr_fence_waiters_finish(struct kr_fence_waiters *waiters);
/* Called after fences became pending: wakes threads waiting for a submit. */
void kr_fence_waiters_wake(struct kr_fence_waiters *waiters);

/* Marks a point fence pending at (queue, value): the submit that covers it was appended. */
void kr_fence_set_pending(struct kr_device *device, struct kr_fence *fence, struct kr_queue *queue,
                          uint64_t value);

/* The clock of batching (CLOCK_MONOTONIC), in nanoseconds. */
uint64_t kr_now_ns(void);

/* The VkSemaphore handle, if a real one, or VK_NULL_HANDLE: for translating structures. */
VkSemaphore kr_semaphore_vendor(VkSemaphore semaphore);
VkFence kr_fence_vendor(VkFence fence);

#endif
