/* SPDX-License-Identifier: MIT */
#include "kr_scratch.h"

#include <string.h>

#include "kr_alloc.h"

void *
kr_scratch_get(struct kr_scratch *s, const VkAllocationCallbacks *alloc, size_t size)
{
   s->heap = NULL;
   s->alloc = alloc;
   if (size <= KR_SCRATCH_STACK)
      return s->stack;
   s->heap = kr_alloc(alloc, size, 16, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   return s->heap;
}

void
kr_scratch_put(struct kr_scratch *s)
{
   kr_free(s->alloc, s->heap);
   s->heap = NULL;
}

VkResult
kr_array_grow(const VkAllocationCallbacks *alloc, void **array, uint32_t *capacity, uint32_t used,
              uint64_t need, size_t size, uint32_t minimum)
{
   if (need <= *capacity)
      return VK_SUCCESS;
   if (need > UINT32_MAX)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   uint64_t capacity_new = *capacity ? *capacity : (minimum ? minimum : 1);
   while (capacity_new < need)
      capacity_new *= 2;
   if (capacity_new > UINT32_MAX)
      capacity_new = UINT32_MAX;
   void *array_new = kr_alloc(alloc, (size_t)capacity_new * size, 8,
                              VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!array_new)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (used)
      memcpy(array_new, *array, (size_t)used * size);
   kr_free(alloc, *array);
   *array = array_new;
   *capacity = (uint32_t)capacity_new;
   return VK_SUCCESS;
}
