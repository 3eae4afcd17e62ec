/* SPDX-License-Identifier: MIT */
/* What the workload_*.c files share (private to the workloads library and its test): the
 * common head of every workload object, the pseudo-random inputs, dispatch grids and the
 * recording of one dispatch followed by its barrier. */
#ifndef WORKLOAD_COMMON_H
#define WORKLOAD_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <volk.h>

#include "bench_buffer.h"
#include "bench_workload.h"
#include "kt.h"

/* The first member of every workload's own structure (struct saxpy_workload etc.), so that a
 * struct bench_workload * is a pointer to it. */
struct bench_workload {
   const struct kt_device *device;
   void *output;       /* the output as read back by the last verify (zeros before) */
   size_t output_size; /* bytes */
};

/* The workloads, as listed in bench_workloads[] (workloads.c). */
extern const struct bench_workload_ops bench_workload_saxpy;
extern const struct bench_workload_ops bench_workload_reduce;
extern const struct bench_workload_ops bench_workload_scan;
extern const struct bench_workload_ops bench_workload_gemm;

/* Test hook: when nonzero, every dispatch grid is limited to this many groups per dimension
 * (besides the device's maxComputeWorkGroupCount), so tests can exercise the kernels' loops over
 * blocks/elements at small sizes. Read by create(); 0 (the default) means the device limits. */
extern uint32_t bench_workload_group_limit;

/* Test hook: when true, create() gives reduce and scan blocks of 512 elements (2 per thread)
 * instead of their benchmark sizes (4096 and 2048), so small test sizes cross several levels. */
extern bool bench_workload_small_blocks;

/* splitmix32: the same sequence on every machine. */
uint32_t bench_random_next(uint32_t *state);

/* Uniform in [-1, 1), multiples of 2^-12: exact in binary32, and products of two are exact
 * too (24 significant bits), and no sum of them is subnormal. */
float bench_random_float(uint32_t *state);

/* Random sign, all 23 mantissa bits random, magnitude in [2^-7, 2): sums of such values round
 * at almost every addition, so a check of the exact bits depends on the order of the additions.
 * Every sum of them is a multiple of 2^-30, so none is subnormal. */
float bench_random_float_rounding(uint32_t *state);

/* A dispatch grid: x * y groups for `groups` blocks of work, within the device's limits and
 * bench_workload_group_limit; the kernels loop over blocks when x * y < groups. */
struct bench_grid {
   uint32_t x, y;
};
struct bench_grid bench_grid_for(const struct kt_device *device, uint64_t groups);

/* `bytes` of one storage-buffer binding: fails (reported, naming `what`) beyond
 * maxStorageBufferRange. */
VkResult bench_check_binding(const struct kt_device *device, VkDeviceSize bytes,
                             const char *what);

/* `value` rounded up to a multiple of `alignment` (a power of two or any positive number). */
VkDeviceSize bench_align(VkDeviceSize value, VkDeviceSize alignment);

/* The offset alignment for storage-buffer bindings at offsets inside one buffer. */
VkDeviceSize bench_binding_alignment(const struct kt_device *device);

/* Binds `pipeline` and `set`, pushes `push_size` bytes, dispatches `grid`, then records the
 * barrier the next command needs: compute-shader writes before compute-shader reads and
 * writes (exactly one vkCmdPipelineBarrier per dispatch). */
void bench_record_dispatch(const struct kt_device *device, VkCommandBuffer cmd,
                           const struct kt_compute_pipeline *pipeline, VkDescriptorSet set,
                           const void *push, uint32_t push_size, struct bench_grid grid);

/* Allocates the host output (zeroed), reporting failure. */
VkResult bench_workload_init(struct bench_workload *w, const struct kt_device *device,
                             size_t output_size, const char *name);
void bench_workload_fini(struct bench_workload *w);

/* The `output` operation shared by every workload. */
const void *bench_workload_output(const struct bench_workload *w, size_t *size);

/* snprintf into `why` (the verify message). */
void bench_why(char *why, size_t why_size, const char *format, ...)
   __attribute__((format(printf, 3, 4)));

#endif
