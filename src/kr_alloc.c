/* SPDX-License-Identifier: MIT */
#include "kr_alloc.h"

#include <stdlib.h>
#include <string.h>

void *
kr_alloc(const VkAllocationCallbacks *alloc, size_t size, size_t align,
         VkSystemAllocationScope scope)
{
   if (alloc)
      return alloc->pfnAllocation(alloc->pUserData, size, align, scope);
   if (align < sizeof(void *))
      align = sizeof(void *);
   /* aligned_alloc wants a size that is a multiple of the alignment. */
   return aligned_alloc(align, (size + align - 1) & ~(align - 1));
}

void *
kr_zalloc(const VkAllocationCallbacks *alloc, size_t size, size_t align,
          VkSystemAllocationScope scope)
{
   void *ptr = kr_alloc(alloc, size, align, scope);
   if (ptr)
      memset(ptr, 0, size);
   return ptr;
}

void
kr_free(const VkAllocationCallbacks *alloc, void *ptr)
{
   if (!ptr)
      return;
   if (alloc)
      alloc->pfnFree(alloc->pUserData, ptr);
   else
      free(ptr);
}

char *
kr_strdup(const VkAllocationCallbacks *alloc, const char *s, VkSystemAllocationScope scope)
{
   size_t len = strlen(s) + 1;
   char *copy = kr_alloc(alloc, len, 1, scope);
   if (copy)
      memcpy(copy, s, len);
   return copy;
}
