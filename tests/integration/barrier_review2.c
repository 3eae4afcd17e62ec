/* SPDX-License-Identifier: MIT */
/* Second hostile review of the barrier policy (issue 11): dispatch access resolution (dynamic
 * offsets, rebinding), buffer handle reuse, and what the policy does where it loses knowledge
 * (a buffer it could not record, out of host memory). Same oracle as barrier_review.c:
 * barrier_review2.sh runs each case with synchronization validation above the vendor's device
 * (the program must be clean) and below Kronos (a hazard is a barrier the policy did not give
 * the vendor).
 *
 * Usage: it_barrier_review2 [--device kronos|vendor] [--only NAME] [--list]
 * Exit status 0 when every case run held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"
#include "review_add_spv.h"

#define WORDS 256u
#define BYTES (WORDS * 4u)

/* Device allocation callbacks that refuse one allocation on demand, on the test's thread only
 * (Kronos's flusher thread allocates too). */
static _Thread_local bool refuse_next;
static atomic_uint refused;

static void *VKAPI_PTR
dev_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (refuse_next) {
      refuse_next = false;
      atomic_fetch_add(&refused, 1);
      return NULL;
   }
   if (alignment < sizeof(void *))
      alignment = sizeof(void *);
   void *p = NULL;
   return posix_memalign(&p, alignment, size ? size : 1) == 0 ? p : NULL;
}

static void *VKAPI_PTR
dev_realloc(void *user, void *original, size_t size, size_t alignment,
            VkSystemAllocationScope scope)
{
   (void)user;
   (void)alignment;
   (void)scope;
   if (refuse_next) {
      refuse_next = false;
      atomic_fetch_add(&refused, 1);
      return NULL;
   }
   return realloc(original, size);
}

static void VKAPI_PTR
dev_free(void *user, void *memory)
{
   (void)user;
   free(memory);
}

static const VkAllocationCallbacks device_callbacks = {
   .pfnAllocation = dev_alloc,
   .pfnReallocation = dev_realloc,
   .pfnFree = dev_free,
};

/* Plain per-object callbacks: the vendor's own allocations for an object go there, so refusing
 * the next device allocation refuses Kronos's. */
static void *VKAPI_PTR
plain_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (alignment < sizeof(void *))
      alignment = sizeof(void *);
   void *p = NULL;
   return posix_memalign(&p, alignment, size ? size : 1) == 0 ? p : NULL;
}

static void *VKAPI_PTR
plain_realloc(void *user, void *original, size_t size, size_t alignment,
              VkSystemAllocationScope scope)
{
   (void)user;
   (void)alignment;
   (void)scope;
   return realloc(original, size);
}

static const VkAllocationCallbacks plain_callbacks = {
   .pfnAllocation = plain_alloc,
   .pfnReallocation = plain_realloc,
   .pfnFree = dev_free,
};

static struct {
   VkInstance instance;
   VkDebugUtilsMessengerEXT messenger;
   VkPhysicalDevice physical;
   uint32_t family;
   VkDevice device;
   VkQueue queue;
   VkCommandPool pool;
   bool kronos;
   VkDescriptorSetLayout set_layout, dyn_layout;
   VkPipelineLayout layout, dyn_pipeline_layout;
   VkPipeline add, dyn_add;
   VkDescriptorPool descriptor_pool;
   VkQueryPool query_pool;
} g;

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

static VkResult
create_pipeline(const uint32_t *code, size_t size, VkPipelineLayout layout, VkPipeline *out)
{
   VkShaderModule module;
   VkResult result = it_create_shader_module(g.device, code, size, &module);
   if (result != VK_SUCCESS)
      return result;
   result = it_create_compute_pipeline(g.device, module, layout, out);
   vkDestroyShaderModule(g.device, module, NULL);
   return result;
}

static bool
setup(bool vendor)
{
   bool ok = false;
   const char *extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
   CHECK_VK(it_create_instance(extensions, 1, NULL, &g.instance));
   const VkDebugUtilsMessengerCreateInfoEXT messenger_info = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
      .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
      .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT,
      .pfnUserCallback = on_message,
   };
   CHECK_VK(vkCreateDebugUtilsMessengerEXT(g.instance, &messenger_info, NULL, &g.messenger));
   VkPhysicalDevice kronos = VK_NULL_HANDLE, vendor_device = VK_NULL_HANDLE;
   if (vendor)
      CHECK_VK(it_find_both_devices(g.instance, &kronos, &vendor_device));
   else
      CHECK_VK(it_find_kronos_device(g.instance, &kronos));
   g.kronos = !vendor;
   g.physical = vendor ? vendor_device : kronos;
   g.family = it_compute_family(g.physical);
   CHECK(g.family != UINT32_MAX);
   VkPhysicalDeviceVulkan13Features f13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = VK_TRUE,
   };
   CHECK_VK(it_create_device(g.physical, g.family, &f13, NULL, NULL, 0, &device_callbacks,
                             &g.device));
   vkGetDeviceQueue(g.device, g.family, 0, &g.queue);
   CHECK_VK(it_create_command_pool(g.device, g.family,
                                   VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL, &g.pool));
   const VkDescriptorSetLayoutBinding bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(g.device, 0, NULL, bindings, 2, &g.set_layout));
   CHECK_VK(it_create_pipeline_layout(g.device, &g.set_layout, 1, 8, &g.layout));
   CHECK_VK(create_pipeline(review_add_spv, review_add_spv_size, g.layout, &g.add));
   /* Both bindings dynamic, listed out of binding order: dynamic offsets follow binding
    * numbers, not the create info's order. */
   const VkDescriptorSetLayoutBinding dyn_bindings[] = {
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(g.device, 0, NULL, dyn_bindings, 2, &g.dyn_layout));
   CHECK_VK(it_create_pipeline_layout(g.device, &g.dyn_layout, 1, 8, &g.dyn_pipeline_layout));
   CHECK_VK(create_pipeline(review_add_spv, review_add_spv_size, g.dyn_pipeline_layout,
                            &g.dyn_add));
   const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 256},
                                         {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 64}};
   CHECK_VK(it_create_descriptor_pool(g.device, VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                      128, sizes, 2, NULL, &g.descriptor_pool));
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 4,
   };
   CHECK_VK(vkCreateQueryPool(g.device, &query_info, NULL, &g.query_pool));
   ok = true;
done:
   return ok;
}

static void
teardown(void)
{
   if (g.device) {
      vkDeviceWaitIdle(g.device);
      vkDestroyQueryPool(g.device, g.query_pool, NULL);
      vkDestroyDescriptorPool(g.device, g.descriptor_pool, NULL);
      vkDestroyPipeline(g.device, g.add, NULL);
      vkDestroyPipeline(g.device, g.dyn_add, NULL);
      vkDestroyPipelineLayout(g.device, g.layout, NULL);
      vkDestroyPipelineLayout(g.device, g.dyn_pipeline_layout, NULL);
      vkDestroyDescriptorSetLayout(g.device, g.set_layout, NULL);
      vkDestroyDescriptorSetLayout(g.device, g.dyn_layout, NULL);
      vkDestroyCommandPool(g.device, g.pool, NULL);
      vkDestroyDevice(g.device, &device_callbacks);
   }
   if (g.messenger)
      vkDestroyDebugUtilsMessengerEXT(g.instance, g.messenger, NULL);
   if (g.instance)
      vkDestroyInstance(g.instance, NULL);
}

/* --- helpers ----------------------------------------------------------------------------- */

static const VkBufferUsageFlags USAGE = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_DST_BIT;

static VkResult
buffer(struct it_host_buffer *b, VkDeviceSize size)
{
   VkResult result = it_host_buffer_create(g.physical, g.device, size, USAGE, b);
   if (result == VK_SUCCESS)
      memset(b->data, 0, size);
   return result;
}

static VkDescriptorSet
make_set(VkBuffer in, VkDeviceSize in_offset, VkBuffer out, VkDeviceSize out_offset)
{
   VkDescriptorSet set = VK_NULL_HANDLE;
   if (it_allocate_sets(g.device, g.descriptor_pool, &g.set_layout, 1, &set) != VK_SUCCESS)
      return VK_NULL_HANDLE;
   const VkDescriptorBufferInfo infos[] = {{in, in_offset, BYTES}, {out, out_offset, BYTES}};
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = 0,
      .descriptorCount = 2,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .pBufferInfo = infos,
   };
   vkUpdateDescriptorSets(g.device, 1, &write, 0, NULL);
   return set;
}

static void
dispatch(VkCommandBuffer cmd, VkPipeline pipeline, VkDescriptorSet set, uint32_t add)
{
   const uint32_t push[2] = {WORDS, add};
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.layout, 0, 1, &set, 0, NULL);
   vkCmdPushConstants(cmd, g.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
   vkCmdDispatch(cmd, WORDS / 64, 1, 1);
}

static void
barrier2(VkCommandBuffer cmd, VkPipelineStageFlags2 src, VkAccessFlags2 src_access,
         VkPipelineStageFlags2 dst, VkAccessFlags2 dst_access)
{
   const VkMemoryBarrier2 b = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
      .srcStageMask = src,
      .srcAccessMask = src_access,
      .dstStageMask = dst,
      .dstAccessMask = dst_access,
   };
   const VkDependencyInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
      .memoryBarrierCount = 1,
      .pMemoryBarriers = &b,
   };
   vkCmdPipelineBarrier2(cmd, &info);
}

static void
prologue(VkCommandBuffer cmd, VkBuffer scratch)
{
   barrier2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT,
            VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
            VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT);
   vkCmdFillBuffer(cmd, scratch, 0, 64, 0);
}

static void
epilogue(VkCommandBuffer cmd)
{
   barrier2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT,
            VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
}

static VkResult
begin(VkCommandBuffer *cmd)
{
   return it_begin_primary(g.device, g.pool, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, cmd);
}

static VkResult
end_submit(VkCommandBuffer cmd)
{
   VkResult result = vkEndCommandBuffer(cmd);
   if (result == VK_SUCCESS)
      result = it_submit_wait(g.device, g.queue, 1, &cmd);
   vkFreeCommandBuffers(g.device, g.pool, 1, &cmd);
   return result;
}

static bool
expect_words(const char *what, const void *data, uint32_t first, uint32_t step)
{
   uint32_t want[WORDS];
   for (uint32_t i = 0; i < WORDS; i++)
      want[i] = first + i * step;
   return it_words_match(NULL, what, data, want, WORDS);
}

static void
fill_words(void *data, uint32_t first, uint32_t step)
{
   uint32_t *w = data;
   for (uint32_t i = 0; i < WORDS; i++)
      w[i] = first + i * step;
}

static bool
no_hazard(void)
{
   unsigned n = atomic_load(&hazards);
   if (n)
      fprintf(stderr, "%u synchronization hazard(s) reported\n", n);
   return n == 0;
}

/* --- cases -------------------------------------------------------------------------------- */

enum transfer_kind { TRANSFER_UPDATE, TRANSFER_FILL };

/* A buffer X whose creation Kronos could not record (one refused host allocation: vkCreateBuffer
 * still succeeds, the policy only loses knowledge of X), and Y on the same bytes. A transfer
 * writes X: a command on a buffer the policy does not know, so it counts as touching any
 * memory. The application orders it before a dispatch reading Y with a CLEAR barrier (flushed
 * to the vendor by vkCmdResetQueryPool) and then a COPY one, as barrier_review.c's
 * fill_then_read does: the installed layer takes fill and update for copies, others for
 * clears. The policy's fallback records the transfer in the CLEAR stage only
 * (kr_barrier_transfer.c: track_transfer's `stages`), so it takes the CLEAR barrier for enough
 * and never gives the COPY one before the read. */
static bool
unknown_transfer_then_read(enum transfer_kind kind)
{
   bool ok = false;
   struct it_host_buffer scratch = {0}, b = {0};
   VkBuffer x = VK_NULL_HANDLE, y = VK_NULL_HANDLE;
   VkDeviceMemory memory = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   CHECK_VK(buffer(&scratch, 256));
   CHECK_VK(buffer(&b, BYTES));
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = BYTES,
      .usage = USAGE,
   };
   unsigned before = atomic_load(&refused);
   refuse_next = g.kronos;
   CHECK_VK(vkCreateBuffer(g.device, &info, &plain_callbacks, &x));
   refuse_next = false;
   if (g.kronos && atomic_load(&refused) == before) {
      fprintf(stderr, "no allocation was refused in vkCreateBuffer: the case no longer reaches "
                      "the policy's fallback\n");
      goto done;
   }
   CHECK_VK(vkCreateBuffer(g.device, &info, NULL, &y));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(g.device, x, &req);
   CHECK_VK(it_allocate_memory(g.physical, g.device, &req, 0, &memory));
   CHECK_VK(vkBindBufferMemory(g.device, x, memory, 0));
   CHECK_VK(vkBindBufferMemory(g.device, y, memory, 0));
   VkDescriptorSet s = make_set(y, 0, b.buffer, 0);
   CHECK(s);
   CHECK_VK(begin(&cmd));
   prologue(cmd, scratch.buffer);
   static uint32_t data[WORDS];
   for (uint32_t i = 0; i < WORDS; i++)
      data[i] = 5 + i;
   if (kind == TRANSFER_UPDATE)
      vkCmdUpdateBuffer(cmd, x, 0, BYTES, data);
   else
      vkCmdFillBuffer(cmd, x, 0, BYTES, 5);
   barrier2(cmd, VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
            VK_ACCESS_2_SHADER_STORAGE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT);
   vkCmdResetQueryPool(cmd, g.query_pool, 0, 4);
   barrier2(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
   dispatch(cmd, g.add, s, 1);
   epilogue(cmd);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("b", b.data, 6, kind == TRANSFER_UPDATE ? 1 : 0));
   CHECK(no_hazard());
   ok = true;
done:
   vkDestroyBuffer(g.device, x, &plain_callbacks);
   vkDestroyBuffer(g.device, y, NULL);
   vkFreeMemory(g.device, memory, NULL);
   it_host_buffer_destroy(g.device, &scratch);
   it_host_buffer_destroy(g.device, &b);
   return ok;
}

static bool
case_unknown_fill_then_read(void)
{
   return unknown_transfer_then_read(TRANSFER_FILL);
}

static bool
case_unknown_update_then_read(void)
{
   return unknown_transfer_then_read(TRANSFER_UPDATE);
}

/* Held: dynamic offsets. One buffer holds every region; a layout with two dynamic bindings
 * listed out of binding order. Dispatch 1 reads region 0 and writes region 1, dispatch 2
 * (rebinding the same set with other offsets) reads region 1 and writes region 2 (RAW through
 * dynamic offsets only), dispatch 3 reads region 2 and writes region 0 that dispatch 1 read,
 * each after the barrier it needs. (A third dispatch reading a region nobody wrote would need no
 * barrier, and the policy rightly gives none, but the installed layer ignores dynamic offsets
 * and reports a hazard: each dispatch here depends on the one before in both views.) */
static bool
case_dynamic_offsets(void)
{
   bool ok = false;
   struct it_host_buffer scratch = {0}, big = {0};
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   const VkDeviceSize region = 4096; /* >= minStorageBufferOffsetAlignment */
   CHECK_VK(buffer(&scratch, 256));
   CHECK_VK(buffer(&big, 4 * region));
   fill_words(big.data, 1, 1);
   VkDescriptorSet set = VK_NULL_HANDLE;
   CHECK_VK(it_allocate_sets(g.device, g.descriptor_pool, &g.dyn_layout, 1, &set));
   const VkDescriptorBufferInfo infos[] = {{big.buffer, 0, BYTES}, {big.buffer, 0, BYTES}};
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = 0,
      .descriptorCount = 2,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC,
      .pBufferInfo = infos,
   };
   vkUpdateDescriptorSets(g.device, 1, &write, 0, NULL);
   CHECK_VK(begin(&cmd));
   prologue(cmd, scratch.buffer);
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.dyn_add);
   /* offsets: [binding 0 (src), binding 1 (dst)] */
   const uint32_t steps[3][2] = {{0, (uint32_t)region},
                                 {(uint32_t)region, 2 * (uint32_t)region},
                                 {2 * (uint32_t)region, 0}};
   const uint32_t adds[3] = {10, 100, 1000};
   for (int i = 0; i < 3; i++) {
      if (i == 1)
         barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                  VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
      /* A memory barrier where an execution one would do: the installed layer (1.3.239)
       * ignores dynamic offsets, so to it every dispatch here touches bytes [0, BYTES). */
      if (i == 2)
         barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                  VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                  VK_ACCESS_2_SHADER_STORAGE_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT);
      const uint32_t push[2] = {WORDS, adds[i]};
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.dyn_pipeline_layout, 0, 1,
                              &set, 2, steps[i]);
      vkCmdPushConstants(cmd, g.dyn_pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                         sizeof(push), push);
      vkCmdDispatch(cmd, WORDS / 64, 1, 1);
   }
   epilogue(cmd);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("region 1", (char *)big.data + region, 11, 1));
   CHECK(expect_words("region 2", (char *)big.data + 2 * region, 111, 1));
   CHECK(expect_words("region 0", big.data, 1111, 1));
   CHECK(no_hazard());
   ok = true;
done:
   it_host_buffer_destroy(g.device, &scratch);
   it_host_buffer_destroy(g.device, &big);
   return ok;
}

/* Held: a buffer destroyed and another created (the vendor may hand out the same handle),
 * bound to other memory: a write then a read of the new buffer after a barrier. */
static bool
case_handle_reuse(void)
{
   bool ok = false;
   struct it_host_buffer scratch = {0}, a = {0}, c = {0};
   VkBuffer x = VK_NULL_HANDLE, z = VK_NULL_HANDLE;
   VkDeviceMemory m1 = VK_NULL_HANDLE, m2 = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   CHECK_VK(buffer(&scratch, 256));
   CHECK_VK(buffer(&a, BYTES));
   CHECK_VK(buffer(&c, BYTES));
   fill_words(a.data, 7, 2);
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = BYTES,
      .usage = USAGE,
   };
   CHECK_VK(vkCreateBuffer(g.device, &info, NULL, &x));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(g.device, x, &req);
   req.size *= 4;
   CHECK_VK(it_allocate_memory(g.physical, g.device, &req, 0, &m1));
   CHECK_VK(it_allocate_memory(g.physical, g.device, &req, 0, &m2));
   CHECK_VK(vkBindBufferMemory(g.device, x, m1, 0));
   VkBuffer old = x;
   vkDestroyBuffer(g.device, x, NULL);
   x = VK_NULL_HANDLE;
   CHECK_VK(vkCreateBuffer(g.device, &info, NULL, &z));
   if (z == old)
      printf("handle_reuse: the vendor reused the handle\n");
   const VkBindBufferMemoryInfo bind = {
      .sType = VK_STRUCTURE_TYPE_BIND_BUFFER_MEMORY_INFO,
      .buffer = z,
      .memory = m2,
      .memoryOffset = 2 * BYTES,
   };
   CHECK_VK(vkBindBufferMemory2(g.device, 1, &bind));
   VkDescriptorSet s1 = make_set(a.buffer, 0, z, 0), s2 = make_set(z, 0, c.buffer, 0);
   CHECK(s1 && s2);
   CHECK_VK(begin(&cmd));
   prologue(cmd, scratch.buffer);
   dispatch(cmd, g.add, s1, 1);
   barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
            VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
   dispatch(cmd, g.add, s2, 2);
   epilogue(cmd);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c.data, 10, 2));
   CHECK(no_hazard());
   ok = true;
done:
   vkDestroyBuffer(g.device, z, NULL);
   vkFreeMemory(g.device, m1, NULL);
   vkFreeMemory(g.device, m2, NULL);
   it_host_buffer_destroy(g.device, &scratch);
   it_host_buffer_destroy(g.device, &a);
   it_host_buffer_destroy(g.device, &c);
   return ok;
}

/* --- main --------------------------------------------------------------------------------- */

static const struct {
   const char *name;
   bool (*run)(void);
} cases[] = {
   {"unknown_fill_then_read", case_unknown_fill_then_read},
   {"unknown_update_then_read", case_unknown_update_then_read},
   {"dynamic_offsets", case_dynamic_offsets},
   {"handle_reuse", case_handle_reuse},
};

int
main(int argc, char **argv)
{
   const char *only = NULL;
   bool vendor = false;
   for (int i = 1; i < argc; i++) {
      if (!strcmp(argv[i], "--only") && i + 1 < argc) {
         only = argv[++i];
      } else if (!strcmp(argv[i], "--device") && i + 1 < argc) {
         vendor = !strcmp(argv[++i], "vendor");
      } else if (!strcmp(argv[i], "--list")) {
         for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
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
   int status = 0;
   if (!setup(vendor)) {
      teardown();
      return 1;
   }
   bool found = false;
   for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
      if (only && strcmp(only, cases[c].name))
         continue;
      found = true;
      atomic_store(&hazards, 0);
      atomic_store(&errors, 0);
      bool ok = cases[c].run();
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
