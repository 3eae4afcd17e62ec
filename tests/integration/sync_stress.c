/* SPDX-License-Identifier: MIT */
/* Many threads submitting many small command buffers, losing no completion (issue 5), on the
 * vendor directly and on Kronos. Each of THREADS threads has its own command pool and submits
 * COUNT command buffers (--count N to change it), each filling a word of its own in a shared
 * host-visible buffer with (thread, index), each with a fence. The threads observe completion
 * in different patterns:
 *   0: waits on every 8th fence, and on each fence before reusing its slot of a ring of 64;
 *   1: never waits until the end: one fence per submit, all waited at once (waitAll);
 *   2: polls vkGetFenceStatus alone before reusing a slot;
 *   3: waits on any fence of the ring (wait-any) before reusing a slot that is not ready.
 * Whenever a fence is seen signalled, the word of its submit must already be there. At the end
 * every fence is signalled and every word is exactly as expected. First on one queue shared by
 * all threads under a mutex (queues are externally synchronized), then, where the device has
 * several queues, one queue per thread without a mutex. On Kronos the device's statistics count
 * exactly the threads' submits, and as many vendor submits as flushes (batching on: the
 * threads' flushes and the flusher thread's) or as application submits (batching off).
 * Then submits racing with waits, destroys and counter reads on other threads (issue 12: the
 * ThreadSanitizer build runs this program): RACE_SUBMITTERS threads submit fills (COUNT / 2
 * each), each submit with a fence of the submitter's creation and a signal of the submitter's
 * timeline semaphore, on one queue under a mutex (with a vkQueueWaitIdle now and then) or, where
 * the device has several, on queues of their own; one other thread sees each submit complete
 * (by its fence, by the timeline then the fence, or by polling), checks its word and destroys
 * its fence; one creates and destroys fences, semaphores, buffers and command pools and reads
 * the timelines all along; on Kronos one more reads the device's statistics all along. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_common.h"

#define THREADS 4
#define RING 64

static uint32_t count = 4000;

static uint32_t
word_of(uint32_t thread, uint32_t index)
{
   return 0x80000000u | (thread << 24) | index;
}

struct stress {
   struct sync_side *s;
   struct it_host_buffer buf;
   pthread_mutex_t queue_lock;
   bool shared_queue; /* every thread on queue 0, under queue_lock */
};

struct worker {
   struct stress *st;
   uint32_t thread;
   uint32_t queue;
   bool ok;
};

static VkResult
submit_locked(struct worker *w, VkCommandBuffer cmd, VkFence fence)
{
   struct stress *st = w->st;
   if (st->shared_queue)
      pthread_mutex_lock(&st->queue_lock);
   VkResult result = it_submit(st->s->queues[w->queue], 1, &cmd, fence);
   if (st->shared_queue)
      pthread_mutex_unlock(&st->queue_lock);
   return result;
}

static void *
worker_run(void *arg)
{
   struct worker *w = arg;
   struct stress *st = w->st;
   struct sync_side *s = st->s;
   const uint32_t pattern = w->thread % 4;
   const uint32_t ring = pattern == 1 ? count : RING;
   const uint32_t *words = (const uint32_t *)st->buf.data + (size_t)w->thread * count;
   bool ok = false;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer *cmds = calloc(ring, sizeof(*cmds));
   VkFence *fences = calloc(ring, sizeof(*fences));
   uint32_t *in_slot = calloc(ring, sizeof(*in_slot)); /* index + 1 of the submit in a slot */
   CHECK(cmds && fences && in_slot);
   CHECK_VK(sync_pool(s, w->queue, ring, &pool, cmds));
   for (uint32_t r = 0; r < ring; r++)
      CHECK_VK(sync_fence(s, false, &fences[r]));

   for (uint32_t i = 0; i < count; i++) {
      uint32_t slot = i % ring;
      if (in_slot[slot]) {
         /* The slot is in use: see its fence signalled (each pattern its way), then reuse. */
         uint32_t previous = in_slot[slot] - 1;
         if (pattern == 2) {
            CHECK_RESULT(sync_poll_fence(s, fences[slot]), VK_SUCCESS);
         } else if (pattern == 3 && vkGetFenceStatus(s->device, fences[slot]) != VK_SUCCESS) {
            CHECK_RESULT(vkWaitForFences(s->device, ring, fences, VK_FALSE, SYNC_TIMEOUT_NS),
                         VK_SUCCESS);
            CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[slot], VK_TRUE, SYNC_TIMEOUT_NS),
                         VK_SUCCESS);
         } else {
            CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[slot], VK_TRUE, SYNC_TIMEOUT_NS),
                         VK_SUCCESS);
         }
         if (words[previous] != word_of(w->thread, previous)) {
            fprintf(stderr, "%s thread %u: fence of submit %u signalled, word 0x%08x\n",
                    s->label, w->thread, previous, words[previous]);
            CHECK(false);
         }
         CHECK_VK(vkResetFences(s->device, 1, &fences[slot]));
         CHECK_VK(vkResetCommandBuffer(cmds[slot], 0));
      }
      VkDeviceSize offset = 4 * ((VkDeviceSize)w->thread * count + i);
      CHECK_VK(sync_record_fill(cmds[slot], st->buf.buffer, offset, 4, word_of(w->thread, i)));
      CHECK_VK(submit_locked(w, cmds[slot], fences[slot]));
      in_slot[slot] = i + 1;
      if (pattern == 0 && i % 8 == 7) {
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[slot], VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
         CHECK(words[i] == word_of(w->thread, i));
      }
   }
   /* The end: every fence of the ring signalled, every word there. */
   uint32_t used = count < ring ? count : ring;
   CHECK_RESULT(vkWaitForFences(s->device, used, fences, VK_TRUE, SYNC_TIMEOUT_NS), VK_SUCCESS);
   for (uint32_t r = 0; r < used; r++)
      CHECK_RESULT(vkGetFenceStatus(s->device, fences[r]), VK_SUCCESS);
   for (uint32_t i = 0; i < count; i++) {
      if (words[i] != word_of(w->thread, i)) {
         fprintf(stderr, "%s thread %u: word %u is 0x%08x after the end\n", s->label,
                 w->thread, i, words[i]);
         CHECK(false);
      }
   }
   ok = true;
done:
   if (!ok && fences) {
      /* Let the device finish what this thread submitted before destroying it. */
      for (uint32_t r = 0; r < ring; r++) {
         if (fences[r] && in_slot && in_slot[r])
            vkWaitForFences(s->device, 1, &fences[r], VK_TRUE, SYNC_TIMEOUT_NS);
      }
   }
   if (fences) {
      for (uint32_t r = 0; r < ring; r++)
         vkDestroyFence(s->device, fences[r], NULL);
   }
   vkDestroyCommandPool(s->device, pool, NULL);
   free(cmds);
   free(fences);
   free(in_slot);
   w->ok = ok;
   return NULL;
}

/* Whether Kronos batches submits in this run (KRONOS_DISABLE names neither batch nor all). */
static bool
batching_on(void)
{
   const char *disable = sync_setting("KRONOS_DISABLE");
   return !disable || (!strstr(disable, "batch") && !strstr(disable, "all"));
}

/* Kronos's submit counters over a stress run of `submits` application submits, the device
 * idle since: every submit counted once, whichever thread made it; each vendor submit is a
 * flush counted with its reason (batching on), or one per application submit (off). */
static bool
check_submit_counters(const struct sync_side *s, const VkKronosDeviceStatistics *before,
                      const VkKronosDeviceStatistics *after, uint64_t submits)
{
   bool ok = false;
   uint64_t app = after->app_submits - before->app_submits;
   uint64_t vendor = after->vendor_submits - before->vendor_submits;
   uint64_t flushes = 0;
   for (int r = 0; r < KRONOS_FLUSH_REASON_COUNT; r++)
      flushes += after->batches_flushed[r] - before->batches_flushed[r];
   printf("  %s: submits: application %" PRIu64 " of %" PRIu64 ", vendor %" PRIu64
          ", batches flushed %" PRIu64 "\n",
          s->label, app, submits, vendor, flushes);
   CHECK(app == submits);
   if (batching_on()) {
      CHECK(flushes == vendor);
      CHECK(vendor >= 1 && vendor <= app);
   } else {
      CHECK(vendor == app);
      CHECK(flushes == 0);
   }
   ok = true;
done:
   return ok;
}

static bool
stress_run(struct sync_side *s, bool shared_queue)
{
   bool ok = false, locked = false;
   uint32_t threads = THREADS;
   if (!shared_queue) {
      if (s->queue_count < 2) {
         printf("  %s: one queue only: the queue-per-thread stress is skipped\n", s->label);
         return true;
      }
      threads = s->queue_count < THREADS ? s->queue_count : THREADS;
   }
   struct stress st = {.s = s, .shared_queue = shared_queue};
   struct worker workers[THREADS];
   pthread_t ids[THREADS];
   uint32_t started = 0;
   VkKronosDeviceStatistics before = {0}, after = {0};
   CHECK(pthread_mutex_init(&st.queue_lock, NULL) == 0);
   locked = true;
   if (s->kronos) {
      CHECK_VK(vkDeviceWaitIdle(s->device));
      CHECK_VK(it_device_statistics(s->device, &before));
   }
   CHECK_VK(it_host_buffer_create(s->physical, s->device, 4 * (VkDeviceSize)threads * count,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &st.buf));
   memset(st.buf.data, 0, st.buf.size);
   for (; started < threads; started++) {
      workers[started] = (struct worker){
         .st = &st,
         .thread = started,
         .queue = shared_queue ? 0 : started,
      };
      if (pthread_create(&ids[started], NULL, worker_run, &workers[started]) != 0)
         break;
   }
   for (uint32_t t = 0; t < started; t++)
      pthread_join(ids[t], NULL);
   CHECK(started == threads);
   for (uint32_t t = 0; t < threads; t++) {
      if (!workers[t].ok)
         fprintf(stderr, "%s: thread %u failed\n", s->label, t);
      CHECK(workers[t].ok);
   }
   /* Everything, once more, after the device is idle. */
   CHECK_VK(vkDeviceWaitIdle(s->device));
   const uint32_t *words = st.buf.data;
   for (uint32_t t = 0; t < threads; t++) {
      for (uint32_t i = 0; i < count; i++)
         CHECK(words[(size_t)t * count + i] == word_of(t, i));
   }
   if (s->kronos) {
      CHECK_VK(it_device_statistics(s->device, &after));
      CHECK(check_submit_counters(s, &before, &after, (uint64_t)threads * count));
   }
   ok = true;
done:
   vkDeviceWaitIdle(s->device);
   it_host_buffer_destroy(s->device, &st.buf);
   if (locked)
      pthread_mutex_destroy(&st.queue_lock);
   return ok;
}

static bool
shared_queue(struct sync_side *s)
{
   return stress_run(s, true);
}

static bool
queue_per_thread(struct sync_side *s)
{
   return stress_run(s, false);
}

#define RACE_SUBMITTERS 2
#define RACE_RING 16

struct race {
   struct sync_side *s;
   struct it_host_buffer buf;
   pthread_mutex_t queue_lock;
   bool shared_queue;
   uint32_t count; /* submits per submitter */
   VkSemaphore timelines[RACE_SUBMITTERS];
   /* [submitter * count + i]: created by the submitter, destroyed by the waiter (then NULL). */
   VkFence *fences;
   _Atomic uint32_t submitted[RACE_SUBMITTERS]; /* fences published (release) */
   _Atomic uint32_t waited[RACE_SUBMITTERS];    /* submits seen complete: command buffers free */
   _Atomic bool stop;                           /* the churn and statistics threads end */
   _Atomic bool failed;
};

struct race_thread {
   struct race *r;
   uint32_t index;
   bool ok;
};

/* Spins until *counter > value (acquire); false on a failure elsewhere or after the timeout. */
static bool
race_wait_counter(struct race *r, _Atomic uint32_t *counter, uint32_t value)
{
   uint64_t deadline = sync_now_ns() + SYNC_TIMEOUT_NS;
   while (atomic_load_explicit(counter, memory_order_acquire) <= value) {
      if (atomic_load(&r->failed) || sync_now_ns() > deadline)
         return false;
      sched_yield();
   }
   return true;
}

static void *
race_submitter(void *arg)
{
   struct race_thread *rt = arg;
   struct race *r = rt->r;
   struct sync_side *s = r->s;
   const uint32_t t = rt->index;
   const uint32_t q = r->shared_queue ? 0 : t;
   bool ok = false;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[RACE_RING];
   CHECK_VK(sync_pool(s, q, RACE_RING, &pool, cmds));
   for (uint32_t i = 0; i < r->count; i++) {
      uint32_t slot = i % RACE_RING;
      if (i >= RACE_RING) {
         CHECK(race_wait_counter(r, &r->waited[t], i - RACE_RING));
         CHECK_VK(vkResetCommandBuffer(cmds[slot], 0));
      }
      VkDeviceSize offset = 4 * ((VkDeviceSize)t * r->count + i);
      CHECK_VK(sync_record_fill(cmds[slot], r->buf.buffer, offset, 4, word_of(t, i)));
      VkFence fence;
      CHECK_VK(sync_fence(s, false, &fence));
      r->fences[(size_t)t * r->count + i] = fence;
      if (r->shared_queue)
         pthread_mutex_lock(&r->queue_lock);
      VkResult result = sync_submit(s->queues[q], cmds[slot], VK_NULL_HANDLE, 0,
                                    r->timelines[t], i + 1, fence);
      if (result == VK_SUCCESS && i % 64 == 63)
         result = vkQueueWaitIdle(s->queues[q]);
      if (r->shared_queue)
         pthread_mutex_unlock(&r->queue_lock);
      CHECK_VK(result);
      atomic_store_explicit(&r->submitted[t], i + 1, memory_order_release);
   }
   /* The command buffers stay alive until the waiter saw the last submit complete. */
   CHECK(race_wait_counter(r, &r->waited[t], r->count - 1));
   ok = true;
done:
   if (!ok) {
      atomic_store(&r->failed, true);
      if (r->shared_queue)
         pthread_mutex_lock(&r->queue_lock);
      vkQueueWaitIdle(s->queues[q]);
      if (r->shared_queue)
         pthread_mutex_unlock(&r->queue_lock);
   }
   vkDestroyCommandPool(s->device, pool, NULL);
   rt->ok = ok;
   return NULL;
}

/* Sees every submit complete, in turns over the submitters, three ways; checks its word and
 * destroys its fence. */
static void *
race_waiter(void *arg)
{
   struct race_thread *rt = arg;
   struct race *r = rt->r;
   struct sync_side *s = r->s;
   const uint32_t *words = r->buf.data;
   bool ok = false;
   for (uint32_t i = 0; i < r->count; i++) {
      for (uint32_t t = 0; t < RACE_SUBMITTERS; t++) {
         CHECK(race_wait_counter(r, &r->submitted[t], i));
         size_t index = (size_t)t * r->count + i;
         VkFence fence = r->fences[index];
         if (i % 3 == 1) {
            uint64_t value = i + 1;
            const VkSemaphoreWaitInfo wait = {
               .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
               .semaphoreCount = 1,
               .pSemaphores = &r->timelines[t],
               .pValues = &value,
            };
            CHECK_RESULT(vkWaitSemaphores(s->device, &wait, SYNC_TIMEOUT_NS), VK_SUCCESS);
         }
         if (i % 3 == 2) {
            CHECK_RESULT(sync_poll_fence(s, fence), VK_SUCCESS);
         } else {
            CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS),
                         VK_SUCCESS);
         }
         if (words[index] != word_of(t, i)) {
            fprintf(stderr, "%s: submit %u of thread %u complete, word 0x%08x\n", s->label, i,
                    t, words[index]);
            CHECK(false);
         }
         vkDestroyFence(s->device, fence, NULL);
         r->fences[index] = VK_NULL_HANDLE;
         atomic_store_explicit(&r->waited[t], i + 1, memory_order_release);
      }
   }
   ok = true;
done:
   if (!ok)
      atomic_store(&r->failed, true);
   rt->ok = ok;
   return NULL;
}

/* Creates and destroys objects, and reads the submitters' timelines, until told to stop. */
static void *
race_churn(void *arg)
{
   struct race_thread *rt = arg;
   struct race *r = rt->r;
   struct sync_side *s = r->s;
   uint64_t last[RACE_SUBMITTERS] = {0};
   bool ok = false;
   for (uint32_t n = 0; !atomic_load(&r->stop); n++) {
      VkFence fence;
      CHECK_VK(sync_fence(s, n % 2 == 0, &fence));
      VkResult status = vkGetFenceStatus(s->device, fence);
      vkDestroyFence(s->device, fence, NULL);
      CHECK_RESULT(status, n % 2 == 0 ? VK_SUCCESS : VK_NOT_READY);

      VkSemaphore binary, timeline;
      CHECK_VK(sync_binary_semaphore(s, &binary));
      vkDestroySemaphore(s->device, binary, NULL);
      CHECK_VK(sync_timeline_semaphore(s, n, &timeline));
      VkResult signal = sync_host_signal(s, timeline, (uint64_t)n + 1);
      vkDestroySemaphore(s->device, timeline, NULL);
      CHECK_VK(signal);

      const VkBufferCreateInfo buffer_info = {
         .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
         .size = 256,
         .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
      };
      VkBuffer buffer;
      CHECK_VK(vkCreateBuffer(s->device, &buffer_info, NULL, &buffer));
      vkDestroyBuffer(s->device, buffer, NULL);

      VkCommandPool pool;
      VkCommandBuffer cmd;
      CHECK_VK(sync_pool(s, 0, 1, &pool, &cmd));
      vkDestroyCommandPool(s->device, pool, NULL);

      for (uint32_t t = 0; t < RACE_SUBMITTERS; t++) {
         uint64_t value;
         CHECK_VK(vkGetSemaphoreCounterValue(s->device, r->timelines[t], &value));
         CHECK(value >= last[t]); /* a timeline never goes back */
         last[t] = value;
      }
      sched_yield();
   }
   ok = true;
done:
   if (!ok)
      atomic_store(&r->failed, true);
   rt->ok = ok;
   return NULL;
}

/* Reads Kronos's statistics until told to stop: the submit count never goes back. */
static void *
race_statistics(void *arg)
{
   struct race_thread *rt = arg;
   struct race *r = rt->r;
   uint64_t last = 0;
   bool ok = false;
   while (!atomic_load(&r->stop)) {
      VkKronosDeviceStatistics stats;
      CHECK_VK(it_device_statistics(r->s->device, &stats));
      CHECK(stats.app_submits >= last);
      last = stats.app_submits;
      sched_yield();
   }
   ok = true;
done:
   if (!ok)
      atomic_store(&r->failed, true);
   rt->ok = ok;
   return NULL;
}

static bool
cross_thread(struct sync_side *s)
{
   enum { WAITER = RACE_SUBMITTERS, CHURN, STATISTICS, RACE_THREADS };
   bool ok = false, locked = false;
   struct race r = {
      .s = s,
      .shared_queue = s->queue_count < RACE_SUBMITTERS,
      .count = count / 2 > RACE_RING ? count / 2 : RACE_RING,
   };
   struct race_thread threads[RACE_THREADS];
   pthread_t ids[RACE_THREADS];
   bool started[RACE_THREADS] = {false};
   printf("  %s: %u submitters on %s\n", s->label, RACE_SUBMITTERS,
          r.shared_queue ? "one queue under a mutex" : "queues of their own");
   CHECK(pthread_mutex_init(&r.queue_lock, NULL) == 0);
   locked = true;
   r.fences = calloc((size_t)RACE_SUBMITTERS * r.count, sizeof(*r.fences));
   CHECK(r.fences);
   CHECK_VK(it_host_buffer_create(s->physical, s->device,
                                  4 * (VkDeviceSize)RACE_SUBMITTERS * r.count,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &r.buf));
   memset(r.buf.data, 0, r.buf.size);
   for (uint32_t t = 0; t < RACE_SUBMITTERS; t++)
      CHECK_VK(sync_timeline_semaphore(s, 0, &r.timelines[t]));
   for (uint32_t i = 0; i < RACE_THREADS; i++) {
      if (i == STATISTICS && !s->kronos)
         continue;
      threads[i] = (struct race_thread){.r = &r, .index = i};
      void *(*run)(void *) = i < RACE_SUBMITTERS ? race_submitter
                             : i == WAITER         ? race_waiter
                             : i == CHURN          ? race_churn
                                                   : race_statistics;
      started[i] = pthread_create(&ids[i], NULL, run, &threads[i]) == 0;
      if (!started[i])
         atomic_store(&r.failed, true);
   }
   /* The submitters and the waiter first, then the threads that run until told to stop. */
   for (uint32_t i = 0; i < RACE_THREADS; i++) {
      if (i == CHURN)
         atomic_store(&r.stop, true);
      if (started[i])
         pthread_join(ids[i], NULL);
   }
   for (uint32_t i = 0; i < RACE_THREADS; i++) {
      if (i == STATISTICS && !s->kronos)
         continue;
      if (!started[i] || !threads[i].ok)
         fprintf(stderr, "%s: thread %u failed\n", s->label, i);
      CHECK(started[i] && threads[i].ok);
   }
   CHECK_VK(vkDeviceWaitIdle(s->device));
   const uint32_t *words = r.buf.data;
   for (uint32_t t = 0; t < RACE_SUBMITTERS; t++) {
      for (uint32_t i = 0; i < r.count; i++)
         CHECK(words[(size_t)t * r.count + i] == word_of(t, i));
   }
   ok = true;
done:
   vkDeviceWaitIdle(s->device);
   if (r.fences) {
      for (size_t i = 0; i < (size_t)RACE_SUBMITTERS * r.count; i++)
         vkDestroyFence(s->device, r.fences[i], NULL);
   }
   free(r.fences);
   for (uint32_t t = 0; t < RACE_SUBMITTERS; t++)
      vkDestroySemaphore(s->device, r.timelines[t], NULL);
   it_host_buffer_destroy(s->device, &r.buf);
   if (locked)
      pthread_mutex_destroy(&r.queue_lock);
   return ok;
}

int
main(int argc, char **argv)
{
   for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
         count = (uint32_t)strtoul(argv[++i], NULL, 10);
      } else {
         fprintf(stderr, "usage: %s [--count N]\n", argv[0]);
         return 2;
      }
   }
   if (count == 0 || count > 0xffffff) {
      fprintf(stderr, "--count must be in 1 ... %u\n", 0xffffff);
      return 2;
   }
   static const struct sync_test tests[] = {
      {"4 threads, one queue under a mutex", shared_queue, false},
      {"one queue per thread", queue_per_thread, false},
      {"submits racing with waits, destroys and counter reads", cross_thread, false},
   };
   return SYNC_RUN_TESTS(tests);
}
