/* SPDX-License-Identifier: MIT */
/* A queue's vendor timeline semaphore as the sync core accounts for it (DESIGN §4.2). The
 * queue's batch (kr_batch.h) hands out its values in increasing order; then each value is
 *  - taken: a flush removed it from the batch (under the batch lock);
 *  - landed: the flush's vendor submit returned, having either reached the vendor or been
 *    refused; flushes land in the order of their values (the queue's submit lock);
 *  - lost, if the vendor refused it: waits on it report the vendor's error, never success;
 *  - completed: the vendor signalled it (learned from the vendor, cached here).
 *
 * A thread that needs a value's signal at the vendor before it acts (a host wait on the
 * timeline, a submit of another queue that waits on it) waits for the value to land on a
 * condition variable: no lock is held across the vendor call, and a thread that needs nothing
 * in flight never waits. */
#ifndef KR_TIMELINE_H
#define KR_TIMELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>


/* Loss records allocated with the timeline (more are allocated as needed). */
#define KR_TIMELINE_RESERVED 8

struct kr_timeline_loss {
   uint64_t first, last;
   VkResult result;
   bool reported; /* by a wait idle, or at the vkQueueSubmit that made the flush */
};

struct kr_timeline {
   VkSemaphore semaphore; /* the vendor's; signalled by this queue's flushes only */
   const VkAllocationCallbacks *alloc;
   _Atomic uint64_t taken;
   _Atomic uint64_t landed;
   _Atomic uint64_t completed;
   _Atomic uint32_t landing_waiters;
   _Atomic uint32_t loss_count;
   _Atomic bool device_lost; /* the vendor said VK_ERROR_DEVICE_LOST */
   pthread_mutex_t lock;     /* losses, the landing condition */
   pthread_cond_t landed_cond;
   /* The lost ranges, in increasing order (adjacent ones with one error merged). Should the
    * list fail to grow (no host memory), the last range grows over the values in between: a
    * loss may then be over-reported, never missed. */
   struct kr_timeline_loss *losses;
   uint32_t loss_capacity;
};

VkResult kr_timeline_init(struct kr_timeline *tl, VkSemaphore semaphore,
                          const VkAllocationCallbacks *alloc);
void kr_timeline_finish(struct kr_timeline *tl);

/* A flush took the values up to `value` from the batch (under the batch lock). */
void kr_timeline_take(struct kr_timeline *tl, uint64_t value);

/* The flush of the values first ... last returned from the vendor with result: a failure
 * records them as lost (reported: the application was told at the call, so a wait idle need
 * not tell it again). Wakes the threads waiting for them to land. */
void kr_timeline_land(struct kr_timeline *tl, uint64_t first, uint64_t last, VkResult result,
                      bool reported);

/* Waits, holding no lock, until every value up to `value` that a flush has taken has landed.
 * Values still in the batch are not waited for: flush them first. */
void kr_timeline_wait_landed(struct kr_timeline *tl, uint64_t value);

/* Waits until everything taken so far has landed. */
static inline void
kr_timeline_wait_taken_landed(struct kr_timeline *tl)
{
   kr_timeline_wait_landed(tl, atomic_load(&tl->taken));
}

/* VK_SUCCESS, or the vendor's error if the value's flush was refused. */
VkResult kr_timeline_loss(struct kr_timeline *tl, uint64_t value);

/* The vendor signalled `value`: raises the cached completed value. */
void kr_timeline_note_completed(struct kr_timeline *tl, uint64_t value);

/* For a wait idle that covered every value up to `through`: the error of the first loss up to it
 * not yet reported (VK_SUCCESS if none), marking them all reported. */
VkResult kr_timeline_idle_result(struct kr_timeline *tl, uint64_t through);

#endif
