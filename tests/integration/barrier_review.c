/* SPDX-License-Identifier: MIT */
/* Regression cases from the hostile review of the barrier policy (issue 11): command streams whose
 * own barriers are right, run on Kronos's device or (--device vendor) directly on the vendor's,
 * with a VK_EXT_debug_utils messenger counting the validation layer's SYNC-HAZARD errors.
 * barrier_review.sh runs each case with the Khronos validation layer (synchronization
 * validation) above the vendor's device, where the program itself must be clean, and below
 * Kronos, where a hazard is a barrier the policy failed to give the vendor. Cases that need no
 * layer check Kronos's statistics or the results.
 *
 * Usage: it_barrier_review [--device kronos|vendor] [--only NAME] [--list]
 * Exit status 0 when every case run held (no SYNC-HAZARD, results right, counters as said). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barrier_review_common.h"
#include "review_noro_spv.h"

static const VkBufferUsageFlags USAGE = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                        VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_DST_BIT |
                                        VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT;

/* review_noro: review_add with its input storage buffer not declared readonly. */
static VkPipeline noro;

static bool
setup_noro(void)
{
   return review_create_pipeline(review_noro_spv, review_noro_spv_size, rv.layout, &noro) ==
          VK_SUCCESS;
}

static void
teardown_noro(void)
{
   vkDestroyPipeline(rv.device, noro, NULL);
}

/* --- helpers ----------------------------------------------------------------------------- */

/* Shader writes before shader reads, compute to compute (synchronization1). */
static void
compute_barrier(VkCommandBuffer cmd)
{
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
}

/* The chain the held cases record: a = 1, 2, 3, ...; s1 reads a and writes b, s2 reads b and
 * writes c (review_add with 1, then 2, leaves c = 4, 5, 6, ...). */
static bool
chain_sets(struct it_host_buffer *a, const struct it_host_buffer *b,
           const struct it_host_buffer *c, VkDescriptorSet *s1, VkDescriptorSet *s2)
{
   fill_words(a, 0, 1, 1);
   *s1 = make_set(a->buffer, 0, b->buffer, 0);
   *s2 = make_set(b->buffer, 0, c->buffer, 0);
   return *s1 && *s2;
}

/* --- cases -------------------------------------------------------------------------------- */

/* Two dispatches that only read a storage buffer declared without `readonly` (review_noro),
 * with the barrier between them that synchronization validation asks for: it counts a storage
 * buffer that is not NonWritable as written by every dispatch that uses it (WAW). The policy's
 * reflection sees two reads and no conflict, so the barrier stays pending to the end. */
static bool
case_noro_reads(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b, *c;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b, &c));
   fill_words(a, 0, 1, 1);
   VkDescriptorSet s1 = make_set(a->buffer, 0, b->buffer, 0);
   VkDescriptorSet s2 = make_set(a->buffer, 0, c->buffer, 0);
   CHECK(s1 && s2);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, noro, s1, 10);
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                     VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                     VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   dispatch(cmd, noro, s2, 20);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("b", b, 0, 11, 1));
   CHECK(expect_words("c", c, 0, 21, 1));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Common shape of the transfer-stage cases: X written by a transfer (or read by a dispatch),
 * ordered first by a barrier naming one transfer stage and flushed to the vendor by
 * vkCmdResetQueryPool, then by one naming the other (transfer_write: an update or a fill).
 * RAW (read false): the transfer writes a, a dispatch reads it; first barrier from `first`,
 * then from `second`. WAR (read true): a dispatch reads a, then the transfer writes it;
 * execution barriers to `first`, then to `second`. Either way the dispatch writes b. */
static bool
transfer_case(bool read_first, enum transfer_kind kind, VkPipelineStageFlags2 first,
              VkPipelineStageFlags2 second)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b));
   if (read_first)
      fill_words(a, 0, 100, 1);
   VkDescriptorSet s = make_set(a->buffer, 0, b->buffer, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   if (read_first) {
      dispatch(cmd, rv.add, s, 1);
      it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, 0, first, 0);
      vkCmdResetQueryPool(cmd, rv.query_pool, 0, 4);
      it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, 0, second, 0);
      transfer_write(cmd, kind, a->buffer);
   } else {
      transfer_write(cmd, kind, a->buffer);
      it_memory_barrier2(cmd, first, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                         VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
      vkCmdResetQueryPool(cmd, rv.query_pool, 0, 4);
      it_memory_barrier2(cmd, second, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                         VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
      dispatch(cmd, rv.add, s, 1);
   }
   CHECK_VK(end_submit(cmd));
   if (read_first)
      CHECK(expect_words("b", b, 0, 101, 1));
   else if (kind == TRANSFER_UPDATE)
      CHECK(expect_words("b", b, 0, 6, 1));
   else
      CHECK(expect_words("b", b, 0, 6, 0));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* vkCmdUpdateBuffer is a copy to synchronization validation (SYNC_COPY_TRANSFER_WRITE) and a
 * clear to the policy (KR_ACCESS_CLEAR_WRITE, VK_PIPELINE_STAGE_2_CLEAR_BIT). The application
 * orders the update before the read with a COPY barrier; the policy took an earlier CLEAR one
 * as ordering it and never gives the COPY one before the read. */
static bool
case_update_then_read(void)
{
   return transfer_case(false, TRANSFER_UPDATE, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

/* The same, write-after-read: the read ordered before the update by a COPY execution barrier
 * that the policy never gives before the update (an earlier CLEAR one stood for it). */
static bool
case_read_then_update(void)
{
   return transfer_case(true, TRANSFER_UPDATE, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

/* The same with vkCmdFillBuffer, which the installed layer (1.3.239) also takes for a copy. */
static bool
case_fill_then_read(void)
{
   return transfer_case(false, TRANSFER_FILL, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

static bool
case_read_then_fill(void)
{
   return transfer_case(true, TRANSFER_FILL, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

/* Held: two buffers on the same VkDeviceMemory (the same bytes): a write through one, a read
 * through the other. */
static bool
case_alias(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *c;
   VkBuffer x = VK_NULL_HANDLE, y = VK_NULL_HANDLE;
   VkDeviceMemory memory = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &c));
   fill_words(a, 0, 7, 3);
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = BYTES,
      .usage = USAGE,
   };
   CHECK_VK(vkCreateBuffer(rv.device, &info, NULL, &x));
   CHECK_VK(vkCreateBuffer(rv.device, &info, NULL, &y));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(rv.device, x, &req);
   CHECK_VK(it_allocate_memory(rv.physical, rv.device, &req, 0, &memory));
   CHECK_VK(vkBindBufferMemory(rv.device, x, memory, 0));
   CHECK_VK(vkBindBufferMemory(rv.device, y, memory, 0));
   VkDescriptorSet s1 = make_set(a->buffer, 0, x, 0), s2 = make_set(y, 0, c->buffer, 0);
   CHECK(s1 && s2);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, rv.add, s1, 1);
   compute_barrier(cmd);
   dispatch(cmd, rv.add, s2, 2);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c, 0, 10, 3));
   CHECK(no_hazard());
   ok = true;
done:
   vkDestroyBuffer(rv.device, x, NULL);
   vkDestroyBuffer(rv.device, y, NULL);
   vkFreeMemory(rv.device, memory, NULL);
   return ok;
}

/* Held: more distinct ranges than the tracker keeps (KR_BARRIER_MAX_ENTRIES): 5000 fills of one
 * word with gaps, then a transfer-to-compute barrier and a dispatch reading the first words. */
static bool
case_overflow(void)
{
   bool ok = false;
   enum { FILLS = 5000 };
   struct it_host_buffer *scratch, *big, *c;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(big = buffer(FILLS * 8));
   CHECK(c = buffer(BYTES));
   VkDescriptorSet s = make_set(big->buffer, 0, c->buffer, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   for (uint32_t i = 0; i < FILLS; i++)
      vkCmdFillBuffer(cmd, big->buffer, 8 * (VkDeviceSize)i, 4, 9);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
   dispatch(cmd, rv.add, s, 1);
   CHECK_VK(end_submit(cmd));
   uint32_t *w = c->data;
   for (uint32_t i = 0; i < WORDS; i++)
      CHECK(w[i] == (i % 2 ? 1u : 10u));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Held: indirect arguments written by a copy, then by a dispatch, each followed by the barrier
 * to DRAW_INDIRECT that vkCmdDispatchIndirect needs. */
static bool
case_indirect(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *src, *args, *a, *b;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&src, &args, &a, &b));
   uint32_t *w = src->data;
   w[0] = WORDS / 64;
   w[1] = 1;
   w[2] = 1;
   fill_words(a, 0, 3, 2);
   VkDescriptorSet s = make_set(a->buffer, 0, b->buffer, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   const VkBufferCopy region = {0, 0, 12};
   vkCmdCopyBuffer(cmd, src->buffer, args->buffer, 1, &region);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_DRAW_INDIRECT_BIT,
                      VK_ACCESS_2_INDIRECT_COMMAND_READ_BIT);
   bind_add(cmd, rv.add, s, 4);
   vkCmdDispatchIndirect(cmd, args->buffer, 0);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("b", b, 0, 7, 2));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Held: a dependency chain of two barriers (compute -> transfer, transfer -> compute) between a
 * write and a read, once pending together and once split by vkCmdResetQueryPool. */
static bool
chain(bool split)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b, *c;
   VkCommandBuffer cmd;
   VkDescriptorSet s1, s2;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b, &c));
   CHECK(chain_sets(a, b, c, &s1, &s2));
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, rv.add, s1, 1);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_COPY_BIT, 0);
   if (split)
      vkCmdResetQueryPool(cmd, rv.query_pool, 0, 4);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, 0, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                      VK_ACCESS_2_SHADER_READ_BIT);
   dispatch(cmd, rv.add, s2, 2);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c, 0, 4, 1));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

static bool
case_chain(void)
{
   return chain(false);
}

static bool
case_chain_split(void)
{
   return chain(true);
}

/* Held: the previous submit's dispatch wrote b; this one starts with a compute-to-compute
 * barrier and reads it. */
static bool
case_previous_submit(void)
{
   bool ok = false;
   struct it_host_buffer *a, *b, *c;
   VkCommandBuffer cmd, cmd2;
   VkDescriptorSet s1, s2;
   CHECK(BUFFERS(&a, &b, &c));
   CHECK(chain_sets(a, b, c, &s1, &s2));
   CHECK_VK(begin(&cmd));
   dispatch(cmd, rv.add, s1, 1);
   CHECK_VK(vkEndCommandBuffer(cmd));
   CHECK_VK(begin(&cmd2));
   compute_barrier(cmd2);
   dispatch(cmd2, rv.add, s2, 2);
   epilogue(cmd2);
   CHECK_VK(vkEndCommandBuffer(cmd2));
   const VkCommandBuffer both[2] = {cmd, cmd2};
   CHECK_VK(it_submit_wait(rv.device, rv.queue, 2, both));
   vkFreeCommandBuffers(rv.device, rv.pool, 2, both);
   CHECK(expect_words("c", c, 0, 4, 1));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Held: the statistics add up for a stream of barriers the policy understands (every
 * application barrier dropped, merged or emitted; every vendor barrier one the policy emitted),
 * with a duplicate barrier, a chain and a barrier ordering nothing. */
static bool
case_counters(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b, *c;
   VkCommandBuffer cmd;
   VkDescriptorSet s1, s2;
   VkKronosDeviceStatistics before = {0}, after = {0};
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b, &c));
   CHECK(chain_sets(a, b, c, &s1, &s2));
   if (rv.kronos)
      CHECK_VK(it_device_statistics(rv.device, &before));
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, rv.add, s1, 1);
   for (int i = 0; i < 2; i++)
      compute_barrier(cmd);
   dispatch(cmd, rv.add, s2, 2);
   compute_barrier(cmd);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c, 0, 4, 1));
   CHECK(no_hazard());
   if (rv.kronos) {
      CHECK_VK(it_device_statistics(rv.device, &after));
      uint64_t app = after.app_barriers - before.app_barriers;
      uint64_t vendor = after.vendor_barriers - before.vendor_barriers;
      uint64_t dropped = after.barriers_dropped - before.barriers_dropped;
      uint64_t merged = after.barriers_merged - before.barriers_merged;
      uint64_t emitted = 0;
      for (int r = 0; r < KRONOS_BARRIER_REASON_COUNT; r++)
         emitted += after.barriers_emitted[r] - before.barriers_emitted[r];
      printf("app %llu vendor %llu dropped %llu merged %llu emitted %llu\n",
             (unsigned long long)app, (unsigned long long)vendor, (unsigned long long)dropped,
             (unsigned long long)merged, (unsigned long long)emitted);
      CHECK(app == 5);
      CHECK(app == dropped + merged + emitted);
      CHECK(vendor == emitted);
   }
   ok = true;
done:
   return ok;
}

/* --- main --------------------------------------------------------------------------------- */

static const struct review_case cases[] = {
   {"noro_reads", case_noro_reads},
   {"update_then_read", case_update_then_read},
   {"read_then_update", case_read_then_update},
   {"fill_then_read", case_fill_then_read},
   {"read_then_fill", case_read_then_fill},
   {"alias", case_alias},
   {"overflow", case_overflow},
   {"indirect", case_indirect},
   {"chain", case_chain},
   {"chain_split", case_chain_split},
   {"previous_submit", case_previous_submit},
   {"counters", case_counters},
};

int
main(int argc, char **argv)
{
   static const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 256}};
   static const struct review_config config = {
      .pool_sizes = sizes,
      .pool_size_count = 1,
      .usage = USAGE,
      .setup = setup_noro,
      .teardown = teardown_noro,
   };
   return review_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]), &config);
}
