/* SPDX-License-Identifier: MIT */
/* Signals of real vendor objects (application timeline semaphores, exported or imported
 * semaphores and fences) that were in a flush the vendor refused, where no vkQueueSubmit
 * returned the refusal (issue 9): the vendor will never make them, so a wait on one reports
 * the vendor's error instead of waiting for ever. The events and query pools such a flush
 * would have set, reset or written are kept alike (value 0), for vkGetEventStatus and
 * vkGetQueryPoolResults. A device keeps one list; an entry goes when the object is destroyed
 * or reset (an event set or reset by the host, a query pool reset by the host), when a new
 * submit the vendor takes signals (touches) it, or when a binary semaphore's wait consumes it. */
#ifndef KR_LOST_SIGNALS_H
#define KR_LOST_SIGNALS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#define KR_LOST_SIGNALS_MIN_CAPACITY 8

struct kr_lost_signal {
   uint64_t object; /* the vendor handle */
   uint64_t value;  /* timeline value; 0 for binary semaphores and fences */
   VkResult result;
};

struct kr_lost_signals {
   pthread_mutex_t lock;
   _Atomic uint32_t count; /* read without the lock: 0 makes every look-up free */
   struct kr_lost_signal *entries;
   uint32_t capacity;
   uint32_t reserved; /* entries promised to flushes on their way to the vendor */
   const VkAllocationCallbacks *alloc;
};

VkResult kr_lost_signals_init(struct kr_lost_signals *lost, const VkAllocationCallbacks *alloc);
void kr_lost_signals_finish(struct kr_lost_signals *lost);

/* Room for n more entries, taken before a flush goes to the vendor: a vendor that refuses it
 * for lack of host memory may leave none to record its lost signals with.
 * VK_ERROR_OUT_OF_HOST_MEMORY when there is none now. */
VkResult kr_lost_signals_reserve(struct kr_lost_signals *lost, uint32_t n);

/* Gives back n reserved entries that were not used. */
void kr_lost_signals_release(struct kr_lost_signals *lost, uint32_t n);

/* Records a lost signal in a reserved entry (value 0 for binary semaphores and fences, events
 * and query pools); one already recorded for the object and value takes the new result. */
void kr_lost_signals_add(struct kr_lost_signals *lost, uint64_t object, uint64_t value,
                         VkResult result);

/* The error of a lost signal of the object at `value` or above, else VK_SUCCESS. */
VkResult kr_lost_signals_find(struct kr_lost_signals *lost, uint64_t object, uint64_t value);

/* Forgets the object's lost signals. */
void kr_lost_signals_forget(struct kr_lost_signals *lost, uint64_t object);

/* Forgets the object's lost signals of values up to `value`: a new signal makes them (a binary
 * semaphore's or a fence's, value 0, entirely). */
void kr_lost_signals_forget_through(struct kr_lost_signals *lost, uint64_t object,
                                    uint64_t value);

#endif
