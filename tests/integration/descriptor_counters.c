/* SPDX-License-Identifier: MIT */
/* Kronos's descriptor counters (issue 10: persistent descriptors), on Kronos's device only,
 * through the real loader. Every case measures the deltas of vkGetDeviceStatisticsKRONOS around
 * what it does and checks them, and checks what every dispatch wrote against what the host
 * computes (shaders/desc_simple.comp: dst[i] = src[i] * mul + add; set 0: binding 0 the source
 * storage buffer, 1 the destination storage buffer, 2 the parameters' uniform buffer). Each
 * update of a set is one vkUpdateDescriptorSets of 3 writes (one per binding), and a cache miss
 * writes its vendor set with 3 writes: so vendor writes == 3 * misses wherever sets are records.
 *  - steady_state_rewrite: one set rewritten with the same content before each of 50 waited
 *    submits (after a warm-up): 150 application writes, 0 vendor writes, 50 hits, 0 misses;
 *  - framework: 20 iterations (after a warm-up) of 16 operations, each allocating a set from a
 *    pool that is reset every iteration, writing it (operation k: the same content every
 *    iteration), binding it and dispatching, all in one waited submit: 0 vendor writes, 0
 *    misses, 320 hits, nothing evicted even past a bound of 2 (each recording takes over the
 *    holds the one before carried over its begin); then, in the evict mode, a recording
 *    abandoned (reset before it ends) still counts its 16 hits, and a reset releasing
 *    resources brings the cache back to its bound;
 *  - distinct_contents: one set rewritten with 8 contents in turn, a waited submit each, 5
 *    rounds: 8 misses and 24 vendor writes in the first round, none after; then 8 other sets
 *    with the same 8 contents, bound in one command buffer: 8 hits;
 *  - handle_reuse: a set names buffer A, dispatched; A destroyed and its memory freed, buffer B
 *    created (whether it got A's handle value is printed), written at the same binding: one
 *    miss (a new vendor set), the output in B and nothing in the memory that took A's place; a
 *    new set with B's content hits; once B is destroyed no vendor set is left of the case;
 *  - eviction: 6 command buffers, each binding a set of its own content, recorded and kept;
 *    submitted, checked; another command buffer binds 4 more contents and is reset (its holds
 *    carried: nothing evicted), then its pool trimmed (the carried holds go); the 6
 *    submitted again (a vendor set a recorded command buffer holds cannot have been evicted),
 *    checked again; then freed: with KRONOS_DESCRIPTOR_CACHE_SETS=2, 6 vendor sets live while
 *    they are held, <= 2 after, and evictions;
 *  - passthrough_layout: layouts Kronos does not model, each where the device has what it needs
 *    (else skipped with a message): VK_DESCRIPTOR_BINDING_PARTIALLY_BOUND_BIT on every binding
 *    (descriptorBindingPartiallyBound), an update-after-bind layout whose binding 2 is an inline
 *    uniform block written again after the bind, before the submit (the dispatch must see the
 *    late parameters), and a push descriptor layout (vkCmdPushDescriptorSetKHR): 10 rounds each,
 *    vendor writes == application writes, no hits, misses or cached sets (pushes counted); the
 *    partially bound set's buffers then copied into a set of the modeled layout, which binds as
 *    a record (one miss) and works; the update-after-bind set copied whole into another set of
 *    its layout, which works;
 *  - bind_failure_rebind: a set bound with content C1, written with C2, then bound while every
 *    allocation through the device's callbacks fails (the cache entry for C2 cannot be made:
 *    vkEndCommandBuffer returns VK_ERROR_OUT_OF_HOST_MEMORY); recorded again, unchanged, the
 *    set must bind C2: one miss, 3 vendor writes, C2's output (not C1's).
 * The device is created with allocation callbacks (malloc) that bind_failure_rebind arms to fail.
 * Every case runs under a watchdog (WATCHDOG_S); when the Khronos validation layer is enabled
 * (VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation) its errors are counted through
 * VK_EXT_debug_utils and fail the program.
 *
 * Options (at most one):
 *   (none) or --expect-cache  default settings: the counts above, exactly; no evictions.
 *   --eviction                KRONOS_DESCRIPTOR_CACHE_SETS=2 (checked): eviction's bounds; the
 *                             other cases' counts where the smaller cache decides them (an LRU
 *                             of 2 cannot keep 8 contents that come round in turn).
 *   --expect-off              KRONOS_DISABLE=descriptor: every set is a vendor set: vendor
 *                             writes == application writes, no hits, misses, evictions or
 *                             cached vendor sets. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_simple_spv.h"
#include "descriptor_common.h"

#define WATCHDOG_S 120

#define OFFSET_UNIT DC_OFFSET_UNIT
#define PARAM_SLOTS DC_PARAM_SLOTS
#define OUT_WORDS DC_SIMPLE_OUT_WORDS
#define FILL_BYTE DC_FILL_BYTE
#define WRITES_PER_UPDATE 3u /* one VkWriteDescriptorSet per binding */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static enum { MODE_CACHE, MODE_EVICT, MODE_OFF } mode;

/* --- Watchdog --------------------------------------------------------------------------------- */

/* A case that has not finished WATCHDOG_S seconds after this makes the program exit (what NULL:
 * nothing runs). */
static void
watchdog_arm(const char *what)
{
   it_watchdog_arm(what, WATCHDOG_S);
}

/* --- The device's allocation callbacks: they fail while armed --------------------------------- */

static atomic_bool allocations_fail;
static atomic_uint allocations_failed;

/* Each allocation keeps its malloc block and size just before the pointer it returns. */
struct header {
   void *block;
   size_t size;
};

static void *VKAPI_PTR
on_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (atomic_load(&allocations_fail)) {
      atomic_fetch_add(&allocations_failed, 1);
      return NULL;
   }
   if (alignment < sizeof(struct header))
      alignment = sizeof(struct header);
   uint8_t *block = malloc(size + alignment + sizeof(struct header));
   if (!block)
      return NULL;
   uintptr_t start = (uintptr_t)(block + sizeof(struct header));
   uint8_t *ptr = (uint8_t *)((start + alignment - 1) & ~(uintptr_t)(alignment - 1));
   const struct header h = {block, size};
   memcpy(ptr - sizeof(h), &h, sizeof(h));
   return ptr;
}

static struct header
header_of(void *ptr)
{
   struct header h;
   memcpy(&h, (uint8_t *)ptr - sizeof(h), sizeof(h));
   return h;
}

static void VKAPI_PTR
on_free(void *user, void *memory)
{
   (void)user;
   if (memory)
      free(header_of(memory).block);
}

static void *VKAPI_PTR
on_realloc(void *user, void *original, size_t size, size_t alignment,
           VkSystemAllocationScope scope)
{
   if (!original)
      return on_alloc(user, size, alignment, scope);
   if (size == 0) {
      on_free(user, original);
      return NULL;
   }
   void *copy = on_alloc(user, size, alignment, scope);
   if (!copy)
      return NULL;
   size_t old = header_of(original).size;
   memcpy(copy, original, old < size ? old : size);
   on_free(user, original);
   return copy;
}

static const VkAllocationCallbacks device_allocator = {
   .pfnAllocation = on_alloc,
   .pfnReallocation = on_realloc,
   .pfnFree = on_free,
};

/* --- The device ------------------------------------------------------------------------------- */

static struct {
   VkInstance instance;
   VkPhysicalDevice physical;
   uint32_t family;
   VkDevice device;
   VkQueue queue;
   VkCommandPool command_pool;
   VkFence fence;
   bool partially_bound;          /* descriptorBindingPartiallyBound: enabled */
   bool inline_update_after_bind; /* inlineUniformBlock and its update after bind: enabled */
   bool push;                     /* VK_KHR_push_descriptor: enabled */
   VkShaderModule module;
   VkDescriptorSetLayout set_layout; /* modeled */
   VkPipelineLayout layout;
   VkPipeline pipeline;
   VkDescriptorSetLayout pb_set_layout; /* partially bound: passes through */
   VkPipelineLayout pb_layout;
   VkPipeline pb_pipeline;
   VkDescriptorSetLayout uab_set_layout; /* update after bind: passes through */
   VkPipelineLayout uab_layout;
   VkPipeline uab_pipeline;
   VkDescriptorSetLayout push_set_layout; /* push descriptors: pass through */
   VkPipelineLayout push_layout;
   VkPipeline push_pipeline;
} g;

/* --- Counters --------------------------------------------------------------------------------- */

typedef VkKronosDeviceStatistics stats_t;

static bool
snap(stats_t *s)
{
   VkResult result = it_device_statistics(g.device, s);
   if (result != VK_SUCCESS) {
      fprintf(stderr, "  vkGetDeviceStatisticsKRONOS: %s\n", it_result_name(result));
      return false;
   }
   return true;
}

struct delta {
   uint64_t app, vendor, hits, misses, evictions;
   int64_t live; /* change of vendor_descriptor_sets_live */
};

static struct delta
delta_of(const stats_t *a, const stats_t *b)
{
   return (struct delta){
      .app = b->app_descriptor_writes - a->app_descriptor_writes,
      .vendor = b->vendor_descriptor_writes - a->vendor_descriptor_writes,
      .hits = b->descriptor_cache_hits - a->descriptor_cache_hits,
      .misses = b->descriptor_cache_misses - a->descriptor_cache_misses,
      .evictions = b->descriptor_cache_evictions - a->descriptor_cache_evictions,
      .live = (int64_t)(b->vendor_descriptor_sets_live - a->vendor_descriptor_sets_live),
   };
}

static void
print_delta(const char *what, const struct delta *d, const stats_t *now)
{
   printf("  %s: application writes %" PRIu64 ", vendor writes %" PRIu64 ", hits %" PRIu64
          ", misses %" PRIu64 ", evictions %" PRIu64 ", vendor sets live %" PRIu64
          " (%+" PRId64 "), cache bytes %" PRIu64 "\n",
          what, d->app, d->vendor, d->hits, d->misses, d->evictions,
          now->vendor_descriptor_sets_live, d->live, now->descriptor_cache_bytes);
}

#define ANY UINT64_MAX

/* One expected count: ANY for none. */
static bool
expect_count(const char *what, const char *name, uint64_t got, uint64_t want)
{
   if (want == ANY || got == want)
      return true;
   fprintf(stderr, "  %s: %s %" PRIu64 ", expected %" PRIu64 "\n", what, name, got, want);
   return false;
}

/* The counts of updates and binds of sets: with records (MODE_CACHE, MODE_EVICT), exactly these
 * (ANY: unchecked) and vendor writes == 3 * misses; with KRONOS_DISABLE=descriptor, vendor
 * writes == application writes and no hits, misses, evictions or new cached sets, whatever the
 * arguments. app is checked in every mode. */
static bool
expect_delta(const char *what, const struct delta *d, uint64_t app, uint64_t vendor,
             uint64_t hits, uint64_t misses)
{
   bool ok = expect_count(what, "application writes", d->app, app);
   if (mode == MODE_OFF) {
      ok &= expect_count(what, "vendor writes (== application writes)", d->vendor, d->app);
      ok &= expect_count(what, "hits", d->hits, 0);
      ok &= expect_count(what, "misses", d->misses, 0);
      ok &= expect_count(what, "evictions", d->evictions, 0);
      ok &= expect_count(what, "vendor sets live (change)", (uint64_t)d->live, 0);
      return ok;
   }
   ok &= expect_count(what, "vendor writes", d->vendor, vendor);
   ok &= expect_count(what, "hits", d->hits, hits);
   ok &= expect_count(what, "misses", d->misses, misses);
   ok &= expect_count(what, "vendor writes (== 3 per miss)", d->vendor,
                      WRITES_PER_UPDATE * d->misses);
   if (mode == MODE_CACHE)
      ok &= expect_count(what, "evictions", d->evictions, 0);
   return ok;
}

/* --- desc_simple: jobs ------------------------------------------------------------------------ */

/* Whether out (words words) holds what the jobs write, FILL_WORD elsewhere; reports the first
 * difference. */
static bool
check_out(const char *what, const void *out, uint32_t words, const struct dc_job *jobs,
          uint32_t count)
{
   return dc_simple_check(NULL, what, out, words, jobs, count);
}

/* One vkUpdateDescriptorSets of 3 writes: the job into set, writing to out. */
static void
write_set(VkDescriptorSet set, const struct dc_simple_io *io, VkBuffer out, const struct dc_job *j)
{
   VkDescriptorBufferInfo infos[3];
   dc_simple_infos(io, out, j, infos);
   VkWriteDescriptorSet w[WRITES_PER_UPDATE];
   dc_simple_writes(set, infos, w);
   vkUpdateDescriptorSets(g.device, WRITES_PER_UPDATE, w, 0, NULL);
}

/* cmd begun (flags), the jobs recorded, each through its set, with pipeline and layout; not
 * ended. */
static VkResult
record_commands(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags, VkPipeline pipeline,
                VkPipelineLayout layout, const VkDescriptorSet *sets, const struct dc_job *jobs,
                uint32_t count)
{
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = flags,
   };
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
   for (uint32_t k = 0; k < count; k++) {
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &sets[k], 0,
                              NULL);
      vkCmdDispatch(cmd, (jobs[k].out_words + 63) / 64, 1, 1);
   }
   it_barrier_to_host(cmd);
   return VK_SUCCESS;
}

/* The same, ended. */
static VkResult
record_with(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags, VkPipeline pipeline,
            VkPipelineLayout layout, const VkDescriptorSet *sets, const struct dc_job *jobs,
            uint32_t count)
{
   VkResult result = record_commands(cmd, flags, pipeline, layout, sets, jobs, count);
   return result == VK_SUCCESS ? vkEndCommandBuffer(cmd) : result;
}

static VkResult
record(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags, const VkDescriptorSet *sets,
       const struct dc_job *jobs, uint32_t count)
{
   return record_with(cmd, flags, g.pipeline, g.layout, sets, jobs, count);
}

/* count command buffers in one vkQueueSubmit, waited for with g.fence. */
static VkResult
submit_wait(uint32_t count, const VkCommandBuffer *cmds)
{
   VkResult result = it_submit(g.queue, count, cmds, g.fence);
   if (result == VK_SUCCESS)
      result = vkWaitForFences(g.device, 1, &g.fence, VK_TRUE, IT_TIMEOUT_NS);
   if (result == VK_SUCCESS)
      result = vkResetFences(g.device, 1, &g.fence);
   return result;
}

static VkResult
allocate_set(VkDescriptorPool pool, VkDescriptorSetLayout layout, VkDescriptorSet *set)
{
   return it_allocate_sets(g.device, pool, &layout, 1, set);
}

static VkResult
allocate_cmds(uint32_t count, VkCommandBuffer *cmds)
{
   return it_allocate_command_buffers(g.device, g.command_pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                      count, cmds);
}

static void
free_cmds(uint32_t count, VkCommandBuffer *cmds)
{
   for (uint32_t i = 0; i < count; i++) {
      if (cmds[i])
         vkFreeCommandBuffers(g.device, g.command_pool, 1, &cmds[i]);
      cmds[i] = VK_NULL_HANDLE;
   }
}

/* --- Case 1: one set rewritten with the same content before every dispatch -------------------- */

#define STEADY_SUBMITS 50u

/* The set rewritten with j, dispatched in cmd, submitted, waited for and checked. */
static bool
rewrite_and_run(VkCommandBuffer cmd, VkDescriptorSet set, struct dc_simple_io *io,
                const struct dc_job *j, const char *what)
{
   bool ok = false;
   memset(io->out.data, FILL_BYTE, io->out.size);
   write_set(set, io, io->out.buffer, j);
   CHECK_VK(record(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, &set, j, 1));
   CHECK_VK(submit_wait(1, &cmd));
   CHECK(check_out(what, io->out.data, OUT_WORDS, j, 1));
   ok = true;
done:
   return ok;
}

static bool
steady_state_rewrite(void)
{
   bool ok = false;
   watchdog_arm("steady_state_rewrite");
   struct dc_simple_io io = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet set;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   const struct dc_job j = {256, 1000, 0, 1200, 5};
   stats_t before, after;
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(dc_simple_pool_create(g.device, 1, 0, &pool));
   CHECK_VK(allocate_set(pool, g.set_layout, &set));
   CHECK_VK(allocate_cmds(1, &cmd));
   CHECK(snap(&before));
   CHECK(rewrite_and_run(cmd, set, &io, &j, "warm-up"));
   CHECK(snap(&after));
   struct delta warm = delta_of(&before, &after);
   print_delta("warm-up", &warm, &after);
   CHECK(expect_delta("warm-up", &warm, WRITES_PER_UPDATE, WRITES_PER_UPDATE, 0, 1));

   CHECK(snap(&before));
   for (uint32_t i = 0; i < STEADY_SUBMITS; i++)
      CHECK(rewrite_and_run(cmd, set, &io, &j, "steady state"));
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   print_delta("50 rewrites, binds, submits", &d, &after);
   CHECK(expect_delta("steady state", &d, WRITES_PER_UPDATE * STEADY_SUBMITS, 0, STEADY_SUBMITS,
                      0));
   ok = true;
done:
   free_cmds(1, &cmd);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &io);
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 2: a framework: a set allocated and written per operation, the pool reset ----------- */

#define FRAMEWORK_OPS 16u
#define FRAMEWORK_ITERATIONS 20u

static struct dc_job
framework_job(uint32_t k)
{
   const uint32_t region = OUT_WORDS / FRAMEWORK_OPS;
   return (struct dc_job){OFFSET_UNIT * (k % 8), 100 + 9 * k, k * region * 4, region, k};
}

/* One iteration: the pool reset, a set allocated and written per operation, all dispatched in
 * one command buffer, submitted, waited for and checked. */
static bool
framework_iteration(VkCommandBuffer cmd, VkDescriptorPool pool, struct dc_simple_io *io)
{
   bool ok = false;
   VkDescriptorSet sets[FRAMEWORK_OPS];
   struct dc_job jobs[FRAMEWORK_OPS];
   memset(io->out.data, FILL_BYTE, io->out.size);
   CHECK_VK(vkResetDescriptorPool(g.device, pool, 0));
   for (uint32_t k = 0; k < FRAMEWORK_OPS; k++) {
      jobs[k] = framework_job(k);
      CHECK_VK(allocate_set(pool, g.set_layout, &sets[k]));
      write_set(sets[k], io, io->out.buffer, &jobs[k]);
   }
   CHECK_VK(record(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, sets, jobs,
                   FRAMEWORK_OPS));
   CHECK_VK(submit_wait(1, &cmd));
   CHECK(check_out("framework", io->out.data, OUT_WORDS, jobs, FRAMEWORK_OPS));
   ok = true;
done:
   return ok;
}

static bool
framework(void)
{
   bool ok = false;
   watchdog_arm("framework");
   struct dc_simple_io io = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   stats_t before, after;
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(dc_simple_pool_create(g.device, FRAMEWORK_OPS, 0, &pool));
   CHECK_VK(allocate_cmds(1, &cmd));
   CHECK(snap(&before));
   CHECK(framework_iteration(cmd, pool, &io));
   CHECK(snap(&after));
   struct delta warm = delta_of(&before, &after);
   print_delta("warm-up iteration", &warm, &after);
   if (mode == MODE_CACHE)
      CHECK(expect_delta("framework warm-up", &warm, WRITES_PER_UPDATE * FRAMEWORK_OPS,
                         WRITES_PER_UPDATE * FRAMEWORK_OPS, 0, FRAMEWORK_OPS));
   else
      CHECK(expect_delta("framework warm-up", &warm, WRITES_PER_UPDATE * FRAMEWORK_OPS, ANY,
                         ANY, ANY));

   CHECK(snap(&before));
   for (uint32_t i = 0; i < FRAMEWORK_ITERATIONS; i++)
      CHECK(framework_iteration(cmd, pool, &io));
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   print_delta("20 iterations x 16 operations", &d, &after);
   const uint64_t binds = FRAMEWORK_ITERATIONS * FRAMEWORK_OPS;
   /* Every recording takes over the holds of the one before (beginning again resets without
    * releasing resources): the 16 contents stay cached, past the bound of 2 in the evict mode,
    * and are found again without a vendor write. */
   CHECK(expect_delta("framework", &d, WRITES_PER_UPDATE * binds, 0, binds, 0));
   CHECK(d.evictions == 0 && d.live == 0);
   if (mode == MODE_EVICT) {
      /* A recording abandoned before it ends: its binds found the carried holds, and count. */
      VkDescriptorSet again[FRAMEWORK_OPS];
      struct dc_job jobs[FRAMEWORK_OPS];
      CHECK_VK(vkResetDescriptorPool(g.device, pool, 0));
      for (uint32_t k = 0; k < FRAMEWORK_OPS; k++) {
         jobs[k] = framework_job(k);
         CHECK_VK(allocate_set(pool, g.set_layout, &again[k]));
         write_set(again[k], &io, io.out.buffer, &jobs[k]);
      }
      CHECK(snap(&before));
      CHECK_VK(record_commands(cmd, 0, g.pipeline, g.layout, again, jobs, FRAMEWORK_OPS));
      CHECK_VK(vkResetCommandBuffer(cmd, 0));
      CHECK(snap(&after));
      d = delta_of(&before, &after);
      print_delta("a recording reset before it ended", &d, &after);
      CHECK(expect_delta("abandoned recording", &d, 0, 0, FRAMEWORK_OPS, 0));
      /* Released with RELEASE_RESOURCES: the bound applies again, at most 2 stay. */
      CHECK(snap(&before));
      CHECK_VK(vkResetCommandBuffer(cmd, VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT));
      CHECK(snap(&after));
      d = delta_of(&before, &after);
      print_delta("command buffer reset, releasing its resources", &d, &after);
      CHECK(d.evictions >= FRAMEWORK_OPS - 2);
      CHECK(after.vendor_descriptor_sets_live <= 2);
   }
   ok = true;
done:
   free_cmds(1, &cmd);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &io);
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 3: distinct contents bound in turn -------------------------------------------------- */

#define CONTENTS 8u
#define CONTENT_ROUNDS 5u

static struct dc_job
content_job(uint32_t k)
{
   const uint32_t region = OUT_WORDS / CONTENTS;
   return (struct dc_job){OFFSET_UNIT * k, 300 + 37 * k, k * region * 4, region,
                       (k + 3) % PARAM_SLOTS};
}

static bool
distinct_contents(void)
{
   bool ok = false;
   watchdog_arm("distinct_contents");
   struct dc_simple_io io = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet set, sets[CONTENTS];
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   struct dc_job jobs[CONTENTS];
   stats_t before, after;
   for (uint32_t k = 0; k < CONTENTS; k++)
      jobs[k] = content_job(k);
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(dc_simple_pool_create(g.device, 1 + CONTENTS, 0, &pool));
   CHECK_VK(allocate_set(pool, g.set_layout, &set));
   CHECK_VK(allocate_cmds(1, &cmd));
   for (uint32_t round = 0; round < CONTENT_ROUNDS; round++) {
      CHECK(snap(&before));
      for (uint32_t k = 0; k < CONTENTS; k++)
         CHECK(rewrite_and_run(cmd, set, &io, &jobs[k], "distinct contents"));
      CHECK(snap(&after));
      struct delta d = delta_of(&before, &after);
      char what[64];
      snprintf(what, sizeof(what), "round %u of 8 contents", round);
      print_delta(what, &d, &after);
      const uint64_t app = WRITES_PER_UPDATE * CONTENTS;
      if (mode == MODE_EVICT) {
         /* 8 contents in turn through an LRU of 2: every bind misses. */
         CHECK(expect_delta(what, &d, app, app, 0, CONTENTS));
         CHECK(d.evictions >= CONTENTS - 2);
      } else if (round == 0) {
         CHECK(expect_delta(what, &d, app, app, 0, CONTENTS));
      } else {
         CHECK(expect_delta(what, &d, app, 0, CONTENTS, 0));
      }
   }

   /* 8 other sets with the same contents, bound one after another in one command buffer. */
   CHECK(snap(&before));
   memset(io.out.data, FILL_BYTE, io.out.size);
   for (uint32_t k = 0; k < CONTENTS; k++) {
      CHECK_VK(allocate_set(pool, g.set_layout, &sets[k]));
      write_set(sets[k], &io, io.out.buffer, &jobs[k]);
   }
   CHECK_VK(record(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, sets, jobs, CONTENTS));
   CHECK_VK(submit_wait(1, &cmd));
   CHECK(check_out("8 sets, one command buffer", io.out.data, OUT_WORDS, jobs, CONTENTS));
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   print_delta("8 other sets with those contents", &d, &after);
   const uint64_t app = WRITES_PER_UPDATE * CONTENTS;
   if (mode == MODE_EVICT) {
      CHECK(expect_delta("8 other sets", &d, app, ANY, ANY, ANY));
      CHECK(d.hits + d.misses == CONTENTS);
      CHECK(d.misses >= CONTENTS - 2);
   } else {
      CHECK(expect_delta("8 other sets", &d, app, 0, CONTENTS, 0));
   }
   ok = true;
done:
   free_cmds(1, &cmd);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &io);
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 4: a buffer destroyed, another created (often with its handle value) ---------------- */

#define REUSE_OUT_WORDS 1024u

static bool
untouched(const void *data, VkDeviceSize size)
{
   const uint8_t *bytes = data;
   for (VkDeviceSize i = 0; i < size; i++) {
      if (bytes[i] != FILL_BYTE) {
         fprintf(stderr, "  the memory allocated after buffer A was destroyed was written "
                 "(byte %llu)\n", (unsigned long long)i);
         return false;
      }
   }
   return true;
}

/* The job through set (written with out) into out, checked. */
static bool
reuse_run(VkCommandBuffer cmd, VkDescriptorSet set, struct dc_simple_io *io,
          struct it_host_buffer *out, const struct dc_job *j, const char *what)
{
   bool ok = false;
   memset(out->data, FILL_BYTE, out->size);
   write_set(set, io, out->buffer, j);
   CHECK_VK(record(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, &set, j, 1));
   CHECK_VK(submit_wait(1, &cmd));
   CHECK(check_out(what, out->data, REUSE_OUT_WORDS, j, 1));
   ok = true;
done:
   return ok;
}

static bool
handle_reuse(void)
{
   bool ok = false;
   watchdog_arm("handle_reuse");
   struct dc_simple_io io = {0};
   struct it_host_buffer a = {0}, b = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet set, other;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   VkDeviceMemory spacer = VK_NULL_HANDLE;
   void *spacer_data = NULL;
   VkMemoryRequirements req = {0};
   const struct dc_job j = {512, 700, 0, 800, 7};
   stats_t start, before, after;
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(dc_simple_pool_create(g.device, 2, 0, &pool));
   CHECK_VK(allocate_set(pool, g.set_layout, &set));
   CHECK_VK(allocate_set(pool, g.set_layout, &other));
   CHECK_VK(allocate_cmds(1, &cmd));
   CHECK(snap(&start));
   CHECK_VK(it_host_buffer_create(g.physical, g.device, REUSE_OUT_WORDS * 4,
                                  VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &a));
   CHECK(reuse_run(cmd, set, &io, &a, &j, "buffer A"));
   CHECK(snap(&after));
   struct delta d = delta_of(&start, &after);
   print_delta("set naming A", &d, &after);
   CHECK(expect_delta("set naming A", &d, WRITES_PER_UPDATE, WRITES_PER_UPDATE, 0, 1));

   /* A goes (buffer and memory, the command buffer that used it still recorded); a spacer takes
    * its memory's place; B comes. */
   CHECK(snap(&before));
   vkGetBufferMemoryRequirements(g.device, a.buffer, &req);
   const VkBuffer a_handle = a.buffer;
   it_host_buffer_destroy(g.device, &a);
   const VkMemoryAllocateInfo spacer_info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = req.size,
      .memoryTypeIndex = it_memory_type(g.physical, req.memoryTypeBits,
                                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                           VK_MEMORY_PROPERTY_HOST_COHERENT_BIT),
   };
   CHECK_VK(vkAllocateMemory(g.device, &spacer_info, NULL, &spacer));
   CHECK_VK(vkMapMemory(g.device, spacer, 0, VK_WHOLE_SIZE, 0, &spacer_data));
   memset(spacer_data, FILL_BYTE, req.size);
   CHECK_VK(it_host_buffer_create(g.physical, g.device, REUSE_OUT_WORDS * 4,
                                  VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &b));
   printf("  buffer B has %s handle value (A 0x%" PRIx64 ", B 0x%" PRIx64 ")\n",
          b.buffer == a_handle ? "the destroyed buffer A's" : "another",
          (uint64_t)(uintptr_t)a_handle, (uint64_t)(uintptr_t)b.buffer);
   CHECK(reuse_run(cmd, set, &io, &b, &j, "buffer B at A's binding"));
   CHECK(snap(&after));
   d = delta_of(&before, &after);
   print_delta("A destroyed, B written at its binding", &d, &after);
   CHECK(expect_delta("B at A's binding", &d, WRITES_PER_UPDATE, WRITES_PER_UPDATE, 0, 1));
   if (mode != MODE_OFF)
      CHECK(d.live == 0); /* A's vendor set freed when the command buffer let go, B's made */

   /* Another set with B's content finds B's vendor set. */
   CHECK(snap(&before));
   CHECK(reuse_run(cmd, other, &io, &b, &j, "buffer B, another set"));
   CHECK(snap(&after));
   d = delta_of(&before, &after);
   print_delta("another set with B's content", &d, &after);
   CHECK(expect_delta("another set, B", &d, WRITES_PER_UPDATE, 0, 1, 0));
   CHECK(untouched(spacer_data, req.size));

   /* B goes: nothing of the case is left in the cache. */
   free_cmds(1, &cmd);
   it_host_buffer_destroy(g.device, &b);
   CHECK(snap(&after));
   d = delta_of(&start, &after);
   print_delta("whole case, B destroyed", &d, &after);
   if (mode == MODE_EVICT)
      CHECK(after.vendor_descriptor_sets_live <= 2);
   else
      CHECK(d.live == 0);
   ok = true;
done:
   free_cmds(1, &cmd);
   it_host_buffer_destroy(g.device, &a);
   it_host_buffer_destroy(g.device, &b);
   vkFreeMemory(g.device, spacer, NULL);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &io);
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 5: recorded command buffers hold their vendor sets past the cache's bound ----------- */

#define HELD 6u
#define CHURN 4u

static struct dc_job
held_job(uint32_t k)
{
   const uint32_t region = OUT_WORDS / 16;
   return (struct dc_job){OFFSET_UNIT * (k % 4), 100 + 13 * k, k * region * 4, region - 8 * k,
                       (k + 9) % PARAM_SLOTS};
}

static bool
eviction(void)
{
   bool ok = false;
   watchdog_arm("eviction");
   struct dc_simple_io io = {0}, churn_io = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet sets[HELD + CHURN];
   VkCommandBuffer cmds[HELD + 1] = {0};
   VkCommandBuffer churn_cmd = VK_NULL_HANDLE;
   struct dc_job jobs[HELD + CHURN];
   stats_t start, before, after;
   for (uint32_t k = 0; k < HELD + CHURN; k++)
      jobs[k] = held_job(k);
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &churn_io));
   CHECK_VK(dc_simple_pool_create(g.device, HELD + CHURN, 0, &pool));
   CHECK_VK(allocate_cmds(HELD + 1, cmds));
   churn_cmd = cmds[HELD];
   CHECK(snap(&start));

   /* 6 command buffers, each binding a set of its own content; kept recorded. */
   for (uint32_t k = 0; k < HELD; k++) {
      CHECK_VK(allocate_set(pool, g.set_layout, &sets[k]));
      write_set(sets[k], &io, io.out.buffer, &jobs[k]);
      CHECK_VK(record(cmds[k], 0, &sets[k], &jobs[k], 1));
   }
   CHECK(snap(&after));
   struct delta d = delta_of(&start, &after);
   print_delta("6 command buffers recorded", &d, &after);
   CHECK(expect_delta("6 recorded", &d, WRITES_PER_UPDATE * HELD, WRITES_PER_UPDATE * HELD, 0,
                      HELD));
   if (mode == MODE_EVICT)
      CHECK(after.vendor_descriptor_sets_live == HELD); /* held past the bound of 2 */
   else if (mode == MODE_CACHE)
      CHECK(d.live == HELD);

   memset(io.out.data, FILL_BYTE, io.out.size);
   CHECK_VK(submit_wait(HELD, cmds));
   CHECK(check_out("6 held command buffers, first submit", io.out.data, OUT_WORDS, jobs, HELD));

   /* 4 more contents through another command buffer, then let go: evictions under a bound of
    * 2, which must pass over the held sets. */
   CHECK(snap(&before));
   memset(churn_io.out.data, FILL_BYTE, churn_io.out.size);
   for (uint32_t k = HELD; k < HELD + CHURN; k++) {
      CHECK_VK(allocate_set(pool, g.set_layout, &sets[k]));
      write_set(sets[k], &churn_io, churn_io.out.buffer, &jobs[k]);
   }
   CHECK_VK(record(churn_cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, &sets[HELD],
                   &jobs[HELD], CHURN));
   CHECK_VK(submit_wait(1, &churn_cmd));
   CHECK(check_out("4 more contents", churn_io.out.data, OUT_WORDS, &jobs[HELD], CHURN));
   CHECK_VK(vkResetCommandBuffer(churn_cmd, 0));
   CHECK(snap(&after));
   d = delta_of(&before, &after);
   print_delta("4 more contents, their command buffer reset", &d, &after);
   CHECK(expect_delta("4 more contents", &d, WRITES_PER_UPDATE * CHURN,
                      WRITES_PER_UPDATE * CHURN, 0, CHURN));
   if (mode == MODE_EVICT) {
      /* A reset that does not release resources keeps the holds for the next recording;
       * trimming the pool lets them go (the 6 recorded command buffers keep theirs). */
      CHECK(d.evictions == 0);
      CHECK(after.vendor_descriptor_sets_live == HELD + CHURN);
      CHECK(snap(&before));
      vkTrimCommandPool(g.device, g.command_pool, 0);
      CHECK(snap(&after));
      d = delta_of(&before, &after);
      print_delta("their command pool trimmed", &d, &after);
      CHECK(d.evictions >= CHURN);
      CHECK(after.vendor_descriptor_sets_live == HELD);
   }

   /* The 6 again, as they were recorded. */
   memset(io.out.data, FILL_BYTE, io.out.size);
   CHECK_VK(submit_wait(HELD, cmds));
   CHECK(check_out("6 held command buffers, submitted again", io.out.data, OUT_WORDS, jobs,
                   HELD));
   CHECK(snap(&before));
   free_cmds(HELD, cmds);
   CHECK(snap(&after));
   d = delta_of(&before, &after);
   print_delta("the 6 command buffers freed", &d, &after);
   CHECK(expect_delta("6 freed", &d, 0, 0, 0, 0));
   d = delta_of(&start, &after);
   print_delta("whole case", &d, &after);
   if (mode == MODE_EVICT) {
      CHECK(after.vendor_descriptor_sets_live <= 2);
      CHECK(d.evictions > 0);
   } else if (mode == MODE_CACHE) {
      CHECK(d.evictions == 0);
      CHECK(d.live == HELD + CHURN);
   }
   ok = true;
done:
   free_cmds(HELD + 1, cmds);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &churn_io);
   dc_simple_io_destroy(g.device, &io);
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 6: layouts Kronos does not model pass through --------------------------------------- */

#define PASSTHROUGH_ROUNDS 10u

/* The counts of updates of sets of a layout Kronos does not model, in every mode: each reaches
 * the vendor as the application made it; no hits, misses or cached sets. */
static bool
expect_passthrough(const char *what, const struct delta *d, uint64_t app)
{
   bool ok = expect_count(what, "application writes", d->app, app);
   ok &= expect_count(what, "vendor writes (== application writes)", d->vendor, app);
   ok &= expect_count(what, "hits", d->hits, 0);
   ok &= expect_count(what, "misses", d->misses, 0);
   ok &= expect_count(what, "vendor sets live (change)", (uint64_t)d->live, 0);
   return ok;
}

/* Bindings 0 and 1 of set (the source and the destination) copied into a set of the modeled
 * layout, binding 2 written there: a record, bound by content (one miss in modeled modes). */
static bool
copy_into_modeled(VkCommandBuffer cmd, VkDescriptorSet from, VkDescriptorSet modeled,
                  struct dc_simple_io *io, const struct dc_job *j, const char *what)
{
   bool ok = false;
   stats_t before, after;
   CHECK(snap(&before));
   VkCopyDescriptorSet copies[2];
   for (uint32_t b = 0; b < 2; b++) {
      copies[b] = (VkCopyDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET,
         .srcSet = from,
         .srcBinding = b,
         .dstSet = modeled,
         .dstBinding = b,
         .descriptorCount = 1,
      };
   }
   const VkDescriptorBufferInfo params = {io->params.buffer, (VkDeviceSize)j->param * OFFSET_UNIT,
                                          8};
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = modeled,
      .dstBinding = 2,
      .descriptorCount = 1,
      .descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
      .pBufferInfo = &params,
   };
   vkUpdateDescriptorSets(g.device, 1, &write, 2, copies);
   memset(io->out.data, FILL_BYTE, io->out.size);
   CHECK_VK(record(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, &modeled, j, 1));
   CHECK_VK(submit_wait(1, &cmd));
   CHECK(check_out(what, io->out.data, OUT_WORDS, j, 1));
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   print_delta(what, &d, &after);
   /* The copies and the write change the record only; the bind misses (a new content) and
    * writes the vendor set: 3 writes. */
   CHECK(expect_delta(what, &d, WRITES_PER_UPDATE, WRITES_PER_UPDATE, 0, 1));
   ok = true;
done:
   return ok;
}

/* VK_DESCRIPTOR_BINDING_PARTIALLY_BOUND_BIT on every binding: rewritten and dispatched. */
static bool
partially_bound(void)
{
   if (!g.partially_bound) {
      printf("  partially bound: skipped: the device lacks descriptorBindingPartiallyBound\n");
      return true;
   }
   bool ok = false;
   struct dc_simple_io io = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet set, modeled;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   const struct dc_job j = {768, 900, 256, 950, 11};
   stats_t before, after;
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(dc_simple_pool_create(g.device, 2, 0, &pool));
   CHECK_VK(allocate_set(pool, g.pb_set_layout, &set));
   CHECK_VK(allocate_set(pool, g.set_layout, &modeled));
   CHECK_VK(allocate_cmds(1, &cmd));
   CHECK(snap(&before));
   for (uint32_t i = 0; i < PASSTHROUGH_ROUNDS; i++) {
      memset(io.out.data, FILL_BYTE, io.out.size);
      write_set(set, &io, io.out.buffer, &j);
      CHECK_VK(record_with(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, g.pb_pipeline,
                           g.pb_layout, &set, &j, 1));
      CHECK_VK(submit_wait(1, &cmd));
      CHECK(check_out("partially bound layout", io.out.data, OUT_WORDS, &j, 1));
   }
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   print_delta("partially bound: 10 rewrites, binds, submits", &d, &after);
   CHECK(expect_passthrough("partially bound", &d, WRITES_PER_UPDATE * PASSTHROUGH_ROUNDS));
   CHECK(copy_into_modeled(cmd, set, modeled, &io, &j,
                           "partially bound: copied into a modeled set, bound"));
   ok = true;
done:
   free_cmds(1, &cmd);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &io);
   return ok;
}

/* An update-after-bind layout (binding 2 an inline uniform block with
 * VK_DESCRIPTOR_BINDING_UPDATE_AFTER_BIND_BIT, which the shader reads as its Params block):
 * each round writes the set (3 writes), records the dispatch, then writes the block again with
 * other parameters before the submit (1 write), which the dispatch must see. */
static bool
update_after_bind(void)
{
   if (!g.inline_update_after_bind) {
      printf("  update after bind: skipped: the device lacks inlineUniformBlock or "
             "descriptorBindingInlineUniformBlockUpdateAfterBind\n");
      return true;
   }
   bool ok = false;
   struct dc_simple_io io = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet set, twin;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   stats_t before, after;
   const VkDescriptorPoolSize sizes[2] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4},
      {VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, 16},
   };
   const VkDescriptorPoolInlineUniformBlockCreateInfo inline_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO,
      .maxInlineUniformBlockBindings = 2,
   };
   const VkDescriptorPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .pNext = &inline_info,
      .flags = VK_DESCRIPTOR_POOL_CREATE_UPDATE_AFTER_BIND_BIT,
      .maxSets = 2,
      .poolSizeCount = 2,
      .pPoolSizes = sizes,
   };
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(vkCreateDescriptorPool(g.device, &pool_info, NULL, &pool));
   CHECK_VK(allocate_set(pool, g.uab_set_layout, &set));
   CHECK_VK(allocate_set(pool, g.uab_set_layout, &twin));
   CHECK_VK(allocate_cmds(1, &cmd));
   CHECK(snap(&before));
   struct dc_job j = {0};
   for (uint32_t i = 0; i < PASSTHROUGH_ROUNDS; i++) {
      j = (struct dc_job){OFFSET_UNIT * (i % 4), 500 + 50 * i, 0, 1000, i % PARAM_SLOTS};
      const uint32_t late = (i + 7) % PARAM_SLOTS; /* the parameters written after the bind */
      memset(io.out.data, FILL_BYTE, io.out.size);
      const VkDescriptorBufferInfo infos[2] = {
         {io.in.buffer, j.in_offset, (VkDeviceSize)j.in_words * 4},
         {io.out.buffer, j.out_offset, (VkDeviceSize)j.out_words * 4},
      };
      uint32_t early_params[2] = {dc_param_mul(j.param), dc_param_add(j.param)};
      uint32_t late_params[2] = {dc_param_mul(late), dc_param_add(late)};
      VkWriteDescriptorSetInlineUniformBlock block = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
         .dataSize = sizeof(early_params),
         .pData = early_params,
      };
      VkWriteDescriptorSet w[WRITES_PER_UPDATE];
      for (uint32_t b = 0; b < WRITES_PER_UPDATE; b++) {
         w[b] = (VkWriteDescriptorSet){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = set,
            .dstBinding = b,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &infos[b < 2 ? b : 0],
         };
      }
      w[2].pNext = &block;
      w[2].descriptorCount = sizeof(early_params);
      w[2].descriptorType = VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK;
      w[2].pBufferInfo = NULL;
      vkUpdateDescriptorSets(g.device, WRITES_PER_UPDATE, w, 0, NULL);
      CHECK_VK(record_with(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, g.uab_pipeline,
                           g.uab_layout, &set, &j, 1));
      block.pData = late_params;
      vkUpdateDescriptorSets(g.device, 1, &w[2], 0, NULL);
      CHECK_VK(submit_wait(1, &cmd));
      j.param = late;
      CHECK(check_out("update-after-bind layout, parameters written after the bind",
                      io.out.data, OUT_WORDS, &j, 1));
   }
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   print_delta("update after bind: 10 x (3 writes, bind, 1 write, submit)", &d, &after);
   CHECK(expect_passthrough("update after bind", &d, (WRITES_PER_UPDATE + 1) * PASSTHROUGH_ROUNDS));

   /* Copied whole into another set of the layout (a copy between sets of layouts with and
    * without update after bind is invalid usage): 3 vendor copies; the copy works. */
   CHECK(snap(&before));
   VkCopyDescriptorSet copies[WRITES_PER_UPDATE];
   for (uint32_t b = 0; b < WRITES_PER_UPDATE; b++) {
      copies[b] = (VkCopyDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET,
         .srcSet = set,
         .srcBinding = b,
         .dstSet = twin,
         .dstBinding = b,
         .descriptorCount = b == 2 ? 8 : 1, /* the inline block: its bytes */
      };
   }
   vkUpdateDescriptorSets(g.device, 0, NULL, WRITES_PER_UPDATE, copies);
   memset(io.out.data, FILL_BYTE, io.out.size);
   CHECK_VK(record_with(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, g.uab_pipeline,
                        g.uab_layout, &twin, &j, 1));
   CHECK_VK(submit_wait(1, &cmd));
   CHECK(check_out("update-after-bind layout, copied set", io.out.data, OUT_WORDS, &j, 1));
   CHECK(snap(&after));
   d = delta_of(&before, &after);
   print_delta("update after bind: copied whole into another set, bound", &d, &after);
   CHECK(expect_passthrough("update after bind, copied", &d, WRITES_PER_UPDATE));
   ok = true;
done:
   free_cmds(1, &cmd);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &io);
   return ok;
}

/* A push descriptor layout: vkCmdPushDescriptorSetKHR of 3 writes per dispatch. */
static bool
push_descriptors(void)
{
   if (!g.push) {
      printf("  push descriptors: skipped: the device lacks VK_KHR_push_descriptor\n");
      return true;
   }
   bool ok = false;
   struct dc_simple_io io = {0};
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   const struct dc_job j = {1024, 640, 512, 700, 13};
   stats_t before, after;
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(allocate_cmds(1, &cmd));
   CHECK(snap(&before));
   for (uint32_t i = 0; i < PASSTHROUGH_ROUNDS; i++) {
      memset(io.out.data, FILL_BYTE, io.out.size);
      const VkDescriptorBufferInfo infos[3] = {
         {io.in.buffer, j.in_offset, (VkDeviceSize)j.in_words * 4},
         {io.out.buffer, j.out_offset, (VkDeviceSize)j.out_words * 4},
         {io.params.buffer, (VkDeviceSize)j.param * OFFSET_UNIT, 8},
      };
      VkWriteDescriptorSet w[WRITES_PER_UPDATE];
      dc_simple_writes(VK_NULL_HANDLE, infos, w);
      const VkCommandBufferBeginInfo begin = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
         .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
      };
      CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.push_pipeline);
      vkCmdPushDescriptorSetKHR(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.push_layout, 0,
                                WRITES_PER_UPDATE, w);
      vkCmdDispatch(cmd, (j.out_words + 63) / 64, 1, 1);
      it_barrier_to_host(cmd);
      CHECK_VK(vkEndCommandBuffer(cmd));
      CHECK_VK(submit_wait(1, &cmd));
      CHECK(check_out("push descriptors", io.out.data, OUT_WORDS, &j, 1));
   }
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   print_delta("push descriptors: 10 pushes of 3 writes", &d, &after);
   CHECK(expect_passthrough("push descriptors", &d, WRITES_PER_UPDATE * PASSTHROUGH_ROUNDS));
   CHECK(expect_count("push descriptors", "pushes",
                      after.descriptor_pushes - before.descriptor_pushes, PASSTHROUGH_ROUNDS));
   ok = true;
done:
   free_cmds(1, &cmd);
   dc_simple_io_destroy(g.device, &io);
   return ok;
}

static bool
passthrough_layout(void)
{
   watchdog_arm("passthrough_layout");
   bool ok = partially_bound();
   ok &= update_after_bind();
   ok &= push_descriptors();
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 7: a bind that failed, then the same set bound again ------------------------------- */

/* Set S is bound with content C1 (a cached vendor set), then written with C2; its next bind
 * fails (every allocation through the device's callbacks fails during vkCmdBindDescriptorSets,
 * so the new cache entry cannot be made: vkEndCommandBuffer returns
 * VK_ERROR_OUT_OF_HOST_MEMORY); the command buffer is recorded again with S, unchanged since
 * C2 was written, and submitted: the dispatch must see C2, not C1. */
static bool
bind_failure_rebind(void)
{
   bool ok = false;
   watchdog_arm("bind_failure_rebind");
   struct dc_simple_io io = {0};
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet set;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   const struct dc_job c1 = {0, 600, 0, 600, 2};
   const struct dc_job c2 = {256, 500, 1024 * 4, 700, 6};
   stats_t before, after;
   CHECK_VK(dc_simple_io_create(g.physical, g.device, &io));
   CHECK_VK(dc_simple_pool_create(g.device, 1, 0, &pool));
   CHECK_VK(allocate_set(pool, g.set_layout, &set));
   CHECK_VK(allocate_cmds(1, &cmd));
   CHECK(rewrite_and_run(cmd, set, &io, &c1, "content C1"));

   write_set(set, &io, io.out.buffer, &c2);
   CHECK(snap(&before));
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   CHECK_VK(vkBeginCommandBuffer(cmd, &begin));
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.pipeline);
   const unsigned failed_before = atomic_load(&allocations_failed);
   atomic_store(&allocations_fail, true);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, g.layout, 0, 1, &set, 0, NULL);
   atomic_store(&allocations_fail, false);
   const unsigned failed = atomic_load(&allocations_failed) - failed_before;
   VkResult end = vkEndCommandBuffer(cmd);
   CHECK(snap(&after));
   struct delta d = delta_of(&before, &after);
   printf("  bind with C2 while allocations fail: %u allocations refused, vkEndCommandBuffer "
          "returned %s\n", failed, it_result_name(end));
   print_delta("the failed bind", &d, &after);
   if (mode != MODE_OFF) {
      /* The failure must have been on the cache's path (a miss that could not be kept). */
      CHECK(failed > 0);
      CHECK_RESULT(end, VK_ERROR_OUT_OF_HOST_MEMORY);
      /* Nothing reached the vendor; whether the failed miss counts as one is not checked. */
      CHECK(d.app == 0 && d.vendor == 0 && d.hits == 0 && d.misses <= 1);
   }

   /* Reset (a failed vkEndCommandBuffer leaves it invalid), recorded again: S is unchanged
    * since C2 was written. */
   CHECK_VK(vkResetCommandBuffer(cmd, 0));
   CHECK(snap(&before));
   memset(io.out.data, FILL_BYTE, io.out.size);
   CHECK_VK(record(cmd, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, &set, &c2, 1));
   CHECK_VK(submit_wait(1, &cmd));
   CHECK(snap(&after));
   d = delta_of(&before, &after);
   print_delta("the set bound again", &d, &after);
   CHECK(check_out("the set bound again after a failed bind (C2 expected)", io.out.data,
                   OUT_WORDS, &c2, 1));
   CHECK(expect_delta("the set bound again", &d, 0, WRITES_PER_UPDATE, 0, 1));
   ok = true;
done:
   atomic_store(&allocations_fail, false);
   free_cmds(1, &cmd);
   vkDestroyDescriptorPool(g.device, pool, NULL);
   dc_simple_io_destroy(g.device, &io);
   watchdog_arm(NULL);
   return ok;
}

/* --- Setup and teardown ----------------------------------------------------------------------- */

/* desc_simple's set layout and pipeline: a layout of these flags, bindings of these flags
 * (chained where any is set), binding 2 an inline uniform block of 8 bytes where inline_params
 * (else a uniform buffer). */
static VkResult
create_layout_and_pipeline(VkDescriptorSetLayoutCreateFlags layout_flags,
                           const VkDescriptorBindingFlags binding_flags[3], bool inline_params,
                           VkDescriptorSetLayout *set_layout, VkPipelineLayout *layout,
                           VkPipeline *pipeline)
{
   VkDescriptorSetLayoutBinding bindings[3] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   if (inline_params) {
      bindings[2].descriptorType = VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK;
      bindings[2].descriptorCount = 8;
   }
   const VkDescriptorSetLayoutBindingFlagsCreateInfo flags_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_BINDING_FLAGS_CREATE_INFO,
      .bindingCount = 3,
      .pBindingFlags = binding_flags,
   };
   VkResult result = it_create_set_layout(g.device, layout_flags,
                                          binding_flags ? &flags_info : NULL, bindings, 3,
                                          set_layout);
   if (result == VK_SUCCESS)
      result = it_create_pipeline_layout(g.device, set_layout, 1, 0, layout);
   if (result == VK_SUCCESS)
      result = it_create_compute_pipeline(g.device, g.module, *layout, pipeline);
   return result;
}

static bool
setup(void)
{
   bool ok = false;
   watchdog_arm("setup");
   if (mode == MODE_EVICT) {
      const char *bound = getenv(KRONOS_ENV_DESCRIPTOR_CACHE_SETS);
      if (!bound || strcmp(bound, "2") != 0) {
         fprintf(stderr, "  --eviction needs %s=2 in the environment\n",
                 KRONOS_ENV_DESCRIPTOR_CACHE_SETS);
         goto done;
      }
   }
   CHECK_VK(it_counting_instance_create("kronos-integration-descriptor-counters", false,
                                        &g.instance));
   CHECK_VK(it_find_kronos_device(g.instance, &g.physical));
   g.family = it_compute_family(g.physical);
   CHECK(g.family != UINT32_MAX);
   VkPhysicalDeviceProperties props;
   vkGetPhysicalDeviceProperties(g.physical, &props);
   CHECK(props.limits.minStorageBufferOffsetAlignment <= OFFSET_UNIT);
   CHECK(props.limits.minUniformBufferOffsetAlignment <= OFFSET_UNIT);
   VkPhysicalDeviceVulkan12Features f12;
   VkPhysicalDeviceVulkan13Features f13;
   it_device_features(g.physical, &f12, &f13);
   g.partially_bound = f12.descriptorBindingPartiallyBound;
   g.inline_update_after_bind =
      f13.inlineUniformBlock && f13.descriptorBindingInlineUniformBlockUpdateAfterBind;
   g.push = it_device_has_extension(g.physical, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
   printf("  %s; descriptorBindingPartiallyBound: %s; inline uniform blocks updated after "
          "bind: %s; VK_KHR_push_descriptor: %s; expectations: %s\n", props.deviceName,
          g.partially_bound ? "yes" : "no", g.inline_update_after_bind ? "yes" : "no",
          g.push ? "yes" : "no",
          mode == MODE_CACHE ? "default cache" : mode == MODE_EVICT ? "cache of 2 sets"
                                                                     : "descriptors off");
   VkPhysicalDeviceVulkan13Features enable13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .inlineUniformBlock = g.inline_update_after_bind,
      .descriptorBindingInlineUniformBlockUpdateAfterBind = g.inline_update_after_bind,
   };
   const VkPhysicalDeviceVulkan12Features enable12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &enable13,
      .descriptorBindingPartiallyBound = g.partially_bound,
   };
   const char *extension = VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME;
   CHECK_VK(it_create_device_queue_pool(g.physical, g.family, &enable12, &extension,
                                        g.push ? 1 : 0, &device_allocator, &g.device, &g.queue,
                                        &g.command_pool));
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   CHECK_VK(vkCreateFence(g.device, &fence_info, NULL, &g.fence));
   CHECK_VK(it_create_shader_module(g.device, desc_simple_spv, desc_simple_spv_size, &g.module));
   CHECK_VK(create_layout_and_pipeline(0, NULL, false, &g.set_layout, &g.layout, &g.pipeline));
   if (g.partially_bound) {
      const VkDescriptorBindingFlags pb[3] = {VK_DESCRIPTOR_BINDING_PARTIALLY_BOUND_BIT,
                                              VK_DESCRIPTOR_BINDING_PARTIALLY_BOUND_BIT,
                                              VK_DESCRIPTOR_BINDING_PARTIALLY_BOUND_BIT};
      CHECK_VK(create_layout_and_pipeline(0, pb, false, &g.pb_set_layout, &g.pb_layout,
                                          &g.pb_pipeline));
   }
   if (g.inline_update_after_bind) {
      const VkDescriptorBindingFlags uab[3] = {0, 0, VK_DESCRIPTOR_BINDING_UPDATE_AFTER_BIND_BIT};
      const VkDescriptorSetLayoutCreateFlags flags =
         VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT;
      CHECK_VK(create_layout_and_pipeline(flags, uab, true, &g.uab_set_layout, &g.uab_layout,
                                          &g.uab_pipeline));
   }
   if (g.push)
      CHECK_VK(create_layout_and_pipeline(VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR,
                                          NULL, false, &g.push_set_layout, &g.push_layout,
                                          &g.push_pipeline));
   stats_t s;
   CHECK(snap(&s));
   ok = true;
done:
   watchdog_arm(NULL);
   return ok;
}

static void
close_device(void)
{
   if (!g.device)
      return;
   vkDeviceWaitIdle(g.device);
   vkDestroyPipeline(g.device, g.push_pipeline, NULL);
   vkDestroyPipelineLayout(g.device, g.push_layout, NULL);
   vkDestroyDescriptorSetLayout(g.device, g.push_set_layout, NULL);
   vkDestroyPipeline(g.device, g.uab_pipeline, NULL);
   vkDestroyPipelineLayout(g.device, g.uab_layout, NULL);
   vkDestroyDescriptorSetLayout(g.device, g.uab_set_layout, NULL);
   vkDestroyPipeline(g.device, g.pb_pipeline, NULL);
   vkDestroyPipelineLayout(g.device, g.pb_layout, NULL);
   vkDestroyDescriptorSetLayout(g.device, g.pb_set_layout, NULL);
   vkDestroyPipeline(g.device, g.pipeline, NULL);
   vkDestroyPipelineLayout(g.device, g.layout, NULL);
   vkDestroyDescriptorSetLayout(g.device, g.set_layout, NULL);
   vkDestroyShaderModule(g.device, g.module, NULL);
   vkDestroyFence(g.device, g.fence, NULL);
   vkDestroyCommandPool(g.device, g.command_pool, NULL);
   vkDestroyDevice(g.device, &device_allocator);
   g.device = VK_NULL_HANDLE;
}

/* Closes the device (the validation layer checks what is left), then counts its errors. */
static bool
teardown_and_validation(void)
{
   watchdog_arm("teardown");
   stats_t s;
   if (g.device && snap(&s))
      printf("  at the end: application writes %" PRIu64 ", vendor writes %" PRIu64
             ", hits %" PRIu64 ", misses %" PRIu64 ", evictions %" PRIu64
             ", vendor sets live %" PRIu64 ", cache bytes %" PRIu64 "\n",
             s.app_descriptor_writes, s.vendor_descriptor_writes, s.descriptor_cache_hits,
             s.descriptor_cache_misses, s.descriptor_cache_evictions,
             s.vendor_descriptor_sets_live, s.descriptor_cache_bytes);
   close_device();
   bool ok = it_validation_report();
   watchdog_arm(NULL);
   return ok;
}

int
main(int argc, char **argv)
{
   if (argc == 1 || (argc == 2 && strcmp(argv[1], "--expect-cache") == 0)) {
      mode = MODE_CACHE;
   } else if (argc == 2 && strcmp(argv[1], "--eviction") == 0) {
      mode = MODE_EVICT;
   } else if (argc == 2 && strcmp(argv[1], "--expect-off") == 0) {
      mode = MODE_OFF;
   } else {
      fprintf(stderr, "usage: %s [--expect-cache | --eviction | --expect-off]\n", argv[0]);
      return 2;
   }
   static const struct it_test tests[] = {
      {"find Kronos's device, open it", setup, true},
      {"steady_state_rewrite", steady_state_rewrite, false},
      {"framework", framework, false},
      {"distinct_contents", distinct_contents, false},
      {"handle_reuse", handle_reuse, false},
      {"eviction", eviction, false},
      {"passthrough_layout", passthrough_layout, false},
      {"bind_failure_rebind", bind_failure_rebind, false},
      {"close the device: no validation errors", teardown_and_validation, false},
   };
   int status = IT_RUN_TESTS(tests);
   close_device();
   it_counting_instance_destroy(g.instance);
   if (it_validation_errors() != 0 && status == 0) {
      fprintf(stderr, "validation errors after the device was closed\n");
      status = 1;
   }
   return status;
}
