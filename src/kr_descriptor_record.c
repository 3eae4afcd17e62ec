/* SPDX-License-Identifier: MIT */
#include "kr_descriptor_record.h"

#include <string.h>

#include "kr_alloc.h"
#include "kr_util.h"

/* The helpers of one descriptor write: GCC's -O2 heuristics leave several of them out of line
 * (store alone is called from four loops), which doubled a write's cost; a framework writes
 * hundreds of descriptors per dispatch. */
#define KR_HOT_INLINE inline __attribute__((always_inline))

bool
kr_descriptor_record_can_reopen(const struct kr_set_layout_model *model)
{
   return model->descriptor_count > 0 && model->inline_bytes == 0;
}

/* Words of a record's fresh bitmap. */
static uint32_t
fresh_words(const struct kr_set_layout_model *model)
{
   return (model->descriptor_count + 63) / 64;
}

VkResult
kr_descriptor_record_init(struct kr_descriptor_record *record,
                          const struct kr_set_layout_model *model,
                          const VkAllocationCallbacks *alloc)
{
   *record = (struct kr_descriptor_record){.model = model, .dirty = true, .inline_changed = true};
   if (model->descriptor_count) {
      record->descriptors = kr_zalloc(alloc, sizeof(struct kr_descriptor) *
                                                model->descriptor_count,
                                      8, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (!record->descriptors)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   if (model->inline_bytes) {
      record->inline_bytes = kr_zalloc(alloc, model->inline_bytes, 8,
                                       VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (!record->inline_bytes)
         goto fail;
   }
   if (kr_descriptor_record_can_reopen(model)) {
      record->fresh = kr_zalloc(alloc, fresh_words(model) * sizeof(uint64_t), 8,
                                VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (!record->fresh)
         goto fail;
   }
   return VK_SUCCESS;
fail:
   kr_descriptor_record_finish(record, alloc);
   return VK_ERROR_OUT_OF_HOST_MEMORY;
}

void
kr_descriptor_record_finish(struct kr_descriptor_record *record,
                            const VkAllocationCallbacks *alloc)
{
   kr_free(alloc, record->descriptors);
   kr_free(alloc, record->inline_bytes);
   kr_free(alloc, record->fresh);
   record->descriptors = NULL;
   record->inline_bytes = NULL;
   record->fresh = NULL;
}

/* A 64-bit multiply-rotate hash over whole words (struct kr_descriptor has no padding). */
#define HASH_K1 0x9E3779B97F4A7C15ull
#define HASH_K2 0xC2B2AE3D27D4EB4Full

static inline uint64_t
rotl64(uint64_t x, unsigned r)
{
   return (x << r) | (x >> (64 - r));
}

static uint64_t
hash_words(uint64_t h, const void *data, size_t bytes)
{
   const uint8_t *p = data;
   size_t i = 0;
   for (; i + 8 <= bytes; i += 8) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      h = rotl64(h ^ (w * HASH_K2), 31) * HASH_K1;
   }
   if (i < bytes) {
      uint64_t w = 0;
      memcpy(&w, p + i, bytes - i);
      h = rotl64(h ^ (w * HASH_K2), 31) * HASH_K1;
   }
   return h;
}

_Static_assert(sizeof(struct kr_descriptor) == 32, "struct kr_descriptor has padding");


static inline uint64_t
fmix64(uint64_t h)
{
   h ^= h >> 33;
   h *= 0xFF51AFD7ED558CCDull;
   h ^= h >> 33;
   h *= 0xC4CEB9FE1A85EC53ull;
   h ^= h >> 33;
   return h;
}

/* One descriptor's share of the content hash: 0 for an unwritten one. Each field is multiplied
 * by its own odd constant (independent multiplies, no chain), then mixed once. */
static KR_HOT_INLINE uint64_t
slot_hash(uint32_t index, const struct kr_descriptor *d)
{
   if (!d->state)
      return 0;
   uint64_t h = d->object * HASH_K1;
   h ^= rotl64(d->offset * HASH_K2, 21); /* or the sampler: one word (kr_descriptor) */
   h ^= rotl64(d->range * 0xD6E8FEB86659FD93ull, 7);
   h ^= rotl64((((uint64_t)d->layout << 32) | d->state) * 0x27D4EB2F165667C5ull, 53);
   h ^= (uint64_t)(index + 1u) * 0x94D049BB133111EBull;
   /* One multiply of mixing is enough here: the sum is mixed again (combine), and a collision
    * only costs a comparison. */
   h ^= h >> 29;
   h *= 0xBF58476D1CE4E5B9ull;
   return h ^ (h >> 32);
}

static KR_HOT_INLINE bool
same_descriptor(const struct kr_descriptor *a, const struct kr_descriptor *b)
{
   /* A first write into a fresh set differs in state; a rewrite usually matches in every field
    * or differs in one: the rest is compared without branches. */
   if (a->state != b->state)
      return false;
   return ((a->object ^ b->object) | (a->offset ^ b->offset) | (a->range ^ b->range) |
           (uint64_t)(a->layout ^ b->layout)) == 0;
}

/* Every change of a descriptor goes through here, keeping the hash up to date. Storing the
 * value a descriptor already holds changes nothing (hash, dirty): re-binding a set rewritten
 * with its own content then takes the cache's fast path. Returns whether it changed. */
static KR_HOT_INLINE bool
store(struct kr_descriptor_record *record, uint32_t index, struct kr_descriptor d)
{
   kr_descriptor_record_mark_fresh(record, index);
   struct kr_descriptor *slot = &record->descriptors[index];
   if (same_descriptor(slot, &d))
      return false;
   record->descriptor_hash += slot_hash(index, &d) - slot_hash(index, slot);
   *slot = d;
   return true;
}

/* Inline bytes, as store: whether they changed. */
static bool
store_bytes(struct kr_descriptor_record *record, uint32_t start, const void *data,
            uint32_t count)
{
   if (memcmp(record->inline_bytes + start, data, count) == 0)
      return false;
   memmove(record->inline_bytes + start, data, count);
   record->inline_changed = true;
   return true;
}

static uint64_t
combine(uint64_t descriptor_hash, uint64_t inline_hash)
{
   return fmix64(descriptor_hash ^ rotl64(inline_hash, 17));
}

size_t
kr_descriptor_record_storage_size(const struct kr_set_layout_model *model)
{
   size_t fresh = kr_descriptor_record_can_reopen(model) ? fresh_words(model) * 8 : 0;
   return sizeof(struct kr_descriptor) * model->descriptor_count +
          kr_align(model->inline_bytes, 8) + fresh;
}

void
kr_descriptor_record_init_at(struct kr_descriptor_record *record,
                             const struct kr_set_layout_model *model, void *storage)
{
   *record = (struct kr_descriptor_record){.model = model, .dirty = true, .inline_changed = true};
   if (model->descriptor_count)
      record->descriptors = storage;
   uint8_t *bytes = (uint8_t *)storage + sizeof(struct kr_descriptor) * model->descriptor_count;
   if (model->inline_bytes)
      record->inline_bytes = bytes;
   if (kr_descriptor_record_can_reopen(model))
      record->fresh = (uint64_t *)(void *)(bytes + kr_align(model->inline_bytes, 8));
}

void
kr_descriptor_record_reopen(struct kr_descriptor_record *record)
{
   memset(record->fresh, 0, fresh_words(record->model) * sizeof(uint64_t));
   record->reopened = true;
   /* Until it settles, its content is not known to be the kept one. */
   atomic_store_explicit(&record->bound_entry, NULL, memory_order_relaxed);
}

void
kr_descriptor_record_settle(struct kr_descriptor_record *record)
{
   if (!record->reopened)
      return;
   record->reopened = false;
   uint32_t count = record->model->descriptor_count, fresh = 0;
   for (uint32_t w = 0; w < fresh_words(record->model); w++)
      fresh += (uint32_t)__builtin_popcountll(record->fresh[w]);
   if (fresh == count)
      return; /* every descriptor stored since the reopen (bits past count are never set) */
   /* Every field, not only state: a copy of an unwritten element of an immutable-sampler
    * binding stores its sampler with state 0, and a fresh record holds zeros there. */
   const struct kr_descriptor zero = {0};
   bool changed = false;
   for (uint32_t i = 0; i < count; i++) {
      if (!(record->fresh[i / 64] & (1ull << (i % 64))) &&
          memcmp(&record->descriptors[i], &zero, sizeof(zero)) != 0)
         changed |= store(record, i, zero);
   }
   if (changed)
      kr_descriptor_record_changed(record);
}

/* A run of `count` descriptors (bytes for inline blocks) from element `element` of a binding,
 * continuing into the following bindings as the consecutive-binding rule says: where it starts
 * in the flat arrays and whether it fits. Bindings with no descriptors take no room, so the run
 * is contiguous. */
struct run {
   const struct kr_binding_model *binding; /* the first binding */
   uint32_t start;
   bool inline_block;
};

static KR_HOT_INLINE bool
find_run(const struct kr_set_layout_model *model, uint32_t binding, uint32_t element,
         uint32_t count, struct run *run)
{
   const struct kr_binding_model *b = kr_set_layout_model_binding(model, binding);
   if (!b)
      return false;
   run->binding = b;
   run->inline_block = b->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK;
   run->start = b->first + element;
   uint64_t end = (uint64_t)run->start + count;
   uint32_t limit = run->inline_block ? model->inline_bytes : model->descriptor_count;
   /* An element past the binding's end with no more room is invalid; so is a run past the
    * record's end. */
   return element <= b->count && end <= limit;
}

bool
kr_descriptor_record_locate(const struct kr_set_layout_model *model, uint32_t binding,
                            uint32_t element, uint32_t count, uint32_t *start,
                            bool *inline_block)
{
   struct run run;
   if (!find_run(model, binding, element, count, &run))
      return false;
   *start = run.start;
   *inline_block = run.inline_block;
   return true;
}

static KR_HOT_INLINE bool
is_image_type(VkDescriptorType type)
{
   return type == VK_DESCRIPTOR_TYPE_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER ||
          type == VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE || type == VK_DESCRIPTOR_TYPE_STORAGE_IMAGE ||
          type == VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT;
}

static KR_HOT_INLINE bool
is_texel_type(VkDescriptorType type)
{
   return type == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER ||
          type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
}

/* The binding that holds flat descriptor index `index`, walking forward from b. */
static KR_HOT_INLINE const struct kr_binding_model *
binding_at(const struct kr_set_layout_model *model, const struct kr_binding_model *b,
           uint32_t index)
{
   const struct kr_binding_model *end = model->bindings + model->binding_count;
   while (b < end && (b->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK ||
                      index >= b->first + b->count))
      b++;
   return b;
}

/* An image descriptor from the application's structure: only what the type uses. */
static KR_HOT_INLINE struct kr_descriptor
from_image(VkDescriptorType type, const VkDescriptorImageInfo *info, bool immutable)
{
   struct kr_descriptor d = {.state = (uint32_t)type + 1};
   if (type == VK_DESCRIPTOR_TYPE_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER) {
      if (!immutable)
         d.sampler = (uint64_t)info->sampler;
   }
   if (type != VK_DESCRIPTOR_TYPE_SAMPLER) {
      d.object = (uint64_t)info->imageView;
      d.layout = (uint32_t)info->imageLayout;
   }
   return d;
}

/* Writes count descriptors of an application array into the run; returns whether any changed
 * (see store). Buffers and texel buffers, the common case, are filled in place without looking
 * at bindings; only images need each descriptor's binding (immutable samplers). */
static KR_HOT_INLINE bool
fill_run(struct kr_descriptor_record *record, const struct run *run, VkDescriptorType type,
         uint32_t count, const void *base, size_t stride)
{
   const uint8_t *at = base;
   uint32_t state = (uint32_t)type + 1;
   bool changed = false;
   if (is_image_type(type)) {
      const struct kr_binding_model *b = run->binding;
      for (uint32_t i = 0; i < count; i++) {
         uint32_t index = run->start + i;
         b = binding_at(record->model, b, index);
         changed |= store(record, index,
                          from_image(type, (const VkDescriptorImageInfo *)(at + stride * i),
                                     b->immutable_samplers));
      }
   } else if (is_texel_type(type)) {
      for (uint32_t i = 0; i < count; i++) {
         const struct kr_descriptor d = {.object = (uint64_t)*(const VkBufferView *)(at + stride * i),
                                         .state = state};
         changed |= store(record, run->start + i, d);
      }
   } else {
      for (uint32_t i = 0; i < count; i++) {
         const VkDescriptorBufferInfo *info = (const VkDescriptorBufferInfo *)(at + stride * i);
         const struct kr_descriptor d = {.object = (uint64_t)info->buffer,
                                         .offset = info->offset,
                                         .range = info->range,
                                         .state = state};
         changed |= store(record, run->start + i, d);
      }
   }
   return changed;
}

static KR_HOT_INLINE size_t
array_stride(VkDescriptorType type)
{
   if (is_image_type(type))
      return sizeof(VkDescriptorImageInfo);
   if (is_texel_type(type))
      return sizeof(VkBufferView);
   return sizeof(VkDescriptorBufferInfo);
}

static KR_HOT_INLINE const void *
write_array(const VkWriteDescriptorSet *write)
{
   if (is_image_type(write->descriptorType))
      return write->pImageInfo;
   if (is_texel_type(write->descriptorType))
      return write->pTexelBufferView;
   return write->pBufferInfo;
}

/* A write other than buffers into buffer bindings: inline bytes, images, texel buffers. Out of
 * line, so the common case below stays small. */
static bool __attribute__((noinline))
write_other(struct kr_descriptor_record *record, const VkWriteDescriptorSet *write,
            const struct run *run)
{
   if (run->inline_block) {
      const VkWriteDescriptorSetInlineUniformBlock *block =
         kr_chain_find(write->pNext, VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK);
      if (!block || block->dataSize < write->descriptorCount)
         return false;
      if (store_bytes(record, run->start, block->pData, write->descriptorCount))
         kr_descriptor_record_changed(record);
      return true;
   }
   if (fill_run(record, run, write->descriptorType, write->descriptorCount, write_array(write),
                array_stride(write->descriptorType)))
      kr_descriptor_record_changed(record);
   return true;
}

/* Any write: a run of descriptors of any type, across bindings. */
static bool __attribute__((noinline))
write_run(struct kr_descriptor_record *record, const VkWriteDescriptorSet *write)
{
   struct run run;
   VkDescriptorType type = write->descriptorType;
   if (kr_descriptor_kind(type) == KR_DESCRIPTOR_KIND_UNKNOWN ||
       !find_run(record->model, write->dstBinding, write->dstArrayElement,
                 write->descriptorCount, &run))
      return false;
   /* Uniform and storage buffers (dynamic or not), the common case, inline here. */
   if (run.inline_block || type < VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER ||
       type > VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC)
      return write_other(record, write, &run);
   const VkDescriptorBufferInfo *info = write->pBufferInfo;
   uint32_t state = (uint32_t)type + 1;
   bool changed = false;
   for (uint32_t i = 0; i < write->descriptorCount; i++) {
      const struct kr_descriptor d = {.object = (uint64_t)info[i].buffer,
                                      .offset = info[i].offset,
                                      .range = info[i].range,
                                      .state = state};
      changed |= store(record, run.start + i, d);
   }
   if (changed)
      kr_descriptor_record_changed(record);
   return true;
}

bool
kr_descriptor_record_write_any(struct kr_descriptor_record *record,
                               const VkWriteDescriptorSet *write)
{
   /* The common case on its own, small enough to need few registers: one buffer descriptor
    * within a binding of its type. The rest, and anything this path would have to refuse,
    * goes the general way. */
   uint32_t index = kr_descriptor_record_buffer_slot(record, write);
   if (index == UINT32_MAX)
      return write_run(record, write);
   const VkDescriptorBufferInfo *info = write->pBufferInfo;
   const struct kr_descriptor d = {.object = (uint64_t)info->buffer,
                                   .offset = info->offset,
                                   .range = info->range,
                                   .state = (uint32_t)write->descriptorType + 1};
   if (store(record, index, d))
      kr_descriptor_record_changed(record);
   return true;
}

struct kr_descriptor
kr_descriptor_record_read(const struct kr_descriptor_record *record, uint32_t index)
{
   struct kr_descriptor d = record->descriptors[index];
   if (!record->model->has_immutable_samplers)
      return d;
   const struct kr_binding_model *b = kr_set_layout_model_binding_of(record->model, index);
   if (b && b->immutable_samplers) {
      d.sampler = b->samplers[index - b->first];
      if (b->type == VK_DESCRIPTOR_TYPE_SAMPLER)
         d.state = VK_DESCRIPTOR_TYPE_SAMPLER + 1;
   }
   return d;
}

bool
kr_descriptor_record_copy(struct kr_descriptor_record *record, struct kr_descriptor_record *src,
                          const VkCopyDescriptorSet *copy)
{
   struct run from, to;
   kr_descriptor_record_settle(src); /* a no-op where the caller settled it under a lock */
   if (!find_run(src->model, copy->srcBinding, copy->srcArrayElement, copy->descriptorCount,
                 &from) ||
       !find_run(record->model, copy->dstBinding, copy->dstArrayElement, copy->descriptorCount,
                 &to) ||
       from.inline_block != to.inline_block)
      return false;
   if (to.inline_block) {
      /* memmove in store_bytes: src may be record itself */
      if (store_bytes(record, to.start, src->inline_bytes + from.start, copy->descriptorCount))
         kr_descriptor_record_changed(record);
      return true;
   }
   const struct kr_binding_model *b = to.binding;
   bool changed = false;
   for (uint32_t i = 0; i < copy->descriptorCount; i++) {
      struct kr_descriptor d = kr_descriptor_record_read(src, from.start + i);
      b = binding_at(record->model, b, to.start + i);
      if (b->immutable_samplers)
         d.sampler = 0; /* the destination's immutable samplers are used */
      changed |= store(record, to.start + i, d);
   }
   if (changed)
      kr_descriptor_record_changed(record);
   return true;
}

bool
kr_descriptor_record_apply_template(struct kr_descriptor_record *record, uint32_t entry_count,
                                    const VkDescriptorUpdateTemplateEntry *entries,
                                    const void *data)
{
   bool ok = true, changed = false;
   for (uint32_t e = 0; e < entry_count; e++) {
      const VkDescriptorUpdateTemplateEntry *entry = &entries[e];
      struct run run;
      if (kr_descriptor_kind(entry->descriptorType) == KR_DESCRIPTOR_KIND_UNKNOWN ||
          !find_run(record->model, entry->dstBinding, entry->dstArrayElement,
                    entry->descriptorCount, &run)) {
         ok = false;
         continue;
      }
      const uint8_t *base = (const uint8_t *)data + entry->offset;
      if (run.inline_block)
         changed |= store_bytes(record, run.start, base, entry->descriptorCount);
      else
         changed |= fill_run(record, &run, entry->descriptorType, entry->descriptorCount, base,
                             entry->stride);
   }
   if (changed)
      kr_descriptor_record_changed(record);
   return ok;
}

uint64_t
kr_descriptor_content_hash(const struct kr_set_layout_model *model,
                           const struct kr_descriptor *descriptors, const uint8_t *inline_bytes)
{
   uint64_t sum = 0;
   for (uint32_t i = 0; i < model->descriptor_count; i++)
      sum += slot_hash(i, &descriptors[i]);
   return combine(sum, hash_words(HASH_K2, inline_bytes, model->inline_bytes));
}

uint64_t
kr_descriptor_record_hash(struct kr_descriptor_record *record)
{
   if (record->inline_changed) {
      record->inline_hash = hash_words(HASH_K2, record->inline_bytes, record->model->inline_bytes);
      record->inline_changed = false;
   }
   record->dirty = false;
   return combine(record->descriptor_hash, record->inline_hash);
}

bool
kr_descriptor_content_equal(const struct kr_set_layout_model *model, const struct kr_descriptor *a,
                            const uint8_t *a_bytes, const struct kr_descriptor *b,
                            const uint8_t *b_bytes)
{
   return (model->descriptor_count == 0 ||
           memcmp(a, b, sizeof(*a) * model->descriptor_count) == 0) &&
          (model->inline_bytes == 0 || memcmp(a_bytes, b_bytes, model->inline_bytes) == 0);
}

/* Calls fn for each run of written descriptors within one binding. */
static void
for_each_written_run(const struct kr_set_layout_model *model,
                     const struct kr_descriptor *descriptors,
                     void (*fn)(void *ctx, const struct kr_binding_model *b, uint32_t element,
                                uint32_t count),
                     void *ctx)
{
   for (uint32_t i = 0; i < model->binding_count; i++) {
      const struct kr_binding_model *b = &model->bindings[i];
      if (b->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK)
         continue;
      /* Immutable samplers are in the vendor's layout already. */
      if (b->type == VK_DESCRIPTOR_TYPE_SAMPLER && b->immutable_samplers)
         continue;
      uint32_t e = 0;
      while (e < b->count) {
         if (!descriptors[b->first + e].state) {
            e++;
            continue;
         }
         uint32_t start = e;
         while (e < b->count && descriptors[b->first + e].state)
            e++;
         fn(ctx, b, start, e - start);
      }
   }
}

static void
count_run(void *ctx, const struct kr_binding_model *b, uint32_t element, uint32_t count)
{
   (void)element;
   struct kr_descriptor_write_sizes *sizes = ctx;
   sizes->writes++;
   if (is_image_type(b->type))
      sizes->image_infos += count;
   else if (is_texel_type(b->type))
      sizes->texel_views += count;
   else
      sizes->buffer_infos += count;
}

void
kr_descriptor_content_write_sizes(const struct kr_set_layout_model *model,
                                  const struct kr_descriptor *descriptors,
                                  struct kr_descriptor_write_sizes *sizes)
{
   *sizes = (struct kr_descriptor_write_sizes){0};
   for_each_written_run(model, descriptors, count_run, sizes);
   for (uint32_t i = 0; i < model->binding_count; i++) {
      if (model->bindings[i].type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK &&
          model->bindings[i].count) {
         sizes->writes++;
         sizes->inline_blocks++;
      }
   }
}

struct fill_context {
   const struct kr_descriptor *descriptors;
   VkDescriptorSet vendor_set;
   const struct kr_descriptor_write_arrays *arrays;
   uint32_t writes, buffer_infos, image_infos, texel_views;
};

static void
fill_write(void *ctx_, const struct kr_binding_model *b, uint32_t element, uint32_t count)
{
   struct fill_context *ctx = ctx_;
   const struct kr_descriptor *d = ctx->descriptors + b->first + element;
   VkWriteDescriptorSet *w = &ctx->arrays->writes[ctx->writes++];
   *w = (VkWriteDescriptorSet){
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = ctx->vendor_set,
      .dstBinding = b->binding,
      .dstArrayElement = element,
      .descriptorCount = count,
      .descriptorType = b->type,
   };
   if (is_image_type(b->type)) {
      VkDescriptorImageInfo *info = &ctx->arrays->image_infos[ctx->image_infos];
      ctx->image_infos += count;
      for (uint32_t i = 0; i < count; i++)
         info[i] = (VkDescriptorImageInfo){.sampler = (VkSampler)d[i].sampler,
                                           .imageView = (VkImageView)d[i].object,
                                           .imageLayout = (VkImageLayout)d[i].layout};
      w->pImageInfo = info;
   } else if (is_texel_type(b->type)) {
      VkBufferView *views = &ctx->arrays->texel_views[ctx->texel_views];
      ctx->texel_views += count;
      for (uint32_t i = 0; i < count; i++)
         views[i] = (VkBufferView)d[i].object;
      w->pTexelBufferView = views;
   } else {
      VkDescriptorBufferInfo *info = &ctx->arrays->buffer_infos[ctx->buffer_infos];
      ctx->buffer_infos += count;
      for (uint32_t i = 0; i < count; i++)
         info[i] = (VkDescriptorBufferInfo){.buffer = (VkBuffer)d[i].object,
                                            .offset = d[i].offset,
                                            .range = d[i].range};
      w->pBufferInfo = info;
   }
}

uint32_t
kr_descriptor_content_to_writes(const struct kr_set_layout_model *model,
                                const struct kr_descriptor *descriptors,
                                const uint8_t *inline_bytes, VkDescriptorSet vendor_set,
                                const struct kr_descriptor_write_arrays *arrays)
{
   struct fill_context ctx = {.descriptors = descriptors, .vendor_set = vendor_set,
                              .arrays = arrays};
   for_each_written_run(model, descriptors, fill_write, &ctx);
   /* Inline blocks are written whole: bytes never written read as zero, where the vendor
    * would leave them undefined. */
   uint32_t blocks = 0;
   for (uint32_t i = 0; i < model->binding_count; i++) {
      const struct kr_binding_model *b = &model->bindings[i];
      if (b->type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK || !b->count)
         continue;
      VkWriteDescriptorSetInlineUniformBlock *block = &arrays->inline_blocks[blocks++];
      *block = (VkWriteDescriptorSetInlineUniformBlock){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
         .dataSize = b->count,
         .pData = inline_bytes + b->first,
      };
      arrays->writes[ctx.writes++] = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .pNext = block,
         .dstSet = vendor_set,
         .dstBinding = b->binding,
         .descriptorCount = b->count,
         .descriptorType = b->type,
      };
   }
   return ctx.writes;
}

void
kr_descriptor_content_objects(const struct kr_set_layout_model *model,
                              const struct kr_descriptor *descriptors,
                              void (*fn)(void *context, uint64_t handle), void *context)
{
   for (uint32_t i = 0; i < model->descriptor_count; i++) {
      const struct kr_descriptor *d = &descriptors[i];
      if (!d->state)
         continue;
      if (d->object)
         fn(context, d->object);
      if (kr_descriptor_type_has_sampler((VkDescriptorType)(d->state - 1)) && d->sampler)
         fn(context, d->sampler);
   }
}
