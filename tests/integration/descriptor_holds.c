/* SPDX-License-Identifier: MIT */
/* Command buffers holding cached descriptor sets (issue 10's review), on the vendor's device and
 * on Kronos's over it (descriptor_common.h), outputs compared bit for bit: eight primary command
 * buffers recorded before any is submitted, and one that executes two secondaries, all submitted
 * together three times unchanged; then the sets rewritten and the command buffers recorded again
 * (implicitly reset by vkBeginCommandBuffer, by vkResetCommandBuffer, and by vkResetCommandPool
 * for the secondaries' pool) and submitted twice more (shaders/desc_copy.comp: set 0's buffer
 * copied to set 1's). Meant for KRONOS_DESCRIPTOR_CACHE_SETS=1, where every cached set that no
 * command buffer holds is evicted at once: a set that a recorded command buffer holds must
 * survive until it is recorded again, and a re-recorded one must not use what it held before
 * (--expect-evictions: Kronos's cache must have evicted sets by the end, so that the setting
 * shows to have been in force).
 * Usage: it_descriptor_holds [--expect-evictions] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_copy_spv.h"
#include "descriptor_common.h"

#define N 8            /* primary command buffers, each with its own set and output slot */
#define SLOTS (N + 2)  /* output slots: one per primary, one per secondary */
#define SUBMITS 5      /* three before the rewrite, two after */
#define HOLDS_WORDS (SUBMITS * SLOTS * 4)

struct holds {
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline pipeline;
   VkDescriptorPool pool;
   VkCommandPool secondary_pool; /* the ninth primary and the two secondaries */
   struct it_host_buffer src[N], out;
   VkDescriptorSet sets[N], out_sets[SLOTS];
   VkCommandBuffer primaries[N + 1], secondaries[2];
};

static bool expect_evictions;

static VkResult
record(const struct holds *h, VkCommandBuffer cmd, int set, int slot, bool secondary)
{
   const VkCommandBufferInheritanceInfo inheritance = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO,
   };
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .pInheritanceInfo = secondary ? &inheritance : NULL,
   };
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, h->pipeline);
   const VkDescriptorSet sets[2] = {h->sets[set], h->out_sets[slot]};
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, h->layout, 0, 2, sets, 0, NULL);
   vkCmdDispatch(cmd, 1, 1, 1);
   if (!secondary)
      it_barrier_to_host(cmd);
   return vkEndCommandBuffer(cmd);
}

/* The ninth primary: secondaries binding sets a and b, writing slots N and N + 1. */
static VkResult
record_with_secondaries(const struct holds *h, int a, int b)
{
   VkResult result = record(h, h->secondaries[0], a, N, true);
   if (result == VK_SUCCESS)
      result = record(h, h->secondaries[1], b, N + 1, true);
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   if (result == VK_SUCCESS)
      result = vkBeginCommandBuffer(h->primaries[N], &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdExecuteCommands(h->primaries[N], 2, h->secondaries);
   it_barrier_to_host(h->primaries[N]);
   return vkEndCommandBuffer(h->primaries[N]);
}

static VkResult
submit_collect(const struct dc_side *s, struct holds *h, uint32_t *out, size_t *at)
{
   VkResult result = dc_submit_wait(s, N + 1, h->primaries);
   memcpy(out + *at, h->out.data, SLOTS * 16);
   *at += SLOTS * 4;
   memset(h->out.data, 0, SLOTS * 16);
   return result;
}

static VkResult
holds_open(const struct dc_side *s, struct holds *h)
{
   memset(h, 0, sizeof(*h));
   VkResult result = dc_set_layout1(s, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, 0, &h->set_layout);
   const VkDescriptorSetLayout two[2] = {h->set_layout, h->set_layout};
   if (result == VK_SUCCESS)
      result = dc_pipeline_layout(s, two, 2, &h->layout);
   if (result == VK_SUCCESS)
      result = dc_pipeline(s, desc_copy_spv, desc_copy_spv_size, h->layout, &h->pipeline);
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, N + SLOTS};
   const VkDescriptorPoolCreateInfo pool = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = N + SLOTS,
      .poolSizeCount = 1,
      .pPoolSizes = &size,
   };
   if (result == VK_SUCCESS)
      result = vkCreateDescriptorPool(s->device, &pool, NULL, &h->pool);
   if (result == VK_SUCCESS)
      result = dc_buffer_create(s, SLOTS * 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &h->out);
   for (uint32_t i = 0; i < N && result == VK_SUCCESS; i++) {
      result = dc_buffer_create(s, 64, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &h->src[i]);
      for (uint32_t j = 0; j < 16 && result == VK_SUCCESS; j++)
         ((uint32_t *)h->src[i].data)[j] = i << 8 | j;
   }
   VkDescriptorSetLayout layouts[N + SLOTS];
   for (uint32_t i = 0; i < N + SLOTS; i++)
      layouts[i] = h->set_layout;
   if (result == VK_SUCCESS)
      result = dc_allocate_sets(s, h->pool, layouts, N, h->sets);
   if (result == VK_SUCCESS)
      result = dc_allocate_sets(s, h->pool, layouts, SLOTS, h->out_sets);
   if (result != VK_SUCCESS)
      return result;
   for (uint32_t i = 0; i < SLOTS; i++)
      dc_write_storage_buffer(s, h->out_sets[i], h->out.buffer, 16 * i, 16);
   for (uint32_t i = 0; i < N; i++)
      dc_write_storage_buffer(s, h->sets[i], h->src[i].buffer, 0, 16);
   result = it_create_command_pool(s->device, s->family, 0, NULL, &h->secondary_pool);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(s->device, s->command_pool,
                                           VK_COMMAND_BUFFER_LEVEL_PRIMARY, N, h->primaries);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(s->device, h->secondary_pool,
                                           VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &h->primaries[N]);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(s->device, h->secondary_pool,
                                           VK_COMMAND_BUFFER_LEVEL_SECONDARY, 2, h->secondaries);
   return result;
}

static void
holds_close(const struct dc_side *s, struct holds *h)
{
   VkDevice d = s->device;
   if (h->primaries[0])
      vkFreeCommandBuffers(d, s->command_pool, N, h->primaries);
   vkDestroyCommandPool(d, h->secondary_pool, NULL);
   vkDestroyDescriptorPool(d, h->pool, NULL);
   vkDestroyPipeline(d, h->pipeline, NULL);
   vkDestroyPipelineLayout(d, h->layout, NULL);
   vkDestroyDescriptorSetLayout(d, h->set_layout, NULL);
   for (int i = 0; i < N; i++) {
      if (h->src[i].buffer)
         it_host_buffer_destroy(d, &h->src[i]);
   }
   if (h->out.buffer)
      it_host_buffer_destroy(d, &h->out);
}

static bool
holds_on(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   bool ok = false;
   struct holds h;
   size_t at = 0;
   CHECK_VK(holds_open(s, &h));
   for (int i = 0; i < N; i++)
      CHECK_VK(record(&h, h.primaries[i], i, i, false));
   CHECK_VK(record_with_secondaries(&h, 3, 5));
   for (int round = 0; round < 3; round++)
      CHECK_VK(submit_collect(s, &h, out, &at));
   /* New content: set i names source (i + 1) % N at offset 16. */
   for (int i = 0; i < N; i++)
      dc_write_storage_buffer(s, h.sets[i], h.src[(i + 1) % N].buffer, 16, 16);
   for (int i = 0; i < N / 2; i++)
      CHECK_VK(record(&h, h.primaries[i], N - 1 - i, i, false)); /* reset by begin */
   for (int i = N / 2; i < N; i++) {
      CHECK_VK(vkResetCommandBuffer(h.primaries[i], 0));
      CHECK_VK(record(&h, h.primaries[i], i, i, false));
   }
   CHECK_VK(vkResetCommandPool(s->device, h.secondary_pool, 0));
   CHECK_VK(record_with_secondaries(&h, 0, 7));
   for (int round = 0; round < 2; round++)
      CHECK_VK(submit_collect(s, &h, out, &at));
   CHECK(at == HOLDS_WORDS);
   ok = true;
done:
   holds_close(s, &h);
   return ok;
}

static bool
many_command_buffers(void)
{
   const VkKronosDeviceStatistics before = dc_statistics(&dc_sides[DC_KRONOS]);
   bool ok = dc_on_both("many_command_buffers", holds_on, NULL, HOLDS_WORDS);
   const VkKronosDeviceStatistics after = dc_statistics(&dc_sides[DC_KRONOS]);
   dc_print_cache("  ", &before, &after);
   if (expect_evictions && after.descriptor_cache_evictions == before.descriptor_cache_evictions) {
      printf("  no eviction: is KRONOS_DESCRIPTOR_CACHE_SETS=1 in force?\n");
      ok = false;
   }
   return ok;
}

int
main(int argc, char **argv)
{
   if (argc == 2 && strcmp(argv[1], "--expect-evictions") == 0) {
      expect_evictions = true;
   } else if (argc != 1) {
      fprintf(stderr, "usage: %s [--expect-evictions]\n", argv[0]);
      return 2;
   }
   static const struct it_test tests[] = {
      {"find the vendor's device and Kronos's, open both", dc_setup, true},
      {"many_command_buffers", many_command_buffers, false},
   };
   int status = IT_RUN_TESTS(tests);
   dc_close();
   return status;
}
