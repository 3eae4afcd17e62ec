/* SPDX-License-Identifier: MIT */
/* Second hostile review of the barrier policy (issue 11): dispatch access resolution (dynamic
 * offsets, rebinding), buffer handle reuse, and what the policy does where it loses knowledge
 * (a buffer it could not record, out of host memory). Same oracle and helpers as
 * barrier_review.c (barrier_review_common.c): barrier_review.sh runs each case with synchronization validation above the vendor's device
 * (the program must be clean) and below Kronos (a hazard is a barrier the policy did not give
 * the vendor).
 *
 * Usage: it_barrier_review2 [--device kronos|vendor] [--only NAME] [--list]
 * Exit status 0 when every case run held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barrier_review_common.h"
#include "review_add_spv.h"

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

static const VkBufferUsageFlags USAGE = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                        VK_BUFFER_USAGE_TRANSFER_DST_BIT;

/* review_add on a layout whose two bindings are dynamic storage buffers. */
static struct {
   VkDescriptorSetLayout layout;
   VkPipelineLayout pipeline_layout;
   VkPipeline add;
} dyn;

static bool
setup_dynamic(void)
{
   bool ok = false;
   /* Both bindings dynamic, listed out of binding order: dynamic offsets follow binding
    * numbers, not the create info's order. */
   const VkDescriptorSetLayoutBinding dyn_bindings[] = {
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(rv.device, 0, NULL, dyn_bindings, 2, &dyn.layout));
   CHECK_VK(it_create_pipeline_layout(rv.device, &dyn.layout, 1, 8, &dyn.pipeline_layout));
   CHECK_VK(review_create_pipeline(review_add_spv, review_add_spv_size, dyn.pipeline_layout,
                                   &dyn.add));
   ok = true;
done:
   return ok;
}

static void
teardown_dynamic(void)
{
   vkDestroyPipeline(rv.device, dyn.add, NULL);
   vkDestroyPipelineLayout(rv.device, dyn.pipeline_layout, NULL);
   vkDestroyDescriptorSetLayout(rv.device, dyn.layout, NULL);
}

/* --- cases -------------------------------------------------------------------------------- */

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
   struct it_host_buffer *scratch, *b;
   VkBuffer x = VK_NULL_HANDLE, y = VK_NULL_HANDLE;
   VkDeviceMemory memory = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   CHECK(scratch = buffer(256));
   CHECK(b = buffer(BYTES));
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = BYTES,
      .usage = USAGE,
   };
   unsigned before = atomic_load(&refused);
   refuse_next = rv.kronos;
   CHECK_VK(vkCreateBuffer(rv.device, &info, &plain_callbacks, &x));
   refuse_next = false;
   if (rv.kronos && atomic_load(&refused) == before) {
      fprintf(stderr, "no allocation was refused in vkCreateBuffer: the case no longer reaches "
                      "the policy's fallback\n");
      goto done;
   }
   CHECK_VK(vkCreateBuffer(rv.device, &info, NULL, &y));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(rv.device, x, &req);
   CHECK_VK(it_allocate_memory(rv.physical, rv.device, &req, 0, &memory));
   CHECK_VK(vkBindBufferMemory(rv.device, x, memory, 0));
   CHECK_VK(vkBindBufferMemory(rv.device, y, memory, 0));
   VkDescriptorSet s = make_set(y, 0, b->buffer, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   transfer_write(cmd, kind, x);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_CLEAR_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                      VK_ACCESS_2_SHADER_STORAGE_READ_BIT |
                         VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT);
   vkCmdResetQueryPool(cmd, rv.query_pool, 0, 4);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
   dispatch(cmd, rv.add, s, 1);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("b", b, 0, 6, kind == TRANSFER_UPDATE ? 1 : 0));
   CHECK(no_hazard());
   ok = true;
done:
   vkDestroyBuffer(rv.device, x, &plain_callbacks);
   vkDestroyBuffer(rv.device, y, NULL);
   vkFreeMemory(rv.device, memory, NULL);
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
   struct it_host_buffer *scratch, *big;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   const VkDeviceSize region = 4096; /* >= minStorageBufferOffsetAlignment */
   CHECK(scratch = buffer(256));
   CHECK(big = buffer(4 * region));
   fill_words(big, 0, 1, 1);
   VkDescriptorSet set = VK_NULL_HANDLE;
   CHECK_VK(it_allocate_sets(rv.device, rv.descriptor_pool, &dyn.layout, 1, &set));
   const VkDescriptorBufferInfo infos[] = {{big->buffer, 0, BYTES}, {big->buffer, 0, BYTES}};
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = 0,
      .descriptorCount = 2,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC,
      .pBufferInfo = infos,
   };
   vkUpdateDescriptorSets(rv.device, 1, &write, 0, NULL);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, dyn.add);
   /* offsets: [binding 0 (src), binding 1 (dst)] */
   const uint32_t steps[3][2] = {{0, (uint32_t)region},
                                 {(uint32_t)region, 2 * (uint32_t)region},
                                 {2 * (uint32_t)region, 0}};
   const uint32_t adds[3] = {10, 100, 1000};
   for (int i = 0; i < 3; i++) {
      if (i == 1)
         it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                            VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                            VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                            VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
      /* A memory barrier where an execution one would do: the installed layer (1.3.239)
       * ignores dynamic offsets, so to it every dispatch here touches bytes [0, BYTES). */
      if (i == 2)
         it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                            VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                            VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                            VK_ACCESS_2_SHADER_STORAGE_READ_BIT |
                               VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT);
      const uint32_t push[2] = {WORDS, adds[i]};
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, dyn.pipeline_layout, 0, 1,
                              &set, 2, steps[i]);
      vkCmdPushConstants(cmd, dyn.pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                         sizeof(push), push);
      vkCmdDispatch(cmd, WORDS / 64, 1, 1);
   }
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("region 1", big, region, 11, 1));
   CHECK(expect_words("region 2", big, 2 * region, 111, 1));
   CHECK(expect_words("region 0", big, 0, 1111, 1));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* The handle-reuse cases' start: buffer x bound to m1 at 0, and m2 (each four buffers large)
 * for the buffer that replaces it. */
static const VkBufferCreateInfo reuse_info = {
   .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
   .size = BYTES,
   .usage = USAGE,
};

static VkResult
buffer_and_two_memories(VkBuffer *x, VkDeviceMemory *m1, VkDeviceMemory *m2)
{
   VkResult result = vkCreateBuffer(rv.device, &reuse_info, NULL, x);
   if (result != VK_SUCCESS)
      return result;
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(rv.device, *x, &req);
   req.size *= 4;
   result = it_allocate_memory(rv.physical, rv.device, &req, 0, m1);
   if (result == VK_SUCCESS)
      result = it_allocate_memory(rv.physical, rv.device, &req, 0, m2);
   if (result == VK_SUCCESS)
      result = vkBindBufferMemory(rv.device, *x, *m1, 0);
   return result;
}

/* Destroys *x and makes *z, bound to m2 at an offset other than *x's (the vendor may hand *z
 * *x's handle: said, naming the case). */
static VkResult
replace_buffer(const char *name, VkBuffer *x, VkDeviceMemory m2, VkBuffer *z)
{
   VkBuffer old = *x;
   vkDestroyBuffer(rv.device, *x, NULL);
   *x = VK_NULL_HANDLE;
   VkResult result = vkCreateBuffer(rv.device, &reuse_info, NULL, z);
   if (result != VK_SUCCESS)
      return result;
   if (*z == old)
      printf("%s: the vendor reused the handle\n", name);
   const VkBindBufferMemoryInfo bind = {
      .sType = VK_STRUCTURE_TYPE_BIND_BUFFER_MEMORY_INFO,
      .buffer = *z,
      .memory = m2,
      .memoryOffset = 2 * BYTES,
   };
   return vkBindBufferMemory2(rv.device, 1, &bind);
}

/* One submit: a dispatch through `writes` (+1), a write-to-read barrier, one through `reads`
 * (+2) into c; then c must hold 10, 12, ... and no hazard be reported. */
static bool
write_then_read(const struct it_host_buffer *scratch, VkDescriptorSet writes,
                VkDescriptorSet reads, const struct it_host_buffer *c)
{
   bool ok = false;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, rv.add, writes, 1);
   it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                      VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                      VK_ACCESS_2_SHADER_STORAGE_READ_BIT);
   dispatch(cmd, rv.add, reads, 2);
   CHECK_VK(end_submit(cmd));
   CHECK(expect_words("c", c, 0, 10, 2));
   CHECK(no_hazard());
   ok = true;
done:
   return ok;
}

/* Held: a buffer destroyed and another created (the vendor may hand out the same handle),
 * bound to other memory: a write then a read of the new buffer after a barrier. */
static bool
case_handle_reuse(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *c;
   VkBuffer x = VK_NULL_HANDLE, z = VK_NULL_HANDLE;
   VkDeviceMemory m1 = VK_NULL_HANDLE, m2 = VK_NULL_HANDLE;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &c));
   fill_words(a, 0, 7, 2);
   CHECK_VK(buffer_and_two_memories(&x, &m1, &m2));
   CHECK_VK(replace_buffer("handle_reuse", &x, m2, &z));
   VkDescriptorSet s1 = make_set(a->buffer, 0, z, 0), s2 = make_set(z, 0, c->buffer, 0);
   CHECK(s1 && s2);
   CHECK(write_then_read(scratch, s1, s2, c));
   ok = true;
done:
   vkDestroyBuffer(rv.device, x, NULL);
   vkDestroyBuffer(rv.device, z, NULL);
   vkFreeMemory(rv.device, m1, NULL);
   vkFreeMemory(rv.device, m2, NULL);
   return ok;
}

/* Held: the buffer ranges the policy resolves once per descriptor cache entry. Set s names X
 * (memory m1) and is dispatched: its entry's ranges say m1. X is destroyed (the entry is
 * unlinked) and Z made, bound to m2 at another offset; the vendor may hand Z X's handle, and
 * then rewriting s with Z is a same-value write that leaves its record clean. A dispatch through
 * s writes Z, and after a barrier one through a new set reads Z: with m1's ranges kept for s,
 * the write and the read would not overlap and the barrier would be dropped. */
static bool
case_cached_ranges_reuse(void)
{
   bool ok = false;
   struct it_host_buffer *scratch, *a, *c;
   VkBuffer x = VK_NULL_HANDLE, z = VK_NULL_HANDLE;
   VkDeviceMemory m1 = VK_NULL_HANDLE, m2 = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   CHECK(scratch = buffer(256));
   CHECK(BUFFERS(&a, &c));
   fill_words(a, 0, 7, 2);
   CHECK_VK(buffer_and_two_memories(&x, &m1, &m2));
   VkDescriptorSet s = make_set(a->buffer, 0, x, 0);
   CHECK(s);
   CHECK_VK(begin_with_prologue(&cmd, scratch));
   dispatch(cmd, rv.add, s, 1);
   CHECK_VK(end_submit(cmd));
   CHECK_VK(replace_buffer("cached_ranges_reuse", &x, m2, &z));
   const VkDescriptorBufferInfo infos[] = {{a->buffer, 0, BYTES}, {z, 0, BYTES}};
   it_write_storage_buffers(rv.device, s, infos, 2);
   VkDescriptorSet s2 = make_set(z, 0, c->buffer, 0);
   CHECK(s2);
   CHECK(write_then_read(scratch, s, s2, c));
   ok = true;
done:
   vkDestroyBuffer(rv.device, x, NULL);
   vkDestroyBuffer(rv.device, z, NULL);
   vkFreeMemory(rv.device, m1, NULL);
   vkFreeMemory(rv.device, m2, NULL);
   return ok;
}

/* --- main --------------------------------------------------------------------------------- */

static const struct review_case cases[] = {
   {"unknown_fill_then_read", case_unknown_fill_then_read},
   {"unknown_update_then_read", case_unknown_update_then_read},
   {"dynamic_offsets", case_dynamic_offsets},
   {"handle_reuse", case_handle_reuse},
   {"cached_ranges_reuse", case_cached_ranges_reuse},
};

int
main(int argc, char **argv)
{
   static const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 256},
                                                {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 64}};
   static const struct review_config config = {
      .device_callbacks = &device_callbacks,
      .pool_sizes = sizes,
      .pool_size_count = 2,
      .usage = USAGE,
      .setup = setup_dynamic,
      .teardown = teardown_dynamic,
   };
   return review_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]), &config);
}
