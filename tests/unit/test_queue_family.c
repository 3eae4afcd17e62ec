/* SPDX-License-Identifier: MIT */
/* Unit tests of the queue family index map (kr_queue_family_map_init and the translation
 * functions of kr_compact.h) and of the structure translation in kr_queue_family.c: a vendor
 * with families that keep no capability in the middle and at the end, so that Kronos's indices
 * differ from the vendor's (issue 9, item 6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_alloc.h"
#include "kr_compact.h"
#include "kr_queue_family.h"
#include "test_random.h"

#define NONE KR_QUEUE_FAMILY_DROPPED
#define INVALID KR_QUEUE_FAMILY_INVALID

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

/* A GPU-like vendor: video and optical-flow families between and after the useful ones. A
 * graphics-only family keeps the transfer capability graphics implies, so it is reported. */
static const VkQueueFlags gct = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT |
                                VK_QUEUE_TRANSFER_BIT;
#define VENDOR_FAMILIES                                                                       \
   {                                                                                          \
      family(gct, 16),                                  /* 0 -> Kronos 0 */                   \
      family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 2),         /* 1 dropped */                       \
      family(VK_QUEUE_GRAPHICS_BIT, 1),                 /* 2 -> Kronos 1, transfer */         \
      family(VK_QUEUE_OPTICAL_FLOW_BIT_NV, 1),          /* 3 dropped */                       \
      family(VK_QUEUE_COMPUTE_BIT, 8),                  /* 4 -> Kronos 2 */                   \
      family(VK_QUEUE_SPARSE_BINDING_BIT, 1),           /* 5 dropped: nothing to submit to */ \
      family(VK_QUEUE_TRANSFER_BIT, 2),                 /* 6 -> Kronos 3 */                   \
      family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 1),         /* 7 dropped */                       \
      family(VK_QUEUE_OPTICAL_FLOW_BIT_NV, 1),          /* 8 dropped */                       \
   }

static struct kr_queue_family_map
gpu_map(void)
{
   const VkQueueFamilyProperties vendor[] = VENDOR_FAMILIES;
   struct kr_queue_family_map map;
   memset(&map, 0xa5, sizeof(map));
   kr_queue_family_map_init(&map, vendor, 9);
   return map;
}

static struct kr_queue_family_map
identity_map(void)
{
   const VkQueueFamilyProperties vendor[] = {family(gct, 1)}; /* lavapipe */
   struct kr_queue_family_map map;
   kr_queue_family_map_init(&map, vendor, 1);
   return map;
}

static void
map_both_ways(void **state)
{
   (void)state;
   struct kr_queue_family_map map = gpu_map();
   assert_int_equal(map.count, 4);
   assert_int_equal(map.vendor_count, 9);
   assert_false(map.identity);
   static const uint8_t to_vendor[] = {0, 2, 4, 6};
   static const uint8_t to_kronos[] = {0, NONE, 1, NONE, 2, NONE, 3, NONE, NONE};
   assert_memory_equal(map.to_vendor, to_vendor, sizeof(to_vendor));
   assert_memory_equal(map.to_kronos, to_kronos, sizeof(to_kronos));
   for (uint32_t k = 0; k < 4; k++) {
      assert_int_equal(kr_queue_family_to_vendor(&map, k), to_vendor[k]);
      assert_int_equal(kr_queue_family_to_kronos(&map, to_vendor[k]), k);
   }
   for (uint32_t v = 0; v < 9; v++) {
      uint32_t expected = to_kronos[v] == NONE ? INVALID : to_kronos[v];
      assert_int_equal(kr_queue_family_to_kronos(&map, v), expected);
   }
}

/* The map and the reported list agree: Kronos family k is the vendor's family to_vendor[k]. */
static void
map_matches_reported_families(void **state)
{
   (void)state;
   const VkQueueFamilyProperties vendor[] = VENDOR_FAMILIES;
   struct kr_queue_family reported[KR_MAX_QUEUE_FAMILIES];
   struct kr_queue_family_map map = gpu_map();
   assert_int_equal(kr_queue_families_compact(vendor, 9, reported), map.count);
   for (uint32_t k = 0; k < map.count; k++) {
      VkQueueFamilyProperties out;
      kr_queue_family_expand(&reported[k], &out);
      assert_true(out.queueCount > 0);
      assert_int_equal(out.queueCount, vendor[map.to_vendor[k]].queueCount);
      assert_int_equal(out.queueFlags & VK_QUEUE_GRAPHICS_BIT, 0);
      assert_true(out.queueFlags & (VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT));
   }

   /* Random vendors: every reported family has queues and matches its vendor family. */
   struct test_random rng;
   test_random_seed(&rng, 0x5eed);
   static const VkQueueFlags flag_choices[] = {
      gct, VK_QUEUE_GRAPHICS_BIT, VK_QUEUE_COMPUTE_BIT, VK_QUEUE_TRANSFER_BIT,
      VK_QUEUE_VIDEO_DECODE_BIT_KHR, VK_QUEUE_OPTICAL_FLOW_BIT_NV, VK_QUEUE_SPARSE_BINDING_BIT,
      VK_QUEUE_COMPUTE_BIT | VK_QUEUE_PROTECTED_BIT, 0,
   };
   for (unsigned round = 0; round < 200; round++) {
      VkQueueFamilyProperties random[KR_MAX_QUEUE_FAMILIES];
      uint32_t count = (uint32_t)(test_random_next(&rng) % (KR_MAX_QUEUE_FAMILIES + 1));
      for (uint32_t i = 0; i < count; i++)
         random[i] = family(flag_choices[test_random_next(&rng) % 9],
                            (uint32_t)(test_random_next(&rng) % 3));
      struct kr_queue_family_map m;
      kr_queue_family_map_init(&m, random, count);
      assert_int_equal(kr_queue_families_compact(random, count, reported), m.count);
      assert_int_equal(m.vendor_count, count);
      assert_int_equal(m.identity, m.count == count);
      for (uint32_t k = 0; k < m.count; k++) {
         VkQueueFamilyProperties out;
         kr_queue_family_expand(&reported[k], &out);
         assert_true(out.queueCount > 0);
         assert_int_equal(out.queueCount, random[m.to_vendor[k]].queueCount);
         assert_int_equal(m.to_kronos[m.to_vendor[k]], k);
         if (k > 0)
            assert_true(m.to_vendor[k] > m.to_vendor[k - 1]); /* order kept */
      }
   }
}

static void
identity_when_nothing_dropped(void **state)
{
   (void)state;
   struct kr_queue_family_map map = identity_map();
   assert_true(map.identity);
   const VkQueueFamilyProperties compute_transfer[] = {
      family(gct, 1), family(VK_QUEUE_COMPUTE_BIT, 2), family(VK_QUEUE_TRANSFER_BIT, 1)};
   kr_queue_family_map_init(&map, compute_transfer, 3);
   assert_true(map.identity);
   /* With an identity map every index passes as is, even one that names no family: the
    * vendor has the same families and rejects it itself. */
   assert_int_equal(kr_queue_family_to_vendor(&map, 7), 7);
   assert_int_equal(kr_queue_family_to_kronos(&map, 7), 7);

   /* A family dropped at the end alone is enough to make indices differ: index 1 would be
    * the vendor's video family. */
   const VkQueueFamilyProperties trailing_video[] = {
      family(gct, 1), family(VK_QUEUE_VIDEO_DECODE_BIT_KHR, 1)};
   kr_queue_family_map_init(&map, trailing_video, 2);
   assert_false(map.identity);
   assert_int_equal(map.count, 1);
   assert_int_equal(kr_queue_family_to_vendor(&map, 0), 0);
   assert_int_equal(kr_queue_family_to_vendor(&map, 1), INVALID);
}

static void
special_and_invalid_indices(void **state)
{
   (void)state;
   struct kr_queue_family_map map = gpu_map();
   static const uint32_t special[] = {VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_EXTERNAL,
                                      VK_QUEUE_FAMILY_FOREIGN_EXT};
   for (unsigned i = 0; i < 3; i++) {
      assert_int_equal(kr_queue_family_to_vendor(&map, special[i]), special[i]);
      assert_int_equal(kr_queue_family_to_kronos(&map, special[i]), special[i]);
   }
   /* Kronos reports 4 families, the vendor 9. */
   static const uint32_t invalid[] = {9, 16, 1000, INVALID, VK_QUEUE_FAMILY_FOREIGN_EXT - 1};
   for (unsigned i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
      assert_int_equal(kr_queue_family_to_vendor(&map, invalid[i]), INVALID);
      assert_int_equal(kr_queue_family_to_kronos(&map, invalid[i]), INVALID);
   }
   for (uint32_t k = 4; k < 9; k++)
      assert_int_equal(kr_queue_family_to_vendor(&map, k), INVALID);
   /* Not reported: the vendor's video, optical-flow and sparse-only families have no Kronos
    * index. */
   static const uint32_t dropped[] = {1, 3, 5, 7, 8};
   for (unsigned i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
      assert_int_equal(kr_queue_family_to_kronos(&map, dropped[i]), INVALID);
}

/* --- barriers ----------------------------------------------------------------------------- */

static VkBufferMemoryBarrier
buffer_barrier(uint32_t src, uint32_t dst, uint64_t tag)
{
   return (VkBufferMemoryBarrier){
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_SHADER_READ_BIT,
      .srcQueueFamilyIndex = src,
      .dstQueueFamilyIndex = dst,
      .buffer = (VkBuffer)(uintptr_t)(0x1000 + tag),
      .offset = tag * 256,
      .size = VK_WHOLE_SIZE,
   };
}

static VkImageMemoryBarrier
image_barrier(uint32_t src, uint32_t dst, uint64_t tag)
{
   return (VkImageMemoryBarrier){
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_SHADER_READ_BIT,
      .oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
      .newLayout = VK_IMAGE_LAYOUT_GENERAL,
      .srcQueueFamilyIndex = src,
      .dstQueueFamilyIndex = dst,
      .image = (VkImage)(uintptr_t)(0x2000 + tag),
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
}

static void
barriers_translated(void **state)
{
   (void)state;
   struct kr_queue_family_map map = gpu_map();
   const VkBufferMemoryBarrier buffers[] = {
      buffer_barrier(VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, 0),
      buffer_barrier(2, 1, 1),                        /* release to another family */
      buffer_barrier(VK_QUEUE_FAMILY_EXTERNAL, 3, 2), /* acquire from outside */
   };
   const VkImageMemoryBarrier images[] = {
      image_barrier(3, VK_QUEUE_FAMILY_FOREIGN_EXT, 3),
      image_barrier(0, 9, 4), /* 9 names no family */
   };
   VkBufferMemoryBarrier buffers_before[3];
   VkImageMemoryBarrier images_before[2];
   memcpy(buffers_before, buffers, sizeof(buffers));
   memcpy(images_before, images, sizeof(images));

   struct kr_barrier_arrays arrays = {3, buffers, 2, images};
   void *storage = NULL;
   assert_int_equal(kr_barrier_arrays_to_vendor(&map, NULL, &arrays, &storage), VK_SUCCESS);
   assert_non_null(storage);
   assert_ptr_not_equal(arrays.buffers, buffers);
   assert_ptr_not_equal(arrays.images, images);
   assert_int_equal(arrays.buffer_count, 3);
   assert_int_equal(arrays.image_count, 2);

   /* The copies are the application's barriers with the vendor's indices. */
   VkBufferMemoryBarrier expected_buffers[3];
   memcpy(expected_buffers, buffers, sizeof(buffers));
   expected_buffers[1].srcQueueFamilyIndex = 4;
   expected_buffers[1].dstQueueFamilyIndex = 2;
   expected_buffers[2].dstQueueFamilyIndex = 6;
   assert_memory_equal(arrays.buffers, expected_buffers, sizeof(expected_buffers));
   VkImageMemoryBarrier expected_images[2];
   memcpy(expected_images, images, sizeof(images));
   expected_images[0].srcQueueFamilyIndex = 6;
   expected_images[1].dstQueueFamilyIndex = INVALID;
   assert_memory_equal(arrays.images, expected_images, sizeof(expected_images));

   /* The application's structures are untouched. */
   assert_memory_equal(buffers, buffers_before, sizeof(buffers));
   assert_memory_equal(images, images_before, sizeof(images));
   kr_free(NULL, storage);
}

static void
barriers_copied_only_when_needed(void **state)
{
   (void)state;
   struct kr_queue_family_map map = gpu_map();
   /* Family 0 is the vendor's 0, and special values pass: nothing to copy. */
   const VkBufferMemoryBarrier buffers[] = {
      buffer_barrier(VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, 0),
      buffer_barrier(0, VK_QUEUE_FAMILY_EXTERNAL, 1),
   };
   const VkImageMemoryBarrier images[] = {image_barrier(VK_QUEUE_FAMILY_FOREIGN_EXT, 0, 2)};
   struct kr_barrier_arrays arrays = {2, buffers, 1, images};
   void *storage = (void *)&arrays;
   assert_int_equal(kr_barrier_arrays_to_vendor(&map, NULL, &arrays, &storage), VK_SUCCESS);
   assert_null(storage);
   assert_ptr_equal(arrays.buffers, buffers);
   assert_ptr_equal(arrays.images, images);

   /* Only the array that needs it is copied. */
   const VkImageMemoryBarrier moved[] = {image_barrier(1, 1, 3)};
   arrays = (struct kr_barrier_arrays){2, buffers, 1, moved};
   assert_int_equal(kr_barrier_arrays_to_vendor(&map, NULL, &arrays, &storage), VK_SUCCESS);
   assert_non_null(storage);
   assert_ptr_equal(arrays.buffers, buffers);
   assert_ptr_not_equal(arrays.images, moved);
   assert_int_equal(arrays.images[0].srcQueueFamilyIndex, 2);
   assert_int_equal(arrays.images[0].dstQueueFamilyIndex, 2);
   kr_free(NULL, storage);

   /* An identity map copies nothing, whatever the indices. */
   struct kr_queue_family_map same = identity_map();
   const VkBufferMemoryBarrier odd[] = {buffer_barrier(5, 0, 4)};
   arrays = (struct kr_barrier_arrays){1, odd, 1, moved};
   assert_int_equal(kr_barrier_arrays_to_vendor(&same, NULL, &arrays, &storage), VK_SUCCESS);
   assert_null(storage);
   assert_ptr_equal(arrays.buffers, odd);
   assert_ptr_equal(arrays.images, moved);

   /* No barriers at all. */
   arrays = (struct kr_barrier_arrays){0, NULL, 0, NULL};
   assert_int_equal(kr_barrier_arrays_to_vendor(&map, NULL, &arrays, &storage), VK_SUCCESS);
   assert_null(storage);
}

/* Allocation callbacks that count, and can refuse. */
struct counting {
   int allocations;
   int live;
   bool refuse;
};

static void *
counting_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)scope;
   struct counting *c = user;
   if (c->refuse)
      return NULL;
   c->allocations++;
   c->live++;
   return aligned_alloc(align, (size + align - 1) / align * align);
}

static void *
counting_realloc(void *user, void *original, size_t size, size_t align,
                 VkSystemAllocationScope scope)
{
   (void)user, (void)original, (void)size, (void)align, (void)scope;
   fail_msg("no reallocation expected");
   return NULL;
}

static void
counting_free(void *user, void *memory)
{
   struct counting *c = user;
   if (memory)
      c->live--;
   free(memory);
}

static void
dependency_infos_translated(void **state)
{
   (void)state;
   struct kr_queue_family_map map = gpu_map();
   const VkBufferMemoryBarrier2 buffers[] = {
      {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2, .srcQueueFamilyIndex = 1,
       .dstQueueFamilyIndex = 3, .buffer = (VkBuffer)(uintptr_t)0x10, .size = 64},
      {.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
       .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
       .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .buffer = (VkBuffer)(uintptr_t)0x20},
   };
   const VkImageMemoryBarrier2 images[] = {
      {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2, .srcQueueFamilyIndex = 0,
       .dstQueueFamilyIndex = 2, .image = (VkImage)(uintptr_t)0x30},
   };
   const VkImageMemoryBarrier2 unmoved_images[] = {
      {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2, .srcQueueFamilyIndex = 0,
       .dstQueueFamilyIndex = VK_QUEUE_FAMILY_EXTERNAL, .image = (VkImage)(uintptr_t)0x40},
   };
   const VkMemoryBarrier2 memory = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2};
   const VkDependencyInfo infos[3] = {
      {.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .memoryBarrierCount = 1,
       .pMemoryBarriers = &memory},
      {.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .bufferMemoryBarrierCount = 2,
       .pBufferMemoryBarriers = buffers, .imageMemoryBarrierCount = 1,
       .pImageMemoryBarriers = unmoved_images},
      {.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
       .dependencyFlags = VK_DEPENDENCY_BY_REGION_BIT, .imageMemoryBarrierCount = 1,
       .pImageMemoryBarriers = images},
   };
   VkDependencyInfo infos_before[3];
   VkBufferMemoryBarrier2 buffers_before[2];
   VkImageMemoryBarrier2 images_before[1];
   memcpy(infos_before, infos, sizeof(infos));
   memcpy(buffers_before, buffers, sizeof(buffers));
   memcpy(images_before, images, sizeof(images));

   struct counting counting = {0};
   const VkAllocationCallbacks alloc = {.pUserData = &counting, .pfnAllocation = counting_alloc,
                                        .pfnReallocation = counting_realloc,
                                        .pfnFree = counting_free};
   const VkDependencyInfo *vendor = infos;
   void *storage = NULL;
   assert_int_equal(kr_dependency_infos_to_vendor(&map, &alloc, 3, &vendor, &storage),
                    VK_SUCCESS);
   assert_int_equal(counting.allocations, 1); /* one block for everything */
   assert_ptr_not_equal(vendor, infos);

   /* Infos 0 keeps its arrays; 1 and 2 point at translated copies where needed. */
   assert_memory_equal(&vendor[0], &infos[0], sizeof(infos[0]));
   assert_int_equal(vendor[1].bufferMemoryBarrierCount, 2);
   assert_ptr_not_equal(vendor[1].pBufferMemoryBarriers, buffers);
   assert_int_equal(vendor[1].pBufferMemoryBarriers[0].srcQueueFamilyIndex, 2);
   assert_int_equal(vendor[1].pBufferMemoryBarriers[0].dstQueueFamilyIndex, 6);
   assert_int_equal(vendor[1].pBufferMemoryBarriers[0].size, 64);
   assert_int_equal(vendor[1].pBufferMemoryBarriers[1].srcQueueFamilyIndex,
                    VK_QUEUE_FAMILY_IGNORED);
   assert_ptr_equal(vendor[1].pImageMemoryBarriers, unmoved_images);
   assert_int_equal(vendor[2].dependencyFlags, VK_DEPENDENCY_BY_REGION_BIT);
   assert_int_equal(vendor[2].imageMemoryBarrierCount, 1);
   assert_int_equal(vendor[2].pImageMemoryBarriers[0].srcQueueFamilyIndex, 0);
   assert_int_equal(vendor[2].pImageMemoryBarriers[0].dstQueueFamilyIndex, 4);
   assert_true(vendor[2].pImageMemoryBarriers[0].image == images[0].image);

   assert_memory_equal(infos, infos_before, sizeof(infos));
   assert_memory_equal(buffers, buffers_before, sizeof(buffers));
   assert_memory_equal(images, images_before, sizeof(images));
   kr_free(&alloc, storage);
   assert_int_equal(counting.live, 0);

   /* Nothing that moves: no allocation, the application's infos as they are. */
   vendor = infos;
   assert_int_equal(kr_dependency_infos_to_vendor(&map, &alloc, 1, &vendor, &storage),
                    VK_SUCCESS);
   assert_ptr_equal(vendor, infos);
   assert_null(storage);
   assert_int_equal(counting.allocations, 1);

   /* Out of memory: reported, the infos unchanged. */
   counting.refuse = true;
   vendor = infos;
   assert_int_equal(kr_dependency_infos_to_vendor(&map, &alloc, 3, &vendor, &storage),
                    VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_ptr_equal(vendor, infos);
   assert_null(storage);
   struct kr_barrier_arrays arrays = {0, NULL, 1, NULL};
   const VkImageMemoryBarrier moved[] = {image_barrier(1, 1, 3)};
   arrays.images = moved;
   assert_int_equal(kr_barrier_arrays_to_vendor(&map, &alloc, &arrays, &storage),
                    VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_ptr_equal(arrays.images, moved);
   assert_null(storage);
}

static void
sharing_families(void **state)
{
   (void)state;
   struct kr_queue_family_map map = gpu_map();
   const uint32_t valid[] = {3, 0, 1};
   uint32_t out[KR_MAX_QUEUE_FAMILIES];
   assert_true(kr_sharing_families_valid(&map, 3, valid));
   kr_sharing_families_to_vendor(&map, 3, valid, out);
   assert_int_equal(out[0], 6);
   assert_int_equal(out[1], 0);
   assert_int_equal(out[2], 2);

   const uint32_t out_of_range[] = {0, 4};
   assert_false(kr_sharing_families_valid(&map, 2, out_of_range));
   const uint32_t special[] = {0, VK_QUEUE_FAMILY_IGNORED};
   assert_false(kr_sharing_families_valid(&map, 2, special));
   /* More indices than families cannot all be distinct families. */
   const uint32_t too_many[] = {0, 1, 2, 3, 0};
   assert_false(kr_sharing_families_valid(&map, 5, too_many));
   assert_true(kr_sharing_families_valid(&map, 4, too_many));
   assert_true(kr_sharing_families_valid(&map, 0, NULL));
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(map_both_ways),
      cmocka_unit_test(map_matches_reported_families),
      cmocka_unit_test(identity_when_nothing_dropped),
      cmocka_unit_test(special_and_invalid_indices),
      cmocka_unit_test(barriers_translated),
      cmocka_unit_test(barriers_copied_only_when_needed),
      cmocka_unit_test(dependency_infos_translated),
      cmocka_unit_test(sharing_families),
   };
   return cmocka_run_group_tests_name("queue family map", tests, NULL, NULL);
}
