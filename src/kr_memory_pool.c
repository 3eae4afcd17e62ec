/* SPDX-License-Identifier: MIT */
#include "kr_memory_pool.h"

#include <string.h>

#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_settings.h"
#include "kr_util.h"

#define MiB ((VkDeviceSize)1 << 20)
/* VMA's sizing: 256 MiB blocks, 1/8 of heaps under 1 GiB. The first block of a type is 1 MiB
 * (or what its first allocation needs), each next one twice the last: a vendor allocation costs
 * time in proportion to its size (drivers clear every page, and pin host-visible ones), so a
 * program that uses little memory pays for little, and a large one still reaches full blocks
 * in a few steps. */
#define KR_POOL_LARGE_HEAP (1024 * MiB)
#define KR_POOL_BLOCK_SIZE (256 * MiB)
#define KR_POOL_MIN_BLOCK_SIZE (1 * MiB)

static VkDeviceSize
round_up(VkDeviceSize value, VkDeviceSize alignment)
{
   return (value + alignment - 1) & ~(alignment - 1);
}

static VkDeviceSize
pow2_at_least(VkDeviceSize value)
{
   VkDeviceSize p = 1;
   while (p < value)
      p <<= 1;
   return p;
}

VkResult
kr_vendor_allocate(struct kr_device *device, const VkMemoryAllocateInfo *info,
                   const VkAllocationCallbacks *alloc, VkDeviceMemory *out)
{
   struct kr_memory_pools *pools = &device->pools;
   if (info->allocationSize > pools->vendor_max_size) {
      kr_debug("vendor allocation of %llu bytes refused (%s)",
               (unsigned long long)info->allocationSize,
               kr_setting_name(KR_SETTING_VENDOR_MAX_ALLOCATION_SIZE));
      return VK_ERROR_OUT_OF_DEVICE_MEMORY;
   }
   uint32_t live = atomic_fetch_add_explicit(&pools->vendor_live, 1, memory_order_relaxed);
   if (live >= pools->vendor_limit) {
      atomic_fetch_sub_explicit(&pools->vendor_live, 1, memory_order_relaxed);
      return VK_ERROR_TOO_MANY_OBJECTS;
   }
   kr_stats_add(&device->stats, KR_STAT_VENDOR_ALLOCATIONS, 1);
   VkResult result = device->disp.AllocateMemory(device->handle, info, alloc, out);
   if (result != VK_SUCCESS)
      atomic_fetch_sub_explicit(&pools->vendor_live, 1, memory_order_relaxed);
   return result;
}

void
kr_vendor_free(struct kr_device *device, VkDeviceMemory memory, const VkAllocationCallbacks *alloc)
{
   kr_stats_add(&device->stats, KR_STAT_VENDOR_FREES, 1);
   device->disp.FreeMemory(device->handle, memory, alloc);
   atomic_fetch_sub_explicit(&device->pools.vendor_live, 1, memory_order_relaxed);
}

/* The largest alignment the vendor asks of a buffer, or of an optimal-tiling image, created with
 * these flags; *complete says whether it created every one it was asked for. */
static VkDeviceSize
probe_alignment(struct kr_device *device, VkBufferCreateFlags buffer_flags,
                VkImageCreateFlags image_flags, bool *complete)
{
   VkDeviceSize alignment = 0;
   *complete = true;
   const VkBufferCreateInfo buffer_info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .flags = buffer_flags,
      .size = 64 * 1024,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT |
               VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT |
               VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT,
   };
   VkBuffer buffer;
   if (device->disp.CreateBuffer(device->handle, &buffer_info, device->alloc, &buffer) ==
       VK_SUCCESS) {
      VkMemoryRequirements req;
      device->disp.GetBufferMemoryRequirements(device->handle, buffer, &req);
      alignment = KR_MAX(alignment, req.alignment);
      device->disp.DestroyBuffer(device->handle, buffer, device->alloc);
   } else {
      *complete = false;
   }
   static const VkFormat formats[] = {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_R32G32B32A32_SFLOAT};
   for (unsigned i = 0; i < KR_ARRAY_SIZE(formats); i++) {
      const VkImageCreateInfo image_info = {
         .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
         .flags = image_flags,
         .imageType = VK_IMAGE_TYPE_2D,
         .format = formats[i],
         .extent = {1024, 1024, 1},
         .mipLevels = 1,
         .arrayLayers = 1,
         .samples = VK_SAMPLE_COUNT_1_BIT,
         .tiling = VK_IMAGE_TILING_OPTIMAL,
         .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                  VK_IMAGE_USAGE_TRANSFER_DST_BIT,
      };
      VkImage image;
      if (device->disp.CreateImage(device->handle, &image_info, device->alloc, &image) !=
          VK_SUCCESS) {
         *complete = false;
         continue;
      }
      VkMemoryRequirements req;
      device->disp.GetImageMemoryRequirements(device->handle, image, &req);
      alignment = KR_MAX(alignment, req.alignment);
      device->disp.DestroyImage(device->handle, image, device->alloc);
   }
   return alignment;
}

/* The alignment of every pooled allocation: the largest the vendor asks of what the application
 * may bind there, so that whatever it binds at offset 0 (or at its own aligned offsets) is
 * aligned in the block too. Where the device binds sparse memory, that includes sparse buffers
 * and images, whose pages are often larger (64 KiB on Mesa 25's lavapipe): a sparse bind's memoryOffset
 * must be a multiple of its resource's alignment (VUID-VkSparseMemoryBind-resourceOffset-09491,
 * -09492), and an image's tail page may go into an allocation smaller than a page, so no
 * allocation size is safe from it. */
static VkDeviceSize
resource_alignment(struct kr_device *device)
{
   const struct kr_compact_limits *limits = &device->physical->state.limits;
   VkDeviceSize alignment = KR_MAX((VkDeviceSize)4096, limits->nonCoherentAtomSize);
   alignment = KR_MAX(alignment, (VkDeviceSize)limits->minMemoryMapAlignment);
   alignment = KR_MAX(alignment, limits->bufferImageGranularity);
   /* Each probe once, into a variable: KR_MAX evaluates its arguments twice. */
   bool complete;
   VkDeviceSize probed = probe_alignment(device, 0, 0, &complete);
   alignment = KR_MAX(alignment, probed);

   const struct kr_feature_set *enabled = &device->enabled_features;
   if (!kr_features_test(enabled, KR_FEATURE_sparseBinding))
      return pow2_at_least(alignment);
   probed = probe_alignment(device, VK_BUFFER_CREATE_SPARSE_BINDING_BIT,
                            VK_IMAGE_CREATE_SPARSE_BINDING_BIT, &complete);
   bool sparse_complete = complete;
   alignment = KR_MAX(alignment, probed);
   /* Resident (partially bound) resources may ask for other pages. */
   VkBufferCreateFlags buffer_residency =
      kr_features_test(enabled, KR_FEATURE_sparseResidencyBuffer)
         ? VK_BUFFER_CREATE_SPARSE_BINDING_BIT | VK_BUFFER_CREATE_SPARSE_RESIDENCY_BIT
         : 0;
   VkImageCreateFlags image_residency =
      kr_features_test(enabled, KR_FEATURE_sparseResidencyImage2D)
         ? VK_IMAGE_CREATE_SPARSE_BINDING_BIT | VK_IMAGE_CREATE_SPARSE_RESIDENCY_BIT
         : 0;
   if (buffer_residency || image_residency) {
      probed = probe_alignment(device, buffer_residency, image_residency, &complete);
      sparse_complete = sparse_complete && complete;
      alignment = KR_MAX(alignment, probed);
   }
   if (!sparse_complete) {
      /* A sparse or resident resource the vendor would not make (out of memory, or a format it has no
       * sparse images of) told nothing: 64 KiB, the standard sparse block size, at least. */
      kr_debug("memory pools: a sparse probe resource was refused; aligning to 64 KiB at least");
      alignment = KR_MAX(alignment, (VkDeviceSize)64 * 1024);
   }
   return pow2_at_least(alignment);
}

VkResult
kr_memory_pools_init(struct kr_device *device)
{
   struct kr_memory_pools *pools = &device->pools;
   const struct kr_physical_device_state *state = &device->physical->state;
   pools->enabled = kr_optimization_enabled(KR_OPT_POOL);
   pools->granularity = pow2_at_least(KR_MAX(state->limits.bufferImageGranularity, 1));
   pools->alignment = pools->enabled ? resource_alignment(device) : 1;
   pools->device_address = kr_features_test(&device->enabled_features,
                                            KR_FEATURE_bufferDeviceAddress);
   pools->vendor_limit = (uint32_t)KR_MIN(
      (unsigned long)state->limits.maxMemoryAllocationCount,
      kr_setting_number(KR_SETTING_VENDOR_MAX_ALLOCATIONS, UINT32_MAX));
   pools->vendor_max_size = kr_setting_number(KR_SETTING_VENDOR_MAX_ALLOCATION_SIZE, UINT64_MAX);
   atomic_init(&pools->vendor_live, 0);
   pools->type_count = state->memory.type_count;
   for (uint32_t i = 0; i < pools->type_count; i++) {
      struct kr_memory_type_pool *pool = &pools->types[i];
      VkDeviceSize heap = state->memory.heaps[state->memory.types[i].heap].size;
      pool->flags = state->memory.types[i].flags;
      pool->preferred_block_size =
         heap >= KR_POOL_LARGE_HEAP ? KR_POOL_BLOCK_SIZE
                                    : KR_MAX(round_up(heap / 8, MiB), KR_POOL_MIN_BLOCK_SIZE);
      pool->next_block_size = KR_POOL_MIN_BLOCK_SIZE; /* preferred_block_size is never less */
      if (pthread_mutex_init(&pool->lock, NULL) != 0) {
         for (uint32_t j = 0; j < i; j++)
            pthread_mutex_destroy(&pools->types[j].lock);
         pools->type_count = 0;
         return VK_ERROR_INITIALIZATION_FAILED;
      }
   }
   kr_debug("memory pools %s: alignment %llu, granularity %llu, vendor allocation limit %u",
            pools->enabled ? "on" : "off", (unsigned long long)pools->alignment,
            (unsigned long long)pools->granularity, pools->vendor_limit);
   return VK_SUCCESS;
}

static void
destroy_block(struct kr_device *device, struct kr_memory_block *block)
{
   if (block->map)
      device->disp.UnmapMemory(device->handle, block->vendor);
   kr_vendor_free(device, block->vendor, device->alloc);
   kr_suballoc_finish(&block->suballoc);
   atomic_fetch_sub_explicit(&device->stats.counters[KR_STAT_POOL_BYTES_RESERVED], block->size,
                             memory_order_relaxed);
   kr_free(device->alloc, block);
}

void
kr_memory_pools_finish(struct kr_device *device)
{
   struct kr_memory_pools *pools = &device->pools;
   for (uint32_t i = 0; i < pools->type_count; i++) {
      struct kr_memory_type_pool *pool = &pools->types[i];
      for (struct kr_memory_block *block = pool->blocks, *next; block; block = next) {
         next = block->next;
         destroy_block(device, block);
      }
      pool->blocks = NULL;
      pthread_mutex_destroy(&pool->lock);
   }
   pools->type_count = 0;
}

bool
kr_memory_pool_accepts(const struct kr_device *device, uint32_t type, VkDeviceSize size)
{
   const struct kr_memory_pools *pools = &device->pools;
   if (!pools->enabled || type >= pools->type_count)
      return false;
   const struct kr_memory_type_pool *pool = &pools->types[type];
   if (pool->flags & (VK_MEMORY_PROPERTY_PROTECTED_BIT | VK_MEMORY_PROPERTY_LAZILY_ALLOCATED_BIT))
      return false;
   return size <= pool->preferred_block_size / 2;
}

static VkResult
create_block(struct kr_device *device, uint32_t type, VkDeviceSize size,
             struct kr_memory_block **out)
{
   struct kr_memory_pools *pools = &device->pools;
   struct kr_memory_block *block = kr_zalloc(device->alloc, sizeof(*block), 8,
                                             VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!block)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   const VkMemoryAllocateFlagsInfo flags = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO,
      .flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT,
   };
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = pools->device_address ? &flags : NULL,
      .allocationSize = size,
      .memoryTypeIndex = type,
   };
   VkResult result = kr_vendor_allocate(device, &info, device->alloc, &block->vendor);
   if (result != VK_SUCCESS)
      goto fail_free;
   block->size = size;
   if (pools->types[type].flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
      void *map;
      result = device->disp.MapMemory(device->handle, block->vendor, 0, VK_WHOLE_SIZE, 0, &map);
      if (result != VK_SUCCESS)
         goto fail_memory;
      block->map = map;
   }
   result = kr_suballoc_init(&block->suballoc, size, pools->granularity, device->alloc);
   if (result != VK_SUCCESS)
      goto fail_map;
   kr_stats_add(&device->stats, KR_STAT_POOL_BYTES_RESERVED, size);
   *out = block;
   return VK_SUCCESS;

fail_map:
   if (block->map)
      device->disp.UnmapMemory(device->handle, block->vendor);
fail_memory:
   kr_vendor_free(device, block->vendor, device->alloc);
fail_free:
   kr_free(device->alloc, block);
   return result;
}

/* A new block with room for size bytes: the pool's next size, halved while the vendor is out
 * of memory (but never below what the request needs). */
static VkResult
grow_pool(struct kr_device *device, uint32_t type, VkDeviceSize size,
          struct kr_memory_block **out)
{
   struct kr_memory_type_pool *pool = &device->pools.types[type];
   VkDeviceSize needed = round_up(size, device->pools.alignment) + device->pools.alignment;
   VkDeviceSize block_size = pool->next_block_size;
   while (block_size < 2 * needed && block_size < pool->preferred_block_size)
      block_size *= 2;
   block_size = KR_MAX(block_size, round_up(needed, MiB));
   bool refused = false;
   for (;;) {
      VkResult result = create_block(device, type, block_size, out);
      if (result == VK_SUCCESS) {
         /* After a refusal, stay at the size the vendor gave rather than ask again. */
         pool->next_block_size =
            refused ? block_size
                    : KR_MIN(pool->preferred_block_size,
                             KR_MAX(pool->next_block_size, block_size * 2));
         (*out)->next = pool->blocks;
         pool->blocks = *out;
         return VK_SUCCESS;
      }
      if ((result != VK_ERROR_OUT_OF_DEVICE_MEMORY && result != VK_ERROR_OUT_OF_HOST_MEMORY) ||
          block_size / 2 < needed)
         return result;
      kr_info("vendor refused a %llu-byte block of memory type %u: trying half",
              (unsigned long long)block_size, type);
      block_size /= 2;
      refused = true;
   }
}

VkResult
kr_memory_pool_allocate(struct kr_device *device, uint32_t type, VkDeviceSize size,
                        struct kr_memory *memory)
{
   struct kr_memory_pools *pools = &device->pools;
   struct kr_memory_type_pool *pool = &pools->types[type];
   /* Whole atoms (flush ranges round up inside the allocation) and whole alignment units. */
   VkDeviceSize reserved = round_up(size, pools->alignment);
   enum kr_suballoc_kind kind = pools->granularity > 1 ? KR_SUBALLOC_NONLINEAR
                                                       : KR_SUBALLOC_LINEAR;
   VkResult result = VK_ERROR_OUT_OF_DEVICE_MEMORY;

   pthread_mutex_lock(&pool->lock);
   struct kr_memory_block *block = pool->blocks;
   for (; block; block = block->next) {
      bool was_empty = kr_suballoc_is_empty(&block->suballoc);
      result = kr_suballoc_alloc(&block->suballoc, reserved, pools->alignment, kind,
                                 &memory->range);
      if (result == VK_SUCCESS) {
         if (was_empty)
            pool->empty_bytes -= block->size;
         break;
      }
      if (result == VK_ERROR_OUT_OF_HOST_MEMORY)
         goto done;
   }
   if (!block) {
      result = grow_pool(device, type, size, &block);
      if (result != VK_SUCCESS)
         goto done;
      result = kr_suballoc_alloc(&block->suballoc, reserved, pools->alignment, kind,
                                 &memory->range);
      if (result != VK_SUCCESS) {
         pool->empty_bytes += block->size; /* the new block stays, empty, for the next request */
         goto done;
      }
   }
   memory->block = block;
   memory->vendor = block->vendor;
   memory->offset = memory->range.offset;
   kr_stats_add(&device->stats, KR_STAT_POOL_BYTES_IN_USE, reserved);
done:
   pthread_mutex_unlock(&pool->lock);
   return result;
}

/* Empty blocks stay for reuse up to the size of the type's next block (the largest of them
 * always): the blocks grow by doubling, so the ones a round of allocations grew stay for the
 * next round together (an allocate/free loop reaches no vendor call), and what stays is never
 * more than one full block. Beyond that, the smallest empty blocks go. Called with the pool's
 * lock held. */
static void
trim_empty_blocks(struct kr_device *device, struct kr_memory_type_pool *pool)
{
   while (pool->empty_bytes > pool->next_block_size) {
      struct kr_memory_block **smallest = NULL;
      uint32_t empty = 0;
      for (struct kr_memory_block **link = &pool->blocks; *link; link = &(*link)->next) {
         if (!kr_suballoc_is_empty(&(*link)->suballoc))
            continue;
         empty++;
         if (!smallest || (*link)->size < (*smallest)->size)
            smallest = link;
      }
      if (empty < 2)
         return;
      struct kr_memory_block *victim = *smallest;
      *smallest = victim->next;
      pool->empty_bytes -= victim->size;
      destroy_block(device, victim);
   }
}

bool
kr_memory_pools_release_empty(struct kr_device *device)
{
   struct kr_memory_pools *pools = &device->pools;
   bool released = false;
   for (uint32_t i = 0; i < pools->type_count; i++) {
      struct kr_memory_type_pool *pool = &pools->types[i];
      pthread_mutex_lock(&pool->lock);
      for (struct kr_memory_block **link = &pool->blocks; *link;) {
         struct kr_memory_block *block = *link;
         if (!kr_suballoc_is_empty(&block->suballoc)) {
            link = &block->next;
            continue;
         }
         *link = block->next;
         pool->empty_bytes -= block->size;
         destroy_block(device, block);
         released = true;
      }
      pthread_mutex_unlock(&pool->lock);
   }
   return released;
}

void
kr_memory_pool_free(struct kr_device *device, struct kr_memory *memory)
{
   struct kr_memory_type_pool *pool = &device->pools.types[memory->type];
   struct kr_memory_block *block = memory->block;
   atomic_fetch_sub_explicit(&device->stats.counters[KR_STAT_POOL_BYTES_IN_USE],
                             memory->range.size, memory_order_relaxed);
   pthread_mutex_lock(&pool->lock);
   kr_suballoc_free(&block->suballoc, &memory->range);
   if (kr_suballoc_is_empty(&block->suballoc)) {
      pool->empty_bytes += block->size;
      trim_empty_blocks(device, pool);
   }
   pthread_mutex_unlock(&pool->lock);
}
