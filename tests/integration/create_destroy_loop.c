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
   struct it_env env = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkFence fence = VK_NULL_HANDLE;
   CHECK_VK(it_env_open(&env, NULL));
   VkDevice device = env.device;

   CHECK_VK(it_create_command_pool(device, env.family, 0, NULL, &pool));
   VkCommandBuffer buffers[4];
   CHECK_VK(
      it_allocate_command_buffers(device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 4, buffers));
   CHECK_VK(it_record_empty(buffers[0], 0));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(device, &fence_info, NULL, &fence));
   CHECK_VK(it_submit(env.queue, 1, &buffers[0], fence));
   CHECK_VK(vkWaitForFences(device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS));
   /* Half the rounds free a buffer first; the pool takes the rest with it. */
   if (round % 2)
      vkFreeCommandBuffers(device, pool, 2, &buffers[1]);
   ok = true;
done:
   if (env.device) {
      vkDestroyFence(env.device, fence, NULL);
      vkDestroyCommandPool(env.device, pool, NULL);
   }
   it_env_close(&env, NULL);
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
   return IT_RUN_TESTS(tests);
}
