/* SPDX-License-Identifier: MIT */
/* Command pools and command buffers. Pools are wrapped so that the command buffer objects a
 * pool owns are freed with it. */
#include <stdalign.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"

static void
link_buffer(struct kr_command_pool *pool, struct kr_command_buffer *cb)
{
   cb->prev = NULL;
   cb->next = pool->buffers;
   if (pool->buffers)
      pool->buffers->prev = cb;
   pool->buffers = cb;
}

static void
unlink_buffer(struct kr_command_pool *pool, struct kr_command_buffer *cb)
{
   if (cb->prev)
      cb->prev->next = cb->next;
   else
      pool->buffers = cb->next;
   if (cb->next)
      cb->next->prev = cb->prev;
}

/* Frees Kronos's object for a command buffer the vendor freed. */
static void
free_buffer_object(struct kr_command_pool *pool, struct kr_command_buffer *cb)
{
   kr_profile_recording_finish(cb);
   kr_command_buffer_release_descriptors(cb);
   kr_barrier_recording_finish(cb);
   kr_free(pool->alloc, cb->held);
   kr_free(pool->alloc, cb->carried);
   kr_free(pool->alloc, cb->host_objects);
   kr_object_base_finish(&cb->base);
   kr_free(pool->alloc, cb);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateCommandPool(VkDevice _device, const VkCommandPoolCreateInfo *pCreateInfo,
                     const VkAllocationCallbacks *pAllocator, VkCommandPool *pCommandPool)
{
   struct kr_device *device = kr_device_from_handle(_device);
   const struct kr_physical_device *pd = device->physical;
   if (pCreateInfo->queueFamilyIndex >= pd->state.queue_family_count) {
      kr_error("vkCreateCommandPool: queue family %u does not exist on %s (it has %u)",
               pCreateInfo->queueFamilyIndex, pd->state.device_name, pd->state.queue_family_count);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   VkCommandPoolCreateInfo vendor_info = *pCreateInfo;
   vendor_info.queueFamilyIndex =
      kr_queue_family_to_vendor(&pd->state.queue_family_map, pCreateInfo->queueFamilyIndex);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, device->alloc);
   struct kr_command_pool *pool = kr_zalloc(alloc, sizeof(*pool), 8,
                                            VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!pool)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_object_base_init(&pool->base, VK_OBJECT_TYPE_COMMAND_POOL, device->alloc);
   pool->device = device;
   if (alloc) {
      pool->alloc_storage = *alloc;
      pool->alloc = &pool->alloc_storage;
   }
   VkResult result = device->disp.CreateCommandPool(device->handle, &vendor_info, pAllocator,
                                                    &pool->handle);
   if (result != VK_SUCCESS) {
      kr_free(alloc, pool);
      return result;
   }
   *pCommandPool = kr_command_pool_to_handle(pool);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyCommandPool(VkDevice _device, VkCommandPool commandPool,
                      const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_command_pool *pool = kr_command_pool_from_handle(commandPool);
   if (!pool)
      return;
   /* No flush: the pool's command buffers may not be pending (the application observed
    * their completion, and observing flushed). */
   device->disp.DestroyCommandPool(device->handle, pool->handle, pAllocator);
   /* The vendor freed the pool's command buffers; free Kronos's objects for them. */
   for (struct kr_command_buffer *cb = pool->buffers, *next; cb; cb = next) {
      next = cb->next;
      free_buffer_object(pool, cb);
   }
   kr_barrier_pool_release_logs(pool);
   kr_object_base_finish(&pool->base);
   kr_free(pool->alloc, pool);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_ResetCommandPool(VkDevice _device, VkCommandPool commandPool, VkCommandPoolResetFlags flags)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_command_pool *pool = kr_command_pool_from_handle(commandPool);
   /* Reset command buffers can no longer be submitted: their cached descriptor sets go free. */
   bool release = flags & VK_COMMAND_POOL_RESET_RELEASE_RESOURCES_BIT;
   for (struct kr_command_buffer *cb = pool->buffers; cb; cb = cb->next) {
      kr_profile_recording_reset(cb);
      kr_command_buffer_reset_descriptors(cb, release);
      cb->host_object_count = 0;
      if (release)
         kr_barrier_recording_release(cb);
   }
   if (release)
      kr_barrier_pool_release_logs(pool);
   return device->disp.ResetCommandPool(device->handle, pool->handle, flags);
}

VKAPI_ATTR void VKAPI_CALL
kr_TrimCommandPool(VkDevice _device, VkCommandPool commandPool, VkCommandPoolTrimFlags flags)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_command_pool *pool = kr_command_pool_from_handle(commandPool);
   kr_barrier_pool_release_logs(pool);
   /* Memory the pool's command buffers keep for later recordings goes back: so do the holds
    * carried to their next recording, which keep cached vendor sets past the cache's bound. */
   for (struct kr_command_buffer *cb = pool->buffers; cb; cb = cb->next)
      kr_command_buffer_end_descriptors(cb);
   device->disp.TrimCommandPool(device->handle, pool->handle, flags);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_AllocateCommandBuffers(VkDevice _device, const VkCommandBufferAllocateInfo *pAllocateInfo,
                          VkCommandBuffer *pCommandBuffers)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_command_pool *pool = kr_command_pool_from_handle(pAllocateInfo->commandPool);
   uint32_t count = pAllocateInfo->commandBufferCount;
   VkCommandBufferAllocateInfo info = *pAllocateInfo;
   info.commandPool = pool->handle;

   /* The vendor writes its handles into the application's array; each is then replaced by
    * the Kronos object that holds it. */
   VkResult result = device->disp.AllocateCommandBuffers(device->handle, &info, pCommandBuffers);
   if (result != VK_SUCCESS)
      return result;
   /* As the loader's vkAllocateCommandBuffers trampoline: each gets its device's word. */
   if (device->physical->vendor->layered) {
      for (uint32_t i = 0; i < count; i++)
         kr_layer_set_dispatch(pCommandBuffers[i], &device->disp);
   }
   uint32_t made = 0;
   for (; made < count; made++) {
      struct kr_command_buffer *cb = kr_zalloc(pool->alloc, sizeof(*cb),
                                               alignof(struct kr_command_buffer),
                                               VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (!cb)
         break;
      set_loader_magic_value(cb);
      kr_object_base_init(&cb->base, VK_OBJECT_TYPE_COMMAND_BUFFER, device->alloc);
      cb->disp = &device->disp;
      cb->handle = pCommandBuffers[made];
      cb->device = device;
      cb->pool = pool;
      cb->record_result = VK_SUCCESS;
      cb->secondary = info.level == VK_COMMAND_BUFFER_LEVEL_SECONDARY;
      link_buffer(pool, cb);
      pCommandBuffers[made] = kr_command_buffer_to_handle(cb);
   }
   if (made == count)
      return VK_SUCCESS;

   /* Out of host memory part-way: undo everything, as the specification requires. */
   for (uint32_t i = 0; i < count; i++) {
      VkCommandBuffer vendor = pCommandBuffers[i];
      if (i < made) {
         struct kr_command_buffer *cb = kr_command_buffer_from_handle(pCommandBuffers[i]);
         vendor = cb->handle;
         unlink_buffer(pool, cb);
         kr_free(pool->alloc, cb);
      }
      device->disp.FreeCommandBuffers(device->handle, pool->handle, 1, &vendor);
      pCommandBuffers[i] = VK_NULL_HANDLE;
   }
   return VK_ERROR_OUT_OF_HOST_MEMORY;
}

VKAPI_ATTR void VKAPI_CALL
kr_FreeCommandBuffers(VkDevice _device, VkCommandPool commandPool, uint32_t commandBufferCount,
                      const VkCommandBuffer *pCommandBuffers)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_command_pool *pool = kr_command_pool_from_handle(commandPool);
   for (uint32_t i = 0; i < commandBufferCount; i++) {
      struct kr_command_buffer *cb = kr_command_buffer_from_handle(pCommandBuffers[i]);
      if (!cb)
         continue;
      device->disp.FreeCommandBuffers(device->handle, pool->handle, 1, &cb->handle);
      unlink_buffer(pool, cb);
      free_buffer_object(pool, cb);
   }
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_BeginCommandBuffer(VkCommandBuffer commandBuffer, const VkCommandBufferBeginInfo *pBeginInfo)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   kr_profile_recording_reset(cb); /* the last run's results, before the slices go */
   cb->record_result = VK_SUCCESS;
   cb->waits_on_events = false;
   cb->host_object_count = 0;
   /* Beginning resets the command buffer: what it held is carried for the new recording to
    * take over (let go at its end), and the new recording is a new holder. First, since the
    * last recording's hits on its holds are counted there. */
   kr_command_buffer_carry_descriptors(cb);
   memset(&cb->counts, 0, sizeof(cb->counts));
   cb->descriptor_holder = atomic_fetch_add_explicit(&cb->device->descriptor_holder_serial, 1,
                                                     memory_order_relaxed) + 1;
   kr_barrier_recording_begin(cb);
   VkResult result = cb->disp->BeginCommandBuffer(cb->handle, pBeginInfo);
   if (result == VK_SUCCESS)
      kr_profile_recording_begin(cb, pBeginInfo->flags); /* its queries' resets */
   return result;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_ResetCommandBuffer(VkCommandBuffer commandBuffer, VkCommandBufferResetFlags flags)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   kr_profile_recording_reset(cb);
   cb->profile_timed = false;
   cb->profile.slice_count = 0;
   bool release = flags & VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT;
   kr_command_buffer_reset_descriptors(cb, release);
   cb->host_object_count = 0;
   if (release)
      kr_barrier_recording_release(cb);
   return cb->disp->ResetCommandBuffer(cb->handle, flags);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_EndCommandBuffer(VkCommandBuffer commandBuffer)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   /* Every pending barrier request goes to the vendor: the next submit may depend on it. */
   kr_barrier_recording_end(cb);
   kr_profile_recording_end(cb); /* labels left open end here */
   kr_command_buffer_end_descriptors(cb);
   VkResult result = cb->disp->EndCommandBuffer(cb->handle);
   kr_stats_add_recorded(&cb->device->stats, &cb->counts);
   return cb->record_result != VK_SUCCESS ? cb->record_result : result;
}

void
kr_command_buffer_record_unsupported(VkCommandBuffer commandBuffer, const char *command)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   kr_log_unsupported(command);
   cb->record_result = VK_ERROR_FEATURE_NOT_PRESENT;
}

VKAPI_ATTR void VKAPI_CALL
kr_CmdExecuteCommands(VkCommandBuffer commandBuffer, uint32_t commandBufferCount,
                      const VkCommandBuffer *pCommandBuffers)
{
   struct kr_command_buffer *cb = kr_command_buffer_from_handle(commandBuffer);
   VkCommandBuffer stack[64] = {0};
   VkCommandBuffer *handles = stack;
   if (commandBufferCount > 64) {
      handles = kr_alloc(cb->pool->alloc, sizeof(*handles) * commandBufferCount, 8,
                         VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
      if (!handles) {
         kr_error("vkCmdExecuteCommands: out of host memory");
         cb->record_result = VK_ERROR_OUT_OF_HOST_MEMORY;
         return;
      }
   }
   /* The policy does not see into secondaries: everything pending goes first, and they may
    * write anything. */
   kr_barrier_untracked(cb, KRONOS_BARRIER_SECONDARY, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                        VK_ACCESS_2_MEMORY_WRITE_BIT);
   for (uint32_t i = 0; i < commandBufferCount; i++) {
      struct kr_command_buffer *secondary = kr_command_buffer_from_handle(pCommandBuffers[i]);
      handles[i] = secondary->handle;
      cb->waits_on_events |= secondary->waits_on_events;
      for (uint32_t j = 0; j < secondary->host_object_count; j++)
         kr_command_buffer_note_host_object(cb, secondary->host_objects[j]);
   }
   cb->disp->CmdExecuteCommands(cb->handle, commandBufferCount, handles);
   if (handles != stack)
      kr_free(cb->pool->alloc, handles);
}
