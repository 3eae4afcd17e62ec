/* SPDX-License-Identifier: MIT */
/* The range a flush or invalidate of a Kronos allocation becomes at the vendor. */
#ifndef KR_MEMORY_RANGE_H
#define KR_MEMORY_RANGE_H

#include <vulkan/vulkan.h>

#include "kr_memory_pool.h"

/* range (on memory, as the application gives it) for the vendor, whose memory is a pooled
 * block or memory's own. Memory of its own passes unchanged: its end is the vendor memory's.
 * In a block, the offset moves to the allocation's, and the end of a range that is not a whole
 * number of atoms, which the specification allows only where it reaches the end of the
 * allocation (or VK_WHOLE_SIZE), is rounded up to a multiple of atom_size
 * (nonCoherentAtomSize) within the allocation's reservation: the vendor sees neither the end
 * of its memory there nor a whole atom, and would miss the last partial atom. */
VkMappedMemoryRange kr_memory_range_to_vendor(const struct kr_memory *memory,
                                              VkDeviceSize atom_size,
                                              const VkMappedMemoryRange *range);

#endif
