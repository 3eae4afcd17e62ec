/* SPDX-License-Identifier: MIT */
/* Recorded commands that Kronos counts: dispatches and pipeline barriers (pushed descriptors:
 * kr_descriptor_bind.c). Barriers are requests to the barrier policy (kr_barrier_record.h)
 * where it understands them, else forwarded as recorded; dispatches tell it what they touch.
 * The counts reach the device's statistics when recording ends. Barriers (and event
 * dependencies) reach the vendor with its queue family indices. */
#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_hooks.h"
#include "kr_queue_family.h"
#include "kr_scratch.h"

static const struct kr_queue_family_map *
family_map(const struct kr_command_buffer *cb)
{
   return &cb->device->physical->state.queue_family_map;
}

/* Out of host memory while translating: the command is not recorded, and vkEndCommandBuffer
 * reports it. */
static void
record_out_of_memory(struct kr_command_buffer *cb, const char *command)
{
   kr_error("%s: out of host memory translating queue family indices", command);
   cb->record_result = VK_ERROR_OUT_OF_HOST_MEMORY;
}

void
kr_command_buffer_note_host_object(struct kr_command_buffer *cb, uint64_t object)
{
   /* Each once: a command buffer usually touches few events and pools, and a loss concerns
    * each object once. */
   for (uint32_t i = 0; i < cb->host_object_count; i++) {
      if (cb->host_objects[i] == object)
         return;
   }
   if (kr_array_grow(cb->pool->alloc, (void **)&cb->host_objects, &cb->host_object_capacity,
                     cb->host_object_count, (uint64_t)cb->host_object_count + 1,
                     sizeof(*cb->host_objects), 8) != VK_SUCCESS) {
      /* Unrecorded, a loss of the command buffer's work could leave this object's observers
       * without an answer: the recording fails instead. */
      kr_error("out of host memory recording the events and query pools a command buffer uses");
      cb->record_result = VK_ERROR_OUT_OF_HOST_MEMORY;
      return;
   }
   cb->host_objects[cb->host_object_count++] = object;
}

/* Translates the family indices of vkCmdPipelineBarrier/vkCmdWaitEvents barriers; *storage is
 * what to free after the vendor call. With an identity map (the usual case) nothing is copied.
 * false when out of memory (recorded). */
static bool
barrier_families_to_vendor(struct kr_command_buffer *cb, const char *command,
                           struct kr_barrier_arrays *arrays, void **storage)
{
   *storage = NULL;
   const struct kr_queue_family_map *map = family_map(cb);
   if (map->identity)
      return true;
   if (kr_barrier_arrays_to_vendor(map, cb->pool->alloc, arrays, storage) == VK_SUCCESS)
      return true;
   record_out_of_memory(cb, command);
   return false;
}

/* The same for count VkDependencyInfo. */
static bool
dependency_families_to_vendor(struct kr_command_buffer *cb, const char *command, uint32_t count,
                              const VkDependencyInfo **infos, void **storage)
{
   *storage = NULL;
   const struct kr_queue_family_map *map = family_map(cb);
   if (map->identity)
      return true;
   if (kr_dependency_infos_to_vendor(map, cb->pool->alloc, count, infos, storage) == VK_SUCCESS)
      return true;
   record_out_of_memory(cb, command);
   return false;
}

/* Counts an application dispatch, and says whether it goes to the vendor (counted as such). A
 * command buffer whose recording already failed (vkEndCommandBuffer will say why) records no
 * more dispatches: one may rely on what failed (a descriptor set Kronos could not bind), and the
 * vendor must not see a dispatch without its sets. Such a command buffer is never submitted. */
static bool
dispatch_reaches_vendor(struct kr_command_buffer *cb)
{
   cb->counts.dispatches++;
   if (cb->record_result != VK_SUCCESS)
      return false;
   cb->counts.vendor_dispatches++;
   return true;
}

/* A dispatch the profiler times (out of line: the others' frames stay small). */
static void __attribute__((noinline))
profiled_dispatch(struct kr_command_buffer *cb, uint32_t groupCountX, uint32_t groupCountY,
                  uint32_t groupCountZ)
{
   kr_profile_cmd_begin(cb, KR_PROFILE_DISPATCH, NULL,
                        (const uint32_t[3]){groupCountX, groupCountY, groupCountZ});
   cb->disp->CmdDispatch(cb->handle, groupCountX, groupCountY, groupCountZ);
   kr_profile_cmd_end(cb);
}

/* A direct dispatch the barrier policy must work out now (kept false), or the profiler times.
 * Out of line, so that the common dispatch (kept back, or before any request) needs no frame;
 * flattened, so that the policy's work for it takes no second call and frame. */
static void __attribute__((noinline, flatten))
dispatch_slow(struct kr_command_buffer *cb, bool kept, uint32_t groupCountX,
              uint32_t groupCountY, uint32_t groupCountZ)
{
   if (!kept)
      kr_barrier_dispatch_given(cb, VK_NULL_HANDLE, 0);
   if (KR_PROFILE_UNLIKELY(cb->profile_timed)) {
      profiled_dispatch(cb, groupCountX, groupCountY, groupCountZ);
      return;
   }
   cb->disp->CmdDispatch(cb->handle, groupCountX, groupCountY, groupCountZ);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdDispatch(VkCommandBuffer commandBuffer, uint32_t groupCountX, uint32_t groupCountY,
               uint32_t groupCountZ)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   if (!dispatch_reaches_vendor(cb))
      return;
   bool kept = kr_barrier_dispatch_kept(&cb->barrier, VK_NULL_HANDLE,
                                        &cb->counts.barrier_dispatches_unexamined);
   if (KR_PROFILE_UNLIKELY(!kept || cb->profile_timed)) {
      dispatch_slow(cb, kept, groupCountX, groupCountY, groupCountZ);
      return;
   }
   cb->disp->CmdDispatch(cb->handle, groupCountX, groupCountY, groupCountZ);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdDispatchIndirect(VkCommandBuffer commandBuffer, VkBuffer buffer, VkDeviceSize offset)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   if (!dispatch_reaches_vendor(cb))
      return;
   kr_barrier_dispatch(cb, buffer, offset);
   kr_profile_cmd_begin(cb, KR_PROFILE_DISPATCH_INDIRECT, NULL, NULL);
   cb->disp->CmdDispatchIndirect(cb->handle, buffer, offset);
   kr_profile_cmd_end(cb);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdDispatchBase(VkCommandBuffer commandBuffer, uint32_t baseGroupX, uint32_t baseGroupY,
                   uint32_t baseGroupZ, uint32_t groupCountX, uint32_t groupCountY,
                   uint32_t groupCountZ)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   if (!dispatch_reaches_vendor(cb))
      return;
   kr_barrier_dispatch(cb, VK_NULL_HANDLE, 0);
   kr_profile_cmd_begin(cb, KR_PROFILE_DISPATCH, NULL,
                        (const uint32_t[3]){groupCountX, groupCountY, groupCountZ});
   cb->disp->CmdDispatchBase(cb->handle, baseGroupX, baseGroupY, baseGroupZ, groupCountX,
                             groupCountY, groupCountZ);
   kr_profile_cmd_end(cb);
}

/* vkCmdPipelineBarrier as recorded (out of line: a request's path stays small). */
static void __attribute__((noinline))
forward_pipeline_barrier(struct kr_command_buffer *cb, VkPipelineStageFlags srcStageMask,
                         VkPipelineStageFlags dstStageMask, VkDependencyFlags dependencyFlags,
                         uint32_t memoryBarrierCount, const VkMemoryBarrier *pMemoryBarriers,
                         uint32_t bufferMemoryBarrierCount,
                         const VkBufferMemoryBarrier *pBufferMemoryBarriers,
                         uint32_t imageMemoryBarrierCount,
                         const VkImageMemoryBarrier *pImageMemoryBarriers)
{
   struct kr_barrier_arrays arrays = {bufferMemoryBarrierCount, pBufferMemoryBarriers,
                                      imageMemoryBarrierCount, pImageMemoryBarriers};
   void *storage;
   if (!barrier_families_to_vendor(cb, "vkCmdPipelineBarrier", &arrays, &storage))
      return;
   cb->counts.vendor_barriers++;
   cb->disp->CmdPipelineBarrier(cb->handle, srcStageMask, dstStageMask, dependencyFlags,
                                memoryBarrierCount, pMemoryBarriers, arrays.buffer_count,
                                arrays.buffers, arrays.image_count, arrays.images);
   kr_free(cb->pool->alloc, storage);
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
   /* A request to the barrier policy, or forwarded as recorded. */
   if (kr_barrier_request(cb, srcStageMask, dstStageMask, dependencyFlags, memoryBarrierCount,
                          pMemoryBarriers, bufferMemoryBarrierCount, pBufferMemoryBarriers,
                          imageMemoryBarrierCount) ||
       !kr_barrier_forwarded(cb))
      return;
   forward_pipeline_barrier(cb, srcStageMask, dstStageMask, dependencyFlags, memoryBarrierCount,
                            pMemoryBarriers, bufferMemoryBarrierCount, pBufferMemoryBarriers,
                            imageMemoryBarrierCount, pImageMemoryBarriers);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdPipelineBarrier2(VkCommandBuffer commandBuffer, const VkDependencyInfo *pDependencyInfo)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->counts.barriers++;
   if (kr_barrier_request2(cb, pDependencyInfo) || !kr_barrier_forwarded(cb))
      return;
   void *storage;
   if (!dependency_families_to_vendor(cb, "vkCmdPipelineBarrier2", 1, &pDependencyInfo,
                                      &storage))
      return;
   cb->counts.vendor_barriers++;
   cb->disp->CmdPipelineBarrier2(cb->handle, pDependencyInfo);
   kr_free(cb->pool->alloc, storage);
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
   kr_barrier_untracked(cb, KRONOS_BARRIER_EVENT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                        VK_ACCESS_2_MEMORY_WRITE_BIT);
   struct kr_barrier_arrays arrays = {bufferMemoryBarrierCount, pBufferMemoryBarriers,
                                      imageMemoryBarrierCount, pImageMemoryBarriers};
   void *storage;
   if (!barrier_families_to_vendor(cb, "vkCmdWaitEvents", &arrays, &storage))
      return;
   cb->disp->CmdWaitEvents(cb->handle, eventCount, pEvents, srcStageMask, dstStageMask,
                           memoryBarrierCount, pMemoryBarriers, arrays.buffer_count,
                           arrays.buffers, arrays.image_count, arrays.images);
   kr_free(cb->pool->alloc, storage);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdWaitEvents2(VkCommandBuffer commandBuffer, uint32_t eventCount, const VkEvent *pEvents,
                  const VkDependencyInfo *pDependencyInfos)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   cb->waits_on_events = true;
   kr_barrier_untracked(cb, KRONOS_BARRIER_EVENT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                        VK_ACCESS_2_MEMORY_WRITE_BIT);
   void *storage;
   if (!dependency_families_to_vendor(cb, "vkCmdWaitEvents2", eventCount, &pDependencyInfos,
                                      &storage))
      return;
   cb->disp->CmdWaitEvents2(cb->handle, eventCount, pEvents, pDependencyInfos);
   kr_free(cb->pool->alloc, storage);
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdSetEvent2(VkCommandBuffer commandBuffer, VkEvent event,
                const VkDependencyInfo *pDependencyInfo)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   kr_barrier_untracked(cb, KRONOS_BARRIER_EVENT, 0, 0);
   kr_command_buffer_note_host_object(cb, (uint64_t)(uintptr_t)event);
   void *storage;
   if (!dependency_families_to_vendor(cb, "vkCmdSetEvent2", 1, &pDependencyInfo, &storage))
      return;
   cb->disp->CmdSetEvent2(cb->handle, event, pDependencyInfo);
   kr_free(cb->pool->alloc, storage);
}
