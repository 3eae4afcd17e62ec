/* SPDX-License-Identifier: MIT */
/* Threads sharing Kronos's descriptor cache (issue 10's review), on Kronos's device (the vendor's
 * device is opened alongside, as in the other descriptor_*.c, and not used): each thread has its
 * own descriptor pool, command pool and output buffer, and in every iteration allocates two sets,
 * writes them, dispatches (shaders/desc_copy.comp: set 0's buffer copied to set 1's), submits
 * (one queue, behind a mutex) and checks the output against the source the set named. Half the
 * iterations of most threads name one of four shared buffers (so threads race for the same cache
 * entries); thread 0 destroys and makes its own buffer every iteration (unlinking cache entries,
 * handle values reused); thread 1 resets its pool every seventh iteration instead of freeing its
 * sets. The whole run is under the alarm watchdog, so a hang (a deadlock in the cache) fails the
 * program. Usage: it_descriptor_threads [threads [iterations]] (defaults 6 and 200). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_copy_spv.h"
#include "descriptor_common.h"

#define MAX_THREADS 32
#define SHARED_BUFFERS 4

static int thread_count = 6;
static int iterations = 200;

static VkDescriptorSetLayout set_layout;
static VkPipelineLayout layout;
static VkPipeline pipeline;
static struct it_host_buffer shared[SHARED_BUFFERS];
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int errors;

static void
thread_error(int id, int iteration, const char *what, VkResult result)
{
   fprintf(stderr, "  thread %d, iteration %d: %s: %s\n", id, iteration, what,
           it_result_name(result));
   atomic_fetch_add(&errors, 1);
}

static VkResult
submit_wait(const struct dc_side *s, VkCommandBuffer cmd)
{
   const VkFenceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence fence;
   VkResult result = vkCreateFence(s->device, &info, NULL, &fence);
   if (result != VK_SUCCESS)
      return result;
   pthread_mutex_lock(&queue_lock);
   result = it_submit(s->queue, 1, &cmd, fence);
   pthread_mutex_unlock(&queue_lock);
   if (result == VK_SUCCESS)
      result = vkWaitForFences(s->device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS);
   vkDestroyFence(s->device, fence, NULL);
   return result;
}

/* One iteration of thread id; false when the thread cannot go on. */
static bool
iterate(const struct dc_side *s, int id, int it, VkDescriptorPool pool, VkCommandBuffer cmd,
        struct it_host_buffer *own, const struct it_host_buffer *out)
{
   VkResult result;
   if (id == 0) {
      it_host_buffer_destroy(s->device, own);
      result = dc_buffer_create(s, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, own);
      if (result != VK_SUCCESS) {
         thread_error(id, it, "a new buffer", result);
         return false;
      }
   }
   uint32_t *words = own->data;
   for (uint32_t i = 0; i < 4; i++)
      words[i] = 0xa0000000u | (uint32_t)id << 16 | (uint32_t)it << 2 | i;
   const struct it_host_buffer *src =
      (id == 0 || (it & 1)) ? own : &shared[it % SHARED_BUFFERS];
   const VkDescriptorSetLayout layouts[2] = {set_layout, set_layout};
   VkDescriptorSet sets[2];
   result = dc_allocate_sets(s, pool, layouts, 2, sets);
   if (result != VK_SUCCESS) {
      thread_error(id, it, "vkAllocateDescriptorSets", result);
      return false;
   }
   dc_write_storage_buffer(s, sets[0], src->buffer, 0, 16);
   dc_write_storage_buffer(s, sets[1], out->buffer, 0, 16);
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   result = vkBeginCommandBuffer(cmd, &begin);
   if (result == VK_SUCCESS) {
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 2, sets, 0, NULL);
      vkCmdDispatch(cmd, 1, 1, 1);
      it_barrier_to_host(cmd);
      result = vkEndCommandBuffer(cmd);
   }
   if (result == VK_SUCCESS)
      result = submit_wait(s, cmd);
   if (result != VK_SUCCESS) {
      thread_error(id, it, "record, submit and wait", result);
      return false;
   }
   if (memcmp(out->data, src->data, 16) != 0) {
      const uint32_t *got = out->data, *want = src->data;
      fprintf(stderr, "  thread %d, iteration %d: read 0x%08x 0x%08x 0x%08x 0x%08x, the set "
              "named 0x%08x 0x%08x 0x%08x 0x%08x\n", id, it, got[0], got[1], got[2], got[3],
              want[0], want[1], want[2], want[3]);
      atomic_fetch_add(&errors, 1);
   }
   memset(out->data, 0, 16);
   if (id == 1 && it % 7 == 0)
      result = vkResetDescriptorPool(s->device, pool, 0);
   else
      result = vkFreeDescriptorSets(s->device, pool, 2, sets);
   if (result != VK_SUCCESS) {
      thread_error(id, it, "freeing the sets", result);
      return false;
   }
   return true;
}

static void *
worker(void *arg)
{
   const int id = (int)(intptr_t)arg;
   const struct dc_side *s = &dc_sides[DC_KRONOS];
   VkCommandPool command_pool = VK_NULL_HANDLE;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   struct it_host_buffer out = {0}, own = {0};
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   VkResult result = it_create_command_pool(s->device, s->family,
                                            VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL,
                                            &command_pool);
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64};
   const VkDescriptorPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
      .maxSets = 32,
      .poolSizeCount = 1,
      .pPoolSizes = &size,
   };
   if (result == VK_SUCCESS)
      result = vkCreateDescriptorPool(s->device, &pool_info, NULL, &pool);
   if (result == VK_SUCCESS)
      result = dc_buffer_create(s, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &out);
   if (result == VK_SUCCESS)
      result = dc_buffer_create(s, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &own);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(s->device, command_pool,
                                           VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd);
   if (result != VK_SUCCESS)
      thread_error(id, 0, "setting up", result);
   for (int it = 0; result == VK_SUCCESS && it < iterations; it++) {
      if (!iterate(s, id, it, pool, cmd, &own, &out))
         break;
   }
   if (cmd)
      vkFreeCommandBuffers(s->device, command_pool, 1, &cmd);
   vkDestroyCommandPool(s->device, command_pool, NULL);
   vkDestroyDescriptorPool(s->device, pool, NULL);
   if (out.buffer)
      it_host_buffer_destroy(s->device, &out);
   if (own.buffer)
      it_host_buffer_destroy(s->device, &own);
   return NULL;
}

static bool
threads_share_the_cache(void)
{
   const struct dc_side *s = &dc_sides[DC_KRONOS];
   bool ok = false;
   pthread_t threads[MAX_THREADS];
   int started = 0;
   dc_watchdog_arm("threads_share_the_cache");
   CHECK_VK(dc_set_layout1(s, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, 0, &set_layout));
   const VkDescriptorSetLayout two[2] = {set_layout, set_layout};
   CHECK_VK(dc_pipeline_layout(s, two, 2, &layout));
   CHECK_VK(dc_pipeline(s, desc_copy_spv, desc_copy_spv_size, layout, &pipeline));
   for (uint32_t i = 0; i < SHARED_BUFFERS; i++) {
      CHECK_VK(dc_buffer_create(s, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &shared[i]));
      for (uint32_t j = 0; j < 4; j++)
         ((uint32_t *)shared[i].data)[j] = 0x50000000u | i << 4 | j;
   }
   const VkKronosDeviceStatistics before = dc_statistics(s);
   for (; started < thread_count; started++)
      CHECK(pthread_create(&threads[started], NULL, worker, (void *)(intptr_t)started) == 0);
   ok = true;
done:
   for (int i = 0; i < started; i++)
      pthread_join(threads[i], NULL);
   if (ok) {
      const VkKronosDeviceStatistics after = dc_statistics(s);
      printf("  %d threads, %d iterations each, %d errors\n", thread_count, iterations,
             atomic_load(&errors));
      dc_print_cache("  ", &before, &after);
      ok = atomic_load(&errors) == 0;
   }
   for (uint32_t i = 0; i < SHARED_BUFFERS; i++) {
      if (shared[i].buffer)
         it_host_buffer_destroy(s->device, &shared[i]);
   }
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
   if (argc > 3 || thread_count < 2 || thread_count > MAX_THREADS || iterations < 1) {
      fprintf(stderr, "usage: %s [threads (2 to %d) [iterations]]\n", argv[0], MAX_THREADS);
      return 2;
   }
   static const struct it_test tests[] = {
      {"find the vendor's device and Kronos's, open both", dc_setup, true},
      {"threads_share_the_cache", threads_share_the_cache, false},
   };
   int status = IT_RUN_TESTS(tests);
   dc_close();
   return status;
}
