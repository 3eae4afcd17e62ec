/* SPDX-License-Identifier: MIT */
/* A queue's submit batch over its vendor timeline semaphore (see kr_queue_batch.h). */
#include "kr_queue_batch.h"

#include <time.h>

#include "kr_alloc.h"
#include "kr_flusher.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_settings.h"
#include "kr_util.h"

static VkSemaphore
semaphore_handle(uint64_t id)
{
   return (VkSemaphore)(uintptr_t)id;
}

uint64_t
kr_now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct kr_batch_point
kr_queue_point(const struct kr_queue *queue, uint64_t value)
{
   return (struct kr_batch_point){queue->batch->batch.timeline, value, 0};
}

bool
kr_device_batching(const struct kr_device *device)
{
   return device->batching;
}

VkResult
kr_queue_batch_create(struct kr_queue *queue)
{
   struct kr_device *device = queue->device;
   struct kr_queue_batch *qb = kr_zalloc(device->alloc, sizeof(*qb), 8,
                                         VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!qb)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
      .initialValue = 0,
   };
   const VkSemaphoreCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
      .pNext = &type,
   };
   VkResult result = device->disp.CreateSemaphore(device->handle, &info, device->alloc,
                                                  &qb->timeline);
   if (result != VK_SUCCESS) {
      kr_error("submit batching: the vendor cannot create a timeline semaphore (%d)", result);
      goto fail_free;
   }
   if (pthread_mutex_init(&qb->lock, NULL) != 0) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail_semaphore;
   }
   if (pthread_mutex_init(&qb->submit_lock, NULL) != 0) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail_lock;
   }
   kr_batch_init(&qb->batch, device->alloc, kr_semaphore_id(qb->timeline), &device->batch_settings);
   kr_batch_flush_plan_init(&qb->plan, device->alloc);
   atomic_init(&qb->completed, 0);
   atomic_init(&qb->flushed, 0);
   atomic_init(&qb->lost_count, 0);
   atomic_init(&qb->device_lost, false);
   queue->batch = qb;
   return VK_SUCCESS;

fail_lock:
   pthread_mutex_destroy(&qb->lock);
fail_semaphore:
   device->disp.DestroySemaphore(device->handle, qb->timeline, device->alloc);
fail_free:
   kr_free(device->alloc, qb);
   return result;
}

void
kr_queue_batch_destroy(struct kr_queue *queue)
{
   struct kr_queue_batch *qb = queue->batch;
   if (!qb)
      return;
   struct kr_device *device = queue->device;
   /* vkDestroyDevice requires the queues idle, so nothing is pending on the vendor; a batch
    * the application never observed still goes to the vendor, as its submits would have. */
   if (!kr_batch_is_empty(&qb->batch)) {
      kr_queue_batch_lock(queue);
      kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE);
      device->disp.QueueWaitIdle(queue->handle);
   }
   device->disp.DestroySemaphore(device->handle, qb->timeline, device->alloc);
   pthread_mutex_destroy(&qb->submit_lock);
   pthread_mutex_destroy(&qb->lock);
   kr_batch_finish(&qb->batch);
   kr_batch_flush_plan_finish(&qb->plan);
   kr_free(device->alloc, qb->infos);
   kr_free(device->alloc, qb->command_buffers);
   kr_free(device->alloc, qb->semaphores);
   kr_free(device->alloc, qb);
   queue->batch = NULL;
}

void
kr_queue_batch_lock(struct kr_queue *queue)
{
   pthread_mutex_lock(&queue->batch->lock);
}

void
kr_queue_batch_unlock(struct kr_queue *queue)
{
   pthread_mutex_unlock(&queue->batch->lock);
}

void
kr_queue_submit_lock(struct kr_queue *queue)
{
   pthread_mutex_lock(&queue->batch->submit_lock);
}

void
kr_queue_submit_unlock(struct kr_queue *queue)
{
   pthread_mutex_unlock(&queue->batch->submit_lock);
}

/* Grows a scratch array to at least `need` elements (contents not kept). */
static VkResult
scratch_reserve(const VkAllocationCallbacks *alloc, void **array, uint32_t *capacity,
                uint64_t need, size_t size)
{
   if (need <= *capacity)
      return VK_SUCCESS;
   if (need > UINT32_MAX / 2)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint32_t capacity_new = KR_MAX(*capacity * 2, KR_MAX((uint32_t)need, 16u));
   void *array_new = kr_alloc(alloc, (size_t)capacity_new * size, 8,
                              VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!array_new)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_free(alloc, *array);
   *array = array_new;
   *capacity = capacity_new;
   return VK_SUCCESS;
}

/* Room for the vendor structures of the pending batch: an info per record at most, every
 * semaphore and a timeline signal per record. */
static VkResult
reserve_vendor_submit(struct kr_queue_batch *qb, const VkAllocationCallbacks *alloc)
{
   const struct kr_batch *b = &qb->batch;
   VkResult result = scratch_reserve(alloc, (void **)&qb->infos, &qb->info_capacity,
                                     b->record_count, sizeof(*qb->infos));
   if (result == VK_SUCCESS)
      result = scratch_reserve(alloc, (void **)&qb->command_buffers,
                               &qb->command_buffer_capacity, b->command_buffer_count,
                               sizeof(*qb->command_buffers));
   if (result == VK_SUCCESS)
      result = scratch_reserve(alloc, (void **)&qb->semaphores, &qb->semaphore_capacity,
                               (uint64_t)b->wait_count + b->signal_count + b->record_count,
                               sizeof(*qb->semaphores));
   return result;
}

static VkSemaphoreSubmitInfo
semaphore_info(const struct kr_batch_point *point)
{
   return (VkSemaphoreSubmitInfo){
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
      .semaphore = semaphore_handle(point->semaphore),
      .value = point->value,
      .stageMask = point->stage,
   };
}

/* Turns the plan into VkSubmitInfo2 structures in the queue's scratch arrays. */
static void
build_vendor_submit(struct kr_queue_batch *qb)
{
   const struct kr_batch_flush_plan *plan = &qb->plan;
   uint32_t cb = 0, sem = 0;
   for (uint32_t i = 0; i < plan->info_count; i++) {
      const struct kr_batch_info *info = &plan->infos[i];
      VkSubmitInfo2 *vi = &qb->infos[i];
      *vi = (VkSubmitInfo2){.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2, .flags = info->flags};

      vi->pWaitSemaphoreInfos = &qb->semaphores[sem];
      for (uint32_t w = 0; w < info->wait_count; w++)
         qb->semaphores[sem++] = semaphore_info(&plan->waits[info->wait_first + w]);
      vi->waitSemaphoreInfoCount = (uint32_t)(&qb->semaphores[sem] - vi->pWaitSemaphoreInfos);

      vi->pCommandBufferInfos = &qb->command_buffers[cb];
      vi->commandBufferInfoCount = info->command_buffer_count;
      for (uint32_t c = 0; c < info->command_buffer_count; c++) {
         qb->command_buffers[cb++] = (VkCommandBufferSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
            .commandBuffer = plan->command_buffers[info->command_buffer_first + c],
         };
      }

      vi->pSignalSemaphoreInfos = &qb->semaphores[sem];
      for (uint32_t s = 0; s < info->signal_count; s++)
         qb->semaphores[sem++] = semaphore_info(&plan->signals[info->signal_first + s]);
      if (info->timeline_value) {
         qb->semaphores[sem++] = semaphore_info(&(struct kr_batch_point){
            plan->timeline, info->timeline_value, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT});
      }
      vi->signalSemaphoreInfoCount = (uint32_t)(&qb->semaphores[sem] - vi->pSignalSemaphoreInfos);
   }
}

static const enum kr_stat flush_stat[KR_FLUSH_REASON_COUNT] = {
   [KR_FLUSH_FULL] = KR_STAT_FLUSH_FULL,
   [KR_FLUSH_OBSERVED] = KR_STAT_FLUSH_OBSERVED,
   [KR_FLUSH_TIMEOUT] = KR_STAT_FLUSH_TIMEOUT,
   [KR_FLUSH_IDLE] = KR_STAT_FLUSH_IDLE,
};

VkResult
kr_queue_flush_unlock(struct kr_queue *queue, enum kr_flush_reason reason, VkFence vendor_fence)
{
   struct kr_queue_batch *qb = queue->batch;
   struct kr_device *device = queue->device;
   bool pending = !kr_batch_is_empty(&qb->batch);
   if (vendor_fence == VK_NULL_HANDLE) {
      vendor_fence = qb->deferred_fence;
   } else if (qb->deferred_fence != VK_NULL_HANDLE) {
      kr_queue_batch_unlock(queue);
      return VK_ERROR_OUT_OF_HOST_MEMORY; /* the caller flushes the deferred one first */
   }
   if (!pending && vendor_fence == VK_NULL_HANDLE) {
      kr_queue_batch_unlock(queue);
      return VK_SUCCESS;
   }

   /* The submit lock is taken before the batch lock is let go, so flushes reach the vendor in
    * the order of their values; appends go on while the vendor works on this one. */
   pthread_mutex_lock(&qb->submit_lock);
   /* Everything that can fail for lack of memory happens before the batch is emptied. */
   VkResult result = reserve_vendor_submit(qb, device->alloc);
   uint64_t value = 0;
   if (result == VK_SUCCESS)
      result = kr_batch_flush(&qb->batch, reason, &qb->plan, &value);
   if (result != VK_SUCCESS) {
      /* The batch is as it was; a real fence waits for the next flush. */
      qb->deferred_fence = vendor_fence;
      pthread_mutex_unlock(&qb->submit_lock);
      kr_queue_batch_unlock(queue);
      kr_error("submit batching: out of host memory while flushing a batch; it stays pending");
      return result;
   }
   qb->deferred_fence = VK_NULL_HANDLE;
   if (pending)
      atomic_fetch_sub_explicit(&device->pending_batches, 1, memory_order_relaxed);
   build_vendor_submit(qb);
   kr_queue_batch_unlock(queue);

   kr_stats_add(&device->stats, KR_STAT_VENDOR_SUBMITS, 1);
   if (pending)
      kr_stats_add(&device->stats, flush_stat[reason], 1);
   result = device->disp.QueueSubmit2(queue->handle, qb->plan.info_count, qb->infos,
                                      vendor_fence);
   if (result == VK_SUCCESS && pending) {
      atomic_store_explicit(&qb->flushed, value, memory_order_release);
   } else if (result != VK_SUCCESS && pending) {
      /* The work of these values is lost: waits on them report it. A failed submit with
       * nothing pending (a real fence alone) loses no value. */
      uint64_t first = value;
      for (uint32_t i = 0; i < qb->plan.info_count; i++) {
         if (qb->plan.infos[i].timeline_value) {
            first = qb->plan.infos[i].timeline_value;
            break;
         }
      }
      uint32_t n = atomic_load(&qb->lost_count);
      if (n < KR_LOST_RANGES) {
         qb->lost[n].first = first;
         atomic_store(&qb->lost_count, n + 1);
      } else {
         n--; /* out of ranges: the last one grows (waits between report the loss too) */
      }
      qb->lost[n].last = value;
      /* Later flushes signal values above the lost ones. */
      atomic_store_explicit(&qb->flushed, value, memory_order_release);
   }
   if (result == VK_ERROR_DEVICE_LOST)
      atomic_store(&qb->device_lost, true);
   pthread_mutex_unlock(&qb->submit_lock);
   if (result != VK_SUCCESS) {
      kr_error("submit batching: the vendor's vkQueueSubmit2 failed (%d); the submits of "
               "queue family %u index %u up to timeline value %llu are lost", result,
               queue->family, queue->index, (unsigned long long)value);
   }
   return result;
}

VkResult
kr_queue_flush(struct kr_queue *queue, enum kr_flush_reason reason)
{
   kr_queue_batch_lock(queue);
   return kr_queue_flush_unlock(queue, reason, VK_NULL_HANDLE);
}

VkResult
kr_queue_flush_point(struct kr_queue *queue, struct kr_batch_point point)
{
   struct kr_queue_batch *qb = queue->batch;
   if (!qb)
      return VK_SUCCESS;
   /* Values of the queue's own timeline already handed to the vendor need no lock. */
   if (point.semaphore == qb->batch.timeline &&
       point.value <= atomic_load_explicit(&qb->flushed, memory_order_acquire))
      return VK_SUCCESS;
   kr_queue_batch_lock(queue);
   if (kr_batch_observes_point(&qb->batch, point))
      return kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE);
   kr_queue_batch_unlock(queue);
   return VK_SUCCESS;
}

VkResult
kr_queue_flush_user(struct kr_queue *queue, uint64_t id)
{
   kr_queue_batch_lock(queue);
   if (kr_batch_uses_resource(&queue->batch->batch, id))
      return kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE);
   kr_queue_batch_unlock(queue);
   return VK_SUCCESS;
}

static bool
anything_pending(const struct kr_device *device)
{
   return device->batching &&
          atomic_load_explicit(&device->pending_batches, memory_order_relaxed) != 0;
}

/* The first error of a loop of flushes, the loop going on past it. */
static void
keep_first_error(VkResult *first, VkResult result)
{
   if (*first == VK_SUCCESS)
      *first = result;
}

VkResult
kr_device_flush_all(struct kr_device *device)
{
   VkResult first = VK_SUCCESS;
   if (!anything_pending(device))
      return first;
   for (uint32_t i = 0; i < device->queue_count; i++)
      keep_first_error(&first, kr_queue_flush(&device->queues[i], KR_FLUSH_OBSERVED));
   return first;
}

VkResult
kr_device_flush_point(struct kr_device *device, struct kr_batch_point point,
                      const struct kr_queue *except)
{
   VkResult first = VK_SUCCESS;
   if (!anything_pending(device))
      return first;
   for (uint32_t i = 0; i < device->queue_count; i++) {
      if (&device->queues[i] != except)
         keep_first_error(&first, kr_queue_flush_point(&device->queues[i], point));
   }
   return first;
}

VkResult
kr_device_flush_user(struct kr_device *device, uint64_t id)
{
   VkResult first = VK_SUCCESS;
   if (!anything_pending(device))
      return first;
   for (uint32_t i = 0; i < device->queue_count; i++)
      keep_first_error(&first, kr_queue_flush_user(&device->queues[i], id));
   return first;
}

/* Raises the cached completed value (several threads may race; the highest wins). */
static void
note_completed(struct kr_queue_batch *qb, uint64_t value)
{
   uint64_t seen = atomic_load_explicit(&qb->completed, memory_order_relaxed);
   while (seen < value &&
          !atomic_compare_exchange_weak_explicit(&qb->completed, &seen, value,
                                                 memory_order_release, memory_order_relaxed))
      ;
}

/* VK_ERROR_DEVICE_LOST when the submit of the value was lost, else VK_SUCCESS. */
static VkResult
lost_check(struct kr_queue_batch *qb, uint64_t value)
{
   if (atomic_load(&qb->lost_count) == 0)
      return VK_SUCCESS;
   bool lost = false;
   pthread_mutex_lock(&qb->submit_lock);
   for (uint32_t i = 0; i < atomic_load(&qb->lost_count) && !lost; i++)
      lost = value >= qb->lost[i].first && value <= qb->lost[i].last;
   pthread_mutex_unlock(&qb->submit_lock);
   return lost ? VK_ERROR_DEVICE_LOST : VK_SUCCESS;
}

VkResult
kr_queue_flush_for_wait(struct kr_queue *queue, const struct kr_semaphore *semaphore)
{
   struct kr_device *device = queue->device;
   if (semaphore->vendor) {
      VkResult result = kr_device_flush_point(
         device, (struct kr_batch_point){kr_semaphore_id(semaphore->vendor), 0, 0}, queue);
      /* A real binary semaphore's signal must reach the vendor before the wait does. */
      if (semaphore->type == VK_SEMAPHORE_TYPE_BINARY)
         kr_device_drain(device, queue);
      return result;
   }
   struct kr_queue *signaller = semaphore->signal_queue;
   if (!signaller || signaller == queue)
      return VK_SUCCESS;
   return kr_queue_flush_point(signaller, kr_queue_point(signaller, semaphore->signal_value));
}

VkResult
kr_queue_wait_idle(struct kr_queue *queue)
{
   struct kr_queue_batch *qb = queue->batch;
   /* A flush that fails keeps its error for the waits on its values. */
   (void)kr_queue_flush(queue, KR_FLUSH_OBSERVED);
   /* The application does not submit to the queue meanwhile (it is externally synchronized),
    * so holding the submit lock keeps only flushes of empty batches waiting. */
   kr_queue_submit_lock(queue);
   VkResult result = queue->disp->QueueWaitIdle(queue->handle);
   kr_queue_submit_unlock(queue);
   if (result == VK_SUCCESS && atomic_load(&qb->device_lost))
      result = VK_ERROR_DEVICE_LOST;
   return result;
}

void
kr_device_observe(struct kr_device *device)
{
   if (!device->batching)
      return;
   (void)kr_device_flush_all(device);
   kr_device_drain(device, NULL);
}

void
kr_queue_drain(struct kr_queue *queue)
{
   kr_queue_submit_lock(queue);
   kr_queue_submit_unlock(queue);
}

void
kr_device_drain(struct kr_device *device, const struct kr_queue *except)
{
   for (uint32_t i = 0; i < device->queue_count; i++) {
      if (&device->queues[i] != except && device->queues[i].batch)
         kr_queue_drain(&device->queues[i]);
   }
}

VkResult
kr_queue_completed(struct kr_queue *queue, uint64_t want, uint64_t *completed)
{
   struct kr_queue_batch *qb = queue->batch;
   VkResult lost = lost_check(qb, want);
   if (lost != VK_SUCCESS)
      return lost;
   uint64_t seen = atomic_load_explicit(&qb->completed, memory_order_acquire);
   if (seen < want) {
      struct kr_device *device = queue->device;
      VkResult result = device->disp.GetSemaphoreCounterValue(device->handle, qb->timeline,
                                                              &seen);
      if (result != VK_SUCCESS)
         return result;
      note_completed(qb, seen);
   }
   *completed = seen;
   return VK_SUCCESS;
}

/* Remaining nanoseconds before an absolute deadline (UINT64_MAX: none). */
static uint64_t
remaining_ns(uint64_t deadline)
{
   if (deadline == UINT64_MAX)
      return UINT64_MAX;
   uint64_t now = kr_now_ns();
   return deadline > now ? deadline - now : 0;
}

VkResult
kr_queue_wait_values(struct kr_device *device, uint32_t count, struct kr_queue *const *queues,
                     const uint64_t *values, bool any, uint64_t timeout_ns)
{
   uint64_t deadline = timeout_ns == UINT64_MAX ? UINT64_MAX : kr_now_ns() + timeout_ns;
   VkSemaphore stack_semaphores[16] = {0};
   uint64_t stack_values[16] = {0};
   VkSemaphore *semaphores = stack_semaphores;
   uint64_t *wait_values = stack_values;
   if (count > KR_ARRAY_SIZE(stack_semaphores)) {
      semaphores = kr_alloc(device->alloc, (sizeof(VkSemaphore) + sizeof(uint64_t)) * count, 8,
                            VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
      if (!semaphores)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      wait_values = (uint64_t *)(semaphores + count);
   }

   VkResult result = VK_SUCCESS;
   uint32_t waiting = 0;
   for (uint32_t i = 0; i < count; i++) {
      struct kr_queue_batch *qb = queues[i]->batch;
      result = kr_queue_flush_point(queues[i], kr_queue_point(queues[i], values[i]));
      /* A flush of another thread may be taking the value to the vendor right now: let it
       * land, so that the vendor never sees a wait before its signal (NVIDIA's timeline
       * semaphores may handle those on a slower path). */
      if (result == VK_SUCCESS &&
          values[i] > atomic_load_explicit(&qb->flushed, memory_order_acquire))
         kr_queue_drain(queues[i]);
      if (result == VK_SUCCESS)
         result = lost_check(qb, values[i]);
      if (result != VK_SUCCESS)
         goto out;
      uint64_t completed = atomic_load_explicit(&qb->completed, memory_order_acquire);
      if (completed >= values[i]) {
         if (any)
            goto out; /* one is enough, and it is done */
         continue;
      }
      semaphores[waiting] = qb->timeline;
      wait_values[waiting++] = values[i];
   }
   if (waiting == 0)
      goto out;

   const VkSemaphoreWaitInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .flags = any ? VK_SEMAPHORE_WAIT_ANY_BIT : 0,
      .semaphoreCount = waiting,
      .pSemaphores = semaphores,
      .pValues = wait_values,
   };
   result = device->disp.WaitSemaphores(device->handle, &info, remaining_ns(deadline));
   if (result == VK_SUCCESS && !any) {
      for (uint32_t i = 0; i < count; i++)
         note_completed(queues[i]->batch, values[i]);
   }
   /* A flush that failed meanwhile: its values may have been passed by later ones. */
   for (uint32_t i = 0; i < count && result == VK_SUCCESS; i++)
      result = lost_check(queues[i]->batch, values[i]);

out:
   if (semaphores != stack_semaphores)
      kr_free(device->alloc, semaphores);
   return result;
}

/* Batching needs the vendor's timeline semaphores and vkQueueSubmit2 (core in Vulkan 1.3). */
bool
kr_batching_supported(const struct kr_physical_device *pd)
{
   return pd->state.api_version >= VK_API_VERSION_1_3 &&
          kr_features_test(&pd->state.features, KR_FEATURE_timelineSemaphore) &&
          kr_features_test(&pd->state.features, KR_FEATURE_synchronization2);
}

void
kr_batching_vendor_features(struct kr_feature_set *features)
{
   kr_features_set(features, KR_FEATURE_timelineSemaphore, true);
   kr_features_set(features, KR_FEATURE_synchronization2, true);
}

/* Defaults chosen from measurements (benchmarks/results/README.md). */
#define KR_BATCH_DEFAULT_LIMIT 64u
#define KR_BATCH_DEFAULT_TIME_BOUND_US 20u

VkResult
kr_device_batching_init(struct kr_device *device)
{
   device->batch_settings = (struct kr_batch_settings){
      .limit = (uint32_t)KR_MIN(kr_setting_number(KR_SETTING_BATCH_LIMIT, KR_BATCH_DEFAULT_LIMIT),
                                (unsigned long)UINT32_MAX),
      .time_bound_ns = 1000ull * kr_setting_number(KR_SETTING_BATCH_TIME_BOUND_US,
                                                   KR_BATCH_DEFAULT_TIME_BOUND_US),
   };
   atomic_init(&device->pending_batches, 0);
   VkResult result = kr_fence_waiters_init(&device->fence_waiters);
   if (result != VK_SUCCESS)
      return result;
   device->batching = true;
   for (uint32_t i = 0; i < device->queue_count && result == VK_SUCCESS; i++)
      result = kr_queue_batch_create(&device->queues[i]);
   if (result == VK_SUCCESS)
      result = kr_flusher_start(device, device->batch_settings.time_bound_ns, &device->flusher);
   if (result == VK_SUCCESS)
      kr_info("submit batching on %s: %u submits per vendor submit at most, time bound %llu us",
              device->physical->state.device_name, device->batch_settings.limit,
              (unsigned long long)(device->batch_settings.time_bound_ns / 1000));
   return result;
}

void
kr_device_batching_finish(struct kr_device *device)
{
   if (!device->batching)
      return;
   kr_flusher_stop(device, device->flusher);
   device->flusher = NULL;
   for (uint32_t i = 0; i < device->queue_count; i++)
      kr_queue_batch_destroy(&device->queues[i]);
   kr_fence_waiters_finish(&device->fence_waiters);
   device->batching = false;
}
