/* SPDX-License-Identifier: MIT */
/* Format queries, compute-only: format features lose what only graphics uses (attachments,
 * blits, vertex buffers, shading-rate and density maps, video), and image format queries that
 * ask for a graphics usage are not supported. The bits are KR_GRAPHICS_FORMAT_FEATURES(_2) and
 * KR_GRAPHICS_IMAGE_USAGES, generated from kronos_policy.py. */
#include <string.h>

#include "kr_entrypoints.h"
#include "kr_objects.h"
#include "kr_util.h"

static void
filter_format_features(VkFormatProperties *p)
{
   p->linearTilingFeatures &= ~KR_GRAPHICS_FORMAT_FEATURES;
   p->optimalTilingFeatures &= ~KR_GRAPHICS_FORMAT_FEATURES;
   p->bufferFeatures &= ~KR_GRAPHICS_FORMAT_FEATURES;
}

static void
filter_format_features3(VkFormatProperties3 *p)
{
   p->linearTilingFeatures &= ~KR_GRAPHICS_FORMAT_FEATURES_2;
   p->optimalTilingFeatures &= ~KR_GRAPHICS_FORMAT_FEATURES_2;
   p->bufferFeatures &= ~KR_GRAPHICS_FORMAT_FEATURES_2;
}

/* The format feature structures the vendor may fill behind VkFormatProperties2. */
static void
filter_format_chain(VkBaseOutStructure *chain)
{
   for (VkBaseOutStructure *s = chain; s; s = s->pNext) {
      switch (s->sType) {
      case VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3:
         filter_format_features3((VkFormatProperties3 *)s);
         break;
      case VK_STRUCTURE_TYPE_DRM_FORMAT_MODIFIER_PROPERTIES_LIST_EXT: {
         VkDrmFormatModifierPropertiesListEXT *list = (void *)s;
         for (uint32_t i = 0; list->pDrmFormatModifierProperties &&
                              i < list->drmFormatModifierCount; i++)
            list->pDrmFormatModifierProperties[i].drmFormatModifierTilingFeatures &=
               ~KR_GRAPHICS_FORMAT_FEATURES;
         break;
      }
      case VK_STRUCTURE_TYPE_DRM_FORMAT_MODIFIER_PROPERTIES_LIST_2_EXT: {
         VkDrmFormatModifierPropertiesList2EXT *list = (void *)s;
         for (uint32_t i = 0; list->pDrmFormatModifierProperties &&
                              i < list->drmFormatModifierCount; i++)
            list->pDrmFormatModifierProperties[i].drmFormatModifierTilingFeatures &=
               ~KR_GRAPHICS_FORMAT_FEATURES_2;
         break;
      }
      default:
         break;
      }
   }
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceFormatProperties(VkPhysicalDevice physicalDevice, VkFormat format,
                                     VkFormatProperties *pFormatProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   pd->disp->GetPhysicalDeviceFormatProperties(pd->handle, format, pFormatProperties);
   filter_format_features(pFormatProperties);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceFormatProperties2(VkPhysicalDevice physicalDevice, VkFormat format,
                                      VkFormatProperties2 *pFormatProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   pd->disp->GetPhysicalDeviceFormatProperties2(pd->handle, format, pFormatProperties);
   filter_format_features(&pFormatProperties->formatProperties);
   filter_format_chain(pFormatProperties->pNext);
}

/* The usage an image format query asks for, stencil usage included. */
static VkImageUsageFlags
requested_usage(const VkPhysicalDeviceImageFormatInfo2 *info)
{
   const VkImageStencilUsageCreateInfo *stencil =
      kr_chain_find(info->pNext, VK_STRUCTURE_TYPE_IMAGE_STENCIL_USAGE_CREATE_INFO);
   return info->usage | (stencil ? stencil->stencilUsage : 0);
}

static bool
is_graphics_usage(VkImageUsageFlags usage)
{
   return (usage & KR_GRAPHICS_IMAGE_USAGES) != 0;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetPhysicalDeviceImageFormatProperties(VkPhysicalDevice physicalDevice, VkFormat format,
                                          VkImageType type, VkImageTiling tiling,
                                          VkImageUsageFlags usage, VkImageCreateFlags flags,
                                          VkImageFormatProperties *pImageFormatProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   if (is_graphics_usage(usage)) {
      /* As the specification asks of an unsupported combination: every member zero. */
      memset(pImageFormatProperties, 0, sizeof(*pImageFormatProperties));
      return VK_ERROR_FORMAT_NOT_SUPPORTED;
   }
   return pd->disp->GetPhysicalDeviceImageFormatProperties(pd->handle, format, type, tiling,
                                                           usage, flags, pImageFormatProperties);
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_GetPhysicalDeviceImageFormatProperties2(VkPhysicalDevice physicalDevice,
                                           const VkPhysicalDeviceImageFormatInfo2 *pImageFormatInfo,
                                           VkImageFormatProperties2 *pImageFormatProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   if (is_graphics_usage(requested_usage(pImageFormatInfo))) {
      memset(&pImageFormatProperties->imageFormatProperties, 0,
             sizeof(pImageFormatProperties->imageFormatProperties));
      return VK_ERROR_FORMAT_NOT_SUPPORTED;
   }
   return pd->disp->GetPhysicalDeviceImageFormatProperties2(pd->handle, pImageFormatInfo,
                                                            pImageFormatProperties);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceSparseImageFormatProperties(VkPhysicalDevice physicalDevice, VkFormat format,
                                                VkImageType type, VkSampleCountFlagBits samples,
                                                VkImageUsageFlags usage, VkImageTiling tiling,
                                                uint32_t *pPropertyCount,
                                                VkSparseImageFormatProperties *pProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   if (is_graphics_usage(usage)) {
      *pPropertyCount = 0;
      return;
   }
   pd->disp->GetPhysicalDeviceSparseImageFormatProperties(pd->handle, format, type, samples,
                                                          usage, tiling, pPropertyCount,
                                                          pProperties);
}

VKAPI_ATTR void VKAPI_CALL
kr_GetPhysicalDeviceSparseImageFormatProperties2(
   VkPhysicalDevice physicalDevice, const VkPhysicalDeviceSparseImageFormatInfo2 *pFormatInfo,
   uint32_t *pPropertyCount, VkSparseImageFormatProperties2 *pProperties)
{
   struct kr_physical_device *pd = kr_physical_device_from_handle(physicalDevice);
   if (is_graphics_usage(pFormatInfo->usage)) {
      *pPropertyCount = 0;
      return;
   }
   pd->disp->GetPhysicalDeviceSparseImageFormatProperties2(pd->handle, pFormatInfo,
                                                           pPropertyCount, pProperties);
}
