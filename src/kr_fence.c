/* SPDX-License-Identifier: MIT */
/* Fences (see kr_sync.h): point fences live on the timeline of the queue that signals them;
 * real fences (batching off, exported, imported) are the vendor's. */
#include <time.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_hooks.h"
#include "kr_queue_batch.h"
#include "kr_scratch.h"
#include "kr_util.h"

/* Slices of a wait that mixes kinds of fences (rare), polled in turn. */
#define KR_MIXED_WAIT_SLICE_NS (1000ull * 1000)

VkFence
kr_fence_vendor(VkFence fence)
{
   return fence ? kr_fence_from_handle(fence)->vendor : VK_NULL_HANDLE;
}

VkResult
kr_fence_waiters_init(struct kr_fence_waiters *waiters)
{
   atomic_init(&waiters->count, 0);
   pthread_condattr_t attr;
   int err = pthread_condattr_init(&attr);
   if (err == 0) {
      err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
      if (err == 0)
         err = pthread_cond_init(&waiters->cond, &attr);
      pthread_condattr_destroy(&attr);
   }
   if (err != 0)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (pthread_mutex_init(&waiters->lock, NULL) != 0) {
      pthread_cond_destroy(&waiters->cond);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return VK_SUCCESS;
}

void
kr_fence_waiters_finish(struct kr_fence_waiters *waiters)
{
   pthread_cond_destroy(&waiters->cond);
   pthread_mutex_destroy(&waiters->lock);
}

void
kr_fence_waiters_wake(struct kr_fence_waiters *waiters)
{
   if (atomic_load(&waiters->count) == 0)
      return;
   pthread_mutex_lock(&waiters->lock);
   pthread_cond_broadcast(&waiters->cond);
   pthread_mutex_unlock(&waiters->lock);
}

void
kr_fence_set_pending(struct kr_fence *fence, struct kr_queue *queue, uint64_t value)
{
   uint64_t generation = atomic_load_explicit(&fence->word, memory_order_relaxed) >> 2;
   fence->queue = queue;
   fence->value = value;
   atomic_store_explicit(&fence->word, kr_fence_word(generation + 1, KR_FENCE_PENDING),
                         memory_order_seq_cst);
}

void
kr_fence_set_unsignaled(struct kr_fence *fence)
{
   uint64_t generation = atomic_load(&fence->word) >> 2;
   atomic_store(&fence->word, kr_fence_word(generation + 1, KR_FENCE_UNSIGNALED));
}

static enum kr_fence_state
fence_state(const struct kr_fence *fence)
{
   return kr_fence_word_state(atomic_load_explicit(&fence->word, memory_order_acquire));
}

/* Marks a pending point fence signalled if its current point is known complete (the queue's
 * cached completed value) and was not lost; returns whether it is signalled. (A wait idle
 * covers lost values too: a fence whose work was lost stays pending, and its waits report the
 * loss.) */
static bool
mark_if_complete(struct kr_fence *fence)
{
   uint64_t word = atomic_load_explicit(&fence->word, memory_order_acquire);
   enum kr_fence_state state = kr_fence_word_state(word);
   if (state != KR_FENCE_PENDING)
      return state == KR_FENCE_SIGNALED;
   struct kr_timeline *tl = &fence->queue->batch->timeline;
   uint64_t completed = atomic_load_explicit(&tl->completed, memory_order_acquire);
   if (completed < fence->value || kr_timeline_loss(tl, fence->value) != VK_SUCCESS)
      return false;
   /* Fails (harmlessly) if another thread reset or resubmitted the fence meanwhile. */
   atomic_compare_exchange_strong(&fence->word, &word,
                                  kr_fence_word(word >> 2, KR_FENCE_SIGNALED));
   return true;
}

/* Sleeps until a fence may have been submitted, or the deadline. */
static void
wait_for_submit(struct kr_fence_waiters *waiters, struct kr_fence *fence, uint64_t deadline)
{
   pthread_mutex_lock(&waiters->lock);
   atomic_fetch_add(&waiters->count, 1);
   if (kr_fence_word_state(atomic_load(&fence->word)) == KR_FENCE_UNSIGNALED) {
      struct timespec until = kr_timespec(deadline);
      pthread_cond_timedwait(&waiters->cond, &waiters->lock, &until);
   }
   atomic_fetch_sub(&waiters->count, 1);
   pthread_mutex_unlock(&waiters->lock);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateFence(VkDevice _device, const VkFenceCreateInfo *pCreateInfo,
               const VkAllocationCallbacks *pAllocator, VkFence *pFence)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   struct kr_fence *fence = kr_zalloc(alloc, sizeof(*fence), 8, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!fence)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&fence->base, VK_OBJECT_TYPE_FENCE, device->alloc);
   bool signaled = pCreateInfo->flags & VK_FENCE_CREATE_SIGNALED_BIT;
   atomic_init(&fence->word, kr_fence_word(0, signaled ? KR_FENCE_SIGNALED : KR_FENCE_UNSIGNALED));
   bool real = !kr_device_batching(device) ||
               kr_chain_find(pCreateInfo->pNext, VK_STRUCTURE_TYPE_EXPORT_FENCE_CREATE_INFO);
   if (real) {
      VkResult result = device->disp.CreateFence(device->handle, pCreateInfo, pAllocator,
                                                 &fence->vendor);
      if (result != VK_SUCCESS) {
         kr_free(alloc, fence);
         return result;
      }
      kr_vendor_alloc_keep(&fence->vendor_alloc, pAllocator);
   }
   *pFence = kr_fence_to_handle(fence);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyFence(VkDevice _device, VkFence _fence, const VkAllocationCallbacks *pAllocator)
{
   if (!_fence)
      return;
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_fence *fence = kr_fence_from_handle(_fence);
   /* A point fence needs no flush: the application may destroy a fence only once the work it
    * covers completed, which it observed, and observing flushed. */
   if (fence->vendor) {
      kr_device_forget_lost_signals(device, (uint64_t)(uintptr_t)fence->vendor);
      device->disp.DestroyFence(device->handle, fence->vendor,
                                kr_vendor_alloc_get(&fence->vendor_alloc));
   }
   kr_object_base_finish(&fence->base);
   kr_free(kr_allocator(pAllocator, device->alloc), fence);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_ResetFences(VkDevice _device, uint32_t fenceCount, const VkFence *pFences)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < fenceCount && result == VK_SUCCESS; i++) {
      struct kr_fence *fence = kr_fence_from_handle(pFences[i]);
      if (fence->vendor) {
         result = device->disp.ResetFences(device->handle, 1, &fence->vendor);
         if (result == VK_SUCCESS)
            kr_device_forget_lost_signals(device, (uint64_t)(uintptr_t)fence->vendor);
      } else {
         kr_fence_set_unsignaled(fence);
      }
   }
   return result;
}

/* The status of a point fence without waiting: VK_SUCCESS, VK_NOT_READY, or an error. */
static VkResult
point_fence_status(struct kr_fence *fence)
{
   uint64_t word = atomic_load_explicit(&fence->word, memory_order_acquire);
   enum kr_fence_state state = kr_fence_word_state(word);
   if (state != KR_FENCE_PENDING)
      return state == KR_FENCE_SIGNALED ? VK_SUCCESS : VK_NOT_READY;
   struct kr_queue *queue = fence->queue;
   uint64_t value = fence->value;
   struct kr_flush_outcome outcome = kr_queue_flush_point(queue, kr_queue_point(queue, value));
   if (outcome.status == KR_FLUSH_KEPT)
      return outcome.result;
   uint64_t completed = 0;
   VkResult result = kr_queue_completed(queue, value, &completed);
   if (result != VK_SUCCESS)
      return result;
   return mark_if_complete(fence) ? VK_SUCCESS : VK_NOT_READY;
}

/* The error of a real fence whose signal was in a refused flush (it will never signal), else
 * VK_SUCCESS. */
static VkResult
real_fence_lost(struct kr_device *device, VkFence vendor)
{
   if (!kr_device_batching(device))
      return VK_SUCCESS;
   return kr_lost_signals_find(&device->lost_signals, (uint64_t)(uintptr_t)vendor, 0);
}

/* A real fence whose flush Kronos could not build (no host memory: the queue's deferred fence,
 * kr_queue_batch.h) has no vendor submit to signal it yet: an observation flushes its queue
 * first, and reports a flush that still cannot be built, as a point fence's wait does (the
 * vendor's wait would otherwise wait for the flusher's retries, for ever while memory stays
 * exhausted). A refused flush is recorded as the fence's lost signal (real_fence_lost). */
static VkResult
flush_deferred_fence(struct kr_device *device, VkFence vendor)
{
   if (!kr_device_batching(device))
      return VK_SUCCESS;
   for (uint32_t i = 0; i < device->queue_count; i++) {
      struct kr_queue *queue = &device->queues[i];
      kr_queue_batch_lock(queue);
      if (queue->batch->deferred_fence != vendor) {
         kr_queue_batch_unlock(queue);
         continue;
      }
      struct kr_flush_outcome outcome =
         kr_queue_flush_unlock(queue, KR_FLUSH_OBSERVED, VK_NULL_HANDLE, false);
      if (outcome.status == KR_FLUSH_KEPT)
         return outcome.result;
      kr_device_land_flushes(device);
   }
   return VK_SUCCESS;
}

static VkResult
real_fence_status(struct kr_device *device, VkFence vendor)
{
   VkResult deferred = flush_deferred_fence(device, vendor);
   if (deferred != VK_SUCCESS)
      return deferred;
   VkResult lost = real_fence_lost(device, vendor);
   return lost != VK_SUCCESS ? lost : device->disp.GetFenceStatus(device->handle, vendor);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetFenceStatus(VkDevice _device, VkFence _fence)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_fence *fence = kr_fence_from_handle(_fence);
   if (fence->vendor)
      return real_fence_status(device, fence->vendor);
   return point_fence_status(fence);
}

/* What a set of fences waits on: per queue the timeline value to wait for (0: none), and how
 * many fences are of each kind. */
struct fence_survey {
   uint64_t *values; /* device->queue_count entries */
   uint32_t ready, points, real, unsubmitted, lost;
   VkResult lost_result; /* the error of a fence whose work was lost */
};

static void
survey_fences(struct kr_device *device, uint32_t count, const VkFence *handles, bool all,
              struct fence_survey *s)
{
   s->ready = s->points = s->real = s->unsubmitted = s->lost = 0;
   s->lost_result = VK_SUCCESS;
   memset(s->values, 0, sizeof(uint64_t) * device->queue_count);
   for (uint32_t i = 0; i < count; i++) {
      struct kr_fence *fence = kr_fence_from_handle(handles[i]);
      if (fence->vendor) {
         s->real++;
         continue;
      }
      enum kr_fence_state state = fence_state(fence);
      if (state == KR_FENCE_UNSIGNALED) {
         s->unsubmitted++;
         continue;
      }
      if (mark_if_complete(fence)) {
         s->ready++;
         continue;
      }
      struct kr_queue *queue = fence->queue;
      VkResult lost = kr_timeline_loss(&queue->batch->timeline, fence->value);
      if (lost != VK_SUCCESS) {
         /* Never signals: left out of the wait (all: the wait fails with it). */
         s->lost++;
         s->lost_result = lost;
         continue;
      }
      s->points++;
      /* All: the highest value of each queue covers the others; any: the lowest comes first. */
      uint64_t *v = &s->values[queue - device->queues];
      if (*v == 0 || (all ? fence->value > *v : fence->value < *v))
         *v = fence->value;
   }
}

/* Waits on the timeline values of a survey, at most timeout_ns, polling first for up to
 * poll_ns. */
static VkResult
wait_survey_points(struct kr_device *device, const struct fence_survey *s, bool any,
                   uint64_t timeout_ns, uint64_t poll_ns)
{
   struct kr_scratch scratch;
   struct kr_queue **queues = kr_scratch_get(
      &scratch, device->alloc, (sizeof(*queues) + sizeof(uint64_t)) * device->queue_count);
   if (!queues)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint64_t *values = (uint64_t *)(queues + device->queue_count);
   uint32_t n = 0;
   for (uint32_t q = 0; q < device->queue_count; q++) {
      if (s->values[q]) {
         queues[n] = &device->queues[q];
         values[n++] = s->values[q];
      }
   }
   VkResult result = kr_queue_wait_values(device, n, queues, values, any, timeout_ns, poll_ns);
   kr_scratch_put(&scratch);
   return result;
}

/* After a successful wait for all: the point fences whose points completed are signalled. */
static void
mark_signaled(uint32_t count, const VkFence *handles)
{
   for (uint32_t i = 0; i < count; i++) {
      struct kr_fence *fence = kr_fence_from_handle(handles[i]);
      if (!fence->vendor)
         mark_if_complete(fence);
   }
}

/* The real fences of a set, waited on by the vendor (at most timeout_ns). */
static VkResult
wait_real_fences(struct kr_device *device, uint32_t count, const VkFence *handles, bool all,
                 uint64_t timeout_ns)
{
   struct kr_scratch scratch;
   VkFence *vendor = kr_scratch_get(&scratch, device->alloc, sizeof(*vendor) * count);
   if (!vendor)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   /* Fences whose signal was lost never signal: for all, one of them ends the wait with its
    * error; for any, they are left out, and only when all are lost does their error. */
   uint32_t n = 0;
   VkResult lost = VK_SUCCESS;
   for (uint32_t i = 0; i < count; i++) {
      VkFence v = kr_fence_from_handle(handles[i])->vendor;
      if (!v)
         continue;
      VkResult deferred = flush_deferred_fence(device, v);
      if (deferred != VK_SUCCESS) {
         kr_scratch_put(&scratch);
         return deferred;
      }
      VkResult fence_lost = real_fence_lost(device, v);
      if (fence_lost == VK_SUCCESS)
         vendor[n++] = v;
      else
         lost = fence_lost;
   }
   VkResult result = lost;
   if (lost == VK_SUCCESS || (!all && n > 0))
      result = device->disp.WaitForFences(device->handle, n, vendor, all, timeout_ns);
   kr_scratch_put(&scratch);
   return result;
}

/* The first point fence of a set that no submit has reached yet, or NULL. */
static struct kr_fence *
first_unsubmitted(uint32_t count, const VkFence *handles)
{
   for (uint32_t i = 0; i < count; i++) {
      struct kr_fence *fence = kr_fence_from_handle(handles[i]);
      if (!fence->vendor && fence_state(fence) == KR_FENCE_UNSIGNALED)
         return fence;
   }
   return NULL;
}

/* One round of a wait on fences of several kinds, at most a slice, on what can still change
 * the answer: for all, fences not yet submitted first (the others cannot finish the wait
 * alone); then pending points; then real fences (for any, none of which is signalled, else the
 * caller would have returned). */
static VkResult
wait_mixed_slice(struct kr_device *device, const struct fence_survey *s, uint32_t count,
                 const VkFence *handles, bool all, uint64_t deadline)
{
   uint64_t slice = KR_MIN(kr_time_left(deadline), KR_MIXED_WAIT_SLICE_NS);
   VkResult result = VK_SUCCESS;
   struct kr_fence *unsubmitted = s->unsubmitted ? first_unsubmitted(count, handles) : NULL;
   if (all && unsubmitted)
      wait_for_submit(&device->fence_waiters, unsubmitted, kr_now_ns() + slice);
   else if (s->points) /* no poll: one in every slice would spin through the whole wait */
      result = wait_survey_points(device, s, true, slice, 0);
   else if (s->real && !all)
      result = wait_real_fences(device, count, handles, false, slice);
   else if (unsubmitted)
      wait_for_submit(&device->fence_waiters, unsubmitted, kr_now_ns() + slice);
   return result == VK_TIMEOUT ? VK_SUCCESS : result;
}

/* Whether a mixed set is done: every fence (all) or one (any) signalled. An error (a fence
 * whose work was lost) ends a wait for all; a wait for any only when every fence has one. */
static VkResult
mixed_status(struct kr_device *device, uint32_t count, const VkFence *handles, bool all)
{
   uint32_t done = 0, failed = 0;
   VkResult error = VK_SUCCESS;
   for (uint32_t i = 0; i < count; i++) {
      struct kr_fence *fence = kr_fence_from_handle(handles[i]);
      VkResult status = fence->vendor ? real_fence_status(device, fence->vendor)
                                      : point_fence_status(fence);
      if (status < 0) {
         if (all)
            return status;
         error = status;
         failed++;
      }
      if (status == VK_SUCCESS)
         done++;
   }
   if (!all && done == 0 && failed == count)
      return error;
   return (all ? done == count : done > 0) ? VK_SUCCESS : VK_NOT_READY;
}

static VkResult
wait_fences(struct kr_device *device, uint32_t count, const VkFence *handles, bool all,
            uint64_t timeout_ns, uint64_t *values)
{
   uint64_t deadline = kr_deadline_after(timeout_ns);
   struct fence_survey s = {.values = values};
   for (;;) {
      survey_fences(device, count, handles, all, &s);
      if (all ? s.ready == count : s.ready > 0)
         return VK_SUCCESS;
      /* Fences whose work was lost: for all, the wait fails with their error; for any, only
       * when nothing else could end it. */
      if (s.lost && (all || s.lost == count))
         return s.lost_result;
      if (s.real == 0 && s.unsubmitted == 0) {
         VkResult result =
            wait_survey_points(device, &s, !all, kr_time_left(deadline), device->wait_poll_ns);
         if (result == VK_SUCCESS && all)
            mark_signaled(count, handles);
         return result;
      }
      if (s.points == 0 && s.unsubmitted == 0)
         return wait_real_fences(device, count, handles, all, kr_time_left(deadline));

      VkResult result = mixed_status(device, count, handles, all);
      if (result != VK_NOT_READY)
         return result;
      if (kr_time_left(deadline) == 0)
         return VK_TIMEOUT;
      result = wait_mixed_slice(device, &s, count, handles, all, deadline);
      if (result != VK_SUCCESS)
         return result;
   }
}

static VkResult
wait_for_fences(struct kr_device *device, uint32_t fenceCount, const VkFence *pFences,
                VkBool32 waitAll, uint64_t timeout)
{
   if (!kr_device_batching(device))
      return wait_real_fences(device, fenceCount, pFences, waitAll, timeout);
   struct kr_scratch scratch;
   uint64_t *values = kr_scratch_get(&scratch, device->alloc,
                                     sizeof(*values) * device->queue_count);
   if (!values)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult result = wait_fences(device, fenceCount, pFences, waitAll, timeout, values);
   kr_scratch_put(&scratch);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_WaitForFences(VkDevice _device, uint32_t fenceCount, const VkFence *pFences, VkBool32 waitAll,
                 uint64_t timeout)
{
   struct kr_device *device = kr_device_from_handle(_device);
   uint64_t start = kr_profile_cpu_start(device); /* a CPU slice when profiling */
   VkResult result = wait_for_fences(device, fenceCount, pFences, waitAll, timeout);
   kr_profile_host_wait_done(device, "vkWaitForFences", start, result);
   return result;
}

VkResult
kr_fence_make_real(struct kr_device *device, struct kr_fence *fence)
{
   if (fence->vendor)
      return VK_SUCCESS;
   const VkFenceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
      .flags = fence_state(fence) == KR_FENCE_SIGNALED ? VK_FENCE_CREATE_SIGNALED_BIT : 0,
   };
   VkResult result = device->disp.CreateFence(device->handle, &info, device->alloc,
                                              &fence->vendor);
   if (result == VK_SUCCESS)
      kr_vendor_alloc_keep(&fence->vendor_alloc, device->alloc);
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_ImportFenceFdKHR(VkDevice _device, const VkImportFenceFdInfoKHR *pImportFenceFdInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_fence *fence = kr_fence_from_handle(pImportFenceFdInfo->fence);
   VkResult result = kr_fence_make_real(device, fence);
   if (result != VK_SUCCESS)
      return result;
   /* An imported payload replaces whatever was lost. */
   kr_device_forget_lost_signals(device, (uint64_t)(uintptr_t)fence->vendor);
   VkImportFenceFdInfoKHR info = *pImportFenceFdInfo;
   info.fence = fence->vendor;
   return device->disp.ImportFenceFdKHR(device->handle, &info);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetFenceFdKHR(VkDevice _device, const VkFenceGetFdInfoKHR *pGetFdInfo, int *pFd)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_fence *fence = kr_fence_from_handle(pGetFdInfo->fence);
   if (!fence->vendor) {
      kr_error("vkGetFenceFdKHR: the fence was not created with VkExportFenceCreateInfo");
      return VK_ERROR_TOO_MANY_OBJECTS;
   }
   VkFenceGetFdInfoKHR info = *pGetFdInfo;
   info.fence = fence->vendor;
   return device->disp.GetFenceFdKHR(device->handle, &info, pFd);
}
