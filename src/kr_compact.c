/* SPDX-License-Identifier: MIT */
#include "kr_compact.h"

#include <string.h>

#include "kr_util.h"

void
kr_features_remove(struct kr_feature_set *set, const struct kr_feature_set *mask)
{
   for (unsigned i = 0; i < KR_FEATURE_WORDS; i++)
      set->words[i] &= ~mask->words[i];
}

int
kr_features_first_missing(const struct kr_feature_set *want, const struct kr_feature_set *have)
{
   for (unsigned i = 0; i < KR_FEATURE_WORDS; i++) {
      uint64_t missing = want->words[i] & ~have->words[i];
      if (missing)
         return (int)(i * 64 + (unsigned)__builtin_ctzll(missing));
   }
   return -1;
}

static const struct kr_struct_desc *
find_desc(const struct kr_struct_desc *descs, unsigned count, VkStructureType type)
{
   for (unsigned i = 0; i < count; i++) {
      if (descs[i].sType == type && type != 0)
         return &descs[i];
   }
   return NULL;
}

const struct kr_struct_desc *
kr_feature_struct_find(VkStructureType type)
{
   return find_desc(kr_feature_structs, KR_FEATURE_STRUCT_COUNT, type);
}

const struct kr_struct_desc *
kr_property_struct_find(VkStructureType type)
{
   return find_desc(kr_property_structs, KR_PROPERTY_STRUCT_COUNT, type);
}

void
kr_features_read_struct(const struct kr_struct_desc *desc, const void *s,
                        struct kr_feature_set *set)
{
   for (unsigned i = 0; i < desc->member_count; i++) {
      VkBool32 value;
      memcpy(&value, (const uint8_t *)s + desc->members[i].offset, sizeof(value));
      if (value)
         kr_features_set(set, desc->members[i].bit, true);
   }
}

void
kr_features_write_struct(const struct kr_struct_desc *desc, const struct kr_feature_set *set,
                         void *s)
{
   for (unsigned i = 0; i < desc->member_count; i++) {
      VkBool32 value = kr_features_test(set, desc->members[i].bit) ? VK_TRUE : VK_FALSE;
      memcpy((uint8_t *)s + desc->members[i].offset, &value, sizeof(value));
   }
}

void
kr_features_carried(uint32_t api_version, const struct kr_extension_set *extensions,
                    struct kr_feature_set *carried)
{
   memset(carried, 0, sizeof(*carried));
   for (unsigned i = 0; i < KR_FEATURE_STRUCT_COUNT; i++) {
      const struct kr_struct_desc *desc = &kr_feature_structs[i];
      if (desc->sType && !kr_struct_applies(desc, api_version, extensions))
         continue; /* sType 0: VkPhysicalDeviceFeatures, always carried */
      for (unsigned m = 0; m < desc->member_count; m++)
         kr_features_set(carried, desc->members[m].bit, true);
   }
}

uint32_t
kr_vendor_instance_version(uint32_t application_version, uint32_t ceiling)
{
   /* A variant (Vulkan SC's is 1) is not Kronos's to give: compared without it. */
   application_version = VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(application_version),
                                             VK_API_VERSION_MINOR(application_version),
                                             VK_API_VERSION_PATCH(application_version));
   return KR_MIN(KR_MAX(application_version, VK_API_VERSION_1_3), ceiling);
}

uint32_t
kr_effective_api_version(uint32_t instance_version, uint32_t device_version)
{
   uint32_t instance_minor = kr_version_minor(instance_version);
   return instance_minor < kr_version_minor(device_version) ? instance_minor : device_version;
}

bool
kr_struct_applies(const struct kr_struct_desc *desc, uint32_t api_version,
                  const struct kr_extension_set *extensions)
{
   /* Compare without the patch number: 1.2.x has every 1.2 structure. */
   uint32_t version = kr_version_minor(api_version);
   if (desc->covered_version && version >= desc->covered_version)
      return false;
   if (desc->core_version && version >= desc->core_version)
      return true;
   return desc->extension >= 0 && kr_extensions_test(extensions, (unsigned)desc->extension);
}

int
kr_device_extension_index(const char *name)
{
   for (int i = 0; i < KR_DEVICE_EXTENSION_COUNT; i++) {
      if (strcmp(kr_device_extensions[i].name, name) == 0)
         return i;
   }
   return -1;
}

static uint8_t
granularity_log2(uint32_t value)
{
   if (value == 0)
      return 0xff;
   return (uint8_t)__builtin_ctz(value);
}

static uint32_t
granularity_value(uint8_t log2)
{
   return log2 == 0xff ? 0 : 1u << log2;
}

/* The flags Kronos reports for a vendor family, 0 for one that keeps no capability. */
static VkQueueFlags
reported_queue_flags(VkQueueFlags flags)
{
   const VkQueueFlags kept = VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT |
                             VK_QUEUE_SPARSE_BINDING_BIT | VK_QUEUE_PROTECTED_BIT;
   /* Graphics and compute queues can always transfer, even where the bit is not set. */
   if (flags & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT))
      flags |= VK_QUEUE_TRANSFER_BIT;
   flags &= kept;
   /* Sparse binding or protected alone is nothing to submit work to. */
   return (flags & (VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)) ? flags : 0;
}

/* Whether Kronos reports a vendor family: it keeps a capability and has queues. */
static bool
family_reported(const VkQueueFamilyProperties *family)
{
   return reported_queue_flags(family->queueFlags) && family->queueCount > 0;
}

uint32_t
kr_queue_families_compact(const VkQueueFamilyProperties *full, uint32_t count,
                          struct kr_queue_family *out)
{
   uint32_t reported = 0;
   for (uint32_t i = 0; i < count; i++) {
      if (!family_reported(&full[i]))
         continue;
      struct kr_queue_family *family = &out[reported++];
      family->flags = (uint16_t)reported_queue_flags(full[i].queueFlags);
      family->count = (uint16_t)full[i].queueCount;
      family->timestamp_valid_bits = (uint8_t)full[i].timestampValidBits;
      family->min_granularity_log2[0] = granularity_log2(full[i].minImageTransferGranularity.width);
      family->min_granularity_log2[1] =
         granularity_log2(full[i].minImageTransferGranularity.height);
      family->min_granularity_log2[2] = granularity_log2(full[i].minImageTransferGranularity.depth);
   }
   return reported;
}

void
kr_queue_family_map_init(struct kr_queue_family_map *map, const VkQueueFamilyProperties *full,
                         uint32_t count)
{
   memset(map, 0, sizeof(*map));
   memset(map->to_kronos, KR_QUEUE_FAMILY_DROPPED, sizeof(map->to_kronos));
   count = count < KR_MAX_QUEUE_FAMILIES ? count : KR_MAX_QUEUE_FAMILIES;
   map->vendor_count = (uint8_t)count;
   for (uint32_t i = 0; i < count; i++) {
      if (!family_reported(&full[i]))
         continue;
      map->to_kronos[i] = map->count;
      map->to_vendor[map->count++] = (uint8_t)i;
   }
   /* Families are kept in order, so with none dropped every index is its own. */
   map->identity = map->count == map->vendor_count;
}

void
kr_queue_family_expand(const struct kr_queue_family *family, VkQueueFamilyProperties *full)
{
   full->queueFlags = family->flags;
   full->queueCount = family->count;
   full->timestampValidBits = family->timestamp_valid_bits;
   full->minImageTransferGranularity = (VkExtent3D){
      granularity_value(family->min_granularity_log2[0]),
      granularity_value(family->min_granularity_log2[1]),
      granularity_value(family->min_granularity_log2[2]),
   };
}

void
kr_memory_compact(const VkPhysicalDeviceMemoryProperties *full, struct kr_memory_layout *out)
{
   memset(out, 0, sizeof(*out));
   out->type_count = (uint8_t)full->memoryTypeCount;
   out->heap_count = (uint8_t)full->memoryHeapCount;
   for (uint32_t i = 0; i < full->memoryTypeCount; i++) {
      out->types[i].flags = (uint16_t)full->memoryTypes[i].propertyFlags;
      out->types[i].heap = (uint8_t)full->memoryTypes[i].heapIndex;
   }
   for (uint32_t i = 0; i < full->memoryHeapCount; i++) {
      out->heaps[i].size = full->memoryHeaps[i].size;
      out->heaps[i].flags = full->memoryHeaps[i].flags;
   }
}

void
kr_memory_expand(const struct kr_memory_layout *layout, VkPhysicalDeviceMemoryProperties *full)
{
   memset(full, 0, sizeof(*full));
   full->memoryTypeCount = layout->type_count;
   full->memoryHeapCount = layout->heap_count;
   for (uint32_t i = 0; i < layout->type_count; i++) {
      full->memoryTypes[i].propertyFlags = layout->types[i].flags;
      full->memoryTypes[i].heapIndex = layout->types[i].heap;
   }
   for (uint32_t i = 0; i < layout->heap_count; i++) {
      full->memoryHeaps[i].size = layout->heaps[i].size;
      full->memoryHeaps[i].flags = layout->heaps[i].flags;
   }
}
