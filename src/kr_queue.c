/* SPDX-License-Identifier: MIT */
/* Queue submission. Command buffers, fences and semaphores are Kronos objects, so submits are
 * rebuilt with vendor handles. With batching off they go straight to the vendor; with it on
 * (kr_queue_batch.h) they are appended to the queue's batch, fences and binary semaphores
 * becoming points on the queue's timeline. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_flusher.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"
#include "kr_util.h"

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

static VkSemaphore *
unwrap_semaphores(VkSemaphore *out, const VkSemaphore *in, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++)
      out[i] = kr_semaphore_vendor(in[i]);
   return out;
}

static VkSemaphoreSubmitInfo *
unwrap_semaphore_infos(VkSemaphoreSubmitInfo *out, const VkSemaphoreSubmitInfo *in,
                       uint32_t count)
{
   for (uint32_t i = 0; i < count; i++) {
      out[i] = in[i];
      out[i].semaphore = kr_semaphore_vendor(in[i].semaphore);
   }
   return out;
}

/* --- batching off: one vendor submit per application submit ------------------------------- */

static VkResult
submit_direct(struct kr_queue *queue, uint32_t count, const VkSubmitInfo *submits, VkFence fence)
{
   size_t handles = 0;
   for (uint32_t i = 0; i < count; i++) {
      handles += sizeof(VkCommandBuffer) * submits[i].commandBufferCount +
                 sizeof(VkSemaphore) * (submits[i].waitSemaphoreCount +
                                        submits[i].signalSemaphoreCount);
   }
   struct scratch scratch;
   VkSubmitInfo *infos = scratch_get(&scratch, queue->device->alloc,
                                     sizeof(VkSubmitInfo) * count + handles);
   if (!infos)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   /* VkCommandBuffer and VkSemaphore are both pointers here: one cursor serves both. */
   void **cursor = (void **)(infos + count);
   for (uint32_t i = 0; i < count; i++) {
      const VkSubmitInfo *in = &submits[i];
      infos[i] = *in;
      VkCommandBuffer *cbs = (VkCommandBuffer *)cursor;
      for (uint32_t j = 0; j < in->commandBufferCount; j++)
         cbs[j] = kr_command_buffer_from_handle(in->pCommandBuffers[j])->handle;
      infos[i].pCommandBuffers = cbs;
      cursor += in->commandBufferCount;
      infos[i].pWaitSemaphores =
         unwrap_semaphores((VkSemaphore *)cursor, in->pWaitSemaphores, in->waitSemaphoreCount);
      cursor += in->waitSemaphoreCount;
      infos[i].pSignalSemaphores = unwrap_semaphores((VkSemaphore *)cursor,
                                                     in->pSignalSemaphores,
                                                     in->signalSemaphoreCount);
      cursor += in->signalSemaphoreCount;
   }
   kr_stats_add(&queue->device->stats, KR_STAT_VENDOR_SUBMITS, 1);
   VkResult result = queue->disp->QueueSubmit(queue->handle, count, infos,
                                              kr_fence_vendor(fence));
   scratch_put(&scratch, queue->device->alloc);
   return result;
}

static VkResult
submit2_direct(struct kr_queue *queue, uint32_t count, const VkSubmitInfo2 *submits,
               VkFence fence)
{
   size_t size = sizeof(VkSubmitInfo2) * count;
   for (uint32_t i = 0; i < count; i++) {
      size += sizeof(VkCommandBufferSubmitInfo) * submits[i].commandBufferInfoCount +
              sizeof(VkSemaphoreSubmitInfo) * (submits[i].waitSemaphoreInfoCount +
                                               submits[i].signalSemaphoreInfoCount);
   }
   struct scratch scratch;
   VkSubmitInfo2 *infos = scratch_get(&scratch, queue->device->alloc, size);
   if (!infos)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint8_t *cursor = (uint8_t *)(infos + count);
   for (uint32_t i = 0; i < count; i++) {
      const VkSubmitInfo2 *in = &submits[i];
      infos[i] = *in;
      VkCommandBufferSubmitInfo *cbs = (VkCommandBufferSubmitInfo *)cursor;
      for (uint32_t j = 0; j < in->commandBufferInfoCount; j++) {
         cbs[j] = in->pCommandBufferInfos[j];
         cbs[j].commandBuffer = kr_command_buffer_from_handle(cbs[j].commandBuffer)->handle;
      }
      infos[i].pCommandBufferInfos = cbs;
      cursor += sizeof(*cbs) * in->commandBufferInfoCount;
      infos[i].pWaitSemaphoreInfos = unwrap_semaphore_infos(
         (VkSemaphoreSubmitInfo *)cursor, in->pWaitSemaphoreInfos, in->waitSemaphoreInfoCount);
      cursor += sizeof(VkSemaphoreSubmitInfo) * in->waitSemaphoreInfoCount;
      infos[i].pSignalSemaphoreInfos =
         unwrap_semaphore_infos((VkSemaphoreSubmitInfo *)cursor, in->pSignalSemaphoreInfos,
                                in->signalSemaphoreInfoCount);
      cursor += sizeof(VkSemaphoreSubmitInfo) * in->signalSemaphoreInfoCount;
   }
   kr_stats_add(&queue->device->stats, KR_STAT_VENDOR_SUBMITS, 1);
   VkResult result = queue->disp->QueueSubmit2(queue->handle, count, infos,
                                               kr_fence_vendor(fence));
   scratch_put(&scratch, queue->device->alloc);
   return result;
}

/* --- batching on ------------------------------------------------------------------------- */

/* A semaphore wait or signal of an application submit. */
struct semaphore_use {
   struct kr_semaphore *semaphore;
   uint64_t value;
   uint64_t stage;
};

struct submit_record {
   uint32_t command_buffer_first, command_buffer_count;
   uint32_t wait_first, wait_count;
   uint32_t signal_first, signal_count;
   uint32_t flags;
   bool waits_on_events;
};

/* A vkQueueSubmit or vkQueueSubmit2, in one form: records over shared arrays. */
struct submit_batch_input {
   uint32_t record_count;
   struct submit_record *records;
   void **command_buffers; /* vendor VkCommandBuffer handles */
   uint32_t command_buffer_count;
   struct semaphore_use *waits;
   uint32_t wait_count;
   struct semaphore_use *signals;
   uint32_t signal_count;
   struct kr_batch_point *points; /* room for every wait and signal of one record */
};

/* Lays the input's arrays out in one block of scratch memory. */
static VkResult
input_alloc(struct submit_batch_input *in, struct scratch *scratch,
            const VkAllocationCallbacks *alloc, uint32_t records, uint32_t command_buffers,
            uint32_t waits, uint32_t signals)
{
   size_t size = sizeof(struct submit_record) * records + sizeof(void *) * command_buffers +
                 (sizeof(struct semaphore_use) + sizeof(struct kr_batch_point)) *
                    ((size_t)waits + signals);
   uint8_t *block = scratch_get(scratch, alloc, size ? size : 1);
   if (!block)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   *in = (struct submit_batch_input){.record_count = records};
   in->records = (struct submit_record *)block;
   block += sizeof(struct submit_record) * records;
   in->waits = (struct semaphore_use *)block;
   block += sizeof(struct semaphore_use) * waits;
   in->signals = (struct semaphore_use *)block;
   block += sizeof(struct semaphore_use) * signals;
   in->points = (struct kr_batch_point *)block;
   block += sizeof(struct kr_batch_point) * ((size_t)waits + signals);
   in->command_buffers = (void **)block;
   return VK_SUCCESS;
}

static void
input_add_command_buffer(struct submit_batch_input *in, struct submit_record *r,
                         VkCommandBuffer handle)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(handle);
   in->command_buffers[in->command_buffer_count++] = cb->handle;
   r->command_buffer_count++;
   r->waits_on_events |= cb->waits_on_events;
}

/* Synchronization-1 wait stages in synchronization 2: TOP_OF_PIPE there means every stage. */
static uint64_t
wait_stage_from_v1(VkPipelineStageFlags stages)
{
   if (stages & VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT)
      return VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
   return stages;
}

static VkResult
input_from_submit(struct submit_batch_input *in, struct scratch *scratch,
                  const VkAllocationCallbacks *alloc, uint32_t count, const VkSubmitInfo *submits)
{
   uint32_t cbs = 0, waits = 0, signals = 0;
   for (uint32_t i = 0; i < count; i++) {
      cbs += submits[i].commandBufferCount;
      waits += submits[i].waitSemaphoreCount;
      signals += submits[i].signalSemaphoreCount;
   }
   VkResult result = input_alloc(in, scratch, alloc, count, cbs, waits, signals);
   if (result != VK_SUCCESS)
      return result;
   for (uint32_t i = 0; i < count; i++) {
      const VkSubmitInfo *s = &submits[i];
      const VkTimelineSemaphoreSubmitInfo *values =
         kr_chain_find(s->pNext, VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
      const VkProtectedSubmitInfo *protected =
         kr_chain_find(s->pNext, VK_STRUCTURE_TYPE_PROTECTED_SUBMIT_INFO);
      struct submit_record *r = &in->records[i];
      *r = (struct submit_record){
         .command_buffer_first = in->command_buffer_count,
         .wait_first = in->wait_count,
         .signal_first = in->signal_count,
         .flags = protected && protected->protectedSubmit ? VK_SUBMIT_PROTECTED_BIT : 0,
      };
      for (uint32_t j = 0; j < s->commandBufferCount; j++)
         input_add_command_buffer(in, r, s->pCommandBuffers[j]);
      for (uint32_t j = 0; j < s->waitSemaphoreCount; j++) {
         in->waits[in->wait_count++] = (struct semaphore_use){
            .semaphore = kr_semaphore_from_handle(s->pWaitSemaphores[j]),
            .value = values && j < values->waitSemaphoreValueCount
                        ? values->pWaitSemaphoreValues[j] : 0,
            .stage = wait_stage_from_v1(s->pWaitDstStageMask[j]),
         };
      }
      r->wait_count = s->waitSemaphoreCount;
      for (uint32_t j = 0; j < s->signalSemaphoreCount; j++) {
         in->signals[in->signal_count++] = (struct semaphore_use){
            .semaphore = kr_semaphore_from_handle(s->pSignalSemaphores[j]),
            .value = values && j < values->signalSemaphoreValueCount
                        ? values->pSignalSemaphoreValues[j] : 0,
            .stage = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
         };
      }
      r->signal_count = s->signalSemaphoreCount;
   }
   return VK_SUCCESS;
}

static void
add_semaphore_infos(struct semaphore_use *uses, uint32_t *used, const VkSemaphoreSubmitInfo *infos,
                    uint32_t count)
{
   for (uint32_t j = 0; j < count; j++) {
      uses[(*used)++] = (struct semaphore_use){
         .semaphore = kr_semaphore_from_handle(infos[j].semaphore),
         .value = infos[j].value,
         .stage = infos[j].stageMask,
      };
   }
}

static VkResult
input_from_submit2(struct submit_batch_input *in, struct scratch *scratch,
                   const VkAllocationCallbacks *alloc, uint32_t count,
                   const VkSubmitInfo2 *submits)
{
   uint32_t cbs = 0, waits = 0, signals = 0;
   for (uint32_t i = 0; i < count; i++) {
      cbs += submits[i].commandBufferInfoCount;
      waits += submits[i].waitSemaphoreInfoCount;
      signals += submits[i].signalSemaphoreInfoCount;
   }
   VkResult result = input_alloc(in, scratch, alloc, count, cbs, waits, signals);
   if (result != VK_SUCCESS)
      return result;
   for (uint32_t i = 0; i < count; i++) {
      const VkSubmitInfo2 *s = &submits[i];
      struct submit_record *r = &in->records[i];
      *r = (struct submit_record){
         .command_buffer_first = in->command_buffer_count,
         .wait_first = in->wait_count,
         .wait_count = s->waitSemaphoreInfoCount,
         .signal_first = in->signal_count,
         .signal_count = s->signalSemaphoreInfoCount,
         .flags = s->flags,
      };
      for (uint32_t j = 0; j < s->commandBufferInfoCount; j++)
         input_add_command_buffer(in, r, s->pCommandBufferInfos[j].commandBuffer);
      add_semaphore_infos(in->waits, &in->wait_count, s->pWaitSemaphoreInfos,
                          s->waitSemaphoreInfoCount);
      add_semaphore_infos(in->signals, &in->signal_count, s->pSignalSemaphoreInfos,
                          s->signalSemaphoreInfoCount);
   }
   return VK_SUCCESS;
}

/* Before taking this queue's lock: other queues whose batches signal what this submit waits on
 * go to the vendor first. */
static VkResult
flush_signalling_queues(struct kr_queue *queue, const struct submit_batch_input *in)
{
   for (uint32_t i = 0; i < in->wait_count; i++) {
      VkResult result = kr_queue_flush_for_wait(queue, in->waits[i].semaphore);
      if (result != VK_SUCCESS)
         return result;
   }
   return VK_SUCCESS;
}

/* The vendor waits of a record: real semaphores as they are, point binary semaphores as the
 * timeline value of their signal (which the wait consumes). */
static uint32_t
record_waits(const struct submit_batch_input *in, const struct submit_record *r,
             struct kr_batch_point *points)
{
   uint32_t n = 0;
   for (uint32_t j = 0; j < r->wait_count; j++) {
      const struct semaphore_use *w = &in->waits[r->wait_first + j];
      struct kr_semaphore *s = w->semaphore;
      if (s->vendor) {
         points[n++] = (struct kr_batch_point){kr_semaphore_id(s->vendor), w->value, w->stage};
      } else if (s->signal_queue) {
         points[n] = kr_queue_point(s->signal_queue, s->signal_value);
         points[n++].stage = w->stage;
         s->signal_queue = NULL;
      } else {
         kr_warn("vkQueueSubmit: a wait on a binary semaphore with no signal submitted "
                 "(invalid usage): ignored");
      }
   }
   return n;
}

/* The vendor signals of a record: real semaphores only; point ones take the record's value
 * once it is appended. */
static uint32_t
record_signals(const struct submit_batch_input *in, const struct submit_record *r,
               struct kr_batch_point *points)
{
   uint32_t n = 0;
   for (uint32_t j = 0; j < r->signal_count; j++) {
      const struct semaphore_use *u = &in->signals[r->signal_first + j];
      if (u->semaphore->vendor)
         points[n++] = (struct kr_batch_point){kr_semaphore_id(u->semaphore->vendor), u->value,
                                               u->stage};
   }
   return n;
}

static void
record_point_signals(const struct submit_batch_input *in, const struct submit_record *r,
                     struct kr_queue *queue, uint64_t value)
{
   for (uint32_t j = 0; j < r->signal_count; j++) {
      struct kr_semaphore *s = in->signals[r->signal_first + j].semaphore;
      if (!s->vendor) {
         s->signal_queue = queue;
         s->signal_value = value;
      }
   }
}

/* Appends every record (at least one when there is a fence), under the queue's lock.
 * *value receives the point the last one completes at. */
static VkResult
append_records(struct kr_queue *queue, struct submit_batch_input *in, uint64_t now,
               uint64_t *value, bool *full)
{
   struct kr_batch *b = &queue->batch->batch;
   uint32_t records = KR_MAX(in->record_count, 1u);
   VkResult result = kr_batch_reserve(b, records, in->command_buffer_count, in->wait_count,
                                      in->signal_count, 0);
   if (result != VK_SUCCESS)
      return result;
   *full = false;
   for (uint32_t i = 0; i < records; i++) {
      struct kr_batch_submit submit = {0};
      const struct submit_record *r = i < in->record_count ? &in->records[i] : NULL;
      if (r) {
         submit.command_buffer_count = r->command_buffer_count;
         submit.command_buffers = &in->command_buffers[r->command_buffer_first];
         submit.waits = in->points;
         submit.wait_count = record_waits(in, r, in->points);
         submit.signals = in->points + submit.wait_count;
         submit.signal_count = record_signals(in, r, in->points + submit.wait_count);
         submit.flags = r->flags;
         submit.waits_on_events = r->waits_on_events;
      }
      struct kr_batch_point point;
      bool flush_now = false;
      result = kr_batch_append(b, &submit, NULL, &point, now, &flush_now);
      if (result != VK_SUCCESS)
         return result; /* cannot happen after the reservation */
      if (r)
         record_point_signals(in, r, queue, point.value);
      *value = point.value;
      *full |= flush_now;
   }
   return VK_SUCCESS;
}

static VkResult
submit_batched(struct kr_queue *queue, struct submit_batch_input *in, VkFence _fence)
{
   struct kr_device *device = queue->device;
   struct kr_queue_batch *qb = queue->batch;
   struct kr_fence *fence = _fence ? kr_fence_from_handle(_fence) : NULL;
   if (in->record_count == 0 && !fence)
      return VK_SUCCESS;
   VkResult result = flush_signalling_queues(queue, in);
   if (result != VK_SUCCESS)
      return result;

   kr_queue_batch_lock(queue);
   if (fence && fence->vendor && qb->deferred_fence != VK_NULL_HANDLE) {
      /* An earlier real fence still waits for a flush: it goes first, or nothing is added. */
      result = kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE);
      if (result != VK_SUCCESS)
         return result;
      kr_queue_batch_lock(queue);
   }
   bool was_empty = kr_batch_is_empty(&qb->batch);
   uint64_t now = kr_now_ns();
   uint64_t value = 0;
   bool full = false;
   result = append_records(queue, in, now, &value, &full);
   if (result != VK_SUCCESS) {
      kr_queue_batch_unlock(queue);
      return result;
   }
   if (was_empty)
      atomic_fetch_add_explicit(&device->pending_batches, 1, memory_order_relaxed);
   bool point_fence = fence && !fence->vendor;
   if (point_fence)
      kr_fence_set_pending(fence, queue, value);

   /* Nothing in flight (as far as the waits saw): holding this first submit back could only
    * delay it. A stale view errs towards batching, which the time bound covers. */
   bool idle = was_empty && atomic_load_explicit(&qb->completed, memory_order_relaxed) >=
                               atomic_load_explicit(&qb->flushed, memory_order_relaxed);
   /* A full batch goes to the vendor from the flusher thread, so that the application's
    * thread does not pay for the vendor submit (nor wait while the vendor's queue is backed
    * up); only a batch twice the limit, the flusher being behind, is flushed here. */
   uint64_t records = qb->batch.record_count;
   uint64_t limit = qb->batch.settings.limit;
   uint64_t appended = KR_MAX(in->record_count, 1u);
   bool kick = full && records < 2 * limit && records - appended < limit; /* just filled */
   enum kr_flush_reason reason = KR_FLUSH_REASON_COUNT;
   if (fence && fence->vendor)
      reason = KR_FLUSH_OBSERVED; /* a real fence: the vendor must see the work now */
   else if (full && records >= 2 * limit)
      reason = KR_FLUSH_FULL;
   else if (kr_batch_needs_flush(&qb->batch, KR_FLUSH_TIMEOUT, now))
      reason = KR_FLUSH_TIMEOUT;
   else if (idle)
      reason = KR_FLUSH_IDLE;
   if (reason != KR_FLUSH_REASON_COUNT)
      kick = false;

   bool notify = was_empty && reason == KR_FLUSH_REASON_COUNT;
   if (reason != KR_FLUSH_REASON_COUNT)
      result = kr_queue_flush_unlock(queue, reason, fence ? fence->vendor : VK_NULL_HANDLE);
   else
      kr_queue_batch_unlock(queue);
   /* The submit is in the batch: a flush that failed for lack of memory left it pending (a
    * real fence deferred to the next flush), and the flusher takes it, so the submit
    * succeeded. A vendor failure lost it: that error is returned. */
   if (result == VK_ERROR_OUT_OF_HOST_MEMORY) {
      result = VK_SUCCESS;
      notify = true;
   }

   if (point_fence)
      kr_fence_waiters_wake(&device->fence_waiters);
   if (kick)
      kr_flusher_kick(device->flusher);
   else if (notify)
      kr_flusher_notify(device->flusher);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueSubmit(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo *pSubmits, VkFence fence)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   kr_stats_add(&queue->device->stats, KR_STAT_APP_SUBMITS, 1);
   if (!queue->batch)
      return submit_direct(queue, submitCount, pSubmits, fence);
   struct scratch scratch;
   struct submit_batch_input in;
   VkResult result = input_from_submit(&in, &scratch, queue->device->alloc, submitCount,
                                       pSubmits);
   if (result != VK_SUCCESS)
      return result;
   result = submit_batched(queue, &in, fence);
   scratch_put(&scratch, queue->device->alloc);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueSubmit2(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits, VkFence fence)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   kr_stats_add(&queue->device->stats, KR_STAT_APP_SUBMITS, 1);
   if (!queue->batch)
      return submit2_direct(queue, submitCount, pSubmits, fence);
   struct scratch scratch;
   struct submit_batch_input in;
   VkResult result = input_from_submit2(&in, &scratch, queue->device->alloc, submitCount,
                                        pSubmits);
   if (result != VK_SUCCESS)
      return result;
   result = submit_batched(queue, &in, fence);
   scratch_put(&scratch, queue->device->alloc);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueWaitIdle(VkQueue _queue)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   if (!queue->batch)
      return queue->disp->QueueWaitIdle(queue->handle);
   return kr_queue_wait_idle(queue);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_DeviceWaitIdle(VkDevice _device)
{
   struct kr_device *device = kr_device_from_handle(_device);
   if (!kr_device_batching(device))
      return device->disp.DeviceWaitIdle(device->handle);
   /* Every batch first, so that no queue waits on another's work still held back. */
   (void)kr_device_flush_all(device);
   VkResult first = VK_SUCCESS;
   for (uint32_t i = 0; i < device->queue_count; i++) {
      VkResult result = kr_queue_wait_idle(&device->queues[i]);
      if (first == VK_SUCCESS)
         first = result;
   }
   return first;
}
