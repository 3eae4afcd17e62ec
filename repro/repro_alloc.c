/* Allocation callbacks on Kronos's device (A) and on the descriptor objects (B): every
 * allocation freed, each through the callbacks that made it, and whether pAllocator is used. */
#include "rc.h"
#include "shaders/single_spv.h"

struct counter { long live, total; const char *name; };
struct hdr { size_t size; struct counter *owner; uint64_t pad; };
static void *VKAPI_PTR c_alloc(void *u, size_t size, size_t align, VkSystemAllocationScope s)
{ (void)s; (void)align; struct counter *c = u; struct hdr *h = aligned_alloc(64, ((size + sizeof(struct hdr) + 63) / 64) * 64 + 64);
  if (!h) return NULL; uint8_t *p = (uint8_t *)h + 64; ((struct hdr *)(p - sizeof(struct hdr)))->owner = c;
  ((struct hdr *)(p - sizeof(struct hdr)))->size = size; c->live++; c->total++; return p; }
static void VKAPI_PTR c_free(void *u, void *p)
{ if (!p) return; struct counter *c = u; struct hdr *h = (struct hdr *)((uint8_t *)p - sizeof(struct hdr));
  if (h->owner != c) { fprintf(stderr, "MISMATCH: block of %s freed through %s\n", h->owner->name, c->name); abort(); }
  c->live--; free((uint8_t *)p - 64); }
static void *VKAPI_PTR c_realloc(void *u, void *o, size_t size, size_t align, VkSystemAllocationScope s)
{ if (!o) return c_alloc(u, size, align, s); if (!size) { c_free(u, o); return NULL; }
  struct hdr *h = (struct hdr *)((uint8_t *)o - sizeof(struct hdr)); void *n = c_alloc(u, size, align, s);
  if (n) { memcpy(n, o, h->size < size ? h->size : size); c_free(u, o); } return n; }

static struct counter A = {.name = "device"}, B = {.name = "object"};
static VkAllocationCallbacks cb_a = {.pUserData = &A, .pfnAllocation = c_alloc, .pfnReallocation = c_realloc, .pfnFree = c_free};
static VkAllocationCallbacks cb_b = {.pUserData = &B, .pfnAllocation = c_alloc, .pfnReallocation = c_realloc, .pfnFree = c_free};

int
main(void)
{
   rc_init(&cb_a);
   struct rc_dev *d = &rc_kronos;
   long a0 = A.live;
   bool ok = true;
   for (int round = 0; round < 3; round++) {
      VkDescriptorSetLayoutBinding b = {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
      VkDescriptorSetLayoutCreateInfo li = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, .bindingCount = 1, .pBindings = &b};
      VkDescriptorSetLayout sl, uab;
      long b0 = B.total;
      RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &li, &cb_b, &sl));
      printf("set layout with pAllocator: %ld allocations through it\n", B.total - b0);
      li.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT;
      RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &li, &cb_b, &uab));
      VkDescriptorSetLayout two[2] = {sl, sl};
      VkPipelineLayoutCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, .setLayoutCount = 2, .pSetLayouts = two};
      VkPipelineLayout pl;
      RC_CHECK(vkCreatePipelineLayout(d->dev, &pi, &cb_b, &pl));
      VkPipeline pipe = rc_pipeline(d, single_spv, sizeof(single_spv), pl);
      VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 16};
      VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                        .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT | VK_DESCRIPTOR_POOL_CREATE_UPDATE_AFTER_BIND_BIT,
                                        .maxSets = 16, .poolSizeCount = 1, .pPoolSizes = &size};
      VkDescriptorPool pool, pool2;
      RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, &cb_b, &pool));
      pci.flags = 0;
      RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &pool2));
      VkDescriptorSetLayout ls[4] = {sl, uab, sl, sl};
      VkDescriptorSet sets[4], sets2[2];
      VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, .descriptorPool = pool,
                                        .descriptorSetCount = 4, .pSetLayouts = ls};
      RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, sets));
      ai.descriptorPool = pool2; ai.descriptorSetCount = 2; ai.pSetLayouts = two;
      RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, sets2));
      VkDescriptorUpdateTemplateEntry e = {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 0, sizeof(VkDescriptorBufferInfo)};
      VkDescriptorUpdateTemplateCreateInfo ti = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO,
                                                 .descriptorUpdateEntryCount = 1, .pDescriptorUpdateEntries = &e,
                                                 .templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET,
                                                 .descriptorSetLayout = uab};
      VkDescriptorUpdateTemplate t1, t2;
      RC_CHECK(vkCreateDescriptorUpdateTemplate(d->dev, &ti, &cb_b, &t1));
      ti.descriptorSetLayout = sl;
      RC_CHECK(vkCreateDescriptorUpdateTemplate(d->dev, &ti, &cb_b, &t2));
      struct rc_buf src, out;
      rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &src);
      rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &out);
      VkDescriptorBufferInfo bs = {src.buffer, 0, 16}, bo = {out.buffer, 0, 16};
      vkUpdateDescriptorSetWithTemplate(d->dev, sets[0], t2, &bs);
      vkUpdateDescriptorSetWithTemplate(d->dev, sets[1], t1, &bs);
      vkUpdateDescriptorSetWithTemplate(d->dev, sets2[1], t2, &bo);
      VkCommandBuffer c = rc_cmd(d);
      VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
      RC_CHECK(vkBeginCommandBuffer(c, &bi));
      vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, pipe);
      VkDescriptorSet bind[2] = {sets[0], sets2[1]};
      vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, pl, 0, 2, bind, 0, NULL);
      vkCmdDispatch(c, 1, 1, 1);
      RC_CHECK(vkEndCommandBuffer(c));
      rc_submit_wait(d, c);
      vkFreeCommandBuffers(d->dev, d->cmd_pool, 1, &c);
      RC_CHECK(vkFreeDescriptorSets(d->dev, pool, 2, sets));
      vkDestroyDescriptorUpdateTemplate(d->dev, t1, &cb_b);
      vkDestroyDescriptorUpdateTemplate(d->dev, t2, &cb_b);
      vkDestroyDescriptorPool(d->dev, pool, &cb_b);
      vkDestroyDescriptorPool(d->dev, pool2, NULL);
      vkDestroyPipeline(d->dev, pipe, NULL);
      vkDestroyPipelineLayout(d->dev, pl, &cb_b);
      vkDestroyDescriptorSetLayout(d->dev, sl, &cb_b);
      vkDestroyDescriptorSetLayout(d->dev, uab, &cb_b);
      rc_buf_destroy(d, &src);
      rc_buf_destroy(d, &out);
      printf("round %d: object allocator live %ld (total %ld), device allocator live %+ld vs start\n",
             round, B.live, B.total, A.live - a0);
      if (B.live != 0) ok = false;
   }
   if (A.live - a0 > 0) printf("device allocator grew by %ld over 3 rounds of created-and-destroyed objects\n", A.live - a0);
   rc_finish(&cb_a);
   printf("after vkDestroyDevice: device allocator live %ld\n", A.live);
   if (A.live != 0) ok = false;
   rc_result("allocation_callbacks", ok);
   return rc_failures != 0;
}
