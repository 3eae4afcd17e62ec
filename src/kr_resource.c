/* SPDX-License-Identifier: MIT */
/* Buffers and images: creation and the memory requirement queries that take a create info
 * reach the vendor with its queue family indices (VK_SHARING_MODE_CONCURRENT). */
#include <string.h>

#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_queue_family.h"

/* Checks a create info's sharing families and, where the vendor numbers them differently,
 * points *indices at translated ones in storage. false when an index names no family (a
 * concurrent resource's families must be distinct families of the device). */
static bool
sharing_families_to_vendor(const struct kr_device *device, VkSharingMode mode, uint32_t count,
                           const uint32_t **indices, uint32_t storage[KR_MAX_QUEUE_FAMILIES])
{
   if (mode != VK_SHARING_MODE_CONCURRENT)
      return true; /* pQueueFamilyIndices is ignored, and may be anything */
   const struct kr_queue_family_map *map = &device->physical->state.queue_family_map;
   if (!kr_sharing_families_valid(map, count, *indices))
      return false;
   if (!map->identity) {
      kr_sharing_families_to_vendor(map, count, *indices, storage);
      *indices = storage;
   }
   return true;
}

static bool
buffer_info_to_vendor(const struct kr_device *device, const VkBufferCreateInfo *info,
                      VkBufferCreateInfo *copy, uint32_t storage[KR_MAX_QUEUE_FAMILIES])
{
   *copy = *info;
   return sharing_families_to_vendor(device, copy->sharingMode, copy->queueFamilyIndexCount,
                                     &copy->pQueueFamilyIndices, storage);
}

static bool
image_info_to_vendor(const struct kr_device *device, const VkImageCreateInfo *info,
                     VkImageCreateInfo *copy, uint32_t storage[KR_MAX_QUEUE_FAMILIES])
{
   *copy = *info;
   return sharing_families_to_vendor(device, copy->sharingMode, copy->queueFamilyIndexCount,
                                     &copy->pQueueFamilyIndices, storage);
}

static void
log_invalid_sharing(const struct kr_device *device, const char *command)
{
   kr_error("%s: pQueueFamilyIndices names a queue family that %s does not have", command,
            device->physical->state.device_name);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateBuffer(VkDevice _device, const VkBufferCreateInfo *pCreateInfo,
                const VkAllocationCallbacks *pAllocator, VkBuffer *pBuffer)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkBufferCreateInfo info;
   uint32_t families[KR_MAX_QUEUE_FAMILIES];
   if (!buffer_info_to_vendor(device, pCreateInfo, &info, families)) {
      log_invalid_sharing(device, "vkCreateBuffer");
      *pBuffer = VK_NULL_HANDLE;
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   VkResult result = device->disp.CreateBuffer(device->handle, &info, pAllocator, pBuffer);
   if (result == VK_SUCCESS)
      kr_barrier_buffer_created(device, *pBuffer, pCreateInfo);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateImage(VkDevice _device, const VkImageCreateInfo *pCreateInfo,
               const VkAllocationCallbacks *pAllocator, VkImage *pImage)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkImageCreateInfo info;
   uint32_t families[KR_MAX_QUEUE_FAMILIES];
   if (!image_info_to_vendor(device, pCreateInfo, &info, families)) {
      log_invalid_sharing(device, "vkCreateImage");
      *pImage = VK_NULL_HANDLE;
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   return device->disp.CreateImage(device->handle, &info, pAllocator, pImage);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetDeviceBufferMemoryRequirements(VkDevice _device,
                                     const VkDeviceBufferMemoryRequirements *pInfo,
                                     VkMemoryRequirements2 *pMemoryRequirements)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkBufferCreateInfo create_info;
   uint32_t families[KR_MAX_QUEUE_FAMILIES];
   if (!buffer_info_to_vendor(device, pInfo->pCreateInfo, &create_info, families)) {
      log_invalid_sharing(device, "vkGetDeviceBufferMemoryRequirements");
      memset(&pMemoryRequirements->memoryRequirements, 0,
             sizeof(pMemoryRequirements->memoryRequirements));
      return;
   }
   VkDeviceBufferMemoryRequirements info = *pInfo;
   info.pCreateInfo = &create_info;
   device->disp.GetDeviceBufferMemoryRequirements(device->handle, &info, pMemoryRequirements);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetDeviceImageMemoryRequirements(VkDevice _device,
                                    const VkDeviceImageMemoryRequirements *pInfo,
                                    VkMemoryRequirements2 *pMemoryRequirements)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkImageCreateInfo create_info;
   uint32_t families[KR_MAX_QUEUE_FAMILIES];
   if (!image_info_to_vendor(device, pInfo->pCreateInfo, &create_info, families)) {
      log_invalid_sharing(device, "vkGetDeviceImageMemoryRequirements");
      memset(&pMemoryRequirements->memoryRequirements, 0,
             sizeof(pMemoryRequirements->memoryRequirements));
      return;
   }
   VkDeviceImageMemoryRequirements info = *pInfo;
   info.pCreateInfo = &create_info;
   device->disp.GetDeviceImageMemoryRequirements(device->handle, &info, pMemoryRequirements);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetDeviceImageSparseMemoryRequirements(
   VkDevice _device, const VkDeviceImageMemoryRequirements *pInfo,
   uint32_t *pSparseMemoryRequirementCount,
   VkSparseImageMemoryRequirements2 *pSparseMemoryRequirements)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkImageCreateInfo create_info;
   uint32_t families[KR_MAX_QUEUE_FAMILIES];
   if (!image_info_to_vendor(device, pInfo->pCreateInfo, &create_info, families)) {
      log_invalid_sharing(device, "vkGetDeviceImageSparseMemoryRequirements");
      *pSparseMemoryRequirementCount = 0;
      return;
   }
   VkDeviceImageMemoryRequirements info = *pInfo;
   info.pCreateInfo = &create_info;
   device->disp.GetDeviceImageSparseMemoryRequirements(device->handle, &info,
                                                       pSparseMemoryRequirementCount,
                                                       pSparseMemoryRequirements);
}

#ifdef VK_KHR_maintenance5
/* VK_KHR_maintenance5 (core in 1.4): an image's subresource layout from its create info, whose
 * queue family indices are Kronos's. */
VKAPI_ATTR void VKAPI_CALL
kr_GetDeviceImageSubresourceLayoutKHR(VkDevice _device, const VkDeviceImageSubresourceInfoKHR *pInfo,
                                      VkSubresourceLayout2KHR *pLayout)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkImageCreateInfo create_info;
   uint32_t families[KR_MAX_QUEUE_FAMILIES];
   if (!image_info_to_vendor(device, pInfo->pCreateInfo, &create_info, families)) {
      log_invalid_sharing(device, "vkGetDeviceImageSubresourceLayout");
      memset(&pLayout->subresourceLayout, 0, sizeof(pLayout->subresourceLayout));
      return;
   }
   VkDeviceImageSubresourceInfoKHR info = *pInfo;
   info.pCreateInfo = &create_info;
   device->disp.GetDeviceImageSubresourceLayoutKHR(device->handle, &info, pLayout);
}
#endif
