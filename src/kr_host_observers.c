/* SPDX-License-Identifier: MIT */
/* The host's side of events and queries. Observing one (vkGetEventStatus,
 * vkGetQueryPoolResults) or changing it from the host (vkSetEvent, vkResetEvent,
 * vkResetQueryPool) sends every pending submit batch to the vendor first, and waits until the
 * flushes on their way have landed: the host sees what the queues did with the submits it
 * made. Work of a flush the vendor refused never sets the events nor writes the queries it
 * would have (vkQueueSubmit said VK_SUCCESS): their observers report the flush's error
 * (kr_device_lost_work) instead of VK_EVENT_RESET or VK_NOT_READY for ever, until the host
 * sets, resets or destroys the object, or work the vendor took touches it again. Events and
 * query pools are the vendor's objects: Kronos forwards them as they are. */
#include "kr_entrypoints.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"

/* The key of an event's or query pool's losses: its vendor handle as an integer. */
#define HOST_OBJECT(handle) ((uint64_t)(uintptr_t)(handle))

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetEventStatus(VkDevice _device, VkEvent event)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_device_observe(device);
   VkResult lost = kr_device_lost_work(device, HOST_OBJECT(event));
   if (lost != VK_SUCCESS)
      return lost;
   return device->disp.GetEventStatus(device->handle, event);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_SetEvent(VkDevice _device, VkEvent event)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_device_observe(device);
   /* The host states the event's state: a loss no longer says anything about it. */
   kr_device_forget_lost_signals(device, HOST_OBJECT(event));
   return device->disp.SetEvent(device->handle, event);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_ResetEvent(VkDevice _device, VkEvent event)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_device_observe(device);
   kr_device_forget_lost_signals(device, HOST_OBJECT(event));
   return device->disp.ResetEvent(device->handle, event);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyEvent(VkDevice _device, VkEvent event, const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   /* Before the vendor may hand the handle to a new event. */
   if (event != VK_NULL_HANDLE)
      kr_device_forget_lost_signals(device, HOST_OBJECT(event));
   device->disp.DestroyEvent(device->handle, event, pAllocator);
}

/* The loss is the pool's, not its queries': Kronos does not follow which queries the lost
 * work wrote, so every read of the pool reports it, with VK_QUERY_RESULT_WAIT_BIT or without
 * (without, the queries it would have written answer VK_NOT_READY for ever, as a poll of
 * them would spin), until the host resets the pool (any range of it) or work the vendor took
 * writes or resets it again. */
VKAPI_ATTR VkResult VKAPI_CALL
kr_GetQueryPoolResults(VkDevice _device, VkQueryPool queryPool, uint32_t firstQuery,
                       uint32_t queryCount, size_t dataSize, void *pData, VkDeviceSize stride,
                       VkQueryResultFlags flags)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_device_observe(device);
   VkResult lost = kr_device_lost_work(device, HOST_OBJECT(queryPool));
   if (lost != VK_SUCCESS)
      return lost;
   return device->disp.GetQueryPoolResults(device->handle, queryPool, firstQuery, queryCount,
                                           dataSize, pData, stride, flags);
}

VKAPI_ATTR void VKAPI_CALL
kr_ResetQueryPool(VkDevice _device, VkQueryPool queryPool, uint32_t firstQuery,
                  uint32_t queryCount)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_device_observe(device);
   kr_device_forget_lost_signals(device, HOST_OBJECT(queryPool));
   device->disp.ResetQueryPool(device->handle, queryPool, firstQuery, queryCount);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyQueryPool(VkDevice _device, VkQueryPool queryPool,
                    const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   if (queryPool != VK_NULL_HANDLE)
      kr_device_forget_lost_signals(device, HOST_OBJECT(queryPool));
   device->disp.DestroyQueryPool(device->handle, queryPool, pAllocator);
}
