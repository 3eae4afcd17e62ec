/* SPDX-License-Identifier: MIT */
/* A race that a missing barrier loses on a GPU (issue 11's barrier policy): in one command
 * buffer, `rounds` times, a large write (shaders/race_fill.comp: data[i] = hash(i) + r * K over
 * --size bytes) and, after an application barrier, a dependent transform that reads it from the
 * other end (shaders/race_sum.comp: acc[i] += data[n - 1 - i]), then a barrier before the next
 * round overwrites data (write-after-read) and adds to acc again. The sum's first workgroups
 * read what the write's last workgroups write, the next write's first workgroups overwrite
 * what the sum's last ones read, and every round's value differs: without the barriers a GPU
 * that overlaps dispatches gives wrong sums almost surely, and the result is compared word for
 * word with the host's closed form (acc[i] = rounds * hash(n - 1 - i) + K * rounds(rounds - 1)
 * / 2). acc is zeroed and read back in separate submits, so that only the barriers between the
 * rounds matter.
 *
 * It runs on the vendor's device directly (which must always be right: that shows the test
 * itself is sound) and on Kronos's over it. Normal mode: both right, and on Kronos every
 * application barrier (each protects a real dependency) reached the vendor. --expect-race
 * (with KRONOS_BARRIER_DROP_ALL=1, on a GPU): Kronos gave the vendor no barrier and at least
 * one word of its result is wrong; the program fails if Kronos's result is right, since then
 * the test could not have caught a missing barrier. lavapipe may run dispatches one after the
 * other, so there a missing barrier loses nothing: CI runs the normal mode only.
 *
 * --late: a race that does not depend on two large dispatches overlapping at their edges. Each
 * round, one invocation spins (shaders/race_late_write.comp: --spin steps of a linear
 * congruential generator seeded with the round) and then writes data[round]; after a barrier,
 * one invocation copies data[round] to acc[round] (race_late_read.comp). Both dispatches are
 * one workgroup, so a GPU that runs dispatches side by side starts the read while the write
 * still spins: without the barrier acc[round] keeps data's 0. Checked against the host's own
 * generator.
 *   --size BYTES   the data (and acc) size, K/M/G suffixes (default 4M; on a GPU 64M)
 *   --rounds N     rounds per command buffer (default 16; on a GPU 64)
 *   --late         the spinning write instead of the large one
 *   --spin N       --late's generator steps per write (default 50000: llvmpipe ends a shader's
 *                  loops after 65535 iterations, so more is for a GPU) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "descriptor_common.h"
#include "race_fill_spv.h"
#include "race_late_read_spv.h"
#include "race_late_write_spv.h"
#include "race_sum_spv.h"

#define ROUND_STEP 0x9e3779b9u
#define LOCAL_SIZE 256u

static uint64_t size_bytes = 4u << 20;
static uint32_t rounds = 16;
static bool expect_race;
static bool late;
static uint32_t spin = 50000;

/* --late: what round r's write leaves in data[r] (as shaders/race_late_write.comp). */
static uint32_t
late_value(uint32_t r)
{
   uint32_t x = r + 1;
   for (uint32_t i = 0; i < spin; i++)
      x = x * 1664525u + 1013904223u;
   return x;
}

static uint32_t
expected(uint32_t n, uint32_t i)
{
   if (late)
      return i < rounds ? late_value(i) : 0;
   uint32_t sum_of_rounds = (uint32_t)((uint64_t)rounds * (rounds - 1) / 2);
   return rounds * it_race_fill_hash(n - 1 - i) + ROUND_STEP * sum_of_rounds;
}

/* A buffer in its own device-local memory (any memory where there is none). */
struct device_buffer {
   VkBuffer buffer;
   VkDeviceMemory memory;
};

static VkResult
device_buffer_create(const struct dc_side *s, VkDeviceSize size, VkBufferUsageFlags usage,
                     struct device_buffer *out)
{
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = size,
      .usage = usage,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkResult result = vkCreateBuffer(s->device, &info, NULL, &out->buffer);
   if (result != VK_SUCCESS)
      return result;
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(s->device, out->buffer, &req);
   result = it_allocate_memory(s->physical, s->device, &req,
                               VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &out->memory);
   if (result == VK_SUCCESS)
      result = vkBindBufferMemory(s->device, out->buffer, out->memory, 0);
   return result;
}

static void
device_buffer_destroy(const struct dc_side *s, struct device_buffer *b)
{
   vkDestroyBuffer(s->device, b->buffer, NULL);
   vkFreeMemory(s->device, b->memory, NULL);
   memset(b, 0, sizeof(*b));
}

struct race {
   struct dc_side *s;
   uint32_t n, groups;
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline fill, sum;
   VkDescriptorPool pool;
   VkDescriptorSet set;
   struct device_buffer data, acc;
   struct it_host_buffer readback;
};

static void
race_destroy(struct race *r)
{
   const struct dc_side *s = r->s;
   vkDeviceWaitIdle(s->device);
   it_host_buffer_destroy(s->device, &r->readback);
   device_buffer_destroy(s, &r->acc);
   device_buffer_destroy(s, &r->data);
   vkDestroyDescriptorPool(s->device, r->pool, NULL);
   vkDestroyPipeline(s->device, r->fill, NULL);
   vkDestroyPipeline(s->device, r->sum, NULL);
   vkDestroyPipelineLayout(s->device, r->layout, NULL);
   vkDestroyDescriptorSetLayout(s->device, r->set_layout, NULL);
}

static bool
race_create(struct dc_side *s, struct race *r)
{
   bool ok = false;
   memset(r, 0, sizeof(*r));
   r->s = s;
   r->n = (uint32_t)(size_bytes / 4);
   VkPhysicalDeviceProperties props;
   vkGetPhysicalDeviceProperties(s->physical, &props);
   uint64_t groups = late ? 1 : (r->n + LOCAL_SIZE - 1) / LOCAL_SIZE;
   r->groups = (uint32_t)(groups < props.limits.maxComputeWorkGroupCount[0]
                             ? groups
                             : props.limits.maxComputeWorkGroupCount[0]);
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(dc_set_layout(s, 0, bindings, 2, &r->set_layout));
   CHECK_VK(it_create_pipeline_layout(s->device, &r->set_layout, 1, 12, &r->layout));
   if (late) {
      CHECK_VK(dc_pipeline(s, race_late_write_spv, sizeof(race_late_write_spv), r->layout,
                           &r->fill));
      CHECK_VK(dc_pipeline(s, race_late_read_spv, sizeof(race_late_read_spv), r->layout,
                           &r->sum));
   } else {
      CHECK_VK(dc_pipeline(s, race_fill_spv, sizeof(race_fill_spv), r->layout, &r->fill));
      CHECK_VK(dc_pipeline(s, race_sum_spv, sizeof(race_sum_spv), r->layout, &r->sum));
   }
   const VkDescriptorPoolSize pool_size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
   CHECK_VK(it_create_descriptor_pool(s->device, 0, 1, &pool_size, 1, NULL, &r->pool));
   CHECK_VK(dc_allocate_sets(s, r->pool, &r->set_layout, 1, &r->set));
   const VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                    VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                    VK_BUFFER_USAGE_TRANSFER_DST_BIT;
   CHECK_VK(device_buffer_create(s, size_bytes, usage, &r->data));
   CHECK_VK(device_buffer_create(s, size_bytes, usage, &r->acc));
   CHECK_VK(it_host_buffer_create(s->physical, s->device, size_bytes,
                                  VK_BUFFER_USAGE_TRANSFER_DST_BIT, &r->readback));
   const VkDescriptorBufferInfo infos[2] = {
      {r->data.buffer, 0, VK_WHOLE_SIZE},
      {r->acc.buffer, 0, VK_WHOLE_SIZE},
   };
   VkWriteDescriptorSet writes[2];
   for (uint32_t b = 0; b < 2; b++) {
      writes[b] = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = r->set,
         .dstBinding = b,
         .descriptorCount = 1,
         .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
         .pBufferInfo = &infos[b],
      };
   }
   vkUpdateDescriptorSets(s->device, 2, writes, 0, NULL);
   ok = true;
done:
   return ok;
}

static void
dispatch(const struct race *r, VkCommandBuffer cmd, VkPipeline pipeline, uint32_t round)
{
   const uint32_t push[3] = {r->n, round, spin};
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, r->layout, 0, 1, &r->set, 0,
                           NULL);
   vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
   vkCmdDispatch(cmd, r->groups, 1, 1);
}

/* The rounds, each write and sum followed by the barrier the next step needs. */
static void
record_rounds(const struct race *r, VkCommandBuffer cmd)
{
   const VkPipelineStageFlags compute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
   for (uint32_t round = 0; round < rounds; round++) {
      dispatch(r, cmd, r->fill, round);
      it_memory_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, compute,
                        VK_ACCESS_SHADER_READ_BIT);
      dispatch(r, cmd, r->sum, round);
      /* the next write overwrites what this sum read, the next sum adds to what it wrote */
      it_memory_barrier(cmd, compute, VK_ACCESS_SHADER_WRITE_BIT, compute,
                        VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   }
}

static double
seconds(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Words of acc that differ from the host's closed form; prints the first few. */
static uint64_t
count_wrong(const struct race *r, const uint32_t *acc)
{
   uint64_t wrong = 0;
   for (uint32_t i = 0; i < r->n; i++) {
      uint32_t want = expected(r->n, i);
      if (acc[i] == want)
         continue;
      if (wrong++ >= 4)
         continue;
      if (late) {
         printf("  %s: acc[%u] is 0x%08x, expected 0x%08x%s\n", r->s->label, i, acc[i], want,
                acc[i] == 0 ? " (read before the write)" : "");
         continue;
      }
      /* a read of another round's value is off by whole steps (0x144cbc89 is the inverse of
       * ROUND_STEP modulo 2^32); a lost addition is off by a hash */
      int32_t steps = (int32_t)((acc[i] - want) * 0x144cbc89u);
      printf("  %s: acc[%u] is 0x%08x, expected 0x%08x", r->s->label, i, acc[i], want);
      if (steps >= -(int32_t)rounds && steps <= (int32_t)rounds)
         printf(" (off by %d rounds' steps: a value of another round)", steps);
      printf("\n");
   }
   return wrong;
}

/* Zeroes acc (one submit), runs the rounds (one command buffer, timed), reads acc back (one
 * submit) and counts the wrong words into *wrong. On Kronos's device, also checks its barrier
 * counters over the rounds' command buffer. */
static bool
run_side(struct dc_side *s, uint64_t *wrong)
{
   struct race r;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   bool ok = false;
   CHECK(race_create(s, &r));
   CHECK_VK(dc_begin(s, &cmd));
   vkCmdFillBuffer(cmd, r.acc.buffer, 0, VK_WHOLE_SIZE, 0);
   vkCmdFillBuffer(cmd, r.data.buffer, 0, VK_WHOLE_SIZE, 0); /* --late reads it early */
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                     VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
   CHECK_VK(dc_end_submit_free(s, cmd));

   VkKronosDeviceStatistics before = dc_statistics(s);
   CHECK_VK(dc_begin(s, &cmd));
   record_rounds(&r, cmd);
   CHECK_VK(vkEndCommandBuffer(cmd));
   VkKronosDeviceStatistics after = dc_statistics(s);
   double start = seconds();
   CHECK_VK(dc_submit_wait(s, 1, &cmd));
   double elapsed = seconds() - start;
   vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   cmd = VK_NULL_HANDLE;

   CHECK_VK(dc_begin(s, &cmd));
   it_memory_barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT);
   const VkBufferCopy copy = {0, 0, size_bytes};
   vkCmdCopyBuffer(cmd, r.acc.buffer, r.readback.buffer, 1, &copy);
   it_barrier_to_host(cmd);
   CHECK_VK(dc_end_submit_free(s, cmd));
   cmd = VK_NULL_HANDLE;

   *wrong = count_wrong(&r, r.readback.data);
   if (late)
      printf("  %s: %u rounds of a write spinning %u steps and a read, in %.3f s: %" PRIu64
             " of %u words wrong\n", s->label, rounds, spin, elapsed, *wrong, rounds);
   else
      printf("  %s: %u rounds of %" PRIu64 " bytes in %.3f s (%u workgroups a dispatch): %" PRIu64
             " of %u words wrong\n", s->label, rounds, size_bytes, elapsed, r.groups, *wrong,
             r.n);
   if (s->kronos) {
      uint64_t app = after.app_barriers - before.app_barriers;
      uint64_t vendor = after.vendor_barriers - before.vendor_barriers;
      uint64_t hazard = after.barriers_emitted[KRONOS_BARRIER_HAZARD] -
                        before.barriers_emitted[KRONOS_BARRIER_HAZARD];
      printf("  kronos barriers over the rounds: application %" PRIu64 ", vendor %" PRIu64
             " (%" PRIu64 " emitted for a hazard)\n", app, vendor, hazard);
      CHECK(app == 2ull * rounds);
      /* every barrier protects a real dependency; with KRONOS_BARRIER_DROP_ALL none goes */
      CHECK(vendor == (expect_race ? 0 : app));
   }
   ok = true;
done:
   if (cmd)
      vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   if (r.s)
      race_destroy(&r);
   return ok;
}

static bool
race(void)
{
   uint64_t wrong[DC_SIDE_COUNT];
   bool ok = true;
   dc_watchdog_arm("race");
   for (int i = 0; i < DC_SIDE_COUNT; i++)
      ok = run_side(&dc_sides[i], &wrong[i]) && ok;
   dc_watchdog_arm(NULL);
   if (!ok)
      return false;
   if (wrong[DC_VENDOR]) {
      printf("  the vendor's own result is wrong: the test is broken\n");
      return false;
   }
   if (expect_race) {
      if (!wrong[DC_KRONOS])
         printf("  no word wrong with every barrier dropped: this run could not have caught a "
                "missing barrier (a larger --size, more --rounds, a GPU)\n");
      return wrong[DC_KRONOS] != 0;
   }
   return wrong[DC_KRONOS] == 0;
}

static bool
close_devices(void)
{
   /* Validation errors fail the program, except where barriers were dropped on purpose. */
   bool ok = it_validation_report() || expect_race;
   dc_close();
   return ok;
}

static bool
parse_size(const char *text, uint64_t *out)
{
   char *end = NULL;
   errno = 0;
   unsigned long long value = strtoull(text, &end, 10);
   if (errno || end == text)
      return false;
   uint64_t scale = 1;
   if (*end == 'K' || *end == 'k')
      scale = 1ull << 10;
   else if (*end == 'M' || *end == 'm')
      scale = 1ull << 20;
   else if (*end == 'G' || *end == 'g')
      scale = 1ull << 30;
   else if (*end != '\0')
      return false;
   if (scale != 1 && end[1] != '\0')
      return false;
   *out = value * scale;
   /* whole words, and n - 1 - i and the group count in 32 bits */
   return *out >= 4 && *out % 4 == 0 && *out <= (1ull << 32);
}

static bool
parse_count(const char *text, uint64_t max, uint64_t *out)
{
   char *end = NULL;
   errno = 0;
   unsigned long long value = strtoull(text, &end, 10);
   *out = value;
   return !errno && end != text && *end == '\0' && value > 0 && value <= max;
}

int
main(int argc, char **argv)
{
   for (int i = 1; i < argc; i++) {
      uint64_t value;
      if (strcmp(argv[i], "--expect-race") == 0) {
         expect_race = true;
      } else if (strcmp(argv[i], "--late") == 0) {
         late = true;
      } else if (strcmp(argv[i], "--spin") == 0 && i + 1 < argc &&
                 parse_count(argv[i + 1], 100000000, &value)) {
         spin = (uint32_t)value;
         i++;
      } else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc &&
                 parse_size(argv[i + 1], &size_bytes)) {
         i++;
      } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc &&
                 parse_count(argv[i + 1], 100000, &value)) {
         rounds = (uint32_t)value;
         i++;
      } else {
         fprintf(stderr, "usage: %s [--expect-race] [--size BYTES] [--rounds N] [--late] "
                 "[--spin N]\n", argv[0]);
         return 2;
      }
   }
   if (late && rounds > size_bytes / 4) {
      fprintf(stderr, "%s: --late needs --size of at least 4 bytes a round\n", argv[0]);
      return 2;
   }
   printf("%u rounds of %" PRIu64 " bytes%s%s\n", rounds, size_bytes, late ? ", late writes" : "",
          expect_race ? "; expecting Kronos to lose the race (KRONOS_BARRIER_DROP_ALL=1)" : "");
   static const struct it_test tests[] = {
      {"find the vendor's device and Kronos's, open both", dc_setup, true},
      {"write, barrier, dependent read, barrier; repeated", race, false},
      {"close both devices (validation errors fail)", close_devices, false},
   };
   int status = IT_RUN_TESTS(tests);
   if (dc_instance)
      dc_close();
   return status;
}
