/* SPDX-License-Identifier: MIT */
#include "kr_queue_family.h"

#include <stddef.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_util.h"

/* Where a barrier structure keeps its two family indices. */
struct family_fields {
   size_t stride;
   size_t src;
   size_t dst;
};

#define FAMILY_FIELDS(type)                                                                   \
   {sizeof(type), offsetof(type, srcQueueFamilyIndex), offsetof(type, dstQueueFamilyIndex)}

static const struct family_fields buffer_barrier = FAMILY_FIELDS(VkBufferMemoryBarrier);
static const struct family_fields image_barrier = FAMILY_FIELDS(VkImageMemoryBarrier);
static const struct family_fields buffer_barrier2 = FAMILY_FIELDS(VkBufferMemoryBarrier2);
static const struct family_fields image_barrier2 = FAMILY_FIELDS(VkImageMemoryBarrier2);

static uint32_t
read_index(const void *barrier, size_t offset)
{
   uint32_t index;
   memcpy(&index, (const uint8_t *)barrier + offset, sizeof(index));
   return index;
}

static bool
index_moves(const struct kr_queue_family_map *map, uint32_t index)
{
   return kr_queue_family_to_vendor(map, index) != index;
}

/* Whether a barrier of the array names a family the vendor numbers differently. */
static bool
barriers_move(const struct kr_queue_family_map *map, const void *barriers, uint32_t count,
              const struct family_fields *fields)
{
   for (uint32_t i = 0; i < count; i++) {
      const uint8_t *barrier = (const uint8_t *)barriers + i * fields->stride;
      if (index_moves(map, read_index(barrier, fields->src)) ||
          index_moves(map, read_index(barrier, fields->dst)))
         return true;
   }
   return false;
}

/* Copies count barriers into copy, with the vendor's family indices. */
static void
barriers_translate(const struct kr_queue_family_map *map, void *copy, const void *barriers,
                   uint32_t count, const struct family_fields *fields)
{
   memcpy(copy, barriers, count * fields->stride);
   for (uint32_t i = 0; i < count; i++) {
      uint8_t *barrier = (uint8_t *)copy + i * fields->stride;
      uint32_t src = kr_queue_family_to_vendor(map, read_index(barrier, fields->src));
      uint32_t dst = kr_queue_family_to_vendor(map, read_index(barrier, fields->dst));
      memcpy(barrier + fields->src, &src, sizeof(src));
      memcpy(barrier + fields->dst, &dst, sizeof(dst));
   }
}

/* The size of a translated copy of the array, 0 when it needs none. */
static size_t
copy_size(const struct kr_queue_family_map *map, const void *barriers, uint32_t count,
          const struct family_fields *fields)
{
   if (!barriers_move(map, barriers, count, fields))
      return 0;
   return kr_align(count * fields->stride, 8);
}

/* Carves one translated array out of *cursor when it needs translating; returns the array to
 * give the vendor. */
static const void *
take_translated(const struct kr_queue_family_map *map, uint8_t **cursor, const void *barriers,
                uint32_t count, const struct family_fields *fields)
{
   size_t size = copy_size(map, barriers, count, fields);
   if (!size)
      return barriers;
   void *copy = *cursor;
   barriers_translate(map, copy, barriers, count, fields);
   *cursor += size;
   return copy;
}

VkResult
kr_barrier_arrays_to_vendor(const struct kr_queue_family_map *map,
                            const VkAllocationCallbacks *alloc, struct kr_barrier_arrays *arrays,
                            void **storage)
{
   *storage = NULL;
   if (map->identity)
      return VK_SUCCESS;
   size_t total = copy_size(map, arrays->buffers, arrays->buffer_count, &buffer_barrier) +
                  copy_size(map, arrays->images, arrays->image_count, &image_barrier);
   if (!total)
      return VK_SUCCESS;
   uint8_t *cursor = kr_alloc(alloc, total, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!cursor)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   *storage = cursor;
   arrays->buffers = take_translated(map, &cursor, arrays->buffers, arrays->buffer_count,
                                     &buffer_barrier);
   arrays->images = take_translated(map, &cursor, arrays->images, arrays->image_count,
                                    &image_barrier);
   return VK_SUCCESS;
}

static size_t
dependency_info_copy_size(const struct kr_queue_family_map *map, const VkDependencyInfo *info)
{
   return copy_size(map, info->pBufferMemoryBarriers, info->bufferMemoryBarrierCount,
                    &buffer_barrier2) +
          copy_size(map, info->pImageMemoryBarriers, info->imageMemoryBarrierCount,
                    &image_barrier2);
}

VkResult
kr_dependency_infos_to_vendor(const struct kr_queue_family_map *map,
                              const VkAllocationCallbacks *alloc, uint32_t count,
                              const VkDependencyInfo **infos, void **storage)
{
   *storage = NULL;
   if (map->identity)
      return VK_SUCCESS;
   size_t barriers_size = 0;
   for (uint32_t i = 0; i < count; i++)
      barriers_size += dependency_info_copy_size(map, &(*infos)[i]);
   if (!barriers_size)
      return VK_SUCCESS;

   /* The infos first (every one, so that the array stays an array), then the barriers. */
   size_t infos_size = kr_align(count * sizeof(VkDependencyInfo), 8);
   uint8_t *block = kr_alloc(alloc, infos_size + barriers_size, 8,
                             VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!block)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkDependencyInfo *copies = (VkDependencyInfo *)block;
   uint8_t *cursor = block + infos_size;
   memcpy(copies, *infos, count * sizeof(VkDependencyInfo));
   for (uint32_t i = 0; i < count; i++) {
      copies[i].pBufferMemoryBarriers =
         take_translated(map, &cursor, copies[i].pBufferMemoryBarriers,
                         copies[i].bufferMemoryBarrierCount, &buffer_barrier2);
      copies[i].pImageMemoryBarriers =
         take_translated(map, &cursor, copies[i].pImageMemoryBarriers,
                         copies[i].imageMemoryBarrierCount, &image_barrier2);
   }
   *storage = block;
   *infos = copies;
   return VK_SUCCESS;
}

bool
kr_sharing_families_valid(const struct kr_queue_family_map *map, uint32_t count,
                          const uint32_t *indices)
{
   /* The indices must be distinct families, so there cannot be more than there are. */
   if (count > map->count)
      return false;
   for (uint32_t i = 0; i < count; i++) {
      if (indices[i] >= map->count)
         return false;
   }
   return true;
}

void
kr_sharing_families_to_vendor(const struct kr_queue_family_map *map, uint32_t count,
                              const uint32_t *indices, uint32_t *out)
{
   for (uint32_t i = 0; i < count; i++)
      out[i] = kr_queue_family_to_vendor(map, indices[i]);
}
