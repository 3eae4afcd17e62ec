/* SPDX-License-Identifier: MIT */
/* test_workloads: every benchmark workload at several sizes (awkward ones included: one element,
 * lengths that are not multiples of the workgroup size, scans and reductions crossing block and
 * level boundaries, GEMM orders that are not multiples of the tile, dispatch grids smaller than
 * the work), on the first Kronos device and on the vendor device it runs on (same deviceUUID).
 * Each run records the workload 3 times (--records) in one command buffer, submits, verifies
 * the output against the CPU reference, and the vendor's and Kronos's outputs must be equal byte
 * for byte. --benchmark-sizes runs the benchmark's rows (64 KiB, 8 MiB, 64 MiB) instead, for a
 * GPU; the times it prints are rough (one submit and fence wait, no warm-up).
 * On Kronos the recorded dispatches and barriers are also counted (vkGetDeviceStatisticsKRONOS):
 * each record must make dispatches_per_record() dispatches and as many barriers. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kronos/kronos.h>

#include "bench_workload.h"
#include "workload_common.h"

#define DEFAULT_RECORDS 3u
#define MAX_RECORDS 100000u

enum exit_code {
   EXIT_PASS = 0,
   EXIT_FAIL = 1,  /* a wrong result, a Vulkan failure or validation errors */
   EXIT_SETUP = 2, /* bad arguments, or no Kronos/vendor device pair visible */
};

struct test_case {
   const char *workload;
   size_t input_bytes;
   uint32_t group_limit; /* bench_workload_group_limit for this case (0: the device's) */
   bool small_blocks;    /* bench_workload_small_blocks: reduce and scan in blocks of 512 */
   const char *note;
};

#define KIB ((size_t)1024)
#define MIB (KIB * KIB)

/* reduce works in blocks of 4096 (512 with small_blocks), scan in blocks of 2048 (512), gemm in
 * 64 x 64 tiles. */
static const struct test_case cases[] = {
   {"saxpy", 4, 0, false, "n = 1"},
   {"saxpy", 1020, 0, false, "n = 255"},
   {"saxpy", 4100, 0, false, "n = 1025"},
   {"saxpy", 4100, 2, false, "n = 1025, grid of 2 groups (grid-stride loop)"},
   {"saxpy", 64 * KIB, 0, false, "benchmark row"},
   {"saxpy", MIB + 12, 0, false, "n = 262147"},
   {"reduce", 4, 0, false, "n = 1, one pass"},
   {"reduce", 16384, 0, false, "n = 4096, one block"},
   {"reduce", 16388, 0, false, "n = 4097, 2 passes"},
   {"reduce", 20000, 0, false, "n = 5000, the last element in a thread's second slot"},
   {"reduce", 64 * KIB, 0, false, "benchmark row, 2 passes"},
   {"reduce", MIB + 4, 0, false, "n = 262145, 2 passes"},
   {"reduce", MIB + 4, 3, false, "n = 262145, grids of at most 3 x 3 groups"},
   {"reduce", 2048, 0, true, "n = 512, blocks of 512, one pass"},
   {"reduce", 2052, 0, true, "n = 513, blocks of 512, 2 passes"},
   {"reduce", 4000, 0, true, "n = 1000, blocks of 512, the last element in a second slot"},
   {"reduce", MIB + 4, 0, true, "n = 262145, blocks of 512, 3 passes"},
   {"reduce", MIB + 4, 3, true, "n = 262145, blocks of 512, grids of at most 3 x 3 groups"},
   {"scan", 4, 0, false, "n = 1"},
   {"scan", 8192, 0, false, "n = 2048, one block"},
   {"scan", 8196, 0, false, "n = 2049, 2 levels"},
   {"scan", 64 * KIB, 0, false, "benchmark row, 2 levels"},
   {"scan", 400000, 0, false, "n = 100000, 2 levels"},
   {"scan", MIB + 4, 0, false, "n = 262145, 2 levels"},
   {"scan", MIB + 4, 3, false, "n = 262145, grids of at most 3 x 3 groups"},
   {"scan", 2048, 0, true, "n = 512, blocks of 512, one block"},
   {"scan", 2052, 0, true, "n = 513, blocks of 512, 2 levels"},
   {"scan", MIB, 0, true, "n = 262144, blocks of 512, 2 levels, the top one full"},
   {"scan", MIB + 4, 0, true, "n = 262145, blocks of 512, 3 levels"},
   {"scan", MIB + 4, 3, true, "n = 262145, blocks of 512, grids of at most 3 x 3 groups"},
   {"gemm", 8, 0, false, "N = 1"},
   {"gemm", 8 * 37 * 37, 0, false, "N = 37"},
   {"gemm", 64 * KIB, 0, false, "N = 90, benchmark row"},
   {"gemm", 8 * 130 * 130, 0, false, "N = 130"},
   {"gemm", 8 * 130 * 130, 2, false, "N = 130, grid of 2 x 2 groups"},
   {"gemm", 8 * 256 * 256, 0, false, "N = 256"},
   /* skipped where the device has no cooperative matrices (lavapipe; see the workload) */
   {"gemm-coopmat", 4 * 16 * 16, 0, false, "N = 16"},
   {"gemm-coopmat", 4 * 48 * 48, 0, false, "N = 48"},
   {"gemm-coopmat", 64 * KIB, 0, false, "N = 128, benchmark row"},
};

struct options {
   bool validation;
   bool sync_validation;
   bool benchmark_sizes; /* the benchmark's rows instead of the test cases */
   uint32_t records;     /* records per command buffer */
   const char *only;     /* run only this workload */
};

/* The benchmark's rows (--benchmark-sizes): too big for lavapipe in the test suite. */
static const size_t benchmark_sizes[] = {64 * KIB, 8 * MIB, 64 * MIB};

static void
usage(FILE *out)
{
   fprintf(out,
      "usage: test_workloads [--validation] [--sync-validation] [--only NAME]\n"
      "                      [--benchmark-sizes] [--records N] [--help]\n"
      "\n"
      "Runs every benchmark workload at several sizes on the first Kronos device and on the\n"
      "vendor device with the same deviceUUID, recording each N times (default %u) in one\n"
      "command buffer; checks each output against its CPU reference and the two outputs byte\n"
      "for byte. --benchmark-sizes runs the benchmark's rows (64 KiB, 8 MiB, 64 MiB) instead\n"
      "of the test cases. The times printed are rough (one submit and fence wait each).\n"
      "Both drivers must be visible: VK_DRIVER_FILES=<vendor manifest>:<Kronos manifest>,\n"
      "KRONOS_VENDOR_ICD=<vendor manifest>.\n"
      "Exit status: 0 pass, 1 failure, 2 usage error or no device pair.\n", DEFAULT_RECORDS);
}

static bool
parse_args(int argc, char **argv, struct options *options, int *exit_code)
{
   *options = (struct options){.records = DEFAULT_RECORDS};
   for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
         usage(stdout);
         *exit_code = EXIT_PASS;
         return false;
      } else if (strcmp(argv[i], "--validation") == 0) {
         options->validation = true;
      } else if (strcmp(argv[i], "--sync-validation") == 0) {
         options->validation = true;
         options->sync_validation = true;
      } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
         options->only = argv[++i];
      } else if (strcmp(argv[i], "--benchmark-sizes") == 0) {
         options->benchmark_sizes = true;
      } else if (strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
         char *end = NULL;
         unsigned long records = strtoul(argv[++i], &end, 10);
         if (*end != '\0' || records == 0 || records > MAX_RECORDS) {
            fprintf(stderr, "test_workloads: --records needs 1 to %u\n", MAX_RECORDS);
            *exit_code = EXIT_SETUP;
            return false;
         }
         options->records = (uint32_t)records;
      } else {
         fprintf(stderr, "test_workloads: unknown argument '%s'\n\n", argv[i]);
         usage(stderr);
         *exit_code = EXIT_SETUP;
         return false;
      }
   }
   return true;
}

static const struct bench_workload_ops *
find_workload(const char *name)
{
   for (uint32_t i = 0; bench_workloads[i]; i++) {
      if (strcmp(bench_workloads[i]->name, name) == 0)
         return bench_workloads[i];
   }
   return NULL;
}

struct run {
   const struct bench_workload_ops *ops;
   struct bench_workload *workload;
   uint32_t records;
};

static double
now_seconds(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
record_run(const struct kt_device *device, VkCommandBuffer cmd, void *user)
{
   (void)device;
   const struct run *run = user;
   for (uint32_t r = 0; r < run->records; r++)
      run->ops->record(run->workload, cmd);
}

/* Creates, records `records` times, runs and verifies one workload on `device`; the output
 * goes to *output (malloc'ed). On Kronos (`stats` not NULL), also checks the recorded counts. */
static bool
run_on(const struct kt_device *device, const char *label, const struct bench_workload_ops *ops,
       size_t input_bytes, uint32_t seed, uint32_t records,
       PFN_vkGetDeviceStatisticsKRONOS stats, void **output, size_t *output_size,
       uint32_t *dispatches)
{
   struct run run = {.ops = ops, .records = records};
   char why[512] = "";
   bool ok = false;
   *output = NULL;
   *output_size = 0;

   if (ops->create(device, input_bytes, seed, &run.workload) != VK_SUCCESS) {
      printf("    %s: create failed (see above)\n", label);
      goto cleanup;
   }
   *dispatches = ops->dispatches_per_record(run.workload);
   VkKronosDeviceStatistics before = {.version = KRONOS_STATISTICS_VERSION};
   VkKronosDeviceStatistics after = {.version = KRONOS_STATISTICS_VERSION};
   if (stats && !kt_ok(stats(device->handle, &before), "vkGetDeviceStatisticsKRONOS"))
      goto cleanup;
   double start = now_seconds();
   if (kt_submit_once(device, 0, record_run, &run, ops->name) != VK_SUCCESS) {
      printf("    %s: the run failed (see above)\n", label);
      goto cleanup;
   }
   double per_record = (now_seconds() - start) / records;
   double bytes = ops->bytes_per_record(run.workload), flops = ops->flops_per_record(run.workload);
   printf("    %s: %.3f ms per record (rough: one submit and wait for %" PRIu32 " records), "
          "%.1f GB/s", label, per_record * 1e3, records, bytes / per_record * 1e-9);
   if (flops > 0)
      printf(", %.1f GFLOP/s", flops / per_record * 1e-9);
   printf("\n");
   if (stats) {
      if (!kt_ok(stats(device->handle, &after), "vkGetDeviceStatisticsKRONOS"))
         goto cleanup;
      uint64_t want = (uint64_t)records * *dispatches;
      uint64_t got_dispatches = after.app_dispatches - before.app_dispatches;
      uint64_t got_barriers = after.app_barriers - before.app_barriers;
      if (got_dispatches != want || got_barriers != want) {
         printf("    %s: %u records made %" PRIu64 " dispatches and %" PRIu64 " barriers, "
                "expected %" PRIu64 " of each (dispatches_per_record %" PRIu32 ")\n", label,
                records, got_dispatches, got_barriers, want, *dispatches);
         goto cleanup;
      }
   }
   if (!ops->verify(run.workload, why, sizeof(why))) {
      printf("    %s: WRONG: %s\n", label, why);
      goto cleanup;
   }
   size_t size = 0;
   const void *data = ops->output(run.workload, &size);
   *output = malloc(size ? size : 1);
   if (!*output) {
      printf("    %s: out of host memory\n", label);
      goto cleanup;
   }
   memcpy(*output, data, size);
   *output_size = size;
   ok = true;

cleanup:
   if (run.workload)
      ops->destroy(run.workload);
   return ok;
}

static bool
run_case(const struct test_case *c, uint32_t index, uint32_t records,
         const struct kt_device *vendor, const struct kt_device *kronos,
         PFN_vkGetDeviceStatisticsKRONOS stats)
{
   const struct bench_workload_ops *ops = find_workload(c->workload);
   if (!ops) {
      printf("%-7s %8zu bytes: no such workload\n", c->workload, c->input_bytes);
      return false;
   }
   printf("%-7s %8zu bytes (%s)\n", c->workload, c->input_bytes, c->note);
   fflush(stdout);
   const char *unsupported = NULL;
   if (ops->unsupported && !(unsupported = ops->unsupported(vendor)))
      unsupported = ops->unsupported(kronos);
   if (unsupported) {
      printf("    skipped: %s\n", unsupported);
      return true;
   }
   uint32_t seed = 0x4b524f4eu + index;
   void *vendor_out = NULL, *kronos_out = NULL;
   size_t vendor_size = 0, kronos_size = 0;
   uint32_t vendor_dispatches = 0, kronos_dispatches = 0;
   bench_workload_group_limit = c->group_limit;
   bench_workload_small_blocks = c->small_blocks;
   bool ok = run_on(vendor, "vendor", ops, c->input_bytes, seed, records, NULL, &vendor_out,
                    &vendor_size, &vendor_dispatches);
   ok = run_on(kronos, "kronos", ops, c->input_bytes, seed, records, stats, &kronos_out,
               &kronos_size, &kronos_dispatches) && ok;
   bench_workload_group_limit = 0;
   bench_workload_small_blocks = false;
   if (ok) {
      if (vendor_size != kronos_size || memcmp(vendor_out, kronos_out, vendor_size) != 0) {
         size_t first = 0;
         size_t common = vendor_size < kronos_size ? vendor_size : kronos_size;
         while (first < common &&
                ((const unsigned char *)vendor_out)[first] ==
                   ((const unsigned char *)kronos_out)[first])
            first++;
         printf("    outputs differ: vendor %zu bytes, kronos %zu bytes, first difference at "
                "byte %zu\n", vendor_size, kronos_size, first);
         ok = false;
      } else {
         printf("    ok: %" PRIu32 " dispatch(es) per record, verified on both, %zu output "
                "bytes identical\n", kronos_dispatches, vendor_size);
      }
   }
   free(vendor_out);
   free(kronos_out);
   return ok;
}

int
main(int argc, char **argv)
{
   struct options options;
   int exit_code = EXIT_FAIL;
   if (!parse_args(argc, argv, &options, &exit_code))
      return exit_code;

   struct kt_system system = {0};
   struct kt_device vendor = {0}, kronos = {0};
   bool had_instance = false;

   if (kt_system_create("test_workloads", options.validation, options.sync_validation,
                        &system) != VK_SUCCESS)
      goto cleanup;
   const struct kt_device_pair *pair = system.pair_count ? &system.pairs[0] : NULL;
   if (!pair || !pair->vendor) {
      kt_error("needs the first Kronos device and the vendor device with its deviceUUID: set "
               "VK_DRIVER_FILES=<vendor manifest>:<Kronos manifest> and "
               "KRONOS_VENDOR_ICD=<vendor manifest> (%" PRIu32 " device(s), %" PRIu32
               " Kronos)", system.device_count, system.pair_count);
      exit_code = EXIT_SETUP;
      goto cleanup;
   }
   printf("vendor device: %s (%s)\n", pair->vendor->properties.deviceName,
          kt_physical_device_driver_name(pair->vendor));
   printf("kronos device: %s\n", pair->kronos->properties.deviceName);
   /* Cooperative matrices only without the validation layer (kt_device_create_with). */
   bool matrix = !options.validation && !options.sync_validation;
   if (kt_device_create_with(pair->vendor, 1, matrix, &vendor) != VK_SUCCESS ||
       kt_device_create_with(pair->kronos, 1, matrix, &kronos) != VK_SUCCESS)
      goto cleanup;
   PFN_vkGetDeviceStatisticsKRONOS stats =
      (PFN_vkGetDeviceStatisticsKRONOS)vkGetDeviceProcAddr(kronos.handle,
                                                           "vkGetDeviceStatisticsKRONOS");
   if (!stats) {
      kt_error("%s does not offer vkGetDeviceStatisticsKRONOS",
               pair->kronos->properties.deviceName);
      goto cleanup;
   }

   uint32_t failed = 0, ran = 0;
   if (options.benchmark_sizes) {
      for (uint32_t w = 0; bench_workloads[w]; w++) {
         if (options.only && strcmp(options.only, bench_workloads[w]->name) != 0)
            continue;
         for (uint32_t i = 0; i < sizeof(benchmark_sizes) / sizeof(benchmark_sizes[0]); i++) {
            const struct test_case c = {bench_workloads[w]->name, benchmark_sizes[i], 0, false,
                                        "benchmark row"};
            ran++;
            if (!run_case(&c, 100 * w + i, options.records, &vendor, &kronos, stats))
               failed++;
         }
      }
   } else {
      for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
         if (options.only && strcmp(options.only, cases[i].workload) != 0)
            continue;
         ran++;
         if (!run_case(&cases[i], i, options.records, &vendor, &kronos, stats))
            failed++;
      }
   }
   printf("%" PRIu32 " of %" PRIu32 " cases passed\n", ran - failed, ran);
   exit_code = failed == 0 && ran > 0 ? EXIT_PASS : EXIT_FAIL;

cleanup:
   kt_device_destroy(&kronos);
   kt_device_destroy(&vendor);
   had_instance = system.instance != NULL;
   unsigned validation_errors = kt_system_destroy(&system);
   if (options.validation && had_instance) {
      printf("validation errors: %u\n", validation_errors);
      if (validation_errors && exit_code == EXIT_PASS)
         exit_code = EXIT_FAIL;
   }
   printf("result: %s\n", exit_code == EXIT_PASS ? "PASS" : "FAIL");
   return exit_code;
}
