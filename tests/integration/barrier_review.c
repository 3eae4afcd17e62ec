/* SPDX-License-Identifier: MIT */
/* Regression cases from the hostile review of the barrier policy (issue 11): command streams whose
 * own barriers are right, run on Kronos's device or (--device vendor) directly on the vendor's,
 * with a VK_EXT_debug_utils messenger counting the validation layer's SYNC-HAZARD errors.
 * barrier_review.sh runs each case with the Khronos validation layer (synchronization
 * validation) above the vendor's device, where the program itself must be clean, and below
 * Kronos, where a hazard is a barrier the policy failed to give the vendor. Cases that need no
 * layer check Kronos's statistics or the results.
 *
 * Usage: it_barrier_review [--device kronos|vendor] [--only NAME] [--list]
 * Exit status 0 when every case run held (no SYNC-HAZARD, results right, counters as said). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"
#include "review_add_spv.h"
#include "review_noro_spv.h"

#define WORDS 256u
#define BYTES (WORDS * 4u)

static struct {
   VkInstance instance;
   VkDebugUtilsMessengerEXT messenger;
   VkPhysicalDevice physical;
   uint32_t family;
   VkDevice device;
   VkQueue queue;
   VkCommandPool pool;
   bool kronos;
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline add, noro;
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
create_pipeline(const uint32_t *code, size_t size, VkPipeline *out)
{
   VkShaderModule module;
   VkResult result = it_create_shader_module(g.device, code, size, &module);
   if (result != VK_SUCCESS)
      return result;
   result = it_create_compute_pipeline(g.device, module, g.layout, out);
   vkDestroyShaderModule(g.device, module, NULL);
   return result;
}

static bool
setup(bool vendor)
{
   bool ok = false;
   const char *extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
   CHECK_VK(it_create_instance(extensions, 1, NULL, &g.instance));
   const VkDebugUtilsMessengerCreateInfoEXT messenger_info = it_messenger_info(on_message);
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
   CHECK_VK(it_create_device(g.physical, g.family, &f13, NULL, NULL, 0, NULL, &g.device));
   vkGetDeviceQueue(g.device, g.family, 0, &g.queue);
   CHECK_VK(it_create_command_pool(g.device, g.family,
                                   VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL, &g.pool));
   const VkDescriptorSetLayoutBinding bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(g.device, 0, NULL, bindings, 2, &g.set_layout));
   CHECK_VK(it_create_pipeline_layout(g.device, &g.set_layout, 1, 8, &g.layout));
   CHECK_VK(create_pipeline(review_add_spv, review_add_spv_size, &g.add));
   CHECK_VK(create_pipeline(review_noro_spv, review_noro_spv_size, &g.noro));
   const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 256}};
   CHECK_VK(it_create_descriptor_pool(g.device, VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                      128, sizes, 1, NULL, &g.descriptor_pool));
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
      vkDestroyPipeline(g.device, g.noro, NULL);
      vkDestroyPipelineLayout(g.device, g.layout, NULL);
      vkDestroyDescriptorSetLayout(g.device, g.set_layout, NULL);
      vkDestroyCommandPool(g.device, g.pool, NULL);
      vkDestroyDevice(g.device, NULL);
   }
   if (g.messenger)
      vkDestroyDebugUtilsMessengerEXT(g.instance, g.messenger, NULL);
   if (g.instance)
      vkDestroyInstance(g.instance, NULL);
}

/* --- helpers ----------------------------------------------------------------------------- */

static const VkBufferUsageFlags USAGE = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                        VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_DST_BIT |
                                        VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT;

#define HELD_BUFFERS 6u

/* The running case's buffers (buffer()), destroyed after it by release(). */
static struct it_host_buffer held[HELD_BUFFERS];
static uint32_t held_count;

/* A zeroed host-visible buffer of size bytes for the running case; NULL on failure. */
static struct it_host_buffer *
buffer(VkDeviceSize size)
{
   if (held_count == HELD_BUFFERS) {
      fprintf(stderr, "more than %u buffers in a case\n", HELD_BUFFERS);
      return NULL;
   }
   struct it_host_buffer *b = &held[held_count++];
   if (it_host_buffer_create(g.physical, g.device, size, USAGE, b) != VK_SUCCESS)
      return NULL;
   memset(b->data, 0, size);
   return b;
}

/* count buffers of BYTES, *out[i] the i-th. */
static bool
buffers(struct it_host_buffer **const *out, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++) {
      if (!(*out[i] = buffer(BYTES)))
         return false;
   }
   return true;
}

#define BUFFERS(...)                                                                          \
   buffers((struct it_host_buffer **const[]){__VA_ARGS__},                                    \
           sizeof((struct it_host_buffer **const[]){__VA_ARGS__}) /                           \
              sizeof(struct it_host_buffer **))

static void
release(void)
{
   for (uint32_t i = 0; i < held_count; i++)
      it_host_buffer_destroy(g.device, &held[i]);
   held_count = 0;
}

static VkDescriptorSet
make_set(VkBuffer in, VkDeviceSize in_offset, VkBuffer out, VkDeviceSize out_offset)
{
   VkDescriptorSet set = VK_NULL_HANDLE;
   if (it_allocate_sets(g.device, g.descriptor_pool, &g.set_layout, 1, &set) != VK_SUCCESS)
      return VK_NULL_HANDLE;
   const VkDescriptorBufferInfo infos[] = {{in, in_offset, BYTES}, {out, out_offset, BYTES}};
   it_write_storage_buffers(g.device, set, infos, 2);
   return set;
}

/* Binds pipeline, set and the push constants (WORDS, add) of review_add or review_noro. */
static void
bind(VkCommandBuffer cmd, VkPipeline pipeline, VkDescriptorSet set, uint32_t add)
{
   const uint32_t push[2] = {WORDS, add};
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.layout, 0, 1, &set, 0, NULL);
   vkCmdPushConstants(cmd, g.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
}

static void
dispatch(VkCommandBuffer cmd, VkPipeline pipeline, VkDescriptorSet set, uint32_t add)
{
   bind(cmd, pipeline, set, add);
   vkCmdDispatch(cmd, WORDS / 64, 1, 1);
}

/* Shader writes before shader reads, compute to compute (synchronization1). */
static void
compute_barrier(VkCommandBuffer cmd)
{
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
}

/* Everything the device wrote visible to the host after the submit. */
static void
epilogue(VkCommandBuffer cmd)
{
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
}

static VkResult
begin(VkCommandBuffer *cmd)
{
   return it_begin_primary(g.device, g.pool, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, cmd);
}

/* begin, then what every case but previous_submit starts with: a full barrier (the previous
 * submits' work and the host's writes ordered before everything) that reaches the vendor before
 * a first command touching scratch. */
static VkResult
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

/* The epilogue, then cmd ended, submitted, waited for and freed. */
static VkResult
end_submit(VkCommandBuffer cmd)
{
   epilogue(cmd);
   VkResult result = vkEndCommandBuffer(cmd);
   if (result == VK_SUCCESS)
      result = it_submit_wait(g.device, g.queue, 1, &cmd);
   vkFreeCommandBuffers(g.device, g.pool, 1, &cmd);
   return result;
}

static bool
expect_words(const char *what, const struct it_host_buffer *b, VkDeviceSize offset,
             uint32_t first, uint32_t step)
{
   uint32_t want[WORDS];
   for (uint32_t i = 0; i < WORDS; i++)
      want[i] = first + i * step;
   return it_words_match(NULL, what, (const uint32_t *)((const char *)b->data + offset), want,
                         WORDS);
}

static void
fill_words(struct it_host_buffer *b, VkDeviceSize offset, uint32_t first, uint32_t step)
{
   uint32_t *w = (uint32_t *)((char *)b->data + offset);
   for (uint32_t i = 0; i < WORDS; i++)
      w[i] = first + i * step;
}

/* The chain the held cases record: a = 1, 2, 3, ...; s1 reads a and writes b, s2 reads b and
 * writes c (review_add with 1, then 2, leaves c = 4, 5, 6, ...). */
static bool
chain_sets(struct it_host_buffer *a, const struct it_host_buffer *b,
           const struct it_host_buffer *c, VkDescriptorSet *s1, VkDescriptorSet *s2)
{
   fill_words(a, 0, 1, 1);
   *s1 = make_set(a->buffer, 0, b->buffer, 0);
   *s2 = make_set(b->buffer, 0, c->buffer, 0);
   return *s1 && *s2;
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

/* Two dispatches that only read a storage buffer declared without `readonly` (review_noro),
 * with the barrier between them that synchronization validation asks for: it counts a storage
 * buffer that is not NonWritable as written by every dispatch that uses it (WAW). The policy's
 * reflection sees two reads and no conflict, so the barrier stays pending to the end. */
static bool
case_noro_reads(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b, *c;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b, &c));
   fill_words(a, 0, 1, 1);
   VkDescriptorSet s1 = make_set(a->buffer, 0, b->buffer, 0);
   VkDescriptorSet s2 = make_set(a->buffer, 0, c->buffer, 0);
   CHECK(s1 && s2);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, g.noro, s1, 10);
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                     VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                     VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   dispatch(cmd, g.noro, s2, 20);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("b", b, 0, 11, 1));
   CHECK(expect_words("c", c, 0, 21, 1));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Common shape of the transfer-stage cases: X written by a transfer (or read by a dispatch),
 * ordered first by a barrier naming one transfer stage and flushed to the vendor by
 * vkCmdResetQueryPool, then by one naming the other. */
enum transfer_kind { TRANSFER_UPDATE, TRANSFER_FILL };

static void
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

/* RAW (read false): the transfer writes a, a dispatch reads it; first barrier from `first`,
 * then from `second`. WAR (read true): a dispatch reads a, then the transfer writes it;
 * execution barriers to `first`, then to `second`. Either way the dispatch writes b. */
static bool
transfer_case(bool read_first, enum transfer_kind kind, VkPipelineStageFlags2 first,
              VkPipelineStageFlags2 second)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b));
   if (read_first)
      fill_words(a, 0, 100, 1);
   VkDescriptorSet s = make_set(a->buffer, 0, b->buffer, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   if (read_first) {
      dispatch(cmd, g.add, s, 1);
      it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, 0, first, 0);
      vkCmdResetQueryPool(cmd, g.query_pool, 0, 4);
      it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, 0, second, 0);
      transfer_write(cmd, kind, a->buffer);
   } else {
      transfer_write(cmd, kind, a->buffer);
      it_memory_barrier2(cmd, first, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                         VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
      vkCmdResetQueryPool(cmd, g.query_pool, 0, 4);
      it_memory_barrier2(cmd, second, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                         VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
      dispatch(cmd, g.add, s, 1);
   }
   CHECK_VK(end_submit(cmd));
   if (read_first)
      CHECK(expect_words("b", b, 0, 101, 1));
   else if (kind == TRANSFER_UPDATE)
      CHECK(expect_words("b", b, 0, 6, 1));
   else
      CHECK(expect_words("b", b, 0, 6, 0));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* vkCmdUpdateBuffer is a copy to synchronization validation (SYNC_COPY_TRANSFER_WRITE) and a
 * clear to the policy (KR_ACCESS_CLEAR_WRITE, VK_PIPELINE_STAGE_2_CLEAR_BIT). The application
 * orders the update before the read with a COPY barrier; the policy took an earlier CLEAR one
 * as ordering it and never gives the COPY one before the read. */
static bool
case_update_then_read(void)
{
   return transfer_case(false, TRANSFER_UPDATE, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

/* The same, write-after-read: the read ordered before the update by a COPY execution barrier
 * that the policy never gives before the update (an earlier CLEAR one stood for it). */
static bool
case_read_then_update(void)
{
   return transfer_case(true, TRANSFER_UPDATE, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

/* The same with vkCmdFillBuffer, which the installed layer (1.3.239) also takes for a copy. */
static bool
case_fill_then_read(void)
{
   return transfer_case(false, TRANSFER_FILL, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

static bool
case_read_then_fill(void)
{
   return transfer_case(true, TRANSFER_FILL, VK_PIPELINE_STAGE_2_CLEAR_BIT,
                        VK_PIPELINE_STAGE_2_COPY_BIT);
}

/* Held: two buffers on the same VkDeviceMemory (the same bytes): a write through one, a read
 * through the other. */
static bool
case_alias(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *c;
   VkBuffer x = VK_NULL_HANDLE, y = VK_NULL_HANDLE;
   VkDeviceMemory memory = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &c));
   fill_words(a, 0, 7, 3);
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = BYTES,
      .usage = USAGE,
   };
   CHECK_VK(vkCreateBuffer(g.device, &info, NULL, &x));
   CHECK_VK(vkCreateBuffer(g.device, &info, NULL, &y));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(g.device, x, &req);
   CHECK_VK(it_allocate_memory(g.physical, g.device, &req, 0, &memory));
   CHECK_VK(vkBindBufferMemory(g.device, x, memory, 0));
   CHECK_VK(vkBindBufferMemory(g.device, y, memory, 0));
   VkDescriptorSet s1 = make_set(a->buffer, 0, x, 0), s2 = make_set(y, 0, c->buffer, 0);
   CHECK(s1 && s2);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, g.add, s1, 1);
   compute_barrier(cmd);
   dispatch(cmd, g.add, s2, 2);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c, 0, 10, 3));
   CHECK(no_hazard());
   ok = true;
done:
   vkDestroyBuffer(g.device, x, NULL);
   vkDestroyBuffer(g.device, y, NULL);
   vkFreeMemory(g.device, memory, NULL);
   return ok;
}

/* Held: more distinct ranges than the tracker keeps (KR_BARRIER_MAX_ENTRIES): 5000 fills of one
 * word with gaps, then a transfer-to-compute barrier and a dispatch reading the first words. */
static bool
case_overflow(void)
{
   bool ok = false;
   enum { FILLS = 5000 };
   struct it_host_buffer *scratch, *big, *c;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(big = buffer(FILLS * 8));
   CHECK(c = buffer(BYTES));
   VkDescriptorSet s = make_set(big->buffer, 0, c->buffer, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   for (uint32_t i = 0; i < FILLS; i++)
      vkCmdFillBuffer(cmd, big->buffer, 8 * (VkDeviceSize)i, 4, 9);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
   dispatch(cmd, g.add, s, 1);
   CHECK_VK(end_submit(cmd));
   uint32_t *w = c->data;
   for (uint32_t i = 0; i < WORDS; i++)
      CHECK(w[i] == (i % 2 ? 1u : 10u));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Held: indirect arguments written by a copy, then by a dispatch, each followed by the barrier
 * to DRAW_INDIRECT that vkCmdDispatchIndirect needs. */
static bool
case_indirect(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *src, *args, *a, *b;
   VkCommandBuffer cmd;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&src, &args, &a, &b));
   uint32_t *w = src->data;
   w[0] = WORDS / 64;
   w[1] = 1;
   w[2] = 1;
   fill_words(a, 0, 3, 2);
   VkDescriptorSet s = make_set(a->buffer, 0, b->buffer, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   const VkBufferCopy region = {0, 0, 12};
   vkCmdCopyBuffer(cmd, src->buffer, args->buffer, 1, &region);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_DRAW_INDIRECT_BIT,
                      VK_ACCESS_2_INDIRECT_COMMAND_READ_BIT);
   bind(cmd, g.add, s, 4);
   vkCmdDispatchIndirect(cmd, args->buffer, 0);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("b", b, 0, 7, 2));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Held: a dependency chain of two barriers (compute -> transfer, transfer -> compute) between a
 * write and a read, once pending together and once split by vkCmdResetQueryPool. */
static bool
chain(bool split)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b, *c;
   VkCommandBuffer cmd;
   VkDescriptorSet s1, s2;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b, &c));
   CHECK(chain_sets(a, b, c, &s1, &s2));
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, g.add, s1, 1);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_COPY_BIT, 0);
   if (split)
      vkCmdResetQueryPool(cmd, g.query_pool, 0, 4);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, 0, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                      VK_ACCESS_2_SHADER_READ_BIT);
   dispatch(cmd, g.add, s2, 2);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c, 0, 4, 1));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

static bool
case_chain(void)
{
   return chain(false);
}

static bool
case_chain_split(void)
{
   return chain(true);
}

/* Held: the previous submit's dispatch wrote b; this one starts with a compute-to-compute
 * barrier and reads it. */
static bool
case_previous_submit(void)
{
   bool ok = false;
   struct it_host_buffer *a, *b, *c;
   VkCommandBuffer cmd, cmd2;
   VkDescriptorSet s1, s2;
   CHECK(BUFFERS(&a, &b, &c));
   CHECK(chain_sets(a, b, c, &s1, &s2));
   CHECK_VK(begin(&cmd));
   dispatch(cmd, g.add, s1, 1);
   CHECK_VK(vkEndCommandBuffer(cmd));
   CHECK_VK(begin(&cmd2));
   compute_barrier(cmd2);
   dispatch(cmd2, g.add, s2, 2);
   epilogue(cmd2);
   CHECK_VK(vkEndCommandBuffer(cmd2));
   const VkCommandBuffer both[2] = {cmd, cmd2};
   CHECK_VK(it_submit_wait(g.device, g.queue, 2, both));
   vkFreeCommandBuffers(g.device, g.pool, 2, both);
   CHECK(expect_words("c", c, 0, 4, 1));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Held: the statistics add up for a stream of barriers the policy understands (every
 * application barrier dropped, merged or emitted; every vendor barrier one the policy emitted),
 * with a duplicate barrier, a chain and a barrier ordering nothing. */
static bool
case_counters(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *b, *c;
   VkCommandBuffer cmd;
   VkDescriptorSet s1, s2;
   VkKronosDeviceStatistics before = {0}, after = {0};
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &b, &c));
   CHECK(chain_sets(a, b, c, &s1, &s2));
   if (g.kronos)
      CHECK_VK(it_device_statistics(g.device, &before));
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, g.add, s1, 1);
   for (int i = 0; i < 2; i++)
      compute_barrier(cmd);
   dispatch(cmd, g.add, s2, 2);
   compute_barrier(cmd);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c, 0, 4, 1));
   CHECK(no_hazard());
   if (g.kronos) {
      CHECK_VK(it_device_statistics(g.device, &after));
      uint64_t app = after.app_barriers - before.app_barriers;
      uint64_t vendor = after.vendor_barriers - before.vendor_barriers;
      uint64_t dropped = after.barriers_dropped - before.barriers_dropped;
      uint64_t merged = after.barriers_merged - before.barriers_merged;
      uint64_t emitted = 0;
      for (int r = 0; r < KRONOS_BARRIER_REASON_COUNT; r++)
         emitted += after.barriers_emitted[r] - before.barriers_emitted[r];
      printf("app %llu vendor %llu dropped %llu merged %llu emitted %llu\n",
             (unsigned long long)app, (unsigned long long)vendor, (unsigned long long)dropped,
             (unsigned long long)merged, (unsigned long long)emitted);
      CHECK(app == 5);
      CHECK(app == dropped + merged + emitted);
      CHECK(vendor == emitted);
   }
   ok = true;
done:
   return ok;
}

/* --- main --------------------------------------------------------------------------------- */

static const struct {
   const char *name;
   bool (*run)(void);
} cases[] = {
   {"noro_reads", case_noro_reads},
   {"update_then_read", case_update_then_read},
   {"read_then_update", case_read_then_update},
   {"fill_then_read", case_fill_then_read},
   {"read_then_fill", case_read_then_fill},
   {"alias", case_alias},
   {"overflow", case_overflow},
   {"indirect", case_indirect},
   {"chain", case_chain},
   {"chain_split", case_chain_split},
   {"previous_submit", case_previous_submit},
   {"counters", case_counters},
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
