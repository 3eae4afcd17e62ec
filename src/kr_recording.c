/* SPDX-License-Identifier: MIT */
/* Recorded commands that Kronos counts: dispatches, pipeline barriers and pushed descriptors.
 * They are forwarded as recorded (the barrier policy will decide which barriers the vendor
 * sees); the counts reach the device's statistics when recording ends. */
#include "kr_entrypoints.h"
#include "kr_objects.h"

VKAPI_ATTR void VKAPI_CALL
kr_CmdDispatch(VkCommandBuffer commandBuffer, uint32_t groupCountX, uint32_t groupCountY,
               uint32_t groupCountZ)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.dispatches++;
   cb->disp->CmdDispatch(cb->handle, groupCountX, groupCountY, groupCountZ);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdDispatchIndirect(VkCommandBuffer commandBuffer, VkBuffer buffer, VkDeviceSize offset)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.dispatches++;
   cb->disp->CmdDispatchIndirect(cb->handle, buffer, offset);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdDispatchBase(VkCommandBuffer commandBuffer, uint32_t baseGroupX, uint32_t baseGroupY,
                   uint32_t baseGroupZ, uint32_t groupCountX, uint32_t groupCountY,
                   uint32_t groupCountZ)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.dispatches++;
   cb->disp->CmdDispatchBase(cb->handle, baseGroupX, baseGroupY, baseGroupZ, groupCountX,
                             groupCountY, groupCountZ);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPipelineBarrier(VkCommandBuffer commandBuffer, VkPipelineStageFlags srcStageMask,
                      VkPipelineStageFlags dstStageMask, VkDependencyFlags dependencyFlags,
                      uint32_t memoryBarrierCount, const VkMemoryBarrier *pMemoryBarriers,
                      uint32_t bufferMemoryBarrierCount,
                      const VkBufferMemoryBarrier *pBufferMemoryBarriers,
                      uint32_t imageMemoryBarrierCount,
                      const VkImageMemoryBarrier *pImageMemoryBarriers)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.barriers++;
   cb->disp->CmdPipelineBarrier(cb->handle, srcStageMask, dstStageMask, dependencyFlags,
                                memoryBarrierCount, pMemoryBarriers, bufferMemoryBarrierCount,
                                pBufferMemoryBarriers, imageMemoryBarrierCount,
                                pImageMemoryBarriers);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPipelineBarrier2(VkCommandBuffer commandBuffer, const VkDependencyInfo *pDependencyInfo)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.barriers++;
   cb->disp->CmdPipelineBarrier2(cb->handle, pDependencyInfo);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPushDescriptorSetKHR(VkCommandBuffer commandBuffer, VkPipelineBindPoint pipelineBindPoint,
                           VkPipelineLayout layout, uint32_t set, uint32_t descriptorWriteCount,
                           const VkWriteDescriptorSet *pDescriptorWrites)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.descriptor_writes += descriptorWriteCount;
   cb->disp->CmdPushDescriptorSetKHR(cb->handle, pipelineBindPoint, layout, set,
                                     descriptorWriteCount, pDescriptorWrites);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPushDescriptorSetWithTemplateKHR(VkCommandBuffer commandBuffer,
                                       VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                       VkPipelineLayout layout, uint32_t set, const void *pData)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.descriptor_writes++;
   cb->disp->CmdPushDescriptorSetWithTemplateKHR(cb->handle, descriptorUpdateTemplate, layout,
                                                 set, pData);
}

/* An event wait blocks the queue until the event is set, possibly by the host after it waited
 * on earlier fences: the submit opens a new timeline value of the batch (kr_batch.h). */
VKAPI_ATTR void VKAPI_CALL
kr_CmdWaitEvents(VkCommandBuffer commandBuffer, uint32_t eventCount, const VkEvent *pEvents,
                 VkPipelineStageFlags srcStageMask, VkPipelineStageFlags dstStageMask,
                 uint32_t memoryBarrierCount, const VkMemoryBarrier *pMemoryBarriers,
                 uint32_t bufferMemoryBarrierCount,
                 const VkBufferMemoryBarrier *pBufferMemoryBarriers,
                 uint32_t imageMemoryBarrierCount, const VkImageMemoryBarrier *pImageMemoryBarriers)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->waits_on_events = true;
   cb->disp->CmdWaitEvents(cb->handle, eventCount, pEvents, srcStageMask, dstStageMask,
                           memoryBarrierCount, pMemoryBarriers, bufferMemoryBarrierCount,
                           pBufferMemoryBarriers, imageMemoryBarrierCount, pImageMemoryBarriers);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdWaitEvents2(VkCommandBuffer commandBuffer, uint32_t eventCount, const VkEvent *pEvents,
                  const VkDependencyInfo *pDependencyInfos)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->waits_on_events = true;
   cb->disp->CmdWaitEvents2(cb->handle, eventCount, pEvents, pDependencyInfos);
}
