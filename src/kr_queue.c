/* SPDX-License-Identifier: MIT */
/* Queue submission: command buffers are Kronos objects, so submits are rebuilt with the
 * vendor's command buffer handles. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_objects.h"

/* Submits small enough use the stack; larger ones one host allocation. */
#define STACK_SCRATCH 4096

struct scratch {
   _Alignas(16) uint8_t stack[STACK_SCRATCH];
   void *heap;
};

static void *
scratch_get(struct scratch *s, const VkAllocationCallbacks *alloc, size_t size)
{
   s->heap = NULL;
   if (size <= STACK_SCRATCH)
      return s->stack;
   s->heap = kr_alloc(alloc, size, 16, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   return s->heap;
}

static void
scratch_put(struct scratch *s, const VkAllocationCallbacks *alloc)
{
   kr_free(alloc, s->heap);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueSubmit(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo *pSubmits, VkFence fence)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   kr_stats_add(&queue->device->stats, KR_STAT_APP_SUBMITS, 1);
   size_t buffers = 0;
   for (uint32_t i = 0; i < submitCount; i++)
      buffers += pSubmits[i].commandBufferCount;
   if (buffers == 0) {
      kr_stats_add(&queue->device->stats, KR_STAT_VENDOR_SUBMITS, 1);
      return queue->disp->QueueSubmit(queue->handle, submitCount, pSubmits, fence);
   }

   struct scratch scratch;
   size_t size = sizeof(VkSubmitInfo) * submitCount + sizeof(VkCommandBuffer) * buffers;
   VkSubmitInfo *submits = scratch_get(&scratch, queue->device->alloc, size);
   if (!submits)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkCommandBuffer *handles = (VkCommandBuffer *)(submits + submitCount);
   for (uint32_t i = 0; i < submitCount; i++) {
      submits[i] = pSubmits[i];
      submits[i].pCommandBuffers = handles;
      for (uint32_t j = 0; j < pSubmits[i].commandBufferCount; j++)
         *handles++ = kr_command_buffer_from_handle(pSubmits[i].pCommandBuffers[j])->handle;
   }
   kr_stats_add(&queue->device->stats, KR_STAT_VENDOR_SUBMITS, 1);
   VkResult result = queue->disp->QueueSubmit(queue->handle, submitCount, submits, fence);
   scratch_put(&scratch, queue->device->alloc);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueSubmit2(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits, VkFence fence)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   kr_stats_add(&queue->device->stats, KR_STAT_APP_SUBMITS, 1);
   size_t buffers = 0;
   for (uint32_t i = 0; i < submitCount; i++)
      buffers += pSubmits[i].commandBufferInfoCount;
   if (buffers == 0) {
      kr_stats_add(&queue->device->stats, KR_STAT_VENDOR_SUBMITS, 1);
      return queue->disp->QueueSubmit2(queue->handle, submitCount, pSubmits, fence);
   }

   struct scratch scratch;
   size_t size = sizeof(VkSubmitInfo2) * submitCount + sizeof(VkCommandBufferSubmitInfo) * buffers;
   VkSubmitInfo2 *submits = scratch_get(&scratch, queue->device->alloc, size);
   if (!submits)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkCommandBufferSubmitInfo *infos = (VkCommandBufferSubmitInfo *)(submits + submitCount);
   for (uint32_t i = 0; i < submitCount; i++) {
      submits[i] = pSubmits[i];
      submits[i].pCommandBufferInfos = infos;
      for (uint32_t j = 0; j < pSubmits[i].commandBufferInfoCount; j++) {
         *infos = pSubmits[i].pCommandBufferInfos[j];
         infos->commandBuffer = kr_command_buffer_from_handle(infos->commandBuffer)->handle;
         infos++;
      }
   }
   kr_stats_add(&queue->device->stats, KR_STAT_VENDOR_SUBMITS, 1);
   VkResult result = queue->disp->QueueSubmit2(queue->handle, submitCount, submits, fence);
   scratch_put(&scratch, queue->device->alloc);
   return result;
}
