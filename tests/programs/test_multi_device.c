/* SPDX-License-Identifier: MIT */
/* Every device Kronos offers, driven at once (issue 14): one thread per Kronos device, each
 * running the same work on that device and, alike, on the vendor device it runs on (the
 * deviceUUID pair), and comparing the two byte for byte:
 *  - pooled memory: each round creates the workloads afresh (SAXPY and the tree reduction of
 *    kronos-bench, benchmarks/workload_*.c, inputs from a seed of the round's own, so that every
 *    round's outputs differ from the last's and a round whose work was lost cannot pass on what
 *    an earlier one left) and frees them after, with a ring of extra buffers allocated and freed;
 *  - batched submits with semaphores and a fence: each round submits the reduction waiting for a
 *    timeline value the host signals later, SAXPY signalling the next value, and the reduction
 *    again waiting for that with the fence (three vkQueueSubmit calls); then the host signals,
 *    the fence is waited for and both outputs are read back, checked against their CPU
 *    references and compared with the vendor's. The first submit holds the queue until the
 *    host signals, so through Kronos the two after it wait in one batch: always, since the
 *    program raises Kronos's batch time bound to a second (KRONOS_BATCH_TIME_BOUND_US, unless
 *    set) so that a slow machine's scheduling cannot flush the second alone.
 * Device d runs rounds + d rounds, so its statistics differ from every other's: each Kronos
 * device's own counters (vkGetDeviceStatisticsKRONOS) must show exactly its own dispatches, at
 * least its own submits and allocations (uploads and readbacks add theirs), fewer vendor
 * allocations than the application's (the pool) and at least one batch a round — nothing of
 * another device's work: pools and batches are per device.
 *
 * With one vendor (lavapipe in CI) there is one device; with two vendors in one Kronos instance
 * (Mesa 22.3's and Mesa 25's lavapipe in CI, or a GPU and lavapipe) there are two:
 *   VK_DRIVER_FILES=A.json:B.json:kronos_icd.json KRONOS_VENDOR_ICD=A.json:B.json \
 *      test_multi_device [--rounds N] [--expect-devices N]
 * Exit status: 0 every check passed, 1 one failed, 2 usage or setup error. A watchdog fails the
 * program if it has not finished after --timeout seconds (default 120). */
#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_buffer.h"
#include "bench_workload.h"
#include "workload_common.h"
#include "kronos/kronos.h"
#include "kt.h"

#define MAX_DEVICES 8u
#define SAXPY_BYTES (256u * 1024u)
#define REDUCE_BYTES (512u * 1024u)
#define SAXPY_RECORDS 3u
#define EXTRA_BUFFERS 4u
#define EXTRA_BYTES (64u * 1024u)

enum side { VENDOR, KRONOS, SIDES };

struct options {
   uint32_t rounds;
   uint32_t expect_devices;
   unsigned timeout_s;
};

struct side_state {
   struct kt_device device;
   struct bench_workload *saxpy, *reduce;
   VkCommandPool pool;
   VkCommandBuffer cmds[2];
   VkSemaphore timeline;
   VkFence fence;
   uint64_t timeline_value;
   uint32_t submits, allocations; /* the application's, counted here */
   uint64_t dispatches;           /* recorded, counted here */
};

struct worker {
   uint32_t index;
   const struct kt_device_pair *pair;
   uint32_t rounds;
   pthread_barrier_t *start;
   struct side_state sides[SIDES];
   bool ok;
   char why[512];
};

static void
fail(struct worker *w, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct worker *w, const char *format, ...)
{
   if (!w->ok)
      return; /* the first failure is the one to read */
   w->ok = false;
   va_list args;
   va_start(args, format);
   vsnprintf(w->why, sizeof(w->why), format, args);
   va_end(args);
}

static VkResult
side_open(struct worker *w, enum side s)
{
   struct side_state *st = &w->sides[s];
   const struct kt_physical_device *physical = s == KRONOS ? w->pair->kronos : w->pair->vendor;
   VkResult r = kt_device_create(physical, 1, &st->device);
   if (r != VK_SUCCESS)
      return r;
   const struct VolkDeviceTable *vk = &st->device.vk;
   VkDevice device = st->device.handle;
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
      .queueFamilyIndex = st->device.queue_family,
   };
   r = vk->vkCreateCommandPool(device, &pool_info, NULL, &st->pool);
   const VkCommandBufferAllocateInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = st->pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 2,
   };
   if (r == VK_SUCCESS)
      r = vk->vkAllocateCommandBuffers(device, &cmd_info, st->cmds);
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
   };
   const VkSemaphoreCreateInfo semaphore_info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
                                                 .pNext = &type};
   if (r == VK_SUCCESS)
      r = vk->vkCreateSemaphore(device, &semaphore_info, NULL, &st->timeline);
   const VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   if (r == VK_SUCCESS)
      r = vk->vkCreateFence(device, &fence_info, NULL, &st->fence);
   return r;
}

static void
workloads_close(struct side_state *st)
{
   if (st->reduce)
      bench_workload_reduce.destroy(st->reduce);
   if (st->saxpy)
      bench_workload_saxpy.destroy(st->saxpy);
   st->reduce = st->saxpy = NULL;
}

/* The round's workloads, from the round's seed: other inputs, so other outputs, every round. */
static VkResult
workloads_open(struct worker *w, struct side_state *st, uint32_t round)
{
   uint32_t seed = 1000u * w->index + round;
   VkResult r = bench_workload_saxpy.create(&st->device, SAXPY_BYTES, seed, &st->saxpy);
   if (r == VK_SUCCESS)
      r = bench_workload_reduce.create(&st->device, REDUCE_BYTES, seed ^ 0x55u, &st->reduce);
   return r;
}

static void
side_close(struct side_state *st)
{
   if (!st->device.handle)
      return;
   const struct VolkDeviceTable *vk = &st->device.vk;
   VkDevice device = st->device.handle;
   vk->vkDeviceWaitIdle(device);
   if (st->fence)
      vk->vkDestroyFence(device, st->fence, NULL);
   if (st->timeline)
      vk->vkDestroySemaphore(device, st->timeline, NULL);
   if (st->pool)
      vk->vkDestroyCommandPool(device, st->pool, NULL);
   workloads_close(st);
   kt_device_destroy(&st->device);
}

static VkResult
record(struct side_state *st)
{
   const struct VolkDeviceTable *vk = &st->device.vk;
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   const VkCommandBufferBeginInfo begin_simultaneous = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT,
   };
   VkResult r = vk->vkBeginCommandBuffer(st->cmds[0], &begin);
   for (uint32_t i = 0; i < SAXPY_RECORDS && r == VK_SUCCESS; i++)
      bench_workload_saxpy.record(st->saxpy, st->cmds[0]);
   if (r == VK_SUCCESS)
      r = vk->vkEndCommandBuffer(st->cmds[0]);
   if (r == VK_SUCCESS)
      r = vk->vkBeginCommandBuffer(st->cmds[1], &begin_simultaneous);
   if (r == VK_SUCCESS)
      bench_workload_reduce.record(st->reduce, st->cmds[1]);
   if (r == VK_SUCCESS)
      r = vk->vkEndCommandBuffer(st->cmds[1]);
   if (r == VK_SUCCESS)
      st->dispatches += SAXPY_RECORDS * bench_workload_saxpy.dispatches_per_record(st->saxpy) +
                        bench_workload_reduce.dispatches_per_record(st->reduce);
   return r;
}

/* Three vkQueueSubmit calls: the reduction's command buffer waiting for a timeline value the
 * host signals only after the three (so the queue is busy while the next two are made), SAXPY's
 * signalling the next value, and the reduction's again waiting for it, with the fence; then the
 * host signals and the fence is waited for. (The kernels write out of place: applying them again
 * leaves the same outputs.) */
static VkResult
submit_round(struct side_state *st)
{
   const struct VolkDeviceTable *vk = &st->device.vk;
   uint64_t host_value = ++st->timeline_value, signal = ++st->timeline_value;
   const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
   const VkTimelineSemaphoreSubmitInfo host_wait_values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = 1,
      .pWaitSemaphoreValues = &host_value,
   };
   const VkTimelineSemaphoreSubmitInfo signal_values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = 1,
      .pSignalSemaphoreValues = &signal,
   };
   const VkTimelineSemaphoreSubmitInfo wait_values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = 1,
      .pWaitSemaphoreValues = &signal,
   };
   const VkSubmitInfo held = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &host_wait_values,
      .waitSemaphoreCount = 1,
      .pWaitSemaphores = &st->timeline,
      .pWaitDstStageMask = &wait_stage,
      .commandBufferCount = 1,
      .pCommandBuffers = &st->cmds[1],
   };
   const VkSubmitInfo signalling = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &signal_values,
      .commandBufferCount = 1,
      .pCommandBuffers = &st->cmds[0],
      .signalSemaphoreCount = 1,
      .pSignalSemaphores = &st->timeline,
   };
   const VkSubmitInfo waiting = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = &wait_values,
      .waitSemaphoreCount = 1,
      .pWaitSemaphores = &st->timeline,
      .pWaitDstStageMask = &wait_stage,
      .commandBufferCount = 1,
      .pCommandBuffers = &st->cmds[1],
   };
   /* The reduction's command buffer is in two submits: it may be pending twice. */
   VkResult r = vk->vkResetFences(st->device.handle, 1, &st->fence);
   if (r == VK_SUCCESS)
      r = vk->vkQueueSubmit(st->device.queues[0], 1, &held, VK_NULL_HANDLE);
   if (r == VK_SUCCESS)
      r = vk->vkQueueSubmit(st->device.queues[0], 1, &signalling, VK_NULL_HANDLE);
   if (r == VK_SUCCESS)
      r = vk->vkQueueSubmit(st->device.queues[0], 1, &waiting, st->fence);
   if (r == VK_SUCCESS) {
      st->submits += 3;
      const VkSemaphoreSignalInfo release = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
         .semaphore = st->timeline,
         .value = host_value,
      };
      r = vk->vkSignalSemaphore(st->device.handle, &release);
   }
   if (r == VK_SUCCESS)
      r = kt_fence_wait(&st->device, st->fence, "multi-device round");
   return r;
}

/* Memory allocated and freed while work runs: the pool's steady state, per device. */
static VkResult
churn(struct side_state *st)
{
   struct kt_buffer extra[EXTRA_BUFFERS];
   memset(extra, 0, sizeof(extra));
   VkResult r = VK_SUCCESS;
   for (uint32_t i = 0; i < EXTRA_BUFFERS && r == VK_SUCCESS; i++) {
      r = kt_buffer_create(&st->device, EXTRA_BYTES, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                           "multi-device extra buffer", &extra[i]);
      if (r == VK_SUCCESS)
         st->allocations++;
   }
   for (uint32_t i = 0; i < EXTRA_BUFFERS; i++)
      kt_buffer_destroy(&st->device, &extra[i]);
   return r;
}

static bool
outputs_equal(struct worker *w, const struct bench_workload_ops *ops,
              const struct bench_workload *vendor_workload,
              const struct bench_workload *kronos_workload)
{
   size_t vendor_size = 0, kronos_size = 0;
   const void *vendor = ops->output(vendor_workload, &vendor_size);
   const void *kronos = ops->output(kronos_workload, &kronos_size);
   if (vendor_size != kronos_size || memcmp(vendor, kronos, vendor_size) != 0) {
      fail(w, "%s on device %" PRIu32 ": the outputs of the vendor and of Kronos differ",
           ops->name, w->index);
      return false;
   }
   return true;
}

static VkKronosDeviceStatistics
statistics(const struct kt_device *device)
{
   VkKronosDeviceStatistics s = {.version = KRONOS_STATISTICS_VERSION};
   PFN_vkGetDeviceStatisticsKRONOS get =
      (PFN_vkGetDeviceStatisticsKRONOS)vkGetDeviceProcAddr(device->handle,
                                                           "vkGetDeviceStatisticsKRONOS");
   if (!get || get(device->handle, &s) != VK_SUCCESS)
      memset(&s, 0, sizeof(s));
   return s;
}

static void
check_statistics(struct worker *w, const VkKronosDeviceStatistics *before,
                 const VkKronosDeviceStatistics *after)
{
   const struct side_state *st = &w->sides[KRONOS];
   uint64_t dispatches = after->app_dispatches - before->app_dispatches;
   uint64_t submits = after->app_submits - before->app_submits;
   uint64_t vendor_submits = after->vendor_submits - before->vendor_submits;
   uint64_t allocations = after->app_allocations - before->app_allocations;
   uint64_t vendor_allocations = after->vendor_allocations - before->vendor_allocations;
   printf("device %" PRIu32 " (%s, over %s): %" PRIu32 " rounds: %" PRIu64 " dispatches, %" PRIu64
          " application submits in %" PRIu64 " vendor submits, %" PRIu64
          " allocations (%" PRIu64 " from the vendor), pool %" PRIu64 " bytes reserved\n",
          w->index, w->pair->kronos->properties.deviceName,
          w->pair->vendor->has_driver ? w->pair->vendor->driver.driverInfo
                                      : kt_physical_device_driver_name(w->pair->vendor),
          w->rounds, dispatches, submits,
          vendor_submits, allocations, vendor_allocations, after->pool_bytes_reserved);
   printf("device %" PRIu32 ": batches flushed when full %" PRIu64 ", observed %" PRIu64
          ", timed out %" PRIu64 ", on an idle queue %" PRIu64 "\n", w->index,
          after->batches_flushed[KRONOS_FLUSH_FULL] - before->batches_flushed[KRONOS_FLUSH_FULL],
          after->batches_flushed[KRONOS_FLUSH_OBSERVED] -
             before->batches_flushed[KRONOS_FLUSH_OBSERVED],
          after->batches_flushed[KRONOS_FLUSH_TIMEOUT] -
             before->batches_flushed[KRONOS_FLUSH_TIMEOUT],
          after->batches_flushed[KRONOS_FLUSH_IDLE] - before->batches_flushed[KRONOS_FLUSH_IDLE]);
   /* What this thread did on this device and nothing else: the counts of the loop (the
    * readbacks of verify() submit too, but never dispatch or allocate). */
   if (dispatches != st->dispatches)
      fail(w, "device %" PRIu32 " counted %" PRIu64 " dispatches, not its own %" PRIu64,
           w->index, dispatches, st->dispatches);
   /* The workloads' uploads and readbacks submit and allocate too: at least the loop's own. */
   uint64_t least_submits = st->submits + 2ull * w->rounds; /* and a readback per workload */
   if (submits < least_submits)
      fail(w, "device %" PRIu32 " counted %" PRIu64 " submits, fewer than its own %" PRIu64,
           w->index, submits, least_submits);
   if (allocations < st->allocations)
      fail(w, "device %" PRIu32 " counted %" PRIu64 " allocations, fewer than its own %" PRIu32,
           w->index, allocations, st->allocations);
   if (vendor_allocations >= allocations)
      fail(w, "device %" PRIu32 ": %" PRIu64 " of %" PRIu64 " allocations reached the vendor: "
           "no pooling", w->index, vendor_allocations, allocations);
   /* Every round's last two submits go to the vendor as one (the first holds the queue). */
   if (vendor_submits + w->rounds > submits)
      fail(w, "device %" PRIu32 ": %" PRIu64 " vendor submits for %" PRIu64 " of the "
           "application's in %" PRIu32 " rounds: a round without a batch", w->index,
           vendor_submits, submits, w->rounds);
}

static void *
run_worker(void *arg)
{
   struct worker *w = arg;
   w->ok = true;
   VkResult r = VK_SUCCESS;
   for (enum side s = VENDOR; s < SIDES && r == VK_SUCCESS; s++)
      r = side_open(w, s);
   if (r != VK_SUCCESS)
      fail(w, "setting up device %" PRIu32 " failed: %s", w->index, kt_result_name(r));
   /* All threads start the rounds together, so the devices work at once. */
   pthread_barrier_wait(w->start);
   if (!w->ok)
      return NULL;
   VkKronosDeviceStatistics before = statistics(&w->sides[KRONOS].device);
   for (uint32_t round = 0; round < w->rounds && w->ok; round++) {
      for (enum side s = VENDOR; s < SIDES && w->ok; s++) {
         struct side_state *st = &w->sides[s];
         r = workloads_open(w, st, round);
         if (r == VK_SUCCESS)
            r = record(st);
         if (r == VK_SUCCESS)
            r = submit_round(st);
         if (r == VK_SUCCESS)
            r = churn(st);
         if (r != VK_SUCCESS) {
            fail(w, "device %" PRIu32 " %s, round %" PRIu32 ": %s", w->index,
                 s == KRONOS ? "Kronos" : "vendor", round, kt_result_name(r));
            break;
         }
         char why[512] = "";
         if (!bench_workload_saxpy.verify(st->saxpy, why, sizeof(why)) ||
             !bench_workload_reduce.verify(st->reduce, why, sizeof(why)))
            fail(w, "device %" PRIu32 " %s, round %" PRIu32 ": %s", w->index,
                 s == KRONOS ? "Kronos" : "vendor", round, why);
      }
      if (w->ok)
         outputs_equal(w, &bench_workload_saxpy, w->sides[VENDOR].saxpy, w->sides[KRONOS].saxpy);
      if (w->ok)
         outputs_equal(w, &bench_workload_reduce, w->sides[VENDOR].reduce,
                       w->sides[KRONOS].reduce);
      for (enum side s = VENDOR; s < SIDES; s++)
         workloads_close(&w->sides[s]);
   }
   if (w->ok) {
      VkKronosDeviceStatistics after = statistics(&w->sides[KRONOS].device);
      check_statistics(w, &before, &after);
   }
   return NULL;
}

static unsigned watchdog_seconds;

static void
watchdog(int signal)
{
   (void)signal;
   static const char message[] = "test_multi_device: FAIL: the watchdog fired (a hang)\n";
   if (write(STDERR_FILENO, message, sizeof(message) - 1) < 0) {
      /* nothing more to do */
   }
   _exit(1);
}

static bool
parse(int argc, char **argv, struct options *o)
{
   *o = (struct options){.rounds = 4, .expect_devices = 1, .timeout_s = 120};
   for (int i = 1; i < argc; i++) {
      unsigned long value = 0;
      char *end = NULL;
      if (i + 1 < argc)
         value = strtoul(argv[i + 1], &end, 10);
      bool number = i + 1 < argc && end && *end == '\0' && value > 0 && value < 100000;
      if (strcmp(argv[i], "--rounds") == 0 && number)
         o->rounds = (uint32_t)value;
      else if (strcmp(argv[i], "--expect-devices") == 0 && number && value <= MAX_DEVICES)
         o->expect_devices = (uint32_t)value;
      else if (strcmp(argv[i], "--timeout") == 0 && number)
         o->timeout_s = (unsigned)value;
      else {
         fprintf(stderr, "usage: test_multi_device [--rounds N] [--expect-devices N] "
                         "[--timeout SECONDS]\n");
         return false;
      }
      i++;
   }
   return true;
}

int
main(int argc, char **argv)
{
   struct options options;
   if (!parse(argc, argv, &options))
      return 2;
   setenv("KRONOS_BATCH_TIME_BOUND_US", "1000000", 0); /* see the top of this file */
   watchdog_seconds = options.timeout_s;
   signal(SIGALRM, watchdog);
   alarm(watchdog_seconds);

   struct kt_system system = {0};
   int status = 2;
   static struct worker workers[MAX_DEVICES];
   pthread_t threads[MAX_DEVICES];
   uint32_t count = 0;
   if (kt_system_create("kronos-multi-device", false, false, &system) != VK_SUCCESS)
      goto cleanup;
   for (uint32_t i = 0; i < system.pair_count && count < MAX_DEVICES; i++) {
      const struct kt_device_pair *pair = &system.pairs[i];
      if (!pair->vendor) {
         printf("%s: its vendor device is not visible (VK_DRIVER_FILES): not driven\n",
                pair->kronos->properties.deviceName);
         continue;
      }
      workers[count] = (struct worker){.index = count, .pair = pair,
                                       .rounds = options.rounds + count};
      count++;
   }
   printf("%" PRIu32 " Kronos device(s) with their vendor devices\n", count);
   if (count < options.expect_devices) {
      fprintf(stderr, "test_multi_device: %" PRIu32 " device(s), --expect-devices %" PRIu32
              ": set VK_DRIVER_FILES=<vendor manifests>:<Kronos manifest> and "
              "KRONOS_VENDOR_ICD=<vendor manifests>\n", count, options.expect_devices);
      goto cleanup;
   }
   pthread_barrier_t start;
   pthread_barrier_init(&start, NULL, count);
   uint32_t started = 0;
   for (uint32_t i = 0; i < count; i++) {
      workers[i].start = &start;
      if (pthread_create(&threads[i], NULL, run_worker, &workers[i]) != 0) {
         fprintf(stderr, "test_multi_device: cannot start a thread\n");
         break;
      }
      started++;
   }
   if (started != count)
      abort(); /* the others wait at the barrier forever: fail loudly instead */
   status = 0;
   for (uint32_t i = 0; i < count; i++) {
      pthread_join(threads[i], NULL);
      if (!workers[i].ok) {
         printf("FAIL: %s\n", workers[i].why);
         status = 1;
      }
   }
   pthread_barrier_destroy(&start);
   for (uint32_t i = 0; i < count; i++) {
      side_close(&workers[i].sides[KRONOS]);
      side_close(&workers[i].sides[VENDOR]);
   }
   printf("result: %s\n", status == 0 ? "PASS" : "FAIL");

cleanup:
   kt_system_destroy(&system);
   return status;
}
