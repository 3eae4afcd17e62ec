/* SPDX-License-Identifier: MIT */
/* Work the vendor refused (the device's allocation callbacks refuse, so the vendor's submit
 * returns VK_ERROR_OUT_OF_HOST_MEMORY), on the vendor directly and on Kronos, each scenario
 * under sync_common's watchdog. From the reviewer's reproducers of the issue 9 review
 * (lost_timeline_signal_hangs, lost_fence_signalled, refused_submit_eats_wait):
 *  - an application timeline signal in an accepted submit whose flush the vendor refused:
 *    waits on the value (vkWaitSemaphores, a submit's wait) return the vendor's error instead
 *    of waiting forever; a new host signal makes the value good again.
 *  - a fence whose work was lost never reads as signalled, even after vkQueueWaitIdle
 *    reported the loss; a reset makes it usable again.
 *  - a vkQueueSubmit that returns a refusal leaves its binary semaphore wait pending: the
 *    retry still waits (Kronos used to drop the wait, logging "no signal submitted").
 * From the second reviewer's (lost_signal_ninth_hangs, refused_signal_forgets_loss,
 * wait_any_point_fence_loss):
 *  - every lost signal of a refused flush is reported, however many timelines it signals
 *    (Kronos used to drop those past the eight its list reserved: their waits hung).
 *  - a refused vkQueueSubmit signalling a timeline leaves the timeline's earlier lost signal
 *    reported (Kronos used to forget it when it appended the refused submit).
 *  - vkWaitForFences for any, over a fence whose work was lost and a good one, returns
 *    VK_SUCCESS when the good one signals, as on the vendor (Kronos used to return the loss).
 * On the vendor the refusal is the call's result. Each scenario needs Kronos's batch settings
 * to be the ones that reach the path (skipped on Kronos otherwise): the default ones; a time
 * bound of 1 s (an observation flushes: the lost fence and the second reviewer's three); a time
 * bound of 0 (every submit flushed in its call). tests/integration/meson.build runs the program
 * under each. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_common.h"

/* A wait expected to end in an error: a hang shows as VK_TIMEOUT after this. */
#define LOSS_TIMEOUT_NS (2000ull * SYNC_MS_NS)

static VkResult
wait_timeline(struct sync_side *s, VkSemaphore timeline, uint64_t value, uint64_t timeout)
{
   const VkSemaphoreWaitInfo wait = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .semaphoreCount = 1,
      .pSemaphores = &timeline,
      .pValues = &value,
   };
   return vkWaitSemaphores(s->device, &wait, timeout);
}

/* lost_timeline_signal_hangs (default settings): the queue is busy (its work waits on an
 * event), so Kronos accepts a submit signalling an application timeline into a batch; the
 * flusher's flush of it is refused. Kronos used to leave the value unsignalled and unreported:
 * vkWaitSemaphores waited out its timeout, a submit waiting on it hung its queue. */
static bool
lost_timeline_signal_reported(struct sync_side *s)
{
   bool defaults = !sync_setting("KRONOS_DISABLE") &&
                   !sync_setting("KRONOS_BATCH_TIME_BOUND_US") &&
                   !sync_setting("KRONOS_BATCH_LIMIT");
   if (!sync_settings_in_force(s, defaults, "the default batch settings"))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[3];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkSemaphore timeline = VK_NULL_HANDLE;
   VkEvent event = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 12, &buf));
   CHECK_VK(sync_pool(s, 0, 3, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_timeline_semaphore(s, 0, &timeline));
   CHECK_VK(sync_event(s, &event));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 4, 4, 2));
   CHECK_VK(sync_record_fill(cmds[2], buf.buffer, 8, 4, 3));
   for (uint64_t i = 0; i < 4; i++) /* warm up the signal path too */
      CHECK_VK(sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, timeline, 100 + i,
                           VK_NULL_HANDLE));
   CHECK_VK(sync_warm_up(s, cmds[2], fences[0]));
   CHECK_VK(sync_record_event_wait_fill(cmds[0], event, buf.buffer, 1));
   memset(buf.data, 0, 12);

   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], fences[0])); /* at the vendor, on the event */
   sync_refuse_allocations(true);
   VkResult signal =
      sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, timeline, 200, VK_NULL_HANDLE);
   sync_sleep_us(100000); /* Kronos's flusher flushes the batch within its time bound: refused */
   sync_refuse_allocations(false);
   CHECK_VK(vkSetEvent(s->device, event));
   CHECK_VK(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS));
   if (!sync_refusal_seen(s, signal)) {
      ok = true;
      goto done;
   }
   if (!s->kronos) { /* the vendor: refused at the call, the application knows */
      CHECK_RESULT(signal, VK_ERROR_OUT_OF_HOST_MEMORY);
      ok = true;
      goto done;
   }
   CHECK_VK(signal); /* batched behind the busy queue: the loss comes later */

   CHECK_RESULT(wait_timeline(s, timeline, 200, LOSS_TIMEOUT_NS), VK_ERROR_OUT_OF_HOST_MEMORY);
   /* A submit waiting on the lost value fails, at the call or on its fence, never hangs. */
   VkResult waiter = sync_submit(s->queues[0], cmds[2], timeline, 200, VK_NULL_HANDLE, 0,
                                 fences[1]);
   if (waiter == VK_SUCCESS)
      waiter = vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, LOSS_TIMEOUT_NS);
   CHECK_RESULT(waiter, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK(((volatile uint32_t *)buf.data)[1] == 0); /* the lost work never ran */
   CHECK_RESULT(vkQueueWaitIdle(s->queues[0]), VK_ERROR_OUT_OF_HOST_MEMORY); /* once */
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));

   /* A new signal of the value replaces the lost one. */
   CHECK_VK(sync_host_signal(s, timeline, 200));
   CHECK_VK(wait_timeline(s, timeline, 200, SYNC_TIMEOUT_NS));
   ok = true;
done:
   sync_refuse_allocations(false);
   vkSetEvent(s->device, event);
   sync_release_timeline(s, timeline, 200);
   sync_drain(s);
   vkDestroyEvent(s->device, event, NULL);
   vkDestroySemaphore(s->device, timeline, NULL);
   vkDestroyFence(s->device, fences[0], NULL);
   vkDestroyFence(s->device, fences[1], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* lost_fence_signalled (KRONOS_BATCH_TIME_BOUND_US=1000000 KRONOS_BATCH_LIMIT=1000): a submit
 * held in the batch, flushed by a wait on its fence while the vendor refuses. Kronos used to
 * let vkQueueWaitIdle mark the lost work complete: the fence then read VK_SUCCESS. */
static bool
lost_fence_never_signalled(struct sync_side *s)
{
   if (!sync_observed_batching(s) || !sync_refusal_possible(s))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[3];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   CHECK_VK(sync_buffer_create(s, 8, &buf));
   CHECK_VK(sync_pool(s, 0, 3, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 1));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 4, 4, 2));
   CHECK_VK(sync_record_fill(cmds[2], buf.buffer, 4, 4, 3));
   CHECK_VK(sync_warm_up(s, cmds[0], fences[0]));
   memset(buf.data, 0, 8);

   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], fences[0])); /* flushed: idle */
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[1], fences[1])); /* Kronos: held in the batch */
   sync_refuse_allocations(true);
   VkResult lost = vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_TIMEOUT_NS);
   sync_refuse_allocations(false);
   if (!s->kronos) { /* the vendor took both at the call: nothing lost */
      CHECK_VK(lost);
      CHECK_VK(vkQueueWaitIdle(s->queues[0]));
      CHECK_VK(vkGetFenceStatus(s->device, fences[1]));
      CHECK(((volatile uint32_t *)buf.data)[1] == 2);
      ok = true;
      goto done;
   }
   CHECK_RESULT(lost, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(vkQueueWaitIdle(s->queues[0]), VK_ERROR_OUT_OF_HOST_MEMORY);
   /* After the wait idle that reported the loss, the fence still is not signalled. */
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, 0),
                VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[1]), VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[1]), VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK(((volatile uint32_t *)buf.data)[1] == 0); /* lost: never ran */

   /* Reset, the fence serves again. */
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

struct event_setter {
   VkDevice device;
   VkEvent event;
};

static void *
set_event_later(void *arg)
{
   struct event_setter *setter = arg;
   sync_sleep_us(200000);
   vkSetEvent(setter->device, setter->event);
   return NULL;
}

struct retry {
   VkQueue queue;
   VkCommandBuffer cmd;
   VkSemaphore wait;
   VkFence fence;
   VkResult result;
};

static void
retry_submit(void *arg)
{
   struct retry *r = arg;
   r->result = sync_submit(r->queue, r->cmd, r->wait, 0, VK_NULL_HANDLE, 0, r->fence);
}

/* Records: copy word 0 to word 1. */
static VkResult
record_copy(VkCommandBuffer cmd, VkBuffer buffer)
{
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   const VkBufferCopy region = {0, 4, 4};
   vkCmdCopyBuffer(cmd, buffer, buffer, 1, &region);
   return vkEndCommandBuffer(cmd);
}

/* refused_submit_eats_wait (KRONOS_BATCH_TIME_BOUND_US=0: every submit flushed in its call):
 * A, blocked on an event, signals a binary semaphore; B waits on it and is refused at the call;
 * the application retries B. A refused vkQueueSubmit leaves its semaphores as they were, so the
 * retry still waits on A. Kronos used to have consumed the wait in the refused call and
 * appended the retry without it ("a wait on a binary semaphore with no signal submitted"). On
 * one queue the retry runs after A anyway: the log shows the dropped wait. */
static bool
refused_submit_keeps_wait(struct sync_side *s)
{
   const char *bound = sync_setting("KRONOS_BATCH_TIME_BOUND_US");
   bool immediate = !sync_setting("KRONOS_DISABLE") && bound && strcmp(bound, "0") == 0;
   if (!sync_settings_in_force(s, immediate, "KRONOS_BATCH_TIME_BOUND_US=0 with batching on"))
      return true;
   bool ok = false, started = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkSemaphore semaphore = VK_NULL_HANDLE;
   VkEvent event = VK_NULL_HANDLE;
   pthread_t thread;
   CHECK_VK(sync_buffer_create(s, 8, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_binary_semaphore(s, &semaphore));
   CHECK_VK(sync_event(s, &event));
   CHECK_VK(record_copy(cmds[1], buf.buffer));
   for (int i = 0; i < 4; i++) { /* warm up the semaphore path */
      CHECK_VK(sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, semaphore, 0,
                           VK_NULL_HANDLE));
      CHECK_VK(sync_submit(s->queues[0], cmds[1], semaphore, 0, VK_NULL_HANDLE, 0, fences[1]));
      CHECK_VK(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_TIMEOUT_NS));
      CHECK_VK(vkResetFences(s->device, 1, &fences[1]));
   }
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   CHECK_VK(sync_record_event_wait_fill(cmds[0], event, buf.buffer, 1));
   memset(buf.data, 0, 8);

   CHECK_VK(sync_submit(s->queues[0], cmds[0], VK_NULL_HANDLE, 0, semaphore, 0, fences[0]));
   sync_refuse_allocations(true);
   VkResult refused = sync_submit(s->queues[0], cmds[1], semaphore, 0, VK_NULL_HANDLE, 0,
                                  fences[1]);
   sync_refuse_allocations(false);
   if (!sync_refusal_seen(s, refused)) {
      ok = true;
      goto done;
   }
   CHECK_RESULT(refused, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[1]), VK_NOT_READY);

   /* The retry, while A still waits on the event (set 200 ms later: the vendor may block in
    * the submit until then). */
   struct event_setter setter = {s->device, event};
   CHECK(pthread_create(&thread, NULL, set_event_later, &setter) == 0);
   started = true;
   struct retry retry = {s->queues[0], cmds[1], semaphore, fences[1], VK_ERROR_UNKNOWN};
   char *log = it_capture_stderr(retry_submit, &retry);
   CHECK(log != NULL);
   bool dropped = strstr(log, "no signal submitted") != NULL;
   if (log && *log)
      printf("  %s: the retry logged: %s", s->label, log);
   free(log);
   CHECK(!dropped);
   CHECK_VK(retry.result);
   CHECK_VK(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_TIMEOUT_NS));
   CHECK_VK(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS));
   CHECK(((volatile uint32_t *)buf.data)[0] == 1); /* A */
   CHECK(((volatile uint32_t *)buf.data)[1] == 1); /* B's copy, after A */
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   ok = true;
done:
   sync_refuse_allocations(false);
   if (started)
      pthread_join(thread, NULL);
   vkSetEvent(s->device, event);
   sync_drain(s);
   vkDestroyEvent(s->device, event, NULL);
   vkDestroySemaphore(s->device, semaphore, NULL);
   vkDestroyFence(s->device, fences[0], NULL);
   vkDestroyFence(s->device, fences[1], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* lost_signal_ninth_hangs (KRONOS_BATCH_TIME_BOUND_US=1000000 KRONOS_BATCH_LIMIT=1000): one
 * batched submit signals LOST_SIGNALS timelines (more than the eight Kronos's lost-signal list
 * used to reserve); a fence status flushes it while the vendor refuses. Recording the ninth loss
 * needed memory from the allocator that had just refused, so Kronos dropped it: a wait on that
 * timeline waited out its timeout, a submit waiting on it hung the queue. Every one is reported. */
#define LOST_SIGNALS 12

static bool
lost_signals_beyond_reserve_reported(struct sync_side *s)
{
   if (!sync_observed_batching(s) || !sync_refusal_possible(s))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkSemaphore timelines[LOST_SIGNALS] = {VK_NULL_HANDLE};
   uint64_t values[LOST_SIGNALS];
   CHECK_VK(sync_buffer_create(s, 8, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   for (int i = 0; i < LOST_SIGNALS; i++)
      CHECK_VK(sync_timeline_semaphore(s, 0, &timelines[i]));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 1));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 4, 4, 2));
   const VkTimelineSemaphoreSubmitInfo timeline_info = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = LOST_SIGNALS,
      .pSignalSemaphoreValues = values,
   };
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &timeline_info,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmds[1],
      .signalSemaphoreCount = LOST_SIGNALS,
      .pSignalSemaphores = timelines,
   };
   for (uint64_t v = 1; v <= 4; v++) { /* warm up, the same shape */
      for (int i = 0; i < LOST_SIGNALS; i++)
         values[i] = v;
      CHECK_VK(vkQueueSubmit(s->queues[0], 1, &submit, fences[0]));
      CHECK_VK(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS));
      CHECK_VK(vkResetFences(s->device, 1, &fences[0]));
   }
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   memset(buf.data, 0, 8);

   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], VK_NULL_HANDLE)); /* the queue is not idle */
   for (int i = 0; i < LOST_SIGNALS; i++)
      values[i] = 10;
   sync_refuse_allocations(true);
   VkResult signal = vkQueueSubmit(s->queues[0], 1, &submit, fences[0]);
   VkResult status = signal == VK_SUCCESS ? vkGetFenceStatus(s->device, fences[0]) : signal;
   sync_refuse_allocations(false);
   if (!sync_refusal_seen(s, signal)) {
      ok = true;
      goto done;
   }
   if (!s->kronos) { /* the vendor: refused at the call, the application knows */
      CHECK_RESULT(signal, VK_ERROR_OUT_OF_HOST_MEMORY);
      CHECK_VK(vkQueueWaitIdle(s->queues[0]));
      ok = true;
      goto done;
   }
   CHECK_VK(signal);                                     /* Kronos: held in the batch */
   CHECK_RESULT(status, VK_ERROR_OUT_OF_HOST_MEMORY); /* its flush: refused */
   for (int i = 0; i < LOST_SIGNALS; i++) {
      VkResult lost = wait_timeline(s, timelines[i], 10, LOSS_TIMEOUT_NS);
      if (lost != VK_ERROR_OUT_OF_HOST_MEMORY)
         printf("  %s: the loss of timeline %d of %d: %s\n", s->label, i + 1, LOST_SIGNALS,
                it_result_name(lost));
      CHECK_RESULT(lost, VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   /* A submit waiting on the last lost value fails, at the call or on its fence, never hangs. */
   VkResult waiter = sync_submit(s->queues[0], cmds[0], timelines[LOST_SIGNALS - 1], 10,
                                 VK_NULL_HANDLE, 0, fences[1]);
   if (waiter == VK_SUCCESS)
      waiter = vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, LOSS_TIMEOUT_NS);
   CHECK_RESULT(waiter, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK(((volatile uint32_t *)buf.data)[1] == 0); /* the lost work never ran */
   CHECK_RESULT(vkQueueWaitIdle(s->queues[0]), VK_ERROR_OUT_OF_HOST_MEMORY); /* once */
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));

   /* New signals of the values replace the lost ones. */
   for (int i = 0; i < LOST_SIGNALS; i++) {
      CHECK_VK(sync_host_signal(s, timelines[i], 10));
      CHECK_VK(wait_timeline(s, timelines[i], 10, SYNC_TIMEOUT_NS));
   }
   ok = true;
done:
   sync_refuse_allocations(false);
   for (int i = 0; i < LOST_SIGNALS; i++)
      sync_release_timeline(s, timelines[i], 10);
   sync_drain(s);
   for (int i = 0; i < LOST_SIGNALS; i++)
      vkDestroySemaphore(s->device, timelines[i], NULL);
   vkDestroyFence(s->device, fences[0], NULL);
   vkDestroyFence(s->device, fences[1], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* refused_signal_forgets_loss (KRONOS_BATCH_TIME_BOUND_US=1000000 KRONOS_BATCH_LIMIT=1000): a
 * batched submit signalling timeline T=4 is lost (a fence status flushes it while the vendor
 * refuses); then a vkQueueSubmit signalling T=5 is refused at the call. A refused call changes
 * nothing, so T=4 is still lost. Kronos used to forget a timeline's lost values when it appended
 * a submit signalling it, before knowing whether the vendor took it: the wait on T=4 then waited
 * out its timeout. On the vendor both submits are refused at the call and T stays at 0. */
static bool
refused_signal_keeps_earlier_loss(struct sync_side *s)
{
   if (!sync_observed_batching(s) || !sync_refusal_possible(s))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkSemaphore timeline = VK_NULL_HANDLE, warm = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 8, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_timeline_semaphore(s, 0, &timeline));
   CHECK_VK(sync_timeline_semaphore(s, 0, &warm));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 1));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 4, 4, 2));
   for (uint64_t i = 1; i <= 4; i++) { /* warm up the signal path, on another timeline */
      CHECK_VK(sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, warm, i, fences[0]));
      CHECK_VK(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS));
      CHECK_VK(vkResetFences(s->device, 1, &fences[0]));
   }
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   memset(buf.data, 0, 8);

   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], VK_NULL_HANDLE)); /* the queue is not idle */
   if (!s->kronos) { /* the vendor: both refused at the call, T never signalled */
      sync_refuse_allocations(true);
      VkResult first =
         sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, timeline, 4, fences[0]);
      VkResult second =
         sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, timeline, 5, VK_NULL_HANDLE);
      sync_refuse_allocations(false);
      if (!sync_refusal_seen(s, first)) {
         ok = true;
         goto done;
      }
      CHECK_RESULT(first, VK_ERROR_OUT_OF_HOST_MEMORY);
      CHECK_RESULT(second, VK_ERROR_OUT_OF_HOST_MEMORY);
      CHECK_VK(vkQueueWaitIdle(s->queues[0]));
      uint64_t counter = ~0ull;
      CHECK_VK(vkGetSemaphoreCounterValue(s->device, timeline, &counter));
      CHECK(counter == 0);
      ok = true;
      goto done;
   }
   /* T=4 accepted into the batch, its flush (from a fence status) refused. */
   CHECK_VK(sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, timeline, 4, fences[0]));
   sync_refuse_allocations(true);
   VkResult status = vkGetFenceStatus(s->device, fences[0]);
   sync_refuse_allocations(false);
   CHECK_RESULT(status, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(vkQueueWaitIdle(s->queues[0]), VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_RESULT(wait_timeline(s, timeline, 4, LOSS_TIMEOUT_NS), VK_ERROR_OUT_OF_HOST_MEMORY);

   /* A submit signalling T=5, refused at the call (the queue is idle: flushed in the call). */
   sync_refuse_allocations(true);
   VkResult refused =
      sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, timeline, 5, VK_NULL_HANDLE);
   sync_refuse_allocations(false);
   CHECK_RESULT(refused, VK_ERROR_OUT_OF_HOST_MEMORY);
   /* T=4 is still lost: its waits fail, never hang. */
   CHECK_RESULT(wait_timeline(s, timeline, 4, LOSS_TIMEOUT_NS), VK_ERROR_OUT_OF_HOST_MEMORY);
   VkResult waiter =
      sync_submit(s->queues[0], cmds[0], timeline, 4, VK_NULL_HANDLE, 0, fences[1]);
   if (waiter == VK_SUCCESS)
      waiter = vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, LOSS_TIMEOUT_NS);
   CHECK_RESULT(waiter, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK(((volatile uint32_t *)buf.data)[1] == 0); /* neither signalling submit ran */

   /* A new signal replaces the lost one. */
   CHECK_VK(sync_host_signal(s, timeline, 5));
   CHECK_VK(wait_timeline(s, timeline, 4, SYNC_TIMEOUT_NS));
   ok = true;
done:
   sync_refuse_allocations(false);
   sync_release_timeline(s, timeline, 5);
   sync_drain(s);
   vkDestroySemaphore(s->device, timeline, NULL);
   vkDestroySemaphore(s->device, warm, NULL);
   vkDestroyFence(s->device, fences[0], NULL);
   vkDestroyFence(s->device, fences[1], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* wait_any_point_fence_loss (KRONOS_BATCH_TIME_BOUND_US=1000000 KRONOS_BATCH_LIMIT=1000): F1's
 * work is lost (Kronos: a fence status flushes it while the vendor refuses; the vendor: refused
 * at the call), F2's later work runs. vkWaitForFences for any over {F1, F2} returns VK_SUCCESS,
 * as on the vendor. Kronos used to wait on the lowest point of the queue, F1's, and return its
 * loss. */
static bool
wait_any_skips_lost_fence(struct sync_side *s)
{
   if (!sync_observed_batching(s) || !sync_refusal_possible(s))
      return true;
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[3];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   CHECK_VK(sync_buffer_create(s, 12, &buf));
   CHECK_VK(sync_pool(s, 0, 3, &pool, cmds));
   CHECK_VK(sync_fence(s, false, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 4, 1));
   CHECK_VK(sync_record_fill(cmds[1], buf.buffer, 4, 4, 2));
   CHECK_VK(sync_record_fill(cmds[2], buf.buffer, 8, 4, 3));
   CHECK_VK(sync_warm_up(s, cmds[0], fences[0]));
   memset(buf.data, 0, 12);

   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], VK_NULL_HANDLE)); /* the queue is not idle */
   VkResult lost;
   if (s->kronos) { /* held in the batch, flushed by a fence status: refused */
      CHECK_VK(it_submit(s->queues[0], 1, &cmds[1], fences[0]));
      sync_refuse_allocations(true);
      lost = vkGetFenceStatus(s->device, fences[0]);
   } else {
      sync_refuse_allocations(true);
      lost = it_submit(s->queues[0], 1, &cmds[1], fences[0]);
   }
   sync_refuse_allocations(false);
   if (!sync_refusal_seen(s, lost)) {
      ok = true;
      goto done;
   }
   CHECK_RESULT(lost, VK_ERROR_OUT_OF_HOST_MEMORY);
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[2], fences[1]));
   CHECK_VK(vkWaitForFences(s->device, 2, fences, VK_FALSE, SYNC_TIMEOUT_NS));
   CHECK_VK(vkGetFenceStatus(s->device, fences[1]));
   CHECK(((volatile uint32_t *)buf.data)[2] == 3);
   CHECK(((volatile uint32_t *)buf.data)[1] == 0); /* F1's work never ran */
   if (s->kronos) { /* F1 reads lost, not signalled; wait all: the loss */
      CHECK_RESULT(vkGetFenceStatus(s->device, fences[0]), VK_ERROR_OUT_OF_HOST_MEMORY);
      CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_TRUE, 0),
                   VK_ERROR_OUT_OF_HOST_MEMORY);
      CHECK_RESULT(vkQueueWaitIdle(s->queues[0]), VK_ERROR_OUT_OF_HOST_MEMORY); /* once */
   } else { /* F1 was never submitted */
      CHECK_RESULT(vkGetFenceStatus(s->device, fences[0]), VK_NOT_READY);
      CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_TRUE, 0), VK_TIMEOUT);
   }
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
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

static const struct sync_test tests[] = {
   {"a lost timeline signal fails its waits, not hangs them", lost_timeline_signal_reported,
    false},
   {"a fence of lost work never reads signalled, even after wait idle",
    lost_fence_never_signalled, false},
   {"a refused submit leaves its binary semaphore wait for the retry",
    refused_submit_keeps_wait, false},
   {"every lost signal of a refused flush is reported, past the list's reserve",
    lost_signals_beyond_reserve_reported, false},
   {"a refused submit signalling a timeline keeps its earlier lost signal",
    refused_signal_keeps_earlier_loss, false},
   {"wait any: a fence of lost work does not fail the wait on a good one",
    wait_any_skips_lost_fence, false},
};

int
main(void)
{
   return SYNC_RUN_TESTS(tests);
}
