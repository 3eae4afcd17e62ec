/* SPDX-License-Identifier: MIT */
/* One lane of the soak: a generator (seeded PRNG) that picks random valid operations from what
 * its model of its own objects allows, runs each on the vendor's device and then on Kronos's,
 * compares the two VkResults with each other and with the one expected, and compares every
 * buffer read back with the other device's and with the model's contents.
 *
 * What keeps the sequences valid and their results deterministic:
 * - Command buffers are recorded one at a time and submitted in the order they were ended, so
 *   recording order is submission order: the model applies each command's effect to its copy of
 *   the buffers when it is recorded, and inserts a barrier before a command whenever an earlier
 *   one (in this or an earlier command buffer) wrote what it touches, or read what it writes.
 * - Each recording has an id (rec); a submit gives its recordings the submit's sequence number
 *   (seq). A fence or a timeline value waited for completes the commands of every submit up to
 *   its seq (a signal's first scope holds all commands earlier in submission order), but not
 *   their fence and semaphore signal operations. Buffers, sets and command buffers are touched by
 *   the host, updated, reset or destroyed only when the last recording using them has completed.
 * - Results that depend on timing are never compared: the status of a fence only once that fence
 *   was waited for (or the queue idled), or when it was never submitted; a counter value only
 *   once its latest signal was waited for (or the queue idled); waits have a long timeout and
 *   must succeed. A binary semaphore is signalled again only after the queue idled.
 * - The "gate" timeline is signalled by the host only; a submit may wait on its next value, which
 *   the same operation signals right after the submit (wait before signal). The "progress"
 *   timeline is signalled by submits only, in increasing order. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak_lane.h"

#define SOAK_NAME(name) #name,
const char *const soak_op_names[SOAK_OP_COUNT] = {SOAK_OPS(SOAK_NAME)};
#undef SOAK_NAME

/* ---- Reports ---- */

void
mismatch(struct lane *l, const char *what, const char *fmt, ...)
{
   char detail[512];
   va_list args;
   va_start(args, fmt);
   vsnprintf(detail, sizeof(detail), fmt, args);
   va_end(args);
   fprintf(stderr,
           "soak: MISMATCH seed %" PRIu64 " thread %u op %" PRIu64 " (%s): %s: %s\n"
           "soak: reproduce: meson test -C <build> <this test> -v --test-args='--seed %" PRIu64
           " --ops %" PRIu64 " --threads %u'\n",
           l->run->seed, l->index, l->op, l->op_name, what, detail, l->run->seed, l->run->ops,
           l->run->threads);
   atomic_store(&l->run->failed, true);
}

bool
results(struct lane *l, const char *call, const VkResult r[SOAK_SIDES], VkResult expected)
{
   if (r[0] == r[1] && (expected == ANY_RESULT || r[0] == expected))
      return true;
   mismatch(l, call, "vendor %s, kronos %s, expected %s", it_result_name(r[0]),
            it_result_name(r[1]), expected == ANY_RESULT ? "the same" : it_result_name(expected));
   return false;
}

/* ---- The model ---- */

/* The commands of every submit up to seq have completed: a fence or semaphore signal's first
 * scope holds all commands earlier in submission order. Not their fence and semaphore signal
 * operations, which are no commands: a fence or a counter value is known only from a wait on
 * that fence or value itself, or from an idle queue. */
void
completed(struct lane *l, uint64_t seq)
{
   if (seq > l->completed_seq)
      l->completed_seq = seq;
}

/* ---- The generator ---- */

static const struct {
   int (*run)(struct lane *l);
   unsigned weight;
   bool records; /* needs a command buffer recording */
} ops[SOAK_OP_COUNT] = {
   [SOAK_OP_alloc_memory] = {op_alloc_memory, 6, false},
   [SOAK_OP_free_memory] = {op_free_memory, 5, false},
   [SOAK_OP_check_memory] = {op_check_memory, 3, false},
   [SOAK_OP_map_toggle] = {op_map_toggle, 2, false},
   [SOAK_OP_create_buffer] = {op_create_buffer, 3, false},
   [SOAK_OP_destroy_buffer] = {op_destroy_buffer, 2, false},
   [SOAK_OP_host_write] = {op_host_write, 3, false},
   [SOAK_OP_readback] = {op_readback, 4, false},
   [SOAK_OP_begin] = {op_begin, 0, false}, /* made when a recording operation needs it */
   [SOAK_OP_end] = {op_end, 4, true},
   [SOAK_OP_fill] = {op_fill, 8, true},
   [SOAK_OP_update] = {op_update, 6, true},
   [SOAK_OP_copy] = {op_copy, 8, true},
   [SOAK_OP_dispatch] = {op_dispatch, 8, true},
   [SOAK_OP_barrier] = {op_barrier, 3, true},
   [SOAK_OP_submit] = {op_submit, 6, false},
   [SOAK_OP_resubmit] = {op_resubmit, 8, false},
   [SOAK_OP_wait_fences] = {op_wait_fences, 3, false},
   [SOAK_OP_fence_status] = {op_fence_status, 2, false},
   [SOAK_OP_reset_fences] = {op_reset_fences, 2, false},
   [SOAK_OP_recycle_fence] = {op_recycle_fence, 1, false},
   [SOAK_OP_wait_semaphores] = {op_wait_semaphores, 3, false},
   [SOAK_OP_host_signal] = {op_host_signal, 1, false},
   [SOAK_OP_counter_value] = {op_counter_value, 1, false},
   [SOAK_OP_queue_idle] = {op_queue_idle, 1, false},
   [SOAK_OP_device_idle] = {op_device_idle, 1, false},
   [SOAK_OP_reset_cmd] = {op_reset_cmd, 1, false},
   [SOAK_OP_reset_cmd_pool] = {op_reset_cmd_pool, 1, false},
   [SOAK_OP_realloc_cmd] = {op_realloc_cmd, 1, false},
   [SOAK_OP_discard_cmd] = {op_discard_cmd, 1, false},
   [SOAK_OP_free_set] = {op_free_set, 2, false},
   [SOAK_OP_reset_desc_pool] = {op_reset_desc_pool, 1, false},
   [SOAK_OP_recreate_desc_pool] = {op_recreate_desc_pool, 1, false},
   [SOAK_OP_recreate_cmd_pool] = {op_recreate_cmd_pool, 1, false},
   [SOAK_OP_recreate_semaphores] = {op_recreate_semaphores, 1, false},
};

static enum soak_op
pick_op(struct lane *l)
{
   unsigned total = 0;
   for (int k = 0; k < SOAK_OP_COUNT; k++)
      total += ops[k].weight;
   unsigned x = (unsigned)rnd(l, total);
   enum soak_op kind = 0;
   for (int k = 0; k < SOAK_OP_COUNT; k++) {
      if (x < ops[k].weight) {
         kind = (enum soak_op)k;
         break;
      }
      x -= ops[k].weight;
   }
   if (ops[kind].records && l->open < 0)
      return SOAK_OP_begin;
   if (ops[kind].records && l->cmd[l->open].commands >= MAX_COMMANDS)
      return SOAK_OP_end;
   return kind;
}

/* Runs one operation of kind (counted when done). */
int
step(struct lane *l, enum soak_op kind)
{
   l->op_name = soak_op_names[kind];
   int done = ops[kind].run(l);
   if (done == DONE) {
      l->counts[kind]++;
      l->op++;
   }
   return done;
}

/* How many operations counted so far (sets allocated and written, barriers and counter
 * queries made inside others included: each is an API call whose result was compared). */
static uint64_t
counted(const struct lane *l)
{
   uint64_t n = 0;
   for (int k = 0; k < SOAK_OP_COUNT; k++)
      n += l->counts[k];
   return n;
}

static bool
setup(struct lane *l)
{
   if (create_cmd_pool(l) != DONE)
      return false;
   for (int f = 0; f < FENCE_SLOTS; f++) {
      if (create_fence(l, f) != DONE)
         return false;
   }
   return create_desc_pool(l) == DONE && create_semaphores(l, 0) == DONE;
}

/* Ends and submits what is recorded, then waits for the queue. */
bool
settle(struct lane *l)
{
   if (l->open >= 0 && step(l, SOAK_OP_end) != DONE)
      return false;
   while (l->ready_count) {
      if (step(l, SOAK_OP_submit) != DONE)
         return false;
   }
   return step(l, SOAK_OP_queue_idle) == DONE;
}

/* settle, then reads every buffer back and checks the counters. */
static bool
drain(struct lane *l)
{
   if (!settle(l))
      return false;
   for (int b = 0; b < BUF_SLOTS; b++) {
      if (l->buf[b].live) {
         l->op_name = "readback";
         if (check_buffer(l, b) != DONE)
            return false;
         l->counts[SOAK_OP_readback]++;
      }
   }
   l->op_name = "counter_value";
   return check_counters(l) == DONE;
}

/* Destroys everything the lane made (the queue must have no work of it left). */
static void
teardown(struct lane *l)
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      /* Releases a submit that still waits on the gate after a failure. */
      VkSemaphoreSignalInfo info = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
         .semaphore = l->gate[s],
         .value = l->gate_value + 1,
      };
      if (l->gate[s])
         vkSignalSemaphore(l->run->sides[s].device, &info);
      pthread_mutex_lock(&l->run->sides[s].queue_lock);
      vkQueueWaitIdle(l->run->sides[s].queue);
      pthread_mutex_unlock(&l->run->sides[s].queue_lock);
   }
   for (int i = 0; i < MEM_SLOTS; i++)
      free_mem_slot(l, &l->mem[i]);
   for (int i = 0; i < BUF_SLOTS; i++)
      destroy_buf_slot(l, &l->buf[i]);
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      for (int f = 0; f < FENCE_SLOTS; f++)
         vkDestroyFence(device, l->fence[f].h[s], NULL);
      vkDestroyDescriptorPool(device, l->desc_pool[s], NULL);
      vkDestroyCommandPool(device, l->cmd_pool[s], NULL);
   }
   destroy_semaphores(l);
   free(l->rec_seq);
}

bool
soak_lane_run(struct soak_run *run, unsigned index, uint64_t quota, uint64_t counts[SOAK_OP_COUNT])
{
   struct lane *l = calloc(1, sizeof(*l));
   if (!l) {
      fprintf(stderr, "soak: out of memory\n");
      return false;
   }
   l->run = run;
   l->index = index;
   l->counts = counts;
   l->open = -1;
   l->next_rec = 1;
   l->progress_known = true;
   /* Each lane's own sequence: the seed and the lane's index. */
   l->rng = run->seed ^ (0x9e3779b97f4a7c15ull * (index + 1));
   l->op_name = "setup";
   bool ok = setup(l);
   while (ok && counted(l) < quota && !atomic_load(&run->failed)) {
      int done = SKIP;
      /* An operation not possible now: another one (host_signal always is). */
      for (int tries = 0; tries < 8 && done == SKIP; tries++)
         done = step(l, pick_op(l));
      if (done == SKIP)
         done = step(l, SOAK_OP_host_signal);
      ok = done == DONE;
      if (ok && run->verbose && l->op % 10000 == 0)
         printf("soak: thread %u at %" PRIu64 " operations\n", index, counted(l));
   }
   ok = ok && !atomic_load(&run->failed) && drain(l);
   teardown(l);
   free(l);
   return ok;
}
