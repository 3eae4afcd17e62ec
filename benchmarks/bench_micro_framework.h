/* SPDX-License-Identifier: MIT */
/* The descriptor-framework micro row: descriptors used the way an ML framework's Vulkan backend
 * uses them. One iteration is one submit of BENCH_FRAMEWORK_OPS operations; every operation
 * allocates a descriptor set from a descriptor pool, writes all BENCH_FRAMEWORK_BINDINGS storage
 * buffer bindings of it (one VkWriteDescriptorSet each), binds the pipeline, the set and its
 * push constants, and dispatches the SAXPY kernel (shaders/saxpy.comp, y = a x + y on 1024
 * floats) on its own y region. The pool is reset at the start of the next iteration, after the
 * previous submit completed. The bindings name the same few buffers and offsets in every
 * iteration: operation d always has x at binding 0 and y region d at binding 1 (the only two the
 * shader uses), and bindings 2.. cycle through a fixed handful of x and y ranges. So a driver
 * that caches descriptor sets by content writes nothing to the vendor in steady state, while the
 * application writes BENCH_FRAMEWORK_BINDINGS descriptors per dispatch. */
#ifndef BENCH_MICRO_FRAMEWORK_H
#define BENCH_MICRO_FRAMEWORK_H

#include <stdint.h>

#include "bench_cmd.h"
#include "bench_measure.h"

#define BENCH_FRAMEWORK_BINDINGS 256u
#define BENCH_FRAMEWORK_OPS 64u

struct bench_framework {
   const struct kt_device *device;
   VkBuffer x, y;               /* the micro kernel's buffers (bench_micro_kernel.h) */
   uint32_t region_floats;      /* floats per y region, and in x */
   float a;                     /* the SAXPY factor */
   VkShaderModule module;
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline pipeline;
   VkDescriptorPool pool;       /* BENCH_FRAMEWORK_OPS sets, reset every iteration */
   uint32_t bindings;           /* bindings in the set layout (BENCH_FRAMEWORK_BINDINGS unless
                                   the device's maxDescriptorSetStorageBuffers is lower) */
   uint32_t stage_bindings;     /* the first this many are visible to the compute stage */
   uint32_t group_count;        /* workgroups per dispatch */
   uint64_t iterations;         /* iterations run to completion: applications per region */
};

/* Creates the pipeline (saxpy.comp with the large set layout) and the pool over x (one region
 * of `region_floats` floats) and y (at least BENCH_FRAMEWORK_OPS regions). On failure (reported)
 * *out is destroyed and zeroed. */
VkResult bench_framework_create(const struct kt_device *device, VkBuffer x, VkBuffer y,
                                uint32_t region_floats, float a, struct bench_framework *out);

/* Destroys everything (the device must be done with it); a zeroed one is ignored. */
void bench_framework_destroy(struct bench_framework *framework);

/* Runs `iterations` iterations with `cmd`, adding to *sample (units: dispatches). */
VkResult bench_framework_run(struct bench_framework *framework, struct bench_cmd *cmd,
                             uint32_t iterations, struct bench_sample *sample);

#endif
