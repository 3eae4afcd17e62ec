/* SPDX-License-Identifier: MIT */
/* The soak (issue 12): it_soak --seed S --ops N [--threads T] [--watchdog SECONDS] [--verbose]
 * [--expect-optimized | --expect-passthrough]
 *
 * T threads ("lanes"), each with its own generator (the seed and the lane's index), command
 * pool, descriptor pool, fences, semaphores, memory and buffers, make random valid operations
 * until together they have made N; every operation runs on the vendor's device and on Kronos's
 * over it (one instance, both drivers), and every VkResult and every buffer read back is
 * compared between the two and with the host's model (soak_ops.c). The lanes share each
 * device's queue under a lock. A seed reproduces a lane's sequence; a difference prints the
 * seed, the thread, the operation and both results, and the program exits 1.
 *
 * N counts operations made on each device: every one ran on the vendor's device and on Kronos's.
 * --expect-optimized: Kronos's counters must show the pool, batching and the barrier policy at
 * work (fewer vendor allocations, submits and barriers than the application's);
 * --expect-passthrough (KRONOS_DISABLE=pool,batch,barrier,descriptor): as many as the
 * application's. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soak.h"
#include "soak_mix_spv.h"

#define MAX_THREADS 16

struct options {
   uint64_t seed, ops;
   unsigned threads, watchdog_s;
   bool verbose, expect_optimized, expect_passthrough;
};

static bool
parse(int argc, char **argv, struct options *o)
{
   *o = (struct options){.seed = 1, .ops = 10000, .threads = 3, .watchdog_s = 240};
   for (int i = 1; i < argc; i++) {
      const char *arg = argv[i];
      const char *value = i + 1 < argc ? argv[i + 1] : NULL;
      if (strcmp(arg, "--verbose") == 0) {
         o->verbose = true;
      } else if (strcmp(arg, "--expect-optimized") == 0) {
         o->expect_optimized = true;
      } else if (strcmp(arg, "--expect-passthrough") == 0) {
         o->expect_passthrough = true;
      } else if (value && strcmp(arg, "--seed") == 0) {
         o->seed = strtoull(value, NULL, 0);
         i++;
      } else if (value && strcmp(arg, "--ops") == 0) {
         o->ops = strtoull(value, NULL, 0);
         i++;
      } else if (value && strcmp(arg, "--threads") == 0) {
         o->threads = (unsigned)strtoul(value, NULL, 0);
         i++;
      } else if (value && strcmp(arg, "--watchdog") == 0) {
         o->watchdog_s = (unsigned)strtoul(value, NULL, 0);
         i++;
      } else {
         fprintf(stderr,
                 "usage: %s [--seed S] [--ops N] [--threads T] [--watchdog SECONDS] "
                 "[--verbose] [--expect-optimized | --expect-passthrough]\n",
                 argv[0]);
         return false;
      }
   }
   if (o->threads < 1 || o->threads > MAX_THREADS || o->ops < 1) {
      fprintf(stderr, "soak: --threads is 1 to %d, --ops at least 1\n", MAX_THREADS);
      return false;
   }
   return true;
}

/* The device (timeline semaphores, synchronization2), its queue and the soak's pipeline. */
static bool
open_side(struct soak_side *side)
{
   bool ok = false;
   VkPhysicalDeviceVulkan12Features f12;
   VkPhysicalDeviceVulkan13Features f13;
   it_device_features(side->physical, &f12, &f13);
   CHECK(f12.timelineSemaphore && f13.synchronization2);
   VkPhysicalDeviceVulkan13Features enable13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = VK_TRUE,
   };
   VkPhysicalDeviceVulkan12Features enable12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &enable13,
      .timelineSemaphore = VK_TRUE,
   };
   uint32_t family = it_compute_family(side->physical);
   CHECK(family != UINT32_MAX);
   CHECK_VK(
      it_create_device(side->physical, family, &enable12, NULL, NULL, 0, NULL, &side->device));
   vkGetDeviceQueue(side->device, family, 0, &side->queue);
   CHECK(side->queue != VK_NULL_HANDLE);
   vkGetPhysicalDeviceMemoryProperties(side->physical, &side->memory);
   const VkDescriptorSetLayoutBinding bindings[2] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   CHECK_VK(it_create_set_layout(side->device, 0, NULL, bindings, 2, &side->set_layout));
   CHECK_VK(it_create_pipeline_layout(side->device, &side->set_layout, 1, 3 * sizeof(uint32_t),
                                      &side->pipeline_layout));
   CHECK_VK(it_create_shader_module(side->device, soak_mix_spv, soak_mix_spv_size, &side->module));
   CHECK_VK(it_create_compute_pipeline(side->device, side->module, side->pipeline_layout,
                                       &side->pipeline));
   ok = true;
done:
   return ok;
}

static void
close_side(struct soak_side *side)
{
   if (!side->device)
      return;
   vkDeviceWaitIdle(side->device);
   vkDestroyPipeline(side->device, side->pipeline, NULL);
   vkDestroyShaderModule(side->device, side->module, NULL);
   vkDestroyPipelineLayout(side->device, side->pipeline_layout, NULL);
   vkDestroyDescriptorSetLayout(side->device, side->set_layout, NULL);
   vkDestroyDevice(side->device, NULL);
   side->device = VK_NULL_HANDLE;
}

/* The generator draws memory types by index on both devices: their lists must agree. */
static bool
same_memory_types(const struct soak_run *run)
{
   const VkPhysicalDeviceMemoryProperties *v = &run->sides[0].memory, *k = &run->sides[1].memory;
   bool same = v->memoryTypeCount == k->memoryTypeCount;
   for (uint32_t t = 0; same && t < v->memoryTypeCount; t++)
      same = v->memoryTypes[t].propertyFlags == k->memoryTypes[t].propertyFlags;
   if (!same)
      fprintf(stderr, "soak: the devices' memory types differ\n");
   return same;
}

struct lane_thread {
   pthread_t thread;
   struct soak_run *run;
   unsigned index;
   uint64_t ops;
   uint64_t counts[SOAK_OP_COUNT];
   bool ok;
};

static void *
lane_main(void *arg)
{
   struct lane_thread *t = arg;
   t->ok = soak_lane_run(t->run, t->index, t->ops, t->counts);
   return NULL;
}

static double
now_s(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Kronos's vendor-call counters after the run, printed and checked against what the settings
 * promise. */
static bool
check_statistics(VkDevice kronos, const struct options *o)
{
   bool ok = false;
   VkKronosDeviceStatistics st = {.version = KRONOS_STATISTICS_VERSION};
   CHECK_VK(it_device_statistics(kronos, &st));
   printf("soak: kronos: allocations %" PRIu64 " app / %" PRIu64 " vendor, submits %" PRIu64
          " / %" PRIu64 ", barriers %" PRIu64 " / %" PRIu64 " (%" PRIu64 " dropped, %" PRIu64
          " merged), dispatches %" PRIu64 " / %" PRIu64 ", descriptor writes %" PRIu64 " / %" PRIu64
          " (cache hits %" PRIu64 ", misses %" PRIu64 ")\n",
          st.app_allocations, st.vendor_allocations, st.app_submits, st.vendor_submits,
          st.app_barriers, st.vendor_barriers, st.barriers_dropped, st.barriers_merged,
          st.app_dispatches, st.vendor_dispatches, st.app_descriptor_writes,
          st.vendor_descriptor_writes, st.descriptor_cache_hits, st.descriptor_cache_misses);
   CHECK(st.app_dispatches == st.vendor_dispatches);
   if (o->expect_optimized) {
      CHECK(st.vendor_allocations < st.app_allocations);
      CHECK(st.vendor_submits < st.app_submits);
      CHECK(st.vendor_barriers < st.app_barriers);
   }
   if (o->expect_passthrough) {
      CHECK(st.vendor_allocations == st.app_allocations);
      CHECK(st.vendor_submits == st.app_submits);
      CHECK(st.vendor_barriers == st.app_barriers);
   }
   ok = true;
done:
   return ok;
}

int
main(int argc, char **argv)
{
   struct options o;
   if (!parse(argc, argv, &o))
      return 2;
   if (volkInitialize() != VK_SUCCESS) {
      fprintf(stderr, "cannot load the Vulkan loader (libvulkan.so.1)\n");
      return 1;
   }
   static struct soak_run run;
   static struct lane_thread lanes[MAX_THREADS];
   VkInstance instance = VK_NULL_HANDLE;
   bool ok = false;
   unsigned started = 0;
   run.seed = o.seed;
   run.ops = o.ops;
   run.threads = o.threads;
   run.verbose = o.verbose;
   run.sides[0].label = "vendor";
   run.sides[1].label = "kronos";
   for (int s = 0; s < SOAK_SIDES; s++)
      pthread_mutex_init(&run.sides[s].queue_lock, NULL);
   it_watchdog_arm("the soak", o.watchdog_s);

   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_both_devices(instance, &run.sides[1].physical, &run.sides[0].physical));
   for (int s = 0; s < SOAK_SIDES; s++)
      CHECK(open_side(&run.sides[s]));
   CHECK(same_memory_types(&run));

   double start = now_s();
   for (unsigned t = 0; t < o.threads; t++) {
      lanes[t].run = &run;
      lanes[t].index = t;
      lanes[t].ops = (o.ops + o.threads - 1 - t) / o.threads; /* N in all */
      if (pthread_create(&lanes[t].thread, NULL, lane_main, &lanes[t]) != 0) {
         fprintf(stderr, "soak: cannot start thread %u\n", t);
         atomic_store(&run.failed, true);
         break;
      }
      started++;
   }
   bool lanes_ok = started == o.threads;
   uint64_t counts[SOAK_OP_COUNT] = {0}, total = 0;
   for (unsigned t = 0; t < started; t++) {
      pthread_join(lanes[t].thread, NULL);
      lanes_ok = lanes_ok && lanes[t].ok;
      for (int k = 0; k < SOAK_OP_COUNT; k++) {
         counts[k] += lanes[t].counts[k];
         total += lanes[t].counts[k];
      }
   }
   double elapsed = now_s() - start;
   printf("soak: seed %" PRIu64 ", %u threads, %" PRIu64
          " operations on each device (vendor and Kronos) in %.1f s:",
          o.seed, o.threads, total, elapsed);
   for (int k = 0; k < SOAK_OP_COUNT; k++)
      printf(" %s %" PRIu64, soak_op_names[k], counts[k]);
   printf("\n");
   CHECK(lanes_ok);
   CHECK(total >= o.ops);
   CHECK(check_statistics(run.sides[1].device, &o));
   ok = true;
done:
   for (int s = 0; s < SOAK_SIDES; s++)
      close_side(&run.sides[s]);
   if (instance)
      vkDestroyInstance(instance, NULL);
   for (int s = 0; s < SOAK_SIDES; s++)
      pthread_mutex_destroy(&run.sides[s].queue_lock);
   it_watchdog_arm(NULL, 0);
   printf("%s - soak (seed %" PRIu64 ")\n", ok ? "ok" : "FAIL", o.seed);
   return ok ? 0 : 1;
}
