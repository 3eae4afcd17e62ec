/* SPDX-License-Identifier: MIT */
#include "kt_pipeline.h"

#include <stdio.h>
#include <string.h>

#include "kt_check.h"

VkResult
kt_compute_pipeline_create(const struct kt_device *device, const uint32_t *code,
                           size_t code_size, uint32_t storage_buffer_count,
                           uint32_t push_constant_size, const char *name,
                           struct kt_compute_pipeline *out)
{
   VkDescriptorType types[KT_MAX_STORAGE_BUFFERS];
   for (uint32_t i = 0; i < KT_MAX_STORAGE_BUFFERS; i++)
      types[i] = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
   return kt_compute_pipeline_create_typed(device, code, code_size, types, storage_buffer_count,
                                           push_constant_size, name, out);
}

VkResult
kt_compute_pipeline_create_typed(const struct kt_device *device, const uint32_t *code,
                                 size_t code_size, const VkDescriptorType *types,
                                 uint32_t storage_buffer_count, uint32_t push_constant_size,
                                 const char *name, struct kt_compute_pipeline *out)
{
   const struct VolkDeviceTable *vk = &device->vk;
   char what[160];
   VkResult result;
   memset(out, 0, sizeof(*out));
   out->storage_buffer_count = storage_buffer_count;
   out->push_constant_size = push_constant_size;

   if (storage_buffer_count > KT_MAX_STORAGE_BUFFERS) {
      kt_error("pipeline %s: %u storage buffers, at most %d", name, storage_buffer_count,
               KT_MAX_STORAGE_BUFFERS);
      result = VK_ERROR_INITIALIZATION_FAILED;
      goto cleanup;
   }

   const VkShaderModuleCreateInfo module_info = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = code_size,
      .pCode = code,
   };
   result = vk->vkCreateShaderModule(device->handle, &module_info, NULL, &out->module);
   snprintf(what, sizeof(what), "vkCreateShaderModule (%s)", name);
   if (!kt_ok(result, what)) {
      out->module = VK_NULL_HANDLE;
      goto cleanup;
   }

   VkDescriptorSetLayoutBinding bindings[KT_MAX_STORAGE_BUFFERS];
   for (uint32_t i = 0; i < storage_buffer_count; i++) {
      bindings[i] = (VkDescriptorSetLayoutBinding){
         .binding = i,
         .descriptorType = types[i],
         .descriptorCount = 1,
         .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
      };
   }
   const VkDescriptorSetLayoutCreateInfo set_layout_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = storage_buffer_count,
      .pBindings = bindings,
   };
   result = vk->vkCreateDescriptorSetLayout(device->handle, &set_layout_info, NULL,
                                            &out->set_layout);
   snprintf(what, sizeof(what), "vkCreateDescriptorSetLayout (%s)", name);
   if (!kt_ok(result, what)) {
      out->set_layout = VK_NULL_HANDLE;
      goto cleanup;
   }

   const VkPushConstantRange push_range = {
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
      .offset = 0,
      .size = push_constant_size,
   };
   const VkPipelineLayoutCreateInfo layout_info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = 1,
      .pSetLayouts = &out->set_layout,
      .pushConstantRangeCount = push_constant_size ? 1 : 0,
      .pPushConstantRanges = &push_range,
   };
   result = vk->vkCreatePipelineLayout(device->handle, &layout_info, NULL, &out->layout);
   snprintf(what, sizeof(what), "vkCreatePipelineLayout (%s)", name);
   if (!kt_ok(result, what)) {
      out->layout = VK_NULL_HANDLE;
      goto cleanup;
   }

   const VkComputePipelineCreateInfo pipeline_info = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage = {
         .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
         .stage = VK_SHADER_STAGE_COMPUTE_BIT,
         .module = out->module,
         .pName = "main",
      },
      .layout = out->layout,
      .basePipelineIndex = -1,
   };
   result = vk->vkCreateComputePipelines(device->handle, VK_NULL_HANDLE, 1, &pipeline_info, NULL,
                                         &out->handle);
   snprintf(what, sizeof(what), "vkCreateComputePipelines (%s)", name);
   if (!kt_ok(result, what)) {
      out->handle = VK_NULL_HANDLE;
      goto cleanup;
   }
   return VK_SUCCESS;

cleanup:
   kt_compute_pipeline_destroy(device, out);
   return result;
}

void
kt_compute_pipeline_destroy(const struct kt_device *device, struct kt_compute_pipeline *pipeline)
{
   const struct VolkDeviceTable *vk = &device->vk;
   if (pipeline->handle != VK_NULL_HANDLE)
      vk->vkDestroyPipeline(device->handle, pipeline->handle, NULL);
   if (pipeline->layout != VK_NULL_HANDLE)
      vk->vkDestroyPipelineLayout(device->handle, pipeline->layout, NULL);
   if (pipeline->set_layout != VK_NULL_HANDLE)
      vk->vkDestroyDescriptorSetLayout(device->handle, pipeline->set_layout, NULL);
   if (pipeline->module != VK_NULL_HANDLE)
      vk->vkDestroyShaderModule(device->handle, pipeline->module, NULL);
   memset(pipeline, 0, sizeof(*pipeline));
}

VkResult
kt_descriptor_pool_create(const struct kt_device *device, uint32_t max_sets,
                          uint32_t storage_buffers_per_set, VkDescriptorPool *out)
{
   const VkDescriptorPoolSize size = {
      .type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .descriptorCount = max_sets * storage_buffers_per_set,
   };
   return kt_descriptor_pool_create_sized(device, max_sets, &size, 1, out);
}

VkResult
kt_descriptor_pool_create_sized(const struct kt_device *device, uint32_t max_sets,
                                const VkDescriptorPoolSize *sizes, uint32_t size_count,
                                VkDescriptorPool *out)
{
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = max_sets,
      .poolSizeCount = size_count,
      .pPoolSizes = sizes,
   };
   VkResult result = device->vk.vkCreateDescriptorPool(device->handle, &info, NULL, out);
   if (!kt_ok(result, "vkCreateDescriptorPool"))
      *out = VK_NULL_HANDLE;
   return result;
}

VkResult
kt_descriptor_set_create(const struct kt_device *device, VkDescriptorPool pool,
                         const struct kt_compute_pipeline *pipeline,
                         const VkDescriptorBufferInfo *buffers, VkDescriptorSet *out)
{
   const VkDescriptorSetAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = pool,
      .descriptorSetCount = 1,
      .pSetLayouts = &pipeline->set_layout,
   };
   VkResult result = device->vk.vkAllocateDescriptorSets(device->handle, &info, out);
   if (!kt_ok(result, "vkAllocateDescriptorSets")) {
      *out = VK_NULL_HANDLE;
      return result;
   }
   VkWriteDescriptorSet writes[KT_MAX_STORAGE_BUFFERS];
   kt_storage_buffer_writes(*out, pipeline->storage_buffer_count, buffers, writes);
   device->vk.vkUpdateDescriptorSets(device->handle, pipeline->storage_buffer_count, writes, 0,
                                     NULL);
   return VK_SUCCESS;
}
