/* SPDX-License-Identifier: MIT */
/* Fences as an application sees them (issue 5: they must behave the same once Kronos batches
 * submits on a timeline), on the vendor directly and on Kronos over it:
 *  - created signalled, reset, waited with timeout 0 and 1 ms before any submit (VK_TIMEOUT);
 *  - submit + wait, reuse after reset many times, vkGetFenceStatus polling alone;
 *  - vkWaitForFences over many fences, waitAll and wait-any, with some never submitted;
 *  - submits with no command buffers and submitCount 0 signalling a fence, which also covers
 *    the work submitted before it; vkQueueSubmit2;
 *  - VK_TIMEOUT / VK_NOT_READY while a submit waits on a timeline semaphore the host has not
 *    signalled yet, success once it has;
 *  - the ordering trap: a fence of a submit made before one that waits (on a host-signalled
 *    timeline semaphore, or on a VkEvent the host sets later) signals without that wait, and a
 *    fence of a submit made after it does not. */
#include <stdio.h>
#include <string.h>

#include "sync_common.h"

#define MANY 48
#define REUSE 300

static bool
created_signalled(struct sync_side *s)
{
   bool ok = false;
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   CHECK_VK(sync_fence(s, true, &fences[0]));
   CHECK_VK(sync_fence(s, false, &fences[1]));
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[0]), VK_SUCCESS);
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, 0), VK_SUCCESS);
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS), VK_SUCCESS);
   /* Never submitted: not ready, and any finite wait times out. */
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[1]), VK_NOT_READY);
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, 0), VK_TIMEOUT);
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
   /* One signalled among them: any succeeds, all times out. */
   CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_FALSE, 0), VK_SUCCESS);
   CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
   /* Reset: not ready, waits time out, also twice in a row. */
   CHECK_VK(vkResetFences(s->device, 1, &fences[0]));
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[0]), VK_NOT_READY);
   CHECK_VK(vkResetFences(s->device, 2, fences));
   CHECK_RESULT(vkGetFenceStatus(s->device, fences[0]), VK_NOT_READY);
   CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_FALSE, 0), VK_TIMEOUT);
   CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_FALSE, SYNC_MS_NS), VK_TIMEOUT);
   ok = true;
done:
   for (int i = 0; i < 2; i++)
      vkDestroyFence(s->device, fences[i], NULL);
   return ok;
}

static bool
submit_wait_reuse(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   VkFence fence = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 256, &buf));
   CHECK_VK(sync_pool(s, 0, 1, &pool, &cmd));
   CHECK_VK(sync_fence(s, true, &fence));
   uint32_t *words = buf.data;
   for (uint32_t i = 0; i < REUSE; i++) {
      CHECK_RESULT(vkGetFenceStatus(s->device, fence), VK_SUCCESS);
      CHECK_VK(vkResetFences(s->device, 1, &fence));
      CHECK_RESULT(vkGetFenceStatus(s->device, fence), VK_NOT_READY);
      CHECK_VK(sync_record_fill(cmd, buf.buffer, 0, buf.size, 0x51000000u + i));
      CHECK_VK(sync_submit(s->queues[0], cmd, VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0, fence));
      /* Alternate how completion is observed: wait, status polling, wait with timeout 0
       * first. */
      switch (i % 3) {
      case 0:
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
         break;
      case 1:
         CHECK_RESULT(sync_poll_fence(s, fence), VK_SUCCESS);
         break;
      default: {
         VkResult r = vkWaitForFences(s->device, 1, &fence, VK_TRUE, 0);
         CHECK(r == VK_SUCCESS || r == VK_TIMEOUT);
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_FALSE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
         break;
      }
      }
      CHECK(sync_words_are(words, (uint32_t)(buf.size / 4), 0x51000000u + i, s->label));
   }
   CHECK_RESULT(vkGetFenceStatus(s->device, fence), VK_SUCCESS);
   ok = true;
done:
   sync_drain(s);
   vkDestroyFence(s->device, fence, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

static bool
wait_many(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[MANY];
   VkFence fences[MANY];
   memset(fences, 0, sizeof(fences));
   CHECK_VK(sync_buffer_create(s, 4 * MANY, &buf));
   CHECK_VK(sync_pool(s, 0, MANY, &pool, cmds));
   for (uint32_t i = 0; i < MANY; i++) {
      CHECK_VK(sync_fence(s, false, &fences[i]));
      CHECK_VK(sync_record_fill(cmds[i], buf.buffer, 4 * i, 4, 0x52000000u + i));
   }
   uint32_t *words = buf.data;

   for (int round = 0; round < 4; round++) {
      memset(buf.data, 0, buf.size);
      CHECK_VK(vkResetFences(s->device, MANY, fences));
      /* Wait-any with nothing submitted times out. */
      CHECK_RESULT(vkWaitForFences(s->device, MANY, fences, VK_FALSE, SYNC_MS_NS), VK_TIMEOUT);
      /* Round 0 and 2: all submitted. Round 1 and 3: only the last one; the others stay
       * unsubmitted, so wait-any succeeds and waitAll times out. */
      bool all = round % 2 == 0;
      for (uint32_t i = all ? 0 : MANY - 1; i < MANY; i++)
         CHECK_VK(sync_submit(s->queues[0], cmds[i], VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0,
                              fences[i]));
      CHECK_RESULT(vkWaitForFences(s->device, MANY, fences, VK_FALSE, SYNC_TIMEOUT_NS),
                   VK_SUCCESS);
      if (all) {
         CHECK_RESULT(vkWaitForFences(s->device, MANY, fences, VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
         for (uint32_t i = 0; i < MANY; i++) {
            CHECK_RESULT(vkGetFenceStatus(s->device, fences[i]), VK_SUCCESS);
            CHECK(words[i] == 0x52000000u + i);
         }
      } else {
         CHECK_RESULT(vkWaitForFences(s->device, MANY, fences, VK_TRUE, SYNC_MS_NS),
                      VK_TIMEOUT);
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[MANY - 1], VK_TRUE,
                                      SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
         CHECK_RESULT(vkGetFenceStatus(s->device, fences[0]), VK_NOT_READY);
         CHECK(words[MANY - 1] == 0x52000000u + MANY - 1);
         CHECK(words[0] == 0);
      }
   }
   ok = true;
done:
   sync_drain(s);
   for (uint32_t i = 0; i < MANY; i++)
      vkDestroyFence(s->device, fences[i], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* Submits with no command buffers (one empty submit info; submitCount 0) signal their fence,
 * and that fence covers what was submitted before without a fence. */
static bool
empty_submits(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   VkFence fence = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 4096, &buf));
   CHECK_VK(sync_pool(s, 0, 1, &pool, &cmd));
   CHECK_VK(sync_fence(s, false, &fence));
   for (uint32_t i = 0; i < 40; i++) {
      bool count_zero = i % 2;
      bool poll = (i / 2) % 2;
      CHECK_VK(sync_record_fill(cmd, buf.buffer, 0, buf.size, 0x53000000u + i));
      CHECK_VK(sync_submit(s->queues[0], cmd, VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0,
                           VK_NULL_HANDLE));
      if (count_zero) {
         CHECK_VK(vkQueueSubmit(s->queues[0], 0, NULL, fence));
      } else {
         CHECK_VK(sync_submit(s->queues[0], VK_NULL_HANDLE, VK_NULL_HANDLE, 0, VK_NULL_HANDLE,
                              0, fence));
      }
      if (poll)
         CHECK_RESULT(sync_poll_fence(s, fence), VK_SUCCESS);
      else
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
      CHECK(sync_words_are(buf.data, (uint32_t)(buf.size / 4), 0x53000000u + i, s->label));
      CHECK_VK(vkResetFences(s->device, 1, &fence));
   }
   /* Several empty submits in a row, each with nothing, the last with the fence. */
   for (int i = 0; i < 10; i++)
      CHECK_VK(vkQueueSubmit(s->queues[0], 0, NULL, VK_NULL_HANDLE));
   CHECK_VK(vkQueueSubmit(s->queues[0], 0, NULL, fence));
   CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS), VK_SUCCESS);
   ok = true;
done:
   sync_drain(s);
   vkDestroyFence(s->device, fence, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* vkQueueSubmit2: with a command buffer, with none, with submitCount 0, and signalling a
 * timeline semaphore. */
static bool
submit2(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   VkFence fence = VK_NULL_HANDLE;
   VkSemaphore timeline = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 1024, &buf));
   CHECK_VK(sync_pool(s, 0, 1, &pool, &cmd));
   CHECK_VK(sync_fence(s, false, &fence));
   CHECK_VK(sync_timeline_semaphore(s, 0, &timeline));
   for (uint32_t i = 0; i < 60; i++) {
      CHECK_VK(sync_record_fill(cmd, buf.buffer, 0, buf.size, 0x54000000u + i));
      const VkCommandBufferSubmitInfo cmd_info = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
         .commandBuffer = cmd,
      };
      const VkSemaphoreSubmitInfo signal = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
         .semaphore = timeline,
         .value = i + 1,
         .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
      };
      const VkSubmitInfo2 info = {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
         .commandBufferInfoCount = 1,
         .pCommandBufferInfos = &cmd_info,
         .signalSemaphoreInfoCount = 1,
         .pSignalSemaphoreInfos = &signal,
      };
      const VkSubmitInfo2 empty = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
      switch (i % 3) {
      case 0: /* the work and the fence in one submit */
         CHECK_VK(vkQueueSubmit2(s->queues[0], 1, &info, fence));
         break;
      case 1: /* the work, then an empty submit info with the fence */
         CHECK_VK(vkQueueSubmit2(s->queues[0], 1, &info, VK_NULL_HANDLE));
         CHECK_VK(vkQueueSubmit2(s->queues[0], 1, &empty, fence));
         break;
      default: /* the work, then submitCount 0 with the fence */
         CHECK_VK(vkQueueSubmit2(s->queues[0], 1, &info, VK_NULL_HANDLE));
         CHECK_VK(vkQueueSubmit2(s->queues[0], 0, NULL, fence));
         break;
      }
      if (i % 2)
         CHECK_RESULT(sync_poll_fence(s, fence), VK_SUCCESS);
      else
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
      /* The timeline reaches the value signalled with the work (the fence need not order
       * the semaphore signal, so it is waited for). */
      const uint64_t expected = i + 1;
      const VkSemaphoreWaitInfo wait = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
         .semaphoreCount = 1,
         .pSemaphores = &timeline,
         .pValues = &expected,
      };
      CHECK_RESULT(vkWaitSemaphores(s->device, &wait, SYNC_TIMEOUT_NS), VK_SUCCESS);
      uint64_t value = 0;
      CHECK_VK(vkGetSemaphoreCounterValue(s->device, timeline, &value));
      if (value != expected)
         fprintf(stderr, "%s: timeline at %llu, expected %llu\n", s->label,
                 (unsigned long long)value, (unsigned long long)expected);
      CHECK(value == expected);
      CHECK(sync_words_are(buf.data, (uint32_t)(buf.size / 4), 0x54000000u + i, s->label));
      CHECK_VK(vkResetFences(s->device, 1, &fence));
   }
   ok = true;
done:
   sync_drain(s);
   vkDestroySemaphore(s->device, timeline, NULL);
   vkDestroyFence(s->device, fence, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* A submit waiting on a timeline value the host has not signalled: its fence times out and is
 * not ready, then the host signals and it completes. Both vkQueueSubmit and vkQueueSubmit2. */
static bool
timeout_until_host_signal(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   VkFence fence = VK_NULL_HANDLE;
   VkSemaphore timeline = VK_NULL_HANDLE;
   uint64_t value = 0;
   CHECK_VK(sync_buffer_create(s, 1024, &buf));
   CHECK_VK(sync_pool(s, 0, 1, &pool, &cmd));
   CHECK_VK(sync_fence(s, false, &fence));
   CHECK_VK(sync_timeline_semaphore(s, 0, &timeline));
   for (uint32_t i = 0; i < 6; i++) {
      value = i + 1;
      memset(buf.data, 0, buf.size);
      CHECK_VK(sync_record_fill(cmd, buf.buffer, 0, buf.size, 0x55000000u + i));
      if (i % 2 == 0) {
         CHECK_VK(sync_submit(s->queues[0], cmd, timeline, value, VK_NULL_HANDLE, 0, fence));
      } else {
         const VkCommandBufferSubmitInfo cmd_info = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
            .commandBuffer = cmd,
         };
         const VkSemaphoreSubmitInfo wait = {
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
            .semaphore = timeline,
            .value = value,
            .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
         };
         const VkSubmitInfo2 info = {
            .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
            .waitSemaphoreInfoCount = 1,
            .pWaitSemaphoreInfos = &wait,
            .commandBufferInfoCount = 1,
            .pCommandBufferInfos = &cmd_info,
         };
         CHECK_VK(vkQueueSubmit2(s->queues[0], 1, &info, fence));
      }
      CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
      CHECK_RESULT(vkGetFenceStatus(s->device, fence), VK_NOT_READY);
      CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, 0), VK_TIMEOUT);
      const uint32_t *words = buf.data;
      CHECK(words[0] == 0);
      CHECK_VK(sync_host_signal(s, timeline, value));
      if (i % 3 == 2)
         CHECK_RESULT(sync_poll_fence(s, fence), VK_SUCCESS);
      else
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
      CHECK(sync_words_are(buf.data, (uint32_t)(buf.size / 4), 0x55000000u + i, s->label));
      CHECK_VK(vkResetFences(s->device, 1, &fence));
   }
   ok = true;
done:
   sync_release_timeline(s, timeline, value);
   sync_drain(s);
   vkDestroySemaphore(s->device, timeline, NULL);
   vkDestroyFence(s->device, fence, NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* S1 (fence F1), S2 waiting on T = 1 (fence F2), S3 (fence F3): F1 signals while T is still
 * unsignalled, F2 and F3 do not; once the host signals T, both do. */
static bool
ordering_trap_semaphore(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[3];
   VkFence fences[3] = {VK_NULL_HANDLE, VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkSemaphore timeline = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 3 * 256, &buf));
   CHECK_VK(sync_pool(s, 0, 3, &pool, cmds));
   CHECK_VK(sync_timeline_semaphore(s, 0, &timeline));
   for (int i = 0; i < 3; i++)
      CHECK_VK(sync_fence(s, false, &fences[i]));
   for (uint32_t round = 0; round < 3; round++) {
      uint64_t value = round + 1;
      memset(buf.data, 0, buf.size);
      for (uint32_t i = 0; i < 3; i++)
         CHECK_VK(sync_record_fill(cmds[i], buf.buffer, 256 * i, 256, 0x56000000u + i));
      CHECK_VK(sync_submit(s->queues[0], cmds[0], VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0,
                           fences[0]));
      CHECK_VK(sync_submit(s->queues[0], cmds[1], timeline, value, VK_NULL_HANDLE, 0,
                           fences[1]));
      CHECK_VK(sync_submit(s->queues[0], cmds[2], VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0,
                           fences[2]));
      /* Round 0 waits on F1, round 1 polls it, round 2 waits on any of F1 and F2. */
      if (round == 0)
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
      else if (round == 1)
         CHECK_RESULT(sync_poll_fence(s, fences[0]), VK_SUCCESS);
      else
         CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_FALSE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
      CHECK_RESULT(vkGetFenceStatus(s->device, fences[0]), VK_SUCCESS);
      const uint32_t *words = buf.data;
      CHECK(sync_words_are(words, 64, 0x56000000u, s->label));
      CHECK_RESULT(vkGetFenceStatus(s->device, fences[1]), VK_NOT_READY);
      CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[2], VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
      CHECK_RESULT(vkWaitForFences(s->device, 3, fences, VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
      CHECK(words[64] == 0 && words[128] == 0);
      CHECK_VK(sync_host_signal(s, timeline, value));
      CHECK_RESULT(vkWaitForFences(s->device, 3, fences, VK_TRUE, SYNC_TIMEOUT_NS), VK_SUCCESS);
      CHECK(sync_words_are(words + 64, 64, 0x56000001u, s->label));
      CHECK(sync_words_are(words + 128, 64, 0x56000002u, s->label));
      CHECK_VK(vkResetFences(s->device, 3, fences));
   }
   ok = true;
done:
   sync_release_timeline(s, timeline, 3);
   sync_drain(s);
   vkDestroySemaphore(s->device, timeline, NULL);
   for (int i = 0; i < 3; i++)
      vkDestroyFence(s->device, fences[i], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

/* The same with a command buffer that waits on a VkEvent the host sets later (vkCmdWaitEvents,
 * source stage HOST). */
static bool
ordering_trap_event(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[2];
   VkFence fences[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
   VkEvent event = VK_NULL_HANDLE;
   CHECK_VK(sync_buffer_create(s, 2 * 256, &buf));
   CHECK_VK(sync_pool(s, 0, 2, &pool, cmds));
   CHECK_VK(sync_event(s, &event));
   for (int i = 0; i < 2; i++)
      CHECK_VK(sync_fence(s, false, &fences[i]));
   CHECK_VK(sync_record_fill(cmds[0], buf.buffer, 0, 256, 0x57000000u));
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(cmds[1], &begin));
   const VkMemoryBarrier host_to_transfer = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_HOST_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
   };
   vkCmdWaitEvents(cmds[1], 1, &event, VK_PIPELINE_STAGE_HOST_BIT,
                   VK_PIPELINE_STAGE_TRANSFER_BIT, 1, &host_to_transfer, 0, NULL, 0, NULL);
   vkCmdFillBuffer(cmds[1], buf.buffer, 256, 256, 0x57000001u);
   const VkMemoryBarrier to_host = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
   };
   vkCmdPipelineBarrier(cmds[1], VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                        &to_host, 0, NULL, 0, NULL);
   CHECK_VK(vkEndCommandBuffer(cmds[1]));

   for (int round = 0; round < 3; round++) {
      memset(buf.data, 0, buf.size);
      CHECK_VK(vkResetEvent(s->device, event));
      CHECK_RESULT(vkGetEventStatus(s->device, event), VK_EVENT_RESET);
      CHECK_VK(sync_submit(s->queues[0], cmds[0], VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0,
                           fences[0]));
      CHECK_VK(sync_submit(s->queues[0], cmds[1], VK_NULL_HANDLE, 0, VK_NULL_HANDLE, 0,
                           fences[1]));
      if (round == 1)
         CHECK_RESULT(sync_poll_fence(s, fences[0]), VK_SUCCESS);
      else
         CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[0], VK_TRUE, SYNC_TIMEOUT_NS),
                      VK_SUCCESS);
      const uint32_t *words = buf.data;
      CHECK(sync_words_are(words, 64, 0x57000000u, s->label));
      CHECK_RESULT(vkGetEventStatus(s->device, event), VK_EVENT_RESET);
      CHECK_RESULT(vkGetFenceStatus(s->device, fences[1]), VK_NOT_READY);
      CHECK_RESULT(vkWaitForFences(s->device, 1, &fences[1], VK_TRUE, SYNC_MS_NS), VK_TIMEOUT);
      CHECK(words[64] == 0);
      CHECK_VK(vkSetEvent(s->device, event));
      CHECK_RESULT(vkWaitForFences(s->device, 2, fences, VK_TRUE, SYNC_TIMEOUT_NS), VK_SUCCESS);
      CHECK(sync_words_are(words + 64, 64, 0x57000001u, s->label));
      CHECK_VK(vkResetFences(s->device, 2, fences));
   }
   ok = true;
done:
   if (event)
      vkSetEvent(s->device, event);
   sync_drain(s);
   vkDestroyEvent(s->device, event, NULL);
   for (int i = 0; i < 2; i++)
      vkDestroyFence(s->device, fences[i], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

int
main(void)
{
   static const struct sync_test tests[] = {
      {"fences created signalled, reset, unsubmitted waits time out", created_signalled, false},
      {"submit + wait, reuse after reset, status polling", submit_wait_reuse, false},
      {"vkWaitForFences waitAll and wait-any over many fences", wait_many, false},
      {"submits with no command buffers signal their fence", empty_submits, false},
      {"vkQueueSubmit2 with fences and timeline signals", submit2, false},
      {"VK_TIMEOUT until the host signals the awaited timeline", timeout_until_host_signal,
       false},
      {"ordering trap: fence before a timeline wait", ordering_trap_semaphore, false},
      {"ordering trap: fence before a host-set event wait", ordering_trap_event, false},
   };
   return SYNC_RUN_TESTS(tests);
}
