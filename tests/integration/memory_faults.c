/* SPDX-License-Identifier: MIT */
/* The memory pool when the vendor refuses memory: run with
 * KRONOS_VENDOR_MAX_ALLOCATION_SIZE=4194304, so that Kronos treats every vendor allocation above
 * 4 MiB as refused. Pool blocks must then shrink to fit, a request too large for any allowed
 * block must fall back to an allocation of its own and, when that is refused too, fail with
 * VK_ERROR_OUT_OF_DEVICE_MEMORY, leaving the pool consistent and nothing leaked. */
#include <stdio.h>
#include <string.h>

#include "it_common.h"

#define MiB ((VkDeviceSize)1 << 20)
#define VENDOR_MAX (4 * MiB)
#define SMALL_COUNT 64
#define SMALL_SIZE (64 * 1024)

static bool
allocate(VkDevice device, uint32_t type, VkDeviceSize size, VkDeviceMemory *out)
{
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = size,
      .memoryTypeIndex = type,
   };
   return vkAllocateMemory(device, &info, NULL, out) == VK_SUCCESS;
}

/* Writes a pattern over the whole allocation and reads it back. */
static bool
write_and_check(VkDevice device, VkDeviceMemory memory, VkDeviceSize size, uint8_t seed)
{
   bool ok = false;
   uint8_t *data = NULL;
   CHECK_VK(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, (void **)&data));
   for (VkDeviceSize i = 0; i < size; i++)
      data[i] = (uint8_t)(seed + i * 7);
   for (VkDeviceSize i = 0; i < size; i++)
      CHECK(data[i] == (uint8_t)(seed + i * 7));
   ok = true;
done:
   if (data)
      vkUnmapMemory(device, memory);
   return ok;
}

static bool
refused_vendor_memory(void)
{
   bool ok = false;
   struct it_env env = {0};
   VkDeviceMemory small[SMALL_COUNT] = {0};
   VkDeviceMemory fits = VK_NULL_HANDLE, too_big = VK_NULL_HANDLE, after = VK_NULL_HANDLE;
   VkKronosDeviceStatistics before_stats, stats;
   CHECK_VK(it_env_open(&env, NULL));
   uint32_t type = it_memory_type(env.physical, UINT32_MAX,
                                  VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   CHECK(type != UINT32_MAX);
   CHECK_VK(it_device_statistics(env.device, &before_stats));

   /* Small allocations: the pool's first block (bigger than 4 MiB) is refused and halved
    * until the vendor takes it. */
   for (unsigned i = 0; i < SMALL_COUNT; i++) {
      CHECK(allocate(env.device, type, SMALL_SIZE, &small[i]));
      CHECK(write_and_check(env.device, small[i], SMALL_SIZE, (uint8_t)i));
   }
   CHECK_VK(it_device_statistics(env.device, &stats));
   uint64_t vendor = stats.vendor_allocations - before_stats.vendor_allocations;
   CHECK(vendor >= 1 && vendor < SMALL_COUNT);
   CHECK(stats.pool_bytes_reserved > 0 && stats.pool_bytes_reserved <= vendor * VENDOR_MAX);
   CHECK(stats.pool_bytes_in_use >= SMALL_COUNT * SMALL_SIZE);

   /* 3 MiB: fits a 4 MiB block. */
   CHECK(allocate(env.device, type, 3 * MiB, &fits));
   CHECK(write_and_check(env.device, fits, 3 * MiB, 0x5a));

   /* 6 MiB: no block the vendor allows can hold it, nor an allocation of its own. */
   const VkMemoryAllocateInfo big = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = 6 * MiB,
      .memoryTypeIndex = type,
   };
   CHECK_RESULT(vkAllocateMemory(env.device, &big, NULL, &too_big),
                VK_ERROR_OUT_OF_DEVICE_MEMORY);
   too_big = VK_NULL_HANDLE;

   /* The pool still serves, and every earlier allocation still holds its data. */
   CHECK(allocate(env.device, type, SMALL_SIZE, &after));
   CHECK(write_and_check(env.device, after, SMALL_SIZE, 0xa5));
   for (unsigned i = 0; i < SMALL_COUNT; i++) {
      uint8_t *data;
      CHECK_VK(vkMapMemory(env.device, small[i], 0, SMALL_SIZE, 0, (void **)&data));
      bool same = true;
      for (VkDeviceSize j = 0; j < SMALL_SIZE; j++)
         same = same && data[j] == (uint8_t)((uint8_t)i + j * 7);
      vkUnmapMemory(env.device, small[i]);
      CHECK(same);
   }
   ok = true;
done:
   if (env.device) {
      for (unsigned i = 0; i < SMALL_COUNT; i++)
         vkFreeMemory(env.device, small[i], NULL);
      vkFreeMemory(env.device, fits, NULL);
      vkFreeMemory(env.device, too_big, NULL);
      vkFreeMemory(env.device, after, NULL);
      if (ok && it_device_statistics(env.device, &stats) == VK_SUCCESS &&
          stats.pool_bytes_in_use != before_stats.pool_bytes_in_use) {
         it_report(__FILE__, __LINE__, "pool bytes in use %llu after freeing everything",
                   (unsigned long long)stats.pool_bytes_in_use);
         ok = false;
      }
   }
   it_env_close(&env, NULL);
   return ok;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"vendor refuses memory above 4 MiB", refused_vendor_memory, false},
   };
   return IT_RUN_TESTS(tests);
}
