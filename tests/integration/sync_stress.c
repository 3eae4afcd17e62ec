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
 * several queues, one queue per thread without a mutex. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
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
   CHECK(pthread_mutex_init(&st.queue_lock, NULL) == 0);
   locked = true;
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
   };
   return SYNC_RUN_TESTS(tests);
}
