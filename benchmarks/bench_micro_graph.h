/* SPDX-License-Identifier: MIT */
/* The barrier rows' dispatches as nodes of SAXPY (y = a x + y, bench_micro_kernel.h): each node
 * adds a times its input (x, or a y region another node wrote) to its output y region. The
 * graph-dag row's nodes form a DAG built deterministically from a fixed seed, the way an ML
 * framework's graph looks: most nodes (176 of 256) read the output of one of the two nodes
 * before them, some (30) accumulate x into an earlier node's output in place (a residual add:
 * write-after-write, and write-after-read where others read it), the rest are independent; the
 * application records a full barrier after every dispatch, as frameworks do, and 132 of those
 * 256 protect a real dependency (bench_nodes_barriers counts them with the benchmark's model of
 * the policy, bench_barrier_model.h; test_barrier_model.c pins the numbers). Nodes also give
 * the CPU reference of any node sequence; the graph has one descriptor set per node. */
#ifndef BENCH_MICRO_GRAPH_H
#define BENCH_MICRO_GRAPH_H

#include <stdint.h>

#include "bench_buffer.h"
#include "bench_barrier_model.h"
#include "kt.h"

#define BENCH_GRAPH_NODES 256u
#define BENCH_GRAPH_SEED 0x44414731u /* "DAG1": fixed, so the graph is the same in every run */
#define BENCH_NODE_X UINT32_MAX     /* a node whose input is x */

/* y[output] = a * input + y[output] over one region of `region_floats` floats; input is x
 * (BENCH_NODE_X) or y region `input`. */
struct bench_node {
   uint32_t input, output;
};

struct bench_graph {
   struct bench_node nodes[BENCH_GRAPH_NODES];
   uint32_t dependent;     /* nodes that read another node's output */
   uint32_t in_place;      /* nodes that accumulate into an earlier node's output */
   VkDescriptorPool pool;
   VkDescriptorSet sets[BENCH_GRAPH_NODES]; /* binding 0: the input, 1: the output region */
};

/* The graph of `seed` over `regions` y regions (at least BENCH_GRAPH_NODES). */
void bench_graph_build(uint32_t seed, uint32_t regions, struct bench_graph *graph);

/* Builds the graph (BENCH_GRAPH_SEED) and its sets for `pipeline` (saxpy.comp's layout) over x
 * (one region) and y. On failure (reported) the graph is destroyed. */
VkResult bench_graph_create(const struct kt_device *device,
                            const struct kt_compute_pipeline *pipeline, VkBuffer x, VkBuffer y,
                            uint32_t region_floats, struct bench_graph *out);

void bench_graph_destroy(const struct kt_device *device, struct bench_graph *graph);

/* The model's accesses of a node (x is buffer 0, y buffer 1; regions of `region_bytes`):
 * writes them into `out` and returns how many (2). */
uint32_t bench_node_accesses(const struct bench_node *node, uint64_t region_bytes,
                             struct bench_barrier_access out[2]);

/* What the vendor should get for one command buffer of these nodes, each followed by a full
 * application barrier when `barriers`: *hazards barriers before conflicting nodes and *ends at
 * the end (0 or 1), by bench_barrier_model with or without `previous_work`. False: out of
 * memory. */
bool bench_nodes_barriers(const struct bench_node *nodes, uint32_t count, bool barriers,
                          bool previous_work, uint64_t region_bytes, uint32_t *hazards,
                          uint32_t *ends);

/* The CPU reference: applies the nodes, in order, `iterations` times to y (regions of
 * `region_floats` floats) with x (one region) and factor a. */
void bench_nodes_apply(const struct bench_node *nodes, uint32_t count, uint64_t iterations,
                       float a, const float *x, float *y, uint32_t region_floats);

#endif
