/* SPDX-License-Identifier: MIT */
/* The order in which Kronos lists physical devices: discrete GPUs first, then integrated,
 * virtual, other and CPU devices, so that a program that takes the first device gets the one
 * it should; devices of one type keep their enumeration order (the vendors' order, then each
 * vendor's own device order). */
#ifndef KR_DEVICE_ORDER_H
#define KR_DEVICE_ORDER_H

#include <stdint.h>

#include "kr_objects.h"

/* <0, 0, >0 as a comes before, with, after b. */
int kr_physical_device_order(const struct kr_physical_device *a,
                             const struct kr_physical_device *b);

/* Sorts devices into that order; each enumeration_index must be set. */
void kr_physical_devices_sort(struct kr_physical_device **devices, uint32_t count);

#endif
