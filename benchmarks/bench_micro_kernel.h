/* SPDX-License-Identifier: MIT */
/* Micro rows made of tiny SAXPY dispatches (1024 elements each, y = 0.5 x + y) on disjoint
 * 4 KiB regions of one device-local y buffer, so that consecutive dispatches are independent:
 *   submit-fences       BENCH_KERNEL_SUBMITS small submits, each with its own fence, then one
 *                       wait for all of them
 *   round-trip          one small submit, fence wait, fence reset, again
 *   chain-barriers      BENCH_KERNEL_CHAIN independent dispatches in one command buffer, each
 *                       followed by a full barrier
 *   chain-nobarriers    the same dispatches with no barrier at all: the reference of what the
 *                       barriers cost
 *   chain-dependent     BENCH_KERNEL_CHAIN dispatches on region 0, each reading what the one
 *                       before wrote, each followed by a full barrier
 *   graph-dag           BENCH_GRAPH_NODES dispatches over a DAG (bench_micro_graph.h), each
 *                       followed by a full barrier, about half of which protect a real dependency
 *   descriptor-updates  BENCH_KERNEL_CHAIN dispatches, each preceded by vkUpdateDescriptorSets
 *                       of its own set (x and its y region)
 *   descriptor-framework  BENCH_FRAMEWORK_OPS dispatches, each with a set newly allocated from
 *                       a pool reset every submit, all BENCH_FRAMEWORK_BINDINGS bindings written
 *                       (bench_micro_framework.h)
 * Both devices run the same sequence, so their y buffers must stay byte-identical. */
#ifndef BENCH_MICRO_KERNEL_H
#define BENCH_MICRO_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_cmd.h"
#include "bench_buffer.h"
#include "bench_measure.h"
#include "bench_micro_framework.h"
#include "bench_micro_graph.h"

#define BENCH_KERNEL_REGIONS 256
#define BENCH_KERNEL_REGION_FLOATS 1024
#define BENCH_KERNEL_CHAIN 256
#define BENCH_KERNEL_SUBMITS 64
#define BENCH_KERNEL_Y_BYTES ((size_t)BENCH_KERNEL_REGIONS * BENCH_KERNEL_REGION_FLOATS * 4)
#define BENCH_KERNEL_A 0.5f /* y = a x + y: a power of two, so fused or not rounds the same */

enum bench_kernel_row {
   BENCH_KERNEL_SUBMIT_FENCES,
   BENCH_KERNEL_ROUND_TRIP,
   BENCH_KERNEL_CHAIN_BARRIERS,
   BENCH_KERNEL_CHAIN_NOBARRIERS,
   BENCH_KERNEL_CHAIN_DEPENDENT,
   BENCH_KERNEL_GRAPH_DAG,
   BENCH_KERNEL_DESCRIPTOR_UPDATES,
   BENCH_KERNEL_DESCRIPTOR_FRAMEWORK,
};

struct bench_kernel {
   const struct kt_device *device;
   enum bench_kernel_row row; /* what bench_kernel_run runs */
   struct kt_compute_pipeline pipeline;
   struct bench_buffer x, y;
   VkDescriptorPool pool;
   VkDescriptorSet fixed[BENCH_KERNEL_REGIONS];   /* x and region i, written once */
   VkDescriptorSet scratch[BENCH_KERNEL_CHAIN];   /* rewritten before every dispatch */
   struct bench_cmd cmd;                          /* chain-*, graph-dag, descriptor-* */
   struct bench_framework framework;              /* descriptor-framework */
   struct bench_graph graph;                      /* graph-dag */
   uint64_t iterations; /* chain-* and graph-dag: iterations run to completion (set to 0 by
                           the caller before a row) */
   VkCommandPool submit_pool;
   VkCommandBuffer submit_cmds[BENCH_KERNEL_SUBMITS]; /* recorded once: barrier + dispatch */
   VkFence fences[BENCH_KERNEL_SUBMITS];
};

/* Creates everything and uploads x and y, filled from `seed`. On failure (reported) the
 * kernel is destroyed. */
VkResult bench_kernel_create(const struct kt_device *device, uint32_t seed,
                             struct bench_kernel *out);

/* A zeroed kernel is ignored. */
void bench_kernel_destroy(struct bench_kernel *kernel);

/* bench_run_fn for kernel->row. */
VkResult bench_kernel_run(void *context, uint32_t iterations, struct bench_sample *sample);

/* Units of kernel work per submit of `row` (dispatches in one submit). */
uint32_t bench_kernel_dispatches_per_submit(enum bench_kernel_row row);

/* Which regions one iteration of `row` writes: regions [0, count); 0 for the chain and graph
 * rows, whose nodes say what they write (bench_kernel_nodes). */
uint32_t bench_kernel_regions_written(enum bench_kernel_row row);

/* Whether `row` is made of nodes (chain-*, graph-dag): then *nodes (BENCH_KERNEL_CHAIN of them,
 * the dispatches of one iteration in order, in `storage` or the graph's) and *barriers (a full
 * barrier after each) are set. */
bool bench_kernel_nodes(const struct bench_kernel *kernel, enum bench_kernel_row row,
                        struct bench_node storage[BENCH_KERNEL_CHAIN],
                        const struct bench_node **nodes, bool *barriers);

#endif
