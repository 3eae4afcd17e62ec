/* SPDX-License-Identifier: MIT */
/* The soak's recording, descriptor set and command buffer operations (soak_ops.c says what
 * keeps them valid). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak_lane.h"

/* ---- Recording ---- */

/* What orders every transfer and compute access before it against every one after it. */
#define ALL_STAGES (VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT)
#define ALL_WRITES (VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_WRITE_BIT)
#define ALL_ACCESS                                                                                 \
   (VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT |       \
    VK_ACCESS_SHADER_WRITE_BIT)

/* The open command buffer names buffer b: b may not be destroyed before it has run, nor may it
 * run again once b was. */
static void
names_buffer(struct lane *l, int b)
{
   struct cmd_slot *c = &l->cmd[l->open];
   c->buf_gens[b] = l->buf[b].gen;
   l->buf[b].last_rec = c->rec;
}

static void
full_barrier(struct lane *l, bool sync2, int only_buffer)
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkCommandBuffer cmd = l->cmd[l->open].h[s];
      if (only_buffer < 0 && !sync2) {
         it_memory_barrier(cmd, ALL_STAGES, ALL_WRITES, ALL_STAGES, ALL_ACCESS);
      } else if (only_buffer < 0) {
         it_memory_barrier2(cmd, ALL_STAGES, ALL_WRITES, ALL_STAGES, ALL_ACCESS);
      } else if (!sync2) {
         VkBufferMemoryBarrier barrier = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
            .srcAccessMask = ALL_WRITES,
            .dstAccessMask = ALL_ACCESS,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .buffer = l->buf[only_buffer].h[s],
            .size = VK_WHOLE_SIZE,
         };
         vkCmdPipelineBarrier(cmd, ALL_STAGES, ALL_STAGES, 0, 0, NULL, 1, &barrier, 0, NULL);
      } else {
         VkBufferMemoryBarrier2 barrier = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
            .srcStageMask = ALL_STAGES,
            .srcAccessMask = ALL_WRITES,
            .dstStageMask = ALL_STAGES,
            .dstAccessMask = ALL_ACCESS,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .buffer = l->buf[only_buffer].h[s],
            .size = VK_WHOLE_SIZE,
         };
         VkDependencyInfo dep = {
            .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
            .bufferMemoryBarrierCount = 1,
            .pBufferMemoryBarriers = &barrier,
         };
         vkCmdPipelineBarrier2(cmd, &dep);
      }
   }
   for (int b = 0; b < BUF_SLOTS; b++) {
      if (only_buffer < 0 || b == only_buffer)
         l->buf[b].written = l->buf[b].read = false;
   }
   if (only_buffer >= 0)
      names_buffer(l, only_buffer);
   l->counts[SOAK_OP_barrier]++;
}

/* Before a command that reads (write false) or writes buffer b: the barrier it needs, if any,
 * of a random kind (global or on b alone, synchronization2 or not). */
static void
need(struct lane *l, int b, bool write)
{
   const struct buf_slot *x = &l->buf[b];
   if (x->written || (write && x->read))
      full_barrier(l, chance(l, 2), chance(l, 2) ? b : -1);
}

/* The model's copy of the buffers after e. */
static void
apply(struct lane *l, const struct effect *e)
{
   uint32_t *dst = l->buf[e->dst].shadow;
   const uint32_t *src =
      e->kind == EFFECT_COPY || e->kind == EFFECT_DISPATCH ? l->buf[e->src].shadow : NULL;
   switch (e->kind) {
   case EFFECT_FILL:
      for (uint32_t w = e->first; w < e->first + e->count; w++)
         dst[w] = e->value;
      break;
   case EFFECT_UPDATE:
      memcpy(dst + e->first, e->data, e->count * sizeof(uint32_t));
      break;
   case EFFECT_COPY:
      for (uint32_t k = 0; k < e->region_count; k++)
         memcpy(dst + e->regions[k].dstOffset / 4, src + e->regions[k].srcOffset / 4,
                e->regions[k].size);
      break;
   case EFFECT_DISPATCH:
      for (uint32_t w = 0; w < e->n; w++)
         dst[w] = dst[w] * e->mul + (src[w] ^ e->mask);
      break;
   }
}

/* e's accesses: what a later command must be ordered against, and the recording using them. */
static void
touch(struct lane *l, const struct effect *e, uint64_t rec)
{
   struct buf_slot *dst = &l->buf[e->dst];
   dst->written = true;
   dst->read = dst->read || e->kind == EFFECT_DISPATCH;
   dst->last_rec = rec;
   if (e->kind == EFFECT_COPY || e->kind == EFFECT_DISPATCH) {
      l->buf[e->src].read = true;
      l->buf[e->src].last_rec = rec;
   }
   if (e->kind == EFFECT_DISPATCH)
      l->set[e->set].last_rec = rec;
}

/* A command recorded in the open command buffer: its effect on the model, kept in its log. */
static void
recorded(struct lane *l, const struct effect *e)
{
   struct cmd_slot *c = &l->cmd[l->open];
   apply(l, e);
   touch(l, e, c->rec);
   names_buffer(l, e->dst);
   if (e->kind == EFFECT_COPY || e->kind == EFFECT_DISPATCH)
      names_buffer(l, e->src);
   if (e->kind == EFFECT_DISPATCH)
      c->set_versions[e->set] = l->set[e->set].version;
   c->effects[c->effect_count++] = *e;
   c->commands++;
}

int
op_begin(struct lane *l)
{
   if (l->open >= 0)
      return SKIP;
   /* One that cannot be submitted again first, so that those that can stay a while. */
   int slot = PICK(l, CMD_SLOTS, cmd_free(l, i) && !l->cmd[i].replayable);
   if (slot < 0)
      slot = PICK(l, CMD_SLOTS, cmd_free(l, i));
   if (slot < 0)
      return SKIP;
   if (l->next_rec >= l->rec_cap) {
      size_t cap = l->rec_cap ? 2 * l->rec_cap : 1024;
      uint64_t *grown = realloc(l->rec_seq, cap * sizeof(*grown));
      if (!grown) {
         mismatch(l, "host", "out of memory");
         return FAIL;
      }
      memset(grown + l->rec_cap, 0, (cap - l->rec_cap) * sizeof(*grown));
      l->rec_seq = grown;
      l->rec_cap = cap;
   }
   VkCommandBufferBeginInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = chance(l, 2) ? VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT : 0,
   };
   VkResult r[SOAK_SIDES];
   /* Begin resets the buffer implicitly (the pool has RESET_COMMAND_BUFFER_BIT). */
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkBeginCommandBuffer(l->cmd[slot].h[s], &info);
   if (!results(l, "vkBeginCommandBuffer", r, VK_SUCCESS))
      return FAIL;
   struct cmd_slot *c = &l->cmd[slot];
   c->state = CMD_RECORDING;
   c->rec = l->next_rec++;
   c->commands = 0;
   c->effect_count = 0;
   memset(c->buf_gens, 0, sizeof(c->buf_gens));
   memset(c->set_versions, 0, sizeof(c->set_versions));
   l->open = slot;
   /* Half of the others begin with a barrier ordering them after everything submitted before,
    * so that they can be submitted again later (op_resubmit). */
   c->replayable = !(info.flags & VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT) && chance(l, 2);
   if (c->replayable)
      full_barrier(l, chance(l, 2), -1);
   return DONE;
}

int
op_end(struct lane *l)
{
   if (l->open < 0)
      return SKIP;
   struct cmd_slot *c = &l->cmd[l->open];
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      /* What the host reads back after a wait must have been made visible to it. */
      if (c->commands)
         it_memory_barrier(c->h[s], ALL_STAGES, ALL_WRITES, VK_PIPELINE_STAGE_HOST_BIT,
                           VK_ACCESS_HOST_READ_BIT);
      r[s] = vkEndCommandBuffer(c->h[s]);
   }
   if (!results(l, "vkEndCommandBuffer", r, VK_SUCCESS))
      return FAIL;
   c->state = CMD_READY;
   l->ready[l->ready_count++] = l->open;
   l->open = -1;
   return DONE;
}

/* Whether command buffer i can be submitted again: executed, not one-time, begun with a global
 * barrier, and every buffer and set it uses still the one it was recorded with. */
static bool
replayable(const struct lane *l, int i)
{
   const struct cmd_slot *c = &l->cmd[i];
   if (!c->replayable || c->state != CMD_SUBMITTED || !rec_done(l, c->rec))
      return false;
   for (int b = 0; b < BUF_SLOTS; b++) {
      if (c->buf_gens[b] && (!l->buf[b].live || l->buf[b].gen != c->buf_gens[b]))
         return false;
   }
   for (int set = 0; set < SET_SLOTS; set++) {
      if (c->set_versions[set] &&
          (!l->set[set].live || l->set[set].version != c->set_versions[set]))
         return false;
   }
   return true;
}

/* Queues an executed command buffer again, after the ready ones: its effects go to the model
 * again, in the order it will run. The one recording is ended first (an operation of its own):
 * the model already holds its effects, so it must be submitted before. */
int
op_resubmit(struct lane *l)
{
   int slot = PICK(l, CMD_SLOTS, replayable(l, i));
   if (slot < 0)
      return SKIP;
   if (l->open >= 0) {
      if (step(l, SOAK_OP_end) != DONE)
         return FAIL;
      l->op_name = soak_op_names[SOAK_OP_resubmit];
   }
   struct cmd_slot *c = &l->cmd[slot];
   for (unsigned k = 0; k < c->effect_count; k++) {
      apply(l, &c->effects[k]);
      touch(l, &c->effects[k], c->rec);
   }
   for (int b = 0; b < BUF_SLOTS; b++) {
      if (c->buf_gens[b])
         l->buf[b].last_rec = c->rec; /* its buffer barriers too */
   }
   l->rec_seq[c->rec] = 0; /* not submitted again yet */
   c->state = CMD_READY;
   l->ready[l->ready_count++] = slot;
   return DONE;
}

int
op_fill(struct lane *l)
{
   int b = PICK(l, BUF_SLOTS, l->buf[i].live);
   if (b < 0)
      return SKIP;
   struct buf_slot *x = &l->buf[b];
   uint32_t first = (uint32_t)rnd(l, x->words);
   bool whole = chance(l, 4);
   uint32_t count = whole ? x->words - first : 1 + (uint32_t)rnd(l, x->words - first);
   uint32_t value = (uint32_t)it_random(&l->rng);
   need(l, b, true);
   for (int s = 0; s < SOAK_SIDES; s++)
      vkCmdFillBuffer(l->cmd[l->open].h[s], x->h[s], first * 4ull,
                      whole ? VK_WHOLE_SIZE : count * 4ull, value);
   struct effect e = {
      .kind = EFFECT_FILL, .dst = b, .first = first, .count = count, .value = value};
   recorded(l, &e);
   return DONE;
}

int
op_update(struct lane *l)
{
   int b = PICK(l, BUF_SLOTS, l->buf[i].live);
   if (b < 0)
      return SKIP;
   struct buf_slot *x = &l->buf[b];
   struct effect e = {.kind = EFFECT_UPDATE, .dst = b};
   e.first = (uint32_t)rnd(l, x->words);
   uint32_t room = x->words - e.first < 64 ? x->words - e.first : 64;
   e.count = 1 + (uint32_t)rnd(l, room);
   for (uint32_t w = 0; w < e.count; w++)
      e.data[w] = (uint32_t)it_random(&l->rng);
   need(l, b, true);
   for (int s = 0; s < SOAK_SIDES; s++)
      vkCmdUpdateBuffer(l->cmd[l->open].h[s], x->h[s], e.first * 4ull, e.count * 4ull, e.data);
   recorded(l, &e);
   return DONE;
}

int
op_copy(struct lane *l)
{
   int a = PICK(l, BUF_SLOTS, l->buf[i].live);
   int b = a < 0 ? -1 : PICK(l, BUF_SLOTS, l->buf[i].live && i != a);
   if (b < 0)
      return SKIP;
   struct buf_slot *src = &l->buf[a], *dst = &l->buf[b];
   struct effect e = {.kind = EFFECT_COPY, .src = a, .dst = b};
   /* Up to 3 regions, each inside its own third of the destination: they never overlap. */
   uint32_t count = 1 + (uint32_t)rnd(l, 3);
   if (dst->words < 3)
      count = 1;
   VkBufferCopy *regions = e.regions;
   e.region_count = count;
   uint32_t chunk = dst->words / count;
   for (uint32_t k = 0; k < count; k++) {
      uint32_t dst_first = k * chunk + (uint32_t)rnd(l, chunk);
      uint32_t room = (k + 1) * chunk - dst_first;
      if (room > src->words)
         room = src->words;
      uint32_t words = 1 + (uint32_t)rnd(l, room);
      uint32_t src_first = (uint32_t)rnd(l, src->words - words + 1);
      regions[k] = (VkBufferCopy){src_first * 4ull, dst_first * 4ull, words * 4ull};
   }
   need(l, a, false);
   need(l, b, true);
   for (int s = 0; s < SOAK_SIDES; s++)
      vkCmdCopyBuffer(l->cmd[l->open].h[s], src->h[s], dst->h[s], count, regions);
   recorded(l, &e);
   return DONE;
}

/* A set naming buffers x and y: one that already does, else one whose last use has completed
 * (rewritten), else a new one; -1 when none can be had now, -2 on a mismatch. */
static int
set_for(struct lane *l, int x, int y)
{
   const struct buf_slot *bx = &l->buf[x], *by = &l->buf[y];
   int slot = PICK(l, SET_SLOTS,
                   l->set[i].live && l->set[i].x == x && l->set[i].y == y &&
                      l->set[i].xgen == bx->gen && l->set[i].ygen == by->gen);
   if (slot >= 0 && !chance(l, 8))
      return slot;
   slot = PICK(l, SET_SLOTS, !l->set[i].live || rec_done(l, l->set[i].last_rec));
   if (slot < 0)
      return -1;
   struct set_slot *set = &l->set[slot];
   VkResult r[SOAK_SIDES];
   if (!set->live) {
      for (int s = 0; s < SOAK_SIDES; s++) {
         r[s] = it_allocate_sets(l->run->sides[s].device, l->desc_pool[s],
                                 &l->run->sides[s].set_layout, 1, &set->h[s]);
         if (r[s] != VK_SUCCESS)
            set->h[s] = VK_NULL_HANDLE;
      }
      l->counts[SOAK_OP_alloc_set]++;
      if (!results(l, "vkAllocateDescriptorSets", r, VK_SUCCESS))
         return -2;
      set->live = true;
   }
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDescriptorBufferInfo infos[2] = {
         {bx->h[s], 0, VK_WHOLE_SIZE},
         {by->h[s], 0, VK_WHOLE_SIZE},
      };
      it_write_storage_buffers(l->run->sides[s].device, set->h[s], infos, 2);
   }
   l->counts[SOAK_OP_update_set]++;
   set->version = ++l->next_version;
   set->x = x;
   set->y = y;
   set->xgen = bx->gen;
   set->ygen = by->gen;
   return slot;
}

int
op_dispatch(struct lane *l)
{
   int x = PICK(l, BUF_SLOTS, l->buf[i].live);
   int y = x < 0 ? -1 : PICK(l, BUF_SLOTS, l->buf[i].live && i != x);
   if (y < 0)
      return SKIP;
   int set = set_for(l, x, y);
   if (set == -2)
      return FAIL;
   if (set < 0)
      return SKIP;
   struct buf_slot *bx = &l->buf[x], *by = &l->buf[y];
   uint32_t limit = bx->words < by->words ? bx->words : by->words;
   if (limit > 4096)
      limit = 4096;
   struct {
      uint32_t n, mul, mask;
   } push;
   push.n = 1 + (uint32_t)rnd(l, limit);
   push.mul = (uint32_t)it_random(&l->rng) | 1;
   push.mask = (uint32_t)it_random(&l->rng);
   uint32_t groups = 1 + (uint32_t)rnd(l, 4);
   need(l, x, false);
   need(l, y, true);
   for (int s = 0; s < SOAK_SIDES; s++) {
      const struct soak_side *side = &l->run->sides[s];
      VkCommandBuffer cmd = l->cmd[l->open].h[s];
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, side->pipeline);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, side->pipeline_layout, 0, 1,
                              &l->set[set].h[s], 0, NULL);
      vkCmdPushConstants(cmd, side->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push),
                         &push);
      vkCmdDispatch(cmd, groups, 1, 1);
   }
   struct effect e = {.kind = EFFECT_DISPATCH,
                      .src = x,
                      .dst = y,
                      .n = push.n,
                      .mul = push.mul,
                      .mask = push.mask,
                      .set = set};
   recorded(l, &e);
   return DONE;
}

/* Barriers nothing needs: global or on one buffer (these order everything, so they also stand
 * for the needed ones), execution-only, or to the host. */
int
op_barrier(struct lane *l)
{
   unsigned kind = (unsigned)rnd(l, 4);
   if (kind == 0) {
      full_barrier(l, chance(l, 2), -1);
      l->counts[SOAK_OP_barrier]--; /* step counts it */
   } else if (kind == 1) {
      int b = PICK(l, BUF_SLOTS, l->buf[i].live);
      if (b < 0)
         return SKIP;
      full_barrier(l, chance(l, 2), b);
      l->counts[SOAK_OP_barrier]--;
   } else {
      for (int s = 0; s < SOAK_SIDES; s++) {
         VkCommandBuffer cmd = l->cmd[l->open].h[s];
         if (kind == 2)
            vkCmdPipelineBarrier(cmd, ALL_STAGES, ALL_STAGES, 0, 0, NULL, 0, NULL, 0, NULL);
         else
            it_memory_barrier(cmd, ALL_STAGES, ALL_WRITES, VK_PIPELINE_STAGE_HOST_BIT,
                              VK_ACCESS_HOST_READ_BIT);
      }
   }
   l->cmd[l->open].commands++;
   return DONE;
}

/* Records a command buffer and resets it without submitting it. */
int
op_discard_cmd(struct lane *l)
{
   int slot = PICK(l, CMD_SLOTS, i != l->open && cmd_free(l, i));
   int b = PICK(l, BUF_SLOTS, l->buf[i].live);
   if (slot < 0 || b < 0)
      return SKIP;
   const VkCommandBufferBeginInfo info = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = vkBeginCommandBuffer(l->cmd[slot].h[s], &info);
      if (r[s] == VK_SUCCESS) {
         vkCmdFillBuffer(l->cmd[slot].h[s], l->buf[b].h[s], 0, VK_WHOLE_SIZE, 0xdeadbeef);
         r[s] = vkEndCommandBuffer(l->cmd[slot].h[s]);
      }
   }
   if (!results(l, "vkBeginCommandBuffer + vkEndCommandBuffer", r, VK_SUCCESS))
      return FAIL;
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetCommandBuffer(l->cmd[slot].h[s], 0);
   l->cmd[slot].state = CMD_IDLE;
   return results(l, "vkResetCommandBuffer", r, VK_SUCCESS) ? DONE : FAIL;
}

int
op_reset_cmd(struct lane *l)
{
   int slot = PICK(l, CMD_SLOTS, i != l->open && cmd_free(l, i));
   if (slot < 0)
      return SKIP;
   VkCommandBufferResetFlags flags =
      chance(l, 2) ? VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT : 0;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetCommandBuffer(l->cmd[slot].h[s], flags);
   l->cmd[slot].state = CMD_IDLE;
   return results(l, "vkResetCommandBuffer", r, VK_SUCCESS) ? DONE : FAIL;
}

/* After what is recorded has been submitted and has run (settle: operations of their own). */
int
op_reset_cmd_pool(struct lane *l)
{
   if (!settle(l))
      return FAIL;
   l->op_name = soak_op_names[SOAK_OP_reset_cmd_pool];
   VkCommandPoolResetFlags flags = chance(l, 2) ? VK_COMMAND_POOL_RESET_RELEASE_RESOURCES_BIT : 0;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetCommandPool(l->run->sides[s].device, l->cmd_pool[s], flags);
   for (int i = 0; i < CMD_SLOTS; i++)
      l->cmd[i].state = CMD_IDLE;
   return results(l, "vkResetCommandPool", r, VK_SUCCESS) ? DONE : FAIL;
}

int
op_realloc_cmd(struct lane *l)
{
   int slot = PICK(l, CMD_SLOTS, i != l->open && cmd_free(l, i));
   if (slot < 0)
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      vkFreeCommandBuffers(device, l->cmd_pool[s], 1, &l->cmd[slot].h[s]);
      r[s] = it_allocate_command_buffers(device, l->cmd_pool[s], VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                         &l->cmd[slot].h[s]);
      if (r[s] != VK_SUCCESS)
         l->cmd[slot].h[s] = VK_NULL_HANDLE;
   }
   l->cmd[slot].state = CMD_IDLE;
   return results(l, "vkAllocateCommandBuffers", r, VK_SUCCESS) ? DONE : FAIL;
}

/* ---- Descriptor pools ---- */

int
create_desc_pool(struct lane *l)
{
   l->desc_pool_frees = chance(l, 2);
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * SET_SLOTS};
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = it_create_descriptor_pool(
         l->run->sides[s].device,
         l->desc_pool_frees ? VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT : 0, SET_SLOTS,
         &size, 1, NULL, &l->desc_pool[s]);
      if (r[s] != VK_SUCCESS)
         l->desc_pool[s] = VK_NULL_HANDLE;
   }
   return results(l, "vkCreateDescriptorPool", r, VK_SUCCESS) ? DONE : FAIL;
}

static bool
sets_idle(const struct lane *l)
{
   for (int i = 0; i < SET_SLOTS; i++) {
      if (l->set[i].live && !rec_done(l, l->set[i].last_rec))
         return false;
   }
   return true;
}

static void
forget_sets(struct lane *l)
{
   for (int i = 0; i < SET_SLOTS; i++)
      memset(&l->set[i], 0, sizeof(l->set[i]));
}

int
op_free_set(struct lane *l)
{
   int slot = PICK(l, SET_SLOTS, l->set[i].live && rec_done(l, l->set[i].last_rec));
   if (slot < 0 || !l->desc_pool_frees)
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkFreeDescriptorSets(l->run->sides[s].device, l->desc_pool[s], 1, &l->set[slot].h[s]);
   memset(&l->set[slot], 0, sizeof(l->set[slot]));
   return results(l, "vkFreeDescriptorSets", r, VK_SUCCESS) ? DONE : FAIL;
}

int
op_reset_desc_pool(struct lane *l)
{
   if (!sets_idle(l))
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetDescriptorPool(l->run->sides[s].device, l->desc_pool[s], 0);
   forget_sets(l);
   return results(l, "vkResetDescriptorPool", r, VK_SUCCESS) ? DONE : FAIL;
}

int
op_recreate_desc_pool(struct lane *l)
{
   if (!sets_idle(l))
      return SKIP;
   for (int s = 0; s < SOAK_SIDES; s++)
      vkDestroyDescriptorPool(l->run->sides[s].device, l->desc_pool[s], NULL);
   forget_sets(l);
   return create_desc_pool(l);
}

int
create_cmd_pool(struct lane *l)
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = it_create_command_pool(l->run->sides[s].device, 0,
                                    VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL,
                                    &l->cmd_pool[s]);
      if (r[s] != VK_SUCCESS)
         l->cmd_pool[s] = VK_NULL_HANDLE;
   }
   if (!results(l, "vkCreateCommandPool", r, VK_SUCCESS))
      return FAIL;
   for (int i = 0; i < CMD_SLOTS; i++) {
      l->cmd[i].state = CMD_IDLE;
      l->cmd[i].replayable = false;
      for (int s = 0; s < SOAK_SIDES; s++)
         r[s] = it_allocate_command_buffers(l->run->sides[s].device, l->cmd_pool[s],
                                            VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &l->cmd[i].h[s]);
      if (!results(l, "vkAllocateCommandBuffers", r, VK_SUCCESS))
         return FAIL;
   }
   return DONE;
}

/* After what is recorded has been submitted and has run (settle), the pool and its command
 * buffers destroyed and made again. */
int
op_recreate_cmd_pool(struct lane *l)
{
   if (!settle(l))
      return FAIL;
   l->op_name = soak_op_names[SOAK_OP_recreate_cmd_pool];
   for (int s = 0; s < SOAK_SIDES; s++) {
      vkDestroyCommandPool(l->run->sides[s].device, l->cmd_pool[s], NULL);
      l->cmd_pool[s] = VK_NULL_HANDLE;
   }
   return create_cmd_pool(l);
}
