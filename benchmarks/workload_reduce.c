/* SPDX-License-Identifier: MIT */
/* Reduction: the float sum of n = input_bytes / 4 floats (shaders/bench_reduce.comp), by a
 * multi-pass tree. Each pass reduces blocks of 256 P values (P = 16 per thread: 4096) to one
 * each, in a fixed order (values past the end read as 0):
 *   s[t] = v[256 P b + t]; s[t] = s[t] + v[256 P b + 256 j + t] for j = 1 .. P-1   (t < 256)
 *   s[t] = s[t] + s[t + h]                     (t < h, for h = 128, 64, ..., 1)
 *   out[b] = s[0]
 * and passes repeat, out of place, until one value is left (at least one pass, so n = 1
 * works). The GPU does only IEEE additions of two binary32 values in this exact tree, so the CPU
 * reference below (reduce_block, the same tree) gives the same bits: the check is exact. Inputs
 * have random signs and full 24-bit significands in [2^-7, 2), so nearly every addition rounds
 * and the bits depend on the order (a different tree fails the check); every partial sum is a
 * multiple of 2^-30, so no subnormal appears (a flush-to-zero device agrees).
 *
 * The levels live in one scratch buffer at aligned offsets; pass k reads level k (the input for
 * k = 0) and writes level k + 1. One dispatch per pass, each followed by its barrier. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench_reduce_spv.h"
#include "workload_common.h"

#define REDUCE_THREADS 256u
#define REDUCE_PER_THREAD 16u      /* blocks of 4096; = the shader's FAST_PER_THREAD */
#define REDUCE_PER_THREAD_SMALL 2u /* bench_workload_small_blocks: blocks of 512 */
#define REDUCE_MAX_PASSES 8u       /* 512^8 values: never reached with 32-bit counts */

struct reduce_push {
   uint32_t n;
   uint32_t blocks;
   uint32_t per_thread;
};
_Static_assert(sizeof(struct reduce_push) == 12, "matches bench_reduce.comp's push constants");

struct reduce_pass {
   uint32_t n, blocks; /* values read, values written */
   VkDeviceSize dst_offset;
   VkDescriptorSet set;
   struct bench_grid grid;
};

struct reduce_workload {
   struct bench_workload base;
   uint32_t n;
   uint32_t per_thread, block; /* elements per thread and per block */
   float *input; /* kept for verify */
   struct bench_buffer input_buffer, scratch;
   struct kt_compute_pipeline pipeline;
   VkDescriptorPool pool;
   uint32_t pass_count;
   struct reduce_pass passes[REDUCE_MAX_PASSES];
};

static void reduce_destroy(struct bench_workload *w);

static VkResult
reduce_create(const struct kt_device *device, size_t input_bytes, uint32_t seed,
              struct bench_workload **out)
{
   uint32_t n;
   struct bench_workload *w;
   *out = NULL;
   VkResult result = bench_element_count(input_bytes, sizeof(float), "reduce", &n);
   if (result != VK_SUCCESS)
      return result;
   VkDeviceSize bytes = (VkDeviceSize)n * sizeof(float);
   result = bench_workload_alloc(device, sizeof(struct reduce_workload), sizeof(float), bytes,
                                 "reduce input", "reduce", &w);
   if (result != VK_SUCCESS)
      return result;
   struct reduce_workload *r = (struct reduce_workload *)w;
   r->n = n;
   r->per_thread = bench_workload_small_blocks ? REDUCE_PER_THREAD_SMALL : REDUCE_PER_THREAD;
   r->block = REDUCE_THREADS * r->per_thread;

   /* The passes and where each writes. */
   VkDeviceSize alignment = bench_binding_alignment(device), scratch_bytes = 0;
   uint32_t count = r->n;
   do {
      struct reduce_pass *pass = &r->passes[r->pass_count++];
      pass->n = count;
      pass->blocks = count / r->block + (count % r->block != 0);
      pass->dst_offset = scratch_bytes;
      pass->grid = bench_grid_for(device, pass->blocks);
      scratch_bytes = bench_align(scratch_bytes + (VkDeviceSize)pass->blocks * sizeof(float),
                                  alignment);
      count = pass->blocks;
   } while (count > 1 && r->pass_count < REDUCE_MAX_PASSES);

   r->input = malloc((size_t)bytes);
   if (!r->input) {
      kt_error("reduce: out of host memory for %" PRIu32 " elements", n);
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   uint32_t state = seed ^ 0x52454455u; /* "REDU" */
   for (uint32_t i = 0; i < r->n; i++)
      r->input[i] = bench_random_float_rounding(&state);

   const struct bench_buffer_init buffers[] = {
      {.buffer = &r->input_buffer, .size = bytes, .data = r->input, .name = "reduce input"},
      {.buffer = &r->scratch, .size = scratch_bytes, .data = NULL, .name = "reduce levels"},
   };
   result = bench_buffers_create_filled(device, buffers, 2, "reduce upload");
   if (result != VK_SUCCESS)
      goto fail;

   result = bench_pipeline_create(device, bench_reduce_spv, bench_reduce_spv_size, 2,
                                  sizeof(struct reduce_push), "bench_reduce", r->pass_count,
                                  NULL, &r->pipeline, &r->pool, NULL);
   if (result != VK_SUCCESS)
      goto fail;
   for (uint32_t k = 0; k < r->pass_count; k++) {
      struct reduce_pass *pass = &r->passes[k];
      VkDescriptorBufferInfo infos[2] = {
         {.buffer = r->input_buffer.handle, .offset = 0, .range = bytes},
         {.buffer = r->scratch.handle, .offset = pass->dst_offset,
          .range = (VkDeviceSize)pass->blocks * sizeof(float)},
      };
      if (k > 0) {
         infos[0] = (VkDescriptorBufferInfo){
            .buffer = r->scratch.handle, .offset = r->passes[k - 1].dst_offset,
            .range = (VkDeviceSize)pass->n * sizeof(float)};
      }
      result = kt_descriptor_set_create(device, r->pool, &r->pipeline, infos, &pass->set);
      if (result != VK_SUCCESS)
         goto fail;
   }

   *out = &r->base;
   return VK_SUCCESS;

fail:
   reduce_destroy(w);
   return result;
}

static void
reduce_record(struct bench_workload *w, VkCommandBuffer cmd)
{
   struct reduce_workload *r = (struct reduce_workload *)w;
   for (uint32_t k = 0; k < r->pass_count; k++) {
      const struct reduce_pass *pass = &r->passes[k];
      const struct reduce_push push = {.n = pass->n, .blocks = pass->blocks,
                                       .per_thread = r->per_thread};
      bench_record_dispatch(w, cmd, &r->pipeline, pass->set, &push, sizeof(push),
                            pass->grid);
   }
}

static uint32_t
reduce_dispatches_per_record(const struct bench_workload *w)
{
   return ((const struct reduce_workload *)w)->pass_count;
}

/* One block of the shader's tree, exactly: `v` holds `count` values (at most 256 *
 * per_thread), the rest read as 0. Each addition is its own statement: binary32, never
 * contracted (-std=c11). */
static float
reduce_block(const float *v, uint32_t count, uint32_t per_thread)
{
   float s[REDUCE_THREADS];
   for (uint32_t t = 0; t < REDUCE_THREADS; t++) {
      float sum = t < count ? v[t] : 0.0f;
      for (uint32_t j = 1; j < per_thread; j++) {
         uint32_t i = t + j * REDUCE_THREADS;
         float value = i < count ? v[i] : 0.0f;
         sum = sum + value;
      }
      s[t] = sum;
   }
   for (uint32_t h = REDUCE_THREADS / 2; h > 0; h >>= 1) {
      for (uint32_t t = 0; t < h; t++)
         s[t] = s[t] + s[t + h];
   }
   return s[0];
}

static bool
reduce_verify(struct bench_workload *w, char *why, size_t why_size)
{
   struct reduce_workload *r = (struct reduce_workload *)w;
   const struct reduce_pass *last = &r->passes[r->pass_count - 1];
   if (bench_buffer_readback(w->device, &r->scratch, last->dst_offset, sizeof(float), w->output,
                             "reduce readback") != VK_SUCCESS) {
      bench_why(why, why_size, "reduce: reading the output back failed");
      return false;
   }
   /* The same passes on the CPU. */
   float *level = malloc((size_t)r->passes[0].blocks * sizeof(float));
   if (!level) {
      bench_why(why, why_size, "reduce: out of host memory for the reference");
      return false;
   }
   const float *src = r->input;
   float expected = 0.0f;
   for (uint32_t k = 0; k < r->pass_count; k++) {
      const struct reduce_pass *pass = &r->passes[k];
      /* In place is safe: block b reads src[block * b ...] and writes level[b], b <= block b. */
      for (uint32_t b = 0; b < pass->blocks; b++) {
         uint32_t first = b * r->block;
         uint32_t count = pass->n - first < r->block ? pass->n - first : r->block;
         level[b] = reduce_block(src + first, count, r->per_thread);
      }
      src = level;
   }
   expected = level[0];
   free(level);

   float got;
   memcpy(&got, w->output, sizeof(got));
   if (memcmp(&got, &expected, sizeof(float)) != 0) {
      bench_why(why, why_size,
                "reduce: the sum of %" PRIu32 " values is %.9g, the same tree on the CPU gives "
                "%.9g (exact match required)", r->n, (double)got, (double)expected);
      return false;
   }
   return true;
}

static double
reduce_bytes_per_record(const struct bench_workload *w)
{
   const struct reduce_workload *r = (const struct reduce_workload *)w;
   return sizeof(float) * ((double)r->n + 1.0); /* read the input, write the sum */
}

static double
reduce_flops_per_record(const struct bench_workload *w)
{
   const struct reduce_workload *r = (const struct reduce_workload *)w;
   return (double)r->n - 1.0; /* the additions a sum of n values needs */
}

static void
reduce_destroy(struct bench_workload *w)
{
   struct reduce_workload *r = (struct reduce_workload *)w;
   if (!r)
      return;
   free(r->input);
   struct kt_compute_pipeline *const pipelines[] = {&r->pipeline};
   struct bench_buffer *const buffers[] = {&r->scratch, &r->input_buffer};
   bench_workload_free(w, r->pool, pipelines, 1, buffers, 2);
}

const struct bench_workload_ops bench_workload_reduce = {
   .name = "reduce",
   .create = reduce_create,
   .record = reduce_record,
   .dispatches_per_record = reduce_dispatches_per_record,
   .verify = reduce_verify,
   .output = bench_workload_output,
   .bytes_per_record = reduce_bytes_per_record,
   .flops_per_record = reduce_flops_per_record,
   .destroy = reduce_destroy,
};
