/* SPDX-License-Identifier: MIT */
/* Descriptor set layouts and pipeline layouts as Kronos objects, and the device's cache of
 * vendor descriptor sets: its vendor side (the vendor pools of each layout that hold the cached
 * sets, allocating and writing a set on a miss). */
#include <string.h>

#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_scratch.h"
#include "kr_settings.h"
#include "kr_util.h"

/* Cached vendor sets per vendor pool: the first pool of a layout is small, later ones larger. */
#define FIRST_POOL_SETS 8u
#define MAX_POOL_SETS 256u
/* The cache's default bound (KRONOS_DESCRIPTOR_CACHE_SETS). */
#define DEFAULT_CACHE_SETS 4096u

void
kr_vendor_update_descriptor_sets(struct kr_device *device, uint32_t write_count,
                                 const VkWriteDescriptorSet *writes, uint32_t copy_count,
                                 const VkCopyDescriptorSet *copies)
{
   if (!write_count && !copy_count)
      return;
   kr_stats_add_local(&device->stats, KR_STAT_VENDOR_DESCRIPTOR_WRITES,
                      (uint64_t)write_count + copy_count);
   device->disp.UpdateDescriptorSets(device->handle, write_count, writes, copy_count, copies);
}

/* --- set layouts ----------------------------------------------------------------------------- */

void
kr_descriptor_set_layout_ref(struct kr_descriptor_set_layout *layout)
{
   atomic_fetch_add_explicit(&layout->refs, 1, memory_order_relaxed);
}

void
kr_descriptor_set_layout_unref(struct kr_descriptor_set_layout *layout)
{
   if (atomic_fetch_sub_explicit(&layout->refs, 1, memory_order_acq_rel) != 1)
      return;
   struct kr_device *device = layout->device;
   for (uint32_t i = 0; i < layout->pool_count; i++)
      device->disp.DestroyDescriptorPool(device->handle, layout->pools[i].pool, device->alloc);
   kr_free(device->alloc, layout->pools);
   device->disp.DestroyDescriptorSetLayout(device->handle, layout->handle, device->alloc);
   kr_set_layout_model_finish(&layout->model, device->alloc);
   kr_object_base_finish(&layout->base);
   kr_free(device->alloc, layout);
}

void
kr_descriptor_set_layout_use(struct kr_descriptor_set_layout *layout)
{
   atomic_fetch_add_explicit(&layout->users, 1, memory_order_relaxed);
   kr_descriptor_set_layout_ref(layout);
}

void
kr_descriptor_set_layout_unuse(struct kr_descriptor_set_layout *layout)
{
   if (atomic_fetch_sub_explicit(&layout->users, 1, memory_order_acq_rel) == 1)
      kr_descriptor_cache_forget_layout(&layout->device->descriptor_cache, layout);
   kr_descriptor_set_layout_unref(layout);
}

/* Whether a vendor set of the layout can keep a shadow record: every type is one Kronos
 * models (mutable descriptors are not). */
static bool
shadowable(const struct kr_set_layout_model *model)
{
   for (uint32_t i = 0; i < model->binding_count; i++) {
      if (kr_descriptor_kind(model->bindings[i].type) == KR_DESCRIPTOR_KIND_UNKNOWN)
         return false;
   }
   return true;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateDescriptorSetLayout(VkDevice _device, const VkDescriptorSetLayoutCreateInfo *pCreateInfo,
                             const VkAllocationCallbacks *pAllocator,
                             VkDescriptorSetLayout *pSetLayout)
{
   (void)pAllocator; /* the layout may outlive its destruction: it lives on the device's */
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_descriptor_set_layout *layout =
      kr_zalloc(device->alloc, sizeof(*layout), 8, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!layout)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&layout->base, VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT, device->alloc);
   layout->device = device;
   atomic_init(&layout->refs, 1);
   atomic_init(&layout->users, 1);
   static _Atomic uint64_t serials = 1;
   layout->serial = atomic_fetch_add_explicit(&serials, 1, memory_order_relaxed);
   VkResult result = kr_set_layout_model_init(&layout->model, pCreateInfo,
                                              device->descriptors_modeled, device->alloc);
   if (result != VK_SUCCESS)
      goto fail;
   result = device->disp.CreateDescriptorSetLayout(device->handle, pCreateInfo, device->alloc,
                                                   &layout->handle);
   if (result != VK_SUCCESS)
      goto fail_model;
   layout->shadowed = device->descriptors_modeled && !layout->model.modeled &&
                      shadowable(&layout->model);
   if (!layout->model.modeled && device->descriptors_modeled)
      kr_debug("descriptor set layout of %u bindings stays the vendor's: %s",
               pCreateInfo->bindingCount, layout->model.why_not);
   *pSetLayout = kr_descriptor_set_layout_to_handle(layout);
   return VK_SUCCESS;

fail_model:
   kr_set_layout_model_finish(&layout->model, device->alloc);
fail:
   kr_free(device->alloc, layout);
   return result;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyDescriptorSetLayout(VkDevice _device, VkDescriptorSetLayout descriptorSetLayout,
                              const VkAllocationCallbacks *pAllocator)
{
   (void)_device;
   (void)pAllocator;
   if (descriptorSetLayout)
      kr_descriptor_set_layout_unuse(kr_descriptor_set_layout_from_handle(descriptorSetLayout));
}

/* --- pipeline layouts ------------------------------------------------------------------------ */

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreatePipelineLayout(VkDevice _device, const VkPipelineLayoutCreateInfo *pCreateInfo,
                        const VkAllocationCallbacks *pAllocator,
                        VkPipelineLayout *pPipelineLayout)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   struct kr_scratch scratch;
   VkResult result = VK_ERROR_OUT_OF_HOST_MEMORY;
   struct kr_pipeline_layout *layout = kr_zalloc(alloc, sizeof(*layout), 8,
                                                 VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   VkDescriptorSetLayout *vendor_layouts =
      kr_scratch_get(&scratch, device->alloc,
                     sizeof(*vendor_layouts) * KR_MAX(pCreateInfo->setLayoutCount, 1));
   if (!layout || !vendor_layouts)
      goto done;
   for (uint32_t i = 0; i < pCreateInfo->setLayoutCount; i++)
      vendor_layouts[i] = kr_descriptor_set_layout_vendor(pCreateInfo->pSetLayouts[i]);
   VkPipelineLayoutCreateInfo info = *pCreateInfo;
   info.pSetLayouts = vendor_layouts;
   kr_object_base_init(&layout->base, VK_OBJECT_TYPE_PIPELINE_LAYOUT, device->alloc);
   layout->set_count = pCreateInfo->setLayoutCount;
   result = device->disp.CreatePipelineLayout(device->handle, &info, pAllocator, &layout->handle);
   if (result == VK_SUCCESS) {
      *pPipelineLayout = kr_pipeline_layout_to_handle(layout);
      layout = NULL;
   }
done:
   if (vendor_layouts)
      kr_scratch_put(&scratch);
   kr_free(alloc, layout);
   return result;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyPipelineLayout(VkDevice _device, VkPipelineLayout pipelineLayout,
                         const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   if (!pipelineLayout)
      return;
   struct kr_pipeline_layout *layout = kr_pipeline_layout_from_handle(pipelineLayout);
   device->disp.DestroyPipelineLayout(device->handle, layout->handle, pAllocator);
   kr_object_base_finish(&layout->base);
   kr_free(kr_allocator(pAllocator, device->alloc), layout);
}

/* --- the cache's vendor sets ------------------------------------------------------------------ */

static VkResult
add_vendor_pool(struct kr_device *device, struct kr_descriptor_set_layout *layout)
{
   const struct kr_set_layout_model *model = &layout->model;
   uint32_t sets = FIRST_POOL_SETS;
   if (layout->pool_count)
      sets = KR_MIN(layout->pools[layout->pool_count - 1].capacity * 2, MAX_POOL_SETS);
   VkDescriptorPoolSize sizes[KR_DESCRIPTOR_KIND_COUNT];
   uint32_t size_count = 0;
   for (unsigned k = 0; k < KR_DESCRIPTOR_KIND_COUNT; k++) {
      if (!model->pool_counts[k])
         continue;
      VkDescriptorType type = k == KR_DESCRIPTOR_KIND_INLINE_UNIFORM_BLOCK
                                 ? VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK
                                 : (VkDescriptorType)k;
      sizes[size_count++] = (VkDescriptorPoolSize){type, model->pool_counts[k] * sets};
   }
   if (!size_count) /* a layout without descriptors: give the pool a size all the same */
      sizes[size_count++] = (VkDescriptorPoolSize){VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1};
   const VkDescriptorPoolInlineUniformBlockCreateInfo inline_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO,
      .maxInlineUniformBlockBindings = model->inline_bindings * sets,
   };
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .pNext = model->inline_bindings ? &inline_info : NULL,
      .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
      .maxSets = sets,
      .poolSizeCount = size_count,
      .pPoolSizes = sizes,
   };
   /* A layout has few pools: the array grows one at a time. */
   struct kr_vendor_set_pool *pools =
      kr_alloc(device->alloc, sizeof(*pools) * (layout->pool_count + 1), 8,
               VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!pools)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (layout->pool_count)
      memcpy(pools, layout->pools, sizeof(*pools) * layout->pool_count);
   kr_free(device->alloc, layout->pools);
   layout->pools = pools;
   VkDescriptorPool pool;
   VkResult result = device->disp.CreateDescriptorPool(device->handle, &info, device->alloc, &pool);
   if (result != VK_SUCCESS) {
      kr_error("descriptor cache: the vendor refused a descriptor pool of %u sets (%d)", sets,
               result);
      return result;
   }
   layout->pools[layout->pool_count++] = (struct kr_vendor_set_pool){pool, sets, 0, false};
   return VK_SUCCESS;
}

/* A vendor set of the layout from one of its pools, making a pool when all are full. */
static VkResult
allocate_vendor_set(struct kr_device *device, struct kr_descriptor_set_layout *layout,
                    VkDescriptorSet *set, struct kr_vendor_set_pool **from)
{
   for (uint32_t attempt = 0; attempt < 2; attempt++) {
      for (uint32_t i = layout->pool_count; i-- > 0;) {
         struct kr_vendor_set_pool *p = &layout->pools[i];
         if (p->full || p->live == p->capacity)
            continue;
         const VkDescriptorSetAllocateInfo info = {
            .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
            .descriptorPool = p->pool,
            .descriptorSetCount = 1,
            .pSetLayouts = &layout->handle,
         };
         VkResult result = device->disp.AllocateDescriptorSets(device->handle, &info, set);
         if (result == VK_SUCCESS) {
            p->live++;
            *from = p;
            return VK_SUCCESS;
         }
         if (result != VK_ERROR_OUT_OF_POOL_MEMORY && result != VK_ERROR_FRAGMENTED_POOL)
            return result;
         p->full = true;
      }
      if (attempt == 0) {
         VkResult result = add_vendor_pool(device, layout);
         if (result != VK_SUCCESS)
            return result;
      }
   }
   return VK_ERROR_OUT_OF_POOL_MEMORY;
}

static VkResult
write_vendor_set(struct kr_device *device, const struct kr_set_layout_model *model,
                 const struct kr_descriptor *descriptors, const uint8_t *inline_bytes,
                 VkDescriptorSet set)
{
   struct kr_descriptor_write_sizes sizes;
   kr_descriptor_content_write_sizes(model, descriptors, &sizes);
   if (!sizes.writes)
      return VK_SUCCESS;
   size_t w = sizeof(VkWriteDescriptorSet) * sizes.writes;
   size_t b = sizeof(VkDescriptorBufferInfo) * sizes.buffer_infos;
   size_t i = sizeof(VkDescriptorImageInfo) * sizes.image_infos;
   size_t t = sizeof(VkBufferView) * sizes.texel_views;
   size_t n = sizeof(VkWriteDescriptorSetInlineUniformBlock) * sizes.inline_blocks;
   struct kr_scratch scratch;
   uint8_t *memory = kr_scratch_get(&scratch, device->alloc, w + b + i + t + n);
   if (!memory)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   /* Largest alignment first: every element here is 8-byte aligned. */
   const struct kr_descriptor_write_arrays arrays = {
      .writes = (VkWriteDescriptorSet *)memory,
      .buffer_infos = (VkDescriptorBufferInfo *)(memory + w),
      .image_infos = (VkDescriptorImageInfo *)(memory + w + b),
      .texel_views = (VkBufferView *)(memory + w + b + i),
      .inline_blocks = (VkWriteDescriptorSetInlineUniformBlock *)(memory + w + b + i + t),
   };
   uint32_t writes = kr_descriptor_content_to_writes(model, descriptors, inline_bytes, set,
                                                     &arrays);
   kr_vendor_update_descriptor_sets(device, writes, arrays.writes, 0, NULL);
   kr_scratch_put(&scratch);
   return VK_SUCCESS;
}

static VkResult
cache_create(void *context, void *layout_, const struct kr_set_layout_model *model,
             const struct kr_descriptor *descriptors, const uint8_t *inline_bytes,
             uint64_t *vendor_set, uint64_t *vendor_pool)
{
   struct kr_device *device = context;
   struct kr_descriptor_set_layout *layout = layout_;
   VkDescriptorSet set;
   struct kr_vendor_set_pool *pool;
   VkResult result = allocate_vendor_set(device, layout, &set, &pool);
   if (result != VK_SUCCESS) {
      kr_error("descriptor cache: no vendor descriptor set for a binding (%d)", result);
      return result;
   }
   result = write_vendor_set(device, model, descriptors, inline_bytes, set);
   if (result != VK_SUCCESS) {
      device->disp.FreeDescriptorSets(device->handle, pool->pool, 1, &set);
      pool->live--;
      pool->full = false;
      return result;
   }
   kr_descriptor_set_layout_ref(layout);
   *vendor_set = (uint64_t)set;
   *vendor_pool = (uint64_t)pool->pool;
   return VK_SUCCESS;
}

static void
cache_destroy(void *context, void *layout_, uint64_t vendor_set, uint64_t vendor_pool)
{
   struct kr_device *device = context;
   struct kr_descriptor_set_layout *layout = layout_;
   VkDescriptorSet set = (VkDescriptorSet)vendor_set;
   for (uint32_t i = 0; i < layout->pool_count; i++) {
      struct kr_vendor_set_pool *p = &layout->pools[i];
      if ((uint64_t)p->pool != vendor_pool)
         continue;
      device->disp.FreeDescriptorSets(device->handle, p->pool, 1, &set);
      p->live--;
      p->full = false;
      break;
   }
   kr_descriptor_set_layout_unref(layout);
}

static const struct kr_descriptor_cache_ops cache_ops = {cache_create, cache_destroy};

VkResult
kr_device_descriptors_init(struct kr_device *device)
{
   device->descriptors_modeled = kr_optimization_enabled(KR_OPT_DESCRIPTOR);
   atomic_init(&device->descriptor_holder_serial, 0);
   uint32_t max_sets = (uint32_t)KR_MIN(kr_setting_number(KR_SETTING_DESCRIPTOR_CACHE_SETS,
                                                          DEFAULT_CACHE_SETS),
                                        UINT32_MAX);
   if (pthread_mutex_init(&device->descriptor_probe_lock, NULL) != 0)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkResult result = kr_descriptor_cache_init(&device->descriptor_cache, &cache_ops, device,
                                              max_sets, device->alloc, &device->stats);
   if (result != VK_SUCCESS)
      pthread_mutex_destroy(&device->descriptor_probe_lock);
   return result;
}

void
kr_device_descriptors_finish(struct kr_device *device)
{
   if (!device->descriptor_cache.buckets)
      return; /* never set up */
   kr_descriptor_cache_finish(&device->descriptor_cache);
   pthread_mutex_destroy(&device->descriptor_probe_lock);
}
