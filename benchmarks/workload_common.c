/* SPDX-License-Identifier: MIT */
#include "workload_common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t bench_workload_group_limit = 0;
bool bench_workload_small_blocks = false;

uint32_t
bench_random_next(uint32_t *state)
{
   uint32_t z = (*state += 0x9e3779b9u);
   z = (z ^ (z >> 16)) * 0x85ebca6bu;
   z = (z ^ (z >> 13)) * 0xc2b2ae35u;
   return z ^ (z >> 16);
}

float
bench_random_float(uint32_t *state)
{
   /* 13 random bits: k in [0, 8192), value (k - 4096) / 4096. */
   int32_t k = (int32_t)(bench_random_next(state) >> 19);
   return (float)(k - 4096) * (1.0f / 4096.0f);
}

float
bench_random_float_rounding(uint32_t *state)
{
   uint32_t r = bench_random_next(state);
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
bench_record_dispatch(const struct kt_device *device, VkCommandBuffer cmd,
                      const struct kt_compute_pipeline *pipeline, VkDescriptorSet set,
                      const void *push, uint32_t push_size, struct bench_grid grid)
{
   const struct VolkDeviceTable *vk = &device->vk;
   vk->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->handle);
   vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->layout, 0, 1, &set,
                               0, NULL);
   vk->vkCmdPushConstants(cmd, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_size, push);
   vk->vkCmdDispatch(cmd, grid.x, grid.y, 1);
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

VkResult
bench_workload_init(struct bench_workload *w, const struct kt_device *device,
                    size_t output_size, const char *name)
{
   w->device = device;
   w->output_size = output_size;
   w->output = calloc(output_size ? output_size : 1, 1);
   if (!w->output) {
      kt_error("%s: out of host memory for the output (%zu bytes)", name, output_size);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return VK_SUCCESS;
}

void
bench_workload_fini(struct bench_workload *w)
{
   free(w->output);
   w->output = NULL;
   w->output_size = 0;
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
