/* SPDX-License-Identifier: MIT */
/* What observes submitted work besides fences and semaphores (issue 5: each must see the work
 * even while Kronos holds it in a batch), on the vendor directly and on Kronos:
 *  - vkQueueWaitIdle and vkDeviceWaitIdle after submits without fences: every result visible;
 *  - vkGetQueryPoolResults with VK_QUERY_RESULT_WAIT_BIT on timestamps written by a
 *    just-submitted command buffer (where the queue has timestampValidBits), and availability
 *    polled without it;
 *  - vkGetEventStatus of an event set by vkCmdSetEvent / vkCmdSetEvent2 in a just-submitted
 *    command buffer becomes VK_EVENT_SET by polling alone; stays VK_EVENT_RESET while the
 *    submit waits on a host timeline. */
#include <stdio.h>
#include <string.h>

#include "sync_common.h"

#define N 64

static bool
wait_idle(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[N];
   CHECK_VK(sync_buffer_create(s, 4 * N, &buf));
   CHECK_VK(sync_pool(s, 0, N, &pool, cmds));
   const uint32_t *words = buf.data;
   for (uint32_t round = 0; round < 6; round++) {
      memset(buf.data, 0, buf.size);
      for (uint32_t i = 0; i < N; i++)
         CHECK_VK(sync_record_fill(cmds[i], buf.buffer, 4 * i, 4, 0x70000000u + round * N + i));
      /* Rounds alternate single submits and one submit of all, queue and device idle. */
      if (round % 2 == 0) {
         for (uint32_t i = 0; i < N; i++)
            CHECK_VK(it_submit(s->queues[0], 1, &cmds[i], VK_NULL_HANDLE));
      } else {
         CHECK_VK(it_submit(s->queues[0], N, cmds, VK_NULL_HANDLE));
      }
      if (round / 2 % 2 == 0)
         CHECK_VK(vkQueueWaitIdle(s->queues[0]));
      else
         CHECK_VK(vkDeviceWaitIdle(s->device));
      for (uint32_t i = 0; i < N; i++)
         CHECK(words[i] == 0x70000000u + round * N + i);
   }
   /* Idle with nothing submitted returns at once. */
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));
   CHECK_VK(vkDeviceWaitIdle(s->device));
   ok = true;
done:
   sync_drain(s);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* Timestamps around a fill, in query pairs (2i, 2i + 1). */
static VkResult
record_timestamps(VkCommandBuffer cmd, VkQueryPool queries, uint32_t pair, VkBuffer buffer)
{
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdResetQueryPool(cmd, queries, 2 * pair, 2);
   vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queries, 2 * pair);
   vkCmdFillBuffer(cmd, buffer, 0, VK_WHOLE_SIZE, pair);
   vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries, 2 * pair + 1);
   return vkEndCommandBuffer(cmd);
}

static bool
timestamps(struct sync_side *s)
{
   enum { PAIRS = 16 };
   if (s->timestamp_bits[0] == 0) {
      printf("  %s: timestampValidBits is 0: timestamp queries skipped\n", s->label);
      return true;
   }
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[PAIRS];
   VkQueryPool queries = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 1 << 16, &buf));
   CHECK_VK(sync_pool(s, 0, PAIRS, &pool, cmds));
   const VkQueryPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 2 * PAIRS,
   };
   CHECK_VK(vkCreateQueryPool(s->device, &info, NULL, &queries));
   const uint64_t mask =
      s->timestamp_bits[0] >= 64 ? ~0ull : (1ull << s->timestamp_bits[0]) - 1;
   for (uint32_t i = 0; i < PAIRS; i++)
      CHECK_VK(record_timestamps(cmds[i], queries, i, buf.buffer));

   /* Each pair submitted alone and read at once with WAIT_BIT. */
   for (uint32_t i = 0; i < PAIRS; i++) {
      CHECK_VK(it_submit(s->queues[0], 1, &cmds[i], VK_NULL_HANDLE));
      uint64_t t[2] = {0, 0};
      CHECK_VK(vkGetQueryPoolResults(s->device, queries, 2 * i, 2, sizeof(t), t, sizeof(t[0]),
                                     VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
      CHECK(((t[1] - t[0]) & mask) < (mask >> 1)); /* later, modulo the valid bits */
   }
   CHECK_VK(vkQueueWaitIdle(s->queues[0]));

   /* Submitted, then availability polled alone (without WAIT_BIT) until both are there.
    * (Not gated on a host timeline: lavapipe's vkGetQueryPoolResults waits for its device to
    * go idle even without WAIT_BIT, so a query behind a pending wait would block it.) */
   CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], VK_NULL_HANDLE));
   uint64_t t[2][2];
   uint64_t deadline = sync_now_ns() + SYNC_TIMEOUT_NS;
   VkResult result;
   for (;;) {
      result = vkGetQueryPoolResults(s->device, queries, 0, 2, sizeof(t), t, sizeof(t[0]),
                                     VK_QUERY_RESULT_64_BIT |
                                        VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
      if (result != VK_NOT_READY || sync_now_ns() > deadline)
         break;
      sync_sleep_us(20);
   }
   CHECK_RESULT(result, VK_SUCCESS);
   CHECK(t[0][1] != 0 && t[1][1] != 0);
   CHECK(((t[1][0] - t[0][0]) & mask) < (mask >> 1));

   /* Several submits, then WAIT_BIT over all their queries at once. */
   for (uint32_t i = 1; i < PAIRS; i++)
      CHECK_VK(it_submit(s->queues[0], 1, &cmds[i], VK_NULL_HANDLE));
   uint64_t all[2 * PAIRS];
   memset(all, 0, sizeof(all));
   CHECK_VK(vkGetQueryPoolResults(s->device, queries, 2, 2 * PAIRS - 2, sizeof(all), all,
                                  sizeof(all[0]),
                                  VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
   for (uint32_t i = 0; i + 1 < PAIRS; i++)
      CHECK(((all[2 * i + 1] - all[2 * i]) & mask) < (mask >> 1));
   ok = true;
done:
   sync_drain(s);
   vkDestroyQueryPool(s->device, queries, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* Polls vkGetEventStatus alone until SET (or the deadline). */
static VkResult
poll_event(struct sync_side *s, VkEvent event)
{
   uint64_t deadline = sync_now_ns() + SYNC_TIMEOUT_NS;
   for (;;) {
      VkResult result = vkGetEventStatus(s->device, event);
      if (result != VK_EVENT_RESET)
         return result;
      if (sync_now_ns() > deadline)
         return VK_TIMEOUT;
      sync_sleep_us(20);
   }
}

static bool
event_status(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkEvent event = VK_NULL_HANDLE;
   VkSemaphore h = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 4096, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_event(s, &event));
   CHECK_VK(sync_timeline_semaphore(s, 0, &h));
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(cmds[0], &begin));
   vkCmdFillBuffer(cmds[0], buf.buffer, 0, VK_WHOLE_SIZE, 0x71000000u);
   vkCmdSetEvent(cmds[0], event, VK_PIPELINE_STAGE_TRANSFER_BIT);
   CHECK_VK(vkEndCommandBuffer(cmds[0]));
   CHECK_VK(vkBeginCommandBuffer(cmds[1], &begin));
   vkCmdFillBuffer(cmds[1], buf.buffer, 0, VK_WHOLE_SIZE, 0x71000001u);
   const VkMemoryBarrier2 barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
      .srcStageMask = VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT,
      .srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
      .dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT,
      .dstAccessMask = VK_ACCESS_2_HOST_READ_BIT,
   };
   const VkDependencyInfo dependency = {
      .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
      .memoryBarrierCount = 1,
      .pMemoryBarriers = &barrier,
   };
   vkCmdSetEvent2(cmds[1], event, &dependency);
   CHECK_VK(vkEndCommandBuffer(cmds[1]));

   for (int round = 0; round < 8; round++) {
      VkCommandBuffer cmd = cmds[round % 2];
      bool gated = round >= 4;
      CHECK_VK(vkResetEvent(s->device, event));
      CHECK_RESULT(vkGetEventStatus(s->device, event), VK_EVENT_RESET);
      if (gated) {
         CHECK_VK(sync_submit(s->queues[0], cmd, h, (uint64_t)round, VK_NULL_HANDLE, 0,
                              VK_NULL_HANDLE));
         sync_sleep_us(2000);
         CHECK_RESULT(vkGetEventStatus(s->device, event), VK_EVENT_RESET);
         CHECK_VK(sync_host_signal(s, h, (uint64_t)round));
      } else {
         CHECK_VK(it_submit(s->queues[0], 1, &cmd, VK_NULL_HANDLE));
      }
      CHECK_RESULT(poll_event(s, event), VK_EVENT_SET);
      CHECK_VK(vkQueueWaitIdle(s->queues[0]));
      CHECK(sync_words_are(buf.data, 1024, 0x71000000u + (uint32_t)(round % 2), s->label));
   }
   ok = true;
done:
   sync_release_timeline(s, h, 8);
   sync_drain(s);
   vkDestroyEvent(s->device, event, NULL);
   vkDestroySemaphore(s->device, h, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* vkQueueWaitIdle / vkDeviceWaitIdle while the flusher thread may be handing the batch to the
 * vendor: a small fill, then a large one left in the batch, a spin of 15-45 us (about the time
 * bound), then the wait; the large fill's last word must be there. A wait idle that trusts a
 * flush still on its way to the vendor returns early. */
#define RACE_BYTES (8u << 20)
#define RACE_ROUNDS 1000u

static bool
wait_idle_race(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer big = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[3];
   CHECK_VK(it_host_buffer_create(s->physical, s->device, RACE_BYTES,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &big));
   CHECK_VK(sync_pool(s, 0, 3, &pool, cmds));
   CHECK_VK(sync_record_fill(cmds[0], big.buffer, 0, 4096, 7));
   CHECK_VK(sync_record_fill(cmds[1], big.buffer, 4096, RACE_BYTES - 4096, 1));
   CHECK_VK(sync_record_fill(cmds[2], big.buffer, 4096, RACE_BYTES - 4096, 2));
   volatile uint32_t *last = (volatile uint32_t *)big.data + RACE_BYTES / 4 - 1;
   uint64_t rng = 1;
   unsigned early = 0;
   for (unsigned i = 0; i < RACE_ROUNDS; i++) {
      uint32_t v = 1 + (i & 1);
      *last = 0;
      CHECK_VK(it_submit(s->queues[0], 1, &cmds[0], VK_NULL_HANDLE));
      CHECK_VK(it_submit(s->queues[0], 1, &cmds[v], VK_NULL_HANDLE));
      uint64_t until = sync_now_ns() + 15000 + it_random_below(&rng, 30000);
      while (sync_now_ns() < until)
         ;
      if (i & 2)
         CHECK_VK(vkQueueWaitIdle(s->queues[0]));
      else
         CHECK_VK(vkDeviceWaitIdle(s->device));
      if (*last != v)
         early++;
   }
   printf("  %s: %u of %u wait-idles returned before the work was done\n", s->label, early,
          RACE_ROUNDS);
   ok = early == 0;
done:
   vkDeviceWaitIdle(s->device);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &big);
   return ok;
}

int
main(void)
{
   static const struct sync_test tests[] = {
      {"vkQueueWaitIdle / vkDeviceWaitIdle see unfenced submits", wait_idle, false},
      {"timestamp query results with WAIT_BIT and availability", timestamps, false},
      {"vkGetEventStatus sees vkCmdSetEvent / vkCmdSetEvent2", event_status, false},
      {"wait idle while the flusher hands the batch to the vendor", wait_idle_race, false},
   };
   return SYNC_RUN_TESTS(tests);
}
