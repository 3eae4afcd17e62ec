/* SPDX-License-Identifier: MIT */
#include "workload_common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t bench_workload_group_limit = 0;
bool bench_workload_small_blocks = false;

float
bench_random_float(uint32_t *state)
{
   /* 13 random bits: k in [0, 8192), value (k - 4096) / 4096. */
   int32_t k = (int32_t)(kt_random_next(state) >> 19);
   return (float)(k - 4096) * (1.0f / 4096.0f);
}

float
bench_random_float_rounding(uint32_t *state)
{
   uint32_t r = kt_random_next(state);
   uint32_t exponent = 127u - ((r >> 23) & 7u);
   uint32_t bits = (r & 0x807fffffu) | (exponent << 23);
   float value;
   memcpy(&value, &bits, sizeof(value));
   return value;
}

struct bench_grid
bench_grid_for(const struct kt_device *device, uint64_t groups)
{
   const uint32_t *max = device->physical->properties.limits.maxComputeWorkGroupCount;
   uint32_t limit_x = max[0], limit_y = max[1];
   if (bench_workload_group_limit) {
      if (limit_x > bench_workload_group_limit)
         limit_x = bench_workload_group_limit;
      if (limit_y > bench_workload_group_limit)
         limit_y = bench_workload_group_limit;
   }
   if (groups == 0)
      groups = 1;
   struct bench_grid grid = {.x = groups < limit_x ? (uint32_t)groups : limit_x, .y = 1};
   uint64_t rows = (groups + grid.x - 1) / grid.x;
   grid.y = rows < limit_y ? (uint32_t)rows : limit_y;
   if (grid.x == 0)
      grid.x = 1;
   if (grid.y == 0)
      grid.y = 1;
   return grid;
}

VkResult
bench_check_binding(const struct kt_device *device, VkDeviceSize bytes, const char *what)
{
   uint32_t max = device->physical->properties.limits.maxStorageBufferRange;
   if (bytes > max) {
      kt_error("%s: %" PRIu64 " bytes exceed maxStorageBufferRange (%" PRIu32 ") of %s", what,
               (uint64_t)bytes, max, device->physical->properties.deviceName);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   return VK_SUCCESS;
}

VkDeviceSize
bench_align(VkDeviceSize value, VkDeviceSize alignment)
{
   return alignment ? (value + alignment - 1) / alignment * alignment : value;
}

VkDeviceSize
bench_binding_alignment(const struct kt_device *device)
{
   VkDeviceSize alignment = device->physical->properties.limits.minStorageBufferOffsetAlignment;
   return alignment > 256 ? alignment : 256;
}

void
bench_record_dispatch(const struct bench_workload *w, VkCommandBuffer cmd,
                      const struct kt_compute_pipeline *pipeline, VkDescriptorSet set,
                      const void *push, uint32_t push_size, struct bench_grid grid)
{
   const struct kt_device *device = w->device;
   const struct VolkDeviceTable *vk = &device->vk;
   vk->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->handle);
   vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->layout, 0, 1, &set,
                               0, NULL);
   vk->vkCmdPushConstants(cmd, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_size, push);
   if (w->timer)
      bench_dispatch_timer_before(w->timer);
   vk->vkCmdDispatch(cmd, grid.x, grid.y, 1);
   if (w->timer)
      bench_dispatch_timer_after(w->timer);
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

VkResult
bench_element_count(size_t input_bytes, size_t element_size, const char *name, uint32_t *n)
{
   size_t count = input_bytes / element_size;
   if (count == 0)
      count = 1;
   if (count > UINT32_MAX / element_size) {
      kt_error("%s: %zu elements are too many", name, count);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   *n = (uint32_t)count;
   return VK_SUCCESS;
}

VkResult
bench_workload_alloc(const struct kt_device *device, size_t object_size, size_t output_size,
                     VkDeviceSize binding_bytes, const char *binding_what, const char *name,
                     struct bench_workload **out)
{
   VkResult result;
   *out = NULL;
   struct bench_workload *w = calloc(1, object_size);
   if (!w) {
      kt_error("%s: out of host memory", name);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   w->device = device;
   w->output_size = output_size;
   w->output = calloc(output_size ? output_size : 1, 1);
   if (!w->output) {
      kt_error("%s: out of host memory for the output (%zu bytes)", name, output_size);
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto cleanup;
   }
   result = bench_check_binding(device, binding_bytes, binding_what);
   if (result != VK_SUCCESS)
      goto cleanup;
   *out = w;
   return VK_SUCCESS;

cleanup:
   free(w->output);
   free(w);
   return result;
}

void
bench_workload_free(struct bench_workload *w, VkDescriptorPool pool,
                    struct kt_compute_pipeline *const *pipelines, uint32_t pipeline_count,
                    struct bench_buffer *const *buffers, uint32_t buffer_count)
{
   const struct kt_device *device = w->device;
   if (pool != VK_NULL_HANDLE)
      device->vk.vkDestroyDescriptorPool(device->handle, pool, NULL);
   for (uint32_t i = 0; i < pipeline_count; i++)
      kt_compute_pipeline_destroy(device, pipelines[i]);
   for (uint32_t i = 0; i < buffer_count; i++)
      bench_buffer_destroy(device, buffers[i]);
   free(w->output);
   free(w);
}

VkResult
bench_buffers_create_filled(const struct kt_device *device,
                            const struct bench_buffer_init *inits, uint32_t count,
                            const char *what)
{
   struct bench_upload uploads[BENCH_MAX_BUFFER_INITS];
   if (count > BENCH_MAX_BUFFER_INITS) {
      kt_error("%s: %" PRIu32 " buffers, at most %u", what, count, BENCH_MAX_BUFFER_INITS);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   for (uint32_t i = 0; i < count; i++) {
      VkResult result = bench_buffer_create(device, inits[i].size,
                                            VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, inits[i].name,
                                            inits[i].buffer);
      if (result != VK_SUCCESS)
         return result;
      uploads[i] = (struct bench_upload){
         .buffer = inits[i].buffer, .offset = 0, .size = inits[i].size, .data = inits[i].data};
   }
   return bench_buffers_upload(device, uploads, count, what);
}

VkResult
bench_pipeline_create(const struct kt_device *device, const uint32_t *code, size_t code_size,
                      uint32_t binding_count, uint32_t push_size, const char *name,
                      uint32_t max_sets, const VkDescriptorBufferInfo *infos,
                      struct kt_compute_pipeline *pipeline, VkDescriptorPool *pool,
                      VkDescriptorSet *set)
{
   VkResult result = kt_compute_pipeline_create(device, code, code_size, binding_count,
                                                push_size, name, pipeline);
   if (result != VK_SUCCESS)
      return result;
   result = kt_descriptor_pool_create(device, max_sets, binding_count, pool);
   if (result != VK_SUCCESS || !infos)
      return result;
   return kt_descriptor_set_create(device, *pool, pipeline, infos, set);
}

const void *
bench_workload_output(const struct bench_workload *w, size_t *size)
{
   *size = w->output_size;
   return w->output;
}

void
bench_why(char *why, size_t why_size, const char *format, ...)
{
   if (!why || why_size == 0)
      return;
   va_list args;
   va_start(args, format);
   vsnprintf(why, why_size, format, args);
   va_end(args);
}

bool
bench_verify_matrix(uint32_t n, uint32_t check_all_max, uint32_t samples, uint32_t seed,
                    bool (*check)(const void *context, uint32_t i, uint32_t j, char *why,
                                  size_t why_size),
                    const void *context, char *why, size_t why_size)
{
   if (n <= check_all_max) {
      for (uint32_t i = 0; i < n; i++) {
         for (uint32_t j = 0; j < n; j++) {
            if (!check(context, i, j, why, why_size))
               return false;
         }
      }
      return true;
   }
   const uint32_t corners[4][2] = {{0, 0}, {0, n - 1}, {n - 1, 0}, {n - 1, n - 1}};
   for (uint32_t c = 0; c < 4; c++) {
      if (!check(context, corners[c][0], corners[c][1], why, why_size))
         return false;
   }
   uint32_t state = seed ^ 0x53414d50u; /* "SAMP" */
   for (uint32_t s = 0; s < samples; s++) {
      uint32_t i = kt_random_next(&state) % n;
      uint32_t j = kt_random_next(&state) % n;
      if (!check(context, i, j, why, why_size))
         return false;
   }
   return true;
}
