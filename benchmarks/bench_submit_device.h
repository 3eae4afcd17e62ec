/* SPDX-License-Identifier: MIT */
/* The submit rows' own devices: like kt_device_create (one queue of the first compute family),
 * but with the timelineSemaphore feature enabled where the physical device has it, which
 * roundtrip-timeline needs (kronos-bench's other devices enable no feature). */
#ifndef BENCH_SUBMIT_DEVICE_H
#define BENCH_SUBMIT_DEVICE_H

#include <stdbool.h>

#include "kt.h"

/* On failure (reported) *out is zeroed; destroy with kt_device_destroy. *timeline tells whether
 * timelineSemaphore was enabled. */
VkResult bench_submit_device_create(const struct kt_physical_device *physical,
                                    struct kt_device *out, bool *timeline);

#endif
