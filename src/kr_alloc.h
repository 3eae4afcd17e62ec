/* SPDX-License-Identifier: MIT */
/* Host allocations through the application's VkAllocationCallbacks, or the C library when it
 * gives none (NULL). */
#ifndef KR_ALLOC_H
#define KR_ALLOC_H

#include <stddef.h>
#include <vulkan/vulkan.h>

/* The allocator to use: the object's own if given, else its parent's. */
static inline const VkAllocationCallbacks *
kr_allocator(const VkAllocationCallbacks *own, const VkAllocationCallbacks *parent)
{
   return own ? own : parent;
}

void *kr_alloc(const VkAllocationCallbacks *alloc, size_t size, size_t align,
               VkSystemAllocationScope scope);
void *kr_zalloc(const VkAllocationCallbacks *alloc, size_t size, size_t align,
                VkSystemAllocationScope scope);
void kr_free(const VkAllocationCallbacks *alloc, void *ptr);

/* strdup through the callbacks. */
char *kr_strdup(const VkAllocationCallbacks *alloc, const char *s, VkSystemAllocationScope scope);

#endif
