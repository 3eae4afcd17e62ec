/* SPDX-License-Identifier: MIT */
/* record-cost: where the CPU time of recording goes, per application call, on the vendor's
 * device directly and on Kronos's over it, in one process (issues 10 and 11: what Kronos adds to
 * recording kronos-bench's chain and descriptor rows). The first Kronos device the loader shows
 * and its vendor device (VK_DRIVER_FILES names both drivers), each with the same objects: SAXPY
 * over 4 KiB regions of one buffer, two descriptor sets per region (one written once, one
 * written before each dispatch), a command buffer per shape and pass.
 *
 * Shapes, DISPATCHES dispatches per command buffer, after one pipeline bind and push:
 *   chain-barriers     bind region d's set, dispatch, a full memory barrier
 *   chain-nobarriers   bind region d's set, dispatch
 *   descriptor-updates a compute barrier first (after the previous submit's dispatches), then
 *                      write region d into a set (vkUpdateDescriptorSets, 2 writes), bind it,
 *                      dispatch (kronos-bench's descriptor-updates row)
 * Each repetition records every shape on each side in turn, twice: once with the time stamp
 * counter read around every call (the time per kind of call: update, bind, dispatch, barrier;
 * reading the counter costs the same on both sides), once without (begin to end: the whole
 * recording per dispatch), each shape and pass with a command buffer of its own, recorded the
 * same way every time (so that Kronos replays its barrier decisions, as in kronos-bench's rows).
 * Every recording is submitted and waited for before the next; the untimed pass also gives the
 * recording + submit (begin to vkQueueSubmit's return) and the wall time (begin to the fence's
 * wait returning) per dispatch. Per shape it prints the medians over the repetitions, in ns per
 * dispatch: direct, Kronos, their difference and ratio. Then the goals of issues 10 and 11 as
 * paired ratios: per repetition, Kronos's chain-barriers wall time over the vendor's
 * chain-nobarriers (goal <= 1.2) and descriptor-updates' recording + submit, Kronos over direct
 * (goal <= 1.0); their median and quartiles over the repetitions. A repetition measures every
 * shape on both sides within milliseconds, so a change in the host's speed that lasts longer
 * (a noisy neighbour, a clock change) falls on both sides of each ratio alike, where the ratio
 * of medians taken at different times (kronos-bench's rows, run one after another) carries it.
 * The caller can pin the process to CPUs (taskset).
 *
 * With --binding it measures instead what the vendor's dispatch costs by how the same
 * descriptors are bound (is there a way of binding that costs the vendor less?), with no goal:
 *   chain-nobarriers   as above: a set per region, written once, bound before each dispatch
 *   same-set           region 0's set bound before each dispatch
 *   bind-once          region 0's set bound once, then the dispatches
 *   dynamic-offset     one set whose y is a dynamic storage buffer, bound before each dispatch
 *                      at region d's offset
 *   update-only        region d written into a set, 2 writes, and no command but the dispatches'
 *                      pipeline bind and push (what the updates cost alone)
 *
 * With --submit it measures instead what vkQueueSubmit's call alone costs (recording + submit
 * minus the whole recording) for descriptor-updates' command buffer, by the form of the submit:
 * what the direct program gives the vendor (vkQueueSubmit with a fence) against what Kronos's
 * batch flush gives it (vkQueueSubmit2 signalling Kronos's timeline semaphore), and the forms
 * between, on a third device of the vendor's with timelineSemaphore and synchronization2
 * enabled as Kronos's vendor device has them; the application's fence through Kronos for
 * comparison. Every form is measured once in each repetition, in turn, each after an unmeasured
 * run of the same (the first submit to a device after work on the others costs more: without
 * it, the form measured first on each device would carry that). For each form it also gives
 * the share of the wait's wall time that the waiting thread spent on a CPU: whether the
 * vendor's wait of that form spins or sleeps.
 *   record-cost [--reps N] [--dispatches N] [--binding | --submit] */
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "kt.h"
#include "saxpy_spv.h"

#define MAX_DISPATCHES KT_REGIONS_MAX
#define MAX_REPS 201u

enum shape {
   SHAPE_CHAIN_BARRIERS,
   SHAPE_CHAIN_NOBARRIERS,
   SHAPE_DESCRIPTOR_UPDATES,
   SHAPE_GOAL_COUNT, /* the shapes before are the goals'; the binding shapes follow */
   SHAPE_SAME_SET = SHAPE_GOAL_COUNT,
   SHAPE_BIND_ONCE,
   SHAPE_DYNAMIC_OFFSET,
   SHAPE_UPDATE_ONLY,
   SHAPE_COUNT
};
static const char *const shape_names[SHAPE_COUNT] = {
   "chain-barriers", "chain-nobarriers", "descriptor-updates", "same-set",
   "bind-once",      "dynamic-offset",   "update-only"};

/* What is timed: each kind of call (summed over the recording), begin + end, and the whole
 * recording without the per-call readings. */
enum part { PART_UPDATE, PART_BIND, PART_DISPATCH, PART_BARRIER, PART_BEGIN_END, PART_WHOLE,
            PART_RECORD_SUBMIT, PART_WALL, PART_COUNT };
static const char *const part_names[PART_COUNT] = {
   "vkUpdateDescriptorSets", "vkCmdBindDescriptorSets", "vkCmdDispatch", "vkCmdPipelineBarrier",
   "begin + end", "whole recording (untimed calls)", "record + submit (untimed)",
   "wall to the wait's end (untimed)"};

/* The third side only with --submit: the vendor's device as Kronos creates it. */
enum side_kind { SIDE_DIRECT, SIDE_KRONOS, SIDE_DIRECT_SYNC, SIDE_COUNT };
static const char *const side_names[SIDE_COUNT] = {
   "direct", "Kronos", "direct, timeline + synchronization2 on"};

/* How a recording is submitted and its completion waited for. */
enum submit_form {
   FORM_FENCE,            /* vkQueueSubmit with a fence; vkWaitForFences, vkResetFences */
   FORM_SUBMIT2_FENCE,    /* vkQueueSubmit2 with a fence */
   FORM_TIMELINE,         /* vkQueueSubmit signalling a timeline semaphore; vkWaitSemaphores */
   FORM_SUBMIT2_TIMELINE, /* vkQueueSubmit2 signalling it (Kronos's batch flush) */
   FORM_BARE,             /* vkQueueSubmit with nothing to signal; vkQueueWaitIdle */
   FORM_COUNT
};
static const char *const form_names[FORM_COUNT] = {
   "vkQueueSubmit + fence", "vkQueueSubmit2 + fence", "vkQueueSubmit + timeline signal",
   "vkQueueSubmit2 + timeline signal", "vkQueueSubmit alone (wait idle)"};

/* --submit's measurements, in the order each repetition makes them; the first is the
 * denominator of the ratios. */
static const struct submit_case {
   enum side_kind side;
   enum submit_form form;
} submit_cases[] = {
   {SIDE_DIRECT, FORM_FENCE},
   {SIDE_DIRECT_SYNC, FORM_FENCE},
   {SIDE_DIRECT_SYNC, FORM_SUBMIT2_FENCE},
   {SIDE_DIRECT_SYNC, FORM_TIMELINE},
   {SIDE_DIRECT_SYNC, FORM_SUBMIT2_TIMELINE},
   {SIDE_DIRECT_SYNC, FORM_BARE},
   {SIDE_DIRECT, FORM_BARE},
   {SIDE_KRONOS, FORM_FENCE},
   {SIDE_KRONOS, FORM_BARE},
};
#define SUBMIT_CASE_COUNT (sizeof(submit_cases) / sizeof(submit_cases[0]))

struct side {
   struct kt_device device;
   struct kt_regions regions; /* scratch sets: written before each dispatch (descriptor-updates) */
   struct kt_compute_pipeline dynamic_pipeline; /* --binding: y a dynamic storage buffer */
   VkDescriptorSet dynamic_set;
   /* One pool and command buffer per shape and pass: Kronos's barrier policy replays a
    * command buffer's previous decisions when it records the same again (as kronos-bench's
    * rows do), which a command buffer shared by the shapes would never do. */
   VkCommandPool command_pools[SHAPE_COUNT][2];
   VkCommandBuffer cmds[SHAPE_COUNT][2];
   VkFence fence;
   VkSemaphore timeline; /* SIDE_DIRECT_SYNC's, signalled by the timeline forms */
   uint64_t timeline_value;
   /* --submit: the last wait's CPU time (this thread's) and wall time, in ns */
   double wait_cpu_ns, wait_wall_ns;
};

struct options {
   uint32_t reps, dispatches;
   bool binding; /* the binding shapes instead of the goals' */
   bool submit;  /* the submit forms instead of the goals' */
};

static uint32_t
side_count(const struct options *o)
{
   return o->submit ? SIDE_COUNT : SIDE_DIRECT_SYNC;
}

/* Whether the run measures `shape`. */
static bool
measures(const struct options *o, enum shape shape)
{
   if (o->submit)
      return shape == SHAPE_DESCRIPTOR_UPDATES;
   if (!o->binding)
      return shape < SHAPE_GOAL_COUNT;
   return shape >= SHAPE_GOAL_COUNT || shape == SHAPE_CHAIN_NOBARRIERS;
}

/* The time stamp counter, or nanoseconds where there is none. */
static inline uint64_t
ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
   return __rdtsc();
#else
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

static double
now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The calling thread's CPU time in ns. */
static double
thread_cpu_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
   return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Nanoseconds per tick, measured over 100 ms. */
static double
ns_per_tick(void)
{
   double start_ns = now_ns();
   uint64_t start = ticks();
   while (now_ns() - start_ns < 100e6) {
   }
   uint64_t elapsed = ticks() - start;
   return elapsed ? (now_ns() - start_ns) / (double)elapsed : 1.0;
}

/* The set whose y is a dynamic storage buffer of one region, at offset 0 (--binding). */
static VkResult
create_dynamic(struct side *s)
{
   const VkDescriptorType types[2] = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                      VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC};
   VkResult result = kt_compute_pipeline_create_typed(&s->device, saxpy_spv, saxpy_spv_size,
                                                      types, 2, sizeof(struct kt_saxpy_push),
                                                      "saxpy, dynamic y", &s->dynamic_pipeline);
   if (result == VK_SUCCESS)
      result = kt_regions_allocate_set(&s->device, &s->regions, s->dynamic_pipeline.set_layout,
                                       &s->dynamic_set);
   if (result != VK_SUCCESS)
      return result;
   VkDescriptorBufferInfo infos[2];
   kt_regions_infos(&s->regions, 0, infos);
   VkWriteDescriptorSet writes[2];
   kt_storage_buffer_writes(s->dynamic_set, 2, infos, writes);
   writes[1].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
   s->device.vk.vkUpdateDescriptorSets(s->device.handle, 2, writes, 0, NULL);
   return VK_SUCCESS;
}

/* timeline: also the timeline semaphore of the timeline forms (the device enables it). */
static VkResult
setup(struct side *s, const struct options *o, bool timeline)
{
   const struct kt_device *device = &s->device;
   const struct VolkDeviceTable *vk = &device->vk;
   VkDevice handle = device->handle;
   VkResult result = kt_regions_create(device, o->dispatches, o->binding, &s->regions);
   if (result == VK_SUCCESS && o->binding)
      result = create_dynamic(s);
   if (result != VK_SUCCESS)
      return result;
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
      .queueFamilyIndex = device->queue_family,
   };
   for (uint32_t sh = 0; sh < SHAPE_COUNT; sh++) {
      for (uint32_t pass = 0; pass < 2; pass++) {
         result = vk->vkCreateCommandPool(handle, &pool_info, NULL,
                                          &s->command_pools[sh][pass]);
         if (!kt_ok(result, "vkCreateCommandPool"))
            return result;
         const VkCommandBufferAllocateInfo alloc = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
            .commandPool = s->command_pools[sh][pass],
            .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
            .commandBufferCount = 1,
         };
         result = vk->vkAllocateCommandBuffers(handle, &alloc, &s->cmds[sh][pass]);
         if (!kt_ok(result, "vkAllocateCommandBuffers"))
            return result;
      }
   }
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   result = vk->vkCreateFence(handle, &fence_info, NULL, &s->fence);
   if (!kt_ok(result, "vkCreateFence") || !timeline)
      return result;
   return kt_timeline_create(device, "record-cost", &s->timeline);
}

static void
teardown(struct side *s)
{
   const struct kt_device *device = &s->device;
   if (!device->handle)
      return;
   const struct VolkDeviceTable *vk = &device->vk;
   vk->vkDeviceWaitIdle(device->handle);
   if (s->fence)
      vk->vkDestroyFence(device->handle, s->fence, NULL);
   if (s->timeline)
      vk->vkDestroySemaphore(device->handle, s->timeline, NULL);
   for (uint32_t sh = 0; sh < SHAPE_COUNT; sh++) {
      for (uint32_t pass = 0; pass < 2; pass++) {
         if (s->command_pools[sh][pass])
            vk->vkDestroyCommandPool(device->handle, s->command_pools[sh][pass], NULL);
      }
   }
   kt_compute_pipeline_destroy(device, &s->dynamic_pipeline);
   kt_regions_destroy(device, &s->regions);
}

/* Runs `call`, adding its ticks to parts[part] when timing each call. */
#define TIMED(part, call)                                                                         \
   do {                                                                                           \
      if (per_call) {                                                                             \
         uint64_t t0_ = ticks();                                                                  \
         call;                                                                                    \
         parts[part] += ticks() - t0_;                                                            \
      } else {                                                                                    \
         call;                                                                                    \
      }                                                                                            \
   } while (0)

/* Submits cmd in `form`. */
static VkResult
submit_in_form(struct side *s, VkCommandBuffer cmd, enum submit_form form)
{
   const struct VolkDeviceTable *vk = &s->device.vk;
   VkQueue queue = s->device.queues[0];
   bool timeline = form == FORM_TIMELINE || form == FORM_SUBMIT2_TIMELINE;
   uint64_t value = timeline ? ++s->timeline_value : 0;
   VkFence fence = form == FORM_FENCE || form == FORM_SUBMIT2_FENCE ? s->fence : VK_NULL_HANDLE;
   if (form == FORM_SUBMIT2_FENCE || form == FORM_SUBMIT2_TIMELINE) {
      const VkCommandBufferSubmitInfo cmd_info = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
         .commandBuffer = cmd,
      };
      const VkSemaphoreSubmitInfo signal = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
         .semaphore = s->timeline,
         .value = value,
         .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, /* as Kronos's flush signals it */
      };
      const VkSubmitInfo2 submit = {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
         .commandBufferInfoCount = 1,
         .pCommandBufferInfos = &cmd_info,
         .signalSemaphoreInfoCount = timeline,
         .pSignalSemaphoreInfos = timeline ? &signal : NULL,
      };
      return vk->vkQueueSubmit2(queue, 1, &submit, fence);
   }
   const VkTimelineSemaphoreSubmitInfo values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = 1,
      .pSignalSemaphoreValues = &value,
   };
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = timeline ? &values : NULL,
      .commandBufferCount = 1,
      .pCommandBuffers = &cmd,
      .signalSemaphoreCount = timeline,
      .pSignalSemaphores = timeline ? &s->timeline : NULL,
   };
   return vk->vkQueueSubmit(queue, 1, &submit, fence);
}

/* Waits for the work submit_in_form submitted in `form`, leaving the fence unsignalled. */
static VkResult
wait_in_form(struct side *s, enum submit_form form)
{
   const struct VolkDeviceTable *vk = &s->device.vk;
   VkResult result;
   switch (form) {
   case FORM_TIMELINE:
   case FORM_SUBMIT2_TIMELINE: {
      const VkSemaphoreWaitInfo wait = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
         .semaphoreCount = 1,
         .pSemaphores = &s->timeline,
         .pValues = &s->timeline_value,
      };
      result = vk->vkWaitSemaphores(s->device.handle, &wait, KT_FENCE_TIMEOUT_NS);
      kt_ok(result, "vkWaitSemaphores");
      return result;
   }
   case FORM_BARE:
      result = vk->vkQueueWaitIdle(s->device.queues[0]);
      kt_ok(result, "vkQueueWaitIdle");
      return result;
   default:
      result = kt_fence_wait(&s->device, s->fence, "record-cost");
      if (result != VK_SUCCESS)
         return result;
      result = vk->vkResetFences(s->device.handle, 1, &s->fence);
      kt_ok(result, "vkResetFences");
      return result;
   }
}

/* Records one shape (ticks per part added to `parts`: the calls' when per_call, else the
 * whole), submits it in `form` and waits. */
static VkResult
record_and_run(struct side *s, const struct options *o, enum shape shape, bool per_call,
               enum submit_form form, uint64_t parts[PART_COUNT])
{
   const struct VolkDeviceTable *vk = &s->device.vk;
   VkDevice handle = s->device.handle;
   VkCommandBuffer cmd = s->cmds[shape][per_call];
   VkResult result = vk->vkResetCommandPool(handle, s->command_pools[shape][per_call], 0);
   if (!kt_ok(result, "vkResetCommandPool"))
      return result;
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT,
   };
   const VkMemoryBarrier compute_barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
   };
   const struct kt_saxpy_push push = {.n = KT_REGION_FLOATS, .a = 2.0f};
   uint64_t whole = ticks();
   TIMED(PART_BEGIN_END, result = vk->vkBeginCommandBuffer(cmd, &begin));
   if (!kt_ok(result, "vkBeginCommandBuffer"))
      return result;
   if (shape == SHAPE_DESCRIPTOR_UPDATES) {
      TIMED(PART_BARRIER,
            vk->vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1,
                                     &compute_barrier, 0, NULL, 0, NULL));
   }
   const struct kt_compute_pipeline *pipeline =
      shape == SHAPE_DYNAMIC_OFFSET ? &s->dynamic_pipeline : &s->regions.pipeline;
   vk->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->handle);
   vk->vkCmdPushConstants(cmd, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push),
                          &push);
   if (shape == SHAPE_BIND_ONCE)
      TIMED(PART_BIND, vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                                                   pipeline->layout, 0, 1, &s->regions.fixed[0],
                                                   0, NULL));
   for (uint32_t d = 0; d < o->dispatches; d++) {
      VkDescriptorSet set = s->regions.fixed[d];
      uint32_t offset = d * KT_REGION_FLOATS * 4; /* dynamic-offset's */
      if (shape == SHAPE_DESCRIPTOR_UPDATES || shape == SHAPE_UPDATE_ONLY) {
         VkDescriptorBufferInfo infos[2];
         kt_regions_infos(&s->regions, d, infos);
         VkWriteDescriptorSet writes[2];
         kt_storage_buffer_writes(s->regions.scratch[d], 2, infos, writes);
         set = s->regions.scratch[d];
         TIMED(PART_UPDATE, vk->vkUpdateDescriptorSets(handle, 2, writes, 0, NULL));
         if (shape == SHAPE_UPDATE_ONLY)
            continue;
      } else if (shape == SHAPE_SAME_SET) {
         set = s->regions.fixed[0];
      } else if (shape == SHAPE_DYNAMIC_OFFSET) {
         set = s->dynamic_set;
      }
      if (shape != SHAPE_BIND_ONCE)
         TIMED(PART_BIND, vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                                                      pipeline->layout, 0, 1, &set,
                                                      shape == SHAPE_DYNAMIC_OFFSET, &offset));
      TIMED(PART_DISPATCH, vk->vkCmdDispatch(cmd, s->regions.groups, 1, 1));
      if (shape == SHAPE_CHAIN_BARRIERS)
         TIMED(PART_BARRIER,
               vk->vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                        VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 1, &barrier, 0,
                                        NULL, 0, NULL));
   }
   TIMED(PART_BEGIN_END, result = vk->vkEndCommandBuffer(cmd));
   if (!per_call)
      parts[PART_WHOLE] += ticks() - whole;
   if (!kt_ok(result, "vkEndCommandBuffer"))
      return result;
   result = submit_in_form(s, cmd, form);
   if (!per_call)
      parts[PART_RECORD_SUBMIT] += ticks() - whole;
   if (!kt_ok(result, form_names[form]))
      return result;
   /* --submit: whether the wait spins or sleeps (its CPU time against its wall time). Only
    * there: reading the thread's CPU clock is a system call, which the goals' wall would carry. */
   double cpu = o->submit ? thread_cpu_ns() : 0, wall = o->submit ? now_ns() : 0;
   result = wait_in_form(s, form);
   if (o->submit) {
      s->wait_cpu_ns = thread_cpu_ns() - cpu;
      s->wait_wall_ns = now_ns() - wall;
   }
   if (!per_call)
      parts[PART_WALL] += ticks() - whole;
   return result;
}

/* Prints a goal's paired ratio: per repetition, numerator[r] / denominator[r]; their median
 * and quartiles. */
static void
print_paired(const char *what, const double *numerator, const double *denominator,
             uint32_t reps, const char *goal)
{
   static double ratios[MAX_REPS];
   uint32_t n = 0;
   for (uint32_t r = 0; r < reps; r++) {
      if (denominator[r] > 0)
         ratios[n++] = numerator[r] / denominator[r];
   }
   if (!n)
      return;
   double median = kt_median_sort(ratios, n); /* sorts */
   printf("%-62s %6.3f (quartiles %.3f-%.3f, %u repetitions; goal %s)\n", what, median,
          ratios[n / 4], ratios[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1], n, goal);
}

static bool
parse_options(int argc, char **argv, struct options *o)
{
   *o = (struct options){.reps = 31, .dispatches = 256};
   for (int i = 1; i < argc; i++) {
      uint32_t *value = NULL;
      bool binding = strcmp(argv[i], "--binding") == 0;
      if (binding || strcmp(argv[i], "--submit") == 0) {
         if (!o->binding && !o->submit) { /* one of them, else the usage */
            *(binding ? &o->binding : &o->submit) = true;
            continue;
         }
      } else if (strcmp(argv[i], "--reps") == 0)
         value = &o->reps;
      else if (strcmp(argv[i], "--dispatches") == 0)
         value = &o->dispatches;
      uint32_t max = value == &o->reps ? MAX_REPS : MAX_DISPATCHES;
      if (!value || i + 1 >= argc || !kt_parse_u32(argv[++i], 1, max, value)) {
         fprintf(stderr,
                 "usage: record-cost [--reps N (1-%u)] [--dispatches N (1-%u)] "
                 "[--binding | --submit]\n",
                 MAX_REPS, MAX_DISPATCHES);
         return false;
      }
   }
   return true;
}

/* --submit: every submit case once per repetition, each after an unmeasured run of the same
 * (the first round warms up); prints the median time of the vkQueueSubmit call alone per case,
 * and its paired ratio to the first. */
static VkResult
measure_submit_forms(struct side *sides, const struct options *o, double tick_ns)
{
   static double samples[SUBMIT_CASE_COUNT][MAX_REPS], wait_cpu[SUBMIT_CASE_COUNT][MAX_REPS];
   static double ratios[MAX_REPS], sorted[MAX_REPS];
   for (uint32_t r = 0; r < o->reps + 1; r++) {
      for (uint32_t c = 0; c < SUBMIT_CASE_COUNT; c++) {
         uint64_t parts[PART_COUNT] = {0};
         VkResult result = VK_SUCCESS;
         for (uint32_t run = 0; run < 2 && result == VK_SUCCESS; run++) {
            memset(parts, 0, sizeof(parts));
            result = record_and_run(&sides[submit_cases[c].side], o, SHAPE_DESCRIPTOR_UPDATES,
                                    false, submit_cases[c].form, parts);
         }
         if (result != VK_SUCCESS)
            return result;
         const struct side *s = &sides[submit_cases[c].side];
         if (r) {
            samples[c][r - 1] = (double)(parts[PART_RECORD_SUBMIT] - parts[PART_WHOLE]) * tick_ns;
            wait_cpu[c][r - 1] = s->wait_wall_ns > 0 ? s->wait_cpu_ns / s->wait_wall_ns : 0;
         }
      }
   }
   printf("\n%-40s %-38s %9s %9s %9s %9s\n", "descriptor-updates' submit call", "device",
          "ns", "- first", "/ first", "wait CPU");
   double first = 0;
   for (uint32_t c = 0; c < SUBMIT_CASE_COUNT; c++) {
      for (uint32_t r = 0; r < o->reps; r++)
         ratios[r] = samples[0][r] > 0 ? samples[c][r] / samples[0][r] : 0;
      double paired = kt_median_sort(ratios, o->reps);
      memcpy(sorted, samples[c], sizeof(double) * o->reps); /* the ratios pair them by round */
      double median = kt_median_sort(sorted, o->reps);
      if (c == 0)
         first = median;
      double cpu_share = kt_median_sort(wait_cpu[c], o->reps);
      printf("%-40s %-38s %9.0f %9.0f %9.3f %9.2f\n", form_names[submit_cases[c].form],
             side_names[submit_cases[c].side], median, median - first, paired, cpu_share);
   }
   printf("(ns per submit of %u dispatches, medians of %u repetitions; / first: the median of "
          "the paired ratios; wait CPU: the median of the wait's CPU time over its wall time, "
          "near 1 where it spins, near 0 where it sleeps)\n",
          o->dispatches, o->reps);
   return VK_SUCCESS;
}

int
main(int argc, char **argv)
{
   struct options o;
   if (!parse_options(argc, argv, &o))
      return 2;
   static struct side sides[SIDE_COUNT];
   static double samples[SHAPE_COUNT][SIDE_COUNT][PART_COUNT][MAX_REPS];
   struct kt_system system = {0};
   int status = 1;
   if (kt_system_create("record-cost", false, false, &system) != VK_SUCCESS)
      goto cleanup;
   const struct kt_device_pair *pair = kt_system_find_pair(&system, NULL);
   if (!pair || !pair->vendor) {
      kt_error("no Kronos device with its vendor device visible (VK_DRIVER_FILES names both?)");
      goto cleanup;
   }
   const struct kt_physical_device *physical[SIDE_COUNT] = {pair->vendor, pair->kronos,
                                                             pair->vendor};
   for (uint32_t k = 0; k < side_count(&o); k++) {
      VkResult result = k == SIDE_DIRECT_SYNC
                           ? kt_device_create_synchronization(physical[k], 1, &sides[k].device)
                           : kt_device_create(physical[k], 1, &sides[k].device);
      if (result != VK_SUCCESS || setup(&sides[k], &o, k == SIDE_DIRECT_SYNC) != VK_SUCCESS)
         goto cleanup;
   }
   double tick_ns = ns_per_tick();
   if (o.submit) {
      printf("record-cost --submit: %s (%s) directly and through %s\n",
             pair->vendor->properties.deviceName, kt_physical_device_driver_name(pair->vendor),
             pair->kronos->properties.deviceName);
      if (measure_submit_forms(sides, &o, tick_ns) == VK_SUCCESS)
         status = 0;
      goto cleanup;
   }
   for (uint32_t r = 0; r < o.reps + 1; r++) { /* the first round warms up */
      for (uint32_t sh = 0; sh < SHAPE_COUNT; sh++) {
         for (uint32_t k = 0; k < side_count(&o) && measures(&o, (enum shape)sh); k++) {
            uint64_t parts[PART_COUNT] = {0};
            if (record_and_run(&sides[k], &o, (enum shape)sh, true, FORM_FENCE, parts) !=
                   VK_SUCCESS ||
                record_and_run(&sides[k], &o, (enum shape)sh, false, FORM_FENCE, parts) !=
                   VK_SUCCESS)
               goto cleanup;
            for (uint32_t p = 0; r && p < PART_COUNT; p++)
               samples[sh][k][p][r - 1] = (double)parts[p] * tick_ns / o.dispatches;
         }
      }
   }
   printf("record-cost: %s (%s) directly and through %s; %u dispatches per command buffer, "
          "medians of %u repetitions, ns per dispatch\n",
          pair->vendor->properties.deviceName, kt_physical_device_driver_name(pair->vendor),
          pair->kronos->properties.deviceName, o.dispatches, o.reps);
   for (uint32_t sh = 0; sh < SHAPE_COUNT; sh++) {
      if (!measures(&o, (enum shape)sh))
         continue;
      printf("\n%-34s %9s %9s %9s %7s\n", shape_names[sh], "direct", "Kronos", "K - d", "K / d");
      for (uint32_t p = 0; p < PART_COUNT; p++) {
         double median[SIDE_DIRECT_SYNC];
         for (uint32_t k = 0; k < SIDE_DIRECT_SYNC; k++) {
            /* A copy: the goals below pair the samples by repetition. */
            static double sorted[MAX_REPS];
            memcpy(sorted, samples[sh][k][p], sizeof(double) * o.reps);
            median[k] = kt_median_sort(sorted, o.reps);
         }
         if (median[SIDE_DIRECT] == 0 && median[SIDE_KRONOS] == 0)
            continue; /* a call this shape does not make */
         printf("%-34s %9.1f %9.1f %9.1f %7.3f\n", part_names[p], median[SIDE_DIRECT],
                median[SIDE_KRONOS], median[SIDE_KRONOS] - median[SIDE_DIRECT],
                median[SIDE_DIRECT] > 0 ? median[SIDE_KRONOS] / median[SIDE_DIRECT] : 0.0);
      }
   }
   if (o.binding) {
      status = 0;
      goto cleanup;
   }
   printf("\ngoals, paired: the ratio in each repetition, median and quartiles over them\n");
   print_paired("chain-barriers through Kronos / chain-nobarriers directly, wall",
                samples[SHAPE_CHAIN_BARRIERS][SIDE_KRONOS][PART_WALL],
                samples[SHAPE_CHAIN_NOBARRIERS][SIDE_DIRECT][PART_WALL], o.reps, "<= 1.2");
   print_paired("chain-barriers / chain-nobarriers, both through Kronos, wall",
                samples[SHAPE_CHAIN_BARRIERS][SIDE_KRONOS][PART_WALL],
                samples[SHAPE_CHAIN_NOBARRIERS][SIDE_KRONOS][PART_WALL], o.reps, "none");
   print_paired("descriptor-updates, recording + submit, Kronos / direct",
                samples[SHAPE_DESCRIPTOR_UPDATES][SIDE_KRONOS][PART_RECORD_SUBMIT],
                samples[SHAPE_DESCRIPTOR_UPDATES][SIDE_DIRECT][PART_RECORD_SUBMIT], o.reps,
                "<= 1.0");
   print_paired("chain-nobarriers, wall, Kronos / direct",
                samples[SHAPE_CHAIN_NOBARRIERS][SIDE_KRONOS][PART_WALL],
                samples[SHAPE_CHAIN_NOBARRIERS][SIDE_DIRECT][PART_WALL], o.reps, "none");
   status = 0;
cleanup:
   for (uint32_t k = 0; k < SIDE_COUNT; k++) {
      teardown(&sides[k]);
      kt_device_destroy(&sides[k].device);
   }
   kt_system_destroy(&system);
   return status;
}
