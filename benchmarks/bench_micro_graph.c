/* SPDX-License-Identifier: MIT */
#include "bench_micro_graph.h"

#include <stdlib.h>
#include <string.h>

/* Chains of nodes are at most this long: y grows like (iterations)^depth / depth!, which must
 * stay far below FLT_MAX over any run (and no NaN or infinity may make outputs incomparable). */
#define MAX_DEPTH 6u
/* A dependent node reads the output of one of the last RECENT nodes. */
#define RECENT 2u

void
bench_graph_build(uint32_t seed, uint32_t regions, struct bench_graph *graph)
{
   uint8_t depth[BENCH_GRAPH_NODES] = {0}; /* of each region: the longest chain into it */
   uint32_t state = seed;
   graph->dependent = graph->in_place = 0;
   for (uint32_t i = 0; i < BENCH_GRAPH_NODES; i++) {
      struct bench_node *node = &graph->nodes[i];
      uint32_t roll = kt_random_next(&state) % 16;
      *node = (struct bench_node){.input = BENCH_NODE_X, .output = i % regions};
      if (i > 0 && roll < 12) {
         /* reads a recent node's output: a real dependency while nothing ordered it yet */
         uint32_t back = 1 + kt_random_next(&state) % RECENT;
         uint32_t source = graph->nodes[i > back ? i - back : 0].output;
         if (depth[source] < MAX_DEPTH) {
            node->input = source;
            graph->dependent++;
         }
      } else if (i > 0 && roll < 14) {
         /* accumulates x into an earlier node's output (write-after-write, and write-after-read
          * where a later node read it): input x, so no cycle appears between regions */
         node->output = graph->nodes[kt_random_next(&state) % i].output;
         graph->in_place++;
      }
      uint8_t d = node->input == BENCH_NODE_X ? 1 : (uint8_t)(depth[node->input] + 1);
      if (d > depth[node->output])
         depth[node->output] = d;
   }
}

VkResult
bench_graph_create(const struct kt_device *device, const struct kt_compute_pipeline *pipeline,
                   VkBuffer x, VkBuffer y, uint32_t region_floats, struct bench_graph *out)
{
   memset(out, 0, sizeof(*out));
   bench_graph_build(BENCH_GRAPH_SEED, BENCH_GRAPH_NODES, out);
   VkResult result = kt_descriptor_pool_create(device, BENCH_GRAPH_NODES, 2, &out->pool);
   if (result != VK_SUCCESS) {
      out->pool = VK_NULL_HANDLE;
      return result;
   }
   VkDeviceSize region = (VkDeviceSize)region_floats * sizeof(float);
   for (uint32_t i = 0; i < BENCH_GRAPH_NODES && result == VK_SUCCESS; i++) {
      const struct bench_node *node = &out->nodes[i];
      const VkDescriptorBufferInfo infos[2] = {
         node->input == BENCH_NODE_X
            ? (VkDescriptorBufferInfo){.buffer = x, .offset = 0, .range = region}
            : (VkDescriptorBufferInfo){.buffer = y, .offset = node->input * region,
                                       .range = region},
         {.buffer = y, .offset = node->output * region, .range = region},
      };
      result = kt_descriptor_set_create(device, out->pool, pipeline, infos, &out->sets[i]);
   }
   if (result != VK_SUCCESS)
      bench_graph_destroy(device, out);
   return result;
}

void
bench_graph_destroy(const struct kt_device *device, struct bench_graph *graph)
{
   if (graph->pool != VK_NULL_HANDLE)
      device->vk.vkDestroyDescriptorPool(device->handle, graph->pool, NULL);
   memset(graph, 0, sizeof(*graph));
}

uint32_t
bench_node_accesses(const struct bench_node *node, uint64_t region_bytes,
                    struct bench_barrier_access out[2])
{
   /* saxpy.comp: x (binding 0) is readonly, y (binding 1) read and written */
   uint64_t input = node->input == BENCH_NODE_X ? 0 : node->input * region_bytes;
   out[0] = (struct bench_barrier_access){.buffer = node->input == BENCH_NODE_X ? 0 : 1,
                                          .begin = input, .end = input + region_bytes};
   uint64_t output = node->output * region_bytes;
   out[1] = (struct bench_barrier_access){.buffer = 1, .begin = output,
                                          .end = output + region_bytes, .write = true};
   return 2;
}

bool
bench_nodes_barriers(const struct bench_node *nodes, uint32_t count, bool barriers,
                     bool previous_work, uint64_t region_bytes, uint32_t *hazards,
                     uint32_t *ends)
{
   struct bench_barrier_model model = {0};
   bench_barrier_model_begin(&model, previous_work);
   for (uint32_t i = 0; i < count; i++) {
      struct bench_barrier_access accesses[2];
      uint32_t n = bench_node_accesses(&nodes[i], region_bytes, accesses);
      bench_barrier_model_command(&model, accesses, n);
      if (barriers)
         bench_barrier_model_request(&model);
   }
   bench_barrier_model_end(&model);
   *hazards = model.hazards;
   *ends = model.ends;
   bool ok = !model.failed;
   bench_barrier_model_finish(&model);
   return ok;
}

void
bench_nodes_apply(const struct bench_node *nodes, uint32_t count, uint64_t iterations,
                  float a, const float *x, float *y, uint32_t region_floats)
{
   for (uint64_t t = 0; t < iterations; t++) {
      for (uint32_t i = 0; i < count; i++) {
         const float *in = nodes[i].input == BENCH_NODE_X
                              ? x
                              : y + (size_t)nodes[i].input * region_floats;
         float *out = y + (size_t)nodes[i].output * region_floats;
         for (uint32_t e = 0; e < region_floats; e++)
            out[e] = a * in[e] + out[e];
      }
   }
}
