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
#include "bench_dispatch_timer.h"
#include "bench_workload.h"
#include "kt.h"

/* The first member of every workload's own structure (struct saxpy_workload etc.), so that a
 * struct bench_workload * is a pointer to it. */
struct bench_workload {
   const struct kt_device *device;
   /* Brackets each dispatch (bench_workload_time_dispatches); NULL: none. */
   struct bench_dispatch_timer *timer;
   void *output;       /* the output as read back by the last verify (zeros before) */
   size_t output_size; /* bytes */
};

/* The workloads, as listed in bench_workloads[] (workloads.c). */
extern const struct bench_workload_ops bench_workload_saxpy;
extern const struct bench_workload_ops bench_workload_reduce;
extern const struct bench_workload_ops bench_workload_scan;
extern const struct bench_workload_ops bench_workload_gemm;
extern const struct bench_workload_ops bench_workload_gemm_coopmat;

/* Test hook: when nonzero, every dispatch grid is limited to this many groups per dimension
 * (besides the device's maxComputeWorkGroupCount), so tests can exercise the kernels' loops over
 * blocks/elements at small sizes. Read by create(); 0 (the default) means the device limits. */
extern uint32_t bench_workload_group_limit;

/* Test hook: when true, create() gives reduce and scan blocks of 512 elements (2 per thread)
 * instead of their benchmark sizes (4096 and 2048), so small test sizes cross several levels. */
extern bool bench_workload_small_blocks;

/* Inputs come from kt_random_next (splitmix32, tools/common/kt_random.h). */

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

/* Binds `pipeline` and `set`, pushes `push_size` bytes, dispatches `grid` (between the
 * workload's timer's timestamps, if it has one), then records the barrier the next command
 * needs: compute-shader writes before compute-shader reads and writes (exactly one
 * vkCmdPipelineBarrier per dispatch). */
void bench_record_dispatch(const struct bench_workload *w, VkCommandBuffer cmd,
                           const struct kt_compute_pipeline *pipeline, VkDescriptorSet set,
                           const void *push, uint32_t push_size, struct bench_grid grid);

/* The element count of create(): n = input_bytes / element_size, at least 1. Fails (reported,
 * naming the workload `name`) when n elements would not fit 32-bit indexing of bytes. */
VkResult bench_element_count(size_t input_bytes, size_t element_size, const char *name,
                             uint32_t *n);

/* The start of create(): allocates the workload's own structure (`object_size` bytes, zeroed;
 * struct bench_workload first) with its host output (`output_size` bytes, zeroed), then checks
 * that `binding_bytes` fit one storage-buffer binding (bench_check_binding, naming
 * `binding_what`). `name` names the workload in errors. On failure (reported) nothing is left
 * and *out is NULL. */
VkResult bench_workload_alloc(const struct kt_device *device, size_t object_size,
                              size_t output_size, VkDeviceSize binding_bytes,
                              const char *binding_what, const char *name,
                              struct bench_workload **out);

/* The end of destroy(): destroys the descriptor pool (VK_NULL_HANDLE is ignored), then
 * pipelines[0..pipeline_count) and buffers[0..buffer_count) in that order, frees the host output
 * and the structure itself. The workload's own host arrays must be freed first. */
void bench_workload_free(struct bench_workload *w, VkDescriptorPool pool,
                         struct kt_compute_pipeline *const *pipelines, uint32_t pipeline_count,
                         struct bench_buffer *const *buffers, uint32_t buffer_count);

/* One working buffer of a workload: `size` bytes of storage, filled from `data` (zeros when
 * NULL). `name` is used in error messages. */
struct bench_buffer_init {
   struct bench_buffer *buffer;
   VkDeviceSize size;
   const void *data;
   const char *name;
};
#define BENCH_MAX_BUFFER_INITS 4u

/* Creates every buffer (bench_buffer_create, STORAGE_BUFFER usage), in order, then fills them
 * all with one upload (bench_buffers_upload, named `what`). At most BENCH_MAX_BUFFER_INITS. On
 * failure (reported) the buffers made so far are left for destroy(). */
VkResult bench_buffers_create_filled(const struct kt_device *device,
                                     const struct bench_buffer_init *inits, uint32_t count,
                                     const char *what);

/* A kernel's pipeline (kt_compute_pipeline_create: `code_size` bytes of SPIR-V, `binding_count`
 * storage buffers, `push_size` bytes of push constants, `name` in errors) and a descriptor pool
 * for `max_sets` sets of its bindings; when `infos` is not NULL, also one set from that pool with
 * infos[i] at binding i (*set). On failure (reported) what was made is left for destroy(). */
VkResult bench_pipeline_create(const struct kt_device *device, const uint32_t *code,
                               size_t code_size, uint32_t binding_count, uint32_t push_size,
                               const char *name, uint32_t max_sets,
                               const VkDescriptorBufferInfo *infos,
                               struct kt_compute_pipeline *pipeline, VkDescriptorPool *pool,
                               VkDescriptorSet *set);

/* The `output` operation shared by every workload. */
const void *bench_workload_output(const struct bench_workload *w, size_t *size);

/* Checks an n x n output element by element with check(context, i, j, why, why_size): every
 * element when n <= check_all_max, else the four corners and `samples` elements drawn from
 * `seed` (deterministic). False at the first element that fails (its `why`). */
bool bench_verify_matrix(uint32_t n, uint32_t check_all_max, uint32_t samples, uint32_t seed,
                         bool (*check)(const void *context, uint32_t i, uint32_t j, char *why,
                                       size_t why_size),
                         const void *context, char *why, size_t why_size);

/* snprintf into `why` (the verify message). */
void bench_why(char *why, size_t why_size, const char *format, ...)
   __attribute__((format(printf, 3, 4)));

#endif
