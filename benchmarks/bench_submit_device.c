/* SPDX-License-Identifier: MIT */
#include "bench_submit_device.h"

#include <string.h>

static bool
has_timeline(const struct kt_physical_device *physical)
{
   if (physical->properties.apiVersion < VK_API_VERSION_1_2)
      return false;
   VkPhysicalDeviceTimelineSemaphoreFeatures timeline = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
   };
   VkPhysicalDeviceFeatures2 features = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
      .pNext = &timeline,
   };
   vkGetPhysicalDeviceFeatures2(physical->handle, &features);
   return timeline.timelineSemaphore == VK_TRUE;
}

VkResult
bench_submit_device_create(const struct kt_physical_device *physical, struct kt_device *out,
                           bool *timeline)
{
   memset(out, 0, sizeof(*out));
   out->physical = physical;
   *timeline = has_timeline(physical);
   VkResult result;

   out->queue_family_size = kt_compute_family_size(physical, &out->queue_family);
   if (out->queue_family_size == 0) {
      kt_error("%s has no compute queue family", physical->properties.deviceName);
      result = VK_ERROR_FEATURE_NOT_PRESENT;
      goto cleanup;
   }
   const float priority = 1.0f;
   const VkDeviceQueueCreateInfo queue_info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
      .queueFamilyIndex = out->queue_family,
      .queueCount = 1,
      .pQueuePriorities = &priority,
   };
   const VkPhysicalDeviceTimelineSemaphoreFeatures timeline_features = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
      .timelineSemaphore = VK_TRUE,
   };
   const VkDeviceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .pNext = *timeline ? &timeline_features : NULL,
      .queueCreateInfoCount = 1,
      .pQueueCreateInfos = &queue_info,
   };
   result = vkCreateDevice(physical->handle, &info, NULL, &out->handle);
   if (result != VK_SUCCESS) {
      out->handle = VK_NULL_HANDLE;
      kt_error("vkCreateDevice (submit rows, timelineSemaphore %s) on %s failed: %s",
               *timeline ? "on" : "off", physical->properties.deviceName,
               kt_result_name(result));
      goto cleanup;
   }
   volkLoadDeviceTable(&out->vk, out->handle);
   vkGetPhysicalDeviceMemoryProperties(physical->handle, &out->memory);
   out->vk.vkGetDeviceQueue(out->handle, out->queue_family, 0, &out->queues[0]);
   if (out->queues[0] == VK_NULL_HANDLE) {
      kt_error("vkGetDeviceQueue(family %u, index 0) on %s returned no queue", out->queue_family,
               physical->properties.deviceName);
      result = VK_ERROR_INITIALIZATION_FAILED;
      goto cleanup;
   }
   out->queue_count = 1;
   return VK_SUCCESS;

cleanup:
   kt_device_destroy(out);
   *timeline = false;
   return result;
}
