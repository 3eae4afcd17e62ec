/* SPDX-License-Identifier: MIT */
/* Buffers with their own memory, host-visible and coherent, mapped for their whole life. */
#ifndef KT_BUFFER_H
#define KT_BUFFER_H

#include <stdint.h>

#include <volk.h>

#include "kt_device.h"

struct kt_buffer {
   VkBuffer handle;
   VkDeviceMemory memory;
   VkDeviceSize size;
   void *map; /* the whole buffer, host-coherent */
};

/* The index of the first memory type allowed by `type_bits` that has all `required` flags,
 * preferring one that also has all `preferred` flags; -1 if none. */
int32_t kt_memory_type_find(const VkPhysicalDeviceMemoryProperties *memory, uint32_t type_bits,
                            VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred);

/* Chooses a memory type among those allowed by `type_bits` (a buffer's memoryTypeBits); returns
 * its index, or -1 if none fits. */
typedef int32_t (*kt_memory_type_pick)(const VkPhysicalDeviceMemoryProperties *memory,
                                       uint32_t type_bits);

/* Creates a buffer of `size` bytes for `usage` (exclusive sharing), allocates its own memory,
 * of the type `pick` chooses, and binds it; nothing is mapped. `wanted` describes that memory in
 * the error when `pick` finds none ("no <wanted> memory type"); `name` names the buffer in every
 * error. *memory_type (when not NULL) gets the type. On failure returns the error (already
 * reported) and leaves nothing: *buffer and *memory are VK_NULL_HANDLE. */
VkResult kt_buffer_memory_create(const struct kt_device *device, VkDeviceSize size,
                                 VkBufferUsageFlags usage, kt_memory_type_pick pick,
                                 const char *wanted, const char *name, VkBuffer *buffer,
                                 VkDeviceMemory *memory, uint32_t *memory_type);

/* Creates a buffer of `size` bytes for `usage`, allocates memory for it (HOST_VISIBLE |
 * HOST_COHERENT, HOST_CACHED preferred so that reading results back is fast), binds and maps
 * it. `name` is used in error messages. On failure *out is zeroed. */
VkResult kt_buffer_create(const struct kt_device *device, VkDeviceSize size,
                          VkBufferUsageFlags usage, const char *name, struct kt_buffer *out);

/* Unmaps, destroys and frees; a zeroed buffer is ignored. */
void kt_buffer_destroy(const struct kt_device *device, struct kt_buffer *buffer);

#endif
