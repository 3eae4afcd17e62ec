/* SPDX-License-Identifier: MIT */
/* The objects of the recording-cost tools (record-cost, bind-cost): the SAXPY pipeline over
 * 4 KiB regions of one buffer y, with x one region, and per region two descriptor sets: one
 * written once ("fixed") and one left for the tool to write ("scratch"). */
#ifndef KT_REGIONS_H
#define KT_REGIONS_H

#include <stdint.h>

#include <volk.h>

#include "kt_device.h"
#include "kt_pipeline.h"

#define KT_REGION_FLOATS 1024u /* 4 KiB regions, as kronos-bench's chain rows */
#define KT_REGIONS_MAX 4096u

struct kt_regions {
   struct kt_compute_pipeline pipeline;
   VkBuffer x, y;
   VkDeviceMemory x_memory, y_memory;
   VkDescriptorPool pool;
   VkDescriptorSet fixed[KT_REGIONS_MAX];
   VkDescriptorSet scratch[KT_REGIONS_MAX];
   uint32_t groups; /* workgroups of one region's dispatch */
};

/* `count` regions (at most KT_REGIONS_MAX); the pool has room for `extra_sets` more sets of
 * two storage buffers, one of them dynamic (a tool's own). On failure what was made stays for
 * kt_regions_destroy. */
VkResult kt_regions_create(const struct kt_device *device, uint32_t count, uint32_t extra_sets,
                           struct kt_regions *r);
/* Destroys everything (waits for the device first); a zeroed struct is ignored. */
void kt_regions_destroy(const struct kt_device *device, struct kt_regions *r);

/* Region `region`'s descriptors: x whole, y's region. */
void kt_regions_infos(const struct kt_regions *r, uint32_t region,
                      VkDescriptorBufferInfo infos[2]);

/* A set of `layout` from the regions' pool. */
VkResult kt_regions_allocate_set(const struct kt_device *device, const struct kt_regions *r,
                                 VkDescriptorSetLayout layout, VkDescriptorSet *out);

#endif
