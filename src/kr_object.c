/* SPDX-License-Identifier: MIT */
#include "kr_object.h"

#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_descriptor.h"
#include "kr_objects.h"

void
kr_object_base_init(struct kr_object_base *base, VkObjectType type,
                    const VkAllocationCallbacks *alloc)
{
   *base = (struct kr_object_base){.type = type, .alloc = alloc};
}

void
kr_object_base_finish(struct kr_object_base *base)
{
   kr_free(base->alloc, base->debug_name);
   base->debug_name = NULL;
   kr_private_data_finish(&base->private_data, base->alloc);
}

VkResult
kr_object_base_set_name(struct kr_object_base *base, const char *name)
{
   char *copy = NULL;
   if (name && name[0]) {
      copy = kr_strdup(base->alloc, name, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (!copy) {
         kr_error("vkSetDebugUtilsObjectNameEXT: out of host memory for the name \"%s\"", name);
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      }
   }
   kr_free(base->alloc, base->debug_name);
   base->debug_name = copy;
   return VK_SUCCESS;
}

struct kr_object_base *
kr_object_base_from_handle(VkObjectType type, uint64_t handle)
{
   if (!handle)
      return NULL;
   switch (type) {
   case VK_OBJECT_TYPE_INSTANCE:
      return &kr_instance_from_handle((VkInstance)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_PHYSICAL_DEVICE:
      return &kr_physical_device_from_handle((VkPhysicalDevice)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_DEVICE:
      return &kr_device_from_handle((VkDevice)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_QUEUE:
      return &kr_queue_from_handle((VkQueue)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_COMMAND_BUFFER:
      return &kr_command_buffer_from_handle((VkCommandBuffer)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_COMMAND_POOL:
      return &kr_command_pool_from_handle((VkCommandPool)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_DEVICE_MEMORY:
      return &kr_memory_from_handle((VkDeviceMemory)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_FENCE:
      return &kr_fence_from_handle((VkFence)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_SEMAPHORE:
      return &kr_semaphore_from_handle((VkSemaphore)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_PRIVATE_DATA_SLOT:
      return &kr_private_data_slot_from_handle((VkPrivateDataSlot)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_DEBUG_UTILS_MESSENGER_EXT:
      return &kr_debug_messenger_from_handle((VkDebugUtilsMessengerEXT)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT:
      return &kr_descriptor_set_layout_from_handle((VkDescriptorSetLayout)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_PIPELINE_LAYOUT:
      return &kr_pipeline_layout_from_handle((VkPipelineLayout)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_DESCRIPTOR_POOL:
      return &kr_descriptor_pool_from_handle((VkDescriptorPool)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_DESCRIPTOR_SET:
      return &kr_descriptor_set_from_handle((VkDescriptorSet)(uintptr_t)handle)->base;
   case VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE:
      return &kr_descriptor_update_template_from_handle(
                 (VkDescriptorUpdateTemplate)(uintptr_t)handle)->base;
   default:
      return NULL;
   }
}
