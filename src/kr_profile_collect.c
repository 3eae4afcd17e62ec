/* SPDX-License-Identifier: MIT */
/* The profiler's reading (kr_profile.h): submitted command buffers wait on the device's pending
 * list until the point their submit completes at has completed (a counter read: no wait), then
 * their queries are read (vkGetQueryPoolResults without WAIT_BIT) and their slices become
 * events in host time and durations in the per-kernel table. A run's queries were reset before
 * it (kr_profile_record.c), so what is read after its point is its own. */
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_hooks.h"
#include "kr_profile_internal.h"
#include "kr_queue_batch.h"
#include "kr_scratch.h"

void
kr_profile_add_event_locked(struct kr_profile *profile, const struct kr_profile_event *e)
{
   if (profile->event_count == profile->event_capacity) {
      uint64_t capacity = profile->event_capacity ? profile->event_capacity * 2 : 1024;
      struct kr_profile_event *events =
         kr_alloc(profile->alloc, sizeof(*events) * capacity, 8,
                  VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
      if (!events) {
         profile->dropped_events++;
         return;
      }
      if (profile->event_count)
         memcpy(events, profile->events, sizeof(*events) * profile->event_count);
      kr_free(profile->alloc, profile->events);
      profile->events = events;
      profile->event_capacity = capacity;
   }
   profile->events[profile->event_count++] = *e;
}

/* Takes a command buffer off the pending list. `finished`: the run that wrote its queries
 * completed or will never run, so they can be reset on the host for its next run; otherwise
 * they stay dirty, for its next submit or recording (kr_profile_record.c). */
static void
unlink_pending(struct kr_profile *profile, struct kr_command_buffer *cb, bool finished)
{
   if (finished && kr_profile_host_resets(cb))
      kr_profile_host_reset_locked(cb, false);
   struct kr_command_buffer *prev = NULL;
   for (struct kr_command_buffer **p = &profile->pending; *p;
        prev = *p, p = &(*p)->profile.next_pending) {
      if (*p == cb) {
         *p = cb->profile.next_pending;
         if (profile->pending_tail == cb)
            profile->pending_tail = prev;
         break;
      }
   }
   cb->profile.next_pending = NULL;
   cb->profile.pending = false;
}

static double
host_ns(const struct kr_profile *profile, uint64_t ticks)
{
   return (double)(ticks & profile->valid_mask) * profile->period_ns + profile->offset_ns;
}

/* The slices of a read into events and table rows. */
static void
add_slices(struct kr_device *device, struct kr_profile *profile,
           const struct kr_profile_recording *rec, const uint64_t *results)
{
   uint32_t track = (uint32_t)(rec->queue - device->queues);
   for (uint32_t i = 0; i < rec->slice_count; i++) {
      const struct kr_profile_slice *s = &rec->slices[i];
      double begin = host_ns(profile, results[s->query]);
      double end = host_ns(profile, results[s->query + 1]);
      if (end < begin)
         end = begin; /* a counter that wrapped between them (timestampValidBits < 64) */
      struct kr_profile_event e = {
         .name = s->name,
         .begin_ns = begin > 0 ? (uint64_t)begin : 0,
         .end_ns = end > 0 ? (uint64_t)end : 0,
         .track = track,
         .kind = s->kind,
         .depth = s->depth,
         .gpu = true,
      };
      memcpy(e.grid, s->grid, sizeof(e.grid));
      kr_profile_add_event_locked(profile, &e);
      if (s->kind != KR_PROFILE_LABEL &&
          kr_profile_table_add(&profile->table, s->name, e.end_ns - e.begin_ns,
                               s->kind == KR_PROFILE_DISPATCH ? s->grid : NULL) != VK_SUCCESS)
         profile->dropped_events++;
   }
}

/* The timeline and value a pending command buffer's work completes at. */
static VkSemaphore
point_semaphore(const struct kr_device *device, const struct kr_profile_recording *rec)
{
   if (rec->queue->batch)
      return rec->queue->batch->timeline.semaphore;
   return device->profile->timelines[rec->queue - device->queues];
}

/* Whether the point completed; an error when it never will (its flush was refused, the
 * device is lost). No wait. */
static VkResult
point_done(struct kr_device *device, const struct kr_profile_recording *rec, bool *done)
{
   uint64_t completed = 0;
   VkResult result;
   if (rec->queue->batch)
      result = kr_queue_completed(rec->queue, rec->point, &completed);
   else
      result = device->disp.GetSemaphoreCounterValue(device->handle,
                                                     point_semaphore(device, rec), &completed);
   *done = result == VK_SUCCESS && completed >= rec->point;
   return result;
}

static void
give_up_locked(struct kr_profile *profile, struct kr_command_buffer *cb, const char *what,
               VkResult result, bool finished)
{
   kr_error("profiler: %s failed (%d): %u slices of a submit lost", what, result,
            cb->profile.slice_count);
   profile->lost_slices += cb->profile.slice_count;
   unlink_pending(profile, cb, finished);
}

/* Whether an error from looking at a run's completion point means the run never completes:
 * its flush was refused (the batch's timeline says so), or the device is lost. */
static bool
never_runs(const struct kr_profile_recording *rec, VkResult result)
{
   return result == VK_ERROR_DEVICE_LOST ||
          (rec->queue->batch && kr_timeline_loss(&rec->queue->batch->timeline, rec->point) !=
                                   VK_SUCCESS);
}

bool
kr_profile_read_locked(struct kr_device *device, struct kr_command_buffer *cb)
{
   struct kr_profile *profile = device->profile;
   struct kr_profile_recording *rec = &cb->profile;
   bool done;
   VkResult result = point_done(device, rec, &done);
   if (result != VK_SUCCESS) {
      /* Its flush was refused or the device is lost: the work never runs. Any other error
       * (out of memory) says nothing of the work: the next look tries again. */
      if (!never_runs(rec, result))
         return false;
      give_up_locked(profile, cb, "waiting for a submit's completion", result, true);
      return true;
   }
   if (!done)
      return false;
   uint32_t queries = rec->queries;
   if (profile->results_capacity < queries) {
      uint64_t *results = kr_alloc(profile->alloc, sizeof(*results) * queries, 8,
                                   VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
      if (!results) {
         give_up_locked(profile, cb, "keeping timestamps", VK_ERROR_OUT_OF_HOST_MEMORY,
                        true);
         return true;
      }
      kr_free(profile->alloc, profile->results);
      profile->results = results;
      profile->results_capacity = queries;
   }
   for (uint32_t first = 0; first < queries; first += KR_PROFILE_POOL_QUERIES) {
      uint32_t count = queries - first < KR_PROFILE_POOL_QUERIES ? queries - first
                                                                  : KR_PROFILE_POOL_QUERIES;
      /* The work completed: every query is available (VK_NOT_READY would be a vendor bug). */
      result = device->disp.GetQueryPoolResults(
         device->handle, rec->pools[first / KR_PROFILE_POOL_QUERIES], 0, count,
         sizeof(uint64_t) * count, profile->results + first, sizeof(uint64_t),
         VK_QUERY_RESULT_64_BIT);
      if (result != VK_SUCCESS) {
         give_up_locked(profile, cb, "reading timestamps", result, true);
         return true;
      }
   }
   profile->reads++;
   add_slices(device, profile, rec, profile->results);
   unlink_pending(profile, cb, true);
   return true;
}

void
kr_profile_poll(struct kr_device *device)
{
   struct kr_profile *profile = device->profile;
   if (!profile)
      return;
   /* Queues (the first 64) with an unfinished point: their later ones are not looked at. */
   uint64_t blocked = 0;
   pthread_mutex_lock(&profile->lock);
   for (struct kr_command_buffer *cb = profile->pending, *next; cb; cb = next) {
      next = cb->profile.next_pending;
      uint32_t queue = (uint32_t)(cb->profile.queue - device->queues);
      uint64_t bit = queue < 64 ? 1ull << queue : 0;
      if (cb->profile.waiting || (blocked & bit))
         continue;
      if (!kr_profile_read_locked(device, cb))
         blocked |= bit;
   }
   pthread_mutex_unlock(&profile->lock);
}

/* Reads a pending command buffer's results, waiting for its point when its work still runs
 * (the profiler's lock not held during the wait, which is the vendor's). */
static void
read_waiting(struct kr_device *device, struct kr_command_buffer *cb)
{
   struct kr_profile *profile = device->profile;
   struct kr_profile_recording *rec = &cb->profile;
   pthread_mutex_lock(&profile->lock);
   if (!rec->pending || kr_profile_read_locked(device, cb)) {
      pthread_mutex_unlock(&profile->lock);
      return;
   }
   rec->waiting = true; /* pollers leave it alone meanwhile */
   profile->waited_reads++;
   pthread_mutex_unlock(&profile->lock);

   /* A batched submit may not have reached the vendor yet: it must before a wait. */
   if (rec->queue->batch)
      kr_device_observe(device);
   VkSemaphore semaphore = point_semaphore(device, rec);
   const VkSemaphoreWaitInfo wait = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .semaphoreCount = 1,
      .pSemaphores = &semaphore,
      .pValues = &rec->point,
   };
   for (;;) {
      bool done;
      VkResult result = point_done(device, rec, &done);
      if (result != VK_SUCCESS || done)
         break; /* read_locked below says an error */
      /* In slices, so that a loss the batch learns meanwhile ends the wait. */
      result = device->disp.WaitSemaphores(device->handle, &wait, 10ull * 1000 * 1000);
      if (result != VK_SUCCESS && result != VK_TIMEOUT) {
         pthread_mutex_lock(&profile->lock);
         rec->waiting = false;
         /* The work may still run: its queries stay dirty, reset at the command buffer's
          * next submit or recording (by then the application knows the run completed). */
         give_up_locked(profile, cb, "waiting for a submit's completion", result, false);
         pthread_mutex_unlock(&profile->lock);
         return;
      }
   }
   pthread_mutex_lock(&profile->lock);
   rec->waiting = false;
   /* Still pending after the wait: its completion cannot be learnt (an error other than a
    * loss). Given up; its queries stay dirty until the application's next submit or
    * recording of it, which comes only once the run completed. */
   if (rec->pending && !kr_profile_read_locked(device, cb))
      give_up_locked(profile, cb, "learning a submit's completion", VK_NOT_READY, false);
   pthread_mutex_unlock(&profile->lock);
}

void
kr_profile_recording_reset(struct kr_command_buffer *cb)
{
   if (cb->profile.pending)
      read_waiting(cb->device, cb);
}

static struct kr_command_buffer *
submitted_buffer(const VkSubmitInfo *submits, const VkSubmitInfo2 *submits2, uint32_t i,
                 uint32_t j, uint32_t *count)
{
   if (submits) {
      *count = submits[i].commandBufferCount;
      return j < *count ? kr_command_buffer_from_handle(submits[i].pCommandBuffers[j]) : NULL;
   }
   *count = submits2[i].commandBufferInfoCount;
   return j < *count
             ? kr_command_buffer_from_handle(submits2[i].pCommandBufferInfos[j].commandBuffer)
             : NULL;
}

void
kr_profile_before_submit(struct kr_queue *queue, uint32_t count, const VkSubmitInfo *submits,
                         const VkSubmitInfo2 *submits2)
{
   struct kr_device *device = queue->device;
   kr_profile_poll(device);
   for (uint32_t i = 0; i < count; i++) {
      uint32_t n = 1;
      for (uint32_t j = 0; j < n; j++) {
         struct kr_command_buffer *cb = submitted_buffer(submits, submits2, i, j, &n);
         if (!cb)
            continue;
         /* Submitted again while its last run's results are unread (only a simultaneous-use
          * command buffer can be, still running): the new run overwrites them. */
         if (cb->profile.pending)
            read_waiting(device, cb);
         /* A run that went unread left its queries written; it completed (a command buffer
          * not for simultaneous use is submitted only when not pending). */
         struct kr_profile *profile = device->profile;
         pthread_mutex_lock(&profile->lock);
         if (cb->profile.dirty && kr_profile_host_resets(cb))
            kr_profile_host_reset_locked(cb, false);
         pthread_mutex_unlock(&profile->lock);
      }
   }
}

/* Without batching: an empty vendor submit signals the profiler's timeline after the
 * application's submit; a semaphore signal covers all earlier work of the queue. Called by the
 * queue's submitting thread (externally synchronized), without the profiler's lock. */
static VkResult
signal_direct_point(struct kr_queue *queue, uint64_t *point)
{
   struct kr_device *device = queue->device;
   struct kr_profile *profile = device->profile;
   uint32_t index = (uint32_t)(queue - device->queues);
   uint64_t value = profile->timeline_values[index] + 1;
   const VkTimelineSemaphoreSubmitInfo values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = 1,
      .pSignalSemaphoreValues = &value,
   };
   const VkSubmitInfo info = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &values,
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &profile->timelines[index],
   };
   /* Not counted in the statistics: the profiler's, not the application's. */
   VkResult result = queue->disp->QueueSubmit(queue->handle, 1, &info, VK_NULL_HANDLE);
   if (result == VK_SUCCESS)
      profile->timeline_values[index] = *point = value;
   return result;
}

static bool
timed(const struct kr_command_buffer *cb)
{
   return cb && cb->profile_timed && cb->profile.slice_count;
}

void
kr_profile_after_submit(struct kr_queue *queue, uint32_t count, const VkSubmitInfo *submits,
                        const VkSubmitInfo2 *submits2, uint64_t point)
{
   struct kr_profile *profile = queue->device->profile;
   bool any = false, written = false;
   for (uint32_t i = 0; i < count; i++) {
      uint32_t n = 1;
      for (uint32_t j = 0; j < n; j++) {
         struct kr_command_buffer *cb = submitted_buffer(submits, submits2, i, j, &n);
         written |= cb && cb->profile.queries;
         any |= timed(cb);
      }
   }
   if (!written)
      return;
   VkResult result = queue->batch || !any ? VK_SUCCESS : signal_direct_point(queue, &point);
   pthread_mutex_lock(&profile->lock);
   for (uint32_t i = 0; i < count; i++) {
      uint32_t n = 1;
      for (uint32_t j = 0; j < n; j++) {
         struct kr_command_buffer *cb = submitted_buffer(submits, submits2, i, j, &n);
         if (!cb || !cb->profile.queries)
            continue;
         /* Its run writes them (also one not timed: a recording that stopped timing). */
         cb->profile.dirty = true;
         if (!timed(cb))
            continue;
         struct kr_profile_recording *rec = &cb->profile;
         if (result != VK_SUCCESS || rec->pending) {
            /* No point to read it at; or the same command buffer twice in one call, whose
             * one run's results are read. */
            if (result != VK_SUCCESS)
               kr_error("profiler: the submit that marks a submit's completion failed (%d): "
                        "its slices are lost", result);
            profile->lost_slices += rec->slice_count;
            continue;
         }
         rec->pending = true;
         rec->queue = queue;
         rec->point = point;
         rec->next_pending = NULL;
         if (profile->pending_tail)
            profile->pending_tail->profile.next_pending = cb;
         else
            profile->pending = cb;
         profile->pending_tail = cb;
      }
   }
   pthread_mutex_unlock(&profile->lock);
}

void
kr_profile_cpu_slice(struct kr_device *device, const char *name, uint64_t start_ns)
{
   struct kr_profile *profile = device->profile;
   const struct kr_profile_event e = {
      .name = name,
      .begin_ns = start_ns,
      .end_ns = kr_now_ns(),
      .track = (uint32_t)syscall(SYS_gettid),
      .kind = KR_PROFILE_KIND_COUNT,
   };
   pthread_mutex_lock(&profile->lock);
   if (!profile->closed)
      kr_profile_add_event_locked(profile, &e);
   pthread_mutex_unlock(&profile->lock);
}
