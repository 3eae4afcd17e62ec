/* SPDX-License-Identifier: MIT */
#include "kt_saxpy.h"

#include "saxpy_spv.h"

_Static_assert(sizeof(struct kt_saxpy_push) == 8, "matches the shader's push-constant block");

VkResult
kt_saxpy_pipeline_create(const struct kt_device *device, struct kt_compute_pipeline *out)
{
   return kt_compute_pipeline_create(device, saxpy_spv, saxpy_spv_size, 2,
                                     sizeof(struct kt_saxpy_push), "saxpy", out);
}

uint32_t
kt_saxpy_group_count(const struct kt_device *device, uint32_t n)
{
   uint32_t groups = n / KT_SAXPY_LOCAL_SIZE + (n % KT_SAXPY_LOCAL_SIZE != 0);
   uint32_t max = device->physical->properties.limits.maxComputeWorkGroupCount[0];
   if (groups > max)
      groups = max;
   return groups ? groups : 1;
}

void
kt_saxpy_record(const struct kt_device *device, VkCommandBuffer cmd,
                const struct kt_compute_pipeline *pipeline, VkDescriptorSet set, uint32_t n,
                float a)
{
   const struct VolkDeviceTable *vk = &device->vk;
   const struct kt_saxpy_push push = {.n = n, .a = a};
   vk->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->handle);
   vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->layout, 0, 1, &set,
                               0, NULL);
   vk->vkCmdPushConstants(cmd, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push),
                          &push);
   vk->vkCmdDispatch(cmd, kt_saxpy_group_count(device, n), 1, 1);
}
