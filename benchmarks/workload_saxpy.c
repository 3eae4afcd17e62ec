/* SPDX-License-Identifier: MIT */
/* SAXPY, out of place (shaders/bench_saxpy.comp): out = a * x + y over n = input_bytes / 4
 * floats per vector. One dispatch per record.
 *
 * Verified exactly: every element must equal fmaf(a, x, y) or a * x + y rounded twice (the
 * shader compiler may fuse or not). Inputs are multiples of 2^-12 in [-1, 1) and a is not a
 * power of two, so the two differ on many elements and no value is subnormal. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_saxpy_spv.h"
#include "workload_common.h"

#define SAXPY_LOCAL_SIZE 256u
#define SAXPY_A 2.71828175f

struct saxpy_push {
   uint32_t n;
   float a;
};
_Static_assert(sizeof(struct saxpy_push) == 8, "matches bench_saxpy.comp's push constants");

struct saxpy_workload {
   struct bench_workload base;
   uint32_t n;
   float *x, *y; /* the inputs, kept for verify */
   struct bench_buffer x_buffer, y_buffer, out_buffer;
   struct kt_compute_pipeline pipeline;
   VkDescriptorPool pool;
   VkDescriptorSet set;
   struct bench_grid grid;
};

static void saxpy_destroy(struct bench_workload *w);

static VkResult
saxpy_create(const struct kt_device *device, size_t input_bytes, uint32_t seed,
             struct bench_workload **out)
{
   uint32_t n;
   struct bench_workload *w;
   *out = NULL;
   VkResult result = bench_element_count(input_bytes, sizeof(float), "saxpy", &n);
   if (result != VK_SUCCESS)
      return result;
   VkDeviceSize bytes = (VkDeviceSize)n * sizeof(float);
   result = bench_workload_alloc(device, sizeof(struct saxpy_workload), (size_t)bytes, bytes,
                                 "saxpy vectors", "saxpy", &w);
   if (result != VK_SUCCESS)
      return result;
   struct saxpy_workload *s = (struct saxpy_workload *)w;
   s->n = n;

   s->x = malloc((size_t)bytes);
   s->y = malloc((size_t)bytes);
   if (!s->x || !s->y) {
      kt_error("saxpy: out of host memory for %" PRIu32 " elements", n);
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   uint32_t state = seed ^ 0x53415850u; /* "SAXP" */
   for (uint32_t i = 0; i < s->n; i++) {
      s->x[i] = bench_random_float(&state);
      s->y[i] = bench_random_float(&state);
   }

   const struct bench_buffer_init buffers[] = {
      {.buffer = &s->x_buffer, .size = bytes, .data = s->x, .name = "saxpy x"},
      {.buffer = &s->y_buffer, .size = bytes, .data = s->y, .name = "saxpy y"},
      {.buffer = &s->out_buffer, .size = bytes, .data = NULL, .name = "saxpy out"},
   };
   result = bench_buffers_create_filled(device, buffers, 3, "saxpy upload");
   if (result != VK_SUCCESS)
      goto fail;

   /* Bindings 0-2 are x, y, out seen as vec4, 3-5 the same buffers seen as floats. */
   const VkDescriptorBufferInfo infos[6] = {
      {.buffer = s->x_buffer.handle, .offset = 0, .range = bytes},
      {.buffer = s->y_buffer.handle, .offset = 0, .range = bytes},
      {.buffer = s->out_buffer.handle, .offset = 0, .range = bytes},
      {.buffer = s->x_buffer.handle, .offset = 0, .range = bytes},
      {.buffer = s->y_buffer.handle, .offset = 0, .range = bytes},
      {.buffer = s->out_buffer.handle, .offset = 0, .range = bytes},
   };
   result = bench_pipeline_create(device, bench_saxpy_spv, bench_saxpy_spv_size, 6,
                                  sizeof(struct saxpy_push), "bench_saxpy", 1, infos,
                                  &s->pipeline, &s->pool, &s->set);
   if (result != VK_SUCCESS)
      goto fail;
   /* 1D grid-stride kernel over n / 4 vec4s (at least one group, for the scalar tail). */
   uint64_t groups = ((uint64_t)s->n / 4 + SAXPY_LOCAL_SIZE - 1) / SAXPY_LOCAL_SIZE;
   s->grid = bench_grid_for(device, groups ? groups : 1);
   s->grid.y = 1;

   *out = &s->base;
   return VK_SUCCESS;

fail:
   saxpy_destroy(w);
   return result;
}

static void
saxpy_record(struct bench_workload *w, VkCommandBuffer cmd)
{
   struct saxpy_workload *s = (struct saxpy_workload *)w;
   const struct saxpy_push push = {.n = s->n, .a = SAXPY_A};
   bench_record_dispatch(w, cmd, &s->pipeline, s->set, &push, sizeof(push), s->grid);
}

static uint32_t
saxpy_dispatches_per_record(const struct bench_workload *w)
{
   (void)w;
   return 1;
}

static bool
saxpy_verify(struct bench_workload *w, char *why, size_t why_size)
{
   struct saxpy_workload *s = (struct saxpy_workload *)w;
   if (bench_buffer_readback(w->device, &s->out_buffer, 0, w->output_size, w->output,
                             "saxpy readback") != VK_SUCCESS) {
      bench_why(why, why_size, "saxpy: reading the output back failed");
      return false;
   }
   const float *o = w->output;
   for (uint32_t i = 0; i < s->n; i++) {
      float fused = fmaf(SAXPY_A, s->x[i], s->y[i]);
      float product = SAXPY_A * s->x[i]; /* -std=c11: separate statements are never fused */
      float unfused = product + s->y[i];
      if (memcmp(&o[i], &fused, sizeof(float)) != 0 &&
          memcmp(&o[i], &unfused, sizeof(float)) != 0) {
         bench_why(why, why_size,
                   "saxpy: element %" PRIu32 " of %" PRIu32 " is %.9g, expected %.9g (fused) or "
                   "%.9g (unfused) for a %.9g, x %.9g, y %.9g", i, s->n, (double)o[i],
                   (double)fused, (double)unfused, (double)SAXPY_A, (double)s->x[i],
                   (double)s->y[i]);
         return false;
      }
   }
   return true;
}

static double
saxpy_bytes_per_record(const struct bench_workload *w)
{
   const struct saxpy_workload *s = (const struct saxpy_workload *)w;
   return 3.0 * sizeof(float) * (double)s->n; /* read x and y, write out */
}

static double
saxpy_flops_per_record(const struct bench_workload *w)
{
   const struct saxpy_workload *s = (const struct saxpy_workload *)w;
   return 2.0 * (double)s->n;
}

static void
saxpy_destroy(struct bench_workload *w)
{
   struct saxpy_workload *s = (struct saxpy_workload *)w;
   if (!s)
      return;
   free(s->y);
   free(s->x);
   struct kt_compute_pipeline *const pipelines[] = {&s->pipeline};
   struct bench_buffer *const buffers[] = {&s->out_buffer, &s->y_buffer, &s->x_buffer};
   bench_workload_free(w, s->pool, pipelines, 1, buffers, 3);
}

const struct bench_workload_ops bench_workload_saxpy = {
   .name = "saxpy",
   .create = saxpy_create,
   .record = saxpy_record,
   .dispatches_per_record = saxpy_dispatches_per_record,
   .verify = saxpy_verify,
   .output = bench_workload_output,
   .bytes_per_record = saxpy_bytes_per_record,
   .flops_per_record = saxpy_flops_per_record,
   .destroy = saxpy_destroy,
};
