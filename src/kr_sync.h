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
#include "kr_object.h"
#include "kr_time.h"

struct kr_device;
struct kr_queue;

/* The allocation callbacks a vendor object was created with, kept for its destruction. */
struct kr_vendor_alloc {
   VkAllocationCallbacks storage;
   bool set; /* false: created without callbacks */
};

static inline void
kr_vendor_alloc_keep(struct kr_vendor_alloc *keep, const VkAllocationCallbacks *alloc)
{
   keep->set = alloc != NULL;
   if (alloc)
      keep->storage = *alloc;
}

static inline const VkAllocationCallbacks *
kr_vendor_alloc_get(const struct kr_vendor_alloc *keep)
{
   return keep->set ? &keep->storage : NULL;
}

/* The state of a point fence. */
enum kr_fence_state {
   KR_FENCE_UNSIGNALED,
   KR_FENCE_PENDING,
   KR_FENCE_SIGNALED,
};

/* A fence. vendor is the real vendor fence, or VK_NULL_HANDLE for a point fence, whose state
 * is one word: a generation (bumped by every submit and reset) and an enum kr_fence_state.
 * vkQueueSubmit sets queue and value, then publishes the word with release; a thread that
 * waits reads the word with acquire, then the point. A waiter marks the fence signalled only
 * by a compare-and-swap on the word it read, so a reset and resubmit in between (by another
 * thread) is never marked by a wait on the earlier point. vendor_alloc: the callbacks the
 * vendor fence was created with (a copy: the application need not keep its structure).
 * Its name and private data are kept by Kronos, in base (kr_object.h). */
struct kr_fence {
   VkFence vendor;
   struct kr_vendor_alloc vendor_alloc;
   _Atomic uint64_t word;
   struct kr_queue *queue;
   uint64_t value;
   struct kr_object_base base;
};

static inline enum kr_fence_state
kr_fence_word_state(uint64_t word)
{
   return (enum kr_fence_state)(word & 3u);
}

static inline uint64_t
kr_fence_word(uint64_t generation, enum kr_fence_state state)
{
   return generation << 2 | (uint64_t)state;
}

/* A semaphore. vendor is the real vendor semaphore (timeline, exported or imported ones, all
 * with batching off), or VK_NULL_HANDLE for a point binary semaphore, which records the point
 * of its pending signal (queue NULL: no signal pending). The application synchronizes a binary
 * semaphore's signal and wait submits, so the point needs no lock. vendor_alloc: the callbacks
 * the vendor semaphore was created with (a copy). Its name and private data are in base. */
struct kr_semaphore {
   VkSemaphore vendor;
   struct kr_vendor_alloc vendor_alloc;
   VkSemaphoreType type;
   struct kr_queue *signal_queue;
   uint64_t signal_value;
   struct kr_object_base base;
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
void kr_fence_set_pending(struct kr_fence *fence, struct kr_queue *queue, uint64_t value);

/* Makes a point fence unsignalled (vkResetFences, a submit that failed). */
void kr_fence_set_unsignaled(struct kr_fence *fence);

/* A point fence made a real vendor fence for good (an imported payload, a bind sparse). */
VkResult kr_fence_make_real(struct kr_device *device, struct kr_fence *fence);

/* A point binary semaphore made a real vendor semaphore for good; its pending point, if any,
 * is dropped (imports and bind sparse signals need no earlier signal). */
VkResult kr_semaphore_make_real(struct kr_device *device, struct kr_semaphore *semaphore);

/* The VkSemaphore handle, if a real one, or VK_NULL_HANDLE: for translating structures. */
VkSemaphore kr_semaphore_vendor(VkSemaphore semaphore);
VkFence kr_fence_vendor(VkFence fence);

#endif
