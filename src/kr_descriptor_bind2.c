/* SPDX-License-Identifier: MIT */
/* VK_KHR_maintenance6 (core in Vulkan 1.4): the forms of the bind and push commands that take one
 * info structure with shader stages instead of a bind point. Each becomes the older command for
 * the compute bind point, so the descriptor cache, the barrier policy and the counters see them
 * exactly as they see the older ones. An info's pNext may only carry a pipeline layout
 * create info (for dynamicPipelineLayout, which Kronos does not offer) or nothing. */
#include "kr_entrypoints.h"

#ifdef VK_KHR_maintenance6

/* Whether the stages include compute: the one bind point of a compute-only device. Other stages
 * are not supported by any of its queue families (VUID-vkCmdBindDescriptorSets2-
 * pBindDescriptorSetsInfo-09467 and its siblings), so nothing is bound for them. */
static bool
binds_compute(VkShaderStageFlags stages)
{
   return (stages & VK_SHADER_STAGE_COMPUTE_BIT) != 0;
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdBindDescriptorSets2KHR(VkCommandBuffer commandBuffer,
                             const VkBindDescriptorSetsInfoKHR *pBindDescriptorSetsInfo)
{
   const VkBindDescriptorSetsInfoKHR *info = pBindDescriptorSetsInfo;
   if (binds_compute(info->stageFlags))
      kr_CmdBindDescriptorSets(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, info->layout,
                               info->firstSet, info->descriptorSetCount, info->pDescriptorSets,
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
   if (binds_compute(info->stageFlags))
      kr_CmdPushDescriptorSetKHR(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, info->layout,
                                 info->set, info->descriptorWriteCount, info->pDescriptorWrites);
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
