/* SPDX-License-Identifier: MIT */
/* The sub-allocator: carves ranges out of one block of `size` bytes (a vendor memory block of
 * the memory pool) with TLSF, two-level segregated fit. It works on offsets only and never
 * touches the memory it manages; its own metadata comes from the VkAllocationCallbacks it is
 * given. Not thread-safe: the caller serializes calls on one allocator.
 *
 * Free ranges sit in size-class lists: a first level per power of two and 32 linear second-level
 * classes within each, with a bitmap per level, so that finding a free range big enough for a
 * request is a few bit scans. Every range, free or allocated, is a node linked to its physical
 * neighbours, so that a freed range merges with free neighbours at once: the block never holds
 * two free ranges side by side.
 *
 * Costs: kr_suballoc_free is O(1). kr_suballoc_alloc is O(1) (two bitmap searches) when the
 * first range of the good-fit class fits (always so without alignment), or when some free range
 * lies in a class whose ranges all have size + alignment - 1 bytes (such a range fits at any
 * offset). Only when both fail does it walk the free ranges of the classes in between, so that
 * it reports VK_ERROR_OUT_OF_DEVICE_MEMORY only when no free range can hold the request: that
 * walk costs microseconds at worst, a false "full" would cost the pool a vendor allocation
 * (hundreds of microseconds).
 *
 * Alignment is met by the offset: the gap before the aligned offset becomes a free range of its
 * own when it is at least KR_SUBALLOC_MIN_FRAGMENT bytes, else it is padding inside the
 * allocation; so is a remainder after the allocation smaller than that.
 *
 * bufferImageGranularity: each allocation has a kind. A non-linear allocation (an image with
 * VK_IMAGE_TILING_OPTIMAL) is placed at an offset aligned to the granularity and holds every
 * byte up to its end rounded up to the granularity. Every granularity page that it touches thus
 * lies wholly inside its own range, which no other allocation overlaps, so no linear allocation
 * (buffers, linear images) can share a page with it, whatever the neighbours are. This costs
 * less than one page per non-linear allocation, which is rare in a compute driver, and needs no
 * look at the neighbours, unlike VMA's neighbour checks. Linear allocations are never rounded.
 */
#ifndef KR_SUBALLOC_H
#define KR_SUBALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

/* The largest block: keeps size + alignment arithmetic far from overflow. */
#define KR_SUBALLOC_MAX_SIZE ((VkDeviceSize)1 << 62)

/* Gaps smaller than this before or after an allocation are padding inside it, not free ranges
 * of their own: smaller than any useful GPU allocation, not worth a node and a list entry. */
#define KR_SUBALLOC_MIN_FRAGMENT ((VkDeviceSize)256)

enum kr_suballoc_kind {
   /* Buffers and VK_IMAGE_TILING_LINEAR images. */
   KR_SUBALLOC_LINEAR,
   /* VK_IMAGE_TILING_OPTIMAL images: kept off every granularity page a linear one touches. */
   KR_SUBALLOC_NONLINEAR,
};

/* Opaque: a range of the block, free or allocated. */
struct kr_suballoc_node;
struct kr_suballoc_chunk;

/* An allocation. offset is the aligned offset to bind at, size the size asked for; node frees
 * it in O(1). */
struct kr_suballoc_range {
   VkDeviceSize offset;
   VkDeviceSize size;
   struct kr_suballoc_node *node;
};

struct kr_suballoc {
   VkDeviceSize size;
   VkDeviceSize granularity;
   /* Alignments above this (the block size rounded up to a power of two) allow offset 0 only,
    * as this one does; requests are clamped to it. */
   VkDeviceSize max_alignment;
   /* Bytes held by allocations, padding included: used + free == size at all times. */
   VkDeviceSize used;
   uint32_t allocation_count;
   uint32_t free_count;

   /* Size classes: fl_count first-level classes of 32 second-level lists each. */
   uint32_t fl_count;
   uint64_t fl_bitmap;
   uint32_t *sl_bitmap;
   struct kr_suballoc_node **heads;

   /* The node at offset 0: always the same one (splits keep the low part, merges the lower). */
   struct kr_suballoc_node *first;

   /* Node storage: chunks from the callbacks, never returned before kr_suballoc_finish. */
   struct kr_suballoc_chunk *chunks;
   struct kr_suballoc_node *spare;
   uint32_t spare_count;
   uint32_t node_count;

   const VkAllocationCallbacks *alloc;
};

/* One free range covering the block. granularity is bufferImageGranularity (0 reads as 1) and
 * must be a power of two; size must be 1 .. KR_SUBALLOC_MAX_SIZE. VK_ERROR_INITIALIZATION_FAILED
 * for other values, VK_ERROR_OUT_OF_HOST_MEMORY when the callbacks fail; either way nothing is
 * left allocated. */
VkResult kr_suballoc_init(struct kr_suballoc *a, VkDeviceSize size, VkDeviceSize granularity,
                          const VkAllocationCallbacks *alloc);

/* Frees all metadata. Allocations still live are forgotten with it. */
void kr_suballoc_finish(struct kr_suballoc *a);

/* Places size bytes at an offset that is a multiple of alignment (a power of two; 0 reads as
 * 1). VK_ERROR_OUT_OF_DEVICE_MEMORY when no free range can hold them, and also for size 0, an
 * alignment that is not a power of two or an unknown kind (nothing can be placed);
 * VK_ERROR_OUT_OF_HOST_MEMORY when metadata could not be allocated. On failure nothing
 * changes and *out is left alone. */
VkResult kr_suballoc_alloc(struct kr_suballoc *a, VkDeviceSize size, VkDeviceSize alignment,
                           enum kr_suballoc_kind kind, struct kr_suballoc_range *out);

/* Gives the range back; it merges with free neighbours. A range with no node is ignored. */
void kr_suballoc_free(struct kr_suballoc *a, const struct kr_suballoc_range *range);

static inline VkDeviceSize
kr_suballoc_bytes_used(const struct kr_suballoc *a)
{
   return a->used;
}

static inline VkDeviceSize
kr_suballoc_bytes_free(const struct kr_suballoc *a)
{
   return a->size - a->used;
}

static inline uint32_t
kr_suballoc_allocation_count(const struct kr_suballoc *a)
{
   return a->allocation_count;
}

/* Free ranges: 1 for an empty block, more when fragmented. */
static inline uint32_t
kr_suballoc_free_range_count(const struct kr_suballoc *a)
{
   return a->free_count;
}

static inline bool
kr_suballoc_is_empty(const struct kr_suballoc *a)
{
   return a->allocation_count == 0;
}

/* The size of the largest free range (0 when full): looks through the top size class only. */
VkDeviceSize kr_suballoc_largest_free(const struct kr_suballoc *a);

/* Checks every invariant (physical chain, lists, bitmaps, accounting, node storage) in O(nodes):
 * NULL when consistent, else what is broken. For tests and debugging. */
const char *kr_suballoc_check(const struct kr_suballoc *a);

#endif
