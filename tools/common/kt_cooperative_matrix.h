/* SPDX-License-Identifier: MIT */
/* VK_KHR_cooperative_matrix in test programs: whether a device can run a float16 x float16 +
 * float32 matrix product with it, what kt_device_create enables for it, and the shapes it
 * offers. Built with headers that predate the extension (Debian 12's 1.3.239), nothing is
 * supported. */
#ifndef KT_COOPERATIVE_MATRIX_H
#define KT_COOPERATIVE_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <volk.h>

#include "kt_physical_device.h"

/* Features a float16 cooperative-matrix kernel needs, to chain into VkDeviceCreateInfo. */
struct kt_cooperative_matrix_features {
   VkPhysicalDeviceVulkan11Features v11; /* storageBuffer16BitAccess */
   VkPhysicalDeviceVulkan12Features v12; /* shaderFloat16 */
#ifdef VK_KHR_cooperative_matrix
   VkPhysicalDeviceCooperativeMatrixFeaturesKHR matrix;
#endif
};

/* NULL when `physical` offers VK_KHR_cooperative_matrix with cooperativeMatrix, shaderFloat16
 * and storageBuffer16BitAccess; else why not. */
const char *kt_cooperative_matrix_unsupported(const struct kt_physical_device *physical);

/* Fills *f with just those features on, chained v11 -> v12 -> matrix, ending in `next`; returns
 * its head for VkDeviceCreateInfo.pNext. */
void *kt_cooperative_matrix_features(struct kt_cooperative_matrix_features *f, void *next);

/* NULL when the device offers an M x N x K subgroup-scope product of float16 A and B into a
 * float32 C and result and has subgroups of `subgroup_size` invocations; else why not. */
const char *kt_cooperative_matrix_shape_missing(const struct kt_physical_device *physical,
                                                uint32_t m, uint32_t n, uint32_t k,
                                                uint32_t subgroup_size);

#endif
