/* SPDX-License-Identifier: MIT */
/* Device memory. VkDeviceMemory is a Kronos object: a range of a pooled vendor block (see
 * kr_memory_pool.c), or a vendor allocation of its own for what must stay real (dedicated,
 * imported or exported, capture/replay, protected, priorities, oversized) or when the pool is
 * off (KRONOS_DISABLE=pool). Every function that takes memory translates (memory, offset). */
#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_memory_range.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"
#include "kr_util.h"

/* Whether an allocation may come from a pool: anything Kronos does not know in the chain
 * (import, export, priority, capture/replay ...) keeps it a real vendor allocation. */
static bool
poolable(const struct kr_device *device, const VkMemoryAllocateInfo *info)
{
   if (!kr_memory_pool_accepts(device, info->memoryTypeIndex, info->allocationSize))
      return false;
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      switch (s->sType) {
      case VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO: {
         VkMemoryAllocateFlags flags = ((const VkMemoryAllocateFlagsInfo *)s)->flags;
         if (flags & ~(VkMemoryAllocateFlags)VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT)
            return false;
         if ((flags & VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT) && !device->pools.device_address)
            return false;
         break;
      }
      case VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO: {
         const VkMemoryDedicatedAllocateInfo *d = (const void *)s;
         if (d->image || d->buffer)
            return false;
         break;
      }
      default:
         return false;
      }
   }
   return true;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_AllocateMemory(VkDevice _device, const VkMemoryAllocateInfo *pAllocateInfo,
                  const VkAllocationCallbacks *pAllocator, VkDeviceMemory *pMemory)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   kr_stats_add(&device->stats, KR_STAT_APP_ALLOCATIONS, 1);
   struct kr_memory *memory = kr_zalloc(alloc, sizeof(*memory), 8,
                                        VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!memory)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&memory->base, VK_OBJECT_TYPE_DEVICE_MEMORY, device->alloc);
   memory->size = pAllocateInfo->allocationSize;
   memory->type = pAllocateInfo->memoryTypeIndex;
   for (const VkBaseInStructure *s = pAllocateInfo->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR ||
          s->sType == VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO ||
          s->sType == VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT)
         memory->external = true;
   }

   VkResult result;
   for (bool retried = false;; retried = true) {
      if (poolable(device, pAllocateInfo)) {
         result = kr_memory_pool_allocate(device, memory->type, memory->size, memory);
         if (result == VK_SUCCESS || result == VK_ERROR_OUT_OF_HOST_MEMORY)
            goto done;
         /* No block could be had: try an allocation of its own, which may still fit. */
         kr_info("vkAllocateMemory: no pool block for %llu bytes of type %u (%d): allocating "
                 "directly", (unsigned long long)memory->size, memory->type, result);
      }
      result = kr_vendor_allocate(device, pAllocateInfo, pAllocator, &memory->vendor);
      /* Refused (out of device memory, or at the vendor allocation limit) while the pools keep
       * empty blocks: those go, and the allocation is tried once more. */
      if (result == VK_SUCCESS || retried ||
          (result != VK_ERROR_OUT_OF_DEVICE_MEMORY && result != VK_ERROR_TOO_MANY_OBJECTS) ||
          !kr_memory_pools_release_empty(device))
         break;
   }
done:
   if (result != VK_SUCCESS) {
      kr_free(alloc, memory);
      return result;
   }
   *pMemory = kr_memory_to_handle(memory);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_FreeMemory(VkDevice _device, VkDeviceMemory _memory, const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_memory *memory = kr_memory_from_handle(_memory);
   if (!memory)
      return;
   kr_stats_add(&device->stats, KR_STAT_APP_FREES, 1);
   /* No flush: the application frees memory only once the work that uses it completed,
    * which it observed, and observing flushed. */
   if (memory->block)
      kr_memory_pool_free(device, memory);
   else
      kr_vendor_free(device, memory->vendor, pAllocator);
   kr_object_base_finish(&memory->base);
   kr_free(kr_allocator(pAllocator, device->alloc), memory);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_MapMemory(VkDevice _device, VkDeviceMemory _memory, VkDeviceSize offset, VkDeviceSize size,
             VkMemoryMapFlags flags, void **ppData)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_memory *memory = kr_memory_from_handle(_memory);
   if (!memory->block)
      return device->disp.MapMemory(device->handle, memory->vendor, offset, size, flags, ppData);
   /* Host-visible blocks stay mapped: the application gets its part of the block's mapping. */
   if (!memory->block->map)
      return VK_ERROR_MEMORY_MAP_FAILED;
   *ppData = memory->block->map + memory->offset + offset;
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_UnmapMemory(VkDevice _device, VkDeviceMemory _memory)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_memory *memory = kr_memory_from_handle(_memory);
   if (!memory->block)
      device->disp.UnmapMemory(device->handle, memory->vendor);
}

#ifdef VK_KHR_map_memory2
/* VK_KHR_map_memory2 (core in Vulkan 1.4): the same as vkMapMemory and vkUnmapMemory. Their
 * only pNext and flags (VK_EXT_map_memory_placed's) belong to an extension Kronos does not
 * offer. */
VKAPI_ATTR VkResult VKAPI_CALL
kr_MapMemory2KHR(VkDevice device, const VkMemoryMapInfoKHR *pMemoryMapInfo, void **ppData)
{
   return kr_MapMemory(device, pMemoryMapInfo->memory, pMemoryMapInfo->offset,
                       pMemoryMapInfo->size, pMemoryMapInfo->flags, ppData);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_UnmapMemory2KHR(VkDevice device, const VkMemoryUnmapInfoKHR *pMemoryUnmapInfo)
{
   kr_UnmapMemory(device, pMemoryUnmapInfo->memory);
   return VK_SUCCESS;
}
#endif

typedef VkResult(VKAPI_PTR *range_fn)(VkDevice, uint32_t, const VkMappedMemoryRange *);

/* Flush and invalidate: ranges move into the block, whole atoms (kr_memory_range.h). */
static VkResult
forward_ranges(struct kr_device *device, range_fn fn, uint32_t count,
               const VkMappedMemoryRange *ranges)
{
   VkMappedMemoryRange stack[16] = {0};
   VkMappedMemoryRange *copy = stack;
   if (count > KR_ARRAY_SIZE(stack)) {
      copy = kr_alloc(device->alloc, sizeof(*copy) * count, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
      if (!copy)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   const VkDeviceSize atom_size = device->physical->state.limits.nonCoherentAtomSize;
   for (uint32_t i = 0; i < count; i++)
      copy[i] = kr_memory_range_to_vendor(kr_memory_from_handle(ranges[i].memory), atom_size,
                                          &ranges[i]);
   VkResult result = fn(device->handle, count, copy);
   if (copy != stack)
      kr_free(device->alloc, copy);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_FlushMappedMemoryRanges(VkDevice _device, uint32_t memoryRangeCount,
                           const VkMappedMemoryRange *pMemoryRanges)
{
   struct kr_device *device = kr_device_from_handle(_device);
   return forward_ranges(device, device->disp.FlushMappedMemoryRanges, memoryRangeCount,
                         pMemoryRanges);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_InvalidateMappedMemoryRanges(VkDevice _device, uint32_t memoryRangeCount,
                                const VkMappedMemoryRange *pMemoryRanges)
{
   struct kr_device *device = kr_device_from_handle(_device);
   return forward_ranges(device, device->disp.InvalidateMappedMemoryRanges, memoryRangeCount,
                         pMemoryRanges);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_BindBufferMemory(VkDevice _device, VkBuffer buffer, VkDeviceMemory _memory,
                    VkDeviceSize memoryOffset)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_memory *memory = kr_memory_from_handle(_memory);
   VkResult result = device->disp.BindBufferMemory(device->handle, buffer, memory->vendor,
                                                   memory->offset + memoryOffset);
   if (result == VK_SUCCESS)
      kr_barrier_buffer_bound(device, buffer, memory->external ? VK_NULL_HANDLE : memory->vendor,
                              memory->offset + memoryOffset);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_BindImageMemory(VkDevice _device, VkImage image, VkDeviceMemory _memory,
                   VkDeviceSize memoryOffset)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_memory *memory = kr_memory_from_handle(_memory);
   return device->disp.BindImageMemory(device->handle, image, memory->vendor,
                                       memory->offset + memoryOffset);
}

/* vkBind{Buffer,Image}Memory2: the info structures differ only in their resource, and both
 * have memory and memoryOffset at the same place. */
_Static_assert(offsetof(VkBindBufferMemoryInfo, memory) == offsetof(VkBindImageMemoryInfo, memory),
               "bind infos line up");
_Static_assert(offsetof(VkBindBufferMemoryInfo, memoryOffset) ==
                  offsetof(VkBindImageMemoryInfo, memoryOffset),
               "bind infos line up");
_Static_assert(sizeof(VkBindBufferMemoryInfo) == sizeof(VkBindImageMemoryInfo),
               "bind infos line up");

static void *
translate_binds(struct kr_device *device, const void *infos, uint32_t count, void *stack,
                size_t stack_count)
{
   const size_t size = sizeof(VkBindBufferMemoryInfo);
   void *copy = stack;
   if (count > stack_count) {
      copy = kr_alloc(device->alloc, size * count, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
      if (!copy)
         return NULL;
   }
   memcpy(copy, infos, size * count);
   for (uint32_t i = 0; i < count; i++) {
      VkBindBufferMemoryInfo *info = (VkBindBufferMemoryInfo *)copy + i;
      const struct kr_memory *memory = kr_memory_from_handle(info->memory);
      info->memory = memory->vendor;
      info->memoryOffset += memory->offset;
   }
   return copy;
}

static VkResult
bind_memory2(struct kr_device *device, uint32_t count, const void *infos, bool images)
{
   VkBindBufferMemoryInfo stack[16] = {0};
   void *copy = translate_binds(device, infos, count, stack, KR_ARRAY_SIZE(stack));
   if (!copy)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult result = images ? device->disp.BindImageMemory2(device->handle, count, copy)
                            : device->disp.BindBufferMemory2(device->handle, count, copy);
   /* On failure the buffers' bindings are undefined: the policy keeps them unknown. */
   for (uint32_t i = 0; !images && result == VK_SUCCESS && i < count; i++) {
      const VkBindBufferMemoryInfo *info = (const VkBindBufferMemoryInfo *)copy + i;
      bool external = kr_memory_from_handle(((const VkBindBufferMemoryInfo *)infos)[i].memory)
                         ->external;
      kr_barrier_buffer_bound(device, info->buffer, external ? VK_NULL_HANDLE : info->memory,
                              info->memoryOffset);
   }
   if (copy != stack)
      kr_free(device->alloc, copy);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_BindBufferMemory2(VkDevice _device, uint32_t bindInfoCount,
                     const VkBindBufferMemoryInfo *pBindInfos)
{
   return bind_memory2(kr_device_from_handle(_device), bindInfoCount, pBindInfos, false);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_BindImageMemory2(VkDevice _device, uint32_t bindInfoCount,
                    const VkBindImageMemoryInfo *pBindInfos)
{
   return bind_memory2(kr_device_from_handle(_device), bindInfoCount, pBindInfos, true);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetDeviceMemoryCommitment(VkDevice _device, VkDeviceMemory _memory,
                             VkDeviceSize *pCommittedMemoryInBytes)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_memory *memory = kr_memory_from_handle(_memory);
   if (memory->block) /* pooled types are never lazily allocated: all of it is committed */
      *pCommittedMemoryInBytes = memory->size;
   else
      device->disp.GetDeviceMemoryCommitment(device->handle, memory->vendor,
                                             pCommittedMemoryInBytes);
}

VKAPI_ATTR uint64_t VKAPI_CALL
kr_GetDeviceMemoryOpaqueCaptureAddress(VkDevice _device,
                                       const VkDeviceMemoryOpaqueCaptureAddressInfo *pInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_memory *memory = kr_memory_from_handle(pInfo->memory);
   VkDeviceMemoryOpaqueCaptureAddressInfo info = *pInfo;
   info.memory = memory->vendor;
   /* Capture/replay allocations are never pooled; for others this is the block's address. */
   uint64_t address = device->disp.GetDeviceMemoryOpaqueCaptureAddress(device->handle, &info);
   return address ? address + memory->offset : 0;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetMemoryFdKHR(VkDevice _device, const VkMemoryGetFdInfoKHR *pGetFdInfo, int *pFd)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_memory *memory = kr_memory_from_handle(pGetFdInfo->memory);
   if (memory->block) {
      kr_error("vkGetMemoryFdKHR: memory allocated without VkExportMemoryAllocateInfo");
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
   }
   VkMemoryGetFdInfoKHR info = *pGetFdInfo;
   info.memory = memory->vendor;
   return device->disp.GetMemoryFdKHR(device->handle, &info, pFd);
}

VKAPI_ATTR void VKAPI_CALL
kr_SetDeviceMemoryPriorityEXT(VkDevice _device, VkDeviceMemory _memory, float priority)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_memory *memory = kr_memory_from_handle(_memory);
   /* A pooled block is shared by allocations of any priority: it keeps the default. */
   if (!memory->block)
      device->disp.SetDeviceMemoryPriorityEXT(device->handle, memory->vendor, priority);
}
