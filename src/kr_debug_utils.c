/* SPDX-License-Identifier: MIT */
/* VK_EXT_debug_utils: object names and tags, which name objects by (type, raw handle), so
 * Kronos's objects must be swapped for the vendor's; messengers; queue labels. */
#include <string.h>

#include "kr_alloc.h"
#include "kr_descriptor.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_queue_batch.h"
#include "kr_util.h"

/* The messenger the vendor instance under device made for this Kronos messenger. */
static uint64_t
vendor_messenger(const struct kr_device *device, VkDebugUtilsMessengerEXT handle)
{
   const struct kr_debug_messenger *messenger = kr_debug_messenger_from_handle(handle);
   const struct kr_physical_device *pd = device->physical;
   size_t index = (size_t)(pd->vendor - pd->instance->vendor_instances);
   return index < messenger->count ? (uint64_t)messenger->vendor[index] : 0;
}

uint64_t
kr_vendor_object_handle(const struct kr_device *device, VkObjectType type, uint64_t handle)
{
   if (!handle)
      return handle;
   switch (type) {
   case VK_OBJECT_TYPE_INSTANCE:
      /* Kronos's instance stands for several vendor instances: name the device's. */
      return (uint64_t)(uintptr_t)device->physical->vendor->handle;
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
   case VK_OBJECT_TYPE_DEVICE_MEMORY: {
      /* Pooled memory has none: its block holds many allocations, each with its own name. */
      const struct kr_memory *memory = kr_memory_from_handle((VkDeviceMemory)(uintptr_t)handle);
      return memory->block ? 0 : (uint64_t)(uintptr_t)memory->vendor;
   }
   case VK_OBJECT_TYPE_COMMAND_POOL:
      return (uint64_t)(uintptr_t)
         kr_command_pool_from_handle((VkCommandPool)(uintptr_t)handle)->handle;
   case VK_OBJECT_TYPE_FENCE: /* 0 for a point fence: no vendor object */
      return (uint64_t)(uintptr_t)kr_fence_from_handle((VkFence)(uintptr_t)handle)->vendor;
   case VK_OBJECT_TYPE_SEMAPHORE: /* 0 for a point semaphore */
      return (uint64_t)(uintptr_t)
         kr_semaphore_from_handle((VkSemaphore)(uintptr_t)handle)->vendor;
   case VK_OBJECT_TYPE_PRIVATE_DATA_SLOT:
      return (uint64_t)(uintptr_t)
         kr_private_data_slot_from_handle((VkPrivateDataSlot)(uintptr_t)handle)->vendor;
   case VK_OBJECT_TYPE_DEBUG_UTILS_MESSENGER_EXT:
      return vendor_messenger(device, (VkDebugUtilsMessengerEXT)(uintptr_t)handle);
   case VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT:
      return (uint64_t)(uintptr_t)kr_descriptor_set_layout_vendor(
         (VkDescriptorSetLayout)(uintptr_t)handle);
   case VK_OBJECT_TYPE_PIPELINE_LAYOUT:
      return (uint64_t)(uintptr_t)kr_pipeline_layout_vendor((VkPipelineLayout)(uintptr_t)handle);
   case VK_OBJECT_TYPE_DESCRIPTOR_POOL: /* 0 until the pool has vendor sets */
      return (uint64_t)(uintptr_t)
         kr_descriptor_pool_from_handle((VkDescriptorPool)(uintptr_t)handle)->vendor;
   case VK_OBJECT_TYPE_DESCRIPTOR_SET: /* 0 for a record: its vendor sets are shared */
      return (uint64_t)(uintptr_t)
         kr_descriptor_set_from_handle((VkDescriptorSet)(uintptr_t)handle)->vendor;
   case VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE: /* 0 where only Kronos uses it */
      return (uint64_t)(uintptr_t)kr_descriptor_update_template_from_handle(
                (VkDescriptorUpdateTemplate)(uintptr_t)handle)->vendor;
   default:
      return handle;
   }
}

/* Names: Kronos keeps the name of each of its objects (kr_object.h), and the vendor object it
 * wraps, where there is one of its own, is named too, so the vendor's messages and tools name
 * it. Pooled memory, point fences and point semaphores have none: only Kronos names them. */
VKAPI_ATTR VkResult VKAPI_CALL
kr_SetDebugUtilsObjectNameEXT(VkDevice _device, const VkDebugUtilsObjectNameInfoEXT *pNameInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkDebugUtilsObjectNameInfoEXT info = *pNameInfo;
   info.objectHandle = kr_vendor_object_handle(device, info.objectType, info.objectHandle);
   if (info.objectHandle && device->disp.SetDebugUtilsObjectNameEXT) {
      VkResult result = device->disp.SetDebugUtilsObjectNameEXT(device->handle, &info);
      if (result != VK_SUCCESS)
         return result;
   }
   /* Pipelines are the vendor's: the profiler keeps their names for the dispatches. */
   kr_profile_object_named(device, pNameInfo->objectType, pNameInfo->objectHandle,
                           pNameInfo->pObjectName);
   struct kr_object_base *base = kr_object_base_from_handle(pNameInfo->objectType,
                                                            pNameInfo->objectHandle);
   return base ? kr_object_base_set_name(base, pNameInfo->pObjectName) : VK_SUCCESS;
}

/* Tags are the vendor's alone: Kronos has no use for them. */
VKAPI_ATTR VkResult VKAPI_CALL
kr_SetDebugUtilsObjectTagEXT(VkDevice _device, const VkDebugUtilsObjectTagInfoEXT *pTagInfo)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkDebugUtilsObjectTagInfoEXT info = *pTagInfo;
   info.objectHandle = kr_vendor_object_handle(device, info.objectType, info.objectHandle);
   if (!info.objectHandle || !device->disp.SetDebugUtilsObjectTagEXT)
      return VK_SUCCESS; /* a Kronos object with no vendor object to tag */
   return device->disp.SetDebugUtilsObjectTagEXT(device->handle, &info);
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
   kr_object_base_init(&messenger->base, VK_OBJECT_TYPE_DEBUG_UTILS_MESSENGER_EXT,
                       instance->alloc);
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
   kr_object_base_finish(&messenger->base);
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
