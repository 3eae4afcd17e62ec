/* Many command buffers recorded before any is submitted, some binding through secondaries, all
 * submitted together and then again unchanged; then sets rewritten and the command buffers
 * re-recorded (implicit reset at begin, vkResetCommandBuffer, vkResetCommandPool). Meant for
 * KRONOS_DESCRIPTOR_CACHE_SETS=1 (every idle cached set is evicted at once). Vendor vs Kronos. */
#include "rc.h"
#include "shaders/single_spv.h"

#define N 8
struct st {
   VkDescriptorSetLayout sl;
   VkPipelineLayout pl;
   VkPipeline pipe;
   VkDescriptorPool pool;
   VkCommandPool cpool2;
   struct rc_buf src[N], out;
   VkDescriptorSet set[N], oset[N + 2];
   VkCommandBuffer prim[N + 1], sec[2];
};

static void
write1(struct rc_dev *d, VkDescriptorSet s, VkBuffer b, VkDeviceSize off)
{
   VkDescriptorBufferInfo bi = {b, off, 16};
   VkWriteDescriptorSet w = {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = s, .descriptorCount = 1,
                             .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi};
   vkUpdateDescriptorSets(d->dev, 1, &w, 0, NULL);
}

static void
record(struct rc_dev *d, struct st *s, VkCommandBuffer c, int set, int out, bool secondary)
{
   VkCommandBufferInheritanceInfo inh = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO};
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                  .pInheritanceInfo = secondary ? &inh : NULL};
   RC_CHECK(vkBeginCommandBuffer(c, &bi));
   vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, s->pipe);
   VkDescriptorSet two[2] = {s->set[set], s->oset[out]};
   vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, s->pl, 0, 2, two, 0, NULL);
   vkCmdDispatch(c, 1, 1, 1);
   RC_CHECK(vkEndCommandBuffer(c));
}

static void
record_secondaries_primary(struct rc_dev *d, struct st *s, int a, int b)
{
   record(d, s, s->sec[0], a, N, true);
   record(d, s, s->sec[1], b, N + 1, true);
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   RC_CHECK(vkBeginCommandBuffer(s->prim[N], &bi));
   vkCmdExecuteCommands(s->prim[N], 2, s->sec);
   RC_CHECK(vkEndCommandBuffer(s->prim[N]));
}

static void
run(struct rc_dev *d, uint32_t *out)
{
   struct st s;
   memset(&s, 0, sizeof(s));
   VkDescriptorSetLayoutBinding b = {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
   VkDescriptorSetLayoutCreateInfo li = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                         .bindingCount = 1, .pBindings = &b};
   RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &li, NULL, &s.sl));
   VkDescriptorSetLayout two[2] = {s.sl, s.sl};
   VkPipelineLayoutCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, .setLayoutCount = 2, .pSetLayouts = two};
   RC_CHECK(vkCreatePipelineLayout(d->dev, &pi, NULL, &s.pl));
   s.pipe = rc_pipeline(d, single_spv, sizeof(single_spv), s.pl);
   VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * N + 2};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                     .maxSets = 2 * N + 2, .poolSizeCount = 1, .pPoolSizes = &size};
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &s.pool));
   rc_buf_create(d, (N + 2) * 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &s.out);
   for (int i = 0; i < N; i++) {
      rc_buf_create(d, 64, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &s.src[i]);
      for (int j = 0; j < 16; j++) ((uint32_t *)s.src[i].data)[j] = (uint32_t)(i << 8 | j);
   }
   VkDescriptorSetLayout ls[2 * N + 2];
   for (int i = 0; i < 2 * N + 2; i++) ls[i] = s.sl;
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                     .descriptorPool = s.pool, .descriptorSetCount = N, .pSetLayouts = ls};
   RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, s.set));
   ai.descriptorSetCount = N + 2;
   RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, s.oset));
   for (int i = 0; i < N + 2; i++) write1(d, s.oset[i], s.out.buffer, 16u * (uint32_t)i);
   for (int i = 0; i < N; i++) write1(d, s.set[i], s.src[i].buffer, 0);
   VkCommandPoolCreateInfo cp = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, .queueFamilyIndex = d->family};
   RC_CHECK(vkCreateCommandPool(d->dev, &cp, NULL, &s.cpool2));
   for (int i = 0; i < N; i++) s.prim[i] = rc_cmd(d);
   VkCommandBufferAllocateInfo cai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, .commandPool = s.cpool2,
                                      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY, .commandBufferCount = 1};
   RC_CHECK(vkAllocateCommandBuffers(d->dev, &cai, &s.prim[N]));
   cai.level = VK_COMMAND_BUFFER_LEVEL_SECONDARY; cai.commandBufferCount = 2;
   RC_CHECK(vkAllocateCommandBuffers(d->dev, &cai, s.sec));

   size_t at = 0;
   for (int i = 0; i < N; i++) record(d, &s, s.prim[i], i, i, false);
   record_secondaries_primary(d, &s, 3, 5);
   for (int round = 0; round < 3; round++) {
      rc_submit_many_wait(d, N + 1, s.prim);
      memcpy(out + at, s.out.data, (N + 2) * 16); at += (N + 2) * 4;
      memset(s.out.data, 0, (N + 2) * 16);
   }
   /* new content: set i -> src[(i+1)%N] at offset 16 */
   for (int i = 0; i < N; i++) write1(d, s.set[i], s.src[(i + 1) % N].buffer, 16);
   for (int i = 0; i < N / 2; i++) record(d, &s, s.prim[i], N - 1 - i, i, false);
   for (int i = N / 2; i < N; i++) { RC_CHECK(vkResetCommandBuffer(s.prim[i], 0)); record(d, &s, s.prim[i], i, i, false); }
   RC_CHECK(vkResetCommandPool(d->dev, s.cpool2, 0));
   record_secondaries_primary(d, &s, 0, 7);
   for (int round = 0; round < 2; round++) {
      rc_submit_many_wait(d, N + 1, s.prim);
      memcpy(out + at, s.out.data, (N + 2) * 16); at += (N + 2) * 4;
      memset(s.out.data, 0, (N + 2) * 16);
   }
   vkFreeCommandBuffers(d->dev, d->cmd_pool, N, s.prim);
   vkDestroyCommandPool(d->dev, s.cpool2, NULL);
   vkDestroyDescriptorPool(d->dev, s.pool, NULL);
   vkDestroyPipeline(d->dev, s.pipe, NULL);
   vkDestroyPipelineLayout(d->dev, s.pl, NULL);
   vkDestroyDescriptorSetLayout(d->dev, s.sl, NULL);
   for (int i = 0; i < N; i++) rc_buf_destroy(d, &s.src[i]);
   rc_buf_destroy(d, &s.out);
}

int
main(void)
{
   rc_init(NULL);
   static uint32_t v[5 * (N + 2) * 4], k[5 * (N + 2) * 4];
   run(&rc_vendor, v);
   run(&rc_kronos, k);
   VkKronosDeviceStatistics st = rc_stats(&rc_kronos);
   printf("kronos: hits %llu misses %llu evictions %llu live %llu\n", (unsigned long long)st.descriptor_cache_hits,
          (unsigned long long)st.descriptor_cache_misses, (unsigned long long)st.descriptor_cache_evictions,
          (unsigned long long)st.vendor_descriptor_sets_live);
   rc_result("many_command_buffers", rc_compare("cmdbufs", v, k, sizeof(v)));
   rc_finish(NULL);
   return rc_failures != 0;
}
