/* SPDX-License-Identifier: MIT */
/* vkQueueBindSparse: the memory of every bind is a Kronos object, so the whole structure is
 * rebuilt with vendor memory and block offsets; semaphores and fences are Kronos objects too,
 * and with batching on a bind sparse flushes the queue's batch first and signals only real vendor
 * fences and semaphores. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"
#include "kr_util.h"

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

/* Semaphores of one bind info with batching on: real ones as they are, point binary waits as
 * the timeline value of their signal (with a VkTimelineSemaphoreSubmitInfo of Kronos's own). */
struct bind_semaphores {
   VkTimelineSemaphoreSubmitInfo values;
   VkSemaphore *semaphores;
   uint64_t *semaphore_values;
};

static void
translate_bind_semaphores(VkBindSparseInfo *info, struct bind_semaphores *out)
{
   const VkTimelineSemaphoreSubmitInfo *app_values =
      kr_chain_find(info->pNext, VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
   VkSemaphore *sem = out->semaphores;
   uint64_t *val = out->semaphore_values;
   uint32_t waits = 0;
   for (uint32_t i = 0; i < info->waitSemaphoreCount; i++) {
      struct kr_semaphore *s = kr_semaphore_from_handle(info->pWaitSemaphores[i]);
      if (s->vendor) {
         sem[waits] = s->vendor;
         val[waits++] = app_values && i < app_values->waitSemaphoreValueCount
                           ? app_values->pWaitSemaphoreValues[i] : 0;
      } else if (s->signal_queue) {
         sem[waits] = s->signal_queue->batch->timeline.semaphore;
         val[waits++] = s->signal_value;
         s->signal_queue = NULL;
      }
   }
   info->waitSemaphoreCount = waits;
   info->pWaitSemaphores = sem;
   /* Every signalled semaphore is real here (see bind_sparse_batched). */
   sem += waits;
   val += waits;
   for (uint32_t i = 0; i < info->signalSemaphoreCount; i++) {
      sem[i] = kr_semaphore_from_handle(info->pSignalSemaphores[i])->vendor;
      val[i] = app_values && i < app_values->signalSemaphoreValueCount
                  ? app_values->pSignalSemaphoreValues[i] : 0;
   }
   info->pSignalSemaphores = sem;
   out->values = (VkTimelineSemaphoreSubmitInfo){
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = waits,
      .pWaitSemaphoreValues = out->semaphore_values,
      .signalSemaphoreValueCount = info->signalSemaphoreCount,
      .pSignalSemaphoreValues = val,
   };
   /* Kronos exposes single-device groups only, where the other structures change nothing. */
   info->pNext = &out->values;
}

static size_t
bind_semaphores_size(const VkBindSparseInfo *info)
{
   return sizeof(struct bind_semaphores) +
          (sizeof(VkSemaphore) + sizeof(uint64_t)) *
             ((size_t)info->waitSemaphoreCount + info->signalSemaphoreCount);
}

/* Before the queue's lock: batches of other queues that signal what the binds wait on. */
static VkResult
flush_signalling_queues(struct kr_queue *queue, uint32_t count, const VkBindSparseInfo *infos)
{
   for (uint32_t i = 0; i < count; i++) {
      const VkTimelineSemaphoreSubmitInfo *values =
         kr_chain_find(infos[i].pNext, VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
      for (uint32_t j = 0; j < infos[i].waitSemaphoreCount; j++) {
         uint64_t value = values && j < values->waitSemaphoreValueCount
                             ? values->pWaitSemaphoreValues[j] : 0;
         VkResult result = kr_queue_flush_for_wait(
            queue, kr_semaphore_from_handle(infos[i].pWaitSemaphores[j]), value);
         if (result != VK_SUCCESS)
            return result;
      }
   }
   return VK_SUCCESS;
}

/* With batching on: bind operations are not ordered with the queue's other work, so they
 * cannot signal its timeline (which must only grow). Point fences and point binary semaphores
 * they signal become real vendor objects for good; the pending batch goes to the vendor
 * first, keeping the application's submission order. */
static VkResult
bind_sparse_batched(struct kr_queue *queue, uint32_t count, VkBindSparseInfo *infos,
                    uint8_t *cursor, VkFence _fence)
{
   struct kr_device *device = queue->device;
   VkResult result = VK_SUCCESS;
   if (_fence)
      result = kr_fence_make_real(device, kr_fence_from_handle(_fence));
   for (uint32_t i = 0; i < count && result == VK_SUCCESS; i++) {
      for (uint32_t j = 0; j < infos[i].signalSemaphoreCount && result == VK_SUCCESS; j++)
         result = kr_semaphore_make_real(device,
                                         kr_semaphore_from_handle(infos[i].pSignalSemaphores[j]));
   }
   if (result == VK_SUCCESS)
      result = flush_signalling_queues(queue, count, infos);
   if (result != VK_SUCCESS)
      return result;

   struct kr_flush_outcome outcome = kr_queue_flush(queue, KR_FLUSH_OBSERVED);
   if (outcome.status != KR_FLUSH_SENT)
      return outcome.result;
   for (uint32_t i = 0; i < count; i++) {
      struct bind_semaphores *bs = (struct bind_semaphores *)cursor;
      bs->semaphores = (VkSemaphore *)(bs + 1);
      bs->semaphore_values = (uint64_t *)(bs->semaphores + infos[i].waitSemaphoreCount +
                                          infos[i].signalSemaphoreCount);
      cursor += bind_semaphores_size(&infos[i]);
      translate_bind_semaphores(&infos[i], bs);
   }
   kr_stats_add(&device->stats, KR_STAT_VENDOR_SUBMITS, 1);
   kr_queue_submit_lock(queue);
   result = queue->disp->QueueBindSparse(queue->handle, count, infos, kr_fence_vendor(_fence));
   kr_queue_submit_unlock(queue);
   return result;
}

static void
unwrap_bind_semaphores(VkBindSparseInfo *info, uint8_t **cursor)
{
   VkSemaphore *waits = (VkSemaphore *)*cursor;
   for (uint32_t i = 0; i < info->waitSemaphoreCount; i++)
      waits[i] = kr_semaphore_vendor(info->pWaitSemaphores[i]);
   VkSemaphore *signals = waits + info->waitSemaphoreCount;
   for (uint32_t i = 0; i < info->signalSemaphoreCount; i++)
      signals[i] = kr_semaphore_vendor(info->pSignalSemaphores[i]);
   info->pWaitSemaphores = waits;
   info->pSignalSemaphores = signals;
   *cursor += sizeof(VkSemaphore) * (info->waitSemaphoreCount + info->signalSemaphoreCount);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueBindSparse(VkQueue _queue, uint32_t bindInfoCount, const VkBindSparseInfo *pBindInfo,
                   VkFence fence)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   const VkAllocationCallbacks *alloc = queue->device->alloc;
   size_t size = sizeof(VkBindSparseInfo) * bindInfoCount;
   for (uint32_t i = 0; i < bindInfoCount; i++)
      size += bind_info_size(&pBindInfo[i]) + bind_semaphores_size(&pBindInfo[i]);
   /* Every element type here has 8-byte alignment, so one block serves them all. */
   uint8_t *block = kr_alloc(alloc, size ? size : 1, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!block)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint8_t *cursor = block;
   VkBindSparseInfo *infos = take(&cursor, pBindInfo, bindInfoCount, sizeof(*infos));
   for (uint32_t i = 0; i < bindInfoCount; i++)
      rebuild(&infos[i], &cursor);
   VkResult result;
   if (queue->batch) {
      result = bind_sparse_batched(queue, bindInfoCount, infos, cursor, fence);
   } else {
      for (uint32_t i = 0; i < bindInfoCount; i++)
         unwrap_bind_semaphores(&infos[i], &cursor);
      kr_stats_add(&queue->device->stats, KR_STAT_VENDOR_SUBMITS, 1);
      result = queue->disp->QueueBindSparse(queue->handle, bindInfoCount, infos,
                                            kr_fence_vendor(fence));
   }
   kr_free(alloc, block);
   return result;
}
