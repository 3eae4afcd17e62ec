/* SPDX-License-Identifier: MIT */
/* Shared helpers of the integration tests: they load Vulkan through the real Khronos loader
 * (volk), find the Kronos device, and report failures with file and line. */
#ifndef IT_COMMON_H
#define IT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <volk.h>

#include "kronos/kronos.h"

/* Report a failed check and jump to the function's "done" label; the function keeps a
 * bool ok that it sets to true just before "done" when every check passed. */
#define CHECK(cond)                                                                           \
   do {                                                                                       \
      if (!(cond)) {                                                                          \
         it_report(__FILE__, __LINE__, "check failed: %s", #cond);                            \
         goto done;                                                                           \
      }                                                                                       \
   } while (0)

/* A Vulkan call that must return expected. */
#define CHECK_RESULT(call, expected)                                                          \
   do {                                                                                       \
      VkResult it_result_ = (call);                                                           \
      if (it_result_ != (expected)) {                                                         \
         it_report(__FILE__, __LINE__, "%s returned %s, expected %s", #call,                  \
                   it_result_name(it_result_), it_result_name(expected));                     \
         goto done;                                                                           \
      }                                                                                       \
   } while (0)

#define CHECK_VK(call) CHECK_RESULT(call, VK_SUCCESS)

/* How long a test waits on a fence or a semaphore before it counts as hung. */
#define IT_TIMEOUT_NS (60ull * 1000 * 1000 * 1000)

void it_report(const char *file, int line, const char *fmt, ...)
   __attribute__((format(printf, 3, 4)));

const char *it_result_name(VkResult result);

struct it_test {
   const char *name;
   bool (*run)(void);
   bool required; /* the tests after it cannot run if it fails */
};

/* Loads the loader, runs the tests, prints one line per test; returns main's exit status. */
int it_run_tests(const struct it_test *tests, size_t count);

/* it_run_tests for an array of struct it_test. */
#define IT_RUN_TESTS(tests) it_run_tests((tests), sizeof(tests) / sizeof((tests)[0]))

/* A Vulkan 1.3 instance with these instance extensions; volk is loaded for it. */
VkResult it_create_instance(const char *const *extensions, uint32_t extension_count,
                            const VkAllocationCallbacks *allocator, VkInstance *instance);

/* Whether the device's VkPhysicalDeviceDriverProperties::driverName is Kronos's. */
bool it_is_kronos(VkPhysicalDevice physical_device);

/* The first Kronos device of the instance; VK_ERROR_INITIALIZATION_FAILED if there is none. */
VkResult it_find_kronos_device(VkInstance instance, VkPhysicalDevice *physical_device);

/* The first queue family with VK_QUEUE_COMPUTE_BIT, or UINT32_MAX. */
uint32_t it_compute_family(VkPhysicalDevice physical_device);

/* Kronos's device and the vendor's device under it (the same deviceUUID, another driver), in an
 * instance that lists both; *vendor is VK_NULL_HANDLE when the instance lacks it. */
VkResult it_find_device_pair(VkInstance instance, VkPhysicalDevice *kronos,
                             VkPhysicalDevice *vendor);

/* A device with one queue of that family, the given pNext chain, pEnabledFeatures (may be NULL)
 * and device extensions. */
VkResult it_create_device(VkPhysicalDevice physical_device, uint32_t family, const void *next,
                          const VkPhysicalDeviceFeatures *features, const char *const *extensions,
                          uint32_t extension_count, const VkAllocationCallbacks *allocator,
                          VkDevice *device);

/* What most tests work on: the Kronos device of an instance, its first compute queue family,
 * and a device with one queue of that family. */
struct it_env {
   VkInstance instance;
   VkPhysicalDevice physical;
   uint32_t family;
   VkDevice device;
   VkQueue queue;
};

/* env->physical and env->family for env->instance: the first Kronos device and its first
 * compute queue family (VK_ERROR_FEATURE_NOT_PRESENT if it has none). */
VkResult it_env_find_device(struct it_env *env);

/* env->device, created with allocator and one queue of env->family, and env->queue (that
 * queue; VK_ERROR_INITIALIZATION_FAILED if vkGetDeviceQueue gives none). */
VkResult it_env_create_device(struct it_env *env, const VkAllocationCallbacks *allocator);

/* All of it: an instance without extensions, then it_env_find_device and
 * it_env_create_device(env, device_allocator). On failure env holds what was made. */
VkResult it_env_open(struct it_env *env, const VkAllocationCallbacks *device_allocator);

/* Destroys env's device (with the allocator it was created with) and instance, either of which
 * may be VK_NULL_HANDLE, and clears env. */
void it_env_close(struct it_env *env, const VkAllocationCallbacks *device_allocator);

/* A command pool of that family. */
VkResult it_create_command_pool(VkDevice device, uint32_t family, VkCommandPoolCreateFlags flags,
                                const VkAllocationCallbacks *allocator, VkCommandPool *pool);

/* count command buffers of that level from pool. */
VkResult it_allocate_command_buffers(VkDevice device, VkCommandPool pool,
                                     VkCommandBufferLevel level, uint32_t count,
                                     VkCommandBuffer *command_buffers);

/* Begins (with these usage flags) and ends cmd with nothing recorded in between. */
VkResult it_record_empty(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags);

/* One vkQueueSubmit of count command buffers, without semaphores, signalling fence (may be
 * VK_NULL_HANDLE). */
VkResult it_submit(VkQueue queue, uint32_t count, const VkCommandBuffer *command_buffers,
                   VkFence fence);

/* A memory type with all these property flags among memoryTypeBits, or UINT32_MAX. */
uint32_t it_memory_type(VkPhysicalDevice physical_device, uint32_t type_bits,
                        VkMemoryPropertyFlags flags);

/* A buffer with host-visible, host-coherent memory bound and mapped. */
struct it_host_buffer {
   VkBuffer buffer;
   VkDeviceMemory memory;
   void *data;
   VkDeviceSize size;
};

VkResult it_host_buffer_create(VkPhysicalDevice physical_device, VkDevice device,
                               VkDeviceSize size, VkBufferUsageFlags usage,
                               struct it_host_buffer *out);

void it_host_buffer_destroy(VkDevice device, struct it_host_buffer *buffer);

/* The Kronos statistics of a device (vkGetDeviceStatisticsKRONOS, looked up with
 * vkGetDeviceProcAddr), version set; VK_ERROR_EXTENSION_NOT_PRESENT where the device's driver
 * is not Kronos. */
VkResult it_device_statistics(VkDevice device, VkKronosDeviceStatistics *stats);

/* A deterministic pseudo-random sequence (splitmix64): the same numbers on every machine. */
uint64_t it_random(uint64_t *state);

/* Uniform in [0, bound) (bound > 0). */
uint64_t it_random_below(uint64_t *state, uint64_t bound);

/* Runs fn(arg) with stderr going to a temporary file and returns what was written, or NULL on
 * failure (caller frees). Kronos logs to stderr of the process that loads it. */
char *it_capture_stderr(void (*fn)(void *arg), void *arg);

#endif
