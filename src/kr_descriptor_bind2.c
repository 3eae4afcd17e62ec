/* SPDX-License-Identifier: MIT */
/* VK_KHR_maintenance6 (core in Vulkan 1.4): the forms of the bind and push commands that take one
 * info structure with shader stages instead of a bind point. Each becomes the older command for
 * the bind points its stages name, so the descriptor cache, the barrier policy and the counters
 * see them exactly as they see the older ones. An info's pNext may only carry a pipeline layout
 * create info (for dynamicPipelineLayout, which Kronos does not offer) or nothing. */
#include "kr_entrypoints.h"

#ifdef VK_KHR_maintenance6

/* The bind points the stages name: compute, and graphics for any other stage (a compute-only
 * device has no graphics pipelines, but the vendor is given what the application asked). */
static uint32_t
bind_points(VkShaderStageFlags stages, VkPipelineBindPoint out[2])
{
   uint32_t count = 0;
   if (stages & VK_SHADER_STAGE_COMPUTE_BIT)
      out[count++] = VK_PIPELINE_BIND_POINT_COMPUTE;
   if (stages & VK_SHADER_STAGE_ALL_GRAPHICS)
      out[count++] = VK_PIPELINE_BIND_POINT_GRAPHICS;
   return count;
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdBindDescriptorSets2KHR(VkCommandBuffer commandBuffer,
                             const VkBindDescriptorSetsInfoKHR *pBindDescriptorSetsInfo)
{
   const VkBindDescriptorSetsInfoKHR *info = pBindDescriptorSetsInfo;
   VkPipelineBindPoint points[2];
   uint32_t count = bind_points(info->stageFlags, points);
   for (uint32_t i = 0; i < count; i++)
      kr_CmdBindDescriptorSets(commandBuffer, points[i], info->layout, info->firstSet,
                               info->descriptorSetCount, info->pDescriptorSets,
                               info->dynamicOffsetCount, info->pDynamicOffsets);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPushConstants2KHR(VkCommandBuffer commandBuffer,
                        const VkPushConstantsInfoKHR *pPushConstantsInfo)
{
   const VkPushConstantsInfoKHR *info = pPushConstantsInfo;
   kr_CmdPushConstants(commandBuffer, info->layout, info->stageFlags, info->offset, info->size,
                       info->pValues);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPushDescriptorSet2KHR(VkCommandBuffer commandBuffer,
                            const VkPushDescriptorSetInfoKHR *pPushDescriptorSetInfo)
{
   const VkPushDescriptorSetInfoKHR *info = pPushDescriptorSetInfo;
   VkPipelineBindPoint points[2];
   uint32_t count = bind_points(info->stageFlags, points);
   for (uint32_t i = 0; i < count; i++)
      kr_CmdPushDescriptorSetKHR(commandBuffer, points[i], info->layout, info->set,
                                 info->descriptorWriteCount, info->pDescriptorWrites);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPushDescriptorSetWithTemplate2KHR(
   VkCommandBuffer commandBuffer,
   const VkPushDescriptorSetWithTemplateInfoKHR *pPushDescriptorSetWithTemplateInfo)
{
   /* A template names its own bind point. */
   const VkPushDescriptorSetWithTemplateInfoKHR *info = pPushDescriptorSetWithTemplateInfo;
   kr_CmdPushDescriptorSetWithTemplateKHR(commandBuffer, info->descriptorUpdateTemplate,
                                          info->layout, info->set, info->pData);
}

#endif
