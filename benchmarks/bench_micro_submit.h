/* SPDX-License-Identifier: MIT */
/* The submit rows' work on one device: `count` pre-recorded command buffers, command buffer i
 * adding 1 to word i of a host-visible, host-coherent, mapped buffer (shaders/
 * bench_submit_count.comp: one invocation, between a compute barrier and a barrier to host
 * reads), a fence each, and a timeline semaphore. Every row counts its iterations, so that
 * the words can be checked afterwards: each word a row touches must equal that count.
 *   submit-fences       `count` submits of one command buffer, each with its own fence, one
 *                       vkWaitForFences for all, vkResetFences; unit: the whole iteration
 *   submit-nofence      `count` submits without a fence, then vkQueueWaitIdle; unit: iteration
 *   roundtrip-fence     one submit with a fence, vkWaitForFences, vkResetFences
 *   roundtrip-timeline  one submit signalling the timeline semaphore (value + 1),
 *                       vkWaitSemaphores for that value
 *   unobserved-latency  one submit with a fence, then no Vulkan call: the CPU spins on the
 *                       mapped word until the new value shows (latency: from before
 *                       vkQueueSubmit to then), gives up after BENCH_SUBMIT_SPIN_LIMIT_NS;
 *                       then waits for and resets the fence (in wall, not in latency) */
#ifndef BENCH_MICRO_SUBMIT_H
#define BENCH_MICRO_SUBMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_measure.h"
#include "bench_options.h"
#include "kt.h"

#define BENCH_SUBMIT_DEFAULT_COUNT 1000
#define BENCH_SUBMIT_MAX_COUNT 100000
#define BENCH_SUBMIT_SPIN_LIMIT_NS (1000ull * 1000 * 1000)

enum bench_submit_row {
   BENCH_SUBMIT_FENCES,
   BENCH_SUBMIT_NOFENCE,
   BENCH_SUBMIT_ROUNDTRIP_FENCE,
   BENCH_SUBMIT_ROUNDTRIP_TIMELINE,
   BENCH_SUBMIT_UNOBSERVED_LATENCY,
   BENCH_SUBMIT_UNOBSERVED_BUSY,
};

/* unobserved-busy: submits queued ahead of the measured one, which keep the queue busy. */
#define BENCH_SUBMIT_BUSY_AHEAD 8u

struct bench_submit {
   const struct kt_device *device;
   enum bench_submit_barriers barriers;
   enum bench_submit_row row; /* what bench_submit_run runs */
   uint32_t count;            /* command buffers, fences and words */
   struct kt_compute_pipeline pipeline;
   struct kt_buffer words; /* count uint32_t */
   VkDescriptorPool descriptor_pool;
   VkDescriptorSet set;
   VkCommandPool command_pool;
   VkCommandBuffer *cmds; /* count, recorded once */
   VkFence *fences;       /* count, unsignalled between iterations */
   VkSemaphore timeline;  /* VK_NULL_HANDLE: the device has no timeline semaphores */
   uint64_t timeline_value; /* the last value signalled */
   uint64_t runs;           /* iterations since bench_submit_reset */
};

/* Creates everything for `count` submits; the timeline semaphore only with `timeline`. On
 * failure (reported) the context is destroyed. */
VkResult bench_submit_create(const struct kt_device *device, uint32_t count,
                             enum bench_submit_barriers barriers, bool timeline,
                             struct bench_submit *out);

/* A zeroed context is ignored. */
void bench_submit_destroy(struct bench_submit *submit);

/* Waits for the queue to go idle, zeroes the words and the run count, and selects `row`. */
VkResult bench_submit_reset(struct bench_submit *submit, enum bench_submit_row row);

/* bench_run_fn for submit->row. */
VkResult bench_submit_run(void *context, uint32_t iterations, struct bench_sample *sample);

/* Submits per unit of `row`: `count` for the first two rows, else 1. */
uint32_t bench_submit_per_unit(const struct bench_submit *submit, enum bench_submit_row row);

/* Words a unit of `row` writes: the first ones. */
uint32_t bench_submit_touched(const struct bench_submit *submit, enum bench_submit_row row);

/* Checks the words after a row (the queue idle): every word the row touches equals the run
 * count, the others are 0. False: writes why. */
bool bench_submit_verify(struct bench_submit *submit, char *why, size_t why_size);

#endif
