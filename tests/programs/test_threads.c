/* SPDX-License-Identifier: MIT */
/* Vulkan's external-synchronization rules through Kronos: two threads at once, each with its
 * own queue and its own command pool, each recording and submitting many command buffers
 * (fill a thread-private region, barrier, SAXPY dispatch on it) and waiting on its own fences;
 * then every region is checked. Values are small integers, so every result is exact: a lost,
 * duplicated or misrouted command shows up as a wrong value.
 *
 * When the compute family has 2+ queues both threads use one device; with 1 queue (lavapipe)
 * each thread gets its own VkDevice on the same physical device, so each still owns a queue. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

#define THREAD_COUNT 2
#define DEFAULT_ITERATIONS 200u
#define REGION_FLOATS 256u       /* one workgroup; 1 KiB, a multiple of any offset alignment */
#define FENCE_RING 4u            /* submissions in flight per thread */
#define POISON 0xffffffffu       /* a NaN: what a region holds if nothing wrote it */

enum expect { EXPECT_ANY, EXPECT_KRONOS, EXPECT_VENDOR };
enum mode { MODE_AUTO, MODE_QUEUES, MODE_DEVICES };

struct options {
   uint32_t iterations;
   bool validation;
   bool sync_validation;
   enum expect expect;
   enum mode mode;
};

struct worker {
   unsigned index;
   const struct kt_device *device; /* shared in queue mode, the worker's own in device mode */
   uint32_t queue_index;
   uint32_t iterations;
   pthread_barrier_t *start;
   /* results */
   bool vulkan_ok;
   uint32_t wrong_values;
};

/* Per-worker Vulkan objects, all created and destroyed by the worker's thread. */
struct worker_objects {
   VkCommandPool pool;
   VkCommandBuffer *cmds;
   VkFence fences[FENCE_RING];
   VkDescriptorPool descriptor_pool;
   VkDescriptorSet *sets;
   struct kt_compute_pipeline pipeline;
   struct kt_buffer x;
   struct kt_buffer y;
};

static float
fill_value(unsigned worker, uint32_t iteration)
{
   return (float)(worker * 4096u + iteration + 1u);
}

static float
scale(uint32_t iteration)
{
   return (float)(1u + iteration % 7u);
}

static float
x_value(unsigned worker, uint32_t j)
{
   return (float)(j + worker);
}

static void
usage(FILE *out)
{
   fprintf(out,
      "usage: test_threads [--iterations N] [--validation | --sync-validation]\n"
      "                    [--expect any|kronos|vendor] [--mode auto|queues|devices]\n"
      "\n"
      "Two threads, each with its own queue and command pool, record and submit N command\n"
      "buffers each (default %u) at once, then every result is checked. Runs on the first\n"
      "Kronos device, else on the first device (--expect vendor: the first device that is not\n"
      "Kronos's). --expect fails unless that device is (or is not) Kronos. --mode: one device with two queues, or two devices with one queue each\n"
      "(auto: two queues when the compute family has them). --validation enables\n"
      "VK_LAYER_KHRONOS_validation (--sync-validation: with synchronization validation);\n"
      "any validation error fails the test.\n",
      DEFAULT_ITERATIONS);
}

static bool
bad_value(const char *option, const char *value)
{
   fprintf(stderr, "test_threads: bad %s '%s' (see --help)\n", option, value);
   return false;
}

static bool
parse_args(int argc, char **argv, struct options *options)
{
   *options = (struct options){.iterations = DEFAULT_ITERATIONS};
   for (int i = 1; i < argc; i++) {
      const char *arg = argv[i];
      const char *value = i + 1 < argc ? argv[i + 1] : NULL;
      if (strcmp(arg, "--help") == 0) {
         usage(stdout);
         exit(0);
      } else if (strcmp(arg, "--validation") == 0) {
         options->validation = true;
      } else if (strcmp(arg, "--sync-validation") == 0) {
         options->validation = true;
         options->sync_validation = true;
      } else if (strcmp(arg, "--iterations") == 0 && value) {
         char *end;
         errno = 0;
         unsigned long n = strtoul(value, &end, 10);
         if (*end || errno || n == 0 || n > 100000 || *value == '-') {
            fprintf(stderr, "test_threads: --iterations needs 1 to 100000\n");
            return false;
         }
         options->iterations = (uint32_t)n;
         i++;
      } else if (strcmp(arg, "--expect") == 0 && value) {
         if (strcmp(value, "any") == 0)
            options->expect = EXPECT_ANY;
         else if (strcmp(value, "kronos") == 0)
            options->expect = EXPECT_KRONOS;
         else if (strcmp(value, "vendor") == 0)
            options->expect = EXPECT_VENDOR;
         else
            return bad_value("--expect", value);
         i++;
      } else if (strcmp(arg, "--mode") == 0 && value) {
         if (strcmp(value, "auto") == 0)
            options->mode = MODE_AUTO;
         else if (strcmp(value, "queues") == 0)
            options->mode = MODE_QUEUES;
         else if (strcmp(value, "devices") == 0)
            options->mode = MODE_DEVICES;
         else
            return bad_value("--mode", value);
         i++;
      } else {
         fprintf(stderr, "test_threads: bad argument '%s'\n\n", arg);
         usage(stderr);
         return false;
      }
   }
   return true;
}

static VkResult
create_objects(struct worker *w, struct worker_objects *o)
{
   const struct kt_device *device = w->device;
   const struct VolkDeviceTable *vk = &device->vk;
   char name[32];
   VkResult result;

   /* x: one region of small integers; y: one region per iteration, poisoned. */
   snprintf(name, sizeof(name), "x[%u]", w->index);
   result = kt_buffer_create(device, REGION_FLOATS * sizeof(float),
                             VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, name, &o->x);
   if (result != VK_SUCCESS)
      return result;
   snprintf(name, sizeof(name), "y[%u]", w->index);
   result = kt_buffer_create(device, (VkDeviceSize)w->iterations * REGION_FLOATS * sizeof(float),
                             VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                             name, &o->y);
   if (result != VK_SUCCESS)
      return result;
   float *x = o->x.map;
   for (uint32_t j = 0; j < REGION_FLOATS; j++)
      x[j] = x_value(w->index, j);
   memset(o->y.map, 0xff, (size_t)o->y.size);

   result = kt_saxpy_pipeline_create(device, &o->pipeline);
   if (result != VK_SUCCESS)
      return result;
   result = kt_descriptor_pool_create(device, w->iterations, o->pipeline.storage_buffer_count,
                                      &o->descriptor_pool);
   if (result != VK_SUCCESS)
      return result;
   o->sets = calloc(w->iterations, sizeof(*o->sets));
   o->cmds = calloc(w->iterations, sizeof(*o->cmds));
   if (!o->sets || !o->cmds) {
      kt_error("out of memory");
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   for (uint32_t i = 0; i < w->iterations; i++) {
      const VkDescriptorBufferInfo buffers[2] = {
         {.buffer = o->x.handle, .offset = 0, .range = VK_WHOLE_SIZE},
         {.buffer = o->y.handle, .offset = (VkDeviceSize)i * REGION_FLOATS * sizeof(float),
          .range = REGION_FLOATS * sizeof(float)},
      };
      result = kt_descriptor_set_create(device, o->descriptor_pool, &o->pipeline, buffers,
                                        &o->sets[i]);
      if (result != VK_SUCCESS)
         return result;
   }

   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = device->queue_family,
   };
   result = vk->vkCreateCommandPool(device->handle, &pool_info, NULL, &o->pool);
   if (!kt_ok(result, "vkCreateCommandPool")) {
      o->pool = VK_NULL_HANDLE;
      return result;
   }
   const VkCommandBufferAllocateInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = o->pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = w->iterations,
   };
   result = vk->vkAllocateCommandBuffers(device->handle, &cmd_info, o->cmds);
   if (!kt_ok(result, "vkAllocateCommandBuffers")) {
      memset(o->cmds, 0, w->iterations * sizeof(*o->cmds));
      return result;
   }
   for (uint32_t f = 0; f < FENCE_RING; f++) {
      const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
      result = vk->vkCreateFence(device->handle, &fence_info, NULL, &o->fences[f]);
      if (!kt_ok(result, "vkCreateFence")) {
         o->fences[f] = VK_NULL_HANDLE;
         return result;
      }
   }
   return VK_SUCCESS;
}

static void
destroy_objects(const struct worker *w, struct worker_objects *o)
{
   const struct kt_device *device = w->device;
   const struct VolkDeviceTable *vk = &device->vk;
   for (uint32_t f = 0; f < FENCE_RING; f++) {
      if (o->fences[f] != VK_NULL_HANDLE)
         vk->vkDestroyFence(device->handle, o->fences[f], NULL);
   }
   if (o->pool != VK_NULL_HANDLE)
      vk->vkDestroyCommandPool(device->handle, o->pool, NULL); /* frees the command buffers */
   if (o->descriptor_pool != VK_NULL_HANDLE)
      vk->vkDestroyDescriptorPool(device->handle, o->descriptor_pool, NULL);
   kt_compute_pipeline_destroy(device, &o->pipeline);
   kt_buffer_destroy(device, &o->y);
   kt_buffer_destroy(device, &o->x);
   free(o->cmds);
   free(o->sets);
}

static VkResult
record(const struct worker *w, const struct worker_objects *o, uint32_t i)
{
   const struct kt_device *device = w->device;
   const struct VolkDeviceTable *vk = &device->vk;
   VkCommandBuffer cmd = o->cmds[i];
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   VkResult result = vk->vkBeginCommandBuffer(cmd, &begin);
   if (!kt_ok(result, "vkBeginCommandBuffer"))
      return result;
   float value = fill_value(w->index, i);
   uint32_t bits;
   memcpy(&bits, &value, sizeof(bits));
   vk->vkCmdFillBuffer(cmd, o->y.handle, (VkDeviceSize)i * REGION_FLOATS * sizeof(float),
                       REGION_FLOATS * sizeof(float), bits);
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   kt_saxpy_record(device, cmd, &o->pipeline, o->sets[i], REGION_FLOATS, scale(i));
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                         VK_ACCESS_HOST_READ_BIT);
   result = vk->vkEndCommandBuffer(cmd);
   kt_ok(result, "vkEndCommandBuffer");
   return result;
}

static VkResult
submit_all(const struct worker *w, const struct worker_objects *o)
{
   const struct kt_device *device = w->device;
   const struct VolkDeviceTable *vk = &device->vk;
   VkQueue queue = device->queues[w->queue_index];
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < w->iterations; i++) {
      VkFence fence = o->fences[i % FENCE_RING];
      if (i >= FENCE_RING) {
         result = kt_fence_wait(device, fence, "an earlier submission");
         if (result != VK_SUCCESS)
            return result;
         result = vk->vkResetFences(device->handle, 1, &fence);
         if (!kt_ok(result, "vkResetFences"))
            return result;
      }
      result = record(w, o, i);
      if (result != VK_SUCCESS)
         return result;
      const VkSubmitInfo submit = {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .commandBufferCount = 1,
         .pCommandBuffers = &o->cmds[i],
      };
      result = vk->vkQueueSubmit(queue, 1, &submit, fence);
      if (!kt_ok(result, "vkQueueSubmit"))
         return result;
   }
   /* Wait for the last submissions still in flight (every fence was submitted at least once
    * when iterations >= FENCE_RING; the others are unsignalled and never submitted). */
   uint32_t in_flight = w->iterations < FENCE_RING ? w->iterations : FENCE_RING;
   for (uint32_t f = 0; f < in_flight && result == VK_SUCCESS; f++)
      result = kt_fence_wait(device, o->fences[f], "the last submissions");
   return result;
}

static uint32_t
verify(const struct worker *w, const struct worker_objects *o)
{
   const float *x = o->x.map;
   const float *y = o->y.map;
   uint32_t wrong = 0;
   for (uint32_t i = 0; i < w->iterations; i++) {
      for (uint32_t j = 0; j < REGION_FLOATS; j++) {
         float expected = scale(i) * x[j] + fill_value(w->index, i); /* exact: small integers */
         float got = y[(size_t)i * REGION_FLOATS + j];
         if (memcmp(&got, &expected, sizeof(float)) != 0) {
            if (wrong < 5) {
               uint32_t bits;
               memcpy(&bits, &got, sizeof(bits));
               fprintf(stderr, "test_threads: thread %u, iteration %" PRIu32 ", element %" PRIu32
                       ": got %g (0x%08x), expected %g%s\n", w->index, i, j, (double)got, bits,
                       (double)expected, bits == POISON ? " (never written)" : "");
            }
            wrong++;
         }
      }
   }
   return wrong;
}

static void *
run_worker(void *arg)
{
   struct worker *w = arg;
   struct worker_objects o = {0};
   VkResult result = create_objects(w, &o);
   /* Both threads start submitting together, even if one failed to set up. */
   pthread_barrier_wait(w->start);
   if (result == VK_SUCCESS)
      result = submit_all(w, &o);
   if (result != VK_SUCCESS) {
      /* Nothing may still be in flight when the objects go. */
      kt_ok(w->device->vk.vkQueueWaitIdle(w->device->queues[w->queue_index]),
            "vkQueueWaitIdle");
   }
   w->vulkan_ok = result == VK_SUCCESS;
   if (w->vulkan_ok)
      w->wrong_values = verify(w, &o);
   destroy_objects(w, &o);
   return NULL;
}

static const struct kt_physical_device *
choose_device(const struct kt_physical_device *devices, uint32_t count, enum expect expect)
{
   /* The Kronos device where there is one, else the first; --expect vendor: the first device
    * that is not Kronos's. */
   const struct kt_physical_device *chosen = count ? &devices[0] : NULL;
   for (uint32_t i = 0; i < count; i++) {
      if (devices[i].is_kronos == (expect != EXPECT_VENDOR)) {
         chosen = &devices[i];
         break;
      }
   }
   if (!chosen) {
      fprintf(stderr, "test_threads: no Vulkan device (check VK_DRIVER_FILES)\n");
      return NULL;
   }
   if ((expect == EXPECT_KRONOS && !chosen->is_kronos) ||
       (expect == EXPECT_VENDOR && chosen->is_kronos)) {
      fprintf(stderr, "test_threads: expected %s device but found %s (check VK_DRIVER_FILES "
              "and KRONOS_VENDOR_ICD)\n", expect == EXPECT_KRONOS ? "a Kronos" : "a non-Kronos",
              chosen->properties.deviceName);
      return NULL;
   }
   return chosen;
}

/* Creates the devices and assigns each worker a device and a queue. */
static VkResult
set_up_devices(const struct kt_physical_device *physical, enum mode mode,
               struct kt_device devices[THREAD_COUNT], struct worker workers[THREAD_COUNT])
{
   uint32_t family = 0;
   uint32_t family_size = kt_compute_family_size(physical, &family);
   bool shared = mode == MODE_QUEUES || (mode == MODE_AUTO && family_size >= THREAD_COUNT);
   if (shared && family_size < THREAD_COUNT) {
      kt_error("--mode queues needs %d queues; the compute family has %" PRIu32, THREAD_COUNT,
               family_size);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   printf("device: %s (%s)\n", physical->properties.deviceName,
          kt_physical_device_driver_name(physical));
   printf("compute family %" PRIu32 ": %" PRIu32 " queue(s) -> %s\n", family, family_size,
          shared ? "one device, one queue per thread" : "one device per thread, one queue each");
   for (unsigned t = 0; t < THREAD_COUNT; t++) {
      if (shared && t > 0) {
         workers[t].device = &devices[0];
         workers[t].queue_index = t;
         continue;
      }
      VkResult result = kt_device_create(physical, shared ? THREAD_COUNT : 1, &devices[t]);
      if (result != VK_SUCCESS)
         return result;
      workers[t].device = &devices[t];
      workers[t].queue_index = 0;
   }
   return VK_SUCCESS;
}

int
main(int argc, char **argv)
{
   struct options options;
   if (!parse_args(argc, argv, &options))
      return 2;

   int exit_code = 1;
   struct kt_system system = {0};
   bool had_instance = false;
   struct kt_device devices[THREAD_COUNT] = {0};
   struct worker workers[THREAD_COUNT] = {0};
   pthread_t threads[THREAD_COUNT];
   unsigned started = 0;
   pthread_barrier_t start;
   bool barrier_ready = false;

   if (kt_system_create("test_threads", options.validation, options.sync_validation,
                        &system) != VK_SUCCESS)
      goto cleanup;
   const struct kt_physical_device *physical = choose_device(system.devices, system.device_count,
                                                            options.expect);
   if (!physical)
      goto cleanup;
   if (set_up_devices(physical, options.mode, devices, workers) != VK_SUCCESS)
      goto cleanup;

   if (pthread_barrier_init(&start, NULL, THREAD_COUNT) != 0) {
      kt_error("pthread_barrier_init failed");
      goto cleanup;
   }
   barrier_ready = true;
   for (unsigned t = 0; t < THREAD_COUNT; t++) {
      workers[t].index = t;
      workers[t].iterations = options.iterations;
      workers[t].start = &start;
   }
   for (; started < THREAD_COUNT; started++) {
      int error = pthread_create(&threads[started], NULL, run_worker, &workers[started]);
      if (error) {
         kt_error("pthread_create: %s", strerror(error));
         break;
      }
   }
   if (started < THREAD_COUNT) {
      /* The started threads wait at the barrier for the missing ones: they cannot be joined. */
      kt_error("could not start both threads");
      exit(1);
   }
   for (unsigned t = 0; t < started; t++)
      pthread_join(threads[t], NULL);

   bool pass = true;
   for (unsigned t = 0; t < THREAD_COUNT; t++) {
      printf("thread %u: queue %" PRIu32 " of device %s, %" PRIu32 " command buffers: %s, "
             "%" PRIu32 " wrong value(s)\n", t, workers[t].queue_index,
             workers[t].device == &devices[0] ? "A" : "B", workers[t].iterations,
             workers[t].vulkan_ok ? "all submitted and completed" : "Vulkan error",
             workers[t].wrong_values);
      pass = pass && workers[t].vulkan_ok && workers[t].wrong_values == 0;
   }
   exit_code = pass ? 0 : 1;

cleanup:
   if (barrier_ready)
      pthread_barrier_destroy(&start);
   for (unsigned t = 0; t < THREAD_COUNT; t++)
      kt_device_destroy(&devices[t]);
   had_instance = system.instance != NULL;
   unsigned validation_errors = kt_system_destroy(&system);
   if (options.validation && had_instance) {
      printf("validation errors: %u\n", validation_errors);
      if (validation_errors)
         exit_code = 1;
   }
   printf("result: %s\n", exit_code == 0 ? "PASS" : "FAIL");
   return exit_code;
}
