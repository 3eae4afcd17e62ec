/* SPDX-License-Identifier: MIT */
/* Random descriptor traffic (issue 10's review): the same pseudo-random sequence of operations
 * (one per seed) on the vendor's device and on Kronos's over it (descriptor_common.h), every
 * dispatch's output compared bit for bit between the two. The operations:
 *  - writes of every buffer-like kind of descriptor (shaders/desc_buffer_kinds.comp: arrays,
 *    updates running across a binding of count 0 into the next, dynamic buffers, uniform and
 *    storage texel buffers, inline uniform block byte ranges), random ranges of each binding;
 *  - copies between sets, also across bindings; template updates;
 *  - command buffers binding four sets (with dynamic offsets) for four dispatches, submitted,
 *    some submitted again unchanged;
 *  - buffers and their views destroyed and made again (the vendor may reuse their handle
 *    values), after which every set is written again; sets freed and allocated again; the pool
 *    reset.
 * With --passthrough half of the sets are of an update-after-bind layout, which Kronos passes
 * through to the vendor (without dynamic buffers, which that layout forbids). Run under
 * KRONOS_DESCRIPTOR_CACHE_SETS=1 or 2 for eviction pressure (--expect-evictions: Kronos's cache
 * must have evicted sets by the end, so that the setting shows to have been in force).
 * Usage: it_descriptor_fuzz [--seeds N,N,...] [--ops N] [--passthrough] [--expect-evictions] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_buffer_kinds_spv.h"
#include "descriptor_common.h"

#define BUFFER_COUNT 6
#define BUFFER_SIZE 2048
#define SET_COUNT 6       /* descriptor sets of the layout the shader reads */
#define DISPATCHES 4      /* per command buffer, one output set each */
#define UNIFORM_VIEWS 4   /* uniform texel buffer views */
#define STORAGE_VIEWS 2   /* storage texel buffer views */
#define OUT_WORDS 64      /* per dispatch: 16 uvec4 */
#define INLINE_BYTES 32
#define OFFSET_UNIT 256u  /* buffer and view offsets: multiples of it */
#define MAX_SEEDS 16

static const VkBufferUsageFlags buffer_usage =
   VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
   VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT;

/* Options. */
static bool passthrough;
static uint32_t ops_per_seed = 1000;
static uint64_t seeds[MAX_SEEDS];
static size_t seed_count;
static size_t next_seed;
/* Offsets within the 256-byte units are multiples of this (both devices' uniform and storage
 * buffer offset alignment); 0: none. */
static uint32_t offset_step;

/* One device's run of one seed. */
struct fuzz {
   const struct dc_side *s;
   uint64_t rng;
   struct it_host_buffer buffers[BUFFER_COUNT];
   uint32_t generation[BUFFER_COUNT];
   VkBufferView uniform_views[UNIFORM_VIEWS], storage_views[STORAGE_VIEWS];
   VkDescriptorSetLayout set_layout, pt_set_layout, out_layout;
   VkPipelineLayout layout, pt_layout;
   VkPipeline pipeline, pt_pipeline;
   VkDescriptorUpdateTemplate template, pt_template;
   VkDescriptorPool pool, out_pool;
   VkDescriptorSet sets[SET_COUNT], out_sets[DISPATCHES];
   struct it_host_buffer out;
   VkCommandBuffer last_cmd;
   bool last_valid; /* last_cmd may be submitted again: nothing it uses has changed */
   uint32_t *results;
   size_t result_words, result_capacity;
};

static uint32_t
below(struct fuzz *f, uint32_t bound)
{
   return (uint32_t)it_random_below(&f->rng, bound);
}

/* With --passthrough the upper half of the sets are of the update-after-bind layout. */
static bool
is_pt(int set)
{
   return passthrough && set >= SET_COUNT / 2;
}

static VkDescriptorType
type_for(VkDescriptorType type, bool pt)
{
   if (pt && type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC)
      return VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
   if (pt && type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC)
      return VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
   return type;
}

static void
fill_buffer(struct fuzz *f, int k)
{
   uint32_t *words = f->buffers[k].data;
   for (uint32_t i = 0; i < BUFFER_SIZE / 4; i++)
      words[i] = (uint32_t)k << 24 | f->generation[k] << 16 | i;
}

/* View j of each kind is over buffer j % BUFFER_COUNT (uniform) or (j + 3) % BUFFER_COUNT
 * (storage). */
static VkResult
make_views_of(struct fuzz *f, int k)
{
   VkResult result = VK_SUCCESS;
   for (uint32_t j = 0; j < UNIFORM_VIEWS && result == VK_SUCCESS; j++) {
      if ((int)(j % BUFFER_COUNT) != k)
         continue;
      const VkBufferViewCreateInfo info = {
         .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
         .buffer = f->buffers[k].buffer,
         .format = VK_FORMAT_R32_UINT,
         .offset = OFFSET_UNIT * j,
         .range = OFFSET_UNIT,
      };
      result = vkCreateBufferView(f->s->device, &info, NULL, &f->uniform_views[j]);
   }
   for (uint32_t j = 0; j < STORAGE_VIEWS && result == VK_SUCCESS; j++) {
      if ((int)((j + 3) % BUFFER_COUNT) != k)
         continue;
      const VkBufferViewCreateInfo info = {
         .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
         .buffer = f->buffers[k].buffer,
         .format = VK_FORMAT_R32_UINT,
         .offset = 2 * OFFSET_UNIT + OFFSET_UNIT * j,
         .range = VK_WHOLE_SIZE,
      };
      result = vkCreateBufferView(f->s->device, &info, NULL, &f->storage_views[j]);
   }
   return result;
}

static void
destroy_views_of(struct fuzz *f, int k)
{
   for (uint32_t j = 0; j < UNIFORM_VIEWS; j++) {
      if ((int)(j % BUFFER_COUNT) == k) {
         vkDestroyBufferView(f->s->device, f->uniform_views[j], NULL);
         f->uniform_views[j] = VK_NULL_HANDLE;
      }
   }
   for (uint32_t j = 0; j < STORAGE_VIEWS; j++) {
      if ((int)((j + 3) % BUFFER_COUNT) == k) {
         vkDestroyBufferView(f->s->device, f->storage_views[j], NULL);
         f->storage_views[j] = VK_NULL_HANDLE;
      }
   }
}

static VkResult
make_buffer(struct fuzz *f, int k)
{
   VkResult result = dc_buffer_create(f->s, BUFFER_SIZE, buffer_usage, &f->buffers[k]);
   if (result != VK_SUCCESS)
      return result;
   fill_buffer(f, k);
   return make_views_of(f, k);
}

static void
destroy_buffer(struct fuzz *f, int k)
{
   destroy_views_of(f, k);
   if (f->buffers[k].buffer)
      it_host_buffer_destroy(f->s->device, &f->buffers[k]);
}

/* 16 bytes of a random buffer: at a multiple of OFFSET_UNIT (dynamic buffers: one of the first
 * four, their dynamic offset adds up to three more), sometimes a little further or to the end of
 * the buffer. */
static VkDescriptorBufferInfo
random_buffer_info(struct fuzz *f, bool dynamic)
{
   const int k = (int)below(f, BUFFER_COUNT);
   VkDescriptorBufferInfo info = {f->buffers[k].buffer, OFFSET_UNIT * below(f, dynamic ? 4 : 7),
                                  16};
   if (!dynamic && below(f, 3) == 0)
      info.range = VK_WHOLE_SIZE;
   if (!dynamic && below(f, 4) == 0) {
      const uint32_t step = below(f, 8);
      if (offset_step)
         info.offset += offset_step * (step % (OFFSET_UNIT / offset_step));
   }
   return info;
}

/* The groups of bindings a write or copy addresses: {first binding, elements to choose within,
 * type}; the storage buffer group runs over bindings 1, 2 (count 0) and 3. */
struct group {
   uint32_t binding, span;
   VkDescriptorType type;
};

static const struct group groups[] = {
   {0, 2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER},
   {1, 5, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
   {4, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC},
   {5, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC},
   {6, 2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER},
   {7, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER},
   {8, INLINE_BYTES, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK},
};

/* Element e of a group as a binding and an element of it. */
static void
group_at(const struct group *g, uint32_t e, uint32_t *binding, uint32_t *element)
{
   if (g->binding == 1 && e >= 3) {
      *binding = 3;
      *element = e - 3;
      return;
   }
   *binding = g->binding;
   *element = e;
}

static void
write_group(struct fuzz *f, int set, const struct group *g, uint32_t first, uint32_t count)
{
   VkDescriptorBufferInfo infos[8];
   VkBufferView views[8];
   uint8_t bytes[INLINE_BYTES];
   const bool dynamic = g->type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC ||
                        g->type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
   for (uint32_t i = 0; i < count && i < 8; i++) {
      infos[i] = random_buffer_info(f, dynamic);
      views[i] = g->type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER
                    ? f->storage_views[below(f, STORAGE_VIEWS)]
                    : f->uniform_views[below(f, UNIFORM_VIEWS)];
   }
   for (uint32_t i = 0; i < sizeof(bytes); i++)
      bytes[i] = (uint8_t)it_random(&f->rng);
   const VkWriteDescriptorSetInlineUniformBlock block = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
      .dataSize = count,
      .pData = bytes,
   };
   uint32_t binding, element;
   group_at(g, first, &binding, &element);
   VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = f->sets[set],
      .dstBinding = binding,
      .dstArrayElement = element,
      .descriptorCount = count,
      .descriptorType = type_for(g->type, is_pt(set)),
      .pBufferInfo = infos,
      .pTexelBufferView = views,
   };
   if (g->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      write.pNext = &block;
      write.pBufferInfo = NULL;
      write.pTexelBufferView = NULL;
   }
   vkUpdateDescriptorSets(f->s->device, 1, &write, 0, NULL);
}

static void
random_range(struct fuzz *f, const struct group *g, uint32_t *first, uint32_t *count)
{
   if (g->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      *first = 4 * below(f, INLINE_BYTES / 4);
      *count = 4 * (1 + below(f, (INLINE_BYTES - *first) / 4));
      return;
   }
   *first = below(f, g->span);
   *count = 1 + below(f, g->span - *first);
}

static void
write_all(struct fuzz *f, int set)
{
   for (uint32_t i = 0; i < DC_ARRAY_SIZE(groups); i++)
      write_group(f, set, &groups[i], 0, groups[i].span);
}

static void
op_write(struct fuzz *f)
{
   const struct group *g = &groups[below(f, DC_ARRAY_SIZE(groups))];
   uint32_t first, count;
   random_range(f, g, &first, &count);
   write_group(f, (int)below(f, SET_COUNT), g, first, count);
}

static void
op_copy(struct fuzz *f)
{
   const struct group *g = &groups[below(f, DC_ARRAY_SIZE(groups))];
   uint32_t first, count, first2, count2;
   random_range(f, g, &first, &count);
   random_range(f, g, &first2, &count2); /* kept: it moves the sequence as it always did */
   (void)count2;
   /* The same count at another start where it fits. */
   if (g->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK)
      first2 = 4 * below(f, (INLINE_BYTES - count) / 4 + 1);
   else
      first2 = below(f, g->span - count + 1);
   const int a = (int)below(f, SET_COUNT);
   int b = (int)below(f, SET_COUNT);
   if (a == b && first != first2)
      b = (a + 1) % SET_COUNT; /* no overlapping copies within a set */
   /* No copies between update-after-bind sets and others (VUID-VkCopyDescriptorSet-srcSet-01918,
    * -04886). */
   if (is_pt(a) != is_pt(b))
      return;
   uint32_t src_binding, src_element, dst_binding, dst_element;
   group_at(g, first, &src_binding, &src_element);
   group_at(g, first2, &dst_binding, &dst_element);
   const VkCopyDescriptorSet copy = {
      .sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET,
      .srcSet = f->sets[a],
      .srcBinding = src_binding,
      .srcArrayElement = src_element,
      .dstSet = f->sets[b],
      .dstBinding = dst_binding,
      .dstArrayElement = dst_element,
      .descriptorCount = count,
   };
   vkUpdateDescriptorSets(f->s->device, 0, NULL, 1, &copy);
}

/* Template data: uniform buffers 0..1, storage buffers from binding 1 element 1 on (four, across
 * binding 2 into binding 3, at a stride of 32), uniform texel views, inline bytes 8..23. */
struct template_data {
   VkDescriptorBufferInfo uniform[2];
   uint8_t pad0[8];
   struct {
      VkDescriptorBufferInfo info;
      uint64_t pad;
   } storage[5];
   VkBufferView views[2];
   uint8_t inline_bytes[16];
};

static void
op_template(struct fuzz *f)
{
   struct template_data data;
   memset(&data, 0, sizeof(data));
   for (int i = 0; i < 2; i++)
      data.uniform[i] = random_buffer_info(f, false);
   for (int i = 0; i < 5; i++)
      data.storage[i].info = random_buffer_info(f, false);
   for (int i = 0; i < 2; i++)
      data.views[i] = f->uniform_views[below(f, UNIFORM_VIEWS)];
   for (int i = 0; i < 16; i++)
      data.inline_bytes[i] = (uint8_t)it_random(&f->rng);
   const int k = (int)below(f, SET_COUNT);
   vkUpdateDescriptorSetWithTemplate(f->s->device, f->sets[k],
                                     is_pt(k) ? f->pt_template : f->template, &data);
}

static VkResult
make_templates(struct fuzz *f)
{
   const VkDescriptorUpdateTemplateEntry entries[4] = {
      {0, 0, 2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, offsetof(struct template_data, uniform),
       sizeof(VkDescriptorBufferInfo)},
      {1, 1, 4, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, offsetof(struct template_data, storage), 32},
      {6, 0, 2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, offsetof(struct template_data, views),
       sizeof(VkBufferView)},
      {8, 8, 16, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK,
       offsetof(struct template_data, inline_bytes), 1},
   };
   VkDescriptorUpdateTemplateCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO,
      .descriptorUpdateEntryCount = 4,
      .pDescriptorUpdateEntries = entries,
      .templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET,
      .descriptorSetLayout = f->set_layout,
   };
   VkResult result = vkCreateDescriptorUpdateTemplate(f->s->device, &info, NULL, &f->template);
   info.descriptorSetLayout = f->pt_set_layout;
   if (result == VK_SUCCESS)
      result = vkCreateDescriptorUpdateTemplate(f->s->device, &info, NULL, &f->pt_template);
   return result;
}

static bool
collect(struct fuzz *f)
{
   const size_t words = DISPATCHES * OUT_WORDS;
   if (f->result_words + words > f->result_capacity) {
      size_t capacity = (f->result_capacity + words) * 2;
      uint32_t *results = realloc(f->results, capacity * sizeof(uint32_t));
      if (!results)
         return false;
      f->results = results;
      f->result_capacity = capacity;
   }
   memcpy(f->results + f->result_words, f->out.data, words * sizeof(uint32_t));
   f->result_words += words;
   memset(f->out.data, 0, words * sizeof(uint32_t));
   return true;
}

static VkResult
op_dispatch(struct fuzz *f)
{
   const struct dc_side *s = f->s;
   if (f->last_cmd) {
      vkFreeCommandBuffers(s->device, s->command_pool, 1, &f->last_cmd);
      f->last_cmd = VK_NULL_HANDLE;
   }
   f->last_valid = false;
   VkCommandBuffer cmd;
   VkResult result = dc_begin(s, &cmd);
   f->last_cmd = cmd;
   if (result != VK_SUCCESS)
      return result;
   for (int i = 0; i < DISPATCHES; i++) {
      const int k = (int)below(f, SET_COUNT);
      const uint32_t dynamic[2] = {OFFSET_UNIT * below(f, 4), OFFSET_UNIT * below(f, 4)};
      const VkDescriptorSet sets[2] = {f->sets[k], f->out_sets[i]};
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                        is_pt(k) ? f->pt_pipeline : f->pipeline);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                              is_pt(k) ? f->pt_layout : f->layout, 0, 2, sets, is_pt(k) ? 0 : 2,
                              dynamic);
      vkCmdDispatch(cmd, 1, 1, 1);
   }
   it_barrier_to_host(cmd);
   result = vkEndCommandBuffer(cmd);
   if (result == VK_SUCCESS)
      result = dc_submit_wait(s, 1, &cmd);
   if (result == VK_SUCCESS && !collect(f))
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
   f->last_valid = result == VK_SUCCESS;
   return result;
}

static VkResult
op_resubmit(struct fuzz *f)
{
   if (!f->last_valid)
      return VK_SUCCESS;
   VkResult result = dc_submit_wait(f->s, 1, &f->last_cmd);
   if (result == VK_SUCCESS && !collect(f))
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
   return result;
}

static VkResult
op_recreate_buffer(struct fuzz *f)
{
   const int k = (int)below(f, BUFFER_COUNT);
   f->last_valid = false;
   destroy_buffer(f, k);
   f->generation[k]++;
   VkResult result = make_buffer(f, k);
   /* Any set may have named the old buffer or its views: every set is written again (valid
    * usage). */
   for (int i = 0; i < SET_COUNT && result == VK_SUCCESS; i++)
      write_all(f, i);
   return result;
}

static VkResult
op_realloc_set(struct fuzz *f)
{
   const int k = (int)below(f, SET_COUNT);
   f->last_valid = false;
   VkResult result = vkFreeDescriptorSets(f->s->device, f->pool, 1, &f->sets[k]);
   f->sets[k] = VK_NULL_HANDLE;
   if (result == VK_SUCCESS)
      result = dc_allocate_sets(f->s, f->pool, is_pt(k) ? &f->pt_set_layout : &f->set_layout, 1,
                                &f->sets[k]);
   if (result == VK_SUCCESS)
      write_all(f, k);
   return result;
}

static VkResult
op_reset_pool(struct fuzz *f)
{
   f->last_valid = false;
   VkResult result = vkResetDescriptorPool(f->s->device, f->pool, 0);
   VkDescriptorSetLayout layouts[SET_COUNT];
   for (int i = 0; i < SET_COUNT; i++)
      layouts[i] = is_pt(i) ? f->pt_set_layout : f->set_layout;
   if (result == VK_SUCCESS)
      result = dc_allocate_sets(f->s, f->pool, layouts, SET_COUNT, f->sets);
   for (int i = 0; i < SET_COUNT && result == VK_SUCCESS; i++)
      write_all(f, i);
   return result;
}

static VkResult
create_layouts(struct fuzz *f)
{
   const struct dc_side *s = f->s;
   const VkShaderStageFlags stage = VK_SHADER_STAGE_COMPUTE_BIT;
   const VkDescriptorSetLayoutBinding b[9] = {
      {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2, stage, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 3, stage, NULL},
      {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 0, stage, NULL},
      {3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2, stage, NULL},
      {4, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 1, stage, NULL},
      {5, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 1, stage, NULL},
      {6, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2, stage, NULL},
      {7, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1, stage, NULL},
      {8, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, INLINE_BYTES, stage, NULL},
   };
   /* Bindings given out of order on purpose. */
   VkDescriptorSetLayoutBinding shuffled[9] = {b[8], b[3], b[0], b[6], b[2], b[5], b[1], b[7],
                                               b[4]};
   VkResult result = dc_set_layout(s, 0, shuffled, 9, &f->set_layout);
   /* The update-after-bind layout: bindings 4 and 5 not dynamic. */
   shuffled[8].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
   shuffled[5].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
   if (result == VK_SUCCESS)
      result = dc_set_layout(s, VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT,
                             shuffled, 9, &f->pt_set_layout);
   if (result == VK_SUCCESS)
      result = dc_set_layout1(s, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, 0, &f->out_layout);
   VkDescriptorSetLayout two[2] = {f->set_layout, f->out_layout};
   if (result == VK_SUCCESS)
      result = dc_pipeline_layout(s, two, 2, &f->layout);
   if (result == VK_SUCCESS)
      result = dc_pipeline(s, desc_buffer_kinds_spv, desc_buffer_kinds_spv_size, f->layout,
                           &f->pipeline);
   two[0] = f->pt_set_layout;
   if (result == VK_SUCCESS)
      result = dc_pipeline_layout(s, two, 2, &f->pt_layout);
   if (result == VK_SUCCESS)
      result = dc_pipeline(s, desc_buffer_kinds_spv, desc_buffer_kinds_spv_size, f->pt_layout,
                           &f->pt_pipeline);
   return result;
}

static VkResult
create_pools(struct fuzz *f)
{
   const struct dc_side *s = f->s;
   const VkDescriptorPoolSize sizes[] = {
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2 * SET_COUNT},
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 5 * SET_COUNT},
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, SET_COUNT},
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, SET_COUNT},
      {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2 * SET_COUNT},
      {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, SET_COUNT},
      {VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, INLINE_BYTES * SET_COUNT},
   };
   const VkDescriptorPoolInlineUniformBlockCreateInfo inline_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO,
      .maxInlineUniformBlockBindings = SET_COUNT,
   };
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .pNext = &inline_info,
      .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT |
               (passthrough ? VK_DESCRIPTOR_POOL_CREATE_UPDATE_AFTER_BIND_BIT : 0),
      .maxSets = SET_COUNT,
      .poolSizeCount = DC_ARRAY_SIZE(sizes),
      .pPoolSizes = sizes,
   };
   VkResult result = vkCreateDescriptorPool(s->device, &info, NULL, &f->pool);
   const VkDescriptorPoolSize out_size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, DISPATCHES};
   const VkDescriptorPoolCreateInfo out_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = DISPATCHES,
      .poolSizeCount = 1,
      .pPoolSizes = &out_size,
   };
   if (result == VK_SUCCESS)
      result = vkCreateDescriptorPool(s->device, &out_info, NULL, &f->out_pool);
   if (result == VK_SUCCESS)
      result = dc_buffer_create(s, DISPATCHES * OUT_WORDS * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                                &f->out);
   for (uint32_t i = 0; i < DISPATCHES && result == VK_SUCCESS; i++) {
      result = dc_allocate_sets(s, f->out_pool, &f->out_layout, 1, &f->out_sets[i]);
      if (result == VK_SUCCESS)
         dc_write_storage_buffer(s, f->out_sets[i], f->out.buffer, i * OUT_WORDS * 4,
                                 OUT_WORDS * 4);
   }
   return result;
}

static VkResult
fuzz_open(struct fuzz *f, const struct dc_side *s, uint64_t seed)
{
   memset(f, 0, sizeof(*f));
   f->s = s;
   f->rng = seed;
   VkResult result = VK_SUCCESS;
   for (int k = 0; k < BUFFER_COUNT && result == VK_SUCCESS; k++)
      result = make_buffer(f, k);
   if (result == VK_SUCCESS)
      result = create_layouts(f);
   if (result == VK_SUCCESS)
      result = create_pools(f);
   if (result == VK_SUCCESS)
      result = make_templates(f);
   if (result == VK_SUCCESS)
      result = op_reset_pool(f); /* allocates and writes every set */
   return result;
}

static void
fuzz_close(struct fuzz *f)
{
   const struct dc_side *s = f->s;
   VkDevice d = s->device;
   if (f->last_cmd)
      vkFreeCommandBuffers(d, s->command_pool, 1, &f->last_cmd);
   vkDestroyDescriptorUpdateTemplate(d, f->template, NULL);
   vkDestroyDescriptorUpdateTemplate(d, f->pt_template, NULL);
   vkDestroyDescriptorPool(d, f->pool, NULL);
   vkDestroyDescriptorPool(d, f->out_pool, NULL);
   vkDestroyPipeline(d, f->pipeline, NULL);
   vkDestroyPipeline(d, f->pt_pipeline, NULL);
   vkDestroyPipelineLayout(d, f->layout, NULL);
   vkDestroyPipelineLayout(d, f->pt_layout, NULL);
   vkDestroyDescriptorSetLayout(d, f->set_layout, NULL);
   vkDestroyDescriptorSetLayout(d, f->pt_set_layout, NULL);
   vkDestroyDescriptorSetLayout(d, f->out_layout, NULL);
   for (int k = 0; k < BUFFER_COUNT; k++)
      destroy_buffer(f, k);
   if (f->out.buffer)
      it_host_buffer_destroy(d, &f->out);
   free(f->results);
   f->results = NULL;
}

/* The seed's operations on one device; f keeps the results (fuzz_close frees them). */
static bool
fuzz_run(struct fuzz *f, const struct dc_side *s, uint64_t seed)
{
   bool ok = false;
   CHECK_VK(fuzz_open(f, s, seed));
   for (uint32_t i = 0; i < ops_per_seed; i++) {
      const uint32_t r = below(f, 100);
      if (r < 35) {
         op_write(f);
         f->last_valid = false;
      } else if (r < 50) {
         op_copy(f);
         f->last_valid = false;
      } else if (r < 60) {
         op_template(f);
         f->last_valid = false;
      } else if (r < 80) {
         CHECK_VK(op_dispatch(f));
      } else if (r < 88) {
         CHECK_VK(op_resubmit(f));
      } else if (r < 94) {
         CHECK_VK(op_recreate_buffer(f));
      } else if (r < 98) {
         CHECK_VK(op_realloc_set(f));
      } else {
         CHECK_VK(op_reset_pool(f));
      }
   }
   CHECK_VK(op_dispatch(f));
   ok = true;
done:
   return ok;
}

static bool
run_next_seed(void)
{
   const uint64_t seed = seeds[next_seed++];
   char what[64];
   snprintf(what, sizeof(what), "seed %llu", (unsigned long long)seed);
   dc_watchdog_arm(what);
   struct fuzz vendor, kronos;
   bool ok = fuzz_run(&vendor, &dc_sides[DC_VENDOR], seed);
   const VkKronosDeviceStatistics before = dc_statistics(&dc_sides[DC_KRONOS]);
   ok = fuzz_run(&kronos, &dc_sides[DC_KRONOS], seed) && ok;
   const VkKronosDeviceStatistics after = dc_statistics(&dc_sides[DC_KRONOS]);
   if (ok && vendor.result_words != kronos.result_words) {
      fprintf(stderr, "  result counts differ: vendor %zu words, kronos %zu words\n",
              vendor.result_words, kronos.result_words);
      ok = false;
   }
   size_t mismatches = 0;
   for (size_t i = 0; ok && i < vendor.result_words; i += OUT_WORDS) {
      char dispatch[96];
      snprintf(dispatch, sizeof(dispatch), "dispatch %zu of seed %llu", i / OUT_WORDS,
               (unsigned long long)seed);
      if (!it_compare_words(dispatch, vendor.results + i, kronos.results + i,
                      OUT_WORDS * sizeof(uint32_t)) &&
          ++mismatches == 4) {
         fprintf(stderr, "  (further dispatches not compared)\n");
         break;
      }
   }
   if (mismatches)
      ok = false;
   printf("  seed %llu: %zu dispatches compared\n", (unsigned long long)seed,
          vendor.result_words / OUT_WORDS);
   dc_print_cache("  ", &before, &after);
   fuzz_close(&vendor);
   fuzz_close(&kronos);
   dc_watchdog_arm(NULL);
   return ok;
}

static bool expect_evictions;

static bool
setup(void)
{
   bool ok = false;
   dc_watchdog_arm("setup");
   CHECK_VK(dc_open(NULL));
   for (int i = 0; i < DC_SIDE_COUNT; i++) {
      VkPhysicalDeviceProperties props;
      vkGetPhysicalDeviceProperties(dc_sides[i].physical, &props);
      const VkPhysicalDeviceLimits *l = &props.limits;
      CHECK(l->minUniformBufferOffsetAlignment <= OFFSET_UNIT &&
            l->minStorageBufferOffsetAlignment <= OFFSET_UNIT &&
            l->minTexelBufferOffsetAlignment <= OFFSET_UNIT);
      uint32_t step = (uint32_t)l->minUniformBufferOffsetAlignment;
      if (l->minStorageBufferOffsetAlignment > step)
         step = (uint32_t)l->minStorageBufferOffsetAlignment;
      if (step < 16)
         step = 16;
      if (step > offset_step)
         offset_step = step;
   }
   if (offset_step >= OFFSET_UNIT)
      offset_step = 0;
   printf("  %s, %u operations per seed, offsets within %u-byte units in steps of %u\n",
          passthrough ? "half the sets pass-through (update-after-bind)" : "modeled sets only",
          ops_per_seed, OFFSET_UNIT, offset_step);
   ok = true;
done:
   dc_watchdog_arm(NULL);
   return ok;
}

static bool
evictions_seen(void)
{
   const VkKronosDeviceStatistics stats = dc_statistics(&dc_sides[DC_KRONOS]);
   printf("  kronos descriptor cache evictions: %llu\n",
          (unsigned long long)stats.descriptor_cache_evictions);
   return stats.descriptor_cache_evictions > 0;
}

static bool
parse_seeds(const char *list)
{
   seed_count = 0;
   const char *p = list;
   while (*p) {
      char *end;
      unsigned long long seed = strtoull(p, &end, 0);
      if (end == p || seed_count == MAX_SEEDS || (*end && *end != ','))
         return false;
      seeds[seed_count++] = seed;
      p = *end ? end + 1 : end;
   }
   return seed_count > 0;
}

int
main(int argc, char **argv)
{
   seeds[0] = 1;
   seed_count = 1;
   for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
         if (!parse_seeds(argv[++i])) {
            fprintf(stderr, "--seeds: a comma-separated list of at most %d numbers\n",
                    MAX_SEEDS);
            return 2;
         }
      } else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
         ops_per_seed = (uint32_t)strtoul(argv[++i], NULL, 0);
      } else if (strcmp(argv[i], "--passthrough") == 0) {
         passthrough = true;
      } else if (strcmp(argv[i], "--expect-evictions") == 0) {
         expect_evictions = true;
      } else {
         fprintf(stderr, "usage: %s [--seeds N,N,...] [--ops N] [--passthrough] "
                 "[--expect-evictions]\n", argv[0]);
         return 2;
      }
   }
   struct it_test tests[MAX_SEEDS + 2];
   static char names[MAX_SEEDS][48];
   size_t n = 0;
   tests[n++] = (struct it_test){"find the vendor's device and Kronos's, open both", setup, true};
   for (size_t i = 0; i < seed_count; i++) {
      snprintf(names[i], sizeof(names[i]), "seed %llu", (unsigned long long)seeds[i]);
      tests[n++] = (struct it_test){names[i], run_next_seed, false};
   }
   if (expect_evictions)
      tests[n++] = (struct it_test){"Kronos's descriptor cache evicted sets", evictions_seen,
                                    false};
   int status = it_run_tests(tests, n);
   dc_close();
   return status;
}
