/* SPDX-License-Identifier: MIT */
/* Inclusive prefix sum of n = input_bytes / 4 uint32 values (wrapping arithmetic), multi-pass,
 * for any n (shaders/bench_scan_block.comp, shaders/bench_scan_add.comp), in blocks of 2048
 * (256 threads, 8 elements each):
 *   level 0 is the input (n values); level k + 1 holds the totals of level k's blocks,
 *   until a level fits in one block (the top).
 *   Scan passes, k = 0 .. top: scan each block of level k on its own (into the output for
 *   k = 0, else into a scanned copy of level k) and, below the top, write the block totals as
 *   level k + 1.
 *   Add passes, k = top - 1 .. 0: add to every block b >= 1 of scanned level k the scanned
 *   level k + 1 at b - 1.
 * Integer addition modulo 2^32 is associative, so the result equals the sequential CPU prefix
 * sum exactly, whatever the order: the check is exact. Inputs are full-range random uint32, so
 * the sums wrap. Out of place (the input is never written), so records repeat.
 * Dispatches per record: 2 * levels - 1, each followed by its barrier. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench_scan_add_spv.h"
#include "bench_scan_block_spv.h"
#include "workload_common.h"

#define SCAN_THREADS 256u
#define SCAN_PER_THREAD 8u       /* blocks of 2048; = the shaders' MAX/FAST_PER_THREAD */
#define SCAN_PER_THREAD_SMALL 2u /* bench_workload_small_blocks: blocks of 512 */
#define SCAN_MAX_LEVELS 8u       /* 512^8 values: never reached with 32-bit counts */

struct scan_block_push {
   uint32_t n;
   uint32_t blocks;
   uint32_t write_sums;
   uint32_t per_thread;
};
_Static_assert(sizeof(struct scan_block_push) == 16, "matches bench_scan_block.comp");

struct scan_add_push {
   uint32_t n;
   uint32_t blocks;
   uint32_t per_thread;
};
_Static_assert(sizeof(struct scan_add_push) == 12, "matches bench_scan_add.comp");

struct scan_level {
   uint32_t n, blocks;
   /* In the scratch buffer, for levels >= 1: the raw block totals of the level below, and
    * their scan. */
   VkDeviceSize raw_offset, scanned_offset;
   VkDescriptorSet scan_set, add_set; /* add_set: below the top only */
   struct bench_grid scan_grid, add_grid;
};

struct scan_workload {
   struct bench_workload base;
   uint32_t n;
   uint32_t per_thread, block; /* elements per thread and per block */
   uint32_t *input; /* kept for verify */
   struct bench_buffer input_buffer, output_buffer, scratch;
   struct kt_compute_pipeline block_pipeline, add_pipeline;
   VkDescriptorPool pool;
   uint32_t level_count;
   struct scan_level levels[SCAN_MAX_LEVELS];
};

static void scan_destroy(struct bench_workload *w);

/* Where level k's values are read (raw) and where its scan goes. */
static VkDescriptorBufferInfo
level_raw(const struct scan_workload *s, uint32_t k)
{
   VkDeviceSize range = (VkDeviceSize)s->levels[k].n * sizeof(uint32_t);
   if (k == 0)
      return (VkDescriptorBufferInfo){s->input_buffer.handle, 0, range};
   return (VkDescriptorBufferInfo){s->scratch.handle, s->levels[k].raw_offset, range};
}

static VkDescriptorBufferInfo
level_scanned(const struct scan_workload *s, uint32_t k)
{
   VkDeviceSize range = (VkDeviceSize)s->levels[k].n * sizeof(uint32_t);
   if (k == 0)
      return (VkDescriptorBufferInfo){s->output_buffer.handle, 0, range};
   return (VkDescriptorBufferInfo){s->scratch.handle, s->levels[k].scanned_offset, range};
}

static VkResult
scan_create(const struct kt_device *device, size_t input_bytes, uint32_t seed,
            struct bench_workload **out)
{
   uint32_t n;
   struct bench_workload *w;
   *out = NULL;
   VkResult result = bench_element_count(input_bytes, sizeof(uint32_t), "scan", &n);
   if (result != VK_SUCCESS)
      return result;
   VkDeviceSize bytes = (VkDeviceSize)n * sizeof(uint32_t);
   result = bench_workload_alloc(device, sizeof(struct scan_workload), (size_t)bytes, bytes,
                                 "scan input", "scan", &w);
   if (result != VK_SUCCESS)
      return result;
   struct scan_workload *s = (struct scan_workload *)w;
   s->n = n;
   s->per_thread = bench_workload_small_blocks ? SCAN_PER_THREAD_SMALL : SCAN_PER_THREAD;
   s->block = SCAN_THREADS * s->per_thread;

   /* The levels, and their place in the scratch buffer. The top level's scan pass writes no
    * totals, but its third binding still needs a buffer: a small unused region at offset 0. */
   VkDeviceSize alignment = bench_binding_alignment(device);
   VkDeviceSize scratch_bytes = alignment; /* [0, alignment): the top level's unused totals */
   uint32_t count = s->n;
   for (;;) {
      struct scan_level *level = &s->levels[s->level_count];
      level->n = count;
      level->blocks = count / s->block + (count % s->block != 0);
      level->scan_grid = bench_grid_for(device, level->blocks);
      if (level->blocks > 1)
         level->add_grid = bench_grid_for(device, level->blocks - 1);
      if (s->level_count > 0) {
         VkDeviceSize level_bytes = (VkDeviceSize)count * sizeof(uint32_t);
         level->raw_offset = scratch_bytes;
         scratch_bytes = bench_align(scratch_bytes + level_bytes, alignment);
         level->scanned_offset = scratch_bytes;
         scratch_bytes = bench_align(scratch_bytes + level_bytes, alignment);
      }
      s->level_count++;
      if (level->blocks <= 1 || s->level_count == SCAN_MAX_LEVELS)
         break;
      count = level->blocks;
   }

   s->input = malloc((size_t)bytes);
   if (!s->input) {
      kt_error("scan: out of host memory for %" PRIu32 " elements", n);
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   uint32_t state = seed ^ 0x5343414eu; /* "SCAN" */
   for (uint32_t i = 0; i < s->n; i++)
      s->input[i] = kt_random_next(&state);

   const struct bench_buffer_init buffers[] = {
      {.buffer = &s->input_buffer, .size = bytes, .data = s->input, .name = "scan input"},
      {.buffer = &s->output_buffer, .size = bytes, .data = NULL, .name = "scan output"},
      {.buffer = &s->scratch, .size = scratch_bytes, .data = NULL, .name = "scan levels"},
   };
   result = bench_buffers_create_filled(device, buffers, 3, "scan upload");
   if (result != VK_SUCCESS)
      goto fail;

   /* One pool for both kernels' sets: a scan set (3 bindings) and an add set per level. */
   result = bench_pipeline_create(device, bench_scan_block_spv, bench_scan_block_spv_size,
                                  3, sizeof(struct scan_block_push), "bench_scan_block",
                                  2 * s->level_count, NULL, &s->block_pipeline, &s->pool,
                                  NULL);
   if (result != VK_SUCCESS)
      goto fail;
   result = kt_compute_pipeline_create(device, bench_scan_add_spv, bench_scan_add_spv_size, 2,
                                       sizeof(struct scan_add_push), "bench_scan_add",
                                       &s->add_pipeline);
   if (result != VK_SUCCESS)
      goto fail;
   uint32_t top = s->level_count - 1;
   for (uint32_t k = 0; k < s->level_count; k++) {
      struct scan_level *level = &s->levels[k];
      VkDescriptorBufferInfo scan_infos[3] = {
         level_raw(s, k),
         level_scanned(s, k),
         {.buffer = s->scratch.handle, .offset = 0, .range = alignment},
      };
      if (k < top)
         scan_infos[2] = level_raw(s, k + 1);
      result = kt_descriptor_set_create(device, s->pool, &s->block_pipeline, scan_infos,
                                        &level->scan_set);
      if (result != VK_SUCCESS)
         goto fail;
      if (k < top) {
         const VkDescriptorBufferInfo add_infos[2] = {level_scanned(s, k + 1),
                                                      level_scanned(s, k)};
         result = kt_descriptor_set_create(device, s->pool, &s->add_pipeline, add_infos,
                                           &level->add_set);
         if (result != VK_SUCCESS)
            goto fail;
      }
   }

   *out = &s->base;
   return VK_SUCCESS;

fail:
   scan_destroy(w);
   return result;
}

static void
scan_record(struct bench_workload *w, VkCommandBuffer cmd)
{
   struct scan_workload *s = (struct scan_workload *)w;
   uint32_t top = s->level_count - 1;
   for (uint32_t k = 0; k <= top; k++) {
      const struct scan_level *level = &s->levels[k];
      const struct scan_block_push push = {.n = level->n, .blocks = level->blocks,
                                           .write_sums = k < top,
                                           .per_thread = s->per_thread};
      bench_record_dispatch(w, cmd, &s->block_pipeline, level->scan_set, &push,
                            sizeof(push), level->scan_grid);
   }
   for (uint32_t k = top; k-- > 0;) {
      const struct scan_level *level = &s->levels[k];
      const struct scan_add_push push = {.n = level->n, .blocks = level->blocks,
                                         .per_thread = s->per_thread};
      bench_record_dispatch(w, cmd, &s->add_pipeline, level->add_set, &push,
                            sizeof(push), level->add_grid);
   }
}

static uint32_t
scan_dispatches_per_record(const struct bench_workload *w)
{
   return 2 * ((const struct scan_workload *)w)->level_count - 1;
}

static bool
scan_verify(struct bench_workload *w, char *why, size_t why_size)
{
   struct scan_workload *s = (struct scan_workload *)w;
   if (bench_buffer_readback(w->device, &s->output_buffer, 0, w->output_size, w->output,
                             "scan readback") != VK_SUCCESS) {
      bench_why(why, why_size, "scan: reading the output back failed");
      return false;
   }
   const uint32_t *o = w->output;
   uint32_t sum = 0;
   for (uint32_t i = 0; i < s->n; i++) {
      sum += s->input[i]; /* wraps modulo 2^32 */
      if (o[i] != sum) {
         bench_why(why, why_size,
                   "scan: element %" PRIu32 " of %" PRIu32 " (block %" PRIu32 " of %" PRIu32
                   ") is %" PRIu32 ", the sequential prefix sum is %" PRIu32 " (exact match "
                   "required)", i, s->n, i / s->block, s->block, o[i], sum);
         return false;
      }
   }
   return true;
}

static double
scan_bytes_per_record(const struct bench_workload *w)
{
   const struct scan_workload *s = (const struct scan_workload *)w;
   return 2.0 * sizeof(uint32_t) * (double)s->n; /* read the input, write the output */
}

static double
scan_flops_per_record(const struct bench_workload *w)
{
   (void)w;
   return 0.0; /* integer additions only */
}

static void
scan_destroy(struct bench_workload *w)
{
   struct scan_workload *s = (struct scan_workload *)w;
   if (!s)
      return;
   free(s->input);
   struct kt_compute_pipeline *const pipelines[] = {&s->add_pipeline, &s->block_pipeline};
   struct bench_buffer *const buffers[] = {&s->scratch, &s->output_buffer, &s->input_buffer};
   bench_workload_free(w, s->pool, pipelines, 2, buffers, 3);
}

const struct bench_workload_ops bench_workload_scan = {
   .name = "scan",
   .create = scan_create,
   .record = scan_record,
   .dispatches_per_record = scan_dispatches_per_record,
   .verify = scan_verify,
   .output = bench_workload_output,
   .bytes_per_record = scan_bytes_per_record,
   .flops_per_record = scan_flops_per_record,
   .destroy = scan_destroy,
};
