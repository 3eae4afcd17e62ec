/* SPDX-License-Identifier: MIT */
#include "kt_device.h"

#include <stdlib.h>
#include <string.h>

#include "kt_check.h"
#include "kt_cooperative_matrix.h"

uint32_t
kt_compute_family_size(const struct kt_physical_device *physical, uint32_t *family)
{
   uint32_t count = 0;
   vkGetPhysicalDeviceQueueFamilyProperties(physical->handle, &count, NULL);
   VkQueueFamilyProperties *families = calloc(count ? count : 1, sizeof(*families));
   if (!families)
      return 0;
   vkGetPhysicalDeviceQueueFamilyProperties(physical->handle, &count, families);
   uint32_t size = 0;
   for (uint32_t i = 0; i < count; i++) {
      if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && families[i].queueCount > 0) {
         *family = i;
         size = families[i].queueCount;
         break;
      }
   }
   free(families);
   return size;
}

VkResult
kt_device_create(const struct kt_physical_device *physical, uint32_t queues_wanted,
                 struct kt_device *out)
{
   return kt_device_create_with(physical, queues_wanted, false, out);
}

/* The features to enable (a pNext chain, may be NULL) and at most one extension. */
struct device_features {
   const void *chain;
   const char *extension;
};

static VkResult
device_create(const struct kt_physical_device *physical, uint32_t queues_wanted,
              struct device_features wanted, struct kt_device *out)
{
   memset(out, 0, sizeof(*out));
   out->physical = physical;
   float priorities[KT_MAX_QUEUES];
   VkResult result;

   out->queue_family_size = kt_compute_family_size(physical, &out->queue_family);
   if (out->queue_family_size == 0) {
      kt_error("%s has no compute queue family", physical->properties.deviceName);
      result = VK_ERROR_FEATURE_NOT_PRESENT;
      goto cleanup;
   }
   uint32_t queue_count = queues_wanted < out->queue_family_size ? queues_wanted
                                                                 : out->queue_family_size;
   if (queue_count > KT_MAX_QUEUES)
      queue_count = KT_MAX_QUEUES;
   if (queue_count == 0)
      queue_count = 1;
   for (uint32_t i = 0; i < queue_count; i++)
      priorities[i] = 1.0f;

   const VkDeviceQueueCreateInfo queue_info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
      .queueFamilyIndex = out->queue_family,
      .queueCount = queue_count,
      .pQueuePriorities = priorities,
   };
   const VkDeviceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .pNext = wanted.chain,
      .queueCreateInfoCount = 1,
      .pQueueCreateInfos = &queue_info,
      .enabledExtensionCount = wanted.extension ? 1 : 0,
      .ppEnabledExtensionNames = wanted.extension ? &wanted.extension : NULL,
   };
   result = vkCreateDevice(physical->handle, &info, NULL, &out->handle);
   if (result != VK_SUCCESS) {
      out->handle = VK_NULL_HANDLE;
      kt_error("vkCreateDevice on %s failed: %s", physical->properties.deviceName,
               kt_result_name(result));
      goto cleanup;
   }
   volkLoadDeviceTable(&out->vk, out->handle);
   vkGetPhysicalDeviceMemoryProperties(physical->handle, &out->memory);
   for (uint32_t i = 0; i < queue_count; i++) {
      out->vk.vkGetDeviceQueue(out->handle, out->queue_family, i, &out->queues[i]);
      if (out->queues[i] == VK_NULL_HANDLE) {
         kt_error("vkGetDeviceQueue(family %u, index %u) on %s returned no queue",
                  out->queue_family, i, physical->properties.deviceName);
         result = VK_ERROR_INITIALIZATION_FAILED;
         goto cleanup;
      }
   }
   out->queue_count = queue_count;
   return VK_SUCCESS;

cleanup:
   kt_device_destroy(out);
   return result;
}

VkResult
kt_device_create_with(const struct kt_physical_device *physical, uint32_t queues_wanted,
                      bool cooperative_matrix, struct kt_device *out)
{
   /* Cooperative matrices where asked and the device has them (kronos-bench's gemm-coopmat). */
   struct kt_cooperative_matrix_features matrix;
   struct device_features wanted = {0};
   if (cooperative_matrix && !kt_cooperative_matrix_unsupported(physical)) {
      wanted.chain = kt_cooperative_matrix_features(&matrix, NULL);
#ifdef VK_KHR_cooperative_matrix
      wanted.extension = VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME;
#endif
   }
   VkResult result = device_create(physical, queues_wanted, wanted, out);
   if (result == VK_SUCCESS)
      out->cooperative_matrix = wanted.extension != NULL;
   return result;
}

VkResult
kt_device_create_features(const struct kt_physical_device *physical, uint32_t queues_wanted,
                          const void *features, struct kt_device *out)
{
   return device_create(physical, queues_wanted, (struct device_features){.chain = features},
                        out);
}

VkResult
kt_device_create_synchronization(const struct kt_physical_device *physical,
                                 uint32_t queues_wanted, struct kt_device *out)
{
   /* The instance's version bounds the device's (kt_instance asks for the loader's). */
   uint32_t version = physical->properties.apiVersion;
   if (volkGetInstanceVersion() < version)
      version = volkGetInstanceVersion();
   if (version < VK_API_VERSION_1_3) {
      memset(out, 0, sizeof(*out));
      kt_error("%s with this loader offers Vulkan %u.%u: timeline semaphores and "
               "synchronization2 need 1.3",
               physical->properties.deviceName, VK_API_VERSION_MAJOR(version),
               VK_API_VERSION_MINOR(version));
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   VkPhysicalDeviceVulkan13Features vulkan13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = VK_TRUE,
   };
   VkPhysicalDeviceVulkan12Features vulkan12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &vulkan13,
      .timelineSemaphore = VK_TRUE,
   };
   return kt_device_create_features(physical, queues_wanted, &vulkan12, out);
}

void
kt_device_destroy(struct kt_device *device)
{
   if (device->handle != VK_NULL_HANDLE) {
      kt_ok(device->vk.vkDeviceWaitIdle(device->handle), "vkDeviceWaitIdle");
      device->vk.vkDestroyDevice(device->handle, NULL);
   }
   memset(device, 0, sizeof(*device));
}
