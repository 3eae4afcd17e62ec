/* SPDX-License-Identifier: MIT */
/* Issue 13: the profiler's own timestamp queries are reset before every run that writes them
 * (on the host with host query reset, in the recording for simultaneous use). Run with
 * KRONOS_PROFILE; vendor_layers.sh (cases profile-resets and profile-resets-faults) runs it
 * with the validation layer below Kronos, which reports a timestamp written to a query not
 * reset, and with the fault driver as the vendor failing the profiler's completion checks.
 * Scenarios, each checking what the fills wrote:
 *   resubmitted       one recording submitted three times (fence waits between), then
 *                     recorded again and submitted;
 *   reset             results left unread, then vkResetCommandBuffer and vkResetCommandPool,
 *                     each followed by a new recording and submit;
 *   simultaneous      a simultaneous-use command buffer twice in one vkQueueSubmit, in two
 *                     VkSubmitInfos, and three submits back to back (its runs overlap);
 *   overlapped        a long command buffer still running while another is submitted (whose
 *                     submit looks at the first's completion), then the first again.
 * --only CASE runs one of them (between setup and teardown). The meson suite also runs it
 * plainly with the profiler on. Under an alarm watchdog. */
#include <stdio.h>
#include <string.h>

#include "it_common.h"

#define WORDS 4096u
#define FILLS 4u
#define LONG_FILL_BYTES (16u << 20)
#define LONG_FILLS 12u

struct scene {
   struct it_env env;
   struct it_host_buffer buffer;
   VkCommandPool pool;
   VkCommandBuffer cmd[2];
   VkFence fence;
};

static struct scene scene;

/* Earlier transfer writes (earlier submits' too) before the next ones. */
static void
transfer_barrier(VkCommandBuffer cmd)
{
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
}

/* FILLS fills of the buffer's quarters with value + quarter, after earlier writes. */
static VkResult
record_fills(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags, uint32_t value)
{
   VkResult result = it_begin(cmd, flags);
   if (result != VK_SUCCESS)
      return result;
   transfer_barrier(cmd);
   const VkDeviceSize quarter = WORDS * sizeof(uint32_t) / FILLS;
   for (uint32_t i = 0; i < FILLS; i++)
      vkCmdFillBuffer(cmd, scene.buffer.buffer, i * quarter, quarter, value + i);
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                     VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
   return vkEndCommandBuffer(cmd);
}

static bool
fills_are(uint32_t value)
{
   const uint32_t *words = scene.buffer.data;
   for (uint32_t i = 0; i < WORDS; i++) {
      if (words[i] != value + i / (WORDS / FILLS)) {
         it_report(__FILE__, __LINE__, "word %u is %u, not %u", i, words[i],
                   value + i / (WORDS / FILLS));
         return false;
      }
   }
   return true;
}

static VkResult
submit_wait(const VkCommandBuffer *cmds, uint32_t count)
{
   VkResult result = it_submit(scene.env.queue, count, cmds, scene.fence);
   if (result == VK_SUCCESS)
      result = vkWaitForFences(scene.env.device, 1, &scene.fence, VK_TRUE, IT_TIMEOUT_NS);
   if (result == VK_SUCCESS)
      result = vkResetFences(scene.env.device, 1, &scene.fence);
   return result;
}

static bool
setup(void)
{
   CHECK_VK(it_env_open(&scene.env, NULL));
   CHECK_VK(it_host_buffer_create(scene.env.physical, scene.env.device,
                                  WORDS * sizeof(uint32_t) > LONG_FILL_BYTES
                                     ? WORDS * sizeof(uint32_t)
                                     : LONG_FILL_BYTES,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &scene.buffer));
   CHECK_VK(it_create_command_pool(scene.env.device, scene.env.family,
                                   VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL,
                                   &scene.pool));
   CHECK_VK(it_allocate_command_buffers(scene.env.device, scene.pool,
                                        VK_COMMAND_BUFFER_LEVEL_PRIMARY, 2, scene.cmd));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(scene.env.device, &fence_info, NULL, &scene.fence));
   return true;
done:
   return false;
}

static bool
resubmitted(void)
{
   CHECK_VK(record_fills(scene.cmd[0], 0, 10));
   for (uint32_t i = 0; i < 3; i++) {
      memset(scene.buffer.data, 0, WORDS * sizeof(uint32_t));
      CHECK_VK(submit_wait(&scene.cmd[0], 1));
      CHECK(fills_are(10));
   }
   CHECK_VK(record_fills(scene.cmd[0], 0, 20));
   CHECK_VK(submit_wait(&scene.cmd[0], 1));
   CHECK(fills_are(20));
   return true;
done:
   return false;
}

static bool
reset(void)
{
   CHECK_VK(record_fills(scene.cmd[0], 0, 30));
   CHECK_VK(submit_wait(&scene.cmd[0], 1));
   CHECK_VK(vkResetCommandBuffer(scene.cmd[0], 0));
   CHECK_VK(record_fills(scene.cmd[0], VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, 40));
   CHECK_VK(submit_wait(&scene.cmd[0], 1));
   CHECK(fills_are(40));
   CHECK_VK(vkResetCommandPool(scene.env.device, scene.pool, 0));
   CHECK_VK(record_fills(scene.cmd[0], 0, 50));
   CHECK_VK(submit_wait(&scene.cmd[0], 1));
   CHECK(fills_are(50));
   return true;
done:
   return false;
}

static bool
simultaneous(void)
{
   VkCommandBuffer x = scene.cmd[0];
   CHECK_VK(record_fills(x, VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT, 60));
   const VkCommandBuffer twice[2] = {x, x};
   CHECK_VK(submit_wait(twice, 2));
   CHECK(fills_are(60));
   const VkSubmitInfo infos[2] = {
      {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &x},
      {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &x},
   };
   CHECK_VK(vkQueueSubmit(scene.env.queue, 2, infos, scene.fence));
   CHECK_VK(vkWaitForFences(scene.env.device, 1, &scene.fence, VK_TRUE, IT_TIMEOUT_NS));
   CHECK_VK(vkResetFences(scene.env.device, 1, &scene.fence));
   for (uint32_t i = 0; i < 3; i++)
      CHECK_VK(it_submit(scene.env.queue, 1, &x, i == 2 ? scene.fence : VK_NULL_HANDLE));
   CHECK_VK(vkWaitForFences(scene.env.device, 1, &scene.fence, VK_TRUE, IT_TIMEOUT_NS));
   CHECK_VK(vkResetFences(scene.env.device, 1, &scene.fence));
   CHECK(fills_are(60));
   return true;
done:
   return false;
}

static bool
overlapped(void)
{
   VkCommandBuffer x = scene.cmd[0], y = scene.cmd[1];
   CHECK_VK(it_begin(x, 0));
   for (uint32_t i = 0; i < LONG_FILLS; i++) {
      transfer_barrier(x);
      vkCmdFillBuffer(x, scene.buffer.buffer, 0, LONG_FILL_BYTES, i);
   }
   CHECK_VK(vkEndCommandBuffer(x));
   CHECK_VK(record_fills(y, 0, 70));
   for (uint32_t round = 0; round < 2; round++) {
      CHECK_VK(it_submit(scene.env.queue, 1, &x, scene.fence));
      /* Its submit looks at x's completion point while x (most likely) still runs. */
      CHECK_VK(it_submit(scene.env.queue, 1, &y, VK_NULL_HANDLE));
      CHECK_VK(vkWaitForFences(scene.env.device, 1, &scene.fence, VK_TRUE, IT_TIMEOUT_NS));
      CHECK_VK(vkResetFences(scene.env.device, 1, &scene.fence));
      CHECK_VK(vkQueueWaitIdle(scene.env.queue));
      CHECK(fills_are(70));
   }
   return true;
done:
   return false;
}

static bool
teardown(void)
{
   if (scene.env.device) {
      vkDeviceWaitIdle(scene.env.device);
      vkDestroyFence(scene.env.device, scene.fence, NULL);
      vkDestroyCommandPool(scene.env.device, scene.pool, NULL);
      it_host_buffer_destroy(scene.env.device, &scene.buffer);
   }
   it_env_close(&scene.env, NULL);
   return true;
}

int
main(int argc, char **argv)
{
   const char *only;
   if (!it_only_argument(argc, argv, &only))
      return 2;
   it_watchdog_arm("profile_resets", 120);
   static const struct it_test tests[] = {
      {"setup", setup, true},
      {"resubmitted", resubmitted, false},
      {"reset", reset, false},
      {"simultaneous", simultaneous, false},
      {"overlapped", overlapped, false},
      {"teardown", teardown, false},
   };
   struct it_test chosen[sizeof(tests) / sizeof(tests[0])];
   size_t n = it_select_tests(tests, sizeof(tests) / sizeof(tests[0]), only, chosen);
   return n ? it_run_tests(chosen, n) : 2;
}
