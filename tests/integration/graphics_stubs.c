/* SPDX-License-Identifier: MIT */
/* The trimmed entry table seen through the loader: core graphics commands exist but fail
 * (logging one error that names the command), graphics extension commands do not exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"

static struct it_env env;
static VkCommandPool pool;

static bool
setup(void)
{
   bool ok = false;
   CHECK_VK(it_env_open(&env, NULL));
   CHECK_VK(it_create_command_pool(env.device, env.family,
                                   VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL, &pool));
   ok = true;
done:
   return ok;
}

static bool
teardown(void)
{
   vkDestroyCommandPool(env.device, pool, NULL);
   it_env_close(&env, NULL);
   return true;
}

struct draw_call {
   PFN_vkCmdDraw draw;
   VkCommandBuffer cmd;
};

static void
record_draw(void *arg)
{
   struct draw_call *call = arg;
   call->draw(call->cmd, 3, 1, 0, 0);
}

static void
record_render_pass(void *arg)
{
   VkCommandBuffer cmd = arg;
   const VkRenderPassBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
   vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
}

static bool
draw_fails_end(void)
{
   bool ok = false;
   char *log = NULL;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   struct draw_call call = {
      .draw = (PFN_vkCmdDraw)vkGetDeviceProcAddr(env.device, "vkCmdDraw"),
   };
   CHECK(call.draw != NULL);

   CHECK_VK(
      it_allocate_command_buffers(env.device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   call.cmd = cmd;
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   log = it_capture_stderr(record_draw, &call);
   CHECK(log != NULL);
   CHECK_RESULT(vkEndCommandBuffer(cmd), VK_ERROR_FEATURE_NOT_PRESENT);
   /* One error line, naming the command. */
   if (!strstr(log, "kronos: error: vkCmdDraw"))
      fprintf(stderr, "log was: \"%s\"\n", log);
   CHECK(strstr(log, "kronos: error: vkCmdDraw") != NULL);
   CHECK(strchr(log, '\n') == log + strlen(log) - 1);

   /* Recording again starts clean. */
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   CHECK_VK(vkEndCommandBuffer(cmd));

   /* The same through the loader's trampoline, for another graphics command. */
   free(log);
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   log = it_capture_stderr(record_render_pass, cmd);
   CHECK(log != NULL);
   CHECK_RESULT(vkEndCommandBuffer(cmd), VK_ERROR_FEATURE_NOT_PRESENT);
   CHECK(strstr(log, "vkCmdBeginRenderPass") != NULL);
   ok = true;
done:
   free(log);
   if (cmd)
      vkFreeCommandBuffers(env.device, pool, 1, &cmd);
   return ok;
}

static bool
extension_commands_absent(void)
{
   bool ok = false;
   CHECK(vkGetDeviceProcAddr(env.device, "vkCreateSwapchainKHR") == NULL);
   CHECK(vkGetDeviceProcAddr(env.device, "vkQueuePresentKHR") == NULL);
   CHECK(vkGetDeviceProcAddr(env.device, "vkCmdDrawMeshTasksEXT") == NULL);
   CHECK(vkGetDeviceProcAddr(env.device, "vkCmdSetLineStippleEXT") == NULL);
   CHECK(vkGetDeviceProcAddr(env.device, "vkCmdBeginTransformFeedbackEXT") == NULL);
   /* Compute and core graphics commands are there. */
   CHECK(vkGetDeviceProcAddr(env.device, "vkCmdDispatch") != NULL);
   CHECK(vkGetDeviceProcAddr(env.device, "vkQueueSubmit2") != NULL);
   CHECK(vkGetDeviceProcAddr(env.device, "vkCmdBeginRenderPass") != NULL);
   CHECK(vkGetDeviceProcAddr(env.device, "vkCreateGraphicsPipelines") != NULL);
   ok = true;
done:
   return ok;
}

struct pipeline_call {
   VkResult result;
   VkPipeline pipelines[2];
};

static void
create_graphics_pipelines(void *arg)
{
   struct pipeline_call *call = arg;
   const VkGraphicsPipelineCreateInfo info[2] = {
      {.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO},
      {.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO},
   };
   call->result =
      vkCreateGraphicsPipelines(env.device, VK_NULL_HANDLE, 2, info, NULL, call->pipelines);
}

static bool
graphics_pipelines_fail(void)
{
   bool ok = false;
   /* Handles that are not null: the stub must overwrite them. */
   struct pipeline_call call = {
      .result = VK_SUCCESS,
      .pipelines = {(VkPipeline)(uintptr_t)0x1234, (VkPipeline)(uintptr_t)0x5678},
   };
   char *log = it_capture_stderr(create_graphics_pipelines, &call);
   CHECK(log != NULL);
   CHECK_RESULT(call.result, VK_ERROR_FEATURE_NOT_PRESENT);
   CHECK(call.pipelines[0] == VK_NULL_HANDLE);
   CHECK(call.pipelines[1] == VK_NULL_HANDLE);
   CHECK(strstr(log, "vkCreateGraphicsPipelines") != NULL);
   ok = true;
done:
   free(log);
   return ok;
}

static bool
render_pass_fails(void)
{
   bool ok = false;
   VkRenderPass render_pass = (VkRenderPass)(uintptr_t)0x1234;
   const VkRenderPassCreateInfo info = {.sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
   CHECK_RESULT(vkCreateRenderPass(env.device, &info, NULL, &render_pass),
                VK_ERROR_FEATURE_NOT_PRESENT);
   CHECK(render_pass == VK_NULL_HANDLE);
   ok = true;
done:
   return ok;
}

static void
destroy_null_graphics_objects(void *arg)
{
   (void)arg;
   vkDestroyRenderPass(env.device, VK_NULL_HANDLE, NULL);
   vkDestroyFramebuffer(env.device, VK_NULL_HANDLE, NULL);
}

static bool
destroying_null_is_silent(void)
{
   bool ok = false;
   /* Destroying VK_NULL_HANDLE is valid Vulkan and no error. */
   char *log = it_capture_stderr(destroy_null_graphics_objects, NULL);
   CHECK(log != NULL);
   CHECK(strstr(log, "kronos:") == NULL);
   ok = true;
done:
   free(log);
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"instance, device and command pool", setup, true},
      {"vkCmdDraw logs and fails vkEndCommandBuffer", draw_fails_end, false},
      {"graphics extension commands are NULL", extension_commands_absent, false},
      {"vkCreateGraphicsPipelines fails with null handles", graphics_pipelines_fail, false},
      {"vkCreateRenderPass fails with a null handle", render_pass_fails, false},
      {"destroying null graphics objects is silent", destroying_null_is_silent, false},
      {"teardown", teardown, false},
   };
   return IT_RUN_TESTS(tests);
}
