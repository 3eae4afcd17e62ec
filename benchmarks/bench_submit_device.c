/* SPDX-License-Identifier: MIT */
#include "bench_submit_device.h"

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
   *timeline = has_timeline(physical);
   const VkPhysicalDeviceTimelineSemaphoreFeatures timeline_features = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
      .timelineSemaphore = VK_TRUE,
   };
   VkResult result =
      kt_device_create_features(physical, 1, *timeline ? &timeline_features : NULL, out);
   if (result != VK_SUCCESS) {
      kt_error("the submit rows' device (timelineSemaphore %s) on %s: not made",
               *timeline ? "on" : "off", physical->properties.deviceName);
      *timeline = false;
   }
   return result;
}
