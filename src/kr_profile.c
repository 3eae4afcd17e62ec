/* SPDX-License-Identifier: MIT */
/* The profiler's life with its device (kr_profile.h): set up at vkCreateDevice when
 * KRONOS_PROFILE or KRONOS_PROFILE_SUMMARY asks for it, and at vkDestroyDevice every result read
 * (after the device is idle), the trace written and the table printed. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_internal.h"
#include "kr_queue_batch.h"
#include "kr_settings.h"

static bool
profile_wanted(const char **path)
{
   *path = kr_setting(KR_SETTING_PROFILE);
   if (*path && !**path)
      *path = NULL;
   return *path || kr_setting_enabled(KR_SETTING_PROFILE_SUMMARY);
}

const char *
kr_profile_vendor_extension(const struct kr_physical_device *pd,
                            const struct kr_extension_set *app_enabled)
{
   const char *path;
   if (!profile_wanted(&path) ||
       !kr_extensions_test(&pd->state.extensions, KR_EXT_EXT_calibrated_timestamps) ||
       kr_extensions_test(app_enabled, KR_EXT_EXT_calibrated_timestamps))
      return NULL;
   return VK_EXT_CALIBRATED_TIMESTAMPS_EXTENSION_NAME;
}

/* Whether the profiler resets its queries on the host (vkResetQueryPool, core in Vulkan 1.2)
 * rather than with a vkCmdResetQueryPool in every timed recording, which costs GPU time on
 * every run of a command buffer. */
static bool
host_reset_available(const struct kr_physical_device *pd)
{
   return pd->api_version >= VK_API_VERSION_1_2 &&
          kr_features_test(&pd->state.features, KR_FEATURE_hostQueryReset);
}

void
kr_profile_vendor_features(const struct kr_physical_device *pd, struct kr_feature_set *features)
{
   const char *path;
   if (!profile_wanted(&path))
      return;
   /* Completion points of submits that are not batched (kr_profile_collect.c). */
   if (kr_features_test(&pd->state.features, KR_FEATURE_timelineSemaphore))
      kr_features_set(features, KR_FEATURE_timelineSemaphore, true);
   if (host_reset_available(pd))
      kr_features_set(features, KR_FEATURE_hostQueryReset, true);
}

static void
free_profile(struct kr_profile *profile)
{
   const VkAllocationCallbacks *alloc = profile->alloc;
   for (uint32_t i = 0; i < profile->pipelines.capacity; i++) {
      if (profile->pipelines.slots[i].key)
         kr_free(alloc, profile->pipelines.slots[i].value);
   }
   kr_handle_map_finish(&profile->pipelines);
   kr_handle_map_finish(&profile->modules);
   for (uint32_t i = 0; i < profile->name_count; i++)
      kr_free(alloc, profile->names[i]);
   kr_free(alloc, profile->names);
   kr_free(alloc, profile->events);
   kr_free(alloc, profile->results);
   kr_free(alloc, profile->path);
   kr_profile_table_finish(&profile->table);
   pthread_mutex_destroy(&profile->lock);
   kr_free(alloc, profile);
}

/* One per queue, whether it batches or not: batching starts after the profiler. */
static VkResult
create_timelines(struct kr_device *device, struct kr_profile *profile)
{
   profile->timelines = kr_zalloc(device->alloc, sizeof(VkSemaphore) * device->queue_count, 8,
                                  VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   profile->timeline_values = kr_zalloc(device->alloc, sizeof(uint64_t) * device->queue_count,
                                        8, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!profile->timelines || !profile->timeline_values)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
   };
   const VkSemaphoreCreateInfo info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
                                       .pNext = &type};
   for (uint32_t i = 0; i < device->queue_count; i++) {
      VkResult result = device->disp.CreateSemaphore(device->handle, &info, device->alloc,
                                                     &profile->timelines[i]);
      if (result != VK_SUCCESS)
         return result;
   }
   return VK_SUCCESS;
}

static void
destroy_timelines(struct kr_device *device, struct kr_profile *profile)
{
   for (uint32_t i = 0; profile->timelines && i < device->queue_count; i++) {
      if (profile->timelines[i])
         device->disp.DestroySemaphore(device->handle, profile->timelines[i], device->alloc);
   }
   kr_free(device->alloc, profile->timelines);
   kr_free(device->alloc, profile->timeline_values);
   profile->timelines = NULL;
   profile->timeline_values = NULL;
}

void
kr_profile_init(struct kr_device *device)
{
   const char *path;
   if (!profile_wanted(&path))
      return;
   const struct kr_physical_device *pd = device->physical;
   if (!kr_features_test(&pd->state.features, KR_FEATURE_timelineSemaphore) ||
       !device->disp.GetSemaphoreCounterValue || !device->disp.WaitSemaphores) {
      kr_error("profiler: %s has no timeline semaphores, which the profiler needs: not "
               "profiling", pd->state.device_name);
      return;
   }
   if (device->queue_count == 0)
      return;
   struct kr_profile *profile = kr_zalloc(device->alloc, sizeof(*profile), 8,
                                          VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!profile || pthread_mutex_init(&profile->lock, NULL) != 0) {
      kr_free(device->alloc, profile);
      kr_error("profiler: out of host memory: not profiling");
      return;
   }
   profile->alloc = device->alloc;
   profile->start_ns = kr_now_ns();
   profile->host_reset = host_reset_available(pd) && device->disp.ResetQueryPool;
   kr_profile_table_init(&profile->table, device->alloc);
   kr_handle_map_init(&profile->modules, device->alloc);
   kr_handle_map_init(&profile->pipelines, device->alloc);
   VkResult result = VK_SUCCESS;
   if (path) {
      profile->path = kr_strdup(device->alloc, path, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
      if (!profile->path)
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   if (result == VK_SUCCESS)
      result = create_timelines(device, profile);
   if (result == VK_SUCCESS)
      result = kr_profile_clock_init(device, profile);
   if (result != VK_SUCCESS) {
      kr_error("profiler: setting up on %s failed (%d): not profiling", pd->state.device_name,
               result);
      destroy_timelines(device, profile);
      free_profile(profile);
      return;
   }
   kr_info("profiler on for %s: %s; queries reset %s", pd->state.device_name,
           profile->path ? profile->path : "the table only",
           profile->host_reset ? "on the host" : "in each recording");
   device->profile = profile;
}

void
kr_profile_finish(struct kr_device *device)
{
   struct kr_profile *profile = device->profile;
   if (!profile)
      return;
   /* The application waited for its work before destroying the device; what is still pending
    * here was submitted and not yet read. */
   VkResult result = kr_device_batching(device) ? kr_device_wait_idle(device)
                                                : device->disp.DeviceWaitIdle(device->handle);
   if (result != VK_SUCCESS)
      kr_error("profiler: waiting for the device to be idle failed (%d)", result);
   kr_profile_poll(device);
   pthread_mutex_lock(&profile->lock);
   while (profile->pending) {
      struct kr_command_buffer *cb = profile->pending;
      profile->lost_slices += cb->profile.slice_count;
      profile->pending = cb->profile.next_pending;
      cb->profile.pending = false;
      cb->profile.next_pending = NULL;
   }
   profile->pending_tail = NULL;
   profile->closed = true;
   pthread_mutex_unlock(&profile->lock);
   kr_profile_output(device, profile);
}

void
kr_profile_destroy(struct kr_device *device)
{
   struct kr_profile *profile = device->profile;
   if (!profile)
      return;
   device->profile = NULL;
   destroy_timelines(device, profile);
   free_profile(profile);
}

const char *
kr_profile_intern_locked(struct kr_profile *profile, const char *name)
{
   /* Names are few (pipelines and labels), looked up when recorded, never per dispatch. */
   for (uint32_t i = 0; i < profile->name_count; i++) {
      if (strcmp(profile->names[i], name) == 0)
         return profile->names[i];
   }
   char *copy = kr_strdup(profile->alloc, name, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!copy)
      return NULL;
   if (profile->name_count == profile->name_capacity) {
      uint32_t capacity = profile->name_capacity ? profile->name_capacity * 2 : 32;
      char **names = kr_alloc(profile->alloc, sizeof(*names) * capacity, 8,
                              VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
      if (!names) {
         kr_free(profile->alloc, copy);
         return NULL;
      }
      if (profile->name_count)
         memcpy(names, profile->names, sizeof(*names) * profile->name_count);
      kr_free(profile->alloc, profile->names);
      profile->names = names;
      profile->name_capacity = capacity;
   }
   profile->names[profile->name_count++] = copy;
   return copy;
}
