/* SPDX-License-Identifier: MIT */
#include "kr_properties_copy.h"

#include <string.h>

static void
copy_body(VkBaseOutStructure *s, const void *captured, size_t size)
{
   size_t header = sizeof(VkBaseOutStructure);
   memcpy((uint8_t *)s + header, (const uint8_t *)captured + header, size - header);
}

/* The captured body, the application's copy layout arrays kept (the two structures that have
 * them name them alike). */
#define KEEP_LAYOUT_ARRAYS(p, captured, size)                                                    \
   do {                                                                                          \
      VkImageLayout *src = (p)->pCopySrcLayouts, *dst = (p)->pCopyDstLayouts;                    \
      copy_body((VkBaseOutStructure *)(p), captured, size);                                      \
      (p)->pCopySrcLayouts = src;                                                                \
      (p)->pCopyDstLayouts = dst;                                                                \
   } while (0)

#ifdef VK_KHR_maintenance7
/* Kronos is a layered implementation: the one layer beneath it is the vendor's Vulkan device.
 * Its entries go into the application's array (none when the application asks for none); a
 * VkPhysicalDeviceLayeredApiVulkanPropertiesKHR chained to the entry gets the vendor device's
 * own properties. */
static void
layered_apis(struct kr_physical_device *pd, VkPhysicalDeviceLayeredApiPropertiesListKHR *list)
{
   if (!list->pLayeredApis) {
      list->layeredApiCount = 1;
      return;
   }
   if (list->layeredApiCount == 0)
      return;
   list->layeredApiCount = 1;
   VkPhysicalDeviceLayeredApiPropertiesKHR *api = &list->pLayeredApis[0];
   VkPhysicalDeviceProperties vendor;
   pd->disp->GetPhysicalDeviceProperties(pd->handle, &vendor);
   api->vendorID = vendor.vendorID;
   api->deviceID = vendor.deviceID;
   api->layeredAPI = VK_PHYSICAL_DEVICE_LAYERED_API_VULKAN_KHR;
   memcpy(api->deviceName, vendor.deviceName, sizeof(api->deviceName));
   for (VkBaseOutStructure *next = api->pNext; next; next = next->pNext) {
      if (next->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LAYERED_API_VULKAN_PROPERTIES_KHR) {
         VkPhysicalDeviceLayeredApiVulkanPropertiesKHR *vk = (void *)next;
         pd->disp->GetPhysicalDeviceProperties2(pd->handle, &vk->properties);
      }
   }
}
#endif

void
kr_properties_copy(struct kr_physical_device *pd, VkBaseOutStructure *s, const void *captured,
                   size_t size)
{
   (void)pd; /* only for the layered APIs, which the headers may not know */
   switch (s->sType) {
#ifdef VK_VERSION_1_4
   /* Host image copy layouts: none (patch_properties), and the application's arrays stay. */
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_4_PROPERTIES:
      KEEP_LAYOUT_ARRAYS((VkPhysicalDeviceVulkan14Properties *)s, captured, size);
      return;
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_HOST_IMAGE_COPY_PROPERTIES:
      KEEP_LAYOUT_ARRAYS((VkPhysicalDeviceHostImageCopyProperties *)s, captured, size);
      return;
#endif
#ifdef VK_KHR_maintenance7
   case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_LAYERED_API_PROPERTIES_LIST_KHR:
      layered_apis(pd, (VkPhysicalDeviceLayeredApiPropertiesListKHR *)s);
      return;
#endif
   default:
      copy_body(s, captured, size);
      return;
   }
}
