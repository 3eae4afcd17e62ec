/* SPDX-License-Identifier: MIT */
/* timestamp-cost: what timestamp queries cost a command buffer of short dispatches on the first
 * device the loader shows (VK_DRIVER_FILES chooses the driver), to choose how the profiler
 * (issue 13) brackets dispatches. One command buffer per mode, recorded once: DISPATCHES SAXPY
 * dispatches over ELEMENTS floats in device-local buffers, a compute barrier after each, plus
 * the mode's queries:
 *   none          nothing else
 *   reset         vkCmdResetQueryPool of the query pool at the start
 *   end           reset, and a BOTTOM_OF_PIPE timestamp after each dispatch
 *   pair          reset, TOP_OF_PIPE before and BOTTOM_OF_PIPE after each dispatch (the
 *                 profiler's way)
 *   pair-compute  reset, COMPUTE_SHADER timestamps before and after each dispatch
 * Each repetition submits every mode's command buffer SUBMITS times, each submit waited for
 * with a fence, the modes in turn; per mode it prints the median over repetitions of the wall
 * time per submit and the difference from `none` per dispatch. --no-barriers leaves the
 * barriers out (kronos-bench's chain-nobarriers shape: --dispatches 256 --elements 1024), so
 * that `none` through Kronos against directly, each alone in its process, shows what Kronos
 * adds to a long command buffer's submit and wait. --device N measures the loader's Nth
 * device; --idle-before N / --idle-after N also create a device on the Nth, left idle, before or
 * after the measured one (kronos-bench has the vendor's device and Kronos's in one process:
 * whether a second device there changes the wait). --rerecord records the command buffer again
 * (one-time submit) before every submit, as kronos-bench does; the time per submit still counts
 * only the submit and the wait, not the recording.
 *   timestamp-cost [--dispatches N] [--elements N] [--submits N] [--reps N] [--no-barriers]
 *                  [--rerecord] [--device N] [--idle-before N] [--idle-after N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kt.h"

enum mode { MODE_NONE, MODE_RESET, MODE_END, MODE_PAIR, MODE_PAIR_COMPUTE, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = {"none", "reset", "end", "pair",
                                                    "pair-compute"};
#define MAX_REPS 101

struct options {
   uint32_t dispatches, elements, submits, reps;
   bool barriers;
   bool rerecord;                     /* record each command buffer again before every submit */
   uint32_t device;                   /* the measured device's index in the loader's list */
   uint32_t idle_before, idle_after; /* an idle device's index + 1, created before/after it */
};

struct experiment {
   const struct kt_device *device;
   struct kt_compute_pipeline pipeline;
   VkBuffer buffers[2];
   VkDeviceMemory memory[2];
   VkDescriptorPool descriptor_pool;
   VkDescriptorSet set;
   VkQueryPool queries;
   VkCommandPool command_pool;
   VkCommandBuffer cmd[MODE_COUNT];
   VkFence fence;
};

static double
now_us(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int32_t
pick_device_local(const VkPhysicalDeviceMemoryProperties *memory, uint32_t type_bits)
{
   return kt_memory_type_find(memory, type_bits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
}

static void
record(const struct experiment *e, const struct options *o, enum mode mode, VkCommandBuffer cmd)
{
   const struct VolkDeviceTable *vk = &e->device->vk;
   if (mode != MODE_NONE)
      vk->vkCmdResetQueryPool(cmd, e->queries, 0, 2 * o->dispatches);
   VkPipelineStageFlagBits before = mode == MODE_PAIR_COMPUTE ? VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT
                                                               : VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT;
   VkPipelineStageFlagBits after = mode == MODE_PAIR_COMPUTE ? VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT
                                                              : VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT;
   for (uint32_t d = 0; d < o->dispatches; d++) {
      if (mode == MODE_PAIR || mode == MODE_PAIR_COMPUTE)
         vk->vkCmdWriteTimestamp(cmd, before, e->queries, 2 * d);
      kt_saxpy_record(e->device, cmd, &e->pipeline, e->set, o->elements, 1.0f);
      if (mode >= MODE_END)
         vk->vkCmdWriteTimestamp(cmd, after, e->queries, 2 * d + 1);
      if (o->barriers)
         kt_cmd_memory_barrier(e->device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                               VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                               VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   }
}

/* Begins (resetting it), records and ends a mode's command buffer. */
static VkResult
record_whole(const struct experiment *e, const struct options *o, enum mode mode)
{
   const struct VolkDeviceTable *vk = &e->device->vk;
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = o->rerecord ? VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT : 0,
   };
   VkResult result = vk->vkBeginCommandBuffer(e->cmd[mode], &begin);
   if (!kt_ok(result, "vkBeginCommandBuffer"))
      return result;
   record(e, o, mode, e->cmd[mode]);
   result = vk->vkEndCommandBuffer(e->cmd[mode]);
   kt_ok(result, "vkEndCommandBuffer");
   return result;
}

static VkResult
setup(struct experiment *e, const struct options *o)
{
   const struct kt_device *device = e->device;
   const struct VolkDeviceTable *vk = &device->vk;
   VkResult result = kt_saxpy_pipeline_create(device, &e->pipeline);
   VkDescriptorBufferInfo infos[2];
   for (uint32_t i = 0; i < 2 && result == VK_SUCCESS; i++) {
      result = kt_buffer_memory_create(device, (VkDeviceSize)o->elements * sizeof(float),
                                       VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, pick_device_local,
                                       "device-local", i ? "y" : "x", &e->buffers[i],
                                       &e->memory[i], NULL);
      infos[i] = (VkDescriptorBufferInfo){.buffer = e->buffers[i], .range = VK_WHOLE_SIZE};
   }
   if (result == VK_SUCCESS)
      result = kt_descriptor_pool_create(device, 1, e->pipeline.storage_buffer_count,
                                         &e->descriptor_pool);
   if (result == VK_SUCCESS)
      result = kt_descriptor_set_create(device, e->descriptor_pool, &e->pipeline, infos, &e->set);
   if (result != VK_SUCCESS)
      return result;
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 2 * o->dispatches,
   };
   result = vk->vkCreateQueryPool(device->handle, &query_info, NULL, &e->queries);
   if (!kt_ok(result, "vkCreateQueryPool"))
      return result;
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = o->rerecord ? VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT : 0,
      .queueFamilyIndex = device->queue_family,
   };
   result = vk->vkCreateCommandPool(device->handle, &pool_info, NULL, &e->command_pool);
   if (!kt_ok(result, "vkCreateCommandPool"))
      return result;
   const VkCommandBufferAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = e->command_pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = MODE_COUNT,
   };
   result = vk->vkAllocateCommandBuffers(device->handle, &alloc, e->cmd);
   if (!kt_ok(result, "vkAllocateCommandBuffers"))
      return result;
   for (uint32_t m = 0; m < MODE_COUNT && !o->rerecord; m++) {
      result = record_whole(e, o, (enum mode)m);
      if (result != VK_SUCCESS)
         return result;
   }
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   result = vk->vkCreateFence(device->handle, &fence_info, NULL, &e->fence);
   kt_ok(result, "vkCreateFence");
   return result;
}

static void
teardown(struct experiment *e)
{
   const struct kt_device *device = e->device;
   const struct VolkDeviceTable *vk = &device->vk;
   if (e->fence)
      vk->vkDestroyFence(device->handle, e->fence, NULL);
   if (e->command_pool)
      vk->vkDestroyCommandPool(device->handle, e->command_pool, NULL);
   if (e->queries)
      vk->vkDestroyQueryPool(device->handle, e->queries, NULL);
   if (e->descriptor_pool)
      vk->vkDestroyDescriptorPool(device->handle, e->descriptor_pool, NULL);
   for (uint32_t i = 0; i < 2; i++) {
      if (e->buffers[i])
         vk->vkDestroyBuffer(device->handle, e->buffers[i], NULL);
      if (e->memory[i])
         vk->vkFreeMemory(device->handle, e->memory[i], NULL);
   }
   kt_compute_pipeline_destroy(device, &e->pipeline);
}

/* Wall time per submit of one mode's command buffer, each submit waited for. */
static VkResult
time_mode(struct experiment *e, const struct options *o, enum mode mode, double *us)
{
   const struct VolkDeviceTable *vk = &e->device->vk;
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &e->cmd[mode],
   };
   double total = 0;
   for (uint32_t s = 0; s < o->submits; s++) {
      if (o->rerecord) {
         VkResult result = record_whole(e, o, mode);
         if (result != VK_SUCCESS)
            return result;
      }
      double start = now_us();
      VkResult result = vk->vkQueueSubmit(e->device->queues[0], 1, &submit, e->fence);
      if (!kt_ok(result, "vkQueueSubmit"))
         return result;
      result = kt_fence_wait(e->device, e->fence, mode_names[mode]);
      if (result != VK_SUCCESS)
         return result;
      result = vk->vkResetFences(e->device->handle, 1, &e->fence);
      if (!kt_ok(result, "vkResetFences"))
         return result;
      total += now_us() - start;
   }
   *us = total / o->submits;
   return VK_SUCCESS;
}

static bool
parse_options(int argc, char **argv, struct options *o)
{
   *o = (struct options){
      .dispatches = 16, .elements = 2u << 20, .submits = 50, .reps = 15, .barriers = true};
   for (int i = 1; i < argc; i++) {
      const char *value = i + 1 < argc ? argv[i + 1] : "";
      bool ok;
      if (strcmp(argv[i], "--no-barriers") == 0 || strcmp(argv[i], "--rerecord") == 0) {
         if (argv[i][2] == 'n')
            o->barriers = false;
         else
            o->rerecord = true;
         continue;
      }
      if (strcmp(argv[i], "--dispatches") == 0)
         ok = kt_parse_u32(value, 1, 4096, &o->dispatches);
      else if (strcmp(argv[i], "--elements") == 0)
         ok = kt_parse_u32(value, 1, 1u << 28, &o->elements);
      else if (strcmp(argv[i], "--submits") == 0)
         ok = kt_parse_u32(value, 1, 100000, &o->submits);
      else if (strcmp(argv[i], "--reps") == 0)
         ok = kt_parse_u32(value, 1, MAX_REPS, &o->reps);
      else if (strcmp(argv[i], "--device") == 0)
         ok = kt_parse_u32(value, 0, 63, &o->device);
      else if (strcmp(argv[i], "--idle-before") == 0 || strcmp(argv[i], "--idle-after") == 0) {
         uint32_t index = 0;
         ok = kt_parse_u32(value, 0, 63, &index);
         *(strcmp(argv[i], "--idle-before") == 0 ? &o->idle_before : &o->idle_after) = index + 1;
      }
      else
         ok = false;
      if (!ok) {
         fprintf(stderr, "usage: timestamp-cost [--dispatches N] [--elements N] [--submits N] "
                         "[--reps N] [--no-barriers] [--rerecord] [--device N] "
                         "[--idle-before N] [--idle-after N]\n");
         return false;
      }
      i++;
   }
   return true;
}

int
main(int argc, char **argv)
{
   struct options o;
   if (!parse_options(argc, argv, &o))
      return 2;
   struct kt_instance *instance = NULL;
   struct kt_physical_device *physical = NULL;
   uint32_t physical_count = 0;
   struct kt_device device = {0}, idle = {0};
   struct experiment e = {.device = &device};
   static double samples[MODE_COUNT][MAX_REPS];
   int status = 1;
   const struct kt_instance_options instance_options = {.application_name = "timestamp-cost"};
   if (volkInitialize() != VK_SUCCESS) {
      kt_error("cannot load the Vulkan loader (libvulkan.so.1)");
      return 1;
   }
   if (kt_instance_create(&instance_options, &instance) != VK_SUCCESS ||
       kt_physical_devices_list(instance, &physical, &physical_count) != VK_SUCCESS)
      goto cleanup;
   uint32_t highest = o.device;
   highest = o.idle_before > highest + 1 ? o.idle_before - 1 : highest;
   highest = o.idle_after > highest + 1 ? o.idle_after - 1 : highest;
   if (highest >= physical_count) {
      kt_error("device %u asked for, but the loader shows %u (VK_DRIVER_FILES?)", highest,
               physical_count);
      goto cleanup;
   }
   if (o.idle_before && kt_device_create(&physical[o.idle_before - 1], 1, &idle) != VK_SUCCESS)
      goto cleanup;
   if (kt_device_create(&physical[o.device], 1, &device) != VK_SUCCESS)
      goto cleanup;
   if (o.idle_after && kt_device_create(&physical[o.idle_after - 1], 1, &idle) != VK_SUCCESS)
      goto cleanup;
   if (setup(&e, &o) != VK_SUCCESS)
      goto cleanup;
   for (uint32_t r = 0; r < o.reps + 1; r++) { /* the first round warms up */
      for (uint32_t m = 0; m < MODE_COUNT; m++) {
         double us = 0;
         if (time_mode(&e, &o, (enum mode)m, &us) != VK_SUCCESS)
            goto cleanup;
         if (r)
            samples[m][r - 1] = us;
      }
   }
   printf("%s (%s), %u dispatches of %u elements per command buffer%s%s, %u submits x %u reps",
          physical[o.device].properties.deviceName,
          kt_physical_device_driver_name(&physical[o.device]), o.dispatches, o.elements,
          o.barriers ? "" : " (no barriers)", o.rerecord ? " (recorded before each submit)" : "",
          o.submits, o.reps);
   if (idle.handle)
      printf(", an idle device on %s created %s it",
             physical[(o.idle_before ? o.idle_before : o.idle_after) - 1].properties.deviceName,
             o.idle_before ? "before" : "after");
   printf("\n");
   printf("%-14s %14s %20s\n", "mode", "us per submit", "+us per dispatch");
   double none = 0;
   for (uint32_t m = 0; m < MODE_COUNT; m++) {
      double median = kt_median_sort(samples[m], o.reps);
      if (m == MODE_NONE)
         none = median;
      printf("%-14s %14.2f %20.3f\n", mode_names[m], median, (median - none) / o.dispatches);
   }
   status = 0;
cleanup:
   if (device.handle) {
      device.vk.vkDeviceWaitIdle(device.handle);
      teardown(&e);
   }
   kt_device_destroy(&device);
   kt_device_destroy(&idle);
   free(physical);
   kt_instance_destroy(instance);
   return status;
}
