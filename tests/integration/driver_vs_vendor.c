/* SPDX-License-Identifier: MIT */
/* Kronos next to its vendor driver in one instance (VK_DRIVER_FILES names lavapipe's manifest
 * and Kronos's): everything Kronos reports is compared with what the vendor reports directly.
 * Compute state must be equal, graphics state absent, identity Kronos's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"
#include "kronos/kronos.h"

/* Both views of the same device. */
struct device_pair {
   VkInstance instance;
   VkPhysicalDevice kronos;
   VkPhysicalDevice vendor;
};

static struct device_pair pair;

/* Every property structure compared, queried in one chain. */
struct properties {
   VkPhysicalDeviceProperties2 props;
   VkPhysicalDeviceDriverProperties driver;
   VkPhysicalDeviceIDProperties id;
   VkPhysicalDeviceVulkan11Properties v11;
   VkPhysicalDeviceVulkan12Properties v12;
   VkPhysicalDeviceVulkan13Properties v13;
   VkPhysicalDeviceSubgroupSizeControlProperties size_control;
};

struct features {
   VkPhysicalDeviceFeatures2 features;
   VkPhysicalDeviceVulkan11Features v11;
   VkPhysicalDeviceVulkan12Features v12;
   VkPhysicalDeviceVulkan13Features v13;
};

static void
get_properties(VkPhysicalDevice device, struct properties *p)
{
   memset(p, 0, sizeof(*p));
   p->size_control.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES;
   p->v13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES;
   p->v13.pNext = &p->size_control;
   p->v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES;
   p->v12.pNext = &p->v13;
   p->v11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES;
   p->v11.pNext = &p->v12;
   p->id.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES;
   p->id.pNext = &p->v11;
   p->driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
   p->driver.pNext = &p->id;
   p->props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
   p->props.pNext = &p->driver;
   vkGetPhysicalDeviceProperties2(device, &p->props);
}

static void
get_features(VkPhysicalDevice device, struct features *f)
{
   memset(f, 0, sizeof(*f));
   f->v13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
   f->v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
   f->v12.pNext = &f->v13;
   f->v11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
   f->v11.pNext = &f->v12;
   f->features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
   f->features.pNext = &f->v11;
   vkGetPhysicalDeviceFeatures2(device, &f->features);
}

static bool
find_devices(void)
{
   bool ok = false;
   VkPhysicalDevice devices[16];
   uint32_t count = 16;
   CHECK_VK(it_create_instance(NULL, 0, NULL, &pair.instance));
   CHECK_VK(vkEnumeratePhysicalDevices(pair.instance, &count, devices));
   for (uint32_t i = 0; i < count; i++) {
      struct properties p;
      get_properties(devices[i], &p);
      printf("  device %u: %s (driver %s)\n", i, p.props.properties.deviceName,
             p.driver.driverName);
      if (strcmp(p.driver.driverName, KRONOS_DRIVER_NAME) == 0)
         pair.kronos = devices[i];
      else if (p.driver.driverID == VK_DRIVER_ID_MESA_LLVMPIPE)
         pair.vendor = devices[i];
   }
   CHECK(pair.kronos != VK_NULL_HANDLE);
   CHECK(pair.vendor != VK_NULL_HANDLE);
   ok = true;
done:
   return ok;
}

static bool
identity(void)
{
   bool ok = false;
   struct properties k, v;
   get_properties(pair.kronos, &k);
   get_properties(pair.vendor, &v);
   char expected_name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE + 16];
   snprintf(expected_name, sizeof(expected_name), "Kronos (%s)", v.props.properties.deviceName);
   CHECK(strncmp(v.props.properties.deviceName, "llvmpipe", 8) == 0);
   CHECK(strcmp(k.props.properties.deviceName, expected_name) == 0);
   CHECK(strcmp(k.driver.driverName, "Kronos") == 0);
   CHECK(strcmp(k.v12.driverName, "Kronos") == 0);
   CHECK(strcmp(v.driver.driverName, "Kronos") != 0);
   /* Not a conformant implementation, whatever the vendor is. */
   CHECK(v.driver.conformanceVersion.major != 0);
   CHECK(k.driver.conformanceVersion.major == 0 && k.driver.conformanceVersion.minor == 0 &&
         k.driver.conformanceVersion.subminor == 0 && k.driver.conformanceVersion.patch == 0);
   CHECK(k.v12.conformanceVersion.major == 0 && k.v12.conformanceVersion.minor == 0 &&
         k.v12.conformanceVersion.subminor == 0 && k.v12.conformanceVersion.patch == 0);
   /* The same hardware: same IDs and UUIDs. */
   CHECK(memcmp(k.id.deviceUUID, v.id.deviceUUID, VK_UUID_SIZE) == 0);
   CHECK(k.props.properties.vendorID == v.props.properties.vendorID);
   CHECK(k.props.properties.deviceID == v.props.properties.deviceID);
   CHECK(k.props.properties.deviceType == v.props.properties.deviceType);
   CHECK(k.props.properties.driverVersion == v.props.properties.driverVersion);
   CHECK(memcmp(k.props.properties.pipelineCacheUUID, v.props.properties.pipelineCacheUUID,
                VK_UUID_SIZE) == 0);
   uint32_t vendor_api = v.props.properties.apiVersion;
   uint32_t expected_api =
      vendor_api < VK_HEADER_VERSION_COMPLETE ? vendor_api : VK_HEADER_VERSION_COMPLETE;
   CHECK(k.props.properties.apiVersion == expected_api);
   ok = true;
done:
   return ok;
}

/* Limits that only compute uses, and limits that only graphics uses. */
#define COMPUTE_LIMITS(X)                                                                     \
   X(maxComputeSharedMemorySize)                                                              \
   X(maxComputeWorkGroupInvocations)                                                          \
   X(maxStorageBufferRange)                                                                   \
   X(maxUniformBufferRange)                                                                   \
   X(maxPushConstantsSize)                                                                    \
   X(maxMemoryAllocationCount)                                                                \
   X(maxBoundDescriptorSets)                                                                  \
   X(maxPerStageDescriptorStorageBuffers)                                                     \
   X(maxPerStageResources)                                                                    \
   X(maxDescriptorSetStorageBuffers)                                                          \
   X(maxDescriptorSetStorageBuffersDynamic)                                                   \
   X(maxImageDimension2D)                                                                     \
   X(maxTexelBufferElements)                                                                  \
   X(minStorageBufferOffsetAlignment)                                                         \
   X(minUniformBufferOffsetAlignment)                                                         \
   X(minMemoryMapAlignment)                                                                   \
   X(nonCoherentAtomSize)                                                                     \
   X(bufferImageGranularity)                                                                  \
   X(optimalBufferCopyOffsetAlignment)                                                        \
   X(timestampComputeAndGraphics)                                                             \
   X(timestampPeriod)                                                                         \
   X(discreteQueuePriorities)

#define GRAPHICS_LIMITS(X)                                                                    \
   X(maxViewports)                                                                            \
   X(maxColorAttachments)                                                                     \
   X(maxFramebufferWidth)                                                                     \
   X(maxFramebufferHeight)                                                                    \
   X(maxVertexInputAttributes)                                                                \
   X(maxGeometryOutputVertices)                                                               \
   X(maxTessellationPatchSize)                                                                \
   X(maxFragmentOutputAttachments)                                                            \
   X(maxDrawIndirectCount)                                                                    \
   X(maxClipDistances)                                                                        \
   X(framebufferColorSampleCounts)

static bool
limits(void)
{
   bool ok = false;
   VkPhysicalDeviceProperties k, v;
   vkGetPhysicalDeviceProperties(pair.kronos, &k);
   vkGetPhysicalDeviceProperties(pair.vendor, &v);
   const VkPhysicalDeviceLimits *kl = &k.limits, *vl = &v.limits;
   for (int i = 0; i < 3; i++) {
      CHECK(kl->maxComputeWorkGroupSize[i] == vl->maxComputeWorkGroupSize[i]);
      CHECK(kl->maxComputeWorkGroupCount[i] == vl->maxComputeWorkGroupCount[i]);
   }
#define EQUAL(name) CHECK(memcmp(&kl->name, &vl->name, sizeof(kl->name)) == 0);
   COMPUTE_LIMITS(EQUAL)
#undef EQUAL
   /* The vendor has graphics: Kronos reads it as none. */
   CHECK(vl->maxViewports > 0 && vl->maxColorAttachments > 0);
#define ZERO(name) CHECK(kl->name == 0);
   GRAPHICS_LIMITS(ZERO)
#undef ZERO
   CHECK(kl->maxViewportDimensions[0] == 0 && kl->maxViewportDimensions[1] == 0);
   CHECK(kl->pointSizeRange[0] == 0.0f && kl->pointSizeRange[1] == 0.0f);
   /* Sparse properties pass through. */
   CHECK(memcmp(&k.sparseProperties, &v.sparseProperties, sizeof(k.sparseProperties)) == 0);
   ok = true;
done:
   return ok;
}

/* Kronos never claims a feature its vendor lacks. */
static bool
bools_subset(const VkBool32 *kronos, const VkBool32 *vendor, size_t count)
{
   for (size_t i = 0; i < count; i++) {
      if (kronos[i] && !vendor[i]) {
         fprintf(stderr, "feature member %zu claimed but not offered by the vendor\n", i);
         return false;
      }
   }
   return true;
}

#define BOOLS_AFTER_HEADER(s) ((const VkBool32 *)((const char *)&(s) + sizeof(VkBaseOutStructure)))
#define BOOL_COUNT(type) ((sizeof(type) - sizeof(VkBaseOutStructure)) / sizeof(VkBool32))

static bool
features(void)
{
   bool ok = false;
   struct features k, v;
   get_features(pair.kronos, &k);
   get_features(pair.vendor, &v);
   /* Compute features: the vendor's. */
   CHECK(k.features.features.shaderInt64 == v.features.features.shaderInt64);
   CHECK(k.features.features.shaderFloat64 == v.features.features.shaderFloat64);
   CHECK(k.features.features.shaderInt16 == v.features.features.shaderInt16);
   CHECK(k.features.features.robustBufferAccess == v.features.features.robustBufferAccess);
   CHECK(v.v12.bufferDeviceAddress && k.v12.bufferDeviceAddress);
   CHECK(v.v12.timelineSemaphore && k.v12.timelineSemaphore);
   CHECK(k.v12.shaderFloat16 == v.v12.shaderFloat16);
   CHECK(k.v12.vulkanMemoryModel == v.v12.vulkanMemoryModel);
   CHECK(k.v12.scalarBlockLayout == v.v12.scalarBlockLayout);
   CHECK(k.v11.storageBuffer16BitAccess == v.v11.storageBuffer16BitAccess);
   CHECK(v.v13.synchronization2 && k.v13.synchronization2);
   CHECK(k.v13.maintenance4 == v.v13.maintenance4);
   CHECK(k.v13.subgroupSizeControl == v.v13.subgroupSizeControl);
   /* Graphics features: the vendor has them, Kronos does not offer them. */
   CHECK(v.features.features.geometryShader && !k.features.features.geometryShader);
   CHECK(v.features.features.tessellationShader && !k.features.features.tessellationShader);
   CHECK(!k.features.features.multiViewport);
   CHECK(!k.features.features.fillModeNonSolid);
   CHECK(!k.v11.multiview);
   CHECK(!k.v13.dynamicRendering);
   /* The single-call query agrees with the chained one. */
   VkPhysicalDeviceFeatures plain;
   vkGetPhysicalDeviceFeatures(pair.kronos, &plain);
   CHECK(memcmp(&plain, &k.features.features, sizeof(plain)) == 0);
   CHECK(bools_subset((const VkBool32 *)&k.features.features,
                      (const VkBool32 *)&v.features.features,
                      sizeof(VkPhysicalDeviceFeatures) / sizeof(VkBool32)));
   CHECK(bools_subset(BOOLS_AFTER_HEADER(k.v11), BOOLS_AFTER_HEADER(v.v11),
                      BOOL_COUNT(VkPhysicalDeviceVulkan11Features)));
   CHECK(bools_subset(BOOLS_AFTER_HEADER(k.v12), BOOLS_AFTER_HEADER(v.v12),
                      BOOL_COUNT(VkPhysicalDeviceVulkan12Features)));
   CHECK(bools_subset(BOOLS_AFTER_HEADER(k.v13), BOOLS_AFTER_HEADER(v.v13),
                      BOOL_COUNT(VkPhysicalDeviceVulkan13Features)));
   ok = true;
done:
   return ok;
}

static bool
memory(void)
{
   bool ok = false;
   VkPhysicalDeviceMemoryProperties k, v;
   vkGetPhysicalDeviceMemoryProperties(pair.kronos, &k);
   vkGetPhysicalDeviceMemoryProperties(pair.vendor, &v);
   CHECK(k.memoryTypeCount == v.memoryTypeCount && k.memoryTypeCount > 0);
   CHECK(k.memoryHeapCount == v.memoryHeapCount && k.memoryHeapCount > 0);
   for (uint32_t i = 0; i < k.memoryTypeCount; i++) {
      CHECK(k.memoryTypes[i].propertyFlags == v.memoryTypes[i].propertyFlags);
      CHECK(k.memoryTypes[i].heapIndex == v.memoryTypes[i].heapIndex);
   }
   for (uint32_t i = 0; i < k.memoryHeapCount; i++) {
      CHECK(k.memoryHeaps[i].size == v.memoryHeaps[i].size);
      CHECK(k.memoryHeaps[i].flags == v.memoryHeaps[i].flags);
   }
   ok = true;
done:
   return ok;
}

static bool
queue_families(void)
{
   bool ok = false;
   VkQueueFamilyProperties k[16], v[16];
   uint32_t kc = 16, vc = 16;
   vkGetPhysicalDeviceQueueFamilyProperties(pair.kronos, &kc, k);
   vkGetPhysicalDeviceQueueFamilyProperties(pair.vendor, &vc, v);
   CHECK(kc > 0 && kc <= vc);
   bool vendor_graphics = false;
   for (uint32_t i = 0; i < kc; i++) {
      VkQueueFlags expected = v[i].queueFlags;
      vendor_graphics = vendor_graphics || (expected & VK_QUEUE_GRAPHICS_BIT);
      if (expected & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT))
         expected |= VK_QUEUE_TRANSFER_BIT;
      expected &= ~(VkQueueFlags)VK_QUEUE_GRAPHICS_BIT;
      CHECK(k[i].queueFlags == expected);
      CHECK(k[i].queueCount == v[i].queueCount);
      CHECK(k[i].timestampValidBits == v[i].timestampValidBits);
      CHECK(k[i].minImageTransferGranularity.width == v[i].minImageTransferGranularity.width);
      CHECK(k[i].minImageTransferGranularity.height == v[i].minImageTransferGranularity.height);
      CHECK(k[i].minImageTransferGranularity.depth == v[i].minImageTransferGranularity.depth);
   }
   CHECK(vendor_graphics);

   /* The VkQueueFamilyProperties2 query agrees. */
   VkQueueFamilyProperties2 k2[16];
   for (uint32_t i = 0; i < 16; i++)
      k2[i] = (VkQueueFamilyProperties2){.sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2};
   uint32_t k2c = 16;
   vkGetPhysicalDeviceQueueFamilyProperties2(pair.kronos, &k2c, k2);
   CHECK(k2c == kc);
   for (uint32_t i = 0; i < kc; i++) {
      CHECK(k2[i].queueFamilyProperties.queueFlags == k[i].queueFlags);
      CHECK(k2[i].queueFamilyProperties.queueCount == k[i].queueCount);
   }
   ok = true;
done:
   return ok;
}

static bool
subgroups(void)
{
   bool ok = false;
   struct properties k, v;
   get_properties(pair.kronos, &k);
   get_properties(pair.vendor, &v);
   CHECK(k.v11.subgroupSize == v.v11.subgroupSize);
   CHECK(k.v11.subgroupSupportedOperations == v.v11.subgroupSupportedOperations);
   CHECK(k.v11.maxMemoryAllocationSize == v.v11.maxMemoryAllocationSize);
   CHECK(memcmp(k.v11.deviceUUID, v.v11.deviceUUID, VK_UUID_SIZE) == 0);
   /* Only the compute stage is left of the stages with subgroup operations. */
   CHECK(v.v11.subgroupSupportedStages & VK_SHADER_STAGE_COMPUTE_BIT);
   CHECK(v.v11.subgroupSupportedStages & ~(VkShaderStageFlags)VK_SHADER_STAGE_COMPUTE_BIT);
   CHECK(k.v11.subgroupSupportedStages == VK_SHADER_STAGE_COMPUTE_BIT);
   /* So with the stages that may require a subgroup size, in both structures that say so. */
   const VkShaderStageFlags compute = VK_SHADER_STAGE_COMPUTE_BIT;
   CHECK(v.v13.requiredSubgroupSizeStages & compute);
   CHECK(k.v13.requiredSubgroupSizeStages == compute);
   CHECK(k.size_control.requiredSubgroupSizeStages == compute);
   CHECK(k.v13.minSubgroupSize == v.v13.minSubgroupSize);
   CHECK(k.v13.maxSubgroupSize == v.v13.maxSubgroupSize);
   CHECK(k.size_control.maxComputeWorkgroupSubgroups ==
         v.size_control.maxComputeWorkgroupSubgroups);
   CHECK(k.v11.maxMultiviewViewCount == 0);
   ok = true;
done:
   return ok;
}

static bool
device_extensions(void)
{
   bool ok = false;
   VkExtensionProperties *k = NULL, *v = NULL;
   uint32_t kc = 0, vc = 0;
   CHECK_VK(vkEnumerateDeviceExtensionProperties(pair.kronos, NULL, &kc, NULL));
   CHECK_VK(vkEnumerateDeviceExtensionProperties(pair.vendor, NULL, &vc, NULL));
   CHECK(kc > 0 && kc <= vc);
   k = calloc(kc, sizeof(*k));
   v = calloc(vc, sizeof(*v));
   CHECK(k && v);
   CHECK_VK(vkEnumerateDeviceExtensionProperties(pair.kronos, NULL, &kc, k));
   CHECK_VK(vkEnumerateDeviceExtensionProperties(pair.vendor, NULL, &vc, v));
   bool vendor_swapchain = false;
   for (uint32_t j = 0; j < vc; j++)
      vendor_swapchain = vendor_swapchain || strcmp(v[j].extensionName, "VK_KHR_swapchain") == 0;
   CHECK(vendor_swapchain);
   bool timeline = false;
   for (uint32_t i = 0; i < kc; i++) {
      CHECK(strstr(k[i].extensionName, "swapchain") == NULL);
      CHECK(strstr(k[i].extensionName, "surface") == NULL);
      timeline = timeline || strcmp(k[i].extensionName, "VK_KHR_timeline_semaphore") == 0;
      bool found = false;
      for (uint32_t j = 0; j < vc && !found; j++) {
         if (strcmp(k[i].extensionName, v[j].extensionName) == 0) {
            found = true;
            CHECK(k[i].specVersion <= v[j].specVersion);
         }
      }
      if (!found)
         fprintf(stderr, "%s is not offered by the vendor\n", k[i].extensionName);
      CHECK(found);
   }
   CHECK(timeline);
   /* The two-call idiom: too small an array is VK_INCOMPLETE. */
   uint32_t small = kc - 1;
   CHECK_RESULT(vkEnumerateDeviceExtensionProperties(pair.kronos, NULL, &small, k), VK_INCOMPLETE);
   CHECK(small == kc - 1);
   ok = true;
done:
   free(k);
   free(v);
   return ok;
}

static bool
destroy_instance(void)
{
   vkDestroyInstance(pair.instance, NULL);
   pair.instance = VK_NULL_HANDLE;
   return true;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"both drivers in one instance", find_devices, true},
      {"identity: name, driver, conformance, UUIDs, API version", identity},
      {"limits: compute equal, graphics zero", limits},
      {"features: compute equal, graphics absent", features},
      {"memory types and heaps equal", memory},
      {"queue families equal but for graphics", queue_families},
      {"subgroup properties: compute stage only", subgroups},
      {"device extensions: a subset, no swapchain", device_extensions},
      {"destroy instance", destroy_instance},
   };
   return IT_RUN_TESTS(tests);
}
