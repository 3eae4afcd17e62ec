/* SPDX-License-Identifier: MIT */
/* Vulkan 1.4's property structures through Kronos, against the vendor's (issue 15 and its
 * review), where the headers and both devices have 1.4 (Mesa 25's lavapipe in CI):
 *  - VkPhysicalDeviceVulkan14Properties and VkPhysicalDeviceHostImageCopyProperties keep the
 *    application's pCopySrcLayouts/pCopyDstLayouts and write none of them (host image copies are
 *    not offered: counts 0); the compute members equal the vendor's;
 *  - the structures promoted to 1.4 say what Vulkan14Properties says (line rasterization,
 *    vertex attribute divisor, push descriptors, maintenance6);
 *  - VkPhysicalDeviceLayeredApiPropertiesListKHR (maintenance7): one layer beneath Kronos, the
 *    vendor's Vulkan device, with its IDs, name and (chained) properties; the application's
 *    array pointer stays.
 * Skipped (77) where the headers predate Vulkan 1.4 or a device is older. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_common.h"

#ifndef VK_VERSION_1_4

int
main(void)
{
   printf("SKIP: built with Vulkan headers that predate Vulkan 1.4\n");
   return 77;
}

#else

static VkInstance instance;
static VkPhysicalDevice kronos, vendor;

#define LAYOUT_SLOTS 8u
#define MARK ((VkImageLayout)0x7eadbeef)

struct props {
   VkPhysicalDeviceVulkan14Properties v14;
   VkPhysicalDeviceHostImageCopyProperties host_copy;
   VkPhysicalDeviceLineRasterizationProperties lines;
   VkPhysicalDeviceVertexAttributeDivisorProperties divisor;
   VkPhysicalDevicePushDescriptorProperties push;
   VkPhysicalDeviceMaintenance6Properties m6;
   VkImageLayout layouts[4][LAYOUT_SLOTS];
};

static void
query(VkPhysicalDevice physical, struct props *p)
{
   memset(p, 0, sizeof(*p));
   for (uint32_t a = 0; a < 4; a++) {
      for (uint32_t i = 0; i < LAYOUT_SLOTS; i++)
         p->layouts[a][i] = MARK;
   }
   p->m6.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_6_PROPERTIES;
   p->push = (VkPhysicalDevicePushDescriptorProperties){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PUSH_DESCRIPTOR_PROPERTIES, .pNext = &p->m6};
   p->divisor = (VkPhysicalDeviceVertexAttributeDivisorProperties){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VERTEX_ATTRIBUTE_DIVISOR_PROPERTIES,
      .pNext = &p->push};
   p->lines = (VkPhysicalDeviceLineRasterizationProperties){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LINE_RASTERIZATION_PROPERTIES,
      .pNext = &p->divisor};
   p->host_copy = (VkPhysicalDeviceHostImageCopyProperties){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_HOST_IMAGE_COPY_PROPERTIES,
      .pNext = &p->lines,
      .copySrcLayoutCount = LAYOUT_SLOTS,
      .pCopySrcLayouts = p->layouts[0],
      .copyDstLayoutCount = LAYOUT_SLOTS,
      .pCopyDstLayouts = p->layouts[1],
   };
   p->v14 = (VkPhysicalDeviceVulkan14Properties){
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_4_PROPERTIES,
      .pNext = &p->host_copy,
      .copySrcLayoutCount = LAYOUT_SLOTS,
      .pCopySrcLayouts = p->layouts[2],
      .copyDstLayoutCount = LAYOUT_SLOTS,
      .pCopyDstLayouts = p->layouts[3],
   };
   VkPhysicalDeviceProperties2 props = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                        .pNext = &p->v14};
   vkGetPhysicalDeviceProperties2(physical, &props);
}

static bool
test_setup(void)
{
   /* A 1.4 instance: 1.4's structures are used only where both the instance and the device
    * have 1.4 (and Kronos's vendor instance has the application's version). */
   if (it_counting_instance_create_version("kronos-properties-1-4", false, VK_API_VERSION_1_4,
                                           &instance) != VK_SUCCESS ||
       it_find_both_devices(instance, &kronos, &vendor) != VK_SUCCESS)
      return false;
   VkPhysicalDeviceProperties k, v;
   vkGetPhysicalDeviceProperties(kronos, &k);
   vkGetPhysicalDeviceProperties(vendor, &v);
   if (VK_API_VERSION_MINOR(k.apiVersion) < 4 || VK_API_VERSION_MINOR(v.apiVersion) < 4) {
      printf("SKIP: a device is older than Vulkan 1.4 (Kronos %u.%u, vendor %u.%u)\n",
             VK_API_VERSION_MAJOR(k.apiVersion), VK_API_VERSION_MINOR(k.apiVersion),
             VK_API_VERSION_MAJOR(v.apiVersion), VK_API_VERSION_MINOR(v.apiVersion));
      it_counting_instance_destroy(instance);
      exit(77);
   }
   return true;
}

static bool
test_vulkan14(void)
{
   static struct props k, v;
   query(kronos, &k);
   query(vendor, &v);
   bool ok = true;
   /* The application's arrays: its pointers kept, nothing written, counts 0. */
   if (k.v14.pCopySrcLayouts != k.layouts[2] || k.v14.pCopyDstLayouts != k.layouts[3] ||
       k.host_copy.pCopySrcLayouts != k.layouts[0] || k.host_copy.pCopyDstLayouts != k.layouts[1]) {
      printf("  an array pointer of the application was changed\n");
      ok = false;
   }
   for (uint32_t a = 0; a < 4; a++) {
      for (uint32_t i = 0; i < LAYOUT_SLOTS; i++) {
         if (k.layouts[a][i] != MARK) {
            printf("  copy layout array %u was written at %u\n", a, i);
            ok = false;
            break;
         }
      }
   }
   if (k.v14.copySrcLayoutCount || k.v14.copyDstLayoutCount || k.host_copy.copySrcLayoutCount ||
       k.host_copy.copyDstLayoutCount) {
      printf("  host image copy layouts reported (it is not offered)\n");
      ok = false;
   }
   /* Compute members: the vendor's. */
   if (k.v14.maxPushDescriptors != v.v14.maxPushDescriptors ||
       k.v14.defaultRobustnessStorageBuffers != v.v14.defaultRobustnessStorageBuffers ||
       k.v14.maxCombinedImageSamplerDescriptorCount !=
          v.v14.maxCombinedImageSamplerDescriptorCount) {
      printf("  compute members differ from the vendor's\n");
      ok = false;
   }
   /* Promoted structures say what Vulkan14Properties says. */
   if (k.lines.lineSubPixelPrecisionBits != k.v14.lineSubPixelPrecisionBits ||
       k.divisor.maxVertexAttribDivisor != k.v14.maxVertexAttribDivisor ||
       k.divisor.supportsNonZeroFirstInstance != k.v14.supportsNonZeroFirstInstance ||
       k.push.maxPushDescriptors != k.v14.maxPushDescriptors ||
       k.m6.fragmentShadingRateClampCombinerInputs !=
          k.v14.fragmentShadingRateClampCombinerInputs ||
       k.m6.maxCombinedImageSamplerDescriptorCount !=
          k.v14.maxCombinedImageSamplerDescriptorCount) {
      printf("  a structure promoted to 1.4 disagrees with VkPhysicalDeviceVulkan14Properties\n");
      ok = false;
   }
   return ok;
}

static bool
test_layered_apis(void)
{
#ifndef VK_KHR_maintenance7
   printf("  the headers predate VK_KHR_maintenance7: nothing to check\n");
   return true;
#else
   if (!it_device_has_extension(kronos, VK_KHR_MAINTENANCE_7_EXTENSION_NAME)) {
      printf("  Kronos does not offer VK_KHR_maintenance7 here: nothing to check\n");
      return true;
   }
   VkPhysicalDeviceLayeredApiPropertiesListKHR list = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LAYERED_API_PROPERTIES_LIST_KHR};
   VkPhysicalDeviceProperties2 props = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                        .pNext = &list};
   vkGetPhysicalDeviceProperties2(kronos, &props);
   if (list.layeredApiCount != 1 || list.pLayeredApis) {
      printf("  count query: %u layered APIs (pointer %p), expected 1 and the null pointer kept\n",
             list.layeredApiCount, (void *)list.pLayeredApis);
      return false;
   }
   VkPhysicalDeviceLayeredApiVulkanPropertiesKHR vulkan = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LAYERED_API_VULKAN_PROPERTIES_KHR,
      .properties = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2},
   };
   VkPhysicalDeviceLayeredApiPropertiesKHR apis[2] = {
      {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LAYERED_API_PROPERTIES_KHR, .pNext = &vulkan},
      {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LAYERED_API_PROPERTIES_KHR},
   };
   list.layeredApiCount = 2;
   list.pLayeredApis = apis;
   vkGetPhysicalDeviceProperties2(kronos, &props);
   VkPhysicalDeviceProperties v;
   vkGetPhysicalDeviceProperties(vendor, &v);
   bool ok = list.pLayeredApis == apis && list.layeredApiCount == 1 &&
             apis[0].layeredAPI == VK_PHYSICAL_DEVICE_LAYERED_API_VULKAN_KHR &&
             apis[0].vendorID == v.vendorID && apis[0].deviceID == v.deviceID &&
             strcmp(apis[0].deviceName, v.deviceName) == 0 &&
             strcmp(vulkan.properties.properties.deviceName, v.deviceName) == 0 &&
             vulkan.properties.properties.apiVersion == v.apiVersion;
   if (!ok)
      printf("  layered APIs: count %u, API %d, vendor 0x%x device 0x%x '%s' (chained '%s'); the "
             "vendor is 0x%x 0x%x '%s'\n", list.layeredApiCount, (int)apis[0].layeredAPI,
             apis[0].vendorID, apis[0].deviceID, apis[0].deviceName,
             vulkan.properties.properties.deviceName, v.vendorID, v.deviceID, v.deviceName);
   return ok;
#endif
}

static bool
test_close(void)
{
   bool clean = it_validation_report();
   it_counting_instance_destroy(instance);
   return clean;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"setup", test_setup, true},
      {"vulkan14", test_vulkan14, false},
      {"layered_apis", test_layered_apis, false},
      {"close", test_close, false},
   };
   return IT_RUN_TESTS(tests);
}

#endif
