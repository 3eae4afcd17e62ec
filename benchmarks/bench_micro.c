/* SPDX-License-Identifier: MIT */
#include "bench_micro.h"

#include <inttypes.h>
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
   {"chain-nobarriers", "dispatch", "4 KiB", 4096, MICRO_KERNEL, BENCH_KERNEL_CHAIN_NOBARRIERS},
   {"chain-dependent", "dispatch", "4 KiB", 4096, MICRO_KERNEL, BENCH_KERNEL_CHAIN_DEPENDENT},
   {"graph-dag", "dispatch", "4 KiB", 4096, MICRO_KERNEL, BENCH_KERNEL_GRAPH_DAG},
   {"descriptor-updates", "dispatch", "4 KiB", 4096, MICRO_KERNEL,
    BENCH_KERNEL_DESCRIPTOR_UPDATES},
   {"descriptor-framework", "dispatch", "4 KiB", 4096, MICRO_KERNEL,
    BENCH_KERNEL_DESCRIPTOR_FRAMEWORK},
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

/* The CPU references' x (the direct side's: both sides uploaded the same). */
static bool
read_x(struct bench_kernel kernels[BENCH_SIDE_COUNT], float x[BENCH_KERNEL_REGION_FLOATS],
       char *why, size_t why_size)
{
   VkResult result = bench_buffer_readback(kernels[BENCH_DIRECT].device, &kernels[BENCH_DIRECT].x,
                                           0, BENCH_KERNEL_REGION_FLOATS * sizeof(float), x,
                                           "micro x");
   if (result != VK_SUCCESS)
      snprintf(why, why_size, "reading x back failed: %s", kt_result_name(result));
   return result == VK_SUCCESS;
}

/* descriptor-framework's CPU reference: every region it wrote, from `before`, after each side's
 * applications of y = a x + y (one per completed iteration), must equal that side's y bit for
 * bit. a is a power of two, so a x is exact and the GPU's rounding (fused or not) is the CPU's.
 * False with `why` on a mismatch. */
static bool
check_framework_reference(struct bench_kernel kernels[BENCH_SIDE_COUNT], const float *before,
                          float *after[BENCH_SIDE_COUNT], char *why, size_t why_size)
{
   float x[BENCH_KERNEL_REGION_FLOATS];
   if (!read_x(kernels, x, why, why_size))
      return false;
   uint32_t regions = bench_kernel_regions_written(BENCH_KERNEL_DESCRIPTOR_FRAMEWORK);
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      uint64_t applications = kernels[s].framework.iterations;
      for (size_t i = 0; i < (size_t)regions * BENCH_KERNEL_REGION_FLOATS; i++) {
         float y = before[i];
         for (uint64_t n = 0; n < applications; n++)
            y = BENCH_KERNEL_A * x[i % BENCH_KERNEL_REGION_FLOATS] + y;
         if (memcmp(&y, &after[s][i], sizeof(y)) != 0) {
            snprintf(why, why_size,
                     "%s: y[%zu] is %.9g after %" PRIu64 " applications, the CPU reference %.9g",
                     s == BENCH_DIRECT ? "direct" : "kronos", i, (double)after[s][i],
                     applications, (double)y);
            return false;
         }
      }
   }
   return true;
}

/* The node rows' CPU reference: from `before`, each side's nodes applied in order once per
 * completed iteration must give that side's y bit for bit (a is a power of two: see
 * check_framework_reference). False with `why` on a mismatch. */
static bool
check_nodes_reference(struct bench_kernel kernels[BENCH_SIDE_COUNT],
                      const struct bench_node *nodes, const float *before,
                      float *after[BENCH_SIDE_COUNT], char *why, size_t why_size)
{
   float x[BENCH_KERNEL_REGION_FLOATS];
   if (!read_x(kernels, x, why, why_size))
      return false;
   float *want = malloc(BENCH_KERNEL_Y_BYTES);
   if (!want) {
      snprintf(why, why_size, "out of memory for the CPU reference");
      return false;
   }
   bool ok = true;
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT && ok; s++) {
      memcpy(want, before, BENCH_KERNEL_Y_BYTES);
      bench_nodes_apply(nodes, BENCH_KERNEL_CHAIN, kernels[s].iterations, BENCH_KERNEL_A, x,
                        want, BENCH_KERNEL_REGION_FLOATS);
      for (size_t i = 0; i < BENCH_KERNEL_Y_BYTES / sizeof(float) && ok; i++) {
         if (memcmp(&want[i], &after[s][i], sizeof(float)) != 0) {
            snprintf(why, why_size,
                     "%s: y[%zu] (region %zu) is %.9g after %" PRIu64 " iterations, the CPU "
                     "reference %.9g",
                     s == BENCH_DIRECT ? "direct" : "kronos", i, i / BENCH_KERNEL_REGION_FLOATS,
                     (double)after[s][i], kernels[s].iterations, (double)want[i]);
            ok = false;
         }
      }
   }
   free(want);
   return ok;
}

/* Reads both y buffers back: they must be equal, and every region the row wrote must differ
 * from `before` (the y buffer before the row); descriptor-framework's and the node rows' must
 * also match their CPU references. */
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
   struct bench_node storage[BENCH_KERNEL_CHAIN];
   const struct bench_node *nodes = NULL;
   bool barriers;
   bool written[BENCH_KERNEL_REGIONS] = {false};
   if (bench_kernel_nodes(&kernels[0], kernels[0].row, storage, &nodes, &barriers)) {
      for (uint32_t d = 0; d < BENCH_KERNEL_CHAIN; d++)
         written[nodes[d].output] = true;
   } else {
      for (uint32_t r = 0; r < bench_kernel_regions_written(kernels[0].row); r++)
         written[r] = true;
   }
   size_t region_bytes = BENCH_KERNEL_REGION_FLOATS * sizeof(float);
   for (uint32_t r = 0; r < BENCH_KERNEL_REGIONS; r++) {
      for (uint32_t s = 0; s < BENCH_SIDE_COUNT && written[r]; s++) {
         size_t offset = (size_t)r * BENCH_KERNEL_REGION_FLOATS;
         if (memcmp(before + offset, after[s] + offset, region_bytes) == 0) {
            row->verify = BENCH_CHECK_FAILED;
            snprintf(row->verify_why, sizeof(row->verify_why),
                     "%s: region %u was not written", s == BENCH_DIRECT ? "direct" : "kronos", r);
            return;
         }
      }
   }
   if (kernels[0].row == BENCH_KERNEL_DESCRIPTOR_FRAMEWORK &&
       !check_framework_reference(kernels, before, after, row->verify_why,
                                  sizeof(row->verify_why))) {
      row->verify = BENCH_CHECK_FAILED;
      return;
   }
   if (nodes && !check_nodes_reference(kernels, nodes, before, after, row->verify_why,
                                       sizeof(row->verify_why))) {
      row->verify = BENCH_CHECK_FAILED;
      return;
   }
   if (row->outputs_equal == BENCH_CHECK_FAILED)
      snprintf(row->verify_why, sizeof(row->verify_why), "the direct and Kronos outputs differ");
}

/* The node rows' barriers: what the vendor should get per submit, by the benchmark's model of the
 * barrier policy (bench_barrier_model.h), for the counter check. */
static void
expect_barriers(const struct bench_kernel *kernel, enum bench_kernel_row kernel_row,
                struct bench_row *row)
{
   struct bench_node storage[BENCH_KERNEL_CHAIN];
   const struct bench_node *nodes;
   bool barriers;
   if (!bench_kernel_nodes(kernel, kernel_row, storage, &nodes, &barriers))
      return;
   struct bench_barrier_expect *e = &row->barrier_expect;
   if (!bench_nodes_barriers(nodes, BENCH_KERNEL_CHAIN, barriers, BENCH_BARRIER_PREVIOUS_WORK,
                             BENCH_KERNEL_REGION_FLOATS * sizeof(float), &e->hazards_per_submit,
                             &e->ends_per_submit))
      return;
   e->known = true;
   e->app_per_submit = barriers ? BENCH_KERNEL_CHAIN : 0;
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
   const struct bench_framework *frameworks[2] = {&kernels[0].framework, &kernels[1].framework};
   if (spec->variant == BENCH_KERNEL_DESCRIPTOR_FRAMEWORK &&
       (frameworks[0]->bindings != frameworks[1]->bindings ||
        frameworks[0]->stage_bindings != frameworks[1]->stage_bindings)) {
      bench_row_fail(row, "the two devices' descriptor limits differ");
      goto cleanup;
   }
   for (uint32_t s = 0; s < BENCH_SIDE_COUNT; s++) {
      kernels[s].row = (enum bench_kernel_row)spec->variant;
      kernels[s].framework.iterations = 0;
      kernels[s].iterations = 0;
   }
   expect_barriers(&kernels[BENCH_KRONOS], (enum bench_kernel_row)spec->variant, row);
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
