/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "sync_common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- the devices' allocator, which a test can make refuse every allocation -------------- */

static atomic_bool refuse_allocations;

void
sync_refuse_allocations(bool refuse)
{
   atomic_store(&refuse_allocations, refuse);
}

static VKAPI_ATTR void *VKAPI_CALL
device_allocate(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (atomic_load(&refuse_allocations))
      return NULL;
   if (alignment < sizeof(void *))
      alignment = sizeof(void *);
   void *p = NULL;
   return posix_memalign(&p, alignment, size ? size : 1) == 0 ? p : NULL;
}

static VKAPI_ATTR void *VKAPI_CALL
device_reallocate(void *user, void *old, size_t size, size_t alignment,
                  VkSystemAllocationScope scope)
{
   (void)user;
   (void)alignment;
   (void)scope;
   if (atomic_load(&refuse_allocations))
      return NULL;
   return realloc(old, size);
}

static VKAPI_ATTR void VKAPI_CALL
device_free(void *user, void *memory)
{
   (void)user;
   free(memory);
}

static const VkAllocationCallbacks device_allocator = {
   .pfnAllocation = device_allocate,
   .pfnReallocation = device_reallocate,
   .pfnFree = device_free,
};

/* --- the watchdog: a scenario that hangs fails the program instead of blocking CI -------- */

static struct {
   pthread_mutex_t lock;
   pthread_cond_t cond;
   const char *what; /* under lock: the scenario running, NULL between them */
   uint64_t generation;
} watchdog = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0};

static void *
watchdog_main(void *arg)
{
   (void)arg;
   pthread_mutex_lock(&watchdog.lock);
   for (;;) {
      uint64_t generation = watchdog.generation;
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_sec += SYNC_WATCHDOG_S;
      int err = 0;
      while (watchdog.generation == generation && err == 0)
         err = pthread_cond_timedwait(&watchdog.cond, &watchdog.lock, &until);
      if (watchdog.generation == generation && watchdog.what) {
         fprintf(stderr, "watchdog: %s did not finish in %d s: hung\n", watchdog.what,
                 SYNC_WATCHDOG_S);
         fflush(NULL);
         _exit(3);
      }
   }
   return NULL;
}

void
sync_watchdog_arm(const char *what)
{
   static pthread_t thread;
   static atomic_bool started;
   pthread_mutex_lock(&watchdog.lock);
   watchdog.what = what;
   watchdog.generation++;
   pthread_cond_signal(&watchdog.cond);
   pthread_mutex_unlock(&watchdog.lock);
   if (!atomic_exchange(&started, true)) {
      if (pthread_create(&thread, NULL, watchdog_main, NULL) == 0)
         pthread_detach(thread);
      else
         fprintf(stderr, "watchdog: cannot start its thread\n");
   }
}

uint64_t
sync_now_ns(void)
{
   struct timespec t;
   clock_gettime(CLOCK_MONOTONIC, &t);
   return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void
sync_sleep_us(unsigned us)
{
   struct timespec t = {.tv_sec = us / 1000000u, .tv_nsec = (long)(us % 1000000u) * 1000};
   while (nanosleep(&t, &t) != 0)
      ;
}

/* The device of one side: one queue of every compute-capable family (as many as it has, up to
 * SYNC_MAX_QUEUES in all), timeline semaphores and synchronization2 enabled. */
static VkResult
side_open(struct sync_side *s, VkPhysicalDevice physical, const char *label, bool kronos)
{
   memset(s, 0, sizeof(*s));
   s->label = label;
   s->kronos = kronos;
   s->physical = physical;
   VkPhysicalDeviceProperties props;
   vkGetPhysicalDeviceProperties(physical, &props);
   s->limits = props.limits;

   VkPhysicalDeviceVulkan13Features f13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
   };
   VkPhysicalDeviceVulkan12Features f12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &f13,
   };
   VkPhysicalDeviceFeatures2 features = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
      .pNext = &f12,
   };
   vkGetPhysicalDeviceFeatures2(physical, &features);
   if (!f12.timelineSemaphore || !f13.synchronization2) {
      fprintf(stderr, "%s: the device lacks timelineSemaphore or synchronization2\n", label);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   VkPhysicalDeviceVulkan13Features enable13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .synchronization2 = VK_TRUE,
   };
   VkPhysicalDeviceVulkan12Features enable12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &enable13,
      .timelineSemaphore = VK_TRUE,
   };

   VkQueueFamilyProperties families[16];
   uint32_t family_count = 16;
   vkGetPhysicalDeviceQueueFamilyProperties(physical, &family_count, families);
   static const float priorities[SYNC_MAX_QUEUES] = {1.0f, 1.0f, 1.0f, 1.0f};
   VkDeviceQueueCreateInfo queues[SYNC_MAX_QUEUES];
   uint32_t queue_infos = 0;
   for (uint32_t f = 0; f < family_count && s->queue_count < SYNC_MAX_QUEUES; f++) {
      if (!(families[f].queueFlags & VK_QUEUE_COMPUTE_BIT) || families[f].queueCount == 0)
         continue;
      uint32_t n = families[f].queueCount;
      if (n > SYNC_MAX_QUEUES - s->queue_count)
         n = SYNC_MAX_QUEUES - s->queue_count;
      queues[queue_infos++] = (VkDeviceQueueCreateInfo){
         .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
         .queueFamilyIndex = f,
         .queueCount = n,
         .pQueuePriorities = priorities,
      };
      for (uint32_t i = 0; i < n; i++) {
         s->families[s->queue_count] = f;
         s->timestamp_bits[s->queue_count] = families[f].timestampValidBits;
         s->queue_count++;
      }
   }
   if (s->queue_count == 0) {
      fprintf(stderr, "%s: no compute queue family\n", label);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   const VkDeviceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .pNext = &enable12,
      .queueCreateInfoCount = queue_infos,
      .pQueueCreateInfos = queues,
   };
   VkResult result = vkCreateDevice(physical, &info, &device_allocator, &s->device);
   if (result != VK_SUCCESS) {
      s->device = VK_NULL_HANDLE;
      return result;
   }
   uint32_t index = 0;
   for (uint32_t i = 0; i < s->queue_count; i++) {
      index = (i > 0 && s->families[i] == s->families[i - 1]) ? index + 1 : 0;
      vkGetDeviceQueue(s->device, s->families[i], index, &s->queues[i]);
      if (s->queues[i] == VK_NULL_HANDLE) {
         fprintf(stderr, "%s: no queue %u of family %u\n", label, index, s->families[i]);
         return VK_ERROR_INITIALIZATION_FAILED;
      }
   }
   printf("  %s: %s, %u queue(s)\n", label, props.deviceName, s->queue_count);
   return VK_SUCCESS;
}

static void
side_close(struct sync_side *s)
{
   if (s->device) {
      VkResult result = vkDeviceWaitIdle(s->device);
      if (result != VK_SUCCESS)
         fprintf(stderr, "%s: vkDeviceWaitIdle at close returned %s\n", s->label,
                 it_result_name(result));
      vkDestroyDevice(s->device, &device_allocator);
   }
   memset(s, 0, sizeof(*s));
}

int
sync_run_tests(const struct sync_test *tests, size_t count)
{
   if (volkInitialize() != VK_SUCCESS) {
      fprintf(stderr, "cannot load the Vulkan loader (libvulkan.so.1)\n");
      return 1;
   }
   setvbuf(stdout, NULL, _IOLBF, 0);
   VkInstance instance = VK_NULL_HANDLE;
   struct sync_side sides[2];
   memset(sides, 0, sizeof(sides));
   unsigned failed = 0, run = 0;
   VkResult result = it_create_instance(NULL, 0, NULL, &instance);
   if (result != VK_SUCCESS) {
      fprintf(stderr, "vkCreateInstance returned %s\n", it_result_name(result));
      return 1;
   }

   VkPhysicalDevice kronos = VK_NULL_HANDLE, vendor = VK_NULL_HANDLE;
   result = it_find_device_pair(instance, &kronos, &vendor);
   if (result != VK_SUCCESS) {
      fprintf(stderr, "no Kronos device: %s\n", it_result_name(result));
      failed++;
      goto done;
   }
   if (vendor) {
      result = side_open(&sides[0], vendor, "vendor", false);
      if (result != VK_SUCCESS) {
         fprintf(stderr, "vendor device: %s\n", it_result_name(result));
         failed++;
         goto done;
      }
   } else {
      printf("  the vendor's device is not in this instance: vendor runs skipped\n");
   }
   result = side_open(&sides[1], kronos, "kronos", true);
   if (result != VK_SUCCESS) {
      fprintf(stderr, "Kronos device: %s\n", it_result_name(result));
      failed++;
      goto done;
   }

   for (size_t t = 0; t < count; t++) {
      for (int side = 0; side < 2; side++) {
         struct sync_side *s = &sides[side];
         if (!s->device || (tests[t].kronos_only && !s->kronos))
            continue;
         uint64_t start = sync_now_ns();
         char what[160];
         snprintf(what, sizeof(what), "%s [%s]", tests[t].name, s->label);
         sync_watchdog_arm(what);
         bool ok = tests[t].run(s);
         sync_watchdog_arm(NULL);
         printf("%s - %s [%s] (%.1f ms)\n", ok ? "ok" : "FAIL", tests[t].name, s->label,
                (double)(sync_now_ns() - start) / 1e6);
         run++;
         failed += !ok;
      }
   }

done:
   side_close(&sides[1]);
   side_close(&sides[0]);
   vkDestroyInstance(instance, NULL);
   printf("%u runs, %u failed\n", run, failed);
   return failed ? 1 : 0;
}

VkResult
sync_fence(struct sync_side *s, bool signaled, VkFence *fence)
{
   const VkFenceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
      .flags = signaled ? VK_FENCE_CREATE_SIGNALED_BIT : 0,
   };
   return vkCreateFence(s->device, &info, NULL, fence);
}

VkResult
sync_binary_semaphore(struct sync_side *s, VkSemaphore *semaphore)
{
   const VkSemaphoreCreateInfo info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
   return vkCreateSemaphore(s->device, &info, NULL, semaphore);
}

VkResult
sync_timeline_semaphore(struct sync_side *s, uint64_t initial, VkSemaphore *semaphore)
{
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
      .initialValue = initial,
   };
   const VkSemaphoreCreateInfo info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
                                       .pNext = &type};
   return vkCreateSemaphore(s->device, &info, NULL, semaphore);
}

VkResult
sync_event(struct sync_side *s, VkEvent *event)
{
   const VkEventCreateInfo info = {.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
   return vkCreateEvent(s->device, &info, NULL, event);
}

VkResult
sync_pool(struct sync_side *s, uint32_t q, uint32_t count, VkCommandPool *pool,
          VkCommandBuffer *out)
{
   VkResult result = it_create_command_pool(s->device, s->families[q],
                                            VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL,
                                            pool);
   if (result != VK_SUCCESS) {
      *pool = VK_NULL_HANDLE;
      return result;
   }
   if (count == 0)
      return VK_SUCCESS;
   return it_allocate_command_buffers(s->device, *pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, count,
                                      out);
}

VkResult
sync_record_fill(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset, VkDeviceSize size,
                 uint32_t value)
{
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdFillBuffer(cmd, buffer, offset, size, value);
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                       VK_ACCESS_TRANSFER_WRITE_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                        VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1,
                        &barrier, 0, NULL, 0, NULL);
   return vkEndCommandBuffer(cmd);
}

VkResult
sync_submit(VkQueue queue, VkCommandBuffer cmd, VkSemaphore wait, uint64_t wait_value,
            VkSemaphore signal, uint64_t signal_value, VkFence fence)
{
   const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   const VkTimelineSemaphoreSubmitInfo values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = wait ? 1 : 0,
      .pWaitSemaphoreValues = &wait_value,
      .signalSemaphoreValueCount = signal ? 1 : 0,
      .pSignalSemaphoreValues = &signal_value,
   };
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = (wait_value || signal_value) ? &values : NULL,
      .waitSemaphoreCount = wait ? 1 : 0,
      .pWaitSemaphores = &wait,
      .pWaitDstStageMask = &stage,
      .commandBufferCount = cmd ? 1 : 0,
      .pCommandBuffers = &cmd,
      .signalSemaphoreCount = signal ? 1 : 0,
      .pSignalSemaphores = &signal,
   };
   return vkQueueSubmit(queue, 1, &submit, fence);
}

VkResult
sync_poll_fence(struct sync_side *s, VkFence fence)
{
   uint64_t deadline = sync_now_ns() + SYNC_TIMEOUT_NS;
   for (;;) {
      VkResult result = vkGetFenceStatus(s->device, fence);
      if (result != VK_NOT_READY)
         return result;
      if (sync_now_ns() > deadline)
         return VK_TIMEOUT;
      sync_sleep_us(50);
   }
}

bool
sync_words_are(const uint32_t *words, uint32_t count, uint32_t expected, const char *what)
{
   for (uint32_t i = 0; i < count; i++) {
      if (words[i] != expected) {
         fprintf(stderr, "%s: word %u is 0x%08x, expected 0x%08x\n", what, i, words[i],
                 expected);
         return false;
      }
   }
   return true;
}

VkResult
sync_buffer_create(struct sync_side *s, VkDeviceSize size, struct it_host_buffer *out)
{
   return it_host_buffer_create(s->physical, s->device, size,
                                VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                   VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                out);
}

void
sync_drain(struct sync_side *s)
{
   for (uint32_t q = 0; q < s->queue_count; q++) {
      VkResult result = vkQueueWaitIdle(s->queues[q]);
      if (result != VK_SUCCESS)
         fprintf(stderr, "%s: vkQueueWaitIdle returned %s\n", s->label, it_result_name(result));
   }
}

VkResult
sync_host_signal(struct sync_side *s, VkSemaphore timeline, uint64_t value)
{
   const VkSemaphoreSignalInfo signal = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
      .semaphore = timeline,
      .value = value,
   };
   return vkSignalSemaphore(s->device, &signal);
}

void
sync_release_timeline(struct sync_side *s, VkSemaphore timeline, uint64_t value)
{
   uint64_t current = 0;
   if (timeline && vkGetSemaphoreCounterValue(s->device, timeline, &current) == VK_SUCCESS &&
       current < value)
      sync_host_signal(s, timeline, value);
}

const char *
sync_setting(const char *name)
{
   const char *value = getenv(name);
   return value && *value ? value : NULL;
}

bool
sync_settings_in_force(const struct sync_side *s, bool in_force, const char *needs)
{
   if (!s->kronos || in_force)
      return true;
   printf("  %s: needs %s: skipped\n", s->label, needs);
   return false;
}

bool
sync_observed_batching(const struct sync_side *s)
{
   const char *bound = sync_setting("KRONOS_BATCH_TIME_BOUND_US");
   return sync_settings_in_force(s,
                                 !sync_setting("KRONOS_DISABLE") && bound &&
                                    strtoull(bound, NULL, 10) >= 1000000u,
                                 "KRONOS_BATCH_TIME_BOUND_US >= 1000000 with batching on");
}

static enum { REFUSAL_UNKNOWN, REFUSAL_SEEN, REFUSAL_NEVER } vendor_refusal;

bool
sync_refusal_possible(const struct sync_side *s)
{
   if (vendor_refusal != REFUSAL_NEVER)
      return true;
   printf("  %s: the vendor's submit allocates nothing through the callbacks: skipped\n",
          s->label);
   return false;
}

bool
sync_refusal_seen(const struct sync_side *s, VkResult refused)
{
   if (!s->kronos)
      vendor_refusal = refused == VK_SUCCESS ? REFUSAL_NEVER : REFUSAL_SEEN;
   return sync_refusal_possible(s);
}

VkResult
sync_warm_up(struct sync_side *s, VkCommandBuffer cmd, VkFence fence)
{
   for (int i = 0; i < 4; i++) {
      VkResult result = it_submit(s->queues[0], 1, &cmd, fence);
      if (result == VK_SUCCESS)
         result = vkWaitForFences(s->device, 1, &fence, VK_TRUE, SYNC_TIMEOUT_NS);
      if (result == VK_SUCCESS)
         result = vkResetFences(s->device, 1, &fence);
      if (result != VK_SUCCESS)
         return result;
   }
   return vkQueueWaitIdle(s->queues[0]);
}

VkResult
sync_record_event_wait_fill(VkCommandBuffer cmd, VkEvent event, VkBuffer buffer, uint32_t value)
{
   const VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   vkCmdWaitEvents(cmd, 1, &event, VK_PIPELINE_STAGE_HOST_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                   NULL, 0, NULL, 0, NULL);
   vkCmdFillBuffer(cmd, buffer, 0, 4, value);
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                        VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1,
                        &barrier, 0, NULL, 0, NULL);
   return vkEndCommandBuffer(cmd);
}
