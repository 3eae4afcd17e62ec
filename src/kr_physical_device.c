/* SPDX-License-Identifier: MIT */
/* Physical devices: captured once into compact, compute-only form; every query is answered
 * from that form. */
#include "kr_physical_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_properties_copy.h"
#include "kr_struct_chain.h"
#include "kr_util.h"
#include "kronos/kronos.h"


static VkResult
capture_extensions(struct kr_physical_device *pd)
{
   uint32_t count = 0;
   VkResult result = pd->disp->EnumerateDeviceExtensionProperties(pd->handle, NULL, &count, NULL);
   if (result != VK_SUCCESS)
      return result;
   VkExtensionProperties *props = kr_alloc(pd->instance->alloc, sizeof(*props) * KR_MAX(count, 1),
                                           8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!props)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   result = pd->disp->EnumerateDeviceExtensionProperties(pd->handle, NULL, &count, props);
   if (result >= 0) {
      for (uint32_t i = 0; i < count; i++) {
         int index = kr_device_extension_index(props[i].extensionName);
         if (index < 0)
            continue;
         kr_extensions_add(&pd->state.extensions, (unsigned)index);
         pd->state.extension_spec_versions[index] =
            KR_MIN(props[i].specVersion, kr_device_extensions[index].spec_version);
      }
      result = VK_SUCCESS;
   }
   kr_free(pd->instance->alloc, props);
   return result;
}

static VkResult
capture_features(struct kr_physical_device *pd)
{
   VkPhysicalDeviceFeatures2 *chain =
      kr_feature_chain_create(pd->instance->alloc, pd->api_version, &pd->state.extensions);
   if (!chain)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   pd->disp->GetPhysicalDeviceFeatures2(pd->handle, chain);
   kr_feature_chain_read(chain, &pd->state.features);
   kr_features_remove(&pd->state.features, &kr_graphics_features);
   kr_free(pd->instance->alloc, chain);
   return VK_SUCCESS;
}

/* Kronos names itself in the driver properties and is not a conformant implementation. */
static void
patch_driver_identity(char name[VK_MAX_DRIVER_NAME_SIZE], char info[VK_MAX_DRIVER_INFO_SIZE],
                      VkConformanceVersion *conformance)
{
   /* "over <vendor driver name> <vendor driver info>", truncated to fit. */
   char vendor_info[VK_MAX_DRIVER_INFO_SIZE];
   memcpy(vendor_info, info, sizeof(vendor_info));
   vendor_info[VK_MAX_DRIVER_INFO_SIZE - 1] = '\0';
   size_t n = (size_t)snprintf(info, VK_MAX_DRIVER_INFO_SIZE, "over %.*s ",
                               (int)strnlen(name, VK_MAX_DRIVER_NAME_SIZE), name);
   if (n < VK_MAX_DRIVER_INFO_SIZE)
      memcpy(info + n, vendor_info, KR_MIN(strlen(vendor_info) + 1, VK_MAX_DRIVER_INFO_SIZE - n));
   info[VK_MAX_DRIVER_INFO_SIZE - 1] = '\0';
   snprintf(name, VK_MAX_DRIVER_NAME_SIZE, "%s", KRONOS_DRIVER_NAME);
   memset(conformance, 0, sizeof(*conformance));
}

/* Host image copies are not offered (hostImageCopy reads VK_FALSE): no layouts, in both
 * structures that describe them (the same members). */
#define NO_HOST_IMAGE_COPY(p)                                                                     \
   do {                                                                                          \
      (p)->copySrcLayoutCount = 0;                                                               \
      (p)->pCopySrcLayouts = NULL;                                                               \
      (p)->copyDstLayoutCount = 0;                                                               \
      (p)->pCopyDstLayouts = NULL;                                                               \
      memset((p)->optimalTilingLayoutUUID, 0, sizeof((p)->optimalTilingLayoutUUID));            \
      (p)->identicalMemoryTypeRequirements = VK_FALSE;                                           \
   } while (0)

/* Maintenance5's graphics properties (fragment operations, depth/stencil, lines), in its own
 * structure and in Vulkan14Properties alike. */
#define NO_MAINTENANCE5_GRAPHICS(p)                                                               \
   do {                                                                                          \
      (p)->earlyFragmentMultisampleCoverageAfterSampleCounting = VK_FALSE;                       \
      (p)->earlyFragmentSampleMaskTestBeforeSampleCounting = VK_FALSE;                           \
      (p)->depthStencilSwizzleOneSupport = VK_FALSE;                                             \
      (p)->polygonModePointSize = VK_FALSE;                                                      \
      (p)->nonStrictSinglePixelWideLinesUseParallelogram = VK_FALSE;                             \
      (p)->nonStrictWideLinesUseParallelogram = VK_FALSE;                                        \
   } while (0)

static void
patch_properties(VkBaseOutStructure *s)
{
   switch (s->sType) {
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES: {
      VkPhysicalDeviceDriverProperties *p = (void *)s;
      patch_driver_identity(p->driverName, p->driverInfo, &p->conformanceVersion);
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES: {
      VkPhysicalDeviceVulkan12Properties *p = (void *)s;
      patch_driver_identity(p->driverName, p->driverInfo, &p->conformanceVersion);
      /* Resolve modes and framebuffer sample counts are graphics-only. */
      p->supportedDepthResolveModes = 0;
      p->supportedStencilResolveModes = 0;
      p->independentResolveNone = VK_FALSE;
      p->independentResolve = VK_FALSE;
      p->framebufferIntegerColorSampleCounts = 0;
      p->maxPerStageDescriptorUpdateAfterBindInputAttachments = 0;
      p->maxDescriptorSetUpdateAfterBindInputAttachments = 0;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DEPTH_STENCIL_RESOLVE_PROPERTIES: {
      VkPhysicalDeviceDepthStencilResolveProperties *p = (void *)s;
      p->supportedDepthResolveModes = 0;
      p->supportedStencilResolveModes = 0;
      p->independentResolveNone = VK_FALSE;
      p->independentResolve = VK_FALSE;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES: {
      VkPhysicalDeviceVulkan11Properties *p = (void *)s;
      p->subgroupSupportedStages &= VK_SHADER_STAGE_COMPUTE_BIT;
      p->maxMultiviewViewCount = 0;
      p->maxMultiviewInstanceIndex = 0;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES: {
      VkPhysicalDeviceSubgroupProperties *p = (void *)s;
      p->supportedStages &= VK_SHADER_STAGE_COMPUTE_BIT;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES: {
      VkPhysicalDeviceVulkan13Properties *p = (void *)s;
      p->requiredSubgroupSizeStages &= VK_SHADER_STAGE_COMPUTE_BIT;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES: {
      VkPhysicalDeviceSubgroupSizeControlProperties *p = (void *)s;
      p->requiredSubgroupSizeStages &= VK_SHADER_STAGE_COMPUTE_BIT;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_PROPERTIES: {
      VkPhysicalDeviceMultiviewProperties *p = (void *)s;
      p->maxMultiviewViewCount = 0;
      p->maxMultiviewInstanceIndex = 0;
      break;
   }
#ifdef VK_VERSION_1_4
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_4_PROPERTIES: {
      VkPhysicalDeviceVulkan14Properties *p = (void *)s;
      /* Lines, vertex input, dynamic rendering and fragment operations are graphics. */
      p->lineSubPixelPrecisionBits = 0;
      p->maxVertexAttribDivisor = 0;
      p->supportsNonZeroFirstInstance = VK_FALSE;
      p->dynamicRenderingLocalReadDepthStencilAttachments = VK_FALSE;
      p->dynamicRenderingLocalReadMultisampledAttachments = VK_FALSE;
      NO_MAINTENANCE5_GRAPHICS(p);
      p->fragmentShadingRateClampCombinerInputs = VK_FALSE;
      NO_HOST_IMAGE_COPY(p);
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_HOST_IMAGE_COPY_PROPERTIES: {
      VkPhysicalDeviceHostImageCopyProperties *p = (void *)s;
      NO_HOST_IMAGE_COPY(p);
      break;
   }
   /* The structures promoted to 1.4 say what Vulkan14Properties says. */
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LINE_RASTERIZATION_PROPERTIES: {
      VkPhysicalDeviceLineRasterizationProperties *p = (void *)s;
      p->lineSubPixelPrecisionBits = 0;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VERTEX_ATTRIBUTE_DIVISOR_PROPERTIES: {
      VkPhysicalDeviceVertexAttributeDivisorProperties *p = (void *)s;
      p->maxVertexAttribDivisor = 0;
      p->supportsNonZeroFirstInstance = VK_FALSE;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_6_PROPERTIES: {
      VkPhysicalDeviceMaintenance6Properties *p = (void *)s;
      p->fragmentShadingRateClampCombinerInputs = VK_FALSE;
      break;
   }
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_5_PROPERTIES: {
      VkPhysicalDeviceMaintenance5Properties *p = (void *)s;
      NO_MAINTENANCE5_GRAPHICS(p);
      break;
   }
#endif
   default:
      break;
   }
}

static VkResult
capture_properties(struct kr_physical_device *pd)
{
   VkPhysicalDeviceProperties2 *chain =
      kr_property_chain_create(pd->instance->alloc, pd->api_version, &pd->state.extensions);
   if (!chain)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   pd->disp->GetPhysicalDeviceProperties2(pd->handle, chain);

   const VkPhysicalDeviceProperties *p = &chain->properties;
   pd->state.driver_version = p->driverVersion;
   pd->state.vendor_id = p->vendorID;
   pd->state.device_id = p->deviceID;
   pd->state.device_type = p->deviceType;
   int room = (int)(sizeof(pd->state.device_name) - sizeof(KRONOS_DEVICE_NAME_PREFIX ")"));
   snprintf(pd->state.device_name, sizeof(pd->state.device_name),
            KRONOS_DEVICE_NAME_PREFIX "%.*s)", room, p->deviceName);
   memcpy(pd->state.pipeline_cache_uuid, p->pipelineCacheUUID, VK_UUID_SIZE);
   kr_limits_pack(&p->limits, &pd->state.limits);
   pd->state.sparse = p->sparseProperties;

   /* Keep each extension structure on its own (the chain block is freed). */
   VkResult result = VK_SUCCESS;
   for (VkBaseOutStructure *s = chain->pNext; s; s = s->pNext) {
      const struct kr_struct_desc *desc = kr_property_struct_find(s->sType);
      unsigned index = (unsigned)(desc - kr_property_structs);
      void *copy = kr_alloc(pd->instance->alloc, desc->size, 8,
                            VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
      if (!copy) {
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
         break;
      }
      memcpy(copy, s, desc->size);
      ((VkBaseOutStructure *)copy)->pNext = NULL;
      patch_properties(copy);
      pd->state.properties[index] = copy;
   }
   kr_free(pd->instance->alloc, chain);
   return result;
}

static void
capture_queues_and_memory(struct kr_physical_device *pd)
{
   VkQueueFamilyProperties families[KR_MAX_QUEUE_FAMILIES];
   uint32_t count = KR_MAX_QUEUE_FAMILIES;
   pd->disp->GetPhysicalDeviceQueueFamilyProperties(pd->handle, &count, families);
   pd->state.queue_family_count =
      kr_queue_families_compact(families, count, pd->state.queue_families);
   kr_queue_family_map_init(&pd->state.queue_family_map, families, count);

   VkPhysicalDeviceMemoryProperties memory;
   pd->disp->GetPhysicalDeviceMemoryProperties(pd->handle, &memory);
   kr_memory_compact(&memory, &pd->state.memory);
}

void
kr_physical_device_destroy(struct kr_physical_device *pd)
{
   if (!pd)
      return;
   for (unsigned i = 0; i < KR_PROPERTY_STRUCT_COUNT; i++)
      kr_free(pd->instance->alloc, pd->state.properties[i]);
   kr_free(pd->instance->alloc, pd);
}

VkResult
kr_physical_device_create(struct kr_instance *instance, struct kr_vendor_instance *vendor,
                          VkPhysicalDevice handle, struct kr_physical_device **out)
{
   struct kr_physical_device *pd = kr_zalloc(instance->alloc, sizeof(*pd), 8,
                                             VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   if (!pd)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   set_loader_magic_value(pd);
   pd->instance = instance;
   pd->vendor = vendor;
   pd->disp = &vendor->disp;
   pd->handle = handle;

   VkPhysicalDeviceProperties props;
   pd->disp->GetPhysicalDeviceProperties(handle, &props);
   pd->state.api_version = KR_MIN(props.apiVersion, KR_API_VERSION);
   pd->api_version = kr_effective_api_version(vendor->api_version, pd->state.api_version);
   VkResult result = VK_ERROR_INCOMPATIBLE_DRIVER;
   if (kr_version_minor(pd->api_version) < VK_API_VERSION_1_1) {
      kr_warn("%s (%s): Vulkan 1.0 device; Kronos needs 1.1", props.deviceName,
              kr_vendor_name(vendor->vendor));
      goto fail;
   }
   result = capture_extensions(pd);
   if (result == VK_SUCCESS)
      result = capture_features(pd);
   if (result == VK_SUCCESS)
      result = capture_properties(pd);
   if (result != VK_SUCCESS)
      goto fail;
   capture_queues_and_memory(pd);
   kr_info("offering %s", pd->state.device_name);
   *out = pd;
   return VK_SUCCESS;

fail:
   kr_physical_device_destroy(pd);
   return result;
}

/* --- queries ------------------------------------------------------------------------------ */

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceFeatures(VkPhysicalDevice physicalDevice, VkPhysicalDeviceFeatures *pFeatures)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   memset(pFeatures, 0, sizeof(*pFeatures));
   kr_features_write_struct(&kr_feature_structs[0], &pd->state.features, pFeatures);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceFeatures2(VkPhysicalDevice physicalDevice, VkPhysicalDeviceFeatures2 *pFeatures)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   kr_feature_chain_write(pFeatures, &pd->state.features);
}

static void
fill_properties(const struct kr_physical_device *pd, VkPhysicalDeviceProperties *p)
{
   memset(p, 0, sizeof(*p));
   p->apiVersion = pd->state.api_version;
   p->driverVersion = pd->state.driver_version;
   p->vendorID = pd->state.vendor_id;
   p->deviceID = pd->state.device_id;
   p->deviceType = pd->state.device_type;
   memcpy(p->deviceName, pd->state.device_name, sizeof(p->deviceName));
   memcpy(p->pipelineCacheUUID, pd->state.pipeline_cache_uuid, VK_UUID_SIZE);
   kr_limits_unpack(&pd->state.limits, &p->limits);
   p->sparseProperties = pd->state.sparse;
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceProperties(VkPhysicalDevice physicalDevice,
                               VkPhysicalDeviceProperties *pProperties)
{
   fill_properties(kr_physical_device_from_handle(physicalDevice), pProperties);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceProperties2(VkPhysicalDevice physicalDevice,
                                VkPhysicalDeviceProperties2 *pProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   fill_properties(pd, &pProperties->properties);
   /* Each structure the device offers is copied without touching the application's pNext;
    * structures Kronos does not offer are left as the application gave them. */
   for (VkBaseOutStructure *s = pProperties->pNext; s; s = s->pNext) {
      const struct kr_struct_desc *desc = kr_property_struct_find(s->sType);
      if (!desc)
         continue;
      const void *captured = pd->state.properties[desc - kr_property_structs];
      if (captured)
         kr_properties_copy(pd, s, captured, desc->size);
   }
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceQueueFamilyProperties(VkPhysicalDevice physicalDevice, uint32_t *pCount,
                                          VkQueueFamilyProperties *pProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   if (!pProperties) {
      *pCount = pd->state.queue_family_count;
      return;
   }
   *pCount = KR_MIN(*pCount, pd->state.queue_family_count);
   for (uint32_t i = 0; i < *pCount; i++)
      kr_queue_family_expand(&pd->state.queue_families[i], &pProperties[i]);
}

/* Extension structures chained to the application's families (global priorities, ...) are
 * the vendor's: each is filled by the vendor for the vendor family it maps to, in one query
 * whose entries lead to the application's chains (and to none for families Kronos drops). */
static void
query_vendor_family_extensions(const struct kr_physical_device *pd, uint32_t count,
                               VkQueueFamilyProperties2 *families)
{
   const struct kr_queue_family_map *map = &pd->state.queue_family_map;
   bool extended = false;
   for (uint32_t i = 0; i < count; i++)
      extended = extended || families[i].pNext;
   if (!extended)
      return;
   VkQueueFamilyProperties2 vendor[KR_MAX_QUEUE_FAMILIES];
   for (uint32_t v = 0; v < map->vendor_count; v++)
      vendor[v] = (VkQueueFamilyProperties2){.sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2};
   for (uint32_t i = 0; i < count; i++)
      vendor[kr_queue_family_to_vendor(map, i)].pNext = families[i].pNext;
   uint32_t vendor_count = map->vendor_count;
   pd->disp->GetPhysicalDeviceQueueFamilyProperties2(pd->handle, &vendor_count, vendor);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceQueueFamilyProperties2(VkPhysicalDevice physicalDevice, uint32_t *pCount,
                                           VkQueueFamilyProperties2 *pProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   if (!pProperties) {
      *pCount = pd->state.queue_family_count;
      return;
   }
   *pCount = KR_MIN(*pCount, pd->state.queue_family_count);
   query_vendor_family_extensions(pd, *pCount, pProperties);
   for (uint32_t i = 0; i < *pCount; i++)
      kr_queue_family_expand(&pd->state.queue_families[i],
                             &pProperties[i].queueFamilyProperties);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceMemoryProperties(VkPhysicalDevice physicalDevice,
                                     VkPhysicalDeviceMemoryProperties *pProperties)
{
   kr_memory_expand(&kr_physical_device_from_handle(physicalDevice)->state.memory, pProperties);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceMemoryProperties2(VkPhysicalDevice physicalDevice,
                                      VkPhysicalDeviceMemoryProperties2 *pProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   /* Budgets change over time: structures chained behind come from the vendor, live. */
   if (pProperties->pNext)
      pd->disp->GetPhysicalDeviceMemoryProperties2(pd->handle, pProperties);
   kr_memory_expand(&pd->state.memory, &pProperties->memoryProperties);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_EnumerateDeviceExtensionProperties(VkPhysicalDevice physicalDevice, const char *pLayerName,
                                      uint32_t *pPropertyCount, VkExtensionProperties *pProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   if (pLayerName)
      return VK_ERROR_LAYER_NOT_PRESENT;
   VkExtensionProperties props[KR_DEVICE_EXTENSION_COUNT];
   uint32_t count = 0;
   for (unsigned i = 0; i < KR_DEVICE_EXTENSION_COUNT; i++) {
      if (!kr_extensions_test(&pd->state.extensions, i))
         continue;
      memset(&props[count], 0, sizeof(props[count]));
      strcpy(props[count].extensionName, kr_device_extensions[i].name);
      props[count].specVersion = pd->state.extension_spec_versions[i];
      count++;
   }
   return kr_write_array(pProperties, pPropertyCount, props, count, sizeof(props[0]));
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_EnumerateDeviceLayerProperties(VkPhysicalDevice physicalDevice, uint32_t *pPropertyCount,
                                  VkLayerProperties *pProperties)
{
   (void)physicalDevice;
   (void)pProperties;
   *pPropertyCount = 0;
   return VK_SUCCESS;
}
