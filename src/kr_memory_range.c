/* SPDX-License-Identifier: MIT */
#include "kr_memory_range.h"

#include "kr_util.h"

VkMappedMemoryRange
kr_memory_range_to_vendor(const struct kr_memory *memory, VkDeviceSize atom_size,
                          const VkMappedMemoryRange *range)
{
   VkMappedMemoryRange out = *range;
   out.memory = memory->vendor;
   if (!memory->block)
      return out;
   /* The reservation (memory->range.size) is a whole number of pool alignment units, each a
    * multiple of nonCoherentAtomSize (kr_memory_pool_allocate), and starts at a multiple of
    * it: rounding the end up to an atom stays inside it. min() keeps that true should an atom
    * not divide the alignment. */
   VkDeviceSize reserved = memory->range.size;
   VkDeviceSize end = range->size == VK_WHOLE_SIZE ? reserved : range->offset + range->size;
   if (atom_size > 1)
      end = (end + atom_size - 1) / atom_size * atom_size;
   end = KR_MIN(end, reserved);
   out.offset = memory->offset + range->offset;
   out.size = end - range->offset;
   return out;
}
