/* SPDX-License-Identifier: MIT */
#ifndef KR_PHYSICAL_DEVICE_H
#define KR_PHYSICAL_DEVICE_H

#include "kr_objects.h"

/* Wraps a vendor physical device, capturing its compact compute-only state once.
 * VK_ERROR_INCOMPATIBLE_DRIVER when the device cannot be offered (logged). */
VkResult kr_physical_device_create(struct kr_instance *instance, struct kr_vendor_instance *vendor,
                                   VkPhysicalDevice handle, struct kr_physical_device **out);

void kr_physical_device_destroy(struct kr_physical_device *pd);

#endif
