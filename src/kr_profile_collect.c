/* SPDX-License-Identifier: MIT */
/* The profiler's reading (kr_profile.h): submitted command buffers wait on the device's pending
 * list until their queries are all available (vkGetQueryPoolResults without WAIT_BIT says so:
 * the vendor's own completion of exactly that work), then their slices become events in host
 * time and durations in the per-kernel table, and their queries are reset from the host so that
 * the next submit's results cannot be mistaken for these. */
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

static void
unlink_pending(struct kr_profile *profile, struct kr_command_buffer *cb)
{
   for (struct kr_command_buffer **p = &profile->pending; *p; p = &(*p)->profile.next_pending) {
      if (*p == cb) {
         *p = cb->profile.next_pending;
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

bool
kr_profile_read_locked(struct kr_device *device, struct kr_command_buffer *cb, bool give_up)
{
   struct kr_profile *profile = device->profile;
   struct kr_profile_recording *rec = &cb->profile;
   uint32_t queries = rec->queries;
   if (profile->results_capacity < queries) {
      uint64_t *results = kr_alloc(profile->alloc, sizeof(*results) * queries, 8,
                                   VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
      if (!results) {
         kr_error("profiler: out of host memory reading timestamps: %u slices lost",
                  rec->slice_count);
         profile->lost_slices += rec->slice_count;
         goto done;
      }
      kr_free(profile->alloc, profile->results);
      profile->results = results;
      profile->results_capacity = queries;
   }
   for (uint32_t first = 0; first < queries; first += KR_PROFILE_POOL_QUERIES) {
      uint32_t count = queries - first < KR_PROFILE_POOL_QUERIES ? queries - first
                                                                  : KR_PROFILE_POOL_QUERIES;
      VkResult result = device->disp.GetQueryPoolResults(
         device->handle, rec->pools[first / KR_PROFILE_POOL_QUERIES], 0, count,
         sizeof(uint64_t) * count, profile->results + first, sizeof(uint64_t),
         VK_QUERY_RESULT_64_BIT);
      if (result == VK_NOT_READY && !give_up)
         return false;
      if (result != VK_SUCCESS) {
         kr_error("profiler: reading a command buffer's timestamps failed (%d): %u slices lost",
                  result, rec->slice_count);
         profile->lost_slices += rec->slice_count;
         goto done;
      }
   }
   profile->reads++;
   add_slices(device, profile, rec, profile->results);
done:
   /* Unavailable again until the command buffer's next run writes them. */
   for (uint32_t i = 0; i < rec->pool_count; i++)
      device->disp.ResetQueryPool(device->handle, rec->pools[i], 0, KR_PROFILE_POOL_QUERIES);
   unlink_pending(profile, cb);
   return true;
}

void
kr_profile_poll(struct kr_device *device)
{
   struct kr_profile *profile = device->profile;
   if (!profile)
      return;
   pthread_mutex_lock(&profile->lock);
   for (struct kr_command_buffer *cb = profile->pending, *next; cb; cb = next) {
      next = cb->profile.next_pending;
      if (!cb->profile.waiting)
         kr_profile_read_locked(device, cb, false);
   }
   pthread_mutex_unlock(&profile->lock);
}

/* Reads a pending command buffer's results, waiting for its work when it still runs (the
 * profiler's lock not held: the wait is the vendor's). */
static void
read_waiting(struct kr_device *device, struct kr_command_buffer *cb)
{
   struct kr_profile *profile = device->profile;
   struct kr_profile_recording *rec = &cb->profile;
   pthread_mutex_lock(&profile->lock);
   if (!rec->pending || kr_profile_read_locked(device, cb, false)) {
      pthread_mutex_unlock(&profile->lock);
      return;
   }
   rec->waiting = true; /* pollers leave it alone: its pools are this thread's for now */
   profile->waited_reads++;
   pthread_mutex_unlock(&profile->lock);

   /* Its submit may still be in a batch: the vendor must have it before a wait. A flush the
    * vendor refused never writes the queries: then there is nothing to wait for. */
   kr_device_observe(device);
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < rec->pool_count && result == VK_SUCCESS; i++)
      result = kr_device_lost_work(device, (uint64_t)(uintptr_t)rec->pools[i]);
   for (uint32_t first = 0; first < rec->queries && result == VK_SUCCESS; first += 64) {
      uint64_t ignored[64];
      uint32_t count = rec->queries - first < 64 ? rec->queries - first : 64;
      result = device->disp.GetQueryPoolResults(
         device->handle, rec->pools[first / KR_PROFILE_POOL_QUERIES],
         first % KR_PROFILE_POOL_QUERIES, count, sizeof(ignored), ignored, sizeof(uint64_t),
         VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
   }
   if (result != VK_SUCCESS)
      kr_error("profiler: waiting for a command buffer's timestamps failed (%d)", result);

   pthread_mutex_lock(&profile->lock);
   rec->waiting = false;
   /* On failure its slices are given up (reported), not waited for again. */
   kr_profile_read_locked(device, cb, true);
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
         /* Submitted again while its last run's results are unread (only a simultaneous-use
          * command buffer can be, still running): the new run overwrites them. */
         if (cb && cb->profile.pending)
            read_waiting(device, cb);
      }
   }
}

void
kr_profile_after_submit(struct kr_queue *queue, uint32_t count, const VkSubmitInfo *submits,
                        const VkSubmitInfo2 *submits2)
{
   struct kr_profile *profile = queue->device->profile;
   pthread_mutex_lock(&profile->lock);
   for (uint32_t i = 0; i < count; i++) {
      uint32_t n = 1;
      for (uint32_t j = 0; j < n; j++) {
         struct kr_command_buffer *cb = submitted_buffer(submits, submits2, i, j, &n);
         struct kr_profile_recording *rec = cb ? &cb->profile : NULL;
         if (!rec || !rec->timed || !rec->slice_count)
            continue;
         if (rec->pending) {
            /* The same command buffer twice in one call: one run's results are read. */
            profile->lost_slices += rec->slice_count;
            continue;
         }
         rec->pending = true;
         rec->queue = queue;
         rec->next_pending = profile->pending;
         profile->pending = cb;
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
   kr_profile_add_event_locked(profile, &e);
   pthread_mutex_unlock(&profile->lock);
}
