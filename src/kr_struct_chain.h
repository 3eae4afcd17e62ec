/* SPDX-License-Identifier: MIT */
/* Whole feature and property chains built from the generated structure descriptions: used to
 * capture a vendor device's state and to rebuild the vendor's feature chain at device creation. */
#ifndef KR_STRUCT_CHAIN_H
#define KR_STRUCT_CHAIN_H

#include <vulkan/vulkan.h>

#include "kr_compact.h"

/* One allocation holding a VkPhysicalDeviceFeatures2 followed by every feature structure that
 * applies to a vendor of this version with these extensions, linked and zeroed.
 * Free with kr_free. NULL when out of memory. */
VkPhysicalDeviceFeatures2 *kr_feature_chain_create(const VkAllocationCallbacks *alloc,
                                                   uint32_t api_version,
                                                   const struct kr_extension_set *extensions);

/* The same for VkPhysicalDeviceProperties2 and the property structures. */
VkPhysicalDeviceProperties2 *kr_property_chain_create(const VkAllocationCallbacks *alloc,
                                                      uint32_t api_version,
                                                      const struct kr_extension_set *extensions);

/* ORs every known feature structure of a chain (VkPhysicalDeviceFeatures2 or a
 * VkDeviceCreateInfo's pNext) into set. Unknown structures are ignored. */
void kr_feature_chain_read(const void *chain, struct kr_feature_set *set);

/* Writes every known feature structure of a chain from set. */
void kr_feature_chain_write(void *chain, const struct kr_feature_set *set);

#endif
