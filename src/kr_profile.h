/* SPDX-License-Identifier: MIT */
/* The GPU profiler (issue 13), on with KRONOS_PROFILE=<file> or KRONOS_PROFILE_SUMMARY=1.
 *
 * Recording: each dispatch, copy, fill and update of a command buffer recorded while profiling
 * is bracketed with vendor timestamps (kr_profile_hooks.h: after the barriers the barrier
 * policy emits for it, so a slice times the command alone), in query pools that belong to the
 * command buffer (Kronos's, never the application's), reused from one recording to the next and
 * reset in the command buffer before their first timestamp. Debug-utils labels become nested
 * slices. The command buffer keeps its slices: name, kind, grid, first query.
 *
 * Reading: a submit puts its timed command buffers on the device's pending list with the
 * point its work completes at: the batch's timeline value of the submit (batching), else a
 * value of a timeline semaphore of the profiler's that an empty vendor submit signals right
 * after the application's (a signal covers all earlier work of the queue). Pending command
 * buffers whose point completed (a counter read, no wait) are read with vkGetQueryPoolResults
 * without WAIT_BIT, at later submits, after host waits, and when the device is destroyed; a
 * command buffer that is begun, reset, freed or submitted again while its last results are
 * unread is read first (waiting then for its point, only if its work still runs: counted).
 * Queries are never read before their point: lavapipe's vkGetQueryPoolResults is not safe
 * against its queue thread running the queries' work.
 *
 * Output, when the device is destroyed: the Chrome trace (kr_profile_trace.h; one track per
 * queue for the GPU, one per thread for the CPU slices of submits and host waits) and the
 * per-kernel table (kr_profile_table.h) on stderr.
 *
 * Off, a command pays one predictable branch (kr_command_buffer.profile_timed, or
 * device->profile being NULL): no allocation, no lock. */
#ifndef KR_PROFILE_H
#define KR_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

struct kr_device;
struct kr_queue;
struct kr_command_buffer;
struct kr_profile;
struct kr_physical_device;
struct kr_feature_set;
struct kr_extension_set;

enum kr_profile_kind {
   KR_PROFILE_DISPATCH,
   KR_PROFILE_DISPATCH_INDIRECT,
   KR_PROFILE_COPY,
   KR_PROFILE_FILL,
   KR_PROFILE_UPDATE,
   KR_PROFILE_LABEL,
   KR_PROFILE_KIND_COUNT
};

/* One timed command (or label region) of a recording: its timestamps are queries
 * query and query + 1 of the command buffer's pools (KR_PROFILE_POOL_QUERIES each). */
struct kr_profile_slice {
   const char *name; /* interned in the device's profiler: lives as long as the device */
   uint32_t query;
   uint32_t grid[3]; /* dispatches with a known grid; else 0 */
   uint8_t kind;     /* enum kr_profile_kind */
   uint8_t depth;    /* the labels open around it */
};

#define KR_PROFILE_POOL_QUERIES 512u
#define KR_PROFILE_MAX_LABEL_DEPTH 32u

/* The profiler's part of a command buffer. */
struct kr_profile_recording {
   bool in_slice; /* between a command's begin and end timestamps */
   /* Submitted, results unread: on the device's pending list (the profiler's lock). */
   bool pending;
   bool waiting; /* a thread reads it with WAIT_BIT, without the lock: pollers leave it */
   struct kr_queue *queue; /* of the last submit */
   uint64_t point;         /* its completion on the queue's timeline (kr_profile_after_submit) */
   struct kr_command_buffer *next_pending;
   const char *pipeline_name; /* of the bound compute pipeline, interned */
   VkQueryPool *pools;
   uint32_t pool_count, pool_capacity;
   uint32_t pools_reset; /* pools[0..pools_reset) were reset in this recording */
   /* Begun with VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT: its runs may overlap, so its
    * queries are reset in the recording, never on the host. */
   bool simultaneous;
   /* A run of some recording was submitted since the queries were last reset on the host (the
    * profiler's lock). */
   bool dirty;
   uint32_t queries;     /* used by this recording */
   struct kr_profile_slice *slices;
   uint32_t slice_count, slice_capacity;
   uint32_t open_labels[KR_PROFILE_MAX_LABEL_DEPTH]; /* slice indices */
   uint32_t label_depth, unrecorded_labels;          /* past the depth limit: not timed */
};

/* Device lifetime: kr_profile_init after the queues exist and before batching starts (it
 * measures the GPU clock against the host's with one submit); kr_profile_finish before the
 * vendor device goes (writes the trace and the table). device->profile stays NULL when
 * profiling is off. A failure to set up profiling is reported and leaves it off: the
 * application's device still works. */
void kr_profile_init(struct kr_device *device);
/* The vendor extension the profiler adds to the vendor device when profiling is wanted
 * (VK_EXT_calibrated_timestamps, where the vendor has it and the application did not enable
 * it), or NULL. */
const char *kr_profile_vendor_extension(const struct kr_physical_device *pd,
                                        const struct kr_extension_set *app_enabled);
/* What the vendor device needs enabled for profiling (timeline semaphores), when wanted. */
void kr_profile_vendor_features(const struct kr_physical_device *pd,
                                struct kr_feature_set *features);
void kr_profile_finish(struct kr_device *device);
/* Frees the profiler (after kr_profile_finish and once no other thread may add a slice). */
void kr_profile_destroy(struct kr_device *device);

/* Names (kr_profile_names.c): what a dispatch is called. */
void kr_profile_module_created(struct kr_device *device, VkShaderModule module,
                               const VkShaderModuleCreateInfo *info);
void kr_profile_module_destroyed(struct kr_device *device, VkShaderModule module);
void kr_profile_pipelines_created(struct kr_device *device, uint32_t count,
                                  const VkComputePipelineCreateInfo *infos,
                                  const VkPipeline *pipelines);
void kr_profile_pipeline_destroyed(struct kr_device *device, VkPipeline pipeline);
void kr_profile_object_named(struct kr_device *device, VkObjectType type, uint64_t handle,
                             const char *name);
/* The interned copy of name (NULL when out of host memory). The profiler's lock held. */
const char *kr_profile_intern_locked(struct kr_profile *profile, const char *name);

/* Recording (kr_profile_record.c); through kr_profile_hooks.h. */
void kr_profile_recording_begin(struct kr_command_buffer *cb, VkCommandBufferUsageFlags flags);
void kr_profile_recording_end(struct kr_command_buffer *cb);
/* Before the command buffer is reset or freed: its unread results are read. */
void kr_profile_recording_reset(struct kr_command_buffer *cb);
void kr_profile_recording_finish(struct kr_command_buffer *cb);
void kr_profile_bind_pipeline_slow(struct kr_command_buffer *cb, VkPipeline pipeline);
void kr_profile_cmd_begin_slow(struct kr_command_buffer *cb, enum kr_profile_kind kind,
                               const char *name, const uint32_t grid[3]);
void kr_profile_cmd_end_slow(struct kr_command_buffer *cb);
void kr_profile_label_begin_slow(struct kr_command_buffer *cb, const VkDebugUtilsLabelEXT *label);
void kr_profile_label_end_slow(struct kr_command_buffer *cb);

/* Submits and reading (kr_profile_collect.c): exactly one of submits and submits2 is given. */
/* Before a submit: the command buffers' earlier results are read (waiting only if their work
 * still runs, which only simultaneous-use command buffers allow). */
void kr_profile_before_submit(struct kr_queue *queue, uint32_t count, const VkSubmitInfo *submits,
                              const VkSubmitInfo2 *submits2);
/* After a submit the vendor (or the batch) took: its timed command buffers are pending until
 * point completes on the queue's timeline (batching: the batch's value of the call's last
 * submit; else 0, and the profiler signals a timeline semaphore of its own after the submit). */
void kr_profile_after_submit(struct kr_queue *queue, uint32_t count, const VkSubmitInfo *submits,
                             const VkSubmitInfo2 *submits2, uint64_t point);
/* Reads whatever pending results are ready (no wait). */
void kr_profile_poll(struct kr_device *device);
/* A CPU slice on the calling thread's track, from start_ns (kr_now_ns) to now. */
void kr_profile_cpu_slice(struct kr_device *device, const char *name, uint64_t start_ns);

#endif
