/* SPDX-License-Identifier: MIT */
/* Kronos's submit counters (issue 5), on Kronos only: 100 application submits, each one small
 * command buffer with its own fence, then one vkWaitForFences on all of them; every word
 * written, every fence signalled, and the application count exactly 100.
 *
 * Options (one is required):
 *   --expect-batching     run with KRONOS_BATCH_LIMIT=8 and a long KRONOS_BATCH_TIME_BOUND_US:
 *                         vendor submits <= application submits / 8 + 2, and at least 12
 *                         batches flushed because they were full.
 *   --expect-passthrough  run with KRONOS_DISABLE=batch: one vendor submit per application
 *                         submit. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sync_common.h"

#define SUBMITS 100

static enum { EXPECT_NONE, EXPECT_BATCHING, EXPECT_PASSTHROUGH } expect;

static bool
counters(struct sync_side *s)
{
   bool ok = false;
   struct it_host_buffer buf = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmds[SUBMITS];
   VkFence fences[SUBMITS];
   memset(fences, 0, sizeof(fences));
   CHECK_VK(it_host_buffer_create(s->physical, s->device, 4 * SUBMITS,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &buf));
   memset(buf.data, 0, buf.size);
   CHECK_VK(sync_pool(s, 0, SUBMITS, &pool, cmds));
   for (uint32_t i = 0; i < SUBMITS; i++) {
      CHECK_VK(sync_fence(s, false, &fences[i]));
      CHECK_VK(sync_record_fill(cmds[i], buf.buffer, 4 * i, 4, 0x90000000u + i));
   }
   VkKronosDeviceStatistics before, after;
   CHECK_VK(it_device_statistics(s->device, &before));
   for (uint32_t i = 0; i < SUBMITS; i++)
      CHECK_VK(it_submit(s->queues[0], 1, &cmds[i], fences[i]));
   CHECK_RESULT(vkWaitForFences(s->device, SUBMITS, fences, VK_TRUE, SYNC_TIMEOUT_NS),
                VK_SUCCESS);
   CHECK_VK(it_device_statistics(s->device, &after));
   for (uint32_t i = 0; i < SUBMITS; i++) {
      CHECK_RESULT(vkGetFenceStatus(s->device, fences[i]), VK_SUCCESS);
      CHECK(((const uint32_t *)buf.data)[i] == 0x90000000u + i);
   }

   uint64_t app = after.app_submits - before.app_submits;
   uint64_t vendor = after.vendor_submits - before.vendor_submits;
   uint64_t flushed[KRONOS_FLUSH_REASON_COUNT], flushes = 0;
   for (int r = 0; r < KRONOS_FLUSH_REASON_COUNT; r++) {
      flushed[r] = after.batches_flushed[r] - before.batches_flushed[r];
      flushes += flushed[r];
   }
   printf("  submits: application %" PRIu64 ", vendor %" PRIu64 "; batches flushed: full %" PRIu64
          ", observed %" PRIu64 ", timeout %" PRIu64 ", idle %" PRIu64 "\n",
          app, vendor, flushed[KRONOS_FLUSH_FULL], flushed[KRONOS_FLUSH_OBSERVED],
          flushed[KRONOS_FLUSH_TIMEOUT], flushed[KRONOS_FLUSH_IDLE]);
   CHECK(app == SUBMITS);
   if (expect == EXPECT_BATCHING) {
      /* A batch of 8 goes to the vendor from the flusher thread, or from the submitting
       * thread at 16: between 8 and 16 submits per vendor submit, but for the first (the
       * queue idle) and the last (the wait). */
      CHECK(vendor <= app / 8 + 2);
      CHECK(vendor >= app / 16);
      CHECK(flushed[KRONOS_FLUSH_FULL] >= (app - 1) / 16);
      CHECK(flushes == vendor); /* every vendor submit is a flush, counted with its reason */
   } else {
      CHECK(vendor == app);
      CHECK(flushes == 0);
   }
   ok = true;
done:
   vkDeviceWaitIdle(s->device);
   for (uint32_t i = 0; i < SUBMITS; i++)
      vkDestroyFence(s->device, fences[i], NULL);
   vkDestroyCommandPool(s->device, pool, NULL);
   it_host_buffer_destroy(s->device, &buf);
   return ok;
}

int
main(int argc, char **argv)
{
   if (argc == 2 && strcmp(argv[1], "--expect-batching") == 0) {
      expect = EXPECT_BATCHING;
   } else if (argc == 2 && strcmp(argv[1], "--expect-passthrough") == 0) {
      expect = EXPECT_PASSTHROUGH;
   } else {
      fprintf(stderr, "usage: %s --expect-batching | --expect-passthrough\n", argv[0]);
      return 2;
   }
   static const struct sync_test tests[] = {
      {"100 fenced submits, one wait: submit counters", counters, true},
   };
   return SYNC_RUN_TESTS(tests);
}
