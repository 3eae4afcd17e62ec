/* SPDX-License-Identifier: MIT */
/* Shared helpers of the integration tests: they load Vulkan through the real Khronos loader
 * (volk), find the Kronos device, and report failures with file and line. */
#ifndef IT_COMMON_H
#define IT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdatomic.h>
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

/* What --only CASE runs of a program whose first test is its setup and last its closing check:
 * those two and the test named only (only NULL: every test), copied into chosen (room for
 * count); how many, or 0 (said on stderr) when no test is named only. */
size_t it_select_tests(const struct it_test *tests, size_t count, const char *only,
                       struct it_test *chosen);

/* For a program whose only arguments are [--only CASE]: CASE in *only (NULL without
 * arguments); false, with the usage on stderr, for any other arguments. */
bool it_only_argument(int argc, char **argv, const char **only);

/* it_run_tests for an array of struct it_test. */
#define IT_RUN_TESTS(tests) it_run_tests((tests), sizeof(tests) / sizeof((tests)[0]))

/* A Vulkan 1.3 instance with these instance extensions; volk is loaded for it. */
VkResult it_create_instance(const char *const *extensions, uint32_t extension_count,
                            const VkAllocationCallbacks *allocator, VkInstance *instance);
/* The same for another VkApplicationInfo::apiVersion. */
VkResult it_create_instance_version(uint32_t api_version, const char *const *extensions,
                                    uint32_t extension_count,
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

/* it_find_device_pair where the vendor's device must be there: VK_ERROR_INITIALIZATION_FAILED,
 * said on stderr, when the instance lacks it. */
VkResult it_find_both_devices(VkInstance instance, VkPhysicalDevice *kronos,
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

/* Begins cmd with these usage flags. */
VkResult it_begin(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags);

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

/* --- Shared by the descriptor tests (descriptors.c, descriptor_counters.c, descriptor_*.c) --- */

/* Arms an alarm watchdog: a case that has not finished seconds after this makes the program
 * print "watchdog: hung in <what>" and exit with status 3 (what NULL: disarmed). The SIGALRM
 * handler is installed on first use. */
void it_watchdog_arm(const char *what, unsigned seconds);

/* Whether the loader offers that instance extension; whether the device offers that device
 * extension. */
bool it_instance_has_extension(const char *name);
bool it_device_has_extension(VkPhysicalDevice physical_device, const char *name);

/* vkGetPhysicalDeviceFeatures2 into the Vulkan 1.2 and 1.3 features (their sType and pNext are
 * set here). */
void it_device_features(VkPhysicalDevice physical_device, VkPhysicalDeviceVulkan12Features *f12,
                        VkPhysicalDeviceVulkan13Features *f13);

/* A Vulkan 1.3 instance (volk loaded for it) named app_name, with VK_EXT_debug_utils where the
 * loader offers it (VK_ERROR_EXTENSION_NOT_PRESENT without it if need_debug_utils) and then a
 * messenger counting the validation layer's errors and warnings (each printed to stderr). One
 * such instance per program; *instance is VK_NULL_HANDLE on failure to create it. */
VkResult it_counting_instance_create(const char *app_name, bool need_debug_utils,
                                     VkInstance *instance);
/* The same, asking for api_version (Kronos's vendor instance follows the application's version:
 * a test of a newer version's structures asks for that version). */
VkResult it_counting_instance_create_version(const char *app_name, bool need_debug_utils,
                                             uint32_t api_version, VkInstance *instance);

/* The validation errors counted so far. */
unsigned it_validation_errors(void);

/* Prints the counts of validation messages; whether there was no error. */
bool it_validation_report(void);

/* Destroys the messenger (if any) and the instance (may be VK_NULL_HANDLE). */
void it_counting_instance_destroy(VkInstance instance);

/* it_create_device, then its queue 0 of family and a command pool of that family
 * (VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT). *device is VK_NULL_HANDLE when it could not
 * be created. */
VkResult it_create_device_queue_pool(VkPhysicalDevice physical_device, uint32_t family,
                                     const void *next, const char *const *extensions,
                                     uint32_t extension_count,
                                     const VkAllocationCallbacks *allocator, VkDevice *device,
                                     VkQueue *queue, VkCommandPool *pool);

VkResult it_create_shader_module(VkDevice device, const uint32_t *code, size_t size,
                                 VkShaderModule *module);

VkResult it_create_set_layout(VkDevice device, VkDescriptorSetLayoutCreateFlags flags,
                              const void *next, const VkDescriptorSetLayoutBinding *bindings,
                              uint32_t count, VkDescriptorSetLayout *layout);

/* A pipeline layout of these set layouts and, where push_bytes, one compute push constant range
 * [0, push_bytes). */
VkResult it_create_pipeline_layout(VkDevice device, const VkDescriptorSetLayout *sets,
                                   uint32_t count, uint32_t push_bytes, VkPipelineLayout *layout);

/* A compute pipeline of module (entry point "main") with that layout. */
VkResult it_create_compute_pipeline(VkDevice device, VkShaderModule module,
                                    VkPipelineLayout layout, VkPipeline *pipeline);

VkResult it_create_descriptor_pool(VkDevice device, VkDescriptorPoolCreateFlags flags,
                                   uint32_t max_sets, const VkDescriptorPoolSize *sizes,
                                   uint32_t size_count, const VkAllocationCallbacks *allocator,
                                   VkDescriptorPool *pool);

/* count sets of pool, layouts[i] for set i. */
VkResult it_allocate_sets(VkDevice device, VkDescriptorPool pool,
                          const VkDescriptorSetLayout *layouts, uint32_t count,
                          VkDescriptorSet *sets);

/* Memory for req: of a type with preferred property flags if there is one, else of any type
 * req allows. */
VkResult it_allocate_memory(VkPhysicalDevice physical_device, VkDevice device,
                            const VkMemoryRequirements *req, VkMemoryPropertyFlags preferred,
                            VkDeviceMemory *memory);

/* A primary command buffer of pool, begun with flags (*cmd VK_NULL_HANDLE if not allocated). */
VkResult it_begin_primary(VkDevice device, VkCommandPool pool, VkCommandBufferUsageFlags flags,
                          VkCommandBuffer *cmd);

/* Compute shader writes recorded before it, visible to the host once the submit's fence
 * signals. */
void it_barrier_to_host(VkCommandBuffer cmd);

/* One global memory barrier (vkCmdPipelineBarrier) from src_access of src_stages to dst_access
 * of dst_stages. */
void it_memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stages,
                       VkAccessFlags src_access, VkPipelineStageFlags dst_stages,
                       VkAccessFlags dst_access);

/* The same with synchronization2 (vkCmdPipelineBarrier2). */
void it_memory_barrier2(VkCommandBuffer cmd, VkPipelineStageFlags2 src_stages,
                        VkAccessFlags2 src_access, VkPipelineStageFlags2 dst_stages,
                        VkAccessFlags2 dst_access);

/* count storage buffer descriptors of set in one VkWriteDescriptorSet from binding 0, element 0
 * (past a binding's last element the write goes on in the next binding). */
void it_write_storage_buffers(VkDevice device, VkDescriptorSet set,
                              const VkDescriptorBufferInfo *infos, uint32_t count);

/* A messenger's create info for the validation layer's warnings and errors (general and
 * validation messages), reported to callback. */
VkDebugUtilsMessengerCreateInfoEXT it_messenger_info(PFN_vkDebugUtilsMessengerCallbackEXT callback);

/* One vkQueueSubmit of the command buffers with a fence of its own, waited for
 * (IT_TIMEOUT_NS). */
VkResult it_submit_wait(VkDevice device, VkQueue queue, uint32_t count,
                        const VkCommandBuffer *command_buffers);

/* Whether the vendor's bytes equal Kronos's; otherwise prints "MISMATCH in what", the words that
 * differ (the first 12) and their count. size: a multiple of 4. */
bool it_compare_words(const char *what, const void *vendor, const void *kronos, size_t size);

/* Whether got equals want; otherwise prints "<label>, <what>" (label may be NULL), how many
 * words are wrong and the first of them. */
bool it_words_match(const char *label, const char *what, const uint32_t *got,
                    const uint32_t *want, uint32_t count);

/* Counting allocation callbacks: live and total blocks, and refusals on the calling thread (the
 * test's: threads of Kronos's own are never refused). Each block remembers the callbacks that
 * made it; a block freed through other callbacks counts in wrong_frees (and is said on stderr). */
struct it_counting_allocator {
   const char *name;
   atomic_long live, total, refused, wrong_frees;
   bool refuse_only_kronos; /* refuse only allocations whose caller is in Kronos's library */
   /* If set: called for each allocation on the refusing thread, the nth since
    * it_counting_refuse(_one), with the address the callbacks were called from and whether it
    * is refused. */
   void (*on_allocation)(long n, void *caller, bool refused);
   VkAllocationCallbacks callbacks;
};

void it_counting_init(struct it_counting_allocator *a, const char *name);

/* From now on, on this thread, a's callbacks grant that many more allocations, then refuse
 * every one (a NULL: none refused). */
void it_counting_refuse(struct it_counting_allocator *a, long grant);

/* it_counting_refuse, but only the one allocation after those granted is refused; the ones after
 * it are granted again. */
void it_counting_refuse_one(struct it_counting_allocator *a, long grant);

/* The allocations granted on this thread since the last it_counting_refuse(_one) (those of
 * other callbacks, and those refuse_only_kronos exempts, not counted). */
long it_counting_granted(void);

/* The hash shaders/race_fill.comp writes (data[i] = hash(i) + round * 0x9e3779b9): what the
 * programs that run it check against. */
static inline uint32_t
it_race_fill_hash(uint32_t x)
{
   x ^= x >> 16;
   x *= 0x7feb352du;
   x ^= x >> 15;
   x *= 0x846ca68bu;
   x ^= x >> 16;
   return x;
}

#endif
