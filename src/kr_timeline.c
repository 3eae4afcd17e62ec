/* SPDX-License-Identifier: MIT */
/* A queue's vendor timeline accounting (see kr_timeline.h). */
#include "kr_timeline.h"

#include "kr_alloc.h"
#include "kr_scratch.h"
#include "kr_util.h"

VkResult
kr_timeline_init(struct kr_timeline *tl, VkSemaphore semaphore,
                 const VkAllocationCallbacks *alloc)
{
   tl->semaphore = semaphore;
   tl->alloc = alloc;
   tl->losses = NULL;
   tl->loss_capacity = 0;
   /* Room for the first losses up front: a vendor that refuses a submit for lack of host
    * memory may leave none for recording the loss. */
   if (kr_array_grow(alloc, (void **)&tl->losses, &tl->loss_capacity, 0, KR_TIMELINE_RESERVED,
                     sizeof(*tl->losses), KR_TIMELINE_RESERVED) != VK_SUCCESS)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   atomic_init(&tl->taken, 0);
   atomic_init(&tl->landed, 0);
   atomic_init(&tl->completed, 0);
   atomic_init(&tl->landing_waiters, 0);
   atomic_init(&tl->loss_count, 0);
   atomic_init(&tl->device_lost, false);
   if (pthread_mutex_init(&tl->lock, NULL) != 0)
      goto fail_losses;
   if (pthread_cond_init(&tl->landed_cond, NULL) != 0)
      goto fail_lock;
   return VK_SUCCESS;

fail_lock:
   pthread_mutex_destroy(&tl->lock);
fail_losses:
   kr_free(alloc, tl->losses);
   tl->losses = NULL;
   return VK_ERROR_OUT_OF_HOST_MEMORY;
}

void
kr_timeline_finish(struct kr_timeline *tl)
{
   pthread_cond_destroy(&tl->landed_cond);
   pthread_mutex_destroy(&tl->lock);
   kr_free(tl->alloc, tl->losses);
   tl->losses = NULL;
}

void
kr_timeline_take(struct kr_timeline *tl, uint64_t value)
{
   atomic_store(&tl->taken, value);
}

/* Records a lost range (under the lock); ranges arrive in increasing order. */
static void
record_loss(struct kr_timeline *tl, uint64_t first, uint64_t last, VkResult result,
            bool reported)
{
   uint32_t n = atomic_load(&tl->loss_count);
   struct kr_timeline_loss *prev = n ? &tl->losses[n - 1] : NULL;
   if (prev && prev->last + 1 == first && prev->result == result &&
       prev->reported == reported) {
      prev->last = last;
      return;
   }
   if (kr_array_grow(tl->alloc, (void **)&tl->losses, &tl->loss_capacity, n, (uint64_t)n + 1,
                     sizeof(*tl->losses), KR_TIMELINE_RESERVED) != VK_SUCCESS) {
      if (prev) {
         /* No room: the last range grows over the values in between, reported again. */
         prev->last = last;
         prev->reported = false;
      }
      return; /* (with no range at all, nothing can be recorded: the error was logged) */
   }
   tl->losses[n] = (struct kr_timeline_loss){first, last, result, reported};
   atomic_store(&tl->loss_count, n + 1);
}

void
kr_timeline_land(struct kr_timeline *tl, uint64_t first, uint64_t last, VkResult result,
                 bool reported)
{
   if (result != VK_SUCCESS) {
      pthread_mutex_lock(&tl->lock);
      record_loss(tl, first, last, result, reported);
      pthread_mutex_unlock(&tl->lock);
      if (result == VK_ERROR_DEVICE_LOST)
         atomic_store(&tl->device_lost, true);
   }
   /* Sequentially consistent with the waiters' count (kr_timeline_wait_landed): either the
    * waiter sees the new value, or this sees the waiter and wakes it under the lock. */
   atomic_store(&tl->landed, last);
   if (atomic_load(&tl->landing_waiters) != 0) {
      pthread_mutex_lock(&tl->lock);
      pthread_cond_broadcast(&tl->landed_cond);
      pthread_mutex_unlock(&tl->lock);
   }
}

void
kr_timeline_wait_landed(struct kr_timeline *tl, uint64_t value)
{
   uint64_t target = KR_MIN(value, atomic_load(&tl->taken));
   if (atomic_load(&tl->landed) >= target)
      return;
   pthread_mutex_lock(&tl->lock);
   atomic_fetch_add(&tl->landing_waiters, 1);
   while (atomic_load(&tl->landed) < target)
      pthread_cond_wait(&tl->landed_cond, &tl->lock);
   atomic_fetch_sub(&tl->landing_waiters, 1);
   pthread_mutex_unlock(&tl->lock);
}

VkResult
kr_timeline_loss(struct kr_timeline *tl, uint64_t value)
{
   if (atomic_load(&tl->loss_count) == 0)
      return VK_SUCCESS;
   VkResult result = VK_SUCCESS;
   pthread_mutex_lock(&tl->lock);
   uint32_t n = atomic_load(&tl->loss_count);
   for (uint32_t i = 0; i < n && result == VK_SUCCESS; i++) {
      if (value >= tl->losses[i].first && value <= tl->losses[i].last)
         result = tl->losses[i].result;
   }
   pthread_mutex_unlock(&tl->lock);
   return result;
}

void
kr_timeline_note_completed(struct kr_timeline *tl, uint64_t value)
{
   uint64_t seen = atomic_load_explicit(&tl->completed, memory_order_relaxed);
   while (seen < value &&
          !atomic_compare_exchange_weak_explicit(&tl->completed, &seen, value,
                                                 memory_order_release, memory_order_relaxed))
      ;
}

VkResult
kr_timeline_idle_result(struct kr_timeline *tl, uint64_t through)
{
   if (atomic_load(&tl->loss_count) == 0)
      return VK_SUCCESS;
   VkResult result = VK_SUCCESS;
   pthread_mutex_lock(&tl->lock);
   uint32_t n = atomic_load(&tl->loss_count);
   for (uint32_t i = 0; i < n; i++) {
      struct kr_timeline_loss *loss = &tl->losses[i];
      if (loss->first > through || loss->reported)
         continue;
      if (result == VK_SUCCESS)
         result = loss->result;
      loss->reported = true;
   }
   pthread_mutex_unlock(&tl->lock);
   return result;
}
