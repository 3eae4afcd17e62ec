/* SPDX-License-Identifier: MIT */
/* Two threads bind one set through their command buffers' holds while the cache entry they hold
 * was unlinked and another thread's bind publishes the set's new entry (kr_descriptor_bind.c:
 * a bind through a hold must see the entry it holds unlinked and look the set up again, and
 * never give the vendor a vendor set its command buffer does not hold). A review's reproducer,
 * which found that fault in a variant of the bind that read the entry's link and vendor set from
 * copies in the set's record.
 *
 * Set 0 names the source buffer (binding 0, which the desc_copy shader reads) and a victim
 * buffer (binding 1, which it does not). Each round the main thread destroys the victim and
 * makes another, which gets the same handle value (its vendor host memory is one fixed block,
 * and lavapipe's handle is its object's address), and writes it back: the set's content is
 * unchanged, and the entry both command buffers hold is unlinked. Both threads then begin their
 * command buffers again (carrying their holds) and bind set 0 at the same moment, then their own
 * set 1, and dispatch. The main thread lets B's holds go, binds other sets so that idle entries
 * are evicted (run with KRONOS_DESCRIPTOR_CACHE_SETS=2), submits A and checks that A copied the
 * source: a wrong vendor set would read another set's buffer or a freed one. The window is a
 * few nanoseconds; ThreadSanitizer's build widens it, and reports the race itself (with that
 * variant, 800 rounds found it in two runs of three there).
 *   it_descriptor_hold_race [ROUNDS]   (default 800) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_copy_spv.h"
#include "descriptor_common.h"

#define WORDS 4
#define OTHER_SETS 4

static struct {
   VkDescriptorSetLayout l0, l1;
   VkPipelineLayout layout;
   VkPipeline pipeline;
   VkDescriptorPool pool;
   struct it_host_buffer src, victim, outs[2], others[OTHER_SETS];
   VkDescriptorSet s0, s1[2], other_sets[2 * OTHER_SETS];
   VkCommandPool cmd_pools[3];
   VkCommandBuffer cmds[3]; /* A and B (the threads'), and the evicting one */
   pthread_barrier_t start, done;
   atomic_bool stop;
} r;

/* The victim's vendor host memory: always this block, so that a new buffer gets the destroyed
 * one's handle value. */
static _Alignas(64) unsigned char victim_block[4096];

static void *VKAPI_PTR
victim_allocate(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   return size <= sizeof(victim_block) && align <= 64 ? victim_block : NULL;
}

static void *VKAPI_PTR
victim_reallocate(void *user, void *old, size_t size, size_t align,
                  VkSystemAllocationScope scope)
{
   (void)user;
   (void)old;
   (void)size;
   (void)align;
   (void)scope;
   return NULL;
}

static void VKAPI_PTR
victim_free(void *user, void *memory)
{
   (void)user;
   (void)memory;
}

static const VkAllocationCallbacks victim_alloc = {
   .pfnAllocation = victim_allocate,
   .pfnReallocation = victim_reallocate,
   .pfnFree = victim_free,
};

static void
write_buffer(VkDevice device, VkDescriptorSet set, uint32_t binding, VkBuffer buffer)
{
   const VkDescriptorBufferInfo info = {buffer, 0, WORDS * sizeof(uint32_t)};
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = binding,
      .descriptorCount = 1,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .pBufferInfo = &info,
   };
   vkUpdateDescriptorSets(device, 1, &write, 0, NULL);
}

/* Thread `id` records its command buffer each round, binding set 0 alongside the other. */
static void *
record_rounds(void *arg)
{
   int id = (int)(intptr_t)arg;
   VkCommandBuffer cmd = r.cmds[id];
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   for (;;) {
      pthread_barrier_wait(&r.start);
      if (atomic_load(&r.stop))
         return NULL;
      VkResult result = vkBeginCommandBuffer(cmd, &begin);
      if (result == VK_SUCCESS) {
         vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, r.pipeline);
         vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, r.layout, 0, 1, &r.s0, 0,
                                 NULL);
         vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, r.layout, 1, 1,
                                 &r.s1[id], 0, NULL);
         vkCmdDispatch(cmd, 1, 1, 1);
         it_barrier_to_host(cmd);
         result = vkEndCommandBuffer(cmd);
      }
      if (result != VK_SUCCESS)
         fprintf(stderr, "thread %d: recording failed (%d)\n", id, result);
      pthread_barrier_wait(&r.done);
   }
}

/* Binds the other sets and lets them go: with a cache of two sets, idle entries are evicted
 * and their vendor sets freed. */
static bool
evict_others(VkCommandBuffer cmd)
{
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   for (uint32_t index = 0; index < 2; index++) {
      CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
      for (uint32_t i = 0; i < OTHER_SETS; i++)
         vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, r.layout, index, 1,
                                 &r.other_sets[index * OTHER_SETS + i], 0, NULL);
      CHECK_VK(vkEndCommandBuffer(cmd));
      CHECK_VK(vkResetCommandBuffer(cmd, VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT));
   }
   return true;
done:
   return false;
}

static bool
make_objects(const struct dc_side *s)
{
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(dc_set_layout(s, 0, bindings, 2, &r.l0));
   CHECK_VK(dc_set_layout1(s, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, 0, &r.l1));
   const VkDescriptorSetLayout layouts[2] = {r.l0, r.l1};
   CHECK_VK(dc_pipeline_layout(s, layouts, 2, &r.layout));
   CHECK_VK(dc_pipeline(s, desc_copy_spv, sizeof(desc_copy_spv), r.layout, &r.pipeline));
   const VkDeviceSize size = WORDS * sizeof(uint32_t);
   const VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
   CHECK_VK(dc_buffer_create(s, size, usage, &r.src));
   CHECK_VK(dc_buffer_create(s, size, usage, &r.victim));
   for (uint32_t i = 0; i < 2; i++)
      CHECK_VK(dc_buffer_create(s, size, usage, &r.outs[i]));
   for (uint32_t w = 0; w < WORDS; w++)
      ((uint32_t *)r.src.data)[w] = 0x5eed0000u + w;

   const VkDescriptorPoolSize pool_size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64};
   CHECK_VK(it_create_descriptor_pool(s->device, 0, 32, &pool_size, 1, NULL, &r.pool));
   CHECK_VK(dc_allocate_sets(s, r.pool, &r.l0, 1, &r.s0));
   const VkDescriptorSetLayout ones[2] = {r.l1, r.l1};
   CHECK_VK(dc_allocate_sets(s, r.pool, ones, 2, r.s1));
   write_buffer(s->device, r.s0, 0, r.src.buffer);
   write_buffer(s->device, r.s0, 1, r.victim.buffer);
   for (uint32_t i = 0; i < 2; i++)
      write_buffer(s->device, r.s1[i], 0, r.outs[i].buffer);
   for (uint32_t i = 0; i < OTHER_SETS; i++) {
      CHECK_VK(dc_buffer_create(s, size, usage, &r.others[i]));
      for (uint32_t w = 0; w < WORDS; w++)
         ((uint32_t *)r.others[i].data)[w] = 0xbad00000u + i * 16 + w;
      CHECK_VK(dc_allocate_sets(s, r.pool, &r.l0, 1, &r.other_sets[i]));
      write_buffer(s->device, r.other_sets[i], 0, r.others[i].buffer);
      write_buffer(s->device, r.other_sets[i], 1, r.others[i].buffer);
      CHECK_VK(dc_allocate_sets(s, r.pool, &r.l1, 1, &r.other_sets[OTHER_SETS + i]));
      write_buffer(s->device, r.other_sets[OTHER_SETS + i], 0, r.others[i].buffer);
   }
   for (uint32_t i = 0; i < 3; i++) {
      CHECK_VK(it_create_command_pool(s->device, s->family,
                                      VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL,
                                      &r.cmd_pools[i]));
      const VkCommandBufferAllocateInfo info = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
         .commandPool = r.cmd_pools[i],
         .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
         .commandBufferCount = 1,
      };
      CHECK_VK(vkAllocateCommandBuffers(s->device, &info, &r.cmds[i]));
   }
   return true;
done:
   return false;
}

/* A new victim (the destroyed one's handle value, as a rule) written back into set 0. The
 * first victim came from the default allocator, the rest from the block. */
static bool victim_in_block;

static bool
replace_victim(const struct dc_side *s, bool *same_handle)
{
   VkBuffer old = r.victim.buffer;
   vkDestroyBuffer(s->device, r.victim.buffer, victim_in_block ? &victim_alloc : NULL);
   r.victim.buffer = VK_NULL_HANDLE;
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = WORDS * sizeof(uint32_t),
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
   };
   CHECK_VK(vkCreateBuffer(s->device, &info, &victim_alloc, &r.victim.buffer));
   victim_in_block = true;
   CHECK_VK(vkBindBufferMemory(s->device, r.victim.buffer, r.victim.memory, 0));
   *same_handle = r.victim.buffer == old;
   write_buffer(s->device, r.s0, 1, r.victim.buffer);
   return true;
done:
   return false;
}

static uint32_t rounds = 800;

static bool
hold_race(void)
{
   bool ok = false, threads = false;
   const struct dc_side *s = &dc_sides[DC_KRONOS];
   pthread_t thread[2];
   uint32_t wrong = 0, same = 0;
   dc_watchdog_arm("hold_race");
   CHECK(make_objects(s));
   bool same_handle;
   CHECK(replace_victim(s, &same_handle));
   pthread_barrier_init(&r.start, NULL, 3);
   pthread_barrier_init(&r.done, NULL, 3);
   for (int i = 0; i < 2; i++)
      CHECK(pthread_create(&thread[i], NULL, record_rounds, (void *)(intptr_t)i) == 0);
   threads = true;
   for (uint32_t round = 0; round < rounds; round++) {
      CHECK(replace_victim(s, &same_handle));
      same += same_handle;
      pthread_barrier_wait(&r.start);
      pthread_barrier_wait(&r.done);
      CHECK_VK(vkResetCommandBuffer(r.cmds[1], VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT));
      CHECK(evict_others(r.cmds[2]));
      memset(r.outs[0].data, 0, WORDS * sizeof(uint32_t));
      CHECK_VK(dc_submit_wait(s, 1, &r.cmds[0]));
      if (memcmp(r.outs[0].data, r.src.data, WORDS * sizeof(uint32_t)) != 0) {
         const uint32_t *got = r.outs[0].data;
         if (wrong++ < 5)
            printf("  round %u: A copied %08x %08x %08x %08x, not the source\n", round, got[0],
                   got[1], got[2], got[3]);
      }
   }
   printf("  %u rounds, the victim's handle value reused in %u, %u wrong\n", rounds, same,
          wrong);
   /* The case is only a case where the handle value comes back. */
   CHECK(same == rounds);
   CHECK(wrong == 0);
   ok = true;
done:
   if (threads) {
      atomic_store(&r.stop, true);
      pthread_barrier_wait(&r.start);
      for (int i = 0; i < 2; i++)
         pthread_join(thread[i], NULL);
   }
   return ok;
}

/* Everything made, gone (the validation layer's and the leak checks' view at dc_close). */
static bool
teardown(void)
{
   const struct dc_side *s = &dc_sides[DC_KRONOS];
   VkDevice d = s->device;
   for (uint32_t i = 0; i < 3; i++) {
      if (r.cmd_pools[i])
         vkDestroyCommandPool(d, r.cmd_pools[i], NULL);
   }
   if (r.pool)
      vkDestroyDescriptorPool(d, r.pool, NULL);
   if (r.victim.buffer && victim_in_block) {
      vkDestroyBuffer(d, r.victim.buffer, &victim_alloc);
      r.victim.buffer = VK_NULL_HANDLE;
   }
   it_host_buffer_destroy(d, &r.victim);
   it_host_buffer_destroy(d, &r.src);
   for (uint32_t i = 0; i < 2; i++)
      it_host_buffer_destroy(d, &r.outs[i]);
   for (uint32_t i = 0; i < OTHER_SETS; i++)
      it_host_buffer_destroy(d, &r.others[i]);
   if (r.pipeline)
      vkDestroyPipeline(d, r.pipeline, NULL);
   if (r.layout)
      vkDestroyPipelineLayout(d, r.layout, NULL);
   if (r.l0)
      vkDestroyDescriptorSetLayout(d, r.l0, NULL);
   if (r.l1)
      vkDestroyDescriptorSetLayout(d, r.l1, NULL);
   return true;
}

int
main(int argc, char **argv)
{
   if (argc > 1)
      rounds = (uint32_t)strtoul(argv[1], NULL, 10);
   static const struct it_test tests[] = {
      {"open the vendor's and Kronos's devices", dc_setup, true},
      {"hold_race", hold_race, false},
      {"teardown", teardown, false},
   };
   int status = IT_RUN_TESTS(tests);
   dc_close();
   return status;
}
