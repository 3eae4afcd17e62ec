/* SPDX-License-Identifier: MIT */
/* What every Kronos object has, whatever it wraps (Mesa's vk_object_base): its type, its debug
 * name (vkSetDebugUtilsObjectNameEXT) and its private data (vkSetPrivateData). Kronos keeps
 * both itself for its own objects, so an object without a vendor object of its own (pooled
 * memory, point fences and semaphores) has them like any other, and each pooled allocation has
 * its own name rather than its block's.
 *
 * A dispatchable object starts with the loader's word, then its base; other objects start with
 * their base, except a descriptor set, whose first cache line holds what updates and binds read
 * (kr_descriptor.h). Nothing casts between an object and its base: kr_object_base_from_handle
 * finds it (&object->base) from (type, handle) as the debug-utils and private-data calls name
 * objects. */
#ifndef KR_OBJECT_H
#define KR_OBJECT_H

#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kr_private_data.h"

struct kr_object_base {
   VkObjectType type;
   /* The callbacks the name and the private data are allocated with: the device's for a
    * device and its children, the instance's for instance-level objects. Not the object's
    * own pAllocator: the data are set and freed where only the parent is known. */
   const VkAllocationCallbacks *alloc;
   char *debug_name; /* NULL: none */
   struct kr_private_data private_data;
};

void kr_object_base_init(struct kr_object_base *base, VkObjectType type,
                         const VkAllocationCallbacks *alloc);

/* Frees the name and the private data. */
void kr_object_base_finish(struct kr_object_base *base);

/* Replaces the debug name; NULL or "" removes it. VK_ERROR_OUT_OF_HOST_MEMORY keeps the old. */
VkResult kr_object_base_set_name(struct kr_object_base *base, const char *name);

/* The debug name, or NULL. */
static inline const char *
kr_object_name(const struct kr_object_base *base)
{
   return base->debug_name;
}

/* The base of the Kronos object named by (type, handle), or NULL where the handle is the
 * vendor's own (buffers, images, pipelines ... pass through unwrapped) or VK_NULL_HANDLE. */
struct kr_object_base *kr_object_base_from_handle(VkObjectType type, uint64_t handle);

#endif
