/* SPDX-License-Identifier: MIT */
#include "bench_micro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench_micro_alloc.h"
#include "bench_micro_kernel.h"

#define GROUP "micro"

enum micro_kind { MICRO_ALLOC, MICRO_KERNEL };

struct micro_row {
   const char *name;
   const char *unit;
   const char *size_label;
   uint64_t size_bytes;
   enum micro_kind kind;
   int variant; /* enum bench_alloc_kind or enum bench_kernel_row */
};

static const struct micro_row micro_rows[] = {
   {"alloc-1MiB", "allocation", "1 MiB", 1u << 20, MICRO_ALLOC, BENCH_ALLOC_DEVICE_1MIB},
   {"alloc-host-1MiB", "allocation", "1 MiB", 1u << 20, MICRO_ALLOC, BENCH_ALLOC_HOST_1MIB},
   {"alloc-mixed", "allocation", "mixed", 0, MICRO_ALLOC, BENCH_ALLOC_MIXED},
   {"submit-fences", "submit", "4 KiB", 4096, MICRO_KERNEL, BENCH_KERNEL_SUBMIT_FENCES},
   {"round-trip", "round trip", "4 KiB", 4096, MICRO_KERNEL, BENCH_KERNEL_ROUND_TRIP},
   {"chain-barriers", "dispatch", "4 KiB", 4096, MICRO_KERNEL, BENCH_KERNEL_CHAIN_BARRIERS},
   {"descriptor-updates", "dispatch", "4 KiB", 4096, MICRO_KERNEL,
    BENCH_KERNEL_DESCRIPTOR_UPDATES},
};
#define MICRO_ROW_COUNT (sizeof(micro_rows) / sizeof(micro_rows[0]))

bool
bench_is_micro(const char *name)
{
   for (size_t i = 0; i < MICRO_ROW_COUNT; i++) {
      if (strcasecmp(micro_rows[i].name, name) == 0)
         return true;
   }
   return false;
}

uint32_t
bench_micro_row_count(const struct bench_options *options)
{
   uint32_t count = 0;
   for (size_t i = 0; i < MICRO_ROW_COUNT; i++)
      count += bench_options_selects(options, GROUP, micro_rows[i].name);
   return count;
}

static void
run_alloc_row(struct bench_session *session, const struct micro_row *spec, struct bench_row *row)
{
   struct bench_alloc_context contexts[BENCH_SIDE_COUNT];
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      contexts[s] = (struct bench_alloc_context){&session->devices[s],
                                                 (enum bench_alloc_kind)spec->variant};
   void *const pointers[BENCH_SIDE_COUNT] = {&contexts[0], &contexts[1]};
   bench_session_measure(session, row, bench_alloc_run, pointers);
}

/* Reads both y buffers back: they must be equal, and every region the row wrote must differ
 * from `before` (the y buffer before the row). */
static void
check_kernel_outputs(struct bench_kernel kernels[BENCH_SIDE_COUNT], const float *before,
                     float *after[BENCH_SIDE_COUNT], struct bench_row *row)
{
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      VkResult result = bench_buffer_readback(kernels[s].device, &kernels[s].y, 0,
                                              BENCH_KERNEL_Y_BYTES, after[s], "micro y");
      if (result != VK_SUCCESS) {
         bench_row_fail(row, "reading the output back failed: %s", kt_result_name(result));
         return;
      }
   }
   row->outputs_equal = memcmp(after[0], after[1], BENCH_KERNEL_Y_BYTES) == 0
                           ? BENCH_CHECK_PASSED
                           : BENCH_CHECK_FAILED;
   row->verify = BENCH_CHECK_PASSED;
   uint32_t regions = bench_kernel_regions_written(kernels[0].row);
   size_t region_bytes = BENCH_KERNEL_REGION_FLOATS * sizeof(float);
   for (uint32_t r = 0; r < regions; r++) {
      for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
         size_t offset = (size_t)r * BENCH_KERNEL_REGION_FLOATS;
         if (memcmp(before + offset, after[s] + offset, region_bytes) == 0) {
            row->verify = BENCH_CHECK_FAILED;
            snprintf(row->verify_why, sizeof(row->verify_why),
                     "%s: region %u was not written", s == BENCH_DIRECT ? "direct" : "kronos", r);
            return;
         }
      }
   }
   if (row->outputs_equal == BENCH_CHECK_FAILED)
      snprintf(row->verify_why, sizeof(row->verify_why), "the direct and Kronos outputs differ");
}

static void
run_kernel_row(struct bench_session *session, const struct micro_row *spec,
               struct bench_kernel kernels[BENCH_SIDE_COUNT], struct bench_row *row)
{
   float *before = malloc(BENCH_KERNEL_Y_BYTES);
   float *after[BENCH_SIDE_COUNT] = {malloc(BENCH_KERNEL_Y_BYTES), malloc(BENCH_KERNEL_Y_BYTES)};
   if (!before || !after[0] || !after[1]) {
      bench_row_fail(row, "out of memory");
      goto cleanup;
   }
   VkResult result = bench_buffer_readback(kernels[BENCH_DIRECT].device,
                                           &kernels[BENCH_DIRECT].y, 0, BENCH_KERNEL_Y_BYTES,
                                           before, "micro y");
   if (result != VK_SUCCESS) {
      bench_row_fail(row, "reading the input back failed: %s", kt_result_name(result));
      goto cleanup;
   }
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      kernels[s].row = (enum bench_kernel_row)spec->variant;
   void *const contexts[BENCH_SIDE_COUNT] = {&kernels[0], &kernels[1]};
   bench_session_measure(session, row, bench_kernel_run, contexts);
   if (row->measured)
      check_kernel_outputs(kernels, before, after, row);

cleanup:
   free(after[1]);
   free(after[0]);
   free(before);
}

bool
bench_run_micro_rows(struct bench_session *session)
{
   struct bench_kernel kernels[BENCH_SIDE_COUNT];
   memset(kernels, 0, sizeof(kernels));
   VkResult kernels_created = VK_NOT_READY; /* created with the first kernel row */
   bool ok = true;

   for (size_t i = 0; i < MICRO_ROW_COUNT && ok; i++) {
      const struct micro_row *spec = &micro_rows[i];
      if (!bench_options_selects(session->options, GROUP, spec->name))
         continue;
      struct bench_row *row = bench_results_add(session->results, GROUP, spec->name);
      if (!row) {
         ok = false;
         break;
      }
      row->unit = spec->unit;
      row->size_bytes = spec->size_bytes;
      snprintf(row->size_label, sizeof(row->size_label), "%s", spec->size_label);
      bench_progress_begin(session, row);
      if (spec->kind == MICRO_ALLOC) {
         run_alloc_row(session, spec, row);
      } else {
         enum bench_kernel_row kernel_row = (enum bench_kernel_row)spec->variant;
         row->dispatches_per_submit = bench_kernel_dispatches_per_submit(kernel_row);
         row->batch = row->dispatches_per_submit;
         row->bytes_per_unit = 3.0 * BENCH_KERNEL_REGION_FLOATS * sizeof(float);
         row->flops_per_unit = 2.0 * BENCH_KERNEL_REGION_FLOATS;
         for (uint32_t s = 0; s < BENCH_SIDE_COUNT && kernels_created == VK_NOT_READY; s++) {
            if (bench_kernel_create(&session->devices[s], session->options->seed,
                                    &kernels[s]) != VK_SUCCESS)
               kernels_created = VK_ERROR_INITIALIZATION_FAILED;
         }
         if (kernels_created == VK_NOT_READY)
            kernels_created = VK_SUCCESS;
         if (kernels_created != VK_SUCCESS)
            bench_row_fail(row, "creating the micro kernel failed");
         else
            run_kernel_row(session, spec, kernels, row);
      }
      bench_progress_end(session, row);
   }
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++)
      bench_kernel_destroy(&kernels[s]);
   return ok;
}
