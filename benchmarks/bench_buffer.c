/* SPDX-License-Identifier: MIT */
#include "bench_buffer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DEVICE_LOCAL without HOST_VISIBLE, else DEVICE_LOCAL, else the first allowed type. */
static int32_t
device_local_type(const VkPhysicalDeviceMemoryProperties *memory, uint32_t type_bits)
{
   int32_t device_local = -1, any = -1;
   for (uint32_t i = 0; i < memory->memoryTypeCount; i++) {
      if (!(type_bits & (1u << i)))
         continue;
      VkMemoryPropertyFlags flags = memory->memoryTypes[i].propertyFlags;
      if (flags & VK_MEMORY_PROPERTY_PROTECTED_BIT)
         continue;
      if (any < 0)
         any = (int32_t)i;
      if (!(flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT))
         continue;
      if (!(flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
         return (int32_t)i;
      if (device_local < 0)
         device_local = (int32_t)i;
   }
   return device_local >= 0 ? device_local : any;
}

VkResult
bench_buffer_create(const struct kt_device *device, VkDeviceSize size, VkBufferUsageFlags usage,
                    const char *name, struct bench_buffer *out)
{
   memset(out, 0, sizeof(*out));
   out->size = size;
   VkResult result = kt_buffer_memory_create(
      device, size,
      usage | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      device_local_type, "usable", name, &out->handle, &out->memory, &out->memory_type);
   if (result != VK_SUCCESS)
      memset(out, 0, sizeof(*out));
   return result;
}

void
bench_buffer_destroy(const struct kt_device *device, struct bench_buffer *buffer)
{
   if (buffer->handle != VK_NULL_HANDLE)
      device->vk.vkDestroyBuffer(device->handle, buffer->handle, NULL);
   if (buffer->memory != VK_NULL_HANDLE)
      device->vk.vkFreeMemory(device->handle, buffer->memory, NULL);
   memset(buffer, 0, sizeof(*buffer));
}

struct upload_job {
   const struct bench_upload *uploads;
   uint32_t count;
   VkBuffer staging;
};

static void
record_upload(const struct kt_device *device, VkCommandBuffer cmd, void *user)
{
   const struct upload_job *job = user;
   VkDeviceSize staged = 0;
   for (uint32_t i = 0; i < job->count; i++) {
      const struct bench_upload *u = &job->uploads[i];
      if (u->size == 0)
         continue;
      if (u->data) {
         const VkBufferCopy region = {.srcOffset = staged, .dstOffset = u->offset,
                                      .size = u->size};
         device->vk.vkCmdCopyBuffer(cmd, job->staging, u->buffer->handle, 1, &region);
         staged += u->size;
      } else {
         device->vk.vkCmdFillBuffer(cmd, u->buffer->handle, u->offset, u->size, 0);
      }
   }
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

VkResult
bench_buffers_upload(const struct kt_device *device, const struct bench_upload *uploads,
                     uint32_t count, const char *what)
{
   struct kt_buffer staging = {0};
   VkDeviceSize staged = 0;
   VkResult result;
   for (uint32_t i = 0; i < count; i++) {
      const struct bench_upload *u = &uploads[i];
      if (u->offset > u->buffer->size || u->size > u->buffer->size - u->offset) {
         kt_error("%s: region %u (%" PRIu64 " bytes at %" PRIu64 ") is outside its buffer "
                  "(%" PRIu64 " bytes)", what, i, (uint64_t)u->size, (uint64_t)u->offset,
                  (uint64_t)u->buffer->size);
         return VK_ERROR_INITIALIZATION_FAILED;
      }
      if (!u->data && (u->offset % 4 || u->size % 4)) {
         kt_error("%s: zero fill of region %u needs 4-byte multiples", what, i);
         return VK_ERROR_INITIALIZATION_FAILED;
      }
      if (u->data)
         staged += u->size;
   }
   if (staged) {
      char name[160];
      snprintf(name, sizeof(name), "%s staging", what);
      result = kt_buffer_create(device, staged, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, name, &staging);
      if (result != VK_SUCCESS)
         return result;
      VkDeviceSize at = 0;
      for (uint32_t i = 0; i < count; i++) {
         if (uploads[i].data && uploads[i].size) {
            memcpy((char *)staging.map + at, uploads[i].data, uploads[i].size);
            at += uploads[i].size;
         }
      }
   }
   struct upload_job job = {.uploads = uploads, .count = count, .staging = staging.handle};
   result = kt_submit_once(device, 0, record_upload, &job, what);
   kt_buffer_destroy(device, &staging);
   return result;
}

struct readback_job {
   VkBuffer source, staging;
   VkDeviceSize offset, size;
};

static void
record_readback(const struct kt_device *device, VkCommandBuffer cmd, void *user)
{
   const struct readback_job *job = user;
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_ACCESS_TRANSFER_READ_BIT);
   const VkBufferCopy region = {.srcOffset = job->offset, .dstOffset = 0, .size = job->size};
   device->vk.vkCmdCopyBuffer(cmd, job->source, job->staging, 1, &region);
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                         VK_ACCESS_HOST_READ_BIT);
}

VkResult
bench_buffer_readback(const struct kt_device *device, const struct bench_buffer *buffer,
                      VkDeviceSize offset, VkDeviceSize size, void *out, const char *what)
{
   struct kt_buffer staging = {0};
   char name[160];
   VkResult result;
   if (size == 0)
      return VK_SUCCESS;
   if (offset > buffer->size || size > buffer->size - offset) {
      kt_error("%s: %" PRIu64 " bytes at %" PRIu64 " are outside the buffer (%" PRIu64
               " bytes)", what, (uint64_t)size, (uint64_t)offset, (uint64_t)buffer->size);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   snprintf(name, sizeof(name), "%s staging", what);
   result = kt_buffer_create(device, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, name, &staging);
   if (result != VK_SUCCESS)
      return result;
   struct readback_job job = {.source = buffer->handle, .staging = staging.handle,
                              .offset = offset, .size = size};
   result = kt_submit_once(device, 0, record_readback, &job, what);
   if (result == VK_SUCCESS)
      memcpy(out, staging.map, size);
   kt_buffer_destroy(device, &staging);
   return result;
}
