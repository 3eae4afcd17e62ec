/* SPDX-License-Identifier: MIT */
/* Threads in four roles on Kronos's device (issue 10, second review; the vendor's device is
 * opened alongside, as in the other descriptor_*.c, and not used): updaters rewrite their own set
 * every iteration while binders bind other sets, never updated after the start, with the same
 * contents (sharing cache entries); destroyers make and destroy a buffer every iteration (cache
 * entries unlinked, handle values reused); recyclers free and allocate their sets every
 * iteration (recycled set memory) and reset their pool every fifth; some iterations bind through
 * secondary command buffers. Every dispatch's output is checked; at the end, every buffer
 * destroyed, the cache must hold no vendor set and no bytes. The case runs under the alarm
 * watchdog, so a hang (a deadlock in the cache) fails the program.
 * Usage: it_descriptor_thread_roles [threads (4 to 64) [iterations]] (defaults 8 and 150). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_copy_spv.h"
#include "descriptor_common.h"

#define SHARED 4
#define MAX_THREADS 64
static int thread_count = 8, iterations = 150;
static VkDescriptorSetLayout set_layout;
static VkPipelineLayout layout;
static VkPipeline pipeline;
static struct it_host_buffer shared[SHARED];
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int errors;

struct worker {
   int id;
   const struct dc_side *s;
   VkCommandPool cmd_pool;
   VkDescriptorPool pool;
   struct it_host_buffer out;
   VkDescriptorSet out_set, sets[2];
};

static void
fail(int id, int it, const char *what)
{
   fprintf(stderr, "  thread %d iteration %d: %s\n", id, it, what);
   atomic_fetch_add(&errors, 1);
}

static VkResult
submit(const struct dc_side *s, VkCommandBuffer cmd)
{
   VkFence fence;
   const VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkResult r = vkCreateFence(s->device, &fi, NULL, &fence);
   if (r != VK_SUCCESS)
      return r;
   const VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1,
                            .pCommandBuffers = &cmd};
   pthread_mutex_lock(&queue_lock);
   r = vkQueueSubmit(s->queue, 1, &si, fence);
   pthread_mutex_unlock(&queue_lock);
   if (r == VK_SUCCESS)
      r = vkWaitForFences(s->device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS);
   vkDestroyFence(s->device, fence, NULL);
   return r;
}

/* Dispatches copying sets[i] to out slot i (n sets), through a secondary when secondary. */
static VkResult
run(struct worker *w, const VkDescriptorSet *sets, int n, bool secondary)
{
   const struct dc_side *s = w->s;
   VkCommandBuffer cmds[2];
   VkResult r = it_allocate_command_buffers(s->device, w->cmd_pool,
                                            VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmds[0]);
   if (r != VK_SUCCESS)
      return r;
   if (secondary)
      r = it_allocate_command_buffers(s->device, w->cmd_pool, VK_COMMAND_BUFFER_LEVEL_SECONDARY,
                                      1, &cmds[1]);
   VkCommandBuffer rec = secondary ? cmds[1] : cmds[0];
   const VkCommandBufferInheritanceInfo inh = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO};
   const VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                        .pInheritanceInfo = secondary ? &inh : NULL};
   if (r == VK_SUCCESS)
      r = vkBeginCommandBuffer(rec, &bi);
   if (r != VK_SUCCESS)
      goto out;
   vkCmdBindPipeline(rec, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
   for (int i = 0; i < n; i++) {
      const VkDescriptorSet pair[2] = {sets[i], w->out_set};
      vkCmdBindDescriptorSets(rec, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 2, pair, 0, NULL);
      vkCmdDispatch(rec, 1, 1, 1);
      /* one slot per set: the out set names slot 0; copy it on */
      if (i + 1 < n) {
         const VkMemoryBarrier mb = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                                     .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
                                     .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT |
                                                      VK_ACCESS_SHADER_WRITE_BIT};
         vkCmdPipelineBarrier(rec, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                              VK_PIPELINE_STAGE_TRANSFER_BIT |
                                 VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                              0, 1, &mb, 0, NULL, 0, NULL);
         const VkBufferCopy copy = {0, 16 * (VkDeviceSize)(i + 1), 16};
         vkCmdCopyBuffer(rec, w->out.buffer, w->out.buffer, 1, &copy);
         const VkMemoryBarrier mb2 = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                                      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT |
                                                       VK_ACCESS_TRANSFER_READ_BIT,
                                      .dstAccessMask = VK_ACCESS_SHADER_WRITE_BIT};
         vkCmdPipelineBarrier(rec, VK_PIPELINE_STAGE_TRANSFER_BIT,
                              VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &mb2, 0, NULL, 0,
                              NULL);
      }
   }
   if (!secondary)
      it_barrier_to_host(rec);
   r = vkEndCommandBuffer(rec);
   if (r == VK_SUCCESS && secondary) {
      const VkCommandBufferBeginInfo pbi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
      r = vkBeginCommandBuffer(cmds[0], &pbi);
      if (r == VK_SUCCESS) {
         vkCmdExecuteCommands(cmds[0], 1, &cmds[1]);
         it_barrier_to_host(cmds[0]);
         r = vkEndCommandBuffer(cmds[0]);
      }
   }
   if (r == VK_SUCCESS)
      r = submit(w->s, cmds[0]);
out:
   vkFreeCommandBuffers(s->device, w->cmd_pool, secondary ? 2 : 1, cmds);
   return r;
}

static bool
matches(const struct worker *w, int slot, const struct it_host_buffer *src, uint32_t offset)
{
   return memcmp((const uint8_t *)w->out.data + 16 * slot, (const uint8_t *)src->data + offset,
                 16) == 0;
}

static void
write_set(const struct dc_side *s, VkDescriptorSet set, VkBuffer buffer, uint32_t offset)
{
   dc_write_storage_buffer(s, set, buffer, offset, 16);
}

static void *
worker_main(void *arg)
{
   struct worker *w = arg;
   const struct dc_side *s = w->s;
   const int role = w->id % 4;
   VkDescriptorSetLayout two[2] = {set_layout, set_layout};
   for (int it = 0; it < iterations; it++) {
      memset(w->out.data, 0, 64);
      if (role == 0) { /* updater: one set rewritten every iteration */
         const int k = (it + w->id) % SHARED;
         const uint32_t off = 16u * (uint32_t)(it % 2);
         write_set(s, w->sets[0], shared[k].buffer, off);
         if (run(w, w->sets, 1, it % 3 == 0) != VK_SUCCESS)
            fail(w->id, it, "run");
         else if (!matches(w, 0, &shared[k], off))
            fail(w->id, it, "updater: wrong output");
      } else if (role == 1) { /* binder: sets never updated after the start */
         if (run(w, w->sets, 2, it % 2 == 0) != VK_SUCCESS)
            fail(w->id, it, "run");
         else if (!matches(w, 1, &shared[0], 0) || !matches(w, 0, &shared[1], 16))
            fail(w->id, it, "binder: wrong output");
      } else if (role == 2) { /* destroyer */
         struct it_host_buffer mine;
         if (dc_buffer_create(s, 64, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &mine) != VK_SUCCESS) {
            fail(w->id, it, "buffer");
            continue;
         }
         for (int i = 0; i < 16; i++)
            ((uint32_t *)mine.data)[i] = 0xd0000000u | (uint32_t)(w->id << 16) | (uint32_t)it;
         write_set(s, w->sets[0], mine.buffer, 0);
         if (run(w, w->sets, 1, false) != VK_SUCCESS)
            fail(w->id, it, "run");
         else if (!matches(w, 0, &mine, 0))
            fail(w->id, it, "destroyer: wrong output");
         it_host_buffer_destroy(s->device, &mine);
      } else { /* recycler: free and allocate every iteration, pool reset every fifth */
         if (it % 5 == 4) {
            vkResetDescriptorPool(s->device, w->pool, 0);
            if (dc_allocate_sets(s, w->pool, two, 1, &w->out_set) != VK_SUCCESS)
               fail(w->id, it, "allocate out");
            write_set(s, w->out_set, w->out.buffer, 0);
         } else {
            vkFreeDescriptorSets(s->device, w->pool, 2, w->sets);
         }
         if (dc_allocate_sets(s, w->pool, two, 2, w->sets) != VK_SUCCESS) {
            fail(w->id, it, "allocate");
            continue;
         }
         const int k = (it * 7 + w->id) % SHARED;
         write_set(s, w->sets[0], shared[k].buffer, 16);
         write_set(s, w->sets[1], shared[(k + 1) % SHARED].buffer, 0);
         if (run(w, w->sets, 2, it % 2 == 1) != VK_SUCCESS)
            fail(w->id, it, "run");
         else if (!matches(w, 0, &shared[(k + 1) % SHARED], 0) ||
                  !matches(w, 1, &shared[k], 16))
            fail(w->id, it, "recycler: wrong output");
      }
   }
   return NULL;
}

static bool
thread_roles(void)
{
   const struct dc_side *s = &dc_sides[DC_KRONOS];
   bool ok = false;
   static struct worker workers[MAX_THREADS];
   pthread_t threads[MAX_THREADS];
   int started = 0;
   dc_watchdog_arm("thread_roles");
   CHECK_VK(dc_set_layout1(s, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, 0, &set_layout));
   VkDescriptorSetLayout two[2] = {set_layout, set_layout};
   CHECK_VK(dc_pipeline_layout(s, two, 2, &layout));
   CHECK_VK(dc_pipeline(s, desc_copy_spv, desc_copy_spv_size, layout, &pipeline));
   for (int i = 0; i < SHARED; i++) {
      CHECK_VK(dc_buffer_create(s, 64, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &shared[i]));
      for (int j = 0; j < 16; j++)
         ((uint32_t *)shared[i].data)[j] = 0x10000000u * (uint32_t)(i + 1) + (uint32_t)j;
   }
   for (int t = 0; t < thread_count; t++) {
      struct worker *w = &workers[t];
      w->id = t;
      w->s = s;
      CHECK_VK(it_create_command_pool(s->device, s->family, 0, NULL, &w->cmd_pool));
      CHECK_VK(dc_simple_pool_create(s->device, 8,
                                     VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                     &w->pool));
      CHECK_VK(dc_buffer_create(s, 64, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                          VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                          VK_BUFFER_USAGE_TRANSFER_DST_BIT, &w->out));
      CHECK_VK(dc_allocate_sets(s, w->pool, two, 1, &w->out_set));
      CHECK_VK(dc_allocate_sets(s, w->pool, two, 2, w->sets));
      write_set(s, w->out_set, w->out.buffer, 0);
      write_set(s, w->sets[0], shared[0].buffer, 0);
      write_set(s, w->sets[1], shared[1].buffer, 16);
   }
   for (; started < thread_count; started++)
      CHECK(pthread_create(&threads[started], NULL, worker_main, &workers[started]) == 0);
   ok = true;
done:
   for (int t = 0; t < started; t++)
      pthread_join(threads[t], NULL);
   VkKronosDeviceStatistics st = dc_statistics(s);
   printf("  %d threads, %d iterations each, %d errors; cache hits %llu misses %llu evictions "
          "%llu\n", thread_count, iterations, atomic_load(&errors),
          (unsigned long long)st.descriptor_cache_hits,
          (unsigned long long)st.descriptor_cache_misses,
          (unsigned long long)st.descriptor_cache_evictions);
   for (int t = 0; t < thread_count; t++) {
      struct worker *w = &workers[t];
      if (w->cmd_pool)
         vkDestroyCommandPool(s->device, w->cmd_pool, NULL);
      if (w->pool)
         vkDestroyDescriptorPool(s->device, w->pool, NULL);
      if (w->out.buffer)
         it_host_buffer_destroy(s->device, &w->out);
   }
   for (int i = 0; i < SHARED; i++) {
      if (shared[i].buffer)
         it_host_buffer_destroy(s->device, &shared[i]);
   }
   st = dc_statistics(s);
   printf("  everything destroyed: vendor sets live %llu, cache bytes %llu\n",
          (unsigned long long)st.vendor_descriptor_sets_live,
          (unsigned long long)st.descriptor_cache_bytes);
   if (atomic_load(&errors) || st.vendor_descriptor_sets_live || st.descriptor_cache_bytes)
      ok = false;
   vkDestroyPipeline(s->device, pipeline, NULL);
   vkDestroyPipelineLayout(s->device, layout, NULL);
   vkDestroyDescriptorSetLayout(s->device, set_layout, NULL);
   dc_watchdog_arm(NULL);
   return ok;
}

int
main(int argc, char **argv)
{
   if (argc > 1)
      thread_count = atoi(argv[1]);
   if (argc > 2)
      iterations = atoi(argv[2]);
   if (argc > 3 || thread_count < 4 || thread_count > MAX_THREADS || iterations < 1) {
      fprintf(stderr, "usage: %s [threads (4 to %d) [iterations]]\n", argv[0], MAX_THREADS);
      return 2;
   }
   static const struct it_test tests[] = {
      {"find the vendor's device and Kronos's, open both", dc_setup, true},
      {"thread_roles", thread_roles, false},
   };
   int status = IT_RUN_TESTS(tests);
   dc_close();
   return status;
}
