/* SPDX-License-Identifier: MIT */
/* Buffer transfers the barrier policy tracks (vkCmdCopyBuffer/2, vkCmdFillBuffer,
 * vkCmdUpdateBuffer, vkCmdCopyQueryPoolResults): their byte ranges go to the tracker before the
 * command goes to the vendor. A buffer whose memory is not known makes the command one the
 * policy does not understand. */
#include "kr_barrier_record.h"
#include "kr_entrypoints.h"
#include "kr_objects.h"
#include "kr_profile_hooks.h"

/* One region of a transfer. */
struct transfer_range {
   VkBuffer buffer;
   VkDeviceSize offset, size;
   enum kr_barrier_access_kind kind;
};

static void
track_transfer(struct kr_command_buffer *cb, const struct transfer_range *ranges, uint32_t count,
               VkPipelineStageFlags2 stages)
{
   if (!cb->barrier.tracking)
      return;
   kr_barrier_settle(cb);
   uint32_t used = 0;
   bool known = true;
   for (uint32_t i = 0; known && i < count; i++)
      known = kr_barrier_add_buffer_access(cb, &used, ranges[i].buffer, ranges[i].offset,
                                           ranges[i].size, ranges[i].kind);
   if (!known) {
      kr_barrier_untracked(cb, KRONOS_BARRIER_OTHER_COMMAND, stages,
                           VK_ACCESS_2_TRANSFER_WRITE_BIT);
      return;
   }
   kr_barrier_command(cb, used);
}

/* A copy's regions, two ranges each, in batches (regions are usually few). */
static void
track_copy(struct kr_command_buffer *cb, VkBuffer src, VkBuffer dst, uint32_t count,
           const VkBufferCopy *regions, const VkBufferCopy2 *regions2)
{
   if (!cb->barrier.tracking)
      return;
   kr_barrier_settle(cb);
   uint32_t used = 0;
   bool known = true;
   for (uint32_t i = 0; known && i < count; i++) {
      VkDeviceSize src_offset = regions ? regions[i].srcOffset : regions2[i].srcOffset;
      VkDeviceSize dst_offset = regions ? regions[i].dstOffset : regions2[i].dstOffset;
      VkDeviceSize size = regions ? regions[i].size : regions2[i].size;
      known = kr_barrier_add_buffer_access(cb, &used, src, src_offset, size,
                                           KR_ACCESS_COPY_READ) &&
              kr_barrier_add_buffer_access(cb, &used, dst, dst_offset, size,
                                           KR_ACCESS_COPY_WRITE);
   }
   if (!known) {
      kr_barrier_untracked(cb, KRONOS_BARRIER_OTHER_COMMAND, VK_PIPELINE_STAGE_2_COPY_BIT,
                           VK_ACCESS_2_TRANSFER_WRITE_BIT);
      return;
   }
   kr_barrier_command(cb, used);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdCopyBuffer(VkCommandBuffer commandBuffer, VkBuffer srcBuffer, VkBuffer dstBuffer,
                 uint32_t regionCount, const VkBufferCopy *pRegions)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   track_copy(cb, srcBuffer, dstBuffer, regionCount, pRegions, NULL);
   kr_profile_cmd_begin(cb, KR_PROFILE_COPY, "vkCmdCopyBuffer", NULL);
   cb->disp->CmdCopyBuffer(cb->handle, srcBuffer, dstBuffer, regionCount, pRegions);
   kr_profile_cmd_end(cb);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdCopyBuffer2(VkCommandBuffer commandBuffer, const VkCopyBufferInfo2 *pCopyBufferInfo)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   if (pCopyBufferInfo->pNext)
      kr_barrier_untracked(cb, KRONOS_BARRIER_OTHER_COMMAND, VK_PIPELINE_STAGE_2_COPY_BIT,
                           VK_ACCESS_2_TRANSFER_WRITE_BIT);
   else
      track_copy(cb, pCopyBufferInfo->srcBuffer, pCopyBufferInfo->dstBuffer,
                 pCopyBufferInfo->regionCount, NULL, pCopyBufferInfo->pRegions);
   kr_profile_cmd_begin(cb, KR_PROFILE_COPY, "vkCmdCopyBuffer2", NULL);
   cb->disp->CmdCopyBuffer2(cb->handle, pCopyBufferInfo);
   kr_profile_cmd_end(cb);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdFillBuffer(VkCommandBuffer commandBuffer, VkBuffer dstBuffer, VkDeviceSize dstOffset,
                 VkDeviceSize size, uint32_t data)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   const struct transfer_range range = {dstBuffer, dstOffset, size, KR_ACCESS_CLEAR_WRITE};
   track_transfer(cb, &range, 1, kr_barrier_kind_stage(KR_ACCESS_CLEAR_WRITE));
   kr_profile_cmd_begin(cb, KR_PROFILE_FILL, "vkCmdFillBuffer", NULL);
   cb->disp->CmdFillBuffer(cb->handle, dstBuffer, dstOffset, size, data);
   kr_profile_cmd_end(cb);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdUpdateBuffer(VkCommandBuffer commandBuffer, VkBuffer dstBuffer, VkDeviceSize dstOffset,
                   VkDeviceSize dataSize, const void *pData)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   const struct transfer_range range = {dstBuffer, dstOffset, dataSize, KR_ACCESS_CLEAR_WRITE};
   track_transfer(cb, &range, 1, kr_barrier_kind_stage(KR_ACCESS_CLEAR_WRITE));
   kr_profile_cmd_begin(cb, KR_PROFILE_UPDATE, "vkCmdUpdateBuffer", NULL);
   cb->disp->CmdUpdateBuffer(cb->handle, dstBuffer, dstOffset, dataSize, pData);
   kr_profile_cmd_end(cb);
}

/* It reads query results, which the policy does not track: everything pending goes first. Its
 * write reaches at most to the end of the buffer (result sizes depend on the query type). */
VKAPI_ATTR void VKAPI_CALL
kr_CmdCopyQueryPoolResults(VkCommandBuffer commandBuffer, VkQueryPool queryPool,
                           uint32_t firstQuery, uint32_t queryCount, VkBuffer dstBuffer,
                           VkDeviceSize dstOffset, VkDeviceSize stride, VkQueryResultFlags flags)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   kr_barrier_untracked(cb, KRONOS_BARRIER_QUERY, 0, 0);
   const struct transfer_range range = {dstBuffer, dstOffset, VK_WHOLE_SIZE,
                                        KR_ACCESS_COPY_WRITE};
   track_transfer(cb, &range, 1, VK_PIPELINE_STAGE_2_COPY_BIT);
   cb->disp->CmdCopyQueryPoolResults(cb->handle, queryPool, firstQuery, queryCount, dstBuffer,
                                     dstOffset, stride, flags);
}
