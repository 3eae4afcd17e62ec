#include "rc.h"

VkInstance rc_instance;
struct rc_dev rc_vendor = {.name = "vendor"}, rc_kronos = {.name = "kronos", .kronos = true};
int rc_failures;

static bool
is_kronos(VkPhysicalDevice p)
{
   VkPhysicalDeviceDriverProperties driver = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
   VkPhysicalDeviceProperties2 props = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                        .pNext = &driver};
   vkGetPhysicalDeviceProperties2(p, &props);
   return strcmp(driver.driverName, KRONOS_DRIVER_NAME) == 0;
}

static void
open_device(struct rc_dev *d, const VkAllocationCallbacks *allocator)
{
   uint32_t n = 16;
   VkQueueFamilyProperties fam[16];
   vkGetPhysicalDeviceQueueFamilyProperties(d->phys, &n, fam);
   d->family = UINT32_MAX;
   for (uint32_t i = 0; i < n; i++)
      if (fam[i].queueFlags & VK_QUEUE_COMPUTE_BIT) { d->family = i; break; }
   const float prio = 1.0f;
   VkDeviceQueueCreateInfo q = {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                .queueFamilyIndex = d->family, .queueCount = 1,
                                .pQueuePriorities = &prio};
   VkPhysicalDeviceVulkan13Features f13 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
                                           .inlineUniformBlock = VK_TRUE,
                                           .descriptorBindingInlineUniformBlockUpdateAfterBind = VK_TRUE};
   const char *ext[] = {"VK_KHR_push_descriptor"};
   VkDeviceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &f13,
                              .queueCreateInfoCount = 1, .pQueueCreateInfos = &q,
                              .enabledExtensionCount = 1, .ppEnabledExtensionNames = ext};
   RC_CHECK(vkCreateDevice(d->phys, &info, allocator, &d->dev));
   vkGetDeviceQueue(d->dev, d->family, 0, &d->queue);
   VkCommandPoolCreateInfo cp = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                 .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                 .queueFamilyIndex = d->family};
   RC_CHECK(vkCreateCommandPool(d->dev, &cp, NULL, &d->cmd_pool));
}

void
rc_init(const VkAllocationCallbacks *kronos_allocator)
{
   setvbuf(stdout, NULL, _IONBF, 0);
   RC_CHECK(volkInitialize());
   VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .apiVersion = VK_API_VERSION_1_3};
   const char *ext[] = {"VK_EXT_debug_utils"};
   VkInstanceCreateInfo ii = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                              .pApplicationInfo = &app, .enabledExtensionCount = 1,
                              .ppEnabledExtensionNames = ext};
   RC_CHECK(vkCreateInstance(&ii, NULL, &rc_instance));
   volkLoadInstance(rc_instance);
   VkPhysicalDevice p[16];
   uint32_t n = 16;
   RC_CHECK(vkEnumeratePhysicalDevices(rc_instance, &n, p));
   for (uint32_t i = 0; i < n; i++) {
      if (is_kronos(p[i])) { if (!rc_kronos.phys) rc_kronos.phys = p[i]; }
      else if (!rc_vendor.phys) {
         VkPhysicalDeviceProperties pr;
         vkGetPhysicalDeviceProperties(p[i], &pr);
         if (strstr(pr.deviceName, "llvmpipe")) rc_vendor.phys = p[i];
      }
   }
   if (!rc_kronos.phys || !rc_vendor.phys) {
      fprintf(stderr, "need both lavapipe and Kronos (VK_DRIVER_FILES)\n");
      exit(2);
   }
   open_device(&rc_vendor, NULL);
   open_device(&rc_kronos, kronos_allocator);
}

void
rc_finish(const VkAllocationCallbacks *kronos_allocator)
{
   vkDestroyCommandPool(rc_vendor.dev, rc_vendor.cmd_pool, NULL);
   vkDestroyCommandPool(rc_kronos.dev, rc_kronos.cmd_pool, NULL);
   vkDestroyDevice(rc_vendor.dev, NULL);
   vkDestroyDevice(rc_kronos.dev, kronos_allocator);
   vkDestroyInstance(rc_instance, NULL);
}

void
rc_buf_create(struct rc_dev *d, VkDeviceSize size, VkBufferUsageFlags usage, struct rc_buf *b)
{
   memset(b, 0, sizeof(*b));
   b->size = size;
   VkBufferCreateInfo info = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .size = size,
                              .usage = usage};
   RC_CHECK(vkCreateBuffer(d->dev, &info, NULL, &b->buffer));
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(d->dev, b->buffer, &req);
   VkPhysicalDeviceMemoryProperties mp;
   vkGetPhysicalDeviceMemoryProperties(d->phys, &mp);
   uint32_t type = 0;
   VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
      if ((req.memoryTypeBits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & want) == want) { type = i; break; }
   VkMemoryAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                              .allocationSize = req.size, .memoryTypeIndex = type};
   RC_CHECK(vkAllocateMemory(d->dev, &ai, NULL, &b->memory));
   RC_CHECK(vkBindBufferMemory(d->dev, b->buffer, b->memory, 0));
   RC_CHECK(vkMapMemory(d->dev, b->memory, 0, VK_WHOLE_SIZE, 0, &b->data));
   memset(b->data, 0, size);
}

void
rc_buf_destroy(struct rc_dev *d, struct rc_buf *b)
{
   vkDestroyBuffer(d->dev, b->buffer, NULL);
   vkFreeMemory(d->dev, b->memory, NULL);
   memset(b, 0, sizeof(*b));
}

VkPipeline
rc_pipeline(struct rc_dev *d, const uint32_t *code, size_t size, VkPipelineLayout layout)
{
   VkShaderModuleCreateInfo mi = {.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
                                  .codeSize = size, .pCode = code};
   VkShaderModule m;
   RC_CHECK(vkCreateShaderModule(d->dev, &mi, NULL, &m));
   VkComputePipelineCreateInfo pi = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage = {.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
                .stage = VK_SHADER_STAGE_COMPUTE_BIT, .module = m, .pName = "main"},
      .layout = layout};
   VkPipeline p;
   RC_CHECK(vkCreateComputePipelines(d->dev, VK_NULL_HANDLE, 1, &pi, NULL, &p));
   vkDestroyShaderModule(d->dev, m, NULL);
   return p;
}

VkCommandBuffer
rc_cmd(struct rc_dev *d)
{
   VkCommandBufferAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                     .commandPool = d->cmd_pool,
                                     .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                     .commandBufferCount = 1};
   VkCommandBuffer c;
   RC_CHECK(vkAllocateCommandBuffers(d->dev, &ai, &c));
   return c;
}

void
rc_submit_many_wait(struct rc_dev *d, uint32_t n, const VkCommandBuffer *cmds)
{
   VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = n,
                      .pCommandBuffers = cmds};
   VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   VkFence f;
   RC_CHECK(vkCreateFence(d->dev, &fi, NULL, &f));
   RC_CHECK(vkQueueSubmit(d->queue, 1, &si, f));
   RC_CHECK(vkWaitForFences(d->dev, 1, &f, VK_TRUE, 60000000000ull));
   vkDestroyFence(d->dev, f, NULL);
}

void
rc_submit_wait(struct rc_dev *d, VkCommandBuffer cmd)
{
   rc_submit_many_wait(d, 1, &cmd);
}

VkKronosDeviceStatistics
rc_stats(struct rc_dev *d)
{
   VkKronosDeviceStatistics s = {.version = KRONOS_STATISTICS_VERSION};
   PFN_vkGetDeviceStatisticsKRONOS get =
      (PFN_vkGetDeviceStatisticsKRONOS)vkGetDeviceProcAddr(d->dev, "vkGetDeviceStatisticsKRONOS");
   if (get)
      get(d->dev, &s);
   return s;
}

bool
rc_compare(const char *what, const void *vendor, const void *kronos, size_t size)
{
   if (memcmp(vendor, kronos, size) == 0)
      return true;
   const uint32_t *v = vendor, *k = kronos;
   fprintf(stderr, "MISMATCH %s:\n", what);
   int shown = 0;
   for (size_t i = 0; i < size / 4 && shown < 12; i++) {
      if (v[i] != k[i]) {
         fprintf(stderr, "  word %zu: vendor 0x%08x kronos 0x%08x\n", i, v[i], k[i]);
         shown++;
      }
   }
   return false;
}

void
rc_result(const char *test, bool ok)
{
   printf("%s - %s\n", ok ? "ok" : "FAIL", test);
   if (!ok)
      rc_failures++;
}
