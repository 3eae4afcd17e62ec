/* SPDX-License-Identifier: MIT */
#include "kr_struct_chain.h"

#include "kr_alloc.h"
#include "kr_util.h"

static void *
chain_create(const VkAllocationCallbacks *alloc, VkStructureType head_type, size_t head_size,
             const struct kr_struct_desc *descs, unsigned count, uint32_t api_version,
             const struct kr_extension_set *extensions)
{
   size_t total = kr_align(head_size, 8);
   for (unsigned i = 0; i < count; i++) {
      if (descs[i].sType && kr_struct_applies(&descs[i], api_version, extensions))
         total += kr_align(descs[i].size, 8);
   }
   uint8_t *block = kr_zalloc(alloc, total, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!block)
      return NULL;
   VkBaseOutStructure *tail = (VkBaseOutStructure *)block;
   tail->sType = head_type;
   size_t offset = kr_align(head_size, 8);
   for (unsigned i = 0; i < count; i++) {
      if (!descs[i].sType || !kr_struct_applies(&descs[i], api_version, extensions))
         continue;
      VkBaseOutStructure *s = (VkBaseOutStructure *)(block + offset);
      s->sType = descs[i].sType;
      tail->pNext = s;
      tail = s;
      offset += kr_align(descs[i].size, 8);
   }
   return block;
}

VkPhysicalDeviceFeatures2 *
kr_feature_chain_create(const VkAllocationCallbacks *alloc, uint32_t api_version,
                        const struct kr_extension_set *extensions)
{
   return chain_create(alloc, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                       sizeof(VkPhysicalDeviceFeatures2), kr_feature_structs,
                       KR_FEATURE_STRUCT_COUNT, api_version, extensions);
}

VkPhysicalDeviceProperties2 *
kr_property_chain_create(const VkAllocationCallbacks *alloc, uint32_t api_version,
                         const struct kr_extension_set *extensions)
{
   return chain_create(alloc, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                       sizeof(VkPhysicalDeviceProperties2), kr_property_structs,
                       KR_PROPERTY_STRUCT_COUNT, api_version, extensions);
}

void
kr_feature_chain_read(const void *chain, struct kr_feature_set *set)
{
   for (const VkBaseInStructure *s = chain; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2) {
         kr_features_read_struct(&kr_feature_structs[0],
                                 &((const VkPhysicalDeviceFeatures2 *)s)->features, set);
         continue;
      }
      const struct kr_struct_desc *desc = kr_feature_struct_find(s->sType);
      if (desc)
         kr_features_read_struct(desc, s, set);
   }
}

void
kr_feature_chain_write(void *chain, const struct kr_feature_set *set)
{
   for (VkBaseOutStructure *s = chain; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2) {
         kr_features_write_struct(&kr_feature_structs[0], set,
                                  &((VkPhysicalDeviceFeatures2 *)s)->features);
         continue;
      }
      const struct kr_struct_desc *desc = kr_feature_struct_find(s->sType);
      if (desc)
         kr_features_write_struct(desc, set, s);
   }
}
