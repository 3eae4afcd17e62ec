/* SPDX-License-Identifier: MIT */
/* A queue's submit batch over its vendor timeline semaphore (see kr_queue_batch.h). */
#include "kr_queue_batch.h"

#include "kr_alloc.h"
#include "kr_flusher.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_hooks.h"
#include "kr_scratch.h"
#include "kr_settings.h"
#include "kr_util.h"
#include "kr_wait_poll.h"

static const struct kr_flush_outcome flush_sent = {KR_FLUSH_SENT, VK_SUCCESS};

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

static VkResult
queue_batch_create(struct kr_queue *queue)
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
   VkSemaphore timeline;
   VkResult result = device->disp.CreateSemaphore(device->handle, &info, device->alloc,
                                                  &timeline);
   if (result != VK_SUCCESS) {
      kr_error("submit batching: the vendor cannot create a timeline semaphore (%d)", result);
      goto fail_free;
   }
   result = kr_timeline_init(&qb->timeline, timeline, device->alloc);
   if (result != VK_SUCCESS)
      goto fail_semaphore;
   if (pthread_mutex_init(&qb->lock, NULL) != 0) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail_timeline;
   }
   if (pthread_mutex_init(&qb->submit_lock, NULL) != 0) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail_lock;
   }
   kr_batch_init(&qb->batch, device->alloc, kr_semaphore_id(timeline), &device->batch_settings);
   kr_batch_flush_plan_init(&qb->plan, device->alloc);
   queue->batch = qb;
   return VK_SUCCESS;

fail_lock:
   pthread_mutex_destroy(&qb->lock);
fail_timeline:
   kr_timeline_finish(&qb->timeline);
fail_semaphore:
   device->disp.DestroySemaphore(device->handle, timeline, device->alloc);
fail_free:
   kr_free(device->alloc, qb);
   return result;
}

static void
queue_batch_destroy(struct kr_queue *queue)
{
   struct kr_queue_batch *qb = queue->batch;
   if (!qb)
      return;
   struct kr_device *device = queue->device;
   /* vkDestroyDevice requires the queues idle, so nothing is pending on the vendor; a batch
    * the application never observed still goes to the vendor, as its submits would have. */
   if (!kr_batch_is_empty(&qb->batch)) {
      kr_queue_batch_lock(queue);
      kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE, false);
      device->disp.QueueWaitIdle(queue->handle);
   }
   device->disp.DestroySemaphore(device->handle, qb->timeline.semaphore, device->alloc);
   kr_timeline_finish(&qb->timeline);
   pthread_mutex_destroy(&qb->submit_lock);
   pthread_mutex_destroy(&qb->lock);
   kr_batch_finish(&qb->batch);
   kr_batch_flush_plan_finish(&qb->plan);
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

static const enum kr_stat flush_stat[KR_FLUSH_REASON_COUNT] = {
   [KR_FLUSH_FULL] = KR_STAT_FLUSH_FULL,
   [KR_FLUSH_OBSERVED] = KR_STAT_FLUSH_OBSERVED,
   [KR_FLUSH_TIMEOUT] = KR_STAT_FLUSH_TIMEOUT,
   [KR_FLUSH_IDLE] = KR_STAT_FLUSH_IDLE,
};

/* The signals of real vendor objects in a flush that returned from the vendor. Accepted: they
 * replace the objects' earlier lost signals (up to their values). Refused, with no
 * vkQueueSubmit reporting it: the vendor will never make them, and waits on them report
 * result (in the entries reserved before the flush). The queue's own timeline values are
 * accounted by the timeline. The events and query pools the flush's command buffers touch
 * (plan->resources) are kept the same way, as value 0: their host observers report a loss
 * (kr_device_lost_work), and work of theirs that the vendor took replaces it. */
static void
note_real_signals(struct kr_device *device, const struct kr_batch_flush_plan *plan,
                  VkFence vendor_fence, VkResult result, bool record)
{
   struct kr_lost_signals *lost = &device->lost_signals;
   for (uint32_t i = 0; i < plan->info_count; i++) {
      const VkSubmitInfo2 *info = &plan->infos[i];
      for (uint32_t j = 0; j < info->signalSemaphoreInfoCount; j++) {
         const VkSemaphoreSubmitInfo *signal = &info->pSignalSemaphoreInfos[j];
         uint64_t id = kr_semaphore_id(signal->semaphore);
         if (id == plan->timeline)
            continue;
         if (result == VK_SUCCESS)
            kr_lost_signals_forget_through(lost, id, signal->value);
         else if (record)
            kr_lost_signals_add(lost, id, signal->value, result);
      }
   }
   for (uint32_t i = 0; i < plan->resource_count; i++) {
      if (result == VK_SUCCESS)
         kr_lost_signals_forget(lost, plan->resources[i]);
      else if (record)
         kr_lost_signals_add(lost, plan->resources[i], 0, result);
   }
   if (vendor_fence == VK_NULL_HANDLE)
      return;
   if (result == VK_SUCCESS)
      kr_lost_signals_forget(lost, (uint64_t)(uintptr_t)vendor_fence);
   else if (record)
      kr_lost_signals_add(lost, (uint64_t)(uintptr_t)vendor_fence, 0, result);
}

struct kr_flush_outcome
kr_queue_flush_unlock(struct kr_queue *queue, enum kr_flush_reason reason, VkFence vendor_fence,
                      bool reported_by_caller)
{
   struct kr_queue_batch *qb = queue->batch;
   struct kr_device *device = queue->device;
   bool pending = !kr_batch_is_empty(&qb->batch);
   if (vendor_fence == VK_NULL_HANDLE) {
      vendor_fence = qb->deferred_fence;
   } else if (qb->deferred_fence != VK_NULL_HANDLE) {
      kr_queue_batch_unlock(queue);
      /* the caller flushes the deferred one first */
      return (struct kr_flush_outcome){KR_FLUSH_KEPT, VK_ERROR_OUT_OF_HOST_MEMORY};
   }
   if (!pending && vendor_fence == VK_NULL_HANDLE) {
      kr_queue_batch_unlock(queue);
      return flush_sent;
   }

   /* The submit lock is taken before the batch lock is let go, so flushes reach the vendor in
    * the order of their values; appends go on while the vendor works on this one. */
   pthread_mutex_lock(&qb->submit_lock);
   /* What can fail (host memory) happens before the batch is emptied: the plan, and room to
    * record the signals of real objects (and the events and query pools touched) should the
    * vendor refuse the flush. */
   uint32_t reserved = qb->batch.signal_count + qb->batch.resource_count +
                       (vendor_fence != VK_NULL_HANDLE);
   uint64_t value = 0;
   VkResult result = kr_lost_signals_reserve(&device->lost_signals, reserved);
   if (result == VK_SUCCESS) {
      result = kr_batch_flush(&qb->batch, reason, &qb->plan, &value);
      if (result != VK_SUCCESS)
         kr_lost_signals_release(&device->lost_signals, reserved);
   }
   if (result != VK_SUCCESS) {
      qb->deferred_fence = vendor_fence; /* a real fence waits for the next flush */
      const bool say = !qb->kept_said;
      qb->kept_said = true;
      pthread_mutex_unlock(&qb->submit_lock);
      kr_queue_batch_unlock(queue);
      if (say) {
         kr_error("submit batching: out of host memory while flushing a batch; it stays pending "
                  "(said once until a flush of this queue is built)");
      }
      return (struct kr_flush_outcome){KR_FLUSH_KEPT, result};
   }
   qb->deferred_fence = VK_NULL_HANDLE;
   qb->kept_said = false;
   if (pending) {
      /* Taken before the batch stops counting as pending (release; anything_pending acquires):
       * an observer that finds nothing pending then finds this flush's value taken, and waits
       * for it to land (kr_device_land_flushes) instead of reaching the vendor before it. */
      kr_timeline_take(&qb->timeline, value);
      atomic_fetch_sub_explicit(&device->pending_batches, 1, memory_order_release);
   }
   kr_queue_batch_unlock(queue);

   kr_stats_add(&device->stats, KR_STAT_VENDOR_SUBMITS, 1);
   if (pending)
      kr_stats_add(&device->stats, flush_stat[reason], 1);
   uint64_t profile_start = kr_profile_cpu_start(device); /* the flush's CPU slice */
   result = device->disp.QueueSubmit2(queue->handle, qb->plan.info_count, qb->plan.infos,
                                      vendor_fence);
   /* Before the values land: a waiter that saw them land finds the lost signals recorded. */
   bool record = result != VK_SUCCESS && !reported_by_caller;
   note_real_signals(device, &qb->plan, vendor_fence, result, record);
   kr_lost_signals_release(&device->lost_signals, record ? 0 : reserved);
   if (pending) {
      kr_timeline_land(&qb->timeline, qb->plan.first_value, value, result,
                       reported_by_caller);
   }
   pthread_mutex_unlock(&qb->submit_lock);
   /* After the submit lock: the profiler's lock is never taken under it. */
   kr_profile_cpu_end(device, "Kronos batch flush (vendor vkQueueSubmit2)", profile_start);
   if (result == VK_SUCCESS)
      return flush_sent;
   kr_error("submit batching: the vendor's vkQueueSubmit2 failed (%d); the submits of queue "
            "family %u index %u up to timeline value %llu are lost", result, queue->family,
            queue->index, (unsigned long long)value);
   return (struct kr_flush_outcome){KR_FLUSH_REFUSED, result};
}

struct kr_flush_outcome
kr_queue_flush(struct kr_queue *queue, enum kr_flush_reason reason)
{
   kr_queue_batch_lock(queue);
   return kr_queue_flush_unlock(queue, reason, VK_NULL_HANDLE, false);
}

struct kr_flush_outcome
kr_queue_flush_point(struct kr_queue *queue, struct kr_batch_point point)
{
   struct kr_queue_batch *qb = queue->batch;
   if (!qb)
      return flush_sent;
   /* Values of the queue's own timeline already taken from the batch need no lock. */
   if (point.semaphore == qb->batch.timeline && point.value <= atomic_load(&qb->timeline.taken))
      return flush_sent;
   kr_queue_batch_lock(queue);
   if (kr_batch_observes_point(&qb->batch, point))
      return kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE, false);
   kr_queue_batch_unlock(queue);
   return flush_sent;
}

static bool
anything_pending(const struct kr_device *device)
{
   return device->batching &&
          atomic_load_explicit(&device->pending_batches, memory_order_acquire) != 0;
}

/* The first failure of a loop of flushes, the loop going on past it. */
static void
keep_first_error(VkResult *first, struct kr_flush_outcome outcome)
{
   if (*first == VK_SUCCESS)
      *first = outcome.result;
}

/* Every pending batch to the vendor. A failure stays with the waits on the lost work (and each
 * queue's next wait idle), which is where both callers report it. */
static void
device_flush_all(struct kr_device *device)
{
   if (!anything_pending(device))
      return;
   for (uint32_t i = 0; i < device->queue_count; i++)
      (void)kr_queue_flush(&device->queues[i], KR_FLUSH_OBSERVED);
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
   for (uint32_t i = 0; i < device->queue_count; i++) {
      struct kr_queue *queue = &device->queues[i];
      kr_queue_batch_lock(queue);
      if (kr_batch_uses_resource(&queue->batch->batch, id))
         keep_first_error(&first,
                          kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE, false));
      else
         kr_queue_batch_unlock(queue);
   }
   return first;
}

void
kr_device_land_flushes(struct kr_device *device)
{
   if (!device->batching)
      return;
   for (uint32_t i = 0; i < device->queue_count; i++)
      kr_timeline_wait_taken_landed(&device->queues[i].batch->timeline);
}

void
kr_device_forget_lost_signals(struct kr_device *device, uint64_t object)
{
   if (device->batching)
      kr_lost_signals_forget(&device->lost_signals, object);
}

VkResult
kr_device_lost_work(struct kr_device *device, uint64_t object)
{
   if (!device->batching)
      return VK_SUCCESS;
   return kr_lost_signals_find(&device->lost_signals, object, 0);
}

VkResult
kr_semaphore_lost_signal(struct kr_device *device, const struct kr_semaphore *semaphore,
                         uint64_t value)
{
   uint64_t id = kr_semaphore_id(semaphore->vendor);
   if (semaphore->type == VK_SEMAPHORE_TYPE_BINARY)
      return kr_lost_signals_find(&device->lost_signals, id, 0); /* its value is ignored */
   VkResult lost = kr_lost_signals_find(&device->lost_signals, id, value);
   if (lost == VK_SUCCESS)
      return lost;
   /* A timeline may have reached the value through another signal since. */
   uint64_t counter = 0;
   VkResult result = device->disp.GetSemaphoreCounterValue(device->handle, semaphore->vendor,
                                                           &counter);
   if (result != VK_SUCCESS)
      return result;
   return counter >= value ? VK_SUCCESS : lost;
}

VkResult
kr_queue_flush_for_wait(struct kr_queue *queue, struct kr_semaphore *semaphore, uint64_t value)
{
   struct kr_device *device = queue->device;
   if (semaphore->vendor) {
      VkResult result = kr_device_flush_point(
         device, (struct kr_batch_point){kr_semaphore_id(semaphore->vendor), 0, 0}, queue);
      /* A real binary semaphore's signal must reach the vendor before the wait does, and the
       * flushes that carry it must have landed to know whether it was lost. */
      kr_device_land_flushes(device);
      if (result == VK_SUCCESS)
         result = kr_semaphore_lost_signal(device, semaphore, value);
      if (result != VK_SUCCESS && semaphore->type == VK_SEMAPHORE_TYPE_BINARY)
         kr_lost_signals_forget(&device->lost_signals, kr_semaphore_id(semaphore->vendor));
      return result;
   }
   struct kr_queue *signaller = semaphore->signal_queue;
   if (!signaller)
      return VK_SUCCESS;
   uint64_t signal_value = semaphore->signal_value;
   if (signaller != queue) {
      struct kr_flush_outcome outcome =
         kr_queue_flush_point(signaller, kr_queue_point(signaller, signal_value));
      if (outcome.status != KR_FLUSH_SENT)
         return outcome.result;
   }
   /* A signal whose submit was lost never comes: the wait fails with its error, not a hang,
    * and consumes it (the semaphore can be signalled again). Whether it was lost is known once
    * its flush has landed. */
   kr_timeline_wait_landed(&signaller->batch->timeline, signal_value);
   VkResult lost = kr_timeline_loss(&signaller->batch->timeline, signal_value);
   if (lost != VK_SUCCESS)
      semaphore->signal_queue = NULL;
   return lost;
}

VkResult
kr_queue_wait_idle(struct kr_queue *queue)
{
   struct kr_timeline *tl = &queue->batch->timeline;
   struct kr_flush_outcome outcome = kr_queue_flush(queue, KR_FLUSH_OBSERVED);
   if (outcome.status == KR_FLUSH_KEPT)
      return outcome.result; /* nothing reached the vendor: the submits stay pending */
   /* Once the flushes other threads took have landed, nothing of Kronos's uses the vendor queue
    * until the application submits again, which it does not do during this call (the queue is
    * externally synchronized): the vendor's wait idle needs no lock of Kronos's. */
   uint64_t through = atomic_load(&tl->taken);
   kr_timeline_wait_landed(tl, through);
   VkResult result = queue->disp->QueueWaitIdle(queue->handle);
   if (result == VK_SUCCESS) {
      kr_timeline_note_completed(tl, through);
      result = kr_timeline_idle_result(tl, through);
   }
   if (result == VK_SUCCESS && atomic_load(&tl->device_lost))
      result = VK_ERROR_DEVICE_LOST;
   return result;
}

VkResult
kr_device_wait_idle(struct kr_device *device)
{
   device_flush_all(device);
   VkResult first = VK_SUCCESS;
   for (uint32_t i = 0; i < device->queue_count; i++) {
      VkResult result = kr_queue_wait_idle(&device->queues[i]);
      if (first == VK_SUCCESS)
         first = result;
   }
   return first;
}

void
kr_device_observe(struct kr_device *device)
{
   if (!device->batching)
      return;
   device_flush_all(device);
   kr_device_land_flushes(device);
}

VkResult
kr_queue_completed(struct kr_queue *queue, uint64_t want, uint64_t *completed)
{
   struct kr_timeline *tl = &queue->batch->timeline;
   VkResult result = kr_timeline_loss(tl, want);
   if (result != VK_SUCCESS)
      return result;
   uint64_t seen = atomic_load_explicit(&tl->completed, memory_order_acquire);
   if (seen < want) {
      struct kr_device *device = queue->device;
      result = device->disp.GetSemaphoreCounterValue(device->handle, tl->semaphore, &seen);
      if (result != VK_SUCCESS)
         return result;
      kr_timeline_note_completed(tl, seen);
   }
   *completed = seen;
   return VK_SUCCESS;
}

/* Before a vendor wait on a value: its batch goes to the vendor and lands (the vendor never
 * sees a wait before its signal: NVIDIA's timeline semaphores may handle those on a slower
 * path); the vendor's error if it was lost. */
static VkResult
prepare_value_wait(struct kr_queue *queue, uint64_t value)
{
   struct kr_flush_outcome outcome = kr_queue_flush_point(queue, kr_queue_point(queue, value));
   if (outcome.status == KR_FLUSH_KEPT)
      return outcome.result;
   kr_timeline_wait_landed(&queue->batch->timeline, value);
   return kr_timeline_loss(&queue->batch->timeline, value);
}

struct counter_poll {
   struct kr_device *device;
   const VkSemaphore *semaphores;
};

static bool
read_counter(void *context, uint32_t i, uint64_t *value)
{
   const struct counter_poll *poll = context;
   return poll->device->disp.GetSemaphoreCounterValue(poll->device->handle,
                                                      poll->semaphores[i], value) == VK_SUCCESS;
}

VkResult
kr_queue_wait_values(struct kr_device *device, uint32_t count, struct kr_queue *const *queues,
                     const uint64_t *values, bool any, uint64_t timeout_ns, uint64_t poll_ns)
{
   uint64_t deadline = kr_deadline_after(timeout_ns);
   struct kr_scratch scratch;
   VkSemaphore *semaphores = kr_scratch_get(&scratch, device->alloc,
                                            (sizeof(VkSemaphore) + sizeof(uint64_t)) * count);
   if (!semaphores)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint64_t *wait_values = (uint64_t *)(semaphores + count);

   VkResult result = VK_SUCCESS;
   uint32_t waiting = 0;
   for (uint32_t i = 0; i < count; i++) {
      struct kr_timeline *tl = &queues[i]->batch->timeline;
      result = prepare_value_wait(queues[i], values[i]);
      if (result != VK_SUCCESS)
         goto out;
      if (atomic_load_explicit(&tl->completed, memory_order_acquire) >= values[i]) {
         if (any)
            goto out; /* one is enough, and it is done */
         continue;
      }
      semaphores[waiting] = tl->semaphore;
      wait_values[waiting++] = values[i];
   }
   if (waiting == 0)
      goto out;

   struct counter_poll poll = {device, semaphores};
   if (poll_ns == 0 || !kr_wait_poll(waiting, wait_values, any,
                                     kr_wait_poll_end(kr_now_ns(), poll_ns, deadline),
                                     read_counter, &poll)) {
      const VkSemaphoreWaitInfo info = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
         .flags = any ? VK_SEMAPHORE_WAIT_ANY_BIT : 0,
         .semaphoreCount = waiting,
         .pSemaphores = semaphores,
         .pValues = wait_values,
      };
      result = device->disp.WaitSemaphores(device->handle, &info, kr_time_left(deadline));
   }
   if (result == VK_SUCCESS && !any) {
      for (uint32_t i = 0; i < count; i++)
         kr_timeline_note_completed(&queues[i]->batch->timeline, values[i]);
   }

out:
   kr_scratch_put(&scratch);
   return result;
}

/* Batching needs the vendor's timeline semaphores and vkQueueSubmit2 (core in Vulkan 1.3). */
bool
kr_batching_supported(const struct kr_physical_device *pd)
{
   return pd->api_version >= VK_API_VERSION_1_3 &&
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

/* A setting in microseconds, in nanoseconds (a value too large to convert: the largest). */
static uint64_t
setting_ns_from_us(enum kr_setting setting, unsigned long fallback_us)
{
   unsigned long us = kr_setting_number(setting, fallback_us);
   return us > UINT64_MAX / 1000 ? UINT64_MAX : 1000ull * us;
}

VkResult
kr_device_batching_init(struct kr_device *device)
{
   unsigned long limit = kr_setting_number(KR_SETTING_BATCH_LIMIT, KR_BATCH_DEFAULT_LIMIT);
   device->batch_settings = (struct kr_batch_settings){
      .limit = (uint32_t)KR_MIN(limit, (unsigned long)UINT32_MAX),
      .time_bound_ns =
         setting_ns_from_us(KR_SETTING_BATCH_TIME_BOUND_US, KR_BATCH_DEFAULT_TIME_BOUND_US),
   };
   device->wait_poll_ns = setting_ns_from_us(
      KR_SETTING_WAIT_POLL_US, kr_wait_poll_default_us(device->physical->state.device_type));
   atomic_init(&device->pending_batches, 0);
   VkResult result = kr_fence_waiters_init(&device->fence_waiters);
   if (result != VK_SUCCESS)
      return result;
   result = kr_lost_signals_init(&device->lost_signals, device->alloc);
   if (result != VK_SUCCESS) {
      kr_fence_waiters_finish(&device->fence_waiters);
      return result;
   }
   device->batching = true;
   for (uint32_t i = 0; i < device->queue_count && result == VK_SUCCESS; i++)
      result = queue_batch_create(&device->queues[i]);
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
      queue_batch_destroy(&device->queues[i]);
   kr_lost_signals_finish(&device->lost_signals);
   kr_fence_waiters_finish(&device->fence_waiters);
   device->batching = false;
}
