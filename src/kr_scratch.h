/* SPDX-License-Identifier: MIT */
/* Scratch memory of one call: on the stack when small, else one allocation through the
 * callbacks (scope COMMAND), and arrays that grow by doubling. */
#ifndef KR_SCRATCH_H
#define KR_SCRATCH_H

#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#define KR_SCRATCH_STACK 4096

struct kr_scratch {
   _Alignas(16) uint8_t stack[KR_SCRATCH_STACK];
   void *heap;
   const VkAllocationCallbacks *alloc;
};

/* size bytes, 16-byte aligned; NULL when the allocation fails. Release with kr_scratch_put. */
void *kr_scratch_get(struct kr_scratch *s, const VkAllocationCallbacks *alloc, size_t size);
void kr_scratch_put(struct kr_scratch *s);

/* Makes room for `need` elements of `size` bytes in *array (capacity *capacity, at least
 * `minimum` once allocated), keeping the first `used`: doubles, copies, frees the old array.
 * VK_ERROR_OUT_OF_HOST_MEMORY leaves the array as it was. */
VkResult kr_array_grow(const VkAllocationCallbacks *alloc, void **array, uint32_t *capacity,
                       uint32_t used, uint64_t need, size_t size, uint32_t minimum);

#endif
