/* SPDX-License-Identifier: MIT */
/* Unit tests of the compact queue families and memory layout (kr_queue_families_compact,
 * kr_queue_family_expand, kr_memory_compact, kr_memory_expand). The family index map is tested
 * in test_queue_family.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kr_compact.h"
#include "test_random.h"

static VkQueueFamilyProperties
family(VkQueueFlags flags, uint32_t count)
{
   return (VkQueueFamilyProperties){
      .queueFlags = flags,
      .queueCount = count,
      .timestampValidBits = 64,
      .minImageTransferGranularity = {1, 1, 1},
   };
}

/* Compacts and expands back. */
static uint32_t
compact_expand(const VkQueueFamilyProperties *full, uint32_t count, VkQueueFamilyProperties *out)
{
   struct kr_queue_family compact[16];
   assert_true(count <= 16);
   memset(compact, 0xa5, sizeof(compact));
   uint32_t kept = kr_queue_families_compact(full, count, compact);
   assert_true(kept <= count);
   for (uint32_t i = 0; i < kept; i++) {
      memset(&out[i], 0xa5, sizeof(out[i]));
      kr_queue_family_expand(&compact[i], &out[i]);
   }
   return kept;
}

static void
graphics_bit_removed(void **state)
{
   (void)state;
   const VkQueueFamilyProperties full[] = {
      family(VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT |
                VK_QUEUE_SPARSE_BINDING_BIT, 16),
      family(VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT, 8),
      family(VK_QUEUE_TRANSFER_BIT | VK_QUEUE_SPARSE_BINDING_BIT, 2),
      family(VK_QUEUE_COMPUTE_BIT | VK_QUEUE_PROTECTED_BIT, 1),
   };
   VkQueueFamilyProperties out[4];
   assert_int_equal(compact_expand(full, 4, out), 4);
   assert_int_equal(out[0].queueFlags,
                    VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT | VK_QUEUE_SPARSE_BINDING_BIT);
   assert_int_equal(out[0].queueCount, 16);
   assert_int_equal(out[1].queueFlags, VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT);
   assert_int_equal(out[1].queueCount, 8);
   assert_int_equal(out[2].queueFlags, VK_QUEUE_TRANSFER_BIT | VK_QUEUE_SPARSE_BINDING_BIT);
   assert_int_equal(out[2].queueCount, 2);
   /* Compute implies transfer even where the vendor does not say so. */
   assert_int_equal(out[3].queueFlags,
                    VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT | VK_QUEUE_PROTECTED_BIT);
   for (uint32_t i = 0; i < 4; i++)
      assert_int_equal(out[i].queueFlags & VK_QUEUE_GRAPHICS_BIT, 0);
}

static void
graphics_only_family_keeps_transfer(void **state)
{
   (void)state;
   const VkQueueFamilyProperties full[] = {
      family(VK_QUEUE_GRAPHICS_BIT, 1),
      family(VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT, 4),
   };
   VkQueueFamilyProperties out[2];
   assert_int_equal(compact_expand(full, 2, out), 2);
   assert_int_equal(out[0].queueFlags, VK_QUEUE_TRANSFER_BIT);
   assert_int_equal(out[0].queueCount, 1);
   assert_int_equal(out[1].queueFlags, VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT);
   assert_int_equal(out[1].queueCount, 4);
}

static void
trailing_video_family_dropped(void **state)
{
   (void)state;
   const VkQueueFamilyProperties full[] = {
      family(VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT, 16),
      family(VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT, 8),
      family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 2),
      family(VK_QUEUE_OPTICAL_FLOW_BIT_NV, 1),
   };
   VkQueueFamilyProperties out[4];
   assert_int_equal(compact_expand(full, 4, out), 2);
   assert_int_equal(out[1].queueFlags, VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT);

   const VkQueueFamilyProperties video_only[] = {family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 1)};
   assert_int_equal(compact_expand(video_only, 1, out), 0);
   assert_int_equal(compact_expand(full, 0, out), 0);
}

static void
middle_families_without_capability_dropped(void **state)
{
   (void)state;
   /* Every reported family has queues: a family left with nothing (video, optical flow) is
    * not reported, wherever it is; the families after it move up (issue 9, item 6). */
   const VkQueueFamilyProperties full[] = {
      family(VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT, 16),
      family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 2),
      family(VK_QUEUE_OPTICAL_FLOW_BIT_NV, 1),
      family(VK_QUEUE_TRANSFER_BIT, 2),
      family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 1),
   };
   VkQueueFamilyProperties out[5];
   assert_int_equal(compact_expand(full, 5, out), 2);
   assert_int_equal(out[0].queueFlags, VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT);
   assert_int_equal(out[0].queueCount, 16);
   assert_int_equal(out[1].queueFlags, VK_QUEUE_TRANSFER_BIT);
   assert_int_equal(out[1].queueCount, 2);

   const VkQueueFamilyProperties leading_video[] = {
      family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 1),
      family(VK_QUEUE_COMPUTE_BIT, 4),
   };
   assert_int_equal(compact_expand(leading_video, 2, out), 1);
   assert_int_equal(out[0].queueFlags, VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT);
   assert_int_equal(out[0].queueCount, 4);

   /* Video with transfer keeps the transfer part. */
   const VkQueueFamilyProperties video_transfer[] = {
      family(VK_QUEUE_VIDEO_DECODE_BIT_KHR | VK_QUEUE_TRANSFER_BIT, 3),
   };
   assert_int_equal(compact_expand(video_transfer, 1, out), 1);
   assert_int_equal(out[0].queueFlags, VK_QUEUE_TRANSFER_BIT);
   assert_int_equal(out[0].queueCount, 3);
}

static void
other_fields_round_trip(void **state)
{
   (void)state;
   static const uint32_t granularities[] = {0, 1, 2, 4, 8, 64, 1024, 1u << 16, 1u << 31};
   static const uint32_t timestamp_bits[] = {0, 32, 36, 48, 64};
   static const uint32_t counts[] = {1, 2, 16, 255, 1000};
   const size_t ng = sizeof(granularities) / sizeof(granularities[0]);
   for (size_t i = 0; i < ng; i++) {
      for (size_t t = 0; t < sizeof(timestamp_bits) / sizeof(timestamp_bits[0]); t++) {
         VkQueueFamilyProperties full = {
            .queueFlags = VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT,
            .queueCount = counts[(i + t) % (sizeof(counts) / sizeof(counts[0]))],
            .timestampValidBits = timestamp_bits[t],
            .minImageTransferGranularity = {granularities[i], granularities[(i + 3) % ng],
                                            granularities[(i + 5) % ng]},
         };
         VkQueueFamilyProperties out;
         assert_int_equal(compact_expand(&full, 1, &out), 1);
         assert_int_equal(out.queueFlags, full.queueFlags);
         assert_int_equal(out.queueCount, full.queueCount);
         assert_int_equal(out.timestampValidBits, full.timestampValidBits);
         assert_int_equal(out.minImageTransferGranularity.width,
                          full.minImageTransferGranularity.width);
         assert_int_equal(out.minImageTransferGranularity.height,
                          full.minImageTransferGranularity.height);
         assert_int_equal(out.minImageTransferGranularity.depth,
                          full.minImageTransferGranularity.depth);
      }
   }
}

/* --- memory -------------------------------------------------------------------------------- */

static const VkMemoryPropertyFlags all_memory_flags =
   VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
   VK_MEMORY_PROPERTY_HOST_COHERENT_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT |
   VK_MEMORY_PROPERTY_LAZILY_ALLOCATED_BIT | VK_MEMORY_PROPERTY_PROTECTED_BIT |
   VK_MEMORY_PROPERTY_DEVICE_COHERENT_BIT_AMD | VK_MEMORY_PROPERTY_DEVICE_UNCACHED_BIT_AMD |
   VK_MEMORY_PROPERTY_RDMA_CAPABLE_BIT_NV;

static const VkMemoryHeapFlags all_heap_flags =
   VK_MEMORY_HEAP_DEVICE_LOCAL_BIT | VK_MEMORY_HEAP_MULTI_INSTANCE_BIT;

static void
memory_round_trip_once(struct test_random *rng, uint32_t type_count, uint32_t heap_count)
{
   VkPhysicalDeviceMemoryProperties full, back;
   /* Garbage everywhere, including beyond the counts, then the real entries. */
   test_random_fill_nonzero(rng, &full, sizeof(full));
   full.memoryTypeCount = type_count;
   full.memoryHeapCount = heap_count;
   for (uint32_t i = 0; i < type_count; i++) {
      full.memoryTypes[i].propertyFlags = (VkMemoryPropertyFlags)test_random_next(rng) &
                                          all_memory_flags;
      full.memoryTypes[i].heapIndex = (uint32_t)(test_random_next(rng) % heap_count);
   }
   for (uint32_t i = 0; i < heap_count; i++) {
      full.memoryHeaps[i].size = test_random_next(rng);
      full.memoryHeaps[i].flags = (VkMemoryHeapFlags)test_random_next(rng) & all_heap_flags;
   }

   struct kr_memory_layout layout;
   memset(&layout, 0x5a, sizeof(layout));
   kr_memory_compact(&full, &layout);
   test_random_fill_nonzero(rng, &back, sizeof(back));
   kr_memory_expand(&layout, &back);

   /* The real entries come back; everything else reads as zero. */
   VkPhysicalDeviceMemoryProperties expected;
   memset(&expected, 0, sizeof(expected));
   expected.memoryTypeCount = type_count;
   expected.memoryHeapCount = heap_count;
   for (uint32_t i = 0; i < type_count; i++)
      expected.memoryTypes[i] = full.memoryTypes[i];
   for (uint32_t i = 0; i < heap_count; i++) {
      expected.memoryHeaps[i].size = full.memoryHeaps[i].size;
      expected.memoryHeaps[i].flags = full.memoryHeaps[i].flags;
   }
   assert_memory_equal(&back, &expected, sizeof(back));
}

static void
memory_round_trip(void **state)
{
   (void)state;
   struct test_random rng;
   test_random_seed(&rng, 0x1234567);
   memory_round_trip_once(&rng, VK_MAX_MEMORY_TYPES, VK_MAX_MEMORY_HEAPS);
   memory_round_trip_once(&rng, 1, 1);
   memory_round_trip_once(&rng, 0, 1);
   for (unsigned round = 0; round < 64; round++) {
      uint32_t types = (uint32_t)(test_random_next(&rng) % (VK_MAX_MEMORY_TYPES + 1));
      uint32_t heaps = 1 + (uint32_t)(test_random_next(&rng) % VK_MAX_MEMORY_HEAPS);
      memory_round_trip_once(&rng, types, heaps);
   }
}

static void
memory_named_values(void **state)
{
   (void)state;
   /* An NVIDIA-like layout, read back through the named members. */
   VkPhysicalDeviceMemoryProperties full;
   memset(&full, 0, sizeof(full));
   full.memoryTypeCount = 3;
   full.memoryTypes[0] = (VkMemoryType){VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0};
   full.memoryTypes[1] = (VkMemoryType){
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 1};
   full.memoryTypes[2] = (VkMemoryType){
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT |
         VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 1};
   full.memoryHeapCount = 2;
   full.memoryHeaps[0] = (VkMemoryHeap){80ull << 30, VK_MEMORY_HEAP_DEVICE_LOCAL_BIT};
   full.memoryHeaps[1] = (VkMemoryHeap){(1ull << 40) + 12345, 0};

   struct kr_memory_layout layout;
   VkPhysicalDeviceMemoryProperties back;
   kr_memory_compact(&full, &layout);
   kr_memory_expand(&layout, &back);
   assert_int_equal(back.memoryTypeCount, 3);
   assert_int_equal(back.memoryHeapCount, 2);
   assert_int_equal(back.memoryTypes[2].propertyFlags, full.memoryTypes[2].propertyFlags);
   assert_int_equal(back.memoryTypes[2].heapIndex, 1);
   assert_true(back.memoryHeaps[0].size == 80ull << 30);
   assert_true(back.memoryHeaps[1].size == (1ull << 40) + 12345);
   assert_int_equal(back.memoryHeaps[0].flags, VK_MEMORY_HEAP_DEVICE_LOCAL_BIT);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(graphics_bit_removed),
      cmocka_unit_test(graphics_only_family_keeps_transfer),
      cmocka_unit_test(trailing_video_family_dropped),
      cmocka_unit_test(middle_families_without_capability_dropped),
      cmocka_unit_test(other_fields_round_trip),
      cmocka_unit_test(memory_round_trip),
      cmocka_unit_test(memory_named_values),
   };
   return cmocka_run_group_tests_name("compact queues and memory", tests, NULL, NULL);
}
