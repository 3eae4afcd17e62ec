/* SPDX-License-Identifier: MIT */
/* A descriptor set as Kronos keeps it: a record of what each binding's array elements hold
 * (persistent descriptors, DESIGN §4.4). Updates (writes, copies, template updates) change the
 * record only; its content (layout + every descriptor) is what finds a vendor set in the cache
 * (kr_descriptor_cache.h). Pure logic: no vendor calls.
 *
 * Only what the descriptor type uses is kept (a storage buffer's sampler or image layout is
 * ignored by the API, so it is not part of the content), so equal content means the vendor set
 * written from one record serves the other. */
#ifndef KR_DESCRIPTOR_RECORD_H
#define KR_DESCRIPTOR_RECORD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_descriptor_model.h"

/* 32 bytes, so that a set's first two descriptors share one cache line with nothing else (a
 * compute set commonly has two or three buffers): no descriptor type has both a sampler and a
 * buffer offset, so the two share a word. */
struct kr_descriptor {
   uint64_t object; /* VkBuffer, VkBufferView or VkImageView; 0 for none */
   union {
      uint64_t offset;  /* buffers */
      uint64_t sampler; /* samplers and combined image samplers without immutable samplers */
   };
   uint64_t range;  /* buffers (VK_WHOLE_SIZE kept as written) */
   uint32_t layout; /* images: VkImageLayout */
   uint32_t state;  /* 0: never written; else the VkDescriptorType written, plus one */
};
_Static_assert(sizeof(struct kr_descriptor) == 32, "two descriptors to a cache line");

/* Whether a descriptor of the type keeps a sampler (in the word buffers keep their offset). */
static inline bool
kr_descriptor_type_has_sampler(VkDescriptorType type)
{
   return type == VK_DESCRIPTOR_TYPE_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
}

struct kr_cache_entry;

struct kr_descriptor_record {
   /* What every update and bind of the set reads comes first (kr_descriptor_set puts it in the
    * set's first cache line): model to inline_changed. */
   const struct kr_set_layout_model *model;
   struct kr_descriptor *descriptors; /* model->descriptor_count */
   /* The entry below while it holds exactly this record's content (settled, not dirty): what a
    * command buffer that already holds that entry binds without the cache's lock
    * (kr_descriptor_bind.c). Published by the cache under its lock at a bind; cleared by every
    * change of the content, every reopen and every change of the link. Atomic because binds of
    * one set from several threads are allowed, and one of them may take the lock meanwhile. */
   _Atomic(struct kr_cache_entry *) bound_entry;
   /* Reopened (kr_descriptor_record_reopen): the record holds the content of the set that had
    * its memory before, and `fresh` marks the descriptors stored since (one bit each, in the
    * record's storage; NULL for records that cannot be reopened); settling clears the others.
    * A framework writes every set it allocates with what the set before it held: then nothing
    * changes, and binding it needs no hash, comparison nor lookup. */
   uint64_t *fresh;
   bool reopened;
   /* The content changed since the last kr_descriptor_record_hash (the cache's fast path for
    * re-binding an unchanged set). An update storing the values the descriptors already hold
    * changes nothing, so it leaves dirty as it was. */
   bool dirty;
   bool inline_changed;
   /* The cache entry the record was last bound through (a reference the record holds), while
    * the record is unchanged since; NULL otherwise. Changed only under the cache's lock. */
   struct kr_cache_entry *entry;
   /* The content hash is kept up to date as descriptors change: the sum of one hash per
    * written descriptor (of its index and value), so a write costs a few multiplies and binding
    * hashes nothing; inline bytes are hashed at the next bind after they change
    * (inline_changed). */
   uint64_t descriptor_hash;
   uint64_t inline_hash;
   uint8_t *inline_bytes; /* model->inline_bytes */
};

/* The record's content changed: the next bind looks it up again. */
static inline void
kr_descriptor_record_changed(struct kr_descriptor_record *record)
{
   record->dirty = true;
   atomic_store_explicit(&record->bound_entry, NULL, memory_order_relaxed);
}

/* The entry to bind for the record's content without the cache (see bound_entry); NULL when
 * the cache must be asked. */
static inline struct kr_cache_entry *
kr_descriptor_record_bound_entry(struct kr_descriptor_record *record)
{
   return atomic_load_explicit(&record->bound_entry, memory_order_acquire);
}

/* Allocates a record of the layout, all descriptors unwritten. */
VkResult kr_descriptor_record_init(struct kr_descriptor_record *record,
                                   const struct kr_set_layout_model *model,
                                   const VkAllocationCallbacks *alloc);
void kr_descriptor_record_finish(struct kr_descriptor_record *record,
                                 const VkAllocationCallbacks *alloc);

/* The same in storage the caller provides (zeroed, 8-byte aligned, of the size below), so a set
 * and its record can be one allocation; no finish then. */
size_t kr_descriptor_record_storage_size(const struct kr_set_layout_model *model);
void kr_descriptor_record_init_at(struct kr_descriptor_record *record,
                                  const struct kr_set_layout_model *model, void *storage);

/* Whether records of the model can be reopened: descriptors and no inline bytes (a write of
 * part of a block's bytes cannot be told from the rest). */
bool kr_descriptor_record_can_reopen(const struct kr_set_layout_model *model);

/* Starts a new set's life in a record made with kr_descriptor_record_init_at whose descriptors
 * still hold an earlier set's (same model): every descriptor counts as unwritten once the
 * record settles, except those stored from now on. Nothing is cleared yet, so the hash, dirty
 * and the cache link still describe the kept content. */
void kr_descriptor_record_reopen(struct kr_descriptor_record *record);

/* Ends a reopened record's first writes: descriptors not stored since the reopen become
 * unwritten (dirty if one was written before). Whatever reads the content (binding, a copy
 * from it) settles it first; nothing to do for a record not reopened. */
void kr_descriptor_record_settle(struct kr_descriptor_record *record);

/* Where a copy's source range lies: flat start and whether it is inline bytes; false when it
 * does not fit the layout. */
bool kr_descriptor_record_locate(const struct kr_set_layout_model *model, uint32_t binding,
                                 uint32_t element, uint32_t count, uint32_t *start,
                                 bool *inline_block);

/* One VkWriteDescriptorSet (dstSet ignored). false when it names a binding or range the layout
 * does not have (invalid usage): nothing is written then. */
bool kr_descriptor_record_write_any(struct kr_descriptor_record *record,
                                    const VkWriteDescriptorSet *write);

/* Every store into a record marks the descriptor written since a reopen (its bit; settling
 * counts them). */
static inline void
kr_descriptor_record_mark_fresh(struct kr_descriptor_record *record, uint32_t index)
{
   if (record->reopened)
      record->fresh[index / 64] |= 1ull << (index % 64);
}

/* Where a write of one buffer descriptor (uniform or storage, dynamic or not) within a binding
 * of its type, found by index, goes in the record's flat array; UINT32_MAX for any other write
 * (those take the general path). */
static inline uint32_t
kr_descriptor_record_buffer_slot(const struct kr_descriptor_record *record,
                                 const VkWriteDescriptorSet *write)
{
   const struct kr_set_layout_model *model = record->model;
   uint32_t type = (uint32_t)write->descriptorType, binding = write->dstBinding;
   /* binding_index_size is 0 where there is no index (sparse binding numbers). */
   if (type - VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER > 3u || write->descriptorCount != 1 ||
       binding >= model->binding_index_size || model->binding_index[binding] == UINT32_MAX)
      return UINT32_MAX;
   const struct kr_binding_model *b = &model->bindings[model->binding_index[binding]];
   if ((uint32_t)b->type != type || write->dstArrayElement >= b->count)
      return UINT32_MAX;
   return b->first + write->dstArrayElement;
}

/* The fast path of kr_descriptor_record_write, inline for what a framework does hundreds of
 * times per dispatch, into a set that reopened with the content it writes again: one buffer
 * descriptor (kr_descriptor_record_buffer_slot) storing the value it already holds. That only
 * marks the descriptor written (kr_descriptor_record_reopen) and returns true; any other write
 * returns false having done nothing (kr_descriptor_record_write_any does it). No call, so a
 * caller's loop over such writes needs no registers kept across one. */
static inline __attribute__((always_inline)) bool
kr_descriptor_record_rewrite(struct kr_descriptor_record *record,
                             const VkWriteDescriptorSet *write)
{
   uint32_t index = kr_descriptor_record_buffer_slot(record, write);
   if (index == UINT32_MAX)
      return false;
   const struct kr_descriptor *slot = &record->descriptors[index];
   const VkDescriptorBufferInfo *info = write->pBufferInfo;
   /* A slot of a buffer type holds no sampler nor layout (see kr_descriptor). */
   if (slot->state != (uint32_t)write->descriptorType + 1 ||
       slot->object != (uint64_t)info->buffer || slot->offset != info->offset ||
       slot->range != info->range)
      return false;
   kr_descriptor_record_mark_fresh(record, index);
   return true;
}

/* The same as kr_descriptor_record_write_any, its common case inline
 * (kr_descriptor_record_rewrite). */
static inline bool
kr_descriptor_record_write(struct kr_descriptor_record *record, const VkWriteDescriptorSet *write)
{
   return kr_descriptor_record_rewrite(record, write) ||
          kr_descriptor_record_write_any(record, write);
}

/* One VkCopyDescriptorSet from src (srcSet/dstSet ignored); src may be record itself (the
 * ranges do not overlap then: the spec forbids it). Settles src first (it reads src's
 * content). false as above. */
bool kr_descriptor_record_copy(struct kr_descriptor_record *record,
                               struct kr_descriptor_record *src, const VkCopyDescriptorSet *copy);

/* The descriptor at flat index `index` as a copy reads it: in a binding with immutable
 * samplers, its sampler is the immutable one (and a sampler binding's element reads as
 * written). */
struct kr_descriptor kr_descriptor_record_read(const struct kr_descriptor_record *record,
                                               uint32_t index);

/* A template update: entries as the template was created with, data as
 * vkUpdateDescriptorSetWithTemplate gives it. false when an entry does not fit the layout. */
bool kr_descriptor_record_apply_template(struct kr_descriptor_record *record,
                                         uint32_t entry_count,
                                         const VkDescriptorUpdateTemplateEntry *entries,
                                         const void *data);

/* The content hash; clears dirty. */
uint64_t kr_descriptor_record_hash(struct kr_descriptor_record *record);

/* Whether two records of one layout model hold the same content. */
bool kr_descriptor_content_equal(const struct kr_set_layout_model *model,
                                 const struct kr_descriptor *a, const uint8_t *a_bytes,
                                 const struct kr_descriptor *b, const uint8_t *b_bytes);

/* The content hash of descriptors and inline bytes of a layout model. */
uint64_t kr_descriptor_content_hash(const struct kr_set_layout_model *model,
                                    const struct kr_descriptor *descriptors,
                                    const uint8_t *inline_bytes);

/* Writing the content to a vendor set: how many VkWriteDescriptorSet structures and info
 * elements it takes, then kr_descriptor_content_to_writes fills arrays of those sizes (one write
 * per run of written descriptors within a binding, one per inline block). */
struct kr_descriptor_write_sizes {
   uint32_t writes, buffer_infos, image_infos, texel_views, inline_blocks;
};

void kr_descriptor_content_write_sizes(const struct kr_set_layout_model *model,
                                       const struct kr_descriptor *descriptors,
                                       struct kr_descriptor_write_sizes *sizes);

struct kr_descriptor_write_arrays {
   VkWriteDescriptorSet *writes;
   VkDescriptorBufferInfo *buffer_infos;
   VkDescriptorImageInfo *image_infos;
   VkBufferView *texel_views;
   VkWriteDescriptorSetInlineUniformBlock *inline_blocks;
};

/* Returns the number of writes filled (dstSet = vendor_set). */
uint32_t kr_descriptor_content_to_writes(const struct kr_set_layout_model *model,
                                         const struct kr_descriptor *descriptors,
                                         const uint8_t *inline_bytes, VkDescriptorSet vendor_set,
                                         const struct kr_descriptor_write_arrays *arrays);

/* Every distinct object handle (buffers, views, samplers) the content names: calls fn for each
 * non-null handle of each written descriptor (duplicates included). */
void kr_descriptor_content_objects(const struct kr_set_layout_model *model,
                                   const struct kr_descriptor *descriptors,
                                   void (*fn)(void *context, uint64_t handle), void *context);

#endif
