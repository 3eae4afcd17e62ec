/* SPDX-License-Identifier: MIT */
/* The hostile review of the barrier policy's replay log with 8-byte events (5ba7dcd) and of
 * vkUpdateDescriptorSets' call-free common case (c859d33), kept as a churn test: one command
 * buffer of 80 to 140 operations (dispatches through 24 descriptor sets over 5 buffers, copies
 * and fills, with exactly the barriers they need and now and then one more, vkCmdPipelineBarrier
 * and vkCmdPipelineBarrier2 alike) is recorded again and again, each time after one change:
 * an operation pointed at another set or buffers, a set rewritten with other buffers or with
 * the same ones (the update's fast loop), a set freed and allocated again (a reopened set), a
 * copy after a same-value write in one call (the fast loop, then the general path), several sets
 * written in one call, an operation inserted or deleted, a push constant changed, a barrier added
 * or removed, the command buffer freed and allocated again (a pool's spare log). So the replay
 * log diverges at every position and grows past its first capacity. After each submit every
 * buffer must equal the host's model of it, and barrier_review.sh runs the program with
 * synchronization validation above the vendor (the program's own barriers are right) and below
 * Kronos (a hazard is a barrier the replayed policy lost).
 * Environment: REPLAY_REVIEW_SEED (default 1), REPLAY_REVIEW_RECORDINGS (default 300). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barrier_review_common.h"

#define BUFFER_COUNT 5u
#define SET_COUNT 24u
#define MAX_OPERATIONS 200u

enum operation_kind { OPERATION_DISPATCH, OPERATION_COPY, OPERATION_FILL };

struct operation {
   enum operation_kind kind;
   uint32_t source, destination; /* copy and fill (a fill has no source) */
   uint32_t set;                 /* dispatch: its set, which names its buffers */
   uint32_t add;                 /* dispatch: its push constant; fill: a seventh of its value */
   bool extra_barrier;           /* a compute barrier before it that orders nothing */
   bool sync1;                   /* its barriers through vkCmdPipelineBarrier */
};

/* What a program's change between two recordings is. */
enum change {
   CHANGE_NONE,
   CHANGE_OPERATION_TARGET,
   CHANGE_SET_OTHER_BUFFERS,
   CHANGE_SET_SAME_BUFFERS,
   CHANGE_SET_REALLOCATED,
   CHANGE_INSERT,
   CHANGE_DELETE,
   CHANGE_PUSH_CONSTANT,
   CHANGE_EXTRA_BARRIER,
   CHANGE_COPY_AFTER_SAME_WRITE,
   CHANGE_SETS_IN_ONE_CALL,
   CHANGE_COMMAND_BUFFER,
   CHANGE_COUNT
};

static const char *const change_names[CHANGE_COUNT] = {
   "none",    "operation target", "set: other buffers", "set: same buffers",
   "set reallocated", "insert", "delete", "push constant", "extra barrier",
   "copy after a same-value write", "sets in one call", "command buffer again"};

/* The barrier an operation needs before it. */
enum need { NEED_NONE, NEED_COMPUTE, NEED_FULL };

static struct {
   uint64_t random;
   struct it_host_buffer *buffers[BUFFER_COUNT];
   VkDescriptorSet sets[SET_COUNT];
   uint32_t set_buffers[SET_COUNT][2]; /* binding 0 (read), binding 1 (written) */
   struct operation operations[MAX_OPERATIONS];
   uint32_t operation_count;
   uint32_t model[BUFFER_COUNT][WORDS];
} t;

static uint32_t
roll(uint32_t n)
{
   t.random = t.random * 6364136223846793005ull + 1442695040888963407ull;
   return (uint32_t)((t.random >> 33) % n);
}

static void
two_buffers(uint32_t pair[2])
{
   pair[0] = roll(BUFFER_COUNT);
   do
      pair[1] = roll(BUFFER_COUNT);
   while (pair[1] == pair[0]);
}

/* Set k's two bindings as two writes of one descriptor each (the fast loop's kind). */
static void
set_writes(uint32_t k, VkWriteDescriptorSet writes[2], VkDescriptorBufferInfo infos[2])
{
   for (uint32_t b = 0; b < 2; b++) {
      infos[b] = (VkDescriptorBufferInfo){t.buffers[t.set_buffers[k][b]]->buffer, 0, BYTES};
      writes[b] = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = t.sets[k],
         .dstBinding = b,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &infos[b],
      };
   }
}

static void
write_sets(const uint32_t *ks, uint32_t count)
{
   VkWriteDescriptorSet writes[2 * SET_COUNT];
   VkDescriptorBufferInfo infos[2 * SET_COUNT];
   for (uint32_t i = 0; i < count; i++)
      set_writes(ks[i], &writes[2 * i], &infos[2 * i]);
   vkUpdateDescriptorSets(rv.device, 2 * count, writes, 0, NULL);
}

/* The buffers an operation reads (UINT32_MAX: none) and writes. */
static void
operation_buffers(const struct operation *o, uint32_t *read, uint32_t *written)
{
   if (o->kind == OPERATION_DISPATCH) {
      *read = t.set_buffers[o->set][0];
      *written = t.set_buffers[o->set][1];
      return;
   }
   *read = o->kind == OPERATION_COPY ? o->source : UINT32_MAX;
   *written = o->destination;
}

/* The barrier operation i needs: any conflict with an operation since the last full barrier
 * needs a full one where either is a transfer, a compute one where both are dispatches (unless
 * a compute barrier since already orders the pair). */
static enum need
barrier_needed(uint32_t i, uint32_t since_full, uint32_t since_compute)
{
   uint32_t read, written;
   operation_buffers(&t.operations[i], &read, &written);
   enum need need = NEED_NONE;
   for (uint32_t j = since_full; j < i; j++) {
      uint32_t read_j, written_j;
      operation_buffers(&t.operations[j], &read_j, &written_j);
      if (written_j != read && written_j != written && read_j != written)
         continue;
      if (t.operations[i].kind != OPERATION_DISPATCH || t.operations[j].kind != OPERATION_DISPATCH)
         need = NEED_FULL;
      else if (j >= since_compute && need == NEED_NONE)
         need = NEED_COMPUTE;
   }
   return need;
}

static struct operation
random_operation(void)
{
   struct operation o = {
      .kind = roll(5) ? OPERATION_DISPATCH : roll(2) ? OPERATION_COPY : OPERATION_FILL,
      .set = roll(SET_COUNT),
      .add = 1 + roll(7),
      .extra_barrier = roll(8) == 0,
      .sync1 = roll(2),
   };
   uint32_t pair[2];
   two_buffers(pair);
   o.source = pair[0];
   o.destination = pair[1];
   return o;
}

static void
barrier(VkCommandBuffer cmd, bool sync1, enum need need)
{
   bool full = need == NEED_FULL;
   if (sync1) {
      const VkMemoryBarrier memory = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
         .srcAccessMask = full ? VK_ACCESS_MEMORY_WRITE_BIT : VK_ACCESS_SHADER_WRITE_BIT,
         .dstAccessMask = full ? VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT
                               : VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
      };
      VkPipelineStageFlags stages =
         full ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
      vkCmdPipelineBarrier(cmd, stages, stages, 0, 1, &memory, 0, NULL, 0, NULL);
      return;
   }
   if (full)
      it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT,
                         VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                         VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT);
   else
      it_memory_barrier2(cmd, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                         VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                         VK_ACCESS_2_SHADER_STORAGE_READ_BIT |
                            VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT);
}

/* Records the program (its model on the host alongside), submits it, waits, and compares every
 * buffer with the model. */
static bool
record_and_check(VkCommandBuffer cmd, const struct it_host_buffer *scratch, uint32_t recording)
{
   bool ok = false;
   for (uint32_t b = 0; b < BUFFER_COUNT; b++) {
      for (uint32_t w = 0; w < WORDS; w++)
         t.model[b][w] = b * 100000u + w * 3u + recording;
      memcpy(t.buffers[b]->data, t.model[b], BYTES);
   }
   const VkCommandBufferBeginInfo begin_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
   };
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin_info));
   /* The host's writes and the previous submit ordered before everything. */
   barrier(cmd, false, NEED_FULL);
   vkCmdFillBuffer(cmd, scratch->buffer, 0, 64, 0);
   uint32_t since_full = 0, since_compute = 0;
   for (uint32_t i = 0; i < t.operation_count; i++) {
      const struct operation *o = &t.operations[i];
      enum need need = barrier_needed(i, since_full, since_compute);
      if (need == NEED_NONE && o->extra_barrier)
         need = NEED_COMPUTE;
      if (need != NEED_NONE) {
         barrier(cmd, o->sync1, need);
         since_compute = i;
         if (need == NEED_FULL)
            since_full = i;
      }
      uint32_t read, written;
      operation_buffers(o, &read, &written);
      if (o->kind == OPERATION_DISPATCH) {
         dispatch(cmd, rv.add, t.sets[o->set], o->add);
         for (uint32_t w = 0; w < WORDS; w++)
            t.model[written][w] = t.model[read][w] + o->add;
      } else if (o->kind == OPERATION_COPY) {
         const VkBufferCopy region = {0, 0, BYTES};
         vkCmdCopyBuffer(cmd, t.buffers[read]->buffer, t.buffers[written]->buffer, 1, &region);
         memcpy(t.model[written], t.model[read], BYTES);
      } else {
         vkCmdFillBuffer(cmd, t.buffers[written]->buffer, 0, BYTES, o->add * 7);
         for (uint32_t w = 0; w < WORDS; w++)
            t.model[written][w] = o->add * 7;
      }
   }
   epilogue(cmd);
   CHECK_VK(vkEndCommandBuffer(cmd));
   CHECK_VK(it_submit_wait(rv.device, rv.queue, 1, &cmd));
   for (uint32_t b = 0; b < BUFFER_COUNT; b++) {
      const uint32_t *got = t.buffers[b]->data;
      for (uint32_t w = 0; w < WORDS; w++) {
         if (got[w] != t.model[b][w]) {
            fprintf(stderr, "recording %u: buffer %u word %u is %u, expected %u\n", recording, b,
                    w, got[w], t.model[b][w]);
            goto done;
         }
      }
   }
   ok = true;
done:
   return ok;
}

/* A copy of one binding of set `from` into set k, after a same-value write of `from` in the
 * same call; nothing when it would leave k reading and writing one buffer. */
static void
copy_after_same_write(uint32_t k)
{
   uint32_t from = roll(SET_COUNT), binding = roll(2);
   uint32_t next[2] = {t.set_buffers[k][0], t.set_buffers[k][1]};
   next[binding] = t.set_buffers[from][binding];
   if (from == k || next[0] == next[1])
      return;
   t.set_buffers[k][0] = next[0];
   t.set_buffers[k][1] = next[1];
   const VkCopyDescriptorSet copy = {
      .sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET,
      .srcSet = t.sets[from],
      .srcBinding = binding,
      .dstSet = t.sets[k],
      .dstBinding = binding,
      .descriptorCount = 1,
   };
   VkWriteDescriptorSet writes[2];
   VkDescriptorBufferInfo infos[2];
   set_writes(from, writes, infos);
   vkUpdateDescriptorSets(rv.device, 2, writes, 1, &copy);
}

/* Two to six distinct sets written in one call, each with other buffers or the same. */
static void
sets_in_one_call(void)
{
   uint32_t ks[6], count = 2 + roll(5);
   for (uint32_t i = 0; i < count; i++) {
      bool again;
      do {
         ks[i] = roll(SET_COUNT);
         again = false;
         for (uint32_t j = 0; j < i; j++)
            again |= ks[j] == ks[i];
      } while (again);
      if (roll(2))
         two_buffers(t.set_buffers[ks[i]]);
   }
   write_sets(ks, count);
}

/* One change between two recordings; false when a call failed. */
static bool
apply_change(enum change change, VkCommandBuffer *cmd)
{
   bool ok = false;
   uint32_t k = roll(SET_COUNT);
   struct operation *o = &t.operations[roll(t.operation_count)];
   switch (change) {
   case CHANGE_NONE:
      break;
   case CHANGE_OPERATION_TARGET:
      if (o->kind == OPERATION_DISPATCH) {
         o->set = roll(SET_COUNT);
      } else {
         uint32_t pair[2];
         two_buffers(pair);
         o->source = pair[0];
         o->destination = pair[1];
      }
      break;
   case CHANGE_SET_OTHER_BUFFERS:
      two_buffers(t.set_buffers[k]);
      write_sets(&k, 1);
      break;
   case CHANGE_SET_SAME_BUFFERS:
      write_sets(&k, 1);
      break;
   case CHANGE_SET_REALLOCATED:
      CHECK_VK(vkFreeDescriptorSets(rv.device, rv.descriptor_pool, 1, &t.sets[k]));
      CHECK_VK(it_allocate_sets(rv.device, rv.descriptor_pool, &rv.set_layout, 1, &t.sets[k]));
      if (roll(2))
         two_buffers(t.set_buffers[k]);
      write_sets(&k, 1);
      break;
   case CHANGE_INSERT:
      if (t.operation_count < MAX_OPERATIONS) {
         uint32_t at = roll(t.operation_count + 1);
         memmove(&t.operations[at + 1], &t.operations[at],
                 (t.operation_count - at) * sizeof(t.operations[0]));
         t.operations[at] = random_operation();
         t.operation_count++;
      }
      break;
   case CHANGE_DELETE:
      if (t.operation_count > 2) {
         uint32_t at = roll(t.operation_count);
         memmove(&t.operations[at], &t.operations[at + 1],
                 (t.operation_count - at - 1) * sizeof(t.operations[0]));
         t.operation_count--;
      }
      break;
   case CHANGE_PUSH_CONSTANT:
      o->add = 1 + roll(7);
      break;
   case CHANGE_EXTRA_BARRIER:
      o->extra_barrier = !o->extra_barrier;
      break;
   case CHANGE_COPY_AFTER_SAME_WRITE:
      copy_after_same_write(k);
      break;
   case CHANGE_SETS_IN_ONE_CALL:
      sets_in_one_call();
      break;
   case CHANGE_COMMAND_BUFFER:
      vkFreeCommandBuffers(rv.device, rv.pool, 1, cmd);
      CHECK_VK(it_allocate_command_buffers(rv.device, rv.pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                           cmd));
      break;
   case CHANGE_COUNT:
      break;
   }
   ok = true;
done:
   return ok;
}

static uint32_t
env_u32(const char *name, uint32_t fallback)
{
   const char *text = getenv(name);
   return text && *text ? (uint32_t)strtoul(text, NULL, 0) : fallback;
}

static bool
case_churn(void)
{
   bool ok = false, sets_made = false;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   uint64_t seed = env_u32("REPLAY_REVIEW_SEED", 1);
   uint32_t recordings = env_u32("REPLAY_REVIEW_RECORDINGS", 300);
   t.random = seed;
   struct it_host_buffer *scratch;
   CHECK(scratch = buffer(256));
   for (uint32_t b = 0; b < BUFFER_COUNT; b++)
      CHECK(t.buffers[b] = buffer(BYTES));
   VkDescriptorSetLayout layouts[SET_COUNT];
   for (uint32_t k = 0; k < SET_COUNT; k++)
      layouts[k] = rv.set_layout;
   CHECK_VK(it_allocate_sets(rv.device, rv.descriptor_pool, layouts, SET_COUNT, t.sets));
   sets_made = true;
   for (uint32_t k = 0; k < SET_COUNT; k++) {
      two_buffers(t.set_buffers[k]);
      write_sets(&k, 1);
   }
   t.operation_count = 80 + roll(60);
   for (uint32_t i = 0; i < t.operation_count; i++)
      t.operations[i] = random_operation();
   CHECK_VK(it_allocate_command_buffers(rv.device, rv.pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                        &cmd));
   uint32_t counts[CHANGE_COUNT] = {0};
   for (uint32_t recording = 0; recording < recordings; recording++) {
      /* The first three unchanged: the log is made, then replayed whole. */
      enum change change = recording < 3 ? CHANGE_NONE : (enum change)roll(CHANGE_COUNT);
      counts[change]++;
      if (!apply_change(change, &cmd) || !record_and_check(cmd, scratch, recording) ||
          !no_hazard()) {
         fprintf(stderr, "recording %u, after the change \"%s\" (seed %llu): failed\n",
                 recording, change_names[change], (unsigned long long)seed);
         goto done;
      }
   }
   for (uint32_t c = 0; c < CHANGE_COUNT; c++)
      printf("  %-30s %u recordings\n", change_names[c], counts[c]);
   ok = true;
done:
   if (cmd != VK_NULL_HANDLE)
      vkFreeCommandBuffers(rv.device, rv.pool, 1, &cmd);
   if (sets_made)
      vkFreeDescriptorSets(rv.device, rv.descriptor_pool, SET_COUNT, t.sets);
   return ok;
}

static const struct review_case cases[] = {{"churn", case_churn}};

int
main(int argc, char **argv)
{
   static const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 256}};
   static const struct review_config config = {
      .pool_sizes = sizes,
      .pool_size_count = 1,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT,
   };
   return review_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]), &config);
}
