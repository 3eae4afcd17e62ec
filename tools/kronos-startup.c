/* SPDX-License-Identifier: MIT */
/* kronos-startup: a minimal compute program (instance, device, one small SAXPY dispatch,
 * teardown) for timing start-up (issue 16). It uses the first physical device the loader shows,
 * so the driver is chosen by VK_DRIVER_FILES: the vendor's manifest (directly) or Kronos's (over
 * the vendor KRONOS_VENDOR_ICD names). tools/startup-bench.sh times whole processes of it, and
 * runs --phases, which times each phase in one process. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kt.h"

#define ELEMENTS 256u
#define MAX_ROUNDS 1000

enum phase {
   PHASE_INSTANCE,         /* extension query, vkCreateInstance, physical devices */
   PHASE_DEVICE,           /* vkCreateDevice and its queue */
   PHASE_WORK,             /* buffers, pipeline, one dispatch, waited for, objects destroyed */
   PHASE_DEVICE_DESTROY,   /* vkDestroyDevice */
   PHASE_INSTANCE_DESTROY, /* vkDestroyInstance */
   PHASE_COUNT
};

static const char *const phase_names[PHASE_COUNT] = {
   "instance create", "device create", "dispatch", "device destroy", "instance destroy",
};

static double
now_ms(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct work {
   VkDescriptorSet set;
   const struct kt_compute_pipeline *pipeline;
};

static void
record_work(const struct kt_device *device, VkCommandBuffer cmd, void *user)
{
   const struct work *work = user;
   kt_saxpy_record(device, cmd, work->pipeline, work->set, ELEMENTS, 2.0f);
}

/* Buffers, the SAXPY pipeline, one dispatch waited for, and everything destroyed again. */
static VkResult
dispatch_once(const struct kt_device *device)
{
   struct kt_buffer x = {0}, y = {0};
   struct kt_compute_pipeline pipeline = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   const VkDeviceSize bytes = ELEMENTS * sizeof(float);
   VkResult result = kt_buffer_create(device, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, "x", &x);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_buffer_create(device, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, "y", &y);
   if (result != VK_SUCCESS)
      goto cleanup;
   for (uint32_t i = 0; i < ELEMENTS; i++) {
      ((float *)x.map)[i] = (float)i;
      ((float *)y.map)[i] = 1.0f;
   }
   result = kt_saxpy_pipeline_create(device, &pipeline);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_descriptor_pool_create(device, 1, pipeline.storage_buffer_count, &pool);
   if (result != VK_SUCCESS)
      goto cleanup;
   const VkDescriptorBufferInfo buffers[2] = {
      {.buffer = x.handle, .offset = 0, .range = VK_WHOLE_SIZE},
      {.buffer = y.handle, .offset = 0, .range = VK_WHOLE_SIZE},
   };
   struct work work = {.pipeline = &pipeline};
   result = kt_descriptor_set_create(device, pool, &pipeline, buffers, &work.set);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_submit_once(device, 0, record_work, &work, "saxpy");
   if (result != VK_SUCCESS)
      goto cleanup;
   /* y = 2 x + 1: a check that the dispatch ran. */
   if (((float *)y.map)[ELEMENTS - 1] != 2.0f * (float)(ELEMENTS - 1) + 1.0f) {
      kt_error("the dispatch's result is wrong");
      result = VK_ERROR_UNKNOWN;
   }
cleanup:
   if (pool != VK_NULL_HANDLE)
      device->vk.vkDestroyDescriptorPool(device->handle, pool, NULL);
   kt_compute_pipeline_destroy(device, &pipeline);
   kt_buffer_destroy(device, &y);
   kt_buffer_destroy(device, &x);
   return result;
}

/* One whole round, each phase's time in ms into times. */
static VkResult
one_round(double times[PHASE_COUNT])
{
   struct kt_instance *instance = NULL;
   struct kt_physical_device *physical = NULL;
   uint32_t physical_count = 0;
   struct kt_device device = {0};
   VkResult result;

   double t = now_ms();
   /* As applications do: the loader's pre-instance query before the instance. */
   result = volkInitialize();
   if (result != VK_SUCCESS) {
      kt_error("cannot load the Vulkan loader (libvulkan.so.1)");
      return result;
   }
   uint32_t extension_count = 0;
   result = vkEnumerateInstanceExtensionProperties(NULL, &extension_count, NULL);
   if (!kt_ok(result, "vkEnumerateInstanceExtensionProperties"))
      goto cleanup;
   const struct kt_instance_options options = {.application_name = "kronos-startup"};
   result = kt_instance_create(&options, &instance);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_physical_devices_list(instance, &physical, &physical_count);
   if (result != VK_SUCCESS)
      goto cleanup;
   if (physical_count == 0) {
      kt_error("no Vulkan device (VK_DRIVER_FILES?)");
      result = VK_ERROR_INITIALIZATION_FAILED;
      goto cleanup;
   }
   times[PHASE_INSTANCE] = now_ms() - t;

   t = now_ms();
   result = kt_device_create(&physical[0], 1, &device);
   if (result != VK_SUCCESS)
      goto cleanup;
   times[PHASE_DEVICE] = now_ms() - t;

   t = now_ms();
   result = dispatch_once(&device);
   if (result != VK_SUCCESS)
      goto cleanup;
   times[PHASE_WORK] = now_ms() - t;

   t = now_ms();
   kt_device_destroy(&device);
   times[PHASE_DEVICE_DESTROY] = now_ms() - t;

   t = now_ms();
   kt_instance_destroy(instance);
   instance = NULL;
   times[PHASE_INSTANCE_DESTROY] = now_ms() - t;

cleanup:
   kt_device_destroy(&device);
   free(physical);
   kt_instance_destroy(instance);
   return result;
}

static int
compare_doubles(const void *a, const void *b)
{
   double x = *(const double *)a, y = *(const double *)b;
   return (x > y) - (x < y);
}

static double
median(double *values, unsigned count)
{
   qsort(values, count, sizeof(*values), compare_doubles);
   return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static void
usage(FILE *out)
{
   fprintf(out,
      "usage: kronos-startup [--times | --phases ROUNDS] [--help]\n"
      "\n"
      "A minimal compute program: instance, device, one SAXPY dispatch of %u elements, teardown,\n"
      "on the first device the loader shows (VK_DRIVER_FILES chooses the driver). Exit status 0\n"
      "when the dispatch's result is right.\n"
      "\n"
      "  --times          prints each phase's time in ms, on one line in this order: instance\n"
      "                   create, device create, dispatch, device destroy, instance destroy\n"
      "  --phases ROUNDS  the whole program ROUNDS times (2 to %u) in this process, timing each\n"
      "                   phase; prints the first round's times (what a process pays once) and\n"
      "                   the median of the others, in ms\n",
      ELEMENTS, MAX_ROUNDS);
}

int
main(int argc, char **argv)
{
   unsigned rounds = 0;
   double times[PHASE_COUNT];
   if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
      usage(stdout);
      return 0;
   }
   if (argc == 2 && strcmp(argv[1], "--times") == 0) {
      if (one_round(times) != VK_SUCCESS)
         return 1;
      for (unsigned p = 0; p < PHASE_COUNT; p++)
         printf("%.3f%c", times[p], p + 1 < PHASE_COUNT ? ' ' : '\n');
      return 0;
   }
   if (argc == 3 && strcmp(argv[1], "--phases") == 0) {
      char *end = NULL;
      errno = 0;
      unsigned long n = strtoul(argv[2], &end, 10);
      if (errno || *end || n < 2 || n > MAX_ROUNDS) {
         usage(stderr);
         return 2;
      }
      rounds = (unsigned)n;
   } else if (argc != 1) {
      usage(stderr);
      return 2;
   }

   if (!rounds)
      return one_round(times) == VK_SUCCESS ? 0 : 1;

   static double later[PHASE_COUNT][MAX_ROUNDS];
   double first[PHASE_COUNT];
   for (unsigned r = 0; r < rounds; r++) {
      if (one_round(times) != VK_SUCCESS)
         return 1;
      for (unsigned p = 0; p < PHASE_COUNT; p++) {
         if (r == 0)
            first[p] = times[p];
         else
            later[p][r - 1] = times[p];
      }
   }
   printf("%-18s %12s %16s\n", "phase (ms)", "first round", "median of later");
   for (unsigned p = 0; p < PHASE_COUNT; p++)
      printf("%-18s %12.3f %16.3f\n", phase_names[p], first[p], median(later[p], rounds - 1));
   return 0;
}
