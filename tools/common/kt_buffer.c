/* SPDX-License-Identifier: MIT */
#include "kt_buffer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kt_check.h"

int32_t
kt_memory_type_find(const VkPhysicalDeviceMemoryProperties *memory, uint32_t type_bits,
                    VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred)
{
   int32_t fallback = -1;
   for (uint32_t i = 0; i < memory->memoryTypeCount; i++) {
      VkMemoryPropertyFlags flags = memory->memoryTypes[i].propertyFlags;
      if (!(type_bits & (1u << i)) || (flags & required) != required)
         continue;
      if ((flags & preferred) == preferred)
         return (int32_t)i;
      if (fallback < 0)
         fallback = (int32_t)i;
   }
   return fallback;
}

VkResult
kt_buffer_memory_create(const struct kt_device *device, VkDeviceSize size,
                        VkBufferUsageFlags usage, kt_memory_type_pick pick, const char *wanted,
                        const char *name, VkBuffer *buffer, VkDeviceMemory *memory,
                        uint32_t *memory_type)
{
   const struct VolkDeviceTable *vk = &device->vk;
   char what[160];
   *buffer = VK_NULL_HANDLE;
   *memory = VK_NULL_HANDLE;

   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = size,
      .usage = usage,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkResult result = vk->vkCreateBuffer(device->handle, &info, NULL, buffer);
   snprintf(what, sizeof(what), "vkCreateBuffer (%s, %" PRIu64 " bytes)", name, (uint64_t)size);
   if (!kt_ok(result, what)) {
      *buffer = VK_NULL_HANDLE;
      goto cleanup;
   }

   VkMemoryRequirements requirements;
   vk->vkGetBufferMemoryRequirements(device->handle, *buffer, &requirements);
   int32_t type = pick(&device->memory, requirements.memoryTypeBits);
   if (type < 0) {
      kt_error("buffer %s: no %s memory type in memoryTypeBits 0x%x", name, wanted,
               requirements.memoryTypeBits);
      result = VK_ERROR_FEATURE_NOT_PRESENT;
      goto cleanup;
   }
   const VkMemoryAllocateInfo allocate = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = requirements.size,
      .memoryTypeIndex = (uint32_t)type,
   };
   result = vk->vkAllocateMemory(device->handle, &allocate, NULL, memory);
   snprintf(what, sizeof(what), "vkAllocateMemory (%s, %" PRIu64 " bytes, type %d)", name,
            (uint64_t)requirements.size, type);
   if (!kt_ok(result, what)) {
      *memory = VK_NULL_HANDLE;
      goto cleanup;
   }
   result = vk->vkBindBufferMemory(device->handle, *buffer, *memory, 0);
   snprintf(what, sizeof(what), "vkBindBufferMemory (%s)", name);
   if (!kt_ok(result, what))
      goto cleanup;
   if (memory_type)
      *memory_type = (uint32_t)type;
   return VK_SUCCESS;

cleanup:
   if (*buffer != VK_NULL_HANDLE)
      vk->vkDestroyBuffer(device->handle, *buffer, NULL);
   if (*memory != VK_NULL_HANDLE)
      vk->vkFreeMemory(device->handle, *memory, NULL);
   *buffer = VK_NULL_HANDLE;
   *memory = VK_NULL_HANDLE;
   return result;
}

/* HOST_VISIBLE | HOST_COHERENT, HOST_CACHED preferred. */
static int32_t
host_coherent_type(const VkPhysicalDeviceMemoryProperties *memory, uint32_t type_bits)
{
   const VkMemoryPropertyFlags required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                          VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   return kt_memory_type_find(memory, type_bits, required, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
}

VkResult
kt_buffer_create(const struct kt_device *device, VkDeviceSize size, VkBufferUsageFlags usage,
                 const char *name, struct kt_buffer *out)
{
   char what[160];
   memset(out, 0, sizeof(*out));
   out->size = size;

   VkResult result = kt_buffer_memory_create(device, size, usage, host_coherent_type,
                                             "host-visible, host-coherent", name, &out->handle,
                                             &out->memory, NULL);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = device->vk.vkMapMemory(device->handle, out->memory, 0, VK_WHOLE_SIZE, 0, &out->map);
   snprintf(what, sizeof(what), "vkMapMemory (%s)", name);
   if (!kt_ok(result, what)) {
      out->map = NULL;
      goto cleanup;
   }
   return VK_SUCCESS;

cleanup:
   kt_buffer_destroy(device, out);
   return result;
}

void
kt_buffer_destroy(const struct kt_device *device, struct kt_buffer *buffer)
{
   if (buffer->map)
      device->vk.vkUnmapMemory(device->handle, buffer->memory);
   if (buffer->handle != VK_NULL_HANDLE)
      device->vk.vkDestroyBuffer(device->handle, buffer->handle, NULL);
   if (buffer->memory != VK_NULL_HANDLE)
      device->vk.vkFreeMemory(device->handle, buffer->memory, NULL);
   memset(buffer, 0, sizeof(*buffer));
}
