/* SPDX-License-Identifier: MIT */
/* Queue family indices in the application's structures, translated for the vendor
 * (struct kr_queue_family_map). Pure functions of the map: nothing here calls Vulkan. The
 * application's structures are never written; translated copies are made only when some index
 * differs on the vendor's side, so with an identity map (one family, as on lavapipe) every
 * function returns at once. */
#ifndef KR_QUEUE_FAMILY_H
#define KR_QUEUE_FAMILY_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_compact.h"

/* The buffer and image barriers of one vkCmdPipelineBarrier or vkCmdWaitEvents. */
struct kr_barrier_arrays {
   uint32_t buffer_count;
   const VkBufferMemoryBarrier *buffers;
   uint32_t image_count;
   const VkImageMemoryBarrier *images;
};

/* Points the arrays at translated copies when a barrier names a family the vendor numbers
 * differently; *storage is then the one allocation holding them (kr_free it), else NULL and the
 * arrays are unchanged. VK_ERROR_OUT_OF_HOST_MEMORY leaves the arrays unchanged. */
VkResult kr_barrier_arrays_to_vendor(const struct kr_queue_family_map *map,
                                     const VkAllocationCallbacks *alloc,
                                     struct kr_barrier_arrays *arrays, void **storage);

/* The same for count VkDependencyInfo (vkCmdPipelineBarrier2, vkCmdSetEvent2 with count 1,
 * vkCmdWaitEvents2): *infos is pointed at translated copies of the infos and of their
 * buffer and image barrier arrays. */
VkResult kr_dependency_infos_to_vendor(const struct kr_queue_family_map *map,
                                       const VkAllocationCallbacks *alloc, uint32_t count,
                                       const VkDependencyInfo **infos, void **storage);

/* Whether every index of a VK_SHARING_MODE_CONCURRENT resource's pQueueFamilyIndices names a
 * family Kronos reports (and there are no more than KR_MAX_QUEUE_FAMILIES). */
bool kr_sharing_families_valid(const struct kr_queue_family_map *map, uint32_t count,
                               const uint32_t *indices);

/* Writes the vendor's indices for count valid sharing indices (kr_sharing_families_valid)
 * into out. */
void kr_sharing_families_to_vendor(const struct kr_queue_family_map *map, uint32_t count,
                                   const uint32_t *indices, uint32_t *out);

#endif
