/* SPDX-License-Identifier: MIT */
/* Unit tests of the compact limits (struct kr_compact_limits, kr_limit_fields, kr_limits_pack
 * and kr_limits_unpack) against the real VkPhysicalDeviceLimits: a field table that does not
 * match the header, or a pack/unpack that loses a byte, is a memory-corruption bug. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_compact.h"
#include "test_random.h"

#define LIMIT_SIZE(member) sizeof(((VkPhysicalDeviceLimits *)0)->member)
#define COMPACT_SIZE(member) sizeof(((struct kr_compact_limits *)0)->member)

static const struct kr_limit_field *
find_field(const char *name)
{
   for (unsigned i = 0; i < KR_LIMIT_FIELD_COUNT; i++) {
      if (strcmp(kr_limit_fields[i].name, name) == 0)
         return &kr_limit_fields[i];
   }
   return NULL;
}

static bool
is_compact(const struct kr_limit_field *field)
{
   return field->compact_offset != UINT16_MAX;
}

/* The limits that are 64-bit scalars (VkDeviceSize, size_t), the only ones the compiler may
 * pad before: written out by hand from the Vulkan headers. */
static const struct {
   const char *name;
   size_t offset;
} wide_limits[] = {
   {"bufferImageGranularity", offsetof(VkPhysicalDeviceLimits, bufferImageGranularity)},
   {"sparseAddressSpaceSize", offsetof(VkPhysicalDeviceLimits, sparseAddressSpaceSize)},
   {"minMemoryMapAlignment", offsetof(VkPhysicalDeviceLimits, minMemoryMapAlignment)},
   {"minTexelBufferOffsetAlignment",
    offsetof(VkPhysicalDeviceLimits, minTexelBufferOffsetAlignment)},
   {"minUniformBufferOffsetAlignment",
    offsetof(VkPhysicalDeviceLimits, minUniformBufferOffsetAlignment)},
   {"minStorageBufferOffsetAlignment",
    offsetof(VkPhysicalDeviceLimits, minStorageBufferOffsetAlignment)},
   {"optimalBufferCopyOffsetAlignment",
    offsetof(VkPhysicalDeviceLimits, optimalBufferCopyOffsetAlignment)},
   {"optimalBufferCopyRowPitchAlignment",
    offsetof(VkPhysicalDeviceLimits, optimalBufferCopyRowPitchAlignment)},
   {"nonCoherentAtomSize", offsetof(VkPhysicalDeviceLimits, nonCoherentAtomSize)},
};

static bool
is_wide_limit(const char *name)
{
   for (size_t i = 0; i < sizeof(wide_limits) / sizeof(wide_limits[0]); i++) {
      if (strcmp(wide_limits[i].name, name) == 0)
         return true;
   }
   return false;
}

static void
wide_limits_match_header(void **state)
{
   (void)state;
   for (size_t i = 0; i < sizeof(wide_limits) / sizeof(wide_limits[0]); i++) {
      const struct kr_limit_field *field = find_field(wide_limits[i].name);
      assert_non_null(field);
      assert_int_equal(field->full_offset, wide_limits[i].offset);
      assert_int_equal(field->size, 8);
   }
}

static void
named_fields_match_header(void **state)
{
   (void)state;
   /* A few fields of each kind, checked with offsetof/sizeof by name. */
#define CHECK_FULL(member)                                                                    \
   do {                                                                                       \
      const struct kr_limit_field *f = find_field(#member);                                   \
      assert_non_null(f);                                                                     \
      assert_int_equal(f->full_offset, offsetof(VkPhysicalDeviceLimits, member));             \
      assert_int_equal(f->size, LIMIT_SIZE(member));                                          \
   } while (0)
#define CHECK_COMPACT(member)                                                                 \
   do {                                                                                       \
      CHECK_FULL(member);                                                                     \
      const struct kr_limit_field *f = find_field(#member);                                   \
      assert_int_equal(f->compact_offset, offsetof(struct kr_compact_limits, member));        \
      assert_int_equal(f->size, COMPACT_SIZE(member));                                        \
   } while (0)
#define CHECK_GRAPHICS(member)                                                                \
   do {                                                                                       \
      CHECK_FULL(member);                                                                     \
      assert_false(is_compact(find_field(#member)));                                          \
   } while (0)

   CHECK_COMPACT(maxImageDimension1D);
   CHECK_COMPACT(maxStorageBufferRange);
   CHECK_COMPACT(maxComputeSharedMemorySize);
   CHECK_COMPACT(maxComputeWorkGroupCount);
   CHECK_COMPACT(maxComputeWorkGroupInvocations);
   CHECK_COMPACT(maxComputeWorkGroupSize);
   CHECK_COMPACT(minStorageBufferOffsetAlignment);
   CHECK_COMPACT(minMemoryMapAlignment);
   CHECK_COMPACT(nonCoherentAtomSize);
   CHECK_COMPACT(maxSamplerLodBias);
   CHECK_COMPACT(minTexelOffset);
   CHECK_COMPACT(timestampComputeAndGraphics);
   CHECK_COMPACT(timestampPeriod);
   CHECK_COMPACT(discreteQueuePriorities);
   CHECK_GRAPHICS(maxViewports);
   CHECK_GRAPHICS(maxViewportDimensions);
   CHECK_GRAPHICS(viewportBoundsRange);
   CHECK_GRAPHICS(maxColorAttachments);
   CHECK_GRAPHICS(maxFramebufferWidth);
   CHECK_GRAPHICS(maxGeometryOutputVertices);
   CHECK_GRAPHICS(maxTessellationPatchSize);
   CHECK_GRAPHICS(pointSizeRange);
   CHECK_GRAPHICS(lineWidthGranularity);
   CHECK_GRAPHICS(framebufferColorSampleCounts);
#undef CHECK_FULL
#undef CHECK_COMPACT
#undef CHECK_GRAPHICS
}

static void
names_unique(void **state)
{
   (void)state;
   for (unsigned i = 0; i < KR_LIMIT_FIELD_COUNT; i++) {
      assert_non_null(kr_limit_fields[i].name);
      for (unsigned j = i + 1; j < KR_LIMIT_FIELD_COUNT; j++)
         assert_string_not_equal(kr_limit_fields[i].name, kr_limit_fields[j].name);
   }
}

/* The table lists VkPhysicalDeviceLimits's members in order: each starts where the previous
 * ended, or after the padding before a 64-bit member; together with the padding they make up
 * exactly sizeof(VkPhysicalDeviceLimits). A member missing from the table leaves a hole. */
static void
fields_tile_full_struct(void **state)
{
   (void)state;
   size_t end = 0, sizes = 0, padding = 0;
   assert_int_equal(kr_limit_fields[0].full_offset, 0);
   for (unsigned i = 0; i < KR_LIMIT_FIELD_COUNT; i++) {
      const struct kr_limit_field *f = &kr_limit_fields[i];
      assert_true(f->size > 0);
      assert_true(f->size % 4 == 0);
      assert_true(f->full_offset % 4 == 0);
      assert_true(f->full_offset >= end); /* in order, no overlap */
      size_t gap = f->full_offset - end;
      if (gap) {
         /* Only alignment padding, and only where a 64-bit member needs it. */
         assert_true(is_wide_limit(f->name));
         assert_true(gap < 8);
         assert_int_equal(f->full_offset % 8, 0);
      }
      padding += gap;
      sizes += f->size;
      end = f->full_offset + f->size;
   }
   assert_true(end <= sizeof(VkPhysicalDeviceLimits));
   padding += sizeof(VkPhysicalDeviceLimits) - end;
   assert_true(sizeof(VkPhysicalDeviceLimits) - end < 8);
   assert_int_equal(sizes + padding, sizeof(VkPhysicalDeviceLimits));
}

static int
compare_compact_offset(const void *a, const void *b)
{
   const struct kr_limit_field *fa = *(const struct kr_limit_field *const *)a;
   const struct kr_limit_field *fb = *(const struct kr_limit_field *const *)b;
   return (int)fa->compact_offset - (int)fb->compact_offset;
}

/* The compute limits tile struct kr_compact_limits the same way: every compact member is one
 * limit of the same size, none overlaps another, and nothing else is in the structure. */
static void
compact_fields_tile_compact_struct(void **state)
{
   (void)state;
   const struct kr_limit_field *fields[KR_LIMIT_FIELD_COUNT];
   unsigned count = 0;
   for (unsigned i = 0; i < KR_LIMIT_FIELD_COUNT; i++) {
      if (is_compact(&kr_limit_fields[i]))
         fields[count++] = &kr_limit_fields[i];
   }
   assert_true(count > 0);
   assert_true(count < KR_LIMIT_FIELD_COUNT);
   qsort(fields, count, sizeof(fields[0]), compare_compact_offset);

   size_t end = 0, sizes = 0;
   for (unsigned i = 0; i < count; i++) {
      const struct kr_limit_field *f = fields[i];
      assert_true(f->compact_offset >= end);
      size_t gap = f->compact_offset - end;
      assert_true(gap < 8);
      /* A member is aligned as its element: 8 for 64-bit limits, else 4. */
      assert_int_equal(f->compact_offset % (is_wide_limit(f->name) ? 8 : 4), 0);
      sizes += f->size;
      end = f->compact_offset + f->size;
   }
   assert_true(end <= sizeof(struct kr_compact_limits));
   assert_true(sizeof(struct kr_compact_limits) - end < 8);
   /* Widest members first: no padding at all inside the compact form. */
   assert_int_equal(sizes, end);
   assert_true(sizeof(struct kr_compact_limits) < sizeof(VkPhysicalDeviceLimits));
}

static void
round_trip(uint64_t seed)
{
   struct test_random rng;
   test_random_seed(&rng, seed);
   VkPhysicalDeviceLimits full, back;
   struct kr_compact_limits compact;
   test_random_fill_nonzero(&rng, &full, sizeof(full));
   test_random_fill_nonzero(&rng, &compact, sizeof(compact));
   test_random_fill_nonzero(&rng, &back, sizeof(back));

   kr_limits_pack(&full, &compact);
   kr_limits_unpack(&compact, &back);

   static const uint8_t zero[64] = {0};
   uint8_t covered[sizeof(VkPhysicalDeviceLimits)] = {0};
   for (unsigned i = 0; i < KR_LIMIT_FIELD_COUNT; i++) {
      const struct kr_limit_field *f = &kr_limit_fields[i];
      const uint8_t *original = (const uint8_t *)&full + f->full_offset;
      const uint8_t *returned = (const uint8_t *)&back + f->full_offset;
      assert_true(f->size <= sizeof(zero));
      memset(covered + f->full_offset, 1, f->size);
      if (is_compact(f)) {
         /* Packed where the table says, then back byte for byte. */
         assert_memory_equal((const uint8_t *)&compact + f->compact_offset, original, f->size);
         assert_memory_equal(returned, original, f->size);
      } else {
         assert_memory_equal(returned, zero, f->size);
      }
   }
   /* Padding reads as zero, not as stale bytes. */
   for (size_t i = 0; i < sizeof(back); i++) {
      if (!covered[i])
         assert_int_equal(((const uint8_t *)&back)[i], 0);
   }
}

static void
pack_unpack_round_trip(void **state)
{
   (void)state;
   for (uint64_t seed = 1; seed <= 16; seed++)
      round_trip(seed * 0x100000001b3ull);
}

static void
unpack_reads_named_limits(void **state)
{
   (void)state;
   /* The same with values a program would see, read through the named members. */
   VkPhysicalDeviceLimits full;
   memset(&full, 0, sizeof(full));
   full.maxComputeWorkGroupSize[0] = 1024;
   full.maxComputeWorkGroupSize[1] = 512;
   full.maxComputeWorkGroupSize[2] = 64;
   full.maxComputeWorkGroupCount[2] = 65535;
   full.maxStorageBufferRange = 0xfffffffcu;
   full.minStorageBufferOffsetAlignment = 16;
   full.nonCoherentAtomSize = 256;
   full.timestampPeriod = 1.5f;
   full.maxViewports = 16;
   full.maxColorAttachments = 8;
   full.pointSizeRange[1] = 64.0f;

   struct kr_compact_limits compact;
   VkPhysicalDeviceLimits back;
   kr_limits_pack(&full, &compact);
   memset(&back, 0xff, sizeof(back));
   kr_limits_unpack(&compact, &back);
   assert_int_equal(compact.maxStorageBufferRange, 0xfffffffcu);
   assert_int_equal(back.maxComputeWorkGroupSize[0], 1024);
   assert_int_equal(back.maxComputeWorkGroupSize[1], 512);
   assert_int_equal(back.maxComputeWorkGroupSize[2], 64);
   assert_int_equal(back.maxComputeWorkGroupCount[2], 65535);
   assert_int_equal(back.maxStorageBufferRange, 0xfffffffcu);
   assert_int_equal(back.minStorageBufferOffsetAlignment, 16);
   assert_int_equal(back.nonCoherentAtomSize, 256);
   assert_true(back.timestampPeriod == 1.5f);
   assert_int_equal(back.maxViewports, 0);
   assert_int_equal(back.maxColorAttachments, 0);
   assert_true(back.pointSizeRange[1] == 0.0f);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(wide_limits_match_header),
      cmocka_unit_test(named_fields_match_header),
      cmocka_unit_test(names_unique),
      cmocka_unit_test(fields_tile_full_struct),
      cmocka_unit_test(compact_fields_tile_compact_struct),
      cmocka_unit_test(pack_unpack_round_trip),
      cmocka_unit_test(unpack_reads_named_limits),
   };
   return cmocka_run_group_tests_name("compact limits", tests, NULL, NULL);
}
