/* SPDX-License-Identifier: MIT */
/* A queue's submit batch (DESIGN §4.2, issue 5): the state machine of kr_batch.h over the
 * queue's vendor timeline semaphore, its lock, and the flush that turns a plan into one vendor
 * vkQueueSubmit2.
 *
 * Locking: the time-bound flusher and threads waiting on fences flush queues the application is
 * not calling, so each queue has two locks: the batch lock serializes its batch, the submit
 * lock every vendor call on its vendor queue (submits, bind sparse) and the scratch arrays of
 * the vendor submit. A flush takes the submit lock before it lets the batch lock go (so
 * flushes reach the vendor in the order of their values), and the application's appends go
 * on while the vendor takes the submit. Order: batch lock, then submit lock. No thread holds
 * the locks of two queues: flushes of other queues happen before a submit locks its own. */
#ifndef KR_QUEUE_BATCH_H
#define KR_QUEUE_BATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_batch.h"

struct kr_device;
struct kr_queue;
struct kr_semaphore;

#define KR_LOST_RANGES 8

struct kr_queue_batch {
   pthread_mutex_t lock;        /* the batch */
   pthread_mutex_t submit_lock; /* the vendor queue and the scratch arrays below */
   struct kr_batch batch;
   struct kr_batch_flush_plan plan;
   VkSemaphore timeline; /* the vendor timeline semaphore, signalled only by this queue */
   /* The highest value known complete, and the last value handed to the vendor: readable
    * without the lock (monotonic). */
   _Atomic uint64_t completed;
   _Atomic uint64_t flushed;
   /* Vendor submits of flushes failed: the values of each lost range will never be signalled
    * by their work (a later flush may still raise the timeline past them), so waits on them
    * report VK_ERROR_DEVICE_LOST. The ranges are under the submit lock (beyond
    * KR_LOST_RANGES the last one grows); lost_count says whether there are any. device_lost:
    * the vendor said VK_ERROR_DEVICE_LOST, which wait idle reports from then on. */
   _Atomic uint32_t lost_count;
   struct {
      uint64_t first, last;
   } lost[KR_LOST_RANGES];
   _Atomic bool device_lost;
   /* A real fence whose flush failed for lack of host memory: the next flush signals it
    * (its work is in the batch). Under the batch lock. */
   VkFence deferred_fence;

   /* Scratch for building the vendor submit, grown as needed. */
   VkSubmitInfo2 *infos;
   uint32_t info_capacity;
   VkCommandBufferSubmitInfo *command_buffers;
   uint32_t command_buffer_capacity;
   VkSemaphoreSubmitInfo *semaphores;
   uint32_t semaphore_capacity;
};

struct kr_feature_set;
struct kr_physical_device;

/* The id of a vendor semaphore in kr_batch points. */
static inline uint64_t
kr_semaphore_id(VkSemaphore vendor)
{
   return (uint64_t)(uintptr_t)vendor;
}

/* The point (value) on the queue's timeline. */
struct kr_batch_point kr_queue_point(const struct kr_queue *queue, uint64_t value);

/* Whether the vendor offers what batching needs (Vulkan 1.3: timeline semaphores and
 * vkQueueSubmit2). */
bool kr_batching_supported(const struct kr_physical_device *pd);

/* Adds the vendor features batching uses to the set the vendor device is created with. */
void kr_batching_vendor_features(struct kr_feature_set *features);

/* Sets up batching on a created device with its queues: settings, a batch per queue, the
 * time-bound flusher. On failure the caller still calls kr_device_batching_finish. */
VkResult kr_device_batching_init(struct kr_device *device);
void kr_device_batching_finish(struct kr_device *device);

/* Whether the device batches submits (KRONOS_DISABLE=batch off, vendor support present). */
bool kr_device_batching(const struct kr_device *device);

/* Creates the queue's timeline and batch (batching devices only). */
VkResult kr_queue_batch_create(struct kr_queue *queue);
void kr_queue_batch_destroy(struct kr_queue *queue);

void kr_queue_batch_lock(struct kr_queue *queue);
void kr_queue_batch_unlock(struct kr_queue *queue);
void kr_queue_submit_lock(struct kr_queue *queue);
void kr_queue_submit_unlock(struct kr_queue *queue);

/* Flushes the pending batch: called with the batch lock held, returns with it released.
 * vendor_fence, when not VK_NULL_HANDLE, is signalled by the vendor submit even if the batch
 * is empty. */
VkResult kr_queue_flush_unlock(struct kr_queue *queue, enum kr_flush_reason reason,
                               VkFence vendor_fence);

/* Locks, flushes if the batch is not empty, unlocks. */
VkResult kr_queue_flush(struct kr_queue *queue, enum kr_flush_reason reason);

/* Flushes the queue if waiting on or reading the point would observe its batch. */
VkResult kr_queue_flush_point(struct kr_queue *queue, struct kr_batch_point point);

/* Flushes the queue if a pending submit uses the object (a vendor semaphore or command
 * buffer handle). */
VkResult kr_queue_flush_user(struct kr_queue *queue, uint64_t id);

/* Flushes every queue of the device whose batch is not empty (query results, events, wait
 * idle, destruction of objects the command buffers may use). Cheap when nothing is pending. */
VkResult kr_device_flush_all(struct kr_device *device);

/* Flushes every queue but `except` (may be NULL) whose batch observes the point. */
VkResult kr_device_flush_point(struct kr_device *device, struct kr_batch_point point,
                               const struct kr_queue *except);

/* Flushes every queue whose batch uses the object (vendor handle). */
VkResult kr_device_flush_user(struct kr_device *device, uint64_t id);

/* Before a submit on `queue` that waits on the semaphore takes its lock: the batches of other
 * queues that signal it go to the vendor (a batch never waits on one that is not flushed). */
VkResult kr_queue_flush_for_wait(struct kr_queue *queue, const struct kr_semaphore *semaphore);

/* vkQueueWaitIdle for a batching queue: flushes, then the vendor's wait idle under the submit
 * lock (which covers bind sparse too). VK_ERROR_DEVICE_LOST once the vendor lost the device. */
VkResult kr_queue_wait_idle(struct kr_queue *queue);

/* What the host observes (events, query results): every pending batch goes to the vendor and
 * every flush on its way lands. Errors stay with the queues' waits. */
void kr_device_observe(struct kr_device *device);

/* Waits until no flush of the queue is between leaving its batch and reaching the vendor, so
 * that `flushed` covers everything appended before the call. */
void kr_queue_drain(struct kr_queue *queue);

/* kr_queue_drain on every queue of the device but `except`. */
void kr_device_drain(struct kr_device *device, const struct kr_queue *except);

/* The queue's timeline value known complete, asking the vendor when the cache says less than
 * `want`. VK_ERROR_DEVICE_LOST when the submit of `want` was lost. */
VkResult kr_queue_completed(struct kr_queue *queue, uint64_t want, uint64_t *completed);

/* Waits on the vendor for timeline values of queues: every one (any = false) or one of them,
 * flushing first what is not flushed yet. VK_TIMEOUT, VK_ERROR_DEVICE_LOST as the vendor
 * says; VK_ERROR_DEVICE_LOST for a value whose submit was lost. */
VkResult kr_queue_wait_values(struct kr_device *device, uint32_t count,
                              struct kr_queue *const *queues, const uint64_t *values, bool any,
                              uint64_t timeout_ns);

#endif
