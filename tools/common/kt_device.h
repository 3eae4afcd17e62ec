/* SPDX-License-Identifier: MIT */
/* A logical device with compute queues from one family, and its own volk function table (so a
 * process can drive the vendor's device and Kronos's side by side, without the loader's
 * trampolines). */
#ifndef KT_DEVICE_H
#define KT_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <volk.h>

#include "kt_physical_device.h"

#define KT_MAX_QUEUES 8

/* Fence waits give up after this long and report VK_TIMEOUT rather than hang. */
#define KT_FENCE_TIMEOUT_NS (60ull * 1000 * 1000 * 1000)

struct kt_device {
   const struct kt_physical_device *physical;
   VkDevice handle;
   struct VolkDeviceTable vk;
   VkPhysicalDeviceMemoryProperties memory;
   uint32_t queue_family;      /* the first family with VK_QUEUE_COMPUTE_BIT */
   uint32_t queue_family_size; /* how many queues that family has */
   uint32_t queue_count;       /* how many this device created: min(wanted, family size) */
   VkQueue queues[KT_MAX_QUEUES];
   /* VK_KHR_cooperative_matrix with float16 storage and arithmetic, enabled
    * (kt_device_create_with) */
   bool cooperative_matrix;
};

/* Creates a device on `physical` with min(queues_wanted, family size, KT_MAX_QUEUES) queues of
 * its first compute family. `physical` must outlive the device. On failure *out is zeroed. */
VkResult kt_device_create(const struct kt_physical_device *physical, uint32_t queues_wanted,
                          struct kt_device *out);

/* kt_device_create, with VK_KHR_cooperative_matrix and float16 storage and arithmetic enabled
 * where the device has them all (kt_cooperative_matrix.h) when `cooperative_matrix` is set.
 * Programs that run under Debian 12's validation layer leave it off: the layer (1.3.239) knows
 * neither the extension nor its feature structure and reports both as errors. */
VkResult kt_device_create_with(const struct kt_physical_device *physical, uint32_t queues_wanted,
                               bool cooperative_matrix, struct kt_device *out);

/* kt_device_create, with the features of a VkDeviceCreateInfo pNext chain enabled (NULL: none);
 * the chain is read during the call only. */
VkResult kt_device_create_features(const struct kt_physical_device *physical,
                                   uint32_t queues_wanted, const void *features,
                                   struct kt_device *out);

/* kt_device_create, with the timelineSemaphore and synchronization2 features enabled (what
 * Kronos enables on its vendor device, so that a tool can make the vendor calls Kronos makes:
 * vkQueueSubmit2 signalling a timeline semaphore). The device and the loader must offer
 * Vulkan 1.3. */
VkResult kt_device_create_synchronization(const struct kt_physical_device *physical,
                                          uint32_t queues_wanted, struct kt_device *out);

/* Waits for the device to go idle and destroys it; a zeroed device is ignored. */
void kt_device_destroy(struct kt_device *device);

/* How many queues the first compute family of `physical` has (0: no compute family). */
uint32_t kt_compute_family_size(const struct kt_physical_device *physical, uint32_t *family);

#endif
