/* SPDX-License-Identifier: MIT */
/* The soak (issue 12): random valid API sequences run on the vendor's device and on Kronos's over
 * it, in one instance, every VkResult and every output buffer compared between the two and with
 * the host's model. soak.c: the devices, the threads, the summary; soak_ops.c: one thread's
 * generator ("lane") and its operations. */
#ifndef SOAK_H
#define SOAK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "it_common.h"

/* Side 0 is the vendor's device, side 1 Kronos's; every operation runs on side 0, then side 1. */
#define SOAK_SIDES 2

struct soak_side {
   const char *label; /* "vendor" or "kronos" */
   VkPhysicalDevice physical;
   VkDevice device;
   VkQueue queue;
   /* The queue is externally synchronized (vkQueueSubmit, vkQueueWaitIdle, vkDeviceWaitIdle):
    * the lanes share it under this lock. */
   pthread_mutex_t queue_lock;
   VkPhysicalDeviceMemoryProperties memory;
   VkShaderModule module;
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout pipeline_layout;
   VkPipeline pipeline;
};

/* Every kind of operation the generator makes, in the order the summary lists them. */
#define SOAK_OPS(X)                                                                           \
   X(alloc_memory) X(free_memory) X(check_memory) X(map_toggle)                               \
   X(create_buffer) X(destroy_buffer) X(host_write) X(readback)                               \
   X(begin) X(end) X(fill) X(update) X(copy) X(dispatch) X(alloc_set) X(update_set)           \
   X(barrier) X(submit) X(resubmit) X(wait_fences) X(fence_status) X(reset_fences) X(recycle_fence)       \
   X(wait_semaphores) X(host_signal) X(counter_value) X(queue_idle) X(device_idle)            \
   X(reset_cmd) X(reset_cmd_pool) X(realloc_cmd) X(discard_cmd) X(recreate_cmd_pool)          \
   X(free_set) X(reset_desc_pool) X(recreate_desc_pool) X(recreate_semaphores)

#define SOAK_ENUM(name) SOAK_OP_##name,
enum soak_op { SOAK_OPS(SOAK_ENUM) SOAK_OP_COUNT };
#undef SOAK_ENUM

extern const char *const soak_op_names[SOAK_OP_COUNT];

struct soak_run {
   uint64_t seed, ops;
   unsigned threads;
   bool verbose;
   struct soak_side sides[SOAK_SIDES];
   atomic_bool failed; /* a lane failed: the others stop at their next operation */
};

/* Runs lane index (its own generator, seeded from run->seed and index) until it has made at
 * least ops operations, then drains and destroys what it made (counted too); counts[kind] gets
 * each operation. Whether every operation matched. */
bool soak_lane_run(struct soak_run *run, unsigned index, uint64_t ops,
                   uint64_t counts[SOAK_OP_COUNT]);

#endif
