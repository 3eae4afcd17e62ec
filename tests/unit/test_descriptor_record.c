/* SPDX-License-Identifier: MIT */
/* Unit tests of persistent descriptors' pure core (issue 10): a set layout's model
 * (src/kr_descriptor_model.h) and a set's record (src/kr_descriptor_record.h): what each
 * descriptor type keeps, content hashing and equality, writes (with the consecutive-binding
 * rule), copies, template updates, refused updates, and the vendor writes built from a record's
 * content (applied to a fresh record, they give the same content back). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include "kr_descriptor_model.h"
#include "kr_descriptor_record.h"
#include "test_random.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Non-dispatchable handles from plain values. */
#define BUF(x) ((VkBuffer)(uintptr_t)(x))
#define BVIEW(x) ((VkBufferView)(uintptr_t)(x))
#define IVIEW(x) ((VkImageView)(uintptr_t)(x))
#define SAMP(x) ((VkSampler)(uintptr_t)(x))

static const VkSampler immutable_samplers[4] = {SAMP(0x9001), SAMP(0x9002), SAMP(0x9003),
                                                SAMP(0x9004)};

#define SB VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
#define UB VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER
#define INLINE VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK
#define STAGE VK_SHADER_STAGE_COMPUTE_BIT

/* A layout with every type Kronos models, given out of binding order. Flat record positions
 * (sorted): b0 0-1, b1 2-3, b2 4-5, b3 6-8, b4 9-10, b5 11-12, b6 13-14, b7 15-16, b8 17-20,
 * b9 21-22, b10 23-24, b12 25; inline bytes: b11 0-15. */
static const VkDescriptorSetLayoutBinding every_type_bindings[] = {
   {12, VK_DESCRIPTOR_TYPE_SAMPLER, 1, STAGE, immutable_samplers},
   {3, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 3, STAGE, NULL},
   {0, VK_DESCRIPTOR_TYPE_SAMPLER, 2, STAGE, NULL},
   {11, INLINE, 16, STAGE, NULL},
   {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2, STAGE, NULL},
   {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2, STAGE, immutable_samplers},
   {4, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 2, STAGE, NULL},
   {5, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2, STAGE, NULL},
   {6, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 2, STAGE, NULL},
   {7, UB, 2, STAGE, NULL},
   {8, SB, 4, STAGE, NULL},
   {9, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 2, STAGE, NULL},
   {10, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 2, STAGE, NULL},
};

/* Consecutive bindings of one type, one of them empty, binding 3 absent: flat b0 0-1, b1 (none),
 * b2 2-4, b4 5, b5 (uniform buffers) 6-7. */
static const VkDescriptorSetLayoutBinding consecutive_bindings[] = {
   {0, SB, 2, STAGE, NULL}, {1, SB, 0, STAGE, NULL}, {2, SB, 3, STAGE, NULL},
   {4, SB, 1, STAGE, NULL}, {5, UB, 2, STAGE, NULL},
};

static struct kr_set_layout_model
make_model(const VkDescriptorSetLayoutBinding *bindings, uint32_t count)
{
   const VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = count,
      .pBindings = bindings,
   };
   struct kr_set_layout_model model;
   assert_int_equal(kr_set_layout_model_init(&model, &info, true, NULL), VK_SUCCESS);
   assert_true(model.modeled);
   assert_null(model.why_not);
   return model;
}

static struct kr_descriptor_record
make_record(const struct kr_set_layout_model *model)
{
   struct kr_descriptor_record record;
   assert_int_equal(kr_descriptor_record_init(&record, model, NULL), VK_SUCCESS);
   return record;
}

static bool
same_content(const struct kr_descriptor_record *a, const struct kr_descriptor_record *b)
{
   return kr_descriptor_content_equal(a->model, a->descriptors, a->inline_bytes, b->descriptors,
                                      b->inline_bytes);
}

/* Equal content, and so equal hashes (through the record's cached hash). */
static void
expect_same(struct kr_descriptor_record *a, struct kr_descriptor_record *b)
{
   assert_true(same_content(a, b));
   assert_true(same_content(b, a));
   assert_true(kr_descriptor_record_hash(a) == kr_descriptor_record_hash(b));
}

/* Different content; with the fixed values of these tests, different hashes too. */
static void
expect_differ(struct kr_descriptor_record *a, struct kr_descriptor_record *b)
{
   assert_false(same_content(a, b));
   assert_false(same_content(b, a));
   assert_true(kr_descriptor_record_hash(a) != kr_descriptor_record_hash(b));
}

static bool
write_images(struct kr_descriptor_record *r, uint32_t binding, uint32_t element,
             VkDescriptorType type, const VkDescriptorImageInfo *infos, uint32_t count)
{
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstBinding = binding,
      .dstArrayElement = element,
      .descriptorCount = count,
      .descriptorType = type,
      .pImageInfo = infos,
   };
   return kr_descriptor_record_write(r, &w);
}

static bool
write_buffers(struct kr_descriptor_record *r, uint32_t binding, uint32_t element,
              VkDescriptorType type, const VkDescriptorBufferInfo *infos, uint32_t count)
{
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstBinding = binding,
      .dstArrayElement = element,
      .descriptorCount = count,
      .descriptorType = type,
      .pBufferInfo = infos,
   };
   return kr_descriptor_record_write(r, &w);
}

static bool
write_texels(struct kr_descriptor_record *r, uint32_t binding, uint32_t element,
             VkDescriptorType type, const VkBufferView *views, uint32_t count)
{
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstBinding = binding,
      .dstArrayElement = element,
      .descriptorCount = count,
      .descriptorType = type,
      .pTexelBufferView = views,
   };
   return kr_descriptor_record_write(r, &w);
}

static bool
write_inline(struct kr_descriptor_record *r, uint32_t binding, uint32_t offset, const void *data,
             uint32_t size)
{
   const VkWriteDescriptorSetInlineUniformBlock block = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
      .dataSize = size,
      .pData = data,
   };
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .pNext = &block,
      .dstBinding = binding,
      .dstArrayElement = offset,
      .descriptorCount = size,
      .descriptorType = INLINE,
   };
   return kr_descriptor_record_write(r, &w);
}

static bool
copy_descriptors(struct kr_descriptor_record *dst, struct kr_descriptor_record *src,
                 uint32_t src_binding, uint32_t src_element, uint32_t dst_binding,
                 uint32_t dst_element, uint32_t count)
{
   const VkCopyDescriptorSet c = {
      .sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET,
      .srcBinding = src_binding,
      .srcArrayElement = src_element,
      .dstBinding = dst_binding,
      .dstArrayElement = dst_element,
      .descriptorCount = count,
   };
   return kr_descriptor_record_copy(dst, src, &c);
}

/* --- the layout model ------------------------------------------------------------------------ */

static void
model_sorts_bindings_and_lays_them_out_flat(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   assert_int_equal(m.binding_count, 13);
   assert_int_equal(m.descriptor_count, 26);
   assert_int_equal(m.inline_bytes, 16);
   static const uint32_t first[13] = {0, 2, 4, 6, 9, 11, 13, 15, 17, 21, 23, 0, 25};
   static const uint32_t count[13] = {2, 2, 2, 3, 2, 2, 2, 2, 4, 2, 2, 16, 1};
   for (uint32_t i = 0; i < 13; i++) {
      assert_int_equal(m.bindings[i].binding, i);
      assert_int_equal(m.bindings[i].first, first[i]);
      assert_int_equal(m.bindings[i].count, count[i]);
      assert_ptr_equal(kr_set_layout_model_binding(&m, i), &m.bindings[i]);
   }
   assert_null(kr_set_layout_model_binding(&m, 13));
   assert_false(m.bindings[0].immutable_samplers);
   assert_false(m.bindings[1].immutable_samplers);
   assert_true(m.bindings[2].immutable_samplers);
   assert_true(m.bindings[12].immutable_samplers);
   /* binding_of: every flat index maps to its binding, never to the inline block. */
   for (uint32_t index = 0; index < m.descriptor_count; index++) {
      const struct kr_binding_model *b = kr_set_layout_model_binding_of(&m, index);
      assert_non_null(b);
      assert_true(b->type != INLINE);
      assert_true(index >= b->first && index < b->first + b->count);
   }
   assert_null(kr_set_layout_model_binding_of(&m, m.descriptor_count));
   /* Pool accounting: descriptors by kind, bytes for inline blocks. */
   assert_int_equal(m.pool_counts[KR_DESCRIPTOR_KIND_SAMPLER], 3);
   assert_int_equal(m.pool_counts[KR_DESCRIPTOR_KIND_COMBINED_IMAGE_SAMPLER], 4);
   assert_int_equal(m.pool_counts[KR_DESCRIPTOR_KIND_SAMPLED_IMAGE], 3);
   assert_int_equal(m.pool_counts[KR_DESCRIPTOR_KIND_STORAGE_BUFFER], 4);
   assert_int_equal(m.pool_counts[KR_DESCRIPTOR_KIND_INLINE_UNIFORM_BLOCK], 16);
   assert_int_equal(m.inline_bindings, 1);
   kr_set_layout_model_finish(&m, NULL);

   struct kr_set_layout_model c =
      make_model(consecutive_bindings, ARRAY_SIZE(consecutive_bindings));
   assert_int_equal(c.descriptor_count, 8);
   assert_int_equal(c.inline_bytes, 0);
   assert_int_equal(kr_set_layout_model_binding(&c, 1)->first, 2);
   assert_int_equal(kr_set_layout_model_binding(&c, 2)->first, 2);
   assert_null(kr_set_layout_model_binding(&c, 3));
   assert_int_equal(kr_set_layout_model_binding_of(&c, 2)->binding, 2);
   assert_int_equal(kr_set_layout_model_binding_of(&c, 5)->binding, 4);
   kr_set_layout_model_finish(&c, NULL);
}

static void
model_refuses_what_it_cannot_keep(void **state)
{
   (void)state;
   const VkDescriptorSetLayoutBinding sb = {0, SB, 1, STAGE, NULL};
   VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = 1,
      .pBindings = &sb,
   };
   struct kr_set_layout_model m;
   assert_int_equal(kr_set_layout_model_init(&m, &info, true, NULL), VK_SUCCESS);
   assert_true(m.modeled);
   kr_set_layout_model_finish(&m, NULL);

   /* KRONOS_DISABLE=descriptor */
   assert_int_equal(kr_set_layout_model_init(&m, &info, false, NULL), VK_SUCCESS);
   assert_false(m.modeled);
   assert_non_null(m.why_not);
   kr_set_layout_model_finish(&m, NULL);

   info.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
   assert_int_equal(kr_set_layout_model_init(&m, &info, true, NULL), VK_SUCCESS);
   assert_false(m.modeled);
   kr_set_layout_model_finish(&m, NULL);

   info.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT;
   assert_int_equal(kr_set_layout_model_init(&m, &info, true, NULL), VK_SUCCESS);
   assert_false(m.modeled);
   kr_set_layout_model_finish(&m, NULL);
   info.flags = 0;

   /* Binding flags: all zero is still modeled, any flag is not. */
   VkDescriptorBindingFlags flags = 0;
   const VkDescriptorSetLayoutBindingFlagsCreateInfo flag_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_BINDING_FLAGS_CREATE_INFO,
      .bindingCount = 1,
      .pBindingFlags = &flags,
   };
   info.pNext = &flag_info;
   assert_int_equal(kr_set_layout_model_init(&m, &info, true, NULL), VK_SUCCESS);
   assert_true(m.modeled);
   kr_set_layout_model_finish(&m, NULL);
   flags = VK_DESCRIPTOR_BINDING_VARIABLE_DESCRIPTOR_COUNT_BIT;
   assert_int_equal(kr_set_layout_model_init(&m, &info, true, NULL), VK_SUCCESS);
   assert_false(m.modeled);
   /* A variable-count binding is the vendor pool's to account for. */
   assert_int_equal(m.pool_counts[KR_DESCRIPTOR_KIND_STORAGE_BUFFER], 0);
   kr_set_layout_model_finish(&m, NULL);
   info.pNext = NULL;

   const VkDescriptorSetLayoutBinding mutable_binding = {0, VK_DESCRIPTOR_TYPE_MUTABLE_EXT, 1,
                                                         STAGE, NULL};
   info.pBindings = &mutable_binding;
   assert_int_equal(kr_set_layout_model_init(&m, &info, true, NULL), VK_SUCCESS);
   assert_false(m.modeled);
   kr_set_layout_model_finish(&m, NULL);
}

static void
pool_budget_refuses_exactly_past_a_limit(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   /* Room for two sets' storage buffers (8), three sets otherwise. */
   VkDescriptorPoolSize sizes[KR_DESCRIPTOR_KIND_COUNT];
   uint32_t n = 0;
   for (uint32_t t = VK_DESCRIPTOR_TYPE_SAMPLER; t <= VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
        t++)
      sizes[n++] = (VkDescriptorPoolSize){(VkDescriptorType)t,
                                          t == SB ? 8 : 3 * m.pool_counts[t]};
   sizes[n++] = (VkDescriptorPoolSize){INLINE, 48};
   const VkDescriptorPoolInlineUniformBlockCreateInfo inline_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO,
      .maxInlineUniformBlockBindings = 3,
   };
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .pNext = &inline_info,
      .maxSets = 3,
      .poolSizeCount = n,
      .pPoolSizes = sizes,
   };
   struct kr_pool_budget budget;
   kr_pool_budget_init(&budget, &info, true, true);
   assert_int_equal(kr_pool_budget_take(&budget, &m), VK_SUCCESS);
   assert_int_equal(kr_pool_budget_take(&budget, &m), VK_SUCCESS);
   struct kr_pool_budget before = budget;
   assert_int_equal(kr_pool_budget_take(&budget, &m), VK_ERROR_OUT_OF_POOL_MEMORY);
   assert_memory_equal(&before, &budget, sizeof(budget));
   kr_pool_budget_give(&budget, &m);
   assert_int_equal(budget.sets, 1);
   assert_int_equal(budget.counts[KR_DESCRIPTOR_KIND_STORAGE_BUFFER], 4);
   assert_int_equal(budget.inline_bindings, 1);
   assert_int_equal(kr_pool_budget_take(&budget, &m), VK_SUCCESS);
   kr_pool_budget_reset(&budget);
   assert_int_equal(budget.sets, 0);
   assert_int_equal(budget.counts[KR_DESCRIPTOR_KIND_STORAGE_BUFFER], 0);

   /* Counts not enforced: only maxSets refuses. */
   kr_pool_budget_init(&budget, &info, true, false);
   for (int i = 0; i < 3; i++)
      assert_int_equal(kr_pool_budget_take(&budget, &m), VK_SUCCESS);
   assert_int_equal(kr_pool_budget_take(&budget, &m), VK_ERROR_OUT_OF_POOL_MEMORY);
   /* Nothing enforced: never refuses. */
   kr_pool_budget_init(&budget, &info, false, false);
   for (int i = 0; i < 5; i++)
      assert_int_equal(kr_pool_budget_take(&budget, &m), VK_SUCCESS);
   assert_int_equal(budget.sets, 5);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- content: what each type keeps ------------------------------------------------------------ */

struct image_case {
   uint32_t binding;
   VkDescriptorType type;
   bool sampler_matters, view_matters, layout_matters;
};

static void
image_types_keep_only_what_they_use(void **state)
{
   (void)state;
   static const struct image_case cases[] = {
      {0, VK_DESCRIPTOR_TYPE_SAMPLER, true, false, false},
      {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, true, true, true},
      {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, false, true, true}, /* immutable */
      {3, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, false, true, true},
      {4, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, false, true, true},
   };
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   const VkDescriptorImageInfo base = {SAMP(0x300), IVIEW(0x200), VK_IMAGE_LAYOUT_GENERAL};
   for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
      const struct image_case *k = &cases[c];
      struct kr_descriptor_record a = make_record(&m), b = make_record(&m);
      struct kr_descriptor_record empty = make_record(&m);
      const VkDescriptorImageInfo infos[2] = {base, base};
      assert_true(write_images(&a, k->binding, 1, k->type, &infos[1], 1));
      expect_differ(&a, &empty); /* written differs from never written */

      VkDescriptorImageInfo other = base;
      other.sampler = SAMP(0x301);
      assert_true(write_images(&b, k->binding, 1, k->type, &other, 1));
      if (k->sampler_matters)
         expect_differ(&a, &b);
      else
         expect_same(&a, &b);
      other = base;
      other.imageView = IVIEW(0x201);
      assert_true(write_images(&b, k->binding, 1, k->type, &other, 1));
      if (k->view_matters)
         expect_differ(&a, &b);
      else
         expect_same(&a, &b);
      other = base;
      other.imageLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
      assert_true(write_images(&b, k->binding, 1, k->type, &other, 1));
      if (k->layout_matters)
         expect_differ(&a, &b);
      else
         expect_same(&a, &b);
      /* Same again: same content (a rewrite of the same values changes nothing). */
      assert_true(write_images(&b, k->binding, 1, k->type, &base, 1));
      expect_same(&a, &b);
      /* The array element matters. */
      struct kr_descriptor_record e0 = make_record(&m);
      assert_true(write_images(&e0, k->binding, 0, k->type, &base, 1));
      expect_differ(&a, &e0);
      /* Buffer and texel arrays of an image write are ignored. */
      const VkDescriptorBufferInfo junk_buffer = {BUF(0xdead), 1, 2};
      const VkBufferView junk_view = BVIEW(0xbeef);
      const VkWriteDescriptorSet junk = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstBinding = k->binding,
         .dstArrayElement = 1,
         .descriptorCount = 1,
         .descriptorType = k->type,
         .pImageInfo = &base,
         .pBufferInfo = &junk_buffer,
         .pTexelBufferView = &junk_view,
      };
      struct kr_descriptor_record j = make_record(&m);
      assert_true(kr_descriptor_record_write(&j, &junk));
      expect_same(&a, &j);
      /* What is kept, field by field. */
      const struct kr_descriptor *d = &a.descriptors[m.bindings[k->binding].first + 1];
      assert_int_equal(d->state, (uint32_t)k->type + 1);
      assert_int_equal(d->sampler, k->sampler_matters ? 0x300 : 0);
      assert_int_equal(d->object, k->view_matters ? 0x200 : 0);
      assert_int_equal(d->layout, k->layout_matters ? VK_IMAGE_LAYOUT_GENERAL : 0);
      assert_int_equal(d->range, 0); /* the offset is the sampler's word (kr_descriptor) */
      kr_descriptor_record_finish(&a, NULL);
      kr_descriptor_record_finish(&b, NULL);
      kr_descriptor_record_finish(&empty, NULL);
      kr_descriptor_record_finish(&e0, NULL);
      kr_descriptor_record_finish(&j, NULL);
   }
   kr_set_layout_model_finish(&m, NULL);
}

static void
buffer_types_keep_buffer_offset_and_range(void **state)
{
   (void)state;
   static const struct {
      uint32_t binding;
      VkDescriptorType type;
   } cases[] = {
      {7, UB},
      {8, SB},
      {9, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC},
      {10, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC},
   };
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   const VkDescriptorBufferInfo base = {BUF(0x100), 64, 192};
   for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
      uint32_t binding = cases[c].binding;
      VkDescriptorType type = cases[c].type;
      struct kr_descriptor_record a = make_record(&m), b = make_record(&m);
      assert_true(write_buffers(&a, binding, 1, type, &base, 1));
      const struct kr_descriptor *d = &a.descriptors[m.bindings[binding].first + 1];
      assert_int_equal(d->object, 0x100);
      assert_int_equal(d->offset, 64);
      assert_int_equal(d->range, 192);
      assert_int_equal(d->state, (uint32_t)type + 1);
      assert_int_equal(d->layout, 0);

      const VkDescriptorBufferInfo changes[] = {
         {BUF(0x101), 64, 192},
         {BUF(0x100), 0, 192},
         {BUF(0x100), 64, 128},
         /* The whole rest of a 256-byte buffer, written as VK_WHOLE_SIZE: another content
          * than the explicit range that covers the same bytes. */
         {BUF(0x100), 64, VK_WHOLE_SIZE},
         /* A null descriptor (nullDescriptor) is written, unlike a never-written one. */
         {VK_NULL_HANDLE, 0, VK_WHOLE_SIZE},
      };
      for (size_t i = 0; i < ARRAY_SIZE(changes); i++) {
         assert_true(write_buffers(&b, binding, 1, type, &changes[i], 1));
         expect_differ(&a, &b);
      }
      struct kr_descriptor_record empty = make_record(&m);
      expect_differ(&b, &empty);
      kr_descriptor_record_finish(&empty, NULL);
      /* VK_WHOLE_SIZE is kept as written. */
      assert_int_equal(b.descriptors[m.bindings[binding].first + 1].range, VK_WHOLE_SIZE);

      /* Image and texel arrays are ignored: garbage that differs changes nothing. */
      VkDescriptorImageInfo garbage_images[2] = {
         {SAMP(0x1111), IVIEW(0x2222), VK_IMAGE_LAYOUT_GENERAL},
         {SAMP(0x3333), IVIEW(0x4444), VK_IMAGE_LAYOUT_PREINITIALIZED},
      };
      VkBufferView garbage_views[2] = {BVIEW(0x5555), BVIEW(0x6666)};
      for (int g = 0; g < 2; g++) {
         const VkWriteDescriptorSet w = {
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstBinding = binding,
            .dstArrayElement = 1,
            .descriptorCount = 1,
            .descriptorType = type,
            .pImageInfo = &garbage_images[g],
            .pBufferInfo = &base,
            .pTexelBufferView = &garbage_views[g],
         };
         assert_true(kr_descriptor_record_write(&b, &w));
         expect_same(&a, &b);
      }
      kr_descriptor_record_finish(&a, NULL);
      kr_descriptor_record_finish(&b, NULL);
   }
   kr_set_layout_model_finish(&m, NULL);
}

static void
texel_buffer_types_keep_the_view(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   static const VkDescriptorType types[2] = {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
                                             VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER};
   for (uint32_t t = 0; t < 2; t++) {
      uint32_t binding = 5 + t;
      struct kr_descriptor_record a = make_record(&m), b = make_record(&m);
      const VkBufferView views[2] = {BVIEW(0x400), BVIEW(0x401)};
      assert_true(write_texels(&a, binding, 0, types[t], views, 2));
      const struct kr_descriptor *d = &a.descriptors[m.bindings[binding].first];
      assert_int_equal(d[0].object, 0x400);
      assert_int_equal(d[1].object, 0x401);
      assert_int_equal(d[1].state, (uint32_t)types[t] + 1);
      assert_int_equal(d[1].offset | d[1].range | d[1].sampler | d[1].layout, 0);
      const VkBufferView swapped[2] = {BVIEW(0x401), BVIEW(0x400)};
      assert_true(write_texels(&b, binding, 0, types[t], swapped, 2));
      expect_differ(&a, &b);
      /* Garbage image and buffer infos are ignored. */
      const VkDescriptorImageInfo junk_image = {SAMP(1), IVIEW(2), VK_IMAGE_LAYOUT_GENERAL};
      const VkDescriptorBufferInfo junk_buffers[2] = {{BUF(3), 4, 5}, {BUF(6), 7, 8}};
      const VkWriteDescriptorSet w = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstBinding = binding,
         .descriptorCount = 2,
         .descriptorType = types[t],
         .pImageInfo = &junk_image,
         .pBufferInfo = junk_buffers,
         .pTexelBufferView = views,
      };
      assert_true(kr_descriptor_record_write(&b, &w));
      expect_same(&a, &b);
      kr_descriptor_record_finish(&a, NULL);
      kr_descriptor_record_finish(&b, NULL);
   }
   /* The same view in the uniform and the storage texel binding: different content. */
   struct kr_descriptor_record u = make_record(&m), s = make_record(&m);
   const VkBufferView view = BVIEW(0x400);
   assert_true(write_texels(&u, 5, 0, types[0], &view, 1));
   assert_true(write_texels(&s, 6, 0, types[1], &view, 1));
   expect_differ(&u, &s);
   kr_descriptor_record_finish(&u, NULL);
   kr_descriptor_record_finish(&s, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

static void
inline_uniform_blocks_keep_their_bytes(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct kr_descriptor_record a = make_record(&m), b = make_record(&m);
   struct kr_descriptor_record empty = make_record(&m);
   const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
   assert_true(write_inline(&a, 11, 4, bytes, 8));
   assert_memory_equal(a.inline_bytes + 4, bytes, 8);
   expect_differ(&a, &empty);
   /* Same bytes elsewhere in the block: different. */
   assert_true(write_inline(&b, 11, 8, bytes, 8));
   expect_differ(&a, &b);
   /* Same place, one byte off: different. */
   uint8_t off[8];
   memcpy(off, bytes, 8);
   off[7] ^= 0x80;
   struct kr_descriptor_record c = make_record(&m);
   assert_true(write_inline(&c, 11, 4, off, 8));
   expect_differ(&a, &c);
   assert_true(write_inline(&c, 11, 4, bytes, 8));
   expect_same(&a, &c);
   /* A block is written whole to the vendor, never-written bytes as zero: zeros written
    * are the same content as never written. */
   const uint8_t zeros[16] = {0};
   struct kr_descriptor_record z = make_record(&m);
   assert_true(write_inline(&z, 11, 0, zeros, 16));
   expect_same(&z, &empty);
   /* The descriptors are untouched by inline writes. */
   for (uint32_t i = 0; i < m.descriptor_count; i++)
      assert_int_equal(a.descriptors[i].state, 0);
   kr_descriptor_record_finish(&a, NULL);
   kr_descriptor_record_finish(&b, NULL);
   kr_descriptor_record_finish(&c, NULL);
   kr_descriptor_record_finish(&z, NULL);
   kr_descriptor_record_finish(&empty, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

/* Content equal to another record's must be found equal and hash equal whatever the order of
 * the writes; the record's cached hash follows its changes. */
static void
hash_follows_the_content(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct kr_descriptor_record a = make_record(&m), b = make_record(&m);
   assert_true(a.dirty);
   uint64_t empty_hash = kr_descriptor_record_hash(&a);
   assert_false(a.dirty);
   assert_true(empty_hash ==
               kr_descriptor_content_hash(&m, a.descriptors, a.inline_bytes));
   const VkDescriptorBufferInfo buffers[2] = {{BUF(0x100), 0, 16}, {BUF(0x101), 16, 32}};
   const VkDescriptorImageInfo image = {SAMP(0x300), IVIEW(0x200), VK_IMAGE_LAYOUT_GENERAL};
   assert_true(write_buffers(&a, 8, 0, SB, buffers, 2));
   assert_true(a.dirty);
   assert_true(write_images(&a, 1, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &image, 1));
   uint64_t h = kr_descriptor_record_hash(&a);
   assert_true(h != empty_hash);
   assert_true(h == kr_descriptor_content_hash(&m, a.descriptors, a.inline_bytes));
   /* The other order, and one element at a time. */
   assert_true(write_images(&b, 1, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &image, 1));
   assert_true(write_buffers(&b, 8, 1, SB, &buffers[1], 1));
   assert_true(write_buffers(&b, 8, 0, SB, &buffers[0], 1));
   expect_same(&a, &b);

   /* Storage the caller gives: the same record. */
   size_t size = kr_descriptor_record_storage_size(&m);
   assert_int_equal(size, sizeof(struct kr_descriptor) * 26 + 16);
   void *storage = calloc(1, size);
   assert_non_null(storage);
   struct kr_descriptor_record at;
   kr_descriptor_record_init_at(&at, &m, storage);
   assert_ptr_equal(at.descriptors, storage);
   assert_ptr_equal(at.inline_bytes, (uint8_t *)storage + sizeof(struct kr_descriptor) * 26);
   assert_true(kr_descriptor_record_hash(&at) == empty_hash);
   assert_true(write_buffers(&at, 8, 0, SB, buffers, 2));
   assert_true(write_images(&at, 1, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &image, 1));
   expect_same(&a, &at);
   free(storage);
   kr_descriptor_record_finish(&a, NULL);
   kr_descriptor_record_finish(&b, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

/* An update storing what the descriptors already hold (writes of every kind, a copy, a
 * template) leaves a clean record clean and its hash as it was, so the cache can re-bind the set
 * without looking it up; any real change makes it dirty. */
static void
same_value_updates_leave_the_record_clean(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct kr_descriptor_record a = make_record(&m);
   const VkDescriptorBufferInfo buffers[2] = {{BUF(0x100), 0, 16}, {BUF(0x101), 16, 32}};
   const VkDescriptorImageInfo image = {SAMP(0x300), IVIEW(0x200), VK_IMAGE_LAYOUT_GENERAL};
   const VkBufferView views[2] = {BVIEW(0x400), BVIEW(0x401)};
   const uint8_t bytes[4] = {1, 2, 3, 4};
   assert_true(write_buffers(&a, 8, 0, SB, buffers, 2));
   assert_true(write_images(&a, 1, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &image, 1));
   assert_true(write_texels(&a, 5, 0, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, views, 2));
   assert_true(write_inline(&a, 11, 4, bytes, 4));
   assert_true(copy_descriptors(&a, &a, 8, 0, 8, 2, 2));
   uint64_t h = kr_descriptor_record_hash(&a);
   assert_false(a.dirty);

   /* The same values again, every way an update can come. */
   assert_true(write_buffers(&a, 8, 0, SB, buffers, 2));
   assert_true(write_images(&a, 1, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &image, 1));
   assert_true(write_texels(&a, 5, 0, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, views, 2));
   assert_true(write_inline(&a, 11, 4, bytes, 4));
   assert_true(copy_descriptors(&a, &a, 8, 0, 8, 2, 2));
   const VkDescriptorUpdateTemplateEntry entry = {8, 0, 2, SB, 0,
                                                  sizeof(VkDescriptorBufferInfo)};
   assert_true(kr_descriptor_record_apply_template(&a, 1, &entry, buffers));
   assert_false(a.dirty);
   assert_false(a.inline_changed);
   assert_true(kr_descriptor_record_hash(&a) == h);

   /* A change of one field of one descriptor, or one byte, dirties it. */
   const VkDescriptorBufferInfo moved = {BUF(0x101), 16, 48};
   assert_true(write_buffers(&a, 8, 1, SB, &moved, 1));
   assert_true(a.dirty);
   assert_true(kr_descriptor_record_hash(&a) != h);
   assert_true(write_buffers(&a, 8, 1, SB, &buffers[1], 1));
   assert_true(a.dirty);
   assert_true(kr_descriptor_record_hash(&a) == h);
   const uint8_t other[1] = {9};
   assert_true(write_inline(&a, 11, 5, other, 1));
   assert_true(a.dirty);
   assert_true(kr_descriptor_record_hash(&a) != h);
   kr_descriptor_record_finish(&a, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- writes across bindings, refused writes --------------------------------------------------- */

static void
write_runs_into_consecutive_bindings(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(consecutive_bindings, ARRAY_SIZE(consecutive_bindings));
   VkDescriptorBufferInfo infos[5];
   for (uint32_t i = 0; i < 5; i++)
      infos[i] = (VkDescriptorBufferInfo){BUF(0x100 + i), 16 * i, 16};
   /* Binding 0 element 1, five descriptors: b0[1], (b1 empty), b2[0..2], b4[0] (b3 absent). */
   struct kr_descriptor_record a = make_record(&m), b = make_record(&m);
   assert_true(write_buffers(&a, 0, 1, SB, infos, 5));
   assert_true(write_buffers(&b, 0, 1, SB, &infos[0], 1));
   assert_true(write_buffers(&b, 2, 0, SB, &infos[1], 3));
   assert_true(write_buffers(&b, 4, 0, SB, &infos[4], 1));
   expect_same(&a, &b);
   assert_int_equal(a.descriptors[0].state, 0);
   for (uint32_t i = 0; i < 5; i++) {
      assert_int_equal(a.descriptors[1 + i].object, 0x100 + i);
      assert_int_equal(a.descriptors[1 + i].offset, 16 * i);
   }
   assert_int_equal(a.descriptors[6].state, 0);
   assert_int_equal(a.descriptors[7].state, 0);
   /* Starting at the binding's end continues at the next binding's element 0. */
   struct kr_descriptor_record c = make_record(&m), d = make_record(&m);
   assert_true(write_buffers(&c, 0, 2, SB, infos, 2));
   assert_true(write_buffers(&d, 2, 0, SB, infos, 2));
   expect_same(&c, &d);
   /* Starting at the empty binding is its next one's element 0 too. */
   struct kr_descriptor_record e = make_record(&m);
   assert_true(write_buffers(&e, 1, 0, SB, infos, 2));
   expect_same(&e, &d);
   kr_descriptor_record_finish(&a, NULL);
   kr_descriptor_record_finish(&b, NULL);
   kr_descriptor_record_finish(&c, NULL);
   kr_descriptor_record_finish(&d, NULL);
   kr_descriptor_record_finish(&e, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

static void
refused_updates_change_nothing(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct kr_descriptor_record r = make_record(&m), snapshot = make_record(&m);
   /* Some content first, the same in both. */
   const VkDescriptorBufferInfo buffers[5] = {
      {BUF(0x100), 0, 16}, {BUF(0x101), 0, 16}, {BUF(0x102), 0, 16}, {BUF(0x103), 0, 16},
      {BUF(0x104), 0, 16}};
   const uint8_t bytes[20] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
   for (int i = 0; i < 2; i++) {
      struct kr_descriptor_record *x = i ? &snapshot : &r;
      assert_true(write_buffers(x, 8, 0, SB, buffers, 4));
      assert_true(write_inline(x, 11, 0, bytes, 4));
   }
   uint64_t hash = kr_descriptor_record_hash(&r);
   const VkDescriptorBufferInfo other[5] = {{BUF(0xbad), 0, 1}, {BUF(0xbad), 0, 1},
                                            {BUF(0xbad), 0, 1}, {BUF(0xbad), 0, 1},
                                            {BUF(0xbad), 0, 1}};
   /* A binding the layout does not have. */
   assert_false(write_buffers(&r, 13, 0, SB, other, 1));
   assert_false(write_buffers(&r, 99, 0, SB, other, 1));
   /* An element past the binding's end (not at it). */
   assert_false(write_buffers(&r, 8, 5, SB, other, 1));
   /* Runs past the record's end: from the last binding, and from the storage buffers. */
   assert_false(write_images(&r, 12, 0, VK_DESCRIPTOR_TYPE_SAMPLER,
                             (const VkDescriptorImageInfo[2]){{0}}, 2));
   assert_false(write_buffers(&r, 10, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, other, 3));
   assert_false(write_buffers(&r, 8, 0, SB, other, 4 + 2 + 2 + 2 + 2 + 1));
   /* Huge counts and elements do not wrap around. */
   assert_false(write_buffers(&r, 8, 0xFFFFFFFFu, SB, other, 2));
   assert_false(write_buffers(&r, 8, 1, SB, other, 0xFFFFFFFFu));
   /* A type Kronos does not model. */
   assert_false(write_buffers(&r, 8, 0, VK_DESCRIPTOR_TYPE_MUTABLE_EXT, other, 1));
   /* Inline blocks: past the block, without the data structure, data too short. */
   assert_false(write_inline(&r, 11, 8, bytes, 12));
   assert_false(write_inline(&r, 11, 17, bytes, 1));
   const VkWriteDescriptorSet no_block = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstBinding = 11,
      .descriptorCount = 4,
      .descriptorType = INLINE,
   };
   assert_false(kr_descriptor_record_write(&r, &no_block));
   const VkWriteDescriptorSetInlineUniformBlock short_block = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
      .dataSize = 2,
      .pData = (const uint8_t[4]){1, 1, 1, 1},
   };
   const VkWriteDescriptorSet short_write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .pNext = &short_block,
      .dstBinding = 11,
      .descriptorCount = 4,
      .descriptorType = INLINE,
   };
   assert_false(kr_descriptor_record_write(&r, &short_write));
   /* Copies: a source or destination range the layout does not have, inline to descriptor. */
   assert_false(copy_descriptors(&r, &snapshot, 8, 3, 8, 0, 2 + 10));
   assert_false(copy_descriptors(&r, &snapshot, 8, 0, 12, 0, 2));
   assert_false(copy_descriptors(&r, &snapshot, 13, 0, 8, 0, 1));
   assert_false(copy_descriptors(&r, &snapshot, 8, 0, 13, 0, 1));
   assert_false(copy_descriptors(&r, &snapshot, 11, 0, 8, 0, 1));
   assert_false(copy_descriptors(&r, &snapshot, 8, 0, 11, 0, 1));
   assert_false(copy_descriptors(&r, &snapshot, 11, 8, 11, 0, 9));

   expect_same(&r, &snapshot);
   assert_true(kr_descriptor_record_hash(&r) == hash);
   kr_descriptor_record_finish(&r, NULL);
   kr_descriptor_record_finish(&snapshot, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- copies ----------------------------------------------------------------------------------- */

static void
copies_move_descriptors_as_writes_would(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct kr_descriptor_record src = make_record(&m);
   const VkDescriptorBufferInfo buffers[4] = {
      {BUF(0x100), 0, 16}, {BUF(0x101), 16, 32}, {BUF(0x102), 32, VK_WHOLE_SIZE},
      {BUF(0x103), 48, 64}};
   const VkDescriptorImageInfo images[2] = {
      {SAMP(0x300), IVIEW(0x200), VK_IMAGE_LAYOUT_GENERAL},
      {SAMP(0x301), IVIEW(0x201), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL}};
   const uint8_t bytes[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
   assert_true(write_buffers(&src, 8, 0, SB, buffers, 4));
   assert_true(write_images(&src, 1, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, images, 2));
   assert_true(write_images(&src, 3, 0, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, images, 2));
   assert_true(write_inline(&src, 11, 0, bytes, 16));

   /* A whole binding. */
   struct kr_descriptor_record dst = make_record(&m), want = make_record(&m);
   assert_true(copy_descriptors(&dst, &src, 8, 0, 8, 0, 4));
   assert_true(write_buffers(&want, 8, 0, SB, buffers, 4));
   expect_same(&dst, &want);
   /* A slice, to another place. */
   struct kr_descriptor_record slice = make_record(&m), slice_want = make_record(&m);
   assert_true(copy_descriptors(&slice, &src, 8, 1, 8, 2, 2));
   assert_true(write_buffers(&slice_want, 8, 2, SB, &buffers[1], 2));
   expect_same(&slice, &slice_want);
   /* Over what was written: the copy wins, the rest stays. */
   assert_true(write_buffers(&slice, 8, 0, SB, buffers, 4));
   assert_true(copy_descriptors(&slice, &src, 8, 3, 8, 0, 1));
   const VkDescriptorBufferInfo mixed[4] = {buffers[3], buffers[1], buffers[2], buffers[3]};
   struct kr_descriptor_record mixed_want = make_record(&m);
   assert_true(write_buffers(&mixed_want, 8, 0, SB, mixed, 4));
   expect_same(&slice, &mixed_want);
   /* Within one record (ranges apart). */
   struct kr_descriptor_record self = make_record(&m);
   assert_true(write_buffers(&self, 8, 0, SB, buffers, 2));
   assert_true(copy_descriptors(&self, &self, 8, 0, 8, 2, 2));
   const VkDescriptorBufferInfo twice[4] = {buffers[0], buffers[1], buffers[0], buffers[1]};
   struct kr_descriptor_record self_want = make_record(&m);
   assert_true(write_buffers(&self_want, 8, 0, SB, twice, 4));
   expect_same(&self, &self_want);
   /* Into a combined image sampler binding with immutable samplers: its samplers are the
    * layout's, the source's sampler is not kept. */
   struct kr_descriptor_record imm = make_record(&m), imm_want = make_record(&m);
   assert_true(copy_descriptors(&imm, &src, 1, 0, 2, 0, 2));
   const VkDescriptorImageInfo other_samplers[2] = {
      {SAMP(0x777), IVIEW(0x200), VK_IMAGE_LAYOUT_GENERAL},
      {SAMP(0x778), IVIEW(0x201), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL}};
   assert_true(write_images(&imm_want, 2, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                            other_samplers, 2));
   expect_same(&imm, &imm_want);
   assert_int_equal(imm.descriptors[4].sampler, 0);
   assert_int_equal(imm.descriptors[4].object, 0x200);
   /* Inline bytes, a slice to another offset. */
   struct kr_descriptor_record bytes_dst = make_record(&m), bytes_want = make_record(&m);
   assert_true(copy_descriptors(&bytes_dst, &src, 11, 4, 11, 8, 8));
   assert_true(write_inline(&bytes_want, 11, 8, bytes + 4, 8));
   expect_same(&bytes_dst, &bytes_want);
   /* Never-written source elements copy as never written. */
   struct kr_descriptor_record blank = make_record(&m);
   assert_true(write_buffers(&blank, 7, 0, UB, buffers, 2));
   struct kr_descriptor_record unwritten_src = make_record(&m);
   assert_true(copy_descriptors(&blank, &unwritten_src, 7, 0, 7, 0, 2));
   struct kr_descriptor_record empty = make_record(&m);
   expect_same(&blank, &empty);

   struct kr_descriptor_record *all[] = {&src, &dst, &want, &slice, &slice_want, &mixed_want,
                                         &self, &self_want, &imm, &imm_want, &bytes_dst,
                                         &bytes_want, &blank, &unwritten_src, &empty};
   for (size_t i = 0; i < ARRAY_SIZE(all); i++)
      kr_descriptor_record_finish(all[i], NULL);
   kr_set_layout_model_finish(&m, NULL);
}

static void
copies_follow_the_consecutive_binding_rule(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(consecutive_bindings, ARRAY_SIZE(consecutive_bindings));
   struct kr_descriptor_record src = make_record(&m), dst = make_record(&m),
                               want = make_record(&m);
   VkDescriptorBufferInfo infos[6];
   for (uint32_t i = 0; i < 6; i++)
      infos[i] = (VkDescriptorBufferInfo){BUF(0x200 + i), i, 4};
   assert_true(write_buffers(&src, 0, 0, SB, infos, 6)); /* b0[0..1], b2[0..2], b4[0] */
   /* From b4[0], four: past the record's end, refused (nothing copied). */
   assert_false(copy_descriptors(&dst, &src, 4, 0, 0, 0, 4));
   assert_false(copy_descriptors(&dst, &src, 0, 0, 4, 0, 4));
   struct kr_descriptor_record empty = make_record(&m);
   expect_same(&dst, &empty);
   kr_descriptor_record_finish(&empty, NULL);
   /* From b0[1], four, to b0[0]: b0[1], b2[0..2] into b0[0..1], b2[0..1]. */
   assert_true(copy_descriptors(&dst, &src, 0, 1, 0, 0, 4));
   assert_true(write_buffers(&want, 0, 0, SB, &infos[1], 4));
   expect_same(&dst, &want);
   kr_descriptor_record_finish(&src, NULL);
   kr_descriptor_record_finish(&dst, NULL);
   kr_descriptor_record_finish(&want, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- template updates ------------------------------------------------------------------------- */

struct template_data {
   uint32_t pad;
   VkDescriptorBufferInfo buffers[3];
   uint8_t junk[8];
   struct {
      VkDescriptorImageInfo image;
      uint64_t extra;
   } images[2];
   VkBufferView views[2];
   uint8_t bytes[8];
   VkDescriptorBufferInfo every_other[10];
};

static void
template_updates_equal_the_same_writes(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct template_data data;
   memset(&data, 0xA5, sizeof(data));
   for (uint32_t i = 0; i < 3; i++)
      data.buffers[i] = (VkDescriptorBufferInfo){BUF(0x100 + i), 16 * i, 64};
   data.buffers[2].range = VK_WHOLE_SIZE;
   data.images[0].image = (VkDescriptorImageInfo){SAMP(0x300), IVIEW(0x200),
                                                  VK_IMAGE_LAYOUT_GENERAL};
   data.images[1].image = (VkDescriptorImageInfo){SAMP(0x301), IVIEW(0x201),
                                                  VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
   data.views[0] = BVIEW(0x400);
   data.views[1] = BVIEW(0x401);
   for (uint32_t i = 0; i < 8; i++)
      data.bytes[i] = (uint8_t)(0x10 + i);

   const VkDescriptorUpdateTemplateEntry entries[] = {
      {8, 1, 3, SB, offsetof(struct template_data, buffers), sizeof(VkDescriptorBufferInfo)},
      {1, 0, 2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
       offsetof(struct template_data, images), sizeof(data.images[0])},
      {3, 1, 2, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, offsetof(struct template_data, images),
       sizeof(data.images[0])},
      {5, 0, 2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, offsetof(struct template_data, views),
       sizeof(VkBufferView)},
      {11, 4, 8, INLINE, offsetof(struct template_data, bytes), 0},
      /* Stride 0: every element from the same info. */
      {7, 0, 2, UB, offsetof(struct template_data, buffers) + sizeof(VkDescriptorBufferInfo), 0},
   };
   struct kr_descriptor_record t = make_record(&m), w = make_record(&m);
   assert_true(kr_descriptor_record_apply_template(&t, ARRAY_SIZE(entries), entries, &data));

   assert_true(write_buffers(&w, 8, 1, SB, data.buffers, 3));
   const VkDescriptorImageInfo images[2] = {data.images[0].image, data.images[1].image};
   assert_true(write_images(&w, 1, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, images, 2));
   assert_true(write_images(&w, 3, 1, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, images, 2));
   assert_true(write_texels(&w, 5, 0, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, data.views, 2));
   assert_true(write_inline(&w, 11, 4, data.bytes, 8));
   const VkDescriptorBufferInfo same[2] = {data.buffers[1], data.buffers[1]};
   assert_true(write_buffers(&w, 7, 0, UB, same, 2));
   expect_same(&t, &w);

   /* One entry the layout does not have: refused, the others applied. */
   const VkDescriptorUpdateTemplateEntry with_bad[] = {
      entries[0],
      {8, 5, 1, SB, offsetof(struct template_data, buffers), sizeof(VkDescriptorBufferInfo)},
      {13, 0, 1, SB, offsetof(struct template_data, buffers), sizeof(VkDescriptorBufferInfo)},
   };
   struct kr_descriptor_record p = make_record(&m), p_want = make_record(&m);
   assert_false(kr_descriptor_record_apply_template(&p, ARRAY_SIZE(with_bad), with_bad, &data));
   assert_true(write_buffers(&p_want, 8, 1, SB, data.buffers, 3));
   expect_same(&p, &p_want);
   /* Only bad entries: nothing changes. */
   struct kr_descriptor_record q = make_record(&m), empty = make_record(&m);
   assert_false(kr_descriptor_record_apply_template(&q, 2, &with_bad[1], &data));
   expect_same(&q, &empty);
   kr_descriptor_record_finish(&t, NULL);
   kr_descriptor_record_finish(&w, NULL);
   kr_descriptor_record_finish(&p, NULL);
   kr_descriptor_record_finish(&p_want, NULL);
   kr_descriptor_record_finish(&q, NULL);
   kr_descriptor_record_finish(&empty, NULL);
   kr_set_layout_model_finish(&m, NULL);

   /* The consecutive-binding rule in a template, reading every other info. */
   struct kr_set_layout_model c =
      make_model(consecutive_bindings, ARRAY_SIZE(consecutive_bindings));
   for (uint32_t i = 0; i < 10; i++)
      data.every_other[i] = (VkDescriptorBufferInfo){BUF(0x500 + i), i, 8};
   const VkDescriptorUpdateTemplateEntry run = {
      0, 1, 5, SB, offsetof(struct template_data, every_other),
      2 * sizeof(VkDescriptorBufferInfo)};
   struct kr_descriptor_record ct = make_record(&c), cw = make_record(&c);
   assert_true(kr_descriptor_record_apply_template(&ct, 1, &run, &data));
   const VkDescriptorBufferInfo picked[5] = {data.every_other[0], data.every_other[2],
                                             data.every_other[4], data.every_other[6],
                                             data.every_other[8]};
   assert_true(write_buffers(&cw, 0, 1, SB, picked, 5));
   expect_same(&ct, &cw);
   kr_descriptor_record_finish(&ct, NULL);
   kr_descriptor_record_finish(&cw, NULL);
   kr_set_layout_model_finish(&c, NULL);
}

/* --- vendor writes built from content --------------------------------------------------------- */

struct write_arrays {
   struct kr_descriptor_write_sizes sizes;
   struct kr_descriptor_write_arrays arrays;
   uint32_t count;
};

/* Arrays of exactly the sizes asked for (so an overrun is a sanitizer's error). */
static struct write_arrays
build_writes(const struct kr_descriptor_record *r, VkDescriptorSet vendor_set)
{
   struct write_arrays w;
   kr_descriptor_content_write_sizes(r->model, r->descriptors, &w.sizes);
   w.arrays = (struct kr_descriptor_write_arrays){
      .writes = calloc(w.sizes.writes + 1, sizeof(VkWriteDescriptorSet)),
      .buffer_infos = calloc(w.sizes.buffer_infos + 1, sizeof(VkDescriptorBufferInfo)),
      .image_infos = calloc(w.sizes.image_infos + 1, sizeof(VkDescriptorImageInfo)),
      .texel_views = calloc(w.sizes.texel_views + 1, sizeof(VkBufferView)),
      .inline_blocks =
         calloc(w.sizes.inline_blocks + 1, sizeof(VkWriteDescriptorSetInlineUniformBlock)),
   };
   /* One spare element each, marked, to see nothing is written past the sizes. */
   memset(&w.arrays.writes[w.sizes.writes], 0xCD, sizeof(VkWriteDescriptorSet));
   memset(&w.arrays.buffer_infos[w.sizes.buffer_infos], 0xCD, sizeof(VkDescriptorBufferInfo));
   memset(&w.arrays.image_infos[w.sizes.image_infos], 0xCD, sizeof(VkDescriptorImageInfo));
   memset(&w.arrays.texel_views[w.sizes.texel_views], 0xCD, sizeof(VkBufferView));
   memset(&w.arrays.inline_blocks[w.sizes.inline_blocks], 0xCD,
          sizeof(VkWriteDescriptorSetInlineUniformBlock));
   w.count = kr_descriptor_content_to_writes(r->model, r->descriptors, r->inline_bytes,
                                             vendor_set, &w.arrays);
   assert_int_equal(w.count, w.sizes.writes);
   const uint8_t *spare = (const uint8_t *)&w.arrays.writes[w.sizes.writes];
   for (size_t i = 0; i < sizeof(VkWriteDescriptorSet); i++)
      assert_int_equal(spare[i], 0xCD);
   spare = (const uint8_t *)&w.arrays.buffer_infos[w.sizes.buffer_infos];
   for (size_t i = 0; i < sizeof(VkDescriptorBufferInfo); i++)
      assert_int_equal(spare[i], 0xCD);
   spare = (const uint8_t *)&w.arrays.image_infos[w.sizes.image_infos];
   for (size_t i = 0; i < sizeof(VkDescriptorImageInfo); i++)
      assert_int_equal(spare[i], 0xCD);

   /* Each write names the vendor set and its binding's type, and covers written elements
    * only; the infos used add up to the sizes. */
   uint32_t buffer_infos = 0, image_infos = 0, texel_views = 0, inline_blocks = 0;
   for (uint32_t i = 0; i < w.count; i++) {
      const VkWriteDescriptorSet *x = &w.arrays.writes[i];
      assert_int_equal(x->sType, VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
      assert_ptr_equal(x->dstSet, vendor_set);
      const struct kr_binding_model *b = kr_set_layout_model_binding(r->model, x->dstBinding);
      assert_non_null(b);
      assert_int_equal(x->descriptorType, b->type);
      assert_true(x->descriptorCount > 0);
      assert_true(x->dstArrayElement + x->descriptorCount <= b->count);
      if (b->type == INLINE) {
         const VkWriteDescriptorSetInlineUniformBlock *block = x->pNext;
         assert_non_null(block);
         assert_int_equal(block->sType,
                          VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK);
         assert_int_equal(x->dstArrayElement, 0);
         assert_int_equal(block->dataSize, b->count);
         assert_int_equal(x->descriptorCount, b->count);
         inline_blocks++;
         continue;
      }
      for (uint32_t e = 0; e < x->descriptorCount; e++)
         assert_true(r->descriptors[b->first + x->dstArrayElement + e].state != 0);
      switch (b->type) {
      case VK_DESCRIPTOR_TYPE_SAMPLER:
      case VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER:
      case VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE:
      case VK_DESCRIPTOR_TYPE_STORAGE_IMAGE:
         assert_non_null(x->pImageInfo);
         image_infos += x->descriptorCount;
         break;
      case VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER:
      case VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER:
         assert_non_null(x->pTexelBufferView);
         texel_views += x->descriptorCount;
         break;
      default:
         assert_non_null(x->pBufferInfo);
         buffer_infos += x->descriptorCount;
         break;
      }
   }
   assert_int_equal(buffer_infos, w.sizes.buffer_infos);
   assert_int_equal(image_infos, w.sizes.image_infos);
   assert_int_equal(texel_views, w.sizes.texel_views);
   assert_int_equal(inline_blocks, w.sizes.inline_blocks);
   return w;
}

static void
free_writes(struct write_arrays *w)
{
   free(w->arrays.writes);
   free(w->arrays.buffer_infos);
   free(w->arrays.image_infos);
   free(w->arrays.texel_views);
   free(w->arrays.inline_blocks);
}

/* Applies the writes to a fresh record: it must hold the same content. */
static void
expect_round_trip(struct kr_descriptor_record *r, VkDescriptorSet vendor_set)
{
   struct write_arrays w = build_writes(r, vendor_set);
   struct kr_descriptor_record fresh = make_record(r->model);
   for (uint32_t i = 0; i < w.count; i++)
      assert_true(kr_descriptor_record_write(&fresh, &w.arrays.writes[i]));
   expect_same(r, &fresh);
   kr_descriptor_record_finish(&fresh, NULL);
   free_writes(&w);
}

static void
unwritten_elements_give_no_writes(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct kr_descriptor_record r = make_record(&m);
   VkDescriptorSet vendor = (VkDescriptorSet)(uintptr_t)0x5e7;
   /* Nothing written: only the inline block (written whole, zeros). */
   struct write_arrays w = build_writes(&r, vendor);
   assert_int_equal(w.sizes.writes, 1);
   assert_int_equal(w.sizes.inline_blocks, 1);
   assert_int_equal(w.sizes.buffer_infos + w.sizes.image_infos + w.sizes.texel_views, 0);
   assert_int_equal(w.arrays.writes[0].dstBinding, 11);
   const VkWriteDescriptorSetInlineUniformBlock *block = w.arrays.writes[0].pNext;
   const uint8_t zeros[16] = {0};
   assert_memory_equal(block->pData, zeros, 16);
   free_writes(&w);
   expect_round_trip(&r, vendor);

   /* Holes: b8[0] and b8[2..3] are two writes; b3[1] one. */
   const VkDescriptorBufferInfo buffers[3] = {{BUF(0x100), 0, 16}, {BUF(0x101), 0, 16},
                                              {BUF(0x102), 0, 16}};
   assert_true(write_buffers(&r, 8, 0, SB, buffers, 1));
   assert_true(write_buffers(&r, 8, 2, SB, &buffers[1], 2));
   const VkDescriptorImageInfo image = {VK_NULL_HANDLE, IVIEW(0x200), VK_IMAGE_LAYOUT_GENERAL};
   assert_true(write_images(&r, 3, 1, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, &image, 1));
   w = build_writes(&r, vendor);
   assert_int_equal(w.sizes.writes, 4);
   assert_int_equal(w.sizes.buffer_infos, 3);
   assert_int_equal(w.sizes.image_infos, 1);
   uint32_t found = 0;
   for (uint32_t i = 0; i < w.count; i++) {
      const VkWriteDescriptorSet *x = &w.arrays.writes[i];
      if (x->dstBinding == 8 && x->dstArrayElement == 0) {
         assert_int_equal(x->descriptorCount, 1);
         assert_ptr_equal(x->pBufferInfo[0].buffer, BUF(0x100));
         found |= 1;
      } else if (x->dstBinding == 8 && x->dstArrayElement == 2) {
         assert_int_equal(x->descriptorCount, 2);
         assert_ptr_equal(x->pBufferInfo[0].buffer, BUF(0x101));
         assert_ptr_equal(x->pBufferInfo[1].buffer, BUF(0x102));
         found |= 2;
      } else if (x->dstBinding == 3) {
         assert_int_equal(x->dstArrayElement, 1);
         assert_int_equal(x->descriptorCount, 1);
         assert_ptr_equal(x->pImageInfo[0].imageView, IVIEW(0x200));
         assert_int_equal(x->pImageInfo[0].imageLayout, VK_IMAGE_LAYOUT_GENERAL);
         found |= 4;
      } else {
         assert_int_equal(x->dstBinding, 11);
         found |= 8;
      }
   }
   assert_int_equal(found, 15);
   free_writes(&w);
   expect_round_trip(&r, vendor);
   /* A sampler binding with immutable samplers is the vendor layout's: even written (the
    * record takes it), it gives no vendor write. */
   struct kr_descriptor_record s = make_record(&m);
   const VkDescriptorImageInfo sampler = {SAMP(0x300), VK_NULL_HANDLE, 0};
   assert_true(write_images(&s, 12, 0, VK_DESCRIPTOR_TYPE_SAMPLER, &sampler, 1));
   assert_int_equal(s.descriptors[25].sampler, 0);
   w = build_writes(&s, vendor);
   assert_int_equal(w.sizes.writes, 1); /* the inline block only */
   assert_int_equal(w.sizes.image_infos, 0);
   free_writes(&w);
   kr_descriptor_record_finish(&s, NULL);
   kr_descriptor_record_finish(&r, NULL);
   kr_set_layout_model_finish(&m, NULL);

   /* A layout without inline blocks and nothing written: no writes at all. */
   struct kr_set_layout_model c =
      make_model(consecutive_bindings, ARRAY_SIZE(consecutive_bindings));
   struct kr_descriptor_record e = make_record(&c);
   struct kr_descriptor_write_sizes sizes;
   kr_descriptor_content_write_sizes(&c, e.descriptors, &sizes);
   assert_int_equal(sizes.writes, 0);
   kr_descriptor_record_finish(&e, NULL);
   kr_set_layout_model_finish(&c, NULL);
}

/* Random content over every type: the writes built from it give it back. */
static void
writes_from_content_round_trip(void **state)
{
   (void)state;
   const uint64_t seed = 0x10D35C;
   print_message("seed %#llx\n", (unsigned long long)seed);
   struct test_random rng;
   test_random_seed(&rng, seed);
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   uint64_t total_writes = 0;
   for (int round = 0; round < 500; round++) {
      struct kr_descriptor_record r = make_record(&m);
      uint32_t updates = (uint32_t)(test_random_next(&rng) % 12);
      for (uint32_t u = 0; u < updates; u++) {
         /* Any binding but the immutable sampler (not writable). */
         uint32_t binding = (uint32_t)(test_random_next(&rng) % 12);
         const struct kr_binding_model *b = kr_set_layout_model_binding(&m, binding);
         uint32_t element = (uint32_t)(test_random_next(&rng) % b->count);
         uint32_t count = 1 + (uint32_t)(test_random_next(&rng) % (b->count - element));
         if (b->type == INLINE) {
            uint8_t bytes[16];
            test_random_fill(&rng, bytes, sizeof(bytes));
            assert_true(write_inline(&r, binding, element, bytes, count));
            continue;
         }
         VkDescriptorImageInfo images[4];
         VkDescriptorBufferInfo buffers[4];
         VkBufferView views[4];
         for (uint32_t i = 0; i < 4; i++) {
            uint64_t x = test_random_next(&rng);
            VkImageLayout layout = (x >> 4) & 1 ? VK_IMAGE_LAYOUT_GENERAL
                                                : VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
            images[i] = (VkDescriptorImageInfo){SAMP(0x300 + (x & 3)),
                                                IVIEW(0x200 + ((x >> 2) & 3)), layout};
            buffers[i] = (VkDescriptorBufferInfo){(x >> 5) & 7 ? BUF(0x100 + ((x >> 8) & 3))
                                                               : VK_NULL_HANDLE,
                                                  ((x >> 10) & 3) * 64,
                                                  (x >> 12) & 1 ? VK_WHOLE_SIZE : 64};
            views[i] = BVIEW(0x400 + ((x >> 13) & 3));
         }
         const VkWriteDescriptorSet w = {
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstBinding = binding,
            .dstArrayElement = element,
            .descriptorCount = count,
            .descriptorType = b->type,
            .pImageInfo = images,
            .pBufferInfo = buffers,
            .pTexelBufferView = views,
         };
         assert_true(kr_descriptor_record_write(&r, &w));
      }
      struct write_arrays w = build_writes(&r, (VkDescriptorSet)(uintptr_t)(0x1000 + round));
      total_writes += w.count;
      free_writes(&w);
      expect_round_trip(&r, (VkDescriptorSet)(uintptr_t)(0x1000 + round));
      kr_descriptor_record_finish(&r, NULL);
   }
   assert_true(total_writes > 1000);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- the objects content names ---------------------------------------------------------------- */

static void
collect(void *context, uint64_t handle)
{
   uint64_t *list = context;
   list[1 + list[0]++] = handle;
}

static int
compare_u64(const void *a, const void *b)
{
   uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
   return x < y ? -1 : x > y;
}

static void
content_names_its_objects(void **state)
{
   (void)state;
   struct kr_set_layout_model m =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   struct kr_descriptor_record r = make_record(&m);
   uint64_t list[64] = {0};
   kr_descriptor_content_objects(&m, r.descriptors, collect, list);
   assert_int_equal(list[0], 0);

   const VkDescriptorImageInfo image = {SAMP(0x300), IVIEW(0x200), VK_IMAGE_LAYOUT_GENERAL};
   const VkDescriptorImageInfo image2 = {SAMP(0x301), IVIEW(0x201), VK_IMAGE_LAYOUT_GENERAL};
   const VkDescriptorBufferInfo buffers[2] = {{BUF(0x100), 0, 16}, {VK_NULL_HANDLE, 0, 16}};
   const VkBufferView view = BVIEW(0x400);
   assert_true(write_images(&r, 0, 0, VK_DESCRIPTOR_TYPE_SAMPLER, &image, 1));
   assert_true(write_images(&r, 1, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &image2, 1));
   assert_true(write_images(&r, 2, 0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &image, 1));
   assert_true(write_images(&r, 4, 0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, &image, 1));
   assert_true(write_buffers(&r, 8, 0, SB, buffers, 2));
   assert_true(write_texels(&r, 6, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, &view, 1));
   kr_descriptor_content_objects(&m, r.descriptors, collect, list);
   /* b0: sampler 0x300; b1: 0x201 + 0x301; b2 (immutable): view 0x200 only; b4: view 0x200;
    * b6: 0x400; b8: 0x100 (the null buffer names nothing). */
   static const uint64_t expected[] = {0x100, 0x200, 0x200, 0x201, 0x300, 0x301, 0x400};
   assert_int_equal(list[0], ARRAY_SIZE(expected));
   qsort(&list[1], list[0], sizeof(uint64_t), compare_u64);
   assert_memory_equal(&list[1], expected, sizeof(expected));
   kr_descriptor_record_finish(&r, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- reopened records (a freed set's content kept for the next set of its layout) ----------- */

/* Every type Kronos models except inline blocks (records with inline bytes are not reopened):
 * flat b0 0-1 samplers, b1 2-3 combined (b2 immutable: 4-5), b3 6-7 storage images, b4 8-9
 * texel buffers, b5 10-12 storage buffers, b6 13-14 dynamic uniform buffers. */
static const VkDescriptorSetLayoutBinding reopen_bindings[] = {
   {0, VK_DESCRIPTOR_TYPE_SAMPLER, 2, STAGE, NULL},
   {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2, STAGE, NULL},
   {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2, STAGE, immutable_samplers},
   {3, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 2, STAGE, NULL},
   {4, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 2, STAGE, NULL},
   {5, SB, 3, STAGE, NULL},
   {6, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 2, STAGE, NULL},
};

/* One random update of the reopen layout into both records: a write of one to three elements
 * of a random binding (handles from a small set, so rewrites often store the same value), or
 * a copy within each record. */
static void
random_update(struct test_random *rnd, struct kr_descriptor_record *a,
              struct kr_descriptor_record *b)
{
   const VkDescriptorSetLayoutBinding *lb =
      &reopen_bindings[test_random_next(rnd) % ARRAY_SIZE(reopen_bindings)];
   uint32_t element = (uint32_t)(test_random_next(rnd) % lb->descriptorCount);
   uint32_t count = 1 + (uint32_t)(test_random_next(rnd) % (lb->descriptorCount - element));
   uint64_t pick = test_random_next(rnd);
   if (pick % 8 == 0) {
      const VkDescriptorSetLayoutBinding *from = &reopen_bindings[5]; /* storage buffers */
      if (lb->descriptorType != SB)
         return;
      uint32_t src = (uint32_t)(pick / 8 % from->descriptorCount);
      assert_true(copy_descriptors(a, a, 5, src, 5, element, 1));
      assert_true(copy_descriptors(b, b, 5, src, 5, element, 1));
      return;
   }
   VkDescriptorImageInfo images[3];
   VkDescriptorBufferInfo buffers[3];
   VkBufferView views[3];
   for (uint32_t i = 0; i < 3; i++) {
      uint64_t v = test_random_next(rnd);
      images[i] = (VkDescriptorImageInfo){SAMP(0x300 + v % 3), IVIEW(0x200 + v / 3 % 3),
                                          VK_IMAGE_LAYOUT_GENERAL};
      buffers[i] = (VkDescriptorBufferInfo){BUF(0x100 + v % 3), v / 3 % 2 * 64,
                                            v / 6 % 2 ? VK_WHOLE_SIZE : 64};
      views[i] = BVIEW(0x400 + v % 3);
   }
   VkDescriptorType type = lb->descriptorType;
   if (type == SB || type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC) {
      assert_true(write_buffers(a, lb->binding, element, type, buffers, count));
      assert_true(write_buffers(b, lb->binding, element, type, buffers, count));
   } else if (type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER) {
      assert_true(write_texels(a, lb->binding, element, type, views, count));
      assert_true(write_texels(b, lb->binding, element, type, views, count));
   } else {
      assert_true(write_images(a, lb->binding, element, type, images, count));
      assert_true(write_images(b, lb->binding, element, type, images, count));
   }
}

/* A reopened record, once settled, is the record a fresh set would be after the same updates:
 * the same content and hash, whatever the set before it held and whichever descriptors the new
 * set writes again. Unsettled, it still holds the earlier content (the cache link's fast path
 * stays right until then: settling happens before any read). A rewrite of the same values
 * leaves a clean record clean. */
static void
reopened_records_settle_to_what_fresh_ones_hold(void **state)
{
   (void)state;
   struct kr_set_layout_model m = make_model(reopen_bindings, ARRAY_SIZE(reopen_bindings));
   assert_true(kr_descriptor_record_can_reopen(&m));
   struct kr_set_layout_model with_inline =
      make_model(every_type_bindings, ARRAY_SIZE(every_type_bindings));
   assert_false(kr_descriptor_record_can_reopen(&with_inline));
   kr_set_layout_model_finish(&with_inline, NULL);

   size_t size = kr_descriptor_record_storage_size(&m);
   assert_int_equal(size, sizeof(struct kr_descriptor) * 15 + sizeof(uint64_t));
   void *storage = calloc(1, size);
   assert_non_null(storage);
   struct test_random rnd;
   test_random_seed(&rnd, 0x5e7ull);
   for (uint32_t round = 0; round < 2000; round++) {
      /* The earlier set's life: random updates into a record and a scratch twin. */
      struct kr_descriptor_record kept, twin = make_record(&m);
      kr_descriptor_record_init_at(&kept, &m, storage);
      uint32_t updates = (uint32_t)(test_random_next(&rnd) % 12);
      for (uint32_t u = 0; u < updates; u++)
         random_update(&rnd, &kept, &twin);
      uint64_t before = kr_descriptor_record_hash(&kept);
      expect_same(&kept, &twin);

      /* The next set: reopened, against a fresh record taking the same updates. */
      struct kr_descriptor_record fresh = make_record(&m);
      kr_descriptor_record_reopen(&kept);
      updates = (uint32_t)(test_random_next(&rnd) % 12);
      for (uint32_t u = 0; u < updates; u++)
         random_update(&rnd, &kept, &fresh);
      /* Not settled yet: the earlier content's hash still holds where nothing changed. */
      if (!kept.dirty)
         assert_true(kr_descriptor_record_hash(&kept) == before);
      kr_descriptor_record_settle(&kept);
      assert_false(kept.reopened);
      expect_same(&kept, &fresh);
      assert_true(kr_descriptor_record_hash(&kept) ==
                  kr_descriptor_content_hash(&m, kept.descriptors, kept.inline_bytes));
      kr_descriptor_record_settle(&kept); /* settling again changes nothing */
      expect_same(&kept, &fresh);
      kr_descriptor_record_finish(&fresh, NULL);
      kr_descriptor_record_finish(&twin, NULL);
      memset(storage, 0, size);
   }

   /* Written again with exactly what it held: clean, same hash, nothing cleared. */
   struct kr_descriptor_record r;
   kr_descriptor_record_init_at(&r, &m, storage);
   const VkDescriptorBufferInfo buffers[3] = {
      {BUF(0x100), 0, 16}, {BUF(0x101), 16, VK_WHOLE_SIZE}, {BUF(0x102), 0, 8}};
   assert_true(write_buffers(&r, 5, 0, SB, buffers, 3));
   assert_true(write_buffers(&r, 6, 0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, buffers, 2));
   uint64_t h = kr_descriptor_record_hash(&r);
   kr_descriptor_record_reopen(&r);
   assert_true(write_buffers(&r, 6, 0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, buffers, 2));
   assert_true(write_buffers(&r, 5, 0, SB, buffers, 3));
   kr_descriptor_record_settle(&r);
   assert_false(r.dirty);
   assert_true(kr_descriptor_record_hash(&r) == h);

   /* Written again without one element: that element is unwritten once settled, and the
    * record is dirty. */
   kr_descriptor_record_reopen(&r);
   assert_true(write_buffers(&r, 6, 0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, buffers, 2));
   assert_true(write_buffers(&r, 5, 0, SB, buffers, 2));
   assert_false(r.dirty);
   assert_true(r.descriptors[12].state != 0);
   kr_descriptor_record_settle(&r);
   assert_true(r.dirty);
   assert_int_equal(r.descriptors[12].state, 0);
   assert_int_equal(r.descriptors[12].object, 0);
   assert_true(kr_descriptor_record_hash(&r) != h);

   /* Never written after the reopen: every descriptor unwritten, the empty record's hash. A
    * copy of an unwritten element of an immutable-sampler binding left its sampler (state 0)
    * in b1's element 0: cleared too, as a fresh record has zeros there. */
   struct kr_descriptor_record empty = make_record(&m);
   assert_true(copy_descriptors(&r, &r, 2, 0, 1, 0, 1));
   assert_true(r.descriptors[2].state == 0 && r.descriptors[2].sampler != 0);
   kr_descriptor_record_reopen(&r);
   kr_descriptor_record_settle(&r);
   expect_same(&r, &empty);
   kr_descriptor_record_finish(&empty, NULL);
   free(storage);
   kr_set_layout_model_finish(&m, NULL);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(model_sorts_bindings_and_lays_them_out_flat),
      cmocka_unit_test(model_refuses_what_it_cannot_keep),
      cmocka_unit_test(pool_budget_refuses_exactly_past_a_limit),
      cmocka_unit_test(image_types_keep_only_what_they_use),
      cmocka_unit_test(buffer_types_keep_buffer_offset_and_range),
      cmocka_unit_test(texel_buffer_types_keep_the_view),
      cmocka_unit_test(inline_uniform_blocks_keep_their_bytes),
      cmocka_unit_test(hash_follows_the_content),
      cmocka_unit_test(same_value_updates_leave_the_record_clean),
      cmocka_unit_test(write_runs_into_consecutive_bindings),
      cmocka_unit_test(refused_updates_change_nothing),
      cmocka_unit_test(copies_move_descriptors_as_writes_would),
      cmocka_unit_test(copies_follow_the_consecutive_binding_rule),
      cmocka_unit_test(template_updates_equal_the_same_writes),
      cmocka_unit_test(unwritten_elements_give_no_writes),
      cmocka_unit_test(writes_from_content_round_trip),
      cmocka_unit_test(content_names_its_objects),
      cmocka_unit_test(reopened_records_settle_to_what_fresh_ones_hold),
   };
   return cmocka_run_group_tests_name("descriptor_record", tests, NULL, NULL);
}
