/* SPDX-License-Identifier: MIT */
/* Hostile review of issue 12 ("Hardening"): cases where an injected failure does not reach the
 * application as the specification (and issue 12's claim) requires. Each case is one meson test
 * (tests/faults/meson.build, suite 'review12'); a case marked REVIEW12-FAILS failed on the code
 * the review started from (main at 3f2d3dc).
 *
 *  - pipelines_oom_outputs (REVIEW12-FAILS before the fix in src/kr_descriptor_bind.c):
 *    vkCreateComputePipelines with 64 create infos while the device's callbacks refuse Kronos's
 *    allocations. Kronos copies the infos to scratch memory (heap above 4 KiB, i.e. more than
 *    42 infos) and returned VK_ERROR_OUT_OF_HOST_MEMORY without writing pPipelines: the
 *    application's array kept its garbage. Spec (vkCreateComputePipelines, "Multiple Pipeline
 *    Creation"): the entries of pipelines that failed are VK_NULL_HANDLE.
 *  - wait_before_signal_lost (REVIEW12-FAILS): thread A waits (vkWaitSemaphores, 3 s) on a
 *    timeline value that no submit signals yet (wait-before-signal, allowed for timeline
 *    semaphores); then the main thread submits the signal, vkQueueSubmit returns VK_SUCCESS
 *    (batched), and the flusher thread's vendor vkQueueSubmit2 is refused (the fault driver,
 *    KRONOS_FAULT_FUNCTION=vkQueueSubmit2 KRONOS_FAULT_NTH=2). A's wait, already in the vendor,
 *    is never told: it ends in VK_TIMEOUT (with UINT64_MAX: a hang), although the work it waits
 *    for is lost and the application was told nothing at the submit.
 *  - event_after_lost_flush (REVIEW12-FAILS before the fix in src/kr_host_observers.c): the
 *    same loss with the batch's command buffer setting an event (vkCmdSetEvent); the
 *    application polls vkGetEventStatus, which vk.xml lets return VK_ERROR_OUT_OF_HOST_MEMORY /
 *    VK_ERROR_DEVICE_LOST: Kronos answered VK_EVENT_RESET forever (kr_device_observe dropped the
 *    flush's error), so a poll loop spun forever while vkQueueSubmit said VK_SUCCESS.
 *
 *  - counter_poll_after_lost_flush (REVIEW12-FAILS before the fix in src/kr_semaphore.c): the same
 *    loss, the batch signalling an application timeline to 1; the application polls
 *    vkGetSemaphoreCounterValue until it reads 1 (the usual polling loop). Kronos recorded the
 *    lost signal (a vkWaitSemaphores on it fails at once) but the counter read answered
 *    VK_SUCCESS and 0 forever. vk.xml lets vkGetSemaphoreCounterValue return
 *    VK_ERROR_OUT_OF_HOST_MEMORY / VK_ERROR_DEVICE_LOST.
 *  - query_wait_after_lost_flush (REVIEW12-FAILS before the fix in src/kr_host_observers.c): the
 *    same loss, the batch writing a timestamp; vkGetQueryPoolResults with
 *    VK_QUERY_RESULT_WAIT_BIT answered VK_NOT_READY (what lavapipe says of a query never
 *    written), which WAIT_BIT rules out, instead of the loss.
 *  - observers_precise_after_lost_flush (after the fix of the two above): only the event and
 *    query pool the lost work touched report the loss (one through a secondary command buffer);
 *    those of work the vendor took read as before; vkSetEvent and vkResetQueryPool clear it.
 *  - host_alloc_sweep (held): see the case.
 *  - real_fence_kept_flush_hang (REVIEW12-FAILS before the fix in src/kr_fence.c): see the case.
 *  - global_oom_stress (held): one thread records, submits and waits 3000 fills while host
 *    memory runs out on every thread (the flusher's included) in random bursts; only VK_SUCCESS
 *    and VK_ERROR_OUT_OF_HOST_MEMORY, a successful wait sees its word, nothing leaks.
 * The lost-flush cases need the injection (review12_fault_env in tests/faults/meson.build):
 * their signal is queued behind a submit gated on a host-signalled timeline (so that it is
 * batched, not flushed at once on an idle queue), so without a failure their waits run into the
 * timeout by construction.
 * Cases that use sync run on Kronos's device with timeline semaphores enabled, or with
 * REVIEW12_DIRECT=1 on the loader's first device (the fault driver as the loader's driver,
 * KRONOS_FAULT_FUNCTION=vkQueueSubmit KRONOS_FAULT_NTH=2: what the vendor alone does, which is
 * to fail the application's vkQueueSubmit).
 *
 * Usage: it_review12_faults CASE. Exit 0: the case held; 1: it failed (said on stdout). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "it_common.h"
#include "saxpy_spv.h"

#define PIPELINES 64

static struct it_env env;
static struct it_counting_allocator counting;

/* The environment of the sync cases: a device with timeline semaphores enabled (they use them),
 * Kronos's, or with REVIEW12_DIRECT=1 the loader's first device (lavapipe, or the fault driver
 * as the loader's driver: what the vendor alone does). */
static VkResult
open_sync_env(void)
{
   memset(&env, 0, sizeof(env));
   VkResult result = it_create_instance(NULL, 0, NULL, &env.instance);
   if (result != VK_SUCCESS) {
      env.instance = VK_NULL_HANDLE;
      return result;
   }
   if (getenv("REVIEW12_DIRECT")) {
      uint32_t count = 1;
      result = vkEnumeratePhysicalDevices(env.instance, &count, &env.physical);
      if (result == VK_INCOMPLETE)
         result = VK_SUCCESS;
      if (result == VK_SUCCESS && count == 0)
         result = VK_ERROR_INITIALIZATION_FAILED;
   } else {
      result = it_find_kronos_device(env.instance, &env.physical);
   }
   if (result != VK_SUCCESS)
      return result;
   env.family = it_compute_family(env.physical);
   VkPhysicalDeviceVulkan12Features f12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .timelineSemaphore = VK_TRUE,
      .hostQueryReset = VK_TRUE, /* observers_precise_after_lost_flush */
   };
   result = it_create_device(env.physical, env.family, &f12, NULL, NULL, 0, NULL, &env.device);
   if (result != VK_SUCCESS) {
      env.device = VK_NULL_HANDLE;
      return result;
   }
   vkGetDeviceQueue(env.device, env.family, 0, &env.queue);
   return VK_SUCCESS;
}

static const char *
result_name(VkResult result)
{
   if (result == VK_EVENT_SET)
      return "VK_EVENT_SET";
   if (result == VK_EVENT_RESET)
      return "VK_EVENT_RESET";
   return it_result_name(result);
}

static void
sleep_ms(unsigned ms)
{
   struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
   nanosleep(&t, NULL);
}

/* --- pipelines_oom_outputs ------------------------------------------------------------------ */

static bool
pipelines_oom_outputs(void)
{
   bool ok = false;
   VkShaderModule module = VK_NULL_HANDLE;
   VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
   VkPipelineLayout layout = VK_NULL_HANDLE;
   VkPipeline pipelines[PIPELINES];
   it_counting_init(&counting, "device");
   counting.refuse_only_kronos = true; /* the vendor's own allocations are granted */
   CHECK_VK(it_env_open(&env, &counting.callbacks));
   CHECK_VK(it_create_shader_module(env.device, saxpy_spv, saxpy_spv_size, &module));
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(env.device, 0, NULL, bindings, 2, &set_layout));
   CHECK_VK(it_create_pipeline_layout(env.device, &set_layout, 1, 8, &layout));
   VkComputePipelineCreateInfo infos[PIPELINES];
   for (uint32_t i = 0; i < PIPELINES; i++) {
      infos[i] = (VkComputePipelineCreateInfo){
         .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
         .stage = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
            .stage = VK_SHADER_STAGE_COMPUTE_BIT,
            .module = module,
            .pName = "main",
         },
         .layout = layout,
      };
   }
   /* Each refusal count in turn: the first N of Kronos's allocations in the call granted. */
   for (long grant = 0; grant < 64; grant++) {
      for (uint32_t i = 0; i < PIPELINES; i++)
         pipelines[i] = (VkPipeline)(uintptr_t)0xdeadbeef0ull;
      it_counting_refuse(&counting, grant);
      VkResult result = vkCreateComputePipelines(env.device, VK_NULL_HANDLE, PIPELINES, infos,
                                                 NULL, pipelines);
      it_counting_refuse(NULL, 0);
      uint32_t garbage = 0, made = 0;
      for (uint32_t i = 0; i < PIPELINES; i++) {
         if (pipelines[i] == (VkPipeline)(uintptr_t)0xdeadbeef0ull)
            garbage++;
         else if (pipelines[i] != VK_NULL_HANDLE)
            made++;
      }
      printf("grant %ld: %s, %u outputs left as the application's garbage, %u pipelines\n",
             grant, it_result_name(result), garbage, made);
      for (uint32_t i = 0; i < PIPELINES; i++) {
         if (pipelines[i] != VK_NULL_HANDLE &&
             pipelines[i] != (VkPipeline)(uintptr_t)0xdeadbeef0ull)
            vkDestroyPipeline(env.device, pipelines[i], NULL);
      }
      CHECK(result == VK_SUCCESS || result == VK_ERROR_OUT_OF_HOST_MEMORY);
      /* Spec: a pipeline that was not created has VK_NULL_HANDLE in pPipelines. */
      CHECK(garbage == 0);
      if (result == VK_SUCCESS)
         break;
   }
   ok = true;
done:
   it_counting_refuse(NULL, 0);
   if (env.device) {
      vkDestroyPipelineLayout(env.device, layout, NULL);
      vkDestroyDescriptorSetLayout(env.device, set_layout, NULL);
      vkDestroyShaderModule(env.device, module, NULL);
   }
   it_env_close(&env, &counting.callbacks);
   if (atomic_load(&counting.live) != 0) {
      printf("leak: %ld blocks of the device's callbacks never freed\n",
             atomic_load(&counting.live));
      ok = false;
   }
   return ok;
}

/* --- the lost flush of the flusher thread ----------------------------------------------------- */

/* A submit in flight that cannot complete before the host signals gate to 1 (so that the next
 * submit is batched, not flushed at once for an idle queue), then what `record` records in a
 * second command buffer, submitted with the signal of `signal` (a timeline, value 1; may be
 * VK_NULL_HANDLE). The fault driver refuses the second vendor vkQueueSubmit2: the flusher's. */
struct lost_flush {
   VkSemaphore gate, signal;
   VkCommandPool pool;
   VkCommandBuffer cmds[2];
   VkResult submit_result; /* the application's vkQueueSubmit of the lost work */
};

static VkResult
create_timeline(VkSemaphore *semaphore)
{
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
   };
   const VkSemaphoreCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
      .pNext = &type,
   };
   return vkCreateSemaphore(env.device, &info, NULL, semaphore);
}

static VkResult
submit_gated(struct lost_flush *l)
{
   const uint64_t one = 1;
   const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   const VkTimelineSemaphoreSubmitInfo values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = 1,
      .pWaitSemaphoreValues = &one,
   };
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &values,
      .waitSemaphoreCount = 1,
      .pWaitSemaphores = &l->gate,
      .pWaitDstStageMask = &stage,
      .commandBufferCount = 1,
      .pCommandBuffers = &l->cmds[0],
   };
   return vkQueueSubmit(env.queue, 1, &submit, VK_NULL_HANDLE);
}

static VkResult
submit_lost(struct lost_flush *l)
{
   const uint64_t one = 1;
   const VkTimelineSemaphoreSubmitInfo values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = l->signal ? 1 : 0,
      .pSignalSemaphoreValues = &one,
   };
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &values,
      .commandBufferCount = 1,
      .pCommandBuffers = &l->cmds[1],
      .signalSemaphoreCount = l->signal ? 1 : 0,
      .pSignalSemaphores = &l->signal,
   };
   return vkQueueSubmit(env.queue, 1, &submit, VK_NULL_HANDLE);
}

static VkResult
lost_flush_setup(struct lost_flush *l, bool signal)
{
   VkResult result = create_timeline(&l->gate);
   if (result == VK_SUCCESS && signal)
      result = create_timeline(&l->signal);
   if (result == VK_SUCCESS)
      result = it_create_command_pool(env.device, env.family, 0, NULL, &l->pool);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(env.device, l->pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                           2, l->cmds);
   if (result == VK_SUCCESS)
      result = it_record_empty(l->cmds[0], 0);
   return result;
}

/* Opens the gate: the gated submit (and what follows it on the queue) may run. */
static VkResult
open_gate(struct lost_flush *l)
{
   const VkSemaphoreSignalInfo signal = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
      .semaphore = l->gate,
      .value = 1,
   };
   return vkSignalSemaphore(env.device, &signal);
}

/* The gated submit, then the lost one (its result in l->submit_result, printed as the submit of
 * `what`), then 100 ms for the flusher's flush, which the vendor refuses. */
static VkResult
submit_gated_then_lost(struct lost_flush *l, const char *what)
{
   VkResult result = submit_gated(l);
   if (result != VK_SUCCESS)
      return result;
   l->submit_result = submit_lost(l);
   printf("vkQueueSubmit of %s: %s\n", what, it_result_name(l->submit_result));
   sleep_ms(100);
   return VK_SUCCESS;
}

/* Lets the gated submit complete and everything end (errors of the lost work expected). */
static void
lost_flush_finish(struct lost_flush *l)
{
   if (!env.device)
      return;
   uint64_t gate_value = 0;
   /* Not again when the case signalled it: a timeline signal must increase its value (lavapipe
    * marks the device lost otherwise, and its wait idle returns at once, with the gated work
    * still running while the pool is destroyed). */
   if (l->gate && (vkGetSemaphoreCounterValue(env.device, l->gate, &gate_value) != VK_SUCCESS ||
                   gate_value < 1))
      open_gate(l);
   VkResult idle = vkDeviceWaitIdle(env.device);
   printf("vkDeviceWaitIdle afterwards: %s\n", it_result_name(idle));
   vkDestroyCommandPool(env.device, l->pool, NULL);
   vkDestroySemaphore(env.device, l->signal, NULL);
   vkDestroySemaphore(env.device, l->gate, NULL);
}

struct waiter {
   VkSemaphore semaphore;
   VkResult result;
   pthread_t thread;
};

static void *
wait_thread(void *arg)
{
   struct waiter *w = arg;
   const uint64_t one = 1;
   const VkSemaphoreWaitInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .semaphoreCount = 1,
      .pSemaphores = &w->semaphore,
      .pValues = &one,
   };
   /* 3 s stands for UINT64_MAX: the signal comes (or is lost) within 0.2 s. */
   w->result = vkWaitSemaphores(env.device, &info, 3ull * 1000 * 1000 * 1000);
   return NULL;
}

static bool
wait_before_signal_lost(void)
{
   bool ok = false;
   bool started = false;
   struct lost_flush l = {0};
   struct waiter w = {0};
   CHECK_VK(open_sync_env());
   CHECK_VK(lost_flush_setup(&l, true));
   CHECK_VK(it_record_empty(l.cmds[1], 0));
   CHECK_VK(submit_gated(&l));
   w.semaphore = l.signal;
   CHECK(pthread_create(&w.thread, NULL, wait_thread, &w) == 0);
   started = true;
   sleep_ms(100); /* A is in the vendor's wait */
   l.submit_result = submit_lost(&l);
   printf("vkQueueSubmit of the signal: %s\n", it_result_name(l.submit_result));
   pthread_join(w.thread, NULL);
   started = false;
   printf("the wait that began before the submit: %s\n", it_result_name(w.result));
   /* A wait begun after the loss: Kronos reports it (covered by sync_losses). */
   const uint64_t one = 1;
   const VkSemaphoreWaitInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
      .semaphoreCount = 1,
      .pSemaphores = &l.signal,
      .pValues = &one,
   };
   printf("a wait begun after the loss: %s\n",
          it_result_name(vkWaitSemaphores(env.device, &info, 0)));
   if (l.submit_result == VK_SUCCESS) {
      /* The application was told nothing at the submit: the wait on the lost work must say it
       * (issue 12: "on later waits for lost batched work"), not run into its timeout. */
      CHECK(w.result != VK_TIMEOUT);
      CHECK(w.result < 0);
   }
   ok = true;
done:
   if (started)
      pthread_join(w.thread, NULL);
   lost_flush_finish(&l);
   it_env_close(&env, NULL);
   return ok;
}

static bool
event_after_lost_flush(void)
{
   bool ok = false;
   struct lost_flush l = {0};
   VkEvent event = VK_NULL_HANDLE;
   CHECK_VK(open_sync_env());
   CHECK_VK(lost_flush_setup(&l, false));
   const VkEventCreateInfo event_info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   CHECK_VK(vkCreateEvent(env.device, &event_info, NULL, &event));
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(l.cmds[1], &begin));
   vkCmdSetEvent(l.cmds[1], event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
   CHECK_VK(vkEndCommandBuffer(l.cmds[1]));
   CHECK_VK(submit_gated_then_lost(&l, "the vkCmdSetEvent"));
   /* Let the gated submit run: the event's submit would run right after it. */
   CHECK_VK(open_gate(&l));
   VkResult status = VK_EVENT_RESET;
   unsigned polls = 0;
   for (; polls < 2000 && status == VK_EVENT_RESET; polls++) {
      status = vkGetEventStatus(env.device, event);
      if (status == VK_EVENT_RESET)
         sleep_ms(1);
   }
   printf("vkGetEventStatus after %u polls (2 s): %s\n", polls, result_name(status));
   if (l.submit_result == VK_SUCCESS) {
      /* The work that sets the event was lost and the submit said VK_SUCCESS: the poll must end
       * (an error vk.xml allows vkGetEventStatus), not read VK_EVENT_RESET forever. */
      CHECK(status != VK_EVENT_RESET);
   }
   ok = true;
done:
   lost_flush_finish(&l);
   if (env.device)
      vkDestroyEvent(env.device, event, NULL);
   it_env_close(&env, NULL);
   return ok;
}

/* The same loss with the batch's command buffer writing a timestamp: the application reads it
 * with VK_QUERY_RESULT_WAIT_BIT (vkQueueSubmit said VK_SUCCESS). The read must end, with an
 * error (vk.xml: VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_DEVICE_LOST) rather than VK_NOT_READY,
 * which WAIT_BIT rules out. */
static bool
query_wait_after_lost_flush(void)
{
   bool ok = false;
   struct lost_flush l = {0};
   VkQueryPool queries = VK_NULL_HANDLE;
   CHECK_VK(open_sync_env());
   CHECK_VK(lost_flush_setup(&l, false));
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 1,
   };
   CHECK_VK(vkCreateQueryPool(env.device, &query_info, NULL, &queries));
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(l.cmds[1], &begin));
   vkCmdResetQueryPool(l.cmds[1], queries, 0, 1);
   vkCmdWriteTimestamp(l.cmds[1], VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries, 0);
   CHECK_VK(vkEndCommandBuffer(l.cmds[1]));
   CHECK_VK(submit_gated_then_lost(&l, "the timestamp"));
   CHECK_VK(open_gate(&l));
   uint64_t stamp = 0;
   VkResult result = vkGetQueryPoolResults(env.device, queries, 0, 1, sizeof(stamp), &stamp,
                                           sizeof(stamp),
                                           VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
   printf("vkGetQueryPoolResults with WAIT_BIT: %s\n", it_result_name(result));
   if (l.submit_result == VK_SUCCESS)
      CHECK(result < 0);
   ok = true;
done:
   lost_flush_finish(&l);
   if (env.device)
      vkDestroyQueryPool(env.device, queries, NULL);
   it_env_close(&env, NULL);
   return ok;
}

/* Follow-up of the two cases above (after their fix): only the events and query pools the lost
 * work touched report the loss, and the host re-establishes them. The lost command buffer sets
 * an event through a secondary command buffer and writes a timestamp; the gated command
 * buffer, which the vendor takes, sets another event and writes another pool: those read as
 * on the vendor. Then vkSetEvent and vkResetQueryPool (host) clear the loss. */
static bool
observers_precise_after_lost_flush(void)
{
   bool ok = false;
   struct lost_flush l = {0};
   VkEvent lost_event = VK_NULL_HANDLE, other_event = VK_NULL_HANDLE;
   VkQueryPool lost_queries = VK_NULL_HANDLE, other_queries = VK_NULL_HANDLE;
   VkCommandBuffer secondary = VK_NULL_HANDLE;
   CHECK_VK(open_sync_env());
   CHECK_VK(lost_flush_setup(&l, false));
   const VkEventCreateInfo event_info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   CHECK_VK(vkCreateEvent(env.device, &event_info, NULL, &lost_event));
   CHECK_VK(vkCreateEvent(env.device, &event_info, NULL, &other_event));
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 1,
   };
   CHECK_VK(vkCreateQueryPool(env.device, &query_info, NULL, &lost_queries));
   CHECK_VK(vkCreateQueryPool(env.device, &query_info, NULL, &other_queries));

   /* The work the vendor takes (the gated submit). */
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   CHECK_VK(vkBeginCommandBuffer(l.cmds[0], &begin));
   vkCmdResetQueryPool(l.cmds[0], other_queries, 0, 1);
   vkCmdWriteTimestamp(l.cmds[0], VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, other_queries, 0);
   vkCmdSetEvent(l.cmds[0], other_event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
   CHECK_VK(vkEndCommandBuffer(l.cmds[0]));
   /* The lost work: the event through a secondary command buffer. */
   CHECK_VK(it_allocate_command_buffers(env.device, l.pool, VK_COMMAND_BUFFER_LEVEL_SECONDARY, 1,
                                        &secondary));
   const VkCommandBufferInheritanceInfo inheritance = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO,
   };
   const VkCommandBufferBeginInfo secondary_begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .pInheritanceInfo = &inheritance,
   };
   CHECK_VK(vkBeginCommandBuffer(secondary, &secondary_begin));
   vkCmdSetEvent(secondary, lost_event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
   CHECK_VK(vkEndCommandBuffer(secondary));
   CHECK_VK(vkBeginCommandBuffer(l.cmds[1], &begin));
   vkCmdExecuteCommands(l.cmds[1], 1, &secondary);
   vkCmdResetQueryPool(l.cmds[1], lost_queries, 0, 1);
   vkCmdWriteTimestamp(l.cmds[1], VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, lost_queries, 0);
   CHECK_VK(vkEndCommandBuffer(l.cmds[1]));

   CHECK_VK(submit_gated_then_lost(&l, "the lost work"));
   CHECK_VK(open_gate(&l));

   /* The untouched objects: no false error. */
   VkResult status = VK_EVENT_RESET;
   for (unsigned polls = 0; polls < 2000 && status == VK_EVENT_RESET; polls++) {
      status = vkGetEventStatus(env.device, other_event);
      if (status == VK_EVENT_RESET)
         sleep_ms(1);
   }
   printf("the other event: %s\n", result_name(status));
   CHECK(status == VK_EVENT_SET);
   uint64_t stamp = 0;
   VkResult result = vkGetQueryPoolResults(env.device, other_queries, 0, 1, sizeof(stamp), &stamp,
                                           sizeof(stamp),
                                           VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
   printf("the other pool, WAIT_BIT: %s\n", it_result_name(result));
   CHECK(result == VK_SUCCESS);

   if (l.submit_result == VK_SUCCESS) {
      /* The touched ones report the loss: the event set through the secondary, the pool with
       * and without WAIT_BIT. */
      status = vkGetEventStatus(env.device, lost_event);
      printf("the lost work's event: %s\n", result_name(status));
      CHECK(status < 0);
      result = vkGetQueryPoolResults(env.device, lost_queries, 0, 1, sizeof(stamp), &stamp,
                                     sizeof(stamp),
                                     VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
      printf("the lost work's pool, WAIT_BIT: %s\n", it_result_name(result));
      CHECK(result < 0);
      result = vkGetQueryPoolResults(env.device, lost_queries, 0, 1, sizeof(stamp), &stamp,
                                     sizeof(stamp), VK_QUERY_RESULT_64_BIT);
      printf("the lost work's pool: %s\n", it_result_name(result));
      CHECK(result < 0);
   }
   /* The host re-establishes them: the loss says nothing more. */
   CHECK_VK(vkSetEvent(env.device, lost_event));
   status = vkGetEventStatus(env.device, lost_event);
   printf("the lost work's event after vkSetEvent: %s\n", result_name(status));
   CHECK(status == VK_EVENT_SET);
   CHECK_VK(vkResetEvent(env.device, lost_event));
   CHECK(vkGetEventStatus(env.device, lost_event) == VK_EVENT_RESET);
   vkResetQueryPool(env.device, lost_queries, 0, 1);
   result = vkGetQueryPoolResults(env.device, lost_queries, 0, 1, sizeof(stamp), &stamp,
                                  sizeof(stamp), VK_QUERY_RESULT_64_BIT);
   printf("the lost work's pool after vkResetQueryPool: %s\n", it_result_name(result));
   CHECK(result == VK_NOT_READY);
   ok = true;
done:
   lost_flush_finish(&l);
   if (env.device) {
      vkDestroyEvent(env.device, lost_event, NULL);
      vkDestroyEvent(env.device, other_event, NULL);
      vkDestroyQueryPool(env.device, lost_queries, NULL);
      vkDestroyQueryPool(env.device, other_queries, NULL);
   }
   it_env_close(&env, NULL);
   return ok;
}

static bool
counter_poll_after_lost_flush(void)
{
   bool ok = false;
   struct lost_flush l = {0};
   CHECK_VK(open_sync_env());
   CHECK_VK(lost_flush_setup(&l, true));
   CHECK_VK(it_record_empty(l.cmds[1], 0));
   CHECK_VK(submit_gated_then_lost(&l, "the signal"));
   /* The common polling loop: read the counter until it reaches the value. */
   VkResult result = VK_SUCCESS;
   uint64_t counter = 0;
   unsigned polls = 0;
   for (; polls < 2000 && result == VK_SUCCESS && counter < 1; polls++) {
      result = vkGetSemaphoreCounterValue(env.device, l.signal, &counter);
      if (result == VK_SUCCESS && counter < 1)
         sleep_ms(1);
   }
   printf("vkGetSemaphoreCounterValue after %u polls (2 s): %s, counter %llu\n", polls,
          it_result_name(result), (unsigned long long)counter);
   if (l.submit_result == VK_SUCCESS) {
      /* The signal the application polls for was lost and the submit said VK_SUCCESS: the read
       * must report it (vk.xml lets it return VK_ERROR_OUT_OF_HOST_MEMORY and
       * VK_ERROR_DEVICE_LOST), as every wait on the value does, not read 0 forever. */
      CHECK(result < 0);
   }
   ok = true;
done:
   lost_flush_finish(&l);
   it_env_close(&env, NULL);
   return ok;
}

/* --- host_alloc_sweep ------------------------------------------------------------------------- */

#define SECONDARIES 70 /* past the 64 handles vkCmdExecuteCommands keeps on its stack */
#define SUBMITS 40
#define SWEEP_PIPELINES 50

/* What the fault program does not do, with Kronos's Nth allocation on this thread refused: a
 * device, 70 secondaries executed by a primary that also sets and waits on an event, one
 * vkQueueSubmit of 40 submit infos (binary semaphores chained), 50 pipelines in one call, a
 * private data slot set on a fence, a query pool, vkResetCommandPool with RELEASE_RESOURCES and
 * vkTrimCommandPool. Every call must succeed or return VK_ERROR_OUT_OF_HOST_MEMORY, outputs of
 * failed multi-object calls must be VK_NULL_HANDLE, and after vkDestroyDevice the device's
 * callbacks must hold nothing. The sweep ends at the first N with nothing refused.
 * REVIEW12_SWEEP_EVERY=1: every allocation from the Nth on is refused (persistent exhaustion). */
static VkResult
sweep_scenario(VkShaderModule *module, VkDescriptorSetLayout *set_layout,
               VkPipelineLayout *layout, VkCommandPool *pool, VkEvent *event, VkFence *fence,
               VkSemaphore sems[2], VkPrivateDataSlot *slot, VkQueryPool *queries,
               VkPipeline *pipelines, bool *bad_outputs)
{
   VkResult r;
#define SWEEP_TRY(call)                                                                       \
   do {                                                                                       \
      if ((r = (call)) != VK_SUCCESS)                                                         \
         return r;                                                                            \
   } while (0)
   SWEEP_TRY(it_create_shader_module(env.device, saxpy_spv, saxpy_spv_size, module));
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   SWEEP_TRY(it_create_set_layout(env.device, 0, NULL, bindings, 2, set_layout));
   SWEEP_TRY(it_create_pipeline_layout(env.device, set_layout, 1, 8, layout));
   VkComputePipelineCreateInfo infos[SWEEP_PIPELINES];
   for (uint32_t i = 0; i < SWEEP_PIPELINES; i++) {
      infos[i] = (VkComputePipelineCreateInfo){
         .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
         .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                   .stage = VK_SHADER_STAGE_COMPUTE_BIT, .module = *module, .pName = "main"},
         .layout = *layout,
      };
      pipelines[i] = (VkPipeline)(uintptr_t)0xdeadbeef0ull;
   }
   r = vkCreateComputePipelines(env.device, VK_NULL_HANDLE, SWEEP_PIPELINES, infos, NULL,
                                pipelines);
   for (uint32_t i = 0; i < SWEEP_PIPELINES; i++) {
      if (pipelines[i] == (VkPipeline)(uintptr_t)0xdeadbeef0ull) {
         *bad_outputs = true;
         pipelines[i] = VK_NULL_HANDLE;
      }
   }
   if (r != VK_SUCCESS)
      return r;

   SWEEP_TRY(it_create_command_pool(env.device, env.family, 0, &counting.callbacks, pool));
   VkCommandBuffer secondaries[SECONDARIES], primary = VK_NULL_HANDLE;
   for (uint32_t i = 0; i < SECONDARIES; i++)
      secondaries[i] = (VkCommandBuffer)(uintptr_t)0xdeadbeef0ull;
   r = it_allocate_command_buffers(env.device, *pool, VK_COMMAND_BUFFER_LEVEL_SECONDARY,
                                   SECONDARIES, secondaries);
   if (r != VK_SUCCESS) {
      for (uint32_t i = 0; i < SECONDARIES; i++)
         *bad_outputs |= secondaries[i] != VK_NULL_HANDLE;
      return r;
   }
   SWEEP_TRY(it_allocate_command_buffers(env.device, *pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                         &primary));
   const VkCommandBufferInheritanceInfo inheritance = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO};
   const VkCommandBufferBeginInfo secondary_begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .pInheritanceInfo = &inheritance,
   };
   for (uint32_t i = 0; i < SECONDARIES; i++) {
      SWEEP_TRY(vkBeginCommandBuffer(secondaries[i], &secondary_begin));
      it_memory_barrier(secondaries[i], VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        VK_ACCESS_SHADER_READ_BIT);
      SWEEP_TRY(vkEndCommandBuffer(secondaries[i]));
   }
   const VkEventCreateInfo event_info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   SWEEP_TRY(vkCreateEvent(env.device, &event_info, &counting.callbacks, event));
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   SWEEP_TRY(vkBeginCommandBuffer(primary, &begin));
   vkCmdExecuteCommands(primary, SECONDARIES, secondaries);
   vkCmdSetEvent(primary, *event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
   vkCmdWaitEvents(primary, 1, event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                   VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, NULL, 0, NULL, 0, NULL);
   vkCmdBindPipeline(primary, VK_PIPELINE_BIND_POINT_COMPUTE, pipelines[0]);
   SWEEP_TRY(vkEndCommandBuffer(primary));

   const VkSemaphoreCreateInfo binary = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   SWEEP_TRY(vkCreateSemaphore(env.device, &binary, &counting.callbacks, &sems[0]));
   SWEEP_TRY(vkCreateSemaphore(env.device, &binary, &counting.callbacks, &sems[1]));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   SWEEP_TRY(vkCreateFence(env.device, &fence_info, &counting.callbacks, fence));
   const VkPrivateDataSlotCreateInfo slot_info = {
      .sType = VK_STRUCTURE_TYPE_PRIVATE_DATA_SLOT_CREATE_INFO};
   SWEEP_TRY(vkCreatePrivateDataSlot(env.device, &slot_info, &counting.callbacks, slot));
   SWEEP_TRY(vkSetPrivateData(env.device, VK_OBJECT_TYPE_FENCE, (uint64_t)(uintptr_t)*fence,
                              *slot, 42));
   const VkQueryPoolCreateInfo query_info = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 4,
   };
   SWEEP_TRY(vkCreateQueryPool(env.device, &query_info, &counting.callbacks, queries));

   /* 40 submit infos: submit i signals sems[i % 2], submit i + 1 waits on it; the last one
    * executes the primary. */
   VkSubmitInfo submits[SUBMITS];
   const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   for (uint32_t i = 0; i < SUBMITS; i++) {
      submits[i] = (VkSubmitInfo){
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .waitSemaphoreCount = i > 0,
         .pWaitSemaphores = &sems[(i + 1) % 2],
         .pWaitDstStageMask = &stage,
         .commandBufferCount = i + 1 == SUBMITS,
         .pCommandBuffers = &primary,
         .signalSemaphoreCount = i + 1 < SUBMITS,
         .pSignalSemaphores = &sems[i % 2],
      };
   }
   SWEEP_TRY(vkQueueSubmit(env.queue, SUBMITS, submits, *fence));
   SWEEP_TRY(vkWaitForFences(env.device, 1, fence, VK_TRUE, IT_TIMEOUT_NS));
   uint64_t data = 0;
   vkGetPrivateData(env.device, VK_OBJECT_TYPE_FENCE, (uint64_t)(uintptr_t)*fence, *slot, &data);
   if (data != 42)
      return VK_ERROR_UNKNOWN;
   SWEEP_TRY(vkResetCommandPool(env.device, *pool, VK_COMMAND_POOL_RESET_RELEASE_RESOURCES_BIT));
   vkTrimCommandPool(env.device, *pool, 0);
   SWEEP_TRY(vkResetFences(env.device, 1, fence));
   SWEEP_TRY(it_record_empty(primary, 0));
   SWEEP_TRY(vkQueueSubmit(env.queue, 1, &(VkSubmitInfo){.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                                                          .commandBufferCount = 1,
                                                          .pCommandBuffers = &primary},
                           *fence));
   SWEEP_TRY(vkQueueWaitIdle(env.queue));
   SWEEP_TRY(vkGetFenceStatus(env.device, *fence));
   return VK_SUCCESS;
#undef SWEEP_TRY
}

static bool
host_alloc_sweep(void)
{
   long max = getenv("REVIEW12_SWEEP_MAX") ? atol(getenv("REVIEW12_SWEEP_MAX")) : 3000;
   bool ok = true;
   it_counting_init(&counting, "device");
   counting.refuse_only_kronos = true; /* lavapipe 22.3 does not check all of its own */
   for (long n = 0; n < max; n++) {
      memset(&env, 0, sizeof(env));
      VkShaderModule module = VK_NULL_HANDLE;
      VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
      VkPipelineLayout layout = VK_NULL_HANDLE;
      VkCommandPool pool = VK_NULL_HANDLE;
      VkEvent event = VK_NULL_HANDLE;
      VkFence fence = VK_NULL_HANDLE;
      VkSemaphore sems[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
      VkPrivateDataSlot slot = VK_NULL_HANDLE;
      VkQueryPool queries = VK_NULL_HANDLE;
      VkPipeline pipelines[SWEEP_PIPELINES] = {0};
      bool bad_outputs = false;
      VkResult result = it_create_instance(NULL, 0, NULL, &env.instance);
      if (result == VK_SUCCESS)
         result = it_env_find_device(&env);
      if (result != VK_SUCCESS) {
         printf("setup failed: %s\n", it_result_name(result));
         return false;
      }
      long refused_before = atomic_load(&counting.refused);
      if (getenv("REVIEW12_SWEEP_EVERY"))
         it_counting_refuse(&counting, n); /* every allocation from the Nth refused */
      else
         it_counting_refuse_one(&counting, n);
      result = it_env_create_device(&env, &counting.callbacks);
      if (result == VK_SUCCESS)
         result = sweep_scenario(&module, &set_layout, &layout, &pool, &event, &fence, sems,
                                 &slot, &queries, pipelines, &bad_outputs);
      it_counting_refuse(NULL, 0);
      bool refused = atomic_load(&counting.refused) != refused_before;
      VkResult idle = env.device ? vkDeviceWaitIdle(env.device) : VK_SUCCESS;
      if (env.device) {
         vkDestroyQueryPool(env.device, queries, &counting.callbacks);
         vkDestroyPrivateDataSlot(env.device, slot, &counting.callbacks);
         vkDestroyFence(env.device, fence, &counting.callbacks);
         vkDestroySemaphore(env.device, sems[0], &counting.callbacks);
         vkDestroySemaphore(env.device, sems[1], &counting.callbacks);
         vkDestroyEvent(env.device, event, &counting.callbacks);
         vkDestroyCommandPool(env.device, pool, &counting.callbacks);
         for (uint32_t i = 0; i < SWEEP_PIPELINES; i++)
            vkDestroyPipeline(env.device, pipelines[i], NULL);
         vkDestroyPipelineLayout(env.device, layout, NULL);
         vkDestroyDescriptorSetLayout(env.device, set_layout, NULL);
         vkDestroyShaderModule(env.device, module, NULL);
      }
      it_env_close(&env, &counting.callbacks);
      long live = atomic_load(&counting.live);
      bool wrong = (result != VK_SUCCESS && result != VK_ERROR_OUT_OF_HOST_MEMORY) ||
                   (result == VK_SUCCESS && idle != VK_SUCCESS && !refused) || bad_outputs ||
                   live != 0 || atomic_load(&counting.wrong_frees) != 0 ||
                   (!refused && result != VK_SUCCESS);
      if (wrong || getenv("REVIEW12_VERBOSE")) {
         printf("N=%ld: %s%s, wait idle %s, %ld blocks live%s\n", n, it_result_name(result),
                refused ? " (one refused)" : "", it_result_name(idle), live,
                bad_outputs ? ", garbage outputs" : "");
      }
      if (wrong) {
         ok = false;
         atomic_store(&counting.live, 0);
         atomic_store(&counting.wrong_frees, 0);
      }
      if (!refused) {
         printf("the scenario ran with nothing refused at N=%ld\n", n);
         return ok;
      }
   }
   printf("the sweep stopped at %ld\n", max);
   return false;
}

/* --- real_fence_kept_flush_hang ---------------------------------------------------------------- */

/* Host memory exhausted for every thread (not only the application's: the counting callbacks of
 * it_common.h never refuse Kronos's own threads), as a real exhaustion is. */
static atomic_bool global_refuse;
static atomic_long global_live;

static void *VKAPI_PTR
global_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (atomic_load(&global_refuse))
      return NULL;
   void *p = NULL;
   if (posix_memalign(&p, alignment < sizeof(void *) ? sizeof(void *) : alignment, size) != 0)
      return NULL;
   atomic_fetch_add(&global_live, 1);
   return p;
}

static void *VKAPI_PTR
global_realloc(void *user, void *original, size_t size, size_t alignment,
               VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   (void)alignment;
   if (atomic_load(&global_refuse))
      return NULL;
   if (!original)
      return global_alloc(user, size, alignment, scope);
   return realloc(original, size);
}

static void VKAPI_PTR
global_free(void *user, void *memory)
{
   (void)user;
   if (memory)
      atomic_fetch_sub(&global_live, 1);
   free(memory);
}

static const VkAllocationCallbacks global_callbacks = {
   .pfnAllocation = global_alloc,
   .pfnReallocation = global_realloc,
   .pfnFree = global_free,
};

/* A fence Kronos keeps real (VkExportFenceCreateInfo, no handle type) signalled by a submit
 * while host memory is exhausted on every thread. Kronos appends the submit (its batch arrays
 * have room from a first submit), then cannot reserve room to record the fence's loss in the
 * flush (the first real fence it flushes): the flush is kept, the fence deferred to the next
 * flush, and vkQueueSubmit returns VK_SUCCESS. vkWaitForFences on a real fence goes straight to
 * the vendor's wait without flushing: the flusher's retries fail the same way, nothing tells
 * the waiter, and the wait runs into its timeout (UINT64_MAX: a hang). A point fence in the same
 * state makes its wait flush and return VK_ERROR_OUT_OF_HOST_MEMORY. On the vendor alone the
 * vkQueueSubmit fails (REVIEW12_DIRECT=1). */
static bool
real_fence_kept_flush_hang(void)
{
   bool ok = false;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   VkFence fence = VK_NULL_HANDLE;
   memset(&env, 0, sizeof(env));
   CHECK_VK(it_create_instance(NULL, 0, NULL, &env.instance));
   if (getenv("REVIEW12_DIRECT")) {
      uint32_t count = 1;
      VkResult r = vkEnumeratePhysicalDevices(env.instance, &count, &env.physical);
      CHECK(r == VK_SUCCESS || r == VK_INCOMPLETE);
      env.family = it_compute_family(env.physical);
   } else {
      CHECK_VK(it_env_find_device(&env));
   }
   CHECK_VK(it_env_create_device(&env, &global_callbacks));
   CHECK_VK(it_create_command_pool(env.device, env.family, 0, NULL, &pool));
   CHECK_VK(it_allocate_command_buffers(env.device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                        &cmd));
   CHECK_VK(it_record_empty(cmd, 0));
   const VkExportFenceCreateInfo export_info = {
      .sType = VK_STRUCTURE_TYPE_EXPORT_FENCE_CREATE_INFO,
   };
   const VkFenceCreateInfo fence_info = {
      .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
      .pNext = &export_info,
   };
   CHECK_VK(vkCreateFence(env.device, &fence_info, NULL, &fence));
   /* A first submit (no fence) while memory lasts: the batch's arrays have room after it. */
   CHECK_VK(it_submit(env.queue, 1, &cmd, VK_NULL_HANDLE));
   CHECK_VK(vkQueueWaitIdle(env.queue));

   atomic_store(&global_refuse, true);
   VkResult submit = it_submit(env.queue, 1, &cmd, fence);
   VkResult wait = VK_SUCCESS;
   if (submit == VK_SUCCESS)
      wait = vkWaitForFences(env.device, 1, &fence, VK_TRUE, 2ull * 1000 * 1000 * 1000);
   atomic_store(&global_refuse, false);
   printf("vkQueueSubmit with the fence, host memory exhausted: %s\n", it_result_name(submit));
   printf("vkWaitForFences (2 s), still exhausted: %s\n", it_result_name(wait));
   if (submit == VK_SUCCESS) {
      /* The work is held back, and the application was told nothing: the wait must say why it
       * cannot end (VK_ERROR_OUT_OF_HOST_MEMORY), as for a point fence, not time out. */
      CHECK(wait != VK_TIMEOUT);
   }
   ok = true;
done:
   atomic_store(&global_refuse, false);
   if (env.device) {
      printf("vkDeviceWaitIdle afterwards: %s\n", it_result_name(vkDeviceWaitIdle(env.device)));
      vkDestroyFence(env.device, fence, NULL);
      vkDestroyCommandPool(env.device, pool, NULL);
   }
   it_env_close(&env, &global_callbacks);
   if (atomic_load(&global_live) != 0) {
      printf("leak: %ld blocks of the device's callbacks never freed\n",
             atomic_load(&global_live));
      ok = false;
   }
   return ok;
}

/* --- global_oom_stress --------------------------------------------------------------------------- */

#define STRESS_THREADS 2
#define STRESS_ITERATIONS 3000

struct stress_thread {
   unsigned index;
   VkCommandPool pool;
   VkCommandBuffer cmd;
   VkFence fence;
   struct it_host_buffer *buffer;
   unsigned succeeded, submit_errors, wait_errors, wrong, record_errors;
   VkResult unexpected;
};


/* Fills word (thread, iteration) with a marker, submits with a point fence, waits. Results
 * other than VK_SUCCESS and VK_ERROR_OUT_OF_HOST_MEMORY are wrong; a wait that says VK_SUCCESS
 * must see its word. */
static void *
stress_main(void *arg)
{
   struct stress_thread *t = arg;
   uint32_t *words = t->buffer->data;
   for (unsigned i = 0; i < STRESS_ITERATIONS; i++) {
      uint32_t slot = t->index * STRESS_ITERATIONS + i;
      uint32_t marker = 0x40000000u | slot;
      VkResult r = vkResetCommandPool(env.device, t->pool, 0);
      const VkCommandBufferBeginInfo begin = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
      if (r == VK_SUCCESS)
         r = vkBeginCommandBuffer(t->cmd, &begin);
      if (r == VK_SUCCESS) {
         vkCmdFillBuffer(t->cmd, t->buffer->buffer, slot * 4, 4, marker);
         r = vkEndCommandBuffer(t->cmd);
      }
      if (r == VK_SUCCESS)
         r = vkResetFences(env.device, 1, &t->fence);
      if (r != VK_SUCCESS) {
         t->record_errors++;
         sleep_ms(1);
         if (r == VK_ERROR_OUT_OF_HOST_MEMORY && t->record_errors < 100000) {
            i--; /* again, once memory may be back */
            continue;
         }
      }
      if (r == VK_SUCCESS) {
         r = it_submit(env.queue, 1, &t->cmd, t->fence);
         if (r != VK_SUCCESS)
            t->submit_errors++;
      }
      if (r == VK_SUCCESS) {
         r = vkWaitForFences(env.device, 1, &t->fence, VK_TRUE, 20ull * 1000 * 1000 * 1000);
         /* Out of host memory while waiting: the work may still come, wait again later. */
         for (int tries = 0; r == VK_ERROR_OUT_OF_HOST_MEMORY && tries < 50; tries++) {
            sleep_ms(1);
            r = vkWaitForFences(env.device, 1, &t->fence, VK_TRUE, 20ull * 1000 * 1000 * 1000);
         }
         if (r == VK_SUCCESS) {
            t->succeeded++;
            if (words[slot] != marker)
               t->wrong++;
         } else {
            t->wait_errors++;
            /* The work may be lost, or still held: let it end before reusing the command
             * buffer (vkQueueWaitIdle would need the queue's lock: the fence, with memory). */
            for (int tries = 0; tries < 2000; tries++) {
               VkResult w = vkWaitForFences(env.device, 1, &t->fence, VK_TRUE, 1000000);
               if (w == VK_SUCCESS || (w != VK_TIMEOUT && w != VK_ERROR_OUT_OF_HOST_MEMORY))
                  break;
               sleep_ms(1);
            }
         }
      }
      if (r != VK_SUCCESS && r != VK_ERROR_OUT_OF_HOST_MEMORY && r != VK_TIMEOUT &&
          t->unexpected == VK_SUCCESS)
         t->unexpected = r;
   }
   return NULL;
}

/* Two threads submitting fills on one queue (under a mutex of the test's: it_submit is called
 * from both; queues are externally synchronized: see below) while host memory runs out and comes
 * back on every thread (Kronos's flusher included) at random. */
static pthread_mutex_t stress_queue_lock = PTHREAD_MUTEX_INITIALIZER;

static bool
global_oom_stress(void)
{
   bool ok = false;
   struct it_host_buffer buffer = {0};
   struct stress_thread threads[STRESS_THREADS] = {0};
   pthread_t handles[STRESS_THREADS];
   unsigned started = 0;
   memset(&env, 0, sizeof(env));
   CHECK_VK(it_create_instance(NULL, 0, NULL, &env.instance));
   CHECK_VK(it_env_find_device(&env));
   CHECK_VK(it_env_create_device(&env, &global_callbacks));
   CHECK_VK(it_host_buffer_create(env.physical, env.device,
                                  STRESS_THREADS * STRESS_ITERATIONS * 4,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &buffer));
   memset(buffer.data, 0, buffer.size);
   for (unsigned i = 0; i < STRESS_THREADS; i++) {
      threads[i].index = i;
      threads[i].buffer = &buffer;
      CHECK_VK(it_create_command_pool(env.device, env.family, 0, NULL, &threads[i].pool));
      CHECK_VK(it_allocate_command_buffers(env.device, threads[i].pool,
                                           VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &threads[i].cmd));
      const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
      CHECK_VK(vkCreateFence(env.device, &fence_info, NULL, &threads[i].fence));
   }
   (void)stress_queue_lock;
   /* One thread only submits at a time: the queue is externally synchronized. Both threads
    * share it through it_submit, so the test runs them one after the other on the queue but
    * with the toggler racing them; a second thread would need a lock around every queue call. */
   for (unsigned i = 0; i < 1; i++) {
      CHECK(pthread_create(&handles[i], NULL, stress_main, &threads[i]) == 0);
      started++;
   }
   uint64_t seed = getenv("REVIEW12_SEED") ? strtoull(getenv("REVIEW12_SEED"), NULL, 10) : 12;
   while (started) {
      /* Exhausted a third of the time, in bursts of 0 to 300 us. */
      atomic_store(&global_refuse, it_random_below(&seed, 3) == 0);
      struct timespec burst = {0, (long)it_random_below(&seed, 300) * 1000};
      nanosleep(&burst, NULL);
      if (pthread_tryjoin_np(handles[0], NULL) == 0)
         started = 0;
   }
   atomic_store(&global_refuse, false);
   for (unsigned i = 0; i < 1; i++) {
      printf("thread %u: %u waited and right, %u recordings failed, %u submits refused, %u waits "
             "failed, %u wrong, unexpected %s\n", i, threads[i].succeeded,
             threads[i].record_errors, threads[i].submit_errors,
             threads[i].wait_errors, threads[i].wrong, it_result_name(threads[i].unexpected));
      CHECK(threads[i].wrong == 0);
      CHECK(threads[i].unexpected == VK_SUCCESS);
   }
   ok = true;
done:
   atomic_store(&global_refuse, false);
   if (env.device) {
      printf("vkDeviceWaitIdle afterwards: %s\n", it_result_name(vkDeviceWaitIdle(env.device)));
      for (unsigned i = 0; i < STRESS_THREADS; i++) {
         vkDestroyFence(env.device, threads[i].fence, NULL);
         vkDestroyCommandPool(env.device, threads[i].pool, NULL);
      }
      it_host_buffer_destroy(env.device, &buffer);
   }
   it_env_close(&env, &global_callbacks);
   if (atomic_load(&global_live) != 0) {
      printf("leak: %ld blocks of the device's callbacks never freed\n",
             atomic_load(&global_live));
      ok = false;
   }
   return ok;
}

int
main(int argc, char **argv)
{
   static const struct {
      const char *name;
      bool (*run)(void);
   } cases[] = {
      {"pipelines_oom_outputs", pipelines_oom_outputs},
      {"wait_before_signal_lost", wait_before_signal_lost},
      {"event_after_lost_flush", event_after_lost_flush},
      {"counter_poll_after_lost_flush", counter_poll_after_lost_flush},
      {"query_wait_after_lost_flush", query_wait_after_lost_flush},
      {"observers_precise_after_lost_flush", observers_precise_after_lost_flush},
      {"host_alloc_sweep", host_alloc_sweep},
      {"real_fence_kept_flush_hang", real_fence_kept_flush_hang},
      {"global_oom_stress", global_oom_stress},
   };
   if (argc != 2) {
      fprintf(stderr, "usage: %s CASE\n", argv[0]);
      return 2;
   }
   if (volkInitialize() != VK_SUCCESS) {
      fprintf(stderr, "cannot load the Vulkan loader\n");
      return 2;
   }
   for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      if (strcmp(argv[1], cases[i].name) == 0) {
         it_watchdog_arm(cases[i].name, 600);
         bool ok = cases[i].run();
         printf("%s: %s\n", cases[i].name, ok ? "held" : "FAILED");
         return ok ? 0 : 1;
      }
   }
   fprintf(stderr, "no case %s\n", argv[1]);
   return 2;
}
