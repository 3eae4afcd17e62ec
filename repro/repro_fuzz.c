/* Random descriptor traffic on the vendor's device and on Kronos's, the same sequence of
 * operations (same seed) on both, every dispatch's output compared bit for bit:
 *  - writes of every buffer-like kind (arrays, consecutive-binding updates across a binding of
 *    count 0, dynamic buffers, texel buffers, inline uniform block byte ranges),
 *  - copies between sets (also consecutive), template updates,
 *  - command buffers binding several sets, submitted, some re-submitted unchanged,
 *  - buffers and views destroyed and made again (the vendor reuses their handle values), sets
 *    freed and allocated again, pool resets.
 * Usage: repro_fuzz [seed] [ops]   (KRONOS_DESCRIPTOR_CACHE_SETS=1 for eviction pressure) */
#include "rc.h"
#include "shaders/buffers_spv.h"

#define NB 6      /* data buffers */
#define BUF_SIZE 2048
#define NSET 6    /* descriptor sets of the buffers layout */
#define NOUT 4    /* dispatches per command buffer (one output set each) */
#define NTV 4     /* uniform texel views */
#define NSV 2     /* storage texel views */
#define OUT_WORDS 64 /* 16 uvec4 */

struct st {
   struct rc_dev *d;
   struct rc_buf buf[NB];
   uint32_t buf_gen[NB];
   VkBufferView tv[NTV], sv[NSV];
   VkDescriptorSetLayout sl, ol, sl_pt;
   VkPipelineLayout pl, pl_pt;
   VkPipeline pipe, pipe_pt;
   VkDescriptorUpdateTemplate tmpl_pt;
   VkDescriptorPool pool, opool;
   VkDescriptorSet set[NSET], oset[NOUT];
   struct rc_buf out;
   VkDescriptorUpdateTemplate tmpl;
   VkCommandBuffer last_cmd;
   bool last_valid;
   int last_sets[NOUT];
   /* results */
   uint32_t *results;
   size_t result_count, result_cap;
};

static uint64_t rng;
/* RC_FUZZ_PT=1: the upper half of the sets are of a pass-through layout (update-after-bind pool
 * flag; its bindings 4 and 5 are not dynamic, which that flag forbids) */
static bool pt_mode;
static bool is_pt(int set) { return pt_mode && set >= NSET / 2; }
static VkDescriptorType
type_for(VkDescriptorType t, bool pt)
{
   if (!pt) return t;
   if (t == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC) return VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
   if (t == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC) return VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
   return t;
}

static uint64_t
rnd(void)
{
   uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
   z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
   return z ^ (z >> 31);
}
static uint32_t below(uint32_t n) { return (uint32_t)(rnd() % n); }

static void
fill_buffer(struct st *s, int k)
{
   uint32_t *w = s->buf[k].data;
   for (uint32_t i = 0; i < BUF_SIZE / 4; i++)
      w[i] = (uint32_t)k << 24 | s->buf_gen[k] << 16 | i;
}

static void
make_views_of(struct st *s, int k)
{
   for (int j = 0; j < NTV; j++) {
      if (j % NB != k) continue;
      VkBufferViewCreateInfo vi = {.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
                                   .buffer = s->buf[k].buffer, .format = VK_FORMAT_R32_UINT,
                                   .offset = 256u * (uint32_t)j, .range = 256};
      RC_CHECK(vkCreateBufferView(s->d->dev, &vi, NULL, &s->tv[j]));
   }
   for (int j = 0; j < NSV; j++) {
      if ((j + 3) % NB != k) continue;
      VkBufferViewCreateInfo vi = {.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
                                   .buffer = s->buf[k].buffer, .format = VK_FORMAT_R32_UINT,
                                   .offset = 512u + 256u * (uint32_t)j, .range = VK_WHOLE_SIZE};
      RC_CHECK(vkCreateBufferView(s->d->dev, &vi, NULL, &s->sv[j]));
   }
}

static void
destroy_views_of(struct st *s, int k)
{
   for (int j = 0; j < NTV; j++)
      if (j % NB == k) vkDestroyBufferView(s->d->dev, s->tv[j], NULL);
   for (int j = 0; j < NSV; j++)
      if ((j + 3) % NB == k) vkDestroyBufferView(s->d->dev, s->sv[j], NULL);
}

static const VkBufferUsageFlags usage = VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
   VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
   VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT;

static VkDescriptorBufferInfo
rand_buffer_info(struct st *s, bool dynamic)
{
   int k = (int)below(NB);
   VkDescriptorBufferInfo bi = {s->buf[k].buffer, 256u * below(dynamic ? 4 : 7), 16};
   if (!dynamic && below(3) == 0)
      bi.range = VK_WHOLE_SIZE;
   if (!dynamic && below(4) == 0)
      bi.offset += 16u * below(8); /* minUniformBufferOffsetAlignment is 16 on lavapipe */
   return bi;
}

/* The groups of bindings a write or copy can address: {binding, element count to choose within,
 * descriptor type}; the SSBO group spans bindings 1, 2 (count 0) and 3. */
struct group { uint32_t binding, span; VkDescriptorType type; };
static const struct group groups[] = {
   {0, 2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER},
   {1, 5, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
   {4, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC},
   {5, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC},
   {6, 2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER},
   {7, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER},
   {8, 32, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK},
};
#define NGROUP (sizeof(groups) / sizeof(groups[0]))

/* Element e of a group -> (binding, element). */
static void
group_at(const struct group *g, uint32_t e, uint32_t *binding, uint32_t *element)
{
   if (g->binding == 1 && e >= 3) { *binding = 3; *element = e - 3; return; }
   *binding = g->binding; *element = e;
}

static void
write_group(struct st *s, int set_index, const struct group *g, uint32_t first, uint32_t count)
{
   VkDescriptorSet set = s->set[set_index];
   VkDescriptorBufferInfo bi[8];
   VkBufferView views[8];
   uint8_t bytes[32];
   VkWriteDescriptorSetInlineUniformBlock ib = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK, .dataSize = count, .pData = bytes};
   for (uint32_t i = 0; i < count && i < 8; i++) {
      bi[i] = rand_buffer_info(s, g->type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC ||
                                  g->type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC);
      views[i] = g->type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER ? s->sv[below(NSV)] : s->tv[below(NTV)];
   }
   for (uint32_t i = 0; i < sizeof(bytes); i++) bytes[i] = (uint8_t)rnd();
   uint32_t binding, element;
   group_at(g, first, &binding, &element);
   VkWriteDescriptorSet w = {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = set,
                             .dstBinding = binding, .dstArrayElement = element,
                             .descriptorCount = count, .descriptorType = type_for(g->type, is_pt(set_index)),
                             .pBufferInfo = bi, .pTexelBufferView = views};
   if (g->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      w.pNext = &ib;
      w.pBufferInfo = NULL; w.pTexelBufferView = NULL;
   }
   vkUpdateDescriptorSets(s->d->dev, 1, &w, 0, NULL);
}

static void
rand_range(const struct group *g, uint32_t *first, uint32_t *count)
{
   if (g->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      *first = 4 * below(8);
      *count = 4 * (1 + below((32 - *first) / 4));
      return;
   }
   *first = below(g->span);
   *count = 1 + below(g->span - *first);
}

static void
write_all(struct st *s, int set)
{
   for (uint32_t i = 0; i < NGROUP; i++)
      write_group(s, set, &groups[i], 0, groups[i].span);
}

static void
op_write(struct st *s)
{
   const struct group *g = &groups[below(NGROUP)];
   uint32_t first, count;
   rand_range(g, &first, &count);
   write_group(s, (int)below(NSET), g, first, count);
}

static void
op_copy(struct st *s)
{
   const struct group *g = &groups[below(NGROUP)];
   uint32_t first, count, first2, count2;
   rand_range(g, &first, &count);
   rand_range(g, &first2, &count2);
   /* same count at another start where it fits */
   if (g->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK)
      first2 = 4 * below((32 - count) / 4 + 1);
   else
      first2 = below(g->span - count + 1);
   int a = (int)below(NSET), b = (int)below(NSET);
   if (a == b && first != first2) b = (a + 1) % NSET; /* no overlapping self-copies */
   /* no copies between update-after-bind and other sets (VUID-VkCopyDescriptorSet-srcSet-01918,
    * -04886) */
   if (is_pt(a) != is_pt(b)) return;
   uint32_t sb, se, db, de;
   group_at(g, first, &sb, &se);
   group_at(g, first2, &db, &de);
   VkCopyDescriptorSet c = {.sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET, .srcSet = s->set[a],
                            .srcBinding = sb, .srcArrayElement = se, .dstSet = s->set[b],
                            .dstBinding = db, .dstArrayElement = de, .descriptorCount = count};
   (void)count2;
   vkUpdateDescriptorSets(s->d->dev, 0, NULL, 1, &c);
}

/* Template data: ubo[2] (stride 32), ssbo chain of 5 (stride 24 -> packed info + pad? use 32),
 * texel views[2], inline bytes 8..23. */
struct tdata {
   VkDescriptorBufferInfo ubo[2];   /* stride sizeof */
   uint8_t pad0[8];
   struct { VkDescriptorBufferInfo info; uint64_t pad; } ssbo[5];
   VkBufferView tv[2];
   uint8_t inline_bytes[16];
};

static void
op_template(struct st *s)
{
   struct tdata t;
   memset(&t, 0, sizeof(t));
   for (int i = 0; i < 2; i++) t.ubo[i] = rand_buffer_info(s, false);
   for (int i = 0; i < 5; i++) t.ssbo[i].info = rand_buffer_info(s, false);
   for (int i = 0; i < 2; i++) t.tv[i] = s->tv[below(NTV)];
   for (int i = 0; i < 16; i++) t.inline_bytes[i] = (uint8_t)rnd();
   int k = (int)below(NSET);
   vkUpdateDescriptorSetWithTemplate(s->d->dev, s->set[k], is_pt(k) ? s->tmpl_pt : s->tmpl, &t);
}

static void
make_template(struct st *s)
{
   VkDescriptorUpdateTemplateEntry e[4] = {
      {0, 0, 2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, offsetof(struct tdata, ubo), sizeof(VkDescriptorBufferInfo)},
      {1, 1, 4, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, offsetof(struct tdata, ssbo), 32},
      {6, 0, 2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, offsetof(struct tdata, tv), sizeof(VkBufferView)},
      {8, 8, 16, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, offsetof(struct tdata, inline_bytes), 1},
   };
   VkDescriptorUpdateTemplateCreateInfo ti = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO,
      .descriptorUpdateEntryCount = 4, .pDescriptorUpdateEntries = e,
      .templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET,
      .descriptorSetLayout = s->sl};
   RC_CHECK(vkCreateDescriptorUpdateTemplate(s->d->dev, &ti, NULL, &s->tmpl));
   ti.descriptorSetLayout = s->sl_pt;
   RC_CHECK(vkCreateDescriptorUpdateTemplate(s->d->dev, &ti, NULL, &s->tmpl_pt));
}

static void
collect(struct st *s)
{
   if (s->result_count + NOUT * OUT_WORDS > s->result_cap) {
      s->result_cap = (s->result_cap + NOUT * OUT_WORDS) * 2;
      s->results = realloc(s->results, s->result_cap * 4);
   }
   memcpy(s->results + s->result_count, s->out.data, NOUT * OUT_WORDS * 4);
   s->result_count += NOUT * OUT_WORDS;
   memset(s->out.data, 0, NOUT * OUT_WORDS * 4);
}

static void
op_dispatch(struct st *s)
{
   if (s->last_cmd) {
      vkFreeCommandBuffers(s->d->dev, s->d->cmd_pool, 1, &s->last_cmd);
      s->last_cmd = VK_NULL_HANDLE;
   }
   VkCommandBuffer cmd = rc_cmd(s->d);
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   RC_CHECK(vkBeginCommandBuffer(cmd, &bi));
   for (int i = 0; i < NOUT; i++) {
      int k = (int)below(NSET);
      s->last_sets[i] = k;
      uint32_t dyn[2] = {256u * below(4), 256u * below(4)};
      VkDescriptorSet two[2] = {s->set[k], s->oset[i]};
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, is_pt(k) ? s->pipe_pt : s->pipe);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, is_pt(k) ? s->pl_pt : s->pl, 0, 2, two,
                              is_pt(k) ? 0 : 2, dyn);
      vkCmdDispatch(cmd, 1, 1, 1);
   }
   RC_CHECK(vkEndCommandBuffer(cmd));
   rc_submit_wait(s->d, cmd);
   collect(s);
   s->last_cmd = cmd;
   s->last_valid = true;
}

static void
invalidate_last(struct st *s)
{
   s->last_valid = false;
}

static void
op_resubmit(struct st *s)
{
   if (!s->last_valid) return;
   rc_submit_wait(s->d, s->last_cmd);
   collect(s);
}

static void
op_recreate_buffer(struct st *s)
{
   int k = (int)below(NB);
   invalidate_last(s);
   destroy_views_of(s, k);
   rc_buf_destroy(s->d, &s->buf[k]);
   rc_buf_create(s->d, BUF_SIZE, usage, &s->buf[k]);
   s->buf_gen[k]++;
   fill_buffer(s, k);
   make_views_of(s, k);
   /* every set may have named the old buffer or views: rewrite all (valid usage) */
   for (int i = 0; i < NSET; i++) write_all(s, i);
}

static void
op_realloc_set(struct st *s)
{
   int k = (int)below(NSET);
   RC_CHECK(vkFreeDescriptorSets(s->d->dev, s->pool, 1, &s->set[k]));
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                     .descriptorPool = s->pool, .descriptorSetCount = 1, .pSetLayouts = &s->sl};
   if (is_pt(k)) ai.pSetLayouts = &s->sl_pt;
   RC_CHECK(vkAllocateDescriptorSets(s->d->dev, &ai, &s->set[k]));
   write_all(s, k);
}

static void
op_reset_pool(struct st *s)
{
   RC_CHECK(vkResetDescriptorPool(s->d->dev, s->pool, 0));
   VkDescriptorSetLayout ls[NSET];
   for (int i = 0; i < NSET; i++) ls[i] = is_pt(i) ? s->sl_pt : s->sl;
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                     .descriptorPool = s->pool, .descriptorSetCount = NSET, .pSetLayouts = ls};
   RC_CHECK(vkAllocateDescriptorSets(s->d->dev, &ai, s->set));
   for (int i = 0; i < NSET; i++) write_all(s, i);
}

static void
setup(struct st *s)
{
   for (int k = 0; k < NB; k++) {
      rc_buf_create(s->d, BUF_SIZE, usage, &s->buf[k]);
      fill_buffer(s, k);
      make_views_of(s, k);
   }
   VkDescriptorSetLayoutBinding b[9] = {
      {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 3, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 0, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {4, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {5, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {6, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {7, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {8, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, 32, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   /* bindings given out of order on purpose */
   VkDescriptorSetLayoutBinding shuffled[9] = {b[8], b[3], b[0], b[6], b[2], b[5], b[1], b[7], b[4]};
   VkDescriptorSetLayoutCreateInfo li = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                         .bindingCount = 9, .pBindings = shuffled};
   RC_CHECK(vkCreateDescriptorSetLayout(s->d->dev, &li, NULL, &s->sl));
   shuffled[8].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;   /* binding 4 */
   shuffled[5].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;   /* binding 5 */
   li.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT;
   RC_CHECK(vkCreateDescriptorSetLayout(s->d->dev, &li, NULL, &s->sl_pt));
   VkDescriptorSetLayoutBinding ob = {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
   VkDescriptorSetLayoutCreateInfo oli = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                          .bindingCount = 1, .pBindings = &ob};
   RC_CHECK(vkCreateDescriptorSetLayout(s->d->dev, &oli, NULL, &s->ol));
   VkDescriptorSetLayout two[2] = {s->sl, s->ol};
   VkPipelineLayoutCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                    .setLayoutCount = 2, .pSetLayouts = two};
   RC_CHECK(vkCreatePipelineLayout(s->d->dev, &pi, NULL, &s->pl));
   s->pipe = rc_pipeline(s->d, buffers_spv, sizeof(buffers_spv), s->pl);
   two[0] = s->sl_pt;
   RC_CHECK(vkCreatePipelineLayout(s->d->dev, &pi, NULL, &s->pl_pt));
   s->pipe_pt = rc_pipeline(s->d, buffers_spv, sizeof(buffers_spv), s->pl_pt);
   VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2 * NSET},
                                   {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 5 * NSET},
                                   {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, NSET},
                                   {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, NSET},
                                   {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2 * NSET},
                                   {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, NSET},
                                   {VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, 32 * NSET}};
   VkDescriptorPoolInlineUniformBlockCreateInfo inl = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO,
      .maxInlineUniformBlockBindings = NSET};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, .pNext = &inl,
                                     .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT |
                                              (pt_mode ? VK_DESCRIPTOR_POOL_CREATE_UPDATE_AFTER_BIND_BIT : 0),
                                     .maxSets = NSET, .poolSizeCount = 7, .pPoolSizes = sizes};
   RC_CHECK(vkCreateDescriptorPool(s->d->dev, &pci, NULL, &s->pool));
   VkDescriptorPoolSize osize = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, NOUT};
   VkDescriptorPoolCreateInfo opci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                      .maxSets = NOUT, .poolSizeCount = 1, .pPoolSizes = &osize};
   RC_CHECK(vkCreateDescriptorPool(s->d->dev, &opci, NULL, &s->opool));
   rc_buf_create(s->d, NOUT * OUT_WORDS * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &s->out);
   for (int i = 0; i < NOUT; i++) {
      VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                        .descriptorPool = s->opool, .descriptorSetCount = 1, .pSetLayouts = &s->ol};
      RC_CHECK(vkAllocateDescriptorSets(s->d->dev, &ai, &s->oset[i]));
      VkDescriptorBufferInfo obi = {s->out.buffer, (VkDeviceSize)i * OUT_WORDS * 4, OUT_WORDS * 4};
      VkWriteDescriptorSet w = {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = s->oset[i],
                                .descriptorCount = 1, .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                .pBufferInfo = &obi};
      vkUpdateDescriptorSets(s->d->dev, 1, &w, 0, NULL);
   }
   make_template(s);
   op_reset_pool(s); /* allocates and writes every set */
}

static void
teardown(struct st *s)
{
   if (s->last_cmd) vkFreeCommandBuffers(s->d->dev, s->d->cmd_pool, 1, &s->last_cmd);
   vkDestroyDescriptorUpdateTemplate(s->d->dev, s->tmpl, NULL);
   vkDestroyDescriptorUpdateTemplate(s->d->dev, s->tmpl_pt, NULL);
   vkDestroyPipeline(s->d->dev, s->pipe_pt, NULL);
   vkDestroyPipelineLayout(s->d->dev, s->pl_pt, NULL);
   vkDestroyDescriptorSetLayout(s->d->dev, s->sl_pt, NULL);
   vkDestroyDescriptorPool(s->d->dev, s->pool, NULL);
   vkDestroyDescriptorPool(s->d->dev, s->opool, NULL);
   vkDestroyPipeline(s->d->dev, s->pipe, NULL);
   vkDestroyPipelineLayout(s->d->dev, s->pl, NULL);
   vkDestroyDescriptorSetLayout(s->d->dev, s->sl, NULL);
   vkDestroyDescriptorSetLayout(s->d->dev, s->ol, NULL);
   for (int k = 0; k < NB; k++) { destroy_views_of(s, k); rc_buf_destroy(s->d, &s->buf[k]); }
   rc_buf_destroy(s->d, &s->out);
}

static void
run(struct st *s, uint64_t seed, int ops)
{
   rng = seed;
   setup(s);
   for (int i = 0; i < ops; i++) {
      uint32_t r = below(100);
      if (r < 35) { op_write(s); invalidate_last(s); }
      else if (r < 50) { op_copy(s); invalidate_last(s); }
      else if (r < 60) { op_template(s); invalidate_last(s); }
      else if (r < 80) op_dispatch(s);
      else if (r < 88) op_resubmit(s);
      else if (r < 94) op_recreate_buffer(s);
      else if (r < 98) { op_realloc_set(s); invalidate_last(s); }
      else { invalidate_last(s); op_reset_pool(s); }
   }
   op_dispatch(s);
   teardown(s);
}

int
main(int argc, char **argv)
{
   uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
   int ops = argc > 2 ? atoi(argv[2]) : 400;
   pt_mode = getenv("RC_FUZZ_PT") && atoi(getenv("RC_FUZZ_PT"));
   rc_init(NULL);
   struct st v = {.d = &rc_vendor}, k = {.d = &rc_kronos};
   run(&v, seed, ops);
   VkKronosDeviceStatistics before = rc_stats(&rc_kronos);
   run(&k, seed, ops);
   VkKronosDeviceStatistics after = rc_stats(&rc_kronos);
   bool ok = v.result_count == k.result_count;
   if (!ok) fprintf(stderr, "result counts differ: %zu vs %zu\n", v.result_count, k.result_count);
   for (size_t i = 0; ok && i < v.result_count; i += OUT_WORDS) {
      char what[64];
      snprintf(what, sizeof(what), "dispatch %zu (seed %llu)", i / OUT_WORDS, (unsigned long long)seed);
      if (!rc_compare(what, v.results + i, k.results + i, OUT_WORDS * 4)) ok = false;
   }
   printf("dispatches %zu; kronos: hits %llu misses %llu evictions %llu live %llu vendor writes %llu\n",
          v.result_count / OUT_WORDS,
          (unsigned long long)(after.descriptor_cache_hits - before.descriptor_cache_hits),
          (unsigned long long)(after.descriptor_cache_misses - before.descriptor_cache_misses),
          (unsigned long long)(after.descriptor_cache_evictions - before.descriptor_cache_evictions),
          (unsigned long long)after.vendor_descriptor_sets_live,
          (unsigned long long)(after.vendor_descriptor_writes - before.vendor_descriptor_writes));
   rc_result("fuzz", ok);
   free(v.results); free(k.results);
   rc_finish(NULL);
   return rc_failures != 0;
}
