/* SPDX-License-Identifier: MIT */
/* Timeline-semaphore submit batching (DESIGN §4.2, issue 5): the pure state machine, no Vulkan
 * calls. One struct kr_batch per queue owns the queue's timeline. Application submits are
 * appended as records; the batch decides when it must go to the vendor (a flush trigger) and
 * turns its records into a vendor submit plan that signals each pending timeline value once.
 *
 * Timeline values: flushed_value is the last value handed to the vendor, next_value the value
 * the newest pending submit completes at. Values start at 0 (the vendor timeline's initial
 * value). The pending batch covers the values flushed_value + 1 ... next_value: a submit that
 * waits (on a semaphore, or on an event inside its command buffers) opens a new value, so that
 * the fences of the submits before it signal before its wait, as on the vendor directly, where a
 * fence never waits on later submits. Without waits a batch signals one value. Flushing signals
 * every pending value once, in order, so the values signalled are strictly increasing and
 * next_value == flushed_value + 1 whenever the batch is empty.
 *
 * Points: a fence or semaphore that Kronos hands out is a point (timeline id, value). Ids are
 * vendor VkSemaphore handles as integers (the flush plan turns them back into handles; the tests
 * use small numbers); the batch's own timeline has the id given to kr_batch_init. Command
 * buffers are vendor VkCommandBuffer handles as opaque void *, stored only.
 *
 * Flush triggers (enum kr_flush_reason):
 * - KR_FLUSH_FULL: the batch holds `limit` submits (a setting); kr_batch_append reports it.
 * - KR_FLUSH_OBSERVED: something may observe the batch: a fence wait or status, a queue or
 *   device wait idle, a semaphore wait or counter read, a submit on any queue that waits on a
 *   point of this batch (kr_batch_observes_point, to be asked of every queue's batch before the
 *   submit is appended, its own queue included: a submit must never wait on the batch it joins),
 *   query results, events and bind sparse (kr_batch_needs_flush), or the destruction of
 *   something the batch uses (kr_batch_uses_resource).
 * - KR_FLUSH_TIMEOUT: the oldest pending submit is older than `time_bound_ns` (a setting). The
 *   clock is the caller's: every call that needs the time takes it as now_ns.
 * - KR_FLUSH_IDLE: the caller knows the queue has nothing in flight, so holding the first
 *   submit back could only add latency (the caller decides; kr_batch_needs_flush never
 *   reports it).
 *
 * Merging rules of the plan: consecutive submits without wait or signal semaphores and with the
 * same flags share one submit info; a submit that waits on or signals semaphores gets an info
 * of its own, so that its waits delay only its own command buffers and its signals cover only
 * its own work and what precedes it, as on the vendor directly. The last submit of each value
 * ends its info, which also signals the timeline with that value (after its own signals) when
 * one of the value's submits is observed (kr_batch_submit.unobserved); the last info signals
 * the batch's last value on the same condition. Submission order is kept. A batch of empty submits
 * still makes one info, so that the fences it covers signal.
 *
 * Not thread-safe: the caller serializes calls on one batch (the queue's lock). */
#ifndef KR_BATCH_H
#define KR_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

enum kr_flush_reason {
   KR_FLUSH_FULL,
   KR_FLUSH_OBSERVED,
   KR_FLUSH_TIMEOUT,
   KR_FLUSH_IDLE,
   KR_FLUSH_REASON_COUNT,
};

/* A point on a semaphore: its id and the value (0 for binary semaphores). stage is carried for
 * waits and signals of submits (VkPipelineStageFlags2) and ignored elsewhere. */
struct kr_batch_point {
   uint64_t semaphore;
   uint64_t value;
   uint64_t stage;
};

/* An application submit, as appended. The arrays are copied; resources names extra objects the
 * command buffers use for kr_batch_uses_resource: Kronos gives the events and query pools they
 * set, reset or write, which a flush plan hands back (kr_batch_flush_plan.resources). */
struct kr_batch_submit {
   uint32_t command_buffer_count;
   void *const *command_buffers;
   uint32_t wait_count;
   const struct kr_batch_point *waits;
   uint32_t signal_count;
   const struct kr_batch_point *signals;
   uint32_t resource_count;
   const uint64_t *resources;
   /* VkSubmitFlags: only submits with equal flags share a vendor submit info. */
   uint32_t flags;
   /* The command buffers wait on events (vkCmdWaitEvents): like a semaphore wait, opens a new
    * value, since the host may set the event only after waiting on earlier fences. */
   bool waits_on_events;
   /* Nothing will wait on the point the submit completes at (no fence, no binary semaphore
    * signalled as a point). A value none of whose submits is observed is not signalled on the
    * timeline: a signal nobody waits for is vendor work, and NVIDIA may hold a submit back
    * while an earlier signal of the same timeline is pending (issue 9). */
   bool unobserved;
};

struct kr_batch_settings {
   /* Application submits per vendor submit; 0 counts as 1. */
   uint32_t limit;
   /* The longest a submit may wait in the batch. */
   uint64_t time_bound_ns;
};

struct kr_batch_stats {
   uint64_t app_submits;
   uint64_t vendor_submits;
   uint64_t vendor_infos;
   uint64_t flushes[KR_FLUSH_REASON_COUNT];
};

/* One pending application submit: ranges of the batch's arrays. */
struct kr_batch_record {
   uint32_t command_buffer_first, command_buffer_count;
   uint32_t wait_first, wait_count;
   uint32_t signal_first, signal_count;
   uint32_t resource_first, resource_count;
   uint32_t flags;
   /* The timeline value this record is the last submit of, else 0 (set when a later submit
    * opens a new value, or at flush for the last record); signals_value: that value is
    * signalled (one of its submits is observed). */
   uint64_t closes_value;
   bool signals_value;
};

struct kr_batch {
   const VkAllocationCallbacks *alloc;
   uint64_t timeline;
   struct kr_batch_settings settings;
   uint64_t next_value;
   uint64_t flushed_value;
   /* A submit of the value next_value is observed (it must be signalled). */
   bool value_observed;
   /* When the oldest pending submit was appended. */
   uint64_t oldest_ns;

   struct kr_batch_record *records;
   uint32_t record_count, record_capacity;
   void **command_buffers;
   uint32_t command_buffer_count, command_buffer_capacity;
   struct kr_batch_point *waits;
   uint32_t wait_count, wait_capacity;
   struct kr_batch_point *signals;
   uint32_t signal_count, signal_capacity;
   uint64_t *resources;
   uint32_t resource_count, resource_capacity;

   struct kr_batch_stats stats;
};

/* What one flush hands to the vendor: the arguments of one vkQueueSubmit2, built from the
 * batch's records (the only form Kronos keeps of a pending submit). The infos signal the
 * batch's pending values first_value ... value in increasing order, each on the batch's
 * timeline after the info's own signals (stage ALL_COMMANDS); the last info signals value. The
 * infos point into the plan's own arrays, so the batch takes new submits while the vendor reads
 * the plan; the arrays are reused and grown from flush to flush. */
struct kr_batch_flush_plan {
   const VkAllocationCallbacks *alloc;
   uint64_t timeline;
   uint64_t first_value, value;
   enum kr_flush_reason reason;

   VkSubmitInfo2 *infos;
   uint32_t info_count, info_capacity;
   VkCommandBufferSubmitInfo *command_buffers;
   uint32_t command_buffer_count, command_buffer_capacity;
   /* Each info's waits, then its signals and its timeline signal, contiguous. */
   VkSemaphoreSubmitInfo *semaphores;
   uint32_t semaphore_count, semaphore_capacity;
   /* The resources of the flushed submits (duplicates kept): whom a refused flush concerns. */
   uint64_t *resources;
   uint32_t resource_count, resource_capacity;
};

void kr_batch_init(struct kr_batch *b, const VkAllocationCallbacks *alloc, uint64_t timeline,
                   const struct kr_batch_settings *settings);
void kr_batch_finish(struct kr_batch *b);

static inline bool
kr_batch_is_empty(const struct kr_batch *b)
{
   return b->record_count == 0;
}

/* The point the newest pending submit completes at (the next flush signals it). */
static inline struct kr_batch_point
kr_batch_pending_point(const struct kr_batch *b)
{
   return (struct kr_batch_point){b->timeline, b->next_value, 0};
}

/* Makes room for that many more submits and elements, so that appends within it cannot fail
 * (a vkQueueSubmit of several infos is appended whole or not at all). */
VkResult kr_batch_reserve(struct kr_batch *b, uint32_t submits, uint32_t command_buffers,
                          uint32_t waits, uint32_t signals, uint32_t resources);

/* Appends an application submit; *point (may be NULL) receives the point it completes at, on
 * which its fence and binary semaphore signals become pending. *flush_now tells whether the
 * batch is full and must flush now (KR_FLUSH_FULL). VK_ERROR_OUT_OF_HOST_MEMORY leaves the
 * batch as it was. */
VkResult kr_batch_append(struct kr_batch *b, const struct kr_batch_submit *submit,
                         struct kr_batch_point *point, uint64_t now_ns, bool *flush_now);

/* Whether the trigger holds: FULL, the limit is reached; OBSERVED, the batch holds anything to
 * observe (queue or device wait idle, query results, events, bind sparse); TIMEOUT, the oldest
 * pending submit waited at least the time bound at now_ns. */
bool kr_batch_needs_flush(const struct kr_batch *b, enum kr_flush_reason trigger,
                          uint64_t now_ns);

/* Whether waiting on or reading the point observes this batch: the point is one of this
 * batch's pending timeline values, or a semaphore a pending submit signals. Then flush
 * (OBSERVED). */
bool kr_batch_observes_point(const struct kr_batch *b, struct kr_batch_point point);

/* Whether a pending submit uses the object (a command buffer as (uintptr_t) handle, a
 * semaphore it waits on or signals, or one of its resources): destroying or freeing it must
 * flush first (OBSERVED). */
bool kr_batch_uses_resource(const struct kr_batch *b, uint64_t id);

void kr_batch_flush_plan_init(struct kr_batch_flush_plan *plan, const VkAllocationCallbacks *alloc);
void kr_batch_flush_plan_finish(struct kr_batch_flush_plan *plan);

/* Turns the pending batch into the vendor submit plan, counts the flush under reason and
 * empties the batch. *value is the last timeline value the plan signals; an empty batch makes an
 * empty plan (info_count 0) and gives flushed_value. VK_ERROR_OUT_OF_HOST_MEMORY leaves the
 * batch pending and unchanged. */
VkResult kr_batch_flush(struct kr_batch *b, enum kr_flush_reason reason,
                        struct kr_batch_flush_plan *plan, uint64_t *value);

#endif
