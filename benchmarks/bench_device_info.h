/* SPDX-License-Identifier: MIT */
/* What the report says about a device: name, driver, versions, UUID, timestamps. */
#ifndef BENCH_DEVICE_INFO_H
#define BENCH_DEVICE_INFO_H

#include "bench_row.h"

/* `device` was created on `physical`. */
void bench_device_info_fill(const struct kt_device *device, struct bench_device_info *out);

#endif
