/* SPDX-License-Identifier: MIT */
/* Unit tests of whole feature and property chains (src/kr_struct_chain.h): the chain Kronos
 * builds for a vendor of each API version is valid (each structure once, no two carrying the
 * same feature), complete, zeroed, and round-trips a feature set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_alloc.h"
#include "kr_struct_chain.h"
#include "test_random.h"

#define V(major, minor, patch) VK_MAKE_API_VERSION(0, major, minor, patch)

static struct kr_extension_set
all_extensions(void)
{
   struct kr_extension_set set = {{0}};
   for (unsigned i = 0; i < KR_DEVICE_EXTENSION_COUNT; i++)
      kr_extensions_add(&set, i);
   return set;
}

static bool
chain_has(const void *chain, VkStructureType type)
{
   for (const VkBaseInStructure *s = chain; s; s = s->pNext) {
      if (s->sType == type)
         return true;
   }
   return false;
}

/* The bits of every feature structure in the chain; fails if two structures carry a bit. */
static struct kr_feature_set
chain_bits(const VkPhysicalDeviceFeatures2 *chain)
{
   struct kr_feature_set bits = {{0}};
   for (const VkBaseInStructure *s = (const void *)chain; s; s = s->pNext) {
      const struct kr_struct_desc *desc = s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
                                             ? &kr_feature_structs[0]
                                             : kr_feature_struct_find(s->sType);
      assert_non_null(desc);
      for (unsigned m = 0; m < desc->member_count; m++) {
         assert_false(kr_features_test(&bits, desc->members[m].bit));
         kr_features_set(&bits, desc->members[m].bit, true);
      }
   }
   return bits;
}

/* Checks the chain for a vendor of this version: exactly the structures that apply, each once,
 * each zeroed and 8-aligned. */
static void
check_feature_chain(const VkPhysicalDeviceFeatures2 *chain, uint32_t version,
                    const struct kr_extension_set *extensions)
{
   assert_non_null(chain);
   assert_int_equal(chain->sType, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
   static const VkPhysicalDeviceFeatures zero_features;
   assert_memory_equal(&chain->features, &zero_features, sizeof(zero_features));

   unsigned length = 0;
   for (const VkBaseInStructure *s = chain->pNext; s; s = s->pNext) {
      const struct kr_struct_desc *desc = kr_feature_struct_find(s->sType);
      assert_non_null(desc);
      assert_true(kr_struct_applies(desc, version, extensions));
      assert_int_equal((uintptr_t)s % 8, 0);
      for (size_t i = sizeof(VkBaseOutStructure); i < desc->size; i++)
         assert_int_equal(((const uint8_t *)s)[i], 0);
      for (const VkBaseInStructure *t = s->pNext; t; t = t->pNext)
         assert_int_not_equal(s->sType, t->sType);
      length++;
   }
   unsigned expected = 0;
   for (unsigned i = 1; i < KR_FEATURE_STRUCT_COUNT; i++) {
      if (kr_struct_applies(&kr_feature_structs[i], version, extensions)) {
         assert_true(chain_has(chain, kr_feature_structs[i].sType));
         expected++;
      }
   }
   assert_int_equal(length, expected);
   (void)chain_bits(chain);
}

static void
chain_for_vulkan_1_1(void **state)
{
   (void)state;
   struct kr_extension_set ext = all_extensions();
   VkPhysicalDeviceFeatures2 *chain = kr_feature_chain_create(NULL, V(1, 1, 130), &ext);
   check_feature_chain(chain, V(1, 1, 130), &ext);
   /* The 1.1 core structures, the extension ones, and nothing of 1.2. */
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES));
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES));
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES));
   kr_free(NULL, chain);
}

static void
chain_for_vulkan_1_2(void **state)
{
   (void)state;
   struct kr_extension_set ext = all_extensions();
   VkPhysicalDeviceFeatures2 *chain = kr_feature_chain_create(NULL, V(1, 2, 0), &ext);
   check_feature_chain(chain, V(1, 2, 0), &ext);
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES));
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES));
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES));
   kr_free(NULL, chain);
}

static void
chain_for_vulkan_1_3(void **state)
{
   (void)state;
   struct kr_extension_set ext = all_extensions();
   VkPhysicalDeviceFeatures2 *chain = kr_feature_chain_create(NULL, V(1, 3, 239), &ext);
   check_feature_chain(chain, V(1, 3, 239), &ext);
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES));
   assert_true(
      chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_FEATURES));
   kr_free(NULL, chain);
}

/* With every extension, every feature bit has its place in a chain of the newest version Kronos
 * offers with these headers (1.3 with Debian 12's, 1.4 with newer ones). */
static void
chain_for_newest_version(void **state)
{
   (void)state;
   struct kr_extension_set ext = all_extensions();
   VkPhysicalDeviceFeatures2 *chain = kr_feature_chain_create(NULL, KR_API_VERSION, &ext);
   check_feature_chain(chain, KR_API_VERSION, &ext);
   struct kr_feature_set bits = chain_bits(chain);
   for (unsigned bit = 0; bit < KR_FEATURE_COUNT; bit++)
      assert_true(kr_features_test(&bits, bit));
#ifdef VK_VERSION_1_4
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_4_FEATURES));
   /* promoted to 1.4: its bits are Vulkan14Features' */
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_5_FEATURES));
#endif
   kr_free(NULL, chain);
}

static void
chain_without_extensions(void **state)
{
   (void)state;
   struct kr_extension_set none = {{0}};
   VkPhysicalDeviceFeatures2 *chain = kr_feature_chain_create(NULL, V(1, 3, 0), &none);
   check_feature_chain(chain, V(1, 3, 0), &none);
   assert_false(
      chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT));
   kr_free(NULL, chain);
}

/* A random feature set written into the chain comes back as exactly its bits that the chain
 * can carry. */
static void
round_trip(uint32_t version, uint64_t seed)
{
   struct kr_extension_set ext = all_extensions();
   VkPhysicalDeviceFeatures2 *chain = kr_feature_chain_create(NULL, version, &ext);
   assert_non_null(chain);
   struct kr_feature_set carried = chain_bits(chain);

   struct test_random rng;
   test_random_seed(&rng, seed);
   for (unsigned round = 0; round < 16; round++) {
      struct kr_feature_set random_set, expected, got = {{0}};
      test_random_fill(&rng, &random_set, sizeof(random_set));
      for (unsigned w = 0; w < KR_FEATURE_WORDS; w++)
         expected.words[w] = random_set.words[w] & carried.words[w];
      kr_feature_chain_write(chain, &random_set);
      kr_feature_chain_read(chain, &got);
      assert_memory_equal(&got, &expected, sizeof(got));
   }
   kr_free(NULL, chain);
}

static void
chain_round_trips(void **state)
{
   (void)state;
   round_trip(V(1, 1, 0), 11);
   round_trip(V(1, 2, 0), 12);
   round_trip(V(1, 3, 0), 13);
}

static void
read_ignores_unknown_structures(void **state)
{
   (void)state;
   /* A VkDeviceCreateInfo-style chain: no VkPhysicalDeviceFeatures2 head, an unknown
    * (graphics) structure in the middle. */
   VkPhysicalDeviceVulkan13Features v13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = VK_TRUE,
   };
   VkPhysicalDeviceMeshShaderFeaturesEXT mesh = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MESH_SHADER_FEATURES_EXT,
      .pNext = &v13,
      .taskShader = VK_TRUE,
      .meshShader = VK_TRUE,
      .multiviewMeshShader = VK_TRUE,
      .primitiveFragmentShadingRateMeshShader = VK_TRUE,
      .meshShaderQueries = VK_TRUE,
   };
   VkPhysicalDeviceVulkan12Features v12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &mesh,
      .timelineSemaphore = VK_TRUE,
      .bufferDeviceAddress = VK_TRUE,
   };
   struct kr_feature_set got = {{0}}, expected = {{0}};
   kr_feature_chain_read(&v12, &got);
   kr_features_set(&expected, KR_FEATURE_timelineSemaphore, true);
   kr_features_set(&expected, KR_FEATURE_bufferDeviceAddress, true);
   kr_features_set(&expected, KR_FEATURE_synchronization2, true);
   assert_memory_equal(&got, &expected, sizeof(got));

   /* Writing leaves the unknown structure as it was. */
   VkPhysicalDeviceMeshShaderFeaturesEXT mesh_before = mesh;
   struct kr_feature_set none = {{0}};
   kr_feature_chain_write(&v12, &none);
   assert_memory_equal(&mesh, &mesh_before, sizeof(mesh));
   assert_int_equal(v12.timelineSemaphore, VK_FALSE);
   assert_int_equal(v13.synchronization2, VK_FALSE);
   assert_ptr_equal(v12.pNext, &mesh);
   assert_ptr_equal(mesh.pNext, &v13);
}

static void
write_fills_features2_head(void **state)
{
   (void)state;
   VkPhysicalDeviceFeatures2 head = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
   struct kr_feature_set set = {{0}};
   kr_features_set(&set, KR_FEATURE_shaderInt64, true);
   kr_features_set(&set, KR_FEATURE_shaderFloat64, true);
   kr_feature_chain_write(&head, &set);
   assert_int_equal(head.features.shaderInt64, VK_TRUE);
   assert_int_equal(head.features.shaderFloat64, VK_TRUE);
   assert_int_equal(head.features.geometryShader, VK_FALSE);
   assert_int_equal(head.sType, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
   assert_null(head.pNext);
   struct kr_feature_set got = {{0}};
   kr_feature_chain_read(&head, &got);
   assert_memory_equal(&got, &set, sizeof(got));
}

static void
property_chain(void **state)
{
   (void)state;
   struct kr_extension_set ext = all_extensions();
   VkPhysicalDeviceProperties2 *chain = kr_property_chain_create(NULL, KR_API_VERSION, &ext);
   assert_non_null(chain);
   assert_int_equal(chain->sType, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
   unsigned length = 0;
   for (const VkBaseInStructure *s = chain->pNext; s; s = s->pNext) {
      const struct kr_struct_desc *desc = kr_property_struct_find(s->sType);
      assert_non_null(desc);
      assert_int_equal((uintptr_t)s % 8, 0);
      for (const VkBaseInStructure *t = s->pNext; t; t = t->pNext)
         assert_int_not_equal(s->sType, t->sType);
      length++;
   }
   assert_int_equal(length, KR_PROPERTY_STRUCT_COUNT);
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES));
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES));
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES));
   assert_int_equal(kr_property_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES)
                       ->size,
                    sizeof(VkPhysicalDeviceDriverProperties));
   assert_int_equal(kr_property_struct_find(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES)->size,
                    sizeof(VkPhysicalDeviceIDProperties));
   kr_free(NULL, chain);

   struct kr_extension_set none = {{0}};
   chain = kr_property_chain_create(NULL, V(1, 1, 0), &none);
   assert_non_null(chain);
   assert_true(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES));
   assert_false(chain_has(chain, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES));
   kr_free(NULL, chain);
}

/* --- allocation callbacks ------------------------------------------------------------------ */

struct counts {
   unsigned allocations;
   unsigned frees;
   size_t last_alignment;
};

static void *VKAPI_PTR
count_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)scope;
   struct counts *c = user;
   c->allocations++;
   c->last_alignment = alignment;
   return aligned_alloc(alignment < sizeof(void *) ? sizeof(void *) : alignment,
                        (size + alignment - 1) / alignment * alignment);
}

static void *VKAPI_PTR
count_realloc(void *user, void *original, size_t size, size_t alignment,
              VkSystemAllocationScope scope)
{
   (void)user;
   (void)original;
   (void)size;
   (void)alignment;
   (void)scope;
   fail_msg("reallocation not expected");
   return NULL;
}

static void VKAPI_PTR
count_free(void *user, void *memory)
{
   struct counts *c = user;
   if (memory)
      c->frees++;
   free(memory);
}

static void
chain_uses_callbacks(void **state)
{
   (void)state;
   struct counts counts = {0};
   const VkAllocationCallbacks callbacks = {
      .pUserData = &counts,
      .pfnAllocation = count_alloc,
      .pfnReallocation = count_realloc,
      .pfnFree = count_free,
   };
   struct kr_extension_set ext = all_extensions();
   VkPhysicalDeviceFeatures2 *chain = kr_feature_chain_create(&callbacks, V(1, 3, 0), &ext);
   assert_non_null(chain);
   assert_int_equal(counts.allocations, 1);
   assert_true(counts.last_alignment >= 8);
   kr_free(&callbacks, chain);
   assert_int_equal(counts.frees, 1);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(chain_for_vulkan_1_1),
      cmocka_unit_test(chain_for_vulkan_1_2),
      cmocka_unit_test(chain_for_vulkan_1_3),
      cmocka_unit_test(chain_for_newest_version),
      cmocka_unit_test(chain_without_extensions),
      cmocka_unit_test(chain_round_trips),
      cmocka_unit_test(read_ignores_unknown_structures),
      cmocka_unit_test(write_fills_features2_head),
      cmocka_unit_test(property_chain),
      cmocka_unit_test(chain_uses_callbacks),
   };
   return cmocka_run_group_tests_name("struct chain", tests, NULL, NULL);
}
