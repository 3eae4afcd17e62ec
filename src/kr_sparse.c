/* SPDX-License-Identifier: MIT */
/* vkQueueBindSparse: the memory of every bind is a Kronos object, so the whole structure is
 * rebuilt with vendor memory and block offsets. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_objects.h"

static void
translate_bind(VkDeviceMemory *memory, VkDeviceSize *offset)
{
   if (*memory == VK_NULL_HANDLE) /* an unbind */
      return;
   const struct kr_memory *m = kr_memory_from_handle(*memory);
   *memory = m->vendor;
   *offset += m->offset;
}

/* Bytes needed for the rebuilt arrays of one submit. */
static size_t
bind_info_size(const VkBindSparseInfo *info)
{
   size_t size = sizeof(VkSparseBufferMemoryBindInfo) * info->bufferBindCount +
                 sizeof(VkSparseImageOpaqueMemoryBindInfo) * info->imageOpaqueBindCount +
                 sizeof(VkSparseImageMemoryBindInfo) * info->imageBindCount;
   for (uint32_t i = 0; i < info->bufferBindCount; i++)
      size += sizeof(VkSparseMemoryBind) * info->pBufferBinds[i].bindCount;
   for (uint32_t i = 0; i < info->imageOpaqueBindCount; i++)
      size += sizeof(VkSparseMemoryBind) * info->pImageOpaqueBinds[i].bindCount;
   for (uint32_t i = 0; i < info->imageBindCount; i++)
      size += sizeof(VkSparseImageMemoryBind) * info->pImageBinds[i].bindCount;
   return size;
}

/* Copies n elements of size bytes from src to *cursor and advances it. */
static void *
take(uint8_t **cursor, const void *src, size_t n, size_t size)
{
   void *dst = *cursor;
   if (n)
      memcpy(dst, src, n * size);
   *cursor += n * size;
   return dst;
}

static void
rebuild(VkBindSparseInfo *info, uint8_t **cursor)
{
   VkSparseBufferMemoryBindInfo *buffers =
      take(cursor, info->pBufferBinds, info->bufferBindCount, sizeof(*buffers));
   for (uint32_t i = 0; i < info->bufferBindCount; i++) {
      VkSparseMemoryBind *binds =
         take(cursor, buffers[i].pBinds, buffers[i].bindCount, sizeof(*binds));
      for (uint32_t j = 0; j < buffers[i].bindCount; j++)
         translate_bind(&binds[j].memory, &binds[j].memoryOffset);
      buffers[i].pBinds = binds;
   }
   info->pBufferBinds = buffers;

   VkSparseImageOpaqueMemoryBindInfo *opaque =
      take(cursor, info->pImageOpaqueBinds, info->imageOpaqueBindCount, sizeof(*opaque));
   for (uint32_t i = 0; i < info->imageOpaqueBindCount; i++) {
      VkSparseMemoryBind *binds = take(cursor, opaque[i].pBinds, opaque[i].bindCount,
                                       sizeof(*binds));
      for (uint32_t j = 0; j < opaque[i].bindCount; j++)
         translate_bind(&binds[j].memory, &binds[j].memoryOffset);
      opaque[i].pBinds = binds;
   }
   info->pImageOpaqueBinds = opaque;

   VkSparseImageMemoryBindInfo *images =
      take(cursor, info->pImageBinds, info->imageBindCount, sizeof(*images));
   for (uint32_t i = 0; i < info->imageBindCount; i++) {
      VkSparseImageMemoryBind *binds =
         take(cursor, images[i].pBinds, images[i].bindCount, sizeof(*binds));
      for (uint32_t j = 0; j < images[i].bindCount; j++)
         translate_bind(&binds[j].memory, &binds[j].memoryOffset);
      images[i].pBinds = binds;
   }
   info->pImageBinds = images;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueBindSparse(VkQueue _queue, uint32_t bindInfoCount, const VkBindSparseInfo *pBindInfo,
                   VkFence fence)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   const VkAllocationCallbacks *alloc = queue->device->alloc;
   size_t size = sizeof(VkBindSparseInfo) * bindInfoCount;
   for (uint32_t i = 0; i < bindInfoCount; i++)
      size += bind_info_size(&pBindInfo[i]);
   /* Every element type here has 8-byte alignment, so one block serves them all. */
   uint8_t *block = kr_alloc(alloc, size ? size : 1, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!block)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint8_t *cursor = block;
   VkBindSparseInfo *infos = take(&cursor, pBindInfo, bindInfoCount, sizeof(*infos));
   for (uint32_t i = 0; i < bindInfoCount; i++)
      rebuild(&infos[i], &cursor);
   VkResult result = queue->disp->QueueBindSparse(queue->handle, bindInfoCount, infos, fence);
   kr_free(alloc, block);
   return result;
}
