/* SPDX-License-Identifier: MIT */
/* vkCreateDevice through Kronos: graphics features and presentation extensions are refused,
 * compute features chained in Vulkan 1.2/1.3 structures are enabled on the vendor, and a
 * timeline semaphore then works from the host and from submissions. */
#include <stdio.h>
#include <string.h>

#include "it_common.h"

/* The instance, the Kronos device and its compute family; each test makes its own devices. */
static struct it_env env;

static bool
setup(void)
{
   bool ok = false;
   CHECK_VK(it_create_instance(NULL, 0, NULL, &env.instance));
   CHECK_VK(it_env_find_device(&env));
   ok = true;
done:
   return ok;
}

static bool
teardown(void)
{
   it_env_close(&env, NULL);
   return true;
}

/* Device creation that must fail with expected, leaving no device behind. */
static bool
expect_refused(const void *next, const VkPhysicalDeviceFeatures *features,
               const char *const *extensions, uint32_t extension_count, VkResult expected)
{
   bool ok = false;
   VkDevice device = VK_NULL_HANDLE;
   VkResult result = it_create_device(env.physical, env.family, next, features, extensions,
                                      extension_count, NULL, &device);
   if (result == VK_SUCCESS)
      vkDestroyDevice(device, NULL);
   CHECK_RESULT(result, expected);
   ok = true;
done:
   return ok;
}

static bool
refuses_geometry_shader(void)
{
   const VkPhysicalDeviceFeatures features = {.geometryShader = VK_TRUE};
   return expect_refused(NULL, &features, NULL, 0, VK_ERROR_FEATURE_NOT_PRESENT);
}

static bool
refuses_graphics_in_features2(void)
{
   bool ok = false;
   VkPhysicalDeviceFeatures2 tessellation = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
      .features = {.tessellationShader = VK_TRUE, .shaderInt64 = VK_TRUE},
   };
   CHECK(expect_refused(&tessellation, NULL, NULL, 0, VK_ERROR_FEATURE_NOT_PRESENT));
   VkPhysicalDeviceVulkan11Features multiview = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
      .multiview = VK_TRUE,
   };
   CHECK(expect_refused(&multiview, NULL, NULL, 0, VK_ERROR_FEATURE_NOT_PRESENT));
   VkPhysicalDeviceVulkan13Features rendering = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .dynamicRendering = VK_TRUE,
   };
   CHECK(expect_refused(&rendering, NULL, NULL, 0, VK_ERROR_FEATURE_NOT_PRESENT));
   ok = true;
done:
   return ok;
}

static bool
refuses_swapchain(void)
{
   static const char *const extensions[] = {"VK_KHR_swapchain"};
   return expect_refused(NULL, NULL, extensions, 1, VK_ERROR_EXTENSION_NOT_PRESENT);
}

static bool
refuses_unoffered_queue_family(void)
{
   uint32_t count = 0;
   vkGetPhysicalDeviceQueueFamilyProperties(env.physical, &count, NULL);
   VkDevice device = VK_NULL_HANDLE;
   /* One past the last family. */
   VkResult result = it_create_device(env.physical, count, NULL, NULL, NULL, 0, NULL, &device);
   if (result == VK_SUCCESS)
      vkDestroyDevice(device, NULL);
   return result != VK_SUCCESS;
}

/* A timeline semaphore: signalled from the host, then by a vkQueueSubmit2 that waits on the
 * host's value and carries an empty command buffer, then by a vkQueueSubmit without command
 * buffers. */
static bool
timeline_semaphore(VkDevice device)
{
   bool ok = false;
   VkSemaphore semaphore = VK_NULL_HANDLE;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkFence fence = VK_NULL_HANDLE;
   VkQueue queue = VK_NULL_HANDLE;
   vkGetDeviceQueue(device, env.family, 0, &queue);
   CHECK(queue != VK_NULL_HANDLE);

   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
      .initialValue = 1,
   };
   const VkSemaphoreCreateInfo semaphore_info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
      .pNext = &type,
   };
   CHECK_VK(vkCreateSemaphore(device, &semaphore_info, NULL, &semaphore));
   uint64_t value = 0;
   CHECK_VK(vkGetSemaphoreCounterValue(device, semaphore, &value));
   CHECK(value == 1);

   const VkSemaphoreSignalInfo signal = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
      .semaphore = semaphore,
      .value = 5,
   };
   CHECK_VK(vkSignalSemaphore(device, &signal));
   CHECK_VK(vkGetSemaphoreCounterValue(device, semaphore, &value));
   CHECK(value == 5);

   CHECK_VK(it_create_command_pool(device, env.family, 0, NULL, &pool));
   VkCommandBuffer cmd;
   CHECK_VK(it_allocate_command_buffers(device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   CHECK_VK(it_record_empty(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT));

   const VkSemaphoreSubmitInfo wait = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
      .semaphore = semaphore,
      .value = 5,
      .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
   };
   const VkSemaphoreSubmitInfo signal10 = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
      .semaphore = semaphore,
      .value = 10,
      .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
   };
   const VkCommandBufferSubmitInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
      .commandBuffer = cmd,
   };
   const VkSubmitInfo2 submit2 = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
      .waitSemaphoreInfoCount = 1,
      .pWaitSemaphoreInfos = &wait,
      .commandBufferInfoCount = 1,
      .pCommandBufferInfos = &cmd_info,
      .signalSemaphoreInfoCount = 1,
      .pSignalSemaphoreInfos = &signal10,
   };
   CHECK_VK(vkQueueSubmit2(queue, 1, &submit2, VK_NULL_HANDLE));
   const VkSemaphoreWaitInfo wait_info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .semaphoreCount = 1,
      .pSemaphores = &semaphore,
      .pValues = &signal10.value,
   };
   CHECK_VK(vkWaitSemaphores(device, &wait_info, IT_TIMEOUT_NS));
   CHECK_VK(vkGetSemaphoreCounterValue(device, semaphore, &value));
   CHECK(value == 10);

   /* vkQueueSubmit with no command buffer, a timeline signal and a fence. */
   const uint64_t signal_value = 11;
   const VkTimelineSemaphoreSubmitInfo timeline_info = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = 1,
      .pSignalSemaphoreValues = &signal_value,
   };
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &timeline_info,
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &semaphore,
   };
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(device, &fence_info, NULL, &fence));
   CHECK_VK(vkQueueSubmit(queue, 1, &submit, fence));
   /* Wait on the semaphore itself: lavapipe (Mesa 22.3) can signal the fence a moment before
    * the semaphore's new value is visible. */
   const VkSemaphoreWaitInfo wait11 = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .semaphoreCount = 1,
      .pSemaphores = &semaphore,
      .pValues = &signal_value,
   };
   CHECK_VK(vkWaitSemaphores(device, &wait11, IT_TIMEOUT_NS));
   CHECK_VK(vkWaitForFences(device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS));
   CHECK_VK(vkGetSemaphoreCounterValue(device, semaphore, &value));
   CHECK(value == 11);
   CHECK_VK(vkQueueWaitIdle(queue));
   ok = true;
done:
   if (queue)
      vkQueueWaitIdle(queue);
   vkDestroyFence(device, fence, NULL);
   vkDestroyCommandPool(device, pool, NULL);
   vkDestroySemaphore(device, semaphore, NULL);
   return ok;
}

/* A buffer's device address, which needs bufferDeviceAddress enabled. */
static bool
buffer_device_address(VkDevice device)
{
   bool ok = false;
   VkBuffer buffer = VK_NULL_HANDLE;
   VkDeviceMemory memory = VK_NULL_HANDLE;
   const VkBufferCreateInfo buffer_info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = 4096,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   CHECK_VK(vkCreateBuffer(device, &buffer_info, NULL, &buffer));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(device, buffer, &req);
   uint32_t type = it_memory_type(env.physical, req.memoryTypeBits, 0);
   CHECK(type != UINT32_MAX);
   const VkMemoryAllocateFlagsInfo flags = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO,
      .flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT,
   };
   const VkMemoryAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = &flags,
      .allocationSize = req.size,
      .memoryTypeIndex = type,
   };
   CHECK_VK(vkAllocateMemory(device, &alloc, NULL, &memory));
   CHECK_VK(vkBindBufferMemory(device, buffer, memory, 0));
   const VkBufferDeviceAddressInfo address_info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO,
      .buffer = buffer,
   };
   CHECK(vkGetBufferDeviceAddress(device, &address_info) != 0);
   ok = true;
done:
   vkDestroyBuffer(device, buffer, NULL);
   vkFreeMemory(device, memory, NULL);
   return ok;
}

static bool
vulkan12_and_13_features(void)
{
   bool ok = false;
   VkDevice device = VK_NULL_HANDLE;
   VkPhysicalDeviceVulkan13Features v13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = VK_TRUE,
   };
   VkPhysicalDeviceVulkan12Features v12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &v13,
      .timelineSemaphore = VK_TRUE,
      .bufferDeviceAddress = VK_TRUE,
   };
   CHECK_VK(it_create_device(env.physical, env.family, &v12, NULL, NULL, 0, NULL, &device));
   /* Kronos never writes into the application's structures. */
   CHECK(v12.pNext == &v13 && v13.pNext == NULL);
   CHECK(v12.timelineSemaphore && v12.bufferDeviceAddress && v13.synchronization2);
   CHECK(!v12.shaderFloat16 && !v13.maintenance4);
   CHECK(timeline_semaphore(device));
   CHECK(buffer_device_address(device));
   ok = true;
done:
   vkDestroyDevice(device, NULL);
   return ok;
}

static bool
queue_lookup(void)
{
   bool ok = false;
   VkDevice device = VK_NULL_HANDLE;
   CHECK_VK(it_create_device(env.physical, env.family, NULL, NULL, NULL, 0, NULL, &device));
   VkQueue a = VK_NULL_HANDLE, b = VK_NULL_HANDLE;
   vkGetDeviceQueue(device, env.family, 0, &a);
   const VkDeviceQueueInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_INFO_2,
      .queueFamilyIndex = env.family,
      .queueIndex = 0,
   };
   vkGetDeviceQueue2(device, &info, &b);
   CHECK(a != VK_NULL_HANDLE && a == b);
   CHECK_VK(vkQueueWaitIdle(a));
   CHECK_VK(vkDeviceWaitIdle(device));
   ok = true;
done:
   vkDestroyDevice(device, NULL);
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"instance and Kronos device", setup, true},
      {"geometryShader refused", refuses_geometry_shader, false},
      {"graphics features in pNext refused", refuses_graphics_in_features2, false},
      {"VK_KHR_swapchain refused", refuses_swapchain, false},
      {"queue family not offered refused", refuses_unoffered_queue_family, false},
      {"Vulkan 1.2/1.3 features, timeline semaphore, device address", vulkan12_and_13_features,
       false},
      {"vkGetDeviceQueue and vkGetDeviceQueue2", queue_lookup, false},
      {"destroy instance", teardown, false},
   };
   return IT_RUN_TESTS(tests);
}
