/* SPDX-License-Identifier: MIT */
/* The compact, compute-only state of a physical device, and the pure functions that convert
 * between it and the full Vulkan structures. Nothing here calls Vulkan. */
#ifndef KR_COMPACT_H
#define KR_COMPACT_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_compact_tables.h"

#define KR_EXTENSION_WORDS ((KR_DEVICE_EXTENSION_COUNT + 63) / 64)

/* Device extensions as bits (enum kr_device_extension). */
struct kr_extension_set {
   uint64_t words[KR_EXTENSION_WORDS];
};

/* A queue family as Kronos reports it: compute, transfer, sparse and protected only. */
struct kr_queue_family {
   uint16_t flags; /* VkQueueFlags without graphics (and without video) */
   uint16_t count;
   uint8_t timestamp_valid_bits;
   uint8_t min_granularity_log2[3]; /* minImageTransferGranularity per axis, 0xff for 0 */
};

struct kr_memory_type {
   uint16_t flags; /* VkMemoryPropertyFlags */
   uint8_t heap;
};

struct kr_memory_heap {
   VkDeviceSize size;
   uint32_t flags; /* VkMemoryHeapFlags */
};

struct kr_memory_layout {
   uint8_t type_count;
   uint8_t heap_count;
   struct kr_memory_type types[VK_MAX_MEMORY_TYPES];
   struct kr_memory_heap heaps[VK_MAX_MEMORY_HEAPS];
};

/* --- feature sets ------------------------------------------------------------------------ */

static inline bool
kr_features_test(const struct kr_feature_set *set, unsigned bit)
{
   return (set->words[bit / 64] >> (bit % 64)) & 1;
}

static inline void
kr_features_set(struct kr_feature_set *set, unsigned bit, bool value)
{
   uint64_t mask = 1ull << (bit % 64);
   set->words[bit / 64] = value ? set->words[bit / 64] | mask : set->words[bit / 64] & ~mask;
}

/* set &= ~mask */
void kr_features_remove(struct kr_feature_set *set, const struct kr_feature_set *mask);

/* The first bit set in want but not in have, or -1 when want is a subset of have. */
int kr_features_first_missing(const struct kr_feature_set *want, const struct kr_feature_set *have);

/* The feature structure description for an sType (VkPhysicalDeviceFeatures2 excluded). */
const struct kr_struct_desc *kr_feature_struct_find(VkStructureType type);
const struct kr_struct_desc *kr_property_struct_find(VkStructureType type);

/* ORs the structure's VK_TRUE members into set. For kr_feature_structs[0], s points to a
 * VkPhysicalDeviceFeatures. */
void kr_features_read_struct(const struct kr_struct_desc *desc, const void *s,
                             struct kr_feature_set *set);

/* Writes every member of the structure from set (sType and pNext untouched). */
void kr_features_write_struct(const struct kr_struct_desc *desc, const struct kr_feature_set *set,
                              void *s);

/* Whether a structure is to be chained for a vendor of this API version with these extensions:
 * core at that version or offered by one of the extensions, and not carried by a
 * VkPhysicalDeviceVulkan1xFeatures structure of that version (chaining both is invalid). */
bool kr_struct_applies(const struct kr_struct_desc *desc, uint32_t api_version,
                       const struct kr_extension_set *extensions);

/* --- extension sets ---------------------------------------------------------------------- */

static inline bool
kr_extensions_test(const struct kr_extension_set *set, unsigned ext)
{
   return (set->words[ext / 64] >> (ext % 64)) & 1;
}

static inline void
kr_extensions_add(struct kr_extension_set *set, unsigned ext)
{
   set->words[ext / 64] |= 1ull << (ext % 64);
}

/* The index of a device extension Kronos may offer, or -1. */
int kr_device_extension_index(const char *name);

/* --- queue families and memory ------------------------------------------------------------ */

/* Compacts the vendor's queue families: the graphics bit goes (a graphics family keeps the
 * transfer capability that graphics implies), video bits go, and families left with no
 * capability are reported with no flags, or dropped when no capable family follows them, so
 * that Kronos's family indices equal the vendor's. Returns the number of families kept. */
uint32_t kr_queue_families_compact(const VkQueueFamilyProperties *full, uint32_t count,
                                   struct kr_queue_family *out);

void kr_queue_family_expand(const struct kr_queue_family *family, VkQueueFamilyProperties *full);

void kr_memory_compact(const VkPhysicalDeviceMemoryProperties *full,
                       struct kr_memory_layout *out);

void kr_memory_expand(const struct kr_memory_layout *layout,
                      VkPhysicalDeviceMemoryProperties *full);

#endif
