/* SPDX-License-Identifier: MIT */
/* The 3-pool memory allocator: application allocations carved out of large vendor blocks,
 * one list of blocks per memory type (types fall into the DEVICE_LOCAL, HOST_VISIBLE|COHERENT
 * upload and HOST_VISIBLE|CACHED readback pools by their flags; each type's blocks are its
 * own). Host-visible blocks are mapped once and stay mapped. */
#ifndef KR_MEMORY_POOL_H
#define KR_MEMORY_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <vulkan/vulkan.h>

#include "kr_object.h"
#include "kr_suballoc.h"

struct kr_device;

struct kr_memory_block {
   struct kr_memory_block *next;
   VkDeviceMemory vendor;
   VkDeviceSize size;
   uint8_t *map; /* the whole block, for host-visible types */
   struct kr_suballoc suballoc;
};

struct kr_memory_type_pool {
   pthread_mutex_t lock;
   struct kr_memory_block *blocks;
   VkDeviceSize empty_bytes; /* of the empty blocks kept for reuse */
   VkDeviceSize preferred_block_size;
   VkDeviceSize next_block_size; /* first blocks are smaller, growing to the preferred size */
   VkMemoryPropertyFlags flags;
};

struct kr_memory_pools {
   bool enabled;
   VkDeviceSize alignment;   /* of every allocation: satisfies any resource the app binds */
   VkDeviceSize granularity; /* bufferImageGranularity */
   bool device_address;      /* blocks carry VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT */
   uint32_t vendor_limit;    /* live vendor allocations Kronos may make */
   VkDeviceSize vendor_max_size; /* larger vendor allocations count as refused */
   _Atomic uint32_t vendor_live;
   uint32_t type_count;
   struct kr_memory_type_pool types[VK_MAX_MEMORY_TYPES];
};

/* One application VkDeviceMemory. */
struct kr_memory {
   struct kr_object_base base; /* its own name and private data, pooled or not */
   VkDeviceMemory vendor;  /* the vendor memory holding it: a block's, or its own */
   VkDeviceSize offset;    /* of the allocation in the vendor memory (0 for its own) */
   VkDeviceSize size;
   uint32_t type;
   struct kr_memory_block *block; /* NULL: a vendor allocation of its own (passed through) */
   struct kr_suballoc_range range;
   /* Imported or exportable: other allocations may alias its bytes, so the barrier policy does
    * not track buffers bound to it. */
   bool external;
};

/* Sets up the pools for a created device (queries the vendor for resource alignments). */
VkResult kr_memory_pools_init(struct kr_device *device);

/* Frees every block (the application must have freed its memory). */
void kr_memory_pools_finish(struct kr_device *device);

/* A vendor vkAllocateMemory, counted and held to the vendor allocation limit
 * (VK_ERROR_TOO_MANY_OBJECTS beyond it). */
VkResult kr_vendor_allocate(struct kr_device *device, const VkMemoryAllocateInfo *info,
                            const VkAllocationCallbacks *alloc, VkDeviceMemory *out);
void kr_vendor_free(struct kr_device *device, VkDeviceMemory memory,
                    const VkAllocationCallbacks *alloc);

/* Serves an allocation from the type's blocks, making a block when none has room.
 * VK_ERROR_OUT_OF_DEVICE_MEMORY (or the vendor's error) when no block can be had: the caller
 * then falls back to an allocation of its own. */
VkResult kr_memory_pool_allocate(struct kr_device *device, uint32_t type, VkDeviceSize size,
                                 struct kr_memory *memory);
void kr_memory_pool_free(struct kr_device *device, struct kr_memory *memory);

/* Destroys every empty block kept for reuse, of every memory type (takes each type's lock in
 * turn: call it holding none). Whether any was destroyed. For an allocation the vendor refused
 * (out of memory, or at the vendor allocation limit): the empty blocks may be what is in the
 * way. */
bool kr_memory_pools_release_empty(struct kr_device *device);

/* Whether an allocation of this size and type may be pooled at all. */
bool kr_memory_pool_accepts(const struct kr_device *device, uint32_t type, VkDeviceSize size);

#endif
