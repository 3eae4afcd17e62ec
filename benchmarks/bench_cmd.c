/* SPDX-License-Identifier: MIT */
#include "bench_cmd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_time.h"

uint32_t
bench_timestamp_valid_bits(const struct kt_device *device)
{
   uint32_t count = 0;
   vkGetPhysicalDeviceQueueFamilyProperties(device->physical->handle, &count, NULL);
   VkQueueFamilyProperties *families = calloc(count ? count : 1, sizeof(*families));
   if (!families)
      return 0;
   vkGetPhysicalDeviceQueueFamilyProperties(device->physical->handle, &count, families);
   uint32_t bits = device->queue_family < count ? families[device->queue_family].timestampValidBits
                                                : 0;
   free(families);
   return bits;
}

VkResult
bench_cmd_create(const struct kt_device *device, struct bench_cmd *out)
{
   const struct VolkDeviceTable *vk = &device->vk;
   memset(out, 0, sizeof(*out));
   out->device = device;
   VkResult result;

   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
      .queueFamilyIndex = device->queue_family,
   };
   result = vk->vkCreateCommandPool(device->handle, &pool_info, NULL, &out->pool);
   if (!kt_ok(result, "vkCreateCommandPool (benchmark)")) {
      out->pool = VK_NULL_HANDLE;
      goto cleanup;
   }
   const VkCommandBufferAllocateInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = out->pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   result = vk->vkAllocateCommandBuffers(device->handle, &cmd_info, &out->cmd);
   if (!kt_ok(result, "vkAllocateCommandBuffers (benchmark)")) {
      out->cmd = VK_NULL_HANDLE;
      goto cleanup;
   }
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   result = vk->vkCreateFence(device->handle, &fence_info, NULL, &out->fence);
   if (!kt_ok(result, "vkCreateFence (benchmark)")) {
      out->fence = VK_NULL_HANDLE;
      goto cleanup;
   }

   uint32_t bits = bench_timestamp_valid_bits(device);
   if (bits > 0) {
      const VkQueryPoolCreateInfo query_info = {
         .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
         .queryType = VK_QUERY_TYPE_TIMESTAMP,
         .queryCount = 2,
      };
      result = vk->vkCreateQueryPool(device->handle, &query_info, NULL, &out->timestamps);
      if (!kt_ok(result, "vkCreateQueryPool (timestamps)")) {
         out->timestamps = VK_NULL_HANDLE;
         goto cleanup;
      }
      out->timestamp_period_ns = device->physical->properties.limits.timestampPeriod;
      out->timestamp_mask = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
   }
   return VK_SUCCESS;

cleanup:
   bench_cmd_destroy(out);
   return result;
}

void
bench_cmd_destroy(struct bench_cmd *cmd)
{
   if (!cmd->device)
      return;
   const struct kt_device *device = cmd->device;
   const struct VolkDeviceTable *vk = &device->vk;
   if (cmd->pool != VK_NULL_HANDLE || cmd->fence != VK_NULL_HANDLE)
      kt_ok(vk->vkDeviceWaitIdle(device->handle), "vkDeviceWaitIdle");
   if (cmd->timestamps != VK_NULL_HANDLE)
      vk->vkDestroyQueryPool(device->handle, cmd->timestamps, NULL);
   if (cmd->fence != VK_NULL_HANDLE)
      vk->vkDestroyFence(device->handle, cmd->fence, NULL);
   if (cmd->pool != VK_NULL_HANDLE)
      vk->vkDestroyCommandPool(device->handle, cmd->pool, NULL);
   memset(cmd, 0, sizeof(*cmd));
}

VkResult
bench_cmd_begin(struct bench_cmd *cmd)
{
   const struct VolkDeviceTable *vk = &cmd->device->vk;
   VkResult result = vk->vkResetCommandPool(cmd->device->handle, cmd->pool, 0);
   if (!kt_ok(result, "vkResetCommandPool (benchmark)"))
      return result;
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   result = vk->vkBeginCommandBuffer(cmd->cmd, &begin);
   if (!kt_ok(result, "vkBeginCommandBuffer (benchmark)"))
      return result;
   if (cmd->timestamps != VK_NULL_HANDLE) {
      vk->vkCmdResetQueryPool(cmd->cmd, cmd->timestamps, 0, 2);
      vk->vkCmdWriteTimestamp(cmd->cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, cmd->timestamps, 0);
   }
   return VK_SUCCESS;
}

VkResult
bench_cmd_end(struct bench_cmd *cmd)
{
   const struct VolkDeviceTable *vk = &cmd->device->vk;
   if (cmd->timestamps != VK_NULL_HANDLE)
      vk->vkCmdWriteTimestamp(cmd->cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, cmd->timestamps, 1);
   VkResult result = vk->vkEndCommandBuffer(cmd->cmd);
   kt_ok(result, "vkEndCommandBuffer (benchmark)");
   return result;
}

VkResult
bench_cmd_submit(struct bench_cmd *cmd, double *submit_ns)
{
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmd->cmd,
   };
   uint64_t start = bench_wall_ns();
   VkResult result = cmd->device->vk.vkQueueSubmit(cmd->device->queues[0], 1, &submit,
                                                   cmd->fence);
   *submit_ns = (double)(bench_wall_ns() - start);
   kt_ok(result, "vkQueueSubmit (benchmark)");
   return result;
}

VkResult
bench_cmd_wait(struct bench_cmd *cmd, double *gpu_ns)
{
   const struct VolkDeviceTable *vk = &cmd->device->vk;
   VkDevice device = cmd->device->handle;
   *gpu_ns = NAN;
   VkResult result = kt_fence_wait(cmd->device, cmd->fence, "benchmark");
   if (result != VK_SUCCESS)
      return result;
   result = vk->vkResetFences(device, 1, &cmd->fence);
   if (!kt_ok(result, "vkResetFences (benchmark)"))
      return result;
   if (cmd->timestamps == VK_NULL_HANDLE)
      return VK_SUCCESS;
   uint64_t ticks[2];
   result = vk->vkGetQueryPoolResults(device, cmd->timestamps, 0, 2, sizeof(ticks), ticks,
                                      sizeof(ticks[0]),
                                      VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
   if (!kt_ok(result, "vkGetQueryPoolResults (timestamps)"))
      return result;
   uint64_t elapsed = (ticks[1] - ticks[0]) & cmd->timestamp_mask;
   *gpu_ns = (double)elapsed * cmd->timestamp_period_ns;
   return VK_SUCCESS;
}
