/* A bind that fails for want of host memory leaves the set's record marked clean while its link
 * still points at the cache entry of its *previous* content: the next bind of the same set (in
 * a new command buffer, once memory is available again) takes the fast path and binds the old
 * vendor set. Vendor vs Kronos; only Kronos's device gets the failing allocator (the vendor's
 * run skips the failure step, whose command buffer is never submitted). */
#include "rc.h"
#include "shaders/single_spv.h"

static bool failing;
static void *VKAPI_PTR f_alloc(void *u, size_t size, size_t align, VkSystemAllocationScope s)
{ (void)u; (void)s; if (failing) return NULL; return aligned_alloc(align < 16 ? 16 : align, (size + 63) & ~(size_t)63); }
static void *VKAPI_PTR f_realloc(void *u, void *o, size_t size, size_t align, VkSystemAllocationScope s)
{ (void)u; (void)s; (void)align; if (failing) return NULL; return realloc(o, size); }
static void VKAPI_PTR f_free(void *u, void *p) { (void)u; free(p); }
static VkAllocationCallbacks cb = {.pfnAllocation = f_alloc, .pfnReallocation = f_realloc, .pfnFree = f_free};

static void
run(struct rc_dev *d, uint32_t out[8])
{
   VkDescriptorSetLayoutBinding b = {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
   VkDescriptorSetLayoutCreateInfo li = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, .bindingCount = 1, .pBindings = &b};
   VkDescriptorSetLayout sl;
   RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &li, NULL, &sl));
   VkDescriptorSetLayout two[2] = {sl, sl};
   VkPipelineLayoutCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, .setLayoutCount = 2, .pSetLayouts = two};
   VkPipelineLayout pl;
   RC_CHECK(vkCreatePipelineLayout(d->dev, &pi, NULL, &pl));
   VkPipeline pipe = rc_pipeline(d, single_spv, sizeof(single_spv), pl);
   VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, .maxSets = 4, .poolSizeCount = 1, .pPoolSizes = &size};
   VkDescriptorPool pool;
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &pool));
   VkDescriptorSet sets[2];
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, .descriptorPool = pool, .descriptorSetCount = 2, .pSetLayouts = two};
   RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, sets));
   struct rc_buf a, bb, o;
   rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &a);
   rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &bb);
   rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &o);
   for (int i = 0; i < 4; i++) { ((uint32_t *)a.data)[i] = 0xAAAA0000u + (uint32_t)i; ((uint32_t *)bb.data)[i] = 0xBBBB0000u + (uint32_t)i; }
   VkDescriptorBufferInfo bi[3] = {{a.buffer, 0, 16}, {o.buffer, 0, 16}, {bb.buffer, 0, 16}};
   VkWriteDescriptorSet w[2] = {
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = sets[0], .descriptorCount = 1, .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi[0]},
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = sets[1], .descriptorCount = 1, .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi[1]}};
   vkUpdateDescriptorSets(d->dev, 2, w, 0, NULL);
   VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   for (int step = 0; step < 3; step++) {
      if (step == 1) {
         w[0].pBufferInfo = &bi[2]; /* set 0 -> buffer B */
         vkUpdateDescriptorSets(d->dev, 1, w, 0, NULL);
         if (!d->kronos) continue;
      }
      VkCommandBuffer c = rc_cmd(d);
      RC_CHECK(vkBeginCommandBuffer(c, &begin));
      vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, pipe);
      if (step == 1) failing = true; /* Kronos only: this bind finds no memory */
      vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, pl, 0, 2, sets, 0, NULL);
      failing = false;
      vkCmdDispatch(c, 1, 1, 1);
      VkResult r = vkEndCommandBuffer(c);
      if (step == 1) {
         printf("  %s: vkEndCommandBuffer after the failed bind: %d (not submitted)\n", d->name, r);
      } else {
         RC_CHECK(r);
         rc_submit_wait(d, c);
         memcpy(out + (step == 0 ? 0 : 4), o.data, 16);
      }
      vkFreeCommandBuffers(d->dev, d->cmd_pool, 1, &c);
   }
   vkDestroyDescriptorPool(d->dev, pool, NULL);
   vkDestroyPipeline(d->dev, pipe, NULL);
   vkDestroyPipelineLayout(d->dev, pl, NULL);
   vkDestroyDescriptorSetLayout(d->dev, sl, NULL);
   rc_buf_destroy(d, &a); rc_buf_destroy(d, &bb); rc_buf_destroy(d, &o);
}

int
main(void)
{
   rc_init(&cb);
   uint32_t v[8], k[8];
   run(&rc_vendor, v);
   run(&rc_kronos, k);
   printf("  after the set was rewritten to B: vendor reads 0x%08x, Kronos reads 0x%08x\n", v[4], k[4]);
   rc_result("bind_after_failed_bind", rc_compare("stale", v, k, sizeof(v)));
   rc_finish(&cb);
   return rc_failures != 0;
}
