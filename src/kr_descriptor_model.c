/* SPDX-License-Identifier: MIT */
#include "kr_descriptor_model.h"

#include <stdlib.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_util.h"

static int
compare_bindings(const void *a, const void *b)
{
   uint32_t x = ((const struct kr_binding_model *)a)->binding;
   uint32_t y = ((const struct kr_binding_model *)b)->binding;
   return x < y ? -1 : x > y;
}

/* Why Kronos cannot keep sets of this layout as records, or NULL when it can. */
static const char *
unmodeled_reason(const VkDescriptorSetLayoutCreateInfo *info,
                 const VkDescriptorSetLayoutBindingFlagsCreateInfo *flags)
{
   const VkDescriptorSetLayoutCreateFlags known = 0;
   if (info->flags & VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR)
      return "push descriptor layout";
   if (info->flags & VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT)
      return "update-after-bind layout";
   if (info->flags & ~known)
      return "layout flags Kronos does not model";
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      if (s->sType != VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_BINDING_FLAGS_CREATE_INFO)
         return "a structure Kronos does not model in the layout's chain";
   }
   for (uint32_t i = 0; flags && i < flags->bindingCount; i++) {
      if (flags->pBindingFlags[i])
         return "binding flags (update after bind, partially bound or variable count)";
   }
   for (uint32_t i = 0; i < info->bindingCount; i++) {
      if (kr_descriptor_kind(info->pBindings[i].descriptorType) == KR_DESCRIPTOR_KIND_UNKNOWN)
         return "a descriptor type Kronos does not model";
   }
   return NULL;
}

static bool
variable_count(const VkDescriptorSetLayoutBindingFlagsCreateInfo *flags, uint32_t index)
{
   return flags && index < flags->bindingCount &&
          (flags->pBindingFlags[index] & VK_DESCRIPTOR_BINDING_VARIABLE_DESCRIPTOR_COUNT_BIT);
}

/* A copy of every binding's immutable samplers, in binding order of the create info (a copy
 * from such a binding reads them as its samplers). */
static VkResult
copy_immutable_samplers(struct kr_set_layout_model *model,
                        const VkDescriptorSetLayoutCreateInfo *info,
                        const VkAllocationCallbacks *alloc)
{
   size_t total = 0;
   for (uint32_t i = 0; i < info->bindingCount; i++) {
      const VkDescriptorSetLayoutBinding *b = &info->pBindings[i];
      if (b->pImmutableSamplers && (b->descriptorType == VK_DESCRIPTOR_TYPE_SAMPLER ||
                                    b->descriptorType == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER))
         total += b->descriptorCount;
   }
   if (!total)
      return VK_SUCCESS;
   model->immutable_samplers = kr_alloc(alloc, sizeof(uint64_t) * total, 8,
                                        VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!model->immutable_samplers)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   model->has_immutable_samplers = true;
   uint64_t *out = model->immutable_samplers;
   for (uint32_t i = 0; i < info->bindingCount; i++) {
      const VkDescriptorSetLayoutBinding *b = &info->pBindings[i];
      if (!b->pImmutableSamplers || (b->descriptorType != VK_DESCRIPTOR_TYPE_SAMPLER &&
                                     b->descriptorType != VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER))
         continue;
      for (uint32_t j = 0; j < b->descriptorCount; j++)
         *out++ = (uint64_t)b->pImmutableSamplers[j];
   }
   return VK_SUCCESS;
}

/* Binding numbers up to this many per binding (plus a few) get a direct index. */
#define DENSE_FACTOR 4u
#define DENSE_SLACK 64u

static VkResult
build_binding_index(struct kr_set_layout_model *model, const VkAllocationCallbacks *alloc)
{
   if (!model->binding_count)
      return VK_SUCCESS;
   uint64_t size = (uint64_t)model->bindings[model->binding_count - 1].binding + 1;
   if (size > (uint64_t)model->binding_count * DENSE_FACTOR + DENSE_SLACK)
      return VK_SUCCESS; /* sparse numbers: binary search */
   model->binding_index = kr_alloc(alloc, sizeof(uint32_t) * size, 4,
                                   VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!model->binding_index)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   memset(model->binding_index, 0xff, sizeof(uint32_t) * size);
   for (uint32_t i = 0; i < model->binding_count; i++)
      model->binding_index[model->bindings[i].binding] = i;
   model->binding_index_size = (uint32_t)size;
   return VK_SUCCESS;
}

VkResult
kr_set_layout_model_init(struct kr_set_layout_model *model,
                         const VkDescriptorSetLayoutCreateInfo *info, bool model_all,
                         const VkAllocationCallbacks *alloc)
{
   *model = (struct kr_set_layout_model){0};
   const VkDescriptorSetLayoutBindingFlagsCreateInfo *flags =
      kr_chain_find(info->pNext, VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_BINDING_FLAGS_CREATE_INFO);
   if (info->bindingCount) {
      model->bindings = kr_zalloc(alloc, sizeof(*model->bindings) * info->bindingCount, 8,
                                  VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (!model->bindings)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   model->binding_count = info->bindingCount;
   VkResult result = copy_immutable_samplers(model, info, alloc);
   if (result != VK_SUCCESS) {
      kr_set_layout_model_finish(model, alloc);
      return result;
   }
   uint64_t *samplers = model->immutable_samplers;
   for (uint32_t i = 0; i < info->bindingCount; i++) {
      const VkDescriptorSetLayoutBinding *b = &info->pBindings[i];
      model->bindings[i] = (struct kr_binding_model){
         .binding = b->binding,
         .type = b->descriptorType,
         .count = b->descriptorCount,
         .immutable_samplers = b->pImmutableSamplers != NULL &&
                               (b->descriptorType == VK_DESCRIPTOR_TYPE_SAMPLER ||
                                b->descriptorType == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER),
      };
      if (model->bindings[i].immutable_samplers) {
         model->bindings[i].samplers = samplers;
         samplers += b->descriptorCount;
      }
      enum kr_descriptor_kind kind = kr_descriptor_kind(b->descriptorType);
      /* A variable-count binding's size is known only at allocation: the vendor's pool
       * accounts for it (such layouts are not modeled). */
      if (kind != KR_DESCRIPTOR_KIND_UNKNOWN && !variable_count(flags, i)) {
         model->pool_counts[kind] += b->descriptorCount;
         if (kind == KR_DESCRIPTOR_KIND_INLINE_UNIFORM_BLOCK && b->descriptorCount)
            model->inline_bindings++;
      }
   }
   if (model->binding_count) /* qsort wants a valid pointer even for nothing */
      qsort(model->bindings, model->binding_count, sizeof(*model->bindings), compare_bindings);
   for (uint32_t i = 0; i < model->binding_count; i++) {
      struct kr_binding_model *b = &model->bindings[i];
      b->dynamic_first = model->dynamic_count;
      if (b->type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC ||
          b->type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC)
         model->dynamic_count += b->count;
      if (b->type == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
         b->first = model->inline_bytes;
         model->inline_bytes += b->count;
      } else {
         b->first = model->descriptor_count;
         model->descriptor_count += b->count;
      }
   }
   result = build_binding_index(model, alloc);
   if (result != VK_SUCCESS) {
      kr_set_layout_model_finish(model, alloc);
      return result;
   }
   model->why_not = model_all ? unmodeled_reason(info, flags) : "persistent descriptors are off";
   model->modeled = model->why_not == NULL;
   return VK_SUCCESS;
}

void
kr_set_layout_model_finish(struct kr_set_layout_model *model, const VkAllocationCallbacks *alloc)
{
   kr_free(alloc, model->bindings);
   kr_free(alloc, model->binding_index);
   kr_free(alloc, model->immutable_samplers);
   *model = (struct kr_set_layout_model){0};
}

/* Binary search, for layouts with sparse binding numbers. */
const struct kr_binding_model *
kr_set_layout_model_search(const struct kr_set_layout_model *model, uint32_t binding)
{
   uint32_t low = 0, high = model->binding_count;
   while (low < high) {
      uint32_t mid = low + (high - low) / 2;
      if (model->bindings[mid].binding < binding)
         low = mid + 1;
      else
         high = mid;
   }
   if (low < model->binding_count && model->bindings[low].binding == binding)
      return &model->bindings[low];
   return NULL;
}

const struct kr_binding_model *
kr_set_layout_model_binding_of(const struct kr_set_layout_model *model, uint32_t index)
{
   for (uint32_t i = 0; i < model->binding_count; i++) {
      const struct kr_binding_model *b = &model->bindings[i];
      if (b->type != VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK && index >= b->first &&
          index < b->first + b->count)
         return b;
   }
   return NULL;
}

void
kr_pool_budget_init(struct kr_pool_budget *budget, const VkDescriptorPoolCreateInfo *info,
                    bool enforce_sets, bool enforce_counts)
{
   *budget = (struct kr_pool_budget){
      .max_sets = info->maxSets,
      .enforce_sets = enforce_sets,
      .enforce_counts = enforce_counts,
   };
   for (uint32_t i = 0; i < info->poolSizeCount; i++) {
      enum kr_descriptor_kind kind = kr_descriptor_kind(info->pPoolSizes[i].type);
      if (kind != KR_DESCRIPTOR_KIND_UNKNOWN)
         budget->max_counts[kind] += info->pPoolSizes[i].descriptorCount;
   }
   const VkDescriptorPoolInlineUniformBlockCreateInfo *inline_info =
      kr_chain_find(info->pNext, VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO);
   budget->max_inline_bindings = inline_info ? inline_info->maxInlineUniformBlockBindings : 0;
}

VkResult
kr_pool_budget_take(struct kr_pool_budget *budget, const struct kr_set_layout_model *model)
{
   if (budget->enforce_sets && budget->sets >= budget->max_sets)
      return VK_ERROR_OUT_OF_POOL_MEMORY;
   if (budget->enforce_counts) {
      for (unsigned k = 0; k < KR_DESCRIPTOR_KIND_COUNT; k++) {
         if (model->pool_counts[k] > budget->max_counts[k] - budget->counts[k])
            return VK_ERROR_OUT_OF_POOL_MEMORY;
      }
      if (model->inline_bindings > budget->max_inline_bindings - budget->inline_bindings)
         return VK_ERROR_OUT_OF_POOL_MEMORY;
   }
   budget->sets++;
   for (unsigned k = 0; k < KR_DESCRIPTOR_KIND_COUNT; k++)
      budget->counts[k] += model->pool_counts[k];
   budget->inline_bindings += model->inline_bindings;
   return VK_SUCCESS;
}

void
kr_pool_budget_give(struct kr_pool_budget *budget, const struct kr_set_layout_model *model)
{
   budget->sets--;
   for (unsigned k = 0; k < KR_DESCRIPTOR_KIND_COUNT; k++)
      budget->counts[k] -= model->pool_counts[k];
   budget->inline_bindings -= model->inline_bindings;
}

void
kr_pool_budget_reset(struct kr_pool_budget *budget)
{
   budget->sets = 0;
   memset(budget->counts, 0, sizeof(budget->counts));
   budget->inline_bindings = 0;
}
