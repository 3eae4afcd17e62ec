/* SPDX-License-Identifier: MIT */
/* The SAXPY kernel (shaders/saxpy.comp): y[i] = a * x[i] + y[i] for i < n, with x at binding 0
 * and y at binding 1 of set 0. */
#ifndef KT_SAXPY_H
#define KT_SAXPY_H

#include <stdint.h>

#include <volk.h>

#include "kt_device.h"
#include "kt_pipeline.h"

#define KT_SAXPY_LOCAL_SIZE 256u

/* The shader's push constants. */
struct kt_saxpy_push {
   uint32_t n;
   float a;
};

VkResult kt_saxpy_pipeline_create(const struct kt_device *device,
                                  struct kt_compute_pipeline *out);

/* Workgroups for n elements: ceil(n / 256), clamped to maxComputeWorkGroupCount[0] (the
 * shader's grid-stride loop covers the rest); at least 1. */
uint32_t kt_saxpy_group_count(const struct kt_device *device, uint32_t n);

/* Binds the pipeline and `set`, pushes {n, a} and dispatches. */
void kt_saxpy_record(const struct kt_device *device, VkCommandBuffer cmd,
                     const struct kt_compute_pipeline *pipeline, VkDescriptorSet set, uint32_t n,
                     float a);

#endif
