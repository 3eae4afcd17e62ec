/* SPDX-License-Identifier: MIT */
/* KRONOS_VENDOR_LAYERS (issue 11): what a layer loaded between Kronos and the vendor driver
 * reports reaches the application. Run through Kronos with the Khronos validation layer below it
 * (synchronization validation on, vendor_layers.sh sets that up) and no layer above, so that
 * every validation message comes from below Kronos, through the VK_EXT_debug_utils messenger
 * Kronos creates on its vendor instance for the application's. One case per run:
 *
 *   --expect-hazard   two SAXPY dispatches on the same buffers, then two fills of one of them,
 *                     with no barrier in between: synchronization validation must report a
 *                     hazard (SYNC-HAZARD-*), which Kronos passed down as recorded;
 *   --expect-clean    the same work with the barriers it needs: no error at all;
 *   --expect-invalid  a vkCmdFillBuffer whose size is not a multiple of 4, which Kronos passes
 *                     down unchanged: the layer's core checks must report it.
 *
 * The messages are printed; the exit status says whether the expectation held. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "it_common.h"
#include "saxpy_spv.h"

#define ELEMENTS 1024u
#define BYTES (ELEMENTS * sizeof(float))

enum mode { MODE_HAZARD, MODE_CLEAN, MODE_INVALID };

static enum mode mode;
static atomic_uint errors, hazards, fill_size_errors;

static struct it_env env;
static VkDebugUtilsMessengerEXT messenger;
static struct it_host_buffer x, y;
static VkDescriptorSetLayout set_layout;
static VkPipelineLayout pipeline_layout;
static VkPipeline pipeline;
static VkDescriptorPool descriptor_pool;
static VkDescriptorSet set;
static VkCommandPool command_pool;
static VkCommandBuffer cmd;
static VkFence fence;

static VKAPI_ATTR VkBool32 VKAPI_CALL
on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
           const VkDebugUtilsMessengerCallbackDataEXT *data, void *user_data)
{
   (void)user_data;
   const char *id = data->pMessageIdName ? data->pMessageIdName : "(no id)";
   bool error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
   if (error && (types & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT)) {
      atomic_fetch_add(&errors, 1);
      if (strstr(id, "SYNC-HAZARD"))
         atomic_fetch_add(&hazards, 1);
      if (strstr(id, "VUID-vkCmdFillBuffer-size"))
         atomic_fetch_add(&fill_size_errors, 1);
   }
   fprintf(stderr, "[%s] %s: %.400s\n", error ? "error" : "warning", id,
           data->pMessage ? data->pMessage : "");
   return VK_FALSE;
}

static VkResult
create_messenger(void)
{
   const VkDebugUtilsMessengerCreateInfoEXT info = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
      .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
      .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
      .pfnUserCallback = on_message,
   };
   return vkCreateDebugUtilsMessengerEXT(env.instance, &info, NULL, &messenger);
}

static VkResult
create_pipeline(void)
{
   const VkDescriptorSetLayoutBinding bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   const VkDescriptorSetLayoutCreateInfo set_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = 2,
      .pBindings = bindings,
   };
   VkResult result = vkCreateDescriptorSetLayout(env.device, &set_info, NULL, &set_layout);
   if (result != VK_SUCCESS)
      return result;
   const VkPushConstantRange push = {VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
   const VkPipelineLayoutCreateInfo layout_info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = 1,
      .pSetLayouts = &set_layout,
      .pushConstantRangeCount = 1,
      .pPushConstantRanges = &push,
   };
   result = vkCreatePipelineLayout(env.device, &layout_info, NULL, &pipeline_layout);
   if (result != VK_SUCCESS)
      return result;
   const VkShaderModuleCreateInfo module_info = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = saxpy_spv_size,
      .pCode = saxpy_spv,
   };
   VkShaderModule module;
   result = vkCreateShaderModule(env.device, &module_info, NULL, &module);
   if (result != VK_SUCCESS)
      return result;
   const VkComputePipelineCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage = {
         .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
         .stage = VK_SHADER_STAGE_COMPUTE_BIT,
         .module = module,
         .pName = "main",
      },
      .layout = pipeline_layout,
   };
   result = vkCreateComputePipelines(env.device, VK_NULL_HANDLE, 1, &info, NULL, &pipeline);
   vkDestroyShaderModule(env.device, module, NULL);
   return result;
}

static VkResult
create_set(void)
{
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
   const VkDescriptorPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = 1,
      .poolSizeCount = 1,
      .pPoolSizes = &size,
   };
   VkResult result = vkCreateDescriptorPool(env.device, &pool_info, NULL, &descriptor_pool);
   if (result != VK_SUCCESS)
      return result;
   const VkDescriptorSetAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = descriptor_pool,
      .descriptorSetCount = 1,
      .pSetLayouts = &set_layout,
   };
   result = vkAllocateDescriptorSets(env.device, &alloc, &set);
   if (result != VK_SUCCESS)
      return result;
   const VkDescriptorBufferInfo buffers[] = {
      {x.buffer, 0, VK_WHOLE_SIZE},
      {y.buffer, 0, VK_WHOLE_SIZE},
   };
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = 0,
      .descriptorCount = 2,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .pBufferInfo = buffers,
   };
   vkUpdateDescriptorSets(env.device, 1, &write, 0, NULL);
   return VK_SUCCESS;
}

static bool
setup(void)
{
   bool ok = false;
   const char *extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
   CHECK_VK(it_create_instance(extensions, 1, NULL, &env.instance));
   CHECK_VK(create_messenger());
   CHECK_VK(it_env_find_device(&env));
   CHECK_VK(it_env_create_device(&env, NULL));
   VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                              VK_BUFFER_USAGE_TRANSFER_DST_BIT;
   CHECK_VK(it_host_buffer_create(env.physical, env.device, BYTES, usage, &x));
   CHECK_VK(it_host_buffer_create(env.physical, env.device, BYTES, usage, &y));
   CHECK_VK(create_pipeline());
   CHECK_VK(create_set());
   CHECK_VK(it_create_command_pool(env.device, env.family, 0, NULL, &command_pool));
   CHECK_VK(it_allocate_command_buffers(env.device, command_pool,
                                        VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(env.device, &fence_info, NULL, &fence));
   ok = true;
done:
   return ok;
}

/* A barrier from one kind of access to another on all of y. */
static void
barrier(VkPipelineStageFlags src_stage, VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
        VkAccessFlags dst_access)
{
   const VkBufferMemoryBarrier b = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
      .srcAccessMask = src_access,
      .dstAccessMask = dst_access,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .buffer = y.buffer,
      .size = VK_WHOLE_SIZE,
   };
   vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 0, NULL, 1, &b, 0, NULL);
}

static void
dispatch(void)
{
   const struct {
      uint32_t n;
      float a;
   } params = {ELEMENTS, 2.0f};
   vkCmdPushConstants(cmd, pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(params),
                      &params);
   vkCmdDispatch(cmd, ELEMENTS / 256, 1, 1);
}

/* The case's commands: SAXPY twice on y, then y filled twice (the last fill wins). */
static void
record_work(bool barriers)
{
   const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
   const VkPipelineStageFlags transfer = VK_PIPELINE_STAGE_TRANSFER_BIT;
   const VkAccessFlags rw = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout, 0, 1, &set, 0,
                           NULL);
   dispatch();
   if (barriers)
      barrier(compute, VK_ACCESS_SHADER_WRITE_BIT, compute, rw);
   dispatch();
   if (barriers)
      barrier(compute, VK_ACCESS_SHADER_WRITE_BIT, transfer, VK_ACCESS_TRANSFER_WRITE_BIT);
   vkCmdFillBuffer(cmd, y.buffer, 0, VK_WHOLE_SIZE, 1);
   if (barriers)
      barrier(transfer, VK_ACCESS_TRANSFER_WRITE_BIT, transfer, VK_ACCESS_TRANSFER_WRITE_BIT);
   vkCmdFillBuffer(cmd, y.buffer, 0, VK_WHOLE_SIZE, 7);
}

static bool
run_case(void)
{
   bool ok = false;
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   if (mode == MODE_INVALID)
      vkCmdFillBuffer(cmd, y.buffer, 0, 3, 0); /* size must be a multiple of 4 */
   else
      record_work(mode == MODE_CLEAN);
   CHECK_VK(vkEndCommandBuffer(cmd));
   CHECK_VK(it_submit(env.queue, 1, &cmd, fence));
   CHECK_VK(vkWaitForFences(env.device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS));
   if (mode != MODE_INVALID) {
      const uint32_t *words = y.data;
      for (uint32_t i = 0; i < ELEMENTS; i++)
         CHECK(words[i] == 7);
   }
   ok = true;
done:
   return ok;
}

static bool
teardown(void)
{
   if (env.device) {
      vkDeviceWaitIdle(env.device);
      vkDestroyFence(env.device, fence, NULL);
      vkDestroyCommandPool(env.device, command_pool, NULL);
      vkDestroyDescriptorPool(env.device, descriptor_pool, NULL);
      vkDestroyPipeline(env.device, pipeline, NULL);
      vkDestroyPipelineLayout(env.device, pipeline_layout, NULL);
      vkDestroyDescriptorSetLayout(env.device, set_layout, NULL);
      it_host_buffer_destroy(env.device, &y);
      it_host_buffer_destroy(env.device, &x);
   }
   if (messenger)
      vkDestroyDebugUtilsMessengerEXT(env.instance, messenger, NULL);
   it_env_close(&env, NULL);
   return true;
}

/* After teardown: the instance is gone, so every message has been counted. */
static bool
check_reports(void)
{
   unsigned e = atomic_load(&errors), h = atomic_load(&hazards);
   unsigned f = atomic_load(&fill_size_errors);
   printf("validation errors from below Kronos: %u (hazards %u, fill size %u)\n", e, h, f);
   switch (mode) {
   case MODE_HAZARD:
      return h >= 1 && e == h;
   case MODE_CLEAN:
      return e == 0;
   case MODE_INVALID:
      return f >= 1 && e == f;
   }
   return false;
}

int
main(int argc, char **argv)
{
   static const char *const modes[] = {
      [MODE_HAZARD] = "--expect-hazard",
      [MODE_CLEAN] = "--expect-clean",
      [MODE_INVALID] = "--expect-invalid",
   };
   bool known = false;
   for (int m = 0; m < 3 && argc == 2; m++) {
      if (strcmp(argv[1], modes[m]) == 0) {
         mode = (enum mode)m;
         known = true;
      }
   }
   if (!known) {
      fprintf(stderr, "usage: %s --expect-hazard | --expect-clean | --expect-invalid\n",
              argv[0]);
      return 2;
   }
   const struct it_test tests[] = {
      {"setup (instance with a messenger, Kronos device, SAXPY pipeline)", setup, true},
      {modes[mode] + 2, run_case, false},
      {"teardown", teardown, false},
      {"validation reports", check_reports, false},
   };
   return IT_RUN_TESTS(tests);
}
