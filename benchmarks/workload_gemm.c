/* SPDX-License-Identifier: MIT */
/* GEMM, fp32, row-major N x N: C = A * B (shaders/bench_gemm.comp: 64 x 64 tiles of C per group
 * of 16 x 16 threads, 4 x 4 outputs per thread, k in slices of 16 staged in shared memory).
 * N = floor(sqrt(input_bytes / 8)), so that A and B together are about input_bytes; above 256 it
 * is rounded down to a multiple of the 64 tile (64 KiB: 90, 8 MiB: 1024, 64 MiB: 2880); the
 * kernel handles any N (edge tiles read zeros past the matrices). One dispatch per record.
 *
 * Verified against a CPU reference in double precision (a product of two binary32 values is
 * exact in double, and the double sum's own error is negligible here):
 *    |c_ij - ref_ij| <= 1e-5 * sum_k |a_ik * b_kj|          (1e-5 is about 168 * 2^-24)
 * The GPU adds the N products of each element one at a time in increasing k, fused or not. The
 * worst case of that is about N * 2^-24 * sum_k |a_ik b_kj|, but with these inputs (multiples
 * of 2^-12 in [-1, 1), random signs) the largest error measured was 3.6 * 2^-24 * sum|a b|
 * (lavapipe, N <= 256; H100 at N = 90, 1024, 2880: at most 3.5), a margin of about 45x; a wrong
 * index or a missing product (each |a_ik b_kj| is 0.25 on average, against a bound of about
 * 2.5e-6 * N) exceeds it. Every element is checked when N <= 320 (N^3 <= 2^25); above that, a
 * deterministic sample of 4096 elements (from the seed) plus the four corners. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_gemm_spv.h"
#include "workload_common.h"

#define GEMM_TILE 64u
#define GEMM_ROUND_ABOVE 256u
#define GEMM_REL_BOUND 1e-5
#define GEMM_SAMPLES 4096u
#define GEMM_CHECK_ALL_MAX_N 320u

struct gemm_push {
   uint32_t n;
   uint32_t tiles_x;
};
_Static_assert(sizeof(struct gemm_push) == 8, "matches bench_gemm.comp's push constants");

struct gemm_workload {
   struct bench_workload base;
   uint32_t n, seed;
   float *a, *b; /* the inputs, kept for verify */
   struct bench_buffer a_buffer, b_buffer, c_buffer;
   struct kt_compute_pipeline pipeline;
   VkDescriptorPool pool;
   VkDescriptorSet set;
   struct bench_grid grid;
};

static void gemm_destroy(struct bench_workload *w);

/* The matrix order for an input of about `input_bytes` (A and B together). */
static uint32_t
gemm_order(size_t input_bytes)
{
   double n = floor(sqrt((double)(input_bytes / (2 * sizeof(float)))));
   if (n > 65535.0)
      n = 65535.0; /* N * N must index with 32 bits */
   uint32_t order = n < 1.0 ? 1u : (uint32_t)n;
   if (order > GEMM_ROUND_ABOVE)
      order -= order % GEMM_TILE;
   return order;
}

static VkResult
gemm_create(const struct kt_device *device, size_t input_bytes, uint32_t seed,
            struct bench_workload **out)
{
   struct bench_workload *w;
   *out = NULL;
   uint32_t n = gemm_order(input_bytes);
   size_t elements = (size_t)n * n;
   VkDeviceSize bytes = (VkDeviceSize)elements * sizeof(float);
   VkResult result = bench_workload_alloc(device, sizeof(struct gemm_workload), (size_t)bytes,
                                          bytes, "gemm matrix", "gemm", &w);
   if (result != VK_SUCCESS)
      return result;
   struct gemm_workload *g = (struct gemm_workload *)w;
   g->n = n;
   g->seed = seed;

   g->a = malloc((size_t)bytes);
   g->b = malloc((size_t)bytes);
   if (!g->a || !g->b) {
      kt_error("gemm: out of host memory for N = %" PRIu32, g->n);
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   uint32_t state = seed ^ 0x47454d4du; /* "GEMM" */
   for (size_t i = 0; i < elements; i++)
      g->a[i] = bench_random_float(&state);
   for (size_t i = 0; i < elements; i++)
      g->b[i] = bench_random_float(&state);

   const struct bench_buffer_init buffers[] = {
      {.buffer = &g->a_buffer, .size = bytes, .data = g->a, .name = "gemm A"},
      {.buffer = &g->b_buffer, .size = bytes, .data = g->b, .name = "gemm B"},
      {.buffer = &g->c_buffer, .size = bytes, .data = NULL, .name = "gemm C"},
   };
   result = bench_buffers_create_filled(device, buffers, 3, "gemm upload");
   if (result != VK_SUCCESS)
      goto fail;

   const VkDescriptorBufferInfo infos[3] = {
      {.buffer = g->a_buffer.handle, .offset = 0, .range = bytes},
      {.buffer = g->b_buffer.handle, .offset = 0, .range = bytes},
      {.buffer = g->c_buffer.handle, .offset = 0, .range = bytes},
   };
   result = bench_pipeline_create(device, bench_gemm_spv, bench_gemm_spv_size, 3,
                                  sizeof(struct gemm_push), "bench_gemm", 1, infos,
                                  &g->pipeline, &g->pool, &g->set);
   if (result != VK_SUCCESS)
      goto fail;
   uint32_t tiles_x = g->n / GEMM_TILE + (g->n % GEMM_TILE != 0);
   g->grid = bench_grid_for(device, (uint64_t)tiles_x * tiles_x);

   *out = &g->base;
   return VK_SUCCESS;

fail:
   gemm_destroy(w);
   return result;
}

static void
gemm_record(struct bench_workload *w, VkCommandBuffer cmd)
{
   struct gemm_workload *g = (struct gemm_workload *)w;
   const struct gemm_push push = {.n = g->n,
                                  .tiles_x = g->n / GEMM_TILE + (g->n % GEMM_TILE != 0)};
   bench_record_dispatch(w, cmd, &g->pipeline, g->set, &push, sizeof(push), g->grid);
}

static uint32_t
gemm_dispatches_per_record(const struct bench_workload *w)
{
   (void)w;
   return 1;
}

/* Checks one element; false (with `why`) when it is out of bound. */
static bool
gemm_check_element(const void *context, uint32_t i, uint32_t j, char *why,
                   size_t why_size)
{
   const struct gemm_workload *g = context;
   const uint32_t n = g->n;
   double ref = 0.0, magnitude = 0.0;
   for (uint32_t k = 0; k < n; k++) {
      double product = (double)g->a[(size_t)i * n + k] * (double)g->b[(size_t)k * n + j];
      ref += product;
      magnitude += fabs(product);
   }
   const float *c = g->base.output;
   double got = (double)c[(size_t)i * n + j];
   double bound = GEMM_REL_BOUND * magnitude;
   if (!(fabs(got - ref) <= bound)) { /* NaN fails too */
      bench_why(why, why_size,
                "gemm: C[%" PRIu32 "][%" PRIu32 "] (N = %" PRIu32 ") is %.9g, the reference is "
                "%.9g: error %.3g over the bound 1e-5 * sum|a*b| = %.3g", i, j, n, got, ref,
                fabs(got - ref), bound);
      return false;
   }
   return true;
}

static bool
gemm_verify(struct bench_workload *w, char *why, size_t why_size)
{
   struct gemm_workload *g = (struct gemm_workload *)w;
   if (bench_buffer_readback(w->device, &g->c_buffer, 0, w->output_size, w->output,
                             "gemm readback") != VK_SUCCESS) {
      bench_why(why, why_size, "gemm: reading the output back failed");
      return false;
   }
   return bench_verify_matrix(g->n, GEMM_CHECK_ALL_MAX_N, GEMM_SAMPLES, g->seed,
                              gemm_check_element, g, why, why_size);
}

static double
gemm_bytes_per_record(const struct bench_workload *w)
{
   const struct gemm_workload *g = (const struct gemm_workload *)w;
   return 3.0 * sizeof(float) * (double)g->n * (double)g->n; /* read A and B, write C */
}

static double
gemm_flops_per_record(const struct bench_workload *w)
{
   const struct gemm_workload *g = (const struct gemm_workload *)w;
   return 2.0 * (double)g->n * (double)g->n * (double)g->n;
}

static void
gemm_destroy(struct bench_workload *w)
{
   struct gemm_workload *g = (struct gemm_workload *)w;
   if (!g)
      return;
   free(g->b);
   free(g->a);
   struct kt_compute_pipeline *const pipelines[] = {&g->pipeline};
   struct bench_buffer *const buffers[] = {&g->c_buffer, &g->b_buffer, &g->a_buffer};
   bench_workload_free(w, g->pool, pipelines, 1, buffers, 3);
}

const struct bench_workload_ops bench_workload_gemm = {
   .name = "gemm",
   .create = gemm_create,
   .record = gemm_record,
   .dispatches_per_record = gemm_dispatches_per_record,
   .verify = gemm_verify,
   .output = bench_workload_output,
   .bytes_per_record = gemm_bytes_per_record,
   .flops_per_record = gemm_flops_per_record,
   .destroy = gemm_destroy,
};
