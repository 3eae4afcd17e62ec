/* SPDX-License-Identifier: MIT */
/* Compute pipelines from SPIR-V words: one descriptor set of storage buffers at bindings
 * 0..n-1, and one push-constant range, both seen by the compute stage. */
#ifndef KT_PIPELINE_H
#define KT_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include <volk.h>

#include "kt_device.h"

#define KT_MAX_STORAGE_BUFFERS 8

struct kt_compute_pipeline {
   VkShaderModule module;
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline handle;
   uint32_t storage_buffer_count;
   uint32_t push_constant_size;
};

/* `code` holds `code_size` bytes of SPIR-V with entry point "main"; push_constant_size may be 0.
 * `name` is used in error messages. On failure *out is zeroed. */
VkResult kt_compute_pipeline_create(const struct kt_device *device, const uint32_t *code,
                                    size_t code_size, uint32_t storage_buffer_count,
                                    uint32_t push_constant_size, const char *name,
                                    struct kt_compute_pipeline *out);

/* The same with binding i of the set of descriptor type types[i] (storage buffers, dynamic or
 * not), for i < binding_count. */
VkResult kt_compute_pipeline_create_typed(const struct kt_device *device, const uint32_t *code,
                                          size_t code_size, const VkDescriptorType *types,
                                          uint32_t binding_count, uint32_t push_constant_size,
                                          const char *name, struct kt_compute_pipeline *out);

/* Destroys everything; a zeroed pipeline is ignored. */
void kt_compute_pipeline_destroy(const struct kt_device *device,
                                 struct kt_compute_pipeline *pipeline);

/* A descriptor pool for `max_sets` sets of `storage_buffers_per_set` storage buffers each. */
VkResult kt_descriptor_pool_create(const struct kt_device *device, uint32_t max_sets,
                                   uint32_t storage_buffers_per_set, VkDescriptorPool *out);
/* A descriptor pool for `max_sets` sets with the given pool sizes. */
VkResult kt_descriptor_pool_create_sized(const struct kt_device *device, uint32_t max_sets,
                                         const VkDescriptorPoolSize *sizes, uint32_t size_count,
                                         VkDescriptorPool *out);

/* writes[i] for i < count: buffers[i] as the one storage buffer of binding i of set. Inline:
 * benchmarks fill these in the recording they time. */
static inline void
kt_storage_buffer_writes(VkDescriptorSet set, uint32_t count,
                         const VkDescriptorBufferInfo *buffers, VkWriteDescriptorSet *writes)
{
   for (uint32_t i = 0; i < count; i++) {
      writes[i] = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = set,
         .dstBinding = i,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &buffers[i],
      };
   }
}

/* Allocates a set for `pipeline` from `pool` and writes buffers[i] to binding i, for every
 * binding of the pipeline. The set is freed with the pool. */
VkResult kt_descriptor_set_create(const struct kt_device *device, VkDescriptorPool pool,
                                  const struct kt_compute_pipeline *pipeline,
                                  const VkDescriptorBufferInfo *buffers, VkDescriptorSet *out);

#endif
