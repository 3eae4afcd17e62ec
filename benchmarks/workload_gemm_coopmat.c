/* SPDX-License-Identifier: MIT */
/* GEMM with cooperative matrices (issue 15): C = A * B, A and B float16 and C float32, row-major
 * N x N, computed by shaders/bench_gemm_coopmat.spvasm (VK_KHR_cooperative_matrix, 16 x 16 x 16
 * tiles, one 32-invocation subgroup per 16 x 16 tile of C). N = floor(sqrt(input_bytes / 4)),
 * so that A and B together are about input_bytes, rounded down to a multiple of 16 (64 KiB:
 * 128, 8 MiB: 1440, 64 MiB: 4096). One dispatch per record.
 *
 * Devices without the extension, the 16 x 16 x 16 float16/float32 subgroup shape or 32-wide
 * subgroups skip the rows (bench_workload_ops.unsupported): lavapipe, and every device when
 * built with headers that predate the extension.
 *
 * Inputs are drawn from {-2, -1, -1/2, 0, 1/2, 1, 2}: each product is a multiple of 1/4 of at
 * most 4, every partial sum a multiple of 1/4 below 4 N <= 2^16, so that float32 holds every
 * sum exactly, in any order: the GPU's result must equal the CPU reference exactly. Every
 * element is checked when N <= 256; above that, a deterministic sample of 4096 elements (from
 * the seed) plus the four corners. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_gemm_coopmat_spv.h"
#include "workload_common.h"

#define TILE 16u
#define SUBGROUP 32u
#define SAMPLES 4096u
#define CHECK_ALL_MAX_N 256u
#define VALUE_COUNT 7u

/* The inputs' values, as floats and as float16 bits. */
static const float values[VALUE_COUNT] = {-2.0f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 2.0f};
static const uint16_t half_bits[VALUE_COUNT] = {0xc000, 0xbc00, 0xb800, 0x0000,
                                                0x3800, 0x3c00, 0x4000};

struct coopmat_push {
   uint32_t k;
   uint32_t n;
};
_Static_assert(sizeof(struct coopmat_push) == 8, "matches the shader's push constants");

struct coopmat_workload {
   struct bench_workload base;
   uint32_t n, seed;
   uint8_t *a, *b; /* value indices, kept for verify */
   struct bench_buffer a_buffer, b_buffer, c_buffer;
   struct kt_compute_pipeline pipeline;
   VkDescriptorPool pool;
   VkDescriptorSet set;
};

static void coopmat_destroy(struct bench_workload *w);

static const char *
coopmat_unsupported(const struct kt_device *device)
{
   if (!device->cooperative_matrix) {
      const char *why = kt_cooperative_matrix_unsupported(device->physical);
      return why ? why : "cooperative matrices were not enabled on the device (the validation "
                         "layer, which cannot check them, is on)";
   }
   return kt_cooperative_matrix_shape_missing(device->physical, TILE, TILE, TILE, SUBGROUP);
}

static uint32_t
coopmat_order(size_t input_bytes)
{
   double n = floor(sqrt((double)(input_bytes / (2 * sizeof(uint16_t)))));
   if (n > 16384.0)
      n = 16384.0; /* N * N floats must index with 32 bits */
   uint32_t order = (uint32_t)n - (uint32_t)n % TILE;
   return order < TILE ? TILE : order;
}

static VkResult
coopmat_create(const struct kt_device *device, size_t input_bytes, uint32_t seed,
               struct bench_workload **out)
{
   struct bench_workload *w;
   *out = NULL;
   uint32_t n = coopmat_order(input_bytes);
   size_t elements = (size_t)n * n;
   VkDeviceSize half_bytes = (VkDeviceSize)elements * sizeof(uint16_t);
   VkDeviceSize float_bytes = (VkDeviceSize)elements * sizeof(float);
   VkResult result = bench_workload_alloc(device, sizeof(struct coopmat_workload),
                                          (size_t)float_bytes, float_bytes, "gemm-coopmat C",
                                          "gemm-coopmat", &w);
   if (result != VK_SUCCESS)
      return result;
   struct coopmat_workload *g = (struct coopmat_workload *)w;
   g->n = n;
   g->seed = seed;

   uint16_t *a_half = malloc((size_t)half_bytes), *b_half = malloc((size_t)half_bytes);
   g->a = malloc(elements);
   g->b = malloc(elements);
   if (!a_half || !b_half || !g->a || !g->b) {
      kt_error("gemm-coopmat: out of host memory for N = %" PRIu32, n);
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   uint32_t state = seed ^ 0x434f4f50u; /* "COOP" */
   for (size_t i = 0; i < elements; i++) {
      g->a[i] = (uint8_t)(kt_random_next(&state) % VALUE_COUNT);
      a_half[i] = half_bits[g->a[i]];
   }
   for (size_t i = 0; i < elements; i++) {
      g->b[i] = (uint8_t)(kt_random_next(&state) % VALUE_COUNT);
      b_half[i] = half_bits[g->b[i]];
   }
   const struct bench_buffer_init buffers[] = {
      {.buffer = &g->a_buffer, .size = half_bytes, .data = a_half, .name = "gemm-coopmat A"},
      {.buffer = &g->b_buffer, .size = half_bytes, .data = b_half, .name = "gemm-coopmat B"},
      {.buffer = &g->c_buffer, .size = float_bytes, .data = NULL, .name = "gemm-coopmat C"},
   };
   result = bench_buffers_create_filled(device, buffers, 3, "gemm-coopmat upload");
   if (result != VK_SUCCESS)
      goto fail;
   const VkDescriptorBufferInfo infos[3] = {
      {.buffer = g->a_buffer.handle, .offset = 0, .range = half_bytes},
      {.buffer = g->b_buffer.handle, .offset = 0, .range = half_bytes},
      {.buffer = g->c_buffer.handle, .offset = 0, .range = float_bytes},
   };
   result = bench_pipeline_create(device, bench_gemm_coopmat_spv, bench_gemm_coopmat_spv_size,
                                  3, sizeof(struct coopmat_push), "bench_gemm_coopmat", 1,
                                  infos, &g->pipeline, &g->pool, &g->set);
   if (result != VK_SUCCESS)
      goto fail;
   free(b_half);
   free(a_half);
   *out = &g->base;
   return VK_SUCCESS;

fail:
   free(b_half);
   free(a_half);
   coopmat_destroy(w);
   return result;
}

static void
coopmat_record(struct bench_workload *w, VkCommandBuffer cmd)
{
   struct coopmat_workload *g = (struct coopmat_workload *)w;
   const struct coopmat_push push = {.k = g->n, .n = g->n};
   const struct bench_grid grid = {.x = g->n / TILE, .y = g->n / TILE};
   bench_record_dispatch(w, cmd, &g->pipeline, g->set, &push, sizeof(push), grid);
}

static uint32_t
coopmat_dispatches_per_record(const struct bench_workload *w)
{
   (void)w;
   return 1;
}

static bool
coopmat_check_element(const void *context, uint32_t i, uint32_t j, char *why,
                      size_t why_size)
{
   const struct coopmat_workload *g = context;
   const uint32_t n = g->n;
   float ref = 0.0f; /* exact: see the top of this file */
   for (uint32_t k = 0; k < n; k++)
      ref += values[g->a[(size_t)i * n + k]] * values[g->b[(size_t)k * n + j]];
   const float *c = g->base.output;
   float got = c[(size_t)i * n + j];
   if (memcmp(&got, &ref, sizeof(got)) != 0) {
      bench_why(why, why_size,
                "gemm-coopmat: C[%" PRIu32 "][%" PRIu32 "] (N = %" PRIu32 ") is %.9g, the "
                "reference is %.9g (exact)", i, j, n, (double)got, (double)ref);
      return false;
   }
   return true;
}

static bool
coopmat_verify(struct bench_workload *w, char *why, size_t why_size)
{
   struct coopmat_workload *g = (struct coopmat_workload *)w;
   if (bench_buffer_readback(w->device, &g->c_buffer, 0, w->output_size, w->output,
                             "gemm-coopmat readback") != VK_SUCCESS) {
      bench_why(why, why_size, "gemm-coopmat: reading the output back failed");
      return false;
   }
   return bench_verify_matrix(g->n, CHECK_ALL_MAX_N, SAMPLES, g->seed, coopmat_check_element,
                              g, why, why_size);
}

static double
coopmat_bytes_per_record(const struct bench_workload *w)
{
   const struct coopmat_workload *g = (const struct coopmat_workload *)w;
   double elements = (double)g->n * (double)g->n;
   return elements * (2.0 * sizeof(uint16_t) + sizeof(float)); /* read A and B, write C */
}

static double
coopmat_flops_per_record(const struct bench_workload *w)
{
   const struct coopmat_workload *g = (const struct coopmat_workload *)w;
   return 2.0 * (double)g->n * (double)g->n * (double)g->n;
}

static void
coopmat_destroy(struct bench_workload *w)
{
   struct coopmat_workload *g = (struct coopmat_workload *)w;
   if (!g)
      return;
   free(g->b);
   free(g->a);
   struct kt_compute_pipeline *const pipelines[] = {&g->pipeline};
   struct bench_buffer *const buffers[] = {&g->c_buffer, &g->b_buffer, &g->a_buffer};
   bench_workload_free(w, g->pool, pipelines, 1, buffers, 3);
}

const struct bench_workload_ops bench_workload_gemm_coopmat = {
   .name = "gemm-coopmat",
   .unsupported = coopmat_unsupported,
   .create = coopmat_create,
   .record = coopmat_record,
   .dispatches_per_record = coopmat_dispatches_per_record,
   .verify = coopmat_verify,
   .output = bench_workload_output,
   .bytes_per_record = coopmat_bytes_per_record,
   .flops_per_record = coopmat_flops_per_record,
   .destroy = coopmat_destroy,
};
