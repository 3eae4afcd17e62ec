/* SPDX-License-Identifier: MIT */
/* Unit tests of the compact feature form: the generated structure descriptions
 * (kr_feature_structs) against the real Vulkan structures, the bit-set operations, the graphics
 * feature mask and kr_struct_applies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kr_compact.h"
#include "test_random.h"

#define HEADER_SIZE sizeof(VkBaseOutStructure)

static size_t
align8(size_t value)
{
   return (value + 7) & ~(size_t)7;
}

static const struct kr_struct_desc *
find_by_name(const char *name)
{
   for (unsigned i = 0; i < KR_FEATURE_STRUCT_COUNT; i++) {
      if (strcmp(kr_feature_structs[i].name, name) == 0)
         return &kr_feature_structs[i];
   }
   return NULL;
}

/* The bits a structure carries. */
static struct kr_feature_set
struct_bits(const struct kr_struct_desc *desc)
{
   struct kr_feature_set bits = {{0}};
   for (unsigned i = 0; i < desc->member_count; i++)
      kr_features_set(&bits, desc->members[i].bit, true);
   return bits;
}

static uint16_t
member_offset_of_bit(const struct kr_struct_desc *desc, unsigned bit)
{
   for (unsigned i = 0; i < desc->member_count; i++) {
      if (desc->members[i].bit == bit)
         return desc->members[i].offset;
   }
   return UINT16_MAX;
}

static void
sizes_match_named_types(void **state)
{
   (void)state;
   static const struct {
      VkStructureType type;
      size_t size;
   } named[] = {
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
       sizeof(VkPhysicalDeviceVulkan11Features)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
       sizeof(VkPhysicalDeviceVulkan12Features)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
       sizeof(VkPhysicalDeviceVulkan13Features)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
       sizeof(VkPhysicalDevice16BitStorageFeatures)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
       sizeof(VkPhysicalDeviceTimelineSemaphoreFeatures)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DESCRIPTOR_INDEXING_FEATURES,
       sizeof(VkPhysicalDeviceDescriptorIndexingFeatures)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT,
       sizeof(VkPhysicalDeviceShaderAtomicFloatFeaturesEXT)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT,
       sizeof(VkPhysicalDeviceRobustness2FeaturesEXT)},
      {VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES,
       sizeof(VkPhysicalDeviceSynchronization2Features)},
   };
   assert_string_equal(kr_feature_structs[0].name, "VkPhysicalDeviceFeatures");
   assert_int_equal(kr_feature_structs[0].sType, 0);
   assert_int_equal(kr_feature_structs[0].size, sizeof(VkPhysicalDeviceFeatures));
   for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
      const struct kr_struct_desc *desc = kr_feature_struct_find(named[i].type);
      assert_non_null(desc);
      assert_int_equal(desc->sType, named[i].type);
      assert_int_equal(desc->size, named[i].size);
   }
   assert_ptr_equal(find_by_name("VkPhysicalDeviceVulkan12Features"),
                    kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES));
   assert_ptr_equal(
      find_by_name("VkPhysicalDeviceSynchronization2Features"),
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES));
}

static void
member_offsets_match_named_members(void **state)
{
   (void)state;
   const struct kr_struct_desc *core = &kr_feature_structs[0];
   assert_int_equal(member_offset_of_bit(core, KR_FEATURE_robustBufferAccess),
                    offsetof(VkPhysicalDeviceFeatures, robustBufferAccess));
   assert_int_equal(member_offset_of_bit(core, KR_FEATURE_shaderInt64),
                    offsetof(VkPhysicalDeviceFeatures, shaderInt64));
   assert_int_equal(member_offset_of_bit(core, KR_FEATURE_inheritedQueries),
                    offsetof(VkPhysicalDeviceFeatures, inheritedQueries));

   const struct kr_struct_desc *v12 =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
   assert_int_equal(member_offset_of_bit(v12, KR_FEATURE_timelineSemaphore),
                    offsetof(VkPhysicalDeviceVulkan12Features, timelineSemaphore));
   assert_int_equal(member_offset_of_bit(v12, KR_FEATURE_bufferDeviceAddress),
                    offsetof(VkPhysicalDeviceVulkan12Features, bufferDeviceAddress));

   /* A promoted structure carries the bits of VkPhysicalDeviceVulkan1xFeatures. */
   const struct kr_struct_desc *timeline =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES);
   assert_int_equal(timeline->member_count, 1);
   assert_int_equal(timeline->members[0].bit, KR_FEATURE_timelineSemaphore);
   assert_int_equal(timeline->members[0].offset,
                    offsetof(VkPhysicalDeviceTimelineSemaphoreFeatures, timelineSemaphore));
   const struct kr_struct_desc *storage16 =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
   assert_int_equal(member_offset_of_bit(storage16, KR_FEATURE_storageBuffer16BitAccess),
                    offsetof(VkPhysicalDevice16BitStorageFeatures, storageBuffer16BitAccess));
   assert_int_equal(member_offset_of_bit(storage16, KR_FEATURE_storageInputOutput16),
                    offsetof(VkPhysicalDevice16BitStorageFeatures, storageInputOutput16));
}

/* Every feature structure is the sType/pNext header followed by its VkBool32 members; the
 * description must list each member exactly once, inside the structure. */
static void
every_struct_is_fully_described(void **state)
{
   (void)state;
   for (unsigned s = 0; s < KR_FEATURE_STRUCT_COUNT; s++) {
      const struct kr_struct_desc *desc = &kr_feature_structs[s];
      size_t header = s == 0 ? 0 : HEADER_SIZE;
      assert_non_null(desc->name);
      assert_true(desc->member_count > 0);
      if (s == 0)
         assert_int_equal(desc->size, desc->member_count * sizeof(VkBool32));
      else
         assert_int_equal(desc->size, align8(header + desc->member_count * sizeof(VkBool32)));
      uint8_t seen[4096] = {0};
      assert_true(desc->size <= sizeof(seen));
      for (unsigned m = 0; m < desc->member_count; m++) {
         const struct kr_feature_member *member = &desc->members[m];
         assert_true(member->offset >= header);
         assert_true(member->offset + sizeof(VkBool32) <= desc->size);
         assert_int_equal(member->offset % 4, 0);
         assert_int_equal(seen[member->offset], 0); /* no two members at one place */
         seen[member->offset] = 1;
         assert_true(member->bit < KR_FEATURE_COUNT);
         for (unsigned other = 0; other < m; other++)
            assert_int_not_equal(desc->members[other].bit, member->bit);
      }
   }
}

static void
struct_types_unique_and_found(void **state)
{
   (void)state;
   for (unsigned s = 1; s < KR_FEATURE_STRUCT_COUNT; s++) {
      assert_int_not_equal(kr_feature_structs[s].sType, 0);
      assert_ptr_equal(kr_feature_struct_find(kr_feature_structs[s].sType),
                       &kr_feature_structs[s]);
      for (unsigned t = s + 1; t < KR_FEATURE_STRUCT_COUNT; t++)
         assert_int_not_equal(kr_feature_structs[s].sType, kr_feature_structs[t].sType);
   }
   assert_null(kr_feature_struct_find(0));
   assert_null(kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2));
   assert_null(kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES));
   assert_null(kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MESH_SHADER_FEATURES_EXT));
   assert_null(kr_feature_struct_find(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TRANSFORM_FEEDBACK_FEATURES_EXT));
}

static void
every_bit_has_an_owner_and_a_name(void **state)
{
   (void)state;
   struct kr_feature_set owned = {{0}};
   for (unsigned s = 0; s < KR_FEATURE_STRUCT_COUNT; s++) {
      struct kr_feature_set bits = struct_bits(&kr_feature_structs[s]);
      for (unsigned w = 0; w < KR_FEATURE_WORDS; w++)
         owned.words[w] |= bits.words[w];
   }
   for (unsigned bit = 0; bit < KR_FEATURE_COUNT; bit++) {
      assert_true(kr_features_test(&owned, bit));
      assert_non_null(kr_feature_names[bit]);
   }
   assert_string_equal(kr_feature_names[KR_FEATURE_geometryShader], "geometryShader");
   assert_string_equal(kr_feature_names[KR_FEATURE_shaderInt64], "shaderInt64");
   assert_string_equal(kr_feature_names[KR_FEATURE_timelineSemaphore], "timelineSemaphore");
   assert_string_equal(kr_feature_names[KR_FEATURE_synchronization2], "synchronization2");
}

/* Writes a random bit set into a structure and reads it back: exactly the structure's bits
 * survive, each member is VK_TRUE or VK_FALSE, and the header is untouched. */
static void
struct_round_trip(const struct kr_struct_desc *desc, struct test_random *rng)
{
   uint8_t buffer[4096];
   uint8_t before[4096];
   assert_true(desc->size <= sizeof(buffer));
   test_random_fill_nonzero(rng, buffer, desc->size);
   memcpy(before, buffer, desc->size);

   struct kr_feature_set random_set, expected, got = {{0}};
   test_random_fill(rng, &random_set, sizeof(random_set));
   struct kr_feature_set mask = struct_bits(desc);
   for (unsigned w = 0; w < KR_FEATURE_WORDS; w++)
      expected.words[w] = random_set.words[w] & mask.words[w];

   kr_features_write_struct(desc, &random_set, buffer);
   for (unsigned m = 0; m < desc->member_count; m++) {
      VkBool32 value;
      memcpy(&value, buffer + desc->members[m].offset, sizeof(value));
      assert_true(value == VK_TRUE || value == VK_FALSE);
      assert_int_equal(value, kr_features_test(&random_set, desc->members[m].bit));
   }
   if (desc->sType)
      assert_memory_equal(buffer, before, HEADER_SIZE);

   kr_features_read_struct(desc, buffer, &got);
   assert_memory_equal(&got, &expected, sizeof(got));
}

static void
write_read_round_trip(void **state)
{
   (void)state;
   struct test_random rng;
   test_random_seed(&rng, 0xfeedbeef);
   for (unsigned s = 0; s < KR_FEATURE_STRUCT_COUNT; s++) {
      for (unsigned round = 0; round < 8; round++)
         struct_round_trip(&kr_feature_structs[s], &rng);
   }
}

static void
read_struct_ors_into_set(void **state)
{
   (void)state;
   VkPhysicalDeviceTimelineSemaphoreFeatures timeline = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
      .timelineSemaphore = VK_FALSE,
   };
   const struct kr_struct_desc *desc = kr_feature_struct_find(timeline.sType);
   struct kr_feature_set set = {{0}};
   kr_features_set(&set, KR_FEATURE_shaderInt64, true);
   kr_features_set(&set, KR_FEATURE_timelineSemaphore, true);
   /* VK_FALSE members do not clear bits already set. */
   kr_features_read_struct(desc, &timeline, &set);
   assert_true(kr_features_test(&set, KR_FEATURE_shaderInt64));
   assert_true(kr_features_test(&set, KR_FEATURE_timelineSemaphore));
}

static void
graphics_mask(void **state)
{
   (void)state;
   static const unsigned graphics[] = {
      KR_FEATURE_geometryShader, KR_FEATURE_tessellationShader, KR_FEATURE_multiViewport,
      KR_FEATURE_wideLines,      KR_FEATURE_fillModeNonSolid,   KR_FEATURE_dualSrcBlend,
      KR_FEATURE_multiview,      KR_FEATURE_dynamicRendering,   KR_FEATURE_drawIndirectCount,
   };
   static const unsigned compute[] = {
      KR_FEATURE_shaderInt64,           KR_FEATURE_shaderFloat64,
      KR_FEATURE_robustBufferAccess,    KR_FEATURE_shaderInt16,
      KR_FEATURE_timelineSemaphore,     KR_FEATURE_bufferDeviceAddress,
      KR_FEATURE_synchronization2,      KR_FEATURE_storageBuffer16BitAccess,
      KR_FEATURE_vulkanMemoryModel,     KR_FEATURE_subgroupSizeControl,
      KR_FEATURE_shaderStorageBufferArrayDynamicIndexing,
   };
   for (size_t i = 0; i < sizeof(graphics) / sizeof(graphics[0]); i++)
      assert_true(kr_features_test(&kr_graphics_features, graphics[i]));
   for (size_t i = 0; i < sizeof(compute) / sizeof(compute[0]); i++)
      assert_false(kr_features_test(&kr_graphics_features, compute[i]));
   /* No bit beyond the last feature. */
   for (unsigned bit = KR_FEATURE_COUNT; bit < KR_FEATURE_WORDS * 64; bit++)
      assert_false(kr_features_test(&kr_graphics_features, bit));
}

static void
set_test_remove(void **state)
{
   (void)state;
   struct kr_feature_set set = {{0}};
   for (unsigned bit = 0; bit < KR_FEATURE_COUNT; bit += 3)
      kr_features_set(&set, bit, true);
   for (unsigned bit = 0; bit < KR_FEATURE_COUNT; bit++)
      assert_int_equal(kr_features_test(&set, bit), bit % 3 == 0);
   kr_features_set(&set, 0, false);
   assert_false(kr_features_test(&set, 0));
   assert_true(kr_features_test(&set, 3));

   struct kr_feature_set mask = {{0}};
   kr_features_set(&mask, 3, true);
   kr_features_set(&mask, 4, true);
   kr_features_remove(&set, &mask);
   assert_false(kr_features_test(&set, 3));
   assert_false(kr_features_test(&set, 4));
   assert_true(kr_features_test(&set, 6));
}

static void
first_missing(void **state)
{
   (void)state;
   struct kr_feature_set want = {{0}}, have = {{0}};
   assert_int_equal(kr_features_first_missing(&want, &have), -1);

   kr_features_set(&have, KR_FEATURE_shaderInt64, true);
   kr_features_set(&have, KR_FEATURE_COUNT - 1, true);
   assert_int_equal(kr_features_first_missing(&want, &have), -1);
   want = have;
   assert_int_equal(kr_features_first_missing(&want, &have), -1);

   /* The lowest missing bit, in whichever word it is. */
   kr_features_set(&want, KR_FEATURE_COUNT - 2, true);
   assert_int_equal(kr_features_first_missing(&want, &have), KR_FEATURE_COUNT - 2);
   kr_features_set(&want, 70, true);
   assert_int_equal(kr_features_first_missing(&want, &have), 70);
   kr_features_set(&want, KR_FEATURE_geometryShader, true);
   assert_int_equal(kr_features_first_missing(&want, &have), KR_FEATURE_geometryShader);
   kr_features_set(&have, KR_FEATURE_geometryShader, true);
   kr_features_set(&have, 70, true);
   kr_features_set(&have, KR_FEATURE_COUNT - 2, true);
   assert_int_equal(kr_features_first_missing(&want, &have), -1);
}

/* --- kr_struct_applies ------------------------------------------------------------------- */

static struct kr_extension_set
no_extensions(void)
{
   struct kr_extension_set set = {{0}};
   return set;
}

static struct kr_extension_set
one_extension(unsigned ext)
{
   struct kr_extension_set set = {{0}};
   kr_extensions_add(&set, ext);
   return set;
}

#define V(major, minor, patch) VK_MAKE_API_VERSION(0, major, minor, patch)

static void
applies_promoted_struct(void **state)
{
   (void)state;
   const struct kr_struct_desc *storage16 =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
   struct kr_extension_set none = no_extensions();
   struct kr_extension_set ext = one_extension(KR_EXT_KHR_16bit_storage);
   /* Core in 1.1; from 1.2 VkPhysicalDeviceVulkan11Features carries its bits. */
   assert_true(kr_struct_applies(storage16, V(1, 1, 0), &none));
   assert_true(kr_struct_applies(storage16, V(1, 1, 4095), &none));
   assert_false(kr_struct_applies(storage16, V(1, 2, 0), &none));
   assert_false(kr_struct_applies(storage16, V(1, 2, 0), &ext));
   assert_false(kr_struct_applies(storage16, V(1, 3, 250), &ext));
   assert_false(kr_struct_applies(storage16, V(1, 0, 0), &none));

   const struct kr_struct_desc *sync2 =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES);
   struct kr_extension_set sync2_ext = one_extension(KR_EXT_KHR_synchronization2);
   assert_false(kr_struct_applies(sync2, V(1, 2, 0), &none));
   assert_true(kr_struct_applies(sync2, V(1, 2, 0), &sync2_ext));
   assert_false(kr_struct_applies(sync2, V(1, 3, 0), &sync2_ext));
}

static void
applies_vulkan1x_struct(void **state)
{
   (void)state;
   struct kr_extension_set none = no_extensions();
   const struct kr_struct_desc *v11 =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES);
   const struct kr_struct_desc *v12 =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
   const struct kr_struct_desc *v13 =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
   assert_false(kr_struct_applies(v11, V(1, 1, 300), &none));
   assert_true(kr_struct_applies(v11, V(1, 2, 0), &none));
   assert_false(kr_struct_applies(v12, V(1, 1, 0), &none));
   assert_true(kr_struct_applies(v12, V(1, 3, 0), &none));
   /* Patch numbers do not count: 1.2.4095 is still 1.2, 1.3.0 is 1.3. */
   assert_false(kr_struct_applies(v13, V(1, 2, 4095), &none));
   assert_true(kr_struct_applies(v13, V(1, 3, 0), &none));
   assert_true(kr_struct_applies(v13, V(1, 3, 275), &none));
   assert_true(kr_struct_applies(v13, V(1, 4, 0), &none));
}

static void
applies_extension_struct(void **state)
{
   (void)state;
   const struct kr_struct_desc *atomic_float =
      kr_feature_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT);
   assert_int_equal(atomic_float->extension, KR_EXT_EXT_shader_atomic_float);
   struct kr_extension_set none = no_extensions();
   struct kr_extension_set ext = one_extension(KR_EXT_EXT_shader_atomic_float);
   struct kr_extension_set other = one_extension(KR_EXT_EXT_shader_atomic_float2);
   assert_false(kr_struct_applies(atomic_float, V(1, 3, 0), &none));
   assert_false(kr_struct_applies(atomic_float, V(1, 3, 0), &other));
   assert_true(kr_struct_applies(atomic_float, V(1, 1, 0), &ext));
   assert_true(kr_struct_applies(atomic_float, V(1, 3, 0), &ext));
}

static void
extension_index(void **state)
{
   (void)state;
   assert_int_equal(kr_device_extension_index("VK_KHR_16bit_storage"), KR_EXT_KHR_16bit_storage);
   assert_int_equal(kr_device_extension_index("VK_KHR_synchronization2"),
                    KR_EXT_KHR_synchronization2);
   assert_int_equal(kr_device_extension_index("VK_KHR_swapchain"), -1);
   assert_int_equal(kr_device_extension_index("VK_EXT_mesh_shader"), -1);
   assert_int_equal(kr_device_extension_index("VK_KHR_16bit_storag"), -1);
   for (int i = 0; i < KR_DEVICE_EXTENSION_COUNT; i++) {
      assert_int_equal(kr_device_extension_index(kr_device_extensions[i].name), i);
      assert_true(kr_device_extensions[i].spec_version > 0);
      assert_null(strstr(kr_device_extensions[i].name, "swapchain"));
   }
}

/* The vendor instance asks for the application's version, at least 1.3 (what Kronos's batching
 * uses) and at most what the vendor and Kronos know; patch numbers pass as given. */
static void
vendor_instance_version(void **state)
{
   (void)state;
   const uint32_t ceiling14 = V(1, 4, 309), ceiling13 = V(1, 3, 239);
   assert_int_equal(kr_vendor_instance_version(V(1, 3, 0), ceiling14), V(1, 3, 0));
   assert_int_equal(kr_vendor_instance_version(V(1, 4, 0), ceiling14), V(1, 4, 0));
   assert_int_equal(kr_vendor_instance_version(V(1, 1, 0), ceiling14), V(1, 3, 0));
   assert_int_equal(kr_vendor_instance_version(V(1, 0, 0), ceiling14), V(1, 3, 0));
   assert_int_equal(kr_vendor_instance_version(V(1, 5, 0), ceiling14), ceiling14);
   assert_int_equal(kr_vendor_instance_version(V(1, 4, 0), ceiling13), ceiling13);
   /* A variant is compared without its bits (Vulkan SC's 1.3 is 1.3 here). */
   assert_int_equal(kr_vendor_instance_version(VK_MAKE_API_VERSION(1, 1, 3, 0), ceiling14),
                    V(1, 3, 0));
   assert_int_equal(kr_vendor_instance_version(VK_MAKE_API_VERSION(1, 1, 4, 0), ceiling14),
                    V(1, 4, 0));
   /* A vendor below 1.3: what it has (Kronos then does without batching). */
   assert_int_equal(kr_vendor_instance_version(V(1, 3, 0), V(1, 2, 198)), V(1, 2, 198));
}

/* What a vendor feature chain carries: VkPhysicalDeviceFeatures always; a structure's members
 * where its version or an enabled extension provides it. */
static void
features_carried(void **state)
{
   (void)state;
   struct kr_extension_set none = no_extensions();
   struct kr_extension_set atomic = one_extension(KR_EXT_EXT_shader_atomic_float);
   struct kr_feature_set carried;
   kr_features_carried(V(1, 1, 0), &none, &carried);
   assert_true(kr_features_test(&carried, KR_FEATURE_shaderInt64));
   assert_false(kr_features_test(&carried, KR_FEATURE_timelineSemaphore));
   assert_false(kr_features_test(&carried, KR_FEATURE_ShaderAtomicFloatEXT_shaderBufferFloat32Atomics));
   kr_features_carried(V(1, 2, 0), &none, &carried);
   assert_true(kr_features_test(&carried, KR_FEATURE_timelineSemaphore));
   assert_false(kr_features_test(&carried, KR_FEATURE_synchronization2));
   kr_features_carried(V(1, 3, 0), &atomic, &carried);
   assert_true(kr_features_test(&carried, KR_FEATURE_synchronization2));
   assert_true(kr_features_test(&carried, KR_FEATURE_ShaderAtomicFloatEXT_shaderBufferFloat32Atomics));
}

/* A device's functionality under an instance: the lower major.minor; the device's patch where
 * the device's is the lower or the same. */
static void
effective_api_version(void **state)
{
   (void)state;
   assert_int_equal(kr_effective_api_version(V(1, 3, 0), V(1, 4, 309)), V(1, 3, 0));
   assert_int_equal(kr_effective_api_version(V(1, 3, 250), V(1, 4, 309)), V(1, 3, 0));
   assert_int_equal(kr_effective_api_version(V(1, 4, 0), V(1, 4, 309)), V(1, 4, 309));
   assert_int_equal(kr_effective_api_version(V(1, 4, 0), V(1, 3, 275)), V(1, 3, 275));
   assert_int_equal(kr_effective_api_version(V(1, 3, 239), V(1, 3, 275)), V(1, 3, 275));
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(vendor_instance_version),
      cmocka_unit_test(effective_api_version),
      cmocka_unit_test(features_carried),
      cmocka_unit_test(sizes_match_named_types),
      cmocka_unit_test(member_offsets_match_named_members),
      cmocka_unit_test(every_struct_is_fully_described),
      cmocka_unit_test(struct_types_unique_and_found),
      cmocka_unit_test(every_bit_has_an_owner_and_a_name),
      cmocka_unit_test(write_read_round_trip),
      cmocka_unit_test(read_struct_ors_into_set),
      cmocka_unit_test(graphics_mask),
      cmocka_unit_test(set_test_remove),
      cmocka_unit_test(first_missing),
      cmocka_unit_test(applies_promoted_struct),
      cmocka_unit_test(applies_vulkan1x_struct),
      cmocka_unit_test(applies_extension_struct),
      cmocka_unit_test(extension_index),
   };
   return cmocka_run_group_tests_name("compact features", tests, NULL, NULL);
}
