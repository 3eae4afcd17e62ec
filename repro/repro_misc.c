/* Assorted checks, vendor vs Kronos where outputs exist:
 *  0 stats_steady_state: fresh set per operation written with the same buffers, and the same set
 *    bound again: after the first miss, no vendor descriptor write per dispatch;
 *  1 push_descriptors: vkCmdPushDescriptorSetKHR and vkCmdPushDescriptorSetWithTemplateKHR;
 *  2 update_after_bind_inline: a pass-through (update-after-bind) set updated after binding;
 *  3 mixed_update: one vkUpdateDescriptorSets writing a record and a pass-through set, and
 *    copying both ways;
 *  4 names_private_data: debug names, tags and private data on the descriptor objects;
 *  5 allocate_failure: vkAllocateDescriptorSets when host memory runs out mid-array;
 *  6 free_null_and_reuse: vkFreeDescriptorSets with null handles, pool reset, reuse;
 *  7 push_template_ignored_layout: a push-descriptor template whose descriptorSetLayout holds a
 *    value the spec says is ignored (what the validation layer's handle wrapping passes);
 *  8 set_template_ignored_pipeline_layout: a descriptor-set template (of a pass-through layout)
 *    whose ignored pipelineLayout holds such a value. */
#include "rc.h"
#include "shaders/single_spv.h"

struct fail_alloc { int countdown; long live; };
static void *VKAPI_PTR fa_alloc(void *u, size_t size, size_t align, VkSystemAllocationScope s)
{ (void)s; struct fail_alloc *a = u; if (a->countdown == 0) return NULL; if (a->countdown > 0) a->countdown--;
  void *p = aligned_alloc(align < 16 ? 16 : align, (size + 15) & ~(size_t)15); if (p) a->live++; return p; }
static void *VKAPI_PTR fa_realloc(void *u, void *o, size_t size, size_t align, VkSystemAllocationScope s)
{ (void)u; (void)o; (void)size; (void)align; (void)s; fprintf(stderr, "realloc unexpected\n"); abort(); }
static void VKAPI_PTR fa_free(void *u, void *p) { struct fail_alloc *a = u; if (p) { a->live--; free(p); } }

struct base {
   VkDescriptorSetLayout sl, ol, push_sl, uab_sl;
   VkPipelineLayout pl, push_pl, uab_pl;
   VkPipeline pipe, push_pipe, uab_pipe;
   VkDescriptorPool pool, uab_pool;
   struct rc_buf src[3], out;
   VkDescriptorSet oset;
};

static VkDescriptorSetLayout
layout1(struct rc_dev *d, VkDescriptorType t, uint32_t count, VkDescriptorSetLayoutCreateFlags flags)
{
   VkDescriptorSetLayoutBinding b = {0, t, count, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
   VkDescriptorSetLayoutCreateInfo li = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                         .flags = flags, .bindingCount = 1, .pBindings = &b};
   VkDescriptorSetLayout l;
   RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &li, NULL, &l));
   return l;
}

static VkPipelineLayout
playout(struct rc_dev *d, VkDescriptorSetLayout a, VkDescriptorSetLayout b)
{
   VkDescriptorSetLayout two[2] = {a, b};
   VkPipelineLayoutCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                    .setLayoutCount = 2, .pSetLayouts = two};
   VkPipelineLayout l;
   RC_CHECK(vkCreatePipelineLayout(d->dev, &pi, NULL, &l));
   return l;
}

static VkDescriptorSet
alloc1(struct rc_dev *d, VkDescriptorPool p, VkDescriptorSetLayout l)
{
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                     .descriptorPool = p, .descriptorSetCount = 1, .pSetLayouts = &l};
   VkDescriptorSet s;
   RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, &s));
   return s;
}

static void
write_ssbo(struct rc_dev *d, VkDescriptorSet s, VkBuffer b)
{
   VkDescriptorBufferInfo bi = {b, 0, 16};
   VkWriteDescriptorSet w = {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = s, .descriptorCount = 1,
                             .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi};
   vkUpdateDescriptorSets(d->dev, 1, &w, 0, NULL);
}

static void
base_init(struct rc_dev *d, struct base *b)
{
   memset(b, 0, sizeof(*b));
   b->sl = layout1(d, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, 0);
   b->ol = layout1(d, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, 0);
   b->push_sl = layout1(d, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR);
   b->uab_sl = layout1(d, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT);
   b->pl = playout(d, b->sl, b->ol);
   b->push_pl = playout(d, b->push_sl, b->ol);
   b->uab_pl = playout(d, b->uab_sl, b->ol);
   b->pipe = rc_pipeline(d, single_spv, sizeof(single_spv), b->pl);
   b->push_pipe = rc_pipeline(d, single_spv, sizeof(single_spv), b->push_pl);
   b->uab_pipe = rc_pipeline(d, single_spv, sizeof(single_spv), b->uab_pl);
   VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                     .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                     .maxSets = 64, .poolSizeCount = 1, .pPoolSizes = &size};
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &b->pool));
   pci.flags |= VK_DESCRIPTOR_POOL_CREATE_UPDATE_AFTER_BIND_BIT;
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &b->uab_pool));
   for (int i = 0; i < 3; i++) {
      rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &b->src[i]);
      for (int j = 0; j < 4; j++) ((uint32_t *)b->src[i].data)[j] = 0x1000u * (uint32_t)(i + 1) + (uint32_t)j;
   }
   rc_buf_create(d, 16, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &b->out);
   b->oset = alloc1(d, b->pool, b->ol);
   write_ssbo(d, b->oset, b->out.buffer);
}

static void
base_finish(struct rc_dev *d, struct base *b)
{
   vkDestroyDescriptorPool(d->dev, b->pool, NULL);
   vkDestroyDescriptorPool(d->dev, b->uab_pool, NULL);
   VkPipeline p[3] = {b->pipe, b->push_pipe, b->uab_pipe};
   VkPipelineLayout pl[3] = {b->pl, b->push_pl, b->uab_pl};
   for (int i = 0; i < 3; i++) { vkDestroyPipeline(d->dev, p[i], NULL); vkDestroyPipelineLayout(d->dev, pl[i], NULL); }
   VkDescriptorSetLayout sl[4] = {b->sl, b->ol, b->push_sl, b->uab_sl};
   for (int i = 0; i < 4; i++) vkDestroyDescriptorSetLayout(d->dev, sl[i], NULL);
   for (int i = 0; i < 3; i++) rc_buf_destroy(d, &b->src[i]);
   rc_buf_destroy(d, &b->out);
}

static VkCommandBuffer
begin(struct rc_dev *d)
{
   VkCommandBuffer c = rc_cmd(d);
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   RC_CHECK(vkBeginCommandBuffer(c, &bi));
   return c;
}

static void
end_submit(struct rc_dev *d, VkCommandBuffer c)
{
   RC_CHECK(vkEndCommandBuffer(c));
   rc_submit_wait(d, c);
   vkFreeCommandBuffers(d->dev, d->cmd_pool, 1, &c);
}

static void
dispatch_set(struct rc_dev *d, struct base *b, VkDescriptorSet s, uint32_t out[4])
{
   VkCommandBuffer c = begin(d);
   vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, b->pipe);
   VkDescriptorSet two[2] = {s, b->oset};
   vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, b->pl, 0, 2, two, 0, NULL);
   vkCmdDispatch(c, 1, 1, 1);
   end_submit(d, c);
   memcpy(out, b->out.data, 16);
   memset(b->out.data, 0, 16);
}

/* 0 */
static bool
stats_steady_state(void)
{
   struct rc_dev *d = &rc_kronos;
   struct base b;
   base_init(d, &b);
   bool ok = true;
   uint32_t out[4];
   /* warm up: one miss */
   VkDescriptorSet s = alloc1(d, b.pool, b.sl);
   write_ssbo(d, s, b.src[0].buffer);
   dispatch_set(d, &b, s, out);
   VkKronosDeviceStatistics s0 = rc_stats(d);
   for (int i = 0; i < 20; i++) {
      RC_CHECK(vkFreeDescriptorSets(d->dev, b.pool, 1, &s));
      s = alloc1(d, b.pool, b.sl);
      write_ssbo(d, s, b.src[0].buffer);
      dispatch_set(d, &b, s, out);
      if (memcmp(out, b.src[0].data, 16)) { fprintf(stderr, "wrong output\n"); ok = false; }
      dispatch_set(d, &b, s, out); /* same set again */
   }
   VkKronosDeviceStatistics s1 = rc_stats(d);
   printf("  20 fresh sets + 20 rebinds: vendor writes +%llu, misses +%llu, hits +%llu, app writes +%llu\n",
          (unsigned long long)(s1.vendor_descriptor_writes - s0.vendor_descriptor_writes),
          (unsigned long long)(s1.descriptor_cache_misses - s0.descriptor_cache_misses),
          (unsigned long long)(s1.descriptor_cache_hits - s0.descriptor_cache_hits),
          (unsigned long long)(s1.app_descriptor_writes - s0.app_descriptor_writes));
   if (s1.vendor_descriptor_writes != s0.vendor_descriptor_writes) ok = false;
   if (s1.descriptor_cache_misses != s0.descriptor_cache_misses) ok = false;
   if (s1.descriptor_cache_hits - s0.descriptor_cache_hits != 80) ok = false; /* 2 sets x 40 binds */
   base_finish(d, &b);
   return ok;
}

/* 1 */
static void
push_run(struct rc_dev *d, uint32_t out[8])
{
   struct base b;
   base_init(d, &b);
   VkDescriptorUpdateTemplateEntry e = {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 0, sizeof(VkDescriptorBufferInfo)};
   VkDescriptorUpdateTemplateCreateInfo ti = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO, .descriptorUpdateEntryCount = 1,
      .pDescriptorUpdateEntries = &e, .templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_PUSH_DESCRIPTORS_KHR,
      .descriptorSetLayout = b.push_sl, .pipelineBindPoint = VK_PIPELINE_BIND_POINT_COMPUTE,
      .pipelineLayout = b.push_pl, .set = 0};
   VkDescriptorUpdateTemplate t;
   RC_CHECK(vkCreateDescriptorUpdateTemplate(d->dev, &ti, NULL, &t));
   for (int pass = 0; pass < 2; pass++) {
      VkCommandBuffer c = begin(d);
      vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.push_pipe);
      vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.push_pl, 1, 1, &b.oset, 0, NULL);
      VkDescriptorBufferInfo bi = {b.src[1 + pass].buffer, 0, 16};
      if (pass == 0) {
         VkWriteDescriptorSet w = {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .descriptorCount = 1,
                                   .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi};
         vkCmdPushDescriptorSetKHR(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.push_pl, 0, 1, &w);
      } else {
         vkCmdPushDescriptorSetWithTemplateKHR(c, t, b.push_pl, 0, &bi);
      }
      vkCmdDispatch(c, 1, 1, 1);
      end_submit(d, c);
      memcpy(out + 4 * pass, b.out.data, 16);
   }
   vkDestroyDescriptorUpdateTemplate(d->dev, t, NULL);
   base_finish(d, &b);
}

/* 2: bind a pass-through set, update it (update-after-bind is allowed only for UAB bindings;
 * here the set is updated and the command buffer recorded again, then the old content is
 * checked not to linger). */
static void
uab_run(struct rc_dev *d, uint32_t out[8])
{
   struct base b;
   base_init(d, &b);
   VkDescriptorSet s = alloc1(d, b.uab_pool, b.uab_sl);
   for (int pass = 0; pass < 2; pass++) {
      write_ssbo(d, s, b.src[pass].buffer);
      VkCommandBuffer c = begin(d);
      vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.uab_pipe);
      VkDescriptorSet two[2] = {s, b.oset};
      vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.uab_pl, 0, 2, two, 0, NULL);
      vkCmdDispatch(c, 1, 1, 1);
      end_submit(d, c);
      memcpy(out + 4 * pass, b.out.data, 16);
   }
   base_finish(d, &b);
}

/* 3 */
static void
mixed_run(struct rc_dev *d, uint32_t out[16])
{
   struct base b;
   base_init(d, &b);
   VkDescriptorSet rec = alloc1(d, b.pool, b.sl), rec2 = alloc1(d, b.pool, b.sl);
   VkDescriptorSet pt = alloc1(d, b.uab_pool, b.uab_sl), pt2 = alloc1(d, b.uab_pool, b.uab_sl);
   VkDescriptorBufferInfo bi[2] = {{b.src[0].buffer, 0, 16}, {b.src[1].buffer, 0, 16}};
   VkWriteDescriptorSet w[2] = {
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = rec, .descriptorCount = 1,
       .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi[0]},
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = pt, .descriptorCount = 1,
       .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .pBufferInfo = &bi[1]}};
   /* copies see the writes of the same call: rec -> rec2, pt -> pt2 (copies between
    * update-after-bind and other sets are not allowed) */
   VkCopyDescriptorSet c[2] = {
      {.sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET, .srcSet = rec, .dstSet = rec2, .descriptorCount = 1},
      {.sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET, .srcSet = pt, .dstSet = pt2, .descriptorCount = 1}};
   vkUpdateDescriptorSets(d->dev, 2, w, 2, c);
   VkDescriptorSet sets[4] = {rec, pt, pt2, rec2};
   for (int i = 0; i < 4; i++) {
      VkCommandBuffer cb = begin(d);
      bool uab = sets[i] == pt || sets[i] == pt2;
      vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, uab ? b.uab_pipe : b.pipe);
      VkDescriptorSet two[2] = {sets[i], b.oset};
      vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, uab ? b.uab_pl : b.pl, 0, 2, two, 0, NULL);
      vkCmdDispatch(cb, 1, 1, 1);
      end_submit(d, cb);
      memcpy(out + 4 * i, b.out.data, 16);
      memset(b.out.data, 0, 16);
   }
   base_finish(d, &b);
}

/* 4 */
static void
names_run(struct rc_dev *d, uint64_t out[8])
{
   struct base b;
   base_init(d, &b);
   VkPrivateDataSlotCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PRIVATE_DATA_SLOT_CREATE_INFO};
   VkPrivateDataSlot slot;
   RC_CHECK(vkCreatePrivateDataSlot(d->dev, &pi, NULL, &slot));
   VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                     .maxSets = 4, .poolSizeCount = 1, .pPoolSizes = &size};
   VkDescriptorPool fresh;
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &fresh));
   VkDescriptorSet s = alloc1(d, fresh, b.sl);
   VkDescriptorUpdateTemplateEntry e = {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 0, sizeof(VkDescriptorBufferInfo)};
   VkDescriptorUpdateTemplateCreateInfo ti = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO, .descriptorUpdateEntryCount = 1,
      .pDescriptorUpdateEntries = &e, .templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET,
      .descriptorSetLayout = b.sl};
   VkDescriptorUpdateTemplate t;
   RC_CHECK(vkCreateDescriptorUpdateTemplate(d->dev, &ti, NULL, &t));
   struct { VkObjectType type; uint64_t h; } obj[5] = {
      {VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT, (uint64_t)b.sl}, {VK_OBJECT_TYPE_PIPELINE_LAYOUT, (uint64_t)b.pl},
      {VK_OBJECT_TYPE_DESCRIPTOR_POOL, (uint64_t)fresh}, {VK_OBJECT_TYPE_DESCRIPTOR_SET, (uint64_t)s},
      {VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE, (uint64_t)t}};
   for (int i = 0; i < 5; i++) {
      VkDebugUtilsObjectNameInfoEXT ni = {.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT,
                                          .objectType = obj[i].type, .objectHandle = obj[i].h, .pObjectName = "name"};
      VkResult r = vkSetDebugUtilsObjectNameEXT(d->dev, &ni);
      uint32_t tag = 7;
      VkDebugUtilsObjectTagInfoEXT tg = {.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_TAG_INFO_EXT,
                                        .objectType = obj[i].type, .objectHandle = obj[i].h, .tagName = 1,
                                        .tagSize = 4, .pTag = &tag};
      VkResult r2 = vkSetDebugUtilsObjectTagEXT(d->dev, &tg);
      VkResult r3 = vkSetPrivateData(d->dev, obj[i].type, obj[i].h, slot, 100 + (uint64_t)i);
      uint64_t v = 0;
      vkGetPrivateData(d->dev, obj[i].type, obj[i].h, slot, &v);
      out[i] = v | (uint64_t)(r != 0) << 32 | (uint64_t)(r2 != 0) << 33 | (uint64_t)(r3 != 0) << 34;
   }
   vkDestroyDescriptorUpdateTemplate(d->dev, t, NULL);
   vkDestroyDescriptorPool(d->dev, fresh, NULL);
   vkDestroyPrivateDataSlot(d->dev, slot, NULL);
   base_finish(d, &b);
}

/* 5 */
static bool
allocate_failure(void)
{
   struct rc_dev *d = &rc_kronos;
   struct base b;
   base_init(d, &b);
   bool ok = true;
   struct fail_alloc fa = {.countdown = -1};
   VkAllocationCallbacks cb = {.pUserData = &fa, .pfnAllocation = fa_alloc, .pfnReallocation = fa_realloc,
                               .pfnFree = fa_free};
   VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 8};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                     .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                     .maxSets = 8, .poolSizeCount = 1, .pPoolSizes = &size};
   VkDescriptorPool pool;
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, &cb, &pool));
   long base_live = fa.live;
   VkDescriptorSetLayout ls[4] = {b.sl, b.sl, b.uab_sl, b.sl};
   VkDescriptorSet sets[4] = {(VkDescriptorSet)1, (VkDescriptorSet)1, (VkDescriptorSet)1, (VkDescriptorSet)1};
   fa.countdown = 2;
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                     .descriptorPool = pool, .descriptorSetCount = 4, .pSetLayouts = ls};
   VkResult r = vkAllocateDescriptorSets(d->dev, &ai, sets);
   fa.countdown = -1;
   printf("  failing allocation: %d, handles %llx %llx %llx %llx, live %ld -> %ld\n", r,
          (unsigned long long)sets[0], (unsigned long long)sets[1], (unsigned long long)sets[2],
          (unsigned long long)sets[3], base_live, fa.live);
   if (r != VK_ERROR_OUT_OF_HOST_MEMORY || sets[0] || sets[3] || fa.live != base_live) ok = false;
   /* the pool still gives 8 sets */
   VkDescriptorSetLayout l8[8];
   VkDescriptorSet s8[8];
   for (int i = 0; i < 8; i++) l8[i] = i & 1 ? b.uab_sl : b.sl;
   ai.descriptorSetCount = 8; ai.pSetLayouts = l8;
   r = vkAllocateDescriptorSets(d->dev, &ai, s8);
   if (r != VK_SUCCESS) { printf("  8 sets afterwards: %d\n", r); ok = false; }
   vkDestroyDescriptorPool(d->dev, pool, &cb);
   if (fa.live != 0) { printf("  pool allocator: %ld allocations left\n", fa.live); ok = false; }
   base_finish(d, &b);
   return ok;
}

/* 6 */
static void
free_null_run(struct rc_dev *d, uint32_t out[4])
{
   struct base b;
   base_init(d, &b);
   VkDescriptorSet s[3] = {alloc1(d, b.pool, b.sl), VK_NULL_HANDLE, alloc1(d, b.pool, b.sl)};
   write_ssbo(d, s[0], b.src[0].buffer);
   RC_CHECK(vkFreeDescriptorSets(d->dev, b.pool, 3, s));
   VkDescriptorSet n = alloc1(d, b.pool, b.sl);
   write_ssbo(d, n, b.src[2].buffer);
   dispatch_set(d, &b, n, out);
   base_finish(d, &b);
}

/* 7, 8: the ignored member holds a non-handle value (VUIDs apply to it only for the other type) */
#define IGNORED_HANDLE 0x200000000020ull
static void
ignored_member_run(struct rc_dev *d, bool push, uint32_t out[4])
{
   struct base b;
   base_init(d, &b);
   VkDescriptorUpdateTemplateEntry e = {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 0, sizeof(VkDescriptorBufferInfo)};
   VkDescriptorUpdateTemplateCreateInfo ti = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO, .descriptorUpdateEntryCount = 1,
      .pDescriptorUpdateEntries = &e};
   if (push) {
      ti.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_PUSH_DESCRIPTORS_KHR;
      ti.descriptorSetLayout = (VkDescriptorSetLayout)IGNORED_HANDLE; /* ignored */
      ti.pipelineBindPoint = VK_PIPELINE_BIND_POINT_COMPUTE;
      ti.pipelineLayout = b.push_pl;
   } else {
      ti.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET;
      ti.descriptorSetLayout = b.uab_sl;
      ti.pipelineLayout = (VkPipelineLayout)IGNORED_HANDLE; /* ignored */
   }
   VkDescriptorUpdateTemplate t;
   RC_CHECK(vkCreateDescriptorUpdateTemplate(d->dev, &ti, NULL, &t));
   VkDescriptorBufferInfo bi = {b.src[2].buffer, 0, 16};
   VkCommandBuffer c = begin(d);
   if (push) {
      vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.push_pipe);
      vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.push_pl, 1, 1, &b.oset, 0, NULL);
      vkCmdPushDescriptorSetWithTemplateKHR(c, t, b.push_pl, 0, &bi);
   } else {
      VkDescriptorSet s = alloc1(d, b.uab_pool, b.uab_sl);
      vkUpdateDescriptorSetWithTemplate(d->dev, s, t, &bi);
      vkCmdBindPipeline(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.uab_pipe);
      VkDescriptorSet two[2] = {s, b.oset};
      vkCmdBindDescriptorSets(c, VK_PIPELINE_BIND_POINT_COMPUTE, b.uab_pl, 0, 2, two, 0, NULL);
   }
   vkCmdDispatch(c, 1, 1, 1);
   end_submit(d, c);
   memcpy(out, b.out.data, 16);
   vkDestroyDescriptorUpdateTemplate(d->dev, t, NULL);
   base_finish(d, &b);
}

int
main(int argc, char **argv)
{
   int only = argc > 1 ? atoi(argv[1]) : -1;
   rc_init(NULL);
   if (only < 0 || only == 0) rc_result("stats_steady_state", stats_steady_state());
   if (only < 0 || only == 1) {
      uint32_t v[8], k[8];
      push_run(&rc_vendor, v); push_run(&rc_kronos, k);
      rc_result("push_descriptors", rc_compare("push", v, k, sizeof(v)));
   }
   if (only < 0 || only == 2) {
      uint32_t v[8], k[8];
      uab_run(&rc_vendor, v); uab_run(&rc_kronos, k);
      rc_result("update_after_bind_passthrough", rc_compare("uab", v, k, sizeof(v)));
   }
   if (only < 0 || only == 3) {
      uint32_t v[16], k[16];
      mixed_run(&rc_vendor, v); mixed_run(&rc_kronos, k);
      rc_result("mixed_update", rc_compare("mixed", v, k, sizeof(v)));
   }
   if (only < 0 || only == 4) {
      uint64_t v[8] = {0}, k[8] = {0};
      const char *side = getenv("RC_ONLY"); /* vendor | kronos: leak hunting */
      if (!side || strcmp(side, "kronos")) names_run(&rc_vendor, v);
      if (!side || strcmp(side, "vendor")) names_run(&rc_kronos, k);
      rc_result("names_private_data", rc_compare("names", v, k, sizeof(v)));
   }
   if (only < 0 || only == 5) rc_result("allocate_failure", allocate_failure());
   if (only < 0 || only == 6) {
      uint32_t v[4], k[4];
      free_null_run(&rc_vendor, v); free_null_run(&rc_kronos, k);
      rc_result("free_null_and_reuse", rc_compare("free", v, k, sizeof(v)));
   }
   for (int n = 7; n <= 8; n++) {
      if (only >= 0 && only != n) continue;
      uint32_t v[4], k[4];
      fprintf(stderr, "[%d] vendor\n", n);
      ignored_member_run(&rc_vendor, n == 7, v);
      fprintf(stderr, "[%d] Kronos\n", n);
      ignored_member_run(&rc_kronos, n == 7, k);
      rc_result(n == 7 ? "push_template_ignored_layout" : "set_template_ignored_pipeline_layout",
                rc_compare("ignored", v, k, sizeof(v)));
   }
   rc_finish(NULL);
   return rc_failures != 0;
}
