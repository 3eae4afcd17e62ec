/* SPDX-License-Identifier: MIT */
/* VK_KHR_maintenance6's info-structure commands (issue 15) on the vendor's device and on Kronos's
 * over it, one process, bit-identical results, and Kronos's optimizations seeing them as the
 * older commands:
 *  - bind2: vkCmdPushConstants2KHR and vkCmdBindDescriptorSets2KHR, SAXPY twice on one set with
 *    a barrier between (a real dependency: y is read and written), then on a second set of other
 *    buffers with a barrier before it that orders nothing: Kronos binds cached vendor sets (no
 *    vendor descriptor write after the first bind of each content), keeps the barrier the
 *    dependency needs and merges the other into the last one;
 *  - push2: vkCmdPushDescriptorSet2KHR into a push-descriptor layout (Kronos forwards pushes,
 *    counted as such);
 *  - legacy_equal: the same recording with vkCmdBindDescriptorSets and vkCmdPushConstants gives
 *    the same result and the same Kronos counts as bind2;
 *  - stage_all: bind2 with VK_SHADER_STAGE_ALL binds for compute alone, as bind2 did.
 * Skipped (exit 77) where the headers or either device lack VK_KHR_maintenance6 or
 * VK_KHR_push_descriptor (Debian 12's headers, lavapipe 22.3); CI runs it over Mesa 25. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"
#include "saxpy_spv.h"

#ifndef VK_KHR_maintenance6

int
main(void)
{
   printf("SKIP: built with Vulkan headers that predate VK_KHR_maintenance6\n");
   return 77;
}

#else

#define WORDS 1024u
#define GROUPS (WORDS / 256u)
#define WATCHDOG_S 60u

enum { VENDOR, KRONOS, SIDES };

struct side {
   const char *label;
   VkPhysicalDevice physical;
   VkDevice device;
   VkQueue queue;
   VkCommandPool pool;
   VkDescriptorSetLayout set_layout, push_set_layout;
   VkPipelineLayout layout, push_layout;
   VkPipeline pipeline, push_pipeline;
   VkDescriptorPool descriptor_pool;
   VkDescriptorSet sets[2];
   struct it_host_buffer x[2], y[2];
   PFN_vkCmdBindDescriptorSets2KHR bind2;
   PFN_vkCmdPushConstants2KHR push_constants2;
   PFN_vkCmdPushDescriptorSet2KHR push_descriptors2;
};

static VkInstance instance;
static struct side sides[SIDES] = {{.label = "vendor"}, {.label = "kronos"}};

struct saxpy_push {
   uint32_t n;
   float a;
};

static const char *const extensions[] = {VK_KHR_MAINTENANCE_6_EXTENSION_NAME,
                                         VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME};

static float
x_value(uint32_t buffer, uint32_t i)
{
   return (float)((i * 7u + buffer * 13u) % 64u) * 0.25f;
}

static float
y_value(uint32_t buffer, uint32_t i)
{
   return (float)((i * 3u + buffer) % 32u) - 8.0f;
}

/* Refills the inputs (both buffers of both pairs). */
static void
fill(struct side *s)
{
   for (uint32_t b = 0; b < 2; b++) {
      float *x = s->x[b].data, *y = s->y[b].data;
      for (uint32_t i = 0; i < WORDS; i++) {
         x[i] = x_value(b, i);
         y[i] = y_value(b, i);
      }
   }
}

static VkResult
open_side(struct side *s)
{
   uint32_t family = it_compute_family(s->physical);
   VkPhysicalDeviceMaintenance6FeaturesKHR maintenance6 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_6_FEATURES_KHR,
      .maintenance6 = VK_TRUE,
   };
   VkResult r = it_create_device_queue_pool(s->physical, family, &maintenance6, extensions, 2,
                                            NULL, &s->device, &s->queue, &s->pool);
   if (r != VK_SUCCESS)
      return r;
   s->bind2 = (PFN_vkCmdBindDescriptorSets2KHR)vkGetDeviceProcAddr(
      s->device, "vkCmdBindDescriptorSets2KHR");
   s->push_constants2 =
      (PFN_vkCmdPushConstants2KHR)vkGetDeviceProcAddr(s->device, "vkCmdPushConstants2KHR");
   s->push_descriptors2 = (PFN_vkCmdPushDescriptorSet2KHR)vkGetDeviceProcAddr(
      s->device, "vkCmdPushDescriptorSet2KHR");
   if (!s->bind2 || !s->push_constants2 || !s->push_descriptors2) {
      fprintf(stderr, "  %s: a VK_KHR_maintenance6 command is missing\n", s->label);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   VkShaderModule module = VK_NULL_HANDLE;
   r = it_create_shader_module(s->device, saxpy_spv, saxpy_spv_size, &module);
   if (r == VK_SUCCESS)
      r = it_create_set_layout(s->device, 0, NULL, bindings, 2, &s->set_layout);
   if (r == VK_SUCCESS)
      r = it_create_set_layout(s->device,
                               VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR, NULL,
                               bindings, 2, &s->push_set_layout);
   if (r == VK_SUCCESS)
      r = it_create_pipeline_layout(s->device, &s->set_layout, 1, sizeof(struct saxpy_push),
                                    &s->layout);
   if (r == VK_SUCCESS)
      r = it_create_pipeline_layout(s->device, &s->push_set_layout, 1,
                                    sizeof(struct saxpy_push), &s->push_layout);
   if (r == VK_SUCCESS)
      r = it_create_compute_pipeline(s->device, module, s->layout, &s->pipeline);
   if (r == VK_SUCCESS)
      r = it_create_compute_pipeline(s->device, module, s->push_layout, &s->push_pipeline);
   if (module)
      vkDestroyShaderModule(s->device, module, NULL);
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4};
   if (r == VK_SUCCESS)
      r = it_create_descriptor_pool(s->device, 0, 2, &size, 1, NULL, &s->descriptor_pool);
   const VkDescriptorSetLayout layouts[2] = {s->set_layout, s->set_layout};
   if (r == VK_SUCCESS)
      r = it_allocate_sets(s->device, s->descriptor_pool, layouts, 2, s->sets);
   for (uint32_t b = 0; b < 2 && r == VK_SUCCESS; b++) {
      r = it_host_buffer_create(s->physical, s->device, WORDS * 4,
                                VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &s->x[b]);
      if (r == VK_SUCCESS)
         r = it_host_buffer_create(s->physical, s->device, WORDS * 4,
                                   VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &s->y[b]);
      if (r == VK_SUCCESS) {
         const VkDescriptorBufferInfo infos[2] = {{s->x[b].buffer, 0, VK_WHOLE_SIZE},
                                                  {s->y[b].buffer, 0, VK_WHOLE_SIZE}};
         it_write_storage_buffers(s->device, s->sets[b], infos, 2);
      }
   }
   return r;
}

static void
close_side(struct side *s)
{
   if (!s->device)
      return;
   vkDeviceWaitIdle(s->device);
   for (uint32_t b = 0; b < 2; b++) {
      it_host_buffer_destroy(s->device, &s->y[b]);
      it_host_buffer_destroy(s->device, &s->x[b]);
   }
   vkDestroyDescriptorPool(s->device, s->descriptor_pool, NULL);
   vkDestroyPipeline(s->device, s->push_pipeline, NULL);
   vkDestroyPipeline(s->device, s->pipeline, NULL);
   vkDestroyPipelineLayout(s->device, s->push_layout, NULL);
   vkDestroyPipelineLayout(s->device, s->layout, NULL);
   vkDestroyDescriptorSetLayout(s->device, s->push_set_layout, NULL);
   vkDestroyDescriptorSetLayout(s->device, s->set_layout, NULL);
   vkDestroyCommandPool(s->device, s->pool, NULL);
   vkDestroyDevice(s->device, NULL);
   memset(s, 0, sizeof(*s));
}

static void
push_constants(const struct side *s, VkCommandBuffer cmd, bool info_form, VkPipelineLayout layout,
               float a)
{
   const struct saxpy_push push = {.n = WORDS, .a = a};
   if (!info_form) {
      vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), &push);
      return;
   }
   const VkPushConstantsInfoKHR info = {
      .sType = VK_STRUCTURE_TYPE_PUSH_CONSTANTS_INFO_KHR,
      .layout = layout,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
      .offset = 0,
      .size = sizeof(push),
      .pValues = &push,
   };
   s->push_constants2(cmd, &info);
}

/* The stages the info-structure binds name (stage_all: every stage). */
static VkShaderStageFlags bind_stages = VK_SHADER_STAGE_COMPUTE_BIT;

static void
bind_set(const struct side *s, VkCommandBuffer cmd, bool info_form, VkDescriptorSet set)
{
   if (!info_form) {
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->layout, 0, 1, &set, 0,
                              NULL);
      return;
   }
   const VkBindDescriptorSetsInfoKHR info = {
      .sType = VK_STRUCTURE_TYPE_BIND_DESCRIPTOR_SETS_INFO_KHR,
      .stageFlags = bind_stages,
      .layout = s->layout,
      .firstSet = 0,
      .descriptorSetCount = 1,
      .pDescriptorSets = &set,
   };
   s->bind2(cmd, &info);
}

/* y0 = 2 x0 + y0 twice (dependent: a barrier between), then y1 = 0.5 x1 + y1 after a barrier
 * that orders nothing (other buffers); every output word into out (both y buffers). */
static bool
run_binds(struct side *s, bool info_form, uint32_t *out, VkKronosDeviceStatistics *delta)
{
   fill(s);
   VkKronosDeviceStatistics before = {0}, after = {0};
   it_device_statistics(s->device, &before);
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   if (it_begin_primary(s->device, s->pool, 0, &cmd) != VK_SUCCESS)
      return false;
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->pipeline);
   push_constants(s, cmd, info_form, s->layout, 2.0f);
   bind_set(s, cmd, info_form, s->sets[0]);
   vkCmdDispatch(cmd, GROUPS, 1, 1);
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                     VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   bind_set(s, cmd, info_form, s->sets[0]);
   vkCmdDispatch(cmd, GROUPS, 1, 1);
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                     VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   push_constants(s, cmd, info_form, s->layout, 0.5f);
   bind_set(s, cmd, info_form, s->sets[1]);
   vkCmdDispatch(cmd, GROUPS, 1, 1);
   it_barrier_to_host(cmd);
   bool ok = vkEndCommandBuffer(cmd) == VK_SUCCESS &&
             it_submit_wait(s->device, s->queue, 1, &cmd) == VK_SUCCESS;
   vkFreeCommandBuffers(s->device, s->pool, 1, &cmd);
   it_device_statistics(s->device, &after);
   memcpy(out, s->y[0].data, WORDS * 4);
   memcpy(out + WORDS, s->y[1].data, WORDS * 4);
   *delta = (VkKronosDeviceStatistics){
      .app_barriers = after.app_barriers - before.app_barriers,
      .vendor_barriers = after.vendor_barriers - before.vendor_barriers,
      .barriers_dropped = after.barriers_dropped - before.barriers_dropped,
      .vendor_descriptor_writes = after.vendor_descriptor_writes - before.vendor_descriptor_writes,
      .descriptor_cache_hits = after.descriptor_cache_hits - before.descriptor_cache_hits,
      .descriptor_cache_misses = after.descriptor_cache_misses - before.descriptor_cache_misses,
   };
   return ok;
}

static bool
expected_binds(uint32_t *want)
{
   float *w = (float *)want;
   for (uint32_t i = 0; i < WORDS; i++) {
      float y = y_value(0, i);
      y = 2.0f * x_value(0, i) + y;
      w[i] = 2.0f * x_value(0, i) + y;
      w[WORDS + i] = 0.5f * x_value(1, i) + y_value(1, i);
   }
   return true;
}

static bool
compare(const char *what, uint32_t *results[SIDES], const uint32_t *want, uint32_t words)
{
   bool ok = it_compare_words(what, results[VENDOR], results[KRONOS], words * 4);
   ok = it_words_match("vendor", what, results[VENDOR], want, words) && ok;
   return ok;
}

static bool
test_setup(void)
{
   it_watchdog_arm("setup", WATCHDOG_S);
   if (it_counting_instance_create("kronos-maintenance6", true, &instance) != VK_SUCCESS ||
       it_find_both_devices(instance, &sides[KRONOS].physical, &sides[VENDOR].physical) !=
          VK_SUCCESS)
      return false;
   for (uint32_t s = 0; s < SIDES; s++) {
      for (uint32_t e = 0; e < 2; e++) {
         if (!it_device_has_extension(sides[s].physical, extensions[e])) {
            printf("SKIP: the %s device lacks %s\n", sides[s].label, extensions[e]);
            exit(77);
         }
      }
   }
   bool ok = open_side(&sides[VENDOR]) == VK_SUCCESS && open_side(&sides[KRONOS]) == VK_SUCCESS;
   it_watchdog_arm(NULL, 0);
   return ok;
}

static uint32_t results_store[SIDES][2 * WORDS];
static VkKronosDeviceStatistics bind2_counts;

static bool
test_bind2(void)
{
   it_watchdog_arm("bind2", WATCHDOG_S);
   uint32_t *results[SIDES] = {results_store[VENDOR], results_store[KRONOS]};
   VkKronosDeviceStatistics unused;
   bool ok = run_binds(&sides[VENDOR], true, results[VENDOR], &unused) &&
             run_binds(&sides[KRONOS], true, results[KRONOS], &bind2_counts);
   static uint32_t want[2 * WORDS];
   expected_binds(want);
   ok = ok && compare("bind2", results, want, 2 * WORDS);
   const VkKronosDeviceStatistics *c = &bind2_counts;
   printf("  kronos: %llu application barriers, %llu to the vendor (%llu dropped); %llu vendor "
          "descriptor writes, %llu cache hits, %llu misses\n",
          (unsigned long long)c->app_barriers, (unsigned long long)c->vendor_barriers,
          (unsigned long long)c->barriers_dropped,
          (unsigned long long)c->vendor_descriptor_writes,
          (unsigned long long)c->descriptor_cache_hits,
          (unsigned long long)c->descriptor_cache_misses);
   /* Three binds of two contents (the sets were written before): every bind is a cache hit or a
    * miss, and a miss writes the set's two descriptors once. */
   if (c->descriptor_cache_hits + c->descriptor_cache_misses != 3 ||
       c->vendor_descriptor_writes != 2 * c->descriptor_cache_misses) {
      printf("  the binds did not go through the descriptor cache\n");
      ok = false;
   }
   /* The barrier between the dependent dispatches goes to the vendor before the second one;
    * the one before the independent third dispatch orders nothing and waits, to merge with the
    * barrier to the host at the end: 2 vendor barriers. A bind the policy did not see would
    * leave the third dispatch's accesses unknown and every barrier before it kept (3). */
   if (c->app_barriers != 3 || c->vendor_barriers != 2) {
      printf("  the barrier policy did not see the binds (3 application barriers, 2 to the "
             "vendor expected)\n");
      ok = false;
   }
   it_watchdog_arm(NULL, 0);
   return ok;
}

/* Whether a run of run_binds counted what bind2's did: barriers to the vendor and dropped, and
 * binds through the descriptor cache. */
static bool
same_counts(const char *what, const VkKronosDeviceStatistics *counts)
{
   const VkKronosDeviceStatistics *want = &bind2_counts;
   uint64_t binds = counts->descriptor_cache_hits + counts->descriptor_cache_misses;
   uint64_t want_binds = want->descriptor_cache_hits + want->descriptor_cache_misses;
   if (counts->vendor_barriers == want->vendor_barriers &&
       counts->barriers_dropped == want->barriers_dropped && binds == want_binds)
      return true;
   printf("  %s: %llu vendor barriers, %llu dropped, %llu binds through the cache; bind2: %llu, "
          "%llu, %llu\n", what, (unsigned long long)counts->vendor_barriers,
          (unsigned long long)counts->barriers_dropped, (unsigned long long)binds,
          (unsigned long long)want->vendor_barriers, (unsigned long long)want->barriers_dropped,
          (unsigned long long)want_binds);
   return false;
}

static bool
test_legacy_equal(void)
{
   it_watchdog_arm("legacy_equal", WATCHDOG_S);
   static uint32_t legacy[2 * WORDS];
   VkKronosDeviceStatistics counts;
   bool ok = run_binds(&sides[KRONOS], false, legacy, &counts);
   ok = ok && it_compare_words("legacy_equal", results_store[KRONOS], legacy, sizeof(legacy));
   ok = same_counts("the older commands", &counts) && ok;
   it_watchdog_arm(NULL, 0);
   return ok;
}

/* VK_SHADER_STAGE_ALL on a compute-only device: the compute bind alone (the graphics stages
 * name no bind point it has), so the same result and counts as with the compute stage. The
 * vendor is no oracle here (lavapipe 25.0 gets a different result with ALL and a dynamic
 * offset), Kronos's own compute-stage run is. */
static bool
test_stage_all(void)
{
   it_watchdog_arm("stage_all", WATCHDOG_S);
   static uint32_t all[2 * WORDS];
   VkKronosDeviceStatistics counts;
   bind_stages = VK_SHADER_STAGE_ALL;
   bool ok = run_binds(&sides[KRONOS], true, all, &counts);
   bind_stages = VK_SHADER_STAGE_COMPUTE_BIT;
   ok = ok && it_compare_words("stage_all", results_store[KRONOS], all, sizeof(all));
   ok = same_counts("stages ALL", &counts) && ok;
   it_watchdog_arm(NULL, 0);
   return ok;
}

static bool
run_push(struct side *s, uint32_t *out, VkKronosDeviceStatistics *delta)
{
   fill(s);
   VkKronosDeviceStatistics before = {0}, after = {0};
   it_device_statistics(s->device, &before);
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   if (it_begin_primary(s->device, s->pool, 0, &cmd) != VK_SUCCESS)
      return false;
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->push_pipeline);
   push_constants(s, cmd, true, s->push_layout, 4.0f);
   const VkDescriptorBufferInfo infos[2] = {{s->x[1].buffer, 0, VK_WHOLE_SIZE},
                                            {s->y[0].buffer, 0, VK_WHOLE_SIZE}};
   VkWriteDescriptorSet writes[2];
   for (uint32_t b = 0; b < 2; b++)
      writes[b] = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstBinding = b,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &infos[b],
      };
   const VkPushDescriptorSetInfoKHR info = {
      .sType = VK_STRUCTURE_TYPE_PUSH_DESCRIPTOR_SET_INFO_KHR,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
      .layout = s->push_layout,
      .set = 0,
      .descriptorWriteCount = 2,
      .pDescriptorWrites = writes,
   };
   s->push_descriptors2(cmd, &info);
   vkCmdDispatch(cmd, GROUPS, 1, 1);
   it_barrier_to_host(cmd);
   bool ok = vkEndCommandBuffer(cmd) == VK_SUCCESS &&
             it_submit_wait(s->device, s->queue, 1, &cmd) == VK_SUCCESS;
   vkFreeCommandBuffers(s->device, s->pool, 1, &cmd);
   it_device_statistics(s->device, &after);
   memcpy(out, s->y[0].data, WORDS * 4);
   *delta = (VkKronosDeviceStatistics){
      .descriptor_pushes = after.descriptor_pushes - before.descriptor_pushes,
      .vendor_descriptor_writes = after.vendor_descriptor_writes - before.vendor_descriptor_writes,
   };
   return ok;
}

static bool
test_push2(void)
{
   it_watchdog_arm("push2", WATCHDOG_S);
   static uint32_t out[SIDES][WORDS], want[WORDS];
   uint32_t *results[SIDES] = {out[VENDOR], out[KRONOS]};
   VkKronosDeviceStatistics unused, counts;
   bool ok = run_push(&sides[VENDOR], out[VENDOR], &unused) &&
             run_push(&sides[KRONOS], out[KRONOS], &counts);
   float *w = (float *)want;
   for (uint32_t i = 0; i < WORDS; i++)
      w[i] = 4.0f * x_value(1, i) + y_value(0, i);
   ok = ok && compare("push2", results, want, WORDS);
   if (counts.descriptor_pushes != 1 || counts.vendor_descriptor_writes != 2) {
      printf("  kronos counted %llu pushes and %llu vendor descriptor writes, not 1 and 2\n",
             (unsigned long long)counts.descriptor_pushes,
             (unsigned long long)counts.vendor_descriptor_writes);
      ok = false;
   }
   it_watchdog_arm(NULL, 0);
   return ok;
}

static bool
test_close(void)
{
   close_side(&sides[KRONOS]);
   close_side(&sides[VENDOR]);
   bool clean = it_validation_report();
   it_counting_instance_destroy(instance);
   return clean;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"setup", test_setup, true},
      {"bind2", test_bind2, false},
      {"legacy_equal", test_legacy_equal, false},
      {"stage_all", test_stage_all, false},
      {"push2", test_push2, false},
      {"close", test_close, false},
   };
   return it_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}

#endif
