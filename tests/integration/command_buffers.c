/* SPDX-License-Identifier: MIT */
/* Command pools and command buffers through Kronos (which wraps both): secondary command
 * buffers executed from primaries do their work, freeing and resetting work, and destroying a
 * pool that still holds command buffers frees them. */
#include <stdio.h>
#include <string.h>

#include "it_common.h"

#define SECONDARY_COUNT 70 /* more than Kronos keeps on its stack for vkCmdExecuteCommands */

static struct it_env env;
static struct it_host_buffer buffer;

static bool
setup(void)
{
   bool ok = false;
   CHECK_VK(it_env_open(&env, NULL));
   CHECK_VK(it_host_buffer_create(env.physical, env.device, 4 * SECONDARY_COUNT,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &buffer));
   ok = true;
done:
   return ok;
}

static bool
teardown(void)
{
   it_host_buffer_destroy(env.device, &buffer);
   it_env_close(&env, NULL);
   return true;
}

static VkResult
create_pool(VkCommandPoolCreateFlags flags, VkCommandPool *pool)
{
   return it_create_command_pool(env.device, env.family, flags, NULL, pool);
}

static VkResult
allocate(VkCommandPool pool, VkCommandBufferLevel level, uint32_t count, VkCommandBuffer *out)
{
   return it_allocate_command_buffers(env.device, pool, level, count, out);
}

/* Each secondary fills its own word of the buffer with base + its index. */
static VkResult
record_secondaries(VkCommandBuffer *secondaries, uint32_t count, uint32_t base)
{
   const VkCommandBufferInheritanceInfo inheritance = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO,
   };
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .pInheritanceInfo = &inheritance,
   };
   for (uint32_t i = 0; i < count; i++) {
      VkResult result = vkBeginCommandBuffer(secondaries[i], &begin);
      if (result != VK_SUCCESS)
         return result;
      vkCmdFillBuffer(secondaries[i], buffer.buffer, 4 * i, 4, base + i);
      result = vkEndCommandBuffer(secondaries[i]);
      if (result != VK_SUCCESS)
         return result;
   }
   return VK_SUCCESS;
}

/* Records the primary to execute the secondaries, submits it and waits. */
static VkResult
execute(VkCommandBuffer primary, const VkCommandBuffer *secondaries, uint32_t count)
{
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vkBeginCommandBuffer(primary, &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdExecuteCommands(primary, count, secondaries);
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
   };
   vkCmdPipelineBarrier(primary, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                        &barrier, 0, NULL, 0, NULL);
   result = vkEndCommandBuffer(primary);
   if (result != VK_SUCCESS)
      return result;
   result = it_submit(env.queue, 1, &primary, VK_NULL_HANDLE);
   if (result != VK_SUCCESS)
      return result;
   return vkQueueWaitIdle(env.queue);
}

static bool
words_are(uint32_t count, uint32_t base)
{
   const uint32_t *words = buffer.data;
   for (uint32_t i = 0; i < count; i++) {
      if (words[i] != base + i) {
         fprintf(stderr, "word %u is 0x%x, expected 0x%x\n", i, words[i], base + i);
         return false;
      }
   }
   return true;
}

static bool
execute_secondaries(void)
{
   bool ok = false;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer primary, secondaries[SECONDARY_COUNT];
   CHECK_VK(create_pool(0, &pool));
   CHECK_VK(allocate(pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &primary));
   CHECK_VK(allocate(pool, VK_COMMAND_BUFFER_LEVEL_SECONDARY, SECONDARY_COUNT, secondaries));

   /* A few secondaries, then more than fit Kronos's stack array. */
   memset(buffer.data, 0, buffer.size);
   CHECK_VK(record_secondaries(secondaries, 3, 0x1000));
   CHECK_VK(execute(primary, secondaries, 3));
   CHECK(words_are(3, 0x1000));

   CHECK_VK(vkResetCommandPool(env.device, pool, 0));
   memset(buffer.data, 0, buffer.size);
   CHECK_VK(record_secondaries(secondaries, SECONDARY_COUNT, 0x2000));
   CHECK_VK(execute(primary, secondaries, SECONDARY_COUNT));
   CHECK(words_are(SECONDARY_COUNT, 0x2000));
   ok = true;
done:
   vkQueueWaitIdle(env.queue);
   vkDestroyCommandPool(env.device, pool, NULL); /* with all its command buffers */
   return ok;
}

static bool
free_and_reallocate(void)
{
   bool ok = false;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer buffers[4];
   CHECK_VK(create_pool(VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, &pool));
   CHECK_VK(allocate(pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 4, buffers));
   for (int i = 0; i < 4; i++)
      CHECK(buffers[i] != VK_NULL_HANDLE);
   CHECK(buffers[0] != buffers[1] && buffers[1] != buffers[2] && buffers[2] != buffers[3]);

   /* Free two of them (null entries are allowed and ignored). */
   VkCommandBuffer to_free[3] = {buffers[1], VK_NULL_HANDLE, buffers[3]};
   vkFreeCommandBuffers(env.device, pool, 3, to_free);
   CHECK_VK(allocate(pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &buffers[1]));
   CHECK_VK(allocate(pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &buffers[3]));

   /* Every buffer works; the pool is reset with its buffers; they work again. */
   memset(buffer.data, 0, buffer.size);
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   for (uint32_t i = 0; i < 4; i++) {
      CHECK_VK(vkBeginCommandBuffer(buffers[i], &begin));
      vkCmdFillBuffer(buffers[i], buffer.buffer, 4 * i, 4, 0x3000 + i);
      CHECK_VK(vkEndCommandBuffer(buffers[i]));
   }
   CHECK_VK(it_submit(env.queue, 4, buffers, VK_NULL_HANDLE));
   CHECK_VK(vkQueueWaitIdle(env.queue));
   CHECK(words_are(4, 0x3000));

   CHECK_VK(vkResetCommandPool(env.device, pool, VK_COMMAND_POOL_RESET_RELEASE_RESOURCES_BIT));
   vkTrimCommandPool(env.device, pool, 0);
   CHECK_VK(vkResetCommandBuffer(buffers[0], 0));
   CHECK_VK(vkBeginCommandBuffer(buffers[0], &begin));
   vkCmdFillBuffer(buffers[0], buffer.buffer, 0, 4, 0x4000);
   CHECK_VK(vkEndCommandBuffer(buffers[0]));
   CHECK_VK(it_submit(env.queue, 1, &buffers[0], VK_NULL_HANDLE));
   CHECK_VK(vkQueueWaitIdle(env.queue));
   CHECK(words_are(1, 0x4000));
   vkFreeCommandBuffers(env.device, pool, 4, buffers);
   ok = true;
done:
   vkQueueWaitIdle(env.queue);
   vkDestroyCommandPool(env.device, pool, NULL);
   return ok;
}

static bool
destroy_pool_with_buffers(void)
{
   bool ok = false;
   /* Several pools, destroyed in another order than created, all still holding buffers. */
   VkCommandPool pools[3] = {VK_NULL_HANDLE, VK_NULL_HANDLE, VK_NULL_HANDLE};
   for (int p = 0; p < 3; p++) {
      VkCommandBuffer buffers[5];
      CHECK_VK(create_pool(0, &pools[p]));
      CHECK_VK(allocate(pools[p], VK_COMMAND_BUFFER_LEVEL_PRIMARY, 3, buffers));
      CHECK_VK(allocate(pools[p], VK_COMMAND_BUFFER_LEVEL_SECONDARY, 2, &buffers[3]));
      vkFreeCommandBuffers(env.device, pools[p], 1, &buffers[1]);
   }
   vkDestroyCommandPool(env.device, pools[1], NULL);
   pools[1] = VK_NULL_HANDLE;
   ok = true;
done:
   for (int p = 2; p >= 0; p--)
      vkDestroyCommandPool(env.device, pools[p], NULL);
   /* Destroying a null pool is a no-op. */
   vkDestroyCommandPool(env.device, VK_NULL_HANDLE, NULL);
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"instance, device, buffer", setup, true},
      {"vkCmdExecuteCommands with 3 and 70 secondaries", execute_secondaries, false},
      {"free, reallocate, reset, trim", free_and_reallocate, false},
      {"destroy pools holding command buffers", destroy_pool_with_buffers, false},
      {"teardown", teardown, false},
   };
   return IT_RUN_TESTS(tests);
}
