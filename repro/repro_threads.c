/* Several threads record with their own descriptor pools and command pools, binding sets of the
 * same content (so they race for the same cache entries), while one thread keeps destroying and
 * making its own buffers (unlinking entries) and another resets its descriptor pool; every
 * dispatch's output is checked. Run on Kronos only (vendor used as reference by construction:
 * out must equal the source buffer's words). Usage: repro_threads [threads] [iterations] */
#include <pthread.h>
#include "rc.h"
#include "shaders/single_spv.h"

static VkDescriptorSetLayout sl;
static VkPipelineLayout pl;
static VkPipeline pipe;
static struct rc_buf shared[4];
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static int iterations = 200;
static _Atomic int errors;

static void
submit(struct rc_dev *d, VkCommandBuffer cmd)
{
   VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence f;
   RC_CHECK(vkCreateFence(d->dev, &fi, NULL, &f));
   VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &cmd};
   pthread_mutex_lock(&queue_lock);
   RC_CHECK(vkQueueSubmit(d->queue, 1, &si, f));
   pthread_mutex_unlock(&queue_lock);
   RC_CHECK(vkWaitForFences(d->dev, 1, &f, VK_TRUE, 60000000000ull));
   vkDestroyFence(d->dev, f, NULL);
}

static void *
worker(void *arg)
{
   int id = (int)(intptr_t)arg;
   struct rc_dev *d = &rc_kronos;
   VkCommandPoolCreateInfo cp = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                 .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, .queueFamilyIndex = d->family};
   VkCommandPool cpool;
   RC_CHECK(vkCreateCommandPool(d->dev, &cp, NULL, &cpool));
   VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                     .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                     .maxSets = 32, .poolSizeCount = 1, .pPoolSizes = &size};
   VkDescriptorPool dpool;
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &dpool));
   struct rc_buf out, own;
   rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &out);
   rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &own);
   VkCommandBufferAllocateInfo cai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                      .commandPool = cpool, .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                      .commandBufferCount = 1};
   VkCommandBuffer cmd;
   RC_CHECK(vkAllocateCommandBuffers(d->dev, &cai, &cmd));
   for (int it = 0; it < iterations; it++) {
      /* thread 0 replaces its own buffer every time (forget + handle reuse) */
      if (id == 0) {
         rc_buf_destroy(d, &own);
         rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &own);
      }
      uint32_t *o = own.data;
      for (int i = 0; i < 4; i++) o[i] = 0xA0000000u | (uint32_t)id << 16 | (uint32_t)it << 2 | (uint32_t)i;
      struct rc_buf *src = (id == 0 || (it & 1)) ? &own : &shared[it % 4];
      VkDescriptorSetLayout two_l[2] = {sl, sl};
      VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                        .descriptorPool = dpool, .descriptorSetCount = 2, .pSetLayouts = two_l};
      VkDescriptorSet sets[2];
      RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, sets));
      VkDescriptorBufferInfo bi[2] = {{src->buffer, 0, 16}, {out.buffer, 0, 16}};
      VkWriteDescriptorSet w[2] = {
         {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = sets[0], .descriptorCount = 1,
          .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi[0]},
         {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = sets[1], .descriptorCount = 1,
          .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi[1]}};
      vkUpdateDescriptorSets(d->dev, 2, w, 0, NULL);
      VkCommandBufferBeginInfo cbi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
      RC_CHECK(vkBeginCommandBuffer(cmd, &cbi));
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipe);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pl, 0, 2, sets, 0, NULL);
      vkCmdDispatch(cmd, 1, 1, 1);
      RC_CHECK(vkEndCommandBuffer(cmd));
      /* the sets may go before the submit? no: that invalidates cmd. Free after. */
      submit(d, cmd);
      if (memcmp(out.data, src->data, 16) != 0) {
         fprintf(stderr, "thread %d iteration %d: wrong output\n", id, it);
         errors++;
      }
      memset(out.data, 0, 16);
      if (id == 1 && (it % 7) == 0)
         RC_CHECK(vkResetDescriptorPool(d->dev, dpool, 0));
      else
         RC_CHECK(vkFreeDescriptorSets(d->dev, dpool, 2, sets));
   }
   vkFreeCommandBuffers(d->dev, cpool, 1, &cmd);
   vkDestroyCommandPool(d->dev, cpool, NULL);
   vkDestroyDescriptorPool(d->dev, dpool, NULL);
   rc_buf_destroy(d, &out);
   rc_buf_destroy(d, &own);
   return NULL;
}

int
main(int argc, char **argv)
{
   int threads = argc > 1 ? atoi(argv[1]) : 6;
   iterations = argc > 2 ? atoi(argv[2]) : 200;
   rc_init(NULL);
   struct rc_dev *d = &rc_kronos;
   VkDescriptorSetLayoutBinding b = {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
   VkDescriptorSetLayoutCreateInfo li = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                         .bindingCount = 1, .pBindings = &b};
   RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &li, NULL, &sl));
   VkDescriptorSetLayout two[2] = {sl, sl};
   VkPipelineLayoutCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                    .setLayoutCount = 2, .pSetLayouts = two};
   RC_CHECK(vkCreatePipelineLayout(d->dev, &pi, NULL, &pl));
   pipe = rc_pipeline(d, single_spv, sizeof(single_spv), pl);
   for (int i = 0; i < 4; i++) {
      rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &shared[i]);
      for (int j = 0; j < 4; j++) ((uint32_t *)shared[i].data)[j] = 0x50000000u | (uint32_t)i << 4 | (uint32_t)j;
   }
   pthread_t t[64];
   for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
   for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
   VkKronosDeviceStatistics s = rc_stats(d);
   printf("hits %llu misses %llu evictions %llu live %llu\n", (unsigned long long)s.descriptor_cache_hits,
          (unsigned long long)s.descriptor_cache_misses, (unsigned long long)s.descriptor_cache_evictions,
          (unsigned long long)s.vendor_descriptor_sets_live);
   rc_result("threads", errors == 0);
   for (int i = 0; i < 4; i++) rc_buf_destroy(d, &shared[i]);
   vkDestroyPipeline(d->dev, pipe, NULL);
   vkDestroyPipelineLayout(d->dev, pl, NULL);
   vkDestroyDescriptorSetLayout(d->dev, sl, NULL);
   rc_finish(NULL);
   return rc_failures != 0;
}
