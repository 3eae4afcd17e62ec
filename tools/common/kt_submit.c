/* SPDX-License-Identifier: MIT */
#include "kt_submit.h"

#include <stdio.h>

#include "kt_check.h"

VkResult
kt_timeline_create(const struct kt_device *device, const char *what, VkSemaphore *out)
{
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
   };
   const VkSemaphoreCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
      .pNext = &type,
   };
   VkResult result = device->vk.vkCreateSemaphore(device->handle, &info, NULL, out);
   char message[200];
   snprintf(message, sizeof(message), "vkCreateSemaphore (timeline, %s)", what);
   if (!kt_ok(result, message))
      *out = VK_NULL_HANDLE;
   return result;
}

VkResult
kt_fence_wait(const struct kt_device *device, VkFence fence, const char *what)
{
   VkResult result = device->vk.vkWaitForFences(device->handle, 1, &fence, VK_TRUE,
                                                KT_FENCE_TIMEOUT_NS);
   if (result == VK_TIMEOUT) {
      kt_error("%s: the fence was not signalled within %llu s (lost submission or hang?)", what,
               (unsigned long long)(KT_FENCE_TIMEOUT_NS / 1000000000ull));
      return result;
   }
   char message[200];
   snprintf(message, sizeof(message), "vkWaitForFences (%s)", what);
   kt_ok(result, message);
   return result;
}

VkResult
kt_submit_once(const struct kt_device *device, uint32_t queue_index, kt_record_fn record,
               void *user, const char *what)
{
   const struct VolkDeviceTable *vk = &device->vk;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   VkFence fence = VK_NULL_HANDLE;
   char message[200];
   VkResult result;

   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
      .queueFamilyIndex = device->queue_family,
   };
   result = vk->vkCreateCommandPool(device->handle, &pool_info, NULL, &pool);
   snprintf(message, sizeof(message), "vkCreateCommandPool (%s)", what);
   if (!kt_ok(result, message)) {
      pool = VK_NULL_HANDLE;
      goto cleanup;
   }
   const VkCommandBufferAllocateInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   result = vk->vkAllocateCommandBuffers(device->handle, &cmd_info, &cmd);
   snprintf(message, sizeof(message), "vkAllocateCommandBuffers (%s)", what);
   if (!kt_ok(result, message)) {
      cmd = VK_NULL_HANDLE;
      goto cleanup;
   }
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   result = vk->vkCreateFence(device->handle, &fence_info, NULL, &fence);
   snprintf(message, sizeof(message), "vkCreateFence (%s)", what);
   if (!kt_ok(result, message)) {
      fence = VK_NULL_HANDLE;
      goto cleanup;
   }

   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   result = vk->vkBeginCommandBuffer(cmd, &begin);
   snprintf(message, sizeof(message), "vkBeginCommandBuffer (%s)", what);
   if (!kt_ok(result, message))
      goto cleanup;
   record(device, cmd, user);
   result = vk->vkEndCommandBuffer(cmd);
   snprintf(message, sizeof(message), "vkEndCommandBuffer (%s)", what);
   if (!kt_ok(result, message))
      goto cleanup;

   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmd,
   };
   result = vk->vkQueueSubmit(device->queues[queue_index], 1, &submit, fence);
   snprintf(message, sizeof(message), "vkQueueSubmit (%s)", what);
   if (!kt_ok(result, message))
      goto cleanup;
   result = kt_fence_wait(device, fence, what);

cleanup:
   if (fence != VK_NULL_HANDLE)
      vk->vkDestroyFence(device->handle, fence, NULL);
   /* Freed with the pool. Only reached after the fence wait succeeded or nothing was submitted,
    * except after a failed wait: then wait for idle so nothing in flight is destroyed. */
   if (result != VK_SUCCESS && cmd != VK_NULL_HANDLE)
      kt_ok(vk->vkDeviceWaitIdle(device->handle), "vkDeviceWaitIdle");
   if (pool != VK_NULL_HANDLE)
      vk->vkDestroyCommandPool(device->handle, pool, NULL);
   return result;
}

void
kt_cmd_memory_barrier(const struct kt_device *device, VkCommandBuffer cmd,
                      VkPipelineStageFlags src_stages, VkAccessFlags src_access,
                      VkPipelineStageFlags dst_stages, VkAccessFlags dst_access)
{
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = src_access,
      .dstAccessMask = dst_access,
   };
   device->vk.vkCmdPipelineBarrier(cmd, src_stages, dst_stages, 0, 1, &barrier, 0, NULL, 0, NULL);
}
