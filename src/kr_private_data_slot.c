/* SPDX-License-Identifier: MIT */
/* Private data (Vulkan 1.3, VK_EXT_private_data). VkPrivateDataSlot is a Kronos object: a fresh
 * index, never reused, under which Kronos's own objects (the device, queues, command pools and
 * buffers, memory, fences, semaphores, private data slots) keep their data in their base
 * (kr_object.h), and a vendor slot for the objects that are the vendor's alone (buffers,
 * images, pipelines ...), whose data the vendor keeps.
 *
 * Kronos keeps the data of all of its objects, not only of those without a vendor object, so
 * that an object has one place for its data: a point fence that becomes a real vendor fence,
 * or memory that is pooled or not, reads the same. Values a destroyed slot left in objects
 * stay until those objects are destroyed (no later slot has its index), as in Mesa. */
#include <stdatomic.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreatePrivateDataSlot(VkDevice _device, const VkPrivateDataSlotCreateInfo *pCreateInfo,
                         const VkAllocationCallbacks *pAllocator,
                         VkPrivateDataSlot *pPrivateDataSlot)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   struct kr_private_data_slot *slot = kr_zalloc(alloc, sizeof(*slot), 8,
                                                 VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!slot)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&slot->base, VK_OBJECT_TYPE_PRIVATE_DATA_SLOT, device->alloc);
   slot->index = atomic_fetch_add_explicit(&device->private_data_last_index, 1,
                                           memory_order_relaxed) + 1;
   if (device->disp.CreatePrivateDataSlot) {
      VkResult result = device->disp.CreatePrivateDataSlot(device->handle, pCreateInfo,
                                                           pAllocator, &slot->vendor);
      if (result != VK_SUCCESS) {
         kr_free(alloc, slot);
         return result;
      }
   }
   *pPrivateDataSlot = kr_private_data_slot_to_handle(slot);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyPrivateDataSlot(VkDevice _device, VkPrivateDataSlot privateDataSlot,
                          const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_private_data_slot *slot = kr_private_data_slot_from_handle(privateDataSlot);
   if (!slot)
      return;
   if (slot->vendor)
      device->disp.DestroyPrivateDataSlot(device->handle, slot->vendor, pAllocator);
   kr_object_base_finish(&slot->base);
   kr_free(kr_allocator(pAllocator, device->alloc), slot);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_SetPrivateData(VkDevice _device, VkObjectType objectType, uint64_t objectHandle,
                  VkPrivateDataSlot privateDataSlot, uint64_t data)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_private_data_slot *slot = kr_private_data_slot_from_handle(privateDataSlot);
   struct kr_object_base *base = kr_object_base_from_handle(objectType, objectHandle);
   if (!base)
      return device->disp.SetPrivateData(device->handle, objectType, objectHandle, slot->vendor,
                                         data);
   pthread_mutex_lock(&device->private_data_lock);
   VkResult result = kr_private_data_set(&base->private_data, base->alloc,
                                         device->private_data_reserved, slot->index, data);
   pthread_mutex_unlock(&device->private_data_lock);
   return result;
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPrivateData(VkDevice _device, VkObjectType objectType, uint64_t objectHandle,
                  VkPrivateDataSlot privateDataSlot, uint64_t *pData)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_private_data_slot *slot = kr_private_data_slot_from_handle(privateDataSlot);
   struct kr_object_base *base = kr_object_base_from_handle(objectType, objectHandle);
   if (!base) {
      device->disp.GetPrivateData(device->handle, objectType, objectHandle, slot->vendor, pData);
      return;
   }
   pthread_mutex_lock(&device->private_data_lock);
   *pData = kr_private_data_get(&base->private_data, slot->index);
   pthread_mutex_unlock(&device->private_data_lock);
}
