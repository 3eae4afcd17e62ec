/* SPDX-License-Identifier: MIT */
/* A queue's submit batch (DESIGN §4.2): the state machine of kr_batch.h, the accounting of the
 * queue's vendor timeline (kr_timeline.h), and the flush that hands a batch to the vendor as one
 * vkQueueSubmit2.
 *
 * Locking: the time-bound flusher and threads waiting on fences flush queues the application is
 * not calling, so each queue has two locks: the batch lock serializes its batch, the submit
 * lock every vendor call on its vendor queue (submits, bind sparse, labels) and the flush plan.
 * A flush takes the submit lock before it lets the batch lock go, so flushes reach the vendor
 * in the order of their values, and the application's appends go on while the vendor takes the
 * submit. Order: batch lock, then submit lock; no thread holds the locks of two queues.
 * Neither lock is held across a vendor call that waits: threads that need a flush of another
 * thread to have reached the vendor wait for it on the timeline (kr_timeline_wait_landed), and
 * wait idle is a vendor wait made once nothing of Kronos's is in flight on the queue. */
#ifndef KR_QUEUE_BATCH_H
#define KR_QUEUE_BATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_batch.h"
#include "kr_time.h"
#include "kr_timeline.h"

struct kr_device;
struct kr_queue;
struct kr_semaphore;

struct kr_queue_batch {
   pthread_mutex_t lock;        /* the batch */
   pthread_mutex_t submit_lock; /* the vendor queue and the plan */
   struct kr_batch batch;
   struct kr_batch_flush_plan plan;
   struct kr_timeline timeline;
   /* A real fence whose flush Kronos could not build (out of host memory): the next flush
    * signals it (its work is in the batch). Under the batch lock. */
   VkFence deferred_fence;
   /* Said that a flush could not be built; cleared by the next flush built (under the batch
    * lock): while host memory stays exhausted, retries do not repeat the error line. */
   bool kept_said;
};

/* What a flush did. */
enum kr_flush_status {
   KR_FLUSH_SENT,    /* the vendor took it, or there was nothing to flush */
   KR_FLUSH_KEPT,    /* Kronos could not build it (no host memory): still pending, nothing lost */
   KR_FLUSH_REFUSED, /* the vendor refused it: its submits are lost, waits on them report it */
};

struct kr_flush_outcome {
   enum kr_flush_status status;
   VkResult result; /* VK_SUCCESS when sent */
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

void kr_queue_batch_lock(struct kr_queue *queue);
void kr_queue_batch_unlock(struct kr_queue *queue);
void kr_queue_submit_lock(struct kr_queue *queue);
void kr_queue_submit_unlock(struct kr_queue *queue);

/* Flushes the pending batch: called with the batch lock held, returns with it released.
 * vendor_fence, when not VK_NULL_HANDLE, is signalled by the vendor submit even if the batch
 * is empty. reported_by_caller: the batch holds only the caller's submits and the caller
 * returns a refusal to the application, so wait idle need not report it again. */
struct kr_flush_outcome kr_queue_flush_unlock(struct kr_queue *queue,
                                              enum kr_flush_reason reason, VkFence vendor_fence,
                                              bool reported_by_caller);

/* Locks, flushes if the batch is not empty, unlocks. */
struct kr_flush_outcome kr_queue_flush(struct kr_queue *queue, enum kr_flush_reason reason);

/* Flushes the queue if waiting on or reading the point would observe its batch. */
struct kr_flush_outcome kr_queue_flush_point(struct kr_queue *queue, struct kr_batch_point point);

/* The same on every queue of the device but `except` (may be NULL) whose batch observes the
 * point; the first failure's VkResult (the loop goes on past it). */
VkResult kr_device_flush_point(struct kr_device *device, struct kr_batch_point point,
                               const struct kr_queue *except);

/* Flushes every queue whose batch uses the object (a vendor semaphore handle as id). */
VkResult kr_device_flush_user(struct kr_device *device, uint64_t id);

/* Before a submit on `queue` that waits on the semaphore (for `value`, if a timeline one) takes
 * its lock: the batches of other queues that signal it go to the vendor and land (a batch never
 * waits on one that is not at the vendor). The error of a signal that was lost, which the
 * submit returns (a binary semaphore's lost signal is consumed by it). */
VkResult kr_queue_flush_for_wait(struct kr_queue *queue, struct kr_semaphore *semaphore,
                                 uint64_t value);

/* The error of a lost signal of a real semaphore that a wait for `value` needs, else
 * VK_SUCCESS. A timeline's wait needs a lost signal at or above `value` while its counter (asked
 * of the vendor) is below it: such a wait reports the loss even if an earlier signal still
 * running would have reached `value` (Kronos does not follow each real semaphore's signals). */
VkResult kr_semaphore_lost_signal(struct kr_device *device, const struct kr_semaphore *semaphore,
                                  uint64_t value);

/* vkQueueWaitIdle for a batching queue: the batch goes to the vendor, the flushes of other
 * threads land, then the vendor's wait idle with no lock held. Reports the first loss of the
 * queue's work not yet reported by a wait idle. */
VkResult kr_queue_wait_idle(struct kr_queue *queue);

/* Forgets the lost signals of a real vendor fence or semaphore (its handle as an integer): it is
 * destroyed, reset or given an imported payload; or the loss of an event's or query pool's
 * work: it is destroyed, or the host sets, resets or resets it. Nothing on a device that does
 * not batch. */
void kr_device_forget_lost_signals(struct kr_device *device, uint64_t object);

/* The error of a refused flush whose command buffers set or reset the event, or wrote or reset
 * queries of the query pool (its vendor handle as an integer), with nothing since that
 * re-established it (kr_device_forget_lost_signals, a flush the vendor took that touches it);
 * else VK_SUCCESS. Call after kr_device_observe, so that what was pending has landed. */
VkResult kr_device_lost_work(struct kr_device *device, uint64_t object);

/* vkDeviceWaitIdle for a batching device: every batch first (no queue waits on another's work
 * still held back), then each queue's wait idle; the first error. */
VkResult kr_device_wait_idle(struct kr_device *device);

/* What the host observes (events, query results): every pending batch goes to the vendor and
 * every flush on its way lands. A refused flush's error reaches the observers of the events and
 * query pools it touched through kr_device_lost_work. */
void kr_device_observe(struct kr_device *device);

/* Waits until every flush of every queue taken so far has reached the vendor. */
void kr_device_land_flushes(struct kr_device *device);

/* The queue's timeline value known complete, asking the vendor when the cache says less than
 * `want`. The vendor's error when the submit of `want` was lost. */
VkResult kr_queue_completed(struct kr_queue *queue, uint64_t want, uint64_t *completed);

/* Waits on the vendor for timeline values of queues: every one (any = false) or one of them,
 * flushing first what is not flushed yet, polling the vendor's counters for up to poll_ns
 * before it blocks (kr_wait_poll.h). VK_TIMEOUT and errors as the vendor says; the vendor's
 * error for a value whose submit was lost. */
VkResult kr_queue_wait_values(struct kr_device *device, uint32_t count,
                              struct kr_queue *const *queues, const uint64_t *values, bool any,
                              uint64_t timeout_ns, uint64_t poll_ns);

#endif
