/* SPDX-License-Identifier: MIT */
#include "descriptor_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

VkInstance dc_instance;
struct dc_side dc_sides[DC_SIDE_COUNT] = {
   [DC_VENDOR] = {.label = "vendor"},
   [DC_KRONOS] = {.label = "kronos", .kronos = true},
};

void
dc_watchdog_arm(const char *what)
{
   it_watchdog_arm(what, DC_WATCHDOG_S);
}

/* --- Devices ---------------------------------------------------------------------------------- */

static bool
has_partially_bound(VkPhysicalDevice physical)
{
   VkPhysicalDeviceVulkan12Features f12;
   VkPhysicalDeviceVulkan13Features f13;
   it_device_features(physical, &f12, &f13);
   return f12.descriptorBindingPartiallyBound;
}

static VkResult
side_open(struct dc_side *s, bool partially_bound, const VkAllocationCallbacks *allocator)
{
   VkPhysicalDeviceVulkan12Features f12;
   VkPhysicalDeviceVulkan13Features f13;
   it_device_features(s->physical, &f12, &f13);
   s->partially_bound = partially_bound;
   const char *extension = VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME;
   if (!f13.inlineUniformBlock || !f13.descriptorBindingInlineUniformBlockUpdateAfterBind ||
       !f13.privateData || !it_device_has_extension(s->physical, extension)) {
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
   s->allocator = allocator;
   return it_create_device_queue_pool(s->physical, s->family, &enable12, &extension, 1, allocator,
                                      &s->device, &s->queue, &s->command_pool);
}

VkResult
dc_open(const VkAllocationCallbacks *kronos_allocator)
{
   VkResult result = it_counting_instance_create("kronos-integration-test", true, &dc_instance);
   if (result != VK_SUCCESS)
      return result;
   result = it_find_both_devices(dc_instance, &dc_sides[DC_KRONOS].physical,
                                 &dc_sides[DC_VENDOR].physical);
   if (result != VK_SUCCESS)
      return result;
   /* What both have is used on both, so that their results compare. */
   const bool partially_bound = has_partially_bound(dc_sides[DC_VENDOR].physical) &&
                                has_partially_bound(dc_sides[DC_KRONOS].physical);
   result = side_open(&dc_sides[DC_VENDOR], partially_bound, NULL);
   if (result == VK_SUCCESS)
      result = side_open(&dc_sides[DC_KRONOS], partially_bound, kronos_allocator);
   return result;
}

bool
dc_setup(void)
{
   dc_watchdog_arm("setup");
   VkResult result = dc_open(NULL);
   if (result != VK_SUCCESS)
      it_report(__FILE__, __LINE__, "dc_open(NULL) returned %s, expected VK_SUCCESS",
                it_result_name(result));
   dc_watchdog_arm(NULL);
   return result == VK_SUCCESS;
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
   it_counting_instance_destroy(dc_instance);
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
   return it_create_set_layout(s->device, flags, NULL, bindings, count, out);
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
   return it_create_pipeline_layout(s->device, sets, count, 0, out);
}

VkResult
dc_pipeline(const struct dc_side *s, const uint32_t *code, size_t size, VkPipelineLayout layout,
            VkPipeline *out)
{
   VkShaderModule module;
   VkResult result = it_create_shader_module(s->device, code, size, &module);
   if (result != VK_SUCCESS)
      return result;
   result = it_create_compute_pipeline(s->device, module, layout, out);
   vkDestroyShaderModule(s->device, module, NULL);
   return result;
}

VkResult
dc_allocate_sets(const struct dc_side *s, VkDescriptorPool pool,
                 const VkDescriptorSetLayout *layouts, uint32_t count, VkDescriptorSet *sets)
{
   return it_allocate_sets(s->device, pool, layouts, count, sets);
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
   return it_begin_primary(s->device, s->command_pool, 0, cmd);
}

VkResult
dc_submit_wait(const struct dc_side *s, uint32_t count, const VkCommandBuffer *cmds)
{
   return it_submit_wait(s->device, s->queue, count, cmds);
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
   if (ok && !it_compare_words(name, out[DC_VENDOR], out[DC_KRONOS], words * sizeof(uint32_t)))
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

/* --- desc_simple ------------------------------------------------------------------------------ */

uint32_t
dc_in_word(uint32_t i)
{
   return (i * 2654435761u) ^ 0x5a5a0000u;
}

uint32_t
dc_param_mul(uint32_t slot)
{
   return 3 + 2 * slot;
}

uint32_t
dc_param_add(uint32_t slot)
{
   return 0x1000 * slot + 17;
}

VkResult
dc_simple_io_create(VkPhysicalDevice physical, VkDevice device, struct dc_simple_io *io)
{
   memset(io, 0, sizeof(*io));
   const VkBufferUsageFlags storage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
   VkResult result = it_host_buffer_create(physical, device, DC_SIMPLE_IN_WORDS * 4, storage,
                                           &io->in);
   if (result == VK_SUCCESS)
      result = it_host_buffer_create(physical, device, DC_SIMPLE_OUT_WORDS * 4, storage,
                                     &io->out);
   if (result == VK_SUCCESS)
      result = it_host_buffer_create(physical, device, DC_PARAM_SLOTS * DC_OFFSET_UNIT,
                                     VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, &io->params);
   if (result != VK_SUCCESS)
      return result;
   uint32_t *in = io->in.data;
   for (uint32_t i = 0; i < DC_SIMPLE_IN_WORDS; i++)
      in[i] = dc_in_word(i);
   for (uint32_t p = 0; p < DC_PARAM_SLOTS; p++) {
      uint32_t *slot = (uint32_t *)((uint8_t *)io->params.data + p * DC_OFFSET_UNIT);
      slot[0] = dc_param_mul(p);
      slot[1] = dc_param_add(p);
   }
   memset(io->out.data, DC_FILL_BYTE, io->out.size);
   return VK_SUCCESS;
}

void
dc_simple_io_destroy(VkDevice device, struct dc_simple_io *io)
{
   it_host_buffer_destroy(device, &io->in);
   it_host_buffer_destroy(device, &io->out);
   it_host_buffer_destroy(device, &io->params);
}

void
dc_simple_infos(const struct dc_simple_io *io, VkBuffer out, const struct dc_job *j,
                VkDescriptorBufferInfo infos[3])
{
   infos[0] = (VkDescriptorBufferInfo){io->in.buffer, j->in_offset, (VkDeviceSize)j->in_words * 4};
   infos[1] = (VkDescriptorBufferInfo){out, j->out_offset, (VkDeviceSize)j->out_words * 4};
   infos[2] = (VkDescriptorBufferInfo){io->params.buffer,
                                       (VkDeviceSize)j->param * DC_OFFSET_UNIT, 8};
}

void
dc_simple_writes(VkDescriptorSet set, const VkDescriptorBufferInfo infos[3],
                 VkWriteDescriptorSet writes[3])
{
   for (uint32_t b = 0; b < 3; b++) {
      writes[b] = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = set,
         .dstBinding = b,
         .descriptorCount = 1,
         .descriptorType = b == 2 ? VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER
                                  : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &infos[b],
      };
   }
}

void
dc_simple_expect(uint32_t *want, uint32_t words, const struct dc_job *jobs, uint32_t count)
{
   for (uint32_t i = 0; i < words; i++)
      want[i] = DC_FILL_WORD;
   for (uint32_t k = 0; k < count; k++) {
      const struct dc_job *j = &jobs[k];
      uint32_t n = j->in_words < j->out_words ? j->in_words : j->out_words;
      for (uint32_t i = 0; i < n; i++)
         want[j->out_offset / 4 + i] =
            dc_in_word(j->in_offset / 4 + i) * dc_param_mul(j->param) + dc_param_add(j->param);
   }
}

bool
dc_simple_check(const char *label, const char *what, const void *out, uint32_t words,
                const struct dc_job *jobs, uint32_t count)
{
   uint32_t *want = malloc((size_t)words * 4);
   if (!want)
      return false;
   dc_simple_expect(want, words, jobs, count);
   bool ok = it_words_match(label, what, out, want, words);
   free(want);
   return ok;
}

VkResult
dc_simple_pool_create(VkDevice device, uint32_t sets, VkDescriptorPoolCreateFlags flags,
                      VkDescriptorPool *pool)
{
   const VkDescriptorPoolSize sizes[2] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * sets},
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, sets},
   };
   return it_create_descriptor_pool(device, flags, sets, sizes, 2, NULL, pool);
}
