/* SPDX-License-Identifier: MIT */
/* Instance-level behaviour through the loader: instance extensions without presentation,
 * physical device groups of one, and VK_EXT_debug_utils naming Kronos's wrapped objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"

static bool
instance_extensions(void)
{
   bool ok = false;
   VkExtensionProperties *props = NULL;
   uint32_t count = 0;
   CHECK_VK(vkEnumerateInstanceExtensionProperties(NULL, &count, NULL));
   props = calloc(count ? count : 1, sizeof(*props));
   CHECK(props != NULL);
   CHECK_VK(vkEnumerateInstanceExtensionProperties(NULL, &count, props));
   bool debug_utils = false;
   for (uint32_t i = 0; i < count; i++) {
      if (strstr(props[i].extensionName, "surface") || strstr(props[i].extensionName, "display"))
         fprintf(stderr, "offered: %s\n", props[i].extensionName);
      CHECK(strstr(props[i].extensionName, "surface") == NULL);
      CHECK(strstr(props[i].extensionName, "display") == NULL);
      debug_utils = debug_utils || strcmp(props[i].extensionName, "VK_EXT_debug_utils") == 0;
   }
   CHECK(debug_utils);
   uint32_t version = 0;
   CHECK_VK(vkEnumerateInstanceVersion(&version));
   CHECK(VK_API_VERSION_MINOR(version) >= 3);
   ok = true;
done:
   free(props);
   return ok;
}

static bool
instance_refuses_surface_extension(void)
{
   bool ok = false;
   VkInstance instance = VK_NULL_HANDLE;
   static const char *const extensions[] = {"VK_KHR_surface"};
   VkResult result = it_create_instance(extensions, 1, NULL, &instance);
   if (result == VK_SUCCESS)
      vkDestroyInstance(instance, NULL);
   CHECK_RESULT(result, VK_ERROR_EXTENSION_NOT_PRESENT);
   ok = true;
done:
   return ok;
}

static bool
device_groups(void)
{
   bool ok = false;
   VkInstance instance = VK_NULL_HANDLE;
   VkPhysicalDeviceGroupProperties *groups = NULL;
   VkPhysicalDevice devices[16];
   uint32_t device_count = 16, group_count = 0;
   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(vkEnumeratePhysicalDevices(instance, &device_count, devices));
   CHECK(device_count > 0);
   CHECK_VK(vkEnumeratePhysicalDeviceGroups(instance, &group_count, NULL));
   CHECK(group_count == device_count);
   groups = calloc(group_count, sizeof(*groups));
   CHECK(groups != NULL);
   for (uint32_t i = 0; i < group_count; i++)
      groups[i].sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_GROUP_PROPERTIES;
   CHECK_VK(vkEnumeratePhysicalDeviceGroups(instance, &group_count, groups));
   CHECK(group_count == device_count);
   for (uint32_t i = 0; i < group_count; i++) {
      CHECK(groups[i].physicalDeviceCount == 1);
      CHECK(groups[i].subsetAllocation == VK_FALSE);
      CHECK(it_is_kronos(groups[i].physicalDevices[0]));
      bool listed = false;
      for (uint32_t j = 0; j < device_count; j++)
         listed = listed || groups[i].physicalDevices[0] == devices[j];
      CHECK(listed);
   }
   ok = true;
done:
   free(groups);
   vkDestroyInstance(instance, NULL);
   return ok;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL
on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
           const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
   (void)types;
   (void)user;
   if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
      fprintf(stderr, "debug utils: %s\n", data->pMessage ? data->pMessage : "");
   return VK_FALSE;
}

static VkResult
set_name(VkDevice device, VkObjectType type, uint64_t handle, const char *name)
{
   const VkDebugUtilsObjectNameInfoEXT info = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT,
      .objectType = type,
      .objectHandle = handle,
      .pObjectName = name,
   };
   return vkSetDebugUtilsObjectNameEXT(device, &info);
}

static bool
debug_utils_names(void)
{
   bool ok = false;
   struct it_env env = {0};
   VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
   VkCommandPool pool = VK_NULL_HANDLE;
   static const char *const extensions[] = {"VK_EXT_debug_utils"};
   CHECK_VK(it_create_instance(extensions, 1, NULL, &env.instance));
   const VkDebugUtilsMessengerCreateInfoEXT messenger_info = it_messenger_info(on_message);
   CHECK(vkCreateDebugUtilsMessengerEXT != NULL);
   CHECK_VK(vkCreateDebugUtilsMessengerEXT(env.instance, &messenger_info, NULL, &messenger));
   CHECK_VK(it_env_find_device(&env));
   CHECK_VK(it_env_create_device(&env, NULL));
   VkDevice device = env.device;
   VkQueue queue = env.queue;
   CHECK(vkGetDeviceProcAddr(device, "vkSetDebugUtilsObjectNameEXT") != NULL);

   CHECK_VK(it_create_command_pool(device, env.family, 0, NULL, &pool));
   VkCommandBuffer cmd;
   CHECK_VK(it_allocate_command_buffers(device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));

   /* Every wrapped object by name, and one Kronos does not wrap. */
   CHECK_VK(set_name(device, VK_OBJECT_TYPE_COMMAND_BUFFER, (uint64_t)(uintptr_t)cmd, "cmd"));
   CHECK_VK(set_name(device, VK_OBJECT_TYPE_DEVICE, (uint64_t)(uintptr_t)device, "device"));
   CHECK_VK(set_name(device, VK_OBJECT_TYPE_QUEUE, (uint64_t)(uintptr_t)queue, "queue"));
   CHECK_VK(set_name(device, VK_OBJECT_TYPE_COMMAND_POOL, (uint64_t)pool, "pool"));
   /* Renaming (an empty name removes it; NULL would too, but Mesa 22.3 fails on NULL). */
   CHECK_VK(set_name(device, VK_OBJECT_TYPE_COMMAND_BUFFER, (uint64_t)(uintptr_t)cmd, "cmd2"));
   CHECK_VK(set_name(device, VK_OBJECT_TYPE_COMMAND_BUFFER, (uint64_t)(uintptr_t)cmd, ""));

   /* Labels in a command buffer and on a queue. */
   const VkDebugUtilsLabelEXT label = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_LABEL_EXT,
      .pLabelName = "kronos test",
   };
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   vkCmdBeginDebugUtilsLabelEXT(cmd, &label);
   vkCmdEndDebugUtilsLabelEXT(cmd);
   CHECK_VK(vkEndCommandBuffer(cmd));
   vkQueueBeginDebugUtilsLabelEXT(queue, &label);
   CHECK_VK(it_submit(queue, 1, &cmd, VK_NULL_HANDLE));
   vkQueueEndDebugUtilsLabelEXT(queue);
   CHECK_VK(vkQueueWaitIdle(queue));
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(env.device, pool, NULL);
   /* The messenger outlives the device, to hear about its destruction. */
   if (env.device) {
      vkDestroyDevice(env.device, NULL);
      env.device = VK_NULL_HANDLE;
   }
   if (messenger)
      vkDestroyDebugUtilsMessengerEXT(env.instance, messenger, NULL);
   it_env_close(&env, NULL);
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"instance extensions without presentation", instance_extensions, false},
      {"VK_KHR_surface refused", instance_refuses_surface_extension, false},
      {"physical device groups of one", device_groups, false},
      {"debug utils names and labels", debug_utils_names, false},
   };
   return IT_RUN_TESTS(tests);
}
