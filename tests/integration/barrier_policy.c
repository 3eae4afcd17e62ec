/* SPDX-License-Identifier: MIT */
/* The barrier policy (issue 11, src/kr_barrier_policy.h) on the vendor's device and on Kronos's
 * over it in one instance (descriptor_common.h): every case records the same command stream on
 * both, with shaders/desc_simple.comp (dst = src * mul + add) as its dispatch, and what it wrote
 * is compared bit for bit between the two devices and, where the case says, with what the host
 * computes. On a GPU a barrier Kronos wrongly dropped shows as a difference; on lavapipe, which
 * runs dispatches one after the other, the counters and the validation layer below Kronos
 * (tests/integration/vendor_layers.sh) are what can see it.
 *  - independent: 16 dispatches on disjoint regions, a full barrier after each, in two command
 *    buffers;
 *  - raw_chain: 16 dispatches, each reading what the one before wrote (memory and buffer
 *    barriers alternating);
 *  - war: a dispatch overwrites what the one before read;
 *  - waw: two dispatches write the same region;
 *  - transfers: copies, fills and updates between dispatches, with the narrow stage and access
 *    masks a careful application uses;
 *  - indirect: vkCmdDispatchIndirect whose arguments a dispatch before it wrote;
 *  - aliasing: two buffers bound to one memory at different offsets, written through one and
 *    read through the other;
 *  - subranges: descriptor ranges of one buffer, disjoint and overlapping;
 *  - previous_submit: a barrier at the start of a command buffer that protects what the one
 *    submitted before it wrote (full, then compute-to-compute);
 *  - secondary: a secondary command buffer between dispatches of the primary;
 *  - events: vkCmdSetEvent and vkCmdWaitEvents between dispatches, next to pipeline barriers;
 *  - same_bindings: dispatches again with the same bindings, a fill between them;
 *  - rerecorded: one command buffer recorded again with the same commands (its decisions
 *    replayed, src/kr_barrier_replay.h), then with a dispatch that reads what another wrote,
 *    then into a new command buffer that takes the freed one's log from the pool;
 *  - rerecorded_indirect: one command buffer recorded again with a dispatch that changes
 *    between vkCmdDispatch and vkCmdDispatchIndirect (their replay keys differ);
 *  - held_back: dispatches before the first barrier, and dispatches and an event recorded
 *    while nothing is pending (src/kr_barrier_defer.h), one of them read after the next
 *    barrier; recorded twice, the second time replayed;
 *  - unlogged: a command buffer whose dispatches held back are never read, recorded again
 *    without a log of them (src/kr_barrier_defer.h), then with a barrier after them: they
 *    count as touching everything (one more vendor barrier), and every later recording logs.
 * On Kronos's device every case checks Kronos's barrier counters (vkGetDeviceStatisticsKRONOS
 * around its recording): application barriers as recorded, every one a vendor barrier, dropped
 * or merged, never more vendor barriers than application ones, and for each case the vendor
 * barriers by reason that the policy's rule gives (each case says why): with it, for
 * independent dispatches two per command buffer (one before the second dispatch, since the
 * barrier after the first may order what earlier submits wrote, and one at the end), for a
 * chain of n one per dependency plus one at the end. Options:
 *   --expect-passthrough  the policy is off (KRONOS_DISABLE=barrier): vendor barriers are the
 *                         application's, and the policy dropped, merged and emitted none
 *   --expect-drop-all     KRONOS_BARRIER_DROP_ALL=1: the vendor got no barrier at all (outputs
 *                         are still compared; validation errors are expected, not counted)
 *   --no-replay           KRONOS_BARRIER_REPLAY=0: no decision is replayed (rerecorded)
 *   --no-defer            KRONOS_BARRIER_DEFER=0: every command is worked out as it comes
 *                         (held_back, unlogged)
 *   --defer-log           KRONOS_BARRIER_DEFER=1: what is held back is always logged
 *                         (unlogged)
 *   --only CASE           the setup, CASE and the closing check
 * Validation errors (VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation above, or the layer below
 * Kronos reporting to the program's messenger) fail the program. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_simple_spv.h"
#include "descriptor_common.h"

#define REGION_WORDS 256u /* one dispatch: 4 workgroups of 64 */
#define REGION_BYTES (REGION_WORDS * 4u)
#define CHAIN 16u
#define PARAMS 16u
#define PARAM_ONE (PARAMS - 1) /* mul 1, add 1 */
#define POOL_SETS 64u

enum expectation { EXPECT_POLICY, EXPECT_PASSTHROUGH, EXPECT_DROP_ALL };
static enum expectation expectation = EXPECT_POLICY;
static bool replay = true; /* --no-replay: KRONOS_BARRIER_REPLAY=0, nothing is replayed */
static bool defer = true;  /* --no-defer: KRONOS_BARRIER_DEFER=0, nothing is held back */
static bool defer_log = false; /* --defer-log: KRONOS_BARRIER_DEFER=1, held back and logged */

/* desc_simple's pipeline on each device, made once. */
struct kit {
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline pipeline;
};
static struct kit kits[DC_SIDE_COUNT];

static uint32_t
param_mul(uint32_t p)
{
   return p == PARAM_ONE ? 1u : 3u + 2u * p;
}

static uint32_t
param_add(uint32_t p)
{
   return p == PARAM_ONE ? 1u : 0x1000u * (p + 1u) + 7u;
}

static uint32_t
pattern(uint32_t seed, uint32_t i)
{
   return (seed + 1u) * 0x9e3779b9u ^ (i * 0x85ebca6bu + seed);
}

/* What one dispatch computes, on the host. */
static void
host_apply(uint32_t *dst, const uint32_t *src, uint32_t words, uint32_t p)
{
   for (uint32_t i = 0; i < words; i++)
      dst[i] = src[i] * param_mul(p) + param_add(p);
}

/* --- One case on one device ----------------------------------------------------------------- */

#define RUN_BUFFERS 8u
#define RUN_CMDS 3u

/* What a case made on one device; run_end frees all of it, whether the case got through or
 * not. */
struct run {
   struct dc_side *s;
   const struct kit *kit;
   VkDescriptorPool pool;
   struct it_host_buffer params; /* slot p at p * DC_OFFSET_UNIT: mul, add */
   struct it_host_buffer buffers[RUN_BUFFERS]; /* buffer()'s */
   uint32_t buffer_count;
   VkCommandBuffer cmds[RUN_CMDS]; /* begin()'s and track()'s not freed yet */
   uint32_t cmd_count;
   uint32_t *want; /* host_words()'s */
   VkKronosDeviceStatistics before;
};

static bool
run_begin(struct dc_side *s, struct run *r)
{
   memset(r, 0, sizeof(*r));
   r->s = s;
   r->kit = &kits[s->kronos ? DC_KRONOS : DC_VENDOR];
   if (dc_simple_pool_create(s->device, POOL_SETS, 0, &r->pool) != VK_SUCCESS ||
       dc_buffer_create(s, PARAMS * DC_OFFSET_UNIT, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT,
                        &r->params) != VK_SUCCESS) {
      fprintf(stderr, "  %s: cannot create the case's pool and parameters\n", s->label);
      return false;
   }
   for (uint32_t p = 0; p < PARAMS; p++) {
      uint32_t *slot = (uint32_t *)((uint8_t *)r->params.data + p * DC_OFFSET_UNIT);
      slot[0] = param_mul(p);
      slot[1] = param_add(p);
   }
   if (s->kronos)
      r->before = dc_statistics(s);
   return true;
}

static void
run_end(struct run *r)
{
   VkDevice device = r->s->device;
   free(r->want);
   for (uint32_t i = 0; i < r->cmd_count; i++) {
      if (r->cmds[i])
         vkFreeCommandBuffers(device, r->s->command_pool, 1, &r->cmds[i]);
   }
   for (uint32_t i = 0; i < r->buffer_count; i++)
      it_host_buffer_destroy(device, &r->buffers[i]);
   if (r->pool)
      vkDestroyDescriptorPool(device, r->pool, NULL);
   it_host_buffer_destroy(device, &r->params);
}

/* A buffer of `words` words (host-visible, coherent), each pattern(seed, i); seed UINT32_MAX:
 * zeros. NULL on failure. */
static struct it_host_buffer *
buffer(struct run *r, uint32_t words, VkBufferUsageFlags usage, uint32_t seed)
{
   if (r->buffer_count == RUN_BUFFERS) {
      fprintf(stderr, "  %s: more than %u buffers in a case\n", r->s->label, RUN_BUFFERS);
      return NULL;
   }
   struct it_host_buffer *out = &r->buffers[r->buffer_count++];
   if (dc_buffer_create(r->s, (VkDeviceSize)words * 4, usage | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                                          VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                                          VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                        out) != VK_SUCCESS) {
      fprintf(stderr, "  %s: cannot create a buffer of %u words\n", r->s->label, words);
      return NULL;
   }
   uint32_t *data = out->data;
   for (uint32_t i = 0; i < words && seed != UINT32_MAX; i++)
      data[i] = pattern(seed, i);
   return out;
}

/* count buffers of REGION_WORDS zeros, *out[i] the i-th. */
static bool
zeros(struct run *r, struct it_host_buffer **const *out, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++) {
      if (!(*out[i] = buffer(r, REGION_WORDS, 0, UINT32_MAX)))
         return false;
   }
   return true;
}

#define ZEROS(r, ...)                                                                         \
   zeros((r), (struct it_host_buffer **const[]){__VA_ARGS__},                                 \
         sizeof((struct it_host_buffer **const[]){__VA_ARGS__}) / sizeof(void *))

/* An array of `words` words for what the host computes (freed by run_end), a copy of from's
 * where from is not NULL. */
static uint32_t *
host_words(struct run *r, uint32_t words, const void *from)
{
   free(r->want);
   r->want = malloc((size_t)words * 4);
   if (r->want && from)
      memcpy(r->want, from, (size_t)words * 4);
   return r->want;
}

/* cmd, allocated by the caller, for run_end to free. */
static bool
track(struct run *r, VkCommandBuffer cmd)
{
   if (r->cmd_count == RUN_CMDS) {
      fprintf(stderr, "  %s: more than %u command buffers in a case\n", r->s->label, RUN_CMDS);
      return false;
   }
   r->cmds[r->cmd_count++] = cmd;
   return true;
}

/* A primary command buffer of the side's pool, begun; freed by end_submit or run_end. */
static VkResult
begin(struct run *r, VkCommandBuffer *cmd)
{
   VkResult result = dc_begin(r->s, cmd);
   if (*cmd && !track(r, *cmd)) {
      vkFreeCommandBuffers(r->s->device, r->s->command_pool, 1, cmd);
      *cmd = VK_NULL_HANDLE;
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return result;
}

/* Ends cmd (from begin), submits it, waits, and frees it. */
static VkResult
end_submit(struct run *r, VkCommandBuffer cmd)
{
   for (uint32_t i = 0; i < r->cmd_count; i++) {
      if (r->cmds[i] == cmd)
         r->cmds[i] = VK_NULL_HANDLE;
   }
   return dc_end_submit_free(r->s, cmd);
}

/* Binds desc_simple with a new set: dst[dst_offset ...] = src[src_offset ...] * mul + add over
 * `words` words (offsets in bytes); false when no set could be made. */
static bool
bind(struct run *r, VkCommandBuffer cmd, VkBuffer src, uint32_t src_offset, VkBuffer dst,
     uint32_t dst_offset, uint32_t words, uint32_t p)
{
   VkDescriptorSet set;
   if (dc_allocate_sets(r->s, r->pool, &r->kit->set_layout, 1, &set) != VK_SUCCESS) {
      fprintf(stderr, "  %s: out of descriptor sets\n", r->s->label);
      return false;
   }
   const VkDescriptorBufferInfo infos[3] = {
      {src, src_offset, (VkDeviceSize)words * 4},
      {dst, dst_offset, (VkDeviceSize)words * 4},
      {r->params.buffer, (VkDeviceSize)p * DC_OFFSET_UNIT, 8},
   };
   VkWriteDescriptorSet writes[3];
   dc_simple_writes(set, infos, writes);
   vkUpdateDescriptorSets(r->s->device, 3, writes, 0, NULL);
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, r->kit->pipeline);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, r->kit->layout, 0, 1, &set, 0,
                           NULL);
   return true;
}

static bool
dispatch(struct run *r, VkCommandBuffer cmd, VkBuffer src, uint32_t src_offset, VkBuffer dst,
         uint32_t dst_offset, uint32_t words, uint32_t p)
{
   if (!bind(r, cmd, src, src_offset, dst, dst_offset, words, p))
      return false;
   vkCmdDispatch(cmd, (words + 63) / 64, 1, 1);
   return true;
}

/* All commands, all writes before all reads and writes: what frameworks record. */
static void
full_barrier(VkCommandBuffer cmd)
{
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_WRITE_BIT,
                     VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                     VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
}

/* The compute-to-compute barrier: shader writes before shader reads. */
static void
compute_barrier(VkCommandBuffer cmd)
{
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
}

/* One dispatch of REGION_WORDS words: dst[dst_offset ...] = src[src_offset ...] * mul + add
 * with parameters p (offsets in bytes). */
struct step {
   VkBuffer src;
   uint32_t src_offset;
   VkBuffer dst;
   uint32_t dst_offset;
   uint32_t p;
};

/* A full barrier, then each step followed by a full barrier, as frameworks record. */
static bool
steps_between_full_barriers(struct run *r, VkCommandBuffer cmd, const struct step *steps,
                            uint32_t count)
{
   full_barrier(cmd);
   for (uint32_t i = 0; i < count; i++) {
      const struct step *t = &steps[i];
      if (!dispatch(r, cmd, t->src, t->src_offset, t->dst, t->dst_offset, REGION_WORDS, t->p))
         return false;
      full_barrier(cmd);
   }
   return true;
}

/* A compute-to-compute buffer barrier on part of buf (the policy widens it to all memory). */
static void
buffer_barrier(VkCommandBuffer cmd, VkBuffer buf, VkDeviceSize offset, VkDeviceSize size)
{
   const VkBufferMemoryBarrier b = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_SHADER_READ_BIT,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .buffer = buf,
      .offset = offset,
      .size = size,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 0, NULL, 1, &b, 0, NULL);
}

/* --- Kronos's counters --------------------------------------------------------------------- */

/* What the policy's rule gives a case, over all its command buffers: vendor barriers emitted
 * for each reason (the others: none), and `passed` application barriers that go to the vendor
 * as recorded (those of secondaries). */
struct barriers_expected {
   uint32_t app;
   uint32_t emitted[KRONOS_BARRIER_REASON_COUNT];
   uint32_t passed;
};

static const char *const reason_names[KRONOS_BARRIER_REASON_COUNT] = {
   [KRONOS_BARRIER_HAZARD] = "a hazard",
   [KRONOS_BARRIER_END] = "the end",
   [KRONOS_BARRIER_NOT_UNDERSTOOD] = "a barrier not understood",
   [KRONOS_BARRIER_EVENT] = "an event",
   [KRONOS_BARRIER_SECONDARY] = "a secondary",
   [KRONOS_BARRIER_QUERY] = "a query",
   [KRONOS_BARRIER_UNKNOWN_ACCESS] = "unknown accesses",
   [KRONOS_BARRIER_OTHER_COMMAND] = "another command",
};

static uint64_t
delta(uint64_t after, uint64_t before)
{
   return after - before;
}

/* Kronos's barrier counters since run_begin against what the case expects; prints them. */
static bool
check_barriers(const struct run *r, const struct barriers_expected *want)
{
   if (!r->s->kronos)
      return true;
   VkKronosDeviceStatistics after = dc_statistics(r->s);
   const VkKronosDeviceStatistics *b = &r->before;
   uint64_t app = delta(after.app_barriers, b->app_barriers);
   uint64_t vendor = delta(after.vendor_barriers, b->vendor_barriers);
   uint64_t dropped = delta(after.barriers_dropped, b->barriers_dropped);
   uint64_t merged = delta(after.barriers_merged, b->barriers_merged);
   uint64_t emitted[KRONOS_BARRIER_REASON_COUNT], policy = dropped + merged, emitted_all = 0;
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++) {
      emitted[i] = delta(after.barriers_emitted[i], b->barriers_emitted[i]);
      policy += emitted[i];
      emitted_all += emitted[i];
   }
   printf("  kronos barriers: application %" PRIu64 ", vendor %" PRIu64 ", dropped %" PRIu64
          ", merged %" PRIu64 ", emitted: hazard %" PRIu64 ", end %" PRIu64 ", event %" PRIu64
          ", secondary %" PRIu64 ", other %" PRIu64 "\n",
          app, vendor, dropped, merged, emitted[KRONOS_BARRIER_HAZARD],
          emitted[KRONOS_BARRIER_END], emitted[KRONOS_BARRIER_EVENT],
          emitted[KRONOS_BARRIER_SECONDARY],
          emitted_all - emitted[KRONOS_BARRIER_HAZARD] - emitted[KRONOS_BARRIER_END] -
             emitted[KRONOS_BARRIER_EVENT] - emitted[KRONOS_BARRIER_SECONDARY]);
   bool ok = true;
   if (app != want->app) {
      printf("  kronos: %" PRIu64 " application barriers counted, %u recorded\n", app,
             want->app);
      ok = false;
   }
   switch (expectation) {
   case EXPECT_DROP_ALL:
      if (vendor != 0) {
         printf("  kronos: %" PRIu64 " vendor barriers with KRONOS_BARRIER_DROP_ALL\n", vendor);
         ok = false;
      }
      return ok;
   case EXPECT_PASSTHROUGH:
      if (vendor != app || policy != 0) {
         printf("  kronos: with the policy off, vendor barriers must be the application's and "
                "nothing dropped, merged or emitted\n");
         ok = false;
      }
      return ok;
   case EXPECT_POLICY:
      break;
   }
   if (vendor + dropped + merged != app || vendor > app) {
      printf("  kronos: vendor + dropped + merged is %" PRIu64 ", not the application's %" PRIu64
             "\n", vendor + dropped + merged, app);
      ok = false;
   }
   uint64_t want_vendor = want->passed;
   for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++) {
      want_vendor += want->emitted[i];
      if (emitted[i] != want->emitted[i]) {
         printf("  kronos: %" PRIu64 " vendor barriers emitted for %s, expected %u\n",
                emitted[i], reason_names[i], want->emitted[i]);
         ok = false;
      }
   }
   if (vendor != want_vendor) {
      printf("  kronos: %" PRIu64 " vendor barriers, expected %" PRIu64 "\n", vendor,
             want_vendor);
      ok = false;
   }
   return ok;
}

/* check_barriers for the usual case: `app` application barriers, and vendor barriers for
 * `hazards` hazards and at `ends` command buffers' ends, none for another reason. */
static bool
check_hazards(const struct run *r, uint32_t app, uint32_t hazards, uint32_t ends)
{
   const struct barriers_expected e = {
      .app = app,
      .emitted = {[KRONOS_BARRIER_HAZARD] = hazards, [KRONOS_BARRIER_END] = ends},
   };
   return check_barriers(r, &e);
}

/* The output words of a case: buffers' words one after the other. */
static void
output(uint32_t **out, const struct it_host_buffer *buf)
{
   memcpy(*out, buf->data, buf->size);
   *out += buf->size / 4;
}

/* Whether got holds want (the host's computation); says where not. */
static bool
expect_words(const struct run *r, const char *what, const uint32_t *got, const uint32_t *want,
             uint32_t words)
{
   return it_words_match(r->s->label, what, got, want, words);
}

/* --- Cases ---------------------------------------------------------------------------------- */

/* 16 dispatches on disjoint regions, a full barrier after each, in two command buffers
 * submitted together (the second writes the regions again). Per command buffer the policy gives
 * two vendor barriers: before the second dispatch (the barrier after the first may order what
 * earlier submits wrote, which the tracker cannot see) and at the end; the others merge. */
static bool
independent(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *dst;
   VkCommandBuffer cmds[2];
   uint32_t *want;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, CHAIN * REGION_WORDS, 0, 1));
   CHECK(dst = buffer(&r, CHAIN * REGION_WORDS, 0, UINT32_MAX));
   for (uint32_t c = 0; c < 2; c++) {
      CHECK_VK(begin(&r, &cmds[c]));
      for (uint32_t d = 0; d < CHAIN; d++) {
         CHECK(dispatch(&r, cmds[c], in->buffer, d * REGION_BYTES, dst->buffer, d * REGION_BYTES,
                        REGION_WORDS, (c + d) % PARAM_ONE));
         full_barrier(cmds[c]);
      }
      CHECK_VK(vkEndCommandBuffer(cmds[c]));
   }
   CHECK_VK(dc_submit_wait(s, 2, cmds));
   CHECK(want = host_words(&r, CHAIN * REGION_WORDS, NULL));
   for (uint32_t d = 0; d < CHAIN; d++)
      host_apply(want + d * REGION_WORDS, (const uint32_t *)in->data + d * REGION_WORDS,
                 REGION_WORDS, (1 + d) % PARAM_ONE);
   CHECK(expect_words(&r, "independent dispatches", dst->data, want, CHAIN * REGION_WORDS));
   output(&out, dst);
   CHECK(check_hazards(&r, 2 * CHAIN, 2, 2));
   ok = true;
done:
   run_end(&r);
   return ok;
}

/* Region d + 1 = f(region d) for 16 dispatches, a barrier after each (a global memory barrier
 * and a compute buffer barrier on the region written, alternating): one vendor barrier per
 * dependency (15) and one at the end. */
static bool
raw_chain(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *chain;
   VkCommandBuffer cmd;
   uint32_t *want;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(chain = buffer(&r, (CHAIN + 1) * REGION_WORDS, 0, 2));
   CHECK(want = host_words(&r, (CHAIN + 1) * REGION_WORDS, chain->data));
   CHECK_VK(begin(&r, &cmd));
   for (uint32_t d = 0; d < CHAIN; d++) {
      CHECK(dispatch(&r, cmd, chain->buffer, d * REGION_BYTES, chain->buffer,
                     (d + 1) * REGION_BYTES, REGION_WORDS, d % PARAM_ONE));
      if (d % 2)
         buffer_barrier(cmd, chain->buffer, (d + 1) * REGION_BYTES, REGION_BYTES);
      else
         full_barrier(cmd);
      host_apply(want + (d + 1) * REGION_WORDS, want + d * REGION_WORDS, REGION_WORDS,
                 d % PARAM_ONE);
   }
   CHECK_VK(end_submit(&r, cmd));
   CHECK(expect_words(&r, "the chain", chain->data, want, (CHAIN + 1) * REGION_WORDS));
   output(&out, chain);
   CHECK(check_hazards(&r, CHAIN, CHAIN - 1, 1));
   ok = true;
done:
   run_end(&r);
   return ok;
}

/* Buffers x, y, z of one region each; a full barrier first (it protects earlier submits' work:
 * one vendor barrier before the first dispatch, after which nothing of them is left to order).
 * war: y = f(x), barrier, x = f(z): the second overwrites what the first read.
 * waw: x = f(y), barrier, x = f(z): the second must win. One vendor barrier each for the
 * hazard, one at the end. */
static bool
two_dispatches(struct dc_side *s, bool war, uint32_t *out)
{
   struct run r;
   struct it_host_buffer *x, *y, *z;
   VkCommandBuffer cmd;
   uint32_t want_x[REGION_WORDS], want_y[REGION_WORDS];
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(x = buffer(&r, REGION_WORDS, 0, 3));
   CHECK(y = buffer(&r, REGION_WORDS, 0, war ? UINT32_MAX : 4));
   CHECK(z = buffer(&r, REGION_WORDS, 0, 5));
   memcpy(want_y, y->data, sizeof(want_y));
   if (war)
      host_apply(want_y, x->data, REGION_WORDS, 1);
   host_apply(want_x, z->data, REGION_WORDS, 2);
   const struct step first = war ? (struct step){x->buffer, 0, y->buffer, 0, 1}
                                 : (struct step){y->buffer, 0, x->buffer, 0, 1};
   const struct step steps[2] = {first, {z->buffer, 0, x->buffer, 0, 2}};
   CHECK_VK(begin(&r, &cmd));
   CHECK(steps_between_full_barriers(&r, cmd, steps, 2));
   CHECK_VK(end_submit(&r, cmd));
   CHECK(expect_words(&r, "x", x->data, want_x, REGION_WORDS));
   CHECK(expect_words(&r, "y", y->data, want_y, REGION_WORDS));
   output(&out, x);
   output(&out, y);
   CHECK(check_hazards(&r, 3, 2, 1));
   ok = true;
done:
   run_end(&r);
   return ok;
}

static bool
war(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   return two_dispatches(s, true, out);
}

static bool
waw(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   return two_dispatches(s, false, out);
}

/* After a full barrier: a = f(in); copy a to b; c = f(b); fill an unrelated buffer e, then
 * the first quarter of c; update words 32..47 of c; d = f(c); copy d to a (write-after-read and
 * write-after-write on a); with the narrow masks each step needs. Every step but the fill of e
 * depends on the one before: 7 hazards (the first dispatch's for what earlier submits wrote),
 * one at the end; the barriers before and after e's fill go to the vendor as one (merged). */
static bool
transfers(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
   const VkPipelineStageFlags transfer = VK_PIPELINE_STAGE_TRANSFER_BIT;
   struct run r;
   struct it_host_buffer *in, *a, *b, *c, *d, *e;
   VkCommandBuffer cmd;
   uint32_t update[16];
   bool ok = false;
   for (uint32_t i = 0; i < 16; i++)
      update[i] = 0x51000000u + i;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, REGION_WORDS, 0, 6));
   CHECK(ZEROS(&r, &a, &b, &c, &d, &e));
   const VkBufferCopy whole = {0, 0, REGION_BYTES};
   CHECK_VK(begin(&r, &cmd));
   full_barrier(cmd);
   CHECK(dispatch(&r, cmd, in->buffer, 0, a->buffer, 0, REGION_WORDS, 1));
   it_memory_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, transfer,
                     VK_ACCESS_TRANSFER_READ_BIT);
   vkCmdCopyBuffer(cmd, a->buffer, b->buffer, 1, &whole);
   it_memory_barrier(cmd, transfer, VK_ACCESS_TRANSFER_WRITE_BIT, compute,
                     VK_ACCESS_SHADER_READ_BIT);
   CHECK(dispatch(&r, cmd, b->buffer, 0, c->buffer, 0, REGION_WORDS, 2));
   it_memory_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, transfer,
                     VK_ACCESS_TRANSFER_WRITE_BIT);
   vkCmdFillBuffer(cmd, e->buffer, 0, VK_WHOLE_SIZE, 0xeeeeeeeeu); /* depends on nothing */
   it_memory_barrier(cmd, transfer, VK_ACCESS_TRANSFER_WRITE_BIT, transfer,
                     VK_ACCESS_TRANSFER_WRITE_BIT);
   vkCmdFillBuffer(cmd, c->buffer, 0, REGION_BYTES / 4, 0xabcd1234u);
   it_memory_barrier(cmd, transfer, VK_ACCESS_TRANSFER_WRITE_BIT, transfer,
                     VK_ACCESS_TRANSFER_WRITE_BIT);
   vkCmdUpdateBuffer(cmd, c->buffer, 128, sizeof(update), update);
   it_memory_barrier(cmd, transfer, VK_ACCESS_TRANSFER_WRITE_BIT, compute,
                     VK_ACCESS_SHADER_READ_BIT);
   CHECK(dispatch(&r, cmd, c->buffer, 0, d->buffer, 0, REGION_WORDS, 3));
   it_memory_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, transfer,
                     VK_ACCESS_TRANSFER_READ_BIT);
   vkCmdCopyBuffer(cmd, d->buffer, a->buffer, 1, &whole);
   full_barrier(cmd);
   CHECK_VK(end_submit(&r, cmd));

   uint32_t want_a[REGION_WORDS], want_c[REGION_WORDS], want_d[REGION_WORDS];
   uint32_t want_e[REGION_WORDS];
   host_apply(want_a, in->data, REGION_WORDS, 1);
   host_apply(want_c, want_a, REGION_WORDS, 2); /* b is a copy of a */
   for (uint32_t i = 0; i < REGION_WORDS / 4; i++)
      want_c[i] = 0xabcd1234u;
   memcpy(want_c + 32, update, sizeof(update));
   host_apply(want_d, want_c, REGION_WORDS, 3);
   for (uint32_t i = 0; i < REGION_WORDS; i++)
      want_e[i] = 0xeeeeeeeeu;
   CHECK(expect_words(&r, "c", c->data, want_c, REGION_WORDS));
   CHECK(expect_words(&r, "d", d->data, want_d, REGION_WORDS));
   CHECK(expect_words(&r, "a (a copy of d)", a->data, want_d, REGION_WORDS));
   CHECK(expect_words(&r, "e", e->data, want_e, REGION_WORDS));
   output(&out, a);
   output(&out, b);
   output(&out, c);
   output(&out, d);
   CHECK(check_hazards(&r, 9, 7, 1));
   ok = true;
done:
   run_end(&r);
   return ok;
}

/* A dispatch writes vkCmdDispatchIndirect's arguments {15 + 1, 0 + 1, 0 + 1} (parameters mul 1,
 * add 1) over zeros, then the indirect dispatch writes 16 workgroups' worth of output: read too
 * early, the zeros would dispatch nothing. Vendor barriers: before the first dispatch (earlier
 * submits), before the indirect dispatch, at the end. */
static bool
indirect(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   enum { GROUPS = 16, WORDS = GROUPS * 64 };
   struct run r;
   struct it_host_buffer *source, *args, *in, *dst;
   VkCommandBuffer cmd;
   uint32_t *want;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(source = buffer(&r, 4, 0, UINT32_MAX));
   CHECK(args = buffer(&r, 4, VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT, UINT32_MAX));
   CHECK(in = buffer(&r, WORDS, 0, 7));
   CHECK(dst = buffer(&r, WORDS, 0, UINT32_MAX));
   ((uint32_t *)source->data)[0] = GROUPS - 1;
   CHECK_VK(begin(&r, &cmd));
   full_barrier(cmd);
   CHECK(dispatch(&r, cmd, source->buffer, 0, args->buffer, 0, 3, PARAM_ONE));
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT, VK_ACCESS_INDIRECT_COMMAND_READ_BIT);
   CHECK(bind(&r, cmd, in->buffer, 0, dst->buffer, 0, WORDS, 4));
   vkCmdDispatchIndirect(cmd, args->buffer, 0);
   full_barrier(cmd);
   CHECK_VK(end_submit(&r, cmd));
   const uint32_t want_args[3] = {GROUPS, 1, 1};
   CHECK(expect_words(&r, "the indirect arguments", args->data, want_args, 3));
   CHECK(want = host_words(&r, WORDS, NULL));
   host_apply(want, in->data, WORDS, 4);
   CHECK(expect_words(&r, "the indirect dispatch's output", dst->data, want, WORDS));
   output(&out, args);
   output(&out, dst);
   CHECK(check_hazards(&r, 3, 2, 1));
   ok = true;
done:
   run_end(&r);
   return ok;
}

/* Memory of 2 regions; buffer p bound at 0 over both, buffer q at REGION_BYTES over the second.
 * After a full barrier (earlier submits: a vendor barrier before the first dispatch):
 *   p[1] = f(in)
 *   o = f(q[0])         reads through q what was written through p: a hazard
 *   p[0] = f(in2)       touches neither p[1] nor o: no barrier
 *   q[0] = f(in2)       overwrites through q what was written through p and read: a hazard
 * and one at the end. The memory is read back through its own mapping. */
static bool
aliasing(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *in2, *o;
   VkBuffer p = VK_NULL_HANDLE, q = VK_NULL_HANDLE;
   VkDeviceMemory memory = VK_NULL_HANDLE;
   uint32_t *mapped = NULL;
   VkCommandBuffer cmd;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, REGION_WORDS, 0, 8));
   CHECK(in2 = buffer(&r, REGION_WORDS, 0, 9));
   CHECK(o = buffer(&r, REGION_WORDS, 0, UINT32_MAX));
   VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = 2 * REGION_BYTES,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   CHECK_VK(vkCreateBuffer(s->device, &info, NULL, &p));
   info.size = REGION_BYTES;
   CHECK_VK(vkCreateBuffer(s->device, &info, NULL, &q));
   VkMemoryRequirements req_p, req_q;
   vkGetBufferMemoryRequirements(s->device, p, &req_p);
   vkGetBufferMemoryRequirements(s->device, q, &req_q);
   CHECK(REGION_BYTES % req_q.alignment == 0);
   req_p.memoryTypeBits &= req_q.memoryTypeBits;
   const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                      VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   CHECK(it_memory_type(s->physical, req_p.memoryTypeBits, host) != UINT32_MAX);
   CHECK_VK(it_allocate_memory(s->physical, s->device, &req_p, host, &memory));
   CHECK_VK(vkBindBufferMemory(s->device, p, memory, 0));
   CHECK_VK(vkBindBufferMemory(s->device, q, memory, REGION_BYTES));
   CHECK_VK(vkMapMemory(s->device, memory, 0, VK_WHOLE_SIZE, 0, (void **)&mapped));
   memset(mapped, 0, 2 * REGION_BYTES);

   const struct step steps[4] = {
      {in->buffer, 0, p, REGION_BYTES, 1},
      {q, 0, o->buffer, 0, 2},
      {in2->buffer, 0, p, 0, 3},
      {in2->buffer, 0, q, 0, 4},
   };
   CHECK_VK(begin(&r, &cmd));
   CHECK(steps_between_full_barriers(&r, cmd, steps, 4));
   CHECK_VK(end_submit(&r, cmd));

   uint32_t want_first[REGION_WORDS], want_second[REGION_WORDS], want_o[REGION_WORDS];
   host_apply(want_second, in->data, REGION_WORDS, 1);
   host_apply(want_o, want_second, REGION_WORDS, 2);
   host_apply(want_first, in2->data, REGION_WORDS, 3);
   host_apply(want_second, in2->data, REGION_WORDS, 4);
   CHECK(expect_words(&r, "o (read through the alias)", o->data, want_o, REGION_WORDS));
   CHECK(expect_words(&r, "the memory's first region", mapped, want_first, REGION_WORDS));
   CHECK(expect_words(&r, "the memory's second region", mapped + REGION_WORDS, want_second,
                      REGION_WORDS));
   memcpy(out, mapped, 2 * REGION_BYTES);
   out += 2 * REGION_WORDS;
   output(&out, o);
   CHECK(check_hazards(&r, 5, 3, 1));
   ok = true;
done:
   run_end(&r); /* the command buffer first: it uses p and q */
   if (mapped)
      vkUnmapMemory(s->device, memory);
   vkDestroyBuffer(s->device, p, NULL);
   vkDestroyBuffer(s->device, q, NULL);
   vkFreeMemory(s->device, memory, NULL);
   return ok;
}

/* One buffer of 4 regions, reached through descriptor ranges, after a full barrier (earlier
 * submits: one vendor barrier before the first dispatch):
 *   region 0 = f(in); region 1 = f(in)                    disjoint: no barrier between
 *   o = f(the second half of region 0 and first of 1)     overlaps both: a hazard
 *   region 2 = f(in)                                      disjoint from all: no barrier
 * and one at the end. */
static bool
subranges(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *buf, *o;
   VkCommandBuffer cmd;
   uint32_t *want;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, REGION_WORDS, 0, 10));
   CHECK(buf = buffer(&r, 4 * REGION_WORDS, 0, 11));
   CHECK(o = buffer(&r, REGION_WORDS, 0, UINT32_MAX));
   CHECK(want = host_words(&r, 4 * REGION_WORDS, buf->data));
   const struct step steps[4] = {
      {in->buffer, 0, buf->buffer, 0, 1},
      {in->buffer, 0, buf->buffer, REGION_BYTES, 2},
      {buf->buffer, REGION_BYTES / 2, o->buffer, 0, 3},
      {in->buffer, 0, buf->buffer, 2 * REGION_BYTES, 4},
   };
   CHECK_VK(begin(&r, &cmd));
   CHECK(steps_between_full_barriers(&r, cmd, steps, 4));
   CHECK_VK(end_submit(&r, cmd));
   uint32_t want_o[REGION_WORDS];
   host_apply(want, in->data, REGION_WORDS, 1);
   host_apply(want + REGION_WORDS, in->data, REGION_WORDS, 2);
   host_apply(want_o, want + REGION_WORDS / 2, REGION_WORDS, 3);
   host_apply(want + 2 * REGION_WORDS, in->data, REGION_WORDS, 4);
   CHECK(expect_words(&r, "the buffer", buf->data, want, 4 * REGION_WORDS));
   CHECK(expect_words(&r, "o", o->data, want_o, REGION_WORDS));
   output(&out, buf);
   output(&out, o);
   CHECK(check_hazards(&r, 5, 2, 1));
   ok = true;
done:
   run_end(&r);
   return ok;
}

/* Three command buffers submitted one after the other (three vkQueueSubmit calls, one wait):
 * the first writes a with no barrier; the second starts with a full barrier and reads a into
 * b; the third starts with a compute-to-compute barrier and reads b into c. Each starting
 * barrier orders the previous submit's work, which Kronos cannot see: each goes to the vendor
 * before the dispatch, and nothing is pending at the ends. */
static bool
previous_submit(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *a, *b, *c;
   VkCommandBuffer cmds[3];
   VkFence fence = VK_NULL_HANDLE;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, REGION_WORDS, 0, 12));
   CHECK(ZEROS(&r, &a, &b, &c));
   for (uint32_t i = 0; i < 3; i++)
      CHECK_VK(begin(&r, &cmds[i]));
   CHECK(dispatch(&r, cmds[0], in->buffer, 0, a->buffer, 0, REGION_WORDS, 1));
   full_barrier(cmds[1]);
   CHECK(dispatch(&r, cmds[1], a->buffer, 0, b->buffer, 0, REGION_WORDS, 2));
   compute_barrier(cmds[2]);
   CHECK(dispatch(&r, cmds[2], b->buffer, 0, c->buffer, 0, REGION_WORDS, 3));
   for (uint32_t i = 0; i < 3; i++)
      CHECK_VK(vkEndCommandBuffer(cmds[i]));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(s->device, &fence_info, NULL, &fence));
   for (uint32_t i = 0; i < 3; i++)
      CHECK_VK(it_submit(s->queue, 1, &cmds[i], i == 2 ? fence : VK_NULL_HANDLE));
   CHECK_VK(vkWaitForFences(s->device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS));
   uint32_t want_a[REGION_WORDS], want_b[REGION_WORDS], want_c[REGION_WORDS];
   host_apply(want_a, in->data, REGION_WORDS, 1);
   host_apply(want_b, want_a, REGION_WORDS, 2);
   host_apply(want_c, want_b, REGION_WORDS, 3);
   CHECK(expect_words(&r, "c", c->data, want_c, REGION_WORDS));
   CHECK(expect_words(&r, "b", b->data, want_b, REGION_WORDS));
   output(&out, b);
   output(&out, c);
   CHECK(check_hazards(&r, 2, 2, 0));
   ok = true;
done:
   if (fence)
      vkDestroyFence(s->device, fence, NULL);
   run_end(&r);
   return ok;
}

/* Primary: full barrier, a = f(in), full barrier, the secondary, full barrier, d = f(c), full
 * barrier. Secondary: b = f(a), full barrier, c = f(b). The policy runs on primaries only: the
 * secondary's barrier passes through as recorded; in the primary, the first dispatch gets a
 * barrier (earlier submits), the pending one goes before vkCmdExecuteCommands (secondary), the
 * one after it before d = f(c) (the secondary is work the policy cannot see), one at the end. */
static bool
secondary(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *a, *b, *c, *d;
   VkCommandBuffer cmd, second = VK_NULL_HANDLE;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, REGION_WORDS, 0, 13));
   CHECK(ZEROS(&r, &a, &b, &c, &d));
   CHECK_VK(it_allocate_command_buffers(s->device, s->command_pool,
                                        VK_COMMAND_BUFFER_LEVEL_SECONDARY, 1, &second));
   CHECK(track(&r, second));
   const VkCommandBufferInheritanceInfo inheritance = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO,
   };
   const VkCommandBufferBeginInfo begin_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .pInheritanceInfo = &inheritance,
   };
   CHECK_VK(vkBeginCommandBuffer(second, &begin_info));
   CHECK(dispatch(&r, second, a->buffer, 0, b->buffer, 0, REGION_WORDS, 2));
   full_barrier(second);
   CHECK(dispatch(&r, second, b->buffer, 0, c->buffer, 0, REGION_WORDS, 3));
   CHECK_VK(vkEndCommandBuffer(second));
   CHECK_VK(begin(&r, &cmd));
   full_barrier(cmd);
   CHECK(dispatch(&r, cmd, in->buffer, 0, a->buffer, 0, REGION_WORDS, 1));
   full_barrier(cmd);
   vkCmdExecuteCommands(cmd, 1, &second);
   full_barrier(cmd);
   CHECK(dispatch(&r, cmd, c->buffer, 0, d->buffer, 0, REGION_WORDS, 4));
   full_barrier(cmd);
   CHECK_VK(end_submit(&r, cmd));
   uint32_t want[4][REGION_WORDS];
   host_apply(want[0], in->data, REGION_WORDS, 1);
   for (uint32_t i = 1; i < 4; i++)
      host_apply(want[i], want[i - 1], REGION_WORDS, i + 1);
   CHECK(expect_words(&r, "b (secondary)", b->data, want[1], REGION_WORDS));
   CHECK(expect_words(&r, "c (secondary)", c->data, want[2], REGION_WORDS));
   CHECK(expect_words(&r, "d", d->data, want[3], REGION_WORDS));
   output(&out, b);
   output(&out, c);
   output(&out, d);
   const struct barriers_expected e = {
      .app = 5,
      .emitted = {[KRONOS_BARRIER_HAZARD] = 2, [KRONOS_BARRIER_SECONDARY] = 1,
                  [KRONOS_BARRIER_END] = 1},
      .passed = 1,
   };
   CHECK(check_barriers(&r, &e));
   ok = true;
done:
   run_end(&r);
   return ok;
}

/* full barrier, a = f(in), full barrier, vkCmdSetEvent (compute), e = f(in2) (independent),
 * vkCmdWaitEvents (compute writes before compute reads), b = f(a), full barrier, c = f(b), full
 * barrier. Vendor barriers: the first dispatch's (earlier submits), the pending one before
 * vkCmdSetEvent (event), before c = f(b) (b written after the wait, and the wait itself is
 * work the policy cannot see), one at the end. */
static bool
events(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *in2, *a, *b, *c, *e;
   VkCommandBuffer cmd;
   VkEvent event = VK_NULL_HANDLE;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, REGION_WORDS, 0, 14));
   CHECK(in2 = buffer(&r, REGION_WORDS, 0, 15));
   CHECK(ZEROS(&r, &a, &b, &c, &e));
   const VkEventCreateInfo event_info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   CHECK_VK(vkCreateEvent(s->device, &event_info, NULL, &event));
   CHECK_VK(begin(&r, &cmd));
   full_barrier(cmd);
   CHECK(dispatch(&r, cmd, in->buffer, 0, a->buffer, 0, REGION_WORDS, 1));
   full_barrier(cmd);
   vkCmdSetEvent(cmd, event, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
   CHECK(dispatch(&r, cmd, in2->buffer, 0, e->buffer, 0, REGION_WORDS, 5));
   const VkMemoryBarrier wait = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_SHADER_READ_BIT,
   };
   vkCmdWaitEvents(cmd, 1, &event, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                   VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 1, &wait, 0, NULL, 0, NULL);
   CHECK(dispatch(&r, cmd, a->buffer, 0, b->buffer, 0, REGION_WORDS, 2));
   full_barrier(cmd);
   CHECK(dispatch(&r, cmd, b->buffer, 0, c->buffer, 0, REGION_WORDS, 3));
   full_barrier(cmd);
   CHECK_VK(end_submit(&r, cmd));
   uint32_t want_a[REGION_WORDS], want_b[REGION_WORDS], want_c[REGION_WORDS];
   uint32_t want_e[REGION_WORDS];
   host_apply(want_a, in->data, REGION_WORDS, 1);
   host_apply(want_b, want_a, REGION_WORDS, 2);
   host_apply(want_c, want_b, REGION_WORDS, 3);
   host_apply(want_e, in2->data, REGION_WORDS, 5);
   CHECK(expect_words(&r, "b (after the event)", b->data, want_b, REGION_WORDS));
   CHECK(expect_words(&r, "c", c->data, want_c, REGION_WORDS));
   CHECK(expect_words(&r, "e", e->data, want_e, REGION_WORDS));
   output(&out, b);
   output(&out, c);
   output(&out, e);
   const struct barriers_expected ex = {
      .app = 4,
      .emitted = {[KRONOS_BARRIER_HAZARD] = 2, [KRONOS_BARRIER_EVENT] = 1,
                  [KRONOS_BARRIER_END] = 1},
   };
   CHECK(check_barriers(&r, &ex));
   ok = true;
done:
   run_end(&r);
   if (event)
      vkDestroyEvent(s->device, event, NULL);
   return ok;
}

/* One set bound once, y = f(y) in place four times with a full barrier after each, and a fill
 * of an unrelated buffer e between the second and the third: Kronos works out a dispatch's
 * accesses again only when something was bound, or when another command used its list (the
 * fill), so this dispatches with both kept and new accesses. Each dispatch depends on the one
 * before: a vendor barrier before each (the first's for earlier submits), none for the fill,
 * one at the end. */
static bool
same_bindings(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *y, *e;
   VkCommandBuffer cmd;
   uint32_t want_y[REGION_WORDS], want_e[REGION_WORDS];
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(y = buffer(&r, REGION_WORDS, 0, 8));
   CHECK(ZEROS(&r, &e));
   memcpy(want_y, y->data, sizeof(want_y));
   CHECK_VK(begin(&r, &cmd));
   full_barrier(cmd);
   CHECK(bind(&r, cmd, y->buffer, 0, y->buffer, 0, REGION_WORDS, 3));
   for (uint32_t i = 0; i < 4; i++) {
      if (i == 2)
         vkCmdFillBuffer(cmd, e->buffer, 0, VK_WHOLE_SIZE, 0x5eu);
      vkCmdDispatch(cmd, REGION_WORDS / 64, 1, 1);
      full_barrier(cmd);
      host_apply(want_y, want_y, REGION_WORDS, 3);
   }
   CHECK_VK(end_submit(&r, cmd));
   for (uint32_t i = 0; i < REGION_WORDS; i++)
      want_e[i] = 0x5eu;
   CHECK(expect_words(&r, "y", y->data, want_y, REGION_WORDS));
   CHECK(expect_words(&r, "e", e->data, want_e, REGION_WORDS));
   output(&out, y);
   output(&out, e);
   CHECK(check_hazards(&r, 5, 4, 1));
   ok = true;
done:
   run_end(&r);
   return ok;
}

/* The replay's counters since `before`: events replayed and recordings diverged, against what
 * one recording should give (checked only with the policy on: off, no event reaches it). */
static bool
check_replay(const struct run *r, const VkKronosDeviceStatistics *before, uint64_t replayed,
             uint64_t diverged, const char *what)
{
   if (!r->s->kronos || expectation != EXPECT_POLICY)
      return true;
   if (!replay)
      replayed = diverged = 0;
   VkKronosDeviceStatistics after = dc_statistics(r->s);
   uint64_t got_replayed = delta(after.barrier_events_replayed, before->barrier_events_replayed);
   uint64_t got_diverged = delta(after.barrier_replays_diverged, before->barrier_replays_diverged);
   printf("  kronos replay, %s: %" PRIu64 " events replayed, %" PRIu64 " diverged\n", what,
          got_replayed, got_diverged);
   if (got_replayed != replayed || got_diverged != diverged) {
      printf("  kronos: expected %" PRIu64 " replayed and %" PRIu64 " diverged\n", replayed,
             diverged);
      return false;
   }
   return true;
}

/* A command pool of the case's own with one primary command buffer, recorded again and again
 * (a replay log lives with its command buffer). */
static VkResult
own_command_buffer(const struct dc_side *s, VkCommandPool *pool, VkCommandBuffer *cmd)
{
   VkResult result = it_create_command_pool(s->device, s->family,
                                            VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                            NULL, pool);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(s->device, *pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                           cmd);
   return result;
}

/* The start of one recording of a case that records a command buffer again: Kronos's
 * statistics now, what its counters are checked against (kept in r->before too). */
static VkKronosDeviceStatistics
round_start(struct run *r)
{
   if (r->s->kronos)
      r->before = dc_statistics(r->s);
   return r->before;
}

/* One recording of the rerecorded cases: a full barrier, a dispatch x -> a, a full barrier, a
 * dispatch src -> c with parameters 2, directly or (args set) through args, which holds its
 * group counts; ended, submitted and waited for. */
static bool
record_twice_step(struct run *r, VkCommandBuffer cmd, VkBuffer x, VkBuffer a, VkBuffer src,
                  VkBuffer c, VkBuffer args)
{
   const VkCommandBufferBeginInfo info = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   if (vkBeginCommandBuffer(cmd, &info) != VK_SUCCESS)
      return false;
   full_barrier(cmd);
   if (!dispatch(r, cmd, x, 0, a, 0, REGION_WORDS, 1))
      return false;
   full_barrier(cmd);
   if (args) {
      if (!bind(r, cmd, src, 0, c, 0, REGION_WORDS, 2))
         return false;
      vkCmdDispatchIndirect(cmd, args, 0);
   } else if (!dispatch(r, cmd, src, 0, c, 0, REGION_WORDS, 2)) {
      return false;
   }
   return vkEndCommandBuffer(cmd) == VK_SUCCESS && dc_submit_wait(r->s, 1, &cmd) == VK_SUCCESS;
}

/* One command buffer recorded three times (the pool resets it at each vkBeginCommandBuffer),
 * each with new descriptor sets: a full barrier, a dispatch x -> a, a full barrier, a dispatch
 * b -> c. The first barrier goes to the vendor before the first dispatch (it may order what
 * earlier submits wrote); the second orders nothing between the dispatches and goes at the end.
 * The second recording is the same commands: every decision comes from the first one's log (5
 * events: two requests, two dispatches, the end). The third reads a instead of b in its second
 * dispatch, a read of what the first wrote: the recording departs from the log there (the sets
 * hold other content), and the second barrier goes before that dispatch, none at the end. The
 * fourth, into a command buffer allocated after freeing the first, replays the third's log,
 * which the pool kept. */
static bool
rerecorded(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *x, *b, *a, *c;
   /* A pool of its own: no other case's freed command buffer leaves it a log. */
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   uint32_t want_a[REGION_WORDS], want_c[REGION_WORDS];
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(x = buffer(&r, REGION_WORDS, 0, 21));
   CHECK(b = buffer(&r, REGION_WORDS, 0, 22));
   CHECK(ZEROS(&r, &a, &c));
   CHECK_VK(own_command_buffer(s, &pool, &cmd));
   host_apply(want_a, x->data, REGION_WORDS, 1);
   host_apply(want_c, b->data, REGION_WORDS, 2);
   VkKronosDeviceStatistics before = s->kronos ? dc_statistics(s) : r.before;
   CHECK(record_twice_step(&r, cmd, x->buffer, a->buffer, b->buffer, c->buffer,
                           VK_NULL_HANDLE));
   CHECK(check_hazards(&r, 2, 1, 1));
   CHECK(check_replay(&r, &before, 0, 0, "first recording"));
   CHECK(expect_words(&r, "c, first recording", c->data, want_c, REGION_WORDS));

   if (s->kronos)
      r.before = before = dc_statistics(s);
   memset(c->data, 0, REGION_BYTES);
   CHECK(record_twice_step(&r, cmd, x->buffer, a->buffer, b->buffer, c->buffer,
                           VK_NULL_HANDLE));
   CHECK(check_hazards(&r, 2, 1, 1));
   CHECK(check_replay(&r, &before, 5, 0, "the same commands"));
   CHECK(expect_words(&r, "c, second recording", c->data, want_c, REGION_WORDS));

   if (s->kronos)
      r.before = before = dc_statistics(s);
   CHECK(record_twice_step(&r, cmd, x->buffer, a->buffer, a->buffer, c->buffer,
                           VK_NULL_HANDLE));
   host_apply(want_c, want_a, REGION_WORDS, 2);
   CHECK(check_hazards(&r, 2, 2, 0));
   CHECK(check_replay(&r, &before, 3, 1, "the second dispatch reading a"));
   CHECK(expect_words(&r, "a", a->data, want_a, REGION_WORDS));
   CHECK(expect_words(&r, "c, third recording", c->data, want_c, REGION_WORDS));

   /* A new command buffer in place of the freed one gets its log from the pool: the same
    * commands again replay whole. */
   vkFreeCommandBuffers(s->device, pool, 1, &cmd);
   CHECK_VK(it_allocate_command_buffers(s->device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                        &cmd));
   if (s->kronos)
      r.before = before = dc_statistics(s);
   memset(c->data, 0, REGION_BYTES);
   CHECK(record_twice_step(&r, cmd, x->buffer, a->buffer, a->buffer, c->buffer,
                           VK_NULL_HANDLE));
   CHECK(check_hazards(&r, 2, 2, 0));
   CHECK(check_replay(&r, &before, 5, 0, "a new command buffer, the pool's log"));
   CHECK(expect_words(&r, "c, fourth recording", c->data, want_c, REGION_WORDS));
   output(&out, a);
   output(&out, c);
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(s->device, pool, NULL);
   run_end(&r);
   return ok;
}

/* One command buffer recorded five times with the same bindings, its second dispatch indirect,
 * indirect, direct, direct, indirect. A direct dispatch's replay key is not an indirect one's
 * (src/kr_barrier_record.c, dispatch_key): where the kind changes, the recording departs from
 * the log at that dispatch (3 events replayed: two requests and the first dispatch), and where
 * it stays, all 5 events replay. The dispatches touch nothing in common and the indirect
 * arguments come from the host: one vendor barrier before the first dispatch (earlier submits)
 * and one at the end, every time. */
static bool
rerecorded_indirect(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *x, *a, *c, *args;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   uint32_t want_a[REGION_WORDS], want_c[REGION_WORDS];
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(x = buffer(&r, REGION_WORDS, 0, 23));
   CHECK(args = buffer(&r, 4, VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT, UINT32_MAX));
   CHECK(ZEROS(&r, &a, &c));
   const uint32_t groups[3] = {REGION_WORDS / 64, 1, 1};
   memcpy(args->data, groups, sizeof(groups));
   CHECK_VK(own_command_buffer(s, &pool, &cmd));
   host_apply(want_a, x->data, REGION_WORDS, 1);
   host_apply(want_c, x->data, REGION_WORDS, 2);
   static const struct {
      bool indirect;
      uint64_t replayed, diverged;
      const char *what;
   } rounds[] = {
      {true, 0, 0, "first recording, indirect"},
      {true, 5, 0, "indirect again"},
      {false, 3, 1, "direct in place of indirect"},
      {false, 5, 0, "direct again"},
      {true, 3, 1, "indirect in place of direct"},
   };
   for (uint32_t i = 0; i < sizeof(rounds) / sizeof(rounds[0]); i++) {
      VkKronosDeviceStatistics before = round_start(&r);
      memset(c->data, 0, REGION_BYTES);
      CHECK(record_twice_step(&r, cmd, x->buffer, a->buffer, x->buffer, c->buffer,
                              rounds[i].indirect ? args->buffer : VK_NULL_HANDLE));
      CHECK(check_hazards(&r, 2, 1, 1));
      CHECK(check_replay(&r, &before, rounds[i].replayed, rounds[i].diverged, rounds[i].what));
      CHECK(expect_words(&r, "a", a->data, want_a, REGION_WORDS));
      CHECK(expect_words(&r, "c", c->data, want_c, REGION_WORDS));
   }
   output(&out, a);
   output(&out, c);
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(s->device, pool, NULL);
   run_end(&r);
   return ok;
}

/* Dispatches the policy never worked out since `before` (barrier_dispatches_unexamined), against
 * what one recording should give (checked only with the policy on). */
static bool
check_unexamined(const struct run *r, const VkKronosDeviceStatistics *before, uint64_t want)
{
   if (!r->s->kronos || expectation != EXPECT_POLICY)
      return true;
   VkKronosDeviceStatistics after = dc_statistics(r->s);
   uint64_t got =
      delta(after.barrier_dispatches_unexamined, before->barrier_dispatches_unexamined);
   printf("  kronos: %" PRIu64 " dispatches unexamined\n", got);
   if (got != want) {
      printf("  kronos: expected %" PRIu64 " dispatches unexamined\n", want);
      return false;
   }
   return true;
}

/* One recording of held_back, over regions of one input buffer (in0..in3) and one output
 * buffer (a..h):
 *   a = f(in0), b = f(in1)         before the first barrier: never worked out
 *   full barrier, c = f(a)         a vendor barrier before c (a, and earlier submits' work)
 *   d = f(in2), vkCmdSetEvent,     nothing pending after that barrier: held back
 *   e = f(in3)
 *   full barrier, g = f(d)         what was held back goes to the policy first: g reads d, a
 *                                  vendor barrier before g
 *   h = f(in0)                     held back, and dropped unread at the end
 * ended, submitted and waited for. Held back or not, the vendor gets the same barriers. */
#define HELD_INPUTS 4u
#define HELD_OUTPUTS 7u

static bool
held_back_step(struct run *r, VkCommandBuffer cmd, VkBuffer in, VkBuffer out, VkEvent event)
{
   /* (source region, output region, parameters): in0..in3 are 0..3, a..h are 4..10 */
   static const uint32_t steps[HELD_OUTPUTS][3] = {
      {0, 4, 1}, {1, 5, 2}, {4, 6, 3}, {2, 7, 4}, {3, 8, 5}, {7, 9, 6}, {0, 10, 7},
   };
   const VkCommandBufferBeginInfo info = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   if (vkBeginCommandBuffer(cmd, &info) != VK_SUCCESS)
      return false;
   for (uint32_t i = 0; i < HELD_OUTPUTS; i++) {
      if (i == 2 || i == 5)
         full_barrier(cmd);
      if (i == 4)
         vkCmdSetEvent(cmd, event, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
      uint32_t from = steps[i][0], to = steps[i][1] - HELD_INPUTS;
      if (!dispatch(r, cmd, from < HELD_INPUTS ? in : out,
                    (from < HELD_INPUTS ? from : from - HELD_INPUTS) * REGION_BYTES, out,
                    to * REGION_BYTES, REGION_WORDS, steps[i][2]))
         return false;
   }
   return vkEndCommandBuffer(cmd) == VK_SUCCESS && dc_submit_wait(r->s, 1, &cmd) == VK_SUCCESS;
}

/* held_back_step twice into one command buffer of a pool of the case's own (the second
 * recording replays the first's log):
 * two vendor barriers for hazards each time, none at the end; a and b (before the first
 * barrier) and h (held back to the end) never worked out, unless KRONOS_BARRIER_DEFER=0. The
 * log's events: the two requests, c, g, and at the second request what was held back (d, the
 * event, e), and the end: 8 (11 with a, b and h worked out). */
static bool
held_back(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *outs;
   VkEvent event = VK_NULL_HANDLE;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   uint32_t *want;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, HELD_INPUTS * REGION_WORDS, 0, 30));
   CHECK(outs = buffer(&r, HELD_OUTPUTS * REGION_WORDS, 0, UINT32_MAX));
   CHECK(want = host_words(&r, HELD_OUTPUTS * REGION_WORDS, NULL));
   const uint32_t *src = in->data;
   host_apply(want, src, REGION_WORDS, 1);                                      /* a */
   host_apply(want + 1 * REGION_WORDS, src + 1 * REGION_WORDS, REGION_WORDS, 2); /* b */
   host_apply(want + 2 * REGION_WORDS, want, REGION_WORDS, 3);                  /* c */
   host_apply(want + 3 * REGION_WORDS, src + 2 * REGION_WORDS, REGION_WORDS, 4); /* d */
   host_apply(want + 4 * REGION_WORDS, src + 3 * REGION_WORDS, REGION_WORDS, 5); /* e */
   host_apply(want + 5 * REGION_WORDS, want + 3 * REGION_WORDS, REGION_WORDS, 6); /* g */
   host_apply(want + 6 * REGION_WORDS, src, REGION_WORDS, 7);                   /* h */
   const VkEventCreateInfo event_info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   CHECK_VK(vkCreateEvent(s->device, &event_info, NULL, &event));
   CHECK_VK(own_command_buffer(s, &pool, &cmd));
   for (uint32_t round = 0; round < 2; round++) {
      memset(outs->data, 0, HELD_OUTPUTS * REGION_BYTES);
      VkKronosDeviceStatistics before = round_start(&r);
      CHECK(held_back_step(&r, cmd, in->buffer, outs->buffer, event));
      CHECK(check_hazards(&r, 2, 2, 0));
      CHECK(check_unexamined(&r, &before, defer ? 3 : 0));
      CHECK(check_replay(&r, &before, round ? (defer ? 8 : 11) : 0, 0,
                         round ? "recorded again" : "first recording"));
      CHECK(expect_words(&r, "a..h", outs->data, want, HELD_OUTPUTS * REGION_WORDS));
   }
   output(&out, outs);
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(s->device, pool, NULL);
   run_end(&r);
   if (event)
      vkDestroyEvent(s->device, event, NULL);
   return ok;
}

/* One recording of unlogged, over regions of one input buffer (in0..in3) and one output buffer
 * (c, d, e, g):
 *   full barrier, c = f(in0)   a vendor barrier before c (earlier submits' work)
 *   d = f(in1), e = f(in2)     nothing pending: held back
 *   with `later`: full barrier, g = f(in3), which reads and writes nothing d and e touch
 * ended, submitted and waited for. */
#define UNLOGGED_REGIONS 4u

static bool
unlogged_step(struct run *r, VkCommandBuffer cmd, VkBuffer in, VkBuffer out, bool later)
{
   const VkCommandBufferBeginInfo info = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   if (vkBeginCommandBuffer(cmd, &info) != VK_SUCCESS)
      return false;
   full_barrier(cmd);
   for (uint32_t i = 0; i < UNLOGGED_REGIONS - !later; i++) {
      if (i == 3)
         full_barrier(cmd);
      if (!dispatch(r, cmd, in, i * REGION_BYTES, out, i * REGION_BYTES, REGION_WORDS, i + 1))
         return false;
   }
   return vkEndCommandBuffer(cmd) == VK_SUCCESS && dc_submit_wait(r->s, 1, &cmd) == VK_SUCCESS;
}

/* unlogged_step six times into one command buffer: without `later` twice, with it twice,
 * without it, with it. Vendor barriers (hazard, end) and dispatches never worked out, per
 * recording:
 *   recording   KRONOS_BARRIER_DEFER=2 (default)   =1 (always logged)   =0
 *   1 (logged)  1, 0; 2: d and e dropped unread    1, 0; 2              1, 0; 0
 *   2           1, 0; 2, kept without a log        1, 0; 2              1, 0; 0
 *   3           2, 0; 2: d and e, given as one     1, 1; 0              1, 1; 0
 *               command of unknown accesses
 *               before the second barrier, make
 *               g wait for it
 *   4 (logged)  1, 1; 0                            1, 1; 0              1, 1; 0
 *   5 (logged)  1, 0; 2                            1, 0; 2              1, 0; 0
 *   6 (logged)  1, 1; 0: a command buffer that     1, 1; 0              1, 1; 0
 *               read a log logs from then on
 * The outputs are the host's every time. */
static bool
unlogged(struct dc_side *s, const void *arg, uint32_t *out)
{
   (void)arg;
   struct run r;
   struct it_host_buffer *in, *outs;
   VkCommandPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   uint32_t *want;
   bool ok = false;
   CHECK(run_begin(s, &r));
   CHECK(in = buffer(&r, UNLOGGED_REGIONS * REGION_WORDS, 0, 40));
   CHECK(outs = buffer(&r, UNLOGGED_REGIONS * REGION_WORDS, 0, UINT32_MAX));
   CHECK(want = host_words(&r, UNLOGGED_REGIONS * REGION_WORDS, NULL));
   for (uint32_t i = 0; i < UNLOGGED_REGIONS; i++)
      host_apply(want + i * REGION_WORDS, (const uint32_t *)in->data + i * REGION_WORDS,
                 REGION_WORDS, i + 1);
   CHECK_VK(own_command_buffer(s, &pool, &cmd));
   bool unlogged_mode = defer && !defer_log;
   static const bool laters[] = {false, false, true, true, false, true};
   for (uint32_t round = 0; round < sizeof(laters) / sizeof(laters[0]); round++) {
      bool later = laters[round];
      memset(outs->data, 0, UNLOGGED_REGIONS * REGION_BYTES);
      VkKronosDeviceStatistics before = round_start(&r);
      CHECK(unlogged_step(&r, cmd, in->buffer, outs->buffer, later));
      bool coarse = unlogged_mode && round == 2;
      uint32_t ends = later && !coarse;
      CHECK(check_hazards(&r, 1 + later, coarse ? 2 : 1, ends));
      CHECK(check_unexamined(&r, &before, !defer ? 0 : later && !coarse ? 0 : 2));
      CHECK(expect_words(&r, "c, d, e, g", outs->data, want,
                         (UNLOGGED_REGIONS - !later) * REGION_WORDS));
   }
   output(&out, outs);
   ok = true;
done:
   if (pool)
      vkDestroyCommandPool(s->device, pool, NULL);
   run_end(&r);
   return ok;
}

/* --- Program -------------------------------------------------------------------------------- */

/* case_NAME: NAME on both devices, each writing `words` output words. */
#define ON_BOTH(name, words)                                                                  \
   static bool case_##name(void)                                                              \
   {                                                                                          \
      return dc_on_both(#name, name, NULL, words);                                            \
   }

ON_BOTH(independent, CHAIN * REGION_WORDS)
ON_BOTH(raw_chain, (CHAIN + 1) * REGION_WORDS)
ON_BOTH(war, 2 * REGION_WORDS)
ON_BOTH(waw, 2 * REGION_WORDS)
ON_BOTH(transfers, 4 * REGION_WORDS)
ON_BOTH(indirect, 4 + 16 * 64)
ON_BOTH(aliasing, 3 * REGION_WORDS)
ON_BOTH(subranges, 5 * REGION_WORDS)
ON_BOTH(previous_submit, 2 * REGION_WORDS)
ON_BOTH(secondary, 3 * REGION_WORDS)
ON_BOTH(events, 3 * REGION_WORDS)
ON_BOTH(same_bindings, 2 * REGION_WORDS)
ON_BOTH(rerecorded, 2 * REGION_WORDS)
ON_BOTH(rerecorded_indirect, 2 * REGION_WORDS)
ON_BOTH(held_back, 7 * REGION_WORDS)
ON_BOTH(unlogged, UNLOGGED_REGIONS * REGION_WORDS)

static bool
setup(void)
{
   bool ok = false;
   if (!dc_setup())
      return false;
   dc_watchdog_arm("setup: desc_simple's pipelines");
   const VkDescriptorSetLayoutBinding bindings[3] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   for (int i = 0; i < DC_SIDE_COUNT; i++) {
      const struct dc_side *s = &dc_sides[i];
      struct kit *k = &kits[i];
      CHECK_VK(dc_set_layout(s, 0, bindings, 3, &k->set_layout));
      CHECK_VK(dc_pipeline_layout(s, &k->set_layout, 1, &k->layout));
      CHECK_VK(dc_pipeline(s, desc_simple_spv, sizeof(desc_simple_spv), k->layout,
                           &k->pipeline));
   }
   ok = true;
done:
   dc_watchdog_arm(NULL);
   return ok;
}

static bool
close_devices(void)
{
   for (int i = 0; i < DC_SIDE_COUNT; i++) {
      const struct dc_side *s = &dc_sides[i];
      if (!s->device)
         continue;
      vkDeviceWaitIdle(s->device);
      vkDestroyPipeline(s->device, kits[i].pipeline, NULL);
      vkDestroyPipelineLayout(s->device, kits[i].layout, NULL);
      vkDestroyDescriptorSetLayout(s->device, kits[i].set_layout, NULL);
   }
   memset(kits, 0, sizeof(kits));
   /* Validation errors fail the program, except where barriers were dropped on purpose. */
   bool ok = it_validation_report() || expectation == EXPECT_DROP_ALL;
   dc_close();
   return ok;
}

int
main(int argc, char **argv)
{
   static const struct it_test tests[] = {
      {"find the vendor's device and Kronos's, open both", setup, true},
      {"independent", case_independent, false},
      {"raw_chain", case_raw_chain, false},
      {"war", case_war, false},
      {"waw", case_waw, false},
      {"transfers", case_transfers, false},
      {"indirect", case_indirect, false},
      {"aliasing", case_aliasing, false},
      {"subranges", case_subranges, false},
      {"previous_submit", case_previous_submit, false},
      {"secondary", case_secondary, false},
      {"events", case_events, false},
      {"same_bindings", case_same_bindings, false},
      {"rerecorded", case_rerecorded, false},
      {"rerecorded_indirect", case_rerecorded_indirect, false},
      {"held_back", case_held_back, false},
      {"unlogged", case_unlogged, false},
      {"close both devices (validation errors fail)", close_devices, false},
   };
   struct it_test chosen[DC_ARRAY_SIZE(tests)];
   const char *only = NULL;
   for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--expect-passthrough") == 0) {
         expectation = EXPECT_PASSTHROUGH;
      } else if (strcmp(argv[i], "--expect-drop-all") == 0) {
         expectation = EXPECT_DROP_ALL;
      } else if (strcmp(argv[i], "--no-replay") == 0) {
         replay = false;
      } else if (strcmp(argv[i], "--no-defer") == 0) {
         defer = false;
      } else if (strcmp(argv[i], "--defer-log") == 0) {
         defer_log = true;
      } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
         only = argv[++i];
      } else {
         fprintf(stderr, "usage: %s [--expect-passthrough | --expect-drop-all] [--no-replay] "
                 "[--no-defer | --defer-log] [--only CASE]\n",
                 argv[0]);
         return 2;
      }
   }
   size_t n = it_select_tests(tests, DC_ARRAY_SIZE(tests), only, chosen);
   if (n == 0)
      return 2;
   int status = it_run_tests(chosen, n);
   if (dc_instance)
      dc_close();
   return status;
}
