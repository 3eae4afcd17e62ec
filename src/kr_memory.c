/* SPDX-License-Identifier: MIT */
/* Device memory. Allocations go straight to the vendor for now (the 3-pool allocator will
 * serve them); both sides are counted. */
#include "kr_entrypoints.h"
#include "kr_objects.h"

VKAPI_ATTR VkResult VKAPI_CALL
kr_AllocateMemory(VkDevice _device, const VkMemoryAllocateInfo *pAllocateInfo,
                  const VkAllocationCallbacks *pAllocator, VkDeviceMemory *pMemory)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_stats_add(&device->stats, KR_STAT_APP_ALLOCATIONS, 1);
   kr_stats_add(&device->stats, KR_STAT_VENDOR_ALLOCATIONS, 1);
   return device->disp.AllocateMemory(device->handle, pAllocateInfo, pAllocator, pMemory);
}

VKAPI_ATTR void VKAPI_CALL
kr_FreeMemory(VkDevice _device, VkDeviceMemory memory, const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   if (memory == VK_NULL_HANDLE)
      return;
   kr_stats_add(&device->stats, KR_STAT_APP_FREES, 1);
   kr_stats_add(&device->stats, KR_STAT_VENDOR_FREES, 1);
   device->disp.FreeMemory(device->handle, memory, pAllocator);
}
