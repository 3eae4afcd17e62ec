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
#include "kr_profile_hooks.h"
#include "kr_queue_batch.h"
#include "kr_scratch.h"
#include "kr_util.h"

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
   struct kr_scratch scratch;
   VkSubmitInfo *infos = kr_scratch_get(&scratch, queue->device->alloc,
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
   kr_scratch_put(&scratch);
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
   struct kr_scratch scratch;
   VkSubmitInfo2 *infos = kr_scratch_get(&scratch, queue->device->alloc, size);
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
   kr_scratch_put(&scratch);
   return result;
}

/* --- batching on ------------------------------------------------------------------------- */

/* Synchronization-1 wait stages in synchronization 2: TOP_OF_PIPE there means every stage. */
static uint64_t
wait_stage_from_v1(VkPipelineStageFlags stages)
{
   if (stages & VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT)
      return VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
   return stages;
}

static VkSemaphoreSubmitInfo
semaphore_submit_info(VkSemaphore semaphore, const uint64_t *values, uint32_t value_count,
                      uint32_t index, uint64_t stage)
{
   return (VkSemaphoreSubmitInfo){
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
      .semaphore = semaphore,
      .value = values && index < value_count ? values[index] : 0,
      .stageMask = stage,
   };
}

/* vkQueueSubmit in the form of vkQueueSubmit2, as Mesa's common queue code does, so that one
 * path appends both: timeline values, the protected flag and wait stages carry over. The
 * handles stay the application's. */
static VkResult
submit2_from_submit(struct kr_scratch *scratch, const VkAllocationCallbacks *alloc,
                    uint32_t count, const VkSubmitInfo *submits, VkSubmitInfo2 **out)
{
   size_t size = sizeof(VkSubmitInfo2) * count;
   for (uint32_t i = 0; i < count; i++) {
      size += sizeof(VkCommandBufferSubmitInfo) * submits[i].commandBufferCount +
              sizeof(VkSemaphoreSubmitInfo) * (submits[i].waitSemaphoreCount +
                                               submits[i].signalSemaphoreCount);
   }
   VkSubmitInfo2 *infos = kr_scratch_get(scratch, alloc, size);
   if (!infos)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkCommandBufferSubmitInfo *cbs = (VkCommandBufferSubmitInfo *)(infos + count);
   for (uint32_t i = 0; i < count; i++)
      cbs += submits[i].commandBufferCount;
   VkSemaphoreSubmitInfo *sems = (VkSemaphoreSubmitInfo *)cbs;
   cbs = (VkCommandBufferSubmitInfo *)(infos + count);
   for (uint32_t i = 0; i < count; i++) {
      const VkSubmitInfo *s = &submits[i];
      const VkTimelineSemaphoreSubmitInfo *values =
         kr_chain_find(s->pNext, VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
      const VkProtectedSubmitInfo *protected =
         kr_chain_find(s->pNext, VK_STRUCTURE_TYPE_PROTECTED_SUBMIT_INFO);
      infos[i] = (VkSubmitInfo2){
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
         .flags = protected && protected->protectedSubmit ? VK_SUBMIT_PROTECTED_BIT : 0,
         .waitSemaphoreInfoCount = s->waitSemaphoreCount,
         .pWaitSemaphoreInfos = sems,
         .commandBufferInfoCount = s->commandBufferCount,
         .pCommandBufferInfos = cbs,
      };
      for (uint32_t j = 0; j < s->waitSemaphoreCount; j++) {
         *sems++ = semaphore_submit_info(s->pWaitSemaphores[j],
                                         values ? values->pWaitSemaphoreValues : NULL,
                                         values ? values->waitSemaphoreValueCount : 0, j,
                                         wait_stage_from_v1(s->pWaitDstStageMask[j]));
      }
      for (uint32_t j = 0; j < s->commandBufferCount; j++) {
         *cbs++ = (VkCommandBufferSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
            .commandBuffer = s->pCommandBuffers[j],
         };
      }
      infos[i].signalSemaphoreInfoCount = s->signalSemaphoreCount;
      infos[i].pSignalSemaphoreInfos = sems;
      for (uint32_t j = 0; j < s->signalSemaphoreCount; j++) {
         *sems++ = semaphore_submit_info(s->pSignalSemaphores[j],
                                         values ? values->pSignalSemaphoreValues : NULL,
                                         values ? values->signalSemaphoreValueCount : 0, j,
                                         VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
      }
   }
   *out = infos;
   return VK_SUCCESS;
}

/* Before taking this queue's lock: other queues whose batches signal what the submits wait on
 * go to the vendor first; a wait on a lost signal fails the submit with the signal's error. */
static VkResult
flush_signalling_queues(struct kr_queue *queue, uint32_t count, const VkSubmitInfo2 *submits)
{
   for (uint32_t i = 0; i < count; i++) {
      for (uint32_t j = 0; j < submits[i].waitSemaphoreInfoCount; j++) {
         const VkSemaphoreSubmitInfo *w = &submits[i].pWaitSemaphoreInfos[j];
         VkResult result =
            kr_queue_flush_for_wait(queue, kr_semaphore_from_handle(w->semaphore), w->value);
         if (result != VK_SUCCESS)
            return result;
      }
   }
   return VK_SUCCESS;
}

/* The pending signals of point binary semaphores as they were before a call changed them
 * (a wait consumes one, a signal sets one), so that a call whose submit the vendor refused
 * leaves its semaphores as they were, as on the vendor. */
struct signal_undo {
   struct kr_semaphore *semaphore;
   struct kr_queue *queue;
   uint64_t value;
};

struct signal_undo_log {
   struct signal_undo *entries; /* room for every wait and signal of the call */
   uint32_t count;
};

static void
undo_note(struct signal_undo_log *log, struct kr_semaphore *semaphore)
{
   log->entries[log->count++] =
      (struct signal_undo){semaphore, semaphore->signal_queue, semaphore->signal_value};
}

static void
undo_all(struct signal_undo_log *log)
{
   for (uint32_t i = log->count; i-- > 0;) {
      log->entries[i].semaphore->signal_queue = log->entries[i].queue;
      log->entries[i].semaphore->signal_value = log->entries[i].value;
   }
   log->count = 0;
}

/* The events and query pools the submit's command buffers touch (with duplicates). */
static uint32_t
host_object_count(const VkSubmitInfo2 *s)
{
   uint32_t n = 0;
   for (uint32_t j = 0; j < s->commandBufferInfoCount; j++)
      n += kr_command_buffer_from_handle(s->pCommandBufferInfos[j].commandBuffer)
              ->host_object_count;
   return n;
}

/* The batch's form of one VkSubmitInfo2, in scratch arrays: vendor command buffers; waits on
 * real semaphores as they are and on point binary semaphores as the timeline value of their
 * signal (which the wait consumes); signals of real semaphores only (point ones take the
 * submit's value once it is appended); as resources, the events and query pools the command
 * buffers touch (a refused flush makes their observers report the loss). */
static struct kr_batch_submit
batch_submit(const VkSubmitInfo2 *s, void **command_buffers, struct kr_batch_point *points,
             uint64_t *resources, struct signal_undo_log *undo)
{
   struct kr_batch_submit submit = {
      .command_buffers = command_buffers,
      .command_buffer_count = s->commandBufferInfoCount,
      .waits = points,
      .resources = resources,
      .flags = s->flags,
   };
   for (uint32_t j = 0; j < s->commandBufferInfoCount; j++) {
      struct kr_command_buffer *cb =
         kr_command_buffer_from_handle(s->pCommandBufferInfos[j].commandBuffer);
      command_buffers[j] = cb->handle;
      submit.waits_on_events |= cb->waits_on_events;
      for (uint32_t k = 0; k < cb->host_object_count; k++)
         resources[submit.resource_count++] = cb->host_objects[k];
   }
   uint32_t n = 0;
   for (uint32_t j = 0; j < s->waitSemaphoreInfoCount; j++) {
      const VkSemaphoreSubmitInfo *w = &s->pWaitSemaphoreInfos[j];
      struct kr_semaphore *sem = kr_semaphore_from_handle(w->semaphore);
      if (sem->vendor) {
         points[n++] = (struct kr_batch_point){kr_semaphore_id(sem->vendor), w->value,
                                               w->stageMask};
      } else if (sem->signal_queue) {
         points[n] = kr_queue_point(sem->signal_queue, sem->signal_value);
         points[n++].stage = w->stageMask;
         undo_note(undo, sem);
         sem->signal_queue = NULL;
      } else {
         kr_warn("vkQueueSubmit: a wait on a binary semaphore with no signal submitted "
                 "(invalid usage): ignored");
      }
   }
   submit.wait_count = n;
   submit.signals = points + n;
   submit.unobserved = true; /* until a point semaphore signal (or a fence) says otherwise */
   for (uint32_t j = 0; j < s->signalSemaphoreInfoCount; j++) {
      const VkSemaphoreSubmitInfo *u = &s->pSignalSemaphoreInfos[j];
      struct kr_semaphore *sem = kr_semaphore_from_handle(u->semaphore);
      if (sem->vendor) {
         /* A binary semaphore's value is ignored: 0, so that its lost signals match. */
         uint64_t value = sem->type == VK_SEMAPHORE_TYPE_BINARY ? 0 : u->value;
         points[n++] = (struct kr_batch_point){kr_semaphore_id(sem->vendor), value,
                                               u->stageMask};
      } else {
         submit.unobserved = false;
      }
   }
   submit.signal_count = n - submit.wait_count;
   return submit;
}

static void
set_point_signals(const VkSubmitInfo2 *s, struct kr_queue *queue, uint64_t value,
                  struct signal_undo_log *undo)
{
   for (uint32_t j = 0; j < s->signalSemaphoreInfoCount; j++) {
      struct kr_semaphore *sem = kr_semaphore_from_handle(s->pSignalSemaphoreInfos[j].semaphore);
      if (!sem->vendor) {
         undo_note(undo, sem);
         sem->signal_queue = queue;
         sem->signal_value = value;
      }
   }
}

/* Appends every submit (an empty one when there is only a fence), under the queue's lock;
 * *value receives the point the last one completes at, on which a point fence waits. */
static VkResult
append_submits(struct kr_queue *queue, uint32_t count, const VkSubmitInfo2 *submits,
               bool observed, uint64_t now, uint64_t *value, bool *full,
               struct signal_undo_log *undo)
{
   uint32_t cbs = 0, waits = 0, signals = 0, resources = 0, most = 0;
   for (uint32_t i = 0; i < count; i++) {
      const VkSubmitInfo2 *s = &submits[i];
      uint32_t objects = host_object_count(s);
      cbs += s->commandBufferInfoCount;
      waits += s->waitSemaphoreInfoCount;
      signals += s->signalSemaphoreInfoCount;
      resources += objects;
      /* In 8-byte words: a vendor handle each command buffer, a point each semaphore, a word
       * each event or query pool. */
      most = KR_MAX(most, s->commandBufferInfoCount + objects +
                             (uint32_t)(sizeof(struct kr_batch_point) / sizeof(uint64_t)) *
                                (s->waitSemaphoreInfoCount + s->signalSemaphoreInfoCount));
   }
   struct kr_batch *b = &queue->batch->batch;
   VkResult result = kr_batch_reserve(b, KR_MAX(count, 1u), cbs, waits, signals, resources);
   if (result != VK_SUCCESS)
      return result;
   /* One submit's vendor command buffers and points at a time. */
   struct kr_scratch scratch;
   uint64_t *words = kr_scratch_get(&scratch, queue->device->alloc,
                                    sizeof(uint64_t) * KR_MAX(most, 1u));
   if (!words)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   *full = false;
   for (uint32_t i = 0; i < KR_MAX(count, 1u); i++) {
      struct kr_batch_submit submit = {0};
      const VkSubmitInfo2 *s = i < count ? &submits[i] : NULL;
      if (s) {
         void **command_buffers = (void **)words;
         struct kr_batch_point *points =
            (struct kr_batch_point *)(command_buffers + s->commandBufferInfoCount);
         uint64_t *objects = (uint64_t *)(points + s->waitSemaphoreInfoCount +
                                          s->signalSemaphoreInfoCount);
         submit = batch_submit(s, command_buffers, points, objects, undo);
      }
      if (observed && i + 1 == KR_MAX(count, 1u))
         submit.unobserved = false;
      struct kr_batch_point point;
      bool flush_now = false;
      result = kr_batch_append(b, &submit, &point, now, &flush_now);
      if (result != VK_SUCCESS)
         break; /* cannot happen after the reservation */
      if (s)
         set_point_signals(s, queue, point.value, undo);
      *value = point.value;
      *full |= flush_now;
   }
   kr_scratch_put(&scratch);
   return result;
}

/* point (the profiler's, may be NULL): receives the timeline value the call's last submit
 * completes at, which is then signalled as if a fence observed it, so that the profiler can
 * read its timestamps once it completed. */
static VkResult
submit_batched(struct kr_queue *queue, uint32_t count, const VkSubmitInfo2 *submits,
               VkFence _fence, uint64_t *point)
{
   struct kr_device *device = queue->device;
   struct kr_queue_batch *qb = queue->batch;
   struct kr_fence *fence = _fence ? kr_fence_from_handle(_fence) : NULL;
   if (count == 0 && !fence)
      return VK_SUCCESS;
   VkResult result = flush_signalling_queues(queue, count, submits);
   if (result != VK_SUCCESS)
      return result;

   uint32_t semaphores = 0;
   for (uint32_t i = 0; i < count; i++)
      semaphores += submits[i].waitSemaphoreInfoCount + submits[i].signalSemaphoreInfoCount;
   struct kr_scratch undo_scratch;
   struct signal_undo_log undo = {
      .entries = kr_scratch_get(&undo_scratch, device->alloc,
                                sizeof(struct signal_undo) * KR_MAX(semaphores, 1u)),
   };
   if (!undo.entries)
      return VK_ERROR_OUT_OF_HOST_MEMORY;

   kr_queue_batch_lock(queue);
   if (fence && fence->vendor && qb->deferred_fence != VK_NULL_HANDLE) {
      /* An earlier real fence still waits for a flush: it goes first, or nothing is added. */
      struct kr_flush_outcome outcome =
         kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE, false);
      if (outcome.status != KR_FLUSH_SENT) {
         kr_scratch_put(&undo_scratch);
         return outcome.result;
      }
      kr_queue_batch_lock(queue);
   }
   bool was_empty = kr_batch_is_empty(&qb->batch);
   uint64_t now = kr_now_ns();
   uint64_t value = 0;
   bool full = false;
   bool point_fence = fence && !fence->vendor;
   result = append_submits(queue, count, submits, point_fence || point, now, &value, &full,
                           &undo);
   if (result != VK_SUCCESS) {
      undo_all(&undo);
      kr_queue_batch_unlock(queue);
      kr_scratch_put(&undo_scratch);
      return result;
   }
   if (was_empty)
      atomic_fetch_add_explicit(&device->pending_batches, 1, memory_order_relaxed);
   if (point_fence)
      kr_fence_set_pending(fence, queue, value);
   if (point)
      *point = value;

   /* Nothing in flight (as far as the waits saw): holding this first submit back could only
    * delay it. A stale view errs towards batching, which the time bound covers. */
   bool idle = was_empty && atomic_load_explicit(&qb->timeline.completed, memory_order_relaxed) >=
                               atomic_load_explicit(&qb->timeline.taken, memory_order_relaxed);
   /* A full batch goes to the vendor from the flusher thread, so that the application's
    * thread does not pay for the vendor submit (nor wait while the vendor's queue is backed
    * up); only a batch twice the limit, the flusher being behind, is flushed here. */
   uint64_t records = qb->batch.record_count;
   uint64_t limit = qb->batch.settings.limit;
   uint64_t appended = KR_MAX(count, 1u);
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
   struct kr_flush_outcome outcome = {KR_FLUSH_SENT, VK_SUCCESS};
   if (reason != KR_FLUSH_REASON_COUNT) {
      /* When the batch was empty, it holds this call's submits alone: a refusal returned
       * here is reported, and wait idle need not report it again. */
      outcome = kr_queue_flush_unlock(queue, reason, fence ? fence->vendor : VK_NULL_HANDLE,
                                      was_empty);
   } else {
      kr_queue_batch_unlock(queue);
   }
   /* Kept (no host memory for the flush): the submits are in the batch and the flusher takes
    * them (a real fence deferred to the next flush), so the submit succeeded. Refused by the
    * vendor: this submit's work is lost, and the application hears it here. */
   if (outcome.status == KR_FLUSH_KEPT)
      notify = true;
   else
      result = outcome.result;
   if (outcome.status == KR_FLUSH_REFUSED) {
      /* The call fails: as on the vendor, its fence stays unsignalled and its semaphores are
       * as they were (the waits it consumed pending again, its signals not pending). The
       * application's thread synchronizes these semaphores' submits, so nobody changed them
       * since. */
      if (point_fence)
         kr_fence_set_unsignaled(fence);
      undo_all(&undo);
      point_fence = false;
   }
   kr_scratch_put(&undo_scratch);

   if (point_fence)
      kr_fence_waiters_wake(&device->fence_waiters);
   if (kick)
      kr_flusher_kick(device->flusher);
   else if (notify)
      kr_flusher_notify(device->flusher);
   return result;
}

static VkResult
queue_submit(struct kr_queue *queue, uint32_t submitCount, const VkSubmitInfo *pSubmits,
             VkFence fence, uint64_t *point)
{
   kr_stats_add(&queue->device->stats, KR_STAT_APP_SUBMITS, 1);
   if (!queue->batch)
      return submit_direct(queue, submitCount, pSubmits, fence);
   struct kr_scratch scratch;
   VkSubmitInfo2 *submits;
   VkResult result = submit2_from_submit(&scratch, queue->device->alloc, submitCount, pSubmits,
                                         &submits);
   if (result != VK_SUCCESS)
      return result;
   result = submit_batched(queue, submitCount, submits, fence, point);
   kr_scratch_put(&scratch);
   return result;
}

static VkResult
queue_submit2(struct kr_queue *queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits,
              VkFence fence, uint64_t *point)
{
   kr_stats_add(&queue->device->stats, KR_STAT_APP_SUBMITS, 1);
   if (!queue->batch)
      return submit2_direct(queue, submitCount, pSubmits, fence);
   return submit_batched(queue, submitCount, pSubmits, fence, point);
}

/* Profiling (kr_profile.h): earlier results are read before the submit, the submit's timed
 * command buffers become pending after it, and the call is a CPU slice. submits2: the
 * application called vkQueueSubmit2 (with submits2; submits NULL), else vkQueueSubmit. */
static VkResult
profiled_submit(struct kr_queue *queue, bool submit2, uint32_t count,
                const VkSubmitInfo *submits, const VkSubmitInfo2 *submits2, VkFence fence)
{
   uint64_t start = kr_profile_cpu_start(queue->device), point = 0;
   uint64_t *profile_point = start ? &point : NULL;
   if (start)
      kr_profile_before_submit(queue, count, submits, submits2);
   VkResult result = submit2 ? queue_submit2(queue, count, submits2, fence, profile_point)
                             : queue_submit(queue, count, submits, fence, profile_point);
   if (!start)
      return result;
   if (result == VK_SUCCESS)
      kr_profile_after_submit(queue, count, submits, submits2, point);
   kr_profile_cpu_end(queue->device, submit2 ? "vkQueueSubmit2" : "vkQueueSubmit", start);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueSubmit(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo *pSubmits, VkFence fence)
{
   return profiled_submit(kr_queue_from_handle(_queue), false, submitCount, pSubmits, NULL,
                          fence);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueSubmit2(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits, VkFence fence)
{
   return profiled_submit(kr_queue_from_handle(_queue), true, submitCount, NULL, pSubmits,
                          fence);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_QueueWaitIdle(VkQueue _queue)
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   uint64_t start = kr_profile_cpu_start(queue->device);
   VkResult result = queue->batch ? kr_queue_wait_idle(queue)
                                  : queue->disp->QueueWaitIdle(queue->handle);
   kr_profile_host_wait_done(queue->device, "vkQueueWaitIdle", start, result);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_DeviceWaitIdle(VkDevice _device)
{
   struct kr_device *device = kr_device_from_handle(_device);
   uint64_t start = kr_profile_cpu_start(device);
   VkResult result = kr_device_batching(device) ? kr_device_wait_idle(device)
                                                : device->disp.DeviceWaitIdle(device->handle);
   kr_profile_host_wait_done(device, "vkDeviceWaitIdle", start, result);
   return result;
}
