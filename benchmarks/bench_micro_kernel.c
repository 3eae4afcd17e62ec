/* SPDX-License-Identifier: MIT */
#include "bench_micro_kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_time.h"

_Static_assert(BENCH_KERNEL_CHAIN <= BENCH_KERNEL_REGIONS, "a chain writes distinct regions");
_Static_assert(BENCH_KERNEL_SUBMITS <= BENCH_KERNEL_REGIONS, "submits write distinct regions");
_Static_assert(BENCH_FRAMEWORK_OPS <= BENCH_KERNEL_REGIONS, "operations write distinct regions");
_Static_assert(BENCH_GRAPH_NODES == BENCH_KERNEL_CHAIN, "the graph is one chain's dispatches");

static void
fill(float *values, size_t count, uint32_t *state)
{
   for (size_t i = 0; i < count; i++)
      values[i] = (float)(kt_random_next(state) >> 8) * (1.0f / 8388608.0f) - 1.0f;
}

static VkResult
upload_inputs(struct bench_kernel *k, uint32_t seed)
{
   float *x = malloc(BENCH_KERNEL_REGION_FLOATS * sizeof(float));
   float *y = malloc(BENCH_KERNEL_Y_BYTES);
   VkResult result = VK_ERROR_OUT_OF_HOST_MEMORY;
   if (!x || !y) {
      kt_error("out of memory for the micro rows' inputs");
      goto cleanup;
   }
   uint32_t state = seed ^ 0x6d696372u; /* "micr" */
   fill(x, BENCH_KERNEL_REGION_FLOATS, &state);
   fill(y, BENCH_KERNEL_Y_BYTES / sizeof(float), &state);
   const struct bench_upload uploads[2] = {
      {.buffer = &k->x, .size = BENCH_KERNEL_REGION_FLOATS * sizeof(float), .data = x},
      {.buffer = &k->y, .size = BENCH_KERNEL_Y_BYTES, .data = y},
   };
   result = bench_buffers_upload(k->device, uploads, 2, "micro rows' inputs");
cleanup:
   free(y);
   free(x);
   return result;
}

static void
buffer_infos(const struct bench_kernel *k, uint32_t region, VkDescriptorBufferInfo infos[2])
{
   infos[0] = (VkDescriptorBufferInfo){.buffer = k->x.handle, .offset = 0, .range = VK_WHOLE_SIZE};
   infos[1] = (VkDescriptorBufferInfo){
      .buffer = k->y.handle,
      .offset = (VkDeviceSize)region * BENCH_KERNEL_REGION_FLOATS * sizeof(float),
      .range = BENCH_KERNEL_REGION_FLOATS * sizeof(float),
   };
}

static VkResult
create_sets(struct bench_kernel *k)
{
   VkResult result = kt_descriptor_pool_create(k->device,
                                               BENCH_KERNEL_REGIONS + BENCH_KERNEL_CHAIN, 2,
                                               &k->pool);
   if (result != VK_SUCCESS)
      return result;
   for (uint32_t i = 0; i < BENCH_KERNEL_REGIONS && result == VK_SUCCESS; i++) {
      VkDescriptorBufferInfo infos[2];
      buffer_infos(k, i, infos);
      result = kt_descriptor_set_create(k->device, k->pool, &k->pipeline, infos, &k->fixed[i]);
   }
   for (uint32_t i = 0; i < BENCH_KERNEL_CHAIN && result == VK_SUCCESS; i++) {
      const VkDescriptorSetAllocateInfo info = {
         .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
         .descriptorPool = k->pool,
         .descriptorSetCount = 1,
         .pSetLayouts = &k->pipeline.set_layout,
      };
      result = k->device->vk.vkAllocateDescriptorSets(k->device->handle, &info, &k->scratch[i]);
      if (!kt_ok(result, "vkAllocateDescriptorSets (descriptor-updates)"))
         k->scratch[i] = VK_NULL_HANDLE;
   }
   return result;
}

/* The barrier that orders a dispatch after everything before it on the queue. */
static void
cmd_compute_barrier(const struct kt_device *device, VkCommandBuffer cmd)
{
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

static uint32_t
group_count(const struct bench_kernel *k)
{
   return kt_saxpy_group_count(k->device, BENCH_KERNEL_REGION_FLOATS);
}

static void
cmd_bind(const struct bench_kernel *k, VkCommandBuffer cmd)
{
   const struct VolkDeviceTable *vk = &k->device->vk;
   const struct kt_saxpy_push push = {.n = BENCH_KERNEL_REGION_FLOATS, .a = BENCH_KERNEL_A};
   vk->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, k->pipeline.handle);
   vk->vkCmdPushConstants(cmd, k->pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push),
                          &push);
}

static void
cmd_dispatch(const struct bench_kernel *k, VkCommandBuffer cmd, VkDescriptorSet set)
{
   const struct VolkDeviceTable *vk = &k->device->vk;
   vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, k->pipeline.layout, 0, 1,
                               &set, 0, NULL);
   vk->vkCmdDispatch(cmd, group_count(k), 1, 1);
}

/* The small submits' command buffers: a barrier and one dispatch on region i each. */
static VkResult
create_submits(struct bench_kernel *k)
{
   const struct VolkDeviceTable *vk = &k->device->vk;
   VkDevice device = k->device->handle;
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = k->device->queue_family,
   };
   VkResult result = vk->vkCreateCommandPool(device, &pool_info, NULL, &k->submit_pool);
   if (!kt_ok(result, "vkCreateCommandPool (small submits)")) {
      k->submit_pool = VK_NULL_HANDLE;
      return result;
   }
   const VkCommandBufferAllocateInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = k->submit_pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = BENCH_KERNEL_SUBMITS,
   };
   result = vk->vkAllocateCommandBuffers(device, &cmd_info, k->submit_cmds);
   if (!kt_ok(result, "vkAllocateCommandBuffers (small submits)")) {
      memset(k->submit_cmds, 0, sizeof(k->submit_cmds));
      return result;
   }
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   for (uint32_t i = 0; i < BENCH_KERNEL_SUBMITS; i++) {
      VkCommandBuffer cmd = k->submit_cmds[i];
      result = vk->vkBeginCommandBuffer(cmd, &begin);
      if (!kt_ok(result, "vkBeginCommandBuffer (small submits)"))
         return result;
      cmd_compute_barrier(k->device, cmd);
      cmd_bind(k, cmd);
      cmd_dispatch(k, cmd, k->fixed[i]);
      result = vk->vkEndCommandBuffer(cmd);
      if (!kt_ok(result, "vkEndCommandBuffer (small submits)"))
         return result;
      result = vk->vkCreateFence(device, &fence_info, NULL, &k->fences[i]);
      if (!kt_ok(result, "vkCreateFence (small submits)")) {
         k->fences[i] = VK_NULL_HANDLE;
         return result;
      }
   }
   return VK_SUCCESS;
}

VkResult
bench_kernel_create(const struct kt_device *device, uint32_t seed, struct bench_kernel *out)
{
   memset(out, 0, sizeof(*out));
   out->device = device;
   VkResult result = kt_saxpy_pipeline_create(device, &out->pipeline);
   if (result == VK_SUCCESS)
      result = bench_buffer_create(device, BENCH_KERNEL_REGION_FLOATS * sizeof(float),
                                   VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, "micro x", &out->x);
   if (result == VK_SUCCESS)
      result = bench_buffer_create(device, BENCH_KERNEL_Y_BYTES, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                                   "micro y", &out->y);
   if (result == VK_SUCCESS)
      result = upload_inputs(out, seed);
   if (result == VK_SUCCESS)
      result = create_sets(out);
   if (result == VK_SUCCESS)
      result = bench_cmd_create(device, &out->cmd);
   if (result == VK_SUCCESS)
      result = create_submits(out);
   if (result == VK_SUCCESS)
      result = bench_framework_create(device, out->x.handle, out->y.handle,
                                      BENCH_KERNEL_REGION_FLOATS, BENCH_KERNEL_A,
                                      &out->framework);
   if (result == VK_SUCCESS)
      result = bench_graph_create(device, &out->pipeline, out->x.handle, out->y.handle,
                                  BENCH_KERNEL_REGION_FLOATS, &out->graph);
   if (result != VK_SUCCESS)
      bench_kernel_destroy(out);
   return result;
}

void
bench_kernel_destroy(struct bench_kernel *k)
{
   if (!k->device)
      return;
   const struct VolkDeviceTable *vk = &k->device->vk;
   VkDevice device = k->device->handle;
   kt_ok(vk->vkDeviceWaitIdle(device), "vkDeviceWaitIdle");
   bench_graph_destroy(k->device, &k->graph);
   bench_framework_destroy(&k->framework);
   bench_cmd_destroy(&k->cmd);
   for (uint32_t i = 0; i < BENCH_KERNEL_SUBMITS; i++) {
      if (k->fences[i] != VK_NULL_HANDLE)
         vk->vkDestroyFence(device, k->fences[i], NULL);
   }
   if (k->submit_pool != VK_NULL_HANDLE)
      vk->vkDestroyCommandPool(device, k->submit_pool, NULL);
   if (k->pool != VK_NULL_HANDLE)
      vk->vkDestroyDescriptorPool(device, k->pool, NULL);
   bench_buffer_destroy(k->device, &k->y);
   bench_buffer_destroy(k->device, &k->x);
   kt_compute_pipeline_destroy(k->device, &k->pipeline);
   memset(k, 0, sizeof(*k));
}

static VkResult
submit(const struct bench_kernel *k, VkCommandBuffer cmd, VkFence fence, double *submit_ns)
{
   const VkSubmitInfo info = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmd,
   };
   uint64_t start = bench_wall_ns();
   VkResult result = k->device->vk.vkQueueSubmit(k->device->queues[0], 1, &info, fence);
   *submit_ns += (double)(bench_wall_ns() - start);
   kt_ok(result, "vkQueueSubmit (small submit)");
   return result;
}

/* BENCH_KERNEL_SUBMITS submits with a fence each, then one wait for all. */
static VkResult
run_submit_fences(struct bench_kernel *k, uint32_t iterations, struct bench_sample *sample)
{
   const struct VolkDeviceTable *vk = &k->device->vk;
   for (uint32_t i = 0; i < iterations; i++) {
      VkResult result = vk->vkResetFences(k->device->handle, BENCH_KERNEL_SUBMITS, k->fences);
      if (!kt_ok(result, "vkResetFences (small submits)"))
         return result;
      for (uint32_t s = 0; s < BENCH_KERNEL_SUBMITS; s++) {
         result = submit(k, k->submit_cmds[s], k->fences[s], &sample->submit_ns);
         if (result != VK_SUCCESS)
            return result;
         sample->units++;
         sample->submits++;
         sample->did.submits++;
      }
      result = vk->vkWaitForFences(k->device->handle, BENCH_KERNEL_SUBMITS, k->fences, VK_TRUE,
                                   KT_FENCE_TIMEOUT_NS);
      if (!kt_ok(result, "vkWaitForFences (small submits)"))
         return result;
   }
   return VK_SUCCESS;
}

/* Reset, submit, wait: the latency of one small piece of work. */
static VkResult
run_round_trip(struct bench_kernel *k, uint32_t iterations, struct bench_sample *sample)
{
   const struct VolkDeviceTable *vk = &k->device->vk;
   for (uint32_t i = 0; i < iterations; i++) {
      VkResult result = vk->vkResetFences(k->device->handle, 1, &k->fences[0]);
      if (!kt_ok(result, "vkResetFences (round trip)"))
         return result;
      result = submit(k, k->submit_cmds[0], k->fences[0], &sample->submit_ns);
      if (result != VK_SUCCESS)
         return result;
      result = kt_fence_wait(k->device, k->fences[0], "round trip");
      if (result != VK_SUCCESS)
         return result;
      sample->units++;
      sample->submits++;
      sample->did.submits++;
   }
   return VK_SUCCESS;
}

bool
bench_kernel_nodes(const struct bench_kernel *k, enum bench_kernel_row row,
                   struct bench_node storage[BENCH_KERNEL_CHAIN], const struct bench_node **nodes,
                   bool *barriers)
{
   switch (row) {
   case BENCH_KERNEL_CHAIN_BARRIERS:
   case BENCH_KERNEL_CHAIN_NOBARRIERS:
   case BENCH_KERNEL_CHAIN_DEPENDENT:
      /* independent: region d each; dependent: region 0 each, so that every dispatch reads
       * (y = a x + y) what the one before wrote */
      for (uint32_t d = 0; d < BENCH_KERNEL_CHAIN; d++)
         storage[d] = (struct bench_node){
            .input = BENCH_NODE_X,
            .output = row == BENCH_KERNEL_CHAIN_DEPENDENT ? 0 : d,
         };
      *nodes = storage;
      *barriers = row != BENCH_KERNEL_CHAIN_NOBARRIERS;
      return true;
   case BENCH_KERNEL_GRAPH_DAG:
      *nodes = k->graph.nodes;
      *barriers = true;
      return true;
   case BENCH_KERNEL_SUBMIT_FENCES:
   case BENCH_KERNEL_ROUND_TRIP:
   case BENCH_KERNEL_DESCRIPTOR_UPDATES:
   case BENCH_KERNEL_DESCRIPTOR_FRAMEWORK:
      break;
   }
   return false;
}

/* Node d's set: the graph's own, or (a chain: input x) the fixed set of its output region. */
static VkDescriptorSet
node_set(const struct bench_kernel *k, const struct bench_node *nodes, uint32_t d)
{
   return k->row == BENCH_KERNEL_GRAPH_DAG ? k->graph.sets[d] : k->fixed[nodes[d].output];
}

/* The dispatches of one iteration: descriptor-updates writes a set before each; the node rows
 * dispatch their nodes, each followed by a full barrier where they have barriers. */
static void
record_chain(struct bench_kernel *k, VkCommandBuffer cmd, const struct bench_node *nodes,
             bool barriers)
{
   const struct VolkDeviceTable *vk = &k->device->vk;
   bool descriptor_updates = k->row == BENCH_KERNEL_DESCRIPTOR_UPDATES;
   if (descriptor_updates) /* after the previous submit's dispatches */
      cmd_compute_barrier(k->device, cmd);
   cmd_bind(k, cmd);
   for (uint32_t d = 0; d < BENCH_KERNEL_CHAIN; d++) {
      if (descriptor_updates) {
         VkDescriptorBufferInfo infos[2];
         buffer_infos(k, d, infos);
         VkWriteDescriptorSet writes[2];
         kt_storage_buffer_writes(k->scratch[d], 2, infos, writes);
         vk->vkUpdateDescriptorSets(k->device->handle, 2, writes, 0, NULL);
         cmd_dispatch(k, cmd, k->scratch[d]);
         continue;
      }
      cmd_dispatch(k, cmd, node_set(k, nodes, d));
      if (barriers)
         kt_cmd_memory_barrier(k->device, cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                               VK_ACCESS_MEMORY_WRITE_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                               VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
   }
}

/* One command buffer of BENCH_KERNEL_CHAIN dispatches, recorded, submitted and waited for. */
static VkResult
run_chain(struct bench_kernel *k, uint32_t iterations, struct bench_sample *sample)
{
   bool descriptor_updates = k->row == BENCH_KERNEL_DESCRIPTOR_UPDATES;
   struct bench_node storage[BENCH_KERNEL_CHAIN];
   const struct bench_node *nodes = NULL;
   bool barriers = false;
   if (!descriptor_updates && !bench_kernel_nodes(k, k->row, storage, &nodes, &barriers))
      return VK_ERROR_INITIALIZATION_FAILED;
   for (uint32_t i = 0; i < iterations; i++) {
      uint64_t start = bench_wall_ns();
      VkResult result = bench_cmd_begin(&k->cmd);
      if (result != VK_SUCCESS)
         return result;
      record_chain(k, k->cmd.cmd, nodes, barriers);
      result = bench_cmd_end(&k->cmd);
      if (result != VK_SUCCESS)
         return result;
      sample->record_ns += (double)(bench_wall_ns() - start);

      double submit_ns, gpu_ns;
      result = bench_cmd_submit(&k->cmd, &submit_ns);
      if (result != VK_SUCCESS)
         return result;
      sample->submit_ns += submit_ns;
      result = bench_cmd_wait(&k->cmd, &gpu_ns);
      if (result != VK_SUCCESS)
         return result;
      sample->gpu_ns += gpu_ns;
      k->iterations++;

      sample->units += BENCH_KERNEL_CHAIN;
      sample->submits++;
      const struct bench_did did = {
         .submits = 1,
         .dispatches = BENCH_KERNEL_CHAIN,
         .barriers = descriptor_updates ? 1 : barriers ? BENCH_KERNEL_CHAIN : 0,
         .descriptor_writes = descriptor_updates ? 2 * BENCH_KERNEL_CHAIN : 0,
      };
      bench_did_add(&sample->did, &did);
   }
   return VK_SUCCESS;
}

VkResult
bench_kernel_run(void *context, uint32_t iterations, struct bench_sample *sample)
{
   struct bench_kernel *k = context;
   switch (k->row) {
   case BENCH_KERNEL_SUBMIT_FENCES:
      sample->record_ns = NAN;
      sample->gpu_ns = NAN;
      return run_submit_fences(k, iterations, sample);
   case BENCH_KERNEL_ROUND_TRIP:
      sample->record_ns = NAN;
      sample->gpu_ns = NAN;
      return run_round_trip(k, iterations, sample);
   case BENCH_KERNEL_CHAIN_BARRIERS:
   case BENCH_KERNEL_CHAIN_NOBARRIERS:
   case BENCH_KERNEL_CHAIN_DEPENDENT:
   case BENCH_KERNEL_GRAPH_DAG:
   case BENCH_KERNEL_DESCRIPTOR_UPDATES:
      return run_chain(k, iterations, sample);
   case BENCH_KERNEL_DESCRIPTOR_FRAMEWORK:
      return bench_framework_run(&k->framework, &k->cmd, iterations, sample);
   }
   return VK_ERROR_INITIALIZATION_FAILED;
}

uint32_t
bench_kernel_dispatches_per_submit(enum bench_kernel_row row)
{
   switch (row) {
   case BENCH_KERNEL_SUBMIT_FENCES:
   case BENCH_KERNEL_ROUND_TRIP:
      return 1;
   case BENCH_KERNEL_CHAIN_BARRIERS:
   case BENCH_KERNEL_CHAIN_NOBARRIERS:
   case BENCH_KERNEL_CHAIN_DEPENDENT:
   case BENCH_KERNEL_GRAPH_DAG:
   case BENCH_KERNEL_DESCRIPTOR_UPDATES:
      return BENCH_KERNEL_CHAIN;
   case BENCH_KERNEL_DESCRIPTOR_FRAMEWORK:
      return BENCH_FRAMEWORK_OPS;
   }
   return 1;
}

uint32_t
bench_kernel_regions_written(enum bench_kernel_row row)
{
   switch (row) {
   case BENCH_KERNEL_SUBMIT_FENCES:
      return BENCH_KERNEL_SUBMITS;
   case BENCH_KERNEL_ROUND_TRIP:
      return 1;
   case BENCH_KERNEL_DESCRIPTOR_UPDATES:
      return BENCH_KERNEL_CHAIN;
   case BENCH_KERNEL_DESCRIPTOR_FRAMEWORK:
      return BENCH_FRAMEWORK_OPS;
   case BENCH_KERNEL_CHAIN_BARRIERS:
   case BENCH_KERNEL_CHAIN_NOBARRIERS:
   case BENCH_KERNEL_CHAIN_DEPENDENT:
   case BENCH_KERNEL_GRAPH_DAG:
      break; /* their nodes say (bench_kernel_nodes) */
   }
   return 0;
}
