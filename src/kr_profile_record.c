/* SPDX-License-Identifier: MIT */
/* The profiler's side of recording (kr_profile.h): timestamps around timed commands and label
 * regions, in query pools the command buffer owns. Each slice takes two consecutive queries
 * (begin, end) of one pool, reset before it is written. With host query reset on the vendor
 * device, and unless the recording is for simultaneous use, on the host: when the pool is made,
 * after the read of a run's results, and, where a run went unread (a failed read, a recording
 * that stopped timing), when the command buffer is submitted or begun again, which the
 * application does only once its last run completed. Otherwise in the recording, at its start.
 * A profiler failure (no host memory, a vendor error making a pool)
 * is reported and stops timing that recording; the application's commands are recorded as
 * they would be without the profiler. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_profile_hooks.h"
#include "kr_profile_internal.h"
#include "kr_queue_batch.h"
#include "kr_scratch.h"

static void
stop_timing(struct kr_command_buffer *cb, const char *why, VkResult result)
{
   kr_error("profiler: %s (%d): this recording of a command buffer is not timed", why, result);
   struct kr_profile_recording *rec = &cb->profile;
   cb->profile_timed = false;
   rec->in_slice = false;
   rec->slice_count = 0;
   rec->label_depth = 0;
   rec->unrecorded_labels = 0;
}

/* A new pool; reset now on the host, or in the command buffer before its first use. */
static VkResult
add_pool(struct kr_command_buffer *cb)
{
   struct kr_profile_recording *rec = &cb->profile;
   struct kr_device *device = cb->device;
   VkResult result = kr_array_grow(cb->pool->alloc, (void **)&rec->pools, &rec->pool_capacity,
                                   rec->pool_count, (uint64_t)rec->pool_count + 1,
                                   sizeof(*rec->pools), 4);
   if (result != VK_SUCCESS)
      return result;
   const VkQueryPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = KR_PROFILE_POOL_QUERIES,
   };
   VkQueryPool pool;
   result = device->disp.CreateQueryPool(device->handle, &info, device->alloc, &pool);
   if (result != VK_SUCCESS)
      return result;
   if (device->profile->host_reset)
      device->disp.ResetQueryPool(device->handle, pool, 0, KR_PROFILE_POOL_QUERIES);
   rec->pools[rec->pool_count++] = pool;
   return VK_SUCCESS;
}

bool
kr_profile_host_resets(const struct kr_command_buffer *cb)
{
   return cb->device->profile->host_reset && !cb->profile.simultaneous;
}

void
kr_profile_host_reset_locked(struct kr_command_buffer *cb, bool all)
{
   struct kr_profile_recording *rec = &cb->profile;
   struct kr_device *device = cb->device;
   uint32_t queries = all ? rec->pool_count * KR_PROFILE_POOL_QUERIES : rec->queries;
   for (uint32_t first = 0; first < queries; first += KR_PROFILE_POOL_QUERIES) {
      uint32_t left = queries - first;
      device->disp.ResetQueryPool(device->handle, rec->pools[first / KR_PROFILE_POOL_QUERIES], 0,
                                  left < KR_PROFILE_POOL_QUERIES ? left : KR_PROFILE_POOL_QUERIES);
   }
   rec->dirty = false;
}

/* The pool of a query, reset in this recording before its first timestamp (on the host
 * instead: already reset). */
static void
reset_pool_in_recording(struct kr_command_buffer *cb, uint32_t index)
{
   struct kr_profile_recording *rec = &cb->profile;
   if (!kr_profile_host_resets(cb))
      cb->disp->CmdResetQueryPool(cb->handle, rec->pools[index], 0, KR_PROFILE_POOL_QUERIES);
   /* Should the vendor refuse the flush carrying it, a read of the pool says so. */
   kr_command_buffer_note_host_object(cb, (uint64_t)(uintptr_t)rec->pools[index]);
}

/* Two queries for a new slice, appended to the slice list. NULL when timing stopped. */
static struct kr_profile_slice *
new_slice(struct kr_command_buffer *cb, enum kr_profile_kind kind, const char *name,
          const uint32_t grid[3])
{
   struct kr_profile_recording *rec = &cb->profile;
   uint32_t pool = rec->queries / KR_PROFILE_POOL_QUERIES;
   VkResult result = VK_SUCCESS;
   if (pool >= rec->pool_count)
      result = add_pool(cb);
   if (result != VK_SUCCESS) {
      stop_timing(cb, "making a timestamp query pool", result);
      return NULL;
   }
   result = kr_array_grow(cb->pool->alloc, (void **)&rec->slices, &rec->slice_capacity,
                          rec->slice_count, (uint64_t)rec->slice_count + 1,
                          sizeof(*rec->slices), 64);
   if (result != VK_SUCCESS) {
      stop_timing(cb, "out of host memory keeping a slice", result);
      return NULL;
   }
   if (pool >= rec->pools_reset) {
      reset_pool_in_recording(cb, pool);
      rec->pools_reset = pool + 1;
   }
   struct kr_profile_slice *slice = &rec->slices[rec->slice_count++];
   *slice = (struct kr_profile_slice){
      .name = name,
      .query = rec->queries,
      .kind = (uint8_t)kind,
      .depth = (uint8_t)rec->label_depth,
   };
   if (grid)
      memcpy(slice->grid, grid, sizeof(slice->grid));
   rec->queries += 2;
   return slice;
}

static void
write_timestamp(struct kr_command_buffer *cb, VkPipelineStageFlagBits stage, uint32_t query)
{
   struct kr_profile_recording *rec = &cb->profile;
   cb->disp->CmdWriteTimestamp(cb->handle, stage, rec->pools[query / KR_PROFILE_POOL_QUERIES],
                               query % KR_PROFILE_POOL_QUERIES);
}

void
kr_profile_recording_begin(struct kr_command_buffer *cb, VkCommandBufferUsageFlags flags)
{
   struct kr_profile_recording *rec = &cb->profile;
   struct kr_profile *profile = cb->device->profile;
   if (profile) {
      pthread_mutex_lock(&profile->lock);
      rec->simultaneous = flags & VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT;
      /* Runs that went unread, or of an earlier recording that reset in the recording: they
       * completed (a command buffer is begun only when not pending). */
      if (rec->dirty && kr_profile_host_resets(cb))
         kr_profile_host_reset_locked(cb, true);
      pthread_mutex_unlock(&profile->lock);
   }
   cb->profile_timed = profile && !cb->secondary;
   rec->in_slice = false;
   rec->slice_count = 0;
   rec->queries = 0;
   rec->label_depth = 0;
   rec->unrecorded_labels = 0;
   rec->pipeline_name = NULL;
   rec->pools_reset = 0;
   if (!cb->profile_timed)
      return;
   /* Resetting in the recording: the pools of earlier recordings at the start of the command
    * buffer, pools added while recording before their first timestamp. */
   for (uint32_t i = 0; i < rec->pool_count; i++)
      reset_pool_in_recording(cb, i);
   rec->pools_reset = rec->pool_count;
}

void
kr_profile_recording_end(struct kr_command_buffer *cb)
{
   struct kr_profile_recording *rec = &cb->profile;
   if (!cb->profile_timed)
      return;
   kr_profile_cmd_end_slow(cb);
   /* Labels left open end with the command buffer (a label may end in a later one: that end
    * is then not timed). */
   while (rec->label_depth)
      kr_profile_label_end_slow(cb);
}

void
kr_profile_bind_pipeline_slow(struct kr_command_buffer *cb, VkPipeline pipeline)
{
   struct kr_profile *profile = cb->device->profile;
   pthread_mutex_lock(&profile->lock);
   const struct kr_profile_pipeline *p =
      kr_handle_map_get(&profile->pipelines, (uint64_t)(uintptr_t)pipeline);
   cb->profile.pipeline_name = p ? (p->debug_name ? p->debug_name : p->auto_name) : NULL;
   pthread_mutex_unlock(&profile->lock);
}

void
kr_profile_cmd_begin_slow(struct kr_command_buffer *cb, enum kr_profile_kind kind,
                          const char *name, const uint32_t grid[3])
{
   struct kr_profile_recording *rec = &cb->profile;
   if (rec->in_slice)
      return;
   if (!name)
      name = rec->pipeline_name ? rec->pipeline_name : "dispatch (unknown pipeline)";
   struct kr_profile_slice *slice = new_slice(cb, kind, name, grid);
   if (!slice)
      return;
   /* After the barriers emitted for the command (the caller's order), before the command. */
   write_timestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, slice->query);
   rec->in_slice = true;
}

void
kr_profile_cmd_end_slow(struct kr_command_buffer *cb)
{
   struct kr_profile_recording *rec = &cb->profile;
   if (!rec->in_slice)
      return;
   rec->in_slice = false;
   write_timestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                   rec->slices[rec->slice_count - 1].query + 1);
}

void
kr_profile_label_begin_slow(struct kr_command_buffer *cb, const VkDebugUtilsLabelEXT *label)
{
   struct kr_profile_recording *rec = &cb->profile;
   struct kr_profile *profile = cb->device->profile;
   if (rec->label_depth >= KR_PROFILE_MAX_LABEL_DEPTH) {
      rec->unrecorded_labels++;
      return;
   }
   pthread_mutex_lock(&profile->lock);
   const char *name = kr_profile_intern_locked(
      profile, label && label->pLabelName ? label->pLabelName : "(label)");
   pthread_mutex_unlock(&profile->lock);
   if (!name) {
      stop_timing(cb, "out of host memory keeping a label's name", VK_ERROR_OUT_OF_HOST_MEMORY);
      return;
   }
   struct kr_profile_slice *slice = new_slice(cb, KR_PROFILE_LABEL, name, NULL);
   if (!slice)
      return;
   write_timestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, slice->query);
   rec->open_labels[rec->label_depth++] = rec->slice_count - 1;
}

void
kr_profile_label_end_slow(struct kr_command_buffer *cb)
{
   struct kr_profile_recording *rec = &cb->profile;
   if (rec->unrecorded_labels) {
      rec->unrecorded_labels--;
      return;
   }
   if (!rec->label_depth)
      return; /* it ends a label begun in an earlier command buffer: not timed */
   uint32_t index = rec->open_labels[--rec->label_depth];
   write_timestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, rec->slices[index].query + 1);
}

void
kr_profile_recording_finish(struct kr_command_buffer *cb)
{
   struct kr_profile_recording *rec = &cb->profile;
   kr_profile_recording_reset(cb);
   struct kr_device *device = cb->device;
   for (uint32_t i = 0; i < rec->pool_count; i++) {
      /* Before the vendor may hand the handle to a new pool (as kr_DestroyQueryPool). */
      kr_device_forget_lost_signals(device, (uint64_t)(uintptr_t)rec->pools[i]);
      device->disp.DestroyQueryPool(device->handle, rec->pools[i], device->alloc);
   }
   kr_free(cb->pool->alloc, rec->pools);
   kr_free(cb->pool->alloc, rec->slices);
   memset(rec, 0, sizeof(*rec));
}
