/* SPDX-License-Identifier: MIT */
/* What Kronos knows of a descriptor set layout (persistent descriptors, DESIGN §4.4): its
 * bindings in binding order, where each binding's descriptors sit in a set record, and whether
 * Kronos models the layout at all. Pure logic: no vendor calls.
 *
 * A record lays its descriptors out flat, binding after binding in binding-number order, so the
 * consecutive-binding update rule (a write that runs past a binding's end continues at the next
 * binding's element 0) is a contiguous range of the flat array. Inline uniform blocks keep their
 * bytes in a separate flat byte array the same way. */
#ifndef KR_DESCRIPTOR_MODEL_H
#define KR_DESCRIPTOR_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

/* Descriptor types Kronos models, as dense indices (pool accounting, records). */
enum kr_descriptor_kind {
   KR_DESCRIPTOR_KIND_SAMPLER,
   KR_DESCRIPTOR_KIND_COMBINED_IMAGE_SAMPLER,
   KR_DESCRIPTOR_KIND_SAMPLED_IMAGE,
   KR_DESCRIPTOR_KIND_STORAGE_IMAGE,
   KR_DESCRIPTOR_KIND_UNIFORM_TEXEL_BUFFER,
   KR_DESCRIPTOR_KIND_STORAGE_TEXEL_BUFFER,
   KR_DESCRIPTOR_KIND_UNIFORM_BUFFER,
   KR_DESCRIPTOR_KIND_STORAGE_BUFFER,
   KR_DESCRIPTOR_KIND_UNIFORM_BUFFER_DYNAMIC,
   KR_DESCRIPTOR_KIND_STORAGE_BUFFER_DYNAMIC,
   KR_DESCRIPTOR_KIND_INPUT_ATTACHMENT,
   KR_DESCRIPTOR_KIND_INLINE_UNIFORM_BLOCK, /* counted in bytes */
   KR_DESCRIPTOR_KIND_COUNT,
   KR_DESCRIPTOR_KIND_UNKNOWN = KR_DESCRIPTOR_KIND_COUNT,
};

static inline enum kr_descriptor_kind
kr_descriptor_kind(VkDescriptorType type)
{
   if ((uint32_t)type <= VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT)
      return (enum kr_descriptor_kind)type; /* the core types are 0..10, in this order */
   if (type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK)
      return KR_DESCRIPTOR_KIND_INLINE_UNIFORM_BLOCK;
   return KR_DESCRIPTOR_KIND_UNKNOWN;
}

struct kr_binding_model {
   uint32_t binding;
   VkDescriptorType type;
   uint32_t count;      /* descriptors; bytes for an inline uniform block */
   uint32_t first;      /* its first descriptor in a record (its first byte for inline blocks) */
   /* Dynamic descriptors of the bindings before it: the index of its element 0's dynamic
    * offset, which are given in binding-number order (kept so binding a set need not count). */
   uint32_t dynamic_first;
   bool immutable_samplers;
   const uint64_t *samplers; /* the immutable samplers (count of them), or NULL */
};

struct kr_set_layout_model {
   uint32_t binding_count;
   struct kr_binding_model *bindings; /* sorted by binding number */
   /* binding number -> index in bindings (UINT32_MAX: none), when the numbers are dense
    * enough; NULL: binary search. Updates look bindings up per write. */
   uint32_t *binding_index;
   uint32_t binding_index_size;
   uint32_t descriptor_count;         /* descriptors of a record (inline blocks excluded) */
   uint64_t *immutable_samplers;      /* every binding's, one array (bindings point into it) */
   bool has_immutable_samplers;
   uint32_t inline_bytes;             /* bytes of all inline uniform blocks */
   uint32_t dynamic_count;            /* dynamic buffer descriptors: dynamic offsets a bind takes */
   /* What one set of this layout takes from a pool: descriptors by kind (bytes for inline
    * blocks), and its inline uniform block bindings. */
   uint32_t pool_counts[KR_DESCRIPTOR_KIND_COUNT];
   uint32_t inline_bindings;
   /* false: sets of this layout stay vendor sets written as the application writes them;
    * why_not says why (a static string). */
   bool modeled;
   const char *why_not;
};

/* Builds the model of a layout (bindings allocated through alloc). Layouts Kronos does not model
 * (update-after-bind, partially bound or variable-count bindings, mutable or unknown descriptor
 * types, push descriptor layouts, an unknown structure in the chain) get modeled = false; so do
 * all when model_all is false (KRONOS_DISABLE=descriptor). VK_ERROR_OUT_OF_HOST_MEMORY only. */
VkResult kr_set_layout_model_init(struct kr_set_layout_model *model,
                                  const VkDescriptorSetLayoutCreateInfo *info, bool model_all,
                                  const VkAllocationCallbacks *alloc);
void kr_set_layout_model_finish(struct kr_set_layout_model *model,
                                const VkAllocationCallbacks *alloc);

const struct kr_binding_model *kr_set_layout_model_search(const struct kr_set_layout_model *model,
                                                          uint32_t binding);

/* The binding with that number, or NULL (inline: updates look a binding up per write). */
static inline const struct kr_binding_model *
kr_set_layout_model_binding(const struct kr_set_layout_model *model, uint32_t binding)
{
   if (!model->binding_index)
      return kr_set_layout_model_search(model, binding);
   if (binding >= model->binding_index_size || model->binding_index[binding] == UINT32_MAX)
      return NULL;
   return &model->bindings[model->binding_index[binding]];
}

/* The binding (not an inline block) whose descriptors include flat record index `index`. */
const struct kr_binding_model *kr_set_layout_model_binding_of(
   const struct kr_set_layout_model *model, uint32_t index);

/* A descriptor pool's budget: what the application's VkDescriptorPoolCreateInfo allows, and
 * what its live sets take. The spec lets an allocation beyond it fail with
 * VK_ERROR_OUT_OF_POOL_MEMORY; Kronos refuses exactly where a limit would be passed, and only
 * for the limits the vendor itself enforces (enforce_*, probed per device). */
struct kr_pool_budget {
   uint32_t max_sets, sets;
   uint32_t max_counts[KR_DESCRIPTOR_KIND_COUNT], counts[KR_DESCRIPTOR_KIND_COUNT];
   uint32_t max_inline_bindings, inline_bindings;
   bool enforce_sets, enforce_counts;
};

void kr_pool_budget_init(struct kr_pool_budget *budget, const VkDescriptorPoolCreateInfo *info,
                         bool enforce_sets, bool enforce_counts);

/* Takes one set of the layout: VK_SUCCESS, or VK_ERROR_OUT_OF_POOL_MEMORY leaving the budget
 * as it was. */
VkResult kr_pool_budget_take(struct kr_pool_budget *budget,
                             const struct kr_set_layout_model *model);
void kr_pool_budget_give(struct kr_pool_budget *budget, const struct kr_set_layout_model *model);
void kr_pool_budget_reset(struct kr_pool_budget *budget);

#endif
