/* SPDX-License-Identifier: MIT */
#include "bench_micro_framework.h"

#include <string.h>

#include "bench_time.h"
#include "saxpy_spv.h"

#define NAME "descriptor-framework"

/* Bindings 2.. cycle through this many ranges: the four quarters of x, the first four y
 * regions. */
#define EXTRA_RANGES 8u

static uint32_t
min_u32(uint32_t a, uint32_t b)
{
   return a < b ? a : b;
}

/* What operation `op` writes to `binding`: the same in every iteration. */
static VkDescriptorBufferInfo
binding_info(const struct bench_framework *f, uint32_t op, uint32_t binding)
{
   VkDeviceSize region = (VkDeviceSize)f->region_floats * sizeof(float);
   if (binding == 0)
      return (VkDescriptorBufferInfo){.buffer = f->x, .offset = 0, .range = region};
   if (binding == 1)
      return (VkDescriptorBufferInfo){.buffer = f->y, .offset = op * region, .range = region};
   uint32_t k = (binding - 2) % EXTRA_RANGES;
   if (k < EXTRA_RANGES / 2)
      return (VkDescriptorBufferInfo){.buffer = f->x, .offset = k * region / 4,
                                      .range = region / 4};
   return (VkDescriptorBufferInfo){.buffer = f->y, .offset = (k - EXTRA_RANGES / 2) * region,
                                   .range = region};
}

/* The set layout: every binding a storage buffer. The layout must stay valid on every device,
 * and maxPerStageDescriptorStorageBuffers may be far below BENCH_FRAMEWORK_BINDINGS (lavapipe:
 * 32), so bindings past what one stage may see get no stage at all (legal: stageFlags 0). They
 * are still allocated and written like the others; the shader uses only bindings 0 and 1. */
static VkResult
create_layouts(struct bench_framework *f)
{
   const struct VolkDeviceTable *vk = &f->device->vk;
   VkDescriptorSetLayoutBinding bindings[BENCH_FRAMEWORK_BINDINGS];
   for (uint32_t b = 0; b < f->bindings; b++) {
      bindings[b] = (VkDescriptorSetLayoutBinding){
         .binding = b,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .descriptorCount = 1,
         .stageFlags = b < f->stage_bindings ? VK_SHADER_STAGE_COMPUTE_BIT : 0,
      };
   }
   const VkDescriptorSetLayoutCreateInfo set_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = f->bindings,
      .pBindings = bindings,
   };
   VkResult result = vk->vkCreateDescriptorSetLayout(f->device->handle, &set_info, NULL,
                                                     &f->set_layout);
   if (!kt_ok(result, "vkCreateDescriptorSetLayout (" NAME ")")) {
      f->set_layout = VK_NULL_HANDLE;
      return result;
   }
   const VkPushConstantRange push_range = {
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
      .size = sizeof(struct kt_saxpy_push),
   };
   const VkPipelineLayoutCreateInfo layout_info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = 1,
      .pSetLayouts = &f->set_layout,
      .pushConstantRangeCount = 1,
      .pPushConstantRanges = &push_range,
   };
   result = vk->vkCreatePipelineLayout(f->device->handle, &layout_info, NULL, &f->layout);
   if (!kt_ok(result, "vkCreatePipelineLayout (" NAME ")"))
      f->layout = VK_NULL_HANDLE;
   return result;
}

static VkResult
create_pipeline(struct bench_framework *f)
{
   const struct VolkDeviceTable *vk = &f->device->vk;
   const VkShaderModuleCreateInfo module_info = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = saxpy_spv_size,
      .pCode = saxpy_spv,
   };
   VkResult result = vk->vkCreateShaderModule(f->device->handle, &module_info, NULL, &f->module);
   if (!kt_ok(result, "vkCreateShaderModule (" NAME ")")) {
      f->module = VK_NULL_HANDLE;
      return result;
   }
   const VkComputePipelineCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage = {
         .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
         .stage = VK_SHADER_STAGE_COMPUTE_BIT,
         .module = f->module,
         .pName = "main",
      },
      .layout = f->layout,
      .basePipelineIndex = -1,
   };
   result = vk->vkCreateComputePipelines(f->device->handle, VK_NULL_HANDLE, 1, &info, NULL,
                                         &f->pipeline);
   if (!kt_ok(result, "vkCreateComputePipelines (" NAME ")"))
      f->pipeline = VK_NULL_HANDLE;
   return result;
}

VkResult
bench_framework_create(const struct kt_device *device, VkBuffer x, VkBuffer y,
                       uint32_t region_floats, float a, struct bench_framework *out)
{
   const VkPhysicalDeviceLimits *limits = &device->physical->properties.limits;
   memset(out, 0, sizeof(*out));
   out->device = device;
   out->x = x;
   out->y = y;
   out->region_floats = region_floats;
   out->a = a;
   out->bindings = min_u32(BENCH_FRAMEWORK_BINDINGS, limits->maxDescriptorSetStorageBuffers);
   out->stage_bindings = min_u32(out->bindings,
                                 min_u32(limits->maxPerStageDescriptorStorageBuffers,
                                         limits->maxPerStageResources));
   out->group_count = kt_saxpy_group_count(device, region_floats);
   VkResult result = VK_ERROR_FEATURE_NOT_PRESENT;
   if (out->stage_bindings < 2) {
      kt_error(NAME ": the compute stage sees %u storage buffers, the kernel needs 2",
               out->stage_bindings);
      goto cleanup;
   }
   result = create_layouts(out);
   if (result == VK_SUCCESS)
      result = create_pipeline(out);
   if (result == VK_SUCCESS)
      result = kt_descriptor_pool_create(device, BENCH_FRAMEWORK_OPS, out->bindings, &out->pool);
   if (result == VK_SUCCESS)
      return VK_SUCCESS;
cleanup:
   bench_framework_destroy(out);
   return result;
}

void
bench_framework_destroy(struct bench_framework *f)
{
   if (!f->device)
      return;
   const struct VolkDeviceTable *vk = &f->device->vk;
   VkDevice device = f->device->handle;
   if (f->pool != VK_NULL_HANDLE)
      vk->vkDestroyDescriptorPool(device, f->pool, NULL);
   if (f->pipeline != VK_NULL_HANDLE)
      vk->vkDestroyPipeline(device, f->pipeline, NULL);
   if (f->module != VK_NULL_HANDLE)
      vk->vkDestroyShaderModule(device, f->module, NULL);
   if (f->layout != VK_NULL_HANDLE)
      vk->vkDestroyPipelineLayout(device, f->layout, NULL);
   if (f->set_layout != VK_NULL_HANDLE)
      vk->vkDestroyDescriptorSetLayout(device, f->set_layout, NULL);
   memset(f, 0, sizeof(*f));
}

/* One operation: a new set, every binding written (one VkWriteDescriptorSet per binding, so the
 * application's write count is the number of descriptors written whichever one a driver
 * counts), then pipeline, set and push constants bound and the kernel dispatched. */
static VkResult
record_op(const struct bench_framework *f, VkCommandBuffer cmd, uint32_t op,
          VkDescriptorBufferInfo infos[BENCH_FRAMEWORK_BINDINGS],
          VkWriteDescriptorSet writes[BENCH_FRAMEWORK_BINDINGS])
{
   const struct VolkDeviceTable *vk = &f->device->vk;
   const VkDescriptorSetAllocateInfo alloc_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = f->pool,
      .descriptorSetCount = 1,
      .pSetLayouts = &f->set_layout,
   };
   VkDescriptorSet set;
   VkResult result = vk->vkAllocateDescriptorSets(f->device->handle, &alloc_info, &set);
   if (!kt_ok(result, "vkAllocateDescriptorSets (" NAME ")"))
      return result;
   for (uint32_t b = 0; b < f->bindings; b++)
      infos[b] = binding_info(f, op, b);
   kt_storage_buffer_writes(set, f->bindings, infos, writes);
   vk->vkUpdateDescriptorSets(f->device->handle, f->bindings, writes, 0, NULL);

   const struct kt_saxpy_push push = {.n = f->region_floats, .a = f->a};
   vk->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, f->pipeline);
   vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, f->layout, 0, 1, &set, 0,
                               NULL);
   vk->vkCmdPushConstants(cmd, f->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), &push);
   vk->vkCmdDispatch(cmd, f->group_count, 1, 1);
   return VK_SUCCESS;
}

/* Pool reset after the previous submit completed, not a ring of pools: every iteration, like the
 * other chain rows, submits and then waits for its fence, as a framework does when it reads a
 * graph's result. So when the next iteration resets the pool no pending work uses its sets, and
 * the reset waits for nothing. The CPU figures hold no wait on the GPU: record_ns is the pool
 * reset, the allocations, the writes and the recording; submit_ns is vkQueueSubmit alone. Only
 * the wall time holds the GPU work, as for the other chain rows. A ring of pools with several
 * submits in flight would turn the wall time into a measure of queue depth and (on Kronos) of
 * submit batching, not of descriptor handling. With Kronos's submit batching on, its
 * vkQueueSubmit only queues the work and the vendor's submit happens in the fence wait, outside
 * submit_ns: for the descriptor cost alone compare record_ns, or run with
 * KRONOS_DISABLE=batch. */
VkResult
bench_framework_run(struct bench_framework *f, struct bench_cmd *cmd, uint32_t iterations,
                    struct bench_sample *sample)
{
   const struct VolkDeviceTable *vk = &f->device->vk;
   VkDescriptorBufferInfo infos[BENCH_FRAMEWORK_BINDINGS];
   VkWriteDescriptorSet writes[BENCH_FRAMEWORK_BINDINGS];
   for (uint32_t i = 0; i < iterations; i++) {
      uint64_t start = bench_wall_ns();
      VkResult result = vk->vkResetDescriptorPool(f->device->handle, f->pool, 0);
      if (!kt_ok(result, "vkResetDescriptorPool (" NAME ")"))
         return result;
      result = bench_cmd_begin(cmd);
      if (result != VK_SUCCESS)
         return result;
      /* after the previous submit's dispatches */
      kt_cmd_memory_barrier(f->device, cmd->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
      for (uint32_t op = 0; op < BENCH_FRAMEWORK_OPS; op++) {
         result = record_op(f, cmd->cmd, op, infos, writes);
         if (result != VK_SUCCESS)
            return result;
      }
      result = bench_cmd_end(cmd);
      if (result != VK_SUCCESS)
         return result;
      sample->record_ns += (double)(bench_wall_ns() - start);

      double submit_ns, gpu_ns;
      result = bench_cmd_submit(cmd, &submit_ns);
      if (result != VK_SUCCESS)
         return result;
      sample->submit_ns += submit_ns;
      result = bench_cmd_wait(cmd, &gpu_ns);
      if (result != VK_SUCCESS)
         return result;
      sample->gpu_ns += gpu_ns;

      f->iterations++;
      sample->units += BENCH_FRAMEWORK_OPS;
      sample->submits++;
      const struct bench_did did = {
         .submits = 1,
         .dispatches = BENCH_FRAMEWORK_OPS,
         .barriers = 1,
         .descriptor_writes = (uint64_t)BENCH_FRAMEWORK_OPS * f->bindings,
      };
      bench_did_add(&sample->did, &did);
   }
   return VK_SUCCESS;
}
