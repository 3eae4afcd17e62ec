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

/* Queue families Kronos captures from a vendor device; later ones are not offered. */
#define KR_MAX_QUEUE_FAMILIES 16

/* A queue family as Kronos reports it: compute, transfer, sparse and protected only. */
struct kr_queue_family {
   uint16_t flags; /* VkQueueFlags without graphics (and without video) */
   uint16_t count;
   uint8_t timestamp_valid_bits;
   uint8_t min_granularity_log2[3]; /* minImageTransferGranularity per axis, 0xff for 0 */
};

/* A vendor family index that Kronos does not report (to_kronos). */
#define KR_QUEUE_FAMILY_DROPPED 0xffu

/* What a family index that names no family becomes on the way to the vendor: beyond every
 * vendor's families, and none of the special values (VK_QUEUE_FAMILY_IGNORED, _EXTERNAL,
 * _FOREIGN_EXT), so the vendor treats it as the invalid index it is. */
#define KR_QUEUE_FAMILY_INVALID 0x7fffffffu

/* Kronos's family indices and the vendor's, both ways. Families that keep no capability are
 * not reported, so the families after them have a smaller index on Kronos than on the vendor. */
struct kr_queue_family_map {
   uint8_t count;        /* families Kronos reports */
   uint8_t vendor_count; /* families the vendor reports (at most KR_MAX_QUEUE_FAMILIES) */
   /* Every family is reported: each index, valid or not, means the same on both sides and
    * nothing needs translating (lavapipe, and most GPUs without video queues). */
   bool identity;
   uint8_t to_vendor[KR_MAX_QUEUE_FAMILIES]; /* by Kronos index */
   uint8_t to_kronos[KR_MAX_QUEUE_FAMILIES]; /* by vendor index; KR_QUEUE_FAMILY_DROPPED */
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

/* Every feature a vendor device's feature chain can carry at this API version with these
 * extensions enabled: VkPhysicalDeviceFeatures's and those of each structure that applies
 * (kr_struct_applies). A feature outside it cannot reach the vendor. */
void kr_features_carried(uint32_t api_version, const struct kr_extension_set *extensions,
                         struct kr_feature_set *carried);

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

/* --- API versions ------------------------------------------------------------------------ */

/* The version a vendor instance is created with: the application's, so that the vendor sees
 * what it would see directly (a driver may compile shaders or otherwise behave differently by
 * the version an instance asks for), but at least 1.3, whose synchronization2 and timeline
 * semaphores Kronos's submit batching uses itself, and at most `ceiling` (the lower of the
 * vendor's instance version and KR_API_VERSION). */
uint32_t kr_vendor_instance_version(uint32_t application_version, uint32_t ceiling);

/* The version a physical device's functionality has under an instance: the device's, within the
 * instance's major.minor (the spec's rule for physical-device-level functionality). */
uint32_t kr_effective_api_version(uint32_t instance_version, uint32_t device_version);

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
 * transfer capability that graphics implies), video and optical-flow bits go, and families left
 * with no capability are not reported at all (kr_queue_family_map_init says where the others
 * went). Returns the number of families reported. */
uint32_t kr_queue_families_compact(const VkQueueFamilyProperties *full, uint32_t count,
                                   struct kr_queue_family *out);

/* The index map for the families kr_queue_families_compact reports (count at most
 * KR_MAX_QUEUE_FAMILIES). */
void kr_queue_family_map_init(struct kr_queue_family_map *map, const VkQueueFamilyProperties *full,
                              uint32_t count);

static inline bool
kr_queue_family_is_special(uint32_t index)
{
   return index == VK_QUEUE_FAMILY_IGNORED || index == VK_QUEUE_FAMILY_EXTERNAL ||
          index == VK_QUEUE_FAMILY_FOREIGN_EXT;
}

/* The vendor's index for a Kronos family index. Special values pass unchanged; an index that
 * names no family becomes KR_QUEUE_FAMILY_INVALID. */
static inline uint32_t
kr_queue_family_to_vendor(const struct kr_queue_family_map *map, uint32_t index)
{
   if (map->identity || kr_queue_family_is_special(index))
      return index;
   return index < map->count ? map->to_vendor[index] : KR_QUEUE_FAMILY_INVALID;
}

/* Kronos's index for a vendor family index: special values pass unchanged; a family Kronos
 * does not report, or no family at all, gives KR_QUEUE_FAMILY_INVALID. */
static inline uint32_t
kr_queue_family_to_kronos(const struct kr_queue_family_map *map, uint32_t vendor_index)
{
   if (map->identity || kr_queue_family_is_special(vendor_index))
      return vendor_index;
   if (vendor_index >= map->vendor_count || map->to_kronos[vendor_index] == KR_QUEUE_FAMILY_DROPPED)
      return KR_QUEUE_FAMILY_INVALID;
   return map->to_kronos[vendor_index];
}

void kr_queue_family_expand(const struct kr_queue_family *family, VkQueueFamilyProperties *full);

void kr_memory_compact(const VkPhysicalDeviceMemoryProperties *full,
                       struct kr_memory_layout *out);

void kr_memory_expand(const struct kr_memory_layout *layout,
                      VkPhysicalDeviceMemoryProperties *full);

#endif
