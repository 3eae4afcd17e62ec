/* SPDX-License-Identifier: MIT */
/* Issue 9's sync core hazards, on the vendor directly and on Kronos, each scenario under the
 * watchdog of sync_common (a hang fails the program):
 *  - a host call on another thread while vkQueueWaitIdle waits on work that only that host
 *    call can release: vkSetEvent (the queue waits on the event), vkGetEventStatus polling and
 *    vkWaitSemaphores / vkGetFenceStatus / vkGetQueryPoolResults without waiting (the queue
 *    waits on a host-signalled timeline). Kronos used to hold the queue's submit lock across
 *    the vendor's wait idle, and these calls took it: a deadlock.
 *  - a vendor submit that fails (the device's allocation callbacks refuse, so the vendor
 *    returns VK_ERROR_OUT_OF_HOST_MEMORY): at the call when Kronos flushes there, as the
 *    vendor does; else on every wait on the lost work and once on vkQueueWaitIdle, never as
 *    success; a submit that waits on a binary semaphore whose signal was lost fails instead of
 *    hanging. Kronos used to report VK_SUCCESS and let the work vanish.
 *  - a stress run of host observers racing wait idle and submits on other threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_common.h"

#define RELEASE_DELAY_US 50000u

/* --- a thread that waits idle -------------------------------------------------------------- */

struct idle_waiter {
   pthread_t thread;
   struct sync_side *side;
   bool device; /* vkDeviceWaitIdle instead of vkQueueWaitIdle */
   VkResult result;
   atomic_bool done;
};

static void *
idle_waiter_main(void *arg)
{
   struct idle_waiter *w = arg;
   w->result = w->device ? vkDeviceWaitIdle(w->side->device) : vkQueueWaitIdle(w->side->queues[0]);
   atomic_store(&w->done, true);
   return NULL;
}

static bool
idle_waiter_start(struct idle_waiter *w, struct sync_side *s, bool device)
{
   memset(w, 0, sizeof(*w));
   w->side = s;
   w->device = device;
   if (pthread_create(&w->thread, NULL, idle_waiter_main, w) != 0) {
      fprintf(stderr, "cannot start a thread\n");
      return false;
   }
   sync_sleep_us(RELEASE_DELAY_US); /* let it reach the vendor's wait */
   return true;
}

/* Issue 9, 1a: the queue waits on an event; one thread waits idle, this one sets the event. */
static bool
wait_idle_then_set_event(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   VkEvent event = VK_NULL_HANDLE;
   struct idle_waiter waiter;
   bool started = false;
   CHECK_VK(sync_buffer_create(s, 4, &buf));
   CHECK_VK(sync_pool(s, 0, 1, &pool, &cmd));
   CHECK_VK(sync_event(s, &event));
   for (int device = 0; device < 2; device++) {
      *(volatile uint32_t *)buf.data = 0;
      CHECK_VK(vkResetEvent(s->device, event));
      CHECK_VK(sync_record_event_wait_fill(cmd, event, buf.buffer, 0xe0e0u + (uint32_t)device));
      CHECK_VK(it_submit(s->queues[0], 1, &cmd, VK_NULL_HANDLE));
      CHECK(started = idle_waiter_start(&waiter, s, device));
      CHECK(!atomic_load(&waiter.done)); /* the queue waits on the event */
      CHECK_VK(vkSetEvent(s->device, event));
      pthread_join(waiter.thread, NULL);
      started = false;
      CHECK_VK(waiter.result);
      CHECK(*(volatile uint32_t *)buf.data == 0xe0e0u + (uint32_t)device);
   }
   ok = true;
done:
   if (started) {
      vkSetEvent(s->device, event);
      pthread_join(waiter.thread, NULL);
   }
   sync_drain(s);
   vkDestroyEvent(s->device, event, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* A query pool of one timestamp, or VK_NULL_HANDLE where the queue has no timestamps. */
static VkResult
timestamp_pool(struct sync_side *s, VkQueryPool *pool)
{
   *pool = VK_NULL_HANDLE;
   if (s->timestamp_bits[0] == 0)
      return VK_SUCCESS;
   const VkQueryPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 1,
   };
   VkResult result = vkCreateQueryPool(s->device, &info, NULL, pool);
   if (result == VK_SUCCESS)
      vkResetQueryPool(s->device, *pool, 0, 1);
   return result;
}

/* Records: fill, set the event, write the timestamp (if any). */
static VkResult
record_fill_set_event(VkCommandBuffer cmd, VkBuffer buffer, uint32_t value, VkEvent event,
                      VkQueryPool queries)
{
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdFillBuffer(cmd, buffer, 0, 4, value);
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                        &barrier, 0, NULL, 0, NULL);
   vkCmdSetEvent(cmd, event, VK_PIPELINE_STAGE_TRANSFER_BIT);
   if (queries)
      vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries, 0);
   return vkEndCommandBuffer(cmd);
}

/* Issue 9, 1b and 1c: the queue waits on a host-signalled timeline; one thread waits idle
 * (queue, then device), this one asks every host question that must not wait meanwhile, then
 * signals the timeline. (Not vkGetQueryPoolResults: lavapipe's waits for the queue even
 * without VK_QUERY_RESULT_WAIT_BIT; the stress test below races it with queues that move.) */
static bool
wait_idle_then_host_queries(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   VkEvent event = VK_NULL_HANDLE;
   VkSemaphore timeline = VK_NULL_HANDLE;
   VkFence fence = VK_NULL_HANDLE;
   struct idle_waiter waiter;
   bool started = false;
   uint64_t released = 0;
   CHECK_VK(sync_buffer_create(s, 4, &buf));
   CHECK_VK(sync_pool(s, 0, 1, &pool, &cmd));
   CHECK_VK(sync_event(s, &event));
   CHECK_VK(sync_timeline_semaphore(s, 0, &timeline));
   CHECK_VK(sync_fence(s, false, &fence));
   for (uint64_t round = 1; round <= 2; round++) {
      *(volatile uint32_t *)buf.data = 0;
      CHECK_VK(vkResetEvent(s->device, event));
      CHECK_VK(vkResetFences(s->device, 1, &fence));
      CHECK_VK(record_fill_set_event(cmd, buf.buffer, 0xf00du + (uint32_t)round, event,
                                     VK_NULL_HANDLE));
      CHECK_VK(sync_submit(s->queues[0], cmd, timeline, round, VK_NULL_HANDLE, 0, fence));
      CHECK(started = idle_waiter_start(&waiter, s, round == 2));
      /* None of these may wait behind the wait idle, nor see the work done. */
      for (int i = 0; i < 20; i++) {
         CHECK_RESULT(vkGetEventStatus(s->device, event), VK_EVENT_RESET);
         const VkSemaphoreWaitInfo wait = {
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
            .semaphoreCount = 1,
            .pSemaphores = &timeline,
            .pValues = &round,
         };
         CHECK_RESULT(vkWaitSemaphores(s->device, &wait, 0), VK_TIMEOUT);
         uint64_t counter = 0;
         CHECK_VK(vkGetSemaphoreCounterValue(s->device, timeline, &counter));
         CHECK(counter == round - 1);
         CHECK_RESULT(vkGetFenceStatus(s->device, fence), VK_NOT_READY);
         sync_sleep_us(1000);
      }
      CHECK(!atomic_load(&waiter.done));
      CHECK_VK(sync_host_signal(s, timeline, round));
      released = round;
      pthread_join(waiter.thread, NULL);
      started = false;
      CHECK_VK(waiter.result);
      CHECK(*(volatile uint32_t *)buf.data == 0xf00du + (uint32_t)round);
      CHECK_RESULT(vkGetEventStatus(s->device, event), VK_EVENT_SET);
      CHECK_VK(vkGetFenceStatus(s->device, fence));
   }
   ok = true;
done:
   if (started) {
      sync_release_timeline(s, timeline, released + 1);
      pthread_join(waiter.thread, NULL);
   }
   sync_release_timeline(s, timeline, 2);
   sync_drain(s);
   vkDestroyFence(s->device, fence, NULL);
   vkDestroySemaphore(s->device, timeline, NULL);
   vkDestroyEvent(s->device, event, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* --- vendor failures ------------------------------------------------------------------------ */

/* Issue 9, 2: a submit on an idle queue reaches the vendor at once (Kronos flushes it in the
 * call), so a refusal is the call's result, as on the vendor; the work never runs, its fence
 * stays unsignalled, and the queue goes on working. */
static bool
refused_submit_reported_at_call(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkFence fence = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 4, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fence));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 1));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 0, 4, 2));
   CHECK_VK(sync_warm_up(s, cmds[0], fence));

   sync_refuse_allocations(true);
   VkResult refused = it_submit(s->queues[0], 1, &cmds[1], fence);
   sync_refuse_allocations(false);
   if (!sync_refusal_seen(s, refused)) {
      ok = true;
      goto done;
   }
   CHECK_RESULT(refused, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_VK(vkQueueWaitIdle(s->queues[0])); /* told at the call: not again */
   CHECK_RESULT(vkGetFenceStatus(s->device, fence), VK_NOT_READY);
   CHECK(*(volatile uint32_t *)buf.data == 1);

   CHECK_VK(it_submit(s->queues[0], 1, &cmds[1], fence));
   CHECK_VK(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS));
   CHECK(*(volatile uint32_t *)buf.data == 2);
   ok = true;
done:
   sync_refuse_allocations(false);
   sync_drain(s);
   vkDestroyFence(s->device, fence, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* Issue 9, 2: submits held in a batch are flushed by a wait, and the vendor refuses the
 * flush: every wait on that work reports the vendor's error (not VK_SUCCESS, not
 * VK_ERROR_DEVICE_LOST: the device is not lost), work flushed before it is unaffected,
 * vkQueueWaitIdle reports it once, and the queue goes on working. */
static bool
refused_flush_reported_on_waits(struct sync_side *s)
{
   if (!sync_refusal_possible(s) || !sync_observed_batching(s))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[3];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkKronosDeviceStatistics before, after;
   CHECK_VK(sync_buffer_create(s, 8, &buf));
   CHECK_VK(sync_pool(s, 0, 3, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 1));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 4, 4, 2));
   CHECK_VK(sync_record_fill(cmds[2], buf.buffer, 4, 4, 3));
   CHECK_VK(sync_warm_up(s, cmds[0], fences[0]));
   memset(buf.data, 0, 8);

   /* The first submit on the idle queue goes to the vendor at once; the second waits in the
    * batch, the first not being known complete. */
   CHECK_VK(it_device_statistics(s->device, &before));
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], fences[0]));
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[1], fences[1]));
   CHECK_VK(it_device_statistics(s->device, &after));
   CHECK(after.vendor_submits == before.vendor_submits + 1);

   sync_refuse_allocations(true);
   VkResult lost = vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_TIMEOUT_NS);
   sync_refuse_allocations(false);
   CHECK_RESULT(lost, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_TIMEOUT_NS),
                VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[1]), VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_VK(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS));
   CHECK_RESULT(vkQueueWaitIdle(s->queues[0]), VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   CHECK_VK(vkDeviceWaitIdle(s->device));
   CHECK(((volatile uint32_t *)buf.data)[0] == 1);
   CHECK(((volatile uint32_t *)buf.data)[1] == 0); /* lost: never ran */

   CHECK_VK(vkResetFences(s->device, 1, &fences[1]));
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[2], fences[1]));
   CHECK_VK(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_TIMEOUT_NS));
   CHECK(((volatile uint32_t *)buf.data)[1] == 3);
   ok = true;
done:
   sync_refuse_allocations(false);
   sync_drain(s);
   vkDestroyFence(s->device, fences[0], NULL);
   vkDestroyFence(s->device, fences[1], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* Issue 9, 2: a binary semaphore whose signal was in a refused flush is never signalled: a
 * submit that waits on it fails with the flush's error instead of hanging on the vendor. */
static bool
wait_on_lost_signal_fails(struct sync_side *s)
{
   if (!sync_refusal_possible(s) || !sync_observed_batching(s))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkSemaphore semaphore = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 4, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_binary_semaphore(s, &semaphore));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 1));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 0, 4, 2));
   CHECK_VK(sync_warm_up(s, cmds[0], fences[0]));

   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], fences[0]));        /* flushed: idle */
   CHECK_VK(sync_submit(s->queues[0], cmds[0], VK_NULL_HANDLE, 0, semaphore, 0, fences[1]));
   sync_refuse_allocations(true);
   VkResult lost = vkGetFenceStatus(s->device, fences[1]);
   sync_refuse_allocations(false);
   CHECK_RESULT(lost, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_VK(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS));
   CHECK_VK(vkResetFences(s->device, 1, &fences[0]));
   CHECK_RESULT(sync_submit(s->queues[0], cmds[1], semaphore, 0, VK_NULL_HANDLE, 0, fences[0]),
                VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(vkQueueWaitIdle(s->queues[0]), VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   ok = true;
done:
   sync_refuse_allocations(false);
   sync_drain(s);
   vkDestroySemaphore(s->device, semaphore, NULL);
   vkDestroyFence(s->device, fences[0], NULL);
   vkDestroyFence(s->device, fences[1], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* Issue 9: destroying, freeing or resetting objects while a batch is pending does not flush it
 * (a valid program destroys only what no pending work uses, having observed that work's
 * completion, which flushed): an application that streams allocations keeps its batching. The
 * objects here are unrelated to the pending submit; the batch reaches the vendor only at the
 * wait, and its result is right. */
static bool
destroys_leave_the_batch_alone(struct sync_side *s)
{
   if (!sync_observed_batching(s))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0}, scratch = {0};
   VkCommandPool pool = VK_NULL_HANDLE, other_pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2], other[2];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkFence spare_fence = VK_NULL_HANDLE;
   VkSemaphore spare_semaphore = VK_NULL_HANDLE;
   VkEvent spare_event = VK_NULL_HANDLE;
   VkKronosDeviceStatistics before, after;
   CHECK_VK(sync_buffer_create(s, 8, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 11));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 4, 4, 12));
   CHECK_VK(sync_warm_up(s, cmds[0], fences[0]));
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], fences[0])); /* flushed: idle */
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[1], fences[1])); /* pending */
   CHECK_VK(it_device_statistics(s->device, &before));

   CHECK_VK(sync_buffer_create(s, 64, &scratch));
   it_host_buffer_destroy(s->device, &scratch); /* vkDestroyBuffer, vkFreeMemory */
   CHECK_VK(sync_pool(s, 0, 2, &other_pool, other));
   vkFreeCommandBuffers(s->device, other_pool, 1, &other[0]);
   CHECK_VK(vkResetCommandPool(s->device, other_pool, 0));
   vkDestroyCommandPool(s->device, other_pool, NULL);
   other_pool = VK_NULL_HANDLE;
   CHECK_VK(sync_fence(s, false, &spare_fence));
   vkDestroyFence(s->device, spare_fence, NULL);
   spare_fence = VK_NULL_HANDLE;
   CHECK_VK(sync_binary_semaphore(s, &spare_semaphore));
   vkDestroySemaphore(s->device, spare_semaphore, NULL);
   spare_semaphore = VK_NULL_HANDLE;
   CHECK_VK(sync_event(s, &spare_event));
   vkDestroyEvent(s->device, spare_event, NULL);
   spare_event = VK_NULL_HANDLE;

   CHECK_VK(it_device_statistics(s->device, &after));
   CHECK(after.vendor_submits == before.vendor_submits);
   CHECK_VK(vkWaitForFences(s->device, 2, fences, VK_TRUE, SYNC_TIMEOUT_NS));
   CHECK_VK(it_device_statistics(s->device, &after));
   CHECK(after.vendor_submits == before.vendor_submits + 1);
   CHECK(((volatile uint32_t *)buf.data)[0] == 11);
   CHECK(((volatile uint32_t *)buf.data)[1] == 12);
   ok = true;
done:
   sync_drain(s);
   vkDestroyEvent(s->device, spare_event, NULL);
   vkDestroySemaphore(s->device, spare_semaphore, NULL);
   vkDestroyFence(s->device, spare_fence, NULL);
   vkDestroyFence(s->device, fences[0], NULL);
   vkDestroyFence(s->device, fences[1], NULL);
   vkDestroyCommandPool(s->device, other_pool, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &scratch);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* --- stress: host observers racing wait idle and submits on other threads ------------------ */

#define STRESS_ROUNDS 1500
#define STRESS_WORDS 64

struct stress {
   struct sync_side *side;
   VkEvent set_by_gpu, set_by_host;
   VkSemaphore timeline;
   VkFence observed_fence;
   VkQueryPool queries;
   atomic_bool stop;
   atomic_uint errors;
   atomic_uint observations;
};

static void
stress_error(struct stress *st, const char *what, VkResult result)
{
   if (atomic_fetch_add(&st->errors, 1) < 5)
      fprintf(stderr, "  %s: %s returned %s\n", st->side->label, what, it_result_name(result));
}

/* Asks every host question that observes the queues, without waiting, in a loop. */
static void *
observer_main(void *arg)
{
   struct stress *st = arg;
   VkDevice device = st->side->device;
   while (!atomic_load(&st->stop)) {
      VkResult r = vkGetEventStatus(device, st->set_by_gpu);
      if (r != VK_EVENT_SET && r != VK_EVENT_RESET)
         stress_error(st, "vkGetEventStatus", r);
      uint64_t value = UINT64_MAX;
      const VkSemaphoreWaitInfo wait = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
         .semaphoreCount = 1,
         .pSemaphores = &st->timeline,
         .pValues = &value,
      };
      r = vkWaitSemaphores(device, &wait, 0);
      if (r != VK_TIMEOUT)
         stress_error(st, "vkWaitSemaphores (timeout 0)", r);
      r = vkGetFenceStatus(device, st->observed_fence);
      if (r != VK_SUCCESS && r != VK_NOT_READY)
         stress_error(st, "vkGetFenceStatus", r);
      if (st->queries) {
         uint64_t stamp[2];
         r = vkGetQueryPoolResults(device, st->queries, 0, 1, sizeof(stamp), stamp, sizeof(stamp),
                                   VK_QUERY_RESULT_64_BIT |
                                      VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
         if (r != VK_SUCCESS && r != VK_NOT_READY)
            stress_error(st, "vkGetQueryPoolResults", r);
      }
      atomic_fetch_add(&st->observations, 1);
   }
   return NULL;
}

/* Sets the event the submitter's odd rounds wait on, after a little while, until stopped. */
static void *
host_setter_main(void *arg)
{
   struct stress *st = arg;
   while (!atomic_load(&st->stop)) {
      sync_sleep_us(200);
      VkResult r = vkSetEvent(st->side->device, st->set_by_host);
      if (r != VK_SUCCESS)
         stress_error(st, "vkSetEvent", r);
   }
   return NULL;
}

/* A queue's work for one stress thread: STRESS_ROUNDS rounds of fills (odd rounds behind a
 * host-set event), each ended by a wait: queue idle, device idle (queue 0 only, which alone
 * may use the whole device when there is one queue) or a fence. */
struct stress_queue {
   struct stress *st;
   uint32_t q;
   VkCommandPool pool;
   VkCommandBuffer cmds[2];
   struct it_host_buffer buf;
   VkFence fence;
   bool ok;
   pthread_t thread;
};

static bool
stress_queue_run(struct stress_queue *sq)
{
   struct stress *st = sq->st;
   struct sync_side *s = st->side;
   VkQueue queue = s->queues[sq->q];
   const uint32_t *words = sq->buf.data;
   for (uint32_t round = 0; round < STRESS_ROUNDS; round++) {
      uint32_t value = 0x51000000u + sq->q * 0x10000u + round;
      bool behind_event = round % 2 == 1;
      VkCommandBuffer cmd = sq->cmds[round % 2];
      if (behind_event) {
         /* The previous round's wait on it completed: the host may reset it, and the setter
          * thread sets it again a little later. */
         VkResult reset = vkResetEvent(s->device, st->set_by_host);
         if (reset != VK_SUCCESS) {
            stress_error(st, "vkResetEvent", reset);
            return false;
         }
         if (sync_record_event_wait_fill(cmd, st->set_by_host, sq->buf.buffer, value) != VK_SUCCESS)
            return false;
      } else if (sync_record_fill(cmd, sq->buf.buffer, 0, 4 * STRESS_WORDS, value) !=
                 VK_SUCCESS) {
         return false;
      }
      VkFence fence = round % 3 == 2 ? sq->fence : VK_NULL_HANDLE;
      VkResult r = it_submit(queue, 1, &cmd, fence);
      if (r != VK_SUCCESS) {
         stress_error(st, "vkQueueSubmit", r);
         return false;
      }
      if (fence) {
         r = vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS);
         if (r == VK_SUCCESS)
            r = vkResetFences(s->device, 1, &fence);
      } else if (round % 3 == 1 && s->queue_count == 1) {
         r = vkDeviceWaitIdle(s->device);
      } else {
         r = vkQueueWaitIdle(queue);
      }
      if (r != VK_SUCCESS) {
         stress_error(st, "the round's wait", r);
         return false;
      }
      if (words[0] != value || (!behind_event && words[STRESS_WORDS - 1] != value)) {
         fprintf(stderr, "  %s: queue %u round %u read %#x, expected %#x\n", s->label, sq->q,
                 round, words[0], value);
         return false;
      }
   }
   return true;
}

static void *
stress_queue_main(void *arg)
{
   struct stress_queue *sq = arg;
   sq->ok = stress_queue_run(sq);
   return NULL;
}

static bool
observers_race_wait_idle(struct sync_side *s)
{
   bool ok = false;
   struct stress st = {.side = s};
   struct stress_queue queues[SYNC_MAX_QUEUES];
   memset(queues, 0, sizeof(queues));
   pthread_t observer, setter;
   bool observing = false, setting = false;
   uint32_t started = 0;
   VkCommandPool gpu_pool = VK_NULL_HANDLE;
   VkCommandBuffer gpu_cmd;
   struct it_host_buffer gpu_buf = {0};
   CHECK_VK(sync_event(s, &st.set_by_gpu));
   CHECK_VK(sync_event(s, &st.set_by_host));
   CHECK_VK(sync_timeline_semaphore(s, 0, &st.timeline));
   CHECK_VK(sync_fence(s, false, &st.observed_fence));
   CHECK_VK(timestamp_pool(s, &st.queries));
   /* What the observer watches: a submit that sets an event, signals a fence and writes a
    * timestamp, made once while the others run. */
   CHECK_VK(sync_buffer_create(s, 4, &gpu_buf));
   CHECK_VK(sync_pool(s, 0, 1, &gpu_pool, &gpu_cmd));
   CHECK_VK(record_fill_set_event(gpu_cmd, gpu_buf.buffer, 7, st.set_by_gpu, st.queries));
   for (uint32_t q = 0; q < s->queue_count; q++) {
      queues[q].st = &st;
      queues[q].q = q;
      CHECK_VK(sync_buffer_create(s, 4 * STRESS_WORDS, &queues[q].buf));
      CHECK_VK(sync_pool(s, q, 2, &queues[q].pool, queues[q].cmds));
      CHECK_VK(sync_fence(s, false, &queues[q].fence));
   }
   CHECK(pthread_create(&observer, NULL, observer_main, &st) == 0);
   observing = true;
   CHECK(pthread_create(&setter, NULL, host_setter_main, &st) == 0);
   setting = true;
   for (uint32_t q = 0; q < s->queue_count; q++) {
      if (q == 0) {
         /* Queue 0's thread makes the observed submit first (it owns the queue). */
         CHECK_VK(it_submit(s->queues[0], 1, &gpu_cmd, st.observed_fence));
      }
      CHECK(pthread_create(&queues[q].thread, NULL, stress_queue_main, &queues[q]) == 0);
      started++;
   }
   ok = true;
done:
   for (uint32_t q = 0; q < started; q++) {
      pthread_join(queues[q].thread, NULL);
      ok &= queues[q].ok;
   }
   atomic_store(&st.stop, true);
   if (observing)
      pthread_join(observer, NULL);
   if (setting)
      pthread_join(setter, NULL);
   if (ok) {
      ok = atomic_load(&st.errors) == 0 && atomic_load(&st.observations) > 0;
      if (ok && vkGetEventStatus(s->device, st.set_by_gpu) != VK_EVENT_SET)
         ok = false;
      printf("  %s: %u queue(s) x %u rounds, %u observations, %u errors\n", s->label,
             s->queue_count, STRESS_ROUNDS, atomic_load(&st.observations),
             atomic_load(&st.errors));
   }
   sync_drain(s);
   for (uint32_t q = 0; q < s->queue_count; q++) {
      vkDestroyFence(s->device, queues[q].fence, NULL);
      vkDestroyCommandPool(s->device, queues[q].pool, NULL);
      it_host_buffer_destroy(s->device, &queues[q].buf);
   }
   vkDestroyCommandPool(s->device, gpu_pool, NULL);
   it_host_buffer_destroy(s->device, &gpu_buf);
   vkDestroyQueryPool(s->device, st.queries, NULL);
   vkDestroyFence(s->device, st.observed_fence, NULL);
   vkDestroySemaphore(s->device, st.timeline, NULL);
   vkDestroyEvent(s->device, st.set_by_host, NULL);
   vkDestroyEvent(s->device, st.set_by_gpu, NULL);
   return ok;
}

static const struct sync_test tests[] = {
   {"vkQueueWaitIdle/vkDeviceWaitIdle on one thread, vkSetEvent releasing it on another",
    wait_idle_then_set_event, false},
   {"wait idle on one thread, event status, semaphore and fence reads on another",
    wait_idle_then_host_queries, false},
   {"a vendor refusal of a submit flushed in the call is that call's result",
    refused_submit_reported_at_call, false},
   {"a refused flush is reported by every wait on its work and once by wait idle",
    refused_flush_reported_on_waits, true},
   {"a wait on a binary semaphore whose signal was lost fails, not hangs",
    wait_on_lost_signal_fails, true},
   {"destroying and freeing unrelated objects leaves a pending batch alone",
    destroys_leave_the_batch_alone, true},
   {"host observers racing wait idle and submits on other threads",
    observers_race_wait_idle, false},
};

int
main(void)
{
   return SYNC_RUN_TESTS(tests);
}
