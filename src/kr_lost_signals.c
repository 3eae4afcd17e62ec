/* SPDX-License-Identifier: MIT */
/* Lost signals of real vendor objects (see kr_lost_signals.h). */
#include "kr_lost_signals.h"

#include "kr_alloc.h"
#include "kr_scratch.h"

VkResult
kr_lost_signals_init(struct kr_lost_signals *lost, const VkAllocationCallbacks *alloc)
{
   atomic_init(&lost->count, 0);
   lost->entries = NULL;
   lost->capacity = 0;
   lost->alloc = alloc;
   lost->reserved = 0;
   return pthread_mutex_init(&lost->lock, NULL) == 0 ? VK_SUCCESS : VK_ERROR_OUT_OF_HOST_MEMORY;
}

void
kr_lost_signals_finish(struct kr_lost_signals *lost)
{
   kr_free(lost->alloc, lost->entries);
   lost->entries = NULL;
   pthread_mutex_destroy(&lost->lock);
}

VkResult
kr_lost_signals_reserve(struct kr_lost_signals *lost, uint32_t n)
{
   if (n == 0)
      return VK_SUCCESS;
   pthread_mutex_lock(&lost->lock);
   uint32_t count = atomic_load(&lost->count);
   VkResult result = kr_array_grow(lost->alloc, (void **)&lost->entries, &lost->capacity, count,
                                   (uint64_t)count + lost->reserved + n, sizeof(*lost->entries),
                                   KR_LOST_SIGNALS_MIN_CAPACITY);
   if (result == VK_SUCCESS)
      lost->reserved += n;
   pthread_mutex_unlock(&lost->lock);
   return result;
}

void
kr_lost_signals_release(struct kr_lost_signals *lost, uint32_t n)
{
   if (n == 0)
      return;
   pthread_mutex_lock(&lost->lock);
   lost->reserved -= n;
   pthread_mutex_unlock(&lost->lock);
}

void
kr_lost_signals_add(struct kr_lost_signals *lost, uint64_t object, uint64_t value,
                    VkResult result)
{
   pthread_mutex_lock(&lost->lock);
   uint32_t n = atomic_load(&lost->count);
   lost->reserved--;
   /* The same object and value again (an event every lost flush sets): one entry, the newest
    * error, so that repeated losses do not grow the list. */
   for (uint32_t i = 0; i < n; i++) {
      if (lost->entries[i].object == object && lost->entries[i].value == value) {
         lost->entries[i].result = result;
         pthread_mutex_unlock(&lost->lock);
         return;
      }
   }
   /* The caller reserved the entry: count + reserved <= capacity. */
   lost->entries[n] = (struct kr_lost_signal){object, value, result};
   atomic_store(&lost->count, n + 1);
   pthread_mutex_unlock(&lost->lock);
}

VkResult
kr_lost_signals_find(struct kr_lost_signals *lost, uint64_t object, uint64_t value)
{
   if (atomic_load(&lost->count) == 0)
      return VK_SUCCESS;
   VkResult result = VK_SUCCESS;
   pthread_mutex_lock(&lost->lock);
   uint32_t n = atomic_load(&lost->count);
   for (uint32_t i = 0; i < n && result == VK_SUCCESS; i++) {
      if (lost->entries[i].object == object && lost->entries[i].value >= value)
         result = lost->entries[i].result;
   }
   pthread_mutex_unlock(&lost->lock);
   return result;
}

void
kr_lost_signals_forget_through(struct kr_lost_signals *lost, uint64_t object, uint64_t value)
{
   if (atomic_load(&lost->count) == 0)
      return;
   pthread_mutex_lock(&lost->lock);
   uint32_t n = atomic_load(&lost->count), kept = 0;
   for (uint32_t i = 0; i < n; i++) {
      if (lost->entries[i].object != object || lost->entries[i].value > value)
         lost->entries[kept++] = lost->entries[i];
   }
   atomic_store(&lost->count, kept);
   pthread_mutex_unlock(&lost->lock);
}

void
kr_lost_signals_forget(struct kr_lost_signals *lost, uint64_t object)
{
   kr_lost_signals_forget_through(lost, object, UINT64_MAX);
}
