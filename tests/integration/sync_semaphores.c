/* SPDX-License-Identifier: MIT */
/* Semaphores as an application sees them (issue 5), on the vendor directly and on Kronos:
 *  - binary semaphores carrying a data dependency: submit A fills a buffer and signals X,
 *    submit B waits on X and copies the buffer, then signals Y that the next A waits on;
 *    hundreds of rounds, each copy checked. On one queue; where the device has two queues,
 *    between them in both directions; and from two threads (each submitting one side, in turn),
 *    on one queue under a mutex or on two queues;
 *  - host-signalled timeline semaphores: a submit waiting on T = 5 stays pending while the host
 *    signals 1 ... 4 and completes at 5; a wait on 7 completes when the host jumps to 10;
 *  - timeline values signalled by the device, waited by the host with vkWaitSemaphores (all and
 *    any, finite timeouts) and read with vkGetSemaphoreCounterValue alone until they arrive. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_common.h"

#define ROUNDS 160
#define WORDS 16 /* per copy */

static VkResult
wait_values(struct sync_side *s, uint32_t count, const VkSemaphore *semaphores,
            const uint64_t *values, bool any, uint64_t timeout)
{
   const VkSemaphoreWaitInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .flags = any ? VK_SEMAPHORE_WAIT_ANY_BIT : 0,
      .semaphoreCount = count,
      .pSemaphores = semaphores,
      .pValues = values,
   };
   return vkWaitSemaphores(s->device, &info, timeout);
}

/* --- Binary semaphores: A fills src, B copies it to dst slot i ------------------------------ */

struct exchange {
   struct sync_side *s;
   uint32_t qa, qb;          /* queues of A and B */
   bool threaded;            /* A and B submitted from two threads */
   pthread_mutex_t lock;     /* guards `step` and, when qa == qb, the queue */
   pthread_cond_t changed;
   uint32_t step;            /* submits made: A_i is step 2i, B_i is step 2i + 1 */
   bool abort;
   VkResult error;
   struct it_host_buffer src, dst;
   VkCommandPool pool_a, pool_b;
   VkCommandBuffer a[ROUNDS], b[ROUNDS];
   VkSemaphore x, y;
   VkFence fence; /* of the last B, and of every 32nd */
};

static VkResult
record_copy(struct exchange *e, uint32_t i)
{
   VkCommandBuffer cmd = e->b[i];
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   const VkBufferCopy region = {.srcOffset = 0, .dstOffset = 4 * WORDS * i, .size = 4 * WORDS};
   vkCmdCopyBuffer(cmd, e->src.buffer, e->dst.buffer, 1, &region);
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                        &barrier, 0, NULL, 0, NULL);
   return vkEndCommandBuffer(cmd);
}

/* Submit number `step` of the exchange (A_i or B_i), under e->lock. */
static VkResult
exchange_submit(struct exchange *e, uint32_t step)
{
   uint32_t i = step / 2;
   /* Single-threaded, the fence is waited and reset every 32 rounds; threaded, only the last
    * round has it. */
   bool fenced = step % 2 == 1 && (i == ROUNDS - 1 || (!e->threaded && i % 32 == 31));
   if (step % 2 == 0)
      return sync_submit(e->s->queues[e->qa], e->a[i], i > 0 ? e->y : VK_NULL_HANDLE, 0, e->x,
                         0, VK_NULL_HANDLE);
   return sync_submit(e->s->queues[e->qb], e->b[i], e->x, 0, e->y, 0,
                      fenced ? e->fence : VK_NULL_HANDLE);
}

/* One side's thread: makes the submits of its parity, in turn with the other. */
struct exchange_side {
   struct exchange *e;
   uint32_t parity;
};

static void *
exchange_side_thread(void *arg)
{
   struct exchange_side *side = arg;
   struct exchange *e = side->e;
   pthread_mutex_lock(&e->lock);
   for (uint32_t step = side->parity; step < 2 * ROUNDS; step += 2) {
      while (e->step != step && !e->abort)
         pthread_cond_wait(&e->changed, &e->lock);
      if (e->abort)
         break;
      VkResult result = exchange_submit(e, step);
      if (result != VK_SUCCESS) {
         e->error = result;
         e->abort = true;
      } else {
         e->step++;
      }
      pthread_cond_broadcast(&e->changed);
      if (e->abort)
         break;
      /* Let the other thread run its submit outside this one's critical section. */
      pthread_mutex_unlock(&e->lock);
      pthread_mutex_lock(&e->lock);
   }
   pthread_mutex_unlock(&e->lock);
   return NULL;
}

static bool
exchange_run(struct sync_side *s, uint32_t qa, uint32_t qb, bool threaded)
{
   bool ok = false, locks = false;
   struct exchange *e = calloc(1, sizeof(*e));
   CHECK(e != NULL);
   e->s = s;
   e->qa = qa;
   e->qb = qb;
   e->threaded = threaded;
   CHECK(pthread_mutex_init(&e->lock, NULL) == 0);
   if (pthread_cond_init(&e->changed, NULL) != 0) {
      pthread_mutex_destroy(&e->lock);
      CHECK(false);
   }
   locks = true;
   CHECK_VK(sync_buffer_create(s, 4 * WORDS, &e->src));
   CHECK_VK(sync_buffer_create(s, 4 * WORDS * ROUNDS, &e->dst));
   CHECK_VK(sync_pool(s, qa, ROUNDS, &e->pool_a, e->a));
   CHECK_VK(sync_pool(s, qb, ROUNDS, &e->pool_b, e->b));
   CHECK_VK(sync_binary_semaphore(s, &e->x));
   CHECK_VK(sync_binary_semaphore(s, &e->y));
   CHECK_VK(sync_fence(s, false, &e->fence));
   memset(e->dst.data, 0, e->dst.size);
   for (uint32_t i = 0; i < ROUNDS; i++) {
      CHECK_VK(sync_record_fill(e->a[i], e->src.buffer, 0, 4 * WORDS, 0x60000000u + i));
      CHECK_VK(record_copy(e, i));
   }

   const uint32_t *words = e->dst.data;
   if (!threaded) {
      for (uint32_t step = 0; step < 2 * ROUNDS; step++) {
         CHECK_VK(exchange_submit(e, step));
         uint32_t i = step / 2;
         if (step % 2 == 1 && (i % 32 == 31 || i == ROUNDS - 1)) {
            CHECK_RESULT(vkWaitForFences(s->device, 1, &e->fence, VK_TRUE, SYNC_TIMEOUT_NS),
                         VK_SUCCESS);
            CHECK_VK(vkResetFences(s->device, 1, &e->fence));
            for (uint32_t j = 0; j <= i; j++)
               CHECK(sync_words_are(words + WORDS * j, WORDS, 0x60000000u + j, s->label));
         }
      }
   } else {
      pthread_t threads[2];
      struct exchange_side sides[2] = {{e, 0}, {e, 1}};
      int started = 0;
      for (; started < 2; started++) {
         if (pthread_create(&threads[started], NULL, exchange_side_thread, &sides[started]) !=
             0)
            break;
      }
      if (started < 2) {
         pthread_mutex_lock(&e->lock);
         e->abort = true;
         pthread_cond_broadcast(&e->changed);
         pthread_mutex_unlock(&e->lock);
      }
      for (int t = 0; t < started; t++)
         pthread_join(threads[t], NULL);
      CHECK(started == 2);
      CHECK_VK(e->error);
      CHECK(e->step == 2 * ROUNDS);
      CHECK_RESULT(vkWaitForFences(s->device, 1, &e->fence, VK_TRUE, SYNC_TIMEOUT_NS),
                   VK_SUCCESS);
      CHECK_RESULT(vkQueueWaitIdle(s->queues[qb]), VK_SUCCESS);
      for (uint32_t j = 0; j < ROUNDS; j++)
         CHECK(sync_words_are(words + WORDS * j, WORDS, 0x60000000u + j, s->label));
   }
   ok = true;
done:
   if (e) {
      sync_drain(s);
      vkDestroyFence(s->device, e->fence, NULL);
      vkDestroySemaphore(s->device, e->x, NULL);
      vkDestroySemaphore(s->device, e->y, NULL);
      vkDestroyCommandPool(s->device, e->pool_a, NULL);
      vkDestroyCommandPool(s->device, e->pool_b, NULL);
      it_host_buffer_destroy(s->device, &e->src);
      it_host_buffer_destroy(s->device, &e->dst);
      if (locks) {
         pthread_cond_destroy(&e->changed);
         pthread_mutex_destroy(&e->lock);
      }
      free(e);
   }
   return ok;
}

static bool
binary_one_queue(struct sync_side *s)
{
   return exchange_run(s, 0, 0, false);
}

static bool
binary_one_queue_threads(struct sync_side *s)
{
   return exchange_run(s, 0, 0, true);
}

static bool
binary_two_queues(struct sync_side *s)
{
   if (s->queue_count < 2) {
      printf("  %s: one queue only: the two-queue exchange is skipped\n", s->label);
      return true;
   }
   return exchange_run(s, 0, 1, false) && exchange_run(s, 1, 0, false) &&
          exchange_run(s, 0, 1, true) && exchange_run(s, 1, 0, true);
}

/* --- Timeline semaphores -------------------------------------------------------------------- */

/* Wait before signal: the submit waits on T = 5; the host signals 1 ... 4 (still pending), then
 * 5. Then a submit waiting on 7 completes when the host signals 10. */
static bool
timeline_wait_before_signal(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkFence fence = VK_NULL_HANDLE;
   VkSemaphore timeline = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 512, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fence));
   CHECK_VK(sync_timeline_semaphore(s, 0, &timeline));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 256, 0x61000005u));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 256, 256, 0x61000007u));
   memset(buf.data, 0, buf.size);
   const uint32_t *words = buf.data;

   CHECK_VK(sync_submit(s->queues[0], cmds[0], timeline, 5, VK_NULL_HANDLE, 0, fence));
   for (uint64_t v = 1; v <= 4; v++) {
      CHECK_VK(sync_host_signal(s, timeline, v));
      uint64_t value = 0;
      CHECK_VK(vkGetSemaphoreCounterValue(s->device, timeline, &value));
      CHECK(value == v);
      CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
      CHECK_RESULT(vkGetFenceStatus(s->device, fence), VK_NOT_READY);
   }
   CHECK(words[0] == 0);
   CHECK_VK(sync_host_signal(s, timeline, 5));
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS), VK_SUCCESS);
   CHECK(sync_words_are(words, 64, 0x61000005u, s->label));

   CHECK_VK(vkResetFences(s->device, 1, &fence));
   CHECK_VK(sync_submit(s->queues[0], cmds[1], timeline, 7, VK_NULL_HANDLE, 0, fence));
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
   CHECK_VK(sync_host_signal(s, timeline, 10));
   CHECK_RESULT(sync_poll_fence(s, fence), VK_SUCCESS);
   CHECK(sync_words_are(words + 64, 64, 0x61000007u, s->label));
   ok = true;
done:
   sync_release_timeline(s, timeline, 10);
   sync_drain(s);
   vkDestroySemaphore(s->device, timeline, NULL);
   vkDestroyFence(s->device, fence, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* The device signals values 1 ... 32 of T, one submit each (no fences), the host waits for
 * each in turn (alternating vkWaitSemaphores and counter polling), then for all of them at
 * once. Then the any/all trap: A is signalled by a free submit, B by one gated on a host
 * timeline H: any succeeds, all times out until the host signals H. */
static bool
timeline_device_signals(struct sync_side *s)
{
   enum { N = 32 };
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[N];
   VkSemaphore t = VK_NULL_HANDLE, a = VK_NULL_HANDLE, b = VK_NULL_HANDLE, h = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 4 * N, &buf));
   CHECK_VK(sync_pool(s, 0, N, &pool, cmds));
   CHECK_VK(sync_timeline_semaphore(s, 0, &t));
   CHECK_VK(sync_timeline_semaphore(s, 0, &a));
   CHECK_VK(sync_timeline_semaphore(s, 0, &b));
   CHECK_VK(sync_timeline_semaphore(s, 0, &h));
   for (uint32_t i = 0; i < N; i++)
      CHECK_VK(sync_record_fill(cmds[i], buf.buffer, 4 * i, 4, 0x62000000u + i));
   const uint32_t *words = buf.data;

   for (int round = 0; round < 3; round++) {
      memset(buf.data, 0, buf.size);
      uint64_t base = (uint64_t)round * N;
      for (uint32_t i = 0; i < N; i++)
         CHECK_VK(sync_submit(s->queues[0], cmds[i], VK_NULL_HANDLE, 0, t, base + i + 1,
                              VK_NULL_HANDLE));
      if (round == 0) {
         /* Each value in turn. */
         for (uint32_t i = 0; i < N; i++) {
            uint64_t v = base + i + 1;
            if (i % 2) {
               CHECK_RESULT(wait_values(s, 1, &t, &v, false, SYNC_TIMEOUT_NS), VK_SUCCESS);
            } else {
               uint64_t deadline = sync_now_ns() + SYNC_TIMEOUT_NS, value = 0;
               for (;;) {
                  CHECK_VK(vkGetSemaphoreCounterValue(s->device, t, &value));
                  if (value >= v || sync_now_ns() > deadline)
                     break;
                  sync_sleep_us(20);
               }
               CHECK(value >= v);
            }
            CHECK(words[i] == 0x62000000u + i);
         }
      } else if (round == 1) {
         /* All at once: the same semaphore listed with several values. */
         const VkSemaphore sems[3] = {t, t, t};
         const uint64_t values[3] = {base + 1, base + N / 2, base + N};
         CHECK_RESULT(wait_values(s, 3, sems, values, false, SYNC_TIMEOUT_NS), VK_SUCCESS);
      } else {
         /* Counter polling alone, for the last value. */
         uint64_t deadline = sync_now_ns() + SYNC_TIMEOUT_NS, value = 0;
         for (;;) {
            CHECK_VK(vkGetSemaphoreCounterValue(s->device, t, &value));
            if (value >= base + N || sync_now_ns() > deadline)
               break;
            sync_sleep_us(20);
         }
         CHECK(value == base + N);
      }
      for (uint32_t i = 0; i < N; i++)
         CHECK(words[i] == 0x62000000u + i);
   }

   /* Any / all. */
   CHECK_VK(sync_submit(s->queues[0], VK_NULL_HANDLE, VK_NULL_HANDLE, 0, a, 1, VK_NULL_HANDLE));
   CHECK_VK(sync_submit(s->queues[0], VK_NULL_HANDLE, h, 1, b, 1, VK_NULL_HANDLE));
   const VkSemaphore ab[2] = {a, b};
   const uint64_t ones[2] = {1, 1};
   CHECK_RESULT(wait_values(s, 2, ab, ones, true, SYNC_TIMEOUT_NS), VK_SUCCESS);
   CHECK_RESULT(wait_values(s, 1, &a, ones, false, SYNC_TIMEOUT_NS), VK_SUCCESS);
   CHECK_RESULT(wait_values(s, 2, ab, ones, false, SYNC_MS_NS), VK_TIMEOUT);
   CHECK_RESULT(wait_values(s, 2, ab, ones, false, 0), VK_TIMEOUT);
   uint64_t value = 7;
   CHECK_VK(vkGetSemaphoreCounterValue(s->device, b, &value));
   CHECK(value == 0);
   CHECK_VK(sync_host_signal(s, h, 1));
   CHECK_RESULT(wait_values(s, 2, ab, ones, false, SYNC_TIMEOUT_NS), VK_SUCCESS);
   CHECK_VK(vkGetSemaphoreCounterValue(s->device, b, &value));
   CHECK(value == 1);
   ok = true;
done:
   sync_release_timeline(s, h, 1);
   sync_drain(s);
   vkDestroySemaphore(s->device, t, NULL);
   vkDestroySemaphore(s->device, a, NULL);
   vkDestroySemaphore(s->device, b, NULL);
   vkDestroySemaphore(s->device, h, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* A device-to-device timeline dependency gated on the host: submit 1 waits on H = 1 and
 * signals T = 3; submit 2 waits on T = 3 and signals T = 4. Nothing moves until the host
 * signals H; then T reaches 4, read with vkGetSemaphoreCounterValue alone. */
static bool
timeline_chain_counter(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkSemaphore t = VK_NULL_HANDLE, h = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 512, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_timeline_semaphore(s, 0, &t));
   CHECK_VK(sync_timeline_semaphore(s, 0, &h));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 256, 0x63000003u));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 256, 256, 0x63000004u));
   memset(buf.data, 0, buf.size);
   CHECK_VK(sync_submit(s->queues[0], cmds[0], h, 1, t, 3, VK_NULL_HANDLE));
   CHECK_VK(sync_submit(s->queues[0], cmds[1], t, 3, t, 4, VK_NULL_HANDLE));
   uint64_t value = 9, four = 4;
   CHECK_VK(vkGetSemaphoreCounterValue(s->device, t, &value));
   CHECK(value == 0);
   CHECK_RESULT(wait_values(s, 1, &t, &four, false, SYNC_MS_NS), VK_TIMEOUT);
   CHECK_VK(sync_host_signal(s, h, 1));
   uint64_t deadline = sync_now_ns() + SYNC_TIMEOUT_NS;
   for (;;) {
      CHECK_VK(vkGetSemaphoreCounterValue(s->device, t, &value));
      if (value >= 4 || sync_now_ns() > deadline)
         break;
      sync_sleep_us(20);
   }
   CHECK(value == 4);
   const uint32_t *words = buf.data;
   CHECK(sync_words_are(words, 64, 0x63000003u, s->label));
   CHECK(sync_words_are(words + 64, 64, 0x63000004u, s->label));
   ok = true;
done:
   sync_release_timeline(s, h, 1);
   sync_drain(s);
   vkDestroySemaphore(s->device, t, NULL);
   vkDestroySemaphore(s->device, h, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

int
main(void)
{
   static const struct sync_test tests[] = {
      {"binary semaphores, one queue", binary_one_queue, false},
      {"binary semaphores, one queue, two threads", binary_one_queue_threads, false},
      {"binary semaphores between two queues, both directions, threads", binary_two_queues,
       false},
      {"timeline: wait before host signal", timeline_wait_before_signal, false},
      {"timeline: device signals, host waits all / any / polls", timeline_device_signals,
       false},
      {"timeline: host-gated chain, counter polling", timeline_chain_counter, false},
   };
   return SYNC_RUN_TESTS(tests);
}
