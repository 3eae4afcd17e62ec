/* SPDX-License-Identifier: MIT */
/* kronos-saxpy: SAXPY on a vendor device directly and on the Kronos device over that same
 * vendor, in one process, with the same inputs. The two outputs must be bit-identical and each
 * must match a CPU reference. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"

#define DEFAULT_N (1u << 20)
#define SAXPY_A 2.71828175f /* not a power of two: a * x rounds, so fusing is visible */

enum exit_code {
   EXIT_PASS = 0,
   EXIT_MISMATCH = 1, /* wrong results, a Vulkan failure or validation errors */
   EXIT_SETUP = 2,    /* bad arguments, or no Kronos/vendor device pair visible */
};

struct options {
   uint32_t n;
   bool validation;
   bool sync_validation;
};

/* How one device's output compares with the CPU. */
struct cpu_check {
   double max_abs_error;   /* vs the fmaf reference */
   double max_bound;       /* the largest per-element bound */
   uint32_t fused_exact;   /* elements equal to fmaf(a, x, y) */
   uint32_t unfused_exact; /* elements equal to a * x + y rounded twice */
   uint32_t out_of_bound;  /* elements outside their bound (NaN included) */
   uint32_t first_bad;     /* index of the first out-of-bound element */
};

static void
usage(FILE *out)
{
   fprintf(out,
      "usage: kronos-saxpy [--n N] [--validation] [--sync-validation] [--help]\n"
      "\n"
      "Runs SAXPY (y = a*x + y, shaders/saxpy.comp) on a vendor Vulkan device directly and on\n"
      "the Kronos device over the same vendor (same deviceUUID), in one process, with the same\n"
      "deterministic pseudo-random inputs, and checks that the two outputs are bit-identical and\n"
      "that each matches a CPU reference.\n"
      "\n"
      "  --n N              elements (default %u)\n"
      "  --validation       enable VK_LAYER_KHRONOS_validation; any validation error fails\n"
      "                     the run\n"
      "  --sync-validation  --validation plus synchronization validation\n"
      "  --help             this text\n"
      "\n"
      "Both drivers must be visible to the loader, Kronos configured to run over the vendor:\n"
      "  VK_DRIVER_FILES=<vendor manifest>:<build>/icd/kronos_icd.x86_64.json\n"
      "  KRONOS_VENDOR_ICD=<vendor manifest>\n"
      "(lavapipe's manifest: /usr/share/vulkan/icd.d/lvp_icd.x86_64.json)\n"
      "\n"
      "Exit status: 0 all matched, 1 mismatch or failure, 2 usage error or no device pair.\n",
      DEFAULT_N);
}

static bool
parse_args(int argc, char **argv, struct options *options, int *exit_code)
{
   *options = (struct options){.n = DEFAULT_N};
   for (int i = 1; i < argc; i++) {
      const char *arg = argv[i];
      if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
         usage(stdout);
         *exit_code = EXIT_PASS;
         return false;
      } else if (strcmp(arg, "--validation") == 0) {
         options->validation = true;
      } else if (strcmp(arg, "--sync-validation") == 0) {
         options->validation = true;
         options->sync_validation = true;
      } else if (strcmp(arg, "--n") == 0 || strncmp(arg, "--n=", 4) == 0) {
         const char *value = arg[3] == '=' ? arg + 4 : (i + 1 < argc ? argv[++i] : NULL);
         char *end = NULL;
         errno = 0;
         unsigned long long n = value ? strtoull(value, &end, 0) : 0;
         if (!value || *value == '-' || *end != '\0' || errno || n == 0 ||
             n > UINT32_MAX / sizeof(float)) {
            fprintf(stderr, "kronos-saxpy: --n needs a number of elements from 1 to %zu\n",
                    (size_t)(UINT32_MAX / sizeof(float)));
            *exit_code = EXIT_SETUP;
            return false;
         }
         options->n = (uint32_t)n;
      } else {
         fprintf(stderr, "kronos-saxpy: unknown argument '%s'\n\n", arg);
         usage(stderr);
         *exit_code = EXIT_SETUP;
         return false;
      }
   }
   return true;
}

/* Uniform in [-1, 1), multiples of 2^-23: exact in binary32. */
static float
random_float(uint32_t *state)
{
   return (float)(kt_random_next(state) >> 8) * (1.0f / 8388608.0f) - 1.0f;
}

static void
make_inputs(float *x, float *y, uint32_t n)
{
   uint32_t state = 0x4b524f4eu; /* "KRON" */
   for (uint32_t i = 0; i < n; i++) {
      x[i] = random_float(&state);
      y[i] = random_float(&state);
   }
}

struct saxpy_job {
   const struct kt_compute_pipeline *pipeline;
   VkDescriptorSet set;
   uint32_t n;
   float a;
};

static void
record_saxpy(const struct kt_device *device, VkCommandBuffer cmd, void *user)
{
   const struct saxpy_job *job = user;
   kt_saxpy_record(device, cmd, job->pipeline, job->set, job->n, job->a);
   /* The host reads y after the fence. */
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                         VK_ACCESS_HOST_READ_BIT);
}

/* Runs y_out = a * x + y_in on `physical`. */
static VkResult
run_saxpy(const struct kt_physical_device *physical, const float *x, const float *y_in,
          uint32_t n, float a, float *y_out)
{
   struct kt_device device = {0};
   struct kt_buffer x_buffer = {0}, y_buffer = {0};
   struct kt_compute_pipeline pipeline = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDeviceSize bytes = (VkDeviceSize)n * sizeof(float);
   VkResult result;

   if (bytes > physical->properties.limits.maxStorageBufferRange) {
      kt_error("%s: %" PRIu64 " bytes exceed maxStorageBufferRange (%u); use a smaller --n",
               physical->properties.deviceName, (uint64_t)bytes,
               physical->properties.limits.maxStorageBufferRange);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   result = kt_device_create(physical, 1, &device);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_buffer_create(&device, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, "x", &x_buffer);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_buffer_create(&device, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, "y", &y_buffer);
   if (result != VK_SUCCESS)
      goto cleanup;
   memcpy(x_buffer.map, x, bytes);
   memcpy(y_buffer.map, y_in, bytes);

   result = kt_saxpy_pipeline_create(&device, &pipeline);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_descriptor_pool_create(&device, 1, pipeline.storage_buffer_count, &pool);
   if (result != VK_SUCCESS)
      goto cleanup;
   const VkDescriptorBufferInfo buffers[2] = {
      {.buffer = x_buffer.handle, .offset = 0, .range = VK_WHOLE_SIZE},
      {.buffer = y_buffer.handle, .offset = 0, .range = VK_WHOLE_SIZE},
   };
   struct saxpy_job job = {.pipeline = &pipeline, .n = n, .a = a};
   result = kt_descriptor_set_create(&device, pool, &pipeline, buffers, &job.set);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_submit_once(&device, 0, record_saxpy, &job, "saxpy");
   if (result != VK_SUCCESS)
      goto cleanup;
   memcpy(y_out, y_buffer.map, bytes);

cleanup:
   if (pool != VK_NULL_HANDLE)
      device.vk.vkDestroyDescriptorPool(device.handle, pool, NULL);
   kt_compute_pipeline_destroy(&device, &pipeline);
   kt_buffer_destroy(&device, &y_buffer);
   kt_buffer_destroy(&device, &x_buffer);
   kt_device_destroy(&device);
   return result;
}

/* The GPU may evaluate a * x + y fused (one rounding) or not (two roundings); both are exact
 * IEEE binary32 results. An element passes when it is within |fused - unfused| + FLT_MIN of the
 * fused reference: between the two legal results, with FLT_MIN for flushed denormals. */
static void
check_against_cpu(const float *x, const float *y_in, const float *y_gpu, uint32_t n, float a,
                  struct cpu_check *check)
{
   *check = (struct cpu_check){.first_bad = UINT32_MAX};
   for (uint32_t i = 0; i < n; i++) {
      float fused = fmaf(a, x[i], y_in[i]);
      float product = a * x[i]; /* -std=c11: separate statements are never contracted */
      float unfused = product + y_in[i];
      double bound = fabs((double)fused - (double)unfused) + FLT_MIN;
      double error = fabs((double)y_gpu[i] - (double)fused);
      if (memcmp(&y_gpu[i], &fused, sizeof(float)) == 0)
         check->fused_exact++;
      if (memcmp(&y_gpu[i], &unfused, sizeof(float)) == 0)
         check->unfused_exact++;
      if (!(error <= bound)) { /* NaN fails too */
         if (check->out_of_bound++ == 0)
            check->first_bad = i;
      } else if (error > check->max_abs_error) {
         check->max_abs_error = error;
      }
      if (bound > check->max_bound)
         check->max_bound = bound;
   }
}

static void
print_cpu_check(const char *label, const struct cpu_check *check, uint32_t n, const float *x,
                const float *y_in, const float *y_gpu, float a)
{
   printf("%s vs CPU: max abs error %.9g (bound up to %.9g); equal to fmaf: %" PRIu32
          "/%" PRIu32 ", to unfused: %" PRIu32 "/%" PRIu32 "; out of bound: %" PRIu32 "\n",
          label, check->max_abs_error, check->max_bound, check->fused_exact, n,
          check->unfused_exact, n, check->out_of_bound);
   if (check->out_of_bound) {
      uint32_t i = check->first_bad;
      printf("  first bad element %" PRIu32 ": x %.9g y %.9g -> gpu %.9g, fmaf %.9g\n", i,
             (double)x[i], (double)y_in[i], (double)y_gpu[i], (double)fmaf(a, x[i], y_in[i]));
   }
}

static void
print_device(const char *label, const struct kt_physical_device *device)
{
   printf("%s device: %s\n", label, device->properties.deviceName);
   printf("%s driver: %s%s%s\n", label, kt_physical_device_driver_name(device),
          device->has_driver ? ", " : "", device->has_driver ? device->driver.driverInfo : "");
}

/* Runs and checks one pair; true when everything matched. */
static bool
check_pair(const struct kt_device_pair *pair, const float *x, const float *y_in, uint32_t n,
           float *y_vendor, float *y_kronos)
{
   char uuid[37];
   kt_uuid_format(pair->kronos->id.deviceUUID, uuid);
   print_device("vendor", pair->vendor);
   print_device("kronos", pair->kronos);
   printf("deviceUUID: %s\n", uuid);
   printf("n: %" PRIu32 ", a: %.9g\n", n, (double)SAXPY_A);
   fflush(stdout);

   if (run_saxpy(pair->vendor, x, y_in, n, SAXPY_A, y_vendor) != VK_SUCCESS) {
      printf("vendor run: FAILED (see the messages above)\n");
      return false;
   }
   if (run_saxpy(pair->kronos, x, y_in, n, SAXPY_A, y_kronos) != VK_SUCCESS) {
      printf("kronos run: FAILED (see the messages above)\n");
      return false;
   }

   bool identical = memcmp(y_vendor, y_kronos, (size_t)n * sizeof(float)) == 0;
   printf("bit-identical: %s\n", identical ? "yes" : "no");
   if (!identical) {
      for (uint32_t i = 0; i < n; i++) {
         if (memcmp(&y_vendor[i], &y_kronos[i], sizeof(float)) != 0) {
            printf("  first difference at %" PRIu32 ": vendor %.9g, kronos %.9g\n", i,
                   (double)y_vendor[i], (double)y_kronos[i]);
            break;
         }
      }
   }
   printf("tolerance: |y - fmaf(a,x,y)| <= |fmaf(a,x,y) - (a*x+y)| + FLT_MIN per element "
          "(fused or unfused, denormals may flush)\n");
   struct cpu_check vendor_check, kronos_check;
   check_against_cpu(x, y_in, y_vendor, n, SAXPY_A, &vendor_check);
   check_against_cpu(x, y_in, y_kronos, n, SAXPY_A, &kronos_check);
   print_cpu_check("vendor", &vendor_check, n, x, y_in, y_vendor, SAXPY_A);
   print_cpu_check("kronos", &kronos_check, n, x, y_in, y_kronos, SAXPY_A);
   return identical && vendor_check.out_of_bound == 0 && kronos_check.out_of_bound == 0;
}

static void
explain_missing_pair(void)
{
   fprintf(stderr,
      "kronos-saxpy: needs a Kronos device and the vendor device it runs on, both visible.\n"
      "  Set VK_DRIVER_FILES=<vendor manifest>:<build>/icd/kronos_icd.x86_64.json\n"
      "  and KRONOS_VENDOR_ICD=<vendor manifest>, e.g. for lavapipe:\n"
      "    VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json:$PWD/build/icd/"
      "kronos_icd.x86_64.json \\\n"
      "    KRONOS_VENDOR_ICD=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json build/tools/"
      "kronos-saxpy\n");
}

int
main(int argc, char **argv)
{
   struct options options;
   int exit_code = EXIT_MISMATCH;
   if (!parse_args(argc, argv, &options, &exit_code))
      return exit_code;

   struct kt_system system = {0};
   float *x = NULL, *y_in = NULL, *y_vendor = NULL, *y_kronos = NULL;
   bool pairs_ran = false, had_instance = false;

   if (kt_system_create("kronos-saxpy", options.validation, options.sync_validation,
                        &system) != VK_SUCCESS)
      goto cleanup;
   const struct kt_device_pair *pairs = system.pairs;
   const uint32_t pair_count = system.pair_count;
   uint32_t usable = 0;
   for (uint32_t i = 0; i < pair_count; i++) {
      if (pairs[i].vendor) {
         usable++;
      } else {
         fprintf(stderr, "kronos-saxpy: %s: no vendor device with its deviceUUID is visible "
                 "(is the vendor manifest in VK_DRIVER_FILES?)\n",
                 pairs[i].kronos->properties.deviceName);
      }
   }
   if (pair_count == 0 || usable == 0) {
      if (pair_count == 0)
         fprintf(stderr, "kronos-saxpy: no Kronos device is visible (%" PRIu32 " other "
                 "device(s))\n", system.device_count);
      explain_missing_pair();
      exit_code = EXIT_SETUP;
      goto cleanup;
   }

   size_t bytes = (size_t)options.n * sizeof(float);
   x = malloc(bytes);
   y_in = malloc(bytes);
   y_vendor = malloc(bytes);
   y_kronos = malloc(bytes);
   if (!x || !y_in || !y_vendor || !y_kronos) {
      kt_error("out of memory for %" PRIu32 " elements", options.n);
      goto cleanup;
   }
   make_inputs(x, y_in, options.n);

   bool pass = true;
   pairs_ran = true;
   for (uint32_t i = 0; i < pair_count; i++) {
      if (!pairs[i].vendor)
         continue;
      if (i > 0)
         printf("\n");
      pass = check_pair(&pairs[i], x, y_in, options.n, y_vendor, y_kronos) && pass;
   }
   exit_code = pass ? EXIT_PASS : EXIT_MISMATCH;

cleanup:
   free(y_kronos);
   free(y_vendor);
   free(y_in);
   free(x);
   /* Counted after destruction: the layer reports leaked objects there. */
   had_instance = system.instance != NULL;
   unsigned validation_errors = kt_system_destroy(&system);
   if (options.validation && had_instance) {
      printf("validation errors: %u\n", validation_errors);
      if (validation_errors && exit_code == EXIT_PASS)
         exit_code = EXIT_MISMATCH;
   }
   if (pairs_ran)
      printf("result: %s\n", exit_code == EXIT_PASS ? "PASS" : "FAIL");
   return exit_code;
}
