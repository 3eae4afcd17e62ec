/* SPDX-License-Identifier: MIT */
#include "it_common.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kronos/kronos.h"

void
it_report(const char *file, int line, const char *fmt, ...)
{
   va_list args;
   fprintf(stderr, "%s:%d: ", file, line);
   va_start(args, fmt);
   vfprintf(stderr, fmt, args);
   va_end(args);
   fputc('\n', stderr);
}

const char *
it_result_name(VkResult result)
{
   switch (result) {
#define NAME(r)                                                                               \
   case r:                                                                                    \
      return #r;
      NAME(VK_SUCCESS)
      NAME(VK_NOT_READY)
      NAME(VK_TIMEOUT)
      NAME(VK_INCOMPLETE)
      NAME(VK_ERROR_OUT_OF_HOST_MEMORY)
      NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY)
      NAME(VK_ERROR_INITIALIZATION_FAILED)
      NAME(VK_ERROR_DEVICE_LOST)
      NAME(VK_ERROR_LAYER_NOT_PRESENT)
      NAME(VK_ERROR_EXTENSION_NOT_PRESENT)
      NAME(VK_ERROR_FEATURE_NOT_PRESENT)
      NAME(VK_ERROR_INCOMPATIBLE_DRIVER)
      NAME(VK_ERROR_TOO_MANY_OBJECTS)
      NAME(VK_ERROR_MEMORY_MAP_FAILED)
      NAME(VK_ERROR_FORMAT_NOT_SUPPORTED)
      NAME(VK_ERROR_FRAGMENTED_POOL)
      NAME(VK_ERROR_OUT_OF_POOL_MEMORY)
      NAME(VK_ERROR_FRAGMENTATION)
      NAME(VK_ERROR_UNKNOWN)
#undef NAME
   default:
      return "(another VkResult)";
   }
}

int
it_run_tests(const struct it_test *tests, size_t count)
{
   if (volkInitialize() != VK_SUCCESS) {
      fprintf(stderr, "cannot load the Vulkan loader (libvulkan.so.1)\n");
      return 1;
   }
   unsigned failed = 0;
   size_t run = 0;
   for (; run < count; run++) {
      bool ok = tests[run].run();
      printf("%s - %s\n", ok ? "ok" : "FAIL", tests[run].name);
      fflush(stdout);
      failed += !ok;
      if (!ok && tests[run].required) {
         run++;
         break;
      }
   }
   for (size_t i = run; i < count; i++)
      printf("FAIL - %s (not run)\n", tests[i].name);
   failed += (unsigned)(count - run);
   printf("%zu tests, %u failed\n", count, failed);
   return failed ? 1 : 0;
}

size_t
it_select_tests(const struct it_test *tests, size_t count, const char *only,
                struct it_test *chosen)
{
   size_t n = 0;
   for (size_t i = 0; i < count; i++) {
      if (!only || i == 0 || i == count - 1 || strcmp(tests[i].name, only) == 0)
         chosen[n++] = tests[i];
   }
   if (only && n != 3) {
      fprintf(stderr, "no case named %s\n", only);
      return 0;
   }
   return n;
}

bool
it_only_argument(int argc, char **argv, const char **only)
{
   *only = NULL;
   if (argc == 3 && strcmp(argv[1], "--only") == 0) {
      *only = argv[2];
      return true;
   }
   if (argc == 1)
      return true;
   fprintf(stderr, "usage: %s [--only CASE]\n", argv[0]);
   return false;
}

VkResult
it_create_instance(const char *const *extensions, uint32_t extension_count,
                   const VkAllocationCallbacks *allocator, VkInstance *instance)
{
   return it_create_instance_version(VK_API_VERSION_1_3, extensions, extension_count, allocator,
                                     instance);
}

VkResult
it_create_instance_version(uint32_t api_version, const char *const *extensions,
                           uint32_t extension_count, const VkAllocationCallbacks *allocator,
                           VkInstance *instance)
{
   const VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = "kronos-integration-test",
      .apiVersion = api_version,
   };
   const VkInstanceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pApplicationInfo = &app,
      .enabledExtensionCount = extension_count,
      .ppEnabledExtensionNames = extensions,
   };
   VkResult result = vkCreateInstance(&info, allocator, instance);
   if (result == VK_SUCCESS)
      volkLoadInstance(*instance);
   return result;
}

bool
it_is_kronos(VkPhysicalDevice physical_device)
{
   VkPhysicalDeviceDriverProperties driver = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
   };
   VkPhysicalDeviceProperties2 props = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
      .pNext = &driver,
   };
   vkGetPhysicalDeviceProperties2(physical_device, &props);
   return strcmp(driver.driverName, KRONOS_DRIVER_NAME) == 0;
}

VkResult
it_find_kronos_device(VkInstance instance, VkPhysicalDevice *physical_device)
{
   VkPhysicalDevice devices[16];
   uint32_t count = 16;
   VkResult result = vkEnumeratePhysicalDevices(instance, &count, devices);
   if (result < 0)
      return result;
   for (uint32_t i = 0; i < count; i++) {
      if (it_is_kronos(devices[i])) {
         *physical_device = devices[i];
         return VK_SUCCESS;
      }
   }
   fprintf(stderr, "no Kronos device among %u physical devices\n", count);
   return VK_ERROR_INITIALIZATION_FAILED;
}

static void
device_uuid(VkPhysicalDevice physical_device, uint8_t uuid[VK_UUID_SIZE])
{
   VkPhysicalDeviceIDProperties id = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
   VkPhysicalDeviceProperties2 props = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                        .pNext = &id};
   vkGetPhysicalDeviceProperties2(physical_device, &props);
   memcpy(uuid, id.deviceUUID, VK_UUID_SIZE);
}

VkResult
it_find_device_pair(VkInstance instance, VkPhysicalDevice *kronos, VkPhysicalDevice *vendor)
{
   *vendor = VK_NULL_HANDLE;
   VkResult result = it_find_kronos_device(instance, kronos);
   if (result != VK_SUCCESS)
      return result;
   VkPhysicalDevice devices[16];
   uint32_t count = 16;
   result = vkEnumeratePhysicalDevices(instance, &count, devices);
   if (result < 0)
      return result;
   uint8_t want[VK_UUID_SIZE], uuid[VK_UUID_SIZE];
   device_uuid(*kronos, want);
   for (uint32_t i = 0; i < count && !*vendor; i++) {
      device_uuid(devices[i], uuid);
      if (!it_is_kronos(devices[i]) && memcmp(uuid, want, VK_UUID_SIZE) == 0)
         *vendor = devices[i];
   }
   return VK_SUCCESS;
}

VkResult
it_find_both_devices(VkInstance instance, VkPhysicalDevice *kronos, VkPhysicalDevice *vendor)
{
   VkResult result = it_find_device_pair(instance, kronos, vendor);
   if (result == VK_SUCCESS && !*vendor) {
      fprintf(stderr, "  the vendor's device is not in this instance (VK_DRIVER_FILES must list "
              "the vendor's manifest and Kronos's)\n");
      result = VK_ERROR_INITIALIZATION_FAILED;
   }
   return result;
}

uint32_t
it_compute_family(VkPhysicalDevice physical_device)
{
   VkQueueFamilyProperties families[16];
   uint32_t count = 16;
   vkGetPhysicalDeviceQueueFamilyProperties(physical_device, &count, families);
   for (uint32_t i = 0; i < count; i++) {
      if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && families[i].queueCount > 0)
         return i;
   }
   return UINT32_MAX;
}

VkResult
it_create_device(VkPhysicalDevice physical_device, uint32_t family, const void *next,
                 const VkPhysicalDeviceFeatures *features, const char *const *extensions,
                 uint32_t extension_count, const VkAllocationCallbacks *allocator,
                 VkDevice *device)
{
   const float priority = 1.0f;
   const VkDeviceQueueCreateInfo queue = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
      .queueFamilyIndex = family,
      .queueCount = 1,
      .pQueuePriorities = &priority,
   };
   const VkDeviceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .pNext = next,
      .queueCreateInfoCount = 1,
      .pQueueCreateInfos = &queue,
      .enabledExtensionCount = extension_count,
      .ppEnabledExtensionNames = extensions,
      .pEnabledFeatures = features,
   };
   return vkCreateDevice(physical_device, &info, allocator, device);
}

VkResult
it_env_find_device(struct it_env *env)
{
   VkResult result = it_find_kronos_device(env->instance, &env->physical);
   if (result != VK_SUCCESS)
      return result;
   env->family = it_compute_family(env->physical);
   if (env->family == UINT32_MAX) {
      fprintf(stderr, "the Kronos device has no compute queue family\n");
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   return VK_SUCCESS;
}

VkResult
it_env_create_device(struct it_env *env, const VkAllocationCallbacks *allocator)
{
   VkResult result =
      it_create_device(env->physical, env->family, NULL, NULL, NULL, 0, allocator, &env->device);
   if (result != VK_SUCCESS) {
      env->device = VK_NULL_HANDLE;
      return result;
   }
   vkGetDeviceQueue(env->device, env->family, 0, &env->queue);
   if (env->queue == VK_NULL_HANDLE) {
      fprintf(stderr, "vkGetDeviceQueue gave no queue of family %u\n", env->family);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   return VK_SUCCESS;
}

VkResult
it_env_open(struct it_env *env, const VkAllocationCallbacks *device_allocator)
{
   memset(env, 0, sizeof(*env));
   VkResult result = it_create_instance(NULL, 0, NULL, &env->instance);
   if (result != VK_SUCCESS) {
      env->instance = VK_NULL_HANDLE;
      return result;
   }
   result = it_env_find_device(env);
   if (result == VK_SUCCESS)
      result = it_env_create_device(env, device_allocator);
   return result;
}

void
it_env_close(struct it_env *env, const VkAllocationCallbacks *device_allocator)
{
   if (env->device)
      vkDestroyDevice(env->device, device_allocator);
   vkDestroyInstance(env->instance, NULL);
   memset(env, 0, sizeof(*env));
}

VkResult
it_create_command_pool(VkDevice device, uint32_t family, VkCommandPoolCreateFlags flags,
                       const VkAllocationCallbacks *allocator, VkCommandPool *pool)
{
   const VkCommandPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = flags,
      .queueFamilyIndex = family,
   };
   return vkCreateCommandPool(device, &info, allocator, pool);
}

VkResult
it_allocate_command_buffers(VkDevice device, VkCommandPool pool, VkCommandBufferLevel level,
                            uint32_t count, VkCommandBuffer *command_buffers)
{
   const VkCommandBufferAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = pool,
      .level = level,
      .commandBufferCount = count,
   };
   return vkAllocateCommandBuffers(device, &info, command_buffers);
}

VkResult
it_begin(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags)
{
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = flags,
   };
   return vkBeginCommandBuffer(cmd, &begin);
}

VkResult
it_record_empty(VkCommandBuffer cmd, VkCommandBufferUsageFlags flags)
{
   VkResult result = it_begin(cmd, flags);
   if (result != VK_SUCCESS)
      return result;
   return vkEndCommandBuffer(cmd);
}

VkResult
it_submit(VkQueue queue, uint32_t count, const VkCommandBuffer *command_buffers, VkFence fence)
{
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = count,
      .pCommandBuffers = command_buffers,
   };
   return vkQueueSubmit(queue, 1, &submit, fence);
}

uint32_t
it_memory_type(VkPhysicalDevice physical_device, uint32_t type_bits, VkMemoryPropertyFlags flags)
{
   VkPhysicalDeviceMemoryProperties memory;
   vkGetPhysicalDeviceMemoryProperties(physical_device, &memory);
   for (uint32_t i = 0; i < memory.memoryTypeCount; i++) {
      if ((type_bits & (1u << i)) && (memory.memoryTypes[i].propertyFlags & flags) == flags)
         return i;
   }
   return UINT32_MAX;
}

VkResult
it_host_buffer_create(VkPhysicalDevice physical_device, VkDevice device, VkDeviceSize size,
                      VkBufferUsageFlags usage, struct it_host_buffer *out)
{
   memset(out, 0, sizeof(*out));
   out->size = size;
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = size,
      .usage = usage,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkResult result = vkCreateBuffer(device, &info, NULL, &out->buffer);
   if (result != VK_SUCCESS)
      goto fail;
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(device, out->buffer, &req);
   uint32_t type = it_memory_type(physical_device, req.memoryTypeBits,
                                  VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
   if (type == UINT32_MAX) {
      result = VK_ERROR_FEATURE_NOT_PRESENT;
      goto fail;
   }
   const VkMemoryAllocateInfo alloc = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = req.size,
      .memoryTypeIndex = type,
   };
   result = vkAllocateMemory(device, &alloc, NULL, &out->memory);
   if (result != VK_SUCCESS)
      goto fail;
   result = vkBindBufferMemory(device, out->buffer, out->memory, 0);
   if (result != VK_SUCCESS)
      goto fail;
   result = vkMapMemory(device, out->memory, 0, VK_WHOLE_SIZE, 0, &out->data);
   if (result != VK_SUCCESS)
      goto fail;
   return VK_SUCCESS;

fail:
   it_host_buffer_destroy(device, out);
   return result;
}

void
it_host_buffer_destroy(VkDevice device, struct it_host_buffer *buffer)
{
   if (buffer->data)
      vkUnmapMemory(device, buffer->memory);
   vkDestroyBuffer(device, buffer->buffer, NULL);
   vkFreeMemory(device, buffer->memory, NULL);
   memset(buffer, 0, sizeof(*buffer));
}

VkResult
it_device_statistics(VkDevice device, VkKronosDeviceStatistics *stats)
{
   memset(stats, 0, sizeof(*stats));
   stats->version = KRONOS_STATISTICS_VERSION;
   PFN_vkGetDeviceStatisticsKRONOS get =
      (PFN_vkGetDeviceStatisticsKRONOS)vkGetDeviceProcAddr(device, "vkGetDeviceStatisticsKRONOS");
   if (!get)
      return VK_ERROR_EXTENSION_NOT_PRESENT;
   return get(device, stats);
}

uint64_t
it_random(uint64_t *state)
{
   uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
   z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
   z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
   return z ^ (z >> 31);
}

uint64_t
it_random_below(uint64_t *state, uint64_t bound)
{
   return it_random(state) % bound;
}

char *
it_capture_stderr(void (*fn)(void *arg), void *arg)
{
   char *text = NULL;
   FILE *file = tmpfile();
   if (!file)
      return NULL;
   fflush(stderr);
   int saved = dup(STDERR_FILENO);
   if (saved < 0 || dup2(fileno(file), STDERR_FILENO) < 0) {
      if (saved >= 0)
         close(saved);
      fclose(file);
      return NULL;
   }
   fn(arg);
   fflush(stderr);
   dup2(saved, STDERR_FILENO);
   close(saved);

   long size = ftell(file);
   if (size >= 0)
      text = calloc(1, (size_t)size + 1);
   if (text) {
      rewind(file);
      if (fread(text, 1, (size_t)size, file) != (size_t)size) {
         free(text);
         text = NULL;
      }
   }
   fclose(file);
   return text;
}

/* --- Shared by the descriptor tests ----------------------------------------------------------- */

static const char *volatile watchdog_what;

static void
on_alarm(int sig)
{
   (void)sig;
   static const char prefix[] = "watchdog: hung in ";
   ssize_t ignored = write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
   const char *what = watchdog_what;
   if (what)
      ignored = write(STDERR_FILENO, what, strlen(what));
   ignored = write(STDERR_FILENO, "\n", 1);
   (void)ignored;
   _exit(3);
}

void
it_watchdog_arm(const char *what, unsigned seconds)
{
   static bool installed;
   if (!installed) {
      struct sigaction action = {.sa_handler = on_alarm};
      sigemptyset(&action.sa_mask);
      sigaction(SIGALRM, &action, NULL);
      installed = true;
   }
   watchdog_what = what;
   alarm(what ? seconds : 0);
}

static bool
extension_listed(const VkExtensionProperties *props, uint32_t count, const char *name)
{
   for (uint32_t i = 0; i < count; i++) {
      if (strcmp(props[i].extensionName, name) == 0)
         return true;
   }
   return false;
}

bool
it_instance_has_extension(const char *name)
{
   uint32_t count = 0;
   if (vkEnumerateInstanceExtensionProperties(NULL, &count, NULL) != VK_SUCCESS)
      return false;
   VkExtensionProperties *props = calloc(count ? count : 1, sizeof(*props));
   bool found = props && vkEnumerateInstanceExtensionProperties(NULL, &count, props) >= 0 &&
                extension_listed(props, count, name);
   free(props);
   return found;
}

bool
it_device_has_extension(VkPhysicalDevice physical_device, const char *name)
{
   uint32_t count = 0;
   if (vkEnumerateDeviceExtensionProperties(physical_device, NULL, &count, NULL) != VK_SUCCESS)
      return false;
   VkExtensionProperties *props = calloc(count ? count : 1, sizeof(*props));
   bool found = props &&
                vkEnumerateDeviceExtensionProperties(physical_device, NULL, &count, props) >= 0 &&
                extension_listed(props, count, name);
   free(props);
   return found;
}

void
it_device_features(VkPhysicalDevice physical_device, VkPhysicalDeviceVulkan12Features *f12,
                   VkPhysicalDeviceVulkan13Features *f13)
{
   *f13 = (VkPhysicalDeviceVulkan13Features){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
   };
   *f12 = (VkPhysicalDeviceVulkan12Features){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = f13,
   };
   VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
                                   .pNext = f12};
   vkGetPhysicalDeviceFeatures2(physical_device, &f2);
   f12->pNext = NULL;
}

static atomic_uint validation_errors;
static atomic_uint validation_warnings;
static VkDebugUtilsMessengerEXT messenger;

static VKAPI_ATTR VkBool32 VKAPI_CALL
on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                 VkDebugUtilsMessageTypeFlagsEXT types,
                 const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
   (void)user;
   if (!(types & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT))
      return VK_FALSE;
   bool error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
   atomic_fetch_add(error ? &validation_errors : &validation_warnings, 1);
   fprintf(stderr, "[validation %s] %s: %s\n", error ? "error" : "warning",
           data->pMessageIdName ? data->pMessageIdName : "(no id)",
           data->pMessage ? data->pMessage : "");
   return VK_FALSE;
}

VkDebugUtilsMessengerCreateInfoEXT
it_messenger_info(PFN_vkDebugUtilsMessengerCallbackEXT callback)
{
   return (VkDebugUtilsMessengerCreateInfoEXT){
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
      .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                         VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
      .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT,
      .pfnUserCallback = callback,
   };
}

VkResult
it_counting_instance_create(const char *app_name, bool need_debug_utils, VkInstance *instance)
{
   return it_counting_instance_create_version(app_name, need_debug_utils, VK_API_VERSION_1_3,
                                              instance);
}

VkResult
it_counting_instance_create_version(const char *app_name, bool need_debug_utils,
                                    uint32_t api_version, VkInstance *instance)
{
   *instance = VK_NULL_HANDLE;
   const bool debug_utils = it_instance_has_extension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
   if (need_debug_utils && !debug_utils) {
      fprintf(stderr, "  the loader offers no %s\n", VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
      return VK_ERROR_EXTENSION_NOT_PRESENT;
   }
   const char *extension = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
   const VkDebugUtilsMessengerCreateInfoEXT messenger_info = it_messenger_info(on_debug_message);
   const VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = app_name,
      .apiVersion = api_version,
   };
   const VkInstanceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pNext = debug_utils ? &messenger_info : NULL,
      .pApplicationInfo = &app,
      .enabledExtensionCount = debug_utils ? 1 : 0,
      .ppEnabledExtensionNames = &extension,
   };
   VkResult result = vkCreateInstance(&info, NULL, instance);
   if (result != VK_SUCCESS) {
      *instance = VK_NULL_HANDLE;
      return result;
   }
   volkLoadInstance(*instance);
   if (debug_utils)
      result = vkCreateDebugUtilsMessengerEXT(*instance, &messenger_info, NULL, &messenger);
   return result;
}

unsigned
it_validation_errors(void)
{
   return atomic_load(&validation_errors);
}

bool
it_validation_report(void)
{
   unsigned errors = atomic_load(&validation_errors);
   printf("  validation layer messages: %u errors, %u warnings%s\n", errors,
          atomic_load(&validation_warnings),
          messenger ? "" : " (no VK_EXT_debug_utils: none could be seen)");
   return errors == 0;
}

void
it_counting_instance_destroy(VkInstance instance)
{
   if (messenger)
      vkDestroyDebugUtilsMessengerEXT(instance, messenger, NULL);
   messenger = VK_NULL_HANDLE;
   if (instance)
      vkDestroyInstance(instance, NULL);
}

VkResult
it_create_device_queue_pool(VkPhysicalDevice physical_device, uint32_t family, const void *next,
                            const char *const *extensions, uint32_t extension_count,
                            const VkAllocationCallbacks *allocator, VkDevice *device,
                            VkQueue *queue, VkCommandPool *pool)
{
   VkResult result = it_create_device(physical_device, family, next, NULL, extensions,
                                      extension_count, allocator, device);
   if (result != VK_SUCCESS) {
      *device = VK_NULL_HANDLE;
      return result;
   }
   vkGetDeviceQueue(*device, family, 0, queue);
   if (*queue == VK_NULL_HANDLE) {
      fprintf(stderr, "vkGetDeviceQueue gave no queue of family %u\n", family);
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   return it_create_command_pool(*device, family, VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                 NULL, pool);
}

VkResult
it_create_shader_module(VkDevice device, const uint32_t *code, size_t size,
                        VkShaderModule *module)
{
   const VkShaderModuleCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = size,
      .pCode = code,
   };
   return vkCreateShaderModule(device, &info, NULL, module);
}

VkResult
it_create_set_layout(VkDevice device, VkDescriptorSetLayoutCreateFlags flags, const void *next,
                     const VkDescriptorSetLayoutBinding *bindings, uint32_t count,
                     VkDescriptorSetLayout *layout)
{
   const VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .pNext = next,
      .flags = flags,
      .bindingCount = count,
      .pBindings = bindings,
   };
   return vkCreateDescriptorSetLayout(device, &info, NULL, layout);
}

VkResult
it_create_pipeline_layout(VkDevice device, const VkDescriptorSetLayout *sets, uint32_t count,
                          uint32_t push_bytes, VkPipelineLayout *layout)
{
   const VkPushConstantRange range = {VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes};
   const VkPipelineLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = count,
      .pSetLayouts = sets,
      .pushConstantRangeCount = push_bytes ? 1 : 0,
      .pPushConstantRanges = push_bytes ? &range : NULL,
   };
   return vkCreatePipelineLayout(device, &info, NULL, layout);
}

VkResult
it_create_compute_pipeline(VkDevice device, VkShaderModule module, VkPipelineLayout layout,
                           VkPipeline *pipeline)
{
   const VkComputePipelineCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage = {
         .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
         .stage = VK_SHADER_STAGE_COMPUTE_BIT,
         .module = module,
         .pName = "main",
      },
      .layout = layout,
   };
   return vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &info, NULL, pipeline);
}

VkResult
it_create_descriptor_pool(VkDevice device, VkDescriptorPoolCreateFlags flags, uint32_t max_sets,
                          const VkDescriptorPoolSize *sizes, uint32_t size_count,
                          const VkAllocationCallbacks *allocator, VkDescriptorPool *pool)
{
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .flags = flags,
      .maxSets = max_sets,
      .poolSizeCount = size_count,
      .pPoolSizes = sizes,
   };
   return vkCreateDescriptorPool(device, &info, allocator, pool);
}

VkResult
it_allocate_sets(VkDevice device, VkDescriptorPool pool, const VkDescriptorSetLayout *layouts,
                 uint32_t count, VkDescriptorSet *sets)
{
   const VkDescriptorSetAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = pool,
      .descriptorSetCount = count,
      .pSetLayouts = layouts,
   };
   return vkAllocateDescriptorSets(device, &info, sets);
}

VkResult
it_allocate_memory(VkPhysicalDevice physical_device, VkDevice device,
                   const VkMemoryRequirements *req, VkMemoryPropertyFlags preferred,
                   VkDeviceMemory *memory)
{
   uint32_t type = it_memory_type(physical_device, req->memoryTypeBits, preferred);
   if (type == UINT32_MAX)
      type = it_memory_type(physical_device, req->memoryTypeBits, 0);
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = req->size,
      .memoryTypeIndex = type,
   };
   return vkAllocateMemory(device, &info, NULL, memory);
}

VkResult
it_begin_primary(VkDevice device, VkCommandPool pool, VkCommandBufferUsageFlags flags,
                 VkCommandBuffer *cmd)
{
   VkResult result = it_allocate_command_buffers(device, pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                                 cmd);
   if (result != VK_SUCCESS) {
      *cmd = VK_NULL_HANDLE;
      return result;
   }
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = flags,
   };
   return vkBeginCommandBuffer(*cmd, &begin);
}

void
it_barrier_to_host(VkCommandBuffer cmd)
{
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0,
                        1, &barrier, 0, NULL, 0, NULL);
}

void
it_memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stages, VkAccessFlags src_access,
                  VkPipelineStageFlags dst_stages, VkAccessFlags dst_access)
{
   const VkMemoryBarrier b = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = src_access,
      .dstAccessMask = dst_access,
   };
   vkCmdPipelineBarrier(cmd, src_stages, dst_stages, 0, 1, &b, 0, NULL, 0, NULL);
}

void
it_memory_barrier2(VkCommandBuffer cmd, VkPipelineStageFlags2 src_stages,
                   VkAccessFlags2 src_access, VkPipelineStageFlags2 dst_stages,
                   VkAccessFlags2 dst_access)
{
   const VkMemoryBarrier2 b = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
      .srcStageMask = src_stages,
      .srcAccessMask = src_access,
      .dstStageMask = dst_stages,
      .dstAccessMask = dst_access,
   };
   const VkDependencyInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
      .memoryBarrierCount = 1,
      .pMemoryBarriers = &b,
   };
   vkCmdPipelineBarrier2(cmd, &info);
}

void
it_write_storage_buffers(VkDevice device, VkDescriptorSet set,
                         const VkDescriptorBufferInfo *infos, uint32_t count)
{
   const VkWriteDescriptorSet write = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = 0,
      .descriptorCount = count,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .pBufferInfo = infos,
   };
   vkUpdateDescriptorSets(device, 1, &write, 0, NULL);
}

VkResult
it_submit_wait(VkDevice device, VkQueue queue, uint32_t count,
               const VkCommandBuffer *command_buffers)
{
   const VkFenceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence fence;
   VkResult result = vkCreateFence(device, &info, NULL, &fence);
   if (result != VK_SUCCESS)
      return result;
   result = it_submit(queue, count, command_buffers, fence);
   if (result == VK_SUCCESS)
      result = vkWaitForFences(device, 1, &fence, VK_TRUE, IT_TIMEOUT_NS);
   vkDestroyFence(device, fence, NULL);
   return result;
}

bool
it_compare_words(const char *what, const void *vendor, const void *kronos, size_t size)
{
   if (memcmp(vendor, kronos, size) == 0)
      return true;
   const uint8_t *v = vendor, *k = kronos;
   size_t words = size / 4, differing = 0;
   fprintf(stderr, "  MISMATCH in %s:\n", what);
   for (size_t i = 0; i < words; i++) {
      uint32_t vw, kw;
      memcpy(&vw, v + 4 * i, 4);
      memcpy(&kw, k + 4 * i, 4);
      if (vw == kw)
         continue;
      if (differing++ < 12)
         fprintf(stderr, "    word %zu: vendor 0x%08x, kronos 0x%08x\n", i, vw, kw);
   }
   fprintf(stderr, "    %zu of %zu words differ\n", differing, words);
   return false;
}

bool
it_words_match(const char *label, const char *what, const uint32_t *got, const uint32_t *want,
               uint32_t count)
{
   uint32_t differing = 0, first = 0;
   for (uint32_t i = 0; i < count; i++) {
      if (got[i] != want[i] && differing++ == 0)
         first = i;
   }
   if (differing == 0)
      return true;
   fprintf(stderr, "  %s%s%s: %u of %u words wrong; first at word %u: 0x%08x, expected 0x%08x\n",
           label ? label : "", label ? ", " : "", what, differing, count, first, got[first],
           want[first]);
   return false;
}

/* --- Counting allocation callbacks -------------------------------------------------------------- */

struct counting_block {
   struct it_counting_allocator *owner;
   void *raw;
   size_t size;
};

/* The callbacks that refuse on this thread (none: NULL), after granting this many more; then
 * how many they refuse (-1: every one) before granting again; and how many they granted. */
static _Thread_local struct it_counting_allocator *counting_refusing;
static _Thread_local long counting_grant;
static _Thread_local long counting_refusals;
static _Thread_local long counting_granted;

static bool
counting_caller_is_kronos(void *address)
{
   Dl_info info;
   return dladdr(address, &info) && info.dli_fname && strstr(info.dli_fname, "kronos");
}

static bool
counting_refuses(struct it_counting_allocator *a, void *caller)
{
   if (counting_refusing != a)
      return false;
   if (a->refuse_only_kronos && !counting_caller_is_kronos(caller))
      return false;
   if (counting_grant == 0 && counting_refusals != 0) {
      if (counting_refusals > 0)
         counting_refusals--;
      atomic_fetch_add(&a->refused, 1);
      if (a->on_allocation)
         a->on_allocation(counting_granted + 1, caller, true);
      if (getenv("IT_COUNTING_BACKTRACE")) {
         /* Where the refused allocation was asked for (symbols need -rdynamic or a debugger). */
         void *frames[32];
         backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
      }
      return true;
   }
   if (counting_grant > 0)
      counting_grant--;
   counting_granted++;
   if (a->on_allocation)
      a->on_allocation(counting_granted, caller, false);
   return false;
}

static void *
counting_alloc_from(struct it_counting_allocator *a, size_t size, size_t alignment, void *caller)
{
   if (counting_refuses(a, caller))
      return NULL;
   if (alignment < sizeof(void *))
      alignment = sizeof(void *);
   size_t offset = (sizeof(struct counting_block) + alignment - 1) & ~(alignment - 1);
   void *raw;
   if (posix_memalign(&raw, alignment, offset + size) != 0)
      return NULL;
   uint8_t *p = (uint8_t *)raw + offset;
   struct counting_block *h = (struct counting_block *)p - 1;
   h->owner = a;
   h->raw = raw;
   h->size = size;
   atomic_fetch_add(&a->live, 1);
   atomic_fetch_add(&a->total, 1);
   return p;
}

static void *VKAPI_PTR
counting_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)scope;
   return counting_alloc_from(user, size, alignment, __builtin_return_address(0));
}

static void VKAPI_PTR
counting_free(void *user, void *memory)
{
   if (!memory)
      return;
   struct it_counting_allocator *a = user;
   struct counting_block *h = (struct counting_block *)memory - 1;
   if (h->owner != a) {
      fprintf(stderr, "  a block of the %s callbacks was freed through the %s callbacks\n",
              h->owner->name, a->name);
      atomic_fetch_add(&a->wrong_frees, 1);
   }
   atomic_fetch_sub(&h->owner->live, 1);
   free(h->raw);
}

static void *VKAPI_PTR
counting_realloc(void *user, void *original, size_t size, size_t alignment,
                 VkSystemAllocationScope scope)
{
   (void)scope;
   void *caller = __builtin_return_address(0);
   if (!original)
      return counting_alloc_from(user, size, alignment, caller);
   if (size == 0) {
      counting_free(user, original);
      return NULL;
   }
   void *p = counting_alloc_from(user, size, alignment, caller);
   if (p) {
      const struct counting_block *h = (const struct counting_block *)original - 1;
      memcpy(p, original, h->size < size ? h->size : size);
      counting_free(user, original);
   }
   return p;
}

void
it_counting_init(struct it_counting_allocator *a, const char *name)
{
   a->name = name;
   atomic_init(&a->live, 0);
   atomic_init(&a->total, 0);
   atomic_init(&a->refused, 0);
   atomic_init(&a->wrong_frees, 0);
   a->refuse_only_kronos = false;
   a->on_allocation = NULL;
   a->callbacks = (VkAllocationCallbacks){
      .pUserData = a,
      .pfnAllocation = counting_alloc,
      .pfnReallocation = counting_realloc,
      .pfnFree = counting_free,
   };
}

void
it_counting_refuse(struct it_counting_allocator *a, long grant)
{
   counting_refusing = a;
   counting_grant = grant;
   counting_refusals = -1;
   counting_granted = 0;
}

void
it_counting_refuse_one(struct it_counting_allocator *a, long grant)
{
   it_counting_refuse(a, grant);
   counting_refusals = 1;
}

long
it_counting_granted(void)
{
   return counting_granted;
}
