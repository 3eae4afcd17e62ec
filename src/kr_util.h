/* SPDX-License-Identifier: MIT */
#ifndef KR_UTIL_H
#define KR_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <vulkan/vulkan.h>

#define KR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KR_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KR_MAX(a, b) ((a) > (b) ? (a) : (b))
/* Bytes in a CPU cache line (x86-64's, and most others'): what data read together is aligned
 * to, and what data written by different threads is kept apart by. */
#define KR_CACHE_LINE 64

static inline size_t
kr_align(size_t value, size_t alignment)
{
   return (value + alignment - 1) & ~(alignment - 1);
}

/* Vulkan's two-call idiom: with items NULL report the count, else copy up to *count items and
 * return VK_INCOMPLETE when some did not fit. */
static inline VkResult
kr_write_array(void *items, uint32_t *count, const void *source, uint32_t total, size_t item_size)
{
   if (!items) {
      *count = total;
      return VK_SUCCESS;
   }
   uint32_t n = *count < total ? *count : total;
   if (n)
      memcpy(items, source, n * item_size);
   *count = n;
   return n < total ? VK_INCOMPLETE : VK_SUCCESS;
}

/* Finds a structure of the given type in a pNext chain. */
static inline const void *
kr_chain_find(const void *chain, VkStructureType type)
{
   for (const VkBaseInStructure *s = chain; s; s = s->pNext) {
      if (s->sType == type)
         return s;
   }
   return NULL;
}

/* Compares versions without the patch number. */
static inline uint32_t
kr_version_minor(uint32_t version)
{
   return VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(version), VK_API_VERSION_MINOR(version), 0);
}

#endif
