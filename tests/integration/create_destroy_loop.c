/* SPDX-License-Identifier: MIT */
/* Instance, device, command pool and command buffers created, used and destroyed many times:
 * meant to run under LeakSanitizer, where anything Kronos loses on the way is reported. */
#include <stdio.h>

#include "it_common.h"

#define ROUNDS 30

static bool
one_round(unsigned round)
{
   bool ok = false;
   VkInstance instance = VK_NULL_HANDLE;
   VkDevice device = VK_NULL_HANDLE;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkFence fence = VK_NULL_HANDLE;
   VkPhysicalDevice physical;
   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_kronos_device(instance, &physical));
   uint32_t family = it_compute_family(physical);
   CHECK(family != UINT32_MAX);
   CHECK_VK(it_create_device(physical, family, NULL, NULL, 0, NULL, &device));
   VkQueue queue;
   vkGetDeviceQueue(device, family, 0, &queue);

   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = family,
   };
   CHECK_VK(vkCreateCommandPool(device, &pool_info, NULL, &pool));
   const VkCommandBufferAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 4,
   };
   VkCommandBuffer buffers[4];
   CHECK_VK(vkAllocateCommandBuffers(device, &alloc, buffers));
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(buffers[0], &begin));
   CHECK_VK(vkEndCommandBuffer(buffers[0]));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(device, &fence_info, NULL, &fence));
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &buffers[0],
   };
   CHECK_VK(vkQueueSubmit(queue, 1, &submit, fence));
   CHECK_VK(vkWaitForFences(device, 1, &fence, VK_TRUE, 60ull * 1000 * 1000 * 1000));
   /* Half the rounds free a buffer first; the pool takes the rest with it. */
   if (round % 2)
      vkFreeCommandBuffers(device, pool, 2, &buffers[1]);
   ok = true;
done:
   if (device) {
      vkDestroyFence(device, fence, NULL);
      vkDestroyCommandPool(device, pool, NULL);
      vkDestroyDevice(device, NULL);
   }
   vkDestroyInstance(instance, NULL);
   if (!ok)
      fprintf(stderr, "round %u failed\n", round);
   return ok;
}

static bool
rounds(void)
{
   for (unsigned round = 0; round < ROUNDS; round++) {
      if (!one_round(round))
         return false;
   }
   return true;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"create and destroy everything 30 times", rounds, false},
   };
   return it_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
