/* SPDX-License-Identifier: MIT */
/* Unit tests of the ranges that flushes and invalidates of Kronos allocations become at the
 * vendor (src/kr_memory_range.h): a range that ends at the end of a pooled allocation covers
 * whole nonCoherentAtomSize atoms inside the allocation's reservation (issue 9 item 4: the
 * vendor got {offset 4096, size 100} with atoms of 64 bytes and would have missed the last
 * atom on non-coherent memory); others keep their size; memory of its own passes unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kr_memory_range.h"
#include "kr_objects.h"

#define BLOCK_VENDOR ((VkDeviceMemory)(uintptr_t)0xb10c)
#define OWN_VENDOR ((VkDeviceMemory)(uintptr_t)0x0e0e)

static struct kr_memory_block block = {.vendor = BLOCK_VENDOR, .size = 32u << 20};

/* 100 bytes pooled at offset 4096 of a 32 MiB block, reserving 4096 bytes (one alignment
 * unit of the pool). */
static struct kr_memory
pooled_100_bytes(void)
{
   return (struct kr_memory){
      .vendor = BLOCK_VENDOR,
      .offset = 4096,
      .size = 100,
      .block = &block,
      .range = {.offset = 4096, .size = 4096},
   };
}

static VkMappedMemoryRange
app_range(const struct kr_memory *memory, VkDeviceSize offset, VkDeviceSize size)
{
   return (VkMappedMemoryRange){
      .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
      .memory = kr_memory_to_handle((struct kr_memory *)memory),
      .offset = offset,
      .size = size,
   };
}

static void
expect_range(VkMappedMemoryRange got, VkDeviceMemory memory, VkDeviceSize offset,
             VkDeviceSize size)
{
   assert_int_equal(got.sType, VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE);
   assert_null(got.pNext);
   assert_ptr_equal(got.memory, memory);
   assert_int_equal(got.offset, offset);
   assert_int_equal(got.size, size);
}

static void
range_to_the_end_covers_whole_atoms(void **state)
{
   (void)state;
   struct kr_memory memory = pooled_100_bytes();
   VkMappedMemoryRange range = app_range(&memory, 0, 100);
   expect_range(kr_memory_range_to_vendor(&memory, 64, &range), BLOCK_VENDOR, 4096, 128);
   range = app_range(&memory, 64, 36);
   expect_range(kr_memory_range_to_vendor(&memory, 64, &range), BLOCK_VENDOR, 4160, 64);
}

static void
whole_size_covers_the_reservation(void **state)
{
   (void)state;
   struct kr_memory memory = pooled_100_bytes();
   VkMappedMemoryRange range = app_range(&memory, 0, VK_WHOLE_SIZE);
   expect_range(kr_memory_range_to_vendor(&memory, 64, &range), BLOCK_VENDOR, 4096, 4096);
   range = app_range(&memory, 64, VK_WHOLE_SIZE);
   expect_range(kr_memory_range_to_vendor(&memory, 64, &range), BLOCK_VENDOR, 4160, 4032);
}

static void
whole_atoms_keep_their_size(void **state)
{
   (void)state;
   struct kr_memory memory = pooled_100_bytes();
   memory.size = 1000;
   VkMappedMemoryRange range = app_range(&memory, 128, 256);
   expect_range(kr_memory_range_to_vendor(&memory, 64, &range), BLOCK_VENDOR, 4224, 256);
   /* With atoms of one byte (coherent-only vendors report any size), nothing rounds. */
   range = app_range(&memory, 0, 1000);
   expect_range(kr_memory_range_to_vendor(&memory, 1, &range), BLOCK_VENDOR, 4096, 1000);
}

static void
rounding_stays_inside_the_reservation(void **state)
{
   (void)state;
   /* An atom that does not divide the reservation: the end stops at the reservation's end. */
   struct kr_memory memory = pooled_100_bytes();
   memory.size = 4090;
   VkMappedMemoryRange range = app_range(&memory, 0, 4090);
   expect_range(kr_memory_range_to_vendor(&memory, 96, &range), BLOCK_VENDOR, 4096, 4096);
}

static void
memory_of_its_own_passes_unchanged(void **state)
{
   (void)state;
   struct kr_memory memory = {.vendor = OWN_VENDOR, .size = 100};
   VkMappedMemoryRange range = app_range(&memory, 0, 100);
   expect_range(kr_memory_range_to_vendor(&memory, 64, &range), OWN_VENDOR, 0, 100);
   range = app_range(&memory, 64, VK_WHOLE_SIZE);
   expect_range(kr_memory_range_to_vendor(&memory, 64, &range), OWN_VENDOR, 64, VK_WHOLE_SIZE);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(range_to_the_end_covers_whole_atoms),
      cmocka_unit_test(whole_size_covers_the_reservation),
      cmocka_unit_test(whole_atoms_keep_their_size),
      cmocka_unit_test(rounding_stays_inside_the_reservation),
      cmocka_unit_test(memory_of_its_own_passes_unchanged),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
