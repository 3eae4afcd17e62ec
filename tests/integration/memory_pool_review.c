/* SPDX-License-Identifier: MIT */
/* Review of the pool's growing first blocks and its empty-block keep rule (commit 256318c).
 * With --vendor-limit, run with KRONOS_VENDOR_MAX_ALLOCATIONS=6 (meson.build), so the vendor
 * allocation count limit is reachable:
 *  - empty blocks kept for reuse must not cost the application allocations: once everything is
 *    freed, allocations that need a vendor allocation of their own must get every slot but the
 *    one the pool may keep for its memory type (before the change at most one empty block per
 *    type was kept; now up to log2(next block) of them are);
 *  - allocate/free loops of several shapes reach a steady state without vendor allocations,
 *    reserving at most live bytes plus one full block of empties;
 *  - several threads allocating, writing, checking and freeing on one device (with
 *    --vendor-limit too, where refused allocations are counted, not failures: the kept empty
 *    blocks are then released while other threads allocate and free).
 * --refusal (by hand, with KRONOS_VENDOR_MAX_ALLOCATION_SIZE=4194304) prints the vendor
 * allocations of rounds of 64 allocations of 256 KiB: with blocks held to 4 MiB, the keep rule
 * follows the refused size, and each round makes vendor allocations (2, against 3 before the
 * change). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "it_common.h"

#define KiB ((VkDeviceSize)1 << 10)
#define MiB ((VkDeviceSize)1 << 20)
#define VENDOR_LIMIT 6 /* KRONOS_VENDOR_MAX_ALLOCATIONS */

static struct it_env env;
static uint32_t type;

static VkResult
allocate(VkDeviceSize size, VkDeviceMemory *out)
{
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = size,
      .memoryTypeIndex = type,
   };
   return vkAllocateMemory(env.device, &info, NULL, out);
}

/* An allocation the pool does not take (a device mask): it needs a vendor allocation. */
static VkResult
allocate_own(VkDeviceSize size, VkDeviceMemory *out)
{
   const VkMemoryAllocateFlagsInfo flags = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO,
      .flags = VK_MEMORY_ALLOCATE_DEVICE_MASK_BIT,
      .deviceMask = 1,
   };
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = &flags,
      .allocationSize = size,
      .memoryTypeIndex = type,
   };
   return vkAllocateMemory(env.device, &info, NULL, out);
}

static bool
stats(VkKronosDeviceStatistics *s)
{
   return it_device_statistics(env.device, s) == VK_SUCCESS;
}

static uint64_t
vendor_live(const VkKronosDeviceStatistics *s)
{
   return s->vendor_allocations - s->vendor_frees;
}

static bool
setup(void)
{
   bool ok = false;
   CHECK_VK(it_env_open(&env, NULL));
   VkPhysicalDeviceMemoryProperties props;
   vkGetPhysicalDeviceMemoryProperties(env.physical, &props);
   type = it_memory_type(env.physical, ~0u,
                         VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                            VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   CHECK(type != UINT32_MAX);
   printf("  %u memory type(s), using type %u\n", props.memoryTypeCount, type);
   ok = true;
done:
   return ok;
}

#define MAX_LIVE 4096
static VkDeviceMemory live[MAX_LIVE];

/* Small allocations until the pool holds blocks of 1, 2, 4 and 8 MiB, then all freed: the
 * pool keeps them all (15 MiB <= the 16 MiB next block). With the vendor limited to 6 live
 * allocations, the application then gets one allocation of its own, not five. */
static bool
empty_blocks_hold_vendor_slots(void)
{
   bool ok = false;
   uint32_t count = 0, own_count = 0;
   VkDeviceMemory own[VENDOR_LIMIT] = {0};
   VkKronosDeviceStatistics s;
   CHECK(stats(&s));
   CHECK(vendor_live(&s) == 0);
   while (count < MAX_LIVE) {
      CHECK_VK(allocate(64 * KiB, &live[count]));
      count++;
      CHECK(stats(&s));
      if (vendor_live(&s) == 4)
         break;
   }
   printf("  %u allocations of 64 KiB: %" PRIu64 " vendor blocks, %" PRIu64
          " bytes reserved\n", count, vendor_live(&s), s.pool_bytes_reserved);
   while (count > 0)
      vkFreeMemory(env.device, live[--count], NULL);
   CHECK(stats(&s));
   printf("  all freed: %" PRIu64 " empty blocks kept, %" PRIu64 " bytes reserved\n",
          vendor_live(&s), s.pool_bytes_reserved);
   VkResult result = VK_SUCCESS;
   while (own_count < VENDOR_LIMIT) {
      result = allocate_own(64 * KiB, &own[own_count]);
      if (result != VK_SUCCESS)
         break;
      own_count++;
   }
   printf("  then %u allocation(s) of their own (the last: %s)\n", own_count,
          it_result_name(result));
   /* The pool may keep one empty block of the type; every other slot is the application's. */
   CHECK(own_count >= VENDOR_LIMIT - 1);
   ok = true;
done:
   while (count > 0)
      vkFreeMemory(env.device, live[--count], NULL);
   while (own_count > 0)
      vkFreeMemory(env.device, own[--own_count], NULL);
   return ok;
}

/* One round of a shape: sizes[i] allocated in order, then freed in the order given. */
struct shape {
   const char *name;
   uint32_t count;
   VkDeviceSize sizes[64];
   bool free_reverse;
   bool free_interleaved; /* odd ones first, then even */
};

static bool
round_of(const struct shape *shape, VkKronosDeviceStatistics *peak)
{
   bool ok = false;
   uint32_t n = 0;
   for (; n < shape->count; n++) {
      CHECK_VK(allocate(shape->sizes[n], &live[n]));
      uint8_t *data;
      CHECK_VK(vkMapMemory(env.device, live[n], 0, VK_WHOLE_SIZE, 0, (void **)&data));
      memset(data, (int)(n + 1), 64);
      memset(data + shape->sizes[n] - 64, (int)(n + 1), 64);
      vkUnmapMemory(env.device, live[n]);
   }
   for (uint32_t i = 0; i < n; i++) {
      uint8_t *data;
      CHECK_VK(vkMapMemory(env.device, live[i], 0, VK_WHOLE_SIZE, 0, (void **)&data));
      for (int k = 0; k < 64; k++)
         CHECK(data[k] == (uint8_t)(i + 1) && data[shape->sizes[i] - 64 + k] == (uint8_t)(i + 1));
      vkUnmapMemory(env.device, live[i]);
   }
   CHECK(stats(peak));
   ok = true;
done:
   for (uint32_t k = 0; k < n; k++) {
      uint32_t i = shape->free_reverse ? n - 1 - k : k;
      if (shape->free_interleaved)
         i = k < n / 2 ? 2 * k + 1 : 2 * (k - n / 2);
      if (i < n)
         vkFreeMemory(env.device, live[i], NULL);
   }
   return ok;
}

static bool
shapes(void)
{
   static const struct shape list[] = {
      {"growing 64 KiB .. 32 MiB", 10,
       {64 * KiB, 128 * KiB, 256 * KiB, 512 * KiB, MiB, 2 * MiB, 4 * MiB, 8 * MiB, 16 * MiB,
        32 * MiB}, false, false},
      {"shrinking 32 MiB .. 64 KiB", 10,
       {32 * MiB, 16 * MiB, 8 * MiB, 4 * MiB, 2 * MiB, MiB, 512 * KiB, 256 * KiB, 128 * KiB,
        64 * KiB}, true, false},
      {"alternating 3 MiB and 4 KiB", 16,
       {3 * MiB, 4 * KiB, 3 * MiB, 4 * KiB, 3 * MiB, 4 * KiB, 3 * MiB, 4 * KiB, 3 * MiB, 4 * KiB,
        3 * MiB, 4 * KiB, 3 * MiB, 4 * KiB, 3 * MiB, 4 * KiB}, false, true},
      {"sizes just above powers of two", 6,
       {MiB + 4 * KiB, 2 * MiB + 4 * KiB, 4 * MiB + 4 * KiB, 8 * MiB + 4 * KiB,
        16 * MiB + 4 * KiB, 32 * MiB + 4 * KiB}, false, true},
   };
   bool ok = true;
   for (unsigned s = 0; s < sizeof(list) / sizeof(list[0]); s++) {
      VkKronosDeviceStatistics before, peak, after;
      if (!stats(&before))
         return false;
      uint64_t live_bytes = 0;
      for (uint32_t i = 0; i < list[s].count; i++)
         live_bytes += list[s].sizes[i];
      for (int round = 0; round < 4; round++) {
         VkKronosDeviceStatistics start;
         if (!stats(&start) || !round_of(&list[s], &peak) || !stats(&after))
            return false;
         uint64_t vendor = after.vendor_allocations - start.vendor_allocations;
         printf("  %s, round %d: %" PRIu64 " vendor allocations, peak reserved %" PRIu64
                " MiB (live %" PRIu64 " MiB), after %" PRIu64 " MiB in %" PRIu64 " blocks\n",
                list[s].name, round, vendor, peak.pool_bytes_reserved >> 20, live_bytes >> 20,
                after.pool_bytes_reserved >> 20, vendor_live(&after));
         if (round >= 2 && vendor != 0) {
            it_report(__FILE__, __LINE__, "%s: round %d made %" PRIu64 " vendor allocations",
                      list[s].name, round, vendor);
            ok = false;
         }
         if (after.pool_bytes_reserved > 256 * MiB) {
            it_report(__FILE__, __LINE__, "%s: %" PRIu64 " bytes of empty blocks kept",
                      list[s].name, after.pool_bytes_reserved);
            ok = false;
         }
      }
      (void)before;
   }
   return ok;
}

/* Threads allocating, writing a pattern, checking it and freeing, on one device. */
#define THREADS 4
#define ITERATIONS 300

static atomic_bool thread_failed;
static bool tolerate_refusals; /* under the vendor limit: refused allocations are counted */
static atomic_uint refusals;

static void *
worker(void *arg)
{
   uint64_t rng = (uint64_t)(uintptr_t)arg * 7919 + 1;
   VkDeviceMemory mine[8] = {0};
   VkDeviceSize sizes[8] = {0};
   for (int it = 0; it < ITERATIONS && !atomic_load(&thread_failed); it++) {
      unsigned slot = (unsigned)it_random_below(&rng, 8);
      if (mine[slot]) {
         uint32_t *data;
         if (vkMapMemory(env.device, mine[slot], 0, VK_WHOLE_SIZE, 0, (void **)&data) !=
             VK_SUCCESS) {
            atomic_store(&thread_failed, true);
            break;
         }
         uint32_t tag = (uint32_t)((uintptr_t)arg << 24 | slot << 16);
         for (VkDeviceSize w = 0; w < sizes[slot] / 4; w += 997)
            if (data[w] != (tag ^ (uint32_t)w)) {
               fprintf(stderr, "thread %u slot %u: word %llu is %08x\n",
                       (unsigned)(uintptr_t)arg, slot, (unsigned long long)w, data[w]);
               atomic_store(&thread_failed, true);
               break;
            }
         vkUnmapMemory(env.device, mine[slot]);
         vkFreeMemory(env.device, mine[slot], NULL);
         mine[slot] = VK_NULL_HANDLE;
         continue;
      }
      sizes[slot] = (4 * KiB) << it_random_below(&rng, 12); /* 4 KiB .. 8 MiB */
      VkResult result = allocate(sizes[slot], &mine[slot]);
      if (result != VK_SUCCESS) {
         mine[slot] = VK_NULL_HANDLE;
         if (tolerate_refusals && (result == VK_ERROR_TOO_MANY_OBJECTS ||
                                   result == VK_ERROR_OUT_OF_DEVICE_MEMORY)) {
            atomic_fetch_add(&refusals, 1);
            continue;
         }
         atomic_store(&thread_failed, true);
         break;
      }
      uint32_t *data;
      if (vkMapMemory(env.device, mine[slot], 0, VK_WHOLE_SIZE, 0, (void **)&data) !=
          VK_SUCCESS) {
         atomic_store(&thread_failed, true);
         break;
      }
      uint32_t tag = (uint32_t)((uintptr_t)arg << 24 | slot << 16);
      for (VkDeviceSize w = 0; w < sizes[slot] / 4; w += 997)
         data[w] = tag ^ (uint32_t)w;
      vkUnmapMemory(env.device, mine[slot]);
   }
   for (unsigned slot = 0; slot < 8; slot++)
      if (mine[slot])
         vkFreeMemory(env.device, mine[slot], NULL);
   return NULL;
}

static bool
threads(void)
{
   bool ok = false;
   pthread_t t[THREADS];
   for (uintptr_t i = 0; i < THREADS; i++)
      CHECK(pthread_create(&t[i], NULL, worker, (void *)(i + 1)) == 0);
   for (int i = 0; i < THREADS; i++)
      pthread_join(t[i], NULL);
   CHECK(!atomic_load(&thread_failed));
   VkKronosDeviceStatistics s;
   CHECK(stats(&s));
   printf("  after the threads: %" PRIu64 " MiB in %" PRIu64 " blocks, in use %" PRIu64 "\n",
          s.pool_bytes_reserved >> 20, vendor_live(&s), s.pool_bytes_in_use);
   if (tolerate_refusals)
      printf("  %u allocations refused\n", atomic_load(&refusals));
   CHECK(s.pool_bytes_in_use == 0);
   CHECK(s.pool_bytes_reserved <= 256 * MiB);
   ok = true;
done:
   return ok;
}

/* With KRONOS_VENDOR_MAX_ALLOCATION_SIZE=4 MiB: rounds of 64 allocations of 256 KiB. */
static bool
refusal_rounds(void)
{
   bool ok = false;
   uint32_t n = 0;
   for (int round = 0; round < 4; round++) {
      VkKronosDeviceStatistics a, b;
      CHECK(stats(&a));
      for (n = 0; n < 64; n++)
         CHECK_VK(allocate(256 * KiB, &live[n]));
      while (n > 0)
         vkFreeMemory(env.device, live[--n], NULL);
      CHECK(stats(&b));
      printf("  round %d: %" PRIu64 " vendor allocations, %" PRIu64 " MiB in %" PRIu64
             " blocks kept\n", round, b.vendor_allocations - a.vendor_allocations,
             b.pool_bytes_reserved >> 20, vendor_live(&b));
   }
   ok = true;
done:
   while (n > 0)
      vkFreeMemory(env.device, live[--n], NULL);
   return ok;
}

static bool
threads_limited(void)
{
   tolerate_refusals = true;
   return threads();
}

static bool
teardown(void)
{
   it_env_close(&env, NULL);
   return true;
}

int
main(int argc, char **argv)
{
   static const struct it_test limited[] = {
      {"setup", setup, true},
      {"empty blocks kept do not hold the application's vendor slots",
       empty_blocks_hold_vendor_slots},
      {"threads at the vendor allocation limit", threads_limited},
      {"teardown", teardown},
   };
   static const struct it_test unlimited[] = {
      {"setup", setup, true},
      {"allocate/free shapes reach a steady state", shapes},
      {"threads allocating and freeing on one device", threads},
      {"teardown", teardown},
   };
   static const struct it_test refusal[] = {
      {"setup", setup, true},
      {"rounds with the vendor refusing blocks over 4 MiB", refusal_rounds},
      {"teardown", teardown},
   };
   if (argc > 1 && strcmp(argv[1], "--refusal") == 0)
      return IT_RUN_TESTS(refusal);
   if (argc > 1 && strcmp(argv[1], "--vendor-limit") == 0)
      return IT_RUN_TESTS(limited);
   return IT_RUN_TESTS(unlimited);
}
