/* SPDX-License-Identifier: MIT */
/* Copying a captured property structure into the application's (vkGetPhysicalDeviceProperties2):
 * the header stays the application's, and so do the arrays some structures point to, which
 * Kronos fills (or leaves empty) itself. tools/gen_compact.py fails the build on a property
 * structure with a pointer member that kronos_policy.PROPERTY_POINTER_STRUCTS does not list,
 * so none is copied over an application's pointer unseen. */
#ifndef KR_PROPERTIES_COPY_H
#define KR_PROPERTIES_COPY_H

#include <stddef.h>

#include "kr_objects.h"

void kr_properties_copy(struct kr_physical_device *pd, VkBaseOutStructure *s, const void *captured,
                        size_t size);

#endif
