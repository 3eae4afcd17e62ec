/* SPDX-License-Identifier: MIT */
/* The profiler's clock (kr_profile.h): GPU timestamps become host time (CLOCK_MONOTONIC) with
 * timestampPeriod and an offset found once, when the device is created. Where the vendor has
 * VK_EXT_calibrated_timestamps with the device and CLOCK_MONOTONIC time domains (Kronos enables
 * it on the vendor device when profiling), the two clocks are read together. Else the offset is
 * measured: one vendor submit of one timestamp, between two readings of the host clock. Where
 * the timestamp falls between them without an offset, the vendor counts on the host's own clock
 * and the offset is 0; else it is taken at the middle of the round trip, which bounds its error
 * by half the round trip. */
#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_internal.h"
#include "kr_queue_family.h"
#include "kr_time.h"

struct clock_probe {
   VkCommandPool pool;
   VkCommandBuffer cb;
   VkQueryPool queries;
   VkFence fence;
};

static void
destroy_probe(struct kr_device *device, struct clock_probe *p)
{
   if (p->fence)
      device->disp.DestroyFence(device->handle, p->fence, device->alloc);
   if (p->queries)
      device->disp.DestroyQueryPool(device->handle, p->queries, device->alloc);
   if (p->pool) /* frees the command buffer */
      device->disp.DestroyCommandPool(device->handle, p->pool, device->alloc);
}

/* One timestamp on the queue, read back, with the host clock before and after. */
static VkResult
probe(struct kr_device *device, struct kr_queue *queue, struct clock_probe *p, uint64_t *ticks,
      uint64_t *before, uint64_t *after)
{
   const struct kr_physical_device *pd = device->physical;
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = kr_queue_family_to_vendor(&pd->state.queue_family_map, queue->family),
   };
   VkResult result = device->disp.CreateCommandPool(device->handle, &pool_info, device->alloc,
                                                    &p->pool);
   if (result != VK_SUCCESS)
      return result;
   const VkCommandBufferAllocateInfo cb_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = p->pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   result = device->disp.AllocateCommandBuffers(device->handle, &cb_info, &p->cb);
   if (result != VK_SUCCESS)
      return result;
   if (pd->vendor->layered)
      kr_layer_set_dispatch(p->cb, &device->disp);
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 1,
   };
   result = device->disp.CreateQueryPool(device->handle, &query_info, device->alloc, &p->queries);
   if (result != VK_SUCCESS)
      return result;
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   result = device->disp.CreateFence(device->handle, &fence_info, device->alloc, &p->fence);
   if (result != VK_SUCCESS)
      return result;
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   result = device->disp.BeginCommandBuffer(p->cb, &begin);
   if (result != VK_SUCCESS)
      return result;
   device->disp.CmdResetQueryPool(p->cb, p->queries, 0, 1);
   device->disp.CmdWriteTimestamp(p->cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, p->queries, 0);
   result = device->disp.EndCommandBuffer(p->cb);
   if (result != VK_SUCCESS)
      return result;
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &p->cb,
   };
   /* The device is new: nothing else submits to its vendor queues yet. */
   *before = kr_now_ns();
   result = device->disp.QueueSubmit(queue->handle, 1, &submit, p->fence);
   if (result != VK_SUCCESS)
      return result;
   result = device->disp.WaitForFences(device->handle, 1, &p->fence, VK_TRUE, UINT64_MAX);
   *after = kr_now_ns();
   if (result != VK_SUCCESS)
      return result;
   return device->disp.GetQueryPoolResults(device->handle, p->queries, 0, 1, sizeof(*ticks),
                                           ticks, sizeof(*ticks),
                                           VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
}

/* Both clocks at once through VK_EXT_calibrated_timestamps; false (said) where it cannot. */
static bool
calibrate(struct kr_device *device, struct kr_profile *profile)
{
   const struct kr_physical_device *pd = device->physical;
   if (!kr_extensions_test(&pd->state.extensions, KR_EXT_EXT_calibrated_timestamps) ||
       !device->disp.GetCalibratedTimestampsEXT ||
       !pd->disp->GetPhysicalDeviceCalibrateableTimeDomainsEXT)
      return false;
   VkTimeDomainEXT domains[16];
   uint32_t count = 16;
   VkResult result =
      pd->disp->GetPhysicalDeviceCalibrateableTimeDomainsEXT(pd->handle, &count, domains);
   if (result != VK_SUCCESS && result != VK_INCOMPLETE) {
      kr_warn("profiler: vkGetPhysicalDeviceCalibrateableTimeDomainsEXT failed (%d): measuring "
              "the GPU clock instead", result);
      return false;
   }
   bool device_domain = false, monotonic = false;
   for (uint32_t i = 0; i < count; i++) {
      device_domain |= domains[i] == VK_TIME_DOMAIN_DEVICE_EXT;
      monotonic |= domains[i] == VK_TIME_DOMAIN_CLOCK_MONOTONIC_EXT;
   }
   if (!device_domain || !monotonic)
      return false;
   const VkCalibratedTimestampInfoEXT infos[2] = {
      {VK_STRUCTURE_TYPE_CALIBRATED_TIMESTAMP_INFO_EXT, NULL, VK_TIME_DOMAIN_DEVICE_EXT},
      {VK_STRUCTURE_TYPE_CALIBRATED_TIMESTAMP_INFO_EXT, NULL, VK_TIME_DOMAIN_CLOCK_MONOTONIC_EXT},
   };
   uint64_t stamps[2], deviation = 0;
   result = device->disp.GetCalibratedTimestampsEXT(device->handle, 2, infos, stamps, &deviation);
   if (result != VK_SUCCESS) {
      kr_warn("profiler: vkGetCalibratedTimestampsEXT failed (%d): measuring the GPU clock "
              "instead", result);
      return false;
   }
   profile->offset_ns =
      (double)stamps[1] - (double)(stamps[0] & profile->valid_mask) * profile->period_ns;
   profile->clock_source = "calibrated timestamps (VK_EXT_calibrated_timestamps)";
   kr_info("profiler: GPU clock to host: period %.3f ns, offset %.0f ns (%s; max deviation "
           "%llu ns)", profile->period_ns, profile->offset_ns, profile->clock_source,
           (unsigned long long)deviation);
   return true;
}

VkResult
kr_profile_clock_init(struct kr_device *device, struct kr_profile *profile)
{
   const struct kr_physical_device *pd = device->physical;
   struct kr_queue *queue = &device->queues[0];
   uint32_t bits = pd->state.queue_families[queue->family].timestamp_valid_bits;
   if (bits == 0) {
      kr_error("profiler: queue family %u of %s has no timestamps", queue->family,
               pd->state.device_name);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   profile->valid_mask = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
   profile->period_ns = pd->state.limits.timestampPeriod;
   if (calibrate(device, profile))
      return VK_SUCCESS;
   struct clock_probe p = {0};
   uint64_t ticks = 0, before = 0, after = 0;
   VkResult result = probe(device, queue, &p, &ticks, &before, &after);
   destroy_probe(device, &p);
   if (result != VK_SUCCESS)
      return result;
   double gpu_ns = (double)(ticks & profile->valid_mask) * profile->period_ns;
   if (gpu_ns >= (double)before && gpu_ns <= (double)after) {
      profile->offset_ns = 0;
      profile->clock_source = "the host's clock (a timestamp fell inside its submit)";
   } else {
      profile->offset_ns = ((double)before + (double)after) / 2 - gpu_ns;
      profile->clock_source = "measured offset (middle of one submit's round trip)";
   }
   kr_info("profiler: GPU clock to host: period %.3f ns, offset %.0f ns (%s; round trip %llu ns)",
           profile->period_ns, profile->offset_ns, profile->clock_source,
           (unsigned long long)(after - before));
   return VK_SUCCESS;
}
