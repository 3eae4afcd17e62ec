/* SPDX-License-Identifier: MIT */
#include "bench_micro_alloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>


#define MIB (1024u * 1024u)

/* Sizes a compute application might allocate at once, odd ones included; ~42 MiB together. */
static const VkDeviceSize mixed_sizes[BENCH_ALLOC_MIXED_COUNT] = {
   4096,      64 << 10, 1 * MIB,   12288,    4 * MIB,  256 << 10, 3000,     16 * MIB,
   512 << 10, 96 << 10, 2 * MIB,   8192,     700 << 10, 1 * MIB,  40000,    8 * MIB,
};
/* ... and the order they are freed in. */
static const uint8_t mixed_free_order[BENCH_ALLOC_MIXED_COUNT] = {
   5, 0, 12, 3, 15, 8, 1, 10, 7, 14, 2, 11, 4, 13, 6, 9,
};

/* A DEVICE_LOCAL type, preferring one that is not HOST_VISIBLE (a discrete GPU's VRAM rather
 * than its BAR window); -1: none. */
static int32_t
device_local_type(const struct kt_device *device, uint32_t type_bits)
{
   int32_t fallback = -1;
   for (uint32_t i = 0; i < device->memory.memoryTypeCount; i++) {
      VkMemoryPropertyFlags flags = device->memory.memoryTypes[i].propertyFlags;
      if (!(type_bits & (1u << i)) || !(flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT))
         continue;
      if (!(flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
         return (int32_t)i;
      if (fallback < 0)
         fallback = (int32_t)i;
   }
   return fallback;
}

struct allocation {
   VkBuffer buffer;
   VkDeviceMemory memory;
};

static void
release(const struct kt_device *device, struct allocation *a)
{
   if (a->buffer != VK_NULL_HANDLE)
      device->vk.vkDestroyBuffer(device->handle, a->buffer, NULL);
   if (a->memory != VK_NULL_HANDLE)
      device->vk.vkFreeMemory(device->handle, a->memory, NULL);
   a->buffer = VK_NULL_HANDLE;
   a->memory = VK_NULL_HANDLE;
}

/* Creates a buffer, allocates its memory, binds it, and for host memory maps and unmaps it. */
static VkResult
acquire(const struct kt_device *device, VkDeviceSize size, bool host, struct allocation *out)
{
   const struct VolkDeviceTable *vk = &device->vk;
   char what[120];
   out->buffer = VK_NULL_HANDLE;
   out->memory = VK_NULL_HANDLE;
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = size,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkResult result = vk->vkCreateBuffer(device->handle, &info, NULL, &out->buffer);
   snprintf(what, sizeof(what), "vkCreateBuffer (allocation churn, %" PRIu64 " bytes)",
            (uint64_t)size);
   if (!kt_ok(result, what)) {
      out->buffer = VK_NULL_HANDLE;
      return result;
   }
   VkMemoryRequirements requirements;
   vk->vkGetBufferMemoryRequirements(device->handle, out->buffer, &requirements);
   int32_t type = host ? kt_memory_type_find(&device->memory, requirements.memoryTypeBits,
                                             VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                             0)
                       : device_local_type(device, requirements.memoryTypeBits);
   if (type < 0) {
      kt_error("allocation churn: no %s memory type in memoryTypeBits 0x%x",
               host ? "host-visible coherent" : "device-local", requirements.memoryTypeBits);
      release(device, out);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   const VkMemoryAllocateInfo allocate = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = requirements.size,
      .memoryTypeIndex = (uint32_t)type,
   };
   result = vk->vkAllocateMemory(device->handle, &allocate, NULL, &out->memory);
   snprintf(what, sizeof(what), "vkAllocateMemory (allocation churn, %" PRIu64 " bytes, type %d)",
            (uint64_t)requirements.size, type);
   if (!kt_ok(result, what)) {
      out->memory = VK_NULL_HANDLE;
      release(device, out);
      return result;
   }
   result = vk->vkBindBufferMemory(device->handle, out->buffer, out->memory, 0);
   if (!kt_ok(result, "vkBindBufferMemory (allocation churn)")) {
      release(device, out);
      return result;
   }
   if (host) {
      void *map = NULL;
      result = vk->vkMapMemory(device->handle, out->memory, 0, VK_WHOLE_SIZE, 0, &map);
      if (!kt_ok(result, "vkMapMemory (allocation churn)")) {
         release(device, out);
         return result;
      }
      *(volatile uint32_t *)map = 0; /* touch it, as a program would */
      vk->vkUnmapMemory(device->handle, out->memory);
   }
   return VK_SUCCESS;
}

VkResult
bench_alloc_run(void *context, uint32_t iterations, struct bench_sample *sample)
{
   const struct bench_alloc_context *c = context;
   const struct kt_device *device = c->device;
   struct allocation live[BENCH_ALLOC_MIXED_COUNT] = {0};
   VkResult result = VK_SUCCESS;
   sample->record_ns = NAN;
   sample->submit_ns = NAN;
   sample->gpu_ns = NAN;

   for (uint32_t i = 0; i < iterations && result == VK_SUCCESS; i++) {
      uint32_t count = c->kind == BENCH_ALLOC_MIXED ? BENCH_ALLOC_MIXED_COUNT : 1;
      for (uint32_t k = 0; k < count && result == VK_SUCCESS; k++) {
         VkDeviceSize size = c->kind == BENCH_ALLOC_MIXED ? mixed_sizes[k] : MIB;
         result = acquire(device, size, c->kind == BENCH_ALLOC_HOST_1MIB, &live[k]);
      }
      for (uint32_t k = 0; k < count; k++) {
         uint32_t index = c->kind == BENCH_ALLOC_MIXED ? mixed_free_order[k] : k;
         if (live[index].memory != VK_NULL_HANDLE) {
            sample->did.allocations++;
            sample->did.frees++;
            sample->units++;
         }
         release(device, &live[index]);
      }
   }
   return result;
}
