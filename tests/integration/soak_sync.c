/* SPDX-License-Identifier: MIT */
/* The soak's submits, fences, semaphores and idle waits (soak_ops.c says what keeps them
 * valid and which results are deterministic). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak_lane.h"

/* ---- Submits and waits ---- */

/* One operation's submits, decided before they run on either device. */
struct submit_plan {
   unsigned count; /* command buffers, from the front of the ready list */
   unsigned mode;  /* 0: one batch; 1: two batches, a binary semaphore between them, one call;
                    * 2: the same in two calls; 3: one batch with vkQueueSubmit2 */
   int binary;     /* the binary semaphore of modes 1 and 2 */
   int fence;      /* -1: none */
   bool signal_progress, wait_gate;
   uint64_t wait_progress; /* 0: none */
};

static VkResult
submit_on(struct lane *l, int s, const struct submit_plan *p, VkCommandBuffer *cmds)
{
   struct soak_side *side = &l->run->sides[s];
   VkFence fence = p->fence >= 0 ? l->fence[p->fence].h[s] : VK_NULL_HANDLE;
   /* Waits go to the first batch, signals to the last. */
   VkSemaphore waits[2];
   uint64_t wait_values[2];
   VkPipelineStageFlags wait_stages[2] = {VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT};
   uint32_t wait_count = 0;
   if (p->wait_progress) {
      waits[wait_count] = l->progress[s];
      wait_values[wait_count++] = p->wait_progress;
   }
   if (p->wait_gate) {
      waits[wait_count] = l->gate[s];
      wait_values[wait_count++] = l->gate_value + 1;
   }
   uint64_t signal_value = l->progress_value + 1;
   VkTimelineSemaphoreSubmitInfo first_values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = wait_count,
      .pWaitSemaphoreValues = wait_values,
   };
   VkTimelineSemaphoreSubmitInfo last_values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = p->signal_progress,
      .pSignalSemaphoreValues = &signal_value,
   };
   VkResult result;
   if (p->mode == 3) {
      VkSemaphoreSubmitInfo wait_infos[2], signal_info = {
                                              .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
                                              .semaphore = l->progress[s],
                                              .value = signal_value,
                                              .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                           };
      VkCommandBufferSubmitInfo cmd_infos[CMD_SLOTS];
      for (uint32_t w = 0; w < wait_count; w++)
         wait_infos[w] = (VkSemaphoreSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
            .semaphore = waits[w],
            .value = wait_values[w],
            .stageMask = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_2_TRANSFER_BIT,
         };
      for (unsigned c = 0; c < p->count; c++)
         cmd_infos[c] = (VkCommandBufferSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
            .commandBuffer = cmds[c],
         };
      VkSubmitInfo2 info = {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
         .waitSemaphoreInfoCount = wait_count,
         .pWaitSemaphoreInfos = wait_infos,
         .commandBufferInfoCount = p->count,
         .pCommandBufferInfos = cmd_infos,
         .signalSemaphoreInfoCount = p->signal_progress,
         .pSignalSemaphoreInfos = &signal_info,
      };
      pthread_mutex_lock(&side->queue_lock);
      result = vkQueueSubmit2(side->queue, 1, &info, fence);
      pthread_mutex_unlock(&side->queue_lock);
      return result;
   }
   unsigned split = p->mode == 0 ? p->count : p->count / 2;
   VkSubmitInfo infos[2] = {
      {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .pNext = &first_values,
         .waitSemaphoreCount = wait_count,
         .pWaitSemaphores = waits,
         .pWaitDstStageMask = wait_stages,
         .commandBufferCount = split,
         .pCommandBuffers = cmds,
      },
      {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .commandBufferCount = p->count - split,
         .pCommandBuffers = cmds + split,
      },
   };
   VkSemaphore binary = p->mode ? l->binary[p->binary][s] : VK_NULL_HANDLE;
   VkPipelineStageFlags binary_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   VkSubmitInfo *last = p->mode ? &infos[1] : &infos[0];
   if (p->mode) {
      infos[0].signalSemaphoreCount = 1;
      infos[0].pSignalSemaphores = &binary;
      infos[1].waitSemaphoreCount = 1;
      infos[1].pWaitSemaphores = &binary;
      infos[1].pWaitDstStageMask = &binary_stage;
   }
   VkSemaphore progress = l->progress[s];
   if (p->signal_progress) {
      last->signalSemaphoreCount = 1;
      last->pSignalSemaphores = &progress;
      /* The first batch's chain holds its waits' values: the last one's, its signal's. */
      if (last == &infos[0]) {
         first_values.signalSemaphoreValueCount = 1;
         first_values.pSignalSemaphoreValues = &signal_value;
      } else {
         last->pNext = &last_values;
      }
   }
   pthread_mutex_lock(&side->queue_lock);
   if (p->mode == 2) {
      result = vkQueueSubmit(side->queue, 1, &infos[0], VK_NULL_HANDLE);
      if (result == VK_SUCCESS)
         result = vkQueueSubmit(side->queue, 1, &infos[1], fence);
   } else {
      result = vkQueueSubmit(side->queue, p->mode ? 2 : 1, infos, fence);
   }
   pthread_mutex_unlock(&side->queue_lock);
   return result;
}

int
op_submit(struct lane *l)
{
   struct submit_plan p = {.fence = -1, .binary = -1};
   unsigned most = l->ready_count < 3 ? l->ready_count : 3;
   p.count = (unsigned)rnd(l, most + 1);
   p.mode = (unsigned)rnd(l, 4);
   if (p.mode == 1 || p.mode == 2) {
      p.binary = PICK(l, 2, l->binary_seq[i] <= l->idle_seq);
      if (p.binary < 0)
         p.mode = 0;
   }
   if (chance(l, 2))
      p.fence = PICK(l, FENCE_SLOTS, l->fence[i].state == FENCE_UNSIGNALED);
   p.signal_progress = chance(l, 2);
   /* Not with a binary semaphore: Mesa's common queue code (lavapipe's) makes a submit that
    * signals one return only once its batch can run, after the gate's signal that this
    * operation makes after the submit returns. */
   p.wait_gate = p.binary < 0 && chance(l, 6);
   if (l->ring_count && chance(l, 4))
      p.wait_progress = l->ring[rnd(l, l->ring_count)].value;
   VkCommandBuffer cmds[SOAK_SIDES][CMD_SLOTS];
   for (unsigned c = 0; c < p.count; c++) {
      for (int s = 0; s < SOAK_SIDES; s++)
         cmds[s][c] = l->cmd[l->ready[c]].h[s];
   }
   VkResult r[SOAK_SIDES], signal[SOAK_SIDES] = {VK_SUCCESS, VK_SUCCESS};
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = submit_on(l, s, &p, cmds[s]);
      if (p.wait_gate) {
         /* Released at once, from the host, whatever the submit returned. */
         VkSemaphoreSignalInfo info = {
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
            .semaphore = l->gate[s],
            .value = l->gate_value + 1,
         };
         signal[s] = vkSignalSemaphore(l->run->sides[s].device, &info);
      }
   }
   if (p.wait_gate)
      l->gate_value++;
   /* The model: one seq per vkQueueSubmit call (mode 2 makes two). */
   uint64_t seq = l->submit_seq + (p.mode == 2 ? 2 : 1);
   l->submit_seq = seq;
   for (unsigned c = 0; c < p.count; c++) {
      struct cmd_slot *cmd = &l->cmd[l->ready[c]];
      cmd->state = CMD_SUBMITTED;
      l->rec_seq[cmd->rec] = seq;
   }
   memmove(l->ready, l->ready + p.count, (l->ready_count - p.count) * sizeof(l->ready[0]));
   l->ready_count -= p.count;
   if (p.fence >= 0) {
      l->fence[p.fence].state = FENCE_PENDING;
      l->fence[p.fence].seq = seq;
   }
   if (p.binary >= 0)
      l->binary_seq[p.binary] = seq;
   if (p.signal_progress) {
      l->progress_known = false;
      l->progress_value++;
      l->ring[l->ring_next].value = l->progress_value;
      l->ring[l->ring_next].seq = seq;
      l->ring_next = (l->ring_next + 1) % RING;
      if (l->ring_count < RING)
         l->ring_count++;
   }
   static const char *const names[] = {"vkQueueSubmit", "vkQueueSubmit (two batches)",
                                       "vkQueueSubmit (twice)", "vkQueueSubmit2"};
   if (!results(l, names[p.mode], r, VK_SUCCESS))
      return FAIL;
   return !p.wait_gate || results(l, "vkSignalSemaphore", signal, VK_SUCCESS) ? DONE : FAIL;
}

int
op_wait_fences(struct lane *l)
{
   int picked[3];
   unsigned count = 0, want = 1 + (unsigned)rnd(l, 3);
   unsigned start = (unsigned)rnd(l, FENCE_SLOTS);
   for (unsigned k = 0; k < FENCE_SLOTS && count < want; k++) {
      int f = (int)((start + k) % FENCE_SLOTS);
      if (l->fence[f].state != FENCE_UNSIGNALED)
         picked[count++] = f;
   }
   if (!count)
      return SKIP;
   VkBool32 all = count == 1 || chance(l, 2);
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkFence fences[3];
      for (unsigned k = 0; k < count; k++)
         fences[k] = l->fence[picked[k]].h[s];
      r[s] = vkWaitForFences(l->run->sides[s].device, count, fences, all, IT_TIMEOUT_NS);
   }
   if (!results(l, "vkWaitForFences", r, VK_SUCCESS))
      return FAIL;
   /* With waitAll false, which one signalled is timing: the model learns nothing. */
   if (all) {
      for (unsigned k = 0; k < count; k++) {
         l->fence[picked[k]].state = FENCE_SIGNALED;
         completed(l, l->fence[picked[k]].seq);
      }
   }
   return DONE;
}

int
op_fence_status(struct lane *l)
{
   int f = PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING);
   if (f < 0)
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkGetFenceStatus(l->run->sides[s].device, l->fence[f].h[s]);
   return results(l, "vkGetFenceStatus", r,
                  l->fence[f].state == FENCE_SIGNALED ? VK_SUCCESS : VK_NOT_READY)
             ? DONE
             : FAIL;
}

int
op_reset_fences(struct lane *l)
{
   int f = PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING);
   int g = f < 0 ? -1 : PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING && i != f);
   if (f < 0)
      return SKIP;
   unsigned count = g >= 0 && chance(l, 2) ? 2 : 1;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkFence fences[2] = {l->fence[f].h[s], g >= 0 ? l->fence[g].h[s] : VK_NULL_HANDLE};
      r[s] = vkResetFences(l->run->sides[s].device, count, fences);
   }
   l->fence[f].state = FENCE_UNSIGNALED;
   if (count == 2)
      l->fence[g].state = FENCE_UNSIGNALED;
   return results(l, "vkResetFences", r, VK_SUCCESS) ? DONE : FAIL;
}

int
create_fence(struct lane *l, int f)
{
   bool signaled = chance(l, 3);
   VkFenceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
      .flags = signaled ? VK_FENCE_CREATE_SIGNALED_BIT : 0,
   };
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = vkCreateFence(l->run->sides[s].device, &info, NULL, &l->fence[f].h[s]);
      if (r[s] != VK_SUCCESS)
         l->fence[f].h[s] = VK_NULL_HANDLE;
   }
   l->fence[f].state = signaled ? FENCE_SIGNALED : FENCE_UNSIGNALED;
   l->fence[f].seq = 0;
   return results(l, "vkCreateFence", r, VK_SUCCESS) ? DONE : FAIL;
}

int
op_recycle_fence(struct lane *l)
{
   int f = PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING);
   if (f < 0)
      return SKIP;
   for (int s = 0; s < SOAK_SIDES; s++)
      vkDestroyFence(l->run->sides[s].device, l->fence[f].h[s], NULL);
   return create_fence(l, f);
}

/* Both counters against the model; the progress one only once its last signal was waited for. */
int
check_counters(struct lane *l)
{
   for (int which = 0; which < 2; which++) {
      if (which == 1 && !l->progress_known)
         break;
      uint64_t value[SOAK_SIDES];
      VkResult r[SOAK_SIDES];
      for (int s = 0; s < SOAK_SIDES; s++)
         r[s] = vkGetSemaphoreCounterValue(l->run->sides[s].device,
                                           which ? l->progress[s] : l->gate[s], &value[s]);
      l->counts[SOAK_OP_counter_value]++;
      if (!results(l, "vkGetSemaphoreCounterValue", r, VK_SUCCESS))
         return FAIL;
      uint64_t want = which ? l->progress_value : l->gate_value;
      if (value[0] != want || value[1] != want) {
         mismatch(l, which ? "progress counter" : "gate counter",
                  "vendor %" PRIu64 ", kronos %" PRIu64 ", expected %" PRIu64, value[0], value[1],
                  want);
         return FAIL;
      }
   }
   return DONE;
}

int
op_wait_semaphores(struct lane *l)
{
   if (!l->ring_count)
      return SKIP;
   /* The latest value half the time, else any remembered one. */
   unsigned latest = (l->ring_next + RING - 1) % RING;
   unsigned k = chance(l, 2) ? latest : (unsigned)rnd(l, l->ring_count);
   bool any = chance(l, 4);
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      /* With WAIT_ANY, the gate (already at its value) satisfies it at once. */
      VkSemaphore semaphores[2] = {l->progress[s], l->gate[s]};
      uint64_t values[2] = {l->ring[k].value, l->gate_value};
      VkSemaphoreWaitInfo info = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
         .flags = any ? VK_SEMAPHORE_WAIT_ANY_BIT : 0,
         .semaphoreCount = any ? 2 : 1,
         .pSemaphores = semaphores,
         .pValues = values,
      };
      r[s] = vkWaitSemaphores(l->run->sides[s].device, &info, IT_TIMEOUT_NS);
   }
   if (!results(l, "vkWaitSemaphores", r, VK_SUCCESS))
      return FAIL;
   if (!any) {
      completed(l, l->ring[k].seq);
      /* Its latest value: no signal of it is left pending. */
      if (l->ring[k].value == l->progress_value)
         l->progress_known = true;
   }
   return check_counters(l);
}

int
op_host_signal(struct lane *l)
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkSemaphoreSignalInfo info = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
         .semaphore = l->gate[s],
         .value = l->gate_value + 1,
      };
      r[s] = vkSignalSemaphore(l->run->sides[s].device, &info);
   }
   l->gate_value++;
   return results(l, "vkSignalSemaphore", r, VK_SUCCESS) ? DONE : FAIL;
}

int
op_counter_value(struct lane *l)
{
   l->counts[SOAK_OP_counter_value]--; /* check_counters counts each query */
   return check_counters(l);
}

static int
wait_idle(struct lane *l, bool device)
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      struct soak_side *side = &l->run->sides[s];
      pthread_mutex_lock(&side->queue_lock);
      r[s] = device ? vkDeviceWaitIdle(side->device) : vkQueueWaitIdle(side->queue);
      pthread_mutex_unlock(&side->queue_lock);
   }
   if (!results(l, device ? "vkDeviceWaitIdle" : "vkQueueWaitIdle", r, VK_SUCCESS))
      return FAIL;
   completed(l, l->submit_seq);
   l->idle_seq = l->submit_seq;
   l->progress_known = true;
   for (int f = 0; f < FENCE_SLOTS; f++) {
      if (l->fence[f].state == FENCE_PENDING)
         l->fence[f].state = FENCE_SIGNALED;
   }
   return DONE;
}

int
op_queue_idle(struct lane *l)
{
   return wait_idle(l, false);
}

int
op_device_idle(struct lane *l)
{
   return wait_idle(l, true);
}

int
create_semaphores(struct lane *l, uint64_t initial)
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      VkSemaphoreTypeCreateInfo timeline = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
         .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
         .initialValue = initial,
      };
      VkSemaphoreCreateInfo info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
                                    .pNext = &timeline};
      r[s] = vkCreateSemaphore(device, &info, NULL, &l->progress[s]);
      if (r[s] == VK_SUCCESS)
         r[s] = vkCreateSemaphore(device, &info, NULL, &l->gate[s]);
      info.pNext = NULL;
      for (int b = 0; b < 2 && r[s] == VK_SUCCESS; b++)
         r[s] = vkCreateSemaphore(device, &info, NULL, &l->binary[b][s]);
   }
   l->progress_value = l->gate_value = initial;
   l->progress_known = true;
   l->ring_count = l->ring_next = 0;
   l->binary_seq[0] = l->binary_seq[1] = 0;
   return results(l, "vkCreateSemaphore", r, VK_SUCCESS) ? DONE : FAIL;
}

void
destroy_semaphores(struct lane *l)
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      vkDestroySemaphore(device, l->progress[s], NULL);
      vkDestroySemaphore(device, l->gate[s], NULL);
      for (int b = 0; b < 2; b++)
         vkDestroySemaphore(device, l->binary[b][s], NULL);
      l->progress[s] = l->gate[s] = l->binary[0][s] = l->binary[1][s] = VK_NULL_HANDLE;
   }
}

/* After what is recorded has been submitted and has run (settle: no signal or wait of theirs is
 * left pending), the semaphores destroyed and made again, the timelines at a random value. */
int
op_recreate_semaphores(struct lane *l)
{
   if (!settle(l))
      return FAIL;
   l->op_name = soak_op_names[SOAK_OP_recreate_semaphores];
   destroy_semaphores(l);
   return create_semaphores(l, rnd(l, 1000));
}
