/* SPDX-License-Identifier: MIT */
/* The time-bound flusher thread (see kr_flusher.h). */
#include "kr_flusher.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <time.h>

#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"

/* How long the thread keeps polling after the last pending batch before it sleeps. */
#define KR_FLUSHER_IDLE_NS (5ull * 1000 * 1000)

/* How long the thread waits before it tries again a flush it could not build (no host memory):
 * the first wait, doubled while the flushes stay kept, up to the longest. Waits and
 * observations on the application's threads still flush at once. */
#define KR_FLUSHER_FIRST_BACKOFF_NS (100ull * 1000)
#define KR_FLUSHER_MAX_BACKOFF_NS (10ull * 1000 * 1000)

struct kr_flusher {
   struct kr_device *device;
   uint64_t bound_ns;
   pthread_t thread;
   pthread_mutex_t lock;
   pthread_cond_t cond;
   bool stop; /* under lock */
   /* Set while the thread may go to sleep without a timeout: a submit that makes a batch
    * non-empty then bumps wake and signals. The thread sleeps only while wake is what it was
    * before its last look at the batches, so no such submit is missed. */
   _Atomic bool sleeping;
   _Atomic uint64_t wake;
   uint64_t backoff_ns; /* the thread's own: the wait before retrying a kept flush (0: none) */
};

/* Flushes the batches that are full or waited the bound; returns when to look again: the
 * earliest deadline of the others, or a bound from now after a flush (UINT64_MAX: nothing
 * pending). */
static uint64_t
flush_expired(struct kr_flusher *f)
{
   struct kr_device *device = f->device;
   uint64_t deadline = UINT64_MAX;
   for (uint32_t i = 0; i < device->queue_count; i++) {
      struct kr_queue *queue = &device->queues[i];
      struct kr_batch *b = &queue->batch->batch;
      kr_queue_batch_lock(queue);
      uint64_t now = kr_now_ns();
      enum kr_flush_reason reason = KR_FLUSH_REASON_COUNT;
      if (kr_batch_needs_flush(b, KR_FLUSH_FULL, now))
         reason = KR_FLUSH_FULL;
      else if (kr_batch_needs_flush(b, KR_FLUSH_TIMEOUT, now))
         reason = KR_FLUSH_TIMEOUT;
      if (reason != KR_FLUSH_REASON_COUNT) {
         uint32_t records = b->record_count;
         uint64_t waited = now - b->oldest_ns;
         /* A failure is recorded in the queue and reported by the waits on it. */
         struct kr_flush_outcome outcome =
            kr_queue_flush_unlock(queue, reason, VK_NULL_HANDLE, false);
         if (outcome.status == KR_FLUSH_KEPT) {
            /* No host memory to build it: retrying every bound would only spin. */
            f->backoff_ns = f->backoff_ns ? f->backoff_ns * 2 : KR_FLUSHER_FIRST_BACKOFF_NS;
            if (f->backoff_ns > KR_FLUSHER_MAX_BACKOFF_NS)
               f->backoff_ns = KR_FLUSHER_MAX_BACKOFF_NS;
            if (now + f->backoff_ns < deadline)
               deadline = now + f->backoff_ns;
            continue;
         }
         f->backoff_ns = 0;
         if (kr_log_enabled(KR_LOG_DEBUG))
            kr_debug("flusher: %u submits (%s) flushed %llu us after the oldest, in %llu us",
                     records, reason == KR_FLUSH_FULL ? "full" : "time bound",
                     (unsigned long long)(waited / 1000),
                     (unsigned long long)((kr_now_ns() - now) / 1000));
         /* More may have come since: look again within the bound. */
         if (now + f->bound_ns < deadline)
            deadline = now + f->bound_ns;
         continue;
      }
      if (!kr_batch_is_empty(b) && b->oldest_ns + f->bound_ns < deadline)
         deadline = b->oldest_ns + f->bound_ns;
      kr_queue_batch_unlock(queue);
   }
   return deadline;
}

static void *
flusher_main(void *arg)
{
   struct kr_flusher *f = arg;
   /* The default timer slack (50 µs) would be larger than the bound itself. */
   prctl(PR_SET_TIMERSLACK, 1000ul, 0, 0, 0);
   uint64_t active_ns = kr_now_ns();
   for (;;) {
      /* Announce a possible sleep before looking: a submit the look misses sees the flag. */
      atomic_store(&f->sleeping, true);
      uint64_t wake = atomic_load(&f->wake);
      uint64_t deadline = flush_expired(f);
      uint64_t now = kr_now_ns();
      if (deadline != UINT64_MAX)
         active_ns = now;
      else if (now - active_ns < KR_FLUSHER_IDLE_NS)
         deadline = now + f->bound_ns; /* poll: recently active */
      if (deadline != UINT64_MAX)
         atomic_store(&f->sleeping, false);

      pthread_mutex_lock(&f->lock);
      if (f->stop) {
         pthread_mutex_unlock(&f->lock);
         break;
      }
      if (atomic_load(&f->wake) == wake) {
         if (deadline == UINT64_MAX) {
            pthread_cond_wait(&f->cond, &f->lock);
            active_ns = kr_now_ns();
         } else {
            struct timespec until = kr_timespec(deadline);
            int err = pthread_cond_timedwait(&f->cond, &f->lock, &until);
            if (err != 0 && err != ETIMEDOUT)
               kr_warn("submit batching: the flusher's timed wait failed (%d)", err);
         }
      }
      pthread_mutex_unlock(&f->lock);
   }
   return NULL;
}

VkResult
kr_flusher_start(struct kr_device *device, uint64_t bound_ns, struct kr_flusher **out)
{
   struct kr_flusher *f = kr_zalloc(device->alloc, sizeof(*f), 8,
                                    VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!f)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   f->device = device;
   f->bound_ns = bound_ns;
   atomic_init(&f->sleeping, false);
   atomic_init(&f->wake, 0);

   pthread_condattr_t attr;
   int err = pthread_condattr_init(&attr);
   if (err == 0) {
      err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
      if (err == 0)
         err = pthread_cond_init(&f->cond, &attr);
      pthread_condattr_destroy(&attr);
   }
   if (err != 0)
      goto fail_free;
   err = pthread_mutex_init(&f->lock, NULL);
   if (err != 0)
      goto fail_cond;
   err = pthread_create(&f->thread, NULL, flusher_main, f);
   if (err != 0)
      goto fail_mutex;
   *out = f;
   return VK_SUCCESS;

fail_mutex:
   pthread_mutex_destroy(&f->lock);
fail_cond:
   pthread_cond_destroy(&f->cond);
fail_free:
   kr_error("submit batching: cannot start the flusher thread (error %d)", err);
   kr_free(device->alloc, f);
   return VK_ERROR_INITIALIZATION_FAILED;
}

void
kr_flusher_stop(struct kr_device *device, struct kr_flusher *f)
{
   if (!f)
      return;
   pthread_mutex_lock(&f->lock);
   f->stop = true;
   atomic_fetch_add(&f->wake, 1);
   pthread_cond_signal(&f->cond);
   pthread_mutex_unlock(&f->lock);
   pthread_join(f->thread, NULL);
   pthread_cond_destroy(&f->cond);
   pthread_mutex_destroy(&f->lock);
   kr_free(device->alloc, f);
}

void
kr_flusher_kick(struct kr_flusher *f)
{
   pthread_mutex_lock(&f->lock);
   atomic_fetch_add(&f->wake, 1);
   pthread_cond_signal(&f->cond);
   pthread_mutex_unlock(&f->lock);
}

void
kr_flusher_notify(struct kr_flusher *f)
{
   if (!atomic_load(&f->sleeping))
      return;
   pthread_mutex_lock(&f->lock);
   atomic_fetch_add(&f->wake, 1);
   pthread_cond_signal(&f->cond);
   pthread_mutex_unlock(&f->lock);
}
