/* SPDX-License-Identifier: MIT */
#include "bench_dispatch_timer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

VkResult
bench_dispatch_timer_create(const struct kt_device *device, uint32_t dispatches,
                            uint32_t valid_bits, struct bench_dispatch_timer *out)
{
   memset(out, 0, sizeof(*out));
   if (!valid_bits) {
      kt_error("--dispatch-timestamps: %s writes no timestamps on its compute queue",
               device->physical->properties.deviceName);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   const VkQueryPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 2 * dispatches,
   };
   VkResult result = device->vk.vkCreateQueryPool(device->handle, &info, NULL, &out->pool);
   if (!kt_ok(result, "vkCreateQueryPool (dispatch timestamps)")) {
      out->pool = VK_NULL_HANDLE;
      return result;
   }
   out->device = device;
   out->capacity = dispatches;
   out->period_ns = device->physical->properties.limits.timestampPeriod;
   out->mask = valid_bits >= 64 ? UINT64_MAX : (1ull << valid_bits) - 1;
   return VK_SUCCESS;
}

void
bench_dispatch_timer_destroy(struct bench_dispatch_timer *timer)
{
   if (timer->device && timer->pool != VK_NULL_HANDLE)
      timer->device->vk.vkDestroyQueryPool(timer->device->handle, timer->pool, NULL);
   memset(timer, 0, sizeof(*timer));
}

void
bench_dispatch_timer_begin_recording(struct bench_dispatch_timer *timer, VkCommandBuffer cmd)
{
   timer->cmd = cmd;
   timer->timed = 0;
   timer->device->vk.vkCmdResetQueryPool(cmd, timer->pool, 0, 2 * timer->capacity);
}

void
bench_dispatch_timer_before(struct bench_dispatch_timer *timer)
{
   if (timer->timed < timer->capacity)
      timer->device->vk.vkCmdWriteTimestamp(timer->cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                                            timer->pool, 2 * timer->timed);
}

void
bench_dispatch_timer_after(struct bench_dispatch_timer *timer)
{
   if (timer->timed < timer->capacity)
      timer->device->vk.vkCmdWriteTimestamp(timer->cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                                            timer->pool, 2 * timer->timed++ + 1);
}

VkResult
bench_dispatch_timer_read(struct bench_dispatch_timer *timer, double *gpu_ns)
{
   *gpu_ns = NAN;
   uint32_t n = timer->timed;
   if (!n)
      return VK_SUCCESS;
   const struct kt_device *device = timer->device;
   uint64_t *ticks = malloc(sizeof(*ticks) * 2 * n);
   if (!ticks) {
      kt_error("out of memory reading the dispatch timestamps");
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   VkResult result = device->vk.vkGetQueryPoolResults(
      device->handle, timer->pool, 0, 2 * n, sizeof(*ticks) * 2 * n, ticks, sizeof(*ticks),
      VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
   if (kt_ok(result, "vkGetQueryPoolResults (dispatch timestamps)")) {
      double sum = 0.0;
      for (uint32_t i = 0; i < n; i++)
         sum += (double)((ticks[2 * i + 1] - ticks[2 * i]) & timer->mask);
      *gpu_ns = sum * timer->period_ns;
   }
   free(ticks);
   return result;
}
