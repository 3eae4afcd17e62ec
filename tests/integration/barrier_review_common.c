/* SPDX-License-Identifier: MIT */
/* What barrier_review.c and barrier_review2.c share (barrier_review_common.h). */
#include "barrier_review_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review_add_spv.h"

struct review_state rv;

static atomic_uint hazards, errors;

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
   }
   if (error)
      fprintf(stderr, "[error] %s: %.600s\n", id, data->pMessage ? data->pMessage : "");
   return VK_FALSE;
}

/* --- setup ------------------------------------------------------------------------------- */

VkResult
review_create_pipeline(const uint32_t *code, size_t size, VkPipelineLayout layout,
                       VkPipeline *out)
{
   VkShaderModule module;
   VkResult result = it_create_shader_module(rv.device, code, size, &module);
   if (result != VK_SUCCESS)
      return result;
   result = it_create_compute_pipeline(rv.device, module, layout, out);
   vkDestroyShaderModule(rv.device, module, NULL);
   return result;
}

static bool
setup(bool vendor)
{
   bool ok = false;
   const char *extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
   CHECK_VK(it_create_instance(extensions, 1, NULL, &rv.instance));
   const VkDebugUtilsMessengerCreateInfoEXT messenger_info = it_messenger_info(on_message);
   CHECK_VK(vkCreateDebugUtilsMessengerEXT(rv.instance, &messenger_info, NULL, &rv.messenger));
   VkPhysicalDevice kronos = VK_NULL_HANDLE, vendor_device = VK_NULL_HANDLE;
   if (vendor)
      CHECK_VK(it_find_both_devices(rv.instance, &kronos, &vendor_device));
   else
      CHECK_VK(it_find_kronos_device(rv.instance, &kronos));
   rv.kronos = !vendor;
   rv.physical = vendor ? vendor_device : kronos;
   rv.family = it_compute_family(rv.physical);
   CHECK(rv.family != UINT32_MAX);
   VkPhysicalDeviceVulkan13Features f13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = VK_TRUE,
   };
   CHECK_VK(it_create_device(rv.physical, rv.family, &f13, NULL, NULL, 0,
                             rv.config->device_callbacks, &rv.device));
   vkGetDeviceQueue(rv.device, rv.family, 0, &rv.queue);
   CHECK_VK(it_create_command_pool(rv.device, rv.family,
                                   VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL, &rv.pool));
   const VkDescriptorSetLayoutBinding bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(rv.device, 0, NULL, bindings, 2, &rv.set_layout));
   CHECK_VK(it_create_pipeline_layout(rv.device, &rv.set_layout, 1, 8, &rv.layout));
   CHECK_VK(review_create_pipeline(review_add_spv, review_add_spv_size, rv.layout, &rv.add));
   CHECK_VK(it_create_descriptor_pool(rv.device, VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                      128, rv.config->pool_sizes, rv.config->pool_size_count,
                                      NULL, &rv.descriptor_pool));
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 4,
   };
   CHECK_VK(vkCreateQueryPool(rv.device, &query_info, NULL, &rv.query_pool));
   if (rv.config->setup)
      CHECK(rv.config->setup());
   ok = true;
done:
   return ok;
}

static void
teardown(void)
{
   if (rv.device) {
      vkDeviceWaitIdle(rv.device);
      if (rv.config->teardown)
         rv.config->teardown();
      vkDestroyQueryPool(rv.device, rv.query_pool, NULL);
      vkDestroyDescriptorPool(rv.device, rv.descriptor_pool, NULL);
      vkDestroyPipeline(rv.device, rv.add, NULL);
      vkDestroyPipelineLayout(rv.device, rv.layout, NULL);
      vkDestroyDescriptorSetLayout(rv.device, rv.set_layout, NULL);
      vkDestroyCommandPool(rv.device, rv.pool, NULL);
      vkDestroyDevice(rv.device, rv.config->device_callbacks);
   }
   if (rv.messenger)
      vkDestroyDebugUtilsMessengerEXT(rv.instance, rv.messenger, NULL);
   if (rv.instance)
      vkDestroyInstance(rv.instance, NULL);
}

/* --- helpers ----------------------------------------------------------------------------- */

#define HELD_BUFFERS 6u

/* The running case's buffers (buffer()), destroyed after it by release(). */
static struct it_host_buffer held[HELD_BUFFERS];
static uint32_t held_count;

struct it_host_buffer *
buffer(VkDeviceSize size)
{
   if (held_count == HELD_BUFFERS) {
      fprintf(stderr, "more than %u buffers in a case\n", HELD_BUFFERS);
      return NULL;
   }
   struct it_host_buffer *b = &held[held_count++];
   if (it_host_buffer_create(rv.physical, rv.device, size, rv.config->usage, b) != VK_SUCCESS)
      return NULL;
   memset(b->data, 0, size);
   return b;
}

bool
buffers(struct it_host_buffer **const *out, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++) {
      if (!(*out[i] = buffer(BYTES)))
         return false;
   }
   return true;
}

static void
release(void)
{
   for (uint32_t i = 0; i < held_count; i++)
      it_host_buffer_destroy(rv.device, &held[i]);
   held_count = 0;
}

VkDescriptorSet
make_set(VkBuffer in, VkDeviceSize in_offset, VkBuffer out, VkDeviceSize out_offset)
{
   VkDescriptorSet set = VK_NULL_HANDLE;
   if (it_allocate_sets(rv.device, rv.descriptor_pool, &rv.set_layout, 1, &set) != VK_SUCCESS)
      return VK_NULL_HANDLE;
   const VkDescriptorBufferInfo infos[] = {{in, in_offset, BYTES}, {out, out_offset, BYTES}};
   it_write_storage_buffers(rv.device, set, infos, 2);
   return set;
}

void
bind_add(VkCommandBuffer cmd, VkPipeline pipeline, VkDescriptorSet set, uint32_t add)
{
   const uint32_t push[2] = {WORDS, add};
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, rv.layout, 0, 1, &set, 0, NULL);
   vkCmdPushConstants(cmd, rv.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
}

void
dispatch(VkCommandBuffer cmd, VkPipeline pipeline, VkDescriptorSet set, uint32_t add)
{
   bind_add(cmd, pipeline, set, add);
   vkCmdDispatch(cmd, WORDS / 64, 1, 1);
}

void
epilogue(VkCommandBuffer cmd)
{
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
}

VkResult
begin(VkCommandBuffer *cmd)
{
   return it_begin_primary(rv.device, rv.pool, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, cmd);
}

VkResult
begin_with_prologue(VkCommandBuffer *cmd, const struct it_host_buffer *scratch)
{
   VkResult result = begin(cmd);
   if (result != VK_SUCCESS)
      return result;
   it_memory_barrier2(*cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                      VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT);
   vkCmdFillBuffer(*cmd, scratch->buffer, 0, 64, 0);
   return VK_SUCCESS;
}

VkResult
end_submit(VkCommandBuffer cmd)
{
   epilogue(cmd);
   VkResult result = vkEndCommandBuffer(cmd);
   if (result == VK_SUCCESS)
      result = it_submit_wait(rv.device, rv.queue, 1, &cmd);
   vkFreeCommandBuffers(rv.device, rv.pool, 1, &cmd);
   return result;
}

bool
expect_words(const char *what, const struct it_host_buffer *b, VkDeviceSize offset,
             uint32_t first, uint32_t step)
{
   uint32_t want[WORDS];
   for (uint32_t i = 0; i < WORDS; i++)
      want[i] = first + i * step;
   return it_words_match(NULL, what, (const uint32_t *)((const char *)b->data + offset), want,
                         WORDS);
}

void
fill_words(struct it_host_buffer *b, VkDeviceSize offset, uint32_t first, uint32_t step)
{
   uint32_t *w = (uint32_t *)((char *)b->data + offset);
   for (uint32_t i = 0; i < WORDS; i++)
      w[i] = first + i * step;
}

void
transfer_write(VkCommandBuffer cmd, enum transfer_kind kind, VkBuffer x)
{
   static uint32_t data[WORDS];
   for (uint32_t i = 0; i < WORDS; i++)
      data[i] = 5 + i;
   if (kind == TRANSFER_UPDATE)
      vkCmdUpdateBuffer(cmd, x, 0, BYTES, data);
   else
      vkCmdFillBuffer(cmd, x, 0, BYTES, 5);
}

bool
no_hazard(void)
{
   unsigned n = atomic_load(&hazards);
   if (n)
      fprintf(stderr, "%u synchronization hazard(s) reported\n", n);
   return n == 0;
}

/* --- main --------------------------------------------------------------------------------- */

int
review_main(int argc, char **argv, const struct review_case *cases, size_t count,
            const struct review_config *config)
{
   const char *only = NULL;
   bool vendor = false;
   for (int i = 1; i < argc; i++) {
      if (!strcmp(argv[i], "--only") && i + 1 < argc) {
         only = argv[++i];
      } else if (!strcmp(argv[i], "--device") && i + 1 < argc) {
         vendor = !strcmp(argv[++i], "vendor");
      } else if (!strcmp(argv[i], "--list")) {
         for (size_t c = 0; c < count; c++)
            printf("%s\n", cases[c].name);
         return 0;
      } else {
         fprintf(stderr, "usage: %s [--device kronos|vendor] [--only NAME] [--list]\n", argv[0]);
         return 2;
      }
   }
   if (volkInitialize() != VK_SUCCESS) {
      fprintf(stderr, "cannot load the Vulkan loader (libvulkan.so.1)\n");
      return 1;
   }
   rv.config = config;
   int status = 0;
   if (!setup(vendor)) {
      teardown();
      return 1;
   }
   bool found = false;
   for (size_t c = 0; c < count; c++) {
      if (only && strcmp(only, cases[c].name))
         continue;
      found = true;
      atomic_store(&hazards, 0);
      atomic_store(&errors, 0);
      bool ok = cases[c].run();
      release();
      printf("%s: %s (%s)\n", ok ? "ok" : "FAIL", cases[c].name, vendor ? "vendor" : "kronos");
      if (!ok)
         status = 1;
   }
   teardown();
   if (!found) {
      fprintf(stderr, "no case named %s\n", only);
      return 2;
   }
   return status;
}
