/* SPDX-License-Identifier: MIT */
#include "descriptor_common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

VkInstance dc_instance;
struct dc_side dc_sides[DC_SIDE_COUNT] = {
   [DC_VENDOR] = {.label = "vendor"},
   [DC_KRONOS] = {.label = "kronos", .kronos = true},
};

/* --- Watchdog --------------------------------------------------------------------------------- */

static const char *volatile watchdog_what;

static void
on_alarm(int sig)
{
   (void)sig;
   static const char prefix[] = "watchdog: hung in ";
   ssize_t ignored = write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
   const char *what = watchdog_what;
   if (what)
      ignored = write(STDERR_FILENO, what, strlen(what));
   ignored = write(STDERR_FILENO, "\n", 1);
   (void)ignored;
   _exit(3);
}

void
dc_watchdog_arm(const char *what)
{
   watchdog_what = what;
   alarm(what ? DC_WATCHDOG_S : 0);
}

static void
watchdog_install(void)
{
   struct sigaction action = {.sa_handler = on_alarm};
   sigemptyset(&action.sa_mask);
   sigaction(SIGALRM, &action, NULL);
}

/* --- Devices ---------------------------------------------------------------------------------- */

static bool
has_device_extension(VkPhysicalDevice physical, const char *name)
{
   uint32_t count = 0;
   if (vkEnumerateDeviceExtensionProperties(physical, NULL, &count, NULL) != VK_SUCCESS)
      return false;
   VkExtensionProperties *props = calloc(count ? count : 1, sizeof(*props));
   bool found = false;
   if (props && vkEnumerateDeviceExtensionProperties(physical, NULL, &count, props) >= 0) {
      for (uint32_t i = 0; i < count && !found; i++)
         found = strcmp(props[i].extensionName, name) == 0;
   }
   free(props);
   return found;
}

static bool
has_partially_bound(VkPhysicalDevice physical)
{
   VkPhysicalDeviceVulkan12Features f12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
   };
   VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                   .pNext = &f12};
   vkGetPhysicalDeviceFeatures2(physical, &f2);
   return f12.descriptorBindingPartiallyBound;
}

static VkResult
side_open(struct dc_side *s, bool partially_bound, const VkAllocationCallbacks *allocator)
{
   VkPhysicalDeviceVulkan13Features f13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
   };
   VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                   .pNext = &f13};
   vkGetPhysicalDeviceFeatures2(s->physical, &f2);
   s->partially_bound = partially_bound;
   const char *extension = VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME;
   if (!f13.inlineUniformBlock || !f13.descriptorBindingInlineUniformBlockUpdateAfterBind ||
       !f13.privateData || !has_device_extension(s->physical, extension)) {
      fprintf(stderr, "  %s: needs inlineUniformBlock, "
              "descriptorBindingInlineUniformBlockUpdateAfterBind, privateData and %s\n",
              s->label, extension);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   s->family = it_compute_family(s->physical);
   if (s->family == UINT32_MAX) {
      fprintf(stderr, "  %s: no compute queue family\n", s->label);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   VkPhysicalDeviceVulkan13Features enable13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .inlineUniformBlock = VK_TRUE,
      .descriptorBindingInlineUniformBlockUpdateAfterBind = VK_TRUE,
      .privateData = VK_TRUE,
   };
   const VkPhysicalDeviceVulkan12Features enable12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &enable13,
      .descriptorBindingPartiallyBound = partially_bound,
   };
   VkResult result = it_create_device(s->physical, s->family, &enable12, NULL, &extension, 1,
                                      allocator, &s->device);
   if (result != VK_SUCCESS) {
      s->device = VK_NULL_HANDLE;
      return result;
   }
   s->allocator = allocator;
   vkGetDeviceQueue(s->device, s->family, 0, &s->queue);
   return it_create_command_pool(s->device, s->family,
                                 VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL,
                                 &s->command_pool);
}

VkResult
dc_open(const VkAllocationCallbacks *kronos_allocator)
{
   watchdog_install();
   const char *extension = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
   VkResult result = it_create_instance(&extension, 1, NULL, &dc_instance);
   if (result != VK_SUCCESS) {
      dc_instance = VK_NULL_HANDLE;
      return result;
   }
   result = it_find_device_pair(dc_instance, &dc_sides[DC_KRONOS].physical,
                                &dc_sides[DC_VENDOR].physical);
   if (result != VK_SUCCESS)
      return result;
   if (!dc_sides[DC_VENDOR].physical) {
      fprintf(stderr, "  the vendor's device is not in this instance (VK_DRIVER_FILES must list "
              "the vendor's manifest and Kronos's)\n");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   /* What both have is used on both, so that their results compare. */
   const bool partially_bound = has_partially_bound(dc_sides[DC_VENDOR].physical) &&
                                has_partially_bound(dc_sides[DC_KRONOS].physical);
   result = side_open(&dc_sides[DC_VENDOR], partially_bound, NULL);
   if (result == VK_SUCCESS)
      result = side_open(&dc_sides[DC_KRONOS], partially_bound, kronos_allocator);
   return result;
}

void
dc_close(void)
{
   for (int i = 0; i < DC_SIDE_COUNT; i++) {
      struct dc_side *s = &dc_sides[i];
      if (s->device) {
         vkDeviceWaitIdle(s->device);
         vkDestroyCommandPool(s->device, s->command_pool, NULL);
         vkDestroyDevice(s->device, s->allocator);
      }
      s->device = VK_NULL_HANDLE;
      s->command_pool = VK_NULL_HANDLE;
      s->queue = VK_NULL_HANDLE;
   }
   if (dc_instance)
      vkDestroyInstance(dc_instance, NULL);
   dc_instance = VK_NULL_HANDLE;
}

/* --- Objects ---------------------------------------------------------------------------------- */

VkResult
dc_buffer_create(const struct dc_side *s, VkDeviceSize size, VkBufferUsageFlags usage,
                 struct it_host_buffer *out)
{
   VkResult result = it_host_buffer_create(s->physical, s->device, size, usage, out);
   if (result == VK_SUCCESS)
      memset(out->data, 0, size);
   return result;
}

VkResult
dc_set_layout(const struct dc_side *s, VkDescriptorSetLayoutCreateFlags flags,
              const VkDescriptorSetLayoutBinding *bindings, uint32_t count,
              VkDescriptorSetLayout *out)
{
   const VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .flags = flags,
      .bindingCount = count,
      .pBindings = bindings,
   };
   return vkCreateDescriptorSetLayout(s->device, &info, NULL, out);
}

VkResult
dc_set_layout1(const struct dc_side *s, VkDescriptorType type, uint32_t count,
               VkDescriptorSetLayoutCreateFlags flags, VkDescriptorSetLayout *out)
{
   const VkDescriptorSetLayoutBinding binding = {0, type, count, VK_SHADER_STAGE_COMPUTE_BIT,
                                                 NULL};
   return dc_set_layout(s, flags, &binding, 1, out);
}

VkResult
dc_pipeline_layout(const struct dc_side *s, const VkDescriptorSetLayout *sets, uint32_t count,
                   VkPipelineLayout *out)
{
   const VkPipelineLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = count,
      .pSetLayouts = sets,
   };
   return vkCreatePipelineLayout(s->device, &info, NULL, out);
}

VkResult
dc_pipeline(const struct dc_side *s, const uint32_t *code, size_t size, VkPipelineLayout layout,
            VkPipeline *out)
{
   const VkShaderModuleCreateInfo module_info = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = size,
      .pCode = code,
   };
   VkShaderModule module;
   VkResult result = vkCreateShaderModule(s->device, &module_info, NULL, &module);
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
      .layout = layout,
   };
   result = vkCreateComputePipelines(s->device, VK_NULL_HANDLE, 1, &info, NULL, out);
   vkDestroyShaderModule(s->device, module, NULL);
   return result;
}

VkResult
dc_allocate_sets(const struct dc_side *s, VkDescriptorPool pool,
                 const VkDescriptorSetLayout *layouts, uint32_t count, VkDescriptorSet *sets)
{
   const VkDescriptorSetAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = pool,
      .descriptorSetCount = count,
      .pSetLayouts = layouts,
   };
   return vkAllocateDescriptorSets(s->device, &info, sets);
}

void
dc_write_storage_buffer(const struct dc_side *s, VkDescriptorSet set, VkBuffer buffer,
                        VkDeviceSize offset, VkDeviceSize range)
{
   const VkDescriptorBufferInfo info = {buffer, offset, range};
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .descriptorCount = 1,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .pBufferInfo = &info,
   };
   vkUpdateDescriptorSets(s->device, 1, &write, 0, NULL);
}

/* --- Command buffers -------------------------------------------------------------------------- */

VkResult
dc_begin(const struct dc_side *s, VkCommandBuffer *cmd)
{
   VkResult result = it_allocate_command_buffers(s->device, s->command_pool,
                                                 VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, cmd);
   if (result != VK_SUCCESS) {
      *cmd = VK_NULL_HANDLE;
      return result;
   }
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   return vkBeginCommandBuffer(*cmd, &begin);
}

void
dc_barrier_to_host(VkCommandBuffer cmd)
{
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0,
                        1, &barrier, 0, NULL, 0, NULL);
}

VkResult
dc_submit_wait(const struct dc_side *s, uint32_t count, const VkCommandBuffer *cmds)
{
   const VkFenceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence fence;
   VkResult result = vkCreateFence(s->device, &info, NULL, &fence);
   if (result != VK_SUCCESS)
      return result;
   result = it_submit(s->queue, count, cmds, fence);
   if (result == VK_SUCCESS)
      result = vkWaitForFences(s->device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS);
   vkDestroyFence(s->device, fence, NULL);
   return result;
}

VkResult
dc_end_submit_free(const struct dc_side *s, VkCommandBuffer cmd)
{
   VkResult result = vkEndCommandBuffer(cmd);
   if (result == VK_SUCCESS)
      result = dc_submit_wait(s, 1, &cmd);
   vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   return result;
}

/* --- Results ---------------------------------------------------------------------------------- */

bool
dc_compare(const char *what, const void *vendor, const void *kronos, size_t size)
{
   if (memcmp(vendor, kronos, size) == 0)
      return true;
   const uint8_t *v = vendor, *k = kronos;
   size_t words = size / 4, differing = 0;
   fprintf(stderr, "  MISMATCH in %s:\n", what);
   for (size_t i = 0; i < words; i++) {
      uint32_t vw, kw;
      memcpy(&vw, v + 4 * i, 4);
      memcpy(&kw, k + 4 * i, 4);
      if (vw == kw)
         continue;
      if (differing++ < 12)
         fprintf(stderr, "    word %zu: vendor 0x%08x, kronos 0x%08x\n", i, vw, kw);
   }
   fprintf(stderr, "    %zu of %zu words differ\n", differing, words);
   return false;
}

bool
dc_on_both(const char *name, bool (*fn)(struct dc_side *s, const void *arg, uint32_t *out),
           const void *arg, size_t words)
{
   uint32_t *out[DC_SIDE_COUNT];
   bool ok = true;
   dc_watchdog_arm(name);
   for (int i = 0; i < DC_SIDE_COUNT; i++) {
      out[i] = calloc(words ? words : 1, sizeof(uint32_t));
      bool side_ok = out[i] && fn(&dc_sides[i], arg, out[i]);
      if (!side_ok)
         printf("  %s: FAIL\n", dc_sides[i].label);
      ok = side_ok && ok;
   }
   if (ok && !dc_compare(name, out[DC_VENDOR], out[DC_KRONOS], words * sizeof(uint32_t)))
      ok = false;
   for (int i = 0; i < DC_SIDE_COUNT; i++)
      free(out[i]);
   dc_watchdog_arm(NULL);
   return ok;
}

VkKronosDeviceStatistics
dc_statistics(const struct dc_side *s)
{
   VkKronosDeviceStatistics stats;
   if (it_device_statistics(s->device, &stats) != VK_SUCCESS)
      memset(&stats, 0, sizeof(stats));
   return stats;
}

void
dc_print_cache(const char *prefix, const VkKronosDeviceStatistics *before,
               const VkKronosDeviceStatistics *after)
{
   printf("%skronos descriptor cache: hits %llu, misses %llu, evictions %llu, vendor sets live "
          "%llu, vendor descriptor writes %llu\n", prefix,
          (unsigned long long)(after->descriptor_cache_hits - before->descriptor_cache_hits),
          (unsigned long long)(after->descriptor_cache_misses - before->descriptor_cache_misses),
          (unsigned long long)(after->descriptor_cache_evictions -
                               before->descriptor_cache_evictions),
          (unsigned long long)after->vendor_descriptor_sets_live,
          (unsigned long long)(after->vendor_descriptor_writes -
                               before->vendor_descriptor_writes));
}
