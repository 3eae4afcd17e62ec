/* SPDX-License-Identifier: MIT */
/* Descriptor pools and sets as Kronos objects. A pool keeps the application's limits itself
 * (kr_pool_budget) for the limits the vendor enforces, probed once per device, and has a vendor
 * pool only for the sets that stay vendor sets. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_scratch.h"
#include "kr_util.h"

/* --- which pool limits the vendor enforces ---------------------------------------------------- */

/* Allocates `count` sets of layout one by one from a fresh vendor pool of max_sets sets and
 * `descriptors` storage buffers; returns the last allocation's result. */
static VkResult
probe_pool(struct kr_device *device, VkDescriptorSetLayout layout, uint32_t max_sets,
           uint32_t descriptors, uint32_t count)
{
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptors};
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = max_sets,
      .poolSizeCount = 1,
      .pPoolSizes = &size,
   };
   VkDescriptorPool pool;
   VkResult result = device->disp.CreateDescriptorPool(device->handle, &info, device->alloc,
                                                       &pool);
   if (result != VK_SUCCESS)
      return result;
   const VkDescriptorSetAllocateInfo allocate = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = pool,
      .descriptorSetCount = 1,
      .pSetLayouts = &layout,
   };
   for (uint32_t i = 0; i < count && result == VK_SUCCESS; i++) {
      VkDescriptorSet set;
      result = device->disp.AllocateDescriptorSets(device->handle, &allocate, &set);
   }
   device->disp.DestroyDescriptorPool(device->handle, pool, device->alloc);
   return result;
}

/* Whether a probe allocation's result answers the question: served, or refused for room. */
static bool
probe_answer(VkResult result)
{
   return result == VK_SUCCESS || result == VK_ERROR_OUT_OF_POOL_MEMORY ||
          result == VK_ERROR_FRAGMENTED_POOL;
}

/* The spec lets a pool refuse (VK_ERROR_OUT_OF_POOL_MEMORY) a set beyond its maxSets or its
 * pool sizes, or serve it anyway; Kronos does what the vendor does. */
static void
probe_limits(struct kr_device *device)
{
   pthread_mutex_lock(&device->descriptor_probe_lock);
   if (device->descriptor_limits_probed)
      goto out;
   const VkDescriptorSetLayoutBinding binding = {
      .binding = 0,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .descriptorCount = 1,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
   };
   const VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = 1,
      .pBindings = &binding,
   };
   VkDescriptorSetLayout layout;
   /* Until an answer comes, enforce both (the spec allows it on every driver); an answer spoilt
    * by another error (out of memory) is not kept, so the next pool asks again. */
   device->vendor_enforces_max_sets = device->vendor_enforces_pool_sizes = true;
   if (device->disp.CreateDescriptorSetLayout(device->handle, &info, device->alloc, &layout) !=
       VK_SUCCESS)
      goto out;
   VkResult max_sets = probe_pool(device, layout, 1, 2, 2);
   VkResult sizes = probe_pool(device, layout, 2, 1, 2);
   device->disp.DestroyDescriptorSetLayout(device->handle, layout, device->alloc);
   if (!probe_answer(max_sets) || !probe_answer(sizes)) {
      kr_info("%s: the descriptor pool limit probe failed (%d, %d): enforcing the limits for "
              "now", device->physical->state.device_name, max_sets, sizes);
      goto out;
   }
   device->vendor_enforces_max_sets = max_sets != VK_SUCCESS;
   device->vendor_enforces_pool_sizes = sizes != VK_SUCCESS;
   kr_info("%s: descriptor pools %s maxSets and %s their pool sizes",
           device->physical->state.device_name,
           device->vendor_enforces_max_sets ? "enforce" : "do not enforce",
           device->vendor_enforces_pool_sizes ? "enforce" : "do not enforce");
   device->descriptor_limits_probed = true;
out:
   pthread_mutex_unlock(&device->descriptor_probe_lock);
}

/* --- pools ------------------------------------------------------------------------------------ */

/* Whether the vendor pool must be made now: Kronos does not model its sets at all, or the
 * create info holds what Kronos does not copy for later. */
static bool
vendor_pool_now(const struct kr_device *device, const VkDescriptorPoolCreateInfo *info)
{
   if (!device->descriptors_modeled)
      return true;
   if (info->flags & ~VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT)
      return true; /* update after bind, host only ... */
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      if (s->sType != VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO)
         return true;
   }
   return false;
}

static VkResult
save_pool_info(struct kr_descriptor_pool *pool, const VkDescriptorPoolCreateInfo *info)
{
   if (info->poolSizeCount) {
      size_t size = sizeof(*pool->saved_sizes) * info->poolSizeCount;
      pool->saved_sizes = kr_alloc(pool->alloc, size, 8, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (!pool->saved_sizes)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      memcpy(pool->saved_sizes, info->pPoolSizes, size);
   }
   pool->saved_size_count = info->poolSizeCount;
   const VkDescriptorPoolInlineUniformBlockCreateInfo *inline_info =
      kr_chain_find(info->pNext, VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO);
   if (inline_info) {
      pool->saved_inline = true;
      pool->saved_inline_info = *inline_info;
      pool->saved_inline_info.pNext = NULL;
   }
   return VK_SUCCESS;
}

/* The vendor pool for vendor sets, made from the saved description on first use. */
static VkResult
ensure_vendor_pool(struct kr_device *device, struct kr_descriptor_pool *pool)
{
   if (pool->vendor)
      return VK_SUCCESS;
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .pNext = pool->saved_inline ? &pool->saved_inline_info : NULL,
      .flags = pool->flags,
      .maxSets = pool->budget.max_sets,
      .poolSizeCount = pool->saved_size_count,
      .pPoolSizes = pool->saved_sizes,
   };
   VkResult result = device->disp.CreateDescriptorPool(device->handle, &info, pool->alloc,
                                                       &pool->vendor);
   if (result != VK_SUCCESS) {
      kr_error("vkAllocateDescriptorSets: the vendor refused the descriptor pool for its "
               "sets (%d)", result);
      pool->vendor = VK_NULL_HANDLE;
      return result;
   }
   /* A name given before the vendor pool existed reaches it now. */
   const char *name = kr_object_name(&pool->base);
   if (name && device->disp.SetDebugUtilsObjectNameEXT) {
      const VkDebugUtilsObjectNameInfoEXT name_info = {
         .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT,
         .objectType = VK_OBJECT_TYPE_DESCRIPTOR_POOL,
         .objectHandle = (uint64_t)pool->vendor,
         .pObjectName = name,
      };
      device->disp.SetDebugUtilsObjectNameEXT(device->handle, &name_info);
   }
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateDescriptorPool(VkDevice _device, const VkDescriptorPoolCreateInfo *pCreateInfo,
                        const VkAllocationCallbacks *pAllocator, VkDescriptorPool *pDescriptorPool)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   if (device->descriptors_modeled)
      probe_limits(device);
   struct kr_descriptor_pool *pool = kr_zalloc(alloc, sizeof(*pool), 8,
                                               VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!pool)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&pool->base, VK_OBJECT_TYPE_DESCRIPTOR_POOL, device->alloc);
   pool->device = device;
   if (alloc) {
      pool->alloc_storage = *alloc;
      pool->alloc = &pool->alloc_storage;
   }
   pool->flags = pCreateInfo->flags;
   kr_pool_budget_init(&pool->budget, pCreateInfo,
                       device->descriptors_modeled && device->vendor_enforces_max_sets,
                       device->descriptors_modeled && device->vendor_enforces_pool_sizes);
   VkResult result;
   if (vendor_pool_now(device, pCreateInfo))
      result = device->disp.CreateDescriptorPool(device->handle, pCreateInfo, pool->alloc,
                                                 &pool->vendor);
   else
      result = save_pool_info(pool, pCreateInfo);
   if (result != VK_SUCCESS) {
      kr_free(alloc, pool->saved_sizes);
      kr_free(alloc, pool);
      return result;
   }
   *pDescriptorPool = kr_descriptor_pool_to_handle(pool);
   return VK_SUCCESS;
}

static void
unlink_set(struct kr_descriptor_pool *pool, struct kr_descriptor_set *set)
{
   if (set->prev)
      set->prev->next = set->next;
   else
      pool->sets = set->next;
   if (set->next)
      set->next->prev = set->prev;
}

/* Freed sets a pool keeps for reuse, at most. */
#define MAX_RECYCLED_SETS 1024u
/* Recycled sets looked at for one of the right size, at most. */
#define RECYCLED_SEARCH 8u

/* Lets go of what a kept set kept (its cache link): before its memory is freed or given to a
 * set of another layout. */
static void
drop_kept(struct kr_device *device, struct kr_descriptor_set *set)
{
   if (!set->kept)
      return;
   kr_descriptor_cache_forget_record(&device->descriptor_cache, &set->record);
   set->kept = false;
}

/* Whether a freed set keeps its content for the next set of its layout: a record Kronos binds
 * through the cache (not a vendor set's shadow) that can be reopened. */
static bool
keeps_content(const struct kr_descriptor_set *set)
{
   return set->is_record && kr_descriptor_record_can_reopen(&set->layout->model);
}

/* Frees Kronos's side of a set (its vendor set, if any, is the caller's to free), keeping its
 * memory for the pool's next set, with its content where it can be reopened. Sets go to the
 * front of the recycled list, so after a reset (which frees from the newest) the next
 * allocations find them in the order they were made: a framework's operation k gets the set
 * operation k had, which it usually writes with the same descriptors. */
static void
destroy_set(struct kr_device *device, struct kr_descriptor_pool *pool,
            struct kr_descriptor_set *set)
{
   bool keep = keeps_content(set) && pool->recycled_count < MAX_RECYCLED_SETS;
   if (!keep)
      kr_descriptor_cache_forget_record(&device->descriptor_cache, &set->record);
   set->kept_serial = set->layout->serial;
   kr_pool_budget_give(&pool->budget, &set->layout->model);
   /* The layout is let go even by a kept set: a layout the application destroys goes with its
    * last live set, cached vendor sets and all, whatever the pool keeps. A kept record's model
    * is that layout's, read again only when a set of that same layout (kept_serial) reopens
    * it. */
   kr_descriptor_set_layout_unuse(set->layout);
   set->layout = NULL;
   unlink_set(pool, set);
   kr_object_base_finish(&set->base);
   if (pool->recycled_count == MAX_RECYCLED_SETS) {
      kr_free(pool->alloc, set);
      return;
   }
   set->kept = keep;
   set->next = pool->recycled;
   pool->recycled = set;
   pool->recycled_count++;
}

/* Memory for a set of `layout` taking `size` bytes: a recycled set that kept the content of a
 * set of the same layout (*reopen: its record is to be reopened, not initialized), else zeroed
 * memory, recycled or new. */
static struct kr_descriptor_set *
take_set_memory(struct kr_device *device, struct kr_descriptor_pool *pool,
                const struct kr_descriptor_set_layout *layout, size_t size, bool *reopen)
{
   *reopen = false;
   struct kr_descriptor_set **sized = NULL;
   struct kr_descriptor_set **p = &pool->recycled;
   for (uint32_t i = 0; *p && i < RECYCLED_SEARCH; i++, p = &(*p)->next) {
      struct kr_descriptor_set *set = *p;
      if (set->kept && set->kept_serial == layout->serial) {
         *p = set->next;
         pool->recycled_count--;
         *reopen = true;
         return set;
      }
      if (!sized && set->size == size)
         sized = p;
   }
   if (sized) {
      struct kr_descriptor_set *set = *sized;
      *sized = set->next;
      pool->recycled_count--;
      drop_kept(device, set);
      memset(set, 0, size);
      set->size = size;
      return set;
   }
   struct kr_descriptor_set *set = kr_zalloc(pool->alloc, size, KR_CACHE_LINE,
                                             VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (set)
      set->size = size;
   return set;
}

static void
free_recycled(struct kr_device *device, struct kr_descriptor_pool *pool)
{
   while (pool->recycled) {
      struct kr_descriptor_set *set = pool->recycled;
      pool->recycled = set->next;
      drop_kept(device, set);
      kr_free(pool->alloc, set);
   }
   pool->recycled_count = 0;
}

static void
destroy_all_sets(struct kr_device *device, struct kr_descriptor_pool *pool)
{
   while (pool->sets)
      destroy_set(device, pool, pool->sets);
   kr_pool_budget_reset(&pool->budget);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyDescriptorPool(VkDevice _device, VkDescriptorPool descriptorPool,
                         const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   if (!descriptorPool)
      return;
   struct kr_descriptor_pool *pool = kr_descriptor_pool_from_handle(descriptorPool);
   destroy_all_sets(device, pool);
   free_recycled(device, pool);
   (void)pAllocator; /* the vendor pool was made with pool->alloc, perhaps later than this pool */
   if (pool->vendor)
      device->disp.DestroyDescriptorPool(device->handle, pool->vendor, pool->alloc);
   const VkAllocationCallbacks *alloc = pool->alloc;
   kr_free(alloc, pool->saved_sizes);
   kr_object_base_finish(&pool->base);
   kr_free(alloc, pool);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_ResetDescriptorPool(VkDevice _device, VkDescriptorPool descriptorPool,
                       VkDescriptorPoolResetFlags flags)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_descriptor_pool *pool = kr_descriptor_pool_from_handle(descriptorPool);
   destroy_all_sets(device, pool);
   if (pool->vendor)
      return device->disp.ResetDescriptorPool(device->handle, pool->vendor, flags);
   return VK_SUCCESS;
}

/* --- sets ------------------------------------------------------------------------------------- */

/* Kronos's side of a set of layout (a record, or the object that will hold a vendor set). */
static VkResult
allocate_set(struct kr_device *device, struct kr_descriptor_pool *pool,
             struct kr_descriptor_set_layout *layout, struct kr_descriptor_set **out)
{
   VkResult result = kr_pool_budget_take(&pool->budget, &layout->model);
   if (result != VK_SUCCESS)
      return result;
   bool record = layout->model.modeled || layout->shadowed;
   size_t size = sizeof(struct kr_descriptor_set) +
                 (record ? kr_descriptor_record_storage_size(&layout->model) : 0);
   bool reopen;
   struct kr_descriptor_set *set = take_set_memory(device, pool, layout, size, &reopen);
   if (!set) {
      kr_pool_budget_give(&pool->budget, &layout->model);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   kr_object_base_init(&set->base, VK_OBJECT_TYPE_DESCRIPTOR_SET, device->alloc);
   set->pool = pool;
   set->prev = NULL; /* a reopened set's memory holds its last links */
   set->layout = layout;
   set->is_record = layout->model.modeled;
   kr_descriptor_set_layout_use(layout);
   if (reopen) {
      set->kept = false;
      kr_descriptor_record_reopen(&set->record);
   } else {
      set->has_record = record;
      if (record)
         kr_descriptor_record_init_at(&set->record, &layout->model, set + 1);
   }
   set->next = pool->sets;
   if (pool->sets)
      pool->sets->prev = set;
   pool->sets = set;
   *out = set;
   return VK_SUCCESS;
}

/* The vendor sets of the call's sets that stay vendor sets, in one vendor call, so a refusal
 * leaves nothing to undo at the vendor (a pool without FREE_DESCRIPTOR_SET_BIT could not free
 * them one by one). */
static VkResult
allocate_vendor_sets(struct kr_device *device, struct kr_descriptor_pool *pool,
                     const VkDescriptorSetAllocateInfo *info, const VkDescriptorSet *sets)
{
   uint32_t count = info->descriptorSetCount, vendor_count = 0;
   for (uint32_t i = 0; i < count; i++)
      vendor_count += !kr_descriptor_set_from_handle(sets[i])->layout->model.modeled;
   if (!vendor_count)
      return VK_SUCCESS;
   VkResult result = ensure_vendor_pool(device, pool);
   if (result != VK_SUCCESS)
      return result;
   const VkDescriptorSetVariableDescriptorCountAllocateInfo *variable = kr_chain_find(
      info->pNext, VK_STRUCTURE_TYPE_DESCRIPTOR_SET_VARIABLE_DESCRIPTOR_COUNT_ALLOCATE_INFO);
   bool counts = variable && variable->descriptorSetCount;
   struct kr_scratch scratch;
   size_t each = sizeof(VkDescriptorSetLayout) + sizeof(VkDescriptorSet) + sizeof(uint32_t);
   uint8_t *memory = kr_scratch_get(&scratch, device->alloc, each * vendor_count);
   if (!memory)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   VkDescriptorSetLayout *layouts = (VkDescriptorSetLayout *)memory;
   VkDescriptorSet *vendor = (VkDescriptorSet *)(layouts + vendor_count);
   uint32_t *variable_counts = (uint32_t *)(vendor + vendor_count);
   uint32_t n = 0;
   for (uint32_t i = 0; i < count; i++) {
      const struct kr_descriptor_set *set = kr_descriptor_set_from_handle(sets[i]);
      if (set->layout->model.modeled)
         continue;
      layouts[n] = set->layout->handle;
      variable_counts[n++] = counts ? variable->pDescriptorCounts[i] : 0;
   }
   const VkDescriptorSetVariableDescriptorCountAllocateInfo vendor_variable = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_VARIABLE_DESCRIPTOR_COUNT_ALLOCATE_INFO,
      .descriptorSetCount = n,
      .pDescriptorCounts = variable_counts,
   };
   const VkDescriptorSetAllocateInfo vendor_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .pNext = counts ? &vendor_variable : NULL,
      .descriptorPool = pool->vendor,
      .descriptorSetCount = n,
      .pSetLayouts = layouts,
   };
   result = device->disp.AllocateDescriptorSets(device->handle, &vendor_info, vendor);
   if (result == VK_SUCCESS) {
      n = 0;
      for (uint32_t i = 0; i < count; i++) {
         struct kr_descriptor_set *set = kr_descriptor_set_from_handle(sets[i]);
         if (!set->layout->model.modeled)
            set->vendor = vendor[n++];
      }
   }
   kr_scratch_put(&scratch);
   return result;
}

/* Vendor sets freed per vendor call: a stack array, so freeing never needs memory (it may not
 * fail for lack of it). */
#define FREE_BATCH 64u

/* Frees the sets: their vendor sets in vendor calls of up to FREE_BATCH, then Kronos's side. */
static VkResult
free_sets(struct kr_device *device, struct kr_descriptor_pool *pool, uint32_t count,
          const VkDescriptorSet *sets)
{
   VkResult result = VK_SUCCESS;
   VkDescriptorSet vendor[FREE_BATCH];
   uint32_t vendor_count = 0;
   for (uint32_t i = 0; i < count; i++) {
      struct kr_descriptor_set *set = kr_descriptor_set_from_handle(sets[i]);
      if (set && set->vendor)
         vendor[vendor_count++] = set->vendor;
      if (vendor_count == FREE_BATCH || (i + 1 == count && vendor_count)) {
         VkResult r = device->disp.FreeDescriptorSets(device->handle, pool->vendor, vendor_count,
                                                      vendor);
         if (r != VK_SUCCESS)
            result = r;
         vendor_count = 0;
      }
   }
   for (uint32_t i = 0; i < count; i++) {
      if (sets[i])
         destroy_set(device, pool, kr_descriptor_set_from_handle(sets[i]));
   }
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_AllocateDescriptorSets(VkDevice _device, const VkDescriptorSetAllocateInfo *pAllocateInfo,
                          VkDescriptorSet *pDescriptorSets)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_descriptor_pool *pool = kr_descriptor_pool_from_handle(pAllocateInfo->descriptorPool);
   uint32_t count = pAllocateInfo->descriptorSetCount;
   VkResult result = VK_SUCCESS;
   uint32_t made = 0;
   for (; made < count; made++) {
      struct kr_descriptor_set *set;
      result = allocate_set(device, pool,
                            kr_descriptor_set_layout_from_handle(pAllocateInfo->pSetLayouts[made]),
                            &set);
      if (result != VK_SUCCESS)
         break;
      pDescriptorSets[made] = kr_descriptor_set_to_handle(set);
   }
   if (result == VK_SUCCESS)
      result = allocate_vendor_sets(device, pool, pAllocateInfo, pDescriptorSets);
   if (result == VK_SUCCESS)
      return VK_SUCCESS;
   /* As the spec says: on failure no set of the call remains and every handle is null. */
   if (result == VK_ERROR_OUT_OF_POOL_MEMORY || result == VK_ERROR_FRAGMENTED_POOL)
      kr_info("vkAllocateDescriptorSets: the pool has no room for %u sets (%d)", count, result);
   else
      kr_error("vkAllocateDescriptorSets: %u sets failed (%d)", count, result);
   for (uint32_t i = 0; i < made; i++)
      destroy_set(device, pool, kr_descriptor_set_from_handle(pDescriptorSets[i]));
   for (uint32_t i = 0; i < count; i++)
      pDescriptorSets[i] = VK_NULL_HANDLE;
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_FreeDescriptorSets(VkDevice _device, VkDescriptorPool descriptorPool,
                      uint32_t descriptorSetCount, const VkDescriptorSet *pDescriptorSets)
{
   struct kr_device *device = kr_device_from_handle(_device);
   return free_sets(device, kr_descriptor_pool_from_handle(descriptorPool), descriptorSetCount,
                    pDescriptorSets);
}
