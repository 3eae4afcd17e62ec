/* SPDX-License-Identifier: MIT */
/* VK_EXT_debug_utils and private data: calls that name objects by (type, raw handle), so
 * Kronos's objects must be swapped for the vendor's. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"
#include "kr_util.h"

uint64_t
kr_vendor_object_handle(VkObjectType type, uint64_t handle)
{
   if (!handle)
      return handle;
   switch (type) {
   case VK_OBJECT_TYPE_INSTANCE:
      /* Kronos's instance stands for several vendor instances: name the first. */
      return (uint64_t)(uintptr_t)kr_instance_from_handle((VkInstance)(uintptr_t)handle)
         ->vendor_instances[0].handle;
   case VK_OBJECT_TYPE_PHYSICAL_DEVICE:
      return (uint64_t)(uintptr_t)
         kr_physical_device_from_handle((VkPhysicalDevice)(uintptr_t)handle)->handle;
   case VK_OBJECT_TYPE_DEVICE:
      return (uint64_t)(uintptr_t)kr_device_from_handle((VkDevice)(uintptr_t)handle)->handle;
   case VK_OBJECT_TYPE_QUEUE:
      return (uint64_t)(uintptr_t)kr_queue_from_handle((VkQueue)(uintptr_t)handle)->handle;
   case VK_OBJECT_TYPE_COMMAND_BUFFER:
      return (uint64_t)(uintptr_t)
         kr_command_buffer_from_handle((VkCommandBuffer)(uintptr_t)handle)->handle;
   case VK_OBJECT_TYPE_DEVICE_MEMORY:
      /* Pooled memory names its block: the closest vendor object there is. */
      return (uint64_t)(uintptr_t)
         kr_memory_from_handle((VkDeviceMemory)(uintptr_t)handle)->vendor;
   case VK_OBJECT_TYPE_COMMAND_POOL:
      return (uint64_t)(uintptr_t)
         kr_command_pool_from_handle((VkCommandPool)(uintptr_t)handle)->handle;
   case VK_OBJECT_TYPE_FENCE: /* 0 for a point fence: no vendor object */
      return (uint64_t)(uintptr_t)kr_fence_from_handle((VkFence)(uintptr_t)handle)->vendor;
   case VK_OBJECT_TYPE_SEMAPHORE: /* 0 for a point semaphore */
      return (uint64_t)(uintptr_t)
         kr_semaphore_from_handle((VkSemaphore)(uintptr_t)handle)->vendor;
   default:
      return handle;
   }
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_SetDebugUtilsObjectNameEXT(VkDevice _device, const VkDebugUtilsObjectNameInfoEXT *pNameInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkDebugUtilsObjectNameInfoEXT info = *pNameInfo;
   info.objectHandle = kr_vendor_object_handle(info.objectType, info.objectHandle);
   if (!info.objectHandle && pNameInfo->objectHandle)
      return VK_SUCCESS; /* a Kronos object with no vendor object to name */
   return device->disp.SetDebugUtilsObjectNameEXT(device->handle, &info);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_SetDebugUtilsObjectTagEXT(VkDevice _device, const VkDebugUtilsObjectTagInfoEXT *pTagInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkDebugUtilsObjectTagInfoEXT info = *pTagInfo;
   info.objectHandle = kr_vendor_object_handle(info.objectType, info.objectHandle);
   if (!info.objectHandle && pTagInfo->objectHandle)
      return VK_SUCCESS; /* a Kronos object with no vendor object to tag */
   return device->disp.SetDebugUtilsObjectTagEXT(device->handle, &info);
}

/* The private data slots Kronos keeps for an object, else NULL (the vendor keeps them): pooled
 * memory, which has no vendor object of its own, and fences and semaphores, which may have
 * none or gain one later (an import), so their data stays in one place. */
static struct kr_private_data *
kronos_private_data(VkObjectType type, uint64_t handle)
{
   if (!handle)
      return NULL;
   switch (type) {
   case VK_OBJECT_TYPE_DEVICE_MEMORY: {
      struct kr_memory *memory = kr_memory_from_handle((VkDeviceMemory)(uintptr_t)handle);
      return memory->block ? memory->private_data : NULL;
   }
   case VK_OBJECT_TYPE_FENCE:
      return kr_fence_from_handle((VkFence)(uintptr_t)handle)->private_data;
   case VK_OBJECT_TYPE_SEMAPHORE:
      return kr_semaphore_from_handle((VkSemaphore)(uintptr_t)handle)->private_data;
   default:
      return NULL;
   }
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_SetPrivateData(VkDevice _device, VkObjectType objectType, uint64_t objectHandle,
                  VkPrivateDataSlot privateDataSlot, uint64_t data)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_private_data *slots = kronos_private_data(objectType, objectHandle);
   if (slots) {
      for (unsigned i = 0; i < KR_PRIVATE_DATA_SLOTS; i++) {
         if (slots[i].slot == privateDataSlot || slots[i].slot == VK_NULL_HANDLE) {
            slots[i].slot = privateDataSlot;
            slots[i].data = data;
            return VK_SUCCESS;
         }
      }
      kr_error("vkSetPrivateData: more than %u private data slots on one object Kronos keeps "
               "them for", (unsigned)KR_PRIVATE_DATA_SLOTS);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return device->disp.SetPrivateData(device->handle, objectType,
                                      kr_vendor_object_handle(objectType, objectHandle),
                                      privateDataSlot, data);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPrivateData(VkDevice _device, VkObjectType objectType, uint64_t objectHandle,
                  VkPrivateDataSlot privateDataSlot, uint64_t *pData)
{
   struct kr_device *device = kr_device_from_handle(_device);
   struct kr_private_data *slots = kronos_private_data(objectType, objectHandle);
   if (slots) {
      *pData = 0;
      for (unsigned i = 0; i < KR_PRIVATE_DATA_SLOTS; i++) {
         if (slots[i].slot == privateDataSlot)
            *pData = slots[i].data;
      }
      return;
   }
   device->disp.GetPrivateData(device->handle, objectType,
                               kr_vendor_object_handle(objectType, objectHandle),
                               privateDataSlot, pData);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateDebugUtilsMessengerEXT(VkInstance _instance,
                                const VkDebugUtilsMessengerCreateInfoEXT *pCreateInfo,
                                const VkAllocationCallbacks *pAllocator,
                                VkDebugUtilsMessengerEXT *pMessenger)
{
   struct kr_instance *instance = kr_instance_from_handle(_instance);
   const VkAllocationCallbacks *alloc = kr_allocator(pAllocator, instance->alloc);
   uint32_t count = instance->vendor_instance_count;
   struct kr_debug_messenger *messenger =
      kr_zalloc(alloc, sizeof(*messenger) + sizeof(VkDebugUtilsMessengerEXT) * count, 8,
                VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!messenger)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   messenger->count = count;
   for (uint32_t i = 0; i < count; i++) {
      struct kr_vendor_instance *vi = &instance->vendor_instances[i];
      if (!vi->debug_utils || !vi->disp.CreateDebugUtilsMessengerEXT)
         continue;
      VkResult result = vi->disp.CreateDebugUtilsMessengerEXT(vi->handle, pCreateInfo, pAllocator,
                                                              &messenger->vendor[i]);
      if (result != VK_SUCCESS) {
         for (uint32_t j = 0; j < i; j++) {
            struct kr_vendor_instance *vj = &instance->vendor_instances[j];
            if (messenger->vendor[j])
               vj->disp.DestroyDebugUtilsMessengerEXT(vj->handle, messenger->vendor[j],
                                                      pAllocator);
         }
         kr_free(alloc, messenger);
         return result;
      }
   }
   *pMessenger = kr_debug_messenger_to_handle(messenger);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyDebugUtilsMessengerEXT(VkInstance _instance, VkDebugUtilsMessengerEXT _messenger,
                                 const VkAllocationCallbacks *pAllocator)
{
   struct kr_instance *instance = kr_instance_from_handle(_instance);
   struct kr_debug_messenger *messenger = kr_debug_messenger_from_handle(_messenger);
   if (!messenger)
      return;
   for (uint32_t i = 0; i < messenger->count; i++) {
      struct kr_vendor_instance *vi = &instance->vendor_instances[i];
      if (messenger->vendor[i])
         vi->disp.DestroyDebugUtilsMessengerEXT(vi->handle, messenger->vendor[i], pAllocator);
   }
   kr_free(kr_allocator(pAllocator, instance->alloc), messenger);
}

VKAPI_ATTR void VKAPI_CALL
kr_SubmitDebugUtilsMessageEXT(VkInstance _instance,
                              VkDebugUtilsMessageSeverityFlagBitsEXT messageSeverity,
                              VkDebugUtilsMessageTypeFlagsEXT messageTypes,
                              const VkDebugUtilsMessengerCallbackDataEXT *pCallbackData)
{
   /* One vendor delivers it: every vendor would call the same application callbacks. */
   struct kr_instance *instance = kr_instance_from_handle(_instance);
   for (uint32_t i = 0; i < instance->vendor_instance_count; i++) {
      struct kr_vendor_instance *vi = &instance->vendor_instances[i];
      if (vi->debug_utils && vi->disp.SubmitDebugUtilsMessageEXT) {
         vi->disp.SubmitDebugUtilsMessageEXT(vi->handle, messageSeverity, messageTypes,
                                             pCallbackData);
         return;
      }
   }
}

/* Queue labels: with batching, the pending batch goes first (a label encloses the submits made
 * before it) and the label reaches the vendor queue under its submit lock, since the flusher
 * may be submitting to it. */
static void
queue_label(VkQueue _queue, const VkDebugUtilsLabelEXT *label,
            void (*call)(struct kr_queue *queue, const VkDebugUtilsLabelEXT *label))
{
   struct kr_queue *queue = kr_queue_from_handle(_queue);
   if (!queue->batch) {
      call(queue, label);
      return;
   }
   (void)kr_queue_flush(queue, KR_FLUSH_OBSERVED); /* a failure stays with the waits */
   kr_queue_submit_lock(queue);
   call(queue, label);
   kr_queue_submit_unlock(queue);
}

static void
begin_label(struct kr_queue *queue, const VkDebugUtilsLabelEXT *label)
{
   queue->disp->QueueBeginDebugUtilsLabelEXT(queue->handle, label);
}

static void
end_label(struct kr_queue *queue, const VkDebugUtilsLabelEXT *label)
{
   (void)label;
   queue->disp->QueueEndDebugUtilsLabelEXT(queue->handle);
}

static void
insert_label(struct kr_queue *queue, const VkDebugUtilsLabelEXT *label)
{
   queue->disp->QueueInsertDebugUtilsLabelEXT(queue->handle, label);
}

VKAPI_ATTR void VKAPI_CALL
kr_QueueBeginDebugUtilsLabelEXT(VkQueue queue, const VkDebugUtilsLabelEXT *pLabelInfo)
{
   queue_label(queue, pLabelInfo, begin_label);
}

VKAPI_ATTR void VKAPI_CALL
kr_QueueEndDebugUtilsLabelEXT(VkQueue queue)
{
   queue_label(queue, NULL, end_label);
}

VKAPI_ATTR void VKAPI_CALL
kr_QueueInsertDebugUtilsLabelEXT(VkQueue queue, const VkDebugUtilsLabelEXT *pLabelInfo)
{
   queue_label(queue, pLabelInfo, insert_label);
}
