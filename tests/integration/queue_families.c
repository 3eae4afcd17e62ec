/* SPDX-License-Identifier: MIT */
/* Queue family indices through Kronos next to its vendor (issue 9, item 6): Kronos reports only
 * families that keep a capability, each with queues, and every call that takes a family index
 * accepts Kronos's indices (vkCreateDevice, vkGetDeviceQueue/2, vkCreateCommandPool, concurrent
 * buffers and images and their memory requirement queries, barriers and event dependencies)
 * and refuses indices that name no family. Lavapipe has one family, so this runs the identity
 * map; tests/unit/test_queue_family.c covers vendors whose indices differ. */
#include <stdio.h>
#include <string.h>

#include "it_common.h"

static VkInstance instance;
static VkPhysicalDevice kronos, vendor;
static VkQueueFamilyProperties families[16];
static uint32_t family_count;
static VkDevice device;

static bool
find_devices(void)
{
   bool ok = false;
   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_device_pair(instance, &kronos, &vendor));
   CHECK(vendor != VK_NULL_HANDLE);
   family_count = 16;
   vkGetPhysicalDeviceQueueFamilyProperties(kronos, &family_count, families);
   CHECK(family_count > 0);
   ok = true;
done:
   return ok;
}

/* The vendor's families that keep compute or transfer, in order, are Kronos's families. */
static bool
reported_families(void)
{
   bool ok = false;
   VkQueueFamilyProperties v[16];
   uint32_t vc = 16;
   vkGetPhysicalDeviceQueueFamilyProperties(vendor, &vc, v);
   uint32_t k = 0;
   for (uint32_t i = 0; i < vc; i++) {
      VkQueueFlags flags = v[i].queueFlags;
      if (flags & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT))
         flags |= VK_QUEUE_TRANSFER_BIT;
      if (!(flags & (VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)) || v[i].queueCount == 0)
         continue;
      CHECK(k < family_count);
      CHECK(families[k].queueCount == v[i].queueCount);
      CHECK(families[k].timestampValidBits == v[i].timestampValidBits);
      k++;
   }
   CHECK(k == family_count);
   for (uint32_t i = 0; i < family_count; i++) {
      CHECK(families[i].queueCount > 0);
      CHECK(families[i].queueFlags & (VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT));
   }

   /* vkGetPhysicalDeviceQueueFamilyProperties2 with a structure chained to every family: the
    * vendor fills it (lavapipe writes global priorities, or leaves it as given). */
   VkQueueFamilyGlobalPriorityPropertiesKHR kp[16], vp[16];
   VkQueueFamilyProperties2 k2[16], v2[16];
   for (uint32_t i = 0; i < 16; i++) {
      kp[i] = (VkQueueFamilyGlobalPriorityPropertiesKHR){
         .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_GLOBAL_PRIORITY_PROPERTIES_KHR};
      vp[i] = kp[i];
      k2[i] = (VkQueueFamilyProperties2){.sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2,
                                         .pNext = &kp[i]};
      v2[i] = (VkQueueFamilyProperties2){.sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2,
                                         .pNext = &vp[i]};
   }
   uint32_t k2c = 16, v2c = 16;
   vkGetPhysicalDeviceQueueFamilyProperties2(kronos, &k2c, k2);
   vkGetPhysicalDeviceQueueFamilyProperties2(vendor, &v2c, v2);
   CHECK(k2c == family_count);
   for (uint32_t i = 0; i < family_count; i++) {
      CHECK(k2[i].pNext == &kp[i]); /* the application's chain is kept */
      CHECK(k2[i].queueFamilyProperties.queueFlags == families[i].queueFlags);
      CHECK(k2[i].queueFamilyProperties.queueCount == families[i].queueCount);
      CHECK(kp[i].pNext == NULL);
   }
   if (family_count == v2c) /* identity: each family's structure is its vendor family's */
      CHECK(memcmp(kp, vp, sizeof(kp[0]) * family_count) == 0);
   ok = true;
done:
   return ok;
}

/* A device with every queue of every family; each is found by Kronos's index. */
static bool
device_and_queues(void)
{
   bool ok = false;
   float priorities[64];
   VkDeviceQueueCreateInfo queue_infos[16];
   for (uint32_t i = 0; i < 64; i++)
      priorities[i] = 1.0f;
   for (uint32_t i = 0; i < family_count; i++) {
      CHECK(families[i].queueCount <= 64);
      queue_infos[i] = (VkDeviceQueueCreateInfo){
         .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
         .queueFamilyIndex = i,
         .queueCount = families[i].queueCount,
         .pQueuePriorities = priorities,
      };
   }
   VkDeviceQueueCreateInfo before[16];
   memcpy(before, queue_infos, sizeof(before[0]) * family_count);
   const VkDeviceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .queueCreateInfoCount = family_count,
      .pQueueCreateInfos = queue_infos,
   };
   CHECK_VK(vkCreateDevice(kronos, &info, NULL, &device));
   CHECK(memcmp(before, queue_infos, sizeof(before[0]) * family_count) == 0);
   for (uint32_t f = 0; f < family_count; f++) {
      for (uint32_t q = 0; q < families[f].queueCount; q++) {
         VkQueue queue = VK_NULL_HANDLE, queue2 = VK_NULL_HANDLE;
         vkGetDeviceQueue(device, f, q, &queue);
         const VkDeviceQueueInfo2 info2 = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_INFO_2,
                                           .queueFamilyIndex = f, .queueIndex = q};
         vkGetDeviceQueue2(device, &info2, &queue2);
         CHECK(queue != VK_NULL_HANDLE);
         CHECK(queue == queue2);
         CHECK_VK(vkQueueWaitIdle(queue));
      }
   }
   /* A family that does not exist has no queue, and cannot get a device. */
   VkQueue none = (VkQueue)(uintptr_t)1;
   vkGetDeviceQueue(device, family_count, 0, &none);
   CHECK(none == VK_NULL_HANDLE);
   VkDeviceQueueCreateInfo bad = queue_infos[0];
   bad.queueFamilyIndex = family_count;
   bad.queueCount = 1;
   const VkDeviceCreateInfo bad_info = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                                        .queueCreateInfoCount = 1, .pQueueCreateInfos = &bad};
   VkDevice bad_device = VK_NULL_HANDLE;
   CHECK_RESULT(vkCreateDevice(kronos, &bad_info, NULL, &bad_device),
                VK_ERROR_INITIALIZATION_FAILED);
   ok = true;
done:
   return ok;
}

static bool
command_pools(void)
{
   bool ok = false;
   VkCommandPool pool = VK_NULL_HANDLE;
   for (uint32_t f = 0; f < family_count; f++) {
      CHECK_VK(it_create_command_pool(device, f, 0, NULL, &pool));
      vkDestroyCommandPool(device, pool, NULL);
      pool = VK_NULL_HANDLE;
   }
   /* An index that names no family is refused (the vendor would take it as its own). */
   CHECK_RESULT(it_create_command_pool(device, family_count, 0, NULL, &pool),
                VK_ERROR_INITIALIZATION_FAILED);
   ok = true;
done:
   vkDestroyCommandPool(device, pool, NULL);
   return ok;
}

static VkBufferCreateInfo
buffer_info(VkSharingMode mode, uint32_t count, const uint32_t *indices)
{
   return (VkBufferCreateInfo){
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = 4096,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = mode,
      .queueFamilyIndexCount = count,
      .pQueueFamilyIndices = indices,
   };
}

static VkImageCreateInfo
image_info(VkSharingMode mode, uint32_t count, const uint32_t *indices)
{
   return (VkImageCreateInfo){
      .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
      .imageType = VK_IMAGE_TYPE_2D,
      .format = VK_FORMAT_R8G8B8A8_UNORM,
      .extent = {64, 64, 1},
      .mipLevels = 1,
      .arrayLayers = 1,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
      .sharingMode = mode,
      .queueFamilyIndexCount = count,
      .pQueueFamilyIndices = indices,
   };
}

/* Concurrent buffers and images over every family; indices that name no family refused. */
static bool
sharing(void)
{
   bool ok = false;
   VkBuffer buffer = VK_NULL_HANDLE;
   VkImage image = VK_NULL_HANDLE;
   uint32_t all[16];
   for (uint32_t i = 0; i < family_count; i++)
      all[i] = i;

   /* Exclusive: pQueueFamilyIndices is ignored, whatever it points to. */
   const uint32_t *garbage = (const uint32_t *)(uintptr_t)0x8;
   VkBufferCreateInfo b = buffer_info(VK_SHARING_MODE_EXCLUSIVE, 3, garbage);
   CHECK_VK(vkCreateBuffer(device, &b, NULL, &buffer));
   VkMemoryRequirements direct;
   vkGetBufferMemoryRequirements(device, buffer, &direct);
   vkDestroyBuffer(device, buffer, NULL);
   buffer = VK_NULL_HANDLE;
   VkMemoryRequirements2 queried = {.sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
   const VkDeviceBufferMemoryRequirements breq = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_BUFFER_MEMORY_REQUIREMENTS, .pCreateInfo = &b};
   vkGetDeviceBufferMemoryRequirements(device, &breq, &queried);
   CHECK(queried.memoryRequirements.size == direct.size);
   CHECK(queried.memoryRequirements.memoryTypeBits == direct.memoryTypeBits);
   VkImageCreateInfo im = image_info(VK_SHARING_MODE_EXCLUSIVE, 3, garbage);
   CHECK_VK(vkCreateImage(device, &im, NULL, &image));
   vkDestroyImage(device, image, NULL);
   image = VK_NULL_HANDLE;

   if (family_count >= 2) {
      b = buffer_info(VK_SHARING_MODE_CONCURRENT, family_count, all);
      CHECK_VK(vkCreateBuffer(device, &b, NULL, &buffer));
      vkDestroyBuffer(device, buffer, NULL);
      buffer = VK_NULL_HANDLE;
      im = image_info(VK_SHARING_MODE_CONCURRENT, family_count, all);
      CHECK_VK(vkCreateImage(device, &im, NULL, &image));
      vkDestroyImage(device, image, NULL);
      image = VK_NULL_HANDLE;
   } else {
      printf("  one queue family: no valid concurrent sharing to create\n");
   }

   /* A family that does not exist. */
   const uint32_t bad[2] = {0, family_count};
   b = buffer_info(VK_SHARING_MODE_CONCURRENT, 2, bad);
   CHECK_RESULT(vkCreateBuffer(device, &b, NULL, &buffer), VK_ERROR_INITIALIZATION_FAILED);
   CHECK(buffer == VK_NULL_HANDLE);
   im = image_info(VK_SHARING_MODE_CONCURRENT, 2, bad);
   CHECK_RESULT(vkCreateImage(device, &im, NULL, &image), VK_ERROR_INITIALIZATION_FAILED);
   CHECK(image == VK_NULL_HANDLE);
   memset(&queried.memoryRequirements, 0xff, sizeof(queried.memoryRequirements));
   vkGetDeviceBufferMemoryRequirements(device, &breq, &queried);
   CHECK(queried.memoryRequirements.size == 0 && queried.memoryRequirements.memoryTypeBits == 0);
   const VkDeviceImageMemoryRequirements ireq = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_IMAGE_MEMORY_REQUIREMENTS, .pCreateInfo = &im};
   memset(&queried.memoryRequirements, 0xff, sizeof(queried.memoryRequirements));
   vkGetDeviceImageMemoryRequirements(device, &ireq, &queried);
   CHECK(queried.memoryRequirements.size == 0 && queried.memoryRequirements.memoryTypeBits == 0);
   uint32_t sparse_count = 5;
   vkGetDeviceImageSparseMemoryRequirements(device, &ireq, &sparse_count, NULL);
   CHECK(sparse_count == 0);
   ok = true;
done:
   vkDestroyBuffer(device, buffer, NULL);
   vkDestroyImage(device, image, NULL);
   return ok;
}

/* A queue family ownership transfer on family 0 (release and acquire to itself) and ignored
 * indices, through every command that records barriers, run to completion. */
static bool
barriers(void)
{
   bool ok = false;
   struct it_host_buffer host = {0};
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   VkEvent event = VK_NULL_HANDLE;
   VkQueue queue;
   vkGetDeviceQueue(device, 0, 0, &queue);
   CHECK_VK(it_host_buffer_create(kronos, device, 256, VK_BUFFER_USAGE_TRANSFER_DST_BIT, &host));
   CHECK_VK(it_create_command_pool(device, 0, 0, NULL, &pool));
   CHECK_VK(it_allocate_command_buffers(device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   const VkEventCreateInfo event_info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   CHECK_VK(vkCreateEvent(device, &event_info, NULL, &event));

   const VkBufferMemoryBarrier b1[2] = {
      {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
       .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT, .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
       .srcQueueFamilyIndex = 0, .dstQueueFamilyIndex = 0, .buffer = host.buffer,
       .size = VK_WHOLE_SIZE},
      {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
       .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT, .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
       .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
       .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .buffer = host.buffer,
       .size = VK_WHOLE_SIZE},
   };
   const VkBufferMemoryBarrier2 b2[2] = {
      {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
       .srcStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
       .srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
       .dstStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
       .dstAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT, .srcQueueFamilyIndex = 0,
       .dstQueueFamilyIndex = 0, .buffer = host.buffer, .size = VK_WHOLE_SIZE},
      {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
       .srcStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
       .srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
       .dstStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
       .dstAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
       .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
       .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .buffer = host.buffer,
       .size = VK_WHOLE_SIZE},
   };
   const VkDependencyInfo dep = {.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
                                 .bufferMemoryBarrierCount = 2, .pBufferMemoryBarriers = b2};
   const VkBufferMemoryBarrier2 set_barrier = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
      .srcStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
      .srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .buffer = host.buffer,
      .size = VK_WHOLE_SIZE};
   const VkDependencyInfo set_dep = {.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
                                     .bufferMemoryBarrierCount = 1,
                                     .pBufferMemoryBarriers = &set_barrier};
   const VkBufferMemoryBarrier2 wait_barrier = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
      .srcStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
      .srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
      .dstStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
      .dstAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .buffer = host.buffer,
      .size = VK_WHOLE_SIZE};
   const VkDependencyInfo wait_dep = {.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
                                      .bufferMemoryBarrierCount = 1,
                                      .pBufferMemoryBarriers = &wait_barrier};
   VkBufferMemoryBarrier b1_before[2];
   memcpy(b1_before, b1, sizeof(b1));

   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   vkCmdFillBuffer(cmd, host.buffer, 0, VK_WHOLE_SIZE, 0x01010101);
   vkCmdPipelineBarrier2(cmd, &dep);
   vkCmdFillBuffer(cmd, host.buffer, 0, VK_WHOLE_SIZE, 0x02020202);
   vkCmdSetEvent2(cmd, event, &set_dep);
   vkCmdWaitEvents2(cmd, 1, &event, &wait_dep);
   vkCmdResetEvent2(cmd, event, VK_PIPELINE_STAGE_2_TRANSFER_BIT);
   vkCmdSetEvent(cmd, event, VK_PIPELINE_STAGE_TRANSFER_BIT);
   vkCmdWaitEvents(cmd, 1, &event, VK_PIPELINE_STAGE_TRANSFER_BIT,
                   VK_PIPELINE_STAGE_TRANSFER_BIT, 0, NULL, 1, &b1[1], 0, NULL);
   vkCmdFillBuffer(cmd, host.buffer, 0, VK_WHOLE_SIZE, 0x03030303);
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                        NULL, 2, b1, 0, NULL);
   CHECK_VK(vkEndCommandBuffer(cmd));
   CHECK(memcmp(b1, b1_before, sizeof(b1)) == 0);
   CHECK_VK(it_submit(queue, 1, &cmd, VK_NULL_HANDLE));
   CHECK_VK(vkQueueWaitIdle(queue));
   const uint32_t *words = host.data;
   for (uint32_t i = 0; i < 64; i++)
      CHECK(words[i] == 0x03030303);
   ok = true;
done:
   vkDestroyEvent(device, event, NULL);
   vkDestroyCommandPool(device, pool, NULL);
   it_host_buffer_destroy(device, &host);
   return ok;
}

static bool
teardown(void)
{
   vkDestroyDevice(device, NULL);
   vkDestroyInstance(instance, NULL);
   return true;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"Kronos and vendor devices", find_devices, true},
      {"reported families have queues, in the vendor's order", reported_families, false},
      {"vkCreateDevice and vkGetDeviceQueue/2 by Kronos's indices", device_and_queues, true},
      {"vkCreateCommandPool by Kronos's indices", command_pools, false},
      {"concurrent buffers and images, memory requirements", sharing, false},
      {"barriers and event dependencies with family indices", barriers, false},
      {"teardown", teardown, false},
   };
   return IT_RUN_TESTS(tests);
}
