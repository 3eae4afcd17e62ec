/* SPDX-License-Identifier: MIT */
/* Sparse binding into pooled memory. A sparse bind's memoryOffset must be a multiple of its
 * resource's alignment (VUID-VkSparseMemoryBind-resourceOffset-09491, -09492), and an
 * application that binds at offset 0 of its own allocation relies on vkAllocateMemory meeting
 * any alignment the implementation has. Sparse pages are often larger than the pool's usual
 * alignment (64 KiB images on lavapipe 25, against 4 KiB), so on a device with sparse binding
 * enabled, every pooled allocation must start at a multiple of the largest sparse alignment.
 *
 * For a sparse buffer and a sparse image (the image where the device can create one), each on
 * a device of its own: a small allocation, then one of the resource's size in the same pool
 * block (one vendor allocation for both, from Kronos's statistics), both mapped: their distance
 * is the difference of their vendor offsets, and it must be a multiple of the resource's
 * alignment (an alignment set by non-sparse resources alone gives 4096, against the image's
 * 65536 on lavapipe 25). Then the resource is bound at offset 0 with vkQueueBindSparse, written
 * and read back through copies. With KRONOS_DISABLE=pool each allocation must be a vendor
 * allocation of its own, and the binds and copies the same.
 * Skipped (exit 77) where the device lacks sparseBinding or a queue family that binds sparse
 * memory and computes (lavapipe 22 has none; lavapipe 25 and NVIDIA have both). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"

#define WATCHDOG_S 120
#define FILLER_SIZE 1000
#define IMAGE_SIDE 256

static VkInstance instance;
static VkPhysicalDevice physical;
static VkDevice device;
static VkQueue queue;
static uint32_t family;
static VkCommandPool pool;

/* A family that computes and binds sparse memory, or UINT32_MAX. */
static uint32_t
sparse_family(void)
{
   uint32_t count = 0;
   vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, NULL);
   VkQueueFamilyProperties props[16];
   count = count < 16 ? count : 16;
   vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, props);
   for (uint32_t i = 0; i < count; i++) {
      const VkQueueFlags want = VK_QUEUE_COMPUTE_BIT | VK_QUEUE_SPARSE_BINDING_BIT;
      if ((props[i].queueFlags & want) == want)
         return i;
   }
   return UINT32_MAX;
}

static bool
test_setup(void)
{
   bool ok = false;
   it_watchdog_arm("setup", WATCHDOG_S);
   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_kronos_device(instance, &physical));
   VkPhysicalDeviceFeatures features;
   vkGetPhysicalDeviceFeatures(physical, &features);
   family = sparse_family();
   if (!features.sparseBinding || family == UINT32_MAX) {
      printf("SKIP: the device lacks sparseBinding or a compute family that binds sparse "
             "memory\n");
      exit(77);
   }
   ok = true;
done:
   it_watchdog_arm(NULL, 0);
   return ok;
}

/* A device of its own for each test, so that its pool starts empty: a test's first allocation
 * makes a block, and its next ones fit in it. */
static bool
open_device(void)
{
   bool ok = false;
   const VkPhysicalDeviceFeatures enable = {.sparseBinding = VK_TRUE};
   CHECK_VK(it_create_device(physical, family, NULL, &enable, NULL, 0, NULL, &device));
   vkGetDeviceQueue(device, family, 0, &queue);
   CHECK(queue != VK_NULL_HANDLE);
   CHECK_VK(it_create_command_pool(device, family, 0, NULL, &pool));
   ok = true;
done:
   return ok;
}

static void
close_device(void)
{
   if (pool)
      vkDestroyCommandPool(device, pool, NULL);
   if (device)
      vkDestroyDevice(device, NULL);
   pool = VK_NULL_HANDLE;
   device = VK_NULL_HANDLE;
}

static VkResult
allocate(VkDeviceSize size, uint32_t type, VkDeviceMemory *out)
{
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = size,
      .memoryTypeIndex = type,
   };
   return vkAllocateMemory(device, &info, NULL, out);
}

static uint64_t
vendor_live(void)
{
   VkKronosDeviceStatistics s;
   if (it_device_statistics(device, &s) != VK_SUCCESS)
      return UINT64_MAX;
   return s.vendor_allocations - s.vendor_frees;
}

/* Memory for a resource with these requirements, placed after a small allocation of the same
 * (host-visible) type: the distance between the two must be a multiple of req->alignment
 * where both are in one vendor allocation (the pool on), and *memory is mapped at *map. */
static bool
allocate_after_filler(const char *what, const VkMemoryRequirements *req, VkDeviceMemory *filler,
                      VkDeviceMemory *memory, uint8_t **map)
{
   bool ok = false;
   uint32_t type = it_memory_type(physical, req->memoryTypeBits,
                                  VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   CHECK(type != UINT32_MAX);
   uint64_t live_before = vendor_live();
   CHECK(live_before != UINT64_MAX);
   CHECK_VK(allocate(FILLER_SIZE, type, filler));
   CHECK_VK(allocate(req->size, type, memory));
   uint8_t *filler_map;
   CHECK_VK(vkMapMemory(device, *filler, 0, VK_WHOLE_SIZE, 0, (void **)&filler_map));
   CHECK_VK(vkMapMemory(device, *memory, 0, VK_WHOLE_SIZE, 0, (void **)map));
   uint64_t vendor_allocations = vendor_live() - live_before;
   ptrdiff_t distance = *map - filler_map;
   printf("  %s: alignment %llu, size %llu; %llu new vendor allocation(s) for both, distance "
          "%td\n",
          what, (unsigned long long)req->alignment, (unsigned long long)req->size,
          (unsigned long long)vendor_allocations, distance);
   const char *disabled = getenv("KRONOS_DISABLE");
   if (disabled && strstr(disabled, "pool")) {
      /* Each allocation is its vendor's own, at offset 0. */
      CHECK(vendor_allocations == 2);
   } else {
      /* The device's first block holds both: their distance is the difference of their vendor
       * offsets. */
      CHECK(vendor_allocations == 1);
      CHECK(distance % (ptrdiff_t)req->alignment == 0);
   }
   ok = true;
done:
   return ok;
}

/* vkQueueBindSparse with one bind info, waited for with a fence. */
static bool
bind_sparse(const VkBindSparseInfo *info)
{
   bool ok = false;
   VkFence fence = VK_NULL_HANDLE;
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(device, &fence_info, NULL, &fence));
   CHECK_VK(vkQueueBindSparse(queue, 1, info, fence));
   CHECK_VK(vkWaitForFences(device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS));
   ok = true;
done:
   if (fence)
      vkDestroyFence(device, fence, NULL);
   return ok;
}

static VkResult
create_buffer(VkDeviceSize size, VkBufferCreateFlags flags, VkBuffer *out)
{
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .flags = flags,
      .size = size,
      .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
   };
   return vkCreateBuffer(device, &info, NULL, out);
}

/* Records commands through record(cmd, context) and runs them to completion. */
static bool
run_commands(void (*record)(VkCommandBuffer, const void *), const void *context)
{
   bool ok = false;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   VkFence fence = VK_NULL_HANDLE;
   CHECK_VK(it_allocate_command_buffers(device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   CHECK_VK(it_begin(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT));
   record(cmd, context);
   CHECK_VK(vkEndCommandBuffer(cmd));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(device, &fence_info, NULL, &fence));
   CHECK_VK(it_submit(queue, 1, &cmd, fence));
   CHECK_VK(vkWaitForFences(device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS));
   ok = true;
done:
   if (fence)
      vkDestroyFence(device, fence, NULL);
   if (cmd)
      vkFreeCommandBuffers(device, pool, 1, &cmd);
   return ok;
}

static uint8_t
pattern(size_t i)
{
   return (uint8_t)(i * 31 + 7);
}

/* A host buffer holding the pattern in its first half and zeros in its second. */
struct staging {
   VkDeviceMemory memory;
   VkBuffer src, dst;
   uint8_t *map;
   VkDeviceSize size; /* of each half */
};

static bool
staging_open(struct staging *s, VkDeviceSize size)
{
   bool ok = false;
   memset(s, 0, sizeof(*s));
   s->size = size;
   CHECK_VK(create_buffer(size, 0, &s->src));
   CHECK_VK(create_buffer(size, 0, &s->dst));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(device, s->src, &req);
   uint32_t type = it_memory_type(physical, req.memoryTypeBits,
                                  VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   CHECK(type != UINT32_MAX);
   VkDeviceSize half = (size + req.alignment - 1) / req.alignment * req.alignment;
   CHECK_VK(allocate(2 * half, type, &s->memory));
   CHECK_VK(vkBindBufferMemory(device, s->src, s->memory, 0));
   CHECK_VK(vkBindBufferMemory(device, s->dst, s->memory, half));
   CHECK_VK(vkMapMemory(device, s->memory, 0, VK_WHOLE_SIZE, 0, (void **)&s->map));
   for (VkDeviceSize i = 0; i < size; i++) {
      s->map[i] = pattern(i);
      s->map[half + i] = 0;
   }
   s->map += half; /* what the copy back writes */
   ok = true;
done:
   return ok;
}

static void
staging_close(struct staging *s)
{
   vkDestroyBuffer(device, s->src, NULL);
   vkDestroyBuffer(device, s->dst, NULL);
   vkFreeMemory(device, s->memory, NULL);
}

static bool
pattern_back(const char *what, const uint8_t *bytes, VkDeviceSize size)
{
   for (VkDeviceSize i = 0; i < size; i++) {
      if (bytes[i] != pattern(i)) {
         fprintf(stderr, "%s: byte %llu is %u, expected %u\n", what, (unsigned long long)i,
                 bytes[i], pattern(i));
         return false;
      }
   }
   return true;
}

struct buffer_copy {
   VkBuffer staging_src, staging_dst, sparse;
   VkDeviceSize size;
};

static void
record_buffer_copy(VkCommandBuffer cmd, const void *context)
{
   const struct buffer_copy *c = context;
   const VkBufferCopy region = {.size = c->size};
   vkCmdCopyBuffer(cmd, c->staging_src, c->sparse, 1, &region);
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
   vkCmdCopyBuffer(cmd, c->sparse, c->staging_dst, 1, &region);
}

static bool
test_sparse_buffer(void)
{
   bool ok = false;
   it_watchdog_arm("sparse buffer", WATCHDOG_S);
   const VkDeviceSize size = 256 * 1024;
   VkBuffer buffer = VK_NULL_HANDLE;
   VkDeviceMemory filler = VK_NULL_HANDLE, memory = VK_NULL_HANDLE;
   struct staging staging = {0};
   CHECK(open_device());
   CHECK_VK(create_buffer(size, VK_BUFFER_CREATE_SPARSE_BINDING_BIT, &buffer));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(device, buffer, &req);
   uint8_t *map;
   CHECK(allocate_after_filler("sparse buffer", &req, &filler, &memory, &map));
   const VkSparseMemoryBind bind = {.size = req.size, .memory = memory};
   const VkSparseBufferMemoryBindInfo buffer_bind = {buffer, 1, &bind};
   const VkBindSparseInfo info = {
      .sType = VK_STRUCTURE_TYPE_BIND_SPARSE_INFO,
      .bufferBindCount = 1,
      .pBufferBinds = &buffer_bind,
   };
   CHECK(bind_sparse(&info));
   CHECK(staging_open(&staging, size));
   const struct buffer_copy copy = {staging.src, staging.dst, buffer, size};
   CHECK(run_commands(record_buffer_copy, &copy));
   CHECK(pattern_back("sparse buffer, copied back", staging.map, size));
   /* Bound at offset 0, the buffer's bytes are the allocation's first bytes. */
   CHECK(pattern_back("sparse buffer, its memory", map, size));
   ok = true;
done:
   if (device) {
      staging_close(&staging);
      vkDestroyBuffer(device, buffer, NULL);
      vkFreeMemory(device, memory, NULL);
      vkFreeMemory(device, filler, NULL);
   }
   close_device();
   it_watchdog_arm(NULL, 0);
   return ok;
}

struct image_copy {
   VkBuffer staging_src, staging_dst;
   VkImage image;
};

static void
record_image_copy(VkCommandBuffer cmd, const void *context)
{
   const struct image_copy *c = context;
   const VkImageMemoryBarrier to_general = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
      .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
      .newLayout = VK_IMAGE_LAYOUT_GENERAL,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .image = c->image,
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                        0, 0, NULL, 0, NULL, 1, &to_general);
   const VkBufferImageCopy region = {
      .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
      .imageExtent = {IMAGE_SIDE, IMAGE_SIDE, 1},
   };
   vkCmdCopyBufferToImage(cmd, c->staging_src, c->image, VK_IMAGE_LAYOUT_GENERAL, 1, &region);
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
   vkCmdCopyImageToBuffer(cmd, c->image, VK_IMAGE_LAYOUT_GENERAL, c->staging_dst, 1, &region);
}

static bool
test_sparse_image(void)
{
   bool ok = false;
   it_watchdog_arm("sparse image", WATCHDOG_S);
   VkImage image = VK_NULL_HANDLE;
   VkDeviceMemory filler = VK_NULL_HANDLE, memory = VK_NULL_HANDLE;
   struct staging staging = {0};
   CHECK(open_device());
   const VkImageCreateInfo image_info = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
      .flags = VK_IMAGE_CREATE_SPARSE_BINDING_BIT,
      .imageType = VK_IMAGE_TYPE_2D,
      .format = VK_FORMAT_R8G8B8A8_UINT,
      .extent = {IMAGE_SIDE, IMAGE_SIDE, 1},
      .mipLevels = 1,
      .arrayLayers = 1,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
   };
   VkResult created = vkCreateImage(device, &image_info, NULL, &image);
   if (created != VK_SUCCESS) {
      /* Sparse images are optional where buffers are not (sparseBinding alone). */
      printf("  the device creates no sparse image (%s): not checked\n",
             it_result_name(created));
      image = VK_NULL_HANDLE;
      ok = true;
      goto done;
   }
   VkMemoryRequirements req;
   vkGetImageMemoryRequirements(device, image, &req);
   uint8_t *map;
   CHECK(allocate_after_filler("sparse image", &req, &filler, &memory, &map));
   const VkSparseMemoryBind bind = {.size = req.size, .memory = memory};
   const VkSparseImageOpaqueMemoryBindInfo image_bind = {image, 1, &bind};
   const VkBindSparseInfo info = {
      .sType = VK_STRUCTURE_TYPE_BIND_SPARSE_INFO,
      .imageOpaqueBindCount = 1,
      .pImageOpaqueBinds = &image_bind,
   };
   CHECK(bind_sparse(&info));
   const VkDeviceSize size = (VkDeviceSize)IMAGE_SIDE * IMAGE_SIDE * 4;
   CHECK(staging_open(&staging, size));
   const struct image_copy copy = {staging.src, staging.dst, image};
   CHECK(run_commands(record_image_copy, &copy));
   CHECK(pattern_back("sparse image, copied back", staging.map, size));
   ok = true;
done:
   if (device) {
      staging_close(&staging);
      vkDestroyImage(device, image, NULL);
      vkFreeMemory(device, memory, NULL);
      vkFreeMemory(device, filler, NULL);
   }
   close_device();
   it_watchdog_arm(NULL, 0);
   return ok;
}

static bool
test_close(void)
{
   if (instance)
      vkDestroyInstance(instance, NULL);
   return true;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"setup", test_setup, true},
      {"sparse buffer", test_sparse_buffer, false},
      {"sparse image", test_sparse_image, false},
      {"close", test_close, false},
   };
   return IT_RUN_TESTS(tests);
}
