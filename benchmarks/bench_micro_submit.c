/* SPDX-License-Identifier: MIT */
#include "bench_micro_submit.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_submit_count_spv.h"
#include "bench_time.h"

/* Records command buffer i: words[i] += 1, with barriers as s->barriers says (see
 * enum bench_submit_barriers): a barrier after earlier compute work on the queue, and one that
 * makes the writes of this and every earlier submit available to host reads. */
static VkResult
record(struct bench_submit *s, uint32_t index)
{
   const struct VolkDeviceTable *vk = &s->device->vk;
   VkCommandBuffer cmd = s->cmds[index];
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vk->vkBeginCommandBuffer(cmd, &begin);
   if (!kt_ok(result, "vkBeginCommandBuffer (submit rows)"))
      return result;
   bool last = index == 0 || index + 1 == s->count; /* the round trips submit command buffer 0 */
   if (s->barriers == BENCH_SUBMIT_BARRIERS_EACH)
      kt_cmd_memory_barrier(s->device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   vk->vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->pipeline.handle);
   vk->vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->pipeline.layout, 0, 1,
                               &s->set, 0, NULL);
   vk->vkCmdPushConstants(cmd, s->pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                          sizeof(index), &index);
   vk->vkCmdDispatch(cmd, 1, 1, 1);
   if (s->barriers != BENCH_SUBMIT_BARRIERS_END || last)
      kt_cmd_memory_barrier(s->device, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                            VK_ACCESS_HOST_READ_BIT);
   result = vk->vkEndCommandBuffer(cmd);
   kt_ok(result, "vkEndCommandBuffer (submit rows)");
   return result;
}

static VkResult
create_commands(struct bench_submit *s)
{
   const struct VolkDeviceTable *vk = &s->device->vk;
   VkDevice device = s->device->handle;
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = s->device->queue_family,
   };
   VkResult result = vk->vkCreateCommandPool(device, &pool_info, NULL, &s->command_pool);
   if (!kt_ok(result, "vkCreateCommandPool (submit rows)")) {
      s->command_pool = VK_NULL_HANDLE;
      return result;
   }
   const VkCommandBufferAllocateInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = s->command_pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = s->count,
   };
   result = vk->vkAllocateCommandBuffers(device, &cmd_info, s->cmds);
   if (!kt_ok(result, "vkAllocateCommandBuffers (submit rows)")) {
      memset(s->cmds, 0, s->count * sizeof(*s->cmds));
      return result;
   }
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   for (uint32_t i = 0; i < s->count; i++) {
      result = record(s, i);
      if (result != VK_SUCCESS)
         return result;
      result = vk->vkCreateFence(device, &fence_info, NULL, &s->fences[i]);
      if (!kt_ok(result, "vkCreateFence (submit rows)")) {
         s->fences[i] = VK_NULL_HANDLE;
         return result;
      }
   }
   return VK_SUCCESS;
}

VkResult
bench_submit_create(const struct kt_device *device, uint32_t count,
                    enum bench_submit_barriers barriers, bool timeline, struct bench_submit *out)
{
   memset(out, 0, sizeof(*out));
   out->device = device;
   out->count = count;
   out->barriers = barriers;
   VkResult result = VK_ERROR_OUT_OF_HOST_MEMORY;
   out->cmds = calloc(count, sizeof(*out->cmds));
   out->fences = calloc(count, sizeof(*out->fences));
   if (!out->cmds || !out->fences) {
      kt_error("out of memory for %" PRIu32 " submits", count);
      goto cleanup;
   }
   result = kt_compute_pipeline_create(device, bench_submit_count_spv, bench_submit_count_spv_size,
                                       1, sizeof(uint32_t), "bench_submit_count",
                                       &out->pipeline);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = kt_buffer_create(device, (VkDeviceSize)count * sizeof(uint32_t),
                             VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, "submit rows' words", &out->words);
   if (result != VK_SUCCESS)
      goto cleanup;
   memset(out->words.map, 0, (size_t)count * sizeof(uint32_t));
   result = kt_descriptor_pool_create(device, 1, 1, &out->descriptor_pool);
   if (result != VK_SUCCESS) {
      out->descriptor_pool = VK_NULL_HANDLE;
      goto cleanup;
   }
   const VkDescriptorBufferInfo words = {
      .buffer = out->words.handle, .offset = 0, .range = VK_WHOLE_SIZE};
   result = kt_descriptor_set_create(device, out->descriptor_pool, &out->pipeline, &words,
                                     &out->set);
   if (result != VK_SUCCESS)
      goto cleanup;
   result = create_commands(out);
   if (result == VK_SUCCESS && timeline)
      result = kt_timeline_create(out->device, "submit rows", &out->timeline);

cleanup:
   if (result != VK_SUCCESS)
      bench_submit_destroy(out);
   return result;
}

void
bench_submit_destroy(struct bench_submit *s)
{
   if (!s->device)
      return;
   const struct VolkDeviceTable *vk = &s->device->vk;
   VkDevice device = s->device->handle;
   kt_ok(vk->vkDeviceWaitIdle(device), "vkDeviceWaitIdle");
   if (s->timeline != VK_NULL_HANDLE)
      vk->vkDestroySemaphore(device, s->timeline, NULL);
   for (uint32_t i = 0; s->fences && i < s->count; i++) {
      if (s->fences[i] != VK_NULL_HANDLE)
         vk->vkDestroyFence(device, s->fences[i], NULL);
   }
   if (s->command_pool != VK_NULL_HANDLE)
      vk->vkDestroyCommandPool(device, s->command_pool, NULL);
   if (s->descriptor_pool != VK_NULL_HANDLE)
      vk->vkDestroyDescriptorPool(device, s->descriptor_pool, NULL);
   kt_buffer_destroy(s->device, &s->words);
   kt_compute_pipeline_destroy(s->device, &s->pipeline);
   free(s->fences);
   free(s->cmds);
   memset(s, 0, sizeof(*s));
}

VkResult
bench_submit_reset(struct bench_submit *s, enum bench_submit_row row)
{
   VkResult result = s->device->vk.vkQueueWaitIdle(s->device->queues[0]);
   if (!kt_ok(result, "vkQueueWaitIdle (submit rows)"))
      return result;
   /* Host writes to coherent memory are visible to the device's next submit. */
   memset(s->words.map, 0, (size_t)s->count * sizeof(uint32_t));
   s->runs = 0;
   s->row = row;
   return VK_SUCCESS;
}

/* vkQueueSubmit of command buffer `index`, timed into sample->submit_ns and counted. `next`
 * (may be NULL) is the VkSubmitInfo's pNext; `signal`, when not VK_NULL_HANDLE, its one
 * signalled semaphore. */
static VkResult
submit(struct bench_submit *s, uint32_t index, const void *next, VkSemaphore signal,
       VkFence fence, struct bench_sample *sample)
{
   const VkSubmitInfo info = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = next,
      .commandBufferCount = 1,
      .pCommandBuffers = &s->cmds[index],
      .signalSemaphoreCount = signal != VK_NULL_HANDLE ? 1 : 0,
      .pSignalSemaphores = signal != VK_NULL_HANDLE ? &signal : NULL,
   };
   uint64_t start = bench_wall_ns();
   VkResult result = s->device->vk.vkQueueSubmit(s->device->queues[0], 1, &info, fence);
   sample->submit_ns += (double)(bench_wall_ns() - start);
   if (!kt_ok(result, "vkQueueSubmit (submit rows)"))
      return result;
   sample->submits++;
   sample->did.submits++;
   return VK_SUCCESS;
}

/* `count` submits, with a fence each or none, then one wait for all of them. */
static VkResult
run_many(struct bench_submit *s, uint32_t iterations, bool fences, struct bench_sample *sample)
{
   const struct VolkDeviceTable *vk = &s->device->vk;
   VkDevice device = s->device->handle;
   for (uint32_t i = 0; i < iterations; i++) {
      for (uint32_t c = 0; c < s->count; c++) {
         VkResult result = submit(s, c, NULL, VK_NULL_HANDLE,
                                  fences ? s->fences[c] : VK_NULL_HANDLE, sample);
         if (result != VK_SUCCESS)
            return result;
      }
      VkResult result;
      if (fences) {
         result = vk->vkWaitForFences(device, s->count, s->fences, VK_TRUE, KT_FENCE_TIMEOUT_NS);
         if (!kt_ok(result, "vkWaitForFences (submit-fences)"))
            return result;
         result = vk->vkResetFences(device, s->count, s->fences);
         if (!kt_ok(result, "vkResetFences (submit-fences)"))
            return result;
      } else {
         result = vk->vkQueueWaitIdle(s->device->queues[0]);
         if (!kt_ok(result, "vkQueueWaitIdle (submit-nofence)"))
            return result;
      }
      s->runs++;
      sample->units++;
   }
   return VK_SUCCESS;
}

static VkResult
run_roundtrip_fence(struct bench_submit *s, uint32_t iterations, struct bench_sample *sample)
{
   const struct VolkDeviceTable *vk = &s->device->vk;
   for (uint32_t i = 0; i < iterations; i++) {
      VkResult result = submit(s, 0, NULL, VK_NULL_HANDLE, s->fences[0], sample);
      if (result != VK_SUCCESS)
         return result;
      result = vk->vkWaitForFences(s->device->handle, 1, &s->fences[0], VK_TRUE,
                                   KT_FENCE_TIMEOUT_NS);
      if (!kt_ok(result, "vkWaitForFences (roundtrip-fence)"))
         return result;
      result = vk->vkResetFences(s->device->handle, 1, &s->fences[0]);
      if (!kt_ok(result, "vkResetFences (roundtrip-fence)"))
         return result;
      s->runs++;
      sample->units++;
   }
   return VK_SUCCESS;
}

static VkResult
run_roundtrip_timeline(struct bench_submit *s, uint32_t iterations, struct bench_sample *sample)
{
   for (uint32_t i = 0; i < iterations; i++) {
      const uint64_t value = s->timeline_value + 1;
      const VkTimelineSemaphoreSubmitInfo timeline = {
         .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
         .signalSemaphoreValueCount = 1,
         .pSignalSemaphoreValues = &value,
      };
      VkResult result = submit(s, 0, &timeline, s->timeline, VK_NULL_HANDLE, sample);
      if (result != VK_SUCCESS)
         return result;
      s->timeline_value = value;
      const VkSemaphoreWaitInfo wait = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
         .semaphoreCount = 1,
         .pSemaphores = &s->timeline,
         .pValues = &value,
      };
      result = s->device->vk.vkWaitSemaphores(s->device->handle, &wait, KT_FENCE_TIMEOUT_NS);
      if (!kt_ok(result, "vkWaitSemaphores (roundtrip-timeline)"))
         return result;
      s->runs++;
      sample->units++;
   }
   return VK_SUCCESS;
}

/* The measured submit writes word 0; with `busy`, BENCH_SUBMIT_BUSY_AHEAD submits of command
 * buffers 1, 2, ... go first (no fence, nothing waits on them), so the queue is busy when it
 * comes: what batching's time bound adds shows here, where an idle queue is flushed at once. */
static VkResult
run_unobserved(struct bench_submit *s, uint32_t iterations, bool busy,
               struct bench_sample *sample)
{
   const struct VolkDeviceTable *vk = &s->device->vk;
   const volatile uint32_t *word = s->words.map;
   sample->latency_ns = 0.0;
   for (uint32_t i = 0; i < iterations; i++) {
      const uint32_t expected = (uint32_t)(s->runs + 1);
      for (uint32_t b = 1; busy && b <= BENCH_SUBMIT_BUSY_AHEAD; b++) {
         VkResult result = submit(s, b, NULL, VK_NULL_HANDLE, VK_NULL_HANDLE, sample);
         if (result != VK_SUCCESS)
            return result;
      }
      uint64_t start = bench_wall_ns();
      VkResult result = submit(s, 0, NULL, VK_NULL_HANDLE, s->fences[0], sample);
      if (result != VK_SUCCESS)
         return result;
      /* No Vulkan call until the value shows: nothing observes the submit. */
      bool timed_out = false;
      while (*word != expected) {
         if (bench_wall_ns() - start > BENCH_SUBMIT_SPIN_LIMIT_NS) {
            timed_out = true;
            break;
         }
      }
      uint64_t seen = bench_wall_ns();
      uint32_t got = *word;
      /* Clean-up, outside the latency. */
      result = vk->vkWaitForFences(s->device->handle, 1, &s->fences[0], VK_TRUE,
                                   KT_FENCE_TIMEOUT_NS);
      if (!kt_ok(result, "vkWaitForFences (unobserved-latency)"))
         return result;
      result = vk->vkResetFences(s->device->handle, 1, &s->fences[0]);
      if (!kt_ok(result, "vkResetFences (unobserved-latency)"))
         return result;
      if (timed_out) {
         kt_error("unobserved-latency on %s: the mapped word still read %" PRIu32
                  " %.0f ms after vkQueueSubmit (expected %" PRIu32 "; after the fence wait: "
                  "%" PRIu32 "): unobserved work was not submitted in time",
                  s->device->physical->properties.deviceName, got,
                  BENCH_SUBMIT_SPIN_LIMIT_NS / 1e6, expected, *word);
         return VK_TIMEOUT;
      }
      sample->latency_ns += (double)(seen - start);
      s->runs++;
      sample->units++;
   }
   return VK_SUCCESS;
}

VkResult
bench_submit_run(void *context, uint32_t iterations, struct bench_sample *sample)
{
   struct bench_submit *s = context;
   sample->record_ns = NAN;
   sample->gpu_ns = NAN;
   switch (s->row) {
   case BENCH_SUBMIT_FENCES:
      return run_many(s, iterations, true, sample);
   case BENCH_SUBMIT_NOFENCE:
      return run_many(s, iterations, false, sample);
   case BENCH_SUBMIT_ROUNDTRIP_FENCE:
      return run_roundtrip_fence(s, iterations, sample);
   case BENCH_SUBMIT_ROUNDTRIP_TIMELINE:
      if (s->timeline == VK_NULL_HANDLE)
         return VK_ERROR_FEATURE_NOT_PRESENT;
      return run_roundtrip_timeline(s, iterations, sample);
   case BENCH_SUBMIT_UNOBSERVED_LATENCY:
      return run_unobserved(s, iterations, false, sample);
   case BENCH_SUBMIT_UNOBSERVED_BUSY:
      if (s->count <= BENCH_SUBMIT_BUSY_AHEAD)
         return VK_ERROR_FEATURE_NOT_PRESENT;
      return run_unobserved(s, iterations, true, sample);
   }
   return VK_ERROR_INITIALIZATION_FAILED;
}

uint32_t
bench_submit_per_unit(const struct bench_submit *s, enum bench_submit_row row)
{
   return row == BENCH_SUBMIT_FENCES || row == BENCH_SUBMIT_NOFENCE ? s->count : 1;
}

uint32_t
bench_submit_touched(const struct bench_submit *s, enum bench_submit_row row)
{
   if (row == BENCH_SUBMIT_UNOBSERVED_BUSY)
      return BENCH_SUBMIT_BUSY_AHEAD + 1;
   return bench_submit_per_unit(s, row);
}

bool
bench_submit_verify(struct bench_submit *s, char *why, size_t why_size)
{
   VkResult result = s->device->vk.vkQueueWaitIdle(s->device->queues[0]);
   if (!kt_ok(result, "vkQueueWaitIdle (submit rows)")) {
      snprintf(why, why_size, "vkQueueWaitIdle failed: %s", kt_result_name(result));
      return false;
   }
   const volatile uint32_t *words = s->words.map;
   uint32_t touched = bench_submit_touched(s, s->row);
   for (uint32_t i = 0; i < s->count; i++) {
      uint64_t expected = i < touched ? s->runs : 0;
      if (words[i] != expected) {
         snprintf(why, why_size,
                  "%s: word %" PRIu32 " is %" PRIu32 ", expected %" PRIu64
                  " (the submits that write it ran that many times)",
                  s->device->physical->properties.deviceName, i, words[i], expected);
         return false;
      }
   }
   return true;
}
